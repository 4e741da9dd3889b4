"""Memory layout: where a tensor's numbers sit in memory (strides, the offset into the memory, contiguity)
and copies laid out in a chosen memory format.

A stride is how many elements apart two neighbours along a dimension are in memory: a (3, 4) tensor
in row-major ("contiguous") order has strides (4, 1), its transpose (1, 4). ember's strides are its
arrays' own, so they follow from how each op made its result; most ops give PyTorch's layout, but not
all (ember's convolution results keep the batch innermost, for speed), so a tensor that PyTorch would
make contiguous may not be in ember.
"""

from .. import backend
from ..autograd import Function
from .shape import normalize_dim


class _Constant:
    """A named constant of the torch namespace, printed as ember.NAME."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"ember.{self.name}"


class memory_format(_Constant):  # noqa: N801 (PyTorch's name)
    """How a copy lays a tensor's dimensions out in memory: ember.contiguous_format (row-major),
    ember.channels_last ((N, C, H, W) stored as N, H, W, C), ember.channels_last_3d ((N, C, D, H, W) as
    N, D, H, W, C), or ember.preserve_format (the original's order)."""


class layout(_Constant):  # noqa: N801 (PyTorch's name)
    """How a tensor's numbers are stored: ember.strided, one dense block with strides, is the only layout
    ember has (PyTorch's sparse layouts are out of its scope)."""


strided = layout("strided")

contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")


class Copy(Function):
    """x copied into memory of its own, its dimensions stored in `order` (outermost first; None keeps x's
    order); the gradient passes through."""

    moves_data = True

    def forward(ctx, x, order):
        if order is None:
            return x.copy(order="K")
        inverse = sorted(range(x.ndim), key=order.__getitem__)
        return x.transpose(order).copy().transpose(inverse)

    def backward(ctx, grad):
        return grad


def _memory_order(name, fmt, ndim):
    """The order in which a memory format stores ndim dimensions, outermost first."""
    if not isinstance(fmt, memory_format):
        raise TypeError(f"{name}: memory_format must be an ember memory format, got {type(fmt).__name__}")
    if fmt is contiguous_format:
        return tuple(range(ndim))
    rank = 4 if fmt is channels_last else 5
    if ndim != rank:
        raise RuntimeError(f"{name}: {fmt} needs a tensor of {rank} dimensions, got {ndim}")
    return (0, *range(2, rank), 1)


def clone(input, *, memory_format=preserve_format):  # noqa: A002 (PyTorch's argument names)
    """A copy with memory of its own, laid out as memory_format says; gradients flow through it."""
    if memory_format is preserve_format:
        return Copy.apply(input, order=None)
    return Copy.apply(input, order=_memory_order("clone", memory_format, input.ndim))


def contiguous(input, memory_format=contiguous_format):  # noqa: A002
    """input itself if it is laid out in memory_format already, else a copy that is."""
    if memory_format is preserve_format:
        raise RuntimeError("contiguous: preserve_format is not a layout to make; use clone()")
    order = _memory_order("contiguous", memory_format, input.ndim)
    return input if is_contiguous(input, memory_format) else Copy.apply(input, order=order)


def is_contiguous(input, memory_format=contiguous_format):  # noqa: A002
    """Whether input's array is laid out in memory_format without gaps (row-major for contiguous_format).
    This reports ember's own layout, which may differ from PyTorch's for the same computation."""
    if memory_format in (contiguous_format, preserve_format):
        return bool(input.array.flags.c_contiguous)
    rank = 4 if memory_format is channels_last else 5
    if input.ndim != rank:
        return False
    order = _memory_order("is_contiguous", memory_format, rank)
    return bool(input.array.transpose(order).flags.c_contiguous)


def stride(input, dim=None):  # noqa: A002
    """How many elements apart neighbours along each dimension are in memory (a tuple), or along dim. Along a
    dimension of size 1, which has no neighbours, the number may differ from PyTorch's."""
    strides = tuple(s // input.array.itemsize for s in input.array.strides)
    return strides if dim is None else strides[normalize_dim(dim, input.ndim)]


def storage_offset(input):  # noqa: A002
    """How many elements into its block of memory input starts (a view may start inside another's)."""
    return backend.storage_offset(input.array)
