"""Matrix factorizations: a matrix written as a product of simpler ones (triangular, orthogonal, diagonal).

Cholesky (A = L Lᵀ), QR (A = Q R), the singular value decomposition (A = U S Vᵀ), the symmetric
eigendecomposition (A = V diag(w) Vᵀ) and LU with partial pivoting (A = P L U), each over any leading
batch dimensions. The array module's LAPACK (numpy.linalg, cupy.linalg) computes the first four; LU is
Gaussian elimination written here, as neither NumPy nor CuPy has it. Each backward is the standard
matrix-calculus result, written next to its forward. Triangular systems are solved by substitution
(`substitute`), which the backward passes and the solvers share.
"""

import math
import warnings
from collections import namedtuple

import numpy as np

from .. import backend
from ..autograd import Function
from .diagonal import tril, triu
from .elementwise import where
from .reduce import discrete, unread
from .shape import transpose

cholesky_ex_result = namedtuple("linalg_cholesky_ex", ["L", "info"])
qr_result = namedtuple("qr", ["Q", "R"])
svd_result = namedtuple("linalg_svd", ["U", "S", "Vh"])
svd_uv_result = namedtuple("svd", ["U", "S", "V"])
eigh_result = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
lu_factor_result = namedtuple("linalg_lu_factor", ["LU", "pivots"])
lu_factor_ex_result = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
plu_result = namedtuple("linalg_lu", ["P", "L", "U"])


class LinAlgError(RuntimeError):
    """A matrix that the math cannot handle: singular where an inverse is needed, not positive-definite
    for Cholesky (torch.linalg.LinAlgError)."""


# ---------------------------------------------------------------------------------------------
# Checks and the errors of matrices that cannot be factored.

def warn_deprecated(name, replacement):
    """The warning PyTorch gives for a deprecated name (it warns once; Python's warnings show each place once)."""
    warnings.warn(f"{name} is deprecated (as in PyTorch): use {replacement}", UserWarning, stacklevel=3)


def no_out(name, out):
    """Refuse PyTorch's out= argument, which ember does not have."""
    if out is not None:
        raise TypeError(f"{name}: ember has no out= arguments; use the returned tensor")


def check_matrices(name, a, square=False):
    """a must be a float32 or float64 batch of matrices (..., m, n), square if asked."""
    if a.ndim < 2:
        raise RuntimeError(f"{name}: expected a tensor of at least 2 dimensions (matrices), got shape {a.shape}")
    if a.dtype not in (backend.float32, backend.float64):
        raise RuntimeError(f"{name}: expected a float32 or float64 tensor, got {a.dtype}")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: expected square matrices, got {a.shape[-2]} by {a.shape[-1]} matrices")


def transposed(xp, a):
    """The transpose of each matrix of an array."""
    return xp.swapaxes(a, -1, -2)


def failed_matrix(info):
    """The first matrix of a batch whose info is non-zero, as PyTorch's messages name it: ("", k) for a
    single matrix, ("(batch element b) ", k) in a batch."""
    flat = info.reshape(-1)
    b = int(np.flatnonzero(backend.to_device(flat, backend.CPU))[0])
    return ("" if info.ndim == 0 else f"(batch element {b}) "), int(flat[b])


def singular_info(xp, a):
    """Per matrix of a, 0 or the 1-based place of the first zero on the diagonal of its LU factor U (int32)."""
    return eliminate(xp, a, pivot=True)[2]


def report_singular(name, info):
    """Raise LinAlgError naming the first matrix whose info (singular_info's) is not 0, if there is one."""
    if info.any():
        place, k = failed_matrix(info)
        raise LinAlgError(f"{name}: {place}the matrix is singular: U[{k},{k}] of its LU factorization is zero")


def raise_if_singular(name, a):
    """Raise LinAlgError when a matrix of a has no inverse."""
    report_singular(name, singular_info(backend.xp_of(a), a))


def _positive_definite_info(xp, a):
    """Per matrix, the order of the first leading minor that is not positive-definite (0 if none): where
    elimination without pivoting of the symmetric matrix (its lower triangle) meets a pivot ≤ 0."""
    symmetric = xp.tril(a) + transposed(xp, xp.tril(a, -1))
    pivots = xp.diagonal(eliminate(xp, symmetric, pivot=False)[0], axis1=-2, axis2=-1)
    return _first(xp, ~(pivots > 0))


