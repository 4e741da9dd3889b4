import numpy as np
import pytest

import ember
from helpers import DEVICES, check_both_raise, check_in_place, check_parity, rand, raises

COMPARISONS = {
    "==": lambda lib, a, b: a == b, "!=": lambda lib, a, b: a != b, "<": lambda lib, a, b: a < b,
    "<=": lambda lib, a, b: a <= b, ">": lambda lib, a, b: a > b, ">=": lambda lib, a, b: a >= b,
    "eq": lambda lib, a, b: lib.eq(a, b), "ne": lambda lib, a, b: a.ne(b), "lt": lambda lib, a, b: lib.lt(a, b),
    "le": lambda lib, a, b: a.le(b), "gt": lambda lib, a, b: lib.gt(a, b), "ge": lambda lib, a, b: a.ge(b),
    "greater": lambda lib, a, b: lib.greater(a, b), "greater_equal": lambda lib, a, b: a.greater_equal(b),
    "less": lambda lib, a, b: lib.less(a, b), "less_equal": lambda lib, a, b: a.less_equal(b),
    "not_equal": lambda lib, a, b: lib.not_equal(a, b),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons_give_bool_tensors(device, name):
    a = np.array([[1.0, 2.0, 3.0, np.nan]])
    b = np.array([[2.0], [np.nan]])
    out, = check_parity(COMPARISONS[name], a, b, device=device, backward=False)
    assert out.dtype == ember.bool and not out.requires_grad
    check_parity(lambda lib, a: COMPARISONS[name](lib, a, 2), np.array([1, 2, 3]), device=device, backward=False)
    check_parity(lambda lib, a: COMPARISONS[name](lib, a, 2.5), np.array([1, 2, 3]), device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "greater_equal_", "less_",
                                  "less_equal_", "not_equal_"])
def test_comparisons_in_place_store_ones_and_zeros(device, name):
    check_in_place(lambda lib, x, y: getattr(x, name)(y), rand(3, 4).round(), rand(4, seed=1).round(), device=device)
    check_in_place(lambda lib, x: getattr(x, name)(1), np.array([0, 1, 2]), device=device)


