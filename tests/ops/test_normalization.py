"""Instance normalization and local response normalization (ops/normalization.py); batch, group, layer
and RMS normalization are tested in test_batchnorm.py and test_layer_norm.py, CrossMapLRN2d with its layer."""

import numpy as np
import pytest
import torch

import ember
import ember.functional as F
from helpers import DEVICES, Constant, check_op, check_parity, rand, raises, tensor_for, to_numpy


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(2, 3, 5), (3, 2, 2, 3), (1, 2, 2, 2, 2)], ids=["1d", "2d", "3d"])
@pytest.mark.parametrize("affine", [True, False])
def test_instance_norm_uses_each_instances_statistics(device, shape, affine):
    params = [rand(shape[1], seed=1), rand(shape[1], seed=2)] if affine else []
    check_op(lambda lib, x, *p: lib.nn.functional.instance_norm(x, None, None, *p, eps=1e-3), rand(*shape), *params,
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_instance_norm_with_running_statistics(device):
    """use_input_stats=False normalizes with the running statistics, as in evaluation."""
    check_op(lambda lib, x, w, b, m, v: lib.nn.functional.instance_norm(x, m, v, w, b, use_input_stats=False),
             rand(2, 3, 4), rand(3, seed=1), rand(3, seed=2), Constant(rand(3, seed=3)),
             Constant(rand(3, seed=4, low=0.5, high=2.0)), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_instance_norm_running_statistics_follow_pytorch_over_several_steps(device):
    stats = {}
    for lib in (ember, torch):
        mean, var = tensor_for(lib, np.zeros(3), device), tensor_for(lib, np.ones(3), device)
        for step in range(3):
            x = tensor_for(lib, rand(4, 3, 5, seed=step, low=step, high=3 * step + 1), device)
            lib.nn.functional.instance_norm(x, mean, var, momentum=0.3)
        stats[lib] = (to_numpy(mean), to_numpy(var))
    for ours, theirs in zip(stats[ember], stats[torch]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_instance_norm_errors():
    with raises(ValueError, "instance_norm: expected more than 1 spatial element when training, got input of shape "
                            "(2, 3, 1)"):
        F.instance_norm(ember.ones(2, 3, 1))
    with raises(ValueError, "instance_norm: use_input_stats=False needs running_mean and running_var"):
        F.instance_norm(ember.ones(2, 3, 4), use_input_stats=False)
    with raises(ValueError, "instance_norm: expected weight of shape (3,) for an input with 3 channels, got (2,)"):
        F.instance_norm(ember.ones(2, 3, 4), weight=ember.ones(2))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(2, 6, 3), (2, 5, 2, 3), (1, 7, 2, 1, 2)])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 9])
def test_local_response_norm(device, shape, size):
    check_op(lambda lib, x: lib.nn.functional.local_response_norm(x, size, alpha=0.5, beta=0.75, k=2.0),
             rand(*shape), device=device)


def test_local_response_norm_of_an_empty_input_and_errors():
    check_parity(lambda lib, x: lib.nn.functional.local_response_norm(x, 3), rand(0, 3, 2))
    with raises(ValueError, "local_response_norm: expected 3D or higher dimensionality input, got 2 dimensions"):
        F.local_response_norm(ember.ones(2, 3), 2)