def _first(xp, flags):
    """The 1-based place of the first True along the last axis of flags, 0 where there is none (int32)."""
    if flags.shape[-1] == 0:
        return xp.zeros(flags.shape[:-1], dtype=backend.int32)
    return xp.where(flags.any(axis=-1), flags.argmax(axis=-1) + 1, 0).astype(backend.int32)


def raise_if_not_positive_definite(name, a):
    info = _positive_definite_info(backend.xp_of(a), a)
    if info.any():
        place, k = failed_matrix(info)
        raise LinAlgError(f"{name}: {place}the matrix is not positive-definite: its leading minor of order {k} "
                          "is not positive-definite")


def _finite(xp, out):
    return bool(xp.isfinite(out).all())


def lapack(name, compute, a, raise_if_failed=raise_if_singular, looks_right=_finite):
    """compute(), a LAPACK call on the matrices a, with a matrix it cannot handle reported as LinAlgError by
    raise_if_failed(name, a). NumPy raises on such a matrix; CuPy returns numbers that fail
    looks_right(xp, out) (not all finite, for an inverse)."""
    xp = backend.xp_of(a)
    try:
        out = compute()
    except np.linalg.LinAlgError:  # NumPy raises it (and CuPy, when told to check)
        out = None
    if out is None or not looks_right(xp, out):
        raise_if_failed(name, a)
    if out is None:
        raise LinAlgError(f"{name}: the factorization failed (the matrix is singular or nearly so)")
    return out


# ---------------------------------------------------------------------------------------------
# Triangular systems, by substitution.

def substitute(xp, a, b, upper, unit=False, block=64):
    """X with T X = B, for T the upper (or lower) triangle of a (..., n, n) and B (..., n, k), batches
    broadcast: back (forward) substitution. It goes a block of rows at a time, from the last (first): one
    matrix product takes from the block's right-hand side what the rows already solved contribute, then
    the block's rows are solved one by one. unit: T's diagonal is taken as ones. A zero on the diagonal
    gives infinities, as LAPACK's."""
    n = a.shape[-1]
    x = xp.zeros(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], dtype=np.result_type(a.dtype, b.dtype))
    starts = range(0, n, block)
    for start in (reversed(starts) if upper else starts):
        stop = min(start + block, n)
        solved = slice(stop, n) if upper else slice(0, start)
        rhs = b[..., start:stop, :] - a[..., start:stop, solved] @ x[..., solved, :]
        for i in (range(stop - 1, start - 1, -1) if upper else range(start, stop)):
            within = slice(i + 1, stop) if upper else slice(start, i)
            row = rhs[..., i - start, :] - (a[..., i:i + 1, within] @ x[..., within, :])[..., 0, :]
            x[..., i, :] = row if unit else row / a[..., i, i, None]
    return x


def _right_substitute(xp, a, b, upper, unit=False):
    """X with X Tᵀ = B (X = B T⁻ᵀ), for T the upper (lower) triangle of a."""
    return transposed(xp, substitute(xp, a, transposed(xp, b), upper, unit))


# ---------------------------------------------------------------------------------------------
# Cholesky.

def _a_cholesky_factor(xp, lower):
    """A factor has a positive diagonal; where CuPy stopped at a minor that is not positive-definite, it has not."""
    return bool((xp.diagonal(lower, axis1=-2, axis2=-1) > 0).all())


class Cholesky(Function):
    """A = L Lᵀ for a symmetric positive-definite A, L lower triangular with a positive diagonal.

    dA = dL Lᵀ + L dLᵀ gives L⁻¹ dL = Φ(L⁻¹ dA L⁻ᵀ), Φ taking the lower triangle and half the diagonal, so
    Ā = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, symmetrized (A is symmetric: only its symmetric part moves).
    """

    def forward(ctx, a):
        out = lapack("linalg.cholesky", lambda: ctx.xp.linalg.cholesky(a), a, raise_if_not_positive_definite,
                     _a_cholesky_factor)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        xp = ctx.xp
        (lower,) = ctx.saved
        phi = xp.tril(transposed(xp, lower) @ grad)
        diagonal = xp.arange(phi.shape[-1])
        phi[..., diagonal, diagonal] /= 2
        inner = substitute(xp, transposed(xp, lower), phi, upper=True)
        grad_a = _right_substitute(xp, transposed(xp, lower), inner, upper=True)
        return (grad_a + transposed(xp, grad_a)) / 2


