"""Pooling: summarizing each neighbourhood of a feature map by one number, which shrinks the map.

After a convolution has marked where a feature occurs, max pooling keeps only its strongest response
in each window ("is there an edge around here?"), so the map gets smaller, the next layer sees a
wider part of the image, and a small shift of the input changes little. Average pooling keeps the
mean instead, LP pooling the p-norm (Σ xᵖ)^(1/p). They slide a window as a convolution does (the same
Window geometry, over 1, 2 or 3 spatial axes), without weights.

Adaptive pooling gives a fixed output size for any input size. Its average is a linear map along each
spatial axis (a matrix product, as resizing in ops/resample.py); its maximum, and fractional max
pooling's (windows at pseudo-random steps), take the largest of given positions (MaxAt). Max unpooling
puts maxima back where max pooling's indices say, zeros elsewhere.
"""

import math

from .. import backend
from ..autograd import Function, InputError
from .conv import SPATIAL_NAMES, Window, batch_innermost, batched, ints
from .elementwise import zero_where
from .resample import Resample, window_taps
from .scatter import scatter


class MaxPool(Function):
    """The largest value in each window: x (N, C, *spatial) -> (N, C, *out). The gradient flows only
    to the element that was the maximum (the first one, on ties, and the last NaN in a window that holds
    NaNs, as in PyTorch).

    Forward takes the maximum offset by offset over all windows at once (kh·kw vectorized steps, no
    loop over windows). Backward finds, offset by offset again, where each window's maximum was, by
    comparing the input with the output; both are kept anyway (by the layers around), so this costs
    no memory, and it is cheaper than recording the winners during forward.
    """

    def forward(ctx, x, window, out_size, return_indices):
        xp = ctx.xp
        windows = window.view(xp, window.pad(xp, x, -math.inf), out_size)
        offsets = _offset_indices(window)
        out = windows[offsets[0]].copy(order="K")  # batch-innermost, as x
        for index in offsets[1:]:
            xp.maximum(out, windows[index], out=out)
        if ctx.needs_input_grad[0]:
            ctx.window = window
            ctx.save_for_backward(x, out)
        if not return_indices:
            return out
        winner = xp.zeros(out.shape, dtype=xp.int64)
        for t, hit in enumerate(_maxima(xp, windows, out, window, x.shape[2:])):
            xp.copyto(winner, t, where=hit)
        return out, _flat_indices(xp, winner, window, x.shape[2:])

    def backward(ctx, grad, grad_indices=None):
        x, out = ctx.saved
        xp, window = ctx.xp, ctx.window
        if window.tiles(x.shape[2:]):
            gradient = _tiled_gradient(xp, x, out, grad, window)
            if gradient is not None:
                return gradient
        padded_x = window.pad(xp, x, -math.inf)
        windows = window.view(xp, padded_x, out.shape[2:])
        padded = xp.zeros_like(padded_x)
        targets = window.view(xp, padded, out.shape[2:])
        disjoint = all(s >= span for s, span in zip(window.stride, window.span()))
        for hit, index in zip(_maxima(xp, windows, out, window, x.shape[2:]), _offset_indices(window)):
            target, share = targets[index], zero_where(xp, ~hit, grad)  # not grad·hit: inf·0 is NaN
            if disjoint:  # each input element in at most one window: write, no need to add
                xp.copyto(target, share)
            else:
                xp.add(target, share, out=target)
        return window.crop(padded)


def _offset_indices(window):
    """The index of each kernel offset's slice of a window view (N, C, *kernel, *out): [:, :, i, j]."""
    return [(slice(None), slice(None)) + offset for offset in window.offsets()]


