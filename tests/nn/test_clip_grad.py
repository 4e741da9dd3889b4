import math

import numpy as np
import pytest
import torch

import ember
import ember.nn.utils
from helpers import DEVICES, rand, raises, tensor_for, to_numpy

GRADS = [rand(3, 4, seed=0), rand(5, seed=1), rand(2, 2, 2, seed=2)]


def parameters_with_grads(lib, device="cpu", dtype=np.float64):
    """Three parameters whose .grad are GRADS, and one that has no gradient (it is skipped)."""
    params = []
    for g in GRADS:
        p = tensor_for(lib, np.zeros_like(g, dtype=dtype), device, requires_grad=True)
        p.grad = tensor_for(lib, g.astype(dtype), device)
        params.append(p)
    return params + [tensor_for(lib, np.zeros(2, dtype=dtype), device, requires_grad=True)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.0, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(device, norm_type, max_norm):
    results = []
    for lib in (ember, torch):
        params = parameters_with_grads(lib, device)
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        results.append((total, [p.grad for p in params[:-1]]))
    (our_total, our_grads), (their_total, their_grads) = results
    np.testing.assert_allclose(to_numpy(our_total), to_numpy(their_total), rtol=1e-10)
    for ours, theirs in zip(our_grads, their_grads):
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_clip_grad_norm_in_float32_stays_float32(device):
    params = parameters_with_grads(ember, device, np.float32)
    total = ember.nn.utils.clip_grad_norm_(params, 1.0)
    assert total.dtype == np.float32 and total.shape == ()
    assert all(p.grad.dtype == np.float32 for p in params[:-1])
    clipped = np.sqrt(sum((to_numpy(p.grad).astype(np.float64) ** 2).sum() for p in params[:-1]))
    assert clipped == pytest.approx(1.0, rel=1e-5)


def test_clip_grad_norm_takes_a_single_tensor_and_no_gradients():
    w = ember.tensor([3.0, 4.0], requires_grad=True)
    assert ember.nn.utils.clip_grad_norm_(w, 1.0).item() == 0.0  # no gradient yet
    w.grad = ember.tensor([3.0, 4.0])
    assert ember.nn.utils.clip_grad_norm_(w, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(w.grad.array, [0.6, 0.8], rtol=1e-5)


def test_clip_grad_norm_of_a_nonfinite_gradient():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    w.grad = ember.tensor([float("nan"), 1.0])
    with raises(RuntimeError, "clip_grad_norm_: the total norm of order 2.0 of the gradients is nan"):
        ember.nn.utils.clip_grad_norm_(w, 1.0, error_if_nonfinite=True)
    assert math.isnan(ember.nn.utils.clip_grad_norm_(w, 1.0).item())  # as PyTorch: scaled anyway


def test_clip_grad_norm_needs_a_positive_norm_type():
    with raises(ValueError, "clip_grad_norm_: norm_type must be > 0 (or inf), got 0.0"):
        ember.nn.utils.clip_grad_norm_(parameters_with_grads(ember), 1.0, norm_type=0)


@pytest.mark.parametrize("device", DEVICES)
def test_clip_grad_value_matches_torch(device):
    results = []
    for lib in (ember, torch):
        params = parameters_with_grads(lib, device)
        assert lib.nn.utils.clip_grad_value_(params, 0.7) is None
        results.append([p.grad for p in params[:-1]])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))


def test_clip_grad_value_needs_a_non_negative_value():
    with raises(ValueError, "clip_grad_value_: clip_value must be >= 0, got -1.0"):
        ember.nn.utils.clip_grad_value_(parameters_with_grads(ember), -1)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.0, math.inf])
def test_get_total_norm_and_clip_grads_with_norm_match_torch(device, norm_type):
    results = []
    for lib in (ember, torch):
        params = parameters_with_grads(lib, device)
        total = lib.nn.utils.get_total_norm([p.grad for p in params[:-1]], norm_type)
        assert lib.nn.utils.clip_grads_with_norm_(params, 0.5, total, foreach=None) is None
        results.append((total, [p.grad for p in params[:-1]]))
    (our_total, our_grads), (their_total, their_grads) = results
    np.testing.assert_allclose(to_numpy(our_total), to_numpy(their_total), rtol=1e-10)
    for ours, theirs in zip(our_grads, their_grads):
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-10, atol=1e-12)


def test_get_total_norm_of_one_tensor_and_of_none():
    assert ember.nn.utils.get_total_norm(ember.tensor([3.0, 4.0])).item() == pytest.approx(5.0)
    assert ember.nn.utils.get_total_norm([]).item() == 0.0
    with raises(ValueError, "get_total_norm: norm_type must be > 0 (or inf), got -1.0"):
        ember.nn.utils.get_total_norm([ember.ones(2)], norm_type=-1)


def test_clip_grad_norm_is_the_deprecated_name():
    results = []
    for lib in (ember, torch):
        params = parameters_with_grads(lib)
        with pytest.warns(FutureWarning, match="clip_grad_norm"):
            results.append(lib.nn.utils.clip_grad_norm(params, 1.0, foreach=False))
    np.testing.assert_allclose(to_numpy(results[0]), to_numpy(results[1]), rtol=1e-10)
    assert ember.nn.utils.clip_grad_value_(parameters_with_grads(ember), 1.0, foreach=True) is None
