"""ember.linalg, the torch.linalg namespace: its norms, condition numbers and Vandermonde matrices here (the
products, factorizations and solvers it re-exports are tested in tests/ops), and the namespace itself."""

import math
import warnings

import numpy as np
import pytest
import torch

import ember
from helpers import DEVICES, check_both_raise, check_gradcheck, check_op, check_parity, rand, raises

ORDERS = ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("ord", ORDERS)
def test_matrix_norms(device, ord):
    check_op(lambda lib, a: (lib.linalg.matrix_norm(a, ord), lib.linalg.matrix_norm(a, ord, dim=(0, 2), keepdim=True),
                             lib.linalg.norm(a[0], ord), lib.linalg.norm(a, ord, dim=(-1, -3))), rand(2, 3, 4),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("ord", [None, 2, 1, 0.5, 3, 0, math.inf, -math.inf])
def test_vector_norms(device, ord):
    check_op(lambda lib, a: (lib.linalg.norm(a[0, 0], ord), lib.linalg.norm(a, ord, dim=1, keepdim=True),
                             lib.linalg.norm(a, ord, dim=(2,)), lib.linalg.vector_norm(a, 2 if ord is None else ord)),
             rand(2, 3, 4), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_norm_of_everything_and_with_a_dtype(device):
    check_op(lambda lib, a: (lib.linalg.norm(a), lib.linalg.matrix_norm(a, dtype=lib.float64),
                             lib.linalg.norm(a, dtype=lib.float64)), rand(2, 3, 4, dtype=np.float32), device=device,
             gradcheck=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, math.inf, -math.inf])
def test_cond(device, p):
    a = rand(2, 3, 3) + 2 * np.eye(3)
    if p in (None, 2, -2):
        check_op(lambda lib, a: lib.linalg.cond(a, p), a, device=device)
    else:  # PyTorch's backward of ‖A‖ ‖A⁻¹‖ fails (it changes inv_ex's result in place), so ours is checked alone
        check_gradcheck(lambda lib, a: lib.linalg.cond(a, p), a, device=device)
        check_parity(lambda lib, a: lib.linalg.cond(a, p), a, device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_cond_of_a_singular_matrix_is_infinite(device):
    singular = np.diag([1.0, 2.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # σ_max / 0
        check_parity(lambda lib, a: [lib.linalg.cond(a, p) for p in (None, -2, "fro", 1, math.inf)], singular,
                     device=device, backward=False)
    check_op(lambda lib, a: lib.linalg.cond(a), rand(3, 5), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_deprecated_torch_norms(device):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # both warn that they are deprecated
        check_op(lambda lib, a: (lib.frobenius_norm(a, (0, 2)), lib.frobenius_norm(a, 1, True),
                                 lib.nuclear_norm(a[0]), lib.nuclear_norm(a[0], True),
                                 lib.nuclear_norm(a, (1, 2))), rand(2, 3, 4), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [None, 2, 5])
def test_vander(device, n):
    check_op(lambda lib, x: lib.linalg.vander(x, N=n), rand(2, 3), device=device)
    check_parity(lambda lib, x: lib.linalg.vander(x, N=n), np.arange(3), device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_diagonal_of_the_last_two_dimensions(device):
    check_op(lambda lib, a: (lib.linalg.diagonal(a), lib.linalg.diagonal(a, offset=1, dim1=0, dim2=2)),
             rand(2, 3, 4), device=device)


@pytest.mark.parametrize("call, message", [
    (lambda: ember.linalg.matrix_norm(ember.ones(3, 4), "foo"), "linalg.matrix_norm: ord 'foo' is not a matrix norm"),
    (lambda: ember.linalg.matrix_norm(ember.ones(3, 4), 3), "linalg.matrix_norm: ord 3 is not a matrix norm"),
    (lambda: ember.linalg.matrix_norm(ember.ones(3), 1), "linalg.matrix_norm: expected a tensor of at least 2"),
    (lambda: ember.linalg.matrix_norm(ember.ones(2, 3), dim=(0, 0)), "linalg.matrix_norm: dim must be two different"),
    (lambda: ember.linalg.matrix_norm(ember.ones(2, 3), dim=(1,)), "linalg.matrix_norm: dim must be two dimensions"),
    (lambda: ember.linalg.matrix_norm(ember.ones(2, 3, dtype=ember.float64), dtype=ember.float32),
     "linalg.matrix_norm: the input's dtype float64 cannot be converted to float32 without narrowing"),
    (lambda: ember.linalg.norm(ember.ones(2, 3, 4), "fro"), "linalg.norm: with ord and no dim, the input must be"),
    (lambda: ember.linalg.norm(ember.ones(2, 3, 4), "fro", dim=1), "linalg.norm: ord 'fro' is a matrix norm"),
    (lambda: ember.linalg.cond(ember.ones(3, 4), 1), "linalg.cond: expected square matrices, got 3 by 4"),
    (lambda: ember.linalg.vander(ember.ones(3), N=1), "linalg.vander: N must be greater than 1, got 1"),
    (lambda: ember.linalg.vander(ember.tensor(2.0)), "linalg.vander: x must have at least one dimension"),
    (lambda: ember.nuclear_norm(ember.ones(3)), "nuclear_norm: expected matrices (at least 2 dimensions)"),
])
def test_norm_errors(call, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with raises(RuntimeError, message):
            call()


@pytest.mark.parametrize("make", [
    lambda lib: lib.linalg.matrix_norm(lib.ones(3, 4), 3),
    lambda lib: lib.linalg.norm(lib.ones(2, 3, 4), "fro"),
    lambda lib: lib.linalg.cond(lib.ones(3, 4), 1),
    lambda lib: lib.linalg.vander(lib.ones(3), N=1),
])
def test_norm_errors_are_pytorchs_kind(make):
    check_both_raise(make)


# -------------------------------------------------------------------------------------------------
# The namespace.

def test_every_torch_linalg_name_is_here_or_left_out_with_a_reason():
    names = [n for n in dir(torch.linalg) if not n.startswith("_") and n != "common_notes"]
    lacking = [n for n in names if not hasattr(ember.linalg, n)]
    assert set(lacking) == set(ember.omissions.OMITTED["torch.linalg"])
    with raises(AttributeError, "ember has no torch.linalg.eig: general eigenvalues are complex numbers"):
        ember.linalg.eig


def test_the_namespace_is_the_same_functions_as_the_torch_spellings():
    assert ember.linalg.matmul is ember.matmul and ember.linalg.det is ember.det
    assert ember.linalg.matrix_exp is ember.matrix_exp and ember.linalg.vector_norm is ember.ops.reduce.vector_norm
    assert ember.linalg.__all__ == sorted(ember.linalg.__all__)
