import math
import warnings

import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.nn import init
from helpers import DEVICES, raises, to_numpy

BIG = (400, 500)  # 200,000 samples: sample means and stds are within ~0.5% of the truth


def stats(tensor):
    values = to_numpy(tensor.detach()).astype(np.float64)
    return values.mean(), values.std(), values.min(), values.max()


def assert_stats(tensor, mean, std, bound=None):
    """Sample mean within 4 standard errors of mean, sample std within 2% of std, all within ±bound."""
    sample_mean, sample_std, low, high = stats(tensor)
    assert abs(sample_mean - mean) < 4 * std / math.sqrt(tensor.numel()) + 1e-12, (sample_mean, mean)
    assert abs(sample_std - std) <= 0.02 * std, (sample_std, std)
    if bound is not None:
        assert -bound <= low and high <= bound and high > 0.99 * bound and low < -0.99 * bound, (low, high, bound)


def fill_both(fn, shape, *args, **kwargs):
    """fn (by name) applied to a new ember Parameter and a new torch one of the same shape, both generators
    seeded so that the statistical checks below are deterministic."""
    ember.manual_seed(0)
    torch.manual_seed(0)
    ours = nn.Parameter(ember.empty(*shape))
    theirs = torch.nn.Parameter(torch.empty(*shape))
    assert getattr(init, fn)(ours, *args, **kwargs) is ours
    getattr(torch.nn.init, fn)(theirs, *args, **kwargs)
    return ours, theirs


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None), ("conv_transpose1d", None),
    ("conv_transpose2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 1), ("leaky_relu", math.sqrt(5)), ("selu", None),
])
def test_calculate_gain_matches_pytorch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(torch.nn.init.calculate_gain(nonlinearity, param))


def test_calculate_gain_errors():
    with raises(ValueError, "Unsupported nonlinearity swish"):
        init.calculate_gain("swish")
    with raises(ValueError, "negative_slope fast not a valid number"):
        init.calculate_gain("leaky_relu", "fast")


@pytest.mark.parametrize("shape", [(3, 4), (8, 3, 5), (16, 3, 5, 5), (4, 2, 3, 3, 3)])
def test_fan_in_and_fan_out_match_pytorch_for_conv_shaped_weights(shape):
    assert init._calculate_fan_in_and_fan_out(ember.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def test_fan_needs_two_dimensions():
    with raises(ValueError, "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"):
        init.xavier_uniform_(ember.empty(5))


@pytest.mark.parametrize("device", DEVICES)
def test_uniform_and_normal(device):
    t = ember.empty(*BIG, device=device)
    assert init.uniform_(t, -1.0, 3.0) is t
    assert_stats(t, 1.0, 4 / math.sqrt(12), bound=None)
    _, _, low, high = stats(t)
    assert -1.0 <= low and high < 3.0
    init.normal_(t, 2.0, 0.5)
    assert_stats(t, 2.0, 0.5)
    assert t.device == ember.device(device) and t.dtype == ember.float32


def test_constant_zeros_ones_and_eye_match_pytorch():
    for fn, args in [("constant_", (0.25,)), ("zeros_", ()), ("ones_", ())]:
        ours, theirs = fill_both(fn, (3, 4), *args)
        assert np.array_equal(to_numpy(ours), to_numpy(theirs))
    ours, theirs = fill_both("eye_", (3, 5))
    assert np.array_equal(to_numpy(ours), to_numpy(theirs))
    with raises(ValueError, "Only tensors with 2 dimensions are supported"):
        init.eye_(ember.empty(2, 2, 2))


@pytest.mark.parametrize("shape", [BIG, (200, 50, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, init.calculate_gain("relu")])
def test_xavier(shape, gain):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(ember.empty(*shape))
    std = gain * math.sqrt(2 / (fan_in + fan_out))
    ours, theirs = fill_both("xavier_uniform_", shape, gain=gain)
    assert_stats(ours, 0.0, std, bound=math.sqrt(3) * std)
    assert_stats(theirs, 0.0, std, bound=math.sqrt(3) * std)  # the formula is PyTorch's
    ours, theirs = fill_both("xavier_normal_", shape, gain=gain)
    assert_stats(ours, 0.0, std)
    assert_stats(theirs, 0.0, std)


@pytest.mark.parametrize("shape", [BIG, (200, 50, 3, 3)])
@pytest.mark.parametrize("a, mode, nonlinearity", [
    (0, "fan_in", "leaky_relu"), (0, "fan_out", "relu"), (0.2, "fan_in", "leaky_relu"),
    (math.sqrt(5), "fan_in", "leaky_relu"), (0, "FAN_OUT", "linear"),
])
def test_kaiming(shape, a, mode, nonlinearity):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(ember.empty(*shape))
    std = init.calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode.lower() == "fan_in" else fan_out)
    ours, theirs = fill_both("kaiming_uniform_", shape, a=a, mode=mode, nonlinearity=nonlinearity)
    assert_stats(ours, 0.0, std, bound=math.sqrt(3) * std)
    assert_stats(theirs, 0.0, std, bound=math.sqrt(3) * std)
    ours, theirs = fill_both("kaiming_normal_", shape, a=a, mode=mode, nonlinearity=nonlinearity)
    assert_stats(ours, 0.0, std)
    assert_stats(theirs, 0.0, std)


def test_kaiming_errors():
    with raises(ValueError, "Mode fan_avg not supported, please use one of fan_in, fan_out"):
        init.kaiming_uniform_(ember.empty(3, 4), mode="fan_avg")
    with raises(ValueError, "Unsupported nonlinearity swish"):
        init.kaiming_normal_(ember.empty(3, 4), nonlinearity="swish")


def test_kaiming_on_an_empty_tensor_warns_and_does_nothing():
    t = ember.empty(0, 3)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert init.kaiming_uniform_(t) is t


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04), (1.0, 2.0, 0.0, 5.0)])
def test_trunc_normal_matches_pytorchs_distribution(mean, std, a, b):
    ours, theirs = fill_both("trunc_normal_", BIG, mean=mean, std=std, a=a, b=b)
    _, _, low, high = stats(ours)
    assert a <= low and high <= b
    their_mean, their_std, _, _ = stats(theirs)
    assert_stats(ours, their_mean, their_std)


