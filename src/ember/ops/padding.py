"""Padding: a border added around the last dimensions of a tensor (cut off instead, where a width is negative).

A convolution that keeps an image's size needs a border around it, and what the border holds decides what
the filters see at the edges: a constant, usually zeros (mode='constant'); the image mirrored at its edge,
the edge pixel itself not repeated ('reflect': 3 2 | 1 2 3 | 2 1); the edge pixel repeated ('replicate':
1 1 | 1 2 3 | 3 3); or the opposite edge, as if the signal went round ('circular', for periodic data:
2 3 | 1 2 3 | 1 2).

Each of the last three picks, along each padded dimension, for every output position one input position to
copy: a gather, whose gradient adds each output's gradient back onto the input it was copied from.
"""

import math

from .. import backend
from ..autograd import Function

MODES = ("constant", "reflect", "replicate", "circular")


class ConstantPad(Function):
    """A border of `value` around x, widths (before, after) per dimension, a negative width cropping:
    out = value everywhere, then the part of x that is kept copied into its place. Backward takes that
    part of the gradient back (zeros where x was cropped)."""

    moves_data = True

    def forward(ctx, x, widths, value):
        ctx.shape, ctx.kept, ctx.placed = x.shape, _kept(widths, x.shape), _placed(widths, x.shape)
        out = ctx.xp.full(tuple(n + before + after for n, (before, after) in zip(x.shape, widths)), value,
                          dtype=x.dtype)
        out[ctx.placed] = x[ctx.kept]
        return out

    def backward(ctx, grad):
        if all(s.start == 0 and s.stop == n for s, n in zip(ctx.kept, ctx.shape)):
            return grad[ctx.placed]
        grad_x = ctx.xp.zeros(ctx.shape, dtype=grad.dtype)
        grad_x[ctx.kept] = grad[ctx.placed]
        return grad_x


def _kept(widths, shape):
    """The part of the input that a padding keeps: all of it but what negative widths crop."""
    return tuple(slice(max(0, -before), n - max(0, -after)) for (before, after), n in zip(widths, shape))


def _placed(widths, shape):
    """Where the kept part lies in the padded output."""
    return tuple(slice(max(0, before), max(0, before) + s.stop - s.start)
                 for (before, _), s in zip(widths, _kept(widths, shape)))


class GatherPad(Function):
    """A border whose values come from x itself: along each padded dimension `axis`, output position j
    copies input position source[j] (a gather, for sources = ((axis, source), ...)). Backward adds each
    output's gradient back onto its source position (a scatter-add), dimension by dimension in reverse."""

    moves_data = True

    def forward(ctx, x, sources):
        ctx.sources, ctx.shape = sources, x.shape
        for axis, source in sources:
            x = ctx.xp.take(x, source, axis=axis)
        return x

    def backward(ctx, grad):
        xp = ctx.xp
        for axis, source in reversed(ctx.sources):
            moved = xp.moveaxis(grad, axis, 0)
            total = xp.zeros((ctx.shape[axis],) + moved.shape[1:], dtype=grad.dtype)
            backend.scatter_add(total, (source,), moved)
            grad = xp.moveaxis(total, 0, axis)
        return grad


def sources(xp, mode, n, before, after):
    """For each position of a dimension of size n padded by (before, after) in mode, the input position it
    copies: 'reflect' mirrors at 0 and n - 1, 'replicate' clamps into [0, n - 1], 'circular' wraps round
    what negative widths leave of the dimension."""
    if mode == "circular":
        start, stop = max(0, -before), n - max(0, -after)
        return start + xp.arange(-max(0, before), stop - start + max(0, after)) % (stop - start)
    positions = xp.arange(-before, n + after)
    if mode == "replicate":
        return xp.clip(positions, 0, n - 1)
    return (n - 1) - xp.abs((n - 1) - xp.abs(positions))


