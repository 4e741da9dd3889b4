"""Reductions: many numbers to fewer (sum, mean, variance, max, all, ...) along some dimensions.

Backward spreads the gradient back over the dimensions that were reduced: evenly for a sum or mean,
to the winners for a max. Counts, truth values and indices come out of `Discrete`, which has no gradient.
"""

import builtins
import math
from collections import namedtuple

from .. import backend
from ..autograd import Function, no_grad
from ..dtypes import promote_types
from .elementwise import cast, check_kind, div, maximum, minimum, to_float, where
from .logical import eq, ne
from .pointwise import array_sign
from .indexing import gather
from .shape import normalize_dim, normalize_dims, numpy_names, permute, reshape, shape_arg, squeeze

values_indices = namedtuple("values_indices", ["values", "indices"])
min_max = namedtuple("aminmax", ["min", "max"])


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


def _dropped(out, axes):
    """A result computed with keepdims=True, without the reduced axes."""
    return out.reshape([n for i, n in enumerate(out.shape) if i not in axes])


def reduced_axes(dim, ndim):
    """The axes a reduction over dim covers: None, () and [] mean all of them. A 0-d tensor takes dim 0
    or -1 (as in PyTorch) and has no axis to reduce."""
    axes = normalize_dims(dim, ndim)
    if ndim == 0:
        return ()
    return axes or tuple(range(ndim))


def check_nonempty(name, x, dim, axes):
    """A max, min, median ... needs an element in every slice it reduces: with no dim (None or ()), any element."""
    if x.numel() == 0 and (dim is None or dim == ()):
        raise RuntimeError(f"{name}(): expected a dim to reduce over for a tensor with no elements "
                           f"(shape {x.shape}); give dim")
    for a in axes:
        if x.shape[a] == 0:
            raise IndexError(f"{name}(): expected reduction dim {a} to have non-zero size, got shape {x.shape}")


def check_tensor(name, other):
    if not hasattr(other, "dtype"):
        raise TypeError(f"{name}: other must be a Tensor, got {type(other).__name__}")


def check_floating(name, x):
    if backend.kind_of(x.dtype) != "f":
        raise RuntimeError(f"{name}: expected a floating point tensor, got {x.dtype}")


class Discrete(Function):
    """An op whose result is discrete (indices, counts, truth values, bins): fn(xp, *arrays), with no gradient."""

    def forward(ctx, *arrays, fn):
        return fn(ctx.xp, *arrays)


def discrete(fn, *tensors):
    """fn(xp, *arrays) of the tensors' arrays, as tensors outside the graph (numbers and None pass as they are)."""
    return Discrete.apply(*(t.detach() if hasattr(t, "detach") else t for t in tensors), fn=fn)


def unread(x, result):
    """result, with x in its graph for a gradient of 0 but its values unread (NaN in x does not spread): a
    term PyTorch scales by 0 (addmm's input at beta = 0, matrix_power's A at n = 0); result broadcasts x."""
    never = discrete(lambda xp, r: xp.zeros(r.shape, dtype=bool), result)
    return where(never, x, result)


def scalar_result(result):
    """The (values, indices) of an op along dim 0 of a 0-d tensor seen as one element, back as 0-d tensors."""
    return values_indices(reshape(result.values, ()), reshape(result.indices, ()))


# ---------------------------------------------------------------------------------------------
# Sums, means and products.

class Sum(Function):
    """Σ x over the axes; every input element gets the same gradient."""

    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        return x.sum(axis=axes, keepdims=keepdims, dtype=x.dtype)  # NumPy's own sums int32 to int64

    def backward(ctx, grad):
        return _spread(grad, ctx)


class Mean(Function):
    """Σ x / n over the axes; every input element gets 1/n of the gradient."""

    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        ctx.count = math.prod(x.shape[a] for a in axes)
        return x.mean(axis=axes, keepdims=keepdims)

    def backward(ctx, grad):
        return _spread(grad / ctx.count, ctx)


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