def _maxima(xp, windows, out, window, spatial):
    """For each kernel offset, a boolean map (N, C, *out) of the windows (over an input (N, C, *spatial)) whose
    maximum PyTorch picks there: the first of equal maxima, or in a window that holds NaNs (its maximum is NaN)
    the last NaN. The padding (-inf) never wins: a window of -inf only has its maximum at its first element
    inside the input."""
    offsets = _offset_indices(window)
    hits = [windows[index] == out for index in offsets]  # never in a NaN's window: NaN equals nothing
    if any(any(pair) for pair in window.padding) and xp.isneginf(out).any():
        inside = _inside(xp, windows.shape[:2] + spatial, window, out.shape[2:])
        hits = [hit & inside[index] for hit, index in zip(hits, offsets)]
    _keep_first(hits)
    if not xp.isnan(out).any():
        return hits
    nans = [xp.isnan(windows[index]) for index in offsets]
    _keep_first(nans[::-1])
    return [hit | nan for hit, nan in zip(hits, nans)]


def _inside(xp, shape, window, out_size):
    """Where the windows (N, C, *kernel, *out_size) over an input of shape lie inside it, not in its padding."""
    return window.view(xp, window.pad(xp, xp.ones(shape, dtype=bool), False), out_size)


def _keep_first(hits):
    """Clears, in place, each window's hits after its first (so a tie goes to the first offset, as in
    PyTorch): hits holds a boolean map per kernel offset, in the order of window.offsets()."""
    taken = hits[0].copy(order="K")  # in the hits' memory layout
    for hit in hits[1:]:
        hit &= ~taken
        taken |= hit


def _tiled_gradient(xp, x, out, grad, window):
    """The gradient when the windows tile x (the usual 2×2 pooling, see Window.tiles) and hold no NaN: x
    seen as blocks (N, C, out_1, k_1, out_2, k_2), compared with the maxima in one step (the first of a
    tie kept, when there are ties), the gradient kept where they match in one more, which writes every
    element of the result: no zero-filled buffer. None where a window holds a NaN (MaxPool.backward's
    general path then picks the last NaN, as PyTorch does)."""
    if xp.isnan(out).any():
        return None
    blocks = x.reshape(x.shape[:2] + tuple(v for o, k in zip(out.shape[2:], window.kernel) for v in (o, k)))
    hits = blocks == _spread(out)
    if xp.count_nonzero(hits) != out.size:  # some window holds its maximum more than once
        _keep_first([hits[(slice(None),) * 2 + tuple(v for i in offset for v in (slice(None), i))]
                     for offset in window.offsets()])
    return zero_where(xp, ~hits, _spread(grad)).reshape(x.shape)


def _spread(a):
    """(N, C, out_1, out_2) -> (N, C, out_1, 1, out_2, 1): one value per block of a tiling."""
    return a.reshape(a.shape[:2] + tuple(v for o in a.shape[2:] for v in (o, 1)))


def _flat_indices(xp, winner, window, spatial):
    """Where each maximum was, as an index into the flattened input plane (PyTorch's return_indices)."""
    taps = xp.asarray(list(window.offsets()), dtype=xp.int64)  # (offsets, spatial dims)
    flat = 0
    for axis, (n, stride, (before, _), dilation) in enumerate(zip(spatial, window.stride, window.padding,
                                                                 window.dilation)):
        start = xp.arange(winner.shape[2 + axis], dtype=xp.int64) * stride - before
        start = start.reshape((-1,) + (1,) * (winner.ndim - 3 - axis))
        flat = flat * n + start + taps[:, axis][winner] * dilation
    return flat


