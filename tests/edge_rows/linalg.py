"""The rows of linear algebra: products (mm, bmm, addmm, einsum, ...), decompositions and solvers (cholesky,
lu, qr, svd, ...), determinants and inverses, and the matrix helpers (diag, tril, trace, ...).

A decomposition is compared where it is unique, in both frameworks alike: lu by P·L·U, qr by Q·R and |diag R|,
svd by its singular values and U·diag(S)·Vh (the signs and order of the factors are LAPACK's choice)."""

import numpy as np
import torch

from differential import (EDGES, FLOATS, Op, either, function, huge_float32, inexact_float64, overflow_beside_inf,
                          tiny_float32_input)
from helpers import TOLERANCE


def spd(lib, a):
    """a·aᵀ + I: a symmetric positive-definite matrix (batch) made from a square one."""
    return a @ a.mT + lib.eye(a.shape[-1], dtype=a.dtype)


def lu_product(lib, P, L, U):
    """P·L·U, the matrix an LU factorization reconstructs (unique, where P, L and U need not be)."""
    return P @ L @ U


def qr_unique(lib, Q, R):
    """Q·R and |diag R|, the parts of a QR factorization that do not depend on the signs LAPACK picks."""
    return Q @ R, R.diagonal(0, -2, -1).abs()


def svd_unique(lib, U, S, V):
    """S and U·diag(S)·Vᵀ, the parts of an SVD that do not depend on the signs and order of the vectors."""
    return S, (U * S.unsqueeze(-2)) @ V.mT


def pivots(lib, lu):
    """Pivots for lu_unpack: every row i swapped with the last one (1-based, as LAPACK's), for lu's batch."""
    rows, columns = lu.shape[-2:]
    return lib.full((*lu.shape[:-2], min(rows, columns)), rows, dtype=lib.int32)


# The drawn cases a row's DIFFERENCES entry names (each a differs= predicate).

def mixed_and_empty(arrays, dim):
    """Operands of different dtypes, or of bools, one of them empty."""
    return bools_and_empty(arrays, dim) or (len({a.dtype for a in arrays}) > 1 and any(a.size == 0 for a in arrays))


def bools_and_empty(arrays, dim):
    """Bool operands, one of them empty."""
    return all(a.dtype == bool for a in arrays) and any(a.size == 0 for a in arrays)


def bools_on_a_side_of_1(arrays, dim):
    """Bool operands, one of them empty or of a side of 1."""
    return all(a.dtype == bool for a in arrays) and any(0 in a.shape or 1 in a.shape for a in arrays)


def broadcast(arrays, dim):
    """Operands of different sizes (one of them 1, which broadcasts), or bools_on_a_side_of_1."""
    return arrays[0].shape != arrays[1].shape or bools_on_a_side_of_1(arrays, dim)


def matrix_without_rows(arrays, dim):
    """addmv's matrix has no rows, or bools_and_empty."""
    return arrays[1].shape[0] == 0 or bools_and_empty(arrays, dim)



def uncast_vector(arrays, dim):
    """addr's operands where a floating vector's gradient, the upstream one times the other vector, would meet
    that vector in a dtype other than the result's."""
    try:
        result = torch.addr(*(torch.from_numpy(a) for a in arrays)).dtype
    except RuntimeError:
        return False
    vec1, vec2 = (torch.from_numpy(a).dtype for a in arrays[1:])
    return (vec1.is_floating_point and vec2 != result) or (vec2.is_floating_point and vec1 != result)


def ill_conditioned(arrays, dim):
    """The (last) input holds square matrices, one of whose condition number leaves fewer correct digits than the
    tolerance asks for (singular ones included)."""
    a = arrays[-1]
    return square(a) and badly_conditioned(a, a.dtype)


def ill_conditioned_twice(arrays, dim):
    """As ill_conditioned, for an op whose gradient multiplies by the inverse twice (its condition squared)."""
    a = arrays[-1]
    return a.ndim >= 2 and badly_conditioned(a, a.dtype, power=2)


def ill_conditioned_symmetric(arrays, dim):
    """The symmetric matrix that the lower triangle of the input stands for is ill_conditioned."""
    a = arrays[-1]
    return square(a) and badly_conditioned(np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2), a.dtype)


def ill_conditioned_lower(arrays, dim):
    """The lower triangle of the (last) input, a Cholesky factor L, makes L·Lᵀ ill_conditioned_twice (L's own
    condition number to the 4th power)."""
    a = arrays[-1]
    return square(a) and badly_conditioned(np.tril(a), a.dtype, power=4)


