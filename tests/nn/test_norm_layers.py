"""BatchNorm3d, SyncBatchNorm, the instance norms, local response normalization, and the arguments of
the other norms (nn/batchnorm.py, nn/instancenorm.py, nn/normalization.py)."""

import numpy as np
import pytest
import torch

import ember
from ember import nn
from helpers import DEVICES, check_gradcheck, check_layer, check_parity, rand, raises, to_numpy

LAYERS = {
    "BatchNorm3d": (lambda lib: lib.nn.BatchNorm3d(3), (2, 3, 2, 2, 3)),
    "BatchNorm3d eval": (lambda lib: lib.nn.BatchNorm3d(3, eps=1e-3).eval(), (2, 3, 2, 2, 3)),
    "SyncBatchNorm": (lambda lib: lib.nn.SyncBatchNorm(3), (4, 3, 2, 2)),
    "SyncBatchNorm (N, C)": (lambda lib: lib.nn.SyncBatchNorm(3, momentum=None, bias=False), (4, 3)),
    "InstanceNorm1d": (lambda lib: lib.nn.InstanceNorm1d(3), (2, 3, 5)),
    "InstanceNorm1d unbatched": (lambda lib: lib.nn.InstanceNorm1d(3, affine=True), (3, 5)),
    "InstanceNorm2d affine": (lambda lib: lib.nn.InstanceNorm2d(3, affine=True), (2, 3, 2, 3)),
    "InstanceNorm2d no bias": (lambda lib: lib.nn.InstanceNorm2d(3, affine=True, bias=False), (2, 3, 2, 3)),
    "InstanceNorm2d running stats": (lambda lib: lib.nn.InstanceNorm2d(3, track_running_stats=True), (2, 3, 2, 3)),
    "InstanceNorm2d eval": (lambda lib: lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True).eval(),
                            (2, 3, 2, 3)),
    "InstanceNorm3d": (lambda lib: lib.nn.InstanceNorm3d(2, eps=1e-3, momentum=None), (2, 2, 2, 2, 2)),
    "InstanceNorm3d unbatched": (lambda lib: lib.nn.InstanceNorm3d(2, affine=True), (2, 2, 1, 3)),
    "LocalResponseNorm": (lambda lib: lib.nn.LocalResponseNorm(3), (2, 5, 2, 2)),
    "LocalResponseNorm settings": (lambda lib: lib.nn.LocalResponseNorm(2, 1e-2, 0.5, 2.0), (2, 5, 3)),
    "GroupNorm no bias": (lambda lib: lib.nn.GroupNorm(2, 4, eps=1e-3, bias=False), (2, 4, 3)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", LAYERS)
def test_normalization_layer_matches_pytorch(device, dtype, name):
    make, shape = LAYERS[name]
    check_layer(make, rand(*shape, seed=len(name)), device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.BatchNorm3d(2, momentum=None), lambda lib: lib.nn.SyncBatchNorm(2, momentum=0.3),
    lambda lib: lib.nn.InstanceNorm1d(2, momentum=0.3, track_running_stats=True),
    lambda lib: lib.nn.InstanceNorm3d(2, affine=True, momentum=None, track_running_stats=True),
], ids=["BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d", "InstanceNorm3d momentum None"])
def test_running_statistics_follow_pytorch_over_several_steps(device, make):
    layers = {lib: make(lib).double() for lib in (ember, torch)}
    layers[ember].to(device)
    for step in range(3):
        x = rand(4, 2, 3, 1, 2, seed=step, low=step, high=2 * step + 3)
        x = x.reshape(4, 2, 6) if isinstance(layers[torch], torch.nn.InstanceNorm1d) else x
        layers[ember](ember.tensor(x, device=device))
        layers[torch](torch.tensor(x))
    theirs = layers[torch].state_dict()
    for key, value in layers[ember].state_dict().items():
        np.testing.assert_allclose(to_numpy(value), theirs[key].numpy(), rtol=1e-12, err_msg=key)