def test_trunc_normal_refuses_an_interval_in_the_far_tail():
    with raises(ValueError, "trunc_normal_: [a, b] = [5.0, 6.0] holds"):
        init.trunc_normal_(ember.empty(3), a=5.0, b=6.0)


def test_init_works_on_parameters_in_grad_mode_and_records_no_graph():
    weight = nn.Parameter(ember.empty(3, 4))
    version = weight._version
    init.kaiming_normal_(weight)
    assert weight.grad_fn is None and weight.requires_grad and isinstance(weight, nn.Parameter)
    assert weight._version > version  # a graph that saved the old values would notice
    assert ember.is_grad_enabled()


def test_init_keeps_the_dtype():
    t = ember.empty(50, 60, dtype=ember.float64)
    for fn in (init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_, init.kaiming_normal_,
               init.trunc_normal_, init.uniform_, init.normal_):
        assert fn(t).dtype == ember.float64


def test_a_generator_makes_init_repeatable():
    a, b = ember.empty(4, 5), ember.empty(4, 5)
    init.kaiming_uniform_(a, generator=ember.Generator(seed=1))
    init.kaiming_uniform_(b, generator=ember.Generator(seed=1))
    assert np.array_equal(to_numpy(a), to_numpy(b))


# -------------------------------------------------------------------------------------------------
# Default initialization of layers.

@pytest.mark.parametrize("in_features, out_features", [(784, 256), (20, 1000)])
def test_linear_default_init_matches_pytorchs(in_features, out_features):
    ours = nn.Linear(in_features, out_features)
    theirs = torch.nn.Linear(in_features, out_features)
    bound = 1 / math.sqrt(in_features)
    for name in ("weight", "bias"):
        sample_mean, sample_std, low, high = stats(getattr(ours, name))
        _, their_std, _, _ = stats(getattr(theirs, name))
        assert -bound <= low and high <= bound
        if name == "weight":  # 200,000 and 20,000 samples: tight; the bias has too few for that
            assert abs(sample_std - bound / math.sqrt(3)) < 0.02 * bound and abs(sample_std - their_std) < 0.03 * bound
            assert abs(sample_mean) < 0.02 * bound


def test_linear_with_no_inputs_warns_like_pytorch():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = nn.Linear(0, 3)
    assert any("zero-element" in str(w.message) for w in caught)
    assert not to_numpy(layer.bias.detach()).any()


# -------------------------------------------------------------------------------------------------
# dirac_, orthogonal_, sparse_ and the deprecated names.