def ill_conditioned_upper(arrays, dim):
    """As ill_conditioned_lower, for the upper triangle U of Uᵀ·U."""
    a = arrays[-1]
    return square(a) and badly_conditioned(np.triu(a), a.dtype, power=4)


def ill_conditioned_upper_triangle(arrays, dim):
    """The upper triangle of the (last) input, which triangular_solve reads, is ill_conditioned_twice."""
    a = arrays[-1]
    return square(a) and badly_conditioned(np.triu(a), a.dtype, power=2)


def ill_conditioned_unit_lower(arrays, dim):
    """The strict lower triangle of the (last) input with ones on its diagonal is ill_conditioned_twice."""
    a = arrays[-1]
    return square(a) and badly_conditioned(np.tril(a, -1) + np.eye(a.shape[-1]), a.dtype, power=2)


def ill_conditioned_columns(arrays, dim):
    """The input's first min(m, n) columns, which LU's U and QR's R stand on, are nearly dependent: their least
    singular value is within 1e-3 (float32) or 1e-6 (float64) of the matrix's norm (0, for dependent ones)."""
    a = arrays[0]
    if a.ndim < 2 or a.size == 0:
        return False
    first = a[..., :, :min(a.shape[-2:])].astype(np.float64)
    least = np.linalg.svd(first, compute_uv=False)[..., -1]
    norm = np.linalg.svd(a.astype(np.float64), compute_uv=False)[..., 0]
    return bool((~(least > (1e-3 if a.dtype == np.float32 else 1e-6) * norm)).any())


def inverted_singular_values(a, rcond):
    """The singular values of the matrices a that the (pseudo-)inverse inverts: those above rcond times their
    matrix's largest (none for no matrix)."""
    if a.ndim < 2 or a.size == 0:
        return np.zeros(0)
    values = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    return values[values > rcond * values[..., :1]]


def tiny_singular_value(rcond=0.0, power=2):
    """A matrix of the input with an inverted singular value σ whose 1/σ^power, which the gradient holds, is
    within 16 of the dtype's largest number (σ below 2.2e-19 in float32 for power 2)."""
    def tiny(arrays, dim):
        a = arrays[0]
        return bool((inverted_singular_values(a, rcond) < (16 / np.finfo(a.dtype).max) ** (1 / power)).any())
    return tiny


def badly_conditioned(matrices, dtype, power=1):
    """Whether a matrix of matrices, its condition number raised to power, is above 1e3 (for float32) or 1e6
    (for float64): where the two LAPACKs' rounding, so magnified, parts beyond the tolerance."""
    if matrices.size == 0:
        return False
    with np.errstate(all="ignore"):
        condition = np.linalg.cond(matrices.astype(np.float64)) ** power
    return bool((~(condition <= (1e3 if dtype == np.float32 else 1e6))).any())


def noisy_pseudo_inverse(rcond):
    """A matrix of the input with a singular value σ that pinverse inverts (above rcond times the largest) and
    whose gradient's last bits, eps/σ², pass the tolerance's atol (σ below 4.7e-4 in float64, 0.11 in float32):
    the gradient holds numbers up to 1/σ², and beside them a small element (or an exact 0) carries the two
    LAPACKs' rounding noise beyond the tolerance."""
    def noisy(arrays, dim):
        a = arrays[0]
        below = (np.finfo(a.dtype).eps / TOLERANCE[a.dtype.type]["atol"]) ** 0.5
        return bool((inverted_singular_values(a, rcond) < below).any())
    return noisy


def close_singular_values(arrays, dim):
    """A matrix of the input with two singular values, or one and 0, within 1e-2 (float32) or 1e-4 (float64) of
    the largest: where the SVD's backward divides by their gaps, and a singular value of 0 has vectors of either
    sign."""
    a = arrays[0]
    if a.ndim < 2 or a.size == 0:
        return False
    values = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    values = np.concatenate([values, np.zeros(values.shape[:-1] + (1,))], axis=-1)
    gaps = np.where(np.eye(values.shape[-1], dtype=bool), np.inf, np.abs(values[..., :, None] - values[..., None, :]))
    scale = np.maximum(values.max(axis=-1), 1)[..., None, None]
    return bool((gaps < (1e-2 if a.dtype == np.float32 else 1e-4) * scale).any())


