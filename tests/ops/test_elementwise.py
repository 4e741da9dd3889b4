import numpy as np
import pytest
from hypothesis import given

import ember
from helpers import (DEVICES, broadcastable_shapes, check_both_raise, check_gradcheck, check_in_place, check_op,
                     check_parity, rand, raises, seeds)


def _away_from_whole(q, a, b):
    """a nudged so that a / b keeps clear of whole numbers (where rounded quotients jump)."""
    return np.where(np.abs(q - np.round(q)) < 0.05, a + 0.15 * np.abs(b), a)


BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "add-alpha": lambda lib, a, b: lib.add(a, b, alpha=2.5),
    "sub-alpha": lambda lib, a, b: lib.sub(a, b, alpha=-0.5),
    "rsub": lambda lib, a, b: lib.rsub(a, b, alpha=2),
    "multiply": lambda lib, a, b: lib.multiply(a, b),
    "subtract": lambda lib, a, b: lib.subtract(a, b, alpha=3),
    "divide": lambda lib, a, b: lib.divide(a, b),
    "true_divide": lambda lib, a, b: lib.true_divide(a, b),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "fmax": lambda lib, a, b: lib.fmax(a, b),
    "fmin": lambda lib, a, b: a.fmin(b),
    "fmod": lambda lib, a, b: lib.fmod(a, b),
    "remainder": lambda lib, a, b: lib.remainder(a, b),
    "%": lambda lib, a, b: a % b,
    "float_power": lambda lib, a, b: lib.float_power(a.abs() + 0.5, b),
    "clamp-tensors": lambda lib, a, b: lib.clamp(a, min=b),
    "clamp_max": lambda lib, a, b: a.clamp_max(b),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", BINARY)
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_binary_ops_broadcast(device, name, shape_pair, seed):
    a = rand(*shape_pair[0], seed=seed)
    b = rand(*shape_pair[1], seed=seed + 1)
    b = np.sign(b) * (np.abs(b) + 0.5)  # divisors away from zero
    if name in ("fmod", "remainder", "%"):
        a = _away_from_whole(a / b, a, b)
    a = np.where(np.abs(a - b) < 0.05, a + 0.1, a)  # no ties: the larger input is clear
    check_op(BINARY[name], a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_pow_of_two_tensors(device, shape_pair, seed):
    a = rand(*shape_pair[0], seed=seed, low=0.5, high=2.0)
    b = rand(*shape_pair[1], seed=seed + 1)
    check_op(lambda lib, a, b: a ** b, a, b, device=device)


TERNARY = {
    "lerp": lambda lib, a, b, w: lib.lerp(a, b, w),
    "lerp-number": lambda lib, a, b, w: a.lerp(b * w, 0.3),
    "addcmul": lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5),
    "addcdiv": lambda lib, a, b, c: a.addcdiv(b, c.abs() + 0.5, value=-2),
    "where": lambda lib, a, b, c: lib.where(a > 0, b, c),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", TERNARY)
@given(shape_triple=broadcastable_shapes(num_shapes=3), seed=seeds)
def test_ops_of_three_tensors(device, name, shape_triple, seed):
    arrays = [rand(*shape, seed=seed + i) for i, shape in enumerate(shape_triple)]
    check_op(TERNARY[name], *arrays, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(seed=seeds)
def test_clamp_with_tensor_bounds(device, seed):
    x, low, high = rand(3, 4, seed=seed), rand(4, seed=seed + 1, high=0.0), rand(3, 1, seed=seed + 2, low=0.5)
    x = np.where((np.abs(x - low) < 0.05) | (np.abs(x - high) < 0.05), x + 0.11, x)  # clear of the kinks
    check_op(lambda lib, x, low, high: lib.clamp(x, low, high), x, low, high, device=device)
    check_op(lambda lib, x, low: x.clamp_min(low), x, low, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_clamp_where_the_bounds_cross_or_meet(device):
    x = np.array([1.0, 5.0, 3.0, 2.0, 2.0, 1.0, 3.0, 2.0])
    low = np.array([2.0, 2.0, 2.0, 2.0, 3.0, 2.0, 2.0, 2.0])
    high = np.array([4.0, 4.0, 1.0, 2.0, 1.0, 2.0, 2.0, 3.0])
    check_parity(lambda lib, x, low, high: lib.clamp(x, min=low, max=high), x, low, high, device=device)
    check_parity(lambda lib, x: lib.clamp(x, 2.0, 1.0), x, device=device)
    check_parity(lambda lib, x: lib.clamp(x, 1.0, 2.0), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x: x + 2, lambda lib, x: 2 + x, lambda lib, x: x - 1.5, lambda lib, x: 1.5 - x,
    lambda lib, x: x * 3, lambda lib, x: 3 * x, lambda lib, x: x / 4, lambda lib, x: 4 / x,
    lambda lib, x: x ** 2, lambda lib, x: x ** 3, lambda lib, x: x ** 0.5, lambda lib, x: 2 ** x,
    lambda lib, x: -x, lambda lib, x: x % 0.7, lambda lib, x: lib.fmod(x, -0.7),
    lambda lib, x: lib.float_power(x, 2), lambda lib, x: lib.float_power(2.5, x), lambda lib, x: lib.positive(x),
], ids=["x+2", "2+x", "x-1.5", "1.5-x", "x*3", "3*x", "x/4", "4/x", "x**2", "x**3", "x**0.5", "2**x", "neg",
        "x%0.7", "fmod", "float_power", "float_power-base", "positive"])
def test_python_numbers_on_either_side(device, fn):
    x = rand(3, 4, low=0.5, high=2.0)
    x = _away_from_whole(x / 0.7, x, 0.7)
    check_op(fn, x, device=device)


def test_a_number_modulo_a_tensor_has_a_gradient():
    """PyTorch has no derivative for number % tensor (it has one for tensor % tensor); ember has: -floor(a / b)."""
    x = rand(3, 4, low=0.5, high=2.0)
    x = _away_from_whole(2.9 / x, x, 0.3)
    check_gradcheck(lambda lib, x: 2.9 % x, x)
    check_parity(lambda lib, x: 2.9 % x, x, backward=False)


# -------------------------------------------------------------------------------------------------
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


# -------------------------------------------------------------------------------------------------
# Rounded division and remainders.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"), lambda lib, a, b: a.div(b, rounding_mode="floor"),
    lambda lib, a, b: lib.divide(a, b, rounding_mode="floor"), lambda lib, a, b: lib.floor_divide(a, b),
    lambda lib, a, b: a // b, lambda lib, a, b: a % b, lambda lib, a, b: lib.fmod(a, b),
    lambda lib, a, b: lib.remainder(a, b), lambda lib, a, b: 7 // b, lambda lib, a, b: -7 % b,
    lambda lib, a, b: a // 3, lambda lib, a, b: lib.fmod(a, -3), lambda lib, a, b: lib.div(a, 2, rounding_mode="trunc"),
], ids=["trunc", "floor", "divide-floor", "floor_divide", "//", "%", "fmod", "remainder", "7//b", "-7%b", "a//3",
        "fmod-number", "trunc-number"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float32, np.float64])
