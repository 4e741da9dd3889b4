import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_op, check_parity, dim, rand, raises, seeds, shapes, to_numpy

ACTIVATIONS = {  # name: (function, the points where it has a kink)
    "relu": (lambda lib, x: lib.nn.functional.relu(x), (0,)),
    "relu-method": (lambda lib, x: x.relu(), (0,)),
    "leaky_relu": (lambda lib, x: lib.nn.functional.leaky_relu(x), (0,)),
    "leaky_relu-0.2": (lambda lib, x: lib.nn.functional.leaky_relu(x, negative_slope=0.2), (0,)),
    "sigmoid": (lambda lib, x: lib.sigmoid(x), ()),
    "sigmoid-F": (lambda lib, x: lib.nn.functional.sigmoid(x), ()),
    "tanh": (lambda lib, x: x.tanh(), ()),
    "gelu": (lambda lib, x: lib.nn.functional.gelu(x), ()),
    "gelu-tanh": (lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"), ()),
    "silu": (lambda lib, x: lib.nn.functional.silu(x), ()),
    "softplus": (lambda lib, x: lib.nn.functional.softplus(x), ()),
    "softplus-beta-threshold": (lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=1.5), (0.75,)),
    "elu": (lambda lib, x: lib.nn.functional.elu(x), ()),
    "elu-alpha": (lambda lib, x: lib.nn.functional.elu(x, alpha=0.5), (0,)),
    "selu": (lambda lib, x: lib.nn.functional.selu(x), (0,)),
    "selu-torch": (lambda lib, x: lib.selu(x), (0,)),
    "celu": (lambda lib, x: lib.nn.functional.celu(x, alpha=2.0), ()),
    "celu-torch": (lambda lib, x: lib.celu(x, 0.5), ()),
    "mish": (lambda lib, x: lib.nn.functional.mish(x), ()),
    "hardswish": (lambda lib, x: lib.nn.functional.hardswish(x), (-3, 3)),
    "hardsigmoid": (lambda lib, x: lib.nn.functional.hardsigmoid(x), (-3, 3)),
    "hardtanh": (lambda lib, x: lib.nn.functional.hardtanh(x), (-1, 1)),
    "hardtanh-range": (lambda lib, x: lib.nn.functional.hardtanh(x, -0.5, 3.0), (-0.5, 3)),
    "relu6": (lambda lib, x: lib.nn.functional.relu6(x), (0, 6)),
    "softsign": (lambda lib, x: lib.nn.functional.softsign(x), ()),
    "softshrink": (lambda lib, x: lib.nn.functional.softshrink(x), (-0.5, 0.5)),
    "softshrink-1": (lambda lib, x: lib.nn.functional.softshrink(x, 1.0), (-1, 1)),
    "hardshrink": (lambda lib, x: lib.nn.functional.hardshrink(x), (-0.5, 0.5)),
    "hardshrink-method": (lambda lib, x: x.hardshrink(1.0), (-1, 1)),
    "tanhshrink": (lambda lib, x: lib.nn.functional.tanhshrink(x), ()),
    "threshold": (lambda lib, x: lib.nn.functional.threshold(x, 0.5, -2.0), (0.5,)),
    "threshold-torch": (lambda lib, x: lib.threshold(x, -1.0, 3.0), (-1,)),
    "logsigmoid": (lambda lib, x: lib.nn.functional.logsigmoid(x), ()),
    "rrelu-eval": (lambda lib, x: lib.nn.functional.rrelu(x, 0.1, 0.3), (0,)),
}


