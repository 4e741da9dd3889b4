import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_gradcheck, check_op, check_parity, check_twin, rand, raises, seeds


def sdpa(**kwargs):
    """F.scaled_dot_product_attention(q, k, v, [mask], **kwargs) of ember or torch."""
    def fn(lib, q, k, v, mask=None):
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, **kwargs)
    return fn


@pytest.mark.parametrize("device", DEVICES)
@given(batch=st.sampled_from([(), (2,), (2, 3), (1, 3)]), key_batch=st.sampled_from(["same", "broadcast"]),
       length=st.integers(1, 4), source=st.integers(1, 5), features=st.integers(1, 4), seed=seeds)
def test_attention_broadcasts_batch_and_head_dims(device, batch, key_batch, length, source, features, seed):
    kv_batch = batch if key_batch == "same" else tuple(1 for _ in batch)
    check_op(sdpa(), rand(*batch, length, features, seed=seed), rand(*kv_batch, source, features, seed=seed + 1),
             rand(*kv_batch, source, 3, seed=seed + 2), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("length, source", [(4, 4), (3, 5), (5, 3)])
def test_causal_attention(device, length, source):
    check_op(sdpa(is_causal=True), rand(2, 2, length, 3), rand(2, 2, source, 3, seed=1), rand(2, 2, source, 4, seed=2),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mask_shape", [(4, 5), (2, 1, 4, 5), (1, 5), (3, 4, 5)])
def test_additive_float_mask_gets_a_gradient_too(device, mask_shape):
    check_op(sdpa(), rand(2, 3, 4, 6), rand(2, 3, 5, 6, seed=1), rand(2, 3, 5, 2, seed=2),
             rand(*mask_shape, seed=3), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_bool_mask_true_means_may_attend_and_a_fully_masked_row_gives_zeros(device):
    mask = rand(4, 5, seed=3) > 0
    mask[0], mask[2] = False, True
    out, = check_parity(sdpa(), rand(2, 4, 3), rand(2, 5, 3, seed=1), rand(2, 5, 2, seed=2), mask, device=device)
    assert not ember.backend.to_device(out.array, ember.backend.CPU)[:, 0].any()
    check_gradcheck(sdpa(), rand(2, 4, 3), rand(2, 5, 3, seed=1), rand(2, 5, 2, seed=2), mask, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_float_mask_of_minus_infinity_masks_like_a_bool_mask(device):
    keep = rand(4, 5, seed=3) > 0
    keep[1] = False
    q, k, v = (ember.tensor(rand(n, 3, seed=n), device=device) for n in (4, 5, 5))
    as_bool = ember.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=ember.tensor(keep, device=device))
    additive = ember.tensor(np.where(keep, 0.0, -np.inf), device=device, dtype=ember.float32)
    as_float = ember.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=additive)
    np.testing.assert_allclose(as_float.tolist(), as_bool.tolist(), rtol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_scale_replaces_one_over_root_d(device):
    check_op(sdpa(scale=0.3), rand(2, 4, 3), rand(2, 5, 3, seed=1), rand(2, 5, 2, seed=2), device=device)


def test_attention_is_softmax_of_scaled_scores_times_values():
    q, k, v = rand(3, 4), rand(5, 4, seed=1), rand(5, 2, seed=2)
    scores = q @ k.T / math.sqrt(4)
    weights = np.exp(scores - scores.max(1, keepdims=True))
    weights /= weights.sum(1, keepdims=True)
    out = ember.nn.functional.scaled_dot_product_attention(*(ember.tensor(a) for a in (q, k, v)))
    np.testing.assert_allclose(out.tolist(), weights @ v, rtol=1e-12)


def seeded_attention_dropout(p):
    """Attention with dropout p and the same dropout mask on every call, for gradcheck."""
    def fn(lib, q, k, v):
        ember.manual_seed(5)
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=p)
    return fn


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [0.3, 1.0])
def test_attention_dropout_gradcheck_with_a_fixed_mask(device, p):
    check_gradcheck(seeded_attention_dropout(p), rand(2, 4, 3), rand(2, 5, 3, seed=1), rand(2, 5, 2, seed=2),
                    device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_attention_dropout_keeps_the_expected_output(device):
    ember.manual_seed(0)
    q, k = ember.zeros(1, 1, 20), ember.zeros(1000, 20)  # equal scores: every weight is 1/1000
    v = ember.ones(1000, 1)
    q, k, v = q.to(device), k.to(device), v.to(device)
    out = ember.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.25)
    assert abs(out.item() - 1) < 0.1  # each weight is dropped or scaled by 4/3: the mean stays 1


@pytest.mark.parametrize("device", DEVICES)
def test_attention_weights_output(device):
    from ember.ops.attention import attention
    q, k, v = (ember.tensor(rand(2, 3, 4, seed=s), device=device, requires_grad=True) for s in (0, 1, 2))
    out, weights = attention(q, k, v, is_causal=True, need_weights=True)
    w = weights.detach().cpu().numpy()
    np.testing.assert_allclose(w.sum(-1), 1, rtol=1e-6)
    assert (np.triu(w[0], 1) == 0).all()
    # The weights are differentiable too: compare their gradient with a plain softmax of the scores.
    (weights * weights).sum().backward()
    expected = ember.tensor(rand(2, 3, 4, seed=0), device=device, requires_grad=True)
    scores = expected @ k.detach().transpose(-1, -2) / 2.0
    reference = scores.masked_fill(ember.tensor(np.triu(np.ones((3, 3), bool), 1), device=device), float("-inf"))
    reference = reference.softmax(-1)
    (reference * reference).sum().backward()
    np.testing.assert_allclose(q.grad.tolist(), expected.grad.tolist(), rtol=1e-5, atol=1e-6)


def test_attention_errors():
    F = ember.nn.functional
    q, k, v = ember.ones(2, 3, 4), ember.ones(2, 5, 4), ember.ones(2, 5, 6)
    with raises(ValueError, "query and key need the same feature size, got query (2, 3, 4) and key (2, 5, 3)"):
        F.scaled_dot_product_attention(q, ember.ones(2, 5, 3), v)
    with raises(ValueError, "key and value need the same length, got key (2, 5, 4) and value (2, 4, 6)"):
        F.scaled_dot_product_attention(q, k, ember.ones(2, 4, 6))
    with raises(ValueError, "query needs at least 2 dimensions (..., length, features), got shape (4,)"):
        F.scaled_dot_product_attention(ember.ones(4), k, v)
    with raises(ValueError, "the batch dimensions of query (2, 3, 4), key (3, 5, 4) and value (3, 5, 6) do not"):
        F.scaled_dot_product_attention(q, ember.ones(3, 5, 4), ember.ones(3, 5, 6))
    with raises(RuntimeError, "must have one floating point dtype, got float32, float64 and float32"):
        F.scaled_dot_product_attention(q, k.double(), v)
    with raises(ValueError, "give attn_mask or is_causal=True, not both"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=ember.ones(3, 5), is_causal=True)
    with raises(ValueError, "attn_mask of shape (3, 4) does not broadcast to the attention scores (2, 3, 5)"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=ember.ones(3, 4))
    with raises(ValueError, "attn_mask of shape (7, 2, 3, 5) does not broadcast"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=ember.ones(7, 2, 3, 5))
    with raises(TypeError, "attn_mask must be bool (True: may attend) or floating (added to the scores), got int64"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=ember.ones(3, 5, dtype=ember.long))
    with raises(ValueError, "dropout probability has to be between 0 and 1, but got 1.5"):
        F.scaled_dot_product_attention(q, k, v, dropout_p=1.5)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("masked", [False, True])
def test_attention_equals_its_readable_twin(device, masked):
    from ember.ops.attention import attention_composed
    mask = rand(5, 6, seed=4) if masked else None
    check_twin(lambda q, k, v, m: ember.functional.scaled_dot_product_attention(q, k, v, m), attention_composed,
               rand(2, 5, 4, seed=1), rand(2, 6, 4, seed=2), rand(2, 6, 3, seed=3), mask, device=device)


@pytest.mark.parametrize("keys", [1, 2, 3, 7, 64, 65])
def test_max_over_keys_by_halves_equals_numpy_max(keys):
    from ember.ops.attention import _max_keys
    scores = rand(2, 3, keys, 5, seed=keys)
    scores[0, 1, keys // 2, 2] = np.nan
    np.testing.assert_array_equal(_max_keys(np, scores), scores.max(axis=-2, keepdims=True))
