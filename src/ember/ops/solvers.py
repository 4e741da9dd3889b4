"""Linear systems and the functions of a matrix: A X = B solved (triangular, general, least squares, from
an LU or Cholesky factorization), the inverse and pseudo-inverse, the determinant, exp(A) and Aⁿ, rank.

Every function takes batches of matrices (the last two dimensions) with broadcast batch dimensions; a
right-hand side B is a matrix (..., n, k) or, where PyTorch allows, a vector (..., n). Singular matrices
raise ember.linalg.LinAlgError where PyTorch raises it; the *_ex forms return an info tensor instead.
"""

from collections import namedtuple

import numpy as np

from .. import backend
from ..autograd import Function
from .decompositions import (LinAlgError, check_matrices, lapack, no_out, permutation, report_singular, singular_info,
                             substitute, svdvals, transposed, warn_deprecated, where_factored)
from .elementwise import where
from .indexing import take_along_dim
from .linalg import matmul
from .reduce import discrete, unread
from .shape import expand, movedim, reshape, unsqueeze

inv_ex_result = namedtuple("linalg_inv_ex", ["inverse", "info"])
solve_ex_result = namedtuple("linalg_solve_ex", ["result", "info"])
slogdet_result = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
lstsq_result = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
triangular_solve_result = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


# ---------------------------------------------------------------------------------------------
# Linear systems.

class SolveTriangular(Function):
    """X = T⁻¹ B for T the upper (or lower) triangle of A, with a unit diagonal when unitriangular.

    B̄ = T⁻ᵀ Ḡ (T's transpose is a triangle of the other kind), and Ā = -B̄ Xᵀ on T's triangle.
    """

    def forward(ctx, a, b, upper, unit):
        x = substitute(ctx.xp, a, b, upper, unit)
        ctx.save_for_backward(a, x)
        ctx.upper, ctx.unit = upper, unit
        return x

    def backward(ctx, grad):
        xp = ctx.xp
        a, x = ctx.saved
        grad_b = substitute(xp, transposed(xp, a), grad, not ctx.upper, ctx.unit)
        grad_a = -grad_b @ transposed(xp, x)
        strict = 1 if ctx.unit else 0
        return (xp.triu(grad_a, strict) if ctx.upper else xp.tril(grad_a, -strict)), grad_b


class Solve(Function):
    """X = A⁻¹ B for a square A (LAPACK's LU solver): B̄ = A⁻ᵀ Ḡ and Ā = -B̄ Xᵀ."""

    def forward(ctx, a, b):
        xp = ctx.xp
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a, b = xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:])
        x = lapack("linalg.solve", lambda: xp.linalg.solve(a, b), a)
        ctx.save_for_backward(a, x)
        return x

    def backward(ctx, grad):
        xp = ctx.xp
        a, x = ctx.saved
        grad_b = xp.linalg.solve(transposed(xp, a), grad)
        return -grad_b @ transposed(xp, x), grad_b


def _check_same_dtype(name, a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"{name}: expected A and B of one dtype, got {a.dtype} and {b.dtype}")


def _check_right_side(name, a, b, left=True):
    """B must be a matrix (..., n, k) whose n (k when not left) is A's size."""
    if b.ndim < 2:
        raise RuntimeError(f"{name}: expected B of at least 2 dimensions, got shape {b.shape}")
    _check_same_dtype(name, a, b)
    size = b.shape[-2] if left else b.shape[-1]
    if size != a.shape[-1]:
        raise RuntimeError(f"{name}: A of shape {a.shape} and B of shape {b.shape} do not fit "
                           f"{'A X = B' if left else 'X A = B'}")


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):  # noqa: N803 (PyTorch's names)
    """X with T X = B (X T = B when not left), T the upper (lower) triangle of each matrix of A (..., n, n);
    with unitriangular its diagonal is taken as ones. Batches broadcast."""
    name = "linalg.solve_triangular"
    no_out(name, out)
    check_matrices(name, A, square=True)
    _check_right_side(name, A, B, left)
    if not left:
        return SolveTriangular.apply(A.mT, B.mT, upper=not upper, unit=unitriangular).mT
    return SolveTriangular.apply(A, B, upper=upper, unit=unitriangular)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):  # noqa: N803
    """torch.triangular_solve (deprecated): (X, a copy of A broadcast to the batch) with T X = b (Tᵀ X = b
    when transpose), T the upper (lower) triangle of A."""
    warn_deprecated("triangular_solve", "linalg.solve_triangular")
    no_out("triangular_solve", out)
    coefficient = A.mT if transpose else A
    solution = solve_triangular(coefficient, b, upper=upper != transpose, unitriangular=unitriangular)
    batch = solution.shape[:-2]
    return triangular_solve_result(solution, expand(A, batch + A.shape[-2:]).clone())


