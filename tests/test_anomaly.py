"""Anomaly detection (ember.autograd.detect_anomaly, set_detect_anomaly): the first op whose forward makes a
NaN, or whose backward gives a NaN or an infinity, is named with the module path of its layer, the shape
and the lines that created it; an infinity that only masks (before a softmax) is no error."""

import pytest

import ember
import ember.nn as nn
from ember.autograd import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from helpers import raises

pytestmark = pytest.mark.filterwarnings("ignore:anomaly detection is on", "ignore:invalid value encountered",
                                        "ignore:divide by zero encountered")


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(3, 4), nn.ReLU())

    def forward(self, x):
        return self.layers(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.encoder(x))


def test_a_nan_made_in_a_layer_names_the_op_the_module_path_the_shape_and_the_line():
    net = Net()
    with ember.no_grad():
        net.encoder.layers[0].weight[0, 0] = float("inf")  # inf · 0 is NaN
    x = ember.tensor([[0.0, 1.0, 2.0]] * 5)
    with detect_anomaly():
        with raises(RuntimeError, "anomaly detection: Linear in Linear 'encoder.layers.0' made NaN in its output 0 of "
                                  "shape (5, 4), from inputs without NaN\nthe op was created at:\n"):
            net(x)
        try:
            net(x)
        except RuntimeError as error:
            assert __file__ in str(error) and "return self.head(self.encoder(x))" in str(error)
    net(x)  # off again: no check


def test_the_infinity_that_led_to_a_nan_is_named():
    x = ember.zeros(3, requires_grad=True)
    with detect_anomaly():
        log = x.log()  # -inf: noted, not an error
        with raises(RuntimeError, "Mul made NaN in its output 0 of shape (3,), from inputs without NaN; an input held "
                                  f"an infinity, first made by Log ({__file__}, line "):
            log * 0.0


def test_a_nan_or_infinite_gradient_names_the_op_of_its_backward():
    class Root(nn.Module):
        def forward(self, x):
            return x.sqrt()

    model = nn.Sequential(Root())
    x = ember.tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        with raises(RuntimeError, "Function 'SqrtBackward' returned inf values in its 0th output (found by anomaly "
                                  "detection) in Root '0': the gradient of its input 0, of shape (2,)\nthe op was "
                                  "created at:\n"):
            model(x).sum().backward()
        y = ember.tensor([0.0], requires_grad=True)
        with raises(RuntimeError, "Function 'SqrtBackward' returned nan values in its 0th output (found by anomaly "
                                  "detection): the gradient of its input 0, of shape (1,)"):
            (y.sqrt() * 0.0).sum().backward()  # 0 · 1/(2·0)


def test_masks_of_minus_infinity_before_a_softmax_are_no_error():
    scores = ember.randn(2, 4, 4, requires_grad=True)
    mask = ember.ones(4, 4).triu(1).bool()
    with detect_anomaly():
        weights = scores.masked_fill(mask, float("-inf")).softmax(-1)
        weights.sum().backward()
    assert bool(scores.grad.isfinite().all())


def test_inputs_that_already_hold_nan_are_not_blamed_on_the_op():
    x = ember.tensor([float("nan"), 1.0], requires_grad=True)
    with detect_anomaly():
        (x * 2.0).exp()  # NaN in, NaN out: not made here


def test_the_switches():
    assert not is_anomaly_enabled()
    set_detect_anomaly(True)
    assert is_anomaly_enabled() and ember.autograd.is_anomaly_check_nan_enabled()
    set_detect_anomaly(False)
    assert not is_anomaly_enabled()
    with set_detect_anomaly(True, check_nan=False):
        assert is_anomaly_enabled() and not ember.autograd.is_anomaly_check_nan_enabled()
        (ember.zeros(1, requires_grad=True).sqrt() * 0.0).sum().backward()  # noting only, no checks
    assert not is_anomaly_enabled()

    @detect_anomaly()
    def detecting():
        return is_anomaly_enabled()
    assert detecting() and not is_anomaly_enabled()
    with pytest.warns(UserWarning, match="anomaly detection is on: every op checks its results"):
        detect_anomaly()
