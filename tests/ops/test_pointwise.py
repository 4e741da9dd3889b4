import numpy as np
import pytest
from hypothesis import given

import ember
from helpers import (DEVICES, broadcastable_shapes, check_both_raise, check_in_place, check_op, check_parity, rand,
                     raises, seeds, shapes)


def _away_from_steps(x, step=0.1):
    """x nudged off the multiples of step (and off the halves between), where rounding and |x| have kinks."""
    near = np.abs(x / step * 2 - np.round(x / step * 2)) < 0.2
    return np.where(near, x + 0.3 * step, x)


# name: (the function, the interval its input is drawn from)
UNARY = {
    "abs": (lambda lib, x: x.abs(), (-2, 2)),
    "absolute": (lambda lib, x: lib.absolute(x), (-2, 2)),
    "exp": (lambda lib, x: x.exp(), (-2, 2)),
    "exp2": (lambda lib, x: lib.exp2(x), (-2, 2)),
    "expm1": (lambda lib, x: x.expm1(), (-2, 2)),
    "log": (lambda lib, x: x.log(), (0.1, 3)),
    "log2": (lambda lib, x: lib.log2(x), (0.1, 3)),
    "log10": (lambda lib, x: x.log10(), (0.1, 3)),
    "log1p": (lambda lib, x: lib.log1p(x), (-0.9, 3)),
    "sqrt": (lambda lib, x: x.sqrt(), (0.1, 3)),
    "rsqrt": (lambda lib, x: lib.rsqrt(x), (0.1, 3)),
    "reciprocal": (lambda lib, x: x.reciprocal(), (0.2, 3)),
    "square": (lambda lib, x: lib.square(x), (-2, 2)),
    "sign": (lambda lib, x: x.sign(), (-2, 2)),
    "floor": (lambda lib, x: lib.floor(x), (-3, 3)),
    "ceil": (lambda lib, x: x.ceil(), (-3, 3)),
    "trunc": (lambda lib, x: x.trunc(), (-3, 3)),
    "fix": (lambda lib, x: lib.fix(x), (-3, 3)),
    "round": (lambda lib, x: x.round(), (-3, 3)),
    "round-decimals": (lambda lib, x: lib.round(x * 7, decimals=1), (-3, 3)),
    "round-negative-decimals": (lambda lib, x: (x * 300).round(decimals=-2), (-3, 3)),
    "frac": (lambda lib, x: x.frac(), (-3, 3)),
    "nan_to_num": (lambda lib, x: lib.nan_to_num(x), (-2, 2)),
    "copysign-number": (lambda lib, x: lib.copysign(x, -1.0), (-2, 2)),
    "clamp": (lambda lib, x: x.clamp(-0.5, 0.7), (-2, 2)),
    "clamp_min": (lambda lib, x: lib.clamp(x, min=0.1), (-2, 2)),
    "clamp_max": (lambda lib, x: x.clamp(max=0.1), (-2, 2)),
}
KINKED = ("abs", "absolute", "clamp", "clamp_min", "clamp_max", "copysign-number", "round-decimals", "frac", "round",
          "floor", "ceil", "trunc", "fix", "round-negative-decimals")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", UNARY)
@given(shape=shapes(), seed=seeds)
def test_unary_ops(device, name, shape, seed):
    fn, (low, high) = UNARY[name]
    x = rand(*shape, seed=seed, low=low, high=high)
    if name in KINKED:
        x = _away_from_steps(x, step=0.1 / 7 if name == "round-decimals" else 1 / 3 if "negative" in name else 0.1)
    check_op(fn, x, device=device)


IN_PLACE = ["abs", "absolute", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "reciprocal",
            "square", "sign", "floor", "ceil", "trunc", "fix", "round", "frac", "nan_to_num"]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_forms(device, name):
    low, high = UNARY[name][1]
    for dtype in (np.float64, np.float32):
        check_in_place(lambda lib, x: getattr(x, name + "_")(), rand(3, 4, low=low, high=high, dtype=dtype),
                       device=device)
    check_in_place(lambda lib, x: x.round_(decimals=2), rand(5), device=device)
    check_in_place(lambda lib, x: x.sgn_(), rand(5), device=device)


