"""The rows of linear algebra: products (mm, bmm, addmm, einsum, ...), decompositions and solvers (cholesky,
lu, qr, svd, ...), determinants and inverses, and the matrix helpers (diag, tril, trace, ...)."""

from differential import EDGES, FLOATS, INTEGERS, Op, function, functional, method  # noqa: F401 (for the rows)

ROWS = [
]

# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
}

# The differentiable public functions of this family that have no row yet.
STILL_TO_WRITE = """
    addbmm addmm addmv addr adjoint baddbmm block_diag bmm cartesian_prod chain_matmul cholesky cholesky_inverse
    cholesky_solve combinations corrcoef cov cross det diag diag_embed diagflat diagonal diagonal_copy
    diagonal_scatter einsum frobenius_norm inner inverse kron logdet lu lu_solve lu_unpack matrix_exp
    matrix_power mm mv nuclear_norm orgqr pinverse qr slogdet svd tensordot trace triangular_solve tril triu vander"""
