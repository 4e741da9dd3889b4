import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_op, check_twin, rand, raises, seeds, shapes


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=4, min_side=2), normalized=st.integers(1, 2), affine=st.sampled_from(
    ["weight and bias", "weight", "bias", "none"]), seed=seeds)
def test_layer_norm(device, shape, normalized, affine, seed):
    normalized_shape = shape[-min(normalized, len(shape)):]
    weight = rand(*normalized_shape, seed=seed + 1) if "weight" in affine else None
    bias = rand(*normalized_shape, seed=seed + 2) if "bias" in affine else None

    def fn(lib, x, *params):
        given = dict(zip([name for name in ("weight", "bias") if name in affine], params))
        return lib.nn.functional.layer_norm(x, normalized_shape, eps=1e-3, **given)
    check_op(fn, rand(*shape, seed=seed), *[p for p in (weight, bias) if p is not None], device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=4), normalized=st.integers(1, 2), with_weight=st.booleans(), seed=seeds)
def test_rms_norm(device, shape, normalized, with_weight, seed):
    normalized_shape = shape[-min(normalized, len(shape)):]
    weight = [rand(*normalized_shape, seed=seed + 1)] if with_weight else []
    check_op(lambda lib, x, *w: lib.nn.functional.rms_norm(x, normalized_shape, *w, eps=1e-3),
             rand(*shape, seed=seed), *weight, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_rms_norm_default_eps_is_the_dtypes_epsilon(device):
    check_op(lambda lib, x, w: lib.nn.functional.rms_norm(x, (4,), w), rand(3, 4), rand(4, seed=1), device=device)


def test_layer_norm_gives_mean_zero_and_variance_one():
    x = ember.tensor(rand(5, 16, low=3, high=9))
    y = ember.nn.functional.layer_norm(x, (16,)).numpy()
    np.testing.assert_allclose(y.mean(-1), 0, atol=1e-6)
    np.testing.assert_allclose(y.var(-1), 1, rtol=1e-3)


def test_normalization_errors():
    F = ember.nn.functional
    with raises(ValueError, "layer_norm: expected input (*, 3, 4), got (2, 4, 3)"):
        F.layer_norm(ember.ones(2, 4, 3), (3, 4))
    with raises(ValueError, "layer_norm: expected input (*, 5), got (5, 2)"):
        F.layer_norm(ember.ones(5, 2), [5])
    with raises(ValueError, "layer_norm: weight must have shape (4,), got (3,)"):
        F.layer_norm(ember.ones(2, 4), (4,), weight=ember.ones(3))
    with raises(ValueError, "rms_norm: expected input (*, 2, 2), got (2,)"):
        F.rms_norm(ember.ones(2), (2, 2))
    with raises(TypeError, "rms_norm: normalized_shape must be an int or a sequence of ints, got (2.0,)"):
        F.rms_norm(ember.ones(2), (2.0,))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_equals_its_readable_twin(device, affine):
    from ember.ops.normalization import layer_norm_composed
    weight, bias = (rand(3, 4, seed=1), rand(3, 4, seed=2)) if affine else (None, None)
    check_twin(lambda x, w, b: ember.functional.layer_norm(x, (3, 4), w, b),
               lambda x, w, b: layer_norm_composed(x, (3, 4), w, b), rand(2, 5, 3, 4), weight, bias, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("norm", ["layer_norm", "rms_norm"])
@pytest.mark.parametrize("affine", ["weight and bias", "weight", "bias", "none"])
def test_normalization_under_no_grad_equals_the_recorded_forward(device, norm, affine):
    x = ember.tensor(rand(3, 4, 5), device=device)
    params = {name: ember.tensor(rand(5, seed=seed), device=device, requires_grad=True)
              for seed, name in enumerate(("weight", "bias"), 1) if name in affine}
    if norm == "rms_norm":
        params.pop("bias", None)
    x_before = x.tolist()
    recorded = getattr(ember.nn.functional, norm)(x.requires_grad_(), (5,), **params)
    with ember.no_grad():
        inferred = getattr(ember.nn.functional, norm)(x, (5,), **params)
    np.testing.assert_array_equal(inferred.tolist(), recorded.tolist())
    assert x.tolist() == x_before
