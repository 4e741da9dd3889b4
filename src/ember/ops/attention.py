"""Attention: softmax(QKᵀ/√d_k)V, the heart of the Transformer.

Every query position scores every key position at once (one matrix product QKᵀ), turns its scores
into weights with a softmax, and takes the weighted average of the values. Nothing is sequential, so
a whole sequence trains in parallel, and position 1 can draw on position 1000 as directly as on
position 999: this is how Transformers capture long-range dependencies. Dividing by √d_k keeps the
scores' spread independent of the head size, so the softmax does not saturate.
"""

import functools
import math

import numpy as np

from .. import backend
from ..autograd import Function, InputError
from .dropout import check_probability
from .elementwise import cast
from .activation import softmax


class ScaledDotProductAttention(Function):
    """out = dropout(softmax(Q Kᵀ · scale + mask)) V, forward and backward fused.

    Q (..., L, E), K (..., S, E), V (..., S, Ev) → out (..., L, Ev); the batch axes broadcast. The
    mask, added to the scores (differentiable), is optional (None), as is a boolean array `keep`
    (True: may attend); `causal` lets query i see keys 0..i only. With need_weights, the
    attention weights (after dropout) are a second output.

    The scores are held transposed, Sᵀ = K Qᵀ (..., S, L): a query's scores run down a column, so that
    the softmax's max and sum over the keys reduce across whole rows of memory (NumPy's max along a
    short contiguous axis is 2-4 times slower), and every product below takes Pᵀ as it is.

    Backward, with P the weights: dV = Pᵀ dO, dPᵀ = V dOᵀ, and through the softmax
    dS = P ⊙ (dP - Σⱼ dP ⊙ P); then dQ = dS K · scale, dK = dSᵀ Q · scale, d(mask) = dS.
    """

    def forward(ctx, q, k, v, mask, *, keep, causal, scale, dropout_p, need_weights):
        xp = ctx.xp
        scores = xp.matmul(k, xp.swapaxes(q, -1, -2))
        scores *= scale
        if mask is not None:
            scores += _keys_first(xp, mask)
        if keep is not None:  # -inf added where a key is masked out (a NaN score stays NaN, as PyTorch's)
            scores += xp.where(_keys_first(xp, keep), 0.0, -math.inf).astype(scores.dtype)
        if causal:  # -inf where key j comes after query i
            scores += _causal_mask(xp, *scores.shape[-2:], scores.dtype)
        weights = _softmax_keys(xp, scores)
        ctx.dropped = None  # the dropout mask times 1/(1 - p), when dropping
        dropped = weights
        if dropout_p > 0:
            generator = backend.default_generator(backend.device_of(q))
            kept = generator.uniform(weights.shape, backend.float32) >= dropout_p
            ctx.dropped = kept.astype(weights.dtype)
            ctx.dropped *= 1.0 / (1.0 - dropout_p) if dropout_p < 1 else 0.0
            dropped = weights * ctx.dropped
        ctx.save_for_backward(q, k, v, weights)
        ctx.scale = scale
        out = xp.matmul(xp.swapaxes(dropped, -1, -2), v)
        return (out, xp.swapaxes(dropped, -1, -2)) if need_weights else out

    def backward(ctx, grad, grad_weights=None):
        q, k, v, weights = ctx.saved  # weights: Pᵀ (..., S, L)
        xp = ctx.xp
        needs = ctx.needs_input_grad
        dropped = weights if ctx.dropped is None else weights * ctx.dropped
        grad_v = xp.matmul(dropped, grad) if needs[2] else None
        if not (needs[0] or needs[1] or needs[3]):
            return None, None, grad_v, None
        grad_p = xp.matmul(v, xp.swapaxes(grad, -1, -2))  # dPᵀ
        if grad_weights is not None:
            grad_p += xp.swapaxes(grad_weights, -1, -2)
        if ctx.dropped is not None:
            grad_p *= ctx.dropped
        # Through the softmax, in place: dS = P ⊙ (dP - Σ dP ⊙ P).
        grad_p -= _sums_keys(xp, grad_p * weights)
        grad_p *= weights
        grad_mask = xp.swapaxes(grad_p, -1, -2) if needs[3] else None
        if grad_mask is None:
            grad_p *= ctx.scale
        else:
            grad_p = grad_p * ctx.scale
        grad_q = xp.matmul(xp.swapaxes(grad_p, -1, -2), k) if needs[0] else None
        grad_k = xp.matmul(grad_p, q) if needs[1] else None
        return grad_q, grad_k, grad_v, grad_mask


def _keys_first(xp, mask):
    """A mask laid out (..., L, S) (or broadcasting to it) turned to the transposed scores' (..., S, L)."""
    if mask.ndim >= 2:
        return xp.swapaxes(mask, -1, -2)
    return mask.reshape(-1, 1) if mask.ndim == 1 else mask


@functools.lru_cache(maxsize=16)
def _causal_mask(xp, keys, queries, dtype):
    """The additive causal mask of the transposed scores (S, L): 0 where key j <= query i, else -inf.
    Built once per size (and array module and dtype); only ever added, never written to."""
    after = xp.tri(keys, queries, k=-1, dtype=bool)  # row j, column i: True where j > i
    return xp.where(after, -math.inf, 0.0).astype(dtype)


def _softmax_keys(xp, scores):
    """Softmax over the keys (axis -2 of the transposed scores), in place. Queries whose every score is
    -inf (all keys masked out) give weights 0, as PyTorch's scaled_dot_product_attention does, not NaN (a +inf
    or NaN score makes its query's weights NaN, as there)."""
    top = _max_keys(xp, scores)
    top = xp.where(top == -math.inf, 0, top)
    scores -= top
    xp.exp(scores, out=scores)
    total = _sums_keys(xp, scores)
    total = xp.where(total == 0, 1, total)
    scores /= total
    return scores