def clear_of(x, kinks):
    """x with the elements near a kink moved 0.1 away from it (central differences straddle a kink)."""
    for kink in kinks:
        x = np.where(np.abs(x - kink) < 0.05, x + 0.1, x)
    return x


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ACTIVATIONS)
@given(shape=shapes(), seed=seeds)
def test_activations(device, name, shape, seed):
    fn, kinks = ACTIVATIONS[name]
    check_op(fn, clear_of(rand(*shape, seed=seed, low=-4.0, high=4.0), kinks), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_gelu_of_a_0d_tensor(device):
    check_op(lambda lib, x: lib.nn.functional.gelu(x), rand(), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_gelu_over_several_cache_blocks_of_a_transposed_input(device):
    # 150,000 elements: GELU works through them in blocks of 65,536 (float32) or 32,768 (float64)
    check_op(lambda lib, x: lib.nn.functional.gelu(x.t()), rand(300, 500), device=device, gradcheck=False)


@pytest.mark.parametrize("device", DEVICES)
def test_activations_at_their_kinks_match_pytorch(device):
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 0.75, 1.0, 3.0, 6.0, 20.0, 21.0])
    for name, (fn, _) in ACTIVATIONS.items():
        check_parity(fn, x, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_activations_of_large_inputs_stay_finite(device):
    x = np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4])
    for name, (fn, _) in ACTIVATIONS.items():
        for dtype in (np.float64, np.float32):
            out, = check_parity(fn, x, device=device, dtype=dtype)
            assert np.isfinite(out.tolist()).all(), name


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_softmax_and_log_softmax_over_a_dim(device, name, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: (getattr(lib.nn.functional, name)(x, dim=d), getattr(x, name)(d), getattr(lib, name)(x, d)),
             rand(*shape, seed=seed, low=-5.0, high=5.0), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_softmin_over_a_dim(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: lib.nn.functional.softmin(x, d), rand(*shape, seed=seed, low=-5.0, high=5.0), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_converts_to_dtype_first(device, name):
    check_parity(lambda lib, x: getattr(lib.nn.functional, name)(x, 1, dtype=lib.float64), rand(3, 4),
                 device=device, dtype=np.float32)
    check_parity(lambda lib, x: getattr(lib.nn.functional, name)(x, 0, dtype=lib.float32), np.array([1, 2, 4]),
                 device=device, dtype=np.float32)
    check_parity(lambda lib, x: (x.softmax(0, dtype=lib.float64), x.log_softmax(1, lib.float64)), rand(3, 4),
                 device=device, dtype=np.float32)


@pytest.mark.parametrize("shape, d", [((5,), 0), ((3, 4), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)])
def test_softmax_without_dim_warns_and_picks_pytorchs_dim(shape, d):
    x = ember.tensor(rand(*shape))
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for softmin has been deprecated. Change the "
                                         f"call to include dim={d}") as caught:
        out = ember.nn.functional.softmin(x)
    assert caught[0].filename == __file__
    np.testing.assert_allclose(out.tolist(), ember.nn.functional.softmin(x, d).tolist())


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_log_softmax_and_logsumexp_of_logits_near_1e4(device, dtype):
    x = np.array([[1e4, -1e4, 0.0, 5.0], [1e4, 1e4, 1e4, 1e4], [-1e4, -1e4, -1e4 + 1, -1e4],
                  [1e4, 1e4 - 1.0, 1e4 - 2.0, -1e4]])
    for d in (0, 1, -1):
        outs = check_parity(lambda lib, x: (lib.nn.functional.softmax(x, dim=d),
                                            lib.nn.functional.log_softmax(x, dim=d), lib.logsumexp(x, dim=d)),
                            x, device=device, dtype=dtype)
        for out in outs:
            assert np.isfinite(out.tolist()).all()
    probs = ember.nn.functional.softmax(ember.tensor(x, dtype=dtype, device=device), dim=1)
    np.testing.assert_allclose(probs.sum(1).tolist(), 1.0, rtol=1e-6)


def test_relu_of_integers_stays_integer():
    check_parity(lambda lib, x: lib.relu(x), np.array([-2, 0, 3]), backward=False)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_relu_at_nan_infinities_and_signed_zeros_is_pytorchs_to_the_sign_bit(dtype):
    import torch
    x = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, -1.5, 2.5], dtype=dtype)
    ours, theirs = ember.relu(ember.tensor(x)).numpy(), torch.relu(torch.tensor(x)).numpy()
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


