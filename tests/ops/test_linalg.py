import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from helpers import (DEVICES, Constant, broadcastable_shapes, check_both_raise, check_in_place, check_op, check_parity,
                     rand, raises, seeds, shapes)

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


def test_linear_promotes_as_matmul():
    # PyTorch refuses operands of different dtypes; ember promotes them by PyTorch's rules, as matmul does
    # (int64 and float32 give float32, not NumPy's float64).
    F = ember.nn.functional
    assert F.linear(ember.ones(2, 3, dtype=ember.int64), ember.ones(4, 3)).dtype == ember.float32
    assert F.linear(ember.ones(2, 3), ember.ones(4, 3), ember.ones(4, dtype=ember.float64)).dtype == ember.float64
    assert F.linear(ember.ones(2, 3, dtype=ember.int64), ember.ones(4, 3, dtype=ember.int64)).dtype == ember.int64


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


# -------------------------------------------------------------------------------------------------
# The products PyTorch names: each a table entry (fn(lib, *tensors), the shapes of its operands).

PRODUCTS = {
    "mm": (lambda lib, a, b: (lib.mm(a, b), a.mm(b)), [(2, 3), (3, 4)]),
    "bmm": (lambda lib, a, b: (lib.bmm(a, b), a.bmm(b)), [(2, 3, 4), (2, 4, 5)]),
    "mv": (lambda lib, a, v: (lib.mv(a, v), a.mv(v)), [(2, 3), (3,)]),
    "dot": (lambda lib, a, b: (lib.dot(a, b), a.dot(b), lib.vdot(a, b), a.vdot(b)), [(4,), (4,)]),
    "inner": (lambda lib, a, b: (lib.inner(a, b), a.inner(b)), [(2, 3), (4, 1, 3)]),
    "inner-0d": (lambda lib, a, b: lib.inner(a, b), [(), (2, 3)]),
    "outer": (lambda lib, a, b: (lib.outer(a, b), a.outer(b), lib.ger(a, b), a.ger(b)), [(3,), (2,)]),
    "addmm": (lambda lib, c, a, b: (lib.addmm(c, a, b), c.addmm(a, b, beta=0.5, alpha=-2)), [(2, 4), (2, 3), (3, 4)]),
    "addmm-broadcast": (lambda lib, c, a, b: lib.addmm(c, a, b, alpha=3), [(4,), (2, 3), (3, 4)]),
    "baddbmm": (lambda lib, c, a, b: (lib.baddbmm(c, a, b), c.baddbmm(a, b, beta=2)), [(2, 1, 5), (2, 3, 4),
                                                                                         (2, 4, 5)]),
    "addbmm": (lambda lib, c, a, b: (lib.addbmm(c, a, b), c.addbmm(a, b, alpha=0.5)), [(3, 5), (2, 3, 4), (2, 4, 5)]),
    "addmv": (lambda lib, c, a, v: (lib.addmv(c, a, v), c.addmv(a, v, beta=-1)), [(1,), (2, 3), (3,)]),
    "addr": (lambda lib, c, a, b: (lib.addr(c, a, b), c.addr(a, b, alpha=2)), [(3, 2), (3,), (2,)]),
    "tensordot": (lambda lib, a, b: lib.tensordot(a, b), [(3, 4, 5), (4, 5, 2)]),
    "tensordot-lists": (lambda lib, a, b: lib.tensordot(a, b, dims=([1, 2], [1, 0])), [(3, 4, 5), (5, 4, 2)]),
    "tensordot-outer": (lambda lib, a, b: lib.tensordot(a, b, dims=0), [(2, 3), (4,)]),
    "tensordot-negative": (lambda lib, a, b: lib.tensordot(a, b, dims=([-1], [-2])), [(2, 3), (3, 4)]),
    "kron": (lambda lib, a, b: (lib.kron(a, b), a.kron(b)), [(2, 3), (4,)]),
    "kron-3d": (lambda lib, a, b: lib.kron(a, b), [(2, 1, 3), (2, 2)]),
    "trace": (lambda lib, a: (lib.trace(a), a.trace()), [(3, 4)]),
    "multi_dot": (lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]), [(2, 5), (5, 1), (1, 4)]),
    "multi_dot-vectors": (lambda lib, a, b, c, d: lib.linalg.multi_dot([a, b, c, d]), [(3,), (3, 6), (6, 2), (2,)]),
    "multi_dot-row": (lambda lib, a, b: lib.linalg.multi_dot((a, b)), [(3,), (3, 2)]),
    "vecdot": (lambda lib, a, b: lib.linalg.vecdot(a, b, dim=-2), [(2, 3, 1), (3, 4)]),
    "cross": (lambda lib, a, b: (lib.cross(a, b, dim=1), a.cross(b, dim=1), lib.linalg.cross(a, b, dim=-2)),
              [(2, 3, 4), (1, 3, 4)]),
    "linalg.cross": (lambda lib, a, b: lib.linalg.cross(a, b), [(2, 1, 3), (1, 4, 3)]),
    "adjoint": (lambda lib, a: (lib.adjoint(a), a.adjoint(), a.mH), [(2, 3, 4)]),
    "H": (lambda lib, a: a.H, [(2, 3)]),
    "cdist": (lambda lib, a, b: (lib.cdist(a, b), lib.cdist(a, b, p=1), lib.cdist(a, b, p=3),
                                 lib.cdist(a, b, p=float("inf"))), [(2, 4, 3), (5, 3)]),
    "cdist-by-product": (lambda lib, a, b: lib.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), [(4, 3), (1, 5, 3)]),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", PRODUCTS)