def _max_keys(xp, scores):
    """The max over axis -2 of the transposed scores, keeping the axis. On the CPU by maxima of halves, whole
    rows of memory at a time: twice as fast as NumPy's max over that axis; on a GPU one reduction."""
    if not backend.is_cpu(xp):
        return scores.max(axis=-2, keepdims=True)
    top = scores
    while top.shape[-2] > 1:
        half = top.shape[-2] // 2
        pairs = xp.maximum(top[..., :half, :], top[..., half:2 * half, :])
        if top.shape[-2] % 2:  # the odd row out joins the first
            xp.maximum(pairs[..., :1, :], top[..., -1:, :], out=pairs[..., :1, :])
        top = pairs
    return top


def _sums_keys(xp, x):
    """Σ over axis -2 (the keys) of the transposed scores, keeping the axis: a product with ones, which
    BLAS does several times faster than NumPy's sum."""
    return xp.matmul(xp.ones(x.shape[-2], dtype=x.dtype), x)[..., None, :]


def attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, need_weights=False):
    """softmax(Q Kᵀ · scale + mask) V after checking the inputs; returns (output, weights or None).
    F.scaled_dot_product_attention and nn.MultiheadAttention both come here."""
    _check_qkv(query, key, value)
    check_probability(dropout_p)
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal=True, not both")
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    mask, keep = None, None
    if attn_mask is not None:
        _check_mask(attn_mask, query, key)
        if attn_mask.dtype == backend.bool_:
            keep = attn_mask.array
        else:
            mask = cast(attn_mask, query.dtype)
    result = ScaledDotProductAttention.apply(query, key, value, mask, keep=keep, causal=bool(is_causal),
                                             scale=float(scale), dropout_p=float(dropout_p),
                                             need_weights=need_weights)
    return result if need_weights else (result, None)


def _check_qkv(query, key, value):
    for name, t in (("query", query), ("key", key), ("value", value)):
        if t.ndim < 2:
            raise InputError(f"scaled_dot_product_attention: {name} needs at least 2 dimensions (..., length, "
                             f"features), got shape {tuple(t.shape)}")
        if backend.kind_of(t.dtype) != "f" or t.dtype != query.dtype:
            raise InputError(f"scaled_dot_product_attention: query, key and value must have one floating point "
                             f"dtype, got {query.dtype}, {key.dtype} and {value.dtype}")
    if query.shape[-1] != key.shape[-1]:
        raise InputError(f"scaled_dot_product_attention: query and key need the same feature size, got query "
                         f"{tuple(query.shape)} and key {tuple(key.shape)}")
    if key.shape[-2] != value.shape[-2]:
        raise InputError(f"scaled_dot_product_attention: key and value need the same length, got key "
                         f"{tuple(key.shape)} and value {tuple(value.shape)}")
    try:
        np.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    except ValueError:
        raise InputError(f"scaled_dot_product_attention: the batch dimensions of query {tuple(query.shape)}, key "
                         f"{tuple(key.shape)} and value {tuple(value.shape)} do not broadcast") from None


def _check_mask(mask, query, key):
    """The mask must be bool or float, on the query's device, and broadcast to the scores' shape."""
    if mask.dtype != backend.bool_ and backend.kind_of(mask.dtype) != "f":
        raise TypeError(f"scaled_dot_product_attention: attn_mask must be bool (True: may attend) or floating "
                        f"(added to the scores), got {mask.dtype}")
    if mask.dtype not in (backend.bool_, backend.float32, query.dtype):
        raise InputError(f"scaled_dot_product_attention: a floating attn_mask must be float32 or the query's "
                         f"{query.dtype}, got {mask.dtype}")
    if mask.device != query.device:
        raise RuntimeError(f"scaled_dot_product_attention: attn_mask is on {mask.device}, the query on {query.device}")
    scores = np.broadcast_shapes(query.shape[:-2], key.shape[:-2]) + (query.shape[-2], key.shape[-2])
    try:
        fits = np.broadcast_shapes(mask.shape, scores) == scores
    except ValueError:
        fits = False
    if not fits:
        raise InputError(f"scaled_dot_product_attention: attn_mask of shape {tuple(mask.shape)} does not broadcast "
                         f"to the attention scores {scores}")


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(Q Kᵀ/√d_k + mask) V: query (..., L, E), key (..., S, E), value (..., S, Ev) → (..., L, Ev).

    attn_mask: bool (True where a query may attend to a key) or float (added to the scores),
    broadcastable to (..., L, S); is_causal: query i attends to keys 0..i only (not with attn_mask);
    dropout_p: dropout on the attention weights (pass 0.0 in evaluation); scale: instead of 1/√E.
    """
    return attention(query, key, value, attn_mask, dropout_p, is_causal, scale)[0]


# ---------------------------------------------------------------------------------------------
# The readable twin: the lesson's formula composed from primitives, whose gradients autograd derives.
# Tested equal to the fused op above, forward and backward; slower, and written to be read.

def attention_composed(query, key, value, attn_mask=None):
    """softmax(Q Kᵀ/√d_k + mask) V, from matmul and softmax: ScaledDotProductAttention's twin.
    query (..., L, E), key (..., S, E), value (..., S, Ev), attn_mask added to the scores -> (..., L, Ev)."""
    scores = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])  # how well each query matches each key
    if attn_mask is not None:
        scores = scores + attn_mask
    return softmax(scores, -1) @ value  # each query's weighted average of the values