def _widths(input, pad, mode, value):  # noqa: A002 (PyTorch's argument name)
    """pad = (before, after) of the last dimension, then of the one before it, ... as (before, after) for
    every dimension of input, checked as PyTorch checks them."""
    pad = tuple(pad)
    if any(isinstance(p, bool) or not isinstance(p, int) for p in pad):
        raise TypeError(f"pad: the padding must be a sequence of ints, got {pad}")
    if len(pad) % 2:
        raise RuntimeError(f"pad: the padding must have an even length (pairs of widths), got {pad}")
    pairs = len(pad) // 2
    if pairs > input.ndim:
        raise RuntimeError(f"pad: {pairs} pairs of widths for an input of {input.ndim} dimensions, got {pad}")
    if mode not in MODES:
        raise NotImplementedError(f"pad: mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    if mode != "constant":
        if value is not None:
            raise RuntimeError(f"pad: mode {mode!r} takes no value, got value={value!r}")
        if pairs not in (1, 2, 3) or input.ndim not in (pairs + 1, pairs + 2):
            raise NotImplementedError(f"pad: mode {mode!r} pads 1 to 3 dimensions of a (N, C, *spatial) or "
                                      f"(C, *spatial) input, got {pairs} pairs of widths for an input of shape "
                                      f"{tuple(input.shape)}")
    if mode in ("reflect", "replicate") and 0 in input.shape[input.ndim - pairs - 1:]:
        raise RuntimeError(f"pad: mode {mode!r} needs sides of at least 1 (the batch's aside), got "
                           f"{tuple(input.shape)}")
    widths = [(0, 0)] * (input.ndim - pairs) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(pairs))]
    for axis, (before, after) in enumerate(widths[input.ndim - pairs:], input.ndim - pairs):
        _check_width(mode, input.shape[axis], before, after, axis)
    return tuple(widths)


def _check_width(mode, n, before, after, axis):
    """The limits of each mode: what reflect mirrors and circular wraps must exist in the input."""
    if n + before + after < (0 if mode == "constant" else 1):
        raise RuntimeError(f"pad: widths ({before}, {after}) leave nothing of dimension {axis} (of size {n})")
    if mode == "reflect" and (before >= n or after >= n):
        raise RuntimeError(f"pad: mode 'reflect' needs widths smaller than the dimension, got ({before}, {after}) "
                           f"for dimension {axis} of size {n}")
    if mode == "circular" and (before > n or after > n):
        raise RuntimeError(f"pad: mode 'circular' wraps round at most once: widths at most the size of the "
                           f"dimension, got ({before}, {after}) for dimension {axis} of size {n}")


def _check_value(value, dtype):
    """A constant border's value must lie in dtype's range (a bool takes any value, a float NaN and ±inf too)."""
    kind = backend.kind_of(dtype)
    if kind == "b" or kind == "f" and not math.isfinite(value):
        return
    info = backend.np.iinfo(dtype) if kind in "iu" else backend.float_limits(dtype)
    if not (info.min <= value <= info.max if kind in "iu" else float(info.min) <= value <= float(info.max)):
        raise RuntimeError(f"pad: the value {value!r} cannot be converted to {dtype} without overflow")


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """input with a border around its last len(pad) // 2 dimensions: pad = (before, after) for the last
    dimension, then for the one before it, ... (a negative width crops). mode: 'constant' (value, 0 by
    default, in input's dtype), or 'reflect', 'replicate', 'circular' for 1 to 3 dimensions of a batch
    (N, C, *spatial) or of one (C, *spatial)."""
    widths = _widths(input, pad, mode, value)
    if mode == "constant":
        value = 0 if value is None else value
        _check_value(value, input.dtype)
        return ConstantPad.apply(input, widths=widths, value=value)
    xp = backend.xp_of(input.array)
    return GatherPad.apply(input, sources=tuple((axis, sources(xp, mode, n, before, after))
                                                for axis, (n, (before, after)) in enumerate(zip(input.shape, widths))
                                                if before or after))
