"""Normalization: rescale activations to a standard spread, so that deep stacks train stably.

Each normalization standardizes x to x̂ = (x - mean) / √(var + eps) over some axes, then lets the
network choose the spread it wants back with a learned scale and shift, y = x̂ · w + b. They differ
in which numbers share one mean and variance.
"""

import math

import numpy as np

from .. import backend
from ..autograd import Function, InputError
from .padding import pad
from .pointwise import sqrt
from .reduce import column_sums, row_sums
from .shape import expand


def standardize(xp, x, axes, eps):
    """(x̂, mean, var, inv_std): x̂ = (x - mean) · inv_std, inv_std = 1 / √(var + eps), the mean and
    the (biased) variance taken over axes and kept as size-1 axes."""
    mean = x.mean(axis=axes, keepdims=True)
    x_hat = x - mean
    var = (x_hat * x_hat).mean(axis=axes, keepdims=True)
    inv_std = 1.0 / xp.sqrt(var + eps)
    x_hat *= inv_std
    return x_hat, mean, var, inv_std


def standardized_input_grad(g, x_hat, inv_std, axes):
    """dL/dx of x̂ = (x - mean) · inv_std when the mean and variance over axes come from x itself,
    given g = dL/dx̂: (g - mean(g) - x̂ · mean(g · x̂)) · inv_std. The two means are what every x
    contributes through the statistics; without them this would be just g · inv_std."""
    grad = g - g.mean(axis=axes, keepdims=True)
    grad -= x_hat * (g * x_hat).mean(axis=axes, keepdims=True)
    grad *= inv_std
    return grad


def _scale_shift(x_hat, weight, bias, channel_shape):
    """x̂ · w + b per channel, w and b each optional (None)."""
    out = x_hat.copy() if weight is None else x_hat * weight.reshape(channel_shape)
    if bias is not None:
        out += bias.reshape(channel_shape)
    return out


def _affine_grads(ctx, grad, x_hat, axes):
    """Σ dL/dy · x̂ for the weight and Σ dL/dy for the bias, over every axis but the channels."""
    return ((grad * x_hat).sum(axis=axes) if ctx.needs_input_grad[1] else None,
            grad.sum(axis=axes) if ctx.needs_input_grad[2] else None)


def _scaled_grad(grad, weight, channel_shape):
    """dL/dx̂ = dL/dy · w (w per channel, or none)."""
    return grad if weight is None else grad * weight.reshape(channel_shape)


# ---------------------------------------------------------------------------------------------
# Batch normalization (CNNs): statistics of each channel over the batch.

class BatchNorm(Function):
    """Each channel standardized with the mean and variance of the batch, then · w + b. It keeps every
    layer's inputs at a steady spread while the layers before it change, which allows larger learning
    rates and makes deep networks (ResNets) train reliably.

    x (N, C, *): the statistics of channel c are over all of x[:, c]. In training, the batch's
    statistics are used and running averages of them are kept (running = (mean, var) arrays, updated
    in place: r ← (1 - momentum)·r + momentum·batch value, the variance unbiased, n/(n-1) times the
    biased one, as PyTorch). In evaluation those running averages are used instead, so a single
    example gives the same answer whatever batch it comes in.
    """

    def forward(ctx, x, weight, bias, *, training, running, momentum, eps):
        xp = ctx.xp
        axes = (0,) + tuple(range(2, x.ndim))
        channel_shape = (1, -1) + (1,) * (x.ndim - 2)
        if training:
            x_hat, mean, var, inv_std = standardize(xp, x, axes, eps)
            if running is not None and x.size:  # an empty batch leaves them as they are
                n = x.size // x.shape[1]
                running_mean, running_var = running
                running_mean *= 1.0 - momentum
                running_mean += momentum * mean.reshape(-1)
                running_var *= 1.0 - momentum
                running_var += (momentum * n / (n - 1)) * var.reshape(-1)
        else:
            # var + eps in float64, as PyTorch's kernel (a float32 variance of -eps is not then 0)
            inv_std = (1.0 / xp.sqrt(running[1].astype(xp.float64) + eps)).astype(x.dtype).reshape(channel_shape)
            x_hat = x - running[0].reshape(channel_shape)
            x_hat *= inv_std
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.training, ctx.axes = training, axes
        return _scale_shift(x_hat, weight, bias, channel_shape)

    def backward(ctx, grad):
        x_hat, inv_std, weight = ctx.saved
        grad_x = None
        if ctx.needs_input_grad[0]:
            g = _scaled_grad(grad, weight, inv_std.shape)
            grad_x = standardized_input_grad(g, x_hat, inv_std, ctx.axes) if ctx.training else g * inv_std
        return (grad_x, *_affine_grads(ctx, grad, x_hat, ctx.axes))