class AvgPool(Function):
    """The mean of each window: x (N, C, *spatial) -> (N, C, *out), each window's sum divided by
    `divisor` (a number, or one per output position where windows reach into the padding)."""

    def forward(ctx, x, window, out_size, divisor):
        xp = ctx.xp
        windows = window.view(xp, window.pad(xp, x), out_size)
        offsets = _offset_indices(window)
        out = windows[offsets[0]].copy(order="K")
        for index in offsets[1:]:
            out += windows[index]
        ctx.window, ctx.x_shape, ctx.divisor = window, x.shape, divisor
        out /= divisor
        return out

    def backward(ctx, grad):
        xp = ctx.xp
        share = grad / ctx.divisor
        padded = batch_innermost(xp, ctx.x_shape[:2] + ctx.window.padded_size(ctx.x_shape[2:]), grad.dtype, 0)
        windows = ctx.window.view(xp, padded, grad.shape[2:])
        for index in _offset_indices(ctx.window):
            target = windows[index]
            xp.add(target, share, out=target)
        return ctx.window.crop(padded)


class MaxAt(Function):
    """The largest of given elements, for windows that a Window cannot describe (adaptive and fractional
    pooling): x (N, C, *spatial) and positions (N or 1, C or 1, *out, K), each window K flat indices into
    the spatial plane -> the maxima (N, C, *out) and their flat indices (the first on ties, the last NaN in a
    window that holds NaNs, as in PyTorch). The gradient
    goes to each maximum's element: a scatter-add, as windows may share elements."""

    def forward(ctx, x, positions):
        xp = ctx.xp
        planes = x.shape[:2]
        positions = xp.broadcast_to(positions, planes + positions.shape[2:])
        picked = xp.take_along_axis(x.reshape(planes + (math.prod(x.shape[2:]),)),
                                    positions.reshape(planes + (math.prod(positions.shape[2:]),)), axis=2)
        picked = picked.reshape(positions.shape)
        winner = xp.argmax(picked, axis=-1)[..., None]
        nans = xp.isnan(picked)
        if nans.any():  # PyTorch's maximum of a window holding NaNs is its last NaN
            last_nan = picked.shape[-1] - 1 - xp.argmax(nans[..., ::-1], axis=-1)[..., None]
            winner = xp.where(nans.any(axis=-1, keepdims=True), last_nan, winner)
        indices = xp.take_along_axis(positions, winner, axis=-1)[..., 0]
        ctx.shape = x.shape
        ctx.save_for_backward(indices)
        return xp.take_along_axis(picked, winner, axis=-1)[..., 0], indices

    def backward(ctx, grad, grad_indices=None):
        xp = ctx.xp
        (indices,) = ctx.saved
        planes, plane_size = math.prod(ctx.shape[:2]), math.prod(ctx.shape[2:])
        flat = indices.reshape(planes, math.prod(indices.shape[2:])) + (xp.arange(planes) * plane_size)[:, None]
        total = xp.zeros(planes * plane_size, dtype=grad.dtype)
        backend.scatter_add(total, (flat.ravel(),), grad.reshape(-1))
        return total.reshape(ctx.shape)


def flat_positions(per_axis, spatial):
    """Windows given along each axis, per_axis[a] (..., q_a, k_a) of positions, as flat positions in the
    spatial plane (..., q_1, ..., q_D, k_1·...·k_D): every combination, the kernel in row-major order."""
    dims = len(per_axis)
    flat = 0
    for axis, (positions, n) in enumerate(zip(per_axis, spatial)):
        q, k = positions.shape[-2:]
        shape = tuple(q if a == axis else 1 for a in range(dims)) + tuple(k if a == axis else 1 for a in range(dims))
        flat = flat * n + positions.reshape(positions.shape[:-2] + shape)
    return flat.reshape(flat.shape[:flat.ndim - dims] + (math.prod(flat.shape[flat.ndim - dims:]),))


# ---------------------------------------------------------------------------------------------
# The functions users call.

