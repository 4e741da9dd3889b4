"""Indexing: picking elements out of a tensor, and putting values into chosen places.

Picking (x[index], gather, take, index_select, masked_select) has a backward that scatters the
gradient back to the places the elements came from, adding where one element was picked more than
once. Putting (x[index] = v, index_put, put, masked_fill, masked_scatter, select_scatter,
slice_scatter) has a backward that sends the gradient of each written place to the value written
there, and the rest to the tensor written into.
"""

import numbers
import operator

from .. import backend
from ..autograd import Function, is_grad_enabled
from ..dtypes import iinfo
from .elementwise import cast
from .elementwise import where as elementwise_where
from .shape import broadcast_shapes, expand, normalize_dim, numpy_names, reshape, shape_arg


class IndexOutOfRange(IndexError, RuntimeError):
    """An index beyond a dimension's size, where PyTorch raises IndexError or RuntimeError by its kernel's path
    (index_select and index_add: IndexError, but RuntimeError for a dimension of size 0 or a 2-D float tensor)."""


def _picks_repeat(index):
    """Integer-array indices can pick one element twice, so their gradients must be added up."""
    return any(hasattr(i, "dtype") and i.dtype.kind in "iu" for i in index)


class GetItem(Function):
    """x[index] with ints, slices, None, ..., integer arrays and boolean masks (NumPy's rules)."""

    moves_data = True

    def forward(ctx, x, index):
        ctx.index, ctx.input_shape = index, x.shape
        return x[index]

    def backward(ctx, grad):
        full = ctx.xp.zeros(ctx.input_shape, dtype=grad.dtype)
        if _picks_repeat(ctx.index):
            backend.scatter_add(full, ctx.index, grad)
        else:
            full[ctx.index] = grad
        return full


class IndexPut(Function):
    """x with x[index] replaced by values, or (accumulate) increased by them; index is given as steps
    applied one after the other (see index_steps). The gradient of a written place goes to the value
    written there; x keeps the gradient of the places not overwritten (all of them when accumulating).
    With in_place it writes into x's own memory (x[index] = v), which backward never needs."""

    moves_data = True

    def forward(ctx, x, values, steps, accumulate, in_place):
        ctx.steps, ctx.accumulate = steps, accumulate
        out = x if in_place else x.copy()
        target, index = _last_step(out, steps)
        if accumulate:
            index = _as_integer_arrays(ctx.xp, index)
            values = ctx.xp.broadcast_to(ctx.xp.asarray(values, dtype=x.dtype), target[index].shape)
            if x.dtype.kind == "b":  # a sum of bools: whether any is True
                total = target.astype(backend.int64)
                backend.scatter_add(total, index, values.astype(backend.int64))
                target[...] = total != 0
            else:
                backend.scatter_add(target, index, values)
        else:
            target[index] = values
        return out

    def backward(ctx, grad):
        grad_values = None
        if ctx.needs_input_grad[1]:
            view, index = _last_step(grad, ctx.steps)
            grad_values = view[index]
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = grad
            if not ctx.accumulate:
                grad_x = grad.copy()
                view, index = _last_step(grad_x, ctx.steps)
                view[index] = 0
        return grad_x, grad_values


def _last_step(array, steps):
    """The view that the last step of an index writes into, and that step."""
    for step in steps[:-1]:
        array = array[step]
    return array, steps[-1]


def _as_integer_arrays(xp, index):
    """An index with each boolean mask replaced by the integer positions of its True elements (what
    adding at repeated places needs)."""
    parts = []
    for part in index:
        if backend.is_array(part) and part.dtype.kind == "b":
            parts.extend(xp.nonzero(part))
        else:
            parts.append(part)
    return tuple(parts)


class Gather(Function):
    """out[i][j] = x[index[i][j]][j] (for axis 0): along one axis, pick by index; the rest stay put."""

    moves_data = True

    def forward(ctx, x, index, axis):
        ctx.index, ctx.input_shape = grid(ctx.xp, index, axis), x.shape
        return x[ctx.index]

    def backward(ctx, grad):
        full = ctx.xp.zeros(ctx.input_shape, dtype=grad.dtype)
        backend.scatter_add(full, ctx.index, grad)
        return full


def grid(xp, index, axis):
    """The NumPy index that gather and scatter read an index tensor as: along `axis` the index's own
    numbers, along every other axis each element's own position."""
    parts = [xp.arange(n).reshape([-1 if d == a else 1 for d in range(index.ndim)]) for a, n in enumerate(index.shape)]
    parts[axis] = index
    return tuple(parts)



