"""The CNN layers: convolutions, pooling, batch and group normalization, Dropout2d, Upsample."""

import math

import numpy as np
import pytest
import torch

import ember
from ember import nn
from helpers import DEVICES, check_layer, check_parity, rand, raises, tensor_for, to_numpy

LAYERS = {
    "Conv2d": (lambda lib: lib.nn.Conv2d(3, 4, 3), (2, 3, 6, 7)),
    "Conv2d stride padding groups": (lambda lib: lib.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 7, 8)),
    "Conv2d same dilation no bias": (lambda lib: lib.nn.Conv2d(3, 5, (3, 2), padding="same", dilation=2, bias=False),
                                     (2, 3, 7, 8)),
    "Conv2d valid": (lambda lib: lib.nn.Conv2d(2, 3, 2, padding="valid"), (2, 2, 4, 4)),
    "Conv2d unbatched": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=1), (2, 5, 5)),
    "Conv1d": (lambda lib: lib.nn.Conv1d(3, 5, 3, padding=1, stride=2), (2, 3, 9)),
    "ConvTranspose2d": (lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
                        (2, 4, 4, 5)),
    "ConvTranspose2d dilation no bias": (lambda lib: lib.nn.ConvTranspose2d(2, 3, 2, dilation=2, bias=False),
                                         (2, 2, 3, 3)),
    "Conv3d": (lambda lib: lib.nn.Conv3d(2, 4, (2, 3, 2), stride=(1, 2, 1), padding=1, groups=2), (2, 2, 3, 5, 4)),
    "Conv3d same unbatched": (lambda lib: lib.nn.Conv3d(2, 3, 2, padding="same", bias=False), (2, 3, 4, 3)),
    "ConvTranspose1d": (lambda lib: lib.nn.ConvTranspose1d(3, 4, 3, stride=2, padding=1, output_padding=1), (2, 3, 5)),
    "ConvTranspose3d": (lambda lib: lib.nn.ConvTranspose3d(2, 4, 2, stride=2, groups=2, dilation=(1, 2, 1)),
                        (2, 2, 2, 3, 2)),
    "Conv1d reflect": (lambda lib: lib.nn.Conv1d(2, 3, 3, padding=2, padding_mode="reflect"), (2, 2, 6)),
    "Conv2d replicate same": (lambda lib: lib.nn.Conv2d(2, 3, (2, 3), padding="same", padding_mode="replicate",
                                                        dilation=(2, 1)), (2, 2, 5, 6)),
    "Conv2d circular unbatched": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="circular"),
                                  (2, 4, 5)),
    "Conv3d reflect": (lambda lib: lib.nn.Conv3d(1, 2, 2, padding=1, stride=2, padding_mode="reflect"),
                       (2, 1, 3, 4, 4)),
    "MaxPool2d": (lambda lib: lib.nn.MaxPool2d(2), (2, 3, 8, 8)),
    "MaxPool2d overlapping ceil": (lambda lib: lib.nn.MaxPool2d(3, 2, 1, ceil_mode=True), (2, 3, 8, 7)),
    "MaxPool1d": (lambda lib: lib.nn.MaxPool1d(3, 2, 1, dilation=1), (2, 3, 8)),
    "AvgPool2d": (lambda lib: lib.nn.AvgPool2d(2), (2, 3, 8, 8)),
    "AvgPool2d padding no count": (lambda lib: lib.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
                                   (2, 3, 8, 7)),
    "AdaptiveAvgPool2d global": (lambda lib: lib.nn.AdaptiveAvgPool2d(1), (2, 3, 5, 6)),
    "AdaptiveAvgPool2d (3, None)": (lambda lib: lib.nn.AdaptiveAvgPool2d((3, None)), (2, 3, 8, 7)),
    "MaxPool3d": (lambda lib: lib.nn.MaxPool3d((2, 3, 2), padding=(1, 1, 0), ceil_mode=True), (2, 2, 4, 5, 4)),
    "AvgPool1d": (lambda lib: lib.nn.AvgPool1d(3, 2, 1, count_include_pad=False), (2, 3, 8)),
    "AvgPool3d": (lambda lib: lib.nn.AvgPool3d(2, divisor_override=3), (2, 2, 4, 4, 5)),
    "AdaptiveAvgPool1d": (lambda lib: lib.nn.AdaptiveAvgPool1d(3), (2, 3, 7)),
    "AdaptiveAvgPool3d": (lambda lib: lib.nn.AdaptiveAvgPool3d((2, None, 3)), (2, 2, 4, 3, 5)),
    "AdaptiveMaxPool1d": (lambda lib: lib.nn.AdaptiveMaxPool1d(4), (2, 3, 7)),
    "AdaptiveMaxPool2d indices": (lambda lib: lib.nn.AdaptiveMaxPool2d((2, 3), return_indices=True), (2, 3, 5, 7)),
    "AdaptiveMaxPool3d": (lambda lib: lib.nn.AdaptiveMaxPool3d(2), (2, 2, 4, 3, 5)),
    "LPPool1d": (lambda lib: lib.nn.LPPool1d(2, 3, stride=2), (2, 3, 8)),   # even powers: inputs of any sign
    "LPPool2d": (lambda lib: lib.nn.LPPool2d(1, 2, ceil_mode=True), (2, 3, 5, 5)),
    "LPPool3d": (lambda lib: lib.nn.LPPool3d(4, (2, 1, 2)), (2, 2, 4, 3, 4)),
    "Fold": (lambda lib: lib.nn.Fold((4, 5), 2, padding=1, stride=(1, 2)), (2, 12, 15)),
    "Unfold": (lambda lib: lib.nn.Unfold((2, 3), dilation=(1, 2), stride=2), (2, 3, 6, 7)),
    "BatchNorm2d": (lambda lib: lib.nn.BatchNorm2d(3), (4, 3, 5, 5)),
    "BatchNorm2d eval": (lambda lib: lib.nn.BatchNorm2d(3).eval(), (4, 3, 5, 5)),
    "BatchNorm2d no affine, no running stats": (
        lambda lib: lib.nn.BatchNorm2d(3, affine=False, track_running_stats=False).eval(), (4, 3, 2, 2)),
    "BatchNorm2d no bias": (lambda lib: lib.nn.BatchNorm2d(3, bias=False), (4, 3, 2, 2)),
    "BatchNorm1d": (lambda lib: lib.nn.BatchNorm1d(3, momentum=None), (4, 3)),
    "BatchNorm1d (N, C, L)": (lambda lib: lib.nn.BatchNorm1d(3, eps=1e-3), (4, 3, 5)),
    "GroupNorm": (lambda lib: lib.nn.GroupNorm(2, 4), (2, 4, 3, 3)),
    "GroupNorm no affine": (lambda lib: lib.nn.GroupNorm(4, 4, affine=False), (2, 4, 3)),
    "Dropout2d eval": (lambda lib: lib.nn.Dropout2d(0.3).eval(), (2, 4, 3, 3)),
    "Upsample x2": (lambda lib: lib.nn.Upsample(scale_factor=2), (2, 4, 3, 3)),
    "Upsample size": (lambda lib: lib.nn.Upsample(size=(5, 7)), (2, 4, 3, 3)),
    "Upsample (2, 3)": (lambda lib: lib.nn.Upsample(scale_factor=(2, 3)), (2, 4, 3, 3)),
    "Upsample linear": (lambda lib: lib.nn.Upsample(scale_factor=1.5, mode="linear"), (2, 4, 5)),
    "Upsample bicubic aligned": (lambda lib: lib.nn.Upsample(size=(5, 4), mode="bicubic", align_corners=True),
                                 (2, 2, 3, 3)),
    "Upsample trilinear": (lambda lib: lib.nn.Upsample(scale_factor=2, mode="trilinear"), (1, 2, 2, 3, 2)),
    "Upsample nearest-exact": (lambda lib: lib.nn.Upsample(scale_factor=1.7, mode="nearest-exact"), (2, 2, 3, 3)),
    "UpsamplingNearest2d": (lambda lib: lib.nn.UpsamplingNearest2d(scale_factor=2), (2, 2, 3, 3)),
    "UpsamplingBilinear2d": (lambda lib: lib.nn.UpsamplingBilinear2d(size=(5, 4)), (2, 2, 3, 3)),
    "LeNet block": (lambda lib: lib.nn.Sequential(lib.nn.Conv2d(1, 2, 3, padding=1), lib.nn.BatchNorm2d(2),
                                                  lib.nn.ReLU(), lib.nn.MaxPool2d(2), lib.nn.Flatten(),
                                                  lib.nn.Linear(8, 3)), (4, 1, 4, 4)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", LAYERS)
def test_layer_matches_pytorch(device, dtype, name):
    make, shape = LAYERS[name]
    ours, theirs = check_layer(make, rand(*shape, seed=len(name)), device=device, dtype=dtype)
    for key, buffer in theirs.state_dict().items():  # running statistics too, after the training forward
        np.testing.assert_allclose(to_numpy(ours.state_dict()[key]), buffer.numpy(), rtol=1e-5, atol=1e-7,
                                   err_msg=key)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Conv2d(3, 8, 5), lambda lib: lib.nn.Conv2d(4, 8, 3, groups=2, bias=False),
    lambda lib: lib.nn.Conv1d(3, 8, 5), lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, groups=2),
], ids=["Conv2d", "Conv2d groups", "Conv1d", "ConvTranspose2d"])
def test_conv_weights_start_as_pytorchs(make):
    """Shapes and names as PyTorch's, values uniform in ±1/√fan_in (fan_in = in/groups · kernel area)."""
    ours, theirs = make(ember), make(torch)
    shapes = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert {k: v.shape for k, v in ours.state_dict().items()} == shapes
    fan_in = math.prod(ours.weight.shape[1:])
    for param in ours.parameters():
        values = to_numpy(param.detach())
        assert np.abs(values).max() <= 1 / math.sqrt(fan_in) and values.std() > 0.25 / math.sqrt(fan_in)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_running_statistics_after_several_steps_then_eval(device, momentum):
    """Training steps update running_mean, running_var and num_batches_tracked as PyTorch's; eval then
    uses them (and changes nothing), giving PyTorch's outputs."""
    results = {}
    for lib in (ember, torch):
        layer = lib.nn.BatchNorm2d(3, momentum=momentum)
        if lib is ember:
            layer.to(device)
        for step in range(5):
            x = tensor_for(lib, rand(8, 3, 4, 4, seed=step, low=-step, high=3.0, dtype=np.float32), device,
                           requires_grad=True)
            layer(x).sum().backward()
        layer.eval()
        out = layer(tensor_for(lib, rand(2, 3, 4, 4, seed=9, dtype=np.float32), device))
        results[lib] = ({k: to_numpy(v) for k, v in layer.state_dict().items()}, to_numpy(out.detach()))
    for key, value in results[torch][0].items():
        np.testing.assert_allclose(results[ember][0][key], value, rtol=1e-5, atol=1e-6, err_msg=key)
    assert results[ember][0]["num_batches_tracked"] == 5
    np.testing.assert_allclose(results[ember][1], results[torch][1], rtol=1e-4, atol=1e-5)


