import numpy as np
import pytest
import torch

import ember
import ember.functional as F
from ember import nn
from helpers import DEVICES, check_gradcheck, check_layer, check_parity, rand, raises, to_numpy

LAYERS = {
    "Linear": (lambda lib: lib.nn.Linear(4, 3), (2, 4)),
    "Linear 1-D input": (lambda lib: lib.nn.Linear(4, 3), (4,)),
    "Linear batch axes": (lambda lib: lib.nn.Linear(4, 3), (2, 5, 4)),
    "Linear no bias": (lambda lib: lib.nn.Linear(4, 3, bias=False), (2, 4)),
    "Identity": (lambda lib: lib.nn.Identity(7, unused=True), (2, 3)),
    "Flatten": (lambda lib: lib.nn.Flatten(), (2, 3, 2, 2)),
    "Flatten dims 0..1": (lambda lib: lib.nn.Flatten(0, 1), (2, 3, 4)),
    "Unflatten": (lambda lib: lib.nn.Unflatten(1, (3, 4)), (2, 12)),
    "Unflatten -1 last dim": (lambda lib: lib.nn.Unflatten(-1, [2, -1]), (2, 3, 6)),
    "ReLU": (lambda lib: lib.nn.ReLU(), (3, 4)),
    "LeakyReLU": (lambda lib: lib.nn.LeakyReLU(), (3, 4)),
    "LeakyReLU 0.2": (lambda lib: lib.nn.LeakyReLU(0.2), (3, 4)),
    "Sigmoid": (lambda lib: lib.nn.Sigmoid(), (3, 4)),
    "Tanh": (lambda lib: lib.nn.Tanh(), (3, 4)),
    "GELU": (lambda lib: lib.nn.GELU(), (3, 4)),
    "GELU tanh": (lambda lib: lib.nn.GELU(approximate="tanh"), (3, 4)),
    "SiLU": (lambda lib: lib.nn.SiLU(), (3, 4)),
    "Softplus": (lambda lib: lib.nn.Softplus(), (3, 4)),
    "Softplus beta threshold": (lambda lib: lib.nn.Softplus(beta=2.0, threshold=1.5), (3, 4)),
    "Softmax": (lambda lib: lib.nn.Softmax(dim=1), (3, 4)),
    "Softmax dim -1": (lambda lib: lib.nn.Softmax(dim=-1), (2, 3, 4)),
    "LogSoftmax": (lambda lib: lib.nn.LogSoftmax(dim=0), (3, 4)),
    "Dropout eval": (lambda lib: lib.nn.Dropout(0.3).eval(), (3, 4)),
    "Dropout p=0": (lambda lib: lib.nn.Dropout(0.0), (3, 4)),
    "MLP": (lambda lib: lib.nn.Sequential(lib.nn.Linear(6, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2)), (4, 6)),
    "ELU": (lambda lib: lib.nn.ELU(), (3, 4)),
    "ELU alpha": (lambda lib: lib.nn.ELU(0.5), (3, 4)),
    "SELU": (lambda lib: lib.nn.SELU(), (3, 4)),
    "CELU": (lambda lib: lib.nn.CELU(2.0), (3, 4)),
    "Mish": (lambda lib: lib.nn.Mish(), (3, 4)),
    "Hardswish": (lambda lib: lib.nn.Hardswish(), (3, 4)),
    "Hardsigmoid": (lambda lib: lib.nn.Hardsigmoid(), (3, 4)),
    "Hardtanh": (lambda lib: lib.nn.Hardtanh(), (3, 4)),
    "Hardtanh range": (lambda lib: lib.nn.Hardtanh(-0.5, 1.5), (3, 4)),
    "ReLU6": (lambda lib: lib.nn.ReLU6(), (3, 4)),
    "PReLU": (lambda lib: lib.nn.PReLU(), (3, 4)),
    "PReLU per channel": (lambda lib: lib.nn.PReLU(3, init=0.1), (2, 3, 4)),
    "RReLU eval": (lambda lib: lib.nn.RReLU(0.1, 0.3).eval(), (3, 4)),
    "Softsign": (lambda lib: lib.nn.Softsign(), (3, 4)),
    "Softshrink": (lambda lib: lib.nn.Softshrink(), (3, 4)),
    "Hardshrink": (lambda lib: lib.nn.Hardshrink(1.0), (3, 4)),
    "Tanhshrink": (lambda lib: lib.nn.Tanhshrink(), (3, 4)),
    "Threshold": (lambda lib: lib.nn.Threshold(0.1, 20.0), (3, 4)),
    "GLU": (lambda lib: lib.nn.GLU(), (3, 4)),
    "GLU dim 0": (lambda lib: lib.nn.GLU(0), (4, 3)),
    "LogSigmoid": (lambda lib: lib.nn.LogSigmoid(), (3, 4)),
    "Softmin": (lambda lib: lib.nn.Softmin(1), (3, 4)),
    "Softmax2d": (lambda lib: lib.nn.Softmax2d(), (2, 3, 2, 2)),
    "Softmax2d unbatched": (lambda lib: lib.nn.Softmax2d(), (3, 2, 2)),
    "Dropout1d eval": (lambda lib: lib.nn.Dropout1d().eval(), (2, 3, 4)),
    "Dropout3d eval": (lambda lib: lib.nn.Dropout3d(0.2, True).eval(), (2, 3, 1, 2, 2)),
    "AlphaDropout eval": (lambda lib: lib.nn.AlphaDropout(0.2).eval(), (3, 4)),
    "FeatureAlphaDropout p=0": (lambda lib: lib.nn.FeatureAlphaDropout(0.0, inplace=True), (3, 4)),
    "PixelShuffle": (lambda lib: lib.nn.PixelShuffle(2), (2, 8, 2, 3)),
    "PixelUnshuffle": (lambda lib: lib.nn.PixelUnshuffle(3), (2, 1, 3, 6)),
    "ChannelShuffle": (lambda lib: lib.nn.ChannelShuffle(2), (2, 4, 3)),
}

