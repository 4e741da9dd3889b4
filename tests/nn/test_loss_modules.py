import numpy as np
import pytest

import ember
import ember.nn as nn
from helpers import DEVICES, check_parity, rand, raises


def weights(lib, x, low=0.5, high=2.0):
    return lib.tensor(np.linspace(low, high, 4)).to(x.dtype)


# name: (settings given the library and the input, input array, target array)
CASES = {
    "MSELoss": (lambda lib, x: dict(reduction="sum"), rand(3, 4), rand(3, 4, seed=1)),
    "L1Loss": (lambda lib, x: dict(), rand(3, 4), rand(3, 4, seed=1)),
    "HuberLoss": (lambda lib, x: dict(reduction="none", delta=0.5), rand(3, 4), rand(3, 4, seed=1)),
    "SmoothL1Loss": (lambda lib, x: dict(beta=0.5), rand(3, 4), rand(3, 4, seed=1)),
    "CrossEntropyLoss": (lambda lib, x: dict(weight=weights(lib, x), ignore_index=2, label_smoothing=0.1),
                         rand(5, 4), np.array([0, 2, 3, 1, 2])),
    "NLLLoss": (lambda lib, x: dict(weight=weights(lib, x), reduction="sum"), rand(5, 4, low=-3.0, high=0.0),
                np.array([0, 2, 3, 1, 2])),
    "BCELoss": (lambda lib, x: dict(weight=weights(lib, x)), rand(3, 4, low=0.05, high=0.95),
                rand(3, 4, seed=1, low=0.0, high=1.0)),
    "BCEWithLogitsLoss": (lambda lib, x: dict(weight=weights(lib, x), pos_weight=weights(lib, x, 3.0, 1.0)),
                          rand(3, 4), rand(3, 4, seed=1, low=0.0, high=1.0)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", CASES)
def test_loss_modules_match_pytorch(device, name):
    settings, x, target = CASES[name]

    def fn(lib, x, target):
        module = getattr(lib.nn, name)(**settings(lib, x))
        return module.to(device if lib is ember else "cpu")(x, target)
    for dtype in (np.float64, np.float32):
        check_parity(fn, x, target, device=device, dtype=dtype)


def test_cross_entropy_loss_with_class_probabilities():
    check_parity(lambda lib, x, q: lib.nn.CrossEntropyLoss()(x, q), rand(5, 4), rand(5, 4, seed=1, low=0.0, high=1.0))


def test_repr_shows_the_settings():
    assert repr(nn.MSELoss()) == "MSELoss(reduction='mean')"
    assert repr(nn.L1Loss(reduction="sum")) == "L1Loss(reduction='sum')"
    assert repr(nn.HuberLoss(delta=2.0)) == "HuberLoss(reduction='mean', delta=2.0)"
    assert repr(nn.SmoothL1Loss(beta=0.5)) == "SmoothL1Loss(reduction='mean', beta=0.5)"
    assert repr(nn.CrossEntropyLoss(label_smoothing=0.1)) == \
        "CrossEntropyLoss(reduction='mean', ignore_index=-100, label_smoothing=0.1)"
    assert repr(nn.NLLLoss(weight=ember.tensor([1.0, 2.0]), ignore_index=0)) == \
        "NLLLoss(weight=tensor([1., 2.]), reduction='mean', ignore_index=0)"
    assert repr(nn.BCELoss(reduction="none")) == "BCELoss(reduction='none')"
    assert repr(nn.BCEWithLogitsLoss(pos_weight=ember.tensor([3.0]))) == \
        "BCEWithLogitsLoss(reduction='mean', pos_weight=tensor([3.]))"
    assert repr(nn.Sequential(nn.MSELoss())) == "Sequential(\n  (0): MSELoss(reduction='mean')\n)"


def test_weights_are_buffers_saved_and_moved_with_the_module():
    criterion = nn.BCEWithLogitsLoss(weight=ember.ones(3), pos_weight=ember.tensor([1.0, 2.0, 3.0]))
    assert list(criterion.state_dict()) == ["weight", "pos_weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    criterion.double()
    assert criterion.weight.dtype == ember.float64 and criterion.pos_weight.dtype == ember.float64


def test_bad_settings_fail_at_construction():
    with raises(ValueError, "CrossEntropyLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        nn.CrossEntropyLoss(reduction="avg")
    with raises(ValueError, "MSELoss: reduction must be 'mean', 'sum' or 'none', got 'elementwise_mean'"):
        nn.MSELoss(reduction="elementwise_mean")
    with pytest.raises(TypeError):  # PyTorch's second positional argument is the deprecated size_average
        nn.CrossEntropyLoss(None, 3)


def test_a_module_passes_its_settings_to_the_function():
    x, target = ember.tensor(rand(4, 3), requires_grad=True), ember.tensor([0, 1, 2, 1])
    expected = ember.functional.cross_entropy(x, target, ignore_index=1, reduction="sum", label_smoothing=0.2)
    got = nn.CrossEntropyLoss(ignore_index=1, reduction="sum", label_smoothing=0.2)(x, target)
    assert got.item() == expected.item()


def test_gradient_descent_lowers_the_cross_entropy():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 60)
    x = ember.tensor(rng.standard_normal((60, 3)) + 3 * np.eye(3)[labels], dtype=ember.float32)
    weight = ember.zeros(3, 3, requires_grad=True)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for _ in range(30):
        loss = criterion(x @ weight, ember.tensor(labels))
        loss.backward()
        with ember.no_grad():
            weight.sub_(weight.grad, alpha=0.5)
        weight.grad = None
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]
