"""Joining, splitting and repeating tensors, built on cat, stack and split (ops/shape.py) and on
indexing: the stacks (hstack, vstack, dstack, column_stack), tensor_split and its h/v/d forms, block
matrices, grids, combinations, and repeats. Each is a composition, so its gradient comes from theirs.
"""

import itertools

from .. import backend, dtypes
from .elementwise import cast
from .indexing import IntegerResult, check_index_dtype, getitem
from .padding import pad
from .shape import (atleast_1d, atleast_2d, atleast_3d, cat, chunk, expand, flatten, normalize_dim,
                    numpy_names, reshape, shape_arg, split, stack)

# ---------------------------------------------------------------------------------------------
# Stacks.


def _tensors(name, tensors):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name}: expected a non-empty sequence of tensors")
    return tensors


def hstack(tensors):
    """The tensors side by side: joined along dim 1, or along dim 0 for vectors (numbers count as vectors)."""
    tensors = atleast_1d(_tensors("hstack", tensors))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """The tensors one above the other: joined along dim 0, vectors (and numbers) as rows."""
    return cat(atleast_2d(_tensors("vstack", tensors)), 0)


row_stack = vstack


def dstack(tensors):
    """The tensors joined in depth, along dim 2 (see atleast_3d for fewer dimensions)."""
    return cat(atleast_3d(_tensors("dstack", tensors)), 2)


def column_stack(tensors):
    """The tensors as columns side by side: vectors (and numbers) become columns, the rest join along dim 1."""
    tensors = _tensors("column_stack", tensors)
    return cat([reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors], 1)


def block_diag(*tensors):
    """The block-diagonal matrix with the tensors (matrices; vectors as rows, numbers as 1x1) on its
    diagonal, in order, and zeros elsewhere; of the tensors' promoted dtype (0-d ones count less)."""
    tensors = _tensors("block_diag", tensors)
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"block_diag: tensors must have at most 2 dimensions, tensor {i} has {t.ndim}")
    dtype = dtypes.common_dtype(*tensors)
    blocks = [reshape(t, (1, t.numel())) if t.ndim < 2 else t for t in (cast(t, dtype) for t in tensors)]
    width, left, rows = sum(b.shape[1] for b in blocks), 0, []
    for b in blocks:
        rows.append(pad(b, (left, width - left - b.shape[1])))
        left += b.shape[1]
    return cat(rows, 0)


# ---------------------------------------------------------------------------------------------
# Splits.