def _as_matrix(a, b):
    """B as PyTorch's solvers read it: a batch of vectors (..., n) when it has one dimension, or one fewer
    than A with A's batch shape; else a batch of matrices. Returns (B as matrices, whether it was vectors)."""
    vectors = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    return (unsqueeze(b, -1) if vectors else b), vectors


def solve(A, B, *, left=True, out=None):  # noqa: N803
    """X with A X = B (X A = B when not left) for square, invertible A (..., n, n); B (..., n, k) or a batch
    of vectors (..., n). A singular matrix raises LinAlgError."""
    name = "linalg.solve"
    no_out(name, out)
    check_matrices(name, A, square=True)
    matrices, vectors = _as_matrix(A, B) if left else (B, False)
    _check_right_side(name, A, matrices, left)
    if not left:
        return Solve.apply(A.mT, matrices.mT).mT
    x = Solve.apply(A, matrices)
    return x[..., 0] if vectors else x


def solve_ex(A, B, *, left=True, check_errors=False, out=None):  # noqa: N803
    """(X, info): solve's X for the invertible matrices (NaN for the others), info as lu_factor_ex's."""
    no_out("linalg.solve_ex", out)
    check_matrices("linalg.solve_ex", A, square=True)
    info = discrete(singular_info, A)
    if check_errors:
        report_singular("linalg.solve_ex", info.array)
    matrices, vectors = _as_matrix(A, B) if left else (B, False)
    x = where_factored(info, A, lambda a: solve(a, matrices, left=left))
    return solve_ex_result(x[..., 0] if vectors else x, info)


class CholeskySolve(Function):
    """X = A⁻¹ B for A = L Lᵀ given L's lower triangle: two triangular solves, L Y = B then Lᵀ X = Y.

    B̄ = A⁻¹ Ḡ, and as PyTorch takes A = L Lᵀ as a function of the whole of L, L̄ = -(B̄ Xᵀ + X B̄ᵀ) L
    (from dA = dL Lᵀ + L dLᵀ). Its upper triangle, which the forward does not read, is then not zero; a
    gradient that goes on to a cholesky() gets the same result either way.
    """

    def forward(ctx, b, lower):
        x = _cholesky_substitute(ctx.xp, lower, b)
        ctx.save_for_backward(lower, x)
        return x

    def backward(ctx, grad):
        xp = ctx.xp
        lower, x = ctx.saved
        grad_b = _cholesky_substitute(xp, lower, grad)
        both = grad_b @ transposed(xp, x)
        return grad_b, -(both + transposed(xp, both)) @ lower


def _cholesky_substitute(xp, lower, b):
    return substitute(xp, transposed(xp, lower), substitute(xp, lower, b, upper=False), upper=True)


def cholesky_solve(B, L, upper=False, *, out=None):  # noqa: N803
    """X with A X = B for A = L Lᵀ (A = Uᵀ U when upper) given its Cholesky factor (see CholeskySolve)."""
    name = "cholesky_solve"
    no_out(name, out)
    check_matrices(name, L, square=True)
    _check_right_side(name, L, B)
    return CholeskySolve.apply(B, L.mT if upper else L)


def cholesky_inverse(L, upper=False, *, out=None):  # noqa: N803
    """A⁻¹ for A = L Lᵀ (A = Uᵀ U when upper) given its Cholesky factor."""
    no_out("cholesky_inverse", out)
    check_matrices("cholesky_inverse", L, square=True)
    if bool((L.diagonal(0, -2, -1) == 0).any()):
        raise LinAlgError("cholesky_inverse: a zero on the diagonal of the factor: the matrix is singular")
    return cholesky_solve(_identity(L), L, upper)