def linalg_cholesky(A, *, upper=False, out=None):  # noqa: N803 (PyTorch's argument names)
    """The Cholesky factor of each symmetric positive-definite matrix of A (..., n, n): L with A = L Lᵀ, or
    U = Lᵀ with A = Uᵀ U when upper. A matrix that is not positive-definite raises LinAlgError."""
    no_out("linalg.cholesky", out)
    check_matrices("linalg.cholesky", A, square=True)
    lower = Cholesky.apply(A)
    return transpose(lower, -2, -1) if upper else lower


def cholesky(input, upper=False, *, out=None):  # noqa: A002
    """torch.cholesky (deprecated): linalg.cholesky with upper as a positional argument."""
    warn_deprecated("cholesky", "linalg.cholesky")
    return linalg_cholesky(input, upper=upper, out=out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):  # noqa: N803
    """(L, info): the Cholesky factor of each matrix that is positive-definite (NaN for the others), and
    per matrix 0 or the order of its first leading minor that is not positive-definite (int32)."""
    no_out("linalg.cholesky_ex", out)
    check_matrices("linalg.cholesky_ex", A, square=True)
    info = discrete(_positive_definite_info, A)
    if check_errors:
        raise_if_not_positive_definite("linalg.cholesky_ex", A.array)
    return cholesky_ex_result(where_factored(info, A, lambda a: linalg_cholesky(a, upper=upper)), info)


def where_factored(info, a, compute):
    """compute(a) for the matrices whose info is 0, NaN for the others (which compute never sees)."""
    good = discrete(lambda xp, i: (i == 0)[..., None, None], info)
    identity = discrete(lambda xp, m: xp.broadcast_to(xp.eye(m.shape[-1], dtype=m.dtype), m.shape), a)
    result = compute(where(good, a, identity))
    return where(good, result, float("nan"))


# ---------------------------------------------------------------------------------------------
# QR.

class QR(Function):
    """A = Q R with Q's columns orthonormal and R upper triangular (mode 'reduced': Q (m, k), R (k, n),
    k = min(m, n); 'complete': Q (m, m), R (m, n)).

    For m ≥ n: Ā = (Q̄ + Q sym(M)) R⁻ᵀ with M = R R̄ᵀ - Q̄ᵀ Q and sym(M) the symmetric matrix of M's lower
    triangle. A wide A = [X | Y] (m < n) factors as X = Q U, Y = Q V: X̄ is the square case with
    Q̄ + Y V̄ᵀ for Q̄, and Ȳ = Q V̄. With mode 'complete' and m > n, Q's extra columns are not determined by
    A, so there is no derivative.
    """

    def forward(ctx, a, mode):
        q, r = ctx.xp.linalg.qr(a, mode=mode)
        ctx.save_for_backward(a, q, r)
        return q, r

    def backward(ctx, grad_q, grad_r):
        xp = ctx.xp
        a, q, r = ctx.saved
        m, n = a.shape[-2:]
        if q.shape[-1] > min(m, n):
            raise RuntimeError("linalg.qr: mode='complete' has no derivative when A has more rows than columns; "
                               "use mode='reduced'")
        if m >= n:
            return _qr_square_backward(xp, q, r, grad_q, grad_r)
        y, grad_v = a[..., m:], grad_r[..., m:]
        grad_x = _qr_square_backward(xp, q, r[..., :m], grad_q + y @ transposed(xp, grad_v), grad_r[..., :m])
        return xp.concatenate([grad_x, q @ grad_v], axis=-1)


def _qr_square_backward(xp, q, r, grad_q, grad_r):
    """Ā of A = Q R with R square (A has at least as many rows as columns)."""
    middle = r @ transposed(xp, grad_r) - transposed(xp, grad_q) @ q
    symmetric = xp.tril(middle) + transposed(xp, xp.tril(middle, -1))
    return _right_substitute(xp, r, grad_q + q @ symmetric, upper=True)


