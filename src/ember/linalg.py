"""ember.linalg, PyTorch's torch.linalg: linear algebra on batches of matrices (the last two dimensions).

Thin functions over ember.ops: the products in ops/linalg.py, the factorizations in ops/decompositions.py,
the solvers, inverses and determinants in ops/solvers.py. Here too: the norms of vectors and matrices, the
condition number and Vandermonde matrices. eig and eigvals (whose results are complex) and the LDL
factorization are left out (see ember.omissions).
"""

import math

from .ops import reduce
from .ops.decompositions import (LinAlgError, check_matrices, cholesky_ex, eigh, eigvalsh, householder_product,
                                 linalg_cholesky, linalg_qr, linalg_svd, lu, lu_factor, lu_factor_ex, no_out,
                                 svdvals, warn_deprecated)
from .ops.diagonal import diagonal as _diagonal
from .ops.elementwise import cast, where
from .ops.linalg import linalg_cross, matmul, multi_dot, vecdot
from .ops.reduce import vector_norm
from .ops.shape import movedim, normalize_dim, numpy_names, stack
from .ops.solvers import (det, inv, inv_ex, lstsq, lu_solve, matrix_exp, matrix_power, matrix_rank, pinv, slogdet,
                          solve, solve_ex, solve_triangular, tensorinv, tensorsolve)
from . import backend, omissions

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
           "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul",
           "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
           "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot",
           "vector_norm"]

cholesky, qr, svd, cross = linalg_cholesky, linalg_qr, linalg_svd, linalg_cross


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):  # noqa: N803 (PyTorch's argument names)
    """The diagonal of each matrix of A (a view; offset above the main one, below if negative)."""
    return _diagonal(A, offset, dim1, dim2)


def vander(x, N=None):  # noqa: N803
    """The Vandermonde matrix of each vector of x (..., n): (..., n, N) with column j holding x ** j (N is n
    unless given, and must be more than 1). Built by repeated products, so gradients flow back to x."""
    if x.ndim == 0:
        raise RuntimeError("linalg.vander: x must have at least one dimension, got a 0-d tensor")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError(f"linalg.vander: N must be greater than 1, got {n}")
    powers = [reduce.discrete(lambda xp, a: xp.ones_like(a), x), x]
    while len(powers) < n:
        powers.append(powers[-1] * x)
    return stack(powers, dim=-1)


# ---------------------------------------------------------------------------------------------
# Norms.

_MATRIX_ORDERS = ("fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf)


def _widened(name, A, dtype):
    """A cast to dtype (which must not narrow it), or A as it is."""
    if dtype is None:
        return A
    dtype = backend.as_dtype(dtype)
    if A.dtype.kind != "f" or dtype.itemsize < A.dtype.itemsize:
        raise RuntimeError(f"{name}: the input's dtype {A.dtype} cannot be converted to {dtype} without narrowing")
    return cast(A, dtype)


@numpy_names
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):  # noqa: A002, N803
    """A norm of the matrices in the two dimensions dim: 'fro' (√Σ a²), 'nuc' (Σ σ), 2 and -2 (the largest and
    smallest singular value), 1 and -1 (the largest and smallest Σ|a| of a column), inf and -inf (of a row)."""
    name = "linalg.matrix_norm"
    no_out(name, out)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: expected a tensor of at least 2 dimensions, got shape {A.shape}")
    if ord not in _MATRIX_ORDERS:
        raise RuntimeError(f"{name}: ord {ord!r} is not a matrix norm; expected one of {_MATRIX_ORDERS}")
    if len(dim) != 2:
        raise RuntimeError(f"{name}: dim must be two dimensions, got {dim}")
    rows, columns = normalize_dim(dim[0], A.ndim), normalize_dim(dim[1], A.ndim)
    if rows == columns:
        raise RuntimeError(f"{name}: dim must be two different dimensions, got {dim}")
    A = _widened(name, A, dtype)
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim)
    if ord == "nuc":
        return reduce.nuclear_norm(A, dim, keepdim)
    if ord in (2, -2):
        values = svdvals(movedim(A, (rows, columns), (-2, -1)))[..., 0 if ord == 2 else -1]
        return _kept(values, (rows, columns)) if keepdim else values
    summed, across = (rows, columns) if ord in (1, -1) else (columns, rows)
    sums = A.abs().sum(summed, keepdim=True)
    extreme = sums.amax(across, keepdim=True) if ord > 0 else sums.amin(across, keepdim=True)
    return extreme if keepdim else extreme.squeeze((rows, columns))


def _kept(values, axes):
    """values with the two reduced dimensions put back as size 1."""
    for axis in sorted(axes):
        values = values.unsqueeze(axis)
    return values


@numpy_names
def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):  # noqa: A002, N803
    """A vector norm (dim one dimension, or A 1-D) or a matrix norm (dim two dimensions, or A 2-D) of the
    order ord; with neither ord nor dim, the 2-norm of all elements."""
    name = "linalg.norm"
    no_out(name, out)
    if dim is None and ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"{name}: with ord and no dim, the input must be 1-D or 2-D, got shape {A.shape}")
    dims = (dim,) if isinstance(dim, int) else dim
    matrix = dims is not None and len(dims) == 2 or (dims is None and ord is not None and A.ndim == 2)
    if matrix:
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dims is None else dims, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"{name}: ord {ord!r} is a matrix norm, but dim names one dimension")
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)


def frobenius_norm(input, dim, keepdim=False, *, out=None):  # noqa: A002
    """torch.frobenius_norm (deprecated): √Σ x² over one or two dimensions."""
    warn_deprecated("frobenius_norm", "linalg.vector_norm(input, 2, dim, keepdim)")
    no_out("frobenius_norm", out)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) > 2:
        raise RuntimeError(f"frobenius_norm: expected one or two dimensions, got {dim}")
    return vector_norm(input, 2, dims, keepdim)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
    """torch.nuclear_norm (deprecated): Σ σ of the matrices in the two dimensions dim (the last two without
    dim); nuclear_norm(input, keepdim) is PyTorch's other spelling."""
    warn_deprecated("nuclear_norm", "linalg.matrix_norm(input, 'nuc', dim, keepdim)")
    no_out("nuclear_norm", out)
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    if dim is None and input.ndim < 2:
        raise RuntimeError(f"nuclear_norm: expected matrices (at least 2 dimensions), got shape {input.shape}")
    return reduce.nuclear_norm(input, (-2, -1) if dim is None else dim, keepdim)


def cond(A, p=None, *, out=None):  # noqa: N803
    """The condition number of each matrix of A: σ_max / σ_min for p None or 2 (σ_min / σ_max for -2);
    for the other matrix norms ‖A‖ ‖A⁻¹‖ of square matrices, inf for a singular one."""
    name = "linalg.cond"
    no_out(name, out)
    check_matrices(name, A, square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        values = svdvals(A)
        ratio = values[..., 0] / values[..., -1]
        return ratio if p != -2 else 1 / ratio
    inverse, info = inv_ex(A)
    return where(info > 0, math.inf, matrix_norm(A, p) * matrix_norm(where(info[..., None, None] > 0, 0.0, inverse), p))


def __getattr__(name):
    raise omissions.missing("torch.linalg", name)
