import numpy as np
import pytest

import ember
from ember import nn
from helpers import DEVICES, check_layer, rand, raises

LAYERS = {
    "LayerNorm": (lambda lib: lib.nn.LayerNorm(8), (2, 3, 8)),
    "LayerNorm no bias": (lambda lib: lib.nn.LayerNorm(8, bias=False), (2, 3, 8)),
    "LayerNorm 2 dims": (lambda lib: lib.nn.LayerNorm([3, 8], eps=1e-3), (2, 3, 8)),
    "LayerNorm no affine": (lambda lib: lib.nn.LayerNorm(8, elementwise_affine=False), (4, 8)),
    "RMSNorm": (lambda lib: lib.nn.RMSNorm(8), (2, 3, 8)),
    "RMSNorm eps 2 dims": (lambda lib: lib.nn.RMSNorm((3, 8), eps=1e-6), (2, 3, 8)),
    "RMSNorm no affine": (lambda lib: lib.nn.RMSNorm(8, elementwise_affine=False), (4, 8)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", LAYERS)
def test_normalization_layer_matches_pytorch(device, dtype, name):
    make, shape = LAYERS[name]
    ours, theirs = check_layer(make, rand(*shape, seed=len(name)), device=device, dtype=dtype)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_layer_norm_starts_as_the_identity_affine_map():
    layer = nn.LayerNorm(4)
    assert layer.weight.tolist() == [1.0] * 4 and layer.bias.tolist() == [0.0] * 4
    assert nn.LayerNorm(4, bias=False).bias is None and nn.LayerNorm(4, elementwise_affine=False).weight is None


def test_layer_norm_errors_name_the_module():
    model = nn.Sequential(nn.Linear(4, 6), nn.LayerNorm(4))
    with raises(ValueError, "LayerNorm '1': expected input (*, 4), got (2, 6)"):
        model(ember.ones(2, 4))
    with raises(ValueError, "RMSNorm: expected input (*, 3), got (3, 2)"):
        nn.RMSNorm(3)(ember.ones(3, 2))