def linalg_qr(A, mode="reduced", *, out=None):  # noqa: N803
    """(Q, R) with A = Q R (see QR); mode 'r' gives R only, and an empty Q."""
    no_out("linalg.qr", out)
    check_matrices("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    q, r = QR.apply(A, mode="reduced" if mode == "r" else mode)
    if mode == "r":
        q = discrete(lambda xp, a: xp.zeros(0, dtype=a.dtype), A)
    return qr_result(q, r)


def qr(input, some=True, *, out=None):  # noqa: A002
    """torch.qr (deprecated): linalg.qr, reduced when some, complete otherwise."""
    warn_deprecated("qr", "linalg.qr")
    return linalg_qr(input, "reduced" if some else "complete", out=out)


# ---------------------------------------------------------------------------------------------
# The singular value decomposition and the symmetric eigendecomposition.

def _inverse_gaps(xp, values):
    """F with F_ij = 1 / (values_j - values_i) off the diagonal, 0 on it (infinite for equal values, which
    is why these derivatives break down where eigenvalues or singular values repeat, as PyTorch's do)."""
    gaps = values[..., None, :] - values[..., :, None]
    diagonal = xp.arange(values.shape[-1])
    gaps[..., diagonal, diagonal] = 1
    inverse = 1 / gaps
    inverse[..., diagonal, diagonal] = 0
    return inverse


class SVD(Function):
    """A = U diag(S) Vᵀ, S descending; reduced (U (m, k), Vᵀ (k, n), k = min(m, n)) or full.

    With F_ij = 1 / (s_j² - s_i²): Ā = U [diag(S̄) + (F ∘ (UᵀŪ - ŪᵀU)) S + S (F ∘ (VᵀV̄ - V̄ᵀV))] Vᵀ
    + (I - UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I - VVᵀ). The full U's and V's extra columns get no gradient.
    A loss that reaches only S gets U diag(S̄) Vᵀ, finite even where singular values repeat; U and V
    themselves are unstable there (and have a sign each that the loss must not depend on).
    """

    def forward(ctx, a, full_matrices):
        u, s, vh = ctx.xp.linalg.svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    def backward(ctx, grad_u, grad_s, grad_vh):
        xp = ctx.xp
        u, s, vh = ctx.saved
        k = s.shape[-1]
        u, vh, grad_u, grad_vh = u[..., :k], vh[..., :k, :], grad_u[..., :k], grad_vh[..., :k, :]
        diagonal = xp.arange(k)
        middle = xp.zeros(s.shape + (k,), dtype=s.dtype)
        middle[..., diagonal, diagonal] = grad_s
        if not (grad_u.any() or grad_vh.any()):
            return u @ middle @ vh
        v, grad_v = transposed(xp, vh), transposed(xp, grad_vh)
        f = _inverse_gaps(xp, s * s)
        ut_gu, vt_gv = transposed(xp, u) @ grad_u, vh @ grad_v
        middle += (f * (ut_gu - transposed(xp, ut_gu))) * s[..., None, :]
        middle += s[..., :, None] * (f * (vt_gv - transposed(xp, vt_gv)))
        grad_a = u @ middle @ vh
        grad_a += (grad_u - u @ ut_gu) / s[..., None, :] @ vh
        grad_a += u @ (transposed(xp, grad_v - v @ vt_gv) / s[..., :, None])
        return grad_a


class SingularValues(Function):
    """The singular values of A, descending: S̄ reaches A as Ā = U diag(S̄) Vᵀ."""

    def forward(ctx, a):
        if not ctx.needs_input_grad[0]:
            return ctx.xp.linalg.svd(a, compute_uv=False)
        u, s, vh = ctx.xp.linalg.svd(a, full_matrices=False)
        ctx.save_for_backward(u, vh)
        return s

    def backward(ctx, grad):
        u, vh = ctx.saved
        return (u * grad[..., None, :]) @ vh


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):  # noqa: N803
    """(U, S, Vh) with A = U diag(S) Vh, S descending (see SVD)."""
    no_out("linalg.svd", out)
    _no_driver("linalg.svd", driver)
    check_matrices("linalg.svd", A)
    return svd_result(*SVD.apply(A, full_matrices=full_matrices))


def svdvals(A, *, driver=None, out=None):  # noqa: N803
    """The singular values of each matrix of A (..., m, n), descending: (..., min(m, n))."""
    no_out("linalg.svdvals", out)
    _no_driver("linalg.svdvals", driver)
    check_matrices("linalg.svdvals", A)
    return SingularValues.apply(A)


def svd(input, some=True, compute_uv=True, *, out=None):  # noqa: A002
    """torch.svd: (U, S, V) with input = U diag(S) Vᵀ (V, not Vᵀ); reduced when some. Without compute_uv,
    U and V are zero matrices (m, m) and (n, n)."""
    no_out("svd", out)
    check_matrices("svd", input)
    if not compute_uv:
        m, n = input.shape[-2:]
        return svd_uv_result(_zero_matrices(input, m), SingularValues.apply(input), _zero_matrices(input, n))
    u, s, vh = SVD.apply(input, full_matrices=not some)
    return svd_uv_result(u, s, transpose(vh, -2, -1))


