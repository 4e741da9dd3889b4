import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, Constant, check_op, check_parity, dim, rand, raises, seeds, shapes

SCANS = {
    "cumsum": lambda lib, x, d: x.cumsum(d),
    "cumsum-dtype": lambda lib, x, d: lib.cumsum(x, dim=d, dtype=lib.float64),
    "cumprod": lambda lib, x, d: lib.cumprod(x, d),
    "logcumsumexp": lambda lib, x, d: x.logcumsumexp(d),
    "cummax": lambda lib, x, d: x.cummax(d),
    "cummin": lambda lib, x, d: lib.cummin(x, dim=d),
    "diff": lambda lib, x, d: x.diff(dim=d),
    "diff-2": lambda lib, x, d: lib.diff(x, 2, d),
    "trapezoid": lambda lib, x, d: lib.trapezoid(x, dim=d),
    "trapezoid-dx": lambda lib, x, d: lib.trapezoid(x, dx=0.5, dim=d),
    "trapz": lambda lib, x, d: lib.trapz(x, dim=d),
    "cumulative_trapezoid": lambda lib, x, d: lib.cumulative_trapezoid(x, dx=2, dim=d),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", SCANS)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_scans(device, name, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: SCANS[name](lib, x, d), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), zeros=st.sampled_from([0, 1, 2, 3]), seed=seeds, data=st.data())
def test_cumprod_with_zeros(device, shape, zeros, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    x = rand(*shape, seed=seed, low=0.5, high=1.5) * np.sign(rand(*shape, seed=seed + 1))
    x.flat[np.random.default_rng(seed).permutation(x.size)[:zeros]] = 0.0  # zeros anywhere, maybe in one slice
    check_op(lambda lib, x: x.cumprod(d), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cumprod_gradient_past_a_zero_ignores_inf_and_nan(device):
    """A product that holds a zero other than xᵢ is 0 for xᵢ beside an inf or NaN too (as in PyTorch)."""
    x = np.array([[1.0, 0.0, 0.0, np.nan], [0.0, 2.0, 0.0, np.inf], [2.0, 0.0, 3.0, 0.0], [0.0, 0.0, np.nan, 1.0]])
    check_parity(lambda lib, x: lib.cumprod(x, 1), x, device=device)


def test_float32_running_totals_are_kept_in_float64_as_pytorchs():
    """On the CPU, as in PyTorch's kernels, a float32 cumsum or cumprod keeps a float64 running total: 1e8 + 1 - 1e8
    is 1 (0 in float32 steps); 1e-38 · 1.19e-7 is a one-digit subnormal, and the product after it 1.19e-7 (float32
    steps: 1.40e-7, and a gradient 17% off); a total that leaves float32's range and comes back is finite."""
    sums = np.array([[1e8, 1.0, -1e8], [3e38, 1e38, -1e38]])
    check_parity(lambda lib, x: lib.cumsum(x, 1), sums, dtype=np.float32, rtol=1e-6, atol=0)
    products = np.array([[1e-38, 1.1920929e-07, 1e38], [1e38, 10.0, 1e-10]])
    check_parity(lambda lib, x: lib.cumprod(x, 1), products, dtype=np.float32, rtol=1e-6, atol=0)


@pytest.mark.parametrize("device", DEVICES)
def test_logcumsumexp_of_far_apart_numbers_is_exact(device):
    x = np.array([[-1000.0, 0.0, 1000.0], [5.0, -np.inf, 5.0], [-np.inf, -np.inf, 1.0]])
    check_parity(lambda lib, x: lib.logcumsumexp(x, 1), x[:1], device=device)
    check_parity(lambda lib, x: x.logcumsumexp(1), x, device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_], ids=lambda t: np.dtype(t).name)
def test_cummax_and_cummin_take_the_latest_of_ties_and_nans(device, dtype):
    x = np.array([[1.0, 3.0, 3.0, 2.0, 5.0, 5.0], [2.0, 2.0, 1.0, 1.0, 2.0, 0.0]]).astype(dtype)
    if dtype == np.float64:
        x[0, 3] = np.nan
    check_parity(lambda lib, x: (x.cummax(1), lib.cummin(x, 1), x.cummax(0), x.cummin(-2)), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.bool_], ids=lambda t: np.dtype(t).name)
def test_scans_of_integers_and_bools(device, dtype):
    x = np.array([[1, 0, 1], [1, 1, 0]]).astype(dtype)
    check_parity(lambda lib, x: (x.cumsum(1), lib.cumprod(x, 0), x.cumsum(0, dtype=lib.float32), x.diff()), x,
                 device=device)
    if dtype != np.bool_:
        check_parity(lambda lib, x: (lib.trapezoid(x), lib.cumulative_trapezoid(x, dim=0)), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x: x.cumsum(0), lambda lib, x: lib.cumprod(x, -1), lambda lib, x: x.logcumsumexp(0),
    lambda lib, x: x.cummax(0), lambda lib, x: lib.cummin(x, -1),
], ids=["cumsum", "cumprod", "logcumsumexp", "cummax", "cummin"])
def test_scans_of_0d_and_empty_tensors(device, fn):
    check_parity(fn, np.array(2.5), device=device)
    check_parity(fn, np.zeros((0, 3)), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_scans_with_axis(device):
    check_parity(lambda lib, x: (x.cumsum(axis=1), lib.cumprod(x, axis=0), x.cummax(axis=1), lib.diff(x, axis=0),
                                 lib.trapezoid(x, axis=0), lib.cumulative_trapezoid(x, axis=0)),
                 rand(3, 4, seed=3), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_in_place_cumsum_and_cumprod(device):
    x = rand(3, 4, seed=3)
    ours, theirs = ember.tensor(x, device=device), torch.tensor(x)
    assert ours.cumsum_(1) is ours and ours.cumprod_(0, dtype=ember.float64) is ours
    theirs.cumsum_(1).cumprod_(0, dtype=torch.float64)
    np.testing.assert_allclose(ours.tolist(), theirs.numpy())
    with raises(RuntimeError, "cumsum_: a leaf tensor that requires grad cannot be changed in place"):
        ember.ones(3, requires_grad=True).cumsum_(0)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), n=st.integers(0, 4), seed=seeds, data=st.data())