def test_gelu_approximate_must_be_none_or_tanh():
    with raises(ValueError, "gelu: approximate is 'none' or 'tanh', got 'erf'"):
        ember.nn.functional.gelu(ember.ones(2), approximate="erf")


def test_softmax_dim_out_of_range():
    with raises(IndexError, "dimension out of range (expected to be in range of [-2, 1], but got 2)"):
        ember.softmax(ember.ones(2, 3), dim=2)


def test_import_ember_gives_ember_nn_functional():
    code = "import ember; assert ember.nn.functional is ember.functional; ember.nn.functional.relu(ember.ones(2))"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": ":".join(sys.path)})


def test_float32_erf_is_accurate_to_float32_precision():
    from scipy.special import erf
    edges = [0.0, 1e-30, -1e-8, 3.9, 4.0, 4.1, 4.5, -4.6, 9.0, 1e30, np.inf, -np.inf]
    x = np.concatenate([np.linspace(-6, 6, 200001), edges]).astype(np.float32)  # erf works in blocks of 65,536
    exact = erf(x.astype(np.float64))
    ours = ember.backend.erf(x)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, exact, rtol=5e-7, atol=0)
    assert np.abs(ours).max() <= 1
    assert ember.backend.erf(np.array(0.5, dtype=np.float32)).shape == ()
    assert ember.backend.erf(np.array([1.0], dtype=np.float16)).dtype == np.float16
    assert np.isnan(ember.backend.erf(np.array([np.nan], dtype=np.float32))).all()


# -------------------------------------------------------------------------------------------------
# Integer inputs, PReLU, RReLU, GLU, Gumbel softmax.

@pytest.mark.parametrize("name", ["relu", "relu6", "hardtanh", "threshold-torch", "sigmoid", "tanh", "softsign",
                                  "tanhshrink"])
def test_activations_of_integers_follow_pytorchs_dtype(name):
    check_parity(ACTIVATIONS[name][0], np.array([-7, -2, 0, 3, 9]), backward=False)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("name", ["relu", "relu6", "hardtanh"])
def test_masked_gradients_keep_infinite_and_nan_upstream_values_as_pytorch(name, dtype):
    """The gradient outside the mask is 0 even where the incoming one is inf or NaN, and NaN inside stays NaN."""
    x = np.array([-3.0, -3.0, 0.5, 0.5, 0.5, 9.0, np.nan], dtype=dtype)
    upstream = np.array([np.inf, np.nan, np.inf, np.nan, -2.0, -np.inf, 1.0], dtype=dtype)
    grads = []
    for lib in (ember, torch):
        t = lib.tensor(x, requires_grad=True)
        ACTIVATIONS[name][0](lib, t).backward(lib.tensor(upstream))
        grads.append(to_numpy(t.grad))
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "leaky_relu", "gelu", "silu", "softplus", "mish", "hardswish",
                                  "hardsigmoid", "logsigmoid", "hardshrink", "softshrink", "rrelu-eval"])
def test_activations_that_pytorch_refuses_for_integers_say_so(name):
    function = name.split("-")[0]
    with raises(TypeError, f"{function} needs a floating point tensor, got int64"):
        ACTIVATIONS[name][0](ember, ember.tensor([1, -2]))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("x_shape, w_shape", [((), (1,)), ((5,), (1,)), ((4, 3), (3,)), ((2, 3, 4, 2), (3,)),
                                              ((2, 3, 4), (1,))])
def test_prelu(device, x_shape, w_shape):
    x = clear_of(rand(*x_shape), (0,))
    check_op(lambda lib, x, w: (lib.nn.functional.prelu(x, w), lib.prelu(x, w), x.prelu(w)), x,
             rand(*w_shape, seed=1, low=0.0, high=0.5), device=device)
    check_parity(lambda lib, x, w: lib.nn.functional.prelu(x, w), np.array([[-1.0, 0.0], [1.0, -2.0]]),
                 np.array([0.25, 0.5]), device=device)