class SyncBatchNorm(Function):
    """Batch normalization in data-parallel training, with the statistics of the whole batch, which is spread
    over several processes: every rank sums its share per channel, and `reduce` (a sum over the ranks, in
    place) makes those sums the whole batch's, first of x (the mean), then of (x - mean)² (the variance), as
    one process holding the whole batch computes them. Backward does the same for the two means that the
    input gradient needs (of g and of g · x̂); the weight and bias gradients stay this rank's sums, which
    DistributedDataParallel averages with the others.

    x (N, C, *) on each rank; running = (mean, var) arrays updated in place as BatchNorm's, the variance
    unbiased over the whole batch's count.
    """

    def forward(ctx, x, weight, bias, *, running, momentum, eps, reduce):
        xp = ctx.xp
        axes = (0,) + tuple(range(2, x.ndim))
        channel_shape = (1, -1) + (1,) * (x.ndim - 2)
        sums = xp.concatenate([x.sum(axis=axes), xp.asarray([x.size // x.shape[1]], x.dtype)])
        reduce(sums)
        count = sums[-1]
        mean = (sums[:-1] / count).reshape(channel_shape)
        x_hat = x - mean
        var = (x_hat * x_hat).sum(axis=axes)
        reduce(var)
        var /= count
        inv_std = (1.0 / xp.sqrt(var + eps)).reshape(channel_shape)
        x_hat *= inv_std
        if running is not None:
            running_mean, running_var = running
            running_mean *= 1.0 - momentum
            running_mean += momentum * mean.reshape(-1)
            running_var *= 1.0 - momentum
            running_var += (momentum * count / (count - 1)) * var
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.axes, ctx.reduce, ctx.count = axes, reduce, count
        return _scale_shift(x_hat, weight, bias, channel_shape)

    def backward(ctx, grad):
        x_hat, inv_std, weight = ctx.saved
        grad_x = None
        if ctx.needs_input_grad[0]:
            g = _scaled_grad(grad, weight, inv_std.shape)
            sums = ctx.xp.concatenate([g.sum(axis=ctx.axes), (g * x_hat).sum(axis=ctx.axes)])
            ctx.reduce(sums)
            mean_g, mean_gx = (part.reshape(inv_std.shape) / ctx.count for part in ctx.xp.split(sums, 2))
            grad_x = (g - mean_g - x_hat * mean_gx) * inv_std
        return (grad_x, *_affine_grads(ctx, grad, x_hat, ctx.axes))


# ---------------------------------------------------------------------------------------------
# Group normalization: statistics of each example over groups of channels.

class GroupNorm(Function):
    """The channels of each example split into `groups` groups, each standardized with its own mean
    and variance, then · w + b per channel. It does not depend on the batch (works for batches of
    one, and alike in training and evaluation); groups = 1 is layer norm over (C, *), groups = C is
    instance norm. x (N, C, *) -> the same shape.
    """

    def forward(ctx, x, weight, bias, *, groups, eps):
        grouped = x.reshape(x.shape[0], groups, math.prod(x.shape[1:]) // groups)
        x_hat, _, _, inv_std = standardize(ctx.xp, grouped, (2,), eps)
        x_hat = x_hat.reshape(x.shape)
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.groups = groups
        return _scale_shift(x_hat, weight, bias, (1, -1) + (1,) * (x.ndim - 2))

    def backward(ctx, grad):
        x_hat, inv_std, weight = ctx.saved
        grad_x = None
        if ctx.needs_input_grad[0]:
            g = _scaled_grad(grad, weight, (1, -1) + (1,) * (grad.ndim - 2))
            n = grad.shape[0]
            grouped = (n, ctx.groups, math.prod(grad.shape[1:]) // ctx.groups)
            grad_x = standardized_input_grad(g.reshape(grouped), x_hat.reshape(grouped),
                                             inv_std, (2,)).reshape(grad.shape)
        return (grad_x, *_affine_grads(ctx, grad, x_hat, (0,) + tuple(range(2, grad.ndim))))


# ---------------------------------------------------------------------------------------------
# Layer normalization (Transformers): statistics over each example's own features.

class LayerNorm(Function):
    """(x - mean) / √(var + eps) · w + b, the statistics taken over the last axes of each example.

    Unlike batch normalization it needs no batch and behaves the same in training and evaluation,
    which is why Transformers use it. Backward, with x̂ the normalized input and g = dL/dx̂ = dL/dy · w:
    dx = (g - mean(g) - x̂ · mean(g · x̂)) / √(var + eps); dw = Σ dL/dy · x̂; db = Σ dL/dy. That is
    standardized_input_grad's formula, written here on x as a matrix of rows (one per example, of
    the n normalized numbers) so that every sum is one BLAS product (twice as fast in a GPT step).
    """

    centered = True  # RMSNorm, below, is this without subtracting the mean

    def forward(ctx, x, weight, bias, *, normalized_shape, eps):
        xp = ctx.xp
        ctx.input_shape, ctx.normalized_shape = x.shape, normalized_shape
        n = math.prod(normalized_shape)
        x = x.reshape(-1, n)
        if ctx.centered:
            x = x - (row_sums(xp, x) * (1.0 / n))[:, None]
        inv_std = 1.0 / xp.sqrt(row_sums(xp, x * x) * (1.0 / n) + eps)[:, None]
        inference = True not in ctx.needs_input_grad  # nothing is saved: the new arrays may be written over
        normalized = _in_place(xp.multiply, x, inv_std, inference and ctx.centered)  # centered x is new
        ctx.save_for_backward(normalized, inv_std, weight)
        out = normalized
        if weight is not None:
            out = _in_place(xp.multiply, out, weight.reshape(n), inference)
        if bias is not None:
            out = _in_place(xp.add, out, bias.reshape(n), inference or weight is not None)
        return out.reshape(ctx.input_shape)

    def backward(ctx, grad):
        xp = ctx.xp
        normalized, inv_std, weight = ctx.saved
        rows, n = normalized.shape
        grad = grad.reshape(rows, n)
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            g = _scaled_grad(grad, weight, n)
            correction = normalized * (row_sums(xp, g * normalized) * (1.0 / n))[:, None]
            if ctx.centered:
                correction += (row_sums(xp, g) * (1.0 / n))[:, None]
            grad_x = g - correction
            grad_x *= inv_std
            grad_x = grad_x.reshape(ctx.input_shape)
        if ctx.needs_input_grad[1]:
            grad_w = column_sums(xp, grad * normalized).reshape(ctx.normalized_shape)
        if ctx.needs_input_grad[2]:
            grad_b = column_sums(xp, grad).reshape(ctx.normalized_shape)
        return grad_x, grad_w, grad_b


def _in_place(ufunc, a, b, overwrite):
    """ufunc(a, b), written into a when overwrite (a is a new array that nothing else holds)."""
    return ufunc(a, b, out=a) if overwrite else ufunc(a, b)


class RMSNorm(LayerNorm):
    """x / √(mean(x²) + eps) · w: layer normalization without centering (cheaper, as good in practice)."""

    centered = False


# ---------------------------------------------------------------------------------------------
# The functions users call.

def _check_per_channel(name, x, tensors):
    channels = x.shape[1]
    for what, t in tensors.items():
        if t is None:
            continue
        if tuple(t.shape) != (channels,):
            raise InputError(f"{name}: expected {what} of shape ({channels},) for an input with {channels} "
                             f"channels, got {tuple(t.shape)}")
        if t.dtype != x.dtype:
            raise InputError(f"{name}: {what} is {t.dtype} but the input is {x.dtype}")


def _check_input(name, x):
    if x.ndim < 2:
        raise InputError(f"{name}: expected input (N, C, *), got {tuple(x.shape)}")
    if backend.kind_of(x.dtype) != "f":
        raise TypeError(f"{name} needs a floating point tensor, got {x.dtype}")


def _check_channel_norm(name, x, running_mean, running_var, weight, bias):
    """The checks of batch and instance normalization: x (N, C, *) floating, the running statistics given
    both or neither, and each per-channel tensor of shape (C,) and x's dtype."""
    _check_input(name, x)
    _check_per_channel(name, x, {"running_mean": running_mean, "running_var": running_var, "weight": weight,
                                 "bias": bias})
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{name}: give both running_mean and running_var, or neither")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    """Batch normalization of input (N, C, *) per channel. training: use the batch's statistics and
    update running_mean/running_var in place (when given); otherwise use them."""
    name = "batch_norm"
    _check_channel_norm(name, input, running_mean, running_var, weight, bias)
    if not training and running_mean is None:
        raise ValueError(f"{name}: evaluation (training=False) needs running_mean and running_var")
    if training and input.shape[0] * math.prod(input.shape[2:]) == 1:
        raise ValueError(f"{name}: expected more than 1 value per channel when training, got input of shape "
                         f"{tuple(input.shape)}")
    running = None if running_mean is None else (running_mean.array, running_var.array)
    return BatchNorm.apply(input, weight, bias, training=bool(training), running=running, momentum=float(momentum),
                           eps=float(eps))


def sync_batch_norm(input, running_mean, running_var, weight, bias, momentum, eps, reduce):  # noqa: A002
    """Training-mode batch normalization of input (N, C, *), each rank's share of one batch, with the whole
    batch's statistics: reduce(array) sums an array over the ranks in place (SyncBatchNorm's forward)."""
    name = "sync_batch_norm"
    _check_channel_norm(name, input, running_mean, running_var, weight, bias)
    running = None if running_mean is None else (running_mean.array, running_var.array)
    return SyncBatchNorm.apply(input, weight, bias, running=running, momentum=float(momentum), eps=float(eps),
                               reduce=reduce)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Group normalization of input (N, C, *): each example's C channels in num_groups groups, each
    standardized on its own, then · weight + bias per channel (each optional)."""
    name = "group_norm"
    _check_input(name, input)
    if isinstance(num_groups, bool) or not isinstance(num_groups, int) or num_groups < 1 \
            or input.shape[1] % num_groups:
        raise InputError(f"{name}: num_groups must divide the {input.shape[1]} channels of the input, got "
                         f"{num_groups!r}")
    if input.shape[0] * input.shape[1] // num_groups * math.prod(input.shape[2:]) == 1:
        raise ValueError(f"{name}: expected more than 1 value per group, got input of shape {tuple(input.shape)} "
                         f"in {num_groups} groups")
    _check_per_channel(name, input, {"weight": weight, "bias": bias})
    return GroupNorm.apply(input, weight, bias, groups=num_groups, eps=float(eps))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,  # noqa: A002
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Instance normalization of input (N, C, *): each channel of each example standardized on its own
    (style transfer: the contrast of one image, not of the batch), then · weight + bias per channel.
    use_input_stats: use each instance's statistics, and update running_mean/running_var (when given)
    with their averages over the batch; otherwise normalize with the running ones."""
    name = "instance_norm"
    _check_channel_norm(name, input, running_mean, running_var, weight, bias)
    if not use_input_stats:
        if running_mean is None:
            raise ValueError(f"{name}: use_input_stats=False needs running_mean and running_var")
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    if math.prod(input.shape[2:]) == 1:
        raise ValueError(f"{name}: expected more than 1 spatial element when training, got input of shape "
                         f"{tuple(input.shape)}")
    if running_mean is not None:
        _update_instance_stats(input.array, running_mean.array, running_var.array, float(momentum))
    return group_norm(input, input.shape[1], weight, bias, eps)  # one group per channel: an instance each


def _update_instance_stats(x, running_mean, running_var, momentum):
    """running ← (1 - momentum)·running + momentum·(each channel's statistic averaged over the
    examples), in place, with the unbiased variance of each instance (as PyTorch)."""
    instances = x.reshape(x.shape[0], x.shape[1], -1)
    running_mean *= 1.0 - momentum
    running_mean += momentum * instances.mean(axis=2).mean(axis=0)
    running_var *= 1.0 - momentum
    running_var += momentum * instances.var(axis=2, ddof=1).mean(axis=0)


def _channel_window_sums(x, before, after):
    """Σ of x (N, C, *) over the channels c - before ... c + after, for each channel c (outside: 0)."""
    channels = x.shape[1]
    padded = pad(x, (0, 0) * (x.ndim - 2) + (before, after))
    return sum(padded[:, j:j + channels] for j in range(before + after + 1))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    """Each x divided by (k + α · mean of x² over size neighbouring channels)^β: neighbouring feature
    maps compete, as neurons inhibit their neighbours (AlexNet). input (N, C, *), the same shape out."""
    if input.ndim < 3:
        raise ValueError(f"local_response_norm: expected 3D or higher dimensionality input, got {input.ndim} "
                         "dimensions")
    if input.numel() == 0:
        return input
    mean_squares = _channel_window_sums(input * input, size // 2, (size - 1) // 2) / size
    return input / (mean_squares * alpha + k) ** beta


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    """x · (k + α/size · Σ x²)^-β, the sum over the channels c - r ... c + r, r = ⌊(size - 1)/2⌋, as the
    legacy CrossMapLRN2d computes it, which also keeps channel 0 in every sum (its running sum never
    drops it): kept so that the numbers equal PyTorch's. input (N, C, H, W)."""
    if input.ndim != 4:
        raise ValueError(f"CrossMapLRN2d: expected input to be 4D, got {input.ndim}D instead")
    reach = (size - 1) // 2
    squares = input * input
    sums = _channel_window_sums(squares, reach, reach)
    n, channels, height, width = input.shape
    if channels > reach + 1:  # channel 0, in the sums of the channels whose window misses it
        first = expand(squares[:, :1], (n, channels - reach - 1, height, width))
        sums = sums + pad(first, (0, 0, 0, 0, reach + 1, 0))
    return input * (sums * (alpha / size) + k) ** -beta


def check_normalized_shape(x, normalized_shape, who):
    """x must end in normalized_shape (an int or a tuple); who (e.g. "LayerNorm 'ln1'") names the caller.
    Returns normalized_shape as a tuple."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not all(isinstance(n, int) for n in shape):
        raise TypeError(f"{who}: normalized_shape must be an int or a sequence of ints, got {normalized_shape!r}")
    if x.ndim < len(shape) or tuple(x.shape[x.ndim - len(shape):]) != shape:
        raise InputError(f"{who}: expected input (*, {', '.join(map(str, shape))}), got {tuple(x.shape)}")
    return shape


def _checked_shape(who, x, normalized_shape, affine):
    """normalized_shape as a tuple, after checking that x and the affine tensors fit it."""
    shape = check_normalized_shape(x, normalized_shape, who)
    for what, t in affine.items():
        if t is not None and tuple(t.shape) != shape:
            raise InputError(f"{who}: {what} must have shape {shape}, got {tuple(t.shape)}")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002 (PyTorch's names)
    """Normalize over the last len(normalized_shape) axes, then · weight + bias (each optional)."""
    shape = _checked_shape("layer_norm", input, normalized_shape, {"weight": weight, "bias": bias})
    return LayerNorm.apply(input, weight, bias, normalized_shape=shape, eps=float(eps))


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """x / √(mean(x²) + eps) · weight over the last axes; eps None means the dtype's machine epsilon."""
    shape = _checked_shape("rms_norm", input, normalized_shape, {"weight": weight})
    if eps is None:
        eps = np.finfo(input.dtype).eps
    out = RMSNorm.apply(input, weight, None, normalized_shape=shape, eps=float(eps))
    return out if out.dtype == input.dtype else out.to(input.dtype)  # a weight of another dtype: the input's


# ---------------------------------------------------------------------------------------------
# The readable twin: the lesson's formula composed from primitives, whose gradients autograd derives.
# Tested equal to the fused op above, forward and backward; slower, and written to be read.

def layer_norm_composed(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """(x - mean) / √(var + eps) · w + b over the last axes, from mean and var: LayerNorm's twin.
    x (*, *normalized_shape) -> the same shape; normalized_shape a tuple, weight and bias of that shape."""
    dims = tuple(range(-len(normalized_shape), 0))
    x_hat = (x - x.mean(dims, keepdim=True)) / sqrt(x.var(dims, keepdim=True, correction=0) + eps)
    return _affine_composed(x_hat, weight, bias)


def batch_norm_composed(x, weight=None, bias=None, eps=1e-5):
    """Training-mode batch normalization, each channel standardized with the batch's mean and variance,
    from mean and var: BatchNorm's twin (without the running averages). x (N, C, *) -> the same shape."""
    dims = (0,) + tuple(range(2, x.ndim))
    x_hat = (x - x.mean(dims, keepdim=True)) / sqrt(x.var(dims, keepdim=True, correction=0) + eps)
    channel_shape = (-1,) + (1,) * (x.ndim - 2)
    return _affine_composed(x_hat, None if weight is None else weight.reshape(channel_shape),
                            None if bias is None else bias.reshape(channel_shape))


def _affine_composed(x_hat, weight, bias):
    """x̂ · w + b, each optional."""
    out = x_hat if weight is None else x_hat * weight
    return out if bias is None else out + bias
