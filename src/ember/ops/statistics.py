"""Descriptive statistics: medians, modes and quantiles (read off a sorted order), covariance and correlation,
and counting values into bins (bincount, histc, histogram).

A median or quantile gets its gradient through the elements it is made of; counts and bins have none.
"""

import functools
import math
from collections import namedtuple

from .. import backend
from ..autograd import Function
from .elementwise import clamp, to_float
from .pointwise import sqrt
from .indexing import gather, getitem
from .linalg import matmul
from .reduce import check_floating, discrete, mean, sum
from .scan import running
from .shape import flatten, normalize_dim, numpy_names, permute, reshape
from .sorting import insertion_points, pick_sorted, sort

histogram_result = namedtuple("histogram", ["hist", "bin_edges"])
histogramdd_result = namedtuple("histogramdd", ["hist", "bin_edges"])


class ShareTies(Function):
    """value, an element of x picked by its place in the sorted order (the median of all elements), whose
    gradient is shared by every element equal to it (the NaNs, for NaN), as a max's is."""

    def forward(ctx, x, value):
        ctx.save_for_backward(x, value)
        return value.copy()

    def backward(ctx, grad):
        x, value = ctx.saved
        ties = (x == value) | ((x != x) & (value != value))
        return grad * ties / ties.sum(), None


def _nan_count(xp, ranked, axis):
    """How many NaNs each sorted slice ends with."""
    return (ranked != ranked).sum(axis=axis, keepdims=True)