PAIR_LAYERS = {  # layers of two inputs
    "Bilinear": (lambda lib: lib.nn.Bilinear(3, 2, 4), (5, 3), (5, 2)),
    "Bilinear no bias": (lambda lib: lib.nn.Bilinear(3, 2, 4, bias=False), (2, 5, 3), (2, 5, 2)),
    "CosineSimilarity": (lambda lib: lib.nn.CosineSimilarity(), (4, 3), (4, 3)),
    "CosineSimilarity dim eps": (lambda lib: lib.nn.CosineSimilarity(dim=-1, eps=1e-3), (2, 1, 3), (4, 3)),
    "PairwiseDistance": (lambda lib: lib.nn.PairwiseDistance(), (4, 3), (4, 3)),
    "PairwiseDistance p keepdim": (lambda lib: lib.nn.PairwiseDistance(1.0, 1e-3, True), (4, 3), (3,)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", LAYERS)
def test_layer_matches_pytorch(device, dtype, name):
    make, shape = LAYERS[name]
    check_layer(make, rand(*shape, seed=len(name)), device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", PAIR_LAYERS)
def test_layer_of_two_inputs_matches_pytorch(device, dtype, name):
    make, first, second = PAIR_LAYERS[name]
    check_layer(make, rand(*first, seed=1), rand(*second, seed=2), device=device, dtype=dtype)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.ReLU(inplace=True), lambda lib: lib.nn.LeakyReLU(0.2, inplace=True),
    lambda lib: lib.nn.SiLU(inplace=True), lambda lib: lib.nn.Dropout(0.1, inplace=True),
    lambda lib: lib.nn.ELU(0.5, inplace=True), lambda lib: lib.nn.SELU(True), lambda lib: lib.nn.CELU(2.0, True),
    lambda lib: lib.nn.Mish(True), lambda lib: lib.nn.Hardswish(True), lambda lib: lib.nn.Hardsigmoid(True),
    lambda lib: lib.nn.Hardtanh(-0.5, 1.5, True), lambda lib: lib.nn.ReLU6(True),
    lambda lib: lib.nn.RReLU(inplace=True),
    lambda lib: lib.nn.Threshold(0.1, 20.0, True), lambda lib: lib.nn.Dropout3d(0.2, True),
    lambda lib: lib.nn.FeatureAlphaDropout(0.1, True),
], ids=["ReLU", "LeakyReLU", "SiLU", "Dropout", "ELU", "SELU", "CELU", "Mish", "Hardswish", "Hardsigmoid", "Hardtanh",
        "ReLU6", "RReLU", "Threshold", "Dropout3d", "FeatureAlphaDropout"])
def test_inplace_layers_print_as_in_pytorch_and_give_the_same_gradients_inside_a_graph(make):
    assert repr(make(ember)) == repr(make(torch))
    x = ember.tensor(rand(2, 3, 1, 2, 2), requires_grad=True)
    (make(ember).eval()(x * 2) + x).sum().backward()  # in a graph ember computes out of place
    expected = torch.tensor(rand(2, 3, 1, 2, 2), requires_grad=True)
    (make(torch).eval()(expected * 2) + expected).sum().backward()
    np.testing.assert_allclose(to_numpy(x.grad), to_numpy(expected.grad))


def test_linear_is_a_batch_of_neurons():
    layer = nn.Linear(3, 2)
    x = ember.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]])
    w, b, y = to_numpy(layer.weight.detach()), to_numpy(layer.bias.detach()), to_numpy(layer(x).detach())
    for n in range(2):
        for j in range(2):  # neuron j on example n: Σ wᵢxᵢ + b
            assert np.isclose(y[n, j], sum(w[j, i] * x.tolist()[n][i] for i in range(3)) + b[j], atol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_linear_takes_device_and_dtype(device):
    layer = nn.Linear(3, 2, device=device, dtype=ember.float64)
    assert all(p.device == ember.device(device) and p.dtype == ember.float64 for p in layer.parameters())
    assert nn.Linear(3, 2, bias=False).bias is None


def test_layers_name_themselves_and_the_shapes_in_errors():
    model = nn.Sequential(nn.Linear(784, 10), nn.ReLU())
    with raises(ValueError, "Linear '0': expected input (..., 784), got (32, 28, 28)"):
        model(ember.ones(32, 28, 28))
    with raises(ValueError, "Linear: expected input (..., 784), got ()"):
        nn.Linear(784, 10)(ember.tensor(1.0))
    with raises(IndexError, "Flatten '1': dimension out of range (expected to be in range of [-1, 0], but got 1) "
                            "(input of shape (5,))"):
        nn.Sequential(nn.Identity(), nn.Flatten())(ember.ones(5))
    with raises(RuntimeError, "Unflatten: cannot split dimension 1 of an input of shape (2, 10) into (3, 4)"):
        nn.Unflatten(1, (3, 4))(ember.ones(2, 10))
    with raises(IndexError, "Unflatten: cannot split dimension 2 of an input of shape (2, 10) into (2, 5)"):
        nn.Unflatten(2, (2, 5))(ember.ones(2, 10))
    with raises(TypeError, "Unflatten: unflattened_size must be a tuple of ints, got 12"):
        nn.Unflatten(1, 12)
    with raises(IndexError, "Softmax '0': dimension out of range (expected to be in range of [-2, 1], but got 2) "
                            "(input of shape (3, 4))"):
        nn.Sequential(nn.Softmax(dim=2))(ember.ones(3, 4))
    with raises(ValueError, "gelu: approximate is 'none' or 'tanh', got 'fast'"):
        nn.GELU("fast")(ember.ones(2))


@pytest.mark.parametrize("shape, dim", [((5,), 0), ((3, 4), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)])
def test_softmax_without_dim_uses_pytorchs_implicit_choice(shape, dim):
    x = ember.tensor(rand(*shape))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax") as caught:
        out = nn.Softmax()(x)
    assert caught[0].filename == __file__  # the warning points at the caller, as PyTorch's does
    assert np.allclose(to_numpy(out), to_numpy(F.softmax(x, dim)))
    assert repr(nn.LogSoftmax()) == repr(torch.nn.LogSoftmax()) == "LogSoftmax(dim=None)"


# -------------------------------------------------------------------------------------------------
# Dropout.

def seeded_dropout(p, training=True):
    """F.dropout with the same mask on every call (ember.manual_seed first), for gradcheck."""
    def fn(lib, x):
        ember.manual_seed(7)
        return F.dropout(x, p, training)
    return fn


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [0.0, 0.3, 0.8, 1.0])
def test_dropout_gradcheck_with_a_fixed_mask(device, p):
    check_gradcheck(seeded_dropout(p), rand(4, 5), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_dropout_is_the_identity_when_not_training_or_p_is_0(device):
    x = ember.tensor(rand(3, 4), device=device, requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    check_parity(lambda lib, x: lib.nn.functional.dropout(x, 0.5, training=False) * 2, rand(3, 4), device=device)
    layer = nn.Dropout(0.5).eval()
    assert layer(x) is x


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_keeps_1_minus_p_and_scales_by_1_over_1_minus_p(device, p):
    x = ember.ones(200, 500, device=device, requires_grad=True)  # 100,000 elements
    out = nn.Dropout(p)(x)
    values = to_numpy(out.detach())
    kept = values != 0
    assert abs(kept.mean() - (1 - p)) < 0.01  # the standard error is below 0.0016
    assert np.allclose(values[kept], 1 / (1 - p)) and out.dtype == ember.float32
    upstream = ember.tensor(rand(200, 500, seed=1), dtype=ember.float32, device=device)
    (out * upstream).sum().backward()
    # backward lets the gradient through exactly where forward let the input through, scaled alike
    assert np.allclose(to_numpy(x.grad), np.where(kept, to_numpy(upstream) / (1 - p), 0), rtol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_dropout_draws_a_new_mask_each_call_and_repeats_after_manual_seed(device):
    x = ember.ones(1000, device=device)
    ember.manual_seed(3)
    first, second = to_numpy(F.dropout(x)), to_numpy(F.dropout(x))
    assert not np.array_equal(first, second)
    ember.manual_seed(3)
    assert np.array_equal(to_numpy(F.dropout(x)), first)


def test_dropout_with_p_1_gives_zeros_and_zero_gradients():
    x = ember.tensor(rand(3, 4), requires_grad=True)
    out = F.dropout(x, 1.0)
    out.sum().backward()
    assert not to_numpy(out.detach()).any() and not to_numpy(x.grad).any()


def test_dropout_follows_the_modules_mode():
    layer = nn.Dropout(0.5)
    x = ember.ones(100)
    assert (to_numpy(layer(x)) == 0).any()
    layer.eval()
    assert layer(x) is x


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True])
def test_dropout_rejects_a_bad_p(p):
    with raises(ValueError, f"dropout probability has to be between 0 and 1, but got {p}"):
        nn.Dropout(p)
    with raises(ValueError, f"dropout probability has to be between 0 and 1, but got {p}"):
        F.dropout(ember.ones(3), p)


def test_dropout_needs_floats():
    with raises(TypeError, "dropout needs a floating point tensor, got int64"):
        F.dropout(ember.arange(4))


def test_dropout_keeps_float64():
    assert F.dropout(ember.ones(4, dtype=ember.float64)).dtype == ember.float64
