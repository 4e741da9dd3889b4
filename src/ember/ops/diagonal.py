"""Triangles and diagonals of matrices (over the last two dimensions, or two chosen ones).

A diagonal of an (m, n) matrix is a view with one stride: the row stride plus the column stride. Its
backward writes the gradient onto the diagonal of zeros; diag_embed, its inverse, does the opposite.
"""

from .. import backend
from ..autograd import Function, is_grad_enabled
from .elementwise import cast
from .indexing import IndexPut
from .layout import clone, contiguous_format
from .shape import flatten, movedim, normalize_dim


class Triangle(Function):
    """The lower (tril) or upper (triu) triangle of each matrix from a diagonal on, zeros elsewhere; the
    gradient is cut to the same triangle."""

    moves_data = True

    def forward(ctx, x, offset, lower):
        ctx.offset, ctx.lower = offset, lower
        return _triangle(ctx.xp, x, offset, lower)

    def backward(ctx, grad):
        return _triangle(ctx.xp, grad, ctx.offset, ctx.lower)


def _triangle(xp, x, offset, lower):
    return xp.tril(x, offset) if lower else xp.triu(x, offset)


class Diagonal(Function):
    """The diagonal (offset above the main one, or below if negative) over two axes, as a view on a new
    last axis; backward puts the gradient on the diagonal of zeros."""

    moves_data = True

    def forward(ctx, x, offset, axes):
        ctx.input_shape, ctx.offset, ctx.axes = x.shape, offset, axes
        return diagonal_view(ctx.xp, x, offset, axes)

    def backward(ctx, grad):
        full = ctx.xp.zeros(ctx.input_shape, dtype=grad.dtype)
        diagonal_view(ctx.xp, full, ctx.offset, ctx.axes)[...] = grad
        return full


class DiagEmbed(Function):
    """Matrices of zeros with x's last axis on their diagonal (the inverse of Diagonal); backward reads the
    diagonal of the gradient."""

    moves_data = True

    def forward(ctx, x, offset, axes):
        ctx.offset, ctx.axes = offset, axes
        n = x.shape[-1] + abs(offset)
        shape = list(x.shape[:-1])
        for axis in sorted(axes):
            shape.insert(axis, n)
        out = ctx.xp.zeros(shape, dtype=x.dtype)
        diagonal_view(ctx.xp, out, offset, axes)[...] = x
        return out

    def backward(ctx, grad):
        return diagonal_view(ctx.xp, grad, ctx.offset, ctx.axes)


def diagonal_view(xp, x, offset, axes):
    """The diagonal of x over axes (first, second) as a strided view (writing into it writes into x),
    on a new last axis."""
    first, second = axes
    corner = [slice(None)] * x.ndim
    corner[second if offset >= 0 else first] = slice(abs(offset), None)
    x = x[tuple(corner)]
    n = min(x.shape[first], x.shape[second])
    rest = [a for a in range(x.ndim) if a not in axes]
    shape = [x.shape[a] for a in rest] + [n]
    strides = [x.strides[a] for a in rest] + [x.strides[first] + x.strides[second]]
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


# ---------------------------------------------------------------------------------------------

def tril(input, diagonal=0):  # noqa: A002 (PyTorch's argument names)
    """The lower triangle of each matrix (the last two dimensions), from the diagonal-th diagonal down."""
    return _checked_triangle("tril", input, diagonal, lower=True)


def triu(input, diagonal=0):  # noqa: A002
    """The upper triangle of each matrix (the last two dimensions), from the diagonal-th diagonal up."""
    return _checked_triangle("triu", input, diagonal, lower=False)


def _checked_triangle(name, x, offset, lower):
    if x.ndim < 2:
        raise RuntimeError(f"{name}: expected a tensor of at least 2 dimensions, got {x.ndim}")
    return Triangle.apply(x, offset=offset, lower=lower)


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The diagonal over dims dim1 and dim2 (offset above the main one; below if negative), as a view
    with the other dims first and the diagonal last."""
    axes = (normalize_dim(dim1, input.ndim), normalize_dim(dim2, input.ndim))
    if axes[0] == axes[1]:
        raise RuntimeError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2}")
    return Diagonal.apply(input, offset=offset, axes=axes)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """Matrices over dims dim1, dim2 of the result (which has one more dim than input) with input's last
    dim on their diagonal (offset above the main one; below if negative), zeros elsewhere."""
    if input.ndim == 0:
        raise IndexError("diag_embed: expected at least 1 dimension, got a 0-d tensor")
    axes = (normalize_dim(dim1, input.ndim + 1), normalize_dim(dim2, input.ndim + 1))
    if axes[0] == axes[1]:
        raise RuntimeError(f"diag_embed: dim1 and dim2 must differ, got {dim1} and {dim2}")
    return DiagEmbed.apply(input, offset=offset, axes=axes)


def diag(input, diagonal=0):  # noqa: A002
    """A vector's square matrix with it on the diagonal-th diagonal, or a matrix's diagonal-th diagonal
    (a copy)."""
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return clone(Diagonal.apply(input, offset=diagonal, axes=(0, 1)), memory_format=contiguous_format)
    raise RuntimeError(f"diag: expected a 1-D or 2-D tensor, got {input.ndim} dimensions")


def diagflat(input, offset=0):  # noqa: A002
    """The square matrix with input's elements (flattened) on the offset-th diagonal."""
    return diag_embed(flatten(input), offset)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):  # noqa: A002
    """input with its diagonal (as diagonal() reads it) replaced by src, of that diagonal's shape."""
    shape = diagonal(input, offset, dim1, dim2).shape
    if src.shape != shape:
        raise RuntimeError(f"diagonal_scatter: src must have the diagonal's shape {shape}, got {src.shape}")
    if src.requires_grad and is_grad_enabled() and backend.kind_of(input.dtype) != "f":
        raise RuntimeError(f"diagonal_scatter: src requires grad, which a result of {input.dtype} cannot carry")
    axes = (normalize_dim(dim1, input.ndim), normalize_dim(dim2, input.ndim))
    matrices = movedim(input, axes, (-2, -1))
    xp, n = backend.xp_of(input.array), shape[-1]
    rows, columns = xp.arange(n) + max(-offset, 0), xp.arange(n) + max(offset, 0)
    out = IndexPut.apply(matrices, cast(src, input.dtype), steps=((Ellipsis, rows, columns),), accumulate=False,
                         in_place=False)
    return movedim(out, (-2, -1), axes)
