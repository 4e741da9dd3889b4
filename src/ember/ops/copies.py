"""The *_copy functions: each a view op followed by a copy into memory of its own, in row-major order
(PyTorch has them for code that must not share memory with its input). Gradients flow as through the
view."""

from .diagonal import diagonal
from .indexing import getitem, narrow, select
from .layout import clone, contiguous_format
from .join import split_with_sizes
from .shape import expand, normalize_dim, permute, reshape, split, squeeze, t, transpose, unbind, unfold, unsqueeze


def _copied(x):
    return clone(x, memory_format=contiguous_format)


def view_copy(input, size):  # noqa: A002 (PyTorch's argument names)
    """view, as a new tensor rather than a view."""
    return _copied(reshape(input, size))


def permute_copy(input, dims):  # noqa: A002
    """permute, as a new tensor rather than a view."""
    return _copied(permute(input, dims))


def transpose_copy(input, dim0, dim1):  # noqa: A002
    """transpose, as a new tensor rather than a view."""
    return _copied(transpose(input, dim0, dim1))


def t_copy(input):  # noqa: A002
    """t, as a new tensor rather than a view."""
    return _copied(t(input))


def expand_copy(input, size, *, implicit=False):  # noqa: A002
    """implicit is accepted for PyTorch's signature; it changes nothing."""
    return _copied(expand(input, size))


def squeeze_copy(input, dim=None):  # noqa: A002
    """squeeze, as a new tensor rather than a view."""
    return _copied(squeeze(input, dim))


def unsqueeze_copy(input, dim):  # noqa: A002
    """unsqueeze, as a new tensor rather than a view."""
    return _copied(unsqueeze(input, dim))


def select_copy(input, dim, index):  # noqa: A002
    """select, as a new tensor rather than a view."""
    return _copied(select(input, dim, index))


def slice_copy(input, dim=0, start=None, end=None, step=1):  # noqa: A002
    """input[start:end:step] along dim, copied."""
    if step <= 0:
        raise RuntimeError(f"slice_copy: the step must be positive, got {step}")
    return _copied(getitem(input, (slice(None),) * normalize_dim(dim, input.ndim) + (slice(start, end, step),)))


def narrow_copy(input, dim, start, length):  # noqa: A002
    """narrow, as a new tensor rather than a view."""
    return _copied(narrow(input, dim, start, length))


def diagonal_copy(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """diagonal, as a new tensor rather than a view."""
    return _copied(diagonal(input, offset, dim1, dim2))


def unfold_copy(input, dimension, size, step):  # noqa: A002
    """Tensor.unfold, as a new tensor rather than a view."""
    return _copied(unfold(input, dimension, size, step))


def alias_copy(input):  # noqa: A002
    """A copy of input (its alias is input itself)."""
    return _copied(input)


def detach_copy(input):  # noqa: A002
    """A copy of input outside the graph."""
    return _copied(input.detach())


def split_copy(input, split_size, dim=0):  # noqa: A002
    """split, as new tensors rather than views."""
    return tuple(_copied(piece) for piece in split(input, split_size, dim))


def split_with_sizes_copy(input, split_sizes, dim=0):  # noqa: A002
    """split_with_sizes, as new tensors rather than views."""
    return tuple(_copied(piece) for piece in split_with_sizes(input, split_sizes, dim))


def unbind_copy(input, dim=0):  # noqa: A002
    """unbind, as new tensors rather than views."""
    return tuple(_copied(piece) for piece in unbind(input, dim))