def _check_pool_input(x, spatial_dims, name, empty_channels=False):
    """x is (N, C, *spatial) or (C, *spatial) of a floating dtype, its sides (the batch's aside, and the
    channels' where empty_channels) at least 1."""
    if x.ndim not in (spatial_dims + 1, spatial_dims + 2):
        raise InputError(f"{name}: expected input (N, C, {SPATIAL_NAMES[spatial_dims]}) or "
                         f"(C, {SPATIAL_NAMES[spatial_dims]}), got {tuple(x.shape)}")
    sides = x.shape[-spatial_dims:] if empty_channels else x.shape[x.ndim - spatial_dims - 1:]
    if 0 in sides:
        raise InputError(f"{name}: expected the input's sides {'' if empty_channels else '(and channels) '}to be at "
                         f"least 1, got {tuple(x.shape)}")
    if backend.kind_of(x.dtype) != "f":
        raise InputError(f"{name} needs a floating point tensor, got {x.dtype}")


def pool_window(x, spatial_dims, kernel_size, stride, padding, dilation, ceil_mode, name):
    """The Window of a pooling layer over x, and its output size. With ceil_mode the last window may
    hang over the end of the input (it must start inside it): extra padding after makes room for it."""
    _check_pool_input(x, spatial_dims, name)
    kernel = ints(kernel_size, spatial_dims, "kernel_size", name, minimum=1)
    stride = kernel if stride is None or stride == [] else ints(stride, spatial_dims, "stride", name, minimum=1)
    pads = ints(padding, spatial_dims, "padding", name)
    dilation = ints(dilation, spatial_dims, "dilation", name, minimum=1)
    spatial = x.shape[-spatial_dims:]
    out_size, padding_pairs = [], []
    for n, k, s, p, d in zip(spatial, kernel, stride, pads, dilation):
        span = d * (k - 1) + 1
        if p > k // 2:
            raise InputError(f"{name}: padding should be at most half of kernel_size, got padding={p} and "
                             f"kernel_size={k}")
        size = (n + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (size - 1) * s >= n + p:
            size -= 1
        out_size.append(size)
        padding_pairs.append((p, p + max(0, (size - 1) * s + span - n - 2 * p)))
    if any(n < 1 for n in out_size):
        raise InputError(f"{name}: the input {tuple(spatial)} is too small for kernel_size {kernel} with padding "
                         f"{pads} and dilation {dilation} (the output would be {tuple(out_size)})")
    return Window(kernel, stride, tuple(padding_pairs), dilation), tuple(out_size)


def max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, spatial_dims, name):
    """Max pooling over spatial_dims (1, 2 or 3) axes, its arguments checked; see max_pool2d."""
    window, out_size = pool_window(x, spatial_dims, kernel_size, stride, padding, dilation, ceil_mode, name)
    return batched(x, spatial_dims, lambda x: MaxPool.apply(x, window=window, out_size=out_size,
                                                             return_indices=return_indices))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """The maximum of each window of kernel_size along L: (N, C, L) -> (N, C, L_out); stride defaults
    to kernel_size. With return_indices, also where each maximum was (an index along L)."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1, "max_pool1d")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """The maximum of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out), padding with -∞;
    stride defaults to kernel_size (windows side by side, halving the map for kernel_size=2).
    With return_indices, also where each maximum was (an index into the flattened H·W plane)."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d")


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """The maximum of each kd×kh×kw window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out), as max_pool2d;
    the indices point into the flattened D·H·W volume."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3, "max_pool3d")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
                            return_indices=False):
    """max_pool1d's maxima and their indices, whatever return_indices says."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 1, "max_pool1d_with_indices")


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
                            return_indices=False):
    """max_pool2d's maxima and their indices, whatever return_indices says."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 2, "max_pool2d_with_indices")


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
                            return_indices=False):
    """max_pool3d's maxima and their indices, whatever return_indices says."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 3, "max_pool3d_with_indices")


