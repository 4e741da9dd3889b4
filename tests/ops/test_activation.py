import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_op, check_parity, dim, rand, raises, seeds, shapes

ACTIVATIONS = {
    "relu": lambda lib, x: lib.nn.functional.relu(x),
    "relu-method": lambda lib, x: x.relu(),
    "leaky_relu": lambda lib, x: lib.nn.functional.leaky_relu(x),
    "leaky_relu-0.2": lambda lib, x: lib.nn.functional.leaky_relu(x, negative_slope=0.2),
    "sigmoid": lambda lib, x: lib.sigmoid(x),
    "sigmoid-F": lambda lib, x: lib.nn.functional.sigmoid(x),
    "tanh": lambda lib, x: x.tanh(),
    "gelu": lambda lib, x: lib.nn.functional.gelu(x),
    "gelu-tanh": lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"),
    "silu": lambda lib, x: lib.nn.functional.silu(x),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x),
    "softplus-beta-threshold": lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=1.5),
}
KINKED = ("relu", "relu-method", "leaky_relu", "leaky_relu-0.2", "softplus-beta-threshold")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ACTIVATIONS)
@given(shape=shapes(), seed=seeds)
def test_activations(device, name, shape, seed):
    x = rand(*shape, seed=seed, low=-4.0, high=4.0)
    if name in KINKED:  # keep clear of the kink at 0 (and of softplus's threshold, 1.5/β = 0.75)
        x = np.where(np.abs(x) < 0.05, x + 0.1, x)
        x = np.where(np.abs(x - 0.75) < 0.05, x + 0.1, x)
    check_op(ACTIVATIONS[name], x, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_gelu_of_a_0d_tensor(device):
    check_op(lambda lib, x: lib.nn.functional.gelu(x), rand(), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_activations_at_their_kinks_match_pytorch(device):
    x = np.array([-1.0, 0.0, 1.0, 0.75, 20.0, 21.0])
    for name in ACTIVATIONS:
        check_parity(ACTIVATIONS[name], x, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_activations_of_large_inputs_stay_finite(device):
    x = np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4])
    for name in ACTIVATIONS:
        for dtype in (np.float64, np.float32):
            out, = check_parity(ACTIVATIONS[name], x, device=device, dtype=dtype)
            assert np.isfinite(out.tolist()).all(), name


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_softmax_and_log_softmax_over_a_dim(device, name, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: (getattr(lib.nn.functional, name)(x, dim=d), getattr(x, name)(d), getattr(lib, name)(x, d)),
             rand(*shape, seed=seed, low=-5.0, high=5.0), device=device)


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
    x = np.concatenate([np.linspace(-6, 6, 200001), [0.0, 1e-30, -1e-8, 3.9, 4.0, 4.1]]).astype(np.float32)
    exact = erf(x.astype(np.float64))
    ours = ember.backend.erf(x)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, exact, rtol=5e-7, atol=0)
    assert np.abs(ours).max() <= 1
    assert ember.backend.erf(np.array(0.5, dtype=np.float32)).shape == ()
    assert ember.backend.erf(np.array([1.0], dtype=np.float16)).dtype == np.float16
    assert np.isnan(ember.backend.erf(np.array([np.nan], dtype=np.float32))).all()