def _zero_matrices(a, size):
    """Zero matrices (size, size), one for each matrix of a, outside the graph."""
    return discrete(lambda xp, array: xp.zeros(array.shape[:-2] + (size, size), array.dtype), a)


def _no_driver(name, driver):
    if driver is not None:
        raise RuntimeError(f"{name}: driver= chooses a cuSOLVER routine, which ember does not; leave it None")


class Eigh(Function):
    """A = V diag(w) Vᵀ for a symmetric A (read from its lower triangle, or upper when UPLO='U'): the
    eigenvalues w ascending, the eigenvectors V orthonormal columns.

    dw = diag(Vᵀ dA V) and Vᵀ dV = F ∘ (Vᵀ dA V) with F_ij = 1 / (w_j - w_i), so for a symmetric dA:
    Ā = V (diag(w̄) + F ∘ (VᵀV̄ - V̄ᵀV) / 2) Vᵀ, a symmetric matrix. A loss that reaches only w gets
    V diag(w̄) Vᵀ, finite even where eigenvalues repeat; V is unstable there.
    """

    def forward(ctx, a, uplo):
        w, v = ctx.xp.linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    def backward(ctx, grad_w, grad_v):
        xp = ctx.xp
        w, v = ctx.saved
        inner = transposed(xp, v) @ grad_v
        middle = _inverse_gaps(xp, w) * (inner - transposed(xp, inner)) / 2 if grad_v.any() else xp.zeros_like(inner)
        diagonal = xp.arange(w.shape[-1])
        middle[..., diagonal, diagonal] += grad_w
        return v @ middle @ transposed(xp, v)


class Eigenvalues(Function):
    """The eigenvalues of a symmetric A, ascending: w̄ reaches A as Ā = V diag(w̄) Vᵀ."""

    def forward(ctx, a, uplo):
        w, v = ctx.xp.linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(v)
        return w

    def backward(ctx, grad):
        (v,) = ctx.saved
        return (v * grad[..., None, :]) @ transposed(ctx.xp, v)


def _check_uplo(name, A, UPLO):  # noqa: N803
    check_matrices(name, A, square=True)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"{name}: expected UPLO to be 'L' or 'U', got {UPLO!r}")


