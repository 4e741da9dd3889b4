"""Pooling: summarizing each neighbourhood of a feature map by one number, which shrinks the map.

After a convolution has marked where a feature occurs, max pooling keeps only its strongest response
in each window ("is there an edge around here?"), so the map gets smaller, the next layer sees a
wider part of the image, and a small shift of the input changes little. Average pooling keeps the
mean instead. Both slide a window as a convolution does (the same Window geometry), without weights.

Adaptive average pooling (a fixed output size for any input size) and nearest-neighbour upsampling
(its opposite) are linear maps along each spatial axis, so they are matrix products here.
"""

import math

from .. import backend
from ..autograd import Function
from .conv import SPATIAL_NAMES, Window, batch_innermost, batched, ints


class MaxPool(Function):
    """The largest value in each window: x (N, C, *spatial) -> (N, C, *out). The gradient flows only
    to the element that was the maximum (the first one, on ties, as in PyTorch).

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
        for t, hit in enumerate(_first_maxima(windows, out, window)):
            xp.copyto(winner, t, where=hit)
        return out, _flat_indices(xp, winner, window, x.shape[2:])

    def backward(ctx, grad, grad_indices=None):
        x, out = ctx.saved
        xp, window = ctx.xp, ctx.window
        if window.tiles(x.shape[2:]):
            return _tiled_gradient(x, out, grad, window)
        padded_x = window.pad(xp, x, -math.inf)
        windows = window.view(xp, padded_x, out.shape[2:])
        padded = xp.zeros_like(padded_x)
        targets = window.view(xp, padded, out.shape[2:])
        disjoint = all(s >= span for s, span in zip(window.stride, window.span()))
        for hit, index in zip(_first_maxima(windows, out, window), _offset_indices(window)):
            target = targets[index]
            if disjoint:  # each input element in at most one window: write, no need to add
                xp.multiply(grad, hit, out=target)
            else:
                xp.add(target, grad * hit, out=target)
        return window.crop(padded)


def _offset_indices(window):
    """The index of each kernel offset's slice of a window view (N, C, *kernel, *out): [:, :, i, j]."""
    return [(slice(None), slice(None)) + offset for offset in window.offsets()]


def _first_maxima(windows, out, window):
    """For each kernel offset, a boolean map (N, C, *out) of the windows whose maximum is there."""
    hits = [windows[index] == out for index in _offset_indices(window)]
    _keep_first(hits)
    return hits


def _keep_first(hits):
    """Clears, in place, each window's hits after its first (so a tie goes to the first offset, as in
    PyTorch): hits holds a boolean map per kernel offset, in the order of window.offsets()."""
    taken = hits[0].copy(order="K")  # in the hits' memory layout
    for hit in hits[1:]:
        hit &= ~taken
        taken |= hit


def _tiled_gradient(x, out, grad, window):
    """The gradient when the windows tile x (the usual 2×2 pooling, see Window.tiles): x seen as blocks
    (N, C, out_1, k_1, out_2, k_2), compared with the maxima in one step, then multiplied by the
    gradient in one more, which writes every element of the result: no zero-filled buffer."""
    blocks = x.reshape(x.shape[:2] + tuple(v for o, k in zip(out.shape[2:], window.kernel) for v in (o, k)))
    hits = blocks == _spread(out)
    _keep_first([hits[(slice(None),) * 2 + tuple(v for i in offset for v in (slice(None), i))]
                 for offset in window.offsets()])
    return (_spread(grad) * hits).reshape(x.shape)


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


class Resample(Function):
    """A linear map along each trailing axis: for two axes, out = A_h · x · A_wᵀ per image, each A
    (out_size, in_size). Nearest-neighbour upsampling (each row of A picks one input position) and
    adaptive average pooling (each row averages a range of positions) are both this, and the
    gradient goes back through the transposes: grad_x = A_hᵀ · grad · A_w."""

    def forward(ctx, x, matrices):
        ctx.matrices = matrices
        return _along_axes(ctx.xp, x, matrices, transpose=False)

    def backward(ctx, grad):
        return _along_axes(ctx.xp, grad, ctx.matrices, transpose=True)


def _along_axes(xp, x, matrices, transpose):
    first = x.ndim - len(matrices)
    for axis, matrix in enumerate(matrices, first):
        x = xp.moveaxis(xp.tensordot(x, matrix, axes=(axis, 0 if transpose else 1)), -1, axis)
    return x


# ---------------------------------------------------------------------------------------------
# The functions users call.