def _identity(a):
    """Identity matrices of a's size and dtype, outside the graph."""
    return discrete(lambda xp, array: xp.eye(array.shape[-1], dtype=array.dtype), a)


def _rows_in_order(x, order):
    """x's rows (dimension -2) taken in the order given per matrix (batches broadcast)."""
    batch = np.broadcast_shapes(x.shape[:-2], order.shape[:-1])
    index = expand(discrete(lambda xp, o: o[..., None], order), batch + (order.shape[-1], 1))
    return take_along_dim(expand(x, batch + x.shape[-2:]), index, -2)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):  # noqa: N803
    """X with A X = B (Aᵀ X = B when adjoint; X A = B when not left) for A = P L U given lu_factor's LU and
    pivots: B's rows put in L U's order, then two triangular solves (or, for Aᵀ, the reverse)."""
    name = "linalg.lu_solve"
    no_out(name, out)
    check_matrices(name, LU, square=True)
    _check_right_side(name, LU, B, left)
    if not left:
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    order = discrete(lambda xp, p: permutation(xp, p, LU.shape[-1]), pivots)
    if adjoint:
        half = solve_triangular(LU.mT, B, upper=False)
        unswapped = solve_triangular(LU.mT, half, upper=True, unitriangular=True)
        return _rows_in_order(unswapped, discrete(lambda xp, o: xp.argsort(o, axis=-1), order))
    half = solve_triangular(LU, _rows_in_order(B, order), upper=False, unitriangular=True)
    return solve_triangular(LU, half, upper=True)


def torch_lu_solve(b, LU_data, LU_pivots, *, out=None):  # noqa: N803
    """torch.lu_solve (deprecated): linalg.lu_solve with the right-hand side first."""
    warn_deprecated("lu_solve", "linalg.lu_solve")
    return lu_solve(LU_data, LU_pivots, b, out=out)


# ---------------------------------------------------------------------------------------------
# Inverses.

class Inv(Function):
    """A⁻¹: d(A⁻¹) = -A⁻¹ dA A⁻¹, so Ā = -A⁻ᵀ Ḡ A⁻ᵀ."""

    def forward(ctx, a):
        x = lapack("linalg.inv", lambda: ctx.xp.linalg.inv(a), a)
        ctx.save_for_backward(x)
        return x

    def backward(ctx, grad):
        (x,) = ctx.saved
        xt = transposed(ctx.xp, x)
        return -xt @ grad @ xt


def inv(A, *, out=None):  # noqa: N803
    """The inverse of each square matrix of A; a singular matrix raises LinAlgError."""
    no_out("linalg.inv", out)
    check_matrices("linalg.inv", A, square=True)
    return Inv.apply(A)


def inverse(input, *, out=None):  # noqa: A002
    """torch.inverse: linalg.inv."""
    return inv(input, out=out)


def inv_ex(A, *, check_errors=False, out=None):  # noqa: N803
    """(A⁻¹, info): the inverse of each invertible matrix (NaN for the others), info as lu_factor_ex's."""
    no_out("linalg.inv_ex", out)
    check_matrices("linalg.inv_ex", A, square=True)
    info = discrete(singular_info, A)
    if check_errors:
        report_singular("linalg.inv_ex", info.array)
    return inv_ex_result(where_factored(info, A, Inv.apply), info)


def _above_tolerance(xp, values, atol, rtol, a):
    """Which singular values (values ≥ 0, per matrix of a) count as not zero: those above max(atol, rtol·σ_max),
    with PyTorch's defaults: rtol = eps·max(m, n) unless atol > 0 is given alone (then 0); atol = 0."""
    largest = values.max(axis=-1) if values.shape[-1] else xp.zeros(values.shape[:-1], values.dtype)
    if rtol is None:
        default = float(np.finfo(a.dtype).eps * max(a.shape[-2:]))
        rtol = default if atol is None else xp.where(xp.asarray(atol) > 0, 0.0, default)
    return values > xp.maximum(0.0 if atol is None else atol, rtol * largest)[..., None]


