import sys

import numpy as np
import pytest
from hypothesis import given

import ember
from helpers import (DEVICES, Constant, broadcastable_shapes, check_gradcheck, check_in_place, check_op, check_parity,
                     rand, raises, seeds, shapes)

# name: (the function, the interval its input is drawn from)
UNARY = {
    "erf": (lambda lib, x: lib.erf(x), (-3, 3)),
    "erfc": (lambda lib, x: x.erfc(), (-3, 3)),
    "erfinv": (lambda lib, x: lib.erfinv(x), (-0.95, 0.95)),
    "lgamma": (lambda lib, x: x.lgamma(), (0.1, 5)),
    "lgamma-negative": (lambda lib, x: lib.lgamma(x), (-0.9, -0.1)),
    "digamma": (lambda lib, x: lib.digamma(x), (0.1, 5)),
    "polygamma-1": (lambda lib, x: lib.polygamma(1, x), (0.2, 5)),
    "polygamma-3": (lambda lib, x: x.polygamma(3), (0.5, 5)),
    "mvlgamma": (lambda lib, x: lib.mvlgamma(x, 3), (1.2, 5)),
    "mvlgamma-method": (lambda lib, x: x.mvlgamma(p=1), (0.2, 5)),
    "i0": (lambda lib, x: lib.i0(x), (-3, 3)),
    "sinc": (lambda lib, x: x.sinc(), (-3, 3)),
    "logit": (lambda lib, x: lib.logit(x), (0.05, 0.95)),
    "logit-eps": (lambda lib, x: x.logit(eps=0.1), (0.15, 0.85)),
    "xlogy-number": (lambda lib, x: lib.xlogy(x, 2.5), (-2, 2)),
    "number-xlogy": (lambda lib, x: lib.xlogy(3, x), (0.1, 3)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", UNARY)
@given(shape=shapes(), seed=seeds)
def test_unary_ops(device, name, shape, seed):
    fn, (low, high) = UNARY[name]
    check_op(fn, rand(*shape, seed=seed, low=low, high=high), device=device)


IN_PLACE = {
    "erf_": lambda lib, x: x.erf_(), "erfc_": lambda lib, x: x.erfc_(), "erfinv_": lambda lib, x: x.erfinv_(),
    "lgamma_": lambda lib, x: x.lgamma_(), "digamma_": lambda lib, x: x.digamma_(),
    "polygamma_": lambda lib, x: x.polygamma_(2), "mvlgamma_": lambda lib, x: x.add_(2).mvlgamma_(2),
    "i0_": lambda lib, x: x.i0_(), "sinc_": lambda lib, x: x.sinc_(), "logit_": lambda lib, x: x.logit_(),
    "logit_-eps": lambda lib, x: x.logit_(0.3), "xlogy_": lambda lib, x: x.xlogy_(3.0),
    "torch.erf_": lambda lib, x: lib.erf_(x), "torch.erfc_": lambda lib, x: lib.erfc_(x),
    "torch.i0_": lambda lib, x: lib.i0_(x), "torch.sinc_": lambda lib, x: lib.sinc_(x),
    "torch.logit_": lambda lib, x: lib.logit_(x, eps=0.2), "torch.xlogy_": lambda lib, x: lib.xlogy_(x, 0.5),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_forms(device, name):
    for dtype in (np.float64, np.float32):
        check_in_place(IN_PLACE[name], rand(3, 4, low=0.1, high=0.9, dtype=dtype), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [lambda lib, a, b: lib.xlogy(a, b.abs() + 0.1), lambda lib, a, b: a.xlogy(b * b)],
                         ids=["xlogy", "xlogy-method"])
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_xlogy(device, fn, shape_pair, seed):
    check_op(fn, rand(*shape_pair[0], seed=seed), rand(*shape_pair[1], seed=seed + 1), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_xlogy_where_x_is_zero(device):
    x = np.array([0.0, 0.0, 2.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    y = np.array([0.0, 2.0, 3.0, np.nan, 0.0, -1.0, -1.0, np.inf])
    check_parity(lambda lib, x, y: lib.xlogy(x, y), x, y, device=device)
    check_parity(lambda lib, y: lib.xlogy(0, y), y, device=device)
    check_parity(lambda lib, x: lib.xlogy(x, 0.0), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["igamma", "igammac"])
@given(shape_pair=broadcastable_shapes(), seed=seeds)
def test_incomplete_gamma(device, name, shape_pair, seed):
    a = Constant(rand(*shape_pair[0], seed=seed, low=0.5, high=3))
    x = rand(*shape_pair[1], seed=seed + 1, low=0.1, high=4)
    check_op(lambda lib, a, x: getattr(lib, name)(a, x), a, x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["igamma_", "igammac_"])
def test_incomplete_gamma_in_place(device, name):
    a, x = rand(3, 4, low=0.5, high=3), rand(4, seed=1, low=0.1, high=4)
    check_in_place(lambda lib, a, x: getattr(a, name)(x), a, x, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_incomplete_gamma_has_no_gradient_for_a(device):
    a = ember.tensor([1.0, 2.0], device=device, requires_grad=True)
    out = ember.igamma(a, ember.tensor([0.5, 3.0], device=device))
    with raises(RuntimeError, "igamma: the derivative with respect to input (a) is not implemented"):
        out.sum().backward()


@pytest.mark.parametrize("device", DEVICES)
def test_values_at_poles_and_edges(device):
    check_parity(lambda lib, x: (lib.lgamma(x), lib.digamma(x)), np.array([0.0, -1.0, -0.5, -2.5, 1.0]),
                 device=device, backward=False)
    check_parity(lambda lib, x: (lib.erfinv(x), lib.erf(x), lib.erfc(x)), np.array([1.0, -1.0, 2.0, 0.0]),
                 device=device, backward=False)
    check_parity(lambda lib, x: (lib.logit(x), lib.logit(x, eps=0.2)), np.array([0.1, 0.0, 1.0, 1.5, 0.2, 0.9]),
                 device=device)
    check_parity(lambda lib, x: lib.sinc(x), np.array([0.0, 0.5, -1.0, 2.0]), device=device)
    check_parity(lambda lib, x: lib.i0(x), np.array([0.0, 700.0]), device=device, backward=False)


@pytest.mark.parametrize("dtype", [np.int64, np.bool_])
def test_integers_and_bools_give_float32(dtype):
    x = np.array([0, 1, 1]).astype(dtype)
    check_parity(lambda lib, x: (lib.erf(x), x.erfc(), lib.erfinv(x), lib.lgamma(x + 1), lib.digamma(x + 1),
                                 lib.polygamma(1, x + 1), lib.mvlgamma(x + 2, 2), x.i0(), x.sinc(), lib.logit(x),
                                 lib.xlogy(x, x)), x, backward=False, dtype=np.float32)


def test_gradient_of_erf_in_float64_past_its_float32_approximation():
    check_gradcheck(lambda lib, x: lib.erf(x), np.array([-6.0, -4.5, 0.0, 4.5, 6.0]))


@pytest.mark.parametrize("make, error, message", [
    (lambda: ember.polygamma(-1, ember.ones(2)), RuntimeError, "polygamma: n must not be negative, got -1"),
    (lambda: ember.polygamma(1.5, ember.ones(2)), TypeError, "polygamma: n must be an int, got float"),
    (lambda: ember.mvlgamma(ember.ones(2), 0), RuntimeError, "mvlgamma: p must be an integer of at least 1, got 0"),
    (lambda: ember.mvlgamma(ember.ones(2, dtype=ember.bool), 1), RuntimeError, "mvlgamma: the input may not be a bool"),
    (lambda: ember.igamma(ember.ones(2), 1.0), TypeError, "igamma: expected other to be a Tensor, got float"),
    (lambda: ember.igammac(ember.ones(2, dtype=ember.long), ember.ones(2, dtype=ember.long)), RuntimeError,
     "igammac: expected floating point tensors, got int64"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(make, error, message):
    with raises(error, message):
        make()


def test_without_scipy_the_special_functions_say_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.special", None)  # import scipy.special now raises ImportError
    with raises(RuntimeError, "ember's special functions need SciPy on the CPU (for gammaln): pip install scipy"):
        ember.lgamma(ember.ones(2))
