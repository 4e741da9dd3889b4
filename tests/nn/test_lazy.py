"""Lazy layers and uninitialized parameters (nn/lazy.py)."""

import numpy as np
import pytest
import torch

import ember
from ember import nn
from helpers import DEVICES, check_layer, check_parity, rand, raises, to_numpy

# name: (make(lib), the input's shape, the class it becomes)
LAZY = {
    "LazyLinear": (lambda lib: lib.nn.LazyLinear(3), (2, 5), "Linear"),
    "LazyLinear no bias": (lambda lib: lib.nn.LazyLinear(3, bias=False), (4, 2, 5), "Linear"),
    "LazyBatchNorm1d": (lambda lib: lib.nn.LazyBatchNorm1d(), (4, 3), "BatchNorm1d"),
    "LazyBatchNorm2d": (lambda lib: lib.nn.LazyBatchNorm2d(momentum=0.3, bias=False), (2, 3, 2, 2), "BatchNorm2d"),
    "LazyBatchNorm3d": (lambda lib: lib.nn.LazyBatchNorm3d(affine=False), (2, 3, 1, 2, 2), "BatchNorm3d"),
    "LazyInstanceNorm1d": (lambda lib: lib.nn.LazyInstanceNorm1d(), (2, 3, 4), "InstanceNorm1d"),
    "LazyInstanceNorm2d": (lambda lib: lib.nn.LazyInstanceNorm2d(track_running_stats=False), (2, 3, 2, 2),
                           "InstanceNorm2d"),
    "LazyInstanceNorm3d": (lambda lib: lib.nn.LazyInstanceNorm3d(eps=1e-3), (2, 3, 2, 1, 2), "InstanceNorm3d"),
    "LazyConv1d": (lambda lib: lib.nn.LazyConv1d(4, 3, padding=1, groups=2), (2, 4, 5), "Conv1d"),
    "LazyConv2d": (lambda lib: lib.nn.LazyConv2d(3, (2, 3), stride=2, bias=False), (2, 2, 5, 6), "Conv2d"),
    "LazyConv3d unbatched": (lambda lib: lib.nn.LazyConv3d(2, 2, padding_mode="circular", padding=1), (3, 3, 2, 3),
                             "Conv3d"),
    "LazyConvTranspose1d": (lambda lib: lib.nn.LazyConvTranspose1d(4, 3, stride=2, groups=2), (2, 2, 4),
                            "ConvTranspose1d"),
    "LazyConvTranspose2d": (lambda lib: lib.nn.LazyConvTranspose2d(3, 2, output_padding=1, stride=2), (2, 2, 3, 3),
                            "ConvTranspose2d"),
    "LazyConvTranspose3d": (lambda lib: lib.nn.LazyConvTranspose3d(2, 2, dilation=2, bias=False), (2, 3, 2, 2, 2),
                            "ConvTranspose3d"),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", LAZY)
def test_a_lazy_layer_infers_its_shapes_and_becomes_its_ordinary_class(device, dtype, name):
    make, shape, becomes = LAZY[name]
    ours, theirs = make(ember).to(device, dtype=dtype), make(torch).to(getattr(torch, np.dtype(dtype).name))
    assert repr(ours) == repr(theirs)
    assert ours.has_uninitialized_params() and all("Uninitialized" in repr(p) for p in ours.parameters())
    x = rand(*shape, dtype=dtype)
    ours(ember.tensor(x, device=device))
    theirs(torch.tensor(x))
    assert type(ours) is getattr(nn, becomes) and repr(ours) == repr(theirs)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert all(type(p) is nn.Parameter and p.dtype == getattr(ember, np.dtype(dtype).name)
               and p.device == ember.device(device) for p in ours.parameters())
    check_layer(lambda lib: ours if lib is ember else theirs, x, device=device, dtype=dtype)  # PyTorch's weights


def test_lazy_linear_starts_as_pytorchs_linear():
    layer = nn.LazyLinear(200)
    layer(ember.ones(2, 300))
    weight = to_numpy(layer.weight.detach())
    bound = 1 / np.sqrt(300)
    assert np.abs(weight).max() <= bound and weight.std() > 0.9 * bound / np.sqrt(3)


def test_loading_a_state_dict_materializes_a_lazy_layer():
    source = nn.Linear(4, 3)
    lazy = nn.Sequential(nn.LazyLinear(3), nn.LazyBatchNorm1d())
    lazy.load_state_dict({"0.weight": source.weight, "0.bias": source.bias, **{
        f"1.{k}": v for k, v in nn.BatchNorm1d(3).state_dict().items()}})
    assert not lazy[0].has_uninitialized_params() and lazy[0].weight.shape == (3, 4)
    out = lazy(ember.ones(5, 4))
    assert type(lazy[0]) is nn.Linear and lazy[0].in_features == 4 and lazy[1].num_features == 3
    assert out.shape == (5, 3)


def test_uninitialized_tensors():
    param = nn.UninitializedParameter(dtype=ember.float64)
    assert repr(param) == "<UninitializedParameter>" and param.requires_grad
    with raises(RuntimeError, "can't access the shape of an uninitialized parameter or buffer"):
        param.shape
    param.materialize((2, 3))
    assert type(param) is nn.Parameter and param.shape == (2, 3) and param.dtype == ember.float64
    buffer = nn.UninitializedBuffer(persistent=False)
    assert repr(buffer) == "<UninitializedBuffer>" and not buffer.requires_grad
    buffer.materialize((4,), dtype=ember.float16)
    assert type(buffer) is nn.Buffer and buffer.shape == (4,) and buffer.dtype == ember.float16
    module = nn.Module()
    module.state = nn.UninitializedBuffer(persistent=False)
    assert "state" in dict(module.named_buffers()) and "state" not in module.state_dict()


def test_a_lazy_module_of_ones_own():
    class LazyScale(nn.LazyModuleMixin, nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.UninitializedParameter()

        def initialize_parameters(self, x):
            self.scale.materialize(x.shape[-1:])
            with ember.no_grad():
                self.scale.fill_(2.0)

        def forward(self, x):
            return x * self.scale

    layer = LazyScale()
    assert layer(ember.ones(2, 3)).tolist() == [[2.0] * 3] * 2 and not hasattr(layer, "_initialize_hook")


def test_a_lazy_module_must_say_how_to_initialize():
    class Unfinished(nn.LazyModuleMixin, nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.UninitializedParameter()

    with raises(NotImplementedError, "Unfinished must say how its parameters follow from the input"):
        Unfinished()(ember.ones(1))


def test_lazy_convolutions_start_as_pytorchs_and_check_their_first_input():
    layer = nn.LazyConv2d(16, 3, groups=2)
    layer(ember.ones(1, 8, 5, 5))
    weight = to_numpy(layer.weight.detach())
    bound = 1 / np.sqrt(4 * 9)   # fan_in = in_channels / groups · kh · kw
    assert layer.weight.shape == (16, 4, 3, 3) and np.abs(weight).max() <= bound and weight.std() > 0.5 * bound
    with raises(RuntimeError, "LazyConv1d: expected a 2-D (unbatched) or 3-D (batched) input, got (1, 2, 3, 4)"):
        nn.LazyConv1d(2, 1)(ember.ones(1, 2, 3, 4))
    with raises(ValueError, "LazyConvTranspose2d: in_channels (3) must be divisible by groups (2)"):
        nn.LazyConvTranspose2d(4, 1, groups=2)(ember.ones(1, 3, 2, 2))