def test_rounded_division_of_integers_and_floats(device, fn, dtype):
    a = np.array([[7, -7, 6, -6, 0, 9]], dtype=dtype)
    b = np.array([[2], [-2], [3], [-4]], dtype=dtype)
    check_parity(fn, a, b, device=device, dtype=dtype if dtype in (np.float32, np.float64) else np.float64,
                 backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_rounded_division_has_zero_gradients_and_floor_divide_none(device):
    a, b = np.array([5.5, -5.5, 2.0]), np.array([2.0, 2.0, -3.0])
    check_parity(lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"), a, b, device=device)
    check_parity(lambda lib, a, b: lib.div(a, b, rounding_mode="floor"), a, b, device=device)
    out = ember.floor_divide(ember.tensor(a, device=device, requires_grad=True), ember.tensor(b, device=device))
    assert out.requires_grad
    with raises(RuntimeError, "the derivative of FloorDivide is not implemented (nor is it in PyTorch)"):
        out.sum().backward()


@pytest.mark.parametrize("device", DEVICES)
def test_division_by_zero(device):
    a, zero = np.array([5.0, -5.0, 0.0]), np.zeros(3)
    for mode in ("trunc", "floor"):
        check_parity(lambda lib, a, z: lib.div(a, z, rounding_mode=mode), a, zero, device=device, backward=False)
    check_parity(lambda lib, a, z: (a // z, lib.fmod(a, z), a % z, a / z), a, zero, device=device, backward=False)
    ints = ember.tensor([5, -5], device=device)
    for fn in (lambda: ints // 0, lambda: ints % ember.tensor([1, 0], device=device), lambda: ember.fmod(ints, 0),
               lambda: ints.div(0, rounding_mode="trunc")):
        with raises(RuntimeError, "integer division by zero (ZeroDivisionError)"):
            fn()


# -------------------------------------------------------------------------------------------------
# Larger and smaller, with ties and NaN.

def test_maximum_and_minimum_split_the_gradient_on_ties_and_share_it_at_nan():
    a = np.array([1.0, 2.0, 3.0, np.nan, 1.0])
    b = np.array([1.0, 5.0, 0.0, 2.0, np.nan])
    check_parity(lambda lib, a, b: lib.maximum(a, b), a, b)
    check_parity(lambda lib, a, b: lib.minimum(a, b), a, b)


def test_fmax_and_fmin_ignore_nan():
    a = np.array([1.0, 2.0, np.nan, 3.0, np.nan, 2.0])
    b = np.array([2.0, 2.0, 1.0, np.nan, np.nan, 1.0])
    check_parity(lambda lib, a, b: lib.fmax(a, b), a, b)
    check_parity(lambda lib, a, b: lib.fmin(a, b), a, b)


def test_integer_and_bool_operands_of_max_and_min():
    a, b = np.array([1, 5, -2]), np.array([True, False, True])
    check_parity(lambda lib, a, b: (lib.maximum(a, b), lib.fmin(a, b), lib.clamp(a, min=0), lib.clamp(a, -1, 2.5)),
                 a, b, backward=False)


# -------------------------------------------------------------------------------------------------
# dtypes.

@pytest.mark.parametrize("case", [
    ("float32 tensor * python float", lambda lib: lib.ones(2) * 2.5),
    ("int64 tensor * python float", lambda lib: lib.ones(2, dtype=lib.long) * 2.5),
    ("int64 tensor + python int", lambda lib: lib.ones(2, dtype=lib.long) + 2),
    ("int32 tensor + python int", lambda lib: lib.ones(2, dtype=lib.int32) + 2),
    ("bool tensor + python int", lambda lib: lib.ones(2, dtype=lib.bool) + 2),
    ("bool tensor + bool tensor", lambda lib: lib.ones(2, dtype=lib.bool) + lib.ones(2, dtype=lib.bool)),
    ("int64 tensor * float32 tensor", lambda lib: lib.ones(2, dtype=lib.long) * lib.ones(2)),
    ("float32 * float64 tensor", lambda lib: lib.ones(2) * lib.ones(2, dtype=lib.float64)),
    ("float32 * 0-d float64", lambda lib: lib.ones(2) * lib.tensor(2.0, dtype=lib.float64)),
    ("0-d float32 * 0-d float64", lambda lib: lib.tensor(1.0) * lib.tensor(2.0, dtype=lib.float64)),
    ("int64 * 0-d float64", lambda lib: lib.ones(2, dtype=lib.long) * lib.tensor(2.0, dtype=lib.float64)),
    ("int32 + 0-d int64", lambda lib: lib.ones(2, dtype=lib.int32) + lib.tensor(1)),
    ("uint8 + 0-d int8", lambda lib: lib.ones(2, dtype=lib.uint8) + lib.tensor(1, dtype=lib.int8)),
    ("bool + 0-d int8", lambda lib: lib.ones(2, dtype=lib.bool) + lib.tensor(1, dtype=lib.int8)),
    ("float16 * 0-d int64", lambda lib: lib.ones(2, dtype=lib.float16) * lib.tensor(3)),
    ("where with a 0-d float64", lambda lib: lib.where(lib.ones(2) > 0, lib.ones(2),
                                                       lib.tensor(2.0, dtype=lib.float64))),
    ("int / int", lambda lib: lib.ones(2, dtype=lib.long) / 2),
    ("int // int", lambda lib: lib.ones(2, dtype=lib.long) // 2),
    ("int % float", lambda lib: lib.ones(2, dtype=lib.long) % 1.5),
    ("int ** 0-d float", lambda lib: lib.ones(2, dtype=lib.long) ** lib.tensor(2.0)),
    ("bool ** int", lambda lib: lib.ones(2, dtype=lib.bool) ** 2),
    ("float_power of ints", lambda lib: lib.float_power(lib.ones(2, dtype=lib.long), 2)),
    ("add alpha on bools", lambda lib: lib.add(lib.ones(2, dtype=lib.bool), lib.ones(2, dtype=lib.bool), alpha=2)),
    ("addcmul of ints", lambda lib: lib.addcmul(lib.ones(2, dtype=lib.long), lib.ones(2, dtype=lib.long),
                                                lib.ones(2, dtype=lib.long), value=2)),
    ("clamp of int by a float", lambda lib: lib.clamp(lib.ones(2, dtype=lib.long), min=2.5)),
    ("clamp of float32 by float64 tensors", lambda lib: lib.clamp(lib.ones(2), min=lib.ones(2, dtype=lib.float64))),
    ("exp of int", lambda lib: lib.arange(3).exp()),
], ids=lambda case: case[0])
def test_type_promotion_follows_pytorch(case):
    _, make = case
    check_parity(lambda lib: make(lib), backward=False)


def test_numpy_float64_scalars_do_not_promote_float32():
    x = ember.ones(3)
    assert (x * 0.1).dtype == ember.float32
    assert (x.exp() * 3).dtype == ember.float32


# -------------------------------------------------------------------------------------------------
# Errors.

@pytest.mark.parametrize("make, error, message", [
    (lambda: ember.ones(2).clamp(), RuntimeError, "clamp: at least one of min and max must be given"),
    (lambda: ember.where(ember.ones(2), ember.ones(2), ember.zeros(2)), TypeError, "must be a bool tensor"),
    (lambda: ember.ones(2, dtype=ember.bool) - ember.ones(2, dtype=ember.bool), RuntimeError,
     "sub: subtraction of bool tensors is not supported"),
    (lambda: 1 - ember.ones(2, dtype=ember.bool), RuntimeError, "sub: subtraction of bool tensors is not supported"),
    (lambda: -ember.ones(2, dtype=ember.bool), RuntimeError, "neg: negation of a bool tensor is not supported"),
    (lambda: ember.positive(ember.ones(2, dtype=ember.bool)), RuntimeError, "positive: + of a bool tensor"),
    (lambda: ember.add(ember.ones(2, dtype=ember.long), ember.ones(2, dtype=ember.long), alpha=0.5), RuntimeError,
     "add: alpha must be an integer for int64 tensors, got 0.5"),
    (lambda: ember.add(ember.ones(2), ember.ones(2), alpha=ember.ones(1)), TypeError,
     "add: alpha must be a number, got Tensor"),
    (lambda: ember.div(ember.ones(2), 2, rounding_mode="round"), RuntimeError,
     "div: rounding_mode must be None, 'trunc' or 'floor', got 'round'"),
    (lambda: ember.ones(2, dtype=ember.bool) // ember.ones(2, dtype=ember.bool), RuntimeError,
     "floor_divide: expected integer or floating point tensors, got bool"),
    (lambda: ember.fmod(ember.ones(2, dtype=ember.bool), ember.ones(2, dtype=ember.bool)), RuntimeError,
     "fmod: expected integer or floating point tensors, got bool"),
    (lambda: ember.ones(2, dtype=ember.long) ** -1, RuntimeError,
     "pow: integers to negative integer powers are not allowed, got exponent -1"),
    (lambda: ember.ones(2, dtype=ember.bool) ** ember.ones(2, dtype=ember.bool), RuntimeError,
     "pow: expected integer or floating point tensors, got bool"),
    (lambda: ember.lerp(ember.ones(2), ember.ones(2, dtype=ember.float64), 0.5), RuntimeError,
     "lerp: expected end of dtype float32 (as input), got float64"),
    (lambda: ember.lerp(ember.ones(2, dtype=ember.long), ember.ones(2, dtype=ember.long), 1), RuntimeError,
     "lerp: expected floating point tensors, got int64"),
    (lambda: ember.addcdiv(ember.ones(2), ember.ones(2, dtype=ember.long), ember.ones(2, dtype=ember.long)),
     RuntimeError, "addcdiv: integer division is not supported"),
    (lambda: ember.fmax(ember.ones(2), 1.0), TypeError, "fmax: expected other to be a Tensor, got float"),
    (lambda: ember.clamp(ember.ones(2), min="0"), TypeError, "expected Tensors, numbers or None, got str"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(make, error, message):
    with raises(error, message):
        make()


@pytest.mark.parametrize("make", [
    lambda lib: -lib.ones(2, dtype=lib.bool), lambda lib: lib.ones(2, dtype=lib.bool) - lib.ones(2, dtype=lib.bool),
    lambda lib: lib.ones(2, dtype=lib.long) // 0, lambda lib: lib.ones(2, dtype=lib.long) ** -1,
    lambda lib: lib.div(lib.ones(2), 2, rounding_mode="round"), lambda lib: lib.ones(2).clamp(),
])
def test_errors_are_of_the_class_pytorch_raises(make):
    check_both_raise(make)


@pytest.mark.parametrize("device", DEVICES)
def test_cast_and_clone_carry_gradients(device):
    check_parity(lambda lib, x: x.float() * 2, rand(3), device=device)
    check_parity(lambda lib, x: x.clone() * x, rand(3), device=device)


# -------------------------------------------------------------------------------------------------
# In place: x.add_(y), x %= y, ... store into x itself, in its dtype.

IN_PLACE = {
    "sub_": lambda lib, x, y: x.sub_(y, alpha=2),
    "div_-trunc": lambda lib, x, y: x.div_(y, rounding_mode="trunc"),
    "divide_": lambda lib, x, y: x.divide_(y),
    "true_divide_": lambda lib, x, y: x.true_divide_(y),
    "multiply_": lambda lib, x, y: x.multiply_(y),
    "subtract_": lambda lib, x, y: x.subtract_(y),
    "neg_": lambda lib, x, y: x.neg_(),
    "negative_": lambda lib, x, y: x.negative_(),
    "pow_": lambda lib, x, y: x.abs_().pow_(y),
    "float_power_": lambda lib, x, y: x.abs_().float_power_(y),
    "fmod_": lambda lib, x, y: x.fmod_(y),
    "remainder_": lambda lib, x, y: x.remainder_(y),
    "floor_divide_": lambda lib, x, y: x.floor_divide_(y),
    "lerp_": lambda lib, x, y: x.lerp_(y, 0.25),
    "addcmul_": lambda lib, x, y: x.addcmul_(y, y, value=3),
    "addcdiv_": lambda lib, x, y: x.addcdiv_(y, y * y + 1),
    "clamp_-tensor": lambda lib, x, y: x.clamp_(min=y),
    "clip_": lambda lib, x, y: x.clip_(-0.5, 0.5),
    "clamp_min_": lambda lib, x, y: x.clamp_min_(y),
    "clamp_max_": lambda lib, x, y: x.clamp_max_(0.2),
    "//=": lambda lib, x, y: x.__ifloordiv__(y),
    "%=": lambda lib, x, y: x.__imod__(y),
    "**=": lambda lib, x, y: x.abs_().__ipow__(2),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_forms(device, name):
    y = rand(4, seed=1)
    y = np.sign(y) * (np.abs(y) + 0.5)
    check_in_place(IN_PLACE[name], rand(3, 4, dtype=np.float64), y, device=device)
    if name != "float_power_":
        check_in_place(IN_PLACE[name], rand(3, 4, dtype=np.float32), y.astype(np.float32), device=device)


def test_in_place_forms_of_integers():
    x = np.array([[7, -7, 6], [0, 9, -1]])
    check_in_place(lambda lib, x: x.__ifloordiv__(2), x)
    check_in_place(lambda lib, x, y: x.remainder_(y), x, np.array([3, -4, 5]))
    check_in_place(lambda lib, x: x.__ipow__(2), x)
    check_in_place(lambda lib, x: x.div_(3, rounding_mode="floor"), x)


@pytest.mark.parametrize("make, message", [
    (lambda: ember.ones(3, dtype=ember.long).div_(2), "div_: the result has dtype float32, which cannot be stored in "
                                                       "place into a int64 tensor"),
    (lambda: ember.ones(3, dtype=ember.bool).lerp_(ember.ones(3, dtype=ember.bool), 1), "lerp: expected floating"),
    (lambda: ember.ones(3).fmod_(ember.ones(2, 3)), "fmod_: the result has shape (2, 3), which does not fit in "
                                                     "place into shape (3,)"),
    (lambda: ember.ones(3).float_power_(2), "float_power_: the result is float64, so the tensor must be float64"),
    (lambda: ember.ones(3, requires_grad=True).clamp_min_(0.5), "clamp_min_: a leaf tensor that requires grad "
                                                                 "cannot be changed in place"),
])
def test_in_place_errors(make, message):
    with raises(RuntimeError, message):
        make()