@pytest.mark.parametrize("name", ["abs_", "exp_", "exp2_", "expm1_", "log_", "log2_", "log10_", "log1p_", "sqrt_",
                                  "rsqrt_", "reciprocal_", "square_", "floor_", "ceil_", "trunc_", "fix_", "round_",
                                  "frac_", "nan_to_num_"])
def test_in_place_functions_of_the_torch_namespace(name):
    check_in_place(lambda lib, x: getattr(lib, name)(x), rand(6, low=0.1, high=3))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_unary_ops_of_integers_and_bools(dtype):
    x = np.array([[0, 1, 2], [3, 1, 0]]).astype(dtype)
    check_parity(lambda lib, x: (x.exp(), lib.exp2(x), x.log1p(), x.sqrt(), lib.rsqrt(x + 1), x.reciprocal(),
                                 lib.square(x), x.sign(), lib.nan_to_num(x)), x, backward=False, dtype=np.float32)
    if dtype != np.bool_:
        check_parity(lambda lib, x: (x.abs(), x.floor(), lib.ceil(x), x.trunc(), x.round()), x, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_sign_and_rounding_at_special_values(device):
    x = np.array([-1.5, -0.0, 0.0, 0.5, 1.5, 2.5, -2.5, np.nan, np.inf, -np.inf])
    check_parity(lambda lib, x: (x.sign(), x.round(), x.floor(), x.frac(), lib.signbit(x)), x, device=device)
    check_parity(lambda lib, x: lib.sgn(x), x, device=device, backward=False)  # PyTorch's gradient: a ZeroTensor
    check_parity(lambda lib, x: lib.round(x, decimals=2), np.array([0.125, 0.375, 1.2345, -2.5678]), device=device,
                 dtype=np.float32)


@pytest.mark.parametrize("device", DEVICES)
def test_nan_to_num(device):
    x = np.array([np.nan, np.inf, -np.inf, 1.5])
    for dtype in (np.float64, np.float32):
        check_parity(lambda lib, x: lib.nan_to_num(x), x, device=device, dtype=dtype)
        check_parity(lambda lib, x: x.nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0), x, device=device, dtype=dtype)
        check_parity(lambda lib, x: x.nan_to_num(posinf=9.0), x, device=device, dtype=dtype)


# -------------------------------------------------------------------------------------------------
# Functions of two tensors.