def eigh(A, UPLO="L", *, out=None):  # noqa: N803
    """(eigenvalues, eigenvectors) of each symmetric matrix of A, ascending (see Eigh)."""
    no_out("linalg.eigh", out)
    _check_uplo("linalg.eigh", A, UPLO)
    return eigh_result(*Eigh.apply(A, uplo=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):  # noqa: N803
    """The eigenvalues of each symmetric matrix of A, ascending."""
    no_out("linalg.eigvalsh", out)
    _check_uplo("linalg.eigvalsh", A, UPLO)
    return Eigenvalues.apply(A, uplo=UPLO)


# ---------------------------------------------------------------------------------------------
# LU: Gaussian elimination with partial pivoting.

def eliminate(xp, a, pivot):
    """Gaussian elimination of each matrix of a (..., m, n): (LU, pivots, info), L and U packed in one
    matrix (L's unit diagonal left out), pivots[j] the 1-based row that row j was swapped with before
    column j was eliminated (LAPACK's record), info the 1-based place of the first zero on U's diagonal
    (0 if none). With pivot, each column's pivot is its largest remaining entry in size."""
    m, n = a.shape[-2:]
    lu = a.reshape(math.prod(a.shape[:-2]), m, n).copy()
    batch, k = xp.arange(lu.shape[0]), min(m, n)
    pivots = xp.empty((lu.shape[0], k), dtype=backend.int32)
    for j in range(k):
        p = xp.argmax(xp.abs(lu[:, j:, j]), axis=1) + j if pivot else xp.full(lu.shape[0], j)
        pivots[:, j] = p + 1
        row = lu[:, j].copy()
        lu[:, j] = lu[batch, p]
        lu[batch, p] = row
        head = lu[:, j, j:j + 1]
        lu[:, j + 1:, j] /= xp.where(head == 0, 1, head)  # a zero pivot leaves its column (all 0 with pivot)
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    info = _first(xp, xp.diagonal(lu, axis1=-2, axis2=-1) == 0)
    shape = a.shape[:-2]
    return lu.reshape(a.shape), pivots.reshape(shape + (k,)), info.reshape(shape)


def permutation(xp, pivots, m):
    """The row order of P (m, m) that LAPACK's pivots record: A's rows in this order are L U's (Pᵀ A = L U)."""
    count = math.prod(pivots.shape[:-1])
    order = xp.broadcast_to(xp.arange(m), (count, m)).copy()
    swaps = pivots.reshape(count, pivots.shape[-1]).astype(backend.int64) - 1
    batch = xp.arange(order.shape[0])
    for j in range(swaps.shape[1]):
        p = swaps[:, j]
        order[:, j], order[batch, p] = order[batch, p], order[:, j].copy()
    return order.reshape(pivots.shape[:-1] + (m,))


class LUFactor(Function):
    """Pᵀ A = L U, L unit lower triangular (m, k), U upper triangular (k, n), k = min(m, n), packed in one
    matrix LU (with the pivots and info as integers, which have no gradient).

    With L̄ the strict lower and Ū the upper part of LU's gradient, blocks L = [L₁; L₂], U = [U₁ U₂]
    (L₁, U₁ square) and M = tril₋₁(L₁ᵀL̄₁ - Ū₂U₂ᵀ) + triu(Ū₁U₁ᵀ - L₂ᵀL̄₂): Pᵀ Ā is L₁⁻ᵀ M U₁⁻ᵀ in its
    square block, L̄₂ U₁⁻ᵀ below it (tall A) and L₁⁻ᵀ Ū₂ beside it (wide A).
    """

    def forward(ctx, a, pivot):
        lu, pivots, info = eliminate(ctx.xp, a, pivot)
        ctx.save_for_backward(lu, pivots)
        return lu, pivots, info

    def backward(ctx, grad, grad_pivots, grad_info):
        xp = ctx.xp
        lu, pivots = ctx.saved
        m, n = lu.shape[-2:]
        k = min(m, n)
        lower, upper = xp.tril(lu[..., :k, :k], -1) + xp.eye(k, dtype=lu.dtype), xp.triu(lu[..., :k, :k])
        below, beside = lu[..., k:, :k], lu[..., :k, k:]
        grad_below, grad_beside = grad[..., k:, :k], grad[..., :k, k:]
        middle = xp.tril(transposed(xp, lower) @ xp.tril(grad[..., :k, :k], -1) - grad_beside @ transposed(xp, beside),
                         -1)
        middle += xp.triu(xp.triu(grad[..., :k, :k]) @ transposed(xp, upper) - transposed(xp, below) @ grad_below)
        top = substitute(xp, transposed(xp, lower), middle, upper=True, unit=True)
        grad_a = _right_substitute(xp, upper, top, upper=True)
        if m > n:
            grad_a = xp.concatenate([grad_a, _right_substitute(xp, upper, grad_below, upper=True)], axis=-2)
        elif n > m:
            grad_a = xp.concatenate([grad_a, substitute(xp, transposed(xp, lower), grad_beside, upper=True, unit=True)],
                                    axis=-1)
        unswap = xp.argsort(permutation(xp, pivots, m), axis=-1)  # Ā's row i is (PᵀĀ)'s row unswap[i]
        return xp.take_along_axis(grad_a, xp.broadcast_to(unswap[..., None], grad_a.shape), axis=-2)


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):  # noqa: N803
    """(LU, pivots, info) of each matrix of A (..., m, n): Pᵀ A = L U packed as in LAPACK (see LUFactor);
    info is 0, or the 1-based place of the first zero on U's diagonal. pivot=False eliminates without row
    swaps (PyTorch does that on CUDA only), which fails where a pivot is zero."""
    no_out("linalg.lu_factor_ex", out)
    check_matrices("linalg.lu_factor_ex", A)
    lu, pivots, info = LUFactor.apply(A, pivot=pivot)
    if check_errors and info.array.any():
        place, k = failed_matrix(info.array)
        raise LinAlgError(f"linalg.lu_factor_ex: {place}U[{k},{k}] is zero")
    return lu_factor_ex_result(lu, pivots, info)


