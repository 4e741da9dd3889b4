"""The matrix factorizations (ops/decompositions.py): Cholesky, QR, SVD, eigh, LU and Householder products,
against PyTorch's, with their gradients. Tests of U, V and eigenvectors use what does not depend on their
signs (which LAPACKs choose differently): squares of their entries and products such as U Vᵀ."""

import numpy as np
import pytest

import ember
import torch
from helpers import DEVICES, Constant, check_both_raise, check_op, check_parity, rand, raises

BATCHES = [(), (2,), (2, 1)]


def spd(n, batch=(), seed=0):
    """A symmetric positive-definite matrix (a batch of them) whose eigenvalues lie apart."""
    a = rand(*batch, n, n, seed=seed)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch", BATCHES)
def test_cholesky(device, batch):
    shift = Constant(3 * np.eye(3))
    check_op(lambda lib, a, shift: (lib.linalg.cholesky(a @ a.mT + shift), lib.linalg.cholesky(a @ a.mT + shift,
                                                                                                 upper=True),
                                    lib.cholesky(a @ a.mT + shift, True), (a @ a.mT + shift).cholesky()),
             rand(*batch, 3, 3), shift, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cholesky_of_a_positive_definite_matrix_itself(device):
    """The gradient is symmetric, for the symmetric matrices the factorization is defined on (as PyTorch's)."""
    check_parity(lambda lib, a: lib.linalg.cholesky(a), spd(4, (2,)), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cholesky_ex_reports_the_first_leading_minor_that_is_not_positive_definite(device):
    matrices = np.stack([spd(3), np.diag([1.0, -2.0, 1.0]), np.diag([1.0, 2.0, -1.0])])
    check_parity(lambda lib, a: lib.linalg.cholesky_ex(a).info, matrices, device=device, backward=False)
    factors = ember.linalg.cholesky_ex(ember.tensor(matrices, device=device))
    assert factors.info.dtype == ember.int32
    np.testing.assert_allclose(factors.L[0].tolist(), np.linalg.cholesky(matrices[0]))
    assert np.isnan(factors.L[1:].tolist()).all()
    check_op(lambda lib, a: lib.linalg.cholesky_ex(a, upper=True).L, spd(3, (2,)), device=device, gradcheck=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 2), (2, 2, 3)])
