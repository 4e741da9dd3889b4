import numpy as np
import pytest
from hypothesis import given

import ember
from helpers import DEVICES, broadcastable_shapes, check_in_place, check_op, check_parity, rand, raises, seeds, shapes

# name: (the function, the interval its input is drawn from)
UNARY = {
    "sin": (lambda lib, x: lib.sin(x), (-3, 3)),
    "cos": (lambda lib, x: x.cos(), (-3, 3)),
    "tan": (lambda lib, x: lib.tan(x), (-1.4, 1.4)),
    "asin": (lambda lib, x: x.asin(), (-0.95, 0.95)),
    "acos": (lambda lib, x: lib.acos(x), (-0.95, 0.95)),
    "atan": (lambda lib, x: x.atan(), (-3, 3)),
    "sinh": (lambda lib, x: lib.sinh(x), (-3, 3)),
    "cosh": (lambda lib, x: x.cosh(), (-3, 3)),
    "tanh": (lambda lib, x: lib.tanh(x), (-3, 3)),
    "asinh": (lambda lib, x: x.asinh(), (-3, 3)),
    "acosh": (lambda lib, x: lib.acosh(x), (1.05, 4)),
    "atanh": (lambda lib, x: x.atanh(), (-0.95, 0.95)),
    "arcsin": (lambda lib, x: lib.arcsin(x), (-0.95, 0.95)),
    "arccos": (lambda lib, x: x.arccos(), (-0.95, 0.95)),
    "arctan": (lambda lib, x: lib.arctan(x), (-3, 3)),
    "arcsinh": (lambda lib, x: lib.arcsinh(x), (-3, 3)),
    "arccosh": (lambda lib, x: x.arccosh(), (1.05, 4)),
    "arctanh": (lambda lib, x: lib.arctanh(x), (-0.95, 0.95)),
    "deg2rad": (lambda lib, x: lib.deg2rad(x), (-360, 360)),
    "rad2deg": (lambda lib, x: x.rad2deg(), (-7, 7)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", UNARY)
@given(shape=shapes(), seed=seeds)
def test_unary_ops(device, name, shape, seed):
    fn, (low, high) = UNARY[name]
    check_op(fn, rand(*shape, seed=seed, low=low, high=high), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", UNARY)
def test_in_place_forms(device, name):
    low, high = UNARY[name][1]
    for dtype in (np.float64, np.float32):
        check_in_place(lambda lib, x: getattr(x, name + "_")(), rand(3, 4, low=low, high=high, dtype=dtype),
                       device=device)
        check_in_place(lambda lib, x: getattr(lib, name + "_")(x), rand(5, low=low, high=high, dtype=dtype),
                       device=device)


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.bool_])
def test_integers_and_bools_give_float32(dtype):
    x = np.array([0, 1, 1]).astype(dtype)
    check_parity(lambda lib, x: (lib.sin(x), x.cos(), x.tan(), x.asin(), x.atan(), x.sinh(), x.cosh(), x.asinh(),
                                 lib.acosh(x + 1), x.atanh(), lib.deg2rad(x), x.rad2deg(), lib.atan2(x, x)),
                 x, backward=False, dtype=np.float32)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [lambda lib, a, b: lib.atan2(a, b), lambda lib, a, b: a.arctan2(b),
                                lambda lib, a, b: lib.hypot(a, b)], ids=["atan2", "arctan2", "hypot"])
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_atan2_and_hypot(device, fn, shape_pair, seed):
    a = rand(*shape_pair[0], seed=seed)
    b = rand(*shape_pair[1], seed=seed + 1)
    b = np.where(np.abs(b) < 0.1, b + 0.3, b)  # atan2 jumps across the negative x axis
    check_op(fn, a, b, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_atan2_and_hypot_at_the_origin_and_on_the_axes(device):
    a = np.array([0.0, 0.0, 1.0, -1.0, 0.0, -0.0])
    b = np.array([0.0, 1.0, 0.0, 0.0, -1.0, -1.0])
    check_parity(lambda lib, a, b: lib.atan2(a, b), a, b, device=device)
    check_parity(lambda lib, a, b: lib.hypot(a, b), a[2:], b[2:], device=device)
    check_parity(lambda lib, a, b: lib.hypot(a, b), a[:2], b[:2], device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_in_place_forms_of_two_tensors(device):
    y = rand(4, seed=1, low=0.5, high=2)
    check_in_place(lambda lib, x, y: x.atan2_(y), rand(3, 4), y, device=device)
    check_in_place(lambda lib, x, y: x.arctan2_(y), rand(3, 4), y, device=device)
    check_in_place(lambda lib, x, y: x.hypot_(y), rand(3, 4), y, device=device)


@pytest.mark.parametrize("make, error, message", [
    (lambda: ember.atan2(ember.ones(2), 1.0), TypeError, "atan2: expected other to be a Tensor, got float"),
    (lambda: ember.hypot(ember.ones(2, dtype=ember.long), ember.ones(2, dtype=ember.long)), RuntimeError,
     "hypot: expected floating point tensors, got int64"),
    (lambda: ember.ones(2, dtype=ember.long).sin_(), RuntimeError,
     "sin_: the result has dtype float32, which cannot be stored in place into a int64 tensor"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(make, error, message):
    with raises(error, message):
        make()
