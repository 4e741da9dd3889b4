"""Linear systems, inverses, determinants and functions of matrices (ops/solvers.py), against PyTorch's,
with their gradients."""

import numpy as np
import pytest

import ember
import torch
from helpers import DEVICES, Constant, check_both_raise, check_op, check_parity, rand, raises


def invertible(*shape, seed=0):
    """Random square matrices, kept well away from singular by a multiple of the identity."""
    return rand(*shape, seed=seed) + 3 * np.eye(shape[-1])


def lower_factor(n, batch=(), seed=0):
    """A Cholesky factor: lower triangular with a positive diagonal."""
    return np.tril(rand(*batch, n, n, seed=seed)) + 3 * np.eye(n)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("a_shape, b_shape", [((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3)),
                                              ((2, 1, 3, 3), (4, 3, 2)), ((3, 3), (2, 3, 1))])
def test_solve(device, a_shape, b_shape):
    check_op(lambda lib, a, b: lib.linalg.solve(a, b), invertible(*a_shape), rand(*b_shape, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_solve_on_the_right_and_solve_ex(device):
    a, b = invertible(2, 3, 3), rand(4, 3, seed=1)
    check_op(lambda lib, a, b: (lib.linalg.solve(a, b, left=False), *lib.linalg.solve_ex(a, b.mT)), a, b,
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("unitriangular", [True, False])
@pytest.mark.parametrize("left", [True, False])
def test_solve_triangular(device, upper, unitriangular, left):
    a, b = invertible(2, 4, 4), rand(2, 4, 4, seed=1)
    check_op(lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular),
             a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_solve_triangular_of_many_rows_goes_by_blocks(device):
    """More rows than one block of the substitution (64): the blocks' products and the rows within them."""
    a, b = invertible(70, 70) / 3, rand(70, 2, seed=1)
    check_parity(lambda lib, a, b: (lib.linalg.solve_triangular(a, b, upper=True),
                                    lib.linalg.solve_triangular(a, b, upper=False)), a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("transpose", [True, False])
def test_triangular_solve(device, transpose):
    check_op(lambda lib, b, a: (*lib.triangular_solve(b, a, transpose=transpose),
                                *b.triangular_solve(a, upper=False, unitriangular=True)),
             rand(2, 3, 2), invertible(3, 3, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("upper", [True, False])
def test_cholesky_solve_and_inverse(device, upper):
    factor = lower_factor(3, (2,), seed=1)
    factor = np.swapaxes(factor, -1, -2) if upper else factor
    check_op(lambda lib, b, f: (lib.cholesky_solve(b, f, upper), b.cholesky_solve(f, upper=upper),
                                lib.cholesky_inverse(f, upper), f.cholesky_inverse(upper)),
             rand(2, 3, 2), factor, device=device, gradcheck=False)
    check_op(lambda lib, b, f: (lib.cholesky_solve(b, f.tril()), lib.cholesky_inverse(f.tril())),
             rand(2, 3, 2), lower_factor(3, (2,), seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve(device, left, adjoint):
    def solved(lib, a, b):
        lu, pivots = lib.linalg.lu_factor(a)
        return lib.linalg.lu_solve(lu, pivots, b, left=left, adjoint=adjoint)
    check_op(solved, rand(2, 3, 3, seed=2), rand(2, 3, 3, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_torch_lu_solve(device):
    def solved(lib, a, b):
        lu, pivots = lib.linalg.lu_factor(a)
        return lib.lu_solve(b, lu, pivots), b.lu_solve(lu, pivots)
    check_op(solved, rand(3, 3, seed=2), rand(3, 2, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch", [(), (2,), (2, 1)])
def test_inverses_and_determinants(device, batch):
    check_op(lambda lib, a: (lib.linalg.inv(a), lib.inverse(a), a.inverse(), *lib.linalg.inv_ex(a), lib.linalg.det(a),
                             lib.det(a), a.det(), *lib.linalg.slogdet(a), *lib.slogdet(a), lib.logdet(a), a.logdet()),
             invertible(*batch, 3, 3), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_the_determinant_of_a_singular_matrix_has_a_gradient(device):
    """det's gradient is the matrix of cofactors, which a matrix of rank n - 1 has (it has no inverse)."""
    singular = rand(3, 3)
    singular[2] = singular[0] + singular[1]
    check_op(lambda lib, a: lib.linalg.det(a), np.stack([singular, invertible(3, 3)]), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_logdet_of_negative_and_zero_determinants(device):
    check_parity(lambda lib, a: (lib.logdet(a), *lib.linalg.slogdet(a)),
                 np.stack([np.diag([1.0, -2.0]), np.zeros((2, 2)), np.diag([2.0, 3.0])]), device=device,
                 backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_inv_ex_and_solve_ex_report_singular_matrices(device):
    singular = np.diag([1.0, 0.0, 2.0])
    matrices = np.stack([invertible(3, 3), singular])
    check_parity(lambda lib, a: (lib.linalg.inv_ex(a).info, lib.linalg.solve_ex(a, a).info), matrices,
                 device=device, backward=False)
    inverse = ember.linalg.inv_ex(ember.tensor(matrices, device=device)).inverse
    np.testing.assert_allclose(inverse[0].tolist(), np.linalg.inv(matrices[0]))
    assert np.isnan(inverse[1].tolist()).all()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 3)])
def test_pseudo_inverse(device, shape):
    check_op(lambda lib, a: (lib.linalg.pinv(a), lib.pinverse(a), a.pinverse(rcond=1e-10)), rand(*shape),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_pseudo_inverse_tolerances(device):
    """Singular values below max(atol, rtol·σ_max) count as zero: the numbers cut are chosen by each."""
    a = rand(2, 4, 3)
    s = np.linalg.svd(a, compute_uv=False)
    atol, rtol = float(s[:, 1].mean()), float((s[:, 2] / s[:, 0]).mean())
    check_parity(lambda lib, a: (lib.linalg.pinv(a, atol=atol), lib.linalg.pinv(a, rtol=rtol),
                                 lib.linalg.pinv(a, atol=atol, rtol=rtol), lib.linalg.pinv(a, atol=0.0),
                                 lib.linalg.matrix_rank(a, atol=atol), lib.linalg.matrix_rank(a, rtol=rtol),
                                 lib.linalg.matrix_rank(a, atol)), a, device=device)
    check_parity(lambda lib, a, t: (lib.linalg.pinv(a, atol=t), lib.linalg.matrix_rank(a, atol=t)), a,
                 Constant(s[:, 1] * [1.01, 0.99]), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_pseudo_inverse_and_rank_of_symmetric_matrices(device):
    a = rand(3, 3)
    symmetric = a + a.T
    check_parity(lambda lib, a: (lib.linalg.pinv(a, hermitian=True), lib.linalg.matrix_rank(a, hermitian=True)),
                 symmetric, device=device)
    check_op(lambda lib, a: lib.linalg.pinv(a + a.mT, hermitian=True), a, device=device, float32=False)


@pytest.mark.parametrize("device", DEVICES)
def test_matrix_rank(device):
    deficient = rand(2, 4, 2) @ rand(2, 2, 3, seed=1)
    check_parity(lambda lib, a: (lib.linalg.matrix_rank(a), lib.linalg.matrix_rank(a.mT)), deficient,
                 device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("a_shape, b_shape", [((5, 3), (5, 2)), ((2, 5, 3), (2, 5, 1)), ((5, 3), (5,)),
                                              ((3, 3), (3, 2))])
def test_lstsq(device, driver, a_shape, b_shape):
    def solved(lib, a, b):
        solution, residuals, rank, _ = lib.linalg.lstsq(a, b, driver=driver)
        return solution, residuals, rank
    check_op(solved, rand(*a_shape), rand(*b_shape, seed=1), device=device)
    check_parity(lambda lib, a, b: lib.linalg.lstsq(a, b, driver=driver).singular_values, rand(*a_shape),
                 rand(*b_shape, seed=1), device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_lstsq_of_a_rank_deficient_or_wide_matrix(device):
    deficient = rand(5, 2) @ rand(2, 3, seed=1)
    check_parity(lambda lib, a, b: tuple(lib.linalg.lstsq(a, b, driver="gelsd")), deficient, rand(5, 2, seed=2),
                 device=device)
    check_op(lambda lib, a, b: lib.linalg.lstsq(a, b, driver="gelsd").solution, rand(3, 5), rand(3, 2, seed=2),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("scale", [0.1, 1.0, 8.0])
def test_matrix_exp(device, scale):
    check_op(lambda lib, a: (lib.linalg.matrix_exp(a), lib.matrix_exp(a), a.matrix_exp()), scale * rand(2, 3, 3),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [0, 1, 2, 5, -1, -3])
def test_matrix_power(device, n):
    check_op(lambda lib, a: (lib.linalg.matrix_power(a, n), lib.matrix_power(a, n), a.matrix_power(n)),
             invertible(2, 3, 3) / 3, device=device, gradcheck=n != 0)  # A⁰ = I is outside the graph


@pytest.mark.parametrize("device", DEVICES)
def test_matrix_power_of_integers(device):
    check_parity(lambda lib, a: (lib.linalg.matrix_power(a, 3), lib.linalg.matrix_power(a, 0)),
                 np.arange(4).reshape(2, 2), device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_tensorinv_and_tensorsolve(device):
    a = invertible(6, 6).reshape(2, 3, 6)
    check_op(lambda lib, a: lib.linalg.tensorinv(a, ind=2), a, device=device)
    a = invertible(6, 6).reshape(6, 2, 3)
    check_op(lambda lib, a, b: (lib.linalg.tensorsolve(a, b), lib.linalg.tensorsolve(a.permute(1, 0, 2), b, dims=(0,))),
             a, rand(6, seed=1), device=device)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ember.cholesky_inverse(ember.tensor([[1.0, 0], [1, 0]])), ember.linalg.LinAlgError,
     "cholesky_inverse: a zero on the diagonal of the factor: the matrix is singular"),
    (lambda: ember.linalg.matrix_power(ember.ones(2, 2, dtype=ember.bool), 2), RuntimeError,
     "linalg.matrix_power: expected numbers, got bool matrices"),
    (lambda: ember.linalg.inv(ember.tensor([[1.0, 0, 0], [0, 1, 0], [0, 0, 0]])), ember.linalg.LinAlgError,
     "linalg.inv: the matrix is singular: U[3,3] of its LU factorization is zero"),
    (lambda: ember.linalg.inv(ember.stack([ember.eye(2), ember.zeros(2, 2)])), ember.linalg.LinAlgError,
     "linalg.inv: (batch element 1) the matrix is singular: U[1,1]"),
    (lambda: ember.linalg.solve(ember.zeros(2, 2), ember.ones(2)), ember.linalg.LinAlgError,
     "linalg.solve: the matrix is singular"),
    (lambda: ember.linalg.inv_ex(ember.zeros(2, 2), check_errors=True), ember.linalg.LinAlgError,
     "linalg.inv_ex: the matrix is singular"),
    (lambda: ember.linalg.solve_ex(ember.zeros(2, 2), ember.ones(2), check_errors=True), ember.linalg.LinAlgError,
     "linalg.solve_ex: the matrix is singular"),
    (lambda: ember.linalg.matrix_power(ember.zeros(2, 2), -1), ember.linalg.LinAlgError, "linalg.inv: the matrix is"),
    (lambda: ember.linalg.det(ember.ones(2, 3)), RuntimeError, "linalg.det: expected square matrices, got 2 by 3"),
    (lambda: ember.linalg.det(ember.ones(3)), RuntimeError, "linalg.det: expected a tensor of at least 2 dimensions"),
    (lambda: ember.linalg.inv(ember.ones(2, 2, dtype=ember.int64)), RuntimeError,
     "linalg.inv: expected a float32 or float64 tensor, got int64"),
    (lambda: ember.linalg.solve(ember.eye(3), ember.ones(4, 2)), RuntimeError,
     "linalg.solve: A of shape (3, 3) and B of shape (4, 2) do not fit A X = B"),
    (lambda: ember.linalg.solve(ember.eye(3), ember.ones(3, 2, dtype=ember.float64)), RuntimeError,
     "linalg.solve: expected A and B of one dtype, got float32 and float64"),
    (lambda: ember.linalg.solve_triangular(ember.eye(3), ember.ones(3), upper=True), RuntimeError,
     "linalg.solve_triangular: expected B of at least 2 dimensions, got shape (3,)"),
    (lambda: ember.linalg.lu_solve(*ember.linalg.lu_factor(ember.eye(3)), ember.ones(3)), RuntimeError,
     "linalg.lu_solve: expected B of at least 2 dimensions"),
    (lambda: ember.linalg.lstsq(ember.ones(5, 3), ember.ones(5, 2), driver="foo"), RuntimeError,
     "linalg.lstsq: driver must be one of gels, gelsy, gelsd, gelss, got 'foo'"),
    (lambda: ember.linalg.lstsq(ember.ones(5, 3), ember.ones(4, 2)), RuntimeError,
     "linalg.lstsq: B of shape (4, 2) must have as many rows as A of shape (5, 3)"),
    (lambda: ember.linalg.matrix_power(ember.ones(2, 3), 2), RuntimeError,
     "linalg.matrix_power: expected square matrices, got shape (2, 3)"),
    (lambda: ember.linalg.matrix_exp(ember.ones(2, 2, dtype=ember.int64)), RuntimeError,
     "linalg.matrix_exp: expected a float32 or float64 tensor"),
    (lambda: ember.linalg.tensorinv(ember.ones(4, 4), ind=0), RuntimeError,
     "linalg.tensorinv: ind must be a positive integer, got 0"),
    (lambda: ember.linalg.tensorinv(ember.ones(4, 6, 8, 2)), RuntimeError,
     "linalg.tensorinv: the first 2 dimensions of A (size 24) and the others (size 16) must hold as many elements"),
    (lambda: ember.linalg.tensorsolve(ember.ones(6, 4, 2, 3, 5), ember.ones(6, 4)), RuntimeError,
     "linalg.tensorsolve: A of shape (6, 4, 2, 3, 5) does not map tensors of shape (2, 3, 5)"),
    (lambda: ember.linalg.pinv(ember.ones(2, 3), hermitian=True), RuntimeError, "linalg.pinv: expected square"),
])
def test_solver_errors(call, error, message):
    with raises(error, message):
        call()


@pytest.mark.parametrize("make", [
    lambda lib: lib.linalg.inv(lib.zeros(2, 2)),
    lambda lib: lib.linalg.solve(lib.zeros(2, 2), lib.ones(2)),
    lambda lib: lib.linalg.det(lib.ones(2, 3)),
    lambda lib: lib.linalg.solve(lib.eye(3), lib.ones(4, 2)),
    lambda lib: lib.linalg.lstsq(lib.ones(5, 3), lib.ones(5, 2), driver="foo"),
])
def test_solver_errors_are_pytorchs_kind(make):
    check_both_raise(make)


@pytest.mark.parametrize("call, name", [
    (lambda a: ember.cholesky(a), "cholesky"), (lambda a: ember.qr(a), "qr"), (lambda a: ember.lu(a), "lu"),
    (lambda a: a.lu(), "lu"), (lambda a: ember.lu_solve(a, *ember.linalg.lu_factor(a)), "lu_solve"),
    (lambda a: ember.triangular_solve(a, a), "triangular_solve"), (lambda a: ember.chain_matmul(a, a), "chain_matmul"),
    (lambda a: ember.frobenius_norm(a, (0, 1)), "frobenius_norm"), (lambda a: ember.nuclear_norm(a), "nuclear_norm"),
])
def test_deprecated_names_warn_as_in_pytorch(call, name):
    with pytest.warns(UserWarning, match=f"{name} is deprecated"):
        call(ember.eye(2))
