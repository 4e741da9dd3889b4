import numpy as np
import pytest
from hypothesis import given

import ember
from helpers import DEVICES, broadcastable_shapes, check_op, check_parity, rand, raises, seeds, shapes

BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", BINARY)
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_binary_ops_broadcast(device, name, shape_pair, seed):
    a = rand(*shape_pair[0], seed=seed)
    b = rand(*shape_pair[1], seed=seed + 1)
    if name == "div":
        b = np.sign(b) * (np.abs(b) + 0.5)  # keep the divisor away from zero
    check_op(BINARY[name], a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_pow_of_two_tensors(device, shape_pair, seed):
    a = rand(*shape_pair[0], seed=seed, low=0.5, high=2.0)
    b = rand(*shape_pair[1], seed=seed + 1)
    check_op(lambda lib, a, b: a ** b, a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x: x + 2, lambda lib, x: 2 + x, lambda lib, x: x - 1.5, lambda lib, x: 1.5 - x,
    lambda lib, x: x * 3, lambda lib, x: 3 * x, lambda lib, x: x / 4, lambda lib, x: 4 / x,
    lambda lib, x: x ** 2, lambda lib, x: x ** 3, lambda lib, x: x ** 0.5, lambda lib, x: 2 ** x,
    lambda lib, x: -x,
], ids=["x+2", "2+x", "x-1.5", "1.5-x", "x*3", "3*x", "x/4", "4/x", "x**2", "x**3", "x**0.5", "2**x", "neg"])
def test_python_numbers_on_either_side(device, fn):
    check_op(fn, rand(3, 4, low=0.5, high=2.0), device=device)


# pow where the base is 0: PyTorch's one-sided gradients, not the NaN of 0 · ln 0.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("exponent", [0.0, 0.5, 1.0, 2.0, 3.0, -1.0])
def test_pow_gradients_at_a_zero_base(device, exponent):
    x = np.array([0.0, 0.0, 1.5, 2.0])
    y = np.full(4, exponent)
    check_parity(lambda lib, x, y: x ** y, x, y, device=device)
    check_parity(lambda lib, x: x ** exponent, x, device=device)
    check_parity(lambda lib, y: 0.0 ** y, y, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_pow_exponent_gradient_at_a_zero_base(device):
    x = np.zeros(5)
    y = np.array([0.0, 0.5, 1.0, 2.0, -1.0])
    check_parity(lambda lib, x, y: x ** y, x, y, device=device)
    check_parity(lambda lib, y: 0.0 ** y, y, device=device)
    check_parity(lambda lib, y: lib.pow(2.0, y), y, device=device)


UNARY = {
    "abs": (lambda lib, x: x.abs(), (-2, 2)),
    "exp": (lambda lib, x: x.exp(), (-2, 2)),
    "log": (lambda lib, x: x.log(), (0.1, 3)),
    "sqrt": (lambda lib, x: x.sqrt(), (0.1, 3)),
    "sin": (lambda lib, x: lib.sin(x), (-3, 3)),
    "cos": (lambda lib, x: lib.cos(x), (-3, 3)),
    "clamp": (lambda lib, x: x.clamp(-0.5, 0.7), (-2, 2)),
    "clamp_min": (lambda lib, x: lib.clamp(x, min=0.1), (-2, 2)),
    "clamp_max": (lambda lib, x: x.clamp(max=0.1), (-2, 2)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", UNARY)
@given(shape=shapes(), seed=seeds)
def test_unary_ops(device, name, shape, seed):
    fn, (low, high) = UNARY[name]
    x = rand(*shape, seed=seed, low=low, high=high)
    if name in ("abs", "clamp", "clamp_min", "clamp_max"):
        x = np.where(np.abs(x - np.round(x * 10) / 10) < 0.02, x + 0.05, x)  # keep clear of the kinks
    check_op(fn, x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape_pair=broadcastable_shapes(num_shapes=3), seed=seeds)
def test_where(device, shape_pair, seed):
    condition = rand(*shape_pair[0], seed=seed) > 0
    check_op(lambda lib, c, a, b: lib.where(c, a, b), condition, rand(*shape_pair[1], seed=seed + 1),
             rand(*shape_pair[2], seed=seed + 2), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_where_with_a_number(device):
    x = rand(3, 4)
    check_op(lambda lib, x: lib.where(x > 0, x, 0.0), x, device=device)
    check_op(lambda lib, x: x.masked_fill(x < 0, -1.0), x, device=device)


def test_maximum_splits_the_gradient_on_ties():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 5.0, 0.0])
    check_parity(lambda lib, a, b: lib.maximum(a, b), a, b)
    check_parity(lambda lib, a, b: lib.minimum(a, b), a, b)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_comparisons_give_bool_tensors(device, op):
    a = np.array([[1.0, 2.0, 3.0]])
    b = np.array([[2.0], [2.0]])
    fn = {"==": lambda lib, a, b: a == b, "!=": lambda lib, a, b: a != b, "<": lambda lib, a, b: a < b,
          "<=": lambda lib, a, b: a <= b, ">": lambda lib, a, b: a > b, ">=": lambda lib, a, b: a >= b}[op]
    out, = check_parity(fn, a, b, device=device, backward=False)
    assert out.dtype == ember.bool and not out.requires_grad


def test_logical_ops():
    a = np.array([True, False, True])
    b = np.array([True, True, False])
    check_parity(lambda lib, a, b: (a & b, a | b, a ^ b, ~a), a, b, backward=False)


@pytest.mark.parametrize("case", [
    ("float32 tensor * python float", lambda: ember.ones(2) * 2.5, ember.float32),
    ("int64 tensor * python float", lambda: ember.ones(2, dtype=ember.long) * 2.5, ember.float32),
    ("int64 tensor + python int", lambda: ember.ones(2, dtype=ember.long) + 2, ember.int64),
    ("bool tensor + python int", lambda: ember.ones(2, dtype=ember.bool) + 2, ember.int64),
    ("int64 tensor * float32 tensor", lambda: ember.ones(2, dtype=ember.long) * ember.ones(2), ember.float32),
    ("float32 * float64 tensor", lambda: ember.ones(2) * ember.ones(2, dtype=ember.float64), ember.float64),
    ("int / int", lambda: ember.ones(2, dtype=ember.long) / 2, ember.float32),
    ("exp of int", lambda: ember.arange(3).exp(), ember.float32),
])
def test_type_promotion_follows_pytorch(case):
    _, make, dtype = case
    assert make().dtype == dtype


def test_numpy_float64_scalars_do_not_promote_float32():
    x = ember.ones(3)
    assert (x * 0.1).dtype == ember.float32
    assert (x.exp() * 3).dtype == ember.float32


def test_clamp_needs_a_bound():
    with raises(ValueError, "give min, max or both"):
        ember.ones(2).clamp()


def test_where_needs_a_bool_condition():
    with raises(TypeError, "must be a bool tensor"):
        ember.where(ember.ones(2), ember.ones(2), ember.zeros(2))


@pytest.mark.parametrize("device", DEVICES)
def test_cast_and_clone_carry_gradients(device):
    check_parity(lambda lib, x: x.float() * 2, rand(3), device=device)
    check_parity(lambda lib, x: x.clone() * x, rand(3), device=device)