class IntegerResult(Function):
    """Integers computed from arrays (positions, coordinates): a result no gradient flows through."""

    def forward(ctx, *arrays, compute):
        return compute(ctx.xp, *arrays)


# ---------------------------------------------------------------------------------------------
# x[index]: PyTorch's reading of an index.

def _is_int(part):
    return isinstance(part, numbers.Integral) and not isinstance(part, bool)


def index_steps(index, xp):
    """PyTorch's reading of an index, as NumPy indices to apply one after the other. Where ints and
    arrays mix, the ints pick first and the arrays index what is left (NumPy reads them together and
    moves the arrays' dimensions to the front when a slice stands between: x[1, :, [0]] is (1, 3) in
    NumPy, (3, 1) in PyTorch). A Python bool adds a dimension of size 1 that it indexes with [0]
    (True) or [] (False), as an index array. Returns a tuple of one or two indices."""
    has_bool = any(isinstance(part, bool) for part in index)
    has_int = any(_is_int(part) for part in index)
    if not has_bool and not (has_int and any(backend.is_array(part) for part in index)):
        return (index,)
    first, second = [], []
    for part in index:
        if isinstance(part, bool):
            first.append(None)
            second.append(xp.zeros(1 if part else 0, dtype=backend.int64))
        elif _is_int(part):
            first.append(part)
        elif backend.is_array(part):
            first.extend([slice(None)] * (part.ndim if part.dtype.kind == "b" else 1))  # a mask spans ndim dims
            second.append(part)
        else:  # a slice, None or Ellipsis: applied by the first step, whose result the second takes whole
            first.append(part)
            second.append(part if part is Ellipsis else slice(None))
    return tuple(first), tuple(second)


def getitem(x, index):
    """x[index], where index holds only ints, bools, slices, None, Ellipsis and arrays (not Tensors)."""
    for step in index_steps(index, backend.xp_of(x.array)):
        x = GetItem.apply(x, index=step)
    return x


def setitem(x, index, value):
    """x[index] = value (a tensor or a number), written into x's memory; returns the result tensor, which
    in a graph carries the node that x takes over (Tensor.__setitem__)."""
    if not _is_number(value):
        value = cast(value, x.dtype)
    steps = index_steps(index, backend.xp_of(x.array))
    return IndexPut.apply(x, value, steps=steps, accumulate=False, in_place=True)


def _is_number(value):
    return isinstance(value, (int, float))


# ---------------------------------------------------------------------------------------------
# Checks of index tensors, shared by the functions below and by ops/scatter.py.

def check_index_dtype(name, index, dtypes=(backend.int64,), error=RuntimeError):
    if index.dtype not in dtypes:
        expected = " or ".join(str(d) for d in dtypes)
        raise error(f"{name}: expected an {expected} index tensor, got {index.dtype}")


def check_bounds(name, index, size, dim, negative=False, error=RuntimeError):
    """Every index in [0, size) (or [-size, size) with negative=True), with an error naming the first
    one outside."""
    if index.numel() == 0:
        return
    low, high = int(index.array.min()), int(index.array.max())
    if low < (-size if negative else 0) or high >= size:
        bad = low if low < (-size if negative else 0) else high
        raise error(f"{name}: index {bad} is out of bounds for dimension {dim} with size {size}")


def check_vector(name, index):
    if index.ndim > 1:
        raise IndexError(f"{name}: the index must be a vector (0-d or 1-d), got shape {index.shape}")


def _check_same_dtype(name, x, other, what):
    if other.dtype != x.dtype:
        raise RuntimeError(f"{name}: {what} must have the tensor's dtype {x.dtype}, got {other.dtype}")


def _check_bool_mask(name, mask):
    if mask.dtype != backend.bool_:
        raise RuntimeError(f"{name}: the mask must be a bool tensor, got {mask.dtype}")


def as_fill_value(name, x, value):
    """A number or 0-d tensor to write into x, in x's dtype (as PyTorch's fills: a number beyond an integer
    dtype's range is refused, but a negative int wraps around an unsigned dtype, -1 to 255 for uint8)."""
    if _is_number(value):
        if x.dtype.kind == "b":
            return bool(value)
        if x.dtype.kind not in "iu":
            return float(value)
        limits = iinfo(x.dtype)
        low = -limits.max if x.dtype.kind == "u" and isinstance(value, numbers.Integral) else limits.min
        if not low <= value <= limits.max:  # NaN too
            raise RuntimeError(f"{name}: the value {value} cannot be converted to {x.dtype} without overflow")
        return int(value) % (limits.max + 1) if x.dtype.kind == "u" else int(value)
    if value.ndim != 0:
        raise RuntimeError(f"{name}: the value must be a number or a 0-d tensor, got shape {value.shape}")
    check_differentiable_result(name, x.dtype, value)
    return cast(value, x.dtype)