def test_convert_sync_batchnorm_replaces_every_batch_norm_keeping_its_tensors():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2, bias=False), nn.Sequential(nn.BatchNorm1d(4).eval()))
    weight, running_mean = model[1].weight, model[2][0].running_mean
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(model, process_group="group")
    assert converted is model and type(model[0]) is nn.Conv2d
    assert type(model[1]) is nn.SyncBatchNorm and model[1].weight is weight and model[1].bias is None
    assert model[2][0].running_mean is running_mean and not model[2][0].training
    assert model[2][0].process_group == "group"
    assert repr(converted) == repr(torch.nn.SyncBatchNorm.convert_sync_batchnorm(torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2, bias=False),
        torch.nn.Sequential(torch.nn.BatchNorm1d(4))))).replace("torch.", "ember.")
    assert type(nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm3d(3))) is nn.SyncBatchNorm


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.CrossMapLRN2d(3), lambda lib: lib.nn.CrossMapLRN2d(5, 1e-3, 0.5, 2),
    lambda lib: lib.nn.LayerNorm((2, 3), 1e-3, bias=False), lambda lib: lib.nn.RMSNorm(3, 1e-6, False),
])
def test_layers_print_as_in_pytorch(make):
    assert repr(make(ember)) == repr(make(torch))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib, **where: lib.nn.LayerNorm(3, **where), lambda lib, **where: lib.nn.RMSNorm((2, 3), **where),
    lambda lib, **where: lib.nn.GroupNorm(1, 3, **where), lambda lib, **where: lib.nn.BatchNorm3d(3, **where),
    lambda lib, **where: lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True, **where),
    lambda lib, **where: lib.nn.SyncBatchNorm(3, **where),
])
def test_norms_take_device_and_dtype_and_reset_their_parameters(device, make):
    layer = make(ember, device=device, dtype=ember.float64)
    floats = [t for t in (*layer.parameters(), *layer.buffers()) if t.is_floating_point()]
    assert floats and all(t.device == ember.device(device) and t.dtype == ember.float64 for t in floats)
    with ember.no_grad():
        for t in floats:
            t.fill_(7.0)
    layer.reset_parameters()
    reference = make(torch, dtype=torch.float64)
    for (name, ours), (_, theirs) in zip(layer.state_dict().items(), reference.state_dict().items()):
        np.testing.assert_array_equal(to_numpy(ours), theirs.numpy(), err_msg=name)


def test_instance_norm_errors_and_warnings():
    with raises(ValueError, "InstanceNorm2d: expected 3D or 4D input, got (2, 3)"):
        nn.InstanceNorm2d(3)(ember.ones(2, 3))
    with raises(ValueError, "InstanceNorm1d: expected input's size at dim=1 to match num_features (3), got (2, 4, 5)"):
        nn.InstanceNorm1d(3, affine=True)(ember.ones(2, 4, 5))
    with pytest.warns(UserWarning, match="input's size at dim=0 does not match num_features"):
        nn.InstanceNorm1d(3)(ember.tensor(rand(4, 5)))
    with raises(ValueError, "SyncBatchNorm: expected input (N, 3, *), got (3,)"):
        nn.SyncBatchNorm(3)(ember.ones(3))
    with raises(ValueError, "BatchNorm3d: expected input (N, 3, D, H, W), got (2, 3, 4, 4)"):
        nn.BatchNorm3d(3)(ember.ones(2, 3, 4, 4))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 9])
def test_cross_map_lrn2d_gives_pytorchs_numbers(device, size):
    """PyTorch's legacy backward of CrossMapLRN2d fails its own gradcheck, so only the forward is compared with
    it; ember's gradient is the gradient of that forward (gradcheck)."""
    make = lambda lib: lib.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=2.0)  # noqa: E731
    x = rand(2, 7, 2, 3)
    check_parity(lambda lib, x: make(lib)(x), x, device=device, backward=False)
    check_parity(lambda lib, x: make(lib)(x), x.astype(np.float32), device=device, dtype=np.float32,
                 backward=False)
    check_gradcheck(lambda lib, x: make(ember)(x), x, device=device)
    with raises(ValueError, "CrossMapLRN2d: expected input to be 4D, got 3D instead"):
        make(ember)(ember.ones(2, 3, 4))