def accumulating(x, dtype):
    """x in the dtype a sum or product runs in: dtype if given; int64 for integers and bools (as in PyTorch)."""
    if dtype is None and x.dtype.kind in "biu":
        dtype = backend.int64
    return x if dtype is None else cast(x, dtype)


@numpy_names
def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001, A002 (PyTorch's names)
    """Σ over dim (None or (): every dimension); integers and bools are summed as int64."""
    x = accumulating(input, dtype)
    return Sum.apply(x, axes=reduced_axes(dim, x.ndim), keepdims=keepdim)


@numpy_names
def mean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The mean over dim (all elements by default), keepdim keeping the reduced dims as size 1."""
    x = input if dtype is None else cast(input, dtype)
    if backend.kind_of(x.dtype) != "f":
        raise RuntimeError(f"mean: expected a floating point tensor or dtype, got {x.dtype}; use x.float().mean()")
    return Mean.apply(x, axes=reduced_axes(dim, x.ndim), keepdims=keepdim)


@numpy_names
def prod(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Π over one dimension, or over all of them when dim is None."""
    x = accumulating(input, dtype)
    if dim is None or x.ndim == 0:
        reduced_axes(dim, x.ndim)  # checks dim
        return Prod.apply(reshape(x, -1), axis=0, keepdims=False)
    return Prod.apply(x, axis=normalize_dim(dim, x.ndim), keepdims=keepdim)


def _isnan(x):
    return ne(x, x)  # only NaN differs from itself


@numpy_names
def nansum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Σ over dim with NaNs counted as zero (they get no gradient)."""
    x = accumulating(input, dtype)
    if backend.kind_of(x.dtype) == "f":
        x = where(_isnan(x), 0.0, x)
    return sum(x, dim, keepdim)


@numpy_names
def nanmean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The mean over dim of the elements that are not NaN (NaN where all are)."""
    x = input if dtype is None else cast(input, dtype)
    check_floating("nanmean", x)
    return div(nansum(x, dim, keepdim), sum(~_isnan(x), dim, keepdim))


def sum_to_size(input, *size):  # noqa: A002
    """input summed down to size, a shape that broadcasts to input's (the gradient of a broadcast)."""
    size = shape_arg(size)
    extra = input.ndim - len(size)
    if extra < 0 or builtins.any(n not in (1, m) for n, m in zip(size, input.shape[extra:])):
        raise RuntimeError(f"sum_to_size: size {size} is not expandable to the tensor's shape {input.shape}")
    stretched = tuple(extra + i for i, n in enumerate(size) if n == 1 and input.shape[extra + i] != 1)
    summed = tuple(range(extra)) + stretched
    return reshape(sum(input, summed, keepdim=True) if summed else input, size)


# ---------------------------------------------------------------------------------------------
# Spread: variance and standard deviation.

class Spread(Function):
    """The variance Σ (x - mean)² / (n - correction) over the axes, or (root=True) its square root, the
    standard deviation. d var/dx = 2(x - mean) / (n - correction); d std/dx = d var/dx / (2 std), 0 where std is 0."""

    def forward(ctx, x, axes, correction, keepdims, root):
        xp = ctx.xp
        ctx.axes, ctx.keepdims, ctx.input_shape, ctx.root = axes, keepdims, x.shape, root
        ctx.divisor = builtins.max(math.prod(x.shape[a] for a in axes) - correction, 0)
        centered = x - x.mean(axis=axes, keepdims=True)
        out = (centered * centered).sum(axis=axes, keepdims=keepdims) / ctx.divisor
        if root:
            out = xp.sqrt(out)
        ctx.save_for_backward(centered, out)
        return out

    def backward(ctx, grad):
        centered, out = ctx.saved
        if ctx.root:
            grad = ctx.xp.where(out == 0, 0, grad / (2 * ctx.xp.where(out == 0, 1, out)))
        return _spread(grad, ctx) * centered * 2 / ctx.divisor  # NaN and ±inf where the divisor is 0, as PyTorch


def _spread_of(name, input, dim, unbiased, keepdim, correction, root):
    if isinstance(dim, bool):  # var(x, False): PyTorch reads a lone bool as unbiased
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}: give unbiased or correction, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    check_floating(name, input)
    return Spread.apply(input, axes=reduced_axes(dim, input.ndim), correction=correction, keepdims=keepdim,
                        root=root)


