"""Transformer layers: attention to mix information across positions, a feedforward network to
process each position, each wrapped in a residual connection and layer normalization.

Because attention looks at all positions at once, a whole sequence is processed in parallel
(no step-by-step recurrence as in an RNN), and distant positions are one step apart. The math is in
the layers they are made of: nn/attention.py, nn/linear.py and nn/normalization.py.
"""

import copy
import math

from .. import functional as F
from ..creation import arange, full
from ..ops.elementwise import where
from . import init
from .attention import MultiheadAttention
from .containers import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def _activation(activation):
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation should be relu/gelu, not {activation}")
        return _ACTIVATIONS[activation]
    return activation


class _Layer(Module):
    """What both Transformer layers share: their parts, the feedforward block and the residual wiring.
    The encoder layer has 2 sublayers (self-attention, feedforward), the decoder layer 3 (self-attention,
    attention to the encoder's output, feedforward); each has its own LayerNorm and dropout. The parts
    are made in PyTorch's order, so that state dicts and printouts match."""

    def __init__(self, sublayers, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                 norm_first, bias, device, dtype):
        super().__init__()
        where = dict(device=device, dtype=dtype)

        def attention():
            return MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **where)

        self.self_attn = attention()
        if sublayers == 3:
            self.multihead_attn = attention()
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **where)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **where)
        self.norm_first = norm_first
        for i in range(1, sublayers + 1):
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **where))
        for i in range(1, sublayers + 1):
            setattr(self, f"dropout{i}", Dropout(dropout))
        self.activation = _activation(activation)

    def _feedforward(self, x):
        """linear2(dropout(activation(linear1(x)))): the same small MLP applied at every position."""
        return self.linear2(self.dropout(self.activation(self.linear1(x))))

    def _residual(self, x, norm, sublayer):
        """x + sublayer(norm(x)) with norm_first (pre-norm: trains deep stacks more easily),
        else norm(x + sublayer(x)) (post-norm: the original Transformer)."""
        if self.norm_first:
            return x + sublayer(norm(x))
        return norm(x + sublayer(x))


class TransformerEncoderLayer(_Layer):
    """Self-attention then a position-wise feedforward network (d_model → dim_feedforward → d_model),
    each with dropout, a residual connection and LayerNorm (before the block with norm_first, after
    it otherwise). activation: "relu", "gelu" or a callable. src (S, N, d_model), or (N, S, d_model)
    with batch_first, or unbatched (S, d_model); the output has the same shape."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__(2, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, bias, device, dtype)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        def attend(x):
            return self.dropout1(self.self_attn(x, x, x, attn_mask=src_mask, key_padding_mask=src_key_padding_mask,
                                                need_weights=False, is_causal=is_causal)[0])

        x = self._residual(src, self.norm1, attend)
        return self._residual(x, self.norm2, lambda x: self.dropout2(self._feedforward(x)))


class TransformerDecoderLayer(_Layer):
    """Self-attention over the target, attention to the encoder's output (memory), then a feedforward
    network; each with dropout, a residual connection and LayerNorm (before with norm_first, after
    otherwise). tgt (T, N, d_model) and memory (S, N, d_model), batch first with batch_first;
    the output has the shape of tgt."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__(3, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, bias, device, dtype)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        def attend_self(x):
            return self.dropout1(self.self_attn(x, x, x, attn_mask=tgt_mask, key_padding_mask=tgt_key_padding_mask,
                                                need_weights=False, is_causal=tgt_is_causal)[0])

        def attend_memory(x):
            return self.dropout2(self.multihead_attn(x, memory, memory, attn_mask=memory_mask,
                                                     key_padding_mask=memory_key_padding_mask,
                                                     need_weights=False, is_causal=memory_is_causal)[0])

        x = self._residual(tgt, self.norm1, attend_self)
        x = self._residual(x, self.norm2, attend_memory)
        return self._residual(x, self.norm3, lambda x: self.dropout3(self._feedforward(x)))


class TransformerEncoder(Module):
    """num_layers copies of encoder_layer applied in turn, then norm if given (use one with norm_first
    layers). enable_nested_tensor and mask_check are accepted for PyTorch code; ember has no nested
    tensors, so padded positions are computed like the others (PyTorch's fast path zeroes them)."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        return x if self.norm is None else self.norm(x)


class TransformerDecoder(Module):
    """num_layers copies of decoder_layer applied in turn, each attending to the same memory, then norm
    if given."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return x if self.norm is None else self.norm(x)


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention is all you need": an encoder stack reads the source
    sequence into a memory, and a decoder stack, attending to its own past and to that memory, produces
    the target sequence (translation, sequence-to-sequence tasks). Each stack ends in a LayerNorm.

    src (S, N, d_model) and tgt (T, N, d_model), (N, S/T, d_model) with batch_first, or unbatched
    (S/T, d_model) -> (T, N, d_model); tgt_mask is usually generate_square_subsequent_mask(T), so that
    position t sees positions ≤ t only. Every weight matrix starts Xavier-uniform, as PyTorch's.
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation="relu", custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        layer_args = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                          layer_norm_eps=layer_norm_eps, batch_first=batch_first, norm_first=norm_first, bias=bias,
                          device=device, dtype=dtype)
        norm_args = dict(eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        if custom_encoder is None:
            custom_encoder = TransformerEncoder(TransformerEncoderLayer(d_model, nhead, **layer_args),
                                                num_encoder_layers, LayerNorm(d_model, **norm_args))
        if custom_decoder is None:
            custom_decoder = TransformerDecoder(TransformerDecoderLayer(d_model, nhead, **layer_args),
                                                num_decoder_layers, LayerNorm(d_model, **norm_args))
        self.encoder, self.decoder = custom_encoder, custom_decoder
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and tgt.ndim == 3 and src.shape[batch_axis] != tgt.shape[batch_axis]:
            raise RuntimeError(f"{self._describe()}: the batch number of src and tgt must be equal, got src "
                               f"{tuple(src.shape)} and tgt {tuple(tgt.shape)}")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(f"{self._describe()}: the feature number of src and tgt must be equal to d_model "
                               f"({self.d_model}), got src {tuple(src.shape)} and tgt {tuple(tgt.shape)}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """The causal mask (sz, sz): 0 where a position may attend (itself and before), -inf after."""
        positions = arange(sz, device=device)
        return where(positions.unsqueeze(0) > positions.unsqueeze(1), -math.inf,
                     full((sz, sz), 0.0, device=device, dtype=dtype))