def lu_factor(A, *, pivot=True, out=None):  # noqa: N803
    """(LU, pivots) of each matrix of A (see lu_factor_ex); a zero on U's diagonal, which lu_solve would
    divide by, raises an error (lu_factor_ex returns it as info instead)."""
    no_out("linalg.lu_factor", out)
    lu, pivots, info = lu_factor_ex(A, pivot=pivot)
    if info.array.any():
        place, k = failed_matrix(info.array)
        raise RuntimeError(f"linalg.lu_factor: {place}U[{k},{k}] is zero, and lu_solve would divide by it; "
                           "linalg.lu_factor_ex and linalg.lu factor such matrices")
    return lu_factor_result(lu, pivots)


def lu(A, *, pivot=True, out=None):  # noqa: N803
    """(P, L, U) with A = P L U: P a permutation matrix (m, m), L unit lower triangular (m, k), U upper
    triangular (k, n), k = min(m, n)."""
    no_out("linalg.lu", out)
    factors = lu_factor_ex(A, pivot=pivot)
    return plu_result(*lu_unpack(factors.LU, factors.pivots))


def torch_lu(A, pivot=True, get_infos=False, out=None):  # noqa: N803
    """torch.lu (deprecated): (LU, pivots), and info with get_infos; unlike linalg.lu_factor, it factors singular
    matrices without an error, as PyTorch's does."""
    warn_deprecated("lu", "linalg.lu_factor or linalg.lu_factor_ex")
    factors = lu_factor_ex(A, pivot=pivot, out=out)
    return factors if get_infos else factors[:2]


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):  # noqa: N803
    """(P, L, U) from lu_factor's packed LU (..., m, n) and pivots (..., k); L and U are empty unless
    unpack_data, P unless unpack_pivots. P is a tensor of LU's dtype, with A = P L U."""
    no_out("lu_unpack", out)
    check_matrices("lu_unpack", LU_data)
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    if LU_pivots.dtype != backend.int32 or LU_pivots.shape != LU_data.shape[:-2] + (k,):
        raise RuntimeError(f"lu_unpack: expected int32 pivots of shape {LU_data.shape[:-2] + (k,)}, got "
                           f"{LU_pivots.dtype} pivots of shape {LU_pivots.shape}")
    empty = discrete(lambda xp, a: xp.zeros(0, dtype=a.dtype), LU_data)
    lower = upper = permutation_matrix = empty
    if unpack_data:
        unit = discrete(lambda xp, a: xp.eye(m, k, dtype=a.dtype), LU_data)
        lower = tril(LU_data[..., :, :k], -1) + unit
        upper = triu(LU_data[..., :k, :])
    if unpack_pivots:
        permutation_matrix = discrete(lambda xp, a, p: (xp.arange(m)[:, None] == permutation(xp, p, m)[..., None, :])
                                      .astype(a.dtype), LU_data, LU_pivots)
    return plu_result(permutation_matrix, lower, upper)


# ---------------------------------------------------------------------------------------------
# Householder reflections.

def householder_product(A, tau, *, out=None):  # noqa: N803
    """The first n columns of H₁ H₂ ⋯ H_k, Hᵢ = I - τᵢ vᵢ vᵢᵀ the Householder reflection whose vector vᵢ is
    column i of A (m, n) below the diagonal with 1 on it; A (..., m, n), tau (..., k), k ≤ n ≤ m. Built
    from the right, Q ← Q - τᵢ vᵢ (vᵢᵀ Q), so gradients reach A and tau through the products."""
    name = "linalg.householder_product"
    no_out(name, out)
    check_matrices(name, A)
    m, n = A.shape[-2:]
    k = tau.shape[-1] if tau.ndim else 0
    if m < n:
        raise RuntimeError(f"{name}: A must have at least as many rows as columns, got shape {A.shape}")
    if tau.ndim != A.ndim - 1 or tau.shape[:-1] != A.shape[:-2] or k > n:
        raise RuntimeError(f"{name}: expected tau of shape {A.shape[:-2]} + (k,) with k <= {n}, got {tau.shape}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{name}: expected A and tau of one dtype, got {A.dtype} and {tau.dtype}")
    vectors = tril(A[..., :, :k], -1) + discrete(lambda xp, a: xp.eye(m, k, dtype=a.dtype), A)
    q = unread(A, discrete(lambda xp, a: xp.broadcast_to(xp.eye(m, n, dtype=a.dtype), a.shape), A))  # in the graph
    for i in reversed(range(k)):
        v = vectors[..., :, i:i + 1]
        q = q - tau[..., i, None, None] * (v @ (transpose(v, -2, -1) @ q))
    return q
