"""The padding layers (nn/padding.py): PyTorch's printed form, outputs and gradients, and their settings."""

import numpy as np
import pytest

import ember
from ember import nn
from helpers import DEVICES, check_layer, rand, raises

LAYERS = {
    "ZeroPad1d": (lambda lib: lib.nn.ZeroPad1d(2), (2, 3, 4)),
    "ZeroPad2d": (lambda lib: lib.nn.ZeroPad2d((1, 2, 0, -1)), (2, 3, 4, 5)),
    "ZeroPad3d": (lambda lib: lib.nn.ZeroPad3d(1), (2, 2, 3, 2, 3)),
    "ConstantPad1d": (lambda lib: lib.nn.ConstantPad1d((0, 3), 3.5), (3, 4)),
    "ConstantPad2d": (lambda lib: lib.nn.ConstantPad2d(1, -1), (2, 3, 4, 5)),
    "ConstantPad3d": (lambda lib: lib.nn.ConstantPad3d((1, 0, 2, 0, 0, 1), 2.0), (2, 3, 2, 3)),
    "ReflectionPad1d": (lambda lib: lib.nn.ReflectionPad1d((3, 1)), (2, 3, 4)),
    "ReflectionPad2d": (lambda lib: lib.nn.ReflectionPad2d((1, 2, 3, 0)), (2, 3, 4, 5)),
    "ReflectionPad3d": (lambda lib: lib.nn.ReflectionPad3d(1), (2, 3, 2, 3)),
    "ReplicationPad1d": (lambda lib: lib.nn.ReplicationPad1d(3), (3, 4)),
    "ReplicationPad2d": (lambda lib: lib.nn.ReplicationPad2d((2, 0, -1, 3)), (2, 3, 4, 5)),
    "ReplicationPad3d": (lambda lib: lib.nn.ReplicationPad3d((1, 2, 0, 1, 2, 0)), (2, 2, 2, 3, 3)),
    "CircularPad1d": (lambda lib: lib.nn.CircularPad1d((4, 1)), (2, 3, 4)),
    "CircularPad2d": (lambda lib: lib.nn.CircularPad2d(2), (3, 4, 5)),
    "CircularPad3d": (lambda lib: lib.nn.CircularPad3d((1, 0, 0, 2, 1, 1)), (2, 2, 2, 3, 3)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", LAYERS)
def test_padding_layer_matches_pytorch(device, dtype, name):
    make, shape = LAYERS[name]
    check_layer(make, rand(*shape, seed=len(name)), device=device, dtype=dtype)


def test_padding_layer_settings_are_checked_when_built():
    assert nn.ReflectionPad2d(2).padding == (2, 2, 2, 2) and nn.ConstantPad1d([1, 2], 0.5).padding == (1, 2)
    with raises(ValueError, "ReflectionPad2d: padding must be an int or a tuple of 4 ints, got (1, 2)"):
        nn.ReflectionPad2d((1, 2))
    with raises(ValueError, "ZeroPad3d: padding must be an int or a tuple of 6 ints, got 1.5"):
        nn.ZeroPad3d(1.5)
    with raises(NotImplementedError, "pad: mode 'reflect' pads 1 to 3 dimensions of a (N, C, *spatial) or "
                                     "(C, *spatial) input, got 1 pairs of widths for an input of shape (2, 2, 2, 2)"):
        nn.ReflectionPad1d(1)(ember.ones(2, 2, 2, 2))
