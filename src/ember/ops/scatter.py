"""Scattering: writing values into places along a dimension that an index tensor names, the inverse
of gather. scatter(x, 0, index, src) sets x[index[i][j]][j] = src[i][j]; scatter_add adds instead;
scatter_reduce combines the values sent to one place by a sum, product, mean, max or min. The index_*
functions are the same with one index per slice: index_add(x, 0, index, source) adds source[i] into
x[index[i]].

Every one works on x seen as 1-D, with the flat position of each value: writing and adding are
IndexPut (ops/indexing.py), the other reductions are the Functions here. Their gradient goes to the
values that made each result (for a max, shared between ties), and to x where its own value counts.
"""

from .. import backend
from ..autograd import Function
from .indexing import (IndexOutOfRange, IndexPut, as_fill_value, check_bounds, check_gather_index, check_index_dtype,
                       check_vector, getitem, grid)
from .shape import normalize_dim, numpy_names, reshape


class ScatterMean(Function):
    """At each place that positions name, the mean of the values sent there (and of x's own value, with
    include_self); x elsewhere. d/dvalue = 1/count at its place (floor division for integers)."""

    def forward(ctx, x, values, positions, include_self):
        xp = ctx.xp
        values = _per_place(xp, values, positions, x.dtype)
        count = xp.zeros(x.shape, dtype=backend.int64)
        backend.scatter_add(count, (positions,), xp.ones(positions.shape, dtype=backend.int64))
        ctx.kept = (count == 0) | include_self  # where x's own value is part of the result
        total = xp.where(ctx.kept, x, 0).astype(x.dtype)
        backend.scatter_add(total, (positions,), values)
        ctx.count, ctx.positions = count + ctx.kept, positions
        return (total // ctx.count if x.dtype.kind in "iub" else total / ctx.count).astype(x.dtype)

    def backward(ctx, grad):
        share = grad / ctx.count
        return share * ctx.kept, share[ctx.positions]


class ScatterExtreme(Function):
    """At each place that positions name, the max (or min) of the values sent there (and of x's own, with
    include_self); x elsewhere. The gradient goes to the elements equal to the result, shared on ties; x's own
    element, where it ties, takes its share even without include_self (and drops it), as in PyTorch."""

    def forward(ctx, x, values, positions, include_self, largest):
        values = _per_place(ctx.xp, values, positions, x.dtype)
        out = x.copy()
        if not include_self:
            out[positions] = values
        (ctx.xp.maximum if largest else ctx.xp.minimum).at(out, positions, values)
        ctx.positions, ctx.include_self = positions, include_self
        ctx.save_for_backward(x, values, out)
        return out

    def backward(ctx, grad):
        xp = ctx.xp
        x, values, out = ctx.saved
        x_wins = x == out
        value_wins = values == out[ctx.positions]
        winners = x_wins.astype(grad.dtype)
        backend.scatter_add(winners, (ctx.positions,), value_wins.astype(grad.dtype))
        share = grad / xp.maximum(winners, 1)
        if not ctx.include_self:
            x_wins[ctx.positions] = False
        return share * x_wins, share[ctx.positions] * value_wins


class ScatterProd(Function):
    """At each place that positions name, the product of the values sent there (and of x's own, with
    include_self); x elsewhere. d/dfactor = the product of the place's other factors."""

    def forward(ctx, x, values, positions, include_self):
        values = _per_place(ctx.xp, values, positions, x.dtype)
        out = x.copy()
        if not include_self:
            out[positions] = 1
        _multiply_at(ctx.xp, out, positions, values)
        ctx.positions, ctx.include_self = positions, include_self
        ctx.save_for_backward(x, values)
        return out

    def backward(ctx, grad):
        xp = ctx.xp
        x, values = ctx.saved
        x_counts = xp.ones(x.shape, dtype=bool)
        if not ctx.include_self:
            x_counts[ctx.positions] = False
        # Per place: how many of its factors are 0, and the product of the others.
        zeros = ((x == 0) & x_counts).astype(backend.int64)
        backend.scatter_add(zeros, (ctx.positions,), (values == 0).astype(backend.int64))
        product = xp.where((x == 0) | ~x_counts, 1, x)
        _multiply_at(xp, product, ctx.positions, xp.where(values == 0, 1, values))
        grad_x = grad * x_counts * _others(xp, x, zeros, product)
        at = ctx.positions
        grad_values = grad[at] * _others(xp, values, zeros[at], product[at])
        return grad_x, grad_values


def _per_place(xp, values, positions, dtype):
    """One value per position: values as they are, or one number (or 0-d array) repeated."""
    return xp.broadcast_to(xp.asarray(values, dtype=dtype), positions.shape)


def _others(xp, factor, zeros, product):
    """The product of a place's factors other than `factor`, from the place's number of zero factors and
    the product of its nonzero ones."""
    return xp.where(factor == 0, (zeros == 1) * product, (zeros == 0) * product / xp.where(factor == 0, 1, factor))


def _multiply_at(xp, target, positions, values):
    """target[positions] *= values with repeated positions multiplying up. NumPy's multiply.at multiplies
    them in one by one, in order, as PyTorch does (which matters where a product overflows: 1e38·1e38·0 is
    NaN, 1e38·(1e38·0) is 0); CuPy lacks it, and takes _multiply_by_runs."""
    if backend.is_cpu(xp):
        xp.multiply.at(target, positions, values)
    else:
        _multiply_by_runs(xp, target, positions, values)


def _multiply_by_runs(xp, target, positions, values):
    """_multiply_at with array ops alone: the values sorted by position, a running product within each run
    of equal positions by doubling steps (each step multiplies in the partial product from `step` places
    back, while the position is the same), and each run's last partial product multiplied into its place."""
    order = xp.argsort(positions)
    places, partial = positions[order], values[order]
    step = 1
    while step < partial.size:
        same = places[step:] == places[:-step]
        partial[step:] = xp.where(same, partial[step:] * partial[:-step], partial[step:])
        step *= 2
    if partial.size:
        last = xp.concatenate([places[1:] != places[:-1], xp.ones(1, dtype=bool)])
        target[places[last]] *= partial[last]


# ---------------------------------------------------------------------------------------------

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _reduce_into(flat, values, positions, reduce, include_self):
    """flat (1-D) with the values (1-D) combined into their positions by a reduction of REDUCTIONS."""
    if reduce == "sum":
        if not include_self:
            flat = IndexPut.apply(flat, 0, steps=((positions,),), accumulate=False, in_place=False)
        return IndexPut.apply(flat, values, steps=((positions,),), accumulate=True, in_place=False)
    if reduce == "mean":
        return ScatterMean.apply(flat, values, positions=positions, include_self=include_self)
    if reduce == "prod":
        return ScatterProd.apply(flat, values, positions=positions, include_self=include_self)
    return ScatterExtreme.apply(flat, values, positions=positions, include_self=include_self,
                                largest=reduce == "amax")


def _scattered(name, x, dim, index, src, reduce, include_self=True):
    """scatter, scatter_add and scatter_reduce: src (a tensor, or one number for every place) sent along
    dim to the places index names, combined there by reduce (None: written over x)."""
    is_tensor = hasattr(src, "dtype") and src.ndim > 0
    axis = check_gather_index(name, x, dim, index, src if is_tensor else None)
    if is_tensor:
        if src.dtype != x.dtype:
            raise RuntimeError(f"{name}: src must have the tensor's dtype {x.dtype}, got {src.dtype}")
        src = reshape(getitem(src, tuple(slice(0, n) for n in index.shape)), -1)
    else:
        src = as_fill_value(name, x, src)
    positions = _flat_positions(backend.xp_of(x.array), index.array, axis, x.shape)
    if reduce is None:
        return _into(x, src, positions, accumulate=False)
    return reshape(_reduce_into(reshape(x, -1), src, positions, reduce, include_self), x.shape)


def _flat_positions(xp, index, axis, shape):
    """Where in x seen as 1-D each element of a gather/scatter index points, as a 1-D array."""
    if not shape:
        return index.reshape(-1)
    parts = xp.broadcast_arrays(*grid(xp, index, axis))
    return xp.ravel_multi_index(parts, shape).reshape(-1)


@numpy_names
def scatter(input, dim, index, src=None, *, value=None, reduce=None):  # noqa: A002 (PyTorch's names)
    """input with `input[index[i][j]][j] = src[i][j]` (for dim 0; likewise along any dim), src a tensor or
    one number (also as value=). The deprecated reduce='add' or 'multiply' combines instead of writing."""
    if (src is None) == (value is None):
        raise TypeError("scatter: give src (a tensor or a number) or value, not both")
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
    reduction = {None: None, "add": "sum", "multiply": "prod"}[reduce]
    return _scattered("scatter", input, dim, index, value if src is None else src, reduction)


@numpy_names
def scatter_add(input, dim, index, src):  # noqa: A002
    """input with `src[i][j]` added into `input[index[i][j]][j]` (for dim 0); repeated places add up."""
    if not hasattr(src, "dtype"):
        raise TypeError(f"scatter_add: src must be a tensor, got {type(src).__name__}")
    return _scattered("scatter_add", input, dim, index, src, "sum")


@numpy_names
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):  # noqa: A002
    """input with the values of src sent to each place (as in scatter) combined there by reduce: 'sum',
    'prod', 'mean', 'amax' or 'amin', with input's own value among them if include_self."""
    if not hasattr(src, "dtype"):
        raise TypeError(f"scatter_reduce: src must be a tensor, got {type(src).__name__}")
    _check_reduction("scatter_reduce", reduce, REDUCTIONS)
    if reduce == "mean" and input.dtype.kind == "b":
        raise RuntimeError("scatter_reduce: bool tensors have no mean (as in PyTorch)")
    return _scattered("scatter_reduce", input, dim, index, src, reduce, include_self)