def test_batchnorm_a_pytorch_state_dict_loads_and_gives_the_same_outputs():
    theirs = torch.nn.BatchNorm2d(3)
    for step in range(3):
        theirs(torch.tensor(rand(4, 3, 2, 2, seed=step), dtype=torch.float32))
    theirs.eval()
    ours = nn.BatchNorm2d(3).eval()
    ours.load_state_dict(theirs.state_dict())
    x = rand(2, 3, 2, 2, seed=7, dtype=np.float32)
    np.testing.assert_allclose(to_numpy(ours(ember.tensor(x))), theirs(torch.tensor(x)).detach().numpy(), atol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_dropout2d_drops_whole_channels(device):
    ember.manual_seed(0)
    x = ember.ones(50, 40, 3, 3, device=device, requires_grad=True)
    out = nn.Dropout2d(0.25)(x)
    values = to_numpy(out.detach())
    per_channel = values.reshape(50, 40, 9)
    assert (per_channel == per_channel[:, :, :1]).all()            # one value per (example, channel)
    kept = per_channel[:, :, 0] != 0
    assert abs(kept.mean() - 0.75) < 0.04 and np.allclose(per_channel[kept], 1 / 0.75)
    out.sum().backward()
    assert np.allclose(to_numpy(x.grad), values)                  # the gradient goes where the input went
    assert nn.Dropout2d(0.25).eval()(x) is x


def test_layers_name_themselves_in_errors():
    model = nn.Sequential(nn.Sequential(nn.Conv2d(3, 6, 5), nn.BatchNorm2d(6), nn.MaxPool2d(2)))
    model.features = model[0]
    with raises(ValueError, "Conv2d '0.0': expected input (N, 3, H, W), got (8, 1, 28, 28)"):
        model(ember.ones(8, 1, 28, 28))
    features = nn.Sequential()
    features.add_module("0", nn.Conv2d(3, 6, 5))
    holder = nn.Module()
    holder.features = features
    with raises(ValueError, "Conv2d 'features.0': expected input (N, 3, H, W), got (8, 1, 28, 28)"):
        holder.features(ember.ones(8, 1, 28, 28))
    with raises(ValueError, "Conv2d 'features.0': conv2d: the input (3, 3) padded to (3, 3) is smaller than the "
                            "kernel (5, 5) (spanning (5, 5) with dilation (1, 1)) (input of shape (1, 3, 3, 3))"):
        holder.features(ember.ones(1, 3, 3, 3))
    with raises(ValueError, "Conv1d: expected input (N, 2, L), got (4, 3, 10)"):
        nn.Conv1d(2, 4, 3)(ember.ones(4, 3, 10))
    with raises(ValueError, "BatchNorm2d: expected input (N, 6, H, W), got (8, 6, 28)"):
        nn.BatchNorm2d(6)(ember.ones(8, 6, 28))
    with raises(ValueError, "BatchNorm1d: expected input (N, 6) or (N, 6, L), got (8, 5)"):
        nn.BatchNorm1d(6)(ember.ones(8, 5))
    with raises(ValueError, "BatchNorm1d: batch_norm: expected more than 1 value per channel when training, got "
                            "input of shape (1, 6) (input of shape (1, 6))"):
        nn.BatchNorm1d(6)(ember.ones(1, 6))
    with raises(ValueError, "GroupNorm: expected input (N, 4, *), got (2, 3, 5)"):
        nn.GroupNorm(2, 4)(ember.ones(2, 3, 5))
    with raises(ValueError, "MaxPool2d: max_pool2d: expected input (N, C, H, W) or (C, H, W), got (5, 5) "
                            "(input of shape (5, 5))"):
        nn.MaxPool2d(2)(ember.ones(5, 5))


def test_layer_settings_are_checked_when_built():
    with raises(ValueError, "Conv2d: in_channels (3) must be divisible by groups (2)"):
        nn.Conv2d(3, 4, 3, groups=2)
    with raises(ValueError, "Conv2d: padding='same' is not supported for strided convolutions"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with raises(ValueError, "Conv2d: kernel_size must be an int ≥ 1 or a tuple of 2 of them, got (3, 3, 3)"):
        nn.Conv2d(3, 4, (3, 3, 3))
    with raises(ValueError, "Conv2d: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', got "
                            "padding_mode='mirror'"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with raises(TypeError, "unexpected keyword argument 'output_padding'"):  # the transposed convolutions' alone
        nn.Conv2d(3, 4, 3, output_padding=1)
    with raises(ValueError, "ConvTranspose2d: padding must be an int or a tuple of ints, got 'same'"):
        nn.ConvTranspose2d(3, 4, 3, padding="same")
    with raises(ValueError, "ConvTranspose1d: only padding_mode='zeros' is supported, got padding_mode='reflect'"):
        nn.ConvTranspose1d(3, 4, 3, padding_mode="reflect")
    with raises(ValueError, "FractionalMaxPool2d: give exactly one of output_size and output_ratio"):
        nn.FractionalMaxPool2d(2)
    with raises(ValueError, "FractionalMaxPool3d: output_ratio must be a number in (0, 1) or a tuple of 3 of them, "
                            "got (0.5, 0.5)"):
        nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.5))
    with raises(ValueError, "GroupNorm: num_channels (6) must be divisible by num_groups (4)"):
        nn.GroupNorm(4, 6)


def test_pool_layers_default_their_stride_to_the_kernel_size():
    assert nn.MaxPool2d(3).stride == 3 and nn.AvgPool2d((2, 3)).stride == (2, 3)
    assert repr(nn.MaxPool2d(2, return_indices=True)) == repr(torch.nn.MaxPool2d(2, return_indices=True))
    out, indices = nn.MaxPool2d(2, return_indices=True)(ember.tensor(rand(1, 1, 4, 4)))
    assert out.shape == indices.shape == (1, 1, 2, 2)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("output_size", [None, (9, 10), (1, 3, 10, 10)])
def test_conv_transpose_output_size_picks_the_output_padding(device, output_size):
    make = lambda lib: lib.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)  # noqa: E731
    theirs, ours = make(torch).double(), make(ember).to(device, dtype=ember.float64)
    ours.load_state_dict(theirs.state_dict())
    check_parity(lambda lib, x: (ours if lib is ember else theirs)(x, output_size=output_size), rand(1, 3, 5, 5),
                 device=device)
    with raises(ValueError, "requested an output size of (11, 10), but valid sizes range from (9, 9) to (10, 10) "
                            "(for an input of (5, 5))"):
        ours(ember.ones(1, 3, 5, 5, device=device, dtype=ember.float64), output_size=(11, 10))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("make, shape", [
    (lambda lib, s: lib.nn.FractionalMaxPool2d(2, output_size=(4, 3), return_indices=True, _random_samples=s),
     (2, 3, 9, 8)),
    (lambda lib, s: lib.nn.FractionalMaxPool3d((2, 1, 2), output_ratio=0.5, _random_samples=s), (2, 2, 7, 6, 5)),
], ids=["FractionalMaxPool2d", "FractionalMaxPool3d"])
def test_fractional_max_pool_layers_match_pytorch(device, dtype, make, shape):
    """Given the same samples (a buffer of the layer) both pick the same windows."""
    samples = rand(*shape[:2], len(shape) - 2, seed=5, low=0, high=1, dtype=dtype)
    check_layer(lambda lib: make(lib, tensor_for(lib, samples)), rand(*shape), device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dims, shape", [(1, (2, 3, 8)), (2, (2, 3, 6, 7)), (3, (2, 2, 4, 4, 6))])
def test_max_unpool_layers_undo_max_pool_layers(device, dims, shape):
    """MaxUnpool(MaxPool(x)) keeps each window's maximum in its place and zeros the rest, as PyTorch's."""
    def roundtrip(lib, x):
        pooled, indices = getattr(lib.nn, f"MaxPool{dims}d")(2, return_indices=True)(x)
        return getattr(lib.nn, f"MaxUnpool{dims}d")(2)(pooled, indices, output_size=x.shape)
    values = np.random.default_rng(0).permutation(int(np.prod(shape))).reshape(shape) / 10.0
    check_parity(roundtrip, values, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dims, shape, settings", [
    (1, (2, 3, 9), dict(kernel_size=3, stride=2)), (2, (2, 3, 6, 9), dict(kernel_size=(2, 3), padding=(1, 0))),
    (3, (2, 2, 4, 4, 6), dict(kernel_size=2)),
], ids=["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"])
def test_max_unpool_layers_match_pytorch(device, dtype, dims, shape, settings):
    """The maxima and indices of PyTorch's max pooling, unpooled by both layers (printed form, outputs, gradients)."""
    values = np.random.default_rng(1).permutation(int(np.prod(shape))).reshape(shape) / 10.0
    pool = getattr(torch.nn.functional, f"max_pool{dims}d")
    pooled, indices = (t.numpy() for t in pool(torch.tensor(values), return_indices=True, **settings))
    check_layer(lambda lib: getattr(lib.nn, f"MaxUnpool{dims}d")(**settings), pooled.astype(dtype), indices,
                device=device, dtype=dtype)