class Pinv(Function):
    """The pseudo-inverse A⁺ = V diag(σ⁺) Uᵀ, σ⁺ = 1/σ for the singular values above the tolerance (see
    _above_tolerance), 0 below; with hermitian, from the eigendecomposition of a symmetric A. For X = A⁺ (at a
    fixed rank): Ā = -Xᵀ Ḡ Xᵀ + (I - A X) Ḡᵀ X Xᵀ + Xᵀ X Ḡᵀ (I - X A).
    """

    def forward(ctx, a, atol, rtol, hermitian):
        xp = ctx.xp
        if hermitian:
            values, u = xp.linalg.eigh(a)
            v, size = u, xp.abs(values)
        else:
            u, values, vh = xp.linalg.svd(a, full_matrices=False)
            v, size = transposed(xp, vh), values
        keep = _above_tolerance(xp, size, atol, rtol, a)
        inverted = xp.where(keep, 1 / xp.where(keep, values, 1), 0).astype(a.dtype)
        x = (v * inverted[..., None, :]) @ transposed(xp, u)
        ctx.save_for_backward(a, x)
        return x

    def backward(ctx, grad):
        xp = ctx.xp
        a, x = ctx.saved
        xt, gt = transposed(xp, x), transposed(xp, grad)
        m, n = a.shape[-2:]
        grad_a = -xt @ grad @ xt
        grad_a += (xp.eye(m, dtype=a.dtype) - a @ x) @ gt @ (x @ xt)
        grad_a += (xt @ x) @ gt @ (xp.eye(n, dtype=a.dtype) - x @ a)
        return grad_a, None, None


def _tolerance_arg(t):
    """atol or rtol: None, a number, or a tensor (per matrix, broadcast with the batch dimensions)."""
    return t if t is None or isinstance(t, (int, float)) else t.detach()


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):  # noqa: N803
    """The pseudo-inverse of each matrix of A (..., m, n): (..., n, m). See Pinv for the tolerances."""
    no_out("linalg.pinv", out)
    check_matrices("linalg.pinv", A, square=hermitian)
    return Pinv.apply(A, _tolerance_arg(atol), _tolerance_arg(rtol), hermitian=hermitian)


def pinverse(input, rcond=1e-15):  # noqa: A002
    """torch.pinverse: linalg.pinv with the relative tolerance rcond."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):  # noqa: N803
    """The number of singular values (absolute eigenvalues with hermitian) above the tolerance of Pinv
    (int64, one per matrix); tol, NumPy's spelling, is atol with rtol = 0."""
    name = "linalg.matrix_rank"
    no_out(name, out)
    check_matrices(name, A, square=hermitian)
    if tol is not None:
        atol, rtol = tol, 0.0

    def count(xp, a, atol, rtol):
        values = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else xp.linalg.svd(a, compute_uv=False)
        return _above_tolerance(xp, values, atol, rtol, a).sum(axis=-1).astype(np.int64)
    return discrete(count, A, _tolerance_arg(atol), _tolerance_arg(rtol))


def lstsq(A, B, rcond=None, *, driver=None):  # noqa: N803
    """(solution, residuals, rank, singular_values) of min ‖A X - B‖ for each matrix of A (..., m, n) and B
    (..., m, k) (or a vector (..., m)). ember solves every driver by the pseudo-inverse (the minimum-norm
    solution, as 'gelsd'), with singular values below rcond·σ_max taken as zero; like PyTorch it returns
    the rank unless driver='gels', the singular values for 'gelsd' and 'gelss', and the residuals
    ‖A X - B‖² per column when m > n, every matrix has full rank and driver is not 'gelsy' (the default)."""
    name = "linalg.lstsq"
    check_matrices(name, A)
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"{name}: driver must be one of gels, gelsy, gelsd, gelss, got {driver!r}")
    driver = driver or "gelsy"
    vectors = B.ndim == A.ndim - 1
    matrices = unsqueeze(B, -1) if vectors else B
    _check_same_dtype(name, A, matrices)
    m, n = A.shape[-2:]
    if matrices.ndim < 2 or matrices.shape[-2] != m:
        raise RuntimeError(f"{name}: B of shape {B.shape} must have as many rows as A of shape {A.shape}")
    solution = matmul(pinv(A, rtol=rcond), matrices)
    rank = matrix_rank(A, rtol=rcond)
    empty = discrete(lambda xp, a: xp.zeros(0, dtype=a.dtype), A)
    residuals = empty
    if m > n and driver != "gelsy" and bool((rank.array == n).all()):
        residuals = ((matmul(A, solution) - matrices) ** 2).sum(-2)
    if driver == "gels":
        rank = discrete(lambda xp, a: xp.zeros(0, dtype=np.int64), A)
    values = svdvals(A.detach()) if driver in ("gelsd", "gelss") else empty
    return lstsq_result(solution[..., 0] if vectors else solution, residuals, rank, values)


