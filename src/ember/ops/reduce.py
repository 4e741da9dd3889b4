"""Reductions: many numbers to fewer (sum, mean, variance, max, ...) along some axes.

Backward spreads the gradient back over the axes that were reduced: evenly for a sum or mean,
to the winners for a max.
"""

import builtins
from collections import namedtuple

from ..autograd import Function
from .elementwise import maximum, minimum, to_float
from .indexing import gather
from .shape import normalize_dim, normalize_dims, squeeze

values_indices = namedtuple("values_indices", ["values", "indices"])


def row_sums(xp, rows):
    """Σ along each row of a 2-D array: a product with a vector of ones, which BLAS does several
    times faster than NumPy's sum along a short contiguous axis (as fused ops need on hot paths)."""
    return rows @ xp.ones(rows.shape[1], dtype=rows.dtype)


def column_sums(xp, rows):
    """Σ down each column of a 2-D array, as a product with ones (see row_sums)."""
    return xp.ones(rows.shape[0], dtype=rows.dtype) @ rows


def _spread(grad, ctx):
    """The gradient of a reduced result, broadcast back to the input's shape."""
    if not ctx.keepdims:
        grad = ctx.xp.expand_dims(grad, ctx.axes)
    return ctx.xp.broadcast_to(grad, ctx.input_shape)


class Sum(Function):
    """Σ x over the axes; every input element gets the same gradient."""

    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        return x.sum(axis=axes, keepdims=keepdims)

    def backward(ctx, grad):
        return _spread(grad, ctx)


class Mean(Function):
    """Σ x / n over the axes; every input element gets 1/n of the gradient."""

    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        ctx.count = _count(x.shape, axes)
        return x.mean(axis=axes, keepdims=keepdims)

    def backward(ctx, grad):
        return _spread(grad / ctx.count, ctx)


class Var(Function):
    """Σ (x - mean)² / (n - correction): the spread around the mean; d/dx = 2(x - mean) / (n - correction)."""

    def forward(ctx, x, axes, correction, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        ctx.divisor = builtins.max(_count(x.shape, axes) - correction, 0)
        centered = x - x.mean(axis=axes, keepdims=True)
        ctx.save_for_backward(centered)
        return (centered * centered).sum(axis=axes, keepdims=keepdims) / ctx.divisor

    def backward(ctx, grad):
        centered, = ctx.saved
        return _spread(grad, ctx) * centered * (2 / ctx.divisor)


class Extreme(Function):
    """The max (or min) over the axes; the gradient goes to the elements equal to it, shared on ties."""

    def forward(ctx, x, axes, keepdims, largest):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        out = x.max(axis=axes, keepdims=True) if largest else x.min(axis=axes, keepdims=True)
        ctx.save_for_backward(x, out)
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])

    def backward(ctx, grad):
        x, out = ctx.saved
        winners = x == out
        share = winners / winners.sum(axis=ctx.axes, keepdims=True)
        return _spread(grad, ctx) * share.astype(grad.dtype)


class LogSumExp(Function):
    """log Σ e^x over the axes, shifted by the max so it never overflows; d/dx = softmax(x)."""

    def forward(ctx, x, axes, keepdims):
        xp = ctx.xp
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        shift = x.max(axis=axes, keepdims=True)
        shift = xp.where(xp.isfinite(shift), shift, 0)
        out = xp.log(xp.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
        ctx.save_for_backward(x, out)
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])

    def backward(ctx, grad):
        x, out = ctx.saved
        return _spread(grad, ctx) * ctx.xp.exp(x - out)