@pytest.mark.parametrize("shape, groups", [((4, 4, 3), 1), ((6, 2, 3, 3), 3), ((2, 4, 3, 3), 1), ((4, 2, 1, 3, 2), 2)])
def test_dirac_matches_pytorch(shape, groups):
    ours, theirs = fill_both("dirac_", shape, groups=groups)
    assert np.array_equal(to_numpy(ours), to_numpy(theirs))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("conv, shape", [("conv1d", (2, 3, 7)), ("conv2d", (2, 3, 5, 6))])
def test_a_dirac_convolution_passes_its_input_through(device, conv, shape):
    weight = init.dirac_(ember.empty(3, 3, *[3] * (len(shape) - 2), device=device))
    x = ember.randn(*shape, device=device)
    y = getattr(ember.nn.functional, conv)(x, weight, padding=1)
    np.testing.assert_allclose(to_numpy(y), to_numpy(x), rtol=1e-6, atol=1e-6)


def test_dirac_errors():
    with raises(ValueError, "dirac_: only tensors with 3, 4 or 5 dimensions are supported, got shape (3, 3)"):
        init.dirac_(ember.empty(3, 3))
    with raises(ValueError, "dirac_: dim 0 (3) must be divisible by groups (2)"):
        init.dirac_(ember.empty(3, 2, 3), groups=2)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(5, 5), (4, 9), (9, 4), (6, 2, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_is_orthogonal(device, shape, gain):
    t = ember.empty(*shape, device=device, dtype=ember.float64)
    assert init.orthogonal_(t, gain=gain) is t and t.device == ember.device(device)
    matrix = to_numpy(t).reshape(shape[0], -1) / gain
    gram = matrix @ matrix.T if matrix.shape[0] <= matrix.shape[1] else matrix.T @ matrix
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-12)
    theirs = torch.nn.init.orthogonal_(torch.empty(*shape, dtype=torch.float64), gain=gain)
    assert np.linalg.norm(to_numpy(theirs)) == pytest.approx(np.linalg.norm(to_numpy(t)))  # the same norm


def test_orthogonal_draws_uniformly_among_rotations():
    # The mean of many random orthogonal matrices is the zero matrix (no sign or direction preferred).
    ember.manual_seed(0)
    mean = np.mean([to_numpy(init.orthogonal_(ember.empty(3, 3))) for _ in range(2000)], axis=0)
    assert np.abs(mean).max() < 0.06


def test_orthogonal_errors_and_empty_tensors():
    with raises(ValueError, "orthogonal_: only tensors with 2 or more dimensions are supported, got shape (3,)"):
        init.orthogonal_(ember.empty(3))
    assert init.orthogonal_(ember.empty(0, 3)).shape == (0, 3)


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.95])
def test_sparse_zeros_a_fraction_of_each_column(sparsity):
    ours, theirs = fill_both("sparse_", (200, 300), sparsity, std=0.05)
    for t in (ours, theirs):
        values = to_numpy(t)
        assert ((values == 0).sum(axis=0) == math.ceil(sparsity * 200)).all()
        assert values[values != 0].std() == pytest.approx(0.05, rel=0.03)


def test_sparse_wants_a_matrix():
    with raises(ValueError, "sparse_: only tensors with 2 dimensions are supported, got shape (2, 2, 2)"):
        init.sparse_(ember.empty(2, 2, 2), 0.5)


@pytest.mark.parametrize("old, args", [
    ("uniform", ()), ("normal", ()), ("constant", (0.5,)), ("eye", ()), ("dirac", ()), ("xavier_uniform", ()),
    ("xavier_normal", ()), ("kaiming_uniform", ()), ("kaiming_normal", ()), ("orthogonal", ()), ("sparse", (0.5,)),
])
def test_the_deprecated_names_warn_and_fill_as_the_new_ones(old, args):
    shape = (3, 3, 3) if old == "dirac" else (4, 6)
    new = getattr(init, old + "_")
    for lib, module in ((ember, init), (torch, torch.nn.init)):
        with pytest.warns(FutureWarning, match=f"nn.init.{old}"):
            getattr(module, old)(lib.empty(*shape), *args)
    ember.manual_seed(3)
    with pytest.warns(FutureWarning, match=f"nn.init.{old} is deprecated; use nn.init.{old}_"):
        a = getattr(init, old)(ember.empty(*shape), *args)
    ember.manual_seed(3)
    assert np.array_equal(to_numpy(a), to_numpy(new(ember.empty(*shape), *args)))


def test_every_name_of_torch_nn_init_is_here():
    assert [name for name in torch.nn.init.__all__ if not hasattr(init, name)] == []