def test_products(device, name):
    fn, shapes = PRODUCTS[name]
    check_op(fn, *[rand(*shape, seed=i) for i, shape in enumerate(shapes)], device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cdist_of_many_points_uses_the_matrix_product_and_agrees(device):
    """More than 25 rows: PyTorch's √(‖a‖² + ‖b‖² - 2a·b), which ember follows (and its exact twin agrees)."""
    a, b = rand(30, 3, seed=1), rand(2, 20, 3, seed=2, low=3, high=5)
    check_op(lambda lib, a, b: lib.cdist(a, b), a, b, device=device)
    check_op(lambda lib, a, b: lib.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist"), a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes=broadcastable_shapes(2, min_dims=1, max_dims=3, max_side=3), seed=seeds)
def test_kron_of_any_shapes(device, shapes, seed):
    check_op(lambda lib, a, b: lib.kron(a, b), rand(*shapes[0], seed=seed), rand(*shapes[1], seed=seed + 1),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(free_a=shapes(0, 2, max_side=3), free_b=shapes(0, 2, max_side=3), common=shapes(0, 2, max_side=3), seed=seeds)
def test_tensordot_over_any_number_of_dims(device, free_a, free_b, common, seed):
    a, b = rand(*free_a, *common, seed=seed), rand(*common, *free_b, seed=seed + 1)
    check_op(lambda lib, a, b: lib.tensordot(a, b, dims=len(common)), a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_products_of_integers(device):
    i, j = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4)
    v = np.arange(3)
    check_parity(lambda lib, i, j, v: (lib.mm(i, j), lib.mv(i, v), lib.dot(v, v), lib.outer(v, v), lib.trace(j),
                                       lib.kron(i, v), lib.tensordot(i, j, 1), lib.addmm(i[:, :1], i, j, beta=2),
                                       lib.cross(v, v, dim=0), lib.inner(i, i)), i, j, v, device=device,
                 backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_a_zero_beta_does_not_read_the_input(device):
    c = Constant(np.full((2, 4), np.nan))
    check_op(lambda lib, c, a, b: lib.addmm(c, a, b, beta=0), c, rand(2, 3), rand(3, 4, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape, change, others", [
    ((2, 4), lambda lib, x, a, b: x.addmm_(a, b, beta=0.5), [(2, 3), (3, 4)]),
    ((2, 4), lambda lib, x, a, b: x.addbmm_(a, b, alpha=2), [(5, 2, 3), (5, 3, 4)]),
    ((5, 2, 4), lambda lib, x, a, b: x.baddbmm_(a, b), [(5, 2, 3), (5, 3, 4)]),
    ((2, 3), lambda lib, x, a, b: x.addr_(a, b), [(2,), (3,)]),
    ((2,), lambda lib, x, a, b: lib.addmv_(x, a, b), [(2, 3), (3,)]),
    ((2,), lambda lib, x, a, b: x.addmv_(a, b, alpha=2), [(2, 3), (3,)]),
], ids=["addmm_", "addbmm_", "baddbmm_", "addr_", "torch.addmv_", "addmv_"])
def test_scaled_products_in_place(device, shape, change, others):
    check_in_place(change, rand(*shape), *[rand(*s, seed=i + 1) for i, s in enumerate(others)], device=device)


def test_chain_matmul_warns_that_it_is_deprecated():
    a, b = rand(2, 3), rand(3, 4, seed=1)
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        check_op(lambda lib, a, b: lib.chain_matmul(a, b), a, b, gradcheck=False, float32=False)


def test_cross_without_dim_warns_and_takes_the_first_dimension_of_size_3():
    a, b = rand(4, 3, 3), rand(4, 3, 3, seed=1)
    with pytest.warns(UserWarning, match="cross without dim is deprecated"):
        check_op(lambda lib, a, b: lib.cross(a, b), a, b, gradcheck=False, float32=False)


def test_multi_dot_chooses_the_cheapest_order():
    """(10×1000)(1000×10)(10×1000): left to right costs 2·10⁵ multiplications, the other order 2·10⁷."""
    from ember.ops.linalg import _cheapest_order
    assert _cheapest_order([10, 1000, 10, 1000])[0][2] == 1  # split after the second matrix: (A B) C
    assert _cheapest_order([1000, 10, 1000, 10])[0][2] == 0  # A (B C)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ember.mm(ember.ones(2, 3), ember.ones(4, 4)), RuntimeError, "mm: shapes (2, 3) and (4, 4) cannot be"),
    (lambda: ember.mm(ember.ones(2, 3), ember.ones(3)), RuntimeError, "mm: expected mat2 to have 2 dimensions"),
    (lambda: ember.mm(ember.ones(2, 3), ember.ones(3, 1, dtype=ember.float64)), RuntimeError,
     "mm: expected tensors of one dtype, got float32 and float64"),
    (lambda: ember.bmm(ember.ones(2, 3, 4), ember.ones(3, 4, 5)), RuntimeError, "bmm: shapes (2, 3, 4) and (3, 4, 5)"),
    (lambda: ember.mv(ember.ones(2, 3), ember.ones(4)), RuntimeError, "mv: shapes (2, 3) and (4,) cannot be"),
    (lambda: ember.dot(ember.ones(3), ember.ones(4)), RuntimeError, "dot: shapes (3,) and (4,) cannot be multiplied"),
    (lambda: ember.dot(ember.ones(2, 2), ember.ones(2, 2)), RuntimeError, "dot: expected input to have 1 dimension"),
    (lambda: ember.outer(ember.ones(2, 2), ember.ones(2)), RuntimeError, "outer: expected input to have 1 dimension"),
    (lambda: ember.inner(ember.ones(2, 3), ember.ones(5, 4)), RuntimeError, "inner: the last dimensions must match"),
    (lambda: ember.addmm(ember.ones(3, 4), ember.ones(2, 3), ember.ones(3, 4)), RuntimeError,
     "addmm: input of shape (3, 4) does not broadcast to the product's shape (2, 4)"),
    (lambda: ember.addbmm(ember.ones(3, 5), ember.ones(2, 3, 4), ember.ones(3, 4, 5)), RuntimeError,
     "addbmm: shapes (2, 3, 4) and (3, 4, 5) cannot be multiplied"),
    (lambda: ember.tensordot(ember.ones(3, 4), ember.ones(5, 6), dims=1), RuntimeError,
     "tensordot: contracted dimensions must match, got size 4 (dim 1) and 5 (dim 0)"),
    (lambda: ember.tensordot(ember.ones(3, 4), ember.ones(4, 6), dims=-1), RuntimeError,
     "tensordot: expected dims >= 0, got -1"),
    (lambda: ember.tensordot(ember.ones(3, 4), ember.ones(4, 6), dims=3), RuntimeError,
     "tensordot: dims 3 is more than the dimensions"),
    (lambda: ember.tensordot(ember.ones(3, 4), ember.ones(4, 6), dims=([1], [0, 1])), RuntimeError,
     "tensordot: expected two lists of dimensions of one length"),
    (lambda: ember.trace(ember.ones(3)), RuntimeError, "trace: expected input to have 2 dimensions, got shape (3,)"),
    (lambda: ember.trace(ember.ones(2, 2, dtype=ember.bool)), RuntimeError, "trace: expected numbers, got a bool"),
    (lambda: ember.mm(*[ember.ones(2, 2, dtype=ember.bool)] * 2), RuntimeError, "mm: expected numbers, got bool"),
    (lambda: ember.einsum("ij,jk", *[ember.ones(2, 2, dtype=ember.bool)] * 2), RuntimeError,
     "einsum(): expected numbers, got bool operands"),
    (lambda: ember.linalg.multi_dot([ember.ones(3, 4)]), RuntimeError, "linalg.multi_dot: expected at least 2 tensors"),
    (lambda: ember.linalg.multi_dot([ember.ones(2, 3, 4), ember.ones(4, 4)]), RuntimeError,
     "linalg.multi_dot: tensor 0 must be 2-D (or 1-D), got shape (2, 3, 4)"),
    (lambda: ember.linalg.multi_dot([ember.ones(3, 4), ember.ones(3, 4)]), RuntimeError,
     "linalg.multi_dot: tensors 0 and 1 of shapes (3, 4) and (3, 4) cannot be multiplied"),
    (lambda: ember.linalg.vecdot(ember.arange(3), ember.arange(3)), RuntimeError,
     "linalg.vecdot: expected floating point tensors, got int64"),
    (lambda: ember.linalg.cross(ember.ones(3, 4), ember.ones(3, 4)), RuntimeError,
     "linalg.cross: dimension -1 must have size 3"),
    (lambda: ember.linalg.cross(ember.ones(3, 3), ember.ones(2, 1, 3)), RuntimeError,
     "linalg.cross: expected tensors of as many dimensions"),
    (lambda: ember.cross(ember.ones(4, 4), ember.ones(4, 4)), RuntimeError, "cross: no dimension of size 3"),
    (lambda: ember.cdist(ember.ones(5, 3), ember.ones(4, 2)), RuntimeError,
     "cdist: x1 and x2 must have as many columns, got 3 and 2"),
    (lambda: ember.cdist(ember.ones(3), ember.ones(4, 3)), RuntimeError,
     "cdist: expected x1 to be a floating point tensor of at least 2 dimensions"),
    (lambda: ember.cdist(ember.ones(5, 3), ember.ones(4, 3), p=-1), RuntimeError, "cdist: p must be non-negative"),
    (lambda: ember.cdist(ember.ones(5, 3), ember.ones(4, 3), compute_mode="x"), ValueError,
     "cdist: 'x' is not a compute_mode"),
    (lambda: ember.adjoint(ember.ones(3)), RuntimeError, "adjoint: expected matrices or batches of matrices"),
    (lambda: ember.ones(2, 3, 4).H, RuntimeError, "tensor.H: expected a matrix (2-D tensor), got shape (2, 3, 4)"),
    (lambda: ember.mm(ember.ones(2, 2), ember.ones(2, 2), out=ember.ones(2, 2)), TypeError,
     "mm: ember has no out= arguments"),
])
def test_product_errors(call, error, message):
    with raises(error, message):
        call()


@pytest.mark.parametrize("make", [
    lambda lib: lib.mm(lib.ones(2, 3), lib.ones(4, 4)),
    lambda lib: lib.bmm(lib.ones(2, 3, 4), lib.ones(2, 5, 5)),
    lambda lib: lib.dot(lib.ones(3), lib.ones(3, dtype=lib.float64)),
    lambda lib: lib.linalg.cross(lib.ones(3, 4), lib.ones(3, 4)),
    lambda lib: lib.trace(lib.ones(2, 3, 3)),
])
def test_product_errors_are_pytorchs_kind(make):
    check_both_raise(make)