@numpy_names
def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002 (PyTorch's argument names)
    """input cut along dim into n nearly equal pieces (the first ones one longer), or cut at the given
    indices (as Python slices read them: input[:i0], input[i0:i1], ..., input[ik:])."""
    if input.ndim == 0:
        raise RuntimeError("tensor_split: expected at least 1 dimension, got a 0-d tensor")
    axis = normalize_dim(dim, input.ndim)
    cuts = _cuts(indices_or_sections, input.shape[axis])
    return tuple(getitem(input, (slice(None),) * axis + (slice(a, b),)) for a, b in zip([0] + cuts, cuts + [None]))


def _cuts(indices_or_sections, length):
    """The places where tensor_split cuts: given, or those of n nearly equal sections."""
    if hasattr(indices_or_sections, "dtype"):  # a tensor: 0-d for sections, 1-d for indices
        check_index_dtype("tensor_split", indices_or_sections)
        if indices_or_sections.ndim > 1:
            raise RuntimeError(f"tensor_split: a tensor of indices or sections must be 0-d or 1-d, got "
                               f"{indices_or_sections.ndim} dimensions")
        indices_or_sections = indices_or_sections.tolist()
    if not isinstance(indices_or_sections, int):
        return [int(i) for i in indices_or_sections]
    if indices_or_sections <= 0:
        raise RuntimeError(f"tensor_split: the number of sections must be positive, got {indices_or_sections}")
    size, longer = divmod(length, indices_or_sections)
    return list(itertools.accumulate(size + (i < longer) for i in range(indices_or_sections - 1)))


def hsplit(input, indices_or_sections):  # noqa: A002
    """tensor_split along dim 1 (dim 0 for a vector); a number of sections must divide the size evenly."""
    return _split_evenly("hsplit", input, indices_or_sections, 0 if input.ndim == 1 else 1, 1)


def vsplit(input, indices_or_sections):  # noqa: A002
    """tensor_split along dim 0, for at least 2 dimensions; a number of sections must divide evenly."""
    return _split_evenly("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):  # noqa: A002
    """tensor_split along dim 2, for at least 3 dimensions; a number of sections must divide evenly."""
    return _split_evenly("dsplit", input, indices_or_sections, 2, 3)


def _split_evenly(name, x, indices_or_sections, dim, min_ndim):
    if x.ndim < min_ndim:
        raise RuntimeError(f"{name}: expected at least {min_ndim} dimensions, got {x.ndim}")
    if isinstance(indices_or_sections, int) and indices_or_sections > 0 and x.shape[dim] % indices_or_sections:
        raise RuntimeError(f"{name}: dimension {dim} of size {x.shape[dim]} does not split into "
                           f"{indices_or_sections} equal sections")
    return tensor_split(x, indices_or_sections, dim)


@numpy_names
def split_with_sizes(input, split_sizes, dim=0):  # noqa: A002
    """split(input, split_sizes, dim): pieces of the given sizes, which must add up to the dim's size."""
    return split(input, list(split_sizes), dim)


# ember's views never alias in a way that would need PyTorch's checks, so the unsafe forms are the same.
unsafe_split = split
unsafe_chunk = chunk
unsafe_split_with_sizes = split_with_sizes


# ---------------------------------------------------------------------------------------------
# Grids and combinations.

def meshgrid(*tensors, indexing=None):
    """Coordinate grids: for 1-D tensors of sizes n1, ..., nk, k tensors of shape (n1, ..., nk), the i-th
    holding tensors[i]'s values along dim i (views). indexing='xy' swaps the first two dims (x across)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = _tensors("meshgrid", tensors)
    indexing = "ij" if indexing is None else indexing
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid: expected 0-d or 1-d tensors, got shape {t.shape}")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"meshgrid: expected tensors of one dtype, got {tensors[0].dtype} and {t.dtype}")
    swap = indexing == "xy" and len(tensors) > 1
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t.numel() for t in tensors)
    grids = [expand(reshape(t, [-1 if d == i else 1 for d in range(len(shape))]), shape) for i, t in enumerate(tensors)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, one per row (in order, the last varying
    fastest); for one tensor, that tensor."""
    tensors = _tensors("cartesian_prod", tensors)
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"cartesian_prod: expected 1-D tensors, got shape {t.shape}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([flatten(g) for g in meshgrid(tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """Every r-element combination of a 1-D tensor's elements (in order of position), one per row, as
    itertools.combinations (or combinations_with_replacement) gives them."""
    if input.ndim != 1:
        raise RuntimeError(f"combinations: expected a 1-D tensor, got shape {input.shape}")
    if r < 0:
        raise RuntimeError(f"combinations: r must not be negative, got {r}")
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    picks = list(choose(range(input.shape[0]), r)) if r else []
    xp = backend.xp_of(input.array)
    index = xp.asarray(picks, dtype=backend.int64).reshape(-1, r) if r else xp.zeros(0, dtype=backend.int64)
    return getitem(input, (index,))


# ---------------------------------------------------------------------------------------------
# Repeats.

def repeat(input, *repeats):  # noqa: A002
    """Tensor.repeat: input tiled repeats[i] times along dim i (more repeats than dims add leading dims):
    each dim n seen as (1, n), expanded to (r, n), and the pairs merged."""
    repeats = shape_arg(repeats)
    if len(repeats) < input.ndim:
        raise RuntimeError(f"repeat: {len(repeats)} repeats for a tensor of {input.ndim} dimensions")
    if any(r < 0 for r in repeats):
        raise RuntimeError(f"repeat: repeats must not be negative, got {repeats}")
    shape = (1,) * (len(repeats) - input.ndim) + input.shape
    pairs = reshape(input, tuple(m for n in shape for m in (1, n)))
    tiled = expand(pairs, tuple(m for r, n in zip(repeats, shape) for m in (r, n)))
    return reshape(tiled, tuple(r * n for r, n in zip(repeats, shape)))


def tile(input, dims):  # noqa: A002
    """input repeated dims[i] times along dim i; fewer dims than input's count as 1 for the leading ones."""
    if isinstance(dims, int):
        raise TypeError("tile: dims is a tuple or list of ints, got an int")
    dims = tuple(dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


@numpy_names
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002
    """Each element (each slice along dim) repeated in place, repeats[i] times for the i-th (or repeats
    times each); with dim=None, of input flattened. With a tensor alone, repeat_interleave(repeats):
    0 repeated repeats[0] times, then 1 repeats[1] times, and so on."""
    if repeats is None:
        if input.ndim != 1:
            raise RuntimeError(f"repeat_interleave: repeats alone must be a 1-D tensor, got shape {input.shape}")
        return IntegerResult.apply(input, compute=lambda xp, counts: _picks(xp, counts).astype(counts.dtype))
    if dim is None:
        input, dim = flatten(input), 0
    if input.ndim == 0:
        raise IndexError(f"repeat_interleave: a 0-d tensor has no dimension {dim}")
    axis = normalize_dim(dim, input.ndim)
    length = input.shape[axis]
    xp = backend.xp_of(input.array)
    counts = _counts(xp, repeats, length)
    if output_size is not None and output_size != int(counts.sum()):
        raise RuntimeError(f"repeat_interleave: output_size is {output_size}, but the repeats add up to "
                           f"{int(counts.sum())}")
    return getitem(input, (slice(None),) * axis + (_picks(xp, counts),))


def _counts(xp, repeats, length):
    """How many times each of length slices repeats: repeats as an int, or a 0-d or 1-d int tensor."""
    if hasattr(repeats, "dtype"):
        if repeats.dtype.kind not in "iu":
            raise RuntimeError(f"repeat_interleave: repeats must be an integer tensor, got {repeats.dtype}")
        if repeats.ndim > 1:
            raise RuntimeError(f"repeat_interleave: repeats must be 0-d or 1-d, got shape {repeats.shape}")
        if repeats.ndim == 1 and repeats.shape[0] != length:
            raise RuntimeError(f"repeat_interleave: {repeats.shape[0]} repeats for a dimension of size {length}")
        counts = repeats.array if repeats.ndim else xp.full(length, int(repeats.item()))
    else:
        counts = xp.full(length, repeats)
    if counts.size and int(counts.min()) < 0:
        raise RuntimeError(f"repeat_interleave: repeats must not be negative, got {int(counts.min())}")
    return counts


def _picks(xp, counts):
    """0 repeated counts[0] times, 1 repeated counts[1] times, ...: where each position of the output
    falls among the running totals of counts."""
    ends = xp.cumsum(counts)
    total = int(ends[-1]) if counts.size else 0
    return xp.searchsorted(ends, xp.arange(total), side="right")
