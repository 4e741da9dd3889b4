"""einsum (ops/einsum.py): every kind of equation against PyTorch's, with gradients."""

import numpy as np
import pytest
from hypothesis import given

import ember
from helpers import DEVICES, broadcastable_shapes, check_both_raise, check_op, check_parity, rand, raises, seeds

EQUATIONS = {  # equation -> the operands' shapes
    "ij,jk": [(2, 3), (3, 4)],
    "ij,jk->": [(2, 3), (3, 4)],
    "ij,jk->ki": [(2, 3), (3, 4)],
    "ii": [(3, 3)],
    "ii->i": [(3, 3)],
    "iii->i": [(2, 2, 2)],
    "iij,jk->ik": [(3, 3, 2), (2, 4)],
    "ba": [(2, 3)],
    "bA": [(2, 3)],
    "ijk": [(2, 3, 4)],
    "i,j->ij": [(3,), (2,)],
    "i,i": [(1,), (3,)],
    "ij,ij,ij->i": [(2, 3), (2, 3), (2, 3)],
    "ij,kl->ikjl": [(2, 3), (4, 5)],
    "...ij->...ji": [(2, 3, 4)],
    "bij,...jk": [(2, 3, 4), (4, 5)],
    "i...,j...": [(2, 3, 4), (5, 1, 4)],
    "ij...->ij": [(2, 3, 4)],
    "i...j,j...": [(2, 6, 3), (3, 2, 1, 6)],
    "...": [(2, 3)],
    "": [()],
    " i j , j k -> i k ": [(2, 3), (3, 4)],
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("equation", EQUATIONS)
def test_einsum(device, equation):
    arrays = [rand(*shape, seed=i) for i, shape in enumerate(EQUATIONS[equation])]
    check_op(lambda lib, *xs: lib.einsum(equation, *xs), *arrays, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes=broadcastable_shapes(2, min_dims=0, max_dims=3, max_side=3), seed=seeds)
def test_einsum_broadcasts_the_ellipsis(device, shapes, seed):
    a, b = rand(*shapes[0], 2, 3, seed=seed), rand(*shapes[1], 3, 2, seed=seed + 1)
    check_op(lambda lib, a, b: lib.einsum("...ij,...jk->...ik", a, b), a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_einsum_takes_a_list_of_operands_and_pytorchs_sublists(device):
    a, b = rand(2, 3), rand(3, 4, seed=1)
    check_op(lambda lib, a, b: (lib.einsum("ij,jk", [a, b]), lib.einsum(a, [0, 1], b, [1, 2], [0, 2]),
                                lib.einsum(a, [27, 0]), lib.einsum(a, [0, Ellipsis], b, [Ellipsis, 1])),
             a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_einsum_of_integers(device):
    i, v = np.arange(6).reshape(2, 3), np.arange(3)
    check_parity(lambda lib, i, v: (lib.einsum("ij,j", i, v), lib.einsum("ij->", i)), i, v, device=device,
                 backward=False)


@pytest.mark.parametrize("equation, shapes, message", [
    ("ij,jk", [(2, 3)], "einsum(): the equation 'ij,jk' has 2 operands, got 1"),
    ("ij,jk->ii", [(2, 3), (3, 4)], "einsum(): the output letter 'i' appears more than once or in no operand"),
    ("ij,jk->iz", [(2, 3), (3, 4)], "einsum(): the output letter 'z' appears more than once or in no operand"),
    ("ij,jk", [(2, 3), (4, 4)], "einsum(): letter 'j' has size 4 in one operand and 3 in another"),
    ("ij", [(3,)], "einsum(): operand 0 has 1 dimensions, but 'ij' names 2"),
    ("i1", [(3, 3)], "einsum(): subscripts must be letters a-z and A-Z, got '1'"),
])
def test_einsum_errors(equation, shapes, message):
    with raises(RuntimeError, message):
        ember.einsum(equation, *[ember.ones(*s) for s in shapes])
    check_both_raise(lambda lib: lib.einsum(equation, *[lib.ones(*s) for s in shapes]))


def test_einsum_of_operands_of_two_dtypes():
    with raises(RuntimeError, "einsum(): expected operands of one dtype, got float32 and int64"):
        ember.einsum("ij,jk", ember.ones(2, 3), ember.ones(3, 2, dtype=ember.int64))