def _check_reduction(name, reduce, allowed):
    if reduce not in allowed:
        raise RuntimeError(f"{name}: reduce must be one of {', '.join(allowed)}; got {reduce!r}")


# ---------------------------------------------------------------------------------------------
# One index per slice: index_add, index_copy, index_fill, index_reduce.

def _slice_places(name, x, dim, index, source=None, dtypes=(backend.int32, backend.int64), negative=False,
                  dtype_error=RuntimeError, bounds_error=RuntimeError):
    """The flat positions (in x seen as 1-D) of the slices along dim that a vector index names, one per
    element of source (or of those slices), after PyTorch's checks."""
    check_index_dtype(name, index, dtypes, dtype_error)
    check_vector(name, index)
    axis = normalize_dim(dim, x.ndim)
    shape = list(x.shape or (1,))
    shape[axis] = index.numel()
    if source is not None:
        if source.dtype != x.dtype:
            raise RuntimeError(f"{name}: source must have the tensor's dtype {x.dtype}, got {source.dtype}")
        if tuple(source.shape or (1,)) != tuple(shape):
            raise RuntimeError(f"{name}: source must have shape {tuple(shape)} (the tensor's, with "
                               f"{index.numel()} along dim {dim}), got {source.shape}")
    size = x.shape[axis] if x.ndim else 1
    check_bounds(name, index, size, axis, negative=negative, error=bounds_error)
    xp = backend.xp_of(x.array)
    along = index.array.reshape([-1 if d == axis else 1 for d in range(len(shape))]) % size
    return _flat_positions(xp, xp.broadcast_to(along, shape), axis, x.shape)


