"""Indexing: picking elements out of a tensor. Backward scatters the gradient back to the places
the elements came from, adding where one element was picked more than once."""

import numbers

from .. import backend
from ..autograd import Function
from .shape import normalize_dim


def _picks_repeat(index):
    """Integer-array indices can pick one element twice, so their gradients must be added up."""
    return any(hasattr(i, "dtype") and i.dtype.kind in "iu" for i in index)


class GetItem(Function):
    """x[index] with ints, slices, None, ..., integer arrays and boolean masks (NumPy's rules)."""

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


class Gather(Function):
    """out[i][j] = x[index[i][j]][j] (for axis 0): along one axis, pick by index; the rest stay put."""

    def forward(ctx, x, index, axis):
        xp = ctx.xp
        grid = [xp.arange(n).reshape([-1 if d == a else 1 for d in range(index.ndim)])
                for a, n in enumerate(index.shape)]
        grid[axis] = index
        ctx.index, ctx.input_shape = tuple(grid), x.shape
        return x[ctx.index]

    def backward(ctx, grad):
        full = ctx.xp.zeros(ctx.input_shape, dtype=grad.dtype)
        backend.scatter_add(full, ctx.index, grad)
        return full


def _is_int(part):
    return isinstance(part, numbers.Integral) and not isinstance(part, bool)


def split_ints_first(index):
    """PyTorch's reading of an index that mixes ints with arrays: the ints pick first, then the
    arrays index what is left. (NumPy reads them together and moves the arrays' dimensions to the
    front when a slice stands between: x[1, :, [0]] is (1, 3) in NumPy, (3, 1) in PyTorch.)
    Returns the two indices to apply one after the other, or None where one step is the same."""
    if not any(_is_int(part) for part in index) or not any(backend.is_array(part) for part in index):
        return None
    first, second = [], []
    for part in index:
        if _is_int(part):
            first.append(part)
        elif backend.is_array(part):
            first.extend([slice(None)] * (part.ndim if part.dtype.kind == "b" else 1))  # a mask spans ndim dims
            second.append(part)
        else:  # a slice, None or Ellipsis: applied by the first step, whose result the second takes whole
            first.append(part)
            second.append(part if part is Ellipsis else slice(None))
    return tuple(first), tuple(second)


def getitem(x, index):
    """x[index], where index holds only ints, slices, None, Ellipsis and arrays (not Tensors)."""
    steps = split_ints_first(index)
    if steps is not None:
        return GetItem.apply(GetItem.apply(x, index=steps[0]), index=steps[1])
    return GetItem.apply(x, index=index)


def gather(x, dim, index):
    if index.dtype != backend.int64:
        raise TypeError(f"gather: the index must be an int64 tensor, got {index.dtype}")
    if index.ndim != x.ndim:
        raise ValueError(f"gather: the index has {index.ndim} dimensions, the tensor {x.ndim}")
    axis = normalize_dim(dim, x.ndim)
    for d, (n, m) in enumerate(zip(index.shape, x.shape)):
        if d != axis and n > m:
            raise ValueError(f"gather: index size {n} in dimension {d} exceeds the tensor's {m}")
    return Gather.apply(x, index=index.array, axis=axis)