@numpy_names
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """Variance over dim; correction=1 (the default; unbiased=True) divides by n - 1, correction=0 by n."""
    return _spread_of("var", input, dim, unbiased, keepdim, correction, root=False)


@numpy_names
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """Standard deviation over dim: the square root of var (same arguments)."""
    return _spread_of("std", input, dim, unbiased, keepdim, correction, root=True)


@numpy_names
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """(var, mean) over dim."""
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


@numpy_names
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """(std, mean) over dim."""
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


# ---------------------------------------------------------------------------------------------
# Extremes.

class Extreme(Function):
    """The max (or min) over the axes; the gradient goes to the elements equal to it, shared on ties."""

    def forward(ctx, x, axes, keepdims, largest):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        out = x.max(axis=axes, keepdims=True) if largest else x.min(axis=axes, keepdims=True)
        ctx.save_for_backward(x, out)
        return out if keepdims else _dropped(out, axes)

    def backward(ctx, grad):
        x, out = ctx.saved
        winners = (x == out) | (x != x)  # max and min propagate NaN: then the NaNs are the winners
        share = winners / winners.sum(axis=ctx.axes, keepdims=True)
        return _spread(grad, ctx) * share.astype(grad.dtype)


class LogSumExp(Function):
    """log Σ e^x over the axes, shifted by the max so it never overflows; d/dx = softmax(x)."""

    def forward(ctx, x, axes, keepdims):
        xp = ctx.xp
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        if x.size:
            shift = x.max(axis=axes, keepdims=True)
            shift = xp.where(xp.isfinite(shift), shift, 0)
        else:  # the sum of no terms is 0, its log -inf
            shift = xp.zeros([1 if i in axes else n for i, n in enumerate(x.shape)], dtype=x.dtype)
        out = xp.log(xp.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
        ctx.save_for_backward(x, out)
        return out if keepdims else _dropped(out, axes)

    def backward(ctx, grad):
        x, out = ctx.saved
        return _spread(grad, ctx) * ctx.xp.exp(x - out)


def _extreme(name, x, dim, keepdim, largest):
    if dim is None:
        check_nonempty(name, x, None, ())
        return Extreme.apply(x, axes=reduced_axes(None, x.ndim), keepdims=False, largest=largest)
    axis = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        return scalar_result(_extreme(name, reshape(x, 1), 0, keepdim, largest))
    check_nonempty(name, x, dim, (axis,))
    indices = _arg_extreme(x, axis, True, largest)
    values = gather(x, axis, indices)
    if not keepdim:
        values, indices = squeeze(values, axis), squeeze(indices, axis)
    return values_indices(values, indices)


@numpy_names
def max(input, dim=None, keepdim=False):  # noqa: A001, A002
    """The largest element; with dim, (values, indices) along it; with a tensor, the elementwise max."""
    if not isinstance(dim, (int, type(None))):
        return maximum(input, dim)
    return _extreme("max", input, dim, keepdim, largest=True)


@numpy_names
def min(input, dim=None, keepdim=False):  # noqa: A001, A002
    """The smallest element; with dim, (values, indices) along it; with a tensor, the elementwise min."""
    if not isinstance(dim, (int, type(None))):
        return minimum(input, dim)
    return _extreme("min", input, dim, keepdim, largest=False)


def _amax_or_amin(name, x, dim, keepdim, largest):
    axes = reduced_axes(dim, x.ndim)
    check_nonempty(name, x, dim, axes)
    return Extreme.apply(x, axes=axes, keepdims=keepdim, largest=largest)


@numpy_names
def amax(input, dim=(), keepdim=False):  # noqa: A002
    """The max over dim (() or None: every dimension); ties share the gradient."""
    return _amax_or_amin("amax", input, dim, keepdim, largest=True)


@numpy_names
def amin(input, dim=(), keepdim=False):  # noqa: A002
    """The smallest value over dim (all dims by default); ties share the gradient."""
    return _amax_or_amin("amin", input, dim, keepdim, largest=False)


@numpy_names
def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002
    """(min, max) over one dimension, or over all of them."""
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"aminmax(): dim must be an int, got {type(dim).__name__}")
    return min_max(_amax_or_amin("aminmax", input, dim, keepdim, largest=False),
                   _amax_or_amin("aminmax", input, dim, keepdim, largest=True))