def _lower_middle(xp, ranked, axis):
    """The lower median's place in each sorted slice; a slice with a NaN has its first NaN."""
    length, nans = ranked.shape[axis], _nan_count(xp, ranked, axis)
    return xp.where(nans > 0, length - nans, (length - 1) // 2)


def _lower_middle_of_numbers(xp, ranked, axis):
    """The lower median's place among the numbers (not NaN) of each sorted slice; 0 where all are NaN."""
    numbers = ranked.shape[axis] - _nan_count(xp, ranked, axis)
    return xp.where(numbers > 0, (numbers - 1) // 2, 0)


def _median(name, input, dim, keepdim, place):
    if dim is not None:
        return pick_sorted(name, input, dim, keepdim, place)
    if input.numel() == 0:
        return input.sum() * float("nan")
    flat = reshape(input, -1)
    return ShareTies.apply(flat, pick_sorted(name, flat, 0, False, place).values.detach())


@numpy_names
def median(input, dim=None, keepdim=False):  # noqa: A002 (PyTorch's names)
    """The lower of the two middle elements (NaN if there is a NaN); with dim, (values, indices) along it."""
    return _median("median", input, dim, keepdim, _lower_middle)


@numpy_names
def nanmedian(input, dim=None, keepdim=False):  # noqa: A002
    """median of the elements that are not NaN (NaN where all are)."""
    return _median("nanmedian", input, dim, keepdim, _lower_middle_of_numbers)


def _most_frequent(xp, ranked, axis):
    """The place of the end of the longest run of equal elements in each sorted slice (the first longest: the
    smallest most frequent value; its run ends at its last occurrence)."""
    places = xp.arange(ranked.shape[axis]).reshape([-1 if d == axis else 1 for d in range(ranked.ndim)])
    first = (slice(None),) * axis + (slice(0, 1),)
    later, earlier = (slice(None),) * axis + (slice(1, None),), (slice(None),) * axis + (slice(None, -1),)
    starts = xp.concatenate([xp.ones_like(ranked[first], dtype=bool), ranked[later] != ranked[earlier]], axis=axis)
    run_lengths = places - running(xp, xp.maximum, xp.where(starts, places, 0), axis) + 1
    return xp.argmax(run_lengths, axis=axis).reshape([1 if d == axis else n for d, n in enumerate(ranked.shape)])


@numpy_names
def mode(input, dim=-1, keepdim=False):  # noqa: A002
    """(values, indices) of the most frequent value along dim (the smallest, on a tie) and of its last occurrence."""
    return pick_sorted("mode", input, dim, keepdim, _most_frequent)


# ---------------------------------------------------------------------------------------------
# Quantiles.

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _levels(name, input, q, interpolation):
    """The quantile levels q (a number or a 0-d or 1-D tensor in [0, 1]) as a 1-D tensor, the arguments checked."""
    check_floating(name, input)
    if interpolation not in INTERPOLATIONS:
        raise RuntimeError(f"{name}: interpolation must be one of {', '.join(INTERPOLATIONS)}, got {interpolation!r}")
    if input.numel() == 0:
        raise RuntimeError(f"{name}: expected a non-empty input")
    if hasattr(q, "dtype") and (q.ndim > 1 or q.dtype != input.dtype):
        raise RuntimeError(f"{name}: q must be a number or a 0-d or 1-D tensor of the input's dtype {input.dtype}, "
                           f"got shape {q.shape} and {q.dtype}")
    levels = discrete(lambda xp, a, q: xp.asarray(q, dtype=a.dtype).reshape(-1), input, q)
    if not bool(((levels >= 0) & (levels <= 1)).all()):
        raise RuntimeError(f"{name}: q must be in [0, 1], got {levels.tolist()}")
    return levels


def _places(xp, ranked, levels, axis, skip_nan):
    """Where each quantile falls in each sorted slice, q·(n - 1) (n counting the numbers only, for skip_nan; a
    slice with a NaN otherwise has a NaN quantile, its last place): (the places below, above and nearest, and
    how far past the place below it is)."""
    length = ranked.shape[axis]
    count = (length - _nan_count(xp, ranked, axis)).astype(levels.dtype)  # in the input's dtype, as PyTorch
    q = levels.reshape([-1 if d == axis else 1 for d in range(ranked.ndim)])
    if skip_nan:
        place = xp.where(count > 0, q * xp.maximum(count - 1, 0), 0)
    else:
        place = xp.where(count < length, length - 1, q * (length - 1))
    below = xp.floor(place)
    as_index = backend.int64
    return below.astype(as_index), xp.ceil(place).astype(as_index), xp.round(place).astype(as_index), place - below


def _quantile(name, input, q, dim, keepdim, interpolation, skip_nan):
    levels = _levels(name, input, q, interpolation)
    x = flatten(input) if dim is None or input.ndim == 0 else input
    axis = 0 if dim is None else normalize_dim(dim, input.ndim)
    ranked = sort(x, axis).values
    below, above, nearest, fraction = discrete(lambda xp, r, q: _places(xp, r, q, axis, skip_nan), ranked, levels)
    if interpolation in ("lower", "higher", "nearest"):
        out = gather(ranked, axis, {"lower": below, "higher": above, "nearest": nearest}[interpolation])
    else:
        low, high = gather(ranked, axis, below), gather(ranked, axis, above)
        out = low + (high - low) * (0.5 if interpolation == "midpoint" else fraction)
    out = permute(out, axis, *(d for d in range(out.ndim) if d != axis))  # the quantiles first, as PyTorch has them
    if dim is None:
        kept = (1,) * input.ndim if keepdim else ()
    else:
        kept = tuple(1 if d == axis else n for d, n in enumerate(input.shape) if keepdim or d != axis)
    one_level = not hasattr(q, "dtype") or q.ndim == 0
    return reshape(out, (() if one_level else (len(levels),)) + kept)


@numpy_names
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """The q-th quantiles (q a number or a 1-D tensor in [0, 1]) of input along dim (None: of all elements): the
    value at place q·(n - 1) of the sorted slice, between neighbours by `interpolation` (linear, lower, higher,
    midpoint, nearest). NaN where the slice has a NaN. A tensor q adds a first dimension, one per quantile."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, skip_nan=False)


@numpy_names
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """quantile of the elements that are not NaN (NaN where all are)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, skip_nan=True)


# ---------------------------------------------------------------------------------------------
# Covariance and correlation.

def _check_weights(name, weights, kind, observations):
    if weights.ndim > 1 or weights.numel() != observations:
        raise RuntimeError(f"cov: {name} must be 1-D with one weight for each of the {observations} observations, "
                           f"got shape {weights.shape}")
    if weights.dtype.kind not in kind:
        raise RuntimeError(f"cov: {name} must be {'integers' if kind == 'iu' else 'floating point'}, "
                           f"got {weights.dtype}")
    if not bool((weights >= 0).all()):  # NaN too, as in PyTorch
        raise RuntimeError(f"cov: {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):  # noqa: A002
    """The covariance matrix of the variables in input's rows, observed in its columns: (variables, observations)
    -> (variables, variables); a 1-D input is one variable (a 0-d result). Each observation counts fweights
    (integer repeats) times aweights (importance) times; the divisor is Σw - correction (for aweights, the
    effective count of NumPy's cov)."""
    if input.ndim > 2:
        raise RuntimeError(f"cov: expected a tensor of at most 2 dimensions, got shape {input.shape}")
    if input.dtype == backend.bool_:
        raise RuntimeError("cov: expected numbers, got a bool tensor")
    observations = to_float(input) if input.ndim == 2 else reshape(to_float(input), 1, -1)
    n = observations.shape[1]
    weights = None
    if fweights is not None:
        _check_weights("fweights", fweights, "iu", n)
        weights = fweights
    if aweights is not None:
        _check_weights("aweights", aweights, "f", n)
        weights = aweights if weights is None else weights * aweights
    if weights is None:
        centered = observations - mean(observations, 1, keepdim=True)
        divisor = max(n - correction, 0)
        out = matmul(centered, centered.mT) / divisor
    else:
        total = sum(weights)
        if not bool(total):
            raise RuntimeError("cov: the weights sum to zero and cannot be normalized")
        centered = observations - sum(observations * weights, 1, keepdim=True) / total
        divisor = total - correction * (sum(weights * aweights) / total if aweights is not None else 1)
        out = matmul(centered * weights, centered.mT) / clamp(divisor, min=0)
    return reshape(out, ()) if out.shape[0] == 1 else out  # one variable: its variance, 0-d as in PyTorch


def corrcoef(input):  # noqa: A002
    """Pearson's correlation coefficients of the variables in input's rows: cov / (σᵢ σⱼ), within [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    xp = backend.xp_of(c.array)
    diagonal = xp.arange(c.shape[0])
    spread = sqrt(getitem(c, (diagonal, diagonal)))
    return clamp(c / reshape(spread, -1, 1) / spread, -1, 1)


# ---------------------------------------------------------------------------------------------
# Counting into bins.

def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each value 0, 1, ..., max(input) appears in the 1-D non-negative integer input (at least minlength
    counts); with weights, the sum of the weights of each value's elements (floating weights keep their dtype)."""
    if input.ndim != 1 or input.dtype.kind not in "iu" or (input.numel() and bool((input < 0).any())):
        raise RuntimeError(f"bincount: expected a 1-D tensor of non-negative integers, got shape {input.shape} "
                           f"and {input.dtype}")
    if minlength < 0:
        raise RuntimeError(f"bincount: minlength must be at least 0, got {minlength}")
    if weights is not None and (weights.ndim != 1 or weights.shape != input.shape):
        raise RuntimeError(f"bincount: weights must be 1-D like the input {input.shape}, got {weights.shape}")
    if weights is None or input.numel() == 0:  # no weights to sum (PyTorch gives int64 counts for no input too)
        out_dtype = backend.int64
    else:
        out_dtype = weights.dtype if weights.dtype.kind == "f" else backend.float64

    def count(xp, a, w):
        return xp.bincount(a, weights=w, minlength=minlength).astype(out_dtype)
    return discrete(count, input, weights)


def _data_range(input, widen):
    """The smallest and largest element of input (0 and 1 when it has none), moved apart by widen each way if equal."""
    if input.numel() == 0:
        return 0.0, 1.0
    low, high = input.min().item(), input.max().item()
    return (low - widen, high + widen) if low == high else (low, high)


def _check_range(name, low, high):
    if not (abs(low) < float("inf") and abs(high) < float("inf")):
        raise RuntimeError(f"{name}: the range [{low}, {high}] of the bins is not finite")
    if low > high:
        raise RuntimeError(f"{name}: the range's min {low} exceeds its max {high}")


def _bins_of(xp, a, edges):
    """(bin, inside): the bin [edgeᵢ, edgeᵢ₊₁) (the last one closed) of each element of the 1-D array a, and
    whether it falls in one at all."""
    nbins = len(edges) - 1
    bin_of = insertion_points(xp, edges, a, right=True) - 1
    bin_of = xp.where(a == edges[-1], nbins - 1, bin_of)
    return bin_of, (bin_of >= 0) & (bin_of < nbins)


def _histogram(xp, a, edges, weight, density):
    """The count (or the total weight) of a's elements in each bin [edgeᵢ, edgeᵢ₊₁) (the last bin closed); with
    density, divided by the total and the bin's width (a density whose integral is 1)."""
    a, nbins = a.reshape(-1), len(edges) - 1
    bin_of, inside = _bins_of(xp, a, edges)
    w = xp.ones_like(a) if weight is None else weight.reshape(-1)
    hist = xp.bincount(bin_of[inside], weights=w[inside], minlength=nbins).astype(a.dtype)
    return hist / (hist.sum() * xp.diff(edges)) if density else hist


def _equal_bins(xp, low, high, bins, dtype):
    """bins + 1 edges from low to high, equally spaced as PyTorch's linspace places them: the first half counted
    up from low, the second half back from high (so that both ends are exact)."""
    low, high = xp.asarray(low, dtype=dtype), xp.asarray(high, dtype=dtype)
    step = (high - low) / bins
    i = xp.arange(bins + 1)
    return xp.where(i < (bins + 1) // 2, low + i * step, high - (bins - i) * step).astype(dtype)


def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """(hist, bin_edges) of points in D dimensions, input (..., D): the count (or total weight) of the points in
    each cell of a D-dimensional grid of bins, hist (bins₀, ..., bins_D₋₁). bins is a number, one number per
    dimension (equal bins over range, a flat list [min₀, max₀, min₁, max₁, ...], by default the data's), or one
    1-D tensor of increasing edges per dimension; with density, a density whose integral is 1."""
    check_floating("histogramdd", input)
    if input.ndim < 1:
        raise RuntimeError("histogramdd: expected points of shape (..., D), got a 0-d tensor")
    d = input.shape[-1]
    points = input.reshape(-1, d)
    bins = list(bins) if isinstance(bins, (list, tuple)) else [bins] * d
    if len(bins) != d:
        raise RuntimeError(f"histogramdd: expected bins for each of the {d} dimensions, got {len(bins)}")
    if range is not None and len(range) != 2 * d:
        raise RuntimeError(f"histogramdd: expected a range of 2 numbers for each of the {d} dimensions, "
                           f"got {len(range)} numbers")
    edges = []
    for i, b in enumerate(bins):
        column = points[:, i]
        if hasattr(b, "dtype"):
            if b.ndim != 1 or b.numel() < 2:
                raise RuntimeError(f"histogramdd: the edges of dimension {i} must be a 1-D tensor of at least 2 "
                                   f"edges, got shape {tuple(b.shape)}")
            edges.append(b.to(input.dtype))
            continue
        if isinstance(b, bool) or not isinstance(b, int) or b <= 0:
            raise RuntimeError(f"histogramdd: the number of bins must be a positive int, got {b!r}")
        low, high = _data_range(column, widen=0.5) if range is None else range[2 * i:2 * i + 2]
        _check_range("histogramdd", low, high)
        edges.append(discrete(lambda xp, a, low=low, high=high, b=b: _equal_bins(xp, low, high, b, a.dtype), column))
    if weight is not None and tuple(weight.shape) != tuple(input.shape[:-1]):
        raise RuntimeError(f"histogramdd: weight must have the shape of the points {tuple(input.shape[:-1])}, "
                           f"got {tuple(weight.shape)}")

    def count(xp, p, w, *edge_arrays):
        cells, inside = xp.zeros(len(p), backend.int64), xp.ones(len(p), bool)
        for i, e in enumerate(edge_arrays):
            bin_of, within = _bins_of(xp, p[:, i], e)
            cells, inside = cells * (len(e) - 1) + bin_of, inside & within
        shape = tuple(len(e) - 1 for e in edge_arrays)
        w = xp.ones(len(p), p.dtype) if w is None else w.reshape(-1).astype(p.dtype)
        hist = xp.bincount(cells[inside], weights=w[inside], minlength=math.prod(shape)).astype(p.dtype)
        hist = hist.reshape(shape)
        if density:
            volume = functools.reduce(xp.multiply.outer, [xp.diff(e) for e in edge_arrays])
            hist = hist / (hist.sum() * volume)
        return hist
    return histogramdd_result(discrete(count, points, weight, *edges), tuple(edges))


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """The counts of input's elements in `bins` equal bins between min and max (equal, as both 0 by default: the
    data's smallest and largest element, moved 1 apart each way if those are equal); elements outside are left out.
    An element's bin is ⌊(x - min) · bins / (max - min)⌋, the last one closed."""
    check_floating("histc", input)
    if bins <= 0:
        raise RuntimeError(f"histc: bins must be positive, got {bins}")
    low, high = _data_range(input, widen=1) if min == max else (min, max)
    _check_range("histc", low, high)

    def count(xp, a):
        a = a.reshape(-1)
        low_, high_ = xp.asarray(low, dtype=a.dtype), xp.asarray(high, dtype=a.dtype)
        inside = (a >= low_) & (a <= high_)
        position = xp.where(inside, (a - low_) * bins / (high_ - low_), 0)
        bin_of = xp.clip(xp.floor(position), 0, bins - 1).astype(backend.int64)
        return xp.bincount(bin_of[inside], minlength=bins).astype(a.dtype)
    return discrete(count, input)


def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """(hist, bin_edges): the counts (or total weights) of input's elements in bins, given as a number of equal bins
    over range (default: from the smallest to the largest element, moved 0.5 apart each way if equal) or as a 1-D
    tensor of increasing edges; with density, a density over the bins whose integral is 1."""
    check_floating("histogram", input)
    if weight is not None and (weight.shape != input.shape or weight.dtype != input.dtype):
        raise RuntimeError(f"histogram: weight must have the input's shape {input.shape} and dtype {input.dtype}, "
                           f"got {weight.shape} and {weight.dtype}")
    if hasattr(bins, "dtype"):
        if range is not None:
            raise TypeError("histogram: give the bins as edges or a range, not both")
        if bins.ndim != 1 or bins.numel() < 2 or bins.dtype != input.dtype:
            raise RuntimeError(f"histogram: bin edges must be a 1-D tensor of at least 2 edges of the input's dtype "
                               f"{input.dtype}, got shape {bins.shape} and {bins.dtype}")
        hist = discrete(lambda xp, a, edges, w: _histogram(xp, a, edges, w, density), input, bins, weight)
        return histogram_result(hist, bins)
    if bins <= 0:
        raise RuntimeError(f"histogram: bins must be positive, got {bins}")
    low, high = _data_range(input, widen=0.5) if range is None else range
    _check_range("histogram", low, high)

    def count(xp, a, w):
        edges = _equal_bins(xp, low, high, bins, a.dtype)
        return _histogram(xp, a, edges, w, density), edges
    return histogram_result(*discrete(count, input, weight))
