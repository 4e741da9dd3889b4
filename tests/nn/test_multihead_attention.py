import numpy as np
import pytest

import ember
from ember import nn
from helpers import DEVICES, check_eval, check_layer, rand, raises, to_numpy

E, H = 8, 2


def self_attention(**kwargs):
    """A module that calls MultiheadAttention(x, x, x, ...): the self-attention path (one projection)."""
    def make(lib):
        class SelfAttention(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = lib.nn.MultiheadAttention(E, H, **kwargs)

            def forward(self, x, *args):
                return self.attn(x, x, x, *args)
        return SelfAttention()
    return make


def attention(**kwargs):
    return lambda lib: lib.nn.MultiheadAttention(E, H, **kwargs)


def causal_bool(n):
    return np.triu(np.ones((n, n), dtype=bool), 1)  # True: may NOT attend (PyTorch's convention here)


padding = np.array([[False] * 5 + [True] * 2, [False] * 7])  # (N=2, S=7): the first example's last 2 keys are padding

CASES = {
    "self": (self_attention(), [rand(5, 2, E)]),
    "self batch_first": (self_attention(batch_first=True), [rand(2, 5, E)]),
    "self unbatched": (self_attention(), [rand(5, E)]),
    "self no bias": (self_attention(bias=False), [rand(5, 2, E)]),
    "self bool causal mask": (self_attention(), [rand(5, 2, E), None, True, causal_bool(5)]),
    "self is_causal hint": (self_attention(), [rand(5, 2, E), None, True, causal_bool(5), True, True]),
    "self float mask": (self_attention(), [rand(5, 2, E), None, True, rand(5, 5, seed=4)]),
    "self per-batch-and-head mask": (self_attention(), [rand(5, 2, E), None, True, rand(2 * H, 5, 5, seed=4)]),
    "self per-head weights": (self_attention(), [rand(5, 2, E), None, True, None, False]),
    "cross": (attention(), [rand(5, 2, E), rand(7, 2, E, seed=1), rand(7, 2, E, seed=2)]),
    "cross key padding": (attention(), [rand(5, 2, E), rand(7, 2, E, seed=1), rand(7, 2, E, seed=2), padding]),
    "cross float key padding": (attention(batch_first=True), [rand(2, 5, E), rand(2, 7, E, seed=1),
                                                              rand(2, 7, E, seed=2), rand(2, 7, seed=3)]),
    "cross padding and mask": (attention(), [rand(5, 2, E), rand(7, 2, E, seed=1), rand(7, 2, E, seed=2), padding,
                                             True, rand(5, 7, seed=5) > 1.5]),
    "kdim vdim": (attention(kdim=3, vdim=5), [rand(5, 2, E), rand(7, 2, 3, seed=1), rand(7, 2, 5, seed=2)]),
    "kdim vdim unbatched no bias": (attention(kdim=3, vdim=5, bias=False),
                                    [rand(5, E), rand(7, 3, seed=1), rand(7, 5, seed=2)]),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", CASES)
def test_multihead_attention_matches_pytorch(device, dtype, name):
    make, inputs = CASES[name]
    ours, theirs = check_layer(make, *inputs, device=device, dtype=dtype)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


@pytest.mark.parametrize("device", DEVICES)
def test_need_weights_false_returns_no_weights(device):
    layer = nn.MultiheadAttention(E, H).to(device)
    x = ember.tensor(rand(5, 2, E), device=device, dtype=ember.float32)
    out, weights = layer(x, x, x, need_weights=False)
    assert weights is None and out.shape == (5, 2, E)
    _, weights = layer(x, x, x)
    assert weights.shape == (2, 5, 5)
    np.testing.assert_allclose(to_numpy(weights.detach()).sum(-1), 1, rtol=1e-5)


@pytest.mark.parametrize("batch_first", [True, False])
def test_eval_mode_matches_pytorchs_fast_path(batch_first):
    x = rand(2, 5, E)
    check_eval(self_attention(dropout=0.5, batch_first=batch_first), x, None, False)


def test_dropout_drops_attention_weights_in_training_only():
    layer = nn.MultiheadAttention(E, H, dropout=0.5)
    x = ember.tensor(rand(6, 1, E))
    ember.manual_seed(0)
    _, weights = layer(x, x, x, average_attn_weights=False)
    assert (weights.detach().numpy() == 0).mean() > 0.3
    layer.eval()
    _, weights = layer(x, x, x)
    np.testing.assert_allclose(weights.detach().numpy().sum(-1), 1, rtol=1e-5)


def test_initialization_follows_pytorch():
    layer = nn.MultiheadAttention(64, 4)
    bound = np.sqrt(6 / (64 + 3 * 64))  # Xavier-uniform of the (3E, E) in_proj_weight
    w = layer.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert not layer.in_proj_bias.detach().numpy().any() and not layer.out_proj.bias.detach().numpy().any()


def test_multihead_attention_errors():
    with raises(ValueError, "embed_dim (10) must be a positive multiple of num_heads (4)"):
        nn.MultiheadAttention(10, 4)
    with raises(NotImplementedError, "add_bias_kv and add_zero_attn are not supported"):
        nn.MultiheadAttention(8, 2, add_bias_kv=True)
    model = nn.Sequential(nn.MultiheadAttention(E, H))
    layer = model[0]
    x = ember.ones(5, 2, E)
    with raises(ValueError, "MultiheadAttention '0': expected query (..., 8), got (5, 2, 6)"):
        layer(ember.ones(5, 2, 6), x, x)
    with raises(ValueError, "expected query, key and value all 3-D (batched) or all 2-D (unbatched), got (5, 2, 8), "
                            "(5, 8) and (5, 8)"):
        layer(x, ember.ones(5, E), ember.ones(5, E))
    with raises(ValueError, "query, key and value have different batch sizes"):
        layer(x, ember.ones(5, 3, E), ember.ones(5, 3, E))
    with raises(ValueError, "key and value need the same length, got (5, 2, 8) and (4, 2, 8)"):
        layer(x, x, ember.ones(4, 2, E))
    with raises(ValueError, "attn_mask must be (5, 5) or (4, 5, 5), got (5, 4)"):
        layer(x, x, x, attn_mask=ember.zeros(5, 4))
    with raises(ValueError, "key_padding_mask must be (batch, source length) = (2, 5), got (5, 2)"):
        layer(x, x, x, key_padding_mask=ember.zeros(5, 2, dtype=ember.bool))
    with raises(TypeError, "masks must be bool or floating, got int64"):
        layer(x, x, x, attn_mask=ember.zeros(5, 5, dtype=ember.long))
    with raises(RuntimeError, "is_causal is a hint that attn_mask is the causal mask; give attn_mask too"):
        layer(x, x, x, is_causal=True)