def test_prelu_errors():
    with raises(RuntimeError, "prelu: expected 1 or 3 parameters for an input with 3 channels, got 2"):
        ember.nn.functional.prelu(ember.ones(2, 3), ember.ones(2))
    with raises(RuntimeError, "prelu: expected 1 or 1 parameters for an input with 1 channels, got 3"):
        ember.nn.functional.prelu(ember.ones(3), ember.ones(3))
    with raises(RuntimeError, "prelu: expected weight to be a scalar or 1-D tensor, got 2 dimensions"):
        ember.nn.functional.prelu(ember.ones(2, 3), ember.ones(1, 3))
    with raises(RuntimeError, "prelu: the weight is float64 but the input is float32"):
        ember.nn.functional.prelu(ember.ones(2, 3), ember.ones(3, dtype=ember.float64))


@pytest.mark.parametrize("device", DEVICES)
def test_rrelu_in_training_draws_a_slope_per_element_from_lower_to_upper(device):
    x = ember.tensor(-rand(100000, low=0.5, high=2.0), device=device, requires_grad=True)
    out = ember.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    slopes = to_numpy(out.detach()) / to_numpy(x.detach())
    assert slopes.min() >= 0.1 and slopes.max() < 0.3 and abs(slopes.mean() - 0.2) < 0.002
    assert len(np.unique(slopes)) > 1000  # one draw per element
    out.sum().backward()
    np.testing.assert_allclose(to_numpy(x.grad), slopes, rtol=1e-12)
    positive = ember.tensor(rand(10, low=0.1, high=1.0), device=device)
    np.testing.assert_array_equal(ember.rrelu(positive, training=True).tolist(), positive.tolist())


def test_rrelu_bounds_are_checked():
    with raises(RuntimeError, "rrelu: lower (0.5) must not be greater than upper (0.1)"):
        ember.nn.functional.rrelu(ember.ones(2), 0.5, 0.1)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape, d", [((4,), 0), ((3, 6), -1), ((2, 4, 3), 1), ((2, 2, 3), 0)])
def test_glu(device, shape, d):
    check_op(lambda lib, x: lib.nn.functional.glu(x, d), rand(*shape), device=device)


def test_glu_errors():
    with raises(RuntimeError, "glu: halving dimension must be even, but dimension 1 is size 5"):
        ember.nn.functional.glu(ember.ones(3, 5))
    with raises(RuntimeError, "glu does not support 0-d tensors"):
        ember.nn.functional.glu(ember.tensor(1.0))


@pytest.mark.parametrize("device", DEVICES)
def test_gumbel_softmax_samples_the_categorical_distribution(device):
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    logits = ember.tensor(np.tile(np.log(probs), (40000, 1)), device=device)
    ember.manual_seed(0)
    hard = to_numpy(ember.nn.functional.gumbel_softmax(logits, tau=0.5, hard=True))
    assert set(np.unique(hard)) == {0.0, 1.0} and (hard.sum(1) == 1).all()
    np.testing.assert_allclose(hard.mean(0), probs, atol=0.01)  # Gumbel-max: the argmax is a sample
    soft = to_numpy(ember.nn.functional.gumbel_softmax(logits, tau=2.0, dim=1))
    np.testing.assert_allclose(soft.sum(1), 1.0, rtol=1e-5)
    assert 0 < soft.min() and soft.max() < 1


@pytest.mark.parametrize("device", DEVICES)
def test_hard_gumbel_softmax_has_the_gradient_of_the_soft_sample(device):
    grads = []
    for hard in (False, True):
        logits = ember.tensor(rand(3, 5), device=device, requires_grad=True)
        ember.manual_seed(4)
        out = ember.nn.functional.gumbel_softmax(logits, tau=0.7, hard=hard, dim=0)
        (out * ember.tensor(rand(3, 5, seed=2), device=device)).sum().backward()
        grads.append(to_numpy(logits.grad))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        ember.nn.functional.gumbel_softmax(ember.ones(3), eps=1e-3)


