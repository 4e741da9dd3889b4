"""Channel dropout, alpha dropout and the in-place dropouts (ops/dropout.py); plain dropout is tested
with its layer in tests/nn/test_layers.py."""

import numpy as np
import pytest
import torch

import ember
import ember.functional as F
from helpers import DEVICES, check_gradcheck, check_parity, rand, raises, to_numpy

# name: (function, input shape, the mask's shape: which axes one draw covers)
CHANNEL_DROPOUTS = {
    "dropout1d": (lambda x, p: F.dropout1d(x, p), (40, 50, 3), (40, 50, 1)),
    "dropout1d unbatched": (lambda x, p: F.dropout1d(x, p), (2000, 3), (2000, 1)),
    "dropout2d": (lambda x, p: F.dropout2d(x, p), (40, 50, 2, 3), (40, 50, 1, 1)),
    "dropout2d (N, C, L)": (lambda x, p: F.dropout2d(x, p), (40, 50, 3), (40, 50, 1)),
    "dropout3d": (lambda x, p: F.dropout3d(x, p), (20, 50, 2, 2, 2), (20, 50, 1, 1, 1)),
    "dropout3d unbatched": (lambda x, p: F.dropout3d(x, p), (1000, 2, 1, 2), (1000, 1, 1, 1)),
    "feature_dropout": (lambda x, p: ember.feature_dropout(x, p, True), (40, 50, 3), (40, 50, 1)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", CHANNEL_DROPOUTS)
def test_channel_dropout_zeroes_whole_channels(device, name):
    fn, shape, mask_shape = CHANNEL_DROPOUTS[name]
    p = 0.3
    x = ember.tensor(rand(*shape, low=1.0, high=2.0), device=device, requires_grad=True)
    out = fn(x, p)
    values, inputs = to_numpy(out.detach()), to_numpy(x.detach())
    kept = values != 0
    axes = tuple(i for i, n in enumerate(mask_shape) if n == 1)
    assert (kept.all(axis=axes) == kept.any(axis=axes)).all()  # each channel kept or dropped as a whole
    assert abs(kept.mean() - (1 - p)) < 0.03
    np.testing.assert_allclose(values[kept], inputs[kept] / (1 - p), rtol=1e-6)
    upstream = rand(*shape, seed=1)
    (out * ember.tensor(upstream, dtype=ember.float32, device=device)).sum().backward()
    np.testing.assert_allclose(to_numpy(x.grad), np.where(kept, upstream / (1 - p), 0), rtol=1e-6)


def seeded(fn):
    """fn(lib, x) with the same mask on every call (ember.manual_seed first), for gradcheck."""
    def run(lib, x):
        ember.manual_seed(5)
        return fn(x)
    return run


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda x: F.dropout1d(x, 0.5), lambda x: F.dropout3d(x.reshape(2, 3, 2, 1, 1), 0.5).reshape(2, 3, 2),
    lambda x: F.alpha_dropout(x, 0.4, training=True), lambda x: F.feature_alpha_dropout(x, 0.4, True),
], ids=["dropout1d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"])
def test_dropout_gradcheck_with_a_fixed_mask(device, fn):
    check_gradcheck(seeded(fn), rand(2, 3, 2), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, fn, mask_axes", [
    ("alpha_dropout", lambda x, p: F.alpha_dropout(x, p, True), ()),
    ("feature_alpha_dropout", lambda x, p: F.feature_alpha_dropout(x, p, True), (2,)),
    ("torch.alpha_dropout", lambda x, p: ember.alpha_dropout(x, p, True), ()),
])
@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_keeps_mean_0_and_variance_1(device, name, fn, mask_axes, p):
    x = ember.tensor(np.random.default_rng(0).standard_normal((2000, 100, 2)), device=device, requires_grad=True)
    out = fn(x, p)
    values = to_numpy(out.detach())
    assert abs(values.mean()) < 0.02 and abs(values.var() - 1) < 0.03
    a = ((1 - p) * (1 + p * 1.7580993408473766 ** 2)) ** -0.5  # the affine map that keeps them
    dropped_value = a * -1.7580993408473766 + a * 1.7580993408473766 * p
    dropped = np.isclose(values, dropped_value, rtol=1e-12)
    assert abs(dropped.mean() - p) < 0.01
    if mask_axes:
        assert (dropped.all(axis=mask_axes) == dropped.any(axis=mask_axes)).all()
    out.sum().backward()
    np.testing.assert_allclose(to_numpy(x.grad), np.where(dropped, 0, a), rtol=1e-12)