@numpy_names
def index_add(input, dim, index, source, *, alpha=1):  # noqa: A002
    """input with alpha * source[i] added into the slice input.select(dim, index[i]) for each i; repeated
    indices add up."""
    positions = _slice_places("index_add", input, dim, index, source, bounds_error=IndexOutOfRange)
    if alpha != 1:
        source = source * (int(alpha) if input.dtype.kind in "iub" else alpha)
    return _into(input, reshape(source, -1), positions, accumulate=True)


@numpy_names
def index_copy(input, dim, index, source):  # noqa: A002
    """input with the slice input.select(dim, index[i]) replaced by source[i] for each i."""
    axis = normalize_dim(dim, input.ndim)
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_copy: source must have the tensor's dtype {input.dtype}, got {source.dtype}")
    if input.ndim and source.ndim and source.ndim != input.ndim:  # PyTorch's IndexErrors, unlike index_add's
        raise IndexError(f"index_copy: source has {source.ndim} dimensions, the tensor {input.ndim}")
    if index.numel() != (source.shape[axis] if source.ndim else 1):
        raise IndexError(f"index_copy: {index.numel()} indices for {source.shape[axis]} slices of source")
    positions = _slice_places("index_copy", input, dim, index, source, dtypes=(backend.int64,),
                              bounds_error=IndexError)
    return _into(input, reshape(source, -1), positions, accumulate=False)


@numpy_names
def index_fill(input, dim, index, value):  # noqa: A002
    """input with the slices input.select(dim, i) for i in index (negative counts from the end) filled
    with value, a number or a 0-d tensor."""
    normalize_dim(dim, input.ndim)  # PyTorch checks dim, then the value, then the index
    value = as_fill_value("index_fill", input, value)
    positions = _slice_places("index_fill", input, dim, index, dtypes=(backend.int64,), negative=True,
                              dtype_error=IndexError, bounds_error=IndexError)
    places = backend.xp_of(positions).unique(positions)  # each place filled once, however often it is named
    return _into(input, value, places, accumulate=False)


@numpy_names
def index_reduce(input, dim, index, source, reduce, *, include_self=True):  # noqa: A002
    """input with source[i] combined into the slice input.select(dim, index[i]) by reduce: 'prod', 'mean',
    'amax' or 'amin', with input's own values among them if include_self."""
    _check_reduction("index_reduce", reduce, ("prod", "mean", "amax", "amin"))
    if input.dtype.kind == "b" and not include_self:  # PyTorch checks this, then the index, then a bool mean
        raise RuntimeError("index_reduce: bool tensors need include_self (as in PyTorch)")
    positions = _slice_places("index_reduce", input, dim, index, source, bounds_error=IndexError)
    if input.dtype.kind == "b" and reduce == "mean":
        raise RuntimeError("index_reduce: bool tensors have no mean (as in PyTorch)")
    return reshape(_reduce_into(reshape(input, -1), reshape(source, -1), positions, reduce, include_self),
                   input.shape)


def _into(x, values, positions, accumulate):
    flat = IndexPut.apply(reshape(x, -1), values, steps=((positions,),), accumulate=accumulate, in_place=False)
    return reshape(flat, x.shape)