def _avg_divisor(xp, window, spatial, out_size, count_include_pad, dtype):
    """How many elements each window's sum is divided by: the kernel's size where windows lie inside
    the (padded) input, fewer where ceil_mode lets one hang over the end, and only the real input
    elements without count_include_pad. A number when every window has the same."""
    counts = xp.ones((), dtype=xp.int64)
    for n, q, k, s, (before, _) in zip(spatial, out_size, window.kernel, window.stride, window.padding):
        starts = xp.arange(q) * s - before
        ends = xp.minimum(starts + k, n + before)
        if not count_include_pad:
            starts, ends = xp.maximum(starts, 0), xp.minimum(ends, n)
        counts = counts[..., None] * (ends - starts)  # one more axis: (q_h,), then (q_h, q_w)
    largest = float(counts.max())
    return largest if float(counts.min()) == largest else counts.astype(dtype)


def avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, spatial_dims, name):
    """Average pooling over spatial_dims (1, 2 or 3) axes, its arguments checked; see avg_pool2d."""
    window, out_size = pool_window(x, spatial_dims, kernel_size, stride, padding, 1, ceil_mode, name)
    if spatial_dims == 3 and any(n < k for n, k in zip(x.shape[-3:], window.kernel)):  # padding aside, as PyTorch
        raise InputError(f"{name}: the input {tuple(x.shape[-3:])} is smaller than kernel_size {window.kernel}")
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, int) or divisor_override < 1:
            raise InputError(f"{name}: divisor_override must be a positive int, got {divisor_override!r}")
        divisor = float(divisor_override)
    else:
        divisor = _avg_divisor(backend.xp_of(x.array), window, x.shape[-spatial_dims:], out_size, count_include_pad,
                               x.dtype)
    return batched(x, spatial_dims, lambda x: AvgPool.apply(x, window=window, out_size=out_size, divisor=divisor))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    """The mean of each window of kernel_size along L: (N, C, L) -> (N, C, L_out), as avg_pool2d."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """The mean of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out); stride defaults to
    kernel_size. Zero padding counts in the mean unless count_include_pad=False; divisor_override
    divides every window's sum by that number instead."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2,
                    "avg_pool2d")


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """The mean of each kd×kh×kw window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out), as avg_pool2d."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3,
                    "avg_pool3d")


def lp_pool(x, norm_type, kernel_size, stride, ceil_mode, spatial_dims, name):
    """Power-average pooling over spatial_dims axes, composed from avg_pool; see lp_pool2d."""
    if norm_type == math.inf:
        return max_pool(x.abs(), kernel_size, stride, 0, 1, ceil_mode, False, spatial_dims, name)
    if norm_type == -math.inf:
        return -max_pool(-x.abs(), kernel_size, stride, 0, 1, ceil_mode, False, spatial_dims, name)
    means = avg_pool(x.pow(norm_type), kernel_size, stride, 0, ceil_mode, True, None, spatial_dims, name)
    kernel = ints(kernel_size, spatial_dims, "kernel_size", name, minimum=1)
    # as PyTorch composes it: relu's zero slope at 0 gives a window of zeros the gradient 0
    return (means.sign() * means.abs().relu() * math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """(Σ x^p)^(1/p) over each window along L: (N, C, L) -> (N, C, L_out), as lp_pool2d."""
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "lp_pool1d")


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """The p-norm (Σ x^p)^(1/p) of each kh×kw window, p = norm_type: (N, C, H, W) -> (N, C, H_out, W_out).
    p = 1 is sum pooling, p = ∞ max pooling (of |x|). As in PyTorch, a window that ceil_mode lets hang
    over the end has its mean taken over the elements it covers, times the kernel's size."""
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "lp_pool2d")


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """The p-norm of each kd×kh×kw window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out), as lp_pool2d."""
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, "lp_pool3d")


# ---------------------------------------------------------------------------------------------
# Adaptive pooling: a fixed output size for any input; window i of q along an axis of n covers
# positions ⌊i·n/q⌋ to ⌈(i+1)·n/q⌉ - 1.