# ---------------------------------------------------------------------------------------------
# Determinants.

def _cofactors(xp, a):
    """det(A) A⁻ᵀ for each square matrix of a, from its SVD A = U S Vᵀ, so that singular matrices have one
    too: det(U) det(V) U diag(Πⱼ≠ᵢ sⱼ) Vᵀ (the products of all singular values but one)."""
    u, s, vh = xp.linalg.svd(a)
    ones = xp.ones_like(s[..., :1])
    before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = xp.flip(xp.cumprod(xp.flip(xp.concatenate([s[..., 1:], ones], axis=-1), -1), axis=-1), -1)
    signs = xp.linalg.det(u) * xp.linalg.det(vh)
    return signs[..., None, None] * (u * (before * after)[..., None, :]) @ vh


class Det(Function):
    """det A: d(det A) = det A · tr(A⁻¹ dA), so Ā = ḡ det(A) A⁻ᵀ, the matrix of cofactors of A."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return ctx.xp.linalg.det(a)

    def backward(ctx, grad):
        (a,) = ctx.saved
        if a.shape[-1] == 0:
            return ctx.xp.zeros_like(a)
        return grad[..., None, None] * _cofactors(ctx.xp, a)


class SlogDet(Function):
    """(sign, log |det A|): d log|det A| = tr(A⁻¹ dA), so Ā = ḡ A⁻ᵀ; the sign has no gradient."""

    def forward(ctx, a):
        sign, logabsdet = ctx.xp.linalg.slogdet(a)
        ctx.save_for_backward(a)
        return sign, logabsdet

    def backward(ctx, grad_sign, grad_logabsdet):
        xp = ctx.xp
        (a,) = ctx.saved
        inverse = lapack("linalg.slogdet", lambda: xp.linalg.inv(a), a)
        return grad_logabsdet[..., None, None] * transposed(xp, inverse)


def det(A, *, out=None):  # noqa: N803
    """The determinant of each square matrix of A (..., n, n): (...)."""
    no_out("linalg.det", out)
    check_matrices("linalg.det", A, square=True)
    return Det.apply(A)


def slogdet(A, *, out=None):  # noqa: N803
    """(sign, logabsdet) of each square matrix: det A = sign · exp(logabsdet), without overflow; a singular
    matrix has sign 0 and logabsdet -inf."""
    no_out("linalg.slogdet", out)
    check_matrices("linalg.slogdet", A, square=True)
    return slogdet_result(*SlogDet.apply(A))


def logdet(input):  # noqa: A002
    """log det A of each square matrix: -inf where det A = 0, NaN where it is negative."""
    sign, logabsdet = slogdet(input)
    return where(sign < 0, float("nan"), logabsdet)


# ---------------------------------------------------------------------------------------------
# Functions of a matrix.

def _expm(xp, a):
    """exp(A) of each square matrix, by scaling and squaring: exp(A) = exp(A / 2ˢ)^(2ˢ), s chosen per matrix
    so that ‖A / 2ˢ‖₁ ≤ 1/2, where 18 terms of the Taylor series (by Horner's rule) reach float64's precision."""
    norm = xp.abs(a).sum(axis=-2).max(axis=-1) if a.shape[-1] else xp.zeros(a.shape[:-2], a.dtype)
    s = xp.maximum(xp.frexp(norm)[1] + 1, 0)
    scaled = a / (2.0 ** s)[..., None, None].astype(a.dtype)
    identity = xp.eye(a.shape[-1], dtype=a.dtype)
    result = identity + scaled / 18
    for k in range(17, 0, -1):
        result = identity + scaled @ result / k
    for step in range(int(s.max()) if s.size else 0):
        result = xp.where((step < s)[..., None, None], result @ result, result)
    return result


class MatrixExp(Function):
    """exp(A) = Σ Aᵏ/k!. Its derivative in direction E is the upper right block of exp([[A, E], [0, A]]), so
    Ā is that block of exp([[Aᵀ, Ḡ], [0, Aᵀ]])."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(ctx.xp, a)

    def backward(ctx, grad):
        xp = ctx.xp
        (a,) = ctx.saved
        n, at = a.shape[-1], transposed(xp, a)
        block = xp.concatenate([xp.concatenate([at, grad], axis=-1),
                                xp.concatenate([xp.zeros_like(at), at], axis=-1)], axis=-2)
        return _expm(xp, block)[..., :n, n:]


def matrix_exp(A):  # noqa: N803
    """The matrix exponential of each square matrix of A."""
    check_matrices("linalg.matrix_exp", A, square=True)
    return MatrixExp.apply(A)


def matrix_power(A, n, *, out=None):  # noqa: N803
    """Aⁿ for each square matrix of A: the identity for n = 0 (its gradient 0, as in PyTorch), A⁻¹ to the power
    |n| for n < 0; by repeated squaring, log₂ n products. Integer matrices take n ≥ 0, bool ones n ≤ 1."""
    name = "linalg.matrix_power"
    no_out(name, out)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: expected square matrices, got shape {A.shape}")
    if A.dtype == backend.bool_ and n > 1:
        raise RuntimeError(f"{name}: expected numbers, got bool matrices (PyTorch has no product of them)")
    if n < 0:
        A, n = inv(A), -n
    result = None
    while n:
        if n & 1:
            result = A if result is None else matmul(result, A)
        n >>= 1
        if n:
            A = matmul(A, A)
    if result is None:
        return unread(A, discrete(lambda xp, a: xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape), A))
    return result


