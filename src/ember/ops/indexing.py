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


class Embedding(Function):
    """weight[indices]: each index picks a row (a learned vector per token); backward adds each
    output's gradient into the row it came from. The padding row, if any, gets no gradient."""

    def forward(ctx, weight, indices, padding_idx):
        ctx.indices, ctx.padding_idx, ctx.weight_shape = indices, padding_idx, weight.shape
        return weight[indices]

    def backward(ctx, grad):
        full = ctx.xp.zeros(ctx.weight_shape, dtype=grad.dtype)
        backend.scatter_add(full, (ctx.indices,), grad)
        if ctx.padding_idx is not None:
            full[ctx.padding_idx] = 0
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


def embedding(input, weight, padding_idx=None):  # noqa: A002 (PyTorch's argument name)
    """Rows of weight (num_embeddings, dim) picked by the integer tensor input (...): out (..., dim)."""
    if input.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be an integer tensor, got {input.dtype}")
    if weight.ndim != 2:
        raise ValueError(f"embedding: the weight must be 2-D (num_embeddings, dim), got shape {weight.shape}")
    count = weight.shape[0]
    if input.numel():
        low, high = int(input.array.min()), int(input.array.max())
        if low < 0 or high >= count:
            raise IndexError(f"embedding: index {low if low < 0 else high} is out of range for "
                             f"{count} embeddings (valid: 0 to {count - 1})")
    if padding_idx is not None:
        padding_idx = checked_padding_idx(padding_idx, count)
    return Embedding.apply(weight, indices=input.array, padding_idx=padding_idx)


def checked_padding_idx(padding_idx, count):
    if not -count <= padding_idx < count:
        raise ValueError(f"padding_idx {padding_idx} is out of range for {count} embeddings")
    return padding_idx % count
