import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, Constant, check_op, check_parity, dim, rand, raises, seeds, shapes

INTERPOLATIONS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x, d, k: x.median(d, k), lambda lib, x, d, k: lib.nanmedian(x, d, keepdim=k),
    lambda lib, x, d, k: x.mode(d, k), lambda lib, x, d, k: lib.median(x, axis=d, keepdim=k),
], ids=["median", "nanmedian", "mode", "median-axis"])
@given(shape=shapes(min_dims=1, max_dims=3), keepdim=st.booleans(), seed=seeds, data=st.data())
def test_medians_and_modes_along_a_dim(device, fn, shape, keepdim, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: fn(lib, x, d, keepdim), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(max_dims=3), seed=seeds)
def test_median_of_everything(device, shape, seed):
    check_op(lambda lib, x: (x.median(), lib.nanmedian(x)), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_median_and_mode_with_ties_and_nans(device):
    x = np.array([[1.0, 3.0, 3.0, 4.0, 3.0, 0.0], [1.0, np.nan, 2.0, 4.0, np.nan, 2.0],
                  [np.nan, np.nan, np.nan, np.nan, np.nan, np.nan], [5.0, 1.0, 5.0, 1.0, 2.0, 7.0]])
    check_parity(lambda lib, x: (x.median(1), lib.nanmedian(x[:2], 1), x[0].median(), x[0].nanmedian(), x[1].median(),
                                 x[1].nanmedian(), x[2].nanmedian(), x[::3].mode(1)), x, device=device)
    check_parity(lambda lib, x: (x.mode(), x.mode(0), lib.median(x, 0), x.median()),
                 np.array([[1, 2, 2, 1], [3, 3, 1, 0], [1, 3, 2, 1]]), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_medians_of_0d_and_empty_tensors(device):
    check_parity(lambda lib, x: (x.median(), x.median(0), lib.nanmedian(x, -1), x.mode(0), x.mode()), np.array(2.5),
                 device=device)
    check_parity(lambda lib, x: (x.median(), x.median(1), lib.nanmedian(x, 1), x.mode(1)), np.zeros((0, 2)),
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@given(shape=shapes(min_dims=1, max_dims=3), keepdim=st.booleans(), seed=seeds, data=st.data())
def test_quantile(device, interpolation, shape, keepdim, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape))), label="dim")
    q = rand(3, seed=seed + 1, low=0.0, high=1.0)
    check_op(lambda lib, x, q: (lib.quantile(x, q, d, keepdim, interpolation=interpolation),
                                x.nanquantile(0.3, d, keepdim, interpolation=interpolation),
                                x.quantile(q[1], dim=d, interpolation=interpolation)),
             rand(*shape, seed=seed), Constant(q), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_quantile_on_ties_nans_and_halves(device, interpolation):
    x = np.array([[1.0, 7.0, 3.0, 4.0, 3.0], [2.0, 0.0, 5.0, np.nan, 1.0], [np.nan] * 5])
    q = Constant([0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 1.0])
    check_parity(lambda lib, x, q: (lib.quantile(x[:1], q, 1, interpolation=interpolation),
                                    lib.nanquantile(x[:2], q, 1, True, interpolation=interpolation)), x, q,
                 device=device)
    check_parity(lambda lib, x, q: (x.quantile(q, 1, interpolation=interpolation),
                                    x.nanquantile(q, 1, interpolation=interpolation)), x, q, device=device,
                 backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_quantile_of_a_0d_tensor(device):
    check_op(lambda lib, x: (x.quantile(0.5), lib.quantile(x, 0.2, 0), x.nanquantile(0.5, -1, True)), np.array(1.5),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_order_statistics_with_axis(device):
    check_op(lambda lib, x: (x.median(axis=1), lib.nanmedian(x, axis=0), x.mode(axis=0), x.quantile(0.3, axis=1),
                             lib.nanquantile(x, 0.6, axis=0)), rand(3, 4, seed=8), device=device)


# ---------------------------------------------------------------------------------------------
# Covariance and correlation.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("correction", [0, 1, 2])
@given(variables=st.integers(1, 3), observations=st.integers(3, 5), seed=seeds)
def test_cov(device, correction, variables, observations, seed):
    rng = np.random.default_rng(seed)
    x = rand(variables, observations, seed=seed)
    counts, importance = rng.integers(1, 4, size=observations), rand(observations, seed=seed + 1, low=0.2, high=2.0)
    check_op(lambda lib, x, f, a: (lib.cov(x, correction=correction), x[0].cov(correction=correction),
                                   lib.cov(x, correction=correction, fweights=f),
                                   x.cov(correction=correction, aweights=a),
                                   lib.cov(x, correction=correction, fweights=f, aweights=a)),
             x, counts, importance, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(variables=st.integers(1, 3), observations=st.integers(2, 5), seed=seeds)
def test_corrcoef(device, variables, observations, seed):
    check_op(lambda lib, x: (lib.corrcoef(x), x[0].corrcoef()), rand(variables, observations, seed=seed),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cov_and_corrcoef_of_integers_and_constants(device):
    check_parity(lambda lib, x: (lib.cov(x), x.corrcoef(), x[0].cov(), lib.cov(x[0, 0])),
                 np.array([[1, 2, 4], [3, 1, 2]]), device=device, dtype=np.float32)  # integers give float32
    check_parity(lambda lib, x: x.corrcoef(), np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), device=device,
                 backward=False)


# ---------------------------------------------------------------------------------------------
# Counting into bins.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("weights", [None, np.float32, np.float64, np.int64], ids=str)
@given(n=st.integers(0, 8), minlength=st.integers(0, 6), seed=seeds)
def test_bincount(device, weights, n, minlength, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, size=n)
    if weights is None:
        check_parity(lambda lib, x: (lib.bincount(x), x.bincount(minlength=minlength)), x, device=device)
    else:
        w = Constant(rand(n, seed=seed).astype(weights)) if weights != np.int64 else rng.integers(0, 3, size=n)
        check_parity(lambda lib, x, w: lib.bincount(x, w, minlength), x, w, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(max_dims=3, max_side=6), bins=st.integers(1, 7), seed=seeds)
def test_histc_and_histogram(device, shape, bins, seed):
    x = rand(*shape, seed=seed)
    w = Constant(rand(*shape, seed=seed + 1, low=0.0, high=2.0))
    edges = Constant(np.sort(rand(bins + 1, seed=seed + 2)))
    check_parity(lambda lib, x, w, edges: (x.histc(bins), lib.histc(x, bins, -1, 1), x.histogram(bins),
                                           lib.histogram(x, bins, range=(-1.0, 1.5), weight=w),
                                           lib.histogram(x, bins, density=True),
                                           x.histogram(edges, weight=w, density=True), lib.histogram(x, edges)),
                 x, w, edges, device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_histograms_of_equal_values_and_bin_edges(device):
    check_parity(lambda lib, x: (x.histc(3), lib.histogram(x, 2), x[:0].histc(2), x[:0].histogram(2)),
                 np.array([2.0, 2.0]), device=device, backward=False)
    x = np.array([0.0, 1.0, 0.1 + 0.2, 0.3, 0.7, 0.9999999, -0.5, 1.5, np.nan])
    edges = Constant([0.0, 0.3, 0.5, 1.0])
    check_parity(lambda lib, x, edges: (x.histc(10, 0, 1), lib.histogram(x, 10, range=(0.0, 1.0)),
                                        lib.histogram(x, edges)), x, edges, device=device, backward=False)
    check_parity(lambda lib, x: (x.histc(10, 0, 1), x.histogram(5, range=(0.0, 1.0))), x, device=device,
                 dtype=np.float32, backward=False)


@pytest.mark.parametrize("fn, error, message", [
    (lambda: ember.ones(0).median(0), IndexError, "median(): expected reduction dim 0 to have non-zero size"),
    (lambda: ember.ones(0, 2).mode(0), IndexError, "mode(): expected reduction dim 0 to have non-zero size"),
    (lambda: ember.ones(3).quantile(1.5), RuntimeError, "quantile: q must be in [0, 1], got [1.5]"),
    (lambda: ember.ones(3).quantile(ember.ones(1, 1)), RuntimeError,
     "quantile: q must be a number or a 0-d or 1-D tensor of the input's dtype float32, got shape (1, 1)"),
    (lambda: ember.ones(3).quantile(ember.ones(1, dtype=ember.float64)), RuntimeError, "and float64"),
    (lambda: ember.ones(3).quantile(0.5, interpolation="abc"), RuntimeError,
     "quantile: interpolation must be one of linear, lower, higher, midpoint, nearest, got 'abc'"),
    (lambda: ember.arange(3).nanquantile(0.5), RuntimeError, "nanquantile: expected a floating point tensor"),
    (lambda: ember.ones(0).quantile(0.5), RuntimeError, "quantile: expected a non-empty input"),
    (lambda: ember.ones(2, 2, 2).cov(), RuntimeError, "cov: expected a tensor of at most 2 dimensions, got shape"),
    (lambda: ember.ones(2, 3, dtype=ember.bool).cov(), RuntimeError, "cov: expected numbers, got a bool tensor"),
    (lambda: ember.ones(2, 3).cov(aweights=ember.zeros(3)), RuntimeError, "cov: the weights sum to zero"),
    (lambda: ember.ones(2, 3).cov(aweights=ember.tensor([1.0, float("nan"), 1.0])), RuntimeError,
     "cov: aweights cannot be negative"),
    (lambda: ember.ones(2, 3).cov(fweights=ember.ones(3)), RuntimeError,
     "cov: fweights must be integers, got float32"),
    (lambda: ember.ones(2, 3).cov(aweights=ember.ones(3, dtype=ember.int64)), RuntimeError,
     "cov: aweights must be floating point, got int64"),
    (lambda: ember.ones(2, 3).cov(fweights=ember.tensor([1, -1, 1])), RuntimeError, "cov: fweights cannot be negative"),
    (lambda: ember.ones(2, 3).cov(aweights=ember.ones(2)), RuntimeError,
     "cov: aweights must be 1-D with one weight for each of the 3 observations, got shape (2,)"),
    (lambda: ember.tensor([-1, 2]).bincount(), RuntimeError, "bincount: expected a 1-D tensor of non-negative"),
    (lambda: ember.ones(2).bincount(), RuntimeError, "bincount: expected a 1-D tensor of non-negative integers, got "
                                                      "shape (2,) and float32"),
    (lambda: ember.tensor([1]).bincount(minlength=-1), RuntimeError, "bincount: minlength must be at least 0, got -1"),
    (lambda: ember.tensor([1, 2]).bincount(ember.ones(1)), RuntimeError, "bincount: weights must be 1-D like"),
    (lambda: ember.arange(3).histc(), RuntimeError, "histc: expected a floating point tensor, got int64"),
    (lambda: ember.ones(3).histc(0), RuntimeError, "histc: bins must be positive, got 0"),
    (lambda: ember.ones(3).histc(3, 2, 1), RuntimeError, "histc: the range's min 2 exceeds its max 1"),
    (lambda: ember.tensor([1.0, float("nan")]).histc(), RuntimeError, "histc: the range [nan, nan] of the bins is not"),
    (lambda: ember.ones(3).histogram(3, range=(0.0, float("inf"))), RuntimeError, "histogram: the range [0.0, inf]"),
    (lambda: ember.ones(3).histogram(ember.ones(3), range=(0.0, 1.0)), TypeError,
     "histogram: give the bins as edges or a range, not both"),
    (lambda: ember.ones(3).histogram(ember.ones(1)), RuntimeError,
     "histogram: bin edges must be a 1-D tensor of at least 2 edges of the input's dtype float32, got shape (1,)"),
    (lambda: ember.ones(3).histogram(2, weight=ember.ones(2)), RuntimeError,
     "histogram: weight must have the input's shape (3,) and dtype float32, got (2,) and float32"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(fn, error, message):
    with raises(error, message):
        fn()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("seed", [0, 1])
def test_histogramdd(device, seed):
    points = rand(40, 3, seed=seed)
    w = Constant(rand(40, seed=seed + 1, low=0.0, high=2.0))
    edges = [Constant(np.sort(rand(n, seed=seed + 2 + n))) for n in (3, 4, 5)]
    check_parity(lambda lib, x, w, *e: (*lib.histogramdd(x, bins=[2, 3, 4]),
                                        *lib.histogramdd(x, 3, range=[-1.0, 1.0, -0.5, 0.5, 0.0, 1.0], weight=w),
                                        *lib.histogramdd(x, 2, density=True), *lib.histogramdd(x, list(e)),
                                        *lib.histogramdd(x.reshape(2, 20, 3), bins=2)),
                 points, w, *edges, device=device, backward=False)


@pytest.mark.parametrize("fn, message", [
    (lambda: ember.histogramdd(ember.ones(4, 2), bins=[2]), "expected bins for each of the 2 dimensions, got 1"),
    (lambda: ember.histogramdd(ember.ones(4, 2), 2, range=[0.0, 1.0]), "expected a range of 2 numbers for each"),
    (lambda: ember.histogramdd(ember.ones(4, 2), 0), "the number of bins must be a positive int, got 0"),
    (lambda: ember.histogramdd(ember.ones(4, 2), 2, weight=ember.ones(3)), "weight must have the shape of the points"),
    (lambda: ember.histogramdd(ember.ones(4, 1), [ember.ones(1)]), "must be a 1-D tensor of at least 2 edges"),
])
def test_histogramdd_errors(fn, message):
    with raises(RuntimeError, message):
        fn()