def bools_or_infinite_cube(arrays, dim):
    """bools_and_empty, or a floating matrix whose cube has an infinite or NaN entry."""
    a = arrays[0]
    if bools_and_empty(arrays, dim):
        return True
    if a.dtype.kind != "f" or not square(a):
        return False
    with np.errstate(all="ignore"):
        return not np.isfinite(np.linalg.matrix_power(a, 3)).all()


def singular_reflection(arrays, dim):
    """orgqr's A and tau where some Hᵢ = I - τᵢ vᵢ vᵢᵀ (of eigenvalues 1 and 1 - τᵢ ‖vᵢ‖²) has no inverse or
    nearly none in float64 (τᵢ ‖vᵢ‖² within 1e-6 of 1), or in float32 a condition number above 4."""
    a, tau = arrays
    k = tau.shape[-1] if tau.ndim else 0
    if a.ndim < 2 or tau.ndim != a.ndim - 1 or k > min(a.shape[-2:]) or tau.shape[:-1] != a.shape[:-2]:
        return False
    vectors = np.tril(a[..., :, :k].astype(np.float64), -1) + np.eye(a.shape[-2], k)
    products = tau * np.square(vectors).sum(axis=-2)
    eigenvalue = np.abs(1 - products)
    if np.float32 in (a.dtype, tau.dtype):
        return bool(((eigenvalue > 4) | (eigenvalue < 1 / 4)).any())
    return bool((eigenvalue < 1e-6).any())


def square(a):
    """Whether a is a batch of square matrices."""
    return a.ndim >= 2 and a.shape[-1] == a.shape[-2]




def empty_vector_inside(arrays, dim):
    """An empty 1-D tensor before the last of block_diag's."""
    return any(a.shape == (0,) for a in arrays[:-1])


def one_observation(arrays, dim):
    """cov's input holds a single observation (one column), or huge_float32."""
    return (arrays[0].ndim > 0 and arrays[0].shape[-1] == 1) or huge_float32(arrays, dim)


# The edge values LAPACK's factorizations take as numbers: ±inf, NaN and the extremes ±1e38, ±1e-38 left out (see
# the DIFFERENCES entry of det).
LAPACK_EDGES = (0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0)
# The edge values less the extremes ±1e38, ±1e-38 (for the 2-norm, which squares them).
NORMAL = tuple(v for v in EDGES if abs(v) not in (1e38, 1e-38))

def factored(name, fn, shapes, differs=None):
    """The row of an op that LAPACK computes: float inputs of the LAPACK_EDGES values, of shapes (one input's, or
    a right side's and a matrix's)."""
    return Op(name, fn, arity=len(shapes[0]), dtypes=FLOATS, edges=LAPACK_EDGES, shapes=shapes, differs=differs)


# Shapes of the products' operands: ordinary, empty, of sides 1, and sides that do not match (refused).
MM = (((2, 3), (3, 2)), ((0, 3), (3, 1)), ((1, 0), (0, 2)), ((1, 1), (1, 1)), ((2, 3), (2, 3)), ((3,), (3,)))
BMM = (((2, 2, 3), (2, 3, 2)), ((0, 2, 3), (0, 3, 2)), ((1, 1, 1), (1, 1, 1)), ((2, 1, 0), (2, 0, 3)),
       ((2, 2, 3), (1, 3, 2)), ((2, 3), (3, 2)))
MV = (((2, 3), (3,)), ((0, 3), (3,)), ((2, 0), (0,)), ((1, 1), (1,)), ((2, 3), (2,)), ((2, 3), (3, 1)))
ADDMM = (((2, 2), (2, 3), (3, 2)), ((2,), (2, 3), (3, 2)), ((), (0, 3), (3, 2)), ((1, 1), (1, 0), (0, 1)),
         ((3, 3), (2, 3), (3, 2)), ((2, 2), (2, 3), (2, 3)))
ADDMV = (((2,), (2, 3), (3,)), ((), (0, 3), (3,)), ((1,), (1, 0), (0,)), ((1,), (2, 3), (3,)), ((3,), (2, 3), (3,)))
ADDR = (((2, 3), (2,), (3,)), ((3,), (2,), (3,)), ((0, 1), (0,), (1,)), ((), (1,), (1,)), ((2, 2), (2,), (3,)))
ADDBMM = (((2, 2), (3, 2, 4), (3, 4, 2)), ((), (0, 2, 3), (0, 3, 2)), ((1, 1), (1, 1, 1), (1, 1, 1)),
          ((2,), (2, 2, 0), (2, 0, 2)), ((2, 2), (3, 2, 4), (2, 4, 2)))