def adaptive_size(x, output_size, spatial_dims, name):
    """output_size (an int, or a tuple whose None entries keep that axis's size) as a tuple of ints."""
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * spatial_dims
    if len(sizes) == spatial_dims:
        sizes = tuple(n if q is None else q for n, q in zip(x.shape[-spatial_dims:], sizes))
    return ints(sizes, spatial_dims, "output_size", name, minimum=1)


def adaptive_avg_pool(x, output_size, spatial_dims, name):
    """Adaptive average pooling over spatial_dims axes: a linear map along each (see Resample)."""
    _check_pool_input(x, spatial_dims, name, empty_channels=True)
    sizes = adaptive_size(x, output_size, spatial_dims, name)
    xp = backend.xp_of(x.array)
    return Resample.apply(x, taps=tuple(window_taps(xp, n, q) for n, q in zip(x.shape[-spatial_dims:], sizes)))


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """Average pooling to output_size along L, whatever the input's length: (N, C, L) -> (N, C, output_size)."""
    return adaptive_avg_pool(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Average pooling to a given output size, whatever the input size: (N, C, H, W) -> (N, C, *output_size).
    output_size is an int or an (h, w) pair (None keeps that axis); 1 is global average pooling,
    the step from a ResNet's last feature maps to its classifier."""
    return adaptive_avg_pool(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input, output_size):  # noqa: A002
    """Average pooling to a given output size: (N, C, D, H, W) -> (N, C, *output_size), as adaptive_avg_pool2d."""
    return adaptive_avg_pool(input, output_size, 3, "adaptive_avg_pool3d")


def _adaptive_positions(xp, spatial, sizes):
    """The windows of adaptive pooling as flat positions (1, 1, *sizes, K); a window shorter than the
    longest repeats its last position, which cannot change its maximum."""
    per_axis = []
    for n, q in zip(spatial, sizes):
        windows = window_taps(xp, n, q)
        indices = windows.indices.T  # (q, K), -1 past a window's end
        per_axis.append(xp.where(indices >= 0, indices, indices[:, :1] + windows.counts[:, None] - 1))
    return flat_positions(per_axis, spatial)[None, None]


def adaptive_max_pool(x, output_size, return_indices, spatial_dims, name):
    """Adaptive max pooling over spatial_dims axes; see adaptive_max_pool2d."""
    _check_pool_input(x, spatial_dims, name)
    sizes = adaptive_size(x, output_size, spatial_dims, name)
    positions = _adaptive_positions(backend.xp_of(x.array), x.shape[-spatial_dims:], sizes)
    out, indices = batched(x, spatial_dims, lambda x: MaxAt.apply(x, positions=positions))
    return (out, indices) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    """The maximum of each of output_size windows along L: (N, C, L) -> (N, C, output_size)."""
    return adaptive_max_pool(input, output_size, return_indices, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """Max pooling to a given output size, whatever the input size: (N, C, H, W) -> (N, C, *output_size);
    with return_indices, also where each maximum was (an index into the flattened H·W plane)."""
    return adaptive_max_pool(input, output_size, return_indices, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d(input, output_size, return_indices=False):  # noqa: A002
    """Max pooling to a given output size: (N, C, D, H, W) -> (N, C, *output_size), as adaptive_max_pool2d."""
    return adaptive_max_pool(input, output_size, return_indices, 3, "adaptive_max_pool3d")


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):  # noqa: A002
    """adaptive_max_pool1d's maxima and their indices, whatever return_indices says."""
    return adaptive_max_pool(input, output_size, True, 1, "adaptive_max_pool1d_with_indices")


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):  # noqa: A002
    """adaptive_max_pool2d's maxima and their indices, whatever return_indices says."""
    return adaptive_max_pool(input, output_size, True, 2, "adaptive_max_pool2d_with_indices")


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):  # noqa: A002
    """adaptive_max_pool3d's maxima and their indices, whatever return_indices says."""
    return adaptive_max_pool(input, output_size, True, 3, "adaptive_max_pool3d_with_indices")


