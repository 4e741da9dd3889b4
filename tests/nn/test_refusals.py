"""Layers refuse integer input, as the recurrent layers do, instead of computing in another dtype; and
load_state_dict checks everything it is given before it changes anything."""

import numpy as np
import pytest

import ember
import ember.nn as nn
from helpers import raises


@pytest.mark.parametrize("layer, shape, error", [
    (nn.Linear(3, 2), (4, 3), RuntimeError),  # PyTorch's class (InputError is a ValueError too)
    (nn.Conv1d(1, 2, 3), (1, 1, 5), RuntimeError),
    (nn.Conv2d(1, 2, 3), (1, 1, 5, 5), RuntimeError),
    (nn.ConvTranspose2d(1, 2, 3), (1, 1, 5, 5), RuntimeError),
    (nn.LSTM(3, 2), (5, 1, 3), ValueError),  # PyTorch's class (InputError is a RuntimeError too)
])
@pytest.mark.parametrize("dtype", [ember.int64, ember.bool])
def test_integer_input_is_refused_naming_the_layer(layer, shape, error, dtype):
    model = nn.Sequential(nn.Identity(), layer)
    x = ember.zeros(*shape, dtype=dtype)
    with raises(error, f"{type(layer).__name__} '1': "):
        model(x)
    with raises(error, str(dtype).removeprefix("ember.")):
        model(x)


def test_linear_says_how_to_convert_the_input():
    with raises(RuntimeError, "Linear: the input is int64 but the weights are float32; a layer computes in floating "
                           "point: convert the input (input.to(ember.float32))"):
        nn.Linear(3, 2)(ember.ones(4, 3, dtype=ember.int64))
    assert nn.Linear(3, 2)(ember.ones(4, 3)).dtype == ember.float32


# -------------------------------------------------------------------------------------------------
# load_state_dict: everything is checked before anything changes.

def test_load_state_dict_changes_nothing_when_its_last_value_is_wrong():
    model = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.Linear(2, 2))
    before = [p.detach().numpy().copy() for p in model.parameters()]
    state = {name: ember.zeros(*t.shape) for name, t in model.state_dict().items()}
    state["1.bias"] = np.array(["a", "b"])
    with raises(RuntimeError, "error loading the state dict into Sequential:\n  1.bias: expected numbers, got an "
                              "array of <U1"):
        model.load_state_dict(state)
    for p, old in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.detach().numpy(), old)


def test_load_state_dict_of_a_path_says_to_load_the_file_first():
    with raises(TypeError, "load_state_dict expects a dict-like state dict, got str (a path? load the file first: "
                           "model.load_state_dict(ember.load(path)))"):
        ember.nn.Linear(2, 2).load_state_dict("best.safetensors")