def _arg_extreme(x, axis, keepdims, largest):
    """The index of the max (min) along axis, or in the flattened tensor for axis None: int64, the first of ties."""
    def find(xp, a):
        pick = xp.argmax if largest else xp.argmin
        if axis is None:
            return pick(a.reshape(-1)).reshape((1,) * a.ndim if keepdims else ())
        out = pick(a, axis=axis)
        return xp.expand_dims(out, axis) if keepdims else out
    return discrete(find, x)


@numpy_names
def argmax(input, dim=None, keepdim=False):  # noqa: A002
    """The index of the largest value over dim (of the flattened input by default)."""
    return _arg(input, dim, keepdim, largest=True)


@numpy_names
def argmin(input, dim=None, keepdim=False):  # noqa: A002
    """The index of the smallest value over dim (of the flattened input by default)."""
    return _arg(input, dim, keepdim, largest=False)


def _arg(x, dim, keepdim, largest):
    name = "argmax" if largest else "argmin"
    check_kind(name, x.dtype, "iuf", "integer or floating point")
    if dim is None:
        check_nonempty(name, x, None, ())
        return _arg_extreme(x, None, keepdim, largest)
    axis = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        return _arg_extreme(x, None, False, largest)
    check_nonempty(name, x, dim, (axis,))
    return _arg_extreme(x, axis, keepdim, largest)


@numpy_names
def logsumexp(input, dim=None, keepdim=False):  # noqa: A002
    """log Σ e^x over dim (which PyTorch requires), computed without overflow."""
    if dim is None:
        raise TypeError("logsumexp() missing its dim argument")
    return LogSumExp.apply(to_float(input), axes=reduced_axes(dim, input.ndim), keepdims=keepdim)


# ---------------------------------------------------------------------------------------------
# Truth values and counts.

def _truth(x, dim, keepdim, every):
    # Unlike the other reductions, all and any over dim=() reduce nothing, as in PyTorch.
    axes = () if isinstance(dim, (tuple, list)) and not dim else reduced_axes(dim, x.ndim)
    out_dtype = backend.uint8 if x.dtype == backend.uint8 else backend.bool_

    def test(xp, a):
        return (a.all(axis=axes, keepdims=keepdim) if every else a.any(axis=axes, keepdims=keepdim)).astype(out_dtype)
    return discrete(test, x)


@numpy_names
def all(input, dim=None, keepdim=False):  # noqa: A001, A002
    """Whether every element over dim is nonzero (bool; uint8 for a uint8 tensor)."""
    return _truth(input, dim, keepdim, every=True)


@numpy_names
def any(input, dim=None, keepdim=False):  # noqa: A001, A002
    """Whether some element over dim is nonzero (bool; uint8 for a uint8 tensor)."""
    return _truth(input, dim, keepdim, every=False)


@numpy_names
def count_nonzero(input, dim=None):  # noqa: A002
    """How many elements over dim are not zero (int64)."""
    axes = reduced_axes(dim, input.ndim)
    return discrete(lambda xp, a: (a != 0).sum(axis=axes).astype(backend.int64), input)


def hash_tensor(input, dim=None, *, keepdim=False, mode=0):  # noqa: A002
    """A checksum of the elements over dim (uint64): each element widened to 64 bits (float64 or int64),
    its bits read as an unsigned integer, and all of them combined with exclusive or (mode 0, the only one)."""
    if mode != 0:
        raise ValueError(f"hash_tensor: mode must be 0 (the xor of the elements' bits), got {mode!r}")
    axes = reduced_axes(dim, input.ndim)
    wide = backend.float64 if backend.kind_of(input.dtype) == "f" else backend.int64

    def xor_of_bits(xp, a):
        return xp.bitwise_xor.reduce(a.astype(wide).view(backend.uint64), axis=axes, keepdims=keepdim)
    return discrete(xor_of_bits, input)


