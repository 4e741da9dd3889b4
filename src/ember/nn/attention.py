"""Multi-head attention: several attentions side by side, each in its own learned subspace.

The math is in ember/ops/attention.py.
"""

from .. import backend
from .. import functional as F
from ..creation import empty, zeros
from ..ops.attention import attention
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear layer under the name PyTorch gives MultiheadAttention's output projection, so that
    models print and save exactly as in PyTorch."""


class MultiheadAttention(Module):
    """softmax(Q Kᵀ/√d) V in num_heads heads of size d = embed_dim / num_heads.

    The query, key and value are projected (in_proj_weight, in_proj_bias), split into heads that
    attend independently (each can learn a different relation: the previous word, the subject, ...),
    joined again and projected by out_proj. Shapes as PyTorch: query (L, N, E) and key/value (S, N, E)
    ((N, L, E) with batch_first, or unbatched (L, E)); output like the query.

    forward returns (output, weights): the attention weights (N, L, S), averaged over the heads, or
    (N, num_heads, L, S) with average_attn_weights=False; None with need_weights=False. Masks:
    key_padding_mask (N, S) and attn_mask (L, S) or (N·num_heads, L, S), bool (True: may NOT attend,
    PyTorch's convention here) or float (added to the scores). A query whose keys are all masked
    gets output 0. kdim and vdim give the key and value other sizes (separate projection weights).
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be a positive multiple of "
                             f"num_heads ({num_heads})")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are not supported")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.dropout, self.batch_first = dropout, batch_first

        def weight(*shape):
            return Parameter(empty(*shape, device=device, dtype=dtype))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = weight(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = weight(embed_dim, embed_dim)
            self.k_proj_weight = weight(embed_dim, self.kdim)
            self.v_proj_weight = weight(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        self.register_parameter("in_proj_bias", weight(3 * embed_dim) if bias else None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self):
        """As PyTorch: Xavier-uniform projections, zero biases (out_proj.weight keeps Linear's init)."""
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        if is_causal and attn_mask is None:
            raise RuntimeError(f"{self._describe()}: is_causal is a hint that attn_mask is the causal mask; "
                               "give attn_mask too")
        batched = self._check_inputs(query, key, value)
        same = query is key and key is value
        if not batched:
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
        elif not self.batch_first:
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        q, k, v = self._project(query, key, value, same)               # (N, L, E), (N, S, E), (N, S, E)
        n, length, source = q.shape[0], q.shape[1], k.shape[1]
        q, k, v = (self._split_heads(z) for z in (q, k, v))           # (N, H, L or S, d)
        mask = self._merged_mask(attn_mask, key_padding_mask, n, length, source, q)
        out, weights = attention(q, k, v, mask, self.dropout if self.training else 0.0, need_weights=need_weights)
        out = self.out_proj(out.transpose(1, 2).reshape(n, length, self.embed_dim))
        if weights is not None and average_attn_weights:
            weights = weights.mean(dim=1)
        if not batched:
            return out.squeeze(0), (None if weights is None else weights.squeeze(0))
        return (out if self.batch_first else out.transpose(0, 1)), weights

    def _check_inputs(self, query, key, value):
        """Whether the inputs are batched; errors name the module and the shapes."""
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(f"{self._describe()}: expected query, key and value all 3-D (batched) or all 2-D "
                             f"(unbatched), got {tuple(query.shape)}, {tuple(key.shape)} and {tuple(value.shape)}")
        for name, t, size in (("query", query, self.embed_dim), ("key", key, self.kdim), ("value", value, self.vdim)):
            if t.shape[-1] != size:
                raise ValueError(f"{self._describe()}: expected {name} (..., {size}), got {tuple(t.shape)}")
        batch_axis = 0 if self.batch_first else 1
        if query.ndim == 3 and not query.shape[batch_axis] == key.shape[batch_axis] == value.shape[batch_axis]:
            raise ValueError(f"{self._describe()}: query, key and value have different batch sizes: "
                             f"{tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}")
        if key.shape[:-1] != value.shape[:-1]:
            raise ValueError(f"{self._describe()}: key and value need the same length, got {tuple(key.shape)} "
                             f"and {tuple(value.shape)}")
        return query.ndim == 3

    def _project(self, query, key, value, same):
        """The query, key and value projections; self-attention does all three in one product."""
        biases = (None,) * 3 if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        if same and self._qkv_same_embed_dim:
            return F.linear(query, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
        if self._qkv_same_embed_dim:
            weights = self.in_proj_weight.chunk(3)
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        return tuple(F.linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))

    def _split_heads(self, x):
        n, length, _ = x.shape
        return x.reshape(n, length, self.num_heads, self.head_dim).transpose(1, 2)

    def _merged_mask(self, attn_mask, key_padding_mask, n, length, source, like):
        """attn_mask and key_padding_mask as one float mask (N or 1, H or 1, L, S) to add to the scores."""
        mask = None
        if attn_mask is not None:
            mask = _additive(attn_mask, like)
            if mask.shape == (length, source):
                mask = mask.reshape(1, 1, length, source)
            elif mask.shape == (n * self.num_heads, length, source):
                mask = mask.reshape(n, self.num_heads, length, source)
            else:
                raise ValueError(f"{self._describe()}: attn_mask must be ({length}, {source}) or "
                                 f"({n * self.num_heads}, {length}, {source}), got {tuple(attn_mask.shape)}")
        if key_padding_mask is not None:
            if tuple(key_padding_mask.shape) not in ((n, source), (source,)):
                raise ValueError(f"{self._describe()}: key_padding_mask must be (batch, source length) = "
                                 f"({n}, {source}), got {tuple(key_padding_mask.shape)}")
            padding = _additive(key_padding_mask, like).reshape(-1, 1, 1, source)
            mask = padding if mask is None else mask + padding
        return mask


def _additive(mask, like):
    """A mask as numbers to add to the scores: a bool mask (True: masked out) becomes -inf there, 0 elsewhere."""
    if backend.kind_of(mask.dtype) == "f":
        return mask.to(like.dtype)
    if mask.dtype.kind != "b":
        raise TypeError(f"MultiheadAttention: masks must be bool or floating, got {mask.dtype}")
    return zeros(mask.shape, dtype=like.dtype, device=like.device).masked_fill(mask, float("-inf"))