LOGICAL = {
    "logical_and": lambda lib, a, b: lib.logical_and(a, b), "logical_or": lambda lib, a, b: a.logical_or(b),
    "logical_xor": lambda lib, a, b: lib.logical_xor(a, b), "logical_not": lambda lib, a, b: a.logical_not(),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", LOGICAL)
@pytest.mark.parametrize("dtypes", [(np.bool_, np.bool_), (np.int64, np.bool_), (np.float32, np.int32),
                                    (np.float64, np.float64)], ids=str)
def test_logical_ops_take_any_dtype_and_give_bool(device, name, dtypes):
    a = np.array([[0, 1, 2, 0]]).astype(dtypes[0])
    b = np.array([[0], [3]]).astype(dtypes[1])
    out, = check_parity(LOGICAL[name], a, b, device=device, backward=False)
    assert out.dtype == ember.bool
    check_in_place(lambda lib, x, y: getattr(x, name + "_")(*(() if name == "logical_not" else (y,))),
                   np.array([0.0, 1.5, 0.0, -2.0]), np.array([1, 1, 0, 0]), device=device)


BITWISE = {
    "&": lambda lib, a, b: a & b, "|": lambda lib, a, b: a | b, "^": lambda lib, a, b: a ^ b,
    "~": lambda lib, a, b: ~a, "bitwise_and": lambda lib, a, b: lib.bitwise_and(a, b),
    "bitwise_or": lambda lib, a, b: a.bitwise_or(b), "bitwise_xor": lambda lib, a, b: lib.bitwise_xor(a, b),
    "bitwise_not": lambda lib, a, b: lib.bitwise_not(a), "number&": lambda lib, a, b: 6 & a,
    "number|": lambda lib, a, b: 6 | a, "number^": lambda lib, a, b: True ^ a,
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", BITWISE)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_bitwise_ops_of_integers_and_bools(device, name, dtype):
    a = np.array([[0, 1, 2, 7]]).astype(dtype)
    b = np.array([[3], [5]]).astype(dtype)
    check_parity(BITWISE[name], a, b, device=device, backward=False)
    check_parity(BITWISE[name], a, np.array([True, False, True, True]), device=device, backward=False)


SHIFTS = {
    "<<": lambda lib, a, b: a << b, ">>": lambda lib, a, b: a >> b, "number<<": lambda lib, a, b: 1 << b,
    "number>>": lambda lib, a, b: 64 >> b, "<<number": lambda lib, a, b: a << 2,
    "bitwise_left_shift": lambda lib, a, b: lib.bitwise_left_shift(a, b),
    "bitwise_right_shift": lambda lib, a, b: a.bitwise_right_shift(b),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", SHIFTS)
def test_shifts(device, name):
    a = np.array([[1, -8, 100, 7]])
    b = np.array([[0], [3]])
    check_parity(SHIFTS[name], a, b, device=device, backward=False)
    check_parity(SHIFTS[name], a.astype(np.int32), np.array([True, False, True, True]), device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("change", [
    lambda lib, x, y: x.__iand__(y), lambda lib, x, y: x.__ior__(y), lambda lib, x, y: x.__ixor__(y),
    lambda lib, x, y: x.__ilshift__(y), lambda lib, x, y: x.__irshift__(y), lambda lib, x, y: x.bitwise_and_(y),
    lambda lib, x, y: x.bitwise_or_(y), lambda lib, x, y: x.bitwise_xor_(y), lambda lib, x, y: x.bitwise_not_(),
    lambda lib, x, y: x.bitwise_left_shift_(y), lambda lib, x, y: x.bitwise_right_shift_(y),
    lambda lib, x, y: x.gcd_(y), lambda lib, x, y: x.lcm_(y), lambda lib, x, y: lib.gcd_(x, y),
    lambda lib, x, y: lib.lcm_(x, y),
], ids=["&=", "|=", "^=", "<<=", ">>=", "bitwise_and_", "bitwise_or_", "bitwise_xor_", "bitwise_not_",
        "bitwise_left_shift_", "bitwise_right_shift_", "gcd_", "lcm_", "torch.gcd_", "torch.lcm_"])
def test_in_place_bit_ops(device, change):
    check_in_place(change, np.array([[12, -18, 0, 7], [5, 6, 1, 9]]), np.array([8, 12, 3, 1]), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_in_place_bit_ops_on_bools(device):
    x, y = np.array([True, False, True]), np.array([True, True, False])
    for change in (lambda lib, x, y: x.__iand__(y), lambda lib, x, y: x.__ior__(y), lambda lib, x, y: x.__ixor__(y),
                   lambda lib, x, y: x.bitwise_not_()):
        check_in_place(change, x, y, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_gcd_and_lcm(device):
    a = np.array([12, -18, 0, 7, 0])
    b = np.array([8, 12, 5, -21, 0])
    check_parity(lambda lib, a, b: (lib.gcd(a, b), a.lcm(b)), a, b, device=device, backward=False)
    check_parity(lambda lib, a, b: lib.gcd(a, b), a.astype(np.int32), b, device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
def test_tests_of_numbers(device, dtype):
    x = np.array([1.0, np.nan, np.inf, -np.inf, -0.0, -2.0, 0.0]) if dtype in (np.float64, np.float32) \
        else np.array([1, 0, -2, 3]).astype(dtype)
    check_parity(lambda lib, x: (lib.isnan(x), x.isinf(), lib.isfinite(x), x.isposinf(), lib.isneginf(x),
                                 lib.isreal(x), x.signbit()), x.astype(dtype), device=device, backward=False)


@pytest.mark.parametrize("make, error, message", [
    (lambda: ember.ones(2) & ember.ones(2), RuntimeError, "bitwise_and: expected integer or bool tensors, got float32"),
    (lambda: ember.tensor([1, 2]) & 1.5, RuntimeError, "bitwise_and: expected integer or bool tensors, got float32"),
    (lambda: ~ember.ones(2), RuntimeError, "bitwise_not: expected integer or bool tensors, got float32"),
    (lambda: ember.ones(2) << 1, RuntimeError, "bitwise_left_shift: expected integer tensors, got float32"),
    (lambda: ember.tensor([True]) >> ember.tensor([True]), RuntimeError,
     "bitwise_right_shift: expected integer tensors, got bool"),
    (lambda: ember.gcd(ember.ones(2), ember.ones(2)), RuntimeError, "gcd: expected integer tensors, got float32"),
    (lambda: ember.lcm(ember.tensor([1]), 2), TypeError, "lcm: expected other to be a Tensor, got int"),
    (lambda: ember.logical_and(ember.tensor([1]), True), TypeError,
     "logical_and: expected other to be a Tensor, got bool"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(make, error, message):
    with raises(error, message):
        make()


@pytest.mark.parametrize("make", [lambda lib: lib.ones(2) & lib.ones(2), lambda lib: lib.ones(2) << 1,
                                  lambda lib: lib.gcd(lib.ones(2), lib.ones(2))])
def test_errors_are_of_the_class_pytorch_raises(make):
    check_both_raise(make)
