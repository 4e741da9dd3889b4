"""Sorting and searching: sort, argsort, topk, kthvalue, the distinct values of a tensor (unique), and where
values would go in a sorted sequence (searchsorted, bucketize, isin).

Orders and indices carry no gradient. The values an order picks out do: they are gathered from the input, so
each gets the gradient of the element it came from. Every sort here is stable, and NaN sorts above every
number, as in PyTorch.
"""

import math

from .. import backend
from .elementwise import check_kind
from .indexing import gather
from .reduce import check_nonempty, discrete, scalar_result, values_indices
from .shape import normalize_dim, numpy_names, reshape, squeeze


def sort_order(xp, a, axis, descending=False):
    """The stable sorting order of a along axis. Descending: sort the reversed array ascending and reverse
    that order, so that equal elements still keep their first-to-last order."""
    if not descending:
        return xp.argsort(a, axis=axis, kind="stable")
    backwards = xp.argsort(xp.flip(a, axis), axis=axis, kind="stable")
    return a.shape[axis] - 1 - xp.flip(backwards, axis)


def _picked(input, axis, pick):
    """(values, indices) of the elements of input that pick(xp, array) gives the indices of along axis."""
    indices = discrete(pick, input)
    return values_indices(gather(input, axis, indices), indices)


@numpy_names
def sort(input, dim=-1, descending=False, *, stable=False):  # noqa: A002 (PyTorch's names)
    """(values, indices) of input sorted along dim; always stable (stable=True is what ember does anyway)."""
    axis = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        return scalar_result(sort(reshape(input, 1), 0, descending))
    return _picked(input, axis, lambda xp, a: sort_order(xp, a, axis, descending))


@numpy_names
def argsort(input, dim=-1, descending=False, *, stable=False):  # noqa: A002
    """The indices that sort input along dim (stable)."""
    return sort(input, dim, descending, stable=stable).indices


def msort(input):  # noqa: A002
    """input sorted along its first dimension."""
    return sort(input, 0).values


@numpy_names
def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """(values, indices) of the k largest (or smallest) elements along dim, in sorted order (also when
    sorted=False, whose order PyTorch leaves open); the first of equal elements comes first."""
    axis = normalize_dim(dim, input.ndim)
    check_kind("topk", input.dtype, "iuf", "integer or floating point")
    if input.ndim == 0:
        return scalar_result(topk(reshape(input, 1), k, 0, largest))
    length = input.shape[axis]
    if not 0 <= k <= length:
        raise RuntimeError(f"topk: k must be in [0, {length}] for a dimension of size {length}, got {k}")
    first_k = (slice(None),) * axis + (slice(0, k),)
    return _picked(input, axis, lambda xp, a: sort_order(xp, a, axis, descending=largest)[first_k])


def pick_sorted(name, input, dim, keepdim, place):
    """(values, indices) of one element of each slice of input along dim, chosen by its place in the slice's
    sorted order: place(xp, sorted_slices, axis) gives that place (an index array with the axis kept, size 1)."""
    axis = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        return scalar_result(pick_sorted(name, reshape(input, 1), 0, keepdim, place))
    check_nonempty(name, input, dim, (axis,))

    def pick(xp, a):
        order = sort_order(xp, a, axis)
        return xp.take_along_axis(order, place(xp, xp.take_along_axis(a, order, axis), axis), axis)
    values, indices = _picked(input, axis, pick)
    if not keepdim:
        values, indices = squeeze(values, axis), squeeze(indices, axis)
    return values_indices(values, indices)


@numpy_names
def kthvalue(input, k, dim=-1, keepdim=False):  # noqa: A002
    """(values, indices) of the k-th smallest element along dim (k counts from 1)."""
    axis = normalize_dim(dim, input.ndim)
    length = input.shape[axis] if input.ndim else 1
    if length == 0:
        raise IndexError(f"kthvalue: dimension {dim} has size 0, so it has no k-th value")
    if not 1 <= k <= length:
        raise RuntimeError(f"kthvalue: k must be in [1, {length}] for a dimension of size {length}, got {k}")
    if input.dtype.kind == "b" and input.ndim:  # PyTorch passes a 0-d one through
        raise RuntimeError("kthvalue: bool tensors have no order to select from")

    def place(xp, ranked, axis):
        return xp.full([1 if d == axis else n for d, n in enumerate(ranked.shape)], k - 1)
    return pick_sorted("kthvalue", input, dim, keepdim, place)


# ---------------------------------------------------------------------------------------------
# Distinct values.