def _check_pool_input(x, spatial_dims, name):
    if x.ndim not in (spatial_dims + 1, spatial_dims + 2):
        raise ValueError(f"{name}: expected input (N, C, {SPATIAL_NAMES[spatial_dims]}) or "
                         f"(C, {SPATIAL_NAMES[spatial_dims]}), got {tuple(x.shape)}")
    if backend.kind_of(x.dtype) != "f":
        raise TypeError(f"{name} needs a floating point tensor, got {x.dtype}")


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
            raise ValueError(f"{name}: padding should be at most half of kernel_size, got padding={p} and "
                             f"kernel_size={k}")
        size = (n + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (size - 1) * s >= n + p:
            size -= 1
        out_size.append(size)
        padding_pairs.append((p, p + max(0, (size - 1) * s + span - n - 2 * p)))
    if any(n < 1 for n in out_size):
        raise ValueError(f"{name}: the input {tuple(spatial)} is too small for kernel_size {kernel} with padding "
                         f"{pads} and dilation {dilation} (the output would be {tuple(out_size)})")
    return Window(kernel, stride, tuple(padding_pairs), dilation), tuple(out_size)


def max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, spatial_dims, name):
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


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """The mean of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out); stride defaults to
    kernel_size. Zero padding counts in the mean unless count_include_pad=False; divisor_override
    divides every window's sum by that number instead."""
    name = "avg_pool2d"
    window, out_size = pool_window(input, 2, kernel_size, stride, padding, 1, ceil_mode, name)
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, int) or divisor_override < 1:
            raise ValueError(f"{name}: divisor_override must be a positive int, got {divisor_override!r}")
        divisor = float(divisor_override)
    else:
        divisor = _avg_divisor(backend.xp_of(input.array), window, input.shape[-2:], out_size, count_include_pad,
                               input.dtype)
    return batched(input, 2, lambda x: AvgPool.apply(x, window=window, out_size=out_size, divisor=divisor))


def _adaptive_matrix(xp, n, q, dtype):
    """(q, n): row i averages input positions ⌊i·n/q⌋ to ⌈(i+1)·n/q⌉ - 1 (the windows may overlap)."""
    i = xp.arange(q)
    starts, ends = (i * n) // q, -((-(i + 1) * n) // q)
    positions = xp.arange(n)
    inside = (positions >= starts[:, None]) & (positions < ends[:, None])
    return (inside / (ends - starts)[:, None]).astype(dtype)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Average pooling to a given output size, whatever the input size: (N, C, H, W) -> (N, C, *output_size).
    output_size is an int or an (h, w) pair (None keeps that axis); 1 is global average pooling,
    the step from a ResNet's last feature maps to its classifier."""
    name = "adaptive_avg_pool2d"
    _check_pool_input(input, 2, name)
    pair = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(pair) == 2:
        pair = tuple(n if q is None else q for n, q in zip(input.shape[-2:], pair))
    sizes = ints(pair, 2, "output_size", name, minimum=1)
    xp = backend.xp_of(input.array)
    matrices = tuple(_adaptive_matrix(xp, n, q, input.dtype) for n, q in zip(input.shape[-2:], sizes))
    return Resample.apply(input, matrices=matrices)


def _nearest_matrix(xp, n, q, scale_factor, dtype):
    """(q, n): row i picks input position ⌊i·scale⌋ (scale = n/q, or 1/scale_factor when one was
    given), computed in float32 as PyTorch does, so that both pick the same pixels."""
    if q == n:
        sources = xp.arange(q)
    elif q == 2 * n:
        sources = xp.arange(q) // 2
    else:
        scale = backend.float32.type(1.0 / scale_factor if scale_factor else n / q)
        sources = xp.minimum(xp.floor(xp.arange(q, dtype=backend.float32) * scale).astype(xp.int64), n - 1)
    return (xp.arange(n) == sources[:, None]).astype(dtype)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial axes of (N, C, *spatial) to size, or scale them by scale_factor (the size
    rounded down). ember implements mode='nearest': each output pixel copies the input pixel it
    falls on, so a 2× upsampling repeats every pixel in a 2×2 block."""
    name = "interpolate"
    if mode != "nearest":
        raise NotImplementedError(f"{name}: ember implements mode='nearest' only, got mode={mode!r}")
    if align_corners is not None or antialias:
        raise ValueError(f"{name}: align_corners and antialias have no meaning for mode='nearest'")
    spatial_dims = input.ndim - 2
    if spatial_dims < 1:
        raise ValueError(f"{name}: expected input (N, C, *spatial) with at least one spatial axis, got "
                         f"{tuple(input.shape)}")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{name}: give exactly one of size and scale_factor")
    spatial = input.shape[2:]
    if size is not None:
        sizes = ints(size, spatial_dims, "size", name, minimum=1)
        scales = (None,) * spatial_dims
    else:
        scales = (scale_factor,) * spatial_dims if isinstance(scale_factor, (int, float)) else tuple(scale_factor)
        if len(scales) != spatial_dims or any(isinstance(s, bool) or not isinstance(s, (int, float)) or s <= 0
                                              for s in scales):
            raise ValueError(f"{name}: scale_factor must be a positive number or a tuple of {spatial_dims} of "
                             f"them, got {scale_factor!r}")
        sizes = tuple(math.floor(n * float(s)) for n, s in zip(spatial, scales))
        if any(q < 1 for q in sizes):
            raise ValueError(f"{name}: scale_factor {scale_factor} makes the input {tuple(spatial)} empty")
        if recompute_scale_factor:
            scales = (None,) * spatial_dims
    if backend.kind_of(input.dtype) != "f":
        raise TypeError(f"{name} needs a floating point tensor, got {input.dtype}")
    xp = backend.xp_of(input.array)
    matrices = tuple(_nearest_matrix(xp, n, q, s, input.dtype) for n, q, s in zip(spatial, sizes, scales))
    return Resample.apply(input, matrices=matrices)