# ---------------------------------------------------------------------------------------------
# Fractional max pooling (Graham, 2014): kernel-sized windows at pseudo-random steps of ⌊α⌋ or ⌈α⌉,
# α = (n - k)/(q - 1), which shrink a map by a factor between 1 and 2; a random number u per image,
# channel and axis sets the steps.

def _fractional_starts(xp, u, n, q, k):
    """Window starts along an axis of n for q windows of k, from u (N, C) in [0, 1): PyTorch's sequence
    ⌊(i + u)·α⌋ - ⌊u·α⌋, computed in u's dtype as PyTorch does, the last window ending at the end."""
    alpha = u.dtype.type(n - k) / u.dtype.type(q - 1) if q > 1 else u.dtype.type(0)
    i = xp.arange(q - 1, dtype=u.dtype)
    starts = ((i + u[..., None]) * alpha).astype(xp.int64) - (u[..., None] * alpha).astype(xp.int64)
    return xp.concatenate([starts, xp.full(u.shape + (1,), n - k, dtype=xp.int64)], axis=-1)


def fractional_max_pool(x, kernel_size, output_size, output_ratio, random_samples, spatial_dims, name):
    """Fractional max pooling over spatial_dims (2 or 3) axes: (maxima, indices); see fractional_max_pool2d."""
    _check_pool_input(x, spatial_dims, name)
    kernel = ints(kernel_size, spatial_dims, "kernel_size", name, minimum=1)
    spatial = x.shape[-spatial_dims:]
    if output_size is None:
        if output_ratio is None:
            raise InputError(f"{name} requires specifying either an output_size or an output_ratio")
        ratios = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * spatial_dims
        if len(ratios) != spatial_dims or not all(0 < r < 1 for r in ratios):
            raise InputError(f"{name}: output_ratio must be a number in (0, 1) or a tuple of {spatial_dims} of "
                             f"them, got {output_ratio!r}")
        output_size = tuple(int(n * r) for n, r in zip(spatial, ratios))
    sizes = ints(output_size, spatial_dims, "output_size", name, minimum=1)
    # PyTorch's volumes need sides longer than output_size + kernel_size - 1, its images sides as long
    least = tuple(q + k - (1 if spatial_dims == 2 else 0) for q, k in zip(sizes, kernel))
    if any(n < m for n, m in zip(spatial, least)):
        raise InputError(f"{name}: the input {tuple(spatial)} is too small for kernel_size {kernel} and output_size "
                         f"{sizes} (it needs sides of at least {least})")
    xp = backend.xp_of(x.array)
    planes = (1,) * (spatial_dims + 2 - x.ndim) + x.shape[:-spatial_dims]
    if random_samples is None:
        samples = backend.default_generator(x.device).uniform(planes + (spatial_dims,), x.dtype)
    elif tuple(random_samples.shape) != planes + (spatial_dims,):
        raise InputError(f"{name}: expected _random_samples of shape {planes + (spatial_dims,)}, got "
                         f"{tuple(random_samples.shape)}")
    else:
        samples = random_samples.array
    # PyTorch's samples set the axes in the order (W, H) for images, but (D, H, W) for volumes
    order = (1, 0) if spatial_dims == 2 else (0, 1, 2)
    per_axis = [_fractional_starts(xp, samples[..., order[axis]], n, q, k)[..., None] + xp.arange(k)
                for axis, (n, q, k) in enumerate(zip(spatial, sizes, kernel))]
    positions = flat_positions(per_axis, spatial)
    return batched(x, spatial_dims, lambda x: MaxAt.apply(x, positions=positions))


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,  # noqa: A002
                          _random_samples=None):
    """Max pooling that shrinks (N, C, H, W) to output_size (or to output_ratio of each side, a number in
    (0, 1)) with kernel_size windows at pseudo-random places: randomness that regularizes like dropout.
    _random_samples (N, C, 2) in [0, 1) fixes the places (drawn from the default generator otherwise)."""
    out, indices = fractional_max_pool(input, kernel_size, output_size, output_ratio, _random_samples, 2,
                                       "fractional_max_pool2d")
    return (out, indices) if return_indices else out


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,  # noqa: A002
                          _random_samples=None):
    """Fractional max pooling of (N, C, D, H, W), as fractional_max_pool2d; _random_samples (N, C, 3)."""
    out, indices = fractional_max_pool(input, kernel_size, output_size, output_ratio, _random_samples, 3,
                                       "fractional_max_pool3d")
    return (out, indices) if return_indices else out


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                                       return_indices=False, _random_samples=None):
    """fractional_max_pool2d's maxima and their indices, whatever return_indices says."""
    return fractional_max_pool(input, kernel_size, output_size, output_ratio, _random_samples, 2,
                               "fractional_max_pool2d_with_indices")


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                                       return_indices=False, _random_samples=None):
    """fractional_max_pool3d's maxima and their indices, whatever return_indices says."""
    return fractional_max_pool(input, kernel_size, output_size, output_ratio, _random_samples, 3,
                               "fractional_max_pool3d_with_indices")


