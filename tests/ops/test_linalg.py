import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from helpers import DEVICES, check_op, check_parity, rand, raises, seeds

sides = st.integers(1, 4)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shapes", [
    ((3,), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3,)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((3,), (2, 3, 4)),
    ((2, 2, 3), (3,)),
], ids=["1d@1d", "1d@2d", "2d@1d", "2d@2d", "batched", "batch@matrix", "matrix@batch", "1d@batch", "batch@1d"])
def test_matmul(device, shapes):
    a, b = rand(*shapes[0], seed=1), rand(*shapes[1], seed=2)
    check_op(lambda lib, a, b: (lib.matmul(a, b), a @ b, a.matmul(b)), a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(batch=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), n=sides, k=sides, m=sides,
       seed=seeds)
def test_matmul_broadcasts_batch_dims(device, batch, n, k, m, seed):
    a = rand(*batch.input_shapes[0], n, k, seed=seed)
    b = rand(*batch.input_shapes[1], k, m, seed=seed + 1)
    check_op(lambda lib, a, b: a @ b, a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(batch=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), k=sides, seed=seeds)
def test_matmul_of_a_batch_and_a_vector(device, batch, k, seed):
    a = rand(*batch, 2, k, seed=seed)
    v = rand(k, seed=seed + 1)
    check_op(lambda lib, a, v: (a @ v, v @ a.mT), a, v, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_matmul_of_integers(device):
    a, b = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4)
    check_parity(lambda lib, a, b: a @ b, a, b, device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("x_shape", [(3,), (4, 3), (2, 4, 3), (2, 1, 2, 3)], ids=["1d", "2d", "3d", "4d"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
def test_linear(device, x_shape, bias):
    x, w, b = rand(*x_shape, seed=1), rand(5, 3, seed=2), rand(5, seed=3)
    if bias:
        check_op(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), x, w, b, device=device)
    else:
        check_op(lambda lib, x, w: lib.nn.functional.linear(x, w), x, w, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(batch=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), n_in=sides, n_out=sides, seed=seeds)
def test_linear_of_any_batch(device, batch, n_in, n_out, seed):
    check_op(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), rand(*batch, n_in, seed=seed),
             rand(n_out, n_in, seed=seed + 1), rand(n_out, seed=seed + 2), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("x_shape", [(3, 40), (1, 2, 40)], ids=["2d", "3d"])
def test_linear_of_few_long_rows_into_more_neurons(device, x_shape):
    """A CNN's first Linear (few rows, long ones, more neurons than rows) is computed as (W xᵀ)ᵀ."""
    check_op(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), rand(*x_shape, seed=1), rand(5, 40, seed=2),
             rand(5, seed=3), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_linear_with_only_the_weight_requiring_grad(device):
    x = ember.tensor(rand(4, 3), device=device)
    w = ember.tensor(rand(2, 3, seed=1), device=device, requires_grad=True)
    ember.nn.functional.linear(x, w).sum().backward()
    np.testing.assert_allclose(w.grad.tolist(), np.ones((2, 4)) @ rand(4, 3))


# -------------------------------------------------------------------------------------------------
# Errors.

def test_matmul_of_mismatched_inner_dims():
    with raises(ValueError, "matmul: shapes (2, 3) and (2, 3) cannot be multiplied (3 != 2)"):
        ember.ones(2, 3) @ ember.ones(2, 3)
    with raises(ValueError, "matmul: shapes (3,) and (4,) cannot be multiplied (3 != 4)"):
        ember.matmul(ember.ones(3), ember.ones(4))
    with raises(ValueError, "matmul: shapes (5, 2, 3) and (4, 2) cannot be multiplied (3 != 4)"):
        ember.ones(5, 2, 3) @ ember.ones(4, 2)


def test_matmul_of_a_0d_operand():
    with raises(ValueError, "matmul: both arguments need at least one dimension; use * for a scalar"):
        ember.tensor(2.0) @ ember.ones(2, 2)
    with raises(ValueError, "matmul: both arguments need at least one dimension"):
        ember.ones(2).matmul(ember.tensor(2.0))


def test_linear_of_a_wrong_input_size():
    with raises(ValueError, "linear: expected input (..., 3), got (2, 4)"):
        ember.nn.functional.linear(ember.ones(2, 4), ember.ones(5, 3))
    with raises(ValueError, "linear: expected input (..., 3), got ()"):
        ember.nn.functional.linear(ember.tensor(1.0), ember.ones(5, 3))


# -------------------------------------------------------------------------------------------------
# Bilinear forms.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch", [(), (2,), (2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_bilinear(device, batch, bias):
    arrays = [rand(*batch, 3), rand(*batch, 2, seed=1), rand(4, 3, 2, seed=2)] + ([rand(4, seed=3)] if bias else [])
    check_op(lambda lib, *args: (lib.nn.functional.bilinear(*args), lib.bilinear(*args)), *arrays, device=device)


def test_bilinear_errors():
    w = ember.ones(5, 3, 4)
    with raises(RuntimeError, "bilinear: input batch dimensions do not match: got (2, 3) and (3, 4)"):
        ember.nn.functional.bilinear(ember.ones(2, 3), ember.ones(3, 4), w)
    with raises(RuntimeError, "bilinear: input dimensions do not match: got 3 and 2"):
        ember.nn.functional.bilinear(ember.ones(1, 2, 3), ember.ones(2, 4), w)
    with raises(RuntimeError, "bilinear: input2 size does not match weight size: got 5 but expected 4"):
        ember.nn.functional.bilinear(ember.ones(2, 3), ember.ones(2, 5), w)
    with raises(RuntimeError, "bilinear: expected bias of shape (5,), got (4,)"):
        ember.nn.functional.bilinear(ember.ones(2, 3), ember.ones(2, 4), w, ember.ones(4))
    with raises(RuntimeError, "bilinear: all tensors must have the same dtype, got ['float32', 'float64']"):
        ember.nn.functional.bilinear(ember.ones(2, 3), ember.ones(2, 4, dtype=ember.float64), w)
