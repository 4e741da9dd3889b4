import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_op, check_parity, dim, rand, raises, seeds, shapes

ORDERS = {
    "sort": lambda lib, x, d: x.sort(d),
    "sort-descending": lambda lib, x, d: lib.sort(x, dim=d, descending=True),
    "sort-stable": lambda lib, x, d: lib.sort(x, stable=True, dim=d, descending=True),
    "msort": lambda lib, x, d: lib.msort(x),
    "topk": lambda lib, x, d: x.topk(1, d),
    "topk-smallest": lambda lib, x, d: lib.topk(x, x.shape[d], dim=d, largest=False),
    "topk-unsorted": lambda lib, x, d: lib.topk(x, 1, d, sorted=False),
    "kthvalue": lambda lib, x, d: x.kthvalue(1, d),
    "kthvalue-last": lambda lib, x, d: lib.kthvalue(x, x.shape[d], d, keepdim=True),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ORDERS)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_orders(device, name, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: ORDERS[name](lib, x, d), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_argsort(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_parity(lambda lib, x: (x.argsort(d), lib.argsort(x, d, True), x.argsort(dim=d, stable=True)),
                 rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.uint8, np.bool_], ids=lambda t: np.dtype(t).name)
def test_sort_is_stable_and_puts_nan_last(device, dtype):
    # (not topk: PyTorch's picks among equal elements as its algorithm happens to)
    x = np.array([[3.0, 1.0, 1.0, 3.0, 2.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]]).astype(dtype)
    if dtype == np.float64:
        x[0, [1, 4]] = np.nan
    check_parity(lambda lib, x: (x.sort(), x.sort(descending=True), lib.sort(x, dim=0, stable=True),
                                 x.argsort(1, True)), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x: x.sort(), lambda lib, x: x.argsort(-1), lambda lib, x: lib.topk(x, 1, 0),
    lambda lib, x: x.kthvalue(1, 0), lambda lib, x: x.sort(axis=0), lambda lib, x: lib.topk(x, 1, axis=-1),
], ids=["sort", "argsort", "topk", "kthvalue", "sort-axis", "topk-axis"])
def test_orders_of_a_0d_tensor(device, fn):
    check_parity(fn, np.array(2.5), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_orders_with_axis(device):
    check_parity(lambda lib, x: (x.sort(axis=0), lib.argsort(x, axis=0), x.topk(2, axis=0), lib.kthvalue(x, 2, axis=0)),
                 rand(3, 4, seed=2), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_topk_of_nothing(device):
    check_parity(lambda lib, x: (x.topk(0), lib.sort(x, 0)), np.zeros((0, 3)), device=device)


# ---------------------------------------------------------------------------------------------
# Distinct values.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint8, np.bool_],
                         ids=lambda t: np.dtype(t).name)
@given(shape=shapes(min_dims=0, max_dims=3), seed=seeds)
def test_unique(device, dtype, shape, seed):
    x = np.random.default_rng(seed).integers(0, 4, size=shape).astype(dtype)
    check_parity(lambda lib, x: (x.unique(), lib.unique(x, sorted=False, return_inverse=True, return_counts=True),
                                 lib.unique_consecutive(x, return_inverse=True, return_counts=True),
                                 x.unique_consecutive(return_counts=True)), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_unique_along_a_dim(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    x = np.random.default_rng(seed).integers(0, 2, size=shape)
    check_parity(lambda lib, x: (lib.unique(x, dim=d, return_inverse=True, return_counts=True),
                                 x.unique_consecutive(return_inverse=True, return_counts=True, dim=d)),
                 x, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_unique_counts_each_nan_apart(device):
    x = np.array([1.0, np.nan, np.nan, 2.0, 1.0])
    check_parity(lambda lib, x: (x.unique(return_inverse=True, return_counts=True), x.unique_consecutive()), x,
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_unique_of_empty_tensors(device):
    check_parity(lambda lib, x: (x.unique(return_inverse=True, return_counts=True), x.unique(dim=0),
                                 x.unique_consecutive(dim=0)), np.zeros((0, 3)), device=device)


# ---------------------------------------------------------------------------------------------
# Searching.

@pytest.mark.parametrize("device", DEVICES)
@given(length=st.integers(1, 6), shape=shapes(max_dims=3), seed=seeds)
def test_searchsorted_and_bucketize(device, length, shape, seed):
    rng = np.random.default_rng(seed)
    boundaries = np.sort(rng.integers(0, 6, size=length)).astype(np.float64)
    values = rng.integers(-1, 7, size=shape).astype(np.float64)  # on and between the boundaries
    check_parity(lambda lib, b, v: (lib.searchsorted(b, v), lib.searchsorted(b, v, right=True),
                                    lib.searchsorted(b, v, side="right", out_int32=True), lib.bucketize(v, b),
                                    lib.bucketize(v, b, right=True, out_int32=True)), boundaries, values,
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_searchsorted_row_by_row_with_a_sorter_and_numbers(device):
    boundaries = np.array([[1, 3, 5, 5], [2, 4, 6, 8]])
    check_parity(lambda lib, b, v: (lib.searchsorted(b, v), lib.searchsorted(b, v, side="right")), boundaries,
                 np.array([[3, 6, 5], [1, 9, 4]]), device=device)
    check_parity(lambda lib, b, v, order: (lib.searchsorted(b, v, sorter=order),
                                           lib.searchsorted(b, v, sorter=order, right=True)),
                 np.array([5.0, 1.0, 3.0, 3.0]), np.array([2.0, 3.0, 6.0]), np.array([1, 2, 3, 0]), device=device)
    check_parity(lambda lib, b: (lib.searchsorted(b, 3), lib.searchsorted(b, 2.5, right=True), lib.bucketize(4, b)),
                 np.array([1.0, 3.0, 5.0]), device=device)
    check_parity(lambda lib, b, v: lib.searchsorted(b, v), np.array([1, 2, 3]), np.array([2.5, 0.5]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes=st.tuples(shapes(max_dims=3), shapes(max_dims=2)), invert=st.booleans(), seed=seeds)
def test_isin(device, shapes, invert, seed):
    rng = np.random.default_rng(seed)
    elements, tests = rng.integers(0, 5, size=shapes[0]), rng.integers(0, 5, size=shapes[1])
    check_parity(lambda lib, a, b: (lib.isin(a, b, invert=invert), lib.isin(a, 2), lib.isin(3, b),
                                    lib.isin(a.double(), b, assume_unique=True)), elements, tests, device=device)
    check_parity(lambda lib, a, b: lib.isin(a, b), np.array([1.0, np.nan, 2.5]), np.array([np.nan, 1.0]),
                 device=device)


@pytest.mark.parametrize("fn, error, message", [
    (lambda: ember.ones(3).topk(4), RuntimeError, "topk: k must be in [0, 3] for a dimension of size 3, got 4"),
    (lambda: ember.ones(3).topk(-1), RuntimeError, "topk: k must be in [0, 3]"),
    (lambda: ember.ones(3).kthvalue(0), RuntimeError, "kthvalue: k must be in [1, 3] for a dimension of size 3, got 0"),
    (lambda: ember.ones(2, dtype=ember.bool).kthvalue(1), RuntimeError, "kthvalue: bool tensors have no order"),
    (lambda: ember.ones(0, 2).kthvalue(1, 0), IndexError, "kthvalue: dimension 0 has size 0, so it has no k-th value"),
    (lambda: ember.ones(2, 3).sort(2), IndexError, "dimension out of range (expected to be in range of [-2, 1]"),
    (lambda: ember.ones(3).sort(0, axis=0), TypeError, "sort() got multiple values for argument 'dim'"),
    (lambda: ember.ones(2, 3).unique(dim=2), IndexError, "dimension out of range"),
    (lambda: ember.ones(0, 3).unique(dim=1), RuntimeError,
     "unique: dimensions of size 0 other than dim have no values to compare (shape (0, 3))"),
    (lambda: ember.searchsorted(ember.ones(3), ember.ones(2), side="middle"), RuntimeError,
     "searchsorted: side must be 'left' or 'right', got 'middle'"),
    (lambda: ember.searchsorted(ember.ones(3), ember.ones(2), side="left", right=True), RuntimeError,
     "searchsorted: side='left' contradicts right=True"),
    (lambda: ember.searchsorted(ember.tensor(1.0), ember.ones(2)), RuntimeError,
     "searchsorted: sorted_sequence must have at least one dimension, got a 0-d tensor"),
    (lambda: ember.searchsorted(ember.ones(2, 3), ember.ones(3)), RuntimeError,
     "searchsorted: a sorted_sequence of shape (2, 3) needs an input with the same leading dimensions, got (3,)"),
    (lambda: ember.bucketize(ember.ones(3), ember.ones(1, 2)), RuntimeError,
     "bucketize: boundaries must be 1-D, got shape (1, 2)"),
    (lambda: ember.isin(1, 2), TypeError, "isin: expected at least one tensor, got two numbers"),
    (lambda: ember.isin(ember.ones(2, dtype=ember.bool), ember.ones(1)), RuntimeError,
     "isin: bool tensors are not supported"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(fn, error, message):
    with raises(error, message):
        fn()