BINARY = {
    "copysign": lambda lib, a, b: lib.copysign(a, b),
    "ldexp": lambda lib, a, b: lib.ldexp(a, b),
    "logaddexp": lambda lib, a, b: lib.logaddexp(a, b),
    "logaddexp2": lambda lib, a, b: a.logaddexp2(b),
    "nextafter": lambda lib, a, b: lib.nextafter(a, b),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", BINARY)
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_binary_ops_broadcast(device, name, shape_pair, seed):
    a = _away_from_steps(rand(*shape_pair[0], seed=seed))
    b = _away_from_steps(rand(*shape_pair[1], seed=seed + 1))
    check_op(BINARY[name], a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_copysign_at_zeros_and_nans(device):
    a = np.array([1.0, -2.0, 0.0, 3.0, -0.0, 1.0, 1.0])
    b = np.array([-1.0, -1.0, -1.0, 0.0, 1.0, np.nan, -0.0])
    check_parity(lambda lib, a, b: lib.copysign(a, b), a, b, device=device)
    check_parity(lambda lib, a: a.copysign(-0.0), a, device=device)
    check_parity(lambda lib, a, b: lib.copysign(a, b), np.array([1, 2]), np.array([-1, 0]), backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_logaddexp_at_infinities(device):
    a = np.array([np.inf, 1.0, -np.inf, 800.0])
    b = np.array([np.inf, 2.0, -np.inf, 799.0])
    check_parity(lambda lib, a, b: (lib.logaddexp(a, b), lib.logaddexp2(a, b)), a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_heaviside(device):
    x = np.array([-1.0, 0.0, 2.0, np.nan, -0.0])
    check_parity(lambda lib, x, v: lib.heaviside(x, v), x, np.array([0.5]), device=device, backward=False)
    check_parity(lambda lib, x, v: x.heaviside(v), np.array([-2, 0, 3]), np.array([7]), device=device, backward=False)
    out = ember.heaviside(ember.tensor(x, requires_grad=True), ember.tensor([0.5], dtype=ember.float64))
    with raises(RuntimeError, "the derivative of Heaviside is not implemented (nor is it in PyTorch)"):
        out.sum().backward()


@pytest.mark.parametrize("device", DEVICES)
def test_frexp_and_ldexp_invert_each_other(device):
    x = np.array([8.0, 0.3, 0.0, -5.5, 1e-30, np.inf])
    for dtype in (np.float64, np.float32):
        mantissa, exponent = check_parity(lambda lib, x: lib.frexp(x), x, device=device, dtype=dtype)
        assert exponent.dtype == ember.int32 and not exponent.requires_grad
        back = ember.ldexp(mantissa, exponent)
        np.testing.assert_array_equal(back.tolist(), x.astype(dtype))
    result = ember.frexp(ember.tensor([4.0]))
    assert result.mantissa.tolist() == [0.5] and result.exponent.tolist() == [3]
    check_parity(lambda lib, x, e: lib.ldexp(x, e), rand(3), np.array([1, 3, 0]), device=device)
    check_parity(lambda lib, x, e: lib.ldexp(x, e), rand(3), np.array([-1, -2, 200]), device=device, backward=False)


def test_ldexp_and_frexp_dtypes():
    check_parity(lambda lib, a, b: (lib.ldexp(a, b), lib.ldexp(b, b)), np.array([1.5, 2.0], dtype=np.float32),
                 np.array([3, -1]), backward=False, dtype=np.float32)


# -------------------------------------------------------------------------------------------------
# Errors.

@pytest.mark.parametrize("make, error, message", [
    (lambda: ember.ones(2, dtype=ember.bool).abs(), RuntimeError, "abs: expected integer or floating point tensors"),
    (lambda: ember.ones(2, dtype=ember.bool).floor(), RuntimeError, "floor: expected integer or floating point"),
    (lambda: ember.ones(2, dtype=ember.long).frac(), RuntimeError, "frac: expected floating point tensors, got int64"),
    (lambda: ember.ones(2, dtype=ember.long).round(decimals=1), RuntimeError, "round: expected floating point"),
    (lambda: ember.ones(2).round(decimals=1.5), TypeError, "round: decimals must be an int, got float"),
    (lambda: ember.frexp(ember.ones(2, dtype=ember.long)), RuntimeError, "frexp: expected a floating point tensor"),
    (lambda: ember.logaddexp(ember.ones(2, dtype=ember.long), ember.ones(2, dtype=ember.long)), RuntimeError,
     "logaddexp: expected floating point tensors, got int64"),
    (lambda: ember.nextafter(ember.ones(2), 1.0), TypeError, "nextafter: expected other to be a Tensor, got float"),
    (lambda: ember.heaviside(ember.ones(2), ember.ones(1, dtype=ember.float64)), RuntimeError,
     "heaviside: expected values of dtype float32 (as input), got float64"),
    (lambda: ember.ones(2, dtype=ember.long).exp_(), RuntimeError,
     "exp_: the result has dtype float32, which cannot be stored in place into a int64 tensor"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(make, error, message):
    with raises(error, message):
        make()


@pytest.mark.parametrize("make", [lambda lib: lib.ones(2, dtype=lib.bool).abs(),
                                  lambda lib: lib.ones(2, dtype=lib.long).frac(),
                                  lambda lib: lib.ones(2, dtype=lib.long).exp_()])
def test_errors_are_of_the_class_pytorch_raises(make):
    check_both_raise(make)