# ---------------------------------------------------------------------------------------------
# Norms: the size of a vector (over some dimensions) or of a matrix.

class VectorNorm(Function):
    """‖x‖ₚ = (Σ |x|^p)^(1/p) over the axes; p = inf is max |x|, -inf min |x|, 0 the count of nonzeros.
    d/dx = sign(x) (|x| / ‖x‖)^(p-1): x/‖x‖ for p = 2, sign(x) for p = 1; for ±inf the gradient goes to the
    elements of largest (smallest) |x|, shared on ties. It is 0 where x or the norm is 0, and for p = 0."""

    def forward(ctx, x, p, axes, keepdims):
        xp = ctx.xp
        ctx.p, ctx.axes, ctx.keepdims, ctx.input_shape = p, axes, keepdims, x.shape
        size = xp.abs(x)
        if p == float("inf"):
            out = size.max(axis=axes, keepdims=True)
        elif p == -float("inf"):
            out = size.min(axis=axes, keepdims=True)
        elif p == 0:
            out = (size != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
        elif p == 1:
            out = size.sum(axis=axes, keepdims=True)
        elif p == 2:
            out = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
        else:
            out = (size ** p).sum(axis=axes, keepdims=True) ** (1 / p)
        ctx.save_for_backward(x, out)
        return out if keepdims else _dropped(out, axes)

    def backward(ctx, grad):
        xp, p = ctx.xp, ctx.p
        x, out = ctx.saved
        grad = _spread(grad, ctx)
        if p == 0:
            return xp.zeros_like(x)
        if p == 1:
            return grad * array_sign(x)
        if p in (float("inf"), -float("inf")):  # no winner where the norm is NaN: no gradient, as PyTorch
            winners = xp.abs(x) == out
            return grad * array_sign(x) * (winners / xp.maximum(winners.sum(axis=ctx.axes, keepdims=True), 1))
        safe_out = xp.where(out == 0, 1, out)
        if p == 2:
            slope = x / safe_out
        else:  # |x| replaced by 1 where x is 0, where sign(x) makes the slope 0 anyway
            slope = xp.sign(x) * (xp.where(x == 0, 1, xp.abs(x)) / safe_out) ** (p - 1)
        return grad * xp.where(out == 0, 0, slope)


class NuclearNorm(Function):
    """The sum of the singular values of each matrix in the last two axes: ‖A‖* = Σ σᵢ, d/dA = U Vᵀ."""

    def forward(ctx, x):
        u, s, vh = ctx.xp.linalg.svd(x, full_matrices=False)
        ctx.save_for_backward(u, vh)
        return s.sum(axis=-1)

    def backward(ctx, grad):
        u, vh = ctx.saved
        return grad[..., None, None] * (u @ vh)


@numpy_names
def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The p-norm of input over dim (None: every dimension) as one vector; dtype widens input first."""
    check_floating("vector_norm", input)
    if dtype is not None:
        dtype = backend.as_dtype(dtype)
        if promote_types(input.dtype, dtype) != dtype:
            raise RuntimeError(f"vector_norm: the input's dtype {input.dtype} cannot be narrowed to {dtype}")
        input = cast(input, dtype)
    axes = reduced_axes(dim, input.ndim)
    if ord in (float("inf"), -float("inf")) and builtins.any(input.shape[a] == 0 for a in axes):
        raise RuntimeError(f"vector_norm: the {ord} norm of no elements is undefined (shape {input.shape})")
    return VectorNorm.apply(input, p=ord, axes=axes, keepdims=keepdim)


@numpy_names
def nuclear_norm(input, dim, keepdim=False):  # noqa: A002
    """The sum of singular values of the matrices in the two dimensions dim."""
    axes = normalize_dims(dim, input.ndim)
    if len(axes) != 2:
        raise RuntimeError(f"nuclear norm: dim must be two dimensions, got {dim}")
    check_floating("nuclear norm", input)
    rest = [a for a in range(input.ndim) if a not in axes]
    out = NuclearNorm.apply(permute(input, *rest, *axes))
    return reshape(out, [1 if a in axes else n for a, n in enumerate(input.shape)]) if keepdim else out


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):  # noqa: A002
    """A vector norm over dim (p a number, or 'fro' over one or two dims: the 2-norm), or the nuclear norm
    (p='nuc') of the matrices in two dims (dim None: a 2-D tensor's)."""
    if out is not None:
        raise TypeError("norm: ember has no out= arguments; use the returned tensor")
    if p == "fro":
        if dim is not None and not isinstance(dim, int) and len(dim) > 2:
            raise RuntimeError(f"norm: the Frobenius norm is over one or two dims, got {dim}")
        p = 2
    if p == "nuc":
        matrices = input if dtype is None else cast(input, dtype)
        return nuclear_norm(matrices, tuple(range(input.ndim)) if dim is None else dim, keepdim)
    if isinstance(p, str):
        raise RuntimeError(f"norm: p must be a number, 'fro' or 'nuc', got {p!r}")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


def dist(input, other, p=2):  # noqa: A002
    """The p-norm of input - other (broadcast)."""
    check_tensor("dist", other)
    difference = input - other
    check_floating("dist", difference)
    return vector_norm(difference, p)


@numpy_names
def renorm(input, p, dim, maxnorm):  # noqa: A002
    """input with each slice along dim whose p-norm exceeds maxnorm scaled down to norm maxnorm."""
    if input.ndim < 2:
        raise RuntimeError(f"renorm: expected a tensor of at least 2 dimensions, got {input.ndim}")
    if p <= 0:
        raise RuntimeError(f"renorm: p must be positive, got {p}")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: maxnorm must be at least 0, got {maxnorm}")
    axis = normalize_dim(dim, input.ndim)
    others = [a for a in range(input.ndim) if a != axis]
    with no_grad():
        exceeds = vector_norm(input, p, others, keepdim=True) > maxnorm
    # The norms of the slices that exceed only, so that the others' gradient is the upstream one (NaN ones too).
    norms = vector_norm(where(exceeds, input, 0.0), p, others, keepdim=True)
    return input * where(exceeds, maxnorm / (norms + 1e-7), 1.0)


# ---------------------------------------------------------------------------------------------
# Comparing whole tensors.

def equal(input, other):  # noqa: A002
    """True if both have the same shape and the same values (of any dtypes)."""
    check_tensor("equal", other)
    return input.shape == other.shape and all(eq(input, other)).item()


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """|input - other| ≤ atol + rtol·|other| elementwise (bool, broadcast); infinities are close only to
    themselves, NaN to nothing unless equal_nan."""
    check_tensor("isclose", other)
    if input.dtype != other.dtype:
        raise RuntimeError(f"isclose: expected tensors of one dtype, got {input.dtype} and {other.dtype}")
    if rtol < 0 or atol < 0:
        raise RuntimeError(f"isclose: rtol and atol must be at least 0, got rtol={rtol}, atol={atol}")

    def close(xp, a, b):
        if a.dtype.kind == "b":
            return a == b
        finite = xp.isfinite(a) & xp.isfinite(b)
        a_, b_ = xp.where(finite, a, 0), xp.where(finite, b, 0)  # finite stand-ins: no inf - inf
        gap = xp.where(a_ > b_, a_ - b_, b_ - a_)  # no wrap-around for unsigned integers
        near = (a == b) | (finite & (gap <= atol + rtol * xp.abs(b_)))
        return near | (xp.isnan(a) & xp.isnan(b)) if equal_nan else near
    return discrete(close, input, other)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """True if every element pair is close (isclose)."""
    return all(isclose(input, other, rtol, atol, equal_nan)).item()