class Prod(Function):
    """Π x along one axis. d/dxᵢ is the product of all the others, computed without dividing
    (so zeros are fine) as the running product before i times the running product after i."""

    def forward(ctx, x, axis, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = (axis,), keepdims, x.shape
        ctx.save_for_backward(x)
        return x.prod(axis=axis, keepdims=keepdims)

    def backward(ctx, grad):
        x, = ctx.saved
        xp, axis = ctx.xp, ctx.axes[0]
        first = (slice(None),) * axis + (slice(0, 1),)
        all_but_last = (slice(None),) * axis + (slice(None, -1),)

        def products_before(a):  # [1, a0, a0·a1, ...]
            return xp.concatenate([xp.ones_like(a[first]), xp.cumprod(a, axis=axis)[all_but_last]], axis=axis)

        after = xp.flip(products_before(xp.flip(x, axis=axis)), axis=axis)
        return _spread(grad, ctx) * products_before(x) * after


class ArgExtreme(Function):
    """The index of the max (or min) along an axis: an int64 result, with no gradient."""

    def forward(ctx, x, axis, keepdims, largest):
        find = ctx.xp.argmax if largest else ctx.xp.argmin
        if axis is None:
            return find(x.reshape(-1)).reshape((1,) * x.ndim if keepdims else ())
        out = find(x, axis=axis)
        return ctx.xp.expand_dims(out, axis) if keepdims else out


def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


# ---------------------------------------------------------------------------------------------

def sum(x, dim=None, keepdim=False):  # noqa: A001 (ember.sum, as torch.sum)
    if x.dtype.kind == "b":
        x = x.long()
    return Sum.apply(x, axes=normalize_dims(dim, x.ndim), keepdims=keepdim)


def mean(x, dim=None, keepdim=False):
    if x.dtype.kind != "f":
        raise TypeError(f"mean needs a floating point tensor, got {x.dtype}; use x.float().mean()")
    return Mean.apply(x, axes=normalize_dims(dim, x.ndim), keepdims=keepdim)


def var(x, dim=None, unbiased=None, keepdim=False, correction=None):
    """Variance; correction=1 (the default, unbiased) divides by n - 1, correction=0 by n."""
    if unbiased is not None and correction is not None:
        raise ValueError("var: give unbiased or correction, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return Var.apply(to_float(x), axes=normalize_dims(dim, x.ndim), correction=correction, keepdims=keepdim)


def std(x, dim=None, unbiased=None, keepdim=False, correction=None):
    return var(x, dim, unbiased, keepdim, correction).sqrt()


def _extreme(x, dim, keepdim, largest):
    if x.numel() == 0:
        raise RuntimeError(f"{'max' if largest else 'min'} of an empty tensor")
    if dim is None:
        return Extreme.apply(x, axes=normalize_dims(None, x.ndim), keepdims=False, largest=largest)
    axis = normalize_dim(dim, x.ndim)
    indices = ArgExtreme.apply(x, axis=axis, keepdims=True, largest=largest)
    values = gather(x, axis, indices)
    if not keepdim:
        values, indices = squeeze(values, axis), squeeze(indices, axis)
    return values_indices(values, indices)


def max(x, dim=None, keepdim=False):  # noqa: A001
    """The largest element; with dim, (values, indices) along it; with a tensor, the elementwise max."""
    if not isinstance(dim, (int, type(None))):
        return maximum(x, dim)
    return _extreme(x, dim, keepdim, largest=True)


def min(x, dim=None, keepdim=False):  # noqa: A001
    """The smallest element; with dim, (values, indices) along it; with a tensor, the elementwise min."""
    if not isinstance(dim, (int, type(None))):
        return minimum(x, dim)
    return _extreme(x, dim, keepdim, largest=False)


def amax(x, dim=None, keepdim=False):
    return Extreme.apply(x, axes=normalize_dims(dim, x.ndim), keepdims=keepdim, largest=True)


def amin(x, dim=None, keepdim=False):
    return Extreme.apply(x, axes=normalize_dims(dim, x.ndim), keepdims=keepdim, largest=False)


def argmax(x, dim=None, keepdim=False):
    return ArgExtreme.apply(x, axis=None if dim is None else normalize_dim(dim, x.ndim), keepdims=keepdim,
                            largest=True)


def argmin(x, dim=None, keepdim=False):
    return ArgExtreme.apply(x, axis=None if dim is None else normalize_dim(dim, x.ndim), keepdims=keepdim,
                            largest=False)


def logsumexp(x, dim, keepdim=False):
    return LogSumExp.apply(to_float(x), axes=normalize_dims(dim, x.ndim), keepdims=keepdim)


def prod(x, dim=None, keepdim=False):
    if dim is None:
        return Prod.apply(x.reshape(-1), axis=0, keepdims=False)
    return Prod.apply(x, axis=normalize_dim(dim, x.ndim), keepdims=keepdim)
