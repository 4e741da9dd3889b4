"""Shape ops: the same numbers seen in another arrangement (reshapes, permutations, expansions,
windows), joined (cat, stack), split, flipped or rolled. Their backward puts the gradient
back into the input's arrangement (reshape back, permute back, split back, flip back)."""

import builtins
import functools

from ..autograd import Function
from ..dtypes import promote_types
from .elementwise import cast


def normalize_dim(dim, ndim):
    """A dimension index in [-ndim, ndim) made non-negative, with PyTorch's error otherwise."""
    if not isinstance(dim, int):
        raise TypeError(f"a dimension is an int, got {type(dim).__name__}")
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not low <= dim <= high:
        raise IndexError(f"dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
    return dim % builtins.max(ndim, 1)


def numpy_names(fn):
    """fn that takes NumPy's names for its arguments too, as PyTorch's functions do: axis for dim, keepdims for
    keepdim (x.sum(axis=0, keepdims=True))."""
    @functools.wraps(fn)
    def with_numpy_names(*args, **kwargs):
        for numpy_name, name in (("axis", "dim"), ("keepdims", "keepdim")):
            if numpy_name in kwargs:
                if name in kwargs:
                    raise TypeError(f"{fn.__name__}() got both {name} and {numpy_name}; give one")
                kwargs[name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)
    return with_numpy_names


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

    moves_data = True

    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        return x.reshape(shape)

    def backward(ctx, grad):
        return grad.reshape(ctx.input_shape)


class Permute(Function):
    """Axes reordered (transpose swaps two); backward applies the inverse order."""

    moves_data = True

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

    moves_data = True

    def forward(ctx, x, shape):
        return ctx.xp.broadcast_to(x, shape)

    def backward(ctx, grad):
        return grad


class Cat(Function):
    """Tensors joined along an existing axis; backward slices the gradient back apart."""

    moves_data = True

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

    moves_data = True

    def forward(ctx, *arrays, axis):
        ctx.axis = axis
        return ctx.xp.stack(arrays, axis=axis)

    def backward(ctx, grad):
        prefix = (slice(None),) * ctx.axis
        return tuple(grad[prefix + (i,)] if needed else None for i, needed in enumerate(ctx.needs_input_grad))


class Split(Function):
    """One tensor cut into pieces along an axis (one output per piece); backward joins the gradients."""

    moves_data = True

    def forward(ctx, x, sizes, axis):
        ctx.axis = axis
        pieces, start = [], 0
        for size in sizes:
            pieces.append(x[(slice(None),) * axis + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def backward(ctx, *grads):
        return ctx.xp.concatenate(grads, axis=ctx.axis)


class Flip(Function):
    """The elements in reverse order along some axes (a copy, as in PyTorch); flipping the gradient the
    same way undoes it."""

    moves_data = True

    def forward(ctx, x, axes):
        ctx.axes = axes
        return ctx.xp.flip(x, axes).copy(order="K")

    def backward(ctx, grad):
        return ctx.xp.flip(grad, ctx.axes)


class Unfold(Function):
    """The windows of `size` elements, `step` apart, along an axis, as a new last axis: a view whose
    windows share memory where they overlap. Backward adds each window's gradient back into the places
    it covers, one position of the window at a time."""

    moves_data = True

    def forward(ctx, x, axis, size, step):
        ctx.input_shape, ctx.axis, ctx.size, ctx.step = x.shape, axis, size, step
        return windows(ctx.xp, x, axis, size, step)

    def backward(ctx, grad):
        full = ctx.xp.zeros(ctx.input_shape, dtype=grad.dtype)
        count = grad.shape[ctx.axis]
        for k in range(ctx.size):
            covered = (slice(None),) * ctx.axis + (slice(k, k + ctx.step * (count - 1) + 1, ctx.step),)
            full[covered] += grad[..., k]
        return full


def windows(xp, x, axis, size, step):
    """x's windows along an axis as a strided view: the window count takes the axis's place, the window
    (`size` elements) is a new last axis."""
    count = (x.shape[axis] - size) // step + 1
    shape = x.shape[:axis] + (count,) + x.shape[axis + 1:] + (size,)
    strides = x.strides[:axis] + (x.strides[axis] * step,) + x.strides[axis + 1:] + (x.strides[axis],)
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


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
    """The same elements in a new shape (-1 infers one size)."""
    shape = shape_arg(shape)
    if shape.count(-1) > 1:
        raise RuntimeError(f"reshape: only one dimension can be -1, got {shape}")
    known = 1
    for n in shape:
        known *= n if n != -1 else 1
    if (-1 in shape and (known == 0 or x.numel() % known)) or (-1 not in shape and known != x.numel()):
        raise RuntimeError(f"shape {shape} is invalid for a tensor of shape {x.shape} ({x.numel()} elements)")
    if shape == x.shape:
        return x
    return Reshape.apply(x, shape=shape)


def flatten(x, start_dim=0, end_dim=-1):
    """x with dims start_dim to end_dim merged into one."""
    if x.ndim == 0:
        return reshape(x, 1)
    start, end = normalize_dim(start_dim, x.ndim), normalize_dim(end_dim, x.ndim)
    if start > end:
        raise RuntimeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    middle = 1
    for n in x.shape[start:end + 1]:
        middle *= n
    return reshape(x, x.shape[:start] + (middle,) + x.shape[end + 1:])


@numpy_names
def squeeze(x, dim=None):
    """x without its size-1 dims (or only dim, if it has size 1)."""
    axes = normalize_dims(dim, x.ndim)  # a 0-d tensor takes dim 0 or -1 (as in PyTorch) and keeps its shape
    return reshape(x, tuple(n for a, n in enumerate(x.shape) if n != 1 or a not in axes))


@numpy_names
def unsqueeze(x, dim):
    """x with a new size-1 dim inserted at dim."""
    axis = normalize_dim(dim, x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def permute(x, *dims):
    """x with its dims reordered: x.permute(2, 0, 1) of (A, B, C) is (C, A, B)."""
    dims = shape_arg(dims)
    if len(dims) != x.ndim:
        raise RuntimeError(f"permute: {dims} is not an ordering of the {x.ndim} dimensions")
    axes = tuple(normalize_dim(d, x.ndim) for d in dims)
    if sorted(axes) != list(range(x.ndim)):
        raise RuntimeError(f"permute: {dims} is not an ordering of the {x.ndim} dimensions")
    return Permute.apply(x, axes=axes)


def transpose(x, dim0, dim1):
    """x with dims dim0 and dim1 swapped."""
    axes = list(range(x.ndim))
    a, b = normalize_dim(dim0, x.ndim), normalize_dim(dim1, x.ndim)
    if x.ndim:  # a 0-d tensor takes dims 0 and -1, and stays as it is
        axes[a], axes[b] = axes[b], axes[a]
    return Permute.apply(x, axes=tuple(axes))


def expand(x, *sizes):
    """x broadcast to a larger size without copying (-1 keeps a size): a view."""
    sizes = shape_arg(sizes)
    if len(sizes) < x.ndim:
        raise RuntimeError(f"expand: the new shape {sizes} has fewer dimensions than the tensor {x.shape}")
    lead = len(sizes) - x.ndim
    shape = []
    for i, n in enumerate(sizes):
        old = x.shape[i - lead] if i >= lead else None
        if n == -1:
            if old is None:
                raise RuntimeError(f"expand: -1 is not allowed for a new leading dimension, got {sizes}")
            n = old
        elif old is not None and old not in (1, n):
            raise RuntimeError(f"expand: dimension {i} of size {old} cannot grow to {n} (only size-1 dimensions can)")
        shape.append(n)
    shape = tuple(shape)
    return x if shape == x.shape else Expand.apply(x, shape=shape)


def _check_same_shapes(name, tensors, axis=None):
    if not tensors:
        raise ValueError(f"{name}: expected a non-empty sequence of tensors")
    first = tensors[0]
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim or any(a != b for d, (a, b) in enumerate(zip(t.shape, first.shape)) if d != axis):
            raise RuntimeError(f"{name}: tensor {i} has shape {t.shape}, tensor 0 has {first.shape}"
                             + ("" if axis is None else f"; only dimension {axis} may differ"))


@numpy_names
def cat(tensors, dim=0):
    """The tensors joined along dim, in their common dtype. As in PyTorch, 1-D empty tensors (shape (0,)) are
    left out whatever the others' shapes are, and 0-d tensors are refused."""
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"cat: zero-dimensional tensor (at position {i}) cannot be concatenated")
    tensors = common_dtype(tensors) if tensors else []
    shape = next((t.shape for t in tensors if t.shape != (0,)), (0,))
    axis = normalize_dim(dim, len(shape)) if tensors else None
    empty = shape[:axis] + (0,) + shape[axis + 1:] if tensors else None
    tensors = [Reshape.apply(t, shape=empty) if t.shape == (0,) else t for t in tensors]
    _check_same_shapes("cat", tensors, axis)
    return Cat.apply(*tensors, axis=axis)


@numpy_names
def stack(tensors, dim=0):
    """The tensors joined along a new dim (their shapes equal)."""
    tensors = list(tensors)
    axis = normalize_dim(dim, tensors[0].ndim + 1) if tensors else None
    _check_same_shapes("stack", tensors)
    return Stack.apply(*common_dtype(tensors), axis=axis)


def common_dtype(tensors):
    dtype = functools.reduce(promote_types, [t.dtype for t in tensors])
    return [cast(t, dtype) for t in tensors]


def split(x, split_size_or_sections, dim=0):
    """x cut along dim into pieces of split_size (an int) or of the given sizes (a list)."""
    if x.ndim == 0:
        raise RuntimeError("split: expected a tensor of at least one dimension, got a 0-d tensor")
    axis = normalize_dim(dim, x.ndim)
    length = x.shape[axis]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise RuntimeError(f"split: the piece size must be positive, got {step}")
        sizes = [builtins.min(step, length - start) for start in range(0, length, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != length:
            raise RuntimeError(f"split: sizes {sizes} add up to {builtins.sum(sizes)}, "
                             f"but dimension {dim} has size {length}")
    pieces = Split.apply(x, sizes=sizes, axis=axis)
    return pieces if isinstance(pieces, tuple) else (pieces,)


@numpy_names
def chunk(x, chunks, dim=0):
    """x split into `chunks` pieces along dim, the last one smaller if the size does not divide."""
    if not isinstance(chunks, int) or chunks <= 0:
        raise RuntimeError(f"chunk: chunks must be a positive int, got {chunks!r}")
    if x.ndim == 0:
        raise RuntimeError("chunk: expected a tensor of at least one dimension, got a 0-d tensor")
    length = x.shape[normalize_dim(dim, x.ndim)]
    if length == 0:  # PyTorch's chunks of an empty dimension: as many as asked, all empty
        return split(x, [0] * chunks, dim)
    return split(x, -(-length // chunks), dim)


# ---------------------------------------------------------------------------------------------
# More views: the same elements, other dimensions.

@numpy_names
def unflatten(input, dim, sizes):  # noqa: A002 (PyTorch's argument names)
    """Dimension dim split into several of the given sizes (one of them may be -1)."""
    axis = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        raise RuntimeError("unflatten: a 0-d tensor has no dimension to unflatten")
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must not be empty")
    known = 1
    for n in sizes:
        known *= n if n != -1 else 1
    length = input.shape[axis]
    fits = known and length % known == 0 if -1 in sizes else known == length
    if sizes.count(-1) > 1 or not fits:
        raise RuntimeError(f"unflatten: sizes {sizes} do not multiply up to the size {length} of dimension {dim}")
    sizes = tuple(length // known if n == -1 else n for n in sizes)  # -1 of 0 elements is 0
    return reshape(input, input.shape[:axis] + sizes + input.shape[axis + 1:])


def ravel(input):  # noqa: A002
    """The elements as a 1-D tensor, in row-major order."""
    return reshape(input, -1)


def movedim(input, source, destination):  # noqa: A002
    """The dimensions in source moved to the places in destination; the others keep their order."""
    source = (source,) if isinstance(source, int) else tuple(source)
    destination = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: source {source} and destination {destination} need as many dims")
    moved = [normalize_dim(d, input.ndim) for d in source]
    places = [normalize_dim(d, input.ndim) for d in destination]
    for what, dims in (("source", moved), ("destination", places)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: a dimension is repeated in {what} {dims}")
    rest = iter(d for d in range(input.ndim) if d not in moved)
    by_place = dict(zip(places, moved))
    order = [by_place[p] if p in by_place else next(rest) for p in range(input.ndim)]
    return permute(input, order)


moveaxis = movedim


def swapaxes(input, axis0, axis1):  # noqa: A002
    """transpose(input, axis0, axis1)."""
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):  # noqa: A002
    """transpose(input, dim0, dim1)."""
    return transpose(input, dim0, dim1)


def t(input):  # noqa: A002
    """The transpose of a matrix; a vector or a number stays as it is."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with at most 2 dimensions, got {input.ndim}; use transpose()")
    return permute(input, *reversed(range(input.ndim)))


def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes (tuples, or ints for 1-D) broadcast to."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    for shape in shapes:
        if any(n < 0 for n in shape):
            raise ValueError(f"broadcast_shapes: sizes cannot be negative, got {shape}")
    result = []
    for sizes in zip(*[(1,) * (builtins.max(map(len, shapes), default=0) - len(s)) + s for s in shapes]):
        wide = {n for n in sizes if n != 1}
        if len(wide) > 1:
            raise RuntimeError(f"broadcast_shapes: shapes {tuple(shapes)} do not broadcast together")
        result.append(wide.pop() if wide else 1)
    return tuple(result)


def broadcast_to(input, size):  # noqa: A002
    """input expanded (without copying) to size, by the broadcasting rules (-1 keeps a dimension)."""
    return expand(input, tuple(size))


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape."""
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def _atleast(tensors, ndim, shape_of):
    """One tensor, or a tuple of them (for several, or a list), each reshaped by shape_of if it has
    fewer than ndim dimensions."""
    single = len(tensors) == 1 and not isinstance(tensors[0], (list, tuple))
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    out = tuple(t if t.ndim >= ndim else reshape(t, shape_of(t.shape)) for t in tensors)
    return out[0] if single else out


def atleast_1d(*tensors):
    """Each tensor with at least 1 dimension: a number becomes (1,)."""
    return _atleast(tensors, 1, lambda shape: (1,))


def atleast_2d(*tensors):
    """Each tensor with at least 2 dimensions: a number becomes (1, 1), a vector (n) a row (1, n)."""
    return _atleast(tensors, 2, lambda shape: (1,) * (2 - len(shape)) + shape)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dimensions: a number becomes (1, 1, 1), a vector (n) (1, n, 1), a
    matrix (a, b) (a, b, 1)."""
    return _atleast(tensors, 3, _as_3d)


def _as_3d(shape):
    if len(shape) == 1:
        return (1, shape[0], 1)
    return (*shape, 1) if shape else (1, 1, 1)


@numpy_names
def unbind(input, dim=0):  # noqa: A002
    """The slices of input along dim, as a tuple of tensors without that dimension."""
    if input.ndim == 0:
        raise IndexError("unbind: a 0-d tensor has no dimension to unbind")
    axis = normalize_dim(dim, input.ndim)
    if input.shape[axis] == 0:
        return ()
    return tuple(squeeze(piece, axis) for piece in split(input, 1, axis))


def unfold(input, dimension, size, step):  # noqa: A002
    """Tensor.unfold: every window of `size` elements, `step` apart, along dimension, as a view with a
    new last dimension of size `size` (the windows take the dimension's place)."""
    if step <= 0:
        raise RuntimeError(f"unfold: step must be positive, got {step}")
    axis = normalize_dim(dimension, input.ndim)
    length = input.shape[axis] if input.ndim else 1
    if not 0 <= size <= length:
        raise RuntimeError(f"unfold: the window size {size} must be in [0, {length}], the size of dimension "
                           f"{dimension}")
    if input.ndim == 0:
        return reshape(input, 1)
    return Unfold.apply(input, axis=axis, size=size, step=step)


# ---------------------------------------------------------------------------------------------
# Rearranging: flips, rolls, rotations.

def flip(input, dims):  # noqa: A002
    """The elements in reverse order along each of dims (a copy)."""
    if isinstance(dims, int):
        raise TypeError("flip: dims is a tuple or list of ints, got an int")
    axes = normalize_dims(dims, input.ndim)  # checked for a 0-d tensor too, which has nothing to flip
    return Flip.apply(input, axes=axes if input.ndim else ())


def fliplr(input):  # noqa: A002
    """Left to right: flip(input, [1]), for at least 2 dimensions."""
    if input.ndim < 2:
        raise RuntimeError(f"fliplr: expected at least 2 dimensions, got {input.ndim}")
    return flip(input, [1])


def flipud(input):  # noqa: A002
    """Upside down: flip(input, [0]), for at least 1 dimension."""
    if input.ndim < 1:
        raise RuntimeError("flipud: expected at least 1 dimension, got a 0-d tensor")
    return flip(input, [0])


def roll(input, shifts, dims=None):  # noqa: A002
    """The elements shifted along dims by shifts, those pushed off one end coming back at the other;
    with dims=None, along input seen as 1-D (the shape stays)."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: without dims, give one shift, got {shifts}")
        return reshape(roll(reshape(input, -1), shifts, 0), input.shape)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts {shifts} and dims {dims} need as many entries")
    if input.ndim == 0:
        raise IndexError("roll: a 0-d tensor has no dimension to roll along")
    if input.numel() == 0:  # PyTorch leaves an empty tensor as it is, whatever dims say
        return input
    for shift, dim in zip(shifts, dims):
        input = _roll(input, shift, normalize_dim(dim, input.ndim))
    return input


def _roll(x, shift, axis):
    """x rolled along one axis: its last `shift` elements moved to the front."""
    length = x.shape[axis]
    shift = shift % length if length else 0
    if shift == 0:
        return x
    head, tail = split(x, [length - shift, shift], axis)
    return cat([tail, head], axis)


def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """input turned k quarter turns in the plane of dims, from the first towards the second."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"rot90: expected 2 rotation dims, got {dims}")
    if input.ndim < 2:
        raise RuntimeError(f"rot90: expected at least 2 dimensions, got {input.ndim}")
    first, second = normalize_dim(dims[0], input.ndim), normalize_dim(dims[1], input.ndim)
    if first == second:
        raise RuntimeError(f"rot90: the rotation dims must differ, got {dims}")
    turns = k % 4
    if turns == 0:
        return flip(input, [])
    if turns == 2:
        return flip(input, [first, second])
    return transpose(flip(input, [second if turns == 1 else first]), first, second)