BADDBMM = (((3, 2, 2), (3, 2, 4), (3, 4, 2)), ((2,), (1, 2, 3), (1, 3, 2)), ((0, 2, 1), (0, 2, 3), (0, 3, 1)),
           ((1, 1, 1), (1, 1, 0), (1, 0, 1)), ((2, 2, 2), (3, 2, 4), (3, 4, 2)))
# Square matrices (batches of them): ordinary, of side 1 and 0, an empty batch, and a matrix that is not square.
SQUARE = (((2, 2),), ((3, 3),), ((1, 1),), ((0, 0),), ((2, 2, 2),), ((0, 2, 2),), ((2, 3),), ((3,),), ((),))
MATRIX = (((2, 3),), ((3, 2),), ((2, 2),), ((1, 1),), ((0, 2),), ((2, 0, 3),), ((3,),))
# orgqr's A (m, n) and tau (k,): ordinary, k < n, k = 0, empty, a batch, and m < n (refused).
ORGQR = (((3, 2), (2,)), ((2, 2), (1,)), ((3, 2), (0,)), ((0, 0), (0,)), ((2, 2, 1), (2, 1)), ((2, 3), (2,)))
# A right side and a square matrix: ordinary, several columns, empty, a batch that broadcasts, sides that differ.
SOLVE = (((2, 1), (2, 2)), ((2, 3), (2, 2)), ((0, 1), (0, 0)), ((1, 1), (1, 1)), ((2, 2, 1), (2, 2)),
         ((3, 1), (2, 2)))