def tensorinv(A, ind=2, *, out=None):  # noqa: N803
    """The inverse of A seen as a linear map from its last dimensions (A.shape[ind:]) to its first: the tensor
    of shape A.shape[ind:] + A.shape[:ind] that tensordot with A over ind dimensions makes the identity."""
    no_out("linalg.tensorinv", out)
    if ind <= 0:
        raise RuntimeError(f"linalg.tensorinv: ind must be a positive integer, got {ind}")
    rows, columns = int(np.prod(A.shape[:ind])), int(np.prod(A.shape[ind:]))
    if rows != columns:
        raise RuntimeError(f"linalg.tensorinv: the first {ind} dimensions of A (size {rows}) and the others "
                           f"(size {columns}) must hold as many elements")
    return reshape(inv(reshape(A, (rows, columns))), A.shape[ind:] + A.shape[:ind])


def tensorsolve(A, B, dims=None, *, out=None):  # noqa: N803
    """X with tensordot(A, X, X.ndim) = B: X has the shape of A's dimensions after B's; dims, when given,
    are dimensions of A moved to the end first."""
    no_out("linalg.tensorsolve", out)
    if dims is not None:
        dims = tuple(d % A.ndim for d in dims)
        A = movedim(A, dims, tuple(range(A.ndim - len(dims), A.ndim)))
    shape = A.shape[B.ndim:]
    rows, columns = B.numel(), int(np.prod(shape))
    if int(np.prod(A.shape[:B.ndim])) != rows or rows != columns:
        raise RuntimeError(f"linalg.tensorsolve: A of shape {A.shape} does not map tensors of shape {shape} to "
                           f"B's shape {B.shape} as a square system")
    return reshape(solve(reshape(A, (rows, columns)), reshape(B, (rows,))), shape)