def test_alpha_dropout_matches_pytorch_where_it_is_deterministic():
    for p, training in ((0.5, False), (0.0, True), (1.0, True)):
        check_parity(lambda lib, x: (lib.nn.functional.alpha_dropout(x, p, training),
                                     lib.nn.functional.feature_alpha_dropout(x, p, training)), rand(3, 4, 2))


@pytest.mark.parametrize("device", DEVICES)
def test_in_place_dropouts_change_the_input(device):
    for fn in (lambda x: ember.dropout_(x, 0.5, True), lambda x: ember.feature_dropout_(x, 0.5, True),
               lambda x: ember.alpha_dropout_(x, 0.5, True), lambda x: ember.feature_alpha_dropout_(x, 0.5, True),
               lambda x: F.dropout(x, 0.5, inplace=True), lambda x: F.dropout2d(x, 0.5, True, True),
               lambda x: F.alpha_dropout(x, 0.5, True, True)):
        x = ember.ones(50, 20, 2, device=device)
        assert fn(x) is x
        changed = to_numpy(x).copy()
        assert (changed != 1).any()
        with raises(RuntimeError, "a leaf tensor that requires grad cannot be changed in place"):
            fn(ember.ones(5, 3, 2, requires_grad=True))
    assert ember.dropout_(x, 0.5, False) is x and (to_numpy(x) == changed).all()


def test_inplace_dropout_inside_a_graph_gives_a_new_tensor_and_pytorchs_gradients():
    x = ember.tensor(rand(4, 3), requires_grad=True)
    h = x * 2
    assert F.dropout(h, 0.5, training=False, inplace=True) is h  # not training: nothing to change
    ember.manual_seed(2)
    y = F.dropout(h, 0.5, inplace=True)
    assert y is not h
    y.sum().backward()
    assert set(np.unique(to_numpy(x.grad))) <= {0.0, 4.0}


def test_dropout_warnings_and_errors_follow_pytorch():
    with pytest.warns(UserWarning, match="dropout2d: received a 2-D input"):
        assert F.dropout2d(ember.ones(3, 4)).shape == (3, 4)
    with pytest.warns(UserWarning, match="dropout3d: received a 3-D input"):
        F.dropout3d(ember.ones(3, 4, 2))
    with raises(RuntimeError, "dropout1d: expected 2D or 3D input, but received 4D input (2, 3, 4, 5)"):
        F.dropout1d(ember.ones(2, 3, 4, 5))
    with raises(RuntimeError, "feature_alpha_dropout: feature dropout requires at least 2 dimensions in the input, "
                              "got (3,)"):
        F.feature_alpha_dropout(ember.ones(3), 0.5, True)
    with raises(ValueError, "dropout probability has to be between 0 and 1, but got 1.5"):
        F.alpha_dropout(ember.ones(3), 1.5)
    with raises(TypeError, "dropout3d needs a floating point tensor, got int64"):
        F.dropout3d(ember.ones(2, 2, 2, 2, dtype=ember.int64))


def test_torch_dropout_forms_take_pytorchs_arguments():
    x = rand(3, 4)
    check_parity(lambda lib, x: (lib.dropout(x, 0.3, False), lib.feature_dropout(x, 0.3, False),
                                 lib.alpha_dropout(x, 0.3, False), lib.feature_alpha_dropout(x, 0.3, False)), x)
    assert ember.dropout(ember.ones(2), 1.0, True).sum().item() == torch.dropout(torch.ones(2), 1.0, True).sum().item()