ROWS = [
    # Products (bool and mixed-dtype operands: PyTorch refuses them, but for the cases DIFFERENCES names).
    Op("mm", function("mm"), arity=2, shapes=MM, differs=either(bools_and_empty, overflow_beside_inf)),
    Op("bmm", function("bmm"), arity=2, shapes=BMM, differs=either(mixed_and_empty, overflow_beside_inf)),
    Op("mv", function("mv"), arity=2, shapes=MV, differs=either(bools_and_empty, overflow_beside_inf)),
    Op("inner", function("inner"), arity=2, differs=either(bools_and_empty, overflow_beside_inf),
       shapes=(((3,), (3,)), ((2, 3), (3,)), ((), (2,)), ((0,), (0,)), ((2, 1), (1, 2)), ((2, 3), (2,)))),
    Op("kron", function("kron"), arity=2),
    Op("tensordot dims=([0], [1])", function("tensordot", dims=([0], [1])), arity=2, shapes=MM[:5],
       differs=either(bools_and_empty, overflow_beside_inf)),
    Op("einsum ij,jk->ik", lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), arity=2, shapes=MM, one_dtype=True,
       differs=either(bools_on_a_side_of_1, overflow_beside_inf, inexact_float64)),
    Op("einsum bii->b", lambda lib, a: lib.einsum("bii->b", a), shapes=SQUARE[4:7]),
    Op("einsum i,i->", lambda lib, a, b: lib.einsum("i,i->", a, b), arity=2, one_dtype=True, differs=broadcast,
       shapes=(((3,), (3,)), ((0,), (0,)), ((1,), (1,)), ((2,), (1,)), ((2,), (3,)))),
    Op("chain_matmul", function("chain_matmul"), arity=3, differs=either(bools_and_empty, overflow_beside_inf),
       shapes=(((2, 3), (3, 1), (1, 2)), ((0, 2), (2, 2), (2, 1)), ((1, 1), (1, 1), (1, 1)), ((2, 3), (2, 3), (3, 1)))),
    Op("cross", function("cross"), arity=2, differs=either(inexact_float64, huge_float32),
       shapes=(((3,), (3,)), ((2, 3), (2, 3)), ((0, 3), (0, 3)), ((3, 2), (3, 1)), ((2, 2), (2, 2)))),
    Op("cross dim=-1", function("cross", dim=-1), arity=2, differs=either(inexact_float64, huge_float32),
       shapes=(((3,), (3,)), ((2, 3), (1, 3)), ((3, 3), (3, 2)))),
    Op("addmm", function("addmm"), arity=3, shapes=ADDMM, differs=either(bools_and_empty, overflow_beside_inf)),
    Op("addmm beta=0 alpha=2", function("addmm", beta=0, alpha=2), arity=3, shapes=ADDMM,
       differs=either(bools_and_empty, huge_float32)),
    Op("addmv", function("addmv"), arity=3, shapes=ADDMV, differs=either(matrix_without_rows, overflow_beside_inf)),
    Op("addmv beta=0", function("addmv", beta=0), arity=3, shapes=ADDMV,
       differs=either(matrix_without_rows, overflow_beside_inf)),
    Op("addr", function("addr"), arity=3, shapes=ADDR, differs=uncast_vector),
    Op("addr beta=0 alpha=2", function("addr", beta=0, alpha=2), arity=3, shapes=ADDR, differs=uncast_vector),
    Op("addbmm", function("addbmm"), arity=3, shapes=ADDBMM,
       differs=either(mixed_and_empty, overflow_beside_inf)),
    Op("addbmm beta=0", function("addbmm", beta=0), arity=3, shapes=ADDBMM,
       differs=either(mixed_and_empty, overflow_beside_inf)),
    Op("baddbmm", function("baddbmm"), arity=3, shapes=BADDBMM,
       differs=either(mixed_and_empty, overflow_beside_inf)),
    Op("baddbmm beta=0 alpha=0.5", function("baddbmm", beta=0, alpha=0.5), arity=3, dtypes=FLOATS, shapes=BADDBMM,
       differs=either(mixed_and_empty, overflow_beside_inf)),

    # Matrix helpers.
    Op("adjoint", function("adjoint")),
    Op("trace", function("trace")),
    Op("diag", function("diag")),
    Op("diag -1", function("diag", -1)),
    Op("diag_embed", function("diag_embed")),
    Op("diag_embed 1, 0, 2", function("diag_embed", 1, 0, 2)),
    Op("diagflat", function("diagflat")),
    Op("diagflat -1", function("diagflat", -1)),
    Op("diagonal", function("diagonal")),
    Op("diagonal -1, dim, -1", lambda lib, x, d: lib.diagonal(x, -1, d, -1), dim=True),
    Op("diagonal_copy", function("diagonal_copy", 1)),
    Op("diagonal_scatter", function("diagonal_scatter"), arity=2,
       shapes=(((2, 3), (2,)), ((3, 3), (3,)), ((0, 2), (0,)), ((1, 1), (1,)), ((2, 2, 3), (3, 2)), ((2, 3), (3,)))),
    Op("diagonal_scatter 1, 1, 2", function("diagonal_scatter", 1, 1, 2), arity=2,
       shapes=(((2, 2, 3), (2, 2)), ((1, 0, 2), (1, 0)), ((2, 2, 3), (2, 3)))),
    Op("tril", function("tril")),
    Op("triu 1", function("triu", 1)),
    Op("block_diag", function("block_diag"), arity=2, differs=empty_vector_inside),
    Op("block_diag of three", function("block_diag"), arity=3, max_dims=2, differs=empty_vector_inside),
    Op("cartesian_prod", function("cartesian_prod"), arity=2, max_dims=2),
    Op("combinations", function("combinations"), max_dims=2),
    Op("combinations r=3 with_replacement", function("combinations", r=3, with_replacement=True), max_dims=1),
    # PyTorch's vander has no derivative: its backward always fails (vander writes in place into a tensor its graph
    # saved), so these rows compare the values only.
    Op("vander", function("vander"), max_dims=2, grad=False),
    Op("vander N=3 increasing", function("vander", N=3, increasing=True), max_dims=1, grad=False),
    Op("cov", function("cov"), max_dims=2, differs=huge_float32),
    Op("cov correction=0 fweights", lambda lib, x: lib.cov(x, correction=0, fweights=lib.tensor([2, 0, 1])),
       shapes=(((2, 3),), ((3,),), ((1, 3),), ((0, 3),), ((2, 2),)), differs=huge_float32),
    Op("cov aweights", lambda lib, x, w: lib.cov(x, aweights=w), arity=2, differs=one_observation,
       shapes=(((2, 3), (3,)), ((3,), (3,)), ((0, 2), (2,)), ((1, 1), (1,)), ((2, 3), (2,)))),
    Op("corrcoef", function("corrcoef"), max_dims=2, differs=huge_float32),
    Op("frobenius_norm", lambda lib, x, d: lib.frobenius_norm(x, (d,)), dim=True, dtypes=FLOATS, edges=NORMAL,
       differs=tiny_float32_input),
    Op("frobenius_norm (0, 1) keepdim", function("frobenius_norm", (0, 1), True), dtypes=FLOATS, edges=NORMAL,
       shapes=MATRIX, differs=tiny_float32_input),
    Op("matrix_power 3", function("matrix_power", 3), shapes=SQUARE, edges=NORMAL, differs=bools_or_infinite_cube),
    Op("matrix_power 0", function("matrix_power", 0), shapes=SQUARE),

    # Determinants, inverses and matrix functions (LAPACK's, of LAPACK_EDGES values).
    factored("det", function("det"), SQUARE, ill_conditioned),
    factored("logdet", function("logdet"), SQUARE, ill_conditioned),
    factored("slogdet", function("slogdet"), SQUARE, ill_conditioned),
    factored("inverse", function("inverse"), SQUARE, either(ill_conditioned_twice, tiny_singular_value())),
    factored("matrix_power -2", function("matrix_power", -2), SQUARE,
             either(ill_conditioned_twice, tiny_singular_value(power=3))),
    factored("matrix_exp", function("matrix_exp"), SQUARE),
    factored("pinverse", function("pinverse"), MATRIX,
             either(ill_conditioned_twice, tiny_singular_value(1e-15), noisy_pseudo_inverse(1e-15))),
    factored("pinverse rcond=0.1", function("pinverse", 0.1), MATRIX,
             either(tiny_singular_value(0.1), noisy_pseudo_inverse(0.1))),
    factored("nuclear_norm", function("nuclear_norm"), MATRIX, close_singular_values),

    # Decompositions and solvers, compared where they are unique (see the module's docstring).
    factored("cholesky", function("cholesky"), SQUARE, ill_conditioned_symmetric),
    factored("cholesky of a·aᵀ + I", lambda lib, a: lib.cholesky(spd(lib, a)), SQUARE),
    factored("cholesky upper of a·aᵀ + I", lambda lib, a: lib.cholesky(spd(lib, a), upper=True), SQUARE),
    factored("cholesky_inverse", function("cholesky_inverse"), SQUARE, ill_conditioned_lower),
    factored("cholesky_inverse upper", function("cholesky_inverse", True), SQUARE, ill_conditioned_upper),
    factored("cholesky_solve", function("cholesky_solve"), SOLVE, ill_conditioned_lower),
    factored("cholesky_solve upper", function("cholesky_solve", True), SOLVE, ill_conditioned_upper),
    factored("triangular_solve", function("triangular_solve"), SOLVE, ill_conditioned_upper_triangle),
    factored("triangular_solve lower transpose unitriangular", function("triangular_solve", False, True, True),
             SOLVE, ill_conditioned_unit_lower),
    factored("lu, by P·L·U", lambda lib, a: lu_product(lib, *lib.lu_unpack(*lib.lu(a))), MATRIX,
             ill_conditioned_columns),
    Op("lu_unpack", lambda lib, lu: lib.lu_unpack(lu, pivots(lib, lu)), dtypes=FLOATS, shapes=MATRIX[:-1]),
    factored("lu_solve", lambda lib, b, a: lib.lu_solve(b, *lib.lu(a)), SOLVE, ill_conditioned_twice),
    factored("qr, by Q·R and |diag R|", lambda lib, a: qr_unique(lib, *lib.qr(a)), MATRIX, ill_conditioned_columns),
    factored("qr some=False, by Q·R and |diag R|", lambda lib, a: qr_unique(lib, *lib.qr(a, some=False)), MATRIX,
             ill_conditioned_columns),
    factored("svd, by S and U·diag(S)·Vᵀ", lambda lib, a: svd_unique(lib, *lib.svd(a)), MATRIX, close_singular_values),
    factored("svd compute_uv=False, by S", lambda lib, a: lib.svd(a, compute_uv=False)[1], MATRIX,
             close_singular_values),
    factored("orgqr", function("orgqr"), ORGQR, singular_reflection),
]


# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
    # Products.
    "mm": "bool operands, one of them empty: PyTorch refuses bools in its kernel, which an empty product skips; "
          "ember refuses them always; float32 ±1e38 beside ±inf: as matmul", "mv": "as mm", "inner": "as mm",
    "tensordot dims=([0], [1])": "as mm", "chain_matmul": "as mm", "addmm": "as mm",
    "addmm beta=0 alpha=2": "as mm; and float32 ±1e38: PyTorch's BLAS multiplies alpha into the products, "
                            "2·(-2)·1e38 overflows (-inf), where ember scales the finite product (-2e38)",
    "bmm": "operands of different dtypes, or of bools, one of them empty: PyTorch's kernel returns its empty result "
           "before it checks the dtypes, which ember checks always (PyTorch refuses such operands when not empty); "
           "float32 ±1e38 beside ±inf: as matmul",
    "baddbmm": "as bmm", "baddbmm beta=0 alpha=0.5": "as bmm", "addbmm": "as bmm", "addbmm beta=0": "as bmm",
    "einsum ij,jk->ik": "operands of different dtypes (not drawn), and bool ones where a side is 0 or 1: PyTorch's "
                        "einsum multiplies (promoting) where a contracted side is 1 or an operand empty, and calls "
                        "bmm (which refuses them) elsewhere; ember refuses them always; float32 ±1e38 beside ±inf, "
                        "and float64 ±1e38 or ±1e-38: as matmul",
    "einsum i,i->": "as einsum ij,jk->ik; and operands where the summed letter broadcasts (size 1 against "
                    "another): PyTorch sums the other operand over it first, as torch.sum does (integers to int64, "
                    "and (0 + 1)·inf is inf), ember's one product keeps the dtype (and 0·inf + 1·inf is NaN)",
    "cross": "float64 operands holding ±1e38 or ±1e-38, and float32 ones holding ±1e38 (whose products round, or "
             "overflow): PyTorch's kernel fuses a product into the subtraction, keeping its rounding error "
             "(1e38·1.5 - 1.5·1e38 gives -9.4e21 in float64, -5.1e30 in float32; 1e38·1e38 - 1e38·1e38 gives -inf), "
             "ember's gives 0 (NaN)",
    "cross dim=-1": "as cross",
    "addmv": "as mm; and a matrix without rows: PyTorch returns input as it is (a 0-d input stays 0-d), not "
             "broadcast to the product's shape (0,); ember broadcasts", "addmv beta=0": "as addmv",
    "addr": "operands of different dtypes: PyTorch promotes them, as ember does, but its backward multiplies the "
            "upstream gradient by the other vector uncast, which fails where that vector's dtype is not the result's",
    "addr beta=0 alpha=2": "as addr",
    # Matrix helpers.
    "block_diag": "an empty 1-D tensor before the last: it is a block of one row and no columns in the result of "
                  "both; PyTorch's backward does not count its row, and hands each later block the gradient one row "
                  "above its own",
    "block_diag of three": "as block_diag",
    "cov": "float32 observations holding ±1e38: the products of the centered observations overflow, and where "
           "+inf and -inf meet depends on the order of the sum (NaN in PyTorch, ±inf in ember)",
    "cov correction=0 fweights": "as cov", "corrcoef": "as cov",
    "cov aweights": "as cov; and one observation: PyTorch's cov with weights centers its input in place, which "
                    "fails for a tensor that requires grad",
    # Determinants, inverses, matrix functions, decompositions and solvers.
    "det": "±inf, NaN, ±1e38 and ±1e-38 (not drawn): the LAPACKs (MKL's in PyTorch, OpenBLAS's in NumPy, and "
           "ember's own LU) pivot, scale and spread non-finite and extreme entries each their own way (det [[0, 0], "
           "[0, inf]] is NaN in PyTorch, 0 in ember); and singular matrices, or nearly singular ones (a condition "
           "number above 1e3 in float32, 1e6 in float64), where MKL's LU may meet an exact zero pivot: PyTorch's "
           "gradient there is 0 (its backward nudges the LU's zero pivots and scales by det = 0, "
           "pytorch/pytorch#104675), ember's the matrix of cofactors, the derivative",
    "logdet": "as det's edge values; and singular matrices, or nearly singular ones (as det's), where the gradient "
              "A⁻ᵀ is infinite: PyTorch's LU solve spreads inf and NaN in MKL's pattern, ember raises LinAlgError "
              "(the matrix is singular)",
    "slogdet": "as logdet",
    "inverse": "as det's edge values; and ill-conditioned matrices (a squared condition number above 1e3 in "
               "float32, 1e6 in float64; singular ones among them): the two LAPACKs' rounding, magnified by the "
               "conditioning, parts beyond the tolerance, or one meets an exact zero pivot and raises where the "
               "other does not; and float32 singular values below 2.2e-19: the gradient divides by their "
               "squares, which overflow, to inf and NaN in places that differ",
    "matrix_power -2": "as inverse, with float32 singular values below 3.6e-13, whose cubes the gradient divides "
                       "by",
    "pinverse": "as inverse; and singular values below 4.7e-4 in float64 (0.11 in float32): the gradient holds "
                "numbers up to 1/σ², whose last bits pass the tolerance's atol at the small elements beside them "
                "(0.25437 in ember, 0.25442 in PyTorch beside 118.7 in float32; at an exact 0 of the pseudo-inverse "
                "1.6e-10 against -2.8e-9 beside 1.7e7)",
    "lu_solve": "as inverse",
    "triangular_solve": "as inverse, for the triangle it reads",
    "triangular_solve lower transpose unitriangular": "as triangular_solve",
    "matrix_exp": "as det's edge values",
    "pinverse rcond=0.1": "as det's edge values; and float32 singular values below 2.2e-19 that it keeps: as "
                          "inverse; and kept singular values below 4.7e-4 in float64 (0.11 in float32): as pinverse "
                          "(0.30737 in ember, 0.30728 in PyTorch beside 1333.8 in float32)",
    "matrix_power 3": "±inf and NaN: the infinities meet zeros (inf·0 is NaN) elsewhere in PyTorch's order of the "
                      "products, (A·A)·A, than in ember's A·(A·A); ±1e38 and ±1e-38 (not drawn): as matmul; bool "
                      "operands, one of them empty: as mm",
    "frobenius_norm": "±1e38, ±1e-38 (not drawn) and float32 elements below 1e-17: as norm",
    "frobenius_norm (0, 1) keepdim": "as frobenius_norm",
    "svd, by S and U·diag(S)·Vᵀ": "as det's edge values; and matrices with two singular values, or one and 0, "
                                  "within 1e-2 (float32) or 1e-4 (float64) of the largest: the backward divides by "
                                  "their gaps (PyTorch's docs: finite only for distinct singular values, unstable "
                                  "near them), each framework's rounding magnified its own way or inf and NaN of "
                                  "its own, and the vectors of a singular value 0 have either sign",
    "svd compute_uv=False, by S": "as svd, by S and U·diag(S)·Vᵀ: S's gradient U·diag(S̄)·Vᵀ takes the vectors "
                                  "LAPACK picks", "nuclear_norm": "as svd compute_uv=False, by S",
    "qr, by Q·R and |diag R|": "as det's edge values; and matrices whose first min(m, n) columns are nearly "
                               "dependent (their least singular value within 1e-3 of the norm in float32, 1e-6 in "
                               "float64): the backward divides by R's diagonal (PyTorch's docs define the gradient "
                               "for independent columns only), magnifying each framework's rounding its own way",
    "qr some=False, by Q·R and |diag R|": "as qr, by Q·R and |diag R|",
    "lu, by P·L·U": "as qr, by Q·R and |diag R|, dividing by U's diagonal",
    "cholesky": "as det's edge values; and ill-conditioned symmetric matrices (as inverse): near a singular one the "
                "LAPACKs' square roots of rounding errors differ, or one finds the matrix not positive-definite and "
                "the other does not",
    "cholesky of a·aᵀ + I": "as det's edge values", "cholesky upper of a·aᵀ + I": "as det's edge values",
    "cholesky_inverse": "as det's edge values; and factors L whose L·Lᵀ is ill-conditioned, as inverse (L's "
                        "condition number to the 4th power above 1e3 in float32, 1e6 in float64)",
    "cholesky_inverse upper": "as cholesky_inverse", "cholesky_solve": "as cholesky_inverse",
    "cholesky_solve upper": "as cholesky_inverse",
    "orgqr": "as det's edge values; and reflections Hᵢ = I - τᵢvᵢvᵢᵀ without an inverse, or nearly (τᵢ‖vᵢ‖² "
             "within 1e-6 of 1 in float64): PyTorch's backward inverts each Hᵢ (NaN, or its rounding magnified), "
             "ember's differentiates the products; in float32, an Hᵢ of condition number above 4 (its eigenvalue "
             "1 - τᵢ‖vᵢ‖² beyond ±4 or within ±1/4): PyTorch's gradient loses digits there that ember's keeps "
             "(-1.33896 for the exact -1.33912 at A = [[0, 0], [3, 0], [0, 1]], τ = [2, 3])",
}