def _distinct(xp, a, axis, consecutive):
    """The distinct slices of a along axis (axis None: elements of the flattened array): (values, the number of
    each slice's value, how many slices have each value). consecutive: only runs of equal neighbours merge;
    else the values come sorted (slices in lexicographic order)."""
    other_sizes = [] if axis is None else [n for d, n in enumerate(a.shape) if d != axis]
    rows = a.reshape(-1, 1) if axis is None else xp.moveaxis(a, axis, 0).reshape(a.shape[axis], math.prod(other_sizes))
    n = rows.shape[0]
    if n and rows.shape[1] == 0:
        raise RuntimeError(f"unique: dimensions of size 0 other than dim have no values to compare (shape {a.shape})")
    order = xp.arange(n) if consecutive else xp.lexsort(rows.T[::-1])  # lexsort's last key sorts first
    ranked = rows[order]
    starts_run = xp.concatenate([xp.ones(min(n, 1), dtype=bool), (ranked[1:] != ranked[:-1]).any(axis=1)])
    run = xp.cumsum(starts_run) - 1
    inverse = xp.empty(n, dtype=backend.int64)
    inverse[order] = run
    starts = xp.flatnonzero(starts_run)
    counts = xp.diff(xp.concatenate([starts, xp.asarray([n])])).astype(backend.int64)
    values = ranked[starts]
    if axis is None:
        return values.reshape(-1), inverse.reshape(a.shape), counts
    values = xp.moveaxis(values.reshape([len(starts)] + other_sizes), 0, axis)
    return values, inverse, counts


def _unique(input, return_inverse, return_counts, dim, consecutive):
    axis = None if dim is None else normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        axis = None
    values, inverse, counts = discrete(lambda xp, a: _distinct(xp, a, axis, consecutive), input)
    wanted = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return wanted if len(wanted) > 1 else values


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements of input (with dim: its distinct slices along dim), sorted (also for sorted=False, which
    leaves the order open); return_inverse adds each element's place among them, return_counts how often each is."""
    return _unique(input, return_inverse, return_counts, dim, consecutive=False)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """input with each run of equal neighbours (elements, or slices along dim) kept once; as unique otherwise."""
    return _unique(input, return_inverse, return_counts, dim, consecutive=True)


# ---------------------------------------------------------------------------------------------
# Searching sorted sequences.

def insertion_points(xp, boundaries, values, right):
    """Where each value would go among the ascending boundaries to keep them sorted, row by row (boundaries
    (..., n), values (..., m)): how many boundaries are below it (right: at or below it). Both are sorted
    together, stably, with the values first (so that an equal boundary comes after them) or, for right, last."""
    n, m = boundaries.shape[-1], values.shape[-1]
    merged = xp.concatenate([boundaries, values] if right else [values, boundaries], axis=-1)
    order = xp.argsort(merged, axis=-1, kind="stable")
    is_boundary = (order < n) if right else (order >= m)
    boundaries_so_far = xp.cumsum(is_boundary, axis=-1)
    place = xp.argsort(order, axis=-1, kind="stable")  # where each merged element went
    value_places = place[..., n:] if right else place[..., :m]
    return xp.take_along_axis(boundaries_so_far, value_places, axis=-1)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):  # noqa: A002
    """For each element of input (a tensor or a number), its index in sorted_sequence (ascending along the last
    dimension; 1-D, or with input's leading dimensions) that keeps the sequence sorted: before equal elements,
    or after them with right=True (side='right'). sorter: the indices that sort an unsorted sequence."""
    if side not in (None, "left", "right"):
        raise RuntimeError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if right and side == "left":
        raise RuntimeError("searchsorted: side='left' contradicts right=True")
    right = right or side == "right"
    is_number = not hasattr(input, "dtype")
    if sorted_sequence.ndim == 0:
        raise RuntimeError("searchsorted: sorted_sequence must have at least one dimension, got a 0-d tensor")
    if sorted_sequence.ndim > 1 and (is_number or input.shape[:-1] != sorted_sequence.shape[:-1]):
        raise RuntimeError(f"searchsorted: a sorted_sequence of shape {sorted_sequence.shape} needs an input with "
                           f"the same leading dimensions, got {'a number' if is_number else input.shape}")
    out_dtype = backend.int32 if out_int32 else backend.int64

    def search(xp, boundaries, values, order):
        values = xp.asarray(values)
        if order is not None:
            boundaries = xp.take_along_axis(boundaries, order, axis=-1)
        if boundaries.ndim == 1:
            return insertion_points(xp, boundaries, values.reshape(-1), right).reshape(values.shape).astype(out_dtype)
        return insertion_points(xp, boundaries, values, right).astype(out_dtype)
    return discrete(search, sorted_sequence, input, sorter)


def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002
    """The bucket of each element of input among the ascending 1-D boundaries: searchsorted(boundaries, input)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries must be 1-D, got shape {boundaries.shape}")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each of elements is among test_elements (either may be a number), as a bool tensor."""
    tensors = [t for t in (elements, test_elements) if hasattr(t, "dtype")]
    if not tensors:
        raise TypeError("isin: expected at least one tensor, got two numbers")
    if any(t.dtype == backend.bool_ for t in tensors):
        raise RuntimeError("isin: bool tensors are not supported (as in PyTorch); compare with == instead")

    def test(xp, a, b):
        return xp.isin(xp.asarray(a), xp.asarray(b), invert=invert)
    return discrete(test, elements, test_elements)