def test_diff_with_prepend_and_append(device, shape, n, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    before, after = list(shape), list(shape)
    before[d], after[d] = 2, 1
    check_op(lambda lib, x, before, after: lib.diff(x, n, d, before, after), rand(*shape, seed=seed),
             rand(*before, seed=seed + 1), rand(*after, seed=seed + 2), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3, min_side=2), seed=seeds, data=st.data())
def test_trapezoid_with_sample_points(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    points = np.cumsum(rand(shape[d], seed=seed + 1, low=0.1, high=1.0))
    grid = np.cumsum(rand(*shape, seed=seed + 2, low=0.1, high=1.0), axis=d)
    for fn in (lambda lib, y, x: lib.trapezoid(y, x, dim=d), lambda lib, y, x: lib.cumulative_trapezoid(y, x, dim=d),
               lambda lib, y, x: lib.trapz(y, x, dim=d)):
        check_op(fn, rand(*shape, seed=seed), points, device=device)
        check_op(fn, rand(*shape, seed=seed), grid, device=device)


@pytest.mark.parametrize("fn, error, message", [
    (lambda: ember.ones(3).cumsum(), TypeError, "cumsum() missing its dim argument"),
    (lambda: ember.ones(3).cumsum(1), IndexError, "dimension out of range (expected to be in range of [-1, 0]"),
    (lambda: ember.arange(3).logcumsumexp(0), RuntimeError, "logcumsumexp: expected a floating point tensor"),
    (lambda: ember.ones(3).cummax(0, axis=0), TypeError, "cummax() got multiple values for argument 'dim'"),
    (lambda: ember.tensor(1.0).diff(), RuntimeError, "diff: expected a tensor of at least one dimension"),
    (lambda: ember.ones(3).diff(-1), RuntimeError, "diff: the order n must be non-negative, got -1"),
    (lambda: ember.ones(2, 3).diff(dim=0, prepend=ember.zeros(3)), RuntimeError,
     "diff: prepend and append must have the input's shape (2, 3) except along dim 0, got (3,)"),
    (lambda: ember.ones(2, 3).diff(append=ember.zeros(1, 3)), RuntimeError, "except along dim -1, got (1, 3)"),
    (lambda: ember.trapezoid(ember.tensor(1.0)), IndexError, "trapezoid: expected y of at least one dimension"),
    (lambda: ember.trapezoid(ember.ones(3), ember.ones(3), dx=1.0), TypeError, "trapezoid: give x or dx, not both"),
    (lambda: ember.trapezoid(ember.ones(3, dtype=ember.bool)), RuntimeError,
     "trapezoid: x and y must be number tensors, got bool"),
    (lambda: ember.cumulative_trapezoid(ember.ones(3), ember.ones(3, dtype=ember.bool)), RuntimeError,
     "cumulative_trapezoid: x and y must be number tensors, got bool"),
    (lambda: ember.gradient(ember.ones(3, dtype=ember.uint8)), RuntimeError, "gradient: uint8 tensors are not"),
    (lambda: ember.gradient(ember.ones(3, dtype=ember.bool)), RuntimeError, "gradient: bool tensors have no"),
    (lambda: ember.gradient(ember.tensor(1.0), dim=0), IndexError, "gradient: a 0-d tensor has no dimension 0"),
    (lambda: ember.trapezoid(ember.ones(3), ember.ones(2)), RuntimeError,
     "trapezoid: expected one x for each of the 3 samples, got 2"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(fn, error, message):
    with raises(error, message):
        fn()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("edge_order", [1, 2])
@given(shape=shapes(min_dims=1, max_dims=3, min_side=3), seed=seeds)
def test_gradient_with_steps_and_coordinates(device, edge_order, shape, seed):
    coordinates = [np.cumsum(rand(n, seed=seed + 1 + i, low=0.1, high=1.0)) for i, n in enumerate(shape)]
    steps = [float(i + 2) for i in range(len(shape))]
    check_op(lambda lib, x: lib.gradient(x, edge_order=edge_order), rand(*shape, seed=seed), device=device)
    check_op(lambda lib, x: lib.gradient(x, spacing=steps, edge_order=edge_order), rand(*shape, seed=seed),
             device=device)
    check_op(lambda lib, x, *c: lib.gradient(x, spacing=c, edge_order=edge_order), rand(*shape, seed=seed),
             *map(Constant, coordinates), device=device)
    check_op(lambda lib, x: lib.gradient(x, spacing=0.5, dim=-1, edge_order=edge_order), rand(*shape, seed=seed),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_gradient_of_integers_is_float32(device):
    check_parity(lambda lib, x: lib.gradient(x, dim=[0]), np.array([1, 4, 9, 16, 25]), device=device, backward=False)


@pytest.mark.parametrize("fn, message", [
    (lambda: ember.gradient(ember.ones(2), edge_order=2), "each dimension size to be at least edge_order + 1"),
    (lambda: ember.gradient(ember.ones(2, 3), spacing=[1.0, 2.0, 3.0]), "one per dimension (2), got a list of 3"),
    (lambda: ember.gradient(ember.ones(3), edge_order=3), "edge_order must be 1 or 2, got 3"),
    (lambda: ember.gradient(ember.ones(3), spacing=[ember.ones(2)]), "each coordinate tensor must be 1-D"),
])
def test_gradient_errors(fn, message):
    with raises(RuntimeError, message):
        fn()