def check_differentiable_result(name, dtype, value):
    """PyTorch's refusal of a result of an integer dtype written from a value that needs a gradient."""
    if value.requires_grad and dtype.kind not in "fc" and is_grad_enabled():
        raise RuntimeError(f"{name}: the result's dtype {dtype} cannot carry the gradient that the value needs")


# ---------------------------------------------------------------------------------------------
# Picking.

@numpy_names
def gather(input, dim, index):  # noqa: A002 (PyTorch's argument names)
    """`out[i][j] = input[index[i][j]][j]` for dim 0 (and likewise along any dim): out has index's shape."""
    axis = check_gather_index("gather", input, dim, index)
    if input.ndim == 0 or index.numel() == 0:  # an empty index may have any shape
        return reshape(Gather.apply(reshape(input, -1), index=index.array.reshape(-1), axis=0), index.shape)
    return Gather.apply(input, index=index.array, axis=axis)


def check_gather_index(name, x, dim, index, src=None):
    """The axis of a gather or scatter, after PyTorch's checks: an int32/int64 index with x's number of
    dimensions, no larger than x apart from along dim (and no larger than src anywhere), within x's size."""
    check_index_dtype(name, index, (backend.int32, backend.int64))
    axis = normalize_dim(dim, x.ndim)
    if index.numel() == 0:  # PyTorch checks no shapes for an empty index
        return axis
    shapes = {"the tensor": x.shape or (1,)}
    if src is not None:
        shapes["src"] = src.shape or (1,)
    index_shape = index.shape or (1,)
    for what, shape in shapes.items():
        if len(shape) != len(index_shape):
            raise RuntimeError(f"{name}: the index has {index.ndim} dimensions, {what} {len(shape)}")
        for d, (n, m) in enumerate(zip(index_shape, shape)):
            if n > m and (d != axis or what == "src"):
                raise RuntimeError(f"{name}: index size {n} in dimension {d} exceeds {what}'s {m} "
                                   f"(index shape {index.shape}, {what} {shape})")
    check_bounds(name, index, x.shape[axis] if x.ndim else 1, axis)
    return axis


def take(input, index):  # noqa: A002
    """The elements of input at the positions index (into input seen as 1-D; negative counts from the
    end): out has index's shape."""
    check_index_dtype("take", index)
    check_bounds("take", index, input.numel(), 0, negative=True, error=IndexError)
    return getitem(reshape(input, -1), (index.array,))


@numpy_names
def take_along_dim(input, indices, dim=None):  # noqa: A002
    """gather with input and indices broadcast against each other outside dim, the indices taken modulo the
    size of dim (as PyTorch does); with dim=None, gather from input seen as 1-D (indices in range)."""
    check_index_dtype("take_along_dim", indices)
    if dim is None:
        return gather(reshape(input, -1), 0, reshape(indices, -1))
    if indices.ndim != input.ndim:
        raise RuntimeError(f"take_along_dim: input and indices need the same number of dimensions, got "
                           f"{input.ndim} and {indices.ndim}")
    axis = normalize_dim(dim, input.ndim)
    size = input.shape[axis] if input.ndim else 1
    if size == 0 and indices.numel():
        raise RuntimeError(f"take_along_dim: indices into dimension {dim} of size 0")
    shape = broadcast_shapes(*[[n for d, n in enumerate(t.shape) if d != axis] for t in (input, indices)])
    input = expand(input, _with_axis(shape, axis, size))
    indices = expand(indices, _with_axis(shape, axis, indices.shape[axis] if indices.ndim else 1))
    wrapped = IntegerResult.apply(indices, compute=lambda xp, i: i % size)
    return gather(input, axis, wrapped)


def _with_axis(shape, axis, n):
    return (*shape[:axis], n, *shape[axis:])