# ---------------------------------------------------------------------------------------------
# Unpooling: max pooling's partial inverse, each maximum put back where it was, zeros elsewhere.

def max_unpool(x, indices, kernel_size, stride, padding, output_size, spatial_dims, name):
    """The maxima x (N, C, *spatial) written at indices (max_pool's return_indices) into zeros of the
    size the pooled input had, a composition of scatter; see max_unpool2d."""
    _check_pool_input(x, spatial_dims, name)
    kernel = ints(kernel_size, spatial_dims, "kernel_size", name, minimum=1)
    stride = kernel if stride is None else ints(stride, spatial_dims, "stride", name, minimum=1)
    pads = ints(padding, spatial_dims, "padding", name)
    if tuple(indices.shape) != tuple(x.shape) or indices.dtype != backend.int64:
        raise RuntimeError(f"{name}: expected int64 indices of the input's shape {tuple(x.shape)}, got "
                         f"{indices.dtype} {tuple(indices.shape)}")
    spatial = x.shape[-spatial_dims:]
    default = tuple((n - 1) * s - 2 * p + k for n, s, p, k in zip(spatial, stride, pads, kernel))
    size = default if output_size is None else tuple(output_size)
    if len(size) == spatial_dims + 2:  # (N, C, *spatial), as PyTorch allows
        size = size[2:]
    if len(size) != spatial_dims or any(not d - s < q < d + s for q, d, s in zip(size, default, stride)):
        raise InputError(f"{name}: output_size {output_size!r} must give {spatial_dims} sizes, each within a stride "
                         f"of {default}")
    plane = math.prod(size)
    if indices.numel() and not 0 <= int(indices.min()) <= int(indices.max()) < plane:
        raise RuntimeError(f"{name}: found an index outside the output plane of {plane} elements {size}")
    planes = x.shape[:-spatial_dims]
    pooled = planes + (math.prod(x.shape[-spatial_dims:]),)
    flat = scatter(x.new_zeros(planes + (plane,)), -1, indices.reshape(pooled), x.reshape(pooled))
    return flat.reshape(planes + size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """max_pool1d's partial inverse: (N, C, L) maxima put back at their indices in zeros (N, C, L_out)."""
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, 1, "max_unpool1d")


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """max_pool2d's partial inverse: each maximum of (N, C, H, W) put back where its index says, in zeros of
    (N, C, H_out, W_out), H_out = (H - 1)·stride - 2·padding + kernel_size unless output_size says
    otherwise (the pooled input's size, when pooling dropped its last rows). What was not a maximum stays 0."""
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, 2, "max_unpool2d")


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """max_pool3d's partial inverse, for (N, C, D, H, W), as max_unpool2d."""
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, 3, "max_unpool3d")