# -------------------------------------------------------------------------------------------------
# In place: PyTorch's name_ functions and inplace=True.

IN_PLACE = {
    "relu_": lambda lib, x: lib.nn.functional.relu_(x),
    "relu_-torch": lambda lib, x: lib.relu_(x),
    "relu-inplace": lambda lib, x: lib.nn.functional.relu(x, inplace=True),
    "relu6-inplace": lambda lib, x: lib.nn.functional.relu6(x, inplace=True),
    "leaky_relu_": lambda lib, x: lib.nn.functional.leaky_relu_(x, 0.2),
    "leaky_relu-inplace": lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2, inplace=True),
    "elu_": lambda lib, x: lib.nn.functional.elu_(x, 0.5),
    "elu-inplace": lambda lib, x: lib.nn.functional.elu(x, inplace=True),
    "selu_": lambda lib, x: lib.nn.functional.selu_(x),
    "selu_-torch": lambda lib, x: lib.selu_(x),
    "selu-inplace": lambda lib, x: lib.nn.functional.selu(x, inplace=True),
    "celu_": lambda lib, x: lib.nn.functional.celu_(x, 2.0),
    "celu_-torch": lambda lib, x: lib.celu_(x),
    "celu-inplace": lambda lib, x: lib.nn.functional.celu(x, inplace=True),
    "hardtanh_": lambda lib, x: lib.nn.functional.hardtanh_(x, -0.5, 0.5),
    "hardtanh-inplace": lambda lib, x: lib.nn.functional.hardtanh(x, inplace=True),
    "threshold_": lambda lib, x: lib.nn.functional.threshold_(x, 0.1, 9.0),
    "threshold_-torch": lambda lib, x: lib.threshold_(x, 0.1, 9.0),
    "threshold-inplace": lambda lib, x: lib.nn.functional.threshold(x, 0.1, 9.0, inplace=True),
    "rrelu_": lambda lib, x: lib.nn.functional.rrelu_(x),
    "rrelu_-torch": lambda lib, x: lib.rrelu_(x, 0.2, 0.4),
    "rrelu-inplace": lambda lib, x: lib.nn.functional.rrelu(x, inplace=True),
    "silu-inplace": lambda lib, x: lib.nn.functional.silu(x, inplace=True),
    "mish-inplace": lambda lib, x: lib.nn.functional.mish(x, inplace=True),
    "hardswish-inplace": lambda lib, x: lib.nn.functional.hardswish(x, inplace=True),
    "hardsigmoid-inplace": lambda lib, x: lib.nn.functional.hardsigmoid(x, inplace=True),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_forms_change_the_input_as_pytorch_does(device, name):
    x = rand(3, 4)
    ours, theirs = ember.tensor(x, device=device), torch.tensor(x)
    version = ours._version
    assert IN_PLACE[name](ember, ours) is ours and IN_PLACE[name](torch, theirs) is theirs
    np.testing.assert_allclose(to_numpy(ours), theirs.numpy(), rtol=1e-12)
    assert ours._version == version + 1  # a graph that saved the old values notices


@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_forms_of_a_leaf_that_requires_grad_are_refused(name):
    with pytest.raises(RuntimeError, match="a leaf tensor that requires grad cannot be changed in place"):
        IN_PLACE[name](ember, ember.tensor(rand(3), requires_grad=True))


@pytest.mark.parametrize("name", [n for n in IN_PLACE if "inplace" not in n])
def test_in_place_functions_inside_a_graph_are_refused(name):
    x = ember.tensor(rand(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="a tensor that is part of a graph cannot be changed in place"):
        IN_PLACE[name](ember, x * 2)


@pytest.mark.parametrize("name", [n for n in IN_PLACE if "inplace" in n and "rrelu" not in n])
def test_inplace_true_inside_a_graph_gives_pytorchs_gradients(name):
    check_parity(lambda lib, x: IN_PLACE[name](lib, x * 1.5) + x, clear_of(rand(3, 4), (0, -1, 1, 3, -3)))