@numpy_names
def index_select(input, dim, index):  # noqa: A002
    """The slices of input at positions index (a vector) along dim, in that order."""
    check_index_dtype("index_select", index, (backend.int32, backend.int64))
    check_vector("index_select", index)
    axis = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        if index.numel() != 1:
            raise RuntimeError(f"index_select: a 0-d tensor takes one index, got {index.numel()}")
        check_bounds("index_select", index, 1, 0, error=IndexError)
        return reshape(getitem(reshape(input, 1), (index.array.reshape(-1),)), ())
    check_bounds("index_select", index, input.shape[axis], axis, error=IndexOutOfRange)
    return getitem(input, (slice(None),) * axis + (index.array.reshape(-1),))


@numpy_names
def select(input, dim, index):  # noqa: A002
    """The slice at index along dim (negative counts from the end), without that dimension: a view."""
    if input.ndim == 0:
        raise IndexError("select: a 0-d tensor has no dimension to select from")
    return getitem(input, _slot("select", input, dim, index))


def _slot(name, x, dim, index):
    """The index of the slice at index along dim, checked to be inside it."""
    axis = normalize_dim(dim, x.ndim)
    size = x.shape[axis]
    if not -size <= index < size:
        raise IndexError(f"{name}: index {index} is out of range for dimension {dim} of size {size}")
    return (slice(None),) * axis + (index,)


@numpy_names
def narrow(input, dim, start, length):  # noqa: A002
    """length elements along dim, from start on (negative counts from the end): a view."""
    if input.ndim == 0:
        raise RuntimeError("narrow: a 0-d tensor has no dimension to narrow")
    axis = normalize_dim(dim, input.ndim)
    size, start = input.shape[axis], operator.index(start)
    if not -size <= start <= size:
        raise IndexError(f"narrow: start {start} is out of range for dimension {dim} of size {size}")
    start = start + size if start < 0 else start
    if length < 0 or start + length > size:
        raise RuntimeError(f"narrow: length {length} from start {start} does not fit in dimension {dim} "
                           f"of size {size}")
    return getitem(input, (slice(None),) * axis + (slice(start, start + length),))


def masked_select(input, mask):  # noqa: A002
    """The elements of input where mask (broadcast with it) is True, as a 1-D tensor."""
    _check_bool_mask("masked_select", mask)
    shape = broadcast_shapes(input.shape, mask.shape)
    return getitem(expand(input, shape), (expand(mask, shape).array,))


def nonzero(input, *, as_tuple=False):  # noqa: A002
    """The positions of input's nonzero elements: an int64 tensor (count, ndim) with one row per element,
    or with as_tuple=True a tuple of ndim int64 vectors, one per dimension (a 0-d input counts as 1-d)."""
    positions = IntegerResult.apply(reshape(input, 1) if input.ndim == 0 else input, compute=_positions)
    if as_tuple:
        return tuple(getitem(positions, (slice(None), d)) for d in range(positions.shape[1]))
    return positions if input.ndim else getitem(positions, (slice(None), slice(0, 0)))


def _positions(xp, array):
    return xp.stack(xp.nonzero(array), axis=1).astype(backend.int64)


def nonzero_static(input, *, size, fill_value=-1):  # noqa: A002
    """nonzero(input) with exactly size rows: cut short, or padded with rows of fill_value."""
    if not isinstance(size, int) or size < 0:
        raise RuntimeError(f"nonzero_static: size must be a non-negative int, got {size!r}")
    return IntegerResult.apply(nonzero(input), compute=lambda xp, rows: _padded(xp, rows, size, fill_value))


def _padded(xp, rows, size, fill_value):
    out = xp.full((size, rows.shape[1]), fill_value, dtype=rows.dtype)
    count = min(size, rows.shape[0])
    out[:count] = rows[:count]
    return out


def argwhere(input):  # noqa: A002
    """nonzero(input): the positions of the nonzero elements, one row each."""
    return nonzero(input)