def test_qr(device, shape):
    check_op(lambda lib, a: (*lib.linalg.qr(a), *lib.qr(a), *a.qr()), rand(*shape), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_qr_modes(device):
    check_op(lambda lib, a: (*lib.linalg.qr(a, mode="complete"), *lib.qr(a, some=False)), rand(2, 5), device=device)
    check_parity(lambda lib, a: (lib.linalg.qr(a, mode="complete"), lib.linalg.qr(a, mode="r")), rand(5, 2),
                 device=device, backward=False)


def _invariant(u, s, vh):
    """What of an SVD does not depend on the signs of the singular vectors."""
    return s, u * u, vh * vh, u @ vh


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 5), (2, 4, 3)])
def test_svd(device, shape):
    check_op(lambda lib, a: (*_invariant(*lib.linalg.svd(a, full_matrices=False)), lib.linalg.svdvals(a)),
             rand(*shape), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_svd_with_full_matrices_gives_no_gradient_to_their_extra_columns(device):
    check_op(lambda lib, a: (lambda u, s, vh: (s, u[..., :2] ** 2, vh ** 2))(*lib.linalg.svd(a)), rand(2, 4, 2),
             device=device)
    # The extra columns span the rest of the space, in no particular basis: their projection is determined.
    check_parity(lambda lib, a: (lambda u, s, vh: (u[:, 2:] @ u[:, 2:].mT, vh * vh))(*lib.linalg.svd(a)), rand(4, 2),
                 device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_torch_svd_gives_v_not_its_transpose(device):
    def invariant(lib, a):
        u, s, v = lib.svd(a)
        full = a.svd(some=False)
        no_uv = lib.svd(a, compute_uv=False)
        return (*_invariant(u, s, v.mT), full.U[:, 3:] @ full.U[:, 3:].mT, full.V * full.V, no_uv.S, no_uv.U, no_uv.V)
    check_op(invariant, rand(4, 3), device=device, gradcheck=False)
    check_op(lambda lib, a: _invariant(*(lambda u, s, v: (u, s, v.mT))(*lib.svd(a))), rand(2, 4, 3), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_singular_values_alone_have_a_gradient_where_they_repeat(device):
    check_parity(lambda lib, a: (lib.linalg.svdvals(a), lib.linalg.svd(a).S, lib.linalg.eigvalsh(a),
                                 lib.linalg.eigh(a).eigenvalues), np.eye(3), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch", BATCHES)
def test_eigh(device, batch):
    check_op(lambda lib, a: (lambda w, v: (w, v * v, lib.linalg.eigvalsh(a + a.mT)))(*lib.linalg.eigh(a + a.mT)),
             rand(*batch, 3, 3), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_reads_one_triangle_and_gives_a_symmetric_gradient(device, uplo):
    check_parity(lambda lib, a: (lambda w, v: (w, v * v))(*lib.linalg.eigh(a, UPLO=uplo)), rand(2, 4, 4),
                 device=device)
    check_parity(lambda lib, a: lib.linalg.eigvalsh(a, uplo), rand(4, 4), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 4, 4), (2, 1, 3, 2)])
def test_lu(device, shape):
    a = rand(*shape, seed=3)
    check_op(lambda lib, a: (*lib.linalg.lu_factor(a), *lib.linalg.lu(a), *lib.linalg.lu_factor_ex(a), *lib.lu(a),
                             *a.lu(get_infos=True)), a, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_lu_unpack(device):
    def unpacked(lib, a):
        lu, pivots = lib.linalg.lu_factor(a)
        return (*lib.lu_unpack(lu, pivots), *lib.lu_unpack(lu, pivots, unpack_data=False),
                *lib.lu_unpack(lu, pivots, unpack_pivots=False))
    check_op(unpacked, rand(2, 4, 3, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_lu_without_pivoting_where_pivoting_would_swap_nothing(device):
    """PyTorch factors without pivoting on CUDA only; on a matrix whose largest entries are on the diagonal
    partial pivoting swaps no rows, so PyTorch's pivoted factorization is the one to match."""
    a = rand(2, 4, 4, seed=2) + 8 * np.eye(4)
    ours = ember.linalg.lu_factor(ember.tensor(a, device=device), pivot=False)
    check_op(lambda lib, a: lib.linalg.lu_factor(a, pivot=lib is torch).LU, a, device=device)
    assert ours.pivots.tolist() == [[1, 2, 3, 4]] * 2


@pytest.mark.parametrize("device", DEVICES)
def test_lu_factor_ex_reports_a_zero_pivot(device):
    singular = np.array([[1.0, 0, 0], [0, 0, 1], [0, 0, 0]])
    check_parity(lambda lib, a: lib.linalg.lu_factor_ex(a), np.stack([np.eye(3), singular]), device=device,
                 backward=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape, k", [((5, 3), 2), ((4, 4), 4), ((2, 5, 3), 3)])
def test_householder_product(device, shape, k):
    check_op(lambda lib, a, tau: (lib.linalg.householder_product(a, tau), lib.orgqr(a, tau), a.orgqr(tau)),
             rand(*shape), rand(*shape[:-2], k, seed=1), device=device)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ember.linalg.cholesky(-ember.eye(3)), ember.linalg.LinAlgError,
     "linalg.cholesky: the matrix is not positive-definite: its leading minor of order 1 is not positive-definite"),
    (lambda: ember.linalg.cholesky(ember.stack([ember.eye(3), ember.diag(ember.tensor([1.0, 2, -1]))])),
     ember.linalg.LinAlgError, "linalg.cholesky: (batch element 1) the matrix is not positive-definite: its "
                               "leading minor of order 3"),
    (lambda: ember.linalg.cholesky_ex(-ember.eye(3), check_errors=True), ember.linalg.LinAlgError,
     "linalg.cholesky_ex: the matrix is not positive-definite"),
    (lambda: ember.linalg.cholesky(ember.ones(2, 3)), RuntimeError,
     "linalg.cholesky: expected square matrices, got 2 by 3 matrices"),
    (lambda: ember.linalg.cholesky(ember.ones(3)), RuntimeError,
     "linalg.cholesky: expected a tensor of at least 2 dimensions (matrices), got shape (3,)"),
    (lambda: ember.linalg.qr(ember.ones(3, 3, dtype=ember.int64)), RuntimeError,
     "linalg.qr: expected a float32 or float64 tensor, got int64"),
    (lambda: ember.linalg.qr(ember.ones(3, 3), mode="raw"), RuntimeError, "linalg.qr: mode must be 'reduced'"),
    (lambda: ember.linalg.eigh(ember.ones(3, 3), UPLO="X"), RuntimeError,
     "linalg.eigh: expected UPLO to be 'L' or 'U', got 'X'"),
    (lambda: ember.linalg.eigvalsh(ember.ones(3, 4)), RuntimeError, "linalg.eigvalsh: expected square matrices"),
    (lambda: ember.linalg.svd(ember.ones(3, 4), driver="gesvd"), RuntimeError,
     "linalg.svd: driver= chooses a cuSOLVER routine"),
    (lambda: ember.linalg.lu_factor(ember.tensor([[1.0, 0], [0, 0]])), RuntimeError,
     "linalg.lu_factor: U[2,2] is zero, and lu_solve would divide by it"),
    (lambda: ember.linalg.lu_factor_ex(ember.zeros(2, 2, 2), check_errors=True), ember.linalg.LinAlgError,
     "linalg.lu_factor_ex: (batch element 0) U[1,1] is zero"),
    (lambda: ember.lu_unpack(ember.ones(3, 3), ember.ones(3)), RuntimeError,
     "lu_unpack: expected int32 pivots of shape (3,), got float32 pivots of shape (3,)"),
    (lambda: ember.linalg.householder_product(ember.ones(3, 5), ember.ones(2)), RuntimeError,
     "linalg.householder_product: A must have at least as many rows as columns"),
    (lambda: ember.linalg.householder_product(ember.ones(5, 3), ember.ones(4)), RuntimeError,
     "linalg.householder_product: expected tau of shape () + (k,) with k <= 3, got (4,)"),
])
def test_factorization_errors(call, error, message):
    with raises(error, message):
        call()


def test_linalg_error_is_a_runtime_error_as_in_pytorch():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    check_both_raise(lambda lib: lib.linalg.cholesky(-lib.eye(2)), RuntimeError)


@pytest.mark.parametrize("device", DEVICES)
def test_qr_complete_of_a_tall_matrix_has_no_derivative(device):
    a = ember.tensor(rand(4, 2), device=device, requires_grad=True)
    q, r = ember.linalg.qr(a, mode="complete")
    with raises(RuntimeError, "linalg.qr: mode='complete' has no derivative when A has more rows than columns"):
        (q.sum() + r.sum()).backward()
