"""Batch normalization and group normalization (ops/normalization.py), functional forms."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
import ember.functional as F
from helpers import DEVICES, Constant, check_op, check_twin, rand, raises, tensor_for, to_numpy


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 6), (3, 3, 4, 5)], ids=["(N, C)", "(N, C, L)", "(N, C, H, W)"])
@pytest.mark.parametrize("affine", ["weight and bias", "weight", "none"])
def test_batch_norm_training_uses_the_batch_statistics(device, shape, affine):
    weight = rand(3, seed=1) if affine != "none" else None
    bias = rand(3, seed=2) if affine == "weight and bias" else None

    def fn(lib, x, *params):
        w = params[0] if weight is not None else None
        b = params[1] if bias is not None else None
        return lib.nn.functional.batch_norm(x, None, None, w, b, training=True, eps=1e-3)
    check_op(fn, rand(*shape), *[p for p in (weight, bias) if p is not None], device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_batch_norm_evaluation_uses_the_running_statistics(device):
    running_mean, running_var = Constant(rand(3, seed=3)), Constant(rand(3, seed=4, low=0.5, high=2.0))
    check_op(lambda lib, x, w, b, m, v: lib.nn.functional.batch_norm(x, m, v, w, b, training=False),
             rand(4, 3, 2, 2), rand(3, seed=1), rand(3, seed=2), running_mean, running_var, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("momentum", [0.1, 0.5])
def test_batch_norm_running_statistics_follow_pytorch_over_several_steps(device, momentum):
    """r ← (1 - momentum)·r + momentum·batch statistic, with the unbiased variance, as PyTorch."""
    stats = {}
    for lib in (ember, torch):
        mean = tensor_for(lib, np.zeros(3), device)
        var = tensor_for(lib, np.ones(3), device)
        for step in range(4):
            x = tensor_for(lib, rand(6, 3, 2, 2, seed=step, low=step, high=2 * step + 1), device)
            lib.nn.functional.batch_norm(x, mean, var, training=True, momentum=momentum)
        stats[lib] = (to_numpy(mean), to_numpy(var))
    for ours, theirs in zip(stats[ember], stats[torch]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@st.composite
def group_cases(draw):
    groups = draw(st.integers(1, 3))
    channels = groups * draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(0, 2))))
    return (draw(st.integers(1, 3)), channels) + spatial, groups


@pytest.mark.parametrize("device", DEVICES)
@given(case=group_cases(), affine=st.booleans(), seed=st.integers(0, 100))
def test_group_norm(device, case, affine, seed):
    shape, groups = case
    if shape[1] // groups * int(np.prod(shape[2:])) < 2:
        shape = shape + (2,)  # at least two numbers per group, or the variance is 0 and x̂ is 0/√eps
    params = [rand(shape[1], seed=seed + 1), rand(shape[1], seed=seed + 2)] if affine else []
    check_op(lambda lib, x, *p: lib.nn.functional.group_norm(x, groups, *p, eps=1e-3), rand(*shape, seed=seed),
             *params, device=device)


def test_batch_norm_output_is_standardized_per_channel():
    x = ember.tensor(rand(64, 3, 5, 5, low=3.0, high=9.0))
    out = to_numpy(F.batch_norm(x, None, None, training=True))
    assert np.allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-6) and np.allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-3)


def test_normalization_errors():
    x = ember.ones(4, 3, 2, 2)
    with raises(ValueError, "batch_norm: expected weight of shape (3,) for an input with 3 channels, got (4,)"):
        F.batch_norm(x, None, None, ember.ones(4), training=True)
    with raises(ValueError, "batch_norm: evaluation (training=False) needs running_mean and running_var"):
        F.batch_norm(x, None, None)
    with raises(ValueError, "batch_norm: give both running_mean and running_var, or neither"):
        F.batch_norm(x, ember.zeros(3), None, training=True)
    with raises(ValueError, "batch_norm: expected more than 1 value per channel when training, got input of "
                            "shape (1, 3)"):
        F.batch_norm(ember.ones(1, 3), None, None, training=True)
    with raises(RuntimeError, "batch_norm: running_mean is float64 but the input is float32"):
        F.batch_norm(x, ember.zeros(3, dtype=ember.float64), ember.ones(3, dtype=ember.float64))
    with raises(ValueError, "group_norm: num_groups must divide the 3 channels of the input, got 2"):
        F.group_norm(x, 2)
    with raises(ValueError, "group_norm: expected input (N, C, *), got (3,)"):
        F.group_norm(ember.ones(3), 1)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_in_training_equals_its_readable_twin(device, affine):
    from ember.ops.normalization import batch_norm_composed
    weight, bias = (rand(3, seed=1), rand(3, seed=2)) if affine else (None, None)
    check_twin(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), batch_norm_composed,
               rand(4, 3, 5, 2), weight, bias, device=device)
