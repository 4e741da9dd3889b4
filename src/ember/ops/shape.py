"""Shape ops: the same numbers seen in another arrangement. Their backward puts the gradient back
into the input's arrangement (reshape back, permute back, split back)."""

import builtins
import functools

from ..autograd import Function
from .elementwise import cast, result_dtype


def normalize_dim(dim, ndim):
    """A dimension index in [-ndim, ndim) made non-negative, with PyTorch's error otherwise."""
    if not isinstance(dim, int):
        raise TypeError(f"a dimension is an int, got {type(dim).__name__}")
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not low <= dim <= high:
        raise IndexError(f"dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
    return dim % builtins.max(ndim, 1)


def normalize_dims(dim, ndim):
    """None (all dimensions), an int or a sequence of ints, as a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    axes = tuple(sorted(normalize_dim(d, ndim) for d in dims))
    for first, second in zip(axes, axes[1:]):
        if first == second:
            raise RuntimeError(f"dim {first} appears more than once in {dim}")  # PyTorch's error
    return axes


class Reshape(Function):
    """The same elements in a new shape (view, flatten, squeeze and unsqueeze are all this)."""

    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        return x.reshape(shape)

    def backward(ctx, grad):
        return grad.reshape(ctx.input_shape)


class Permute(Function):
    """Axes reordered (transpose swaps two); backward applies the inverse order."""

    def forward(ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    def backward(ctx, grad):
        inverse = [0] * len(ctx.axes)
        for i, a in enumerate(ctx.axes):
            inverse[a] = i
        return grad.transpose(inverse)


class Expand(Function):
    """Size-1 axes repeated (without copying) to a larger shape; the engine sums the gradient back."""

    def forward(ctx, x, shape):
        return ctx.xp.broadcast_to(x, shape)

    def backward(ctx, grad):
        return grad


class Cat(Function):
    """Tensors joined along an existing axis; backward slices the gradient back apart."""

    def forward(ctx, *arrays, axis):
        ctx.axis = axis
        ctx.bounds = [a.shape[axis] for a in arrays]
        return ctx.xp.concatenate(arrays, axis=axis)

    def backward(ctx, grad):
        grads, start = [], 0
        for size, needed in zip(ctx.bounds, ctx.needs_input_grad):
            index = (slice(None),) * ctx.axis + (slice(start, start + size),)
            grads.append(grad[index] if needed else None)
            start += size
        return tuple(grads)


class Stack(Function):
    """Tensors of one shape joined along a new axis."""

    def forward(ctx, *arrays, axis):
        ctx.axis = axis
        return ctx.xp.stack(arrays, axis=axis)

    def backward(ctx, grad):
        prefix = (slice(None),) * ctx.axis
        return tuple(grad[prefix + (i,)] if needed else None for i, needed in enumerate(ctx.needs_input_grad))


class Split(Function):
    """One tensor cut into pieces along an axis (one output per piece); backward joins the gradients."""

    def forward(ctx, x, sizes, axis):
        ctx.axis = axis
        pieces, start = [], 0
        for size in sizes:
            pieces.append(x[(slice(None),) * axis + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def backward(ctx, *grads):
        return ctx.xp.concatenate(grads, axis=ctx.axis)


class Pad(Function):
    """A border of a constant value added around the last axes; backward crops it off."""

    def forward(ctx, x, widths, value):
        ctx.inside = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))
        return ctx.xp.pad(x, widths, constant_values=value)

    def backward(ctx, grad):
        return grad[ctx.inside]


# ---------------------------------------------------------------------------------------------

def shape_arg(shape):
    """Accept f(2, 3) and f((2, 3)) alike."""
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, int):
            raise TypeError(f"shape entries are ints, got {type(n).__name__} in {shape}")
    return tuple(shape)


def reshape(x, *shape):
    shape = shape_arg(shape)
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: only one dimension can be -1, got {shape}")
    known = 1
    for n in shape:
        known *= n if n != -1 else 1
    if (-1 in shape and (known == 0 or x.numel() % known)) or (-1 not in shape and known != x.numel()):
        raise ValueError(f"shape {shape} is invalid for a tensor of shape {x.shape} ({x.numel()} elements)")
    if shape == x.shape:
        return x
    return Reshape.apply(x, shape=shape)


def flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return reshape(x, 1)
    start, end = normalize_dim(start_dim, x.ndim), normalize_dim(end_dim, x.ndim)
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    middle = 1
    for n in x.shape[start:end + 1]:
        middle *= n
    return reshape(x, x.shape[:start] + (middle,) + x.shape[end + 1:])


def squeeze(x, dim=None):
    axes = normalize_dims(dim, x.ndim)  # a 0-d tensor takes dim 0 or -1 (as in PyTorch) and keeps its shape
    return reshape(x, tuple(n for a, n in enumerate(x.shape) if n != 1 or a not in axes))


def unsqueeze(x, dim):
    axis = normalize_dim(dim, x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def permute(x, *dims):
    dims = shape_arg(dims)
    axes = tuple(normalize_dim(d, x.ndim) for d in dims)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"permute: {dims} is not an ordering of the {x.ndim} dimensions")
    return Permute.apply(x, axes=axes)


def transpose(x, dim0, dim1):
    axes = list(range(x.ndim))
    a, b = normalize_dim(dim0, x.ndim), normalize_dim(dim1, x.ndim)
    axes[a], axes[b] = axes[b], axes[a]
    return Permute.apply(x, axes=tuple(axes))


def expand(x, *sizes):
    sizes = shape_arg(sizes)
    if len(sizes) < x.ndim:
        raise ValueError(f"expand: the new shape {sizes} has fewer dimensions than the tensor {x.shape}")
    lead = len(sizes) - x.ndim
    shape = []
    for i, n in enumerate(sizes):
        old = x.shape[i - lead] if i >= lead else None
        if n == -1:
            if old is None:
                raise ValueError(f"expand: -1 is not allowed for a new leading dimension, got {sizes}")
            n = old
        elif old is not None and old not in (1, n):
            raise ValueError(f"expand: dimension {i} of size {old} cannot grow to {n} (only size-1 dimensions can)")
        shape.append(n)
    shape = tuple(shape)
    return x if shape == x.shape else Expand.apply(x, shape=shape)


def _check_same_shapes(name, tensors, axis=None):
    if not tensors:
        raise ValueError(f"{name}: expected a non-empty sequence of tensors")
    first = tensors[0]
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim or any(a != b for d, (a, b) in enumerate(zip(t.shape, first.shape)) if d != axis):
            raise ValueError(f"{name}: tensor {i} has shape {t.shape}, tensor 0 has {first.shape}"
                             + ("" if axis is None else f"; only dimension {axis} may differ"))


def cat(tensors, dim=0):
    tensors = list(tensors)
    axis = normalize_dim(dim, tensors[0].ndim) if tensors else None
    _check_same_shapes("cat", tensors, axis)
    return Cat.apply(*_common_dtype(tensors), axis=axis)


def stack(tensors, dim=0):
    tensors = list(tensors)
    _check_same_shapes("stack", tensors)
    axis = normalize_dim(dim, tensors[0].ndim + 1)
    return Stack.apply(*_common_dtype(tensors), axis=axis)


def _common_dtype(tensors):
    dtype = functools.reduce(result_dtype, [t.dtype for t in tensors])
    return [cast(t, dtype) for t in tensors]


def split(x, split_size_or_sections, dim=0):
    axis = normalize_dim(dim, x.ndim)
    length = x.shape[axis]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise ValueError(f"split: the piece size must be positive, got {step}")
        sizes = [builtins.min(step, length - start) for start in range(0, length, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != length:
            raise ValueError(f"split: sizes {sizes} add up to {builtins.sum(sizes)}, "
                             f"but dimension {dim} has size {length}")
    pieces = Split.apply(x, sizes=sizes, axis=axis)
    return pieces if isinstance(pieces, tuple) else (pieces,)


def chunk(x, chunks, dim=0):
    if not isinstance(chunks, int) or chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
    length = x.shape[normalize_dim(dim, x.ndim)]
    return split(x, -(-length // chunks) or 1, dim)


def pad(x, pad, mode="constant", value=0.0):
    """Pad the last len(pad)//2 dimensions; pad = (left, right, top, bottom, ...) from the last dim back."""
    if mode != "constant":
        raise NotImplementedError(f"pad: mode {mode!r} is not supported; ember pads with mode='constant'")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: expected pairs for at most {x.ndim} dimensions, got {tuple(pad)}")
    if any(not isinstance(p, int) or p < 0 for p in pad):
        raise ValueError(f"pad: widths are non-negative ints, got {tuple(pad)}")
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return Pad.apply(x, widths=tuple(widths), value=value)