def where(condition, input=None, other=None):  # noqa: A002
    """Elements of input where condition is True, else of other (they broadcast; either may be a number).
    With the condition alone: nonzero(condition, as_tuple=True)."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where: give both input and other, or the condition alone")
    return elementwise_where(condition, input, other)


def unravel_index(indices, shape):
    """The coordinates in a tensor of the given shape of each flat position in indices: a tuple of
    int64 tensors of indices' shape, one per dimension (positions wrap around, as in PyTorch)."""
    if indices.dtype.kind not in "iu":
        raise TypeError(f"unravel_index: indices must be an integer tensor, got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else shape_arg(tuple(shape))
    if any(n < 0 for n in shape):
        raise ValueError(f"unravel_index: the shape cannot have negative sizes, got {shape}")
    if 0 in shape:
        raise RuntimeError(f"unravel_index: a shape with a zero size has no positions, got {shape}")
    if not shape:
        return ()
    coordinates = IntegerResult.apply(indices, compute=lambda xp, i: _coordinates(xp, i, shape))
    return tuple(getitem(coordinates, (d,)) for d in range(len(shape)))


def _coordinates(xp, flat, shape):
    """The coordinates of flat positions in shape, stacked along a new first axis."""
    coordinates, rest = [], flat.astype(backend.int64)
    for n in reversed(shape):
        coordinates.append(rest % n)
        rest = rest // n
    return xp.stack(coordinates[::-1])





# ---------------------------------------------------------------------------------------------
# Putting.

def index_put(input, indices, values, accumulate=False):  # noqa: A002
    """input with input[indices] = values (indices a tuple of integer or bool tensors, read as NumPy and
    PyTorch read advanced indices), or with accumulate=True, values added there (repeats add up)."""
    indices = tuple(indices)
    for i in indices:
        if i.dtype.kind not in "iub":
            raise IndexError(f"index_put: index tensors must be integer or bool tensors, got {i.dtype}")
    dims = sum(i.ndim if i.dtype.kind == "b" else 1 for i in indices)
    if dims > input.ndim:
        raise IndexError(f"index_put: {len(indices)} indices for a tensor of {input.ndim} dimensions")
    _check_same_dtype("index_put", input, values, "values")
    d = 0
    for i in indices:
        if i.dtype.kind == "b":
            d += i.ndim
        else:
            check_bounds("index_put", i, input.shape[d], d, negative=True, error=IndexError)
            d += 1
    index = tuple(i.array for i in indices)
    return IndexPut.apply(input, values, steps=(index,), accumulate=accumulate, in_place=False)


def put(input, index, source, accumulate=False):  # noqa: A002
    """input with source's elements written at the flat positions index (negative counts from the end),
    or with accumulate=True added there."""
    check_index_dtype("put", index)
    _check_same_dtype("put", input, source, "source")
    if index.numel() != source.numel():
        raise IndexError(f"put: index has {index.numel()} elements, source {source.numel()}")
    check_bounds("put", index, input.numel(), 0, negative=True, error=IndexError)
    flat = IndexPut.apply(reshape(input, -1), reshape(source, -1), steps=((index.array.reshape(-1),),),
                          accumulate=accumulate, in_place=False)
    return reshape(flat, input.shape)


def masked_fill(input, mask, value):  # noqa: A002
    """value where mask (broadcast with input) is True, input elsewhere; value is a number or a 0-d
    tensor, taken in input's dtype."""
    _check_bool_mask("masked_fill", mask)
    return elementwise_where(mask, as_fill_value("masked_fill", input, value), input)


def masked_scatter(input, mask, source):  # noqa: A002
    """input (broadcast with mask) with the places where mask is True filled, in order, by source's
    first elements."""
    _check_bool_mask("masked_scatter", mask)
    _check_same_dtype("masked_scatter", input, source, "source")
    shape = broadcast_shapes(input.shape, mask.shape)
    mask = expand(mask, shape)
    count = int(mask.array.sum())
    if source.numel() < count:
        raise RuntimeError(f"masked_scatter: source has {source.numel()} elements for {count} True places")
    values = getitem(reshape(source, -1), (slice(0, count),))
    return IndexPut.apply(expand(input, shape), values, steps=((mask.array,),), accumulate=False, in_place=False)


@numpy_names
def select_scatter(input, src, dim, index):  # noqa: A002
    """input with the slice input.select(dim, index) replaced by src (of that slice's shape)."""
    return _scatter_slice("select_scatter", input, src, _slot("select_scatter", input, dim, index))


@numpy_names
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):  # noqa: A002
    """input with the slice input[start:end:step] along dim replaced by src (of that slice's shape)."""
    if step <= 0:
        raise RuntimeError(f"slice_scatter: the step must be positive, got {step}")
    axis = normalize_dim(dim, input.ndim)
    return _scatter_slice("slice_scatter", input, src, (slice(None),) * axis + (slice(start, end, step),))


def _scatter_slice(name, x, src, index):
    shape = x.array[index].shape
    if src.shape != shape:
        raise RuntimeError(f"{name}: src must have the slice's shape {shape}, got {src.shape}")
    check_differentiable_result(name, x.dtype, src)
    return IndexPut.apply(x, cast(src, x.dtype), steps=(index,), accumulate=False, in_place=False)
