"""Positional embeddings: attention by itself ignores order (it sees a set of positions), so each
position's vector gets a signature of where it stands added to it. The math is here: a table of
positions (sines and cosines, or learned) added to the input."""

import math

from ..creation import arange, empty
from ..ops.shape import stack
from . import init
from .module import Module
from .parameter import Parameter


class _Positional(Module):
    """x (..., T, d_model) + the embeddings of positions start .. start + T - 1."""

    def table(self):
        raise NotImplementedError

    def forward(self, x, start=0):
        length = x.shape[-2] if x.ndim >= 2 else 0
        if x.ndim < 2 or x.shape[-1] != self.d_model:
            raise ValueError(f"{self._describe()}: expected input (..., length, {self.d_model}), got {tuple(x.shape)}")
        if start < 0 or start + length > self.max_len:
            raise ValueError(f"{self._describe()}: positions {start} to {start + length - 1} do not fit in "
                             f"max_len={self.max_len}")
        return x + self.table()[start:start + length]

    def extra_repr(self):
        return f"{self.max_len}, {self.d_model}"


class SinusoidalPositionalEncoding(_Positional):
    """The fixed encoding of "Attention Is All You Need": PE[p, 2i] = sin(p / 10000^(2i/d_model)),
    PE[p, 2i+1] = cos(p / 10000^(2i/d_model)). Each pair of dimensions is a clock of its own speed, so
    nearby positions look alike and any offset is a linear map; nothing is learned. Adds PE to
    x (..., T, d_model) (forward(x, start) for positions start onwards)."""

    def __init__(self, d_model, max_len=5000, device=None, dtype=None):
        super().__init__()
        if d_model % 2:
            raise ValueError(f"SinusoidalPositionalEncoding: d_model must be even, got {d_model}")
        self.max_len, self.d_model = max_len, d_model
        position = arange(max_len, dtype=dtype, device=device).unsqueeze(1)                  # (max_len, 1)
        frequency = (arange(0, d_model, 2, dtype=dtype, device=device) * (-math.log(10000.0) / d_model)).exp()
        angle = position * frequency                                                           # (max_len, d/2)
        table = stack([angle.sin(), angle.cos()], dim=2).reshape(max_len, d_model)             # interleaved
        self.register_buffer("pe", table, persistent=False)

    def table(self):
        return self.pe


class LearnedPositionalEmbedding(_Positional):
    """A learned vector per position (max_len, d_model), as in GPT and BERT, added to x (..., T, d_model)
    (forward(x, start) for positions start onwards). Starts N(0, 1), as nn.Embedding."""

    def __init__(self, max_len, d_model, device=None, dtype=None):
        super().__init__()
        self.max_len, self.d_model = max_len, d_model
        self.weight = Parameter(empty(max_len, d_model, device=device, dtype=dtype))
        init.normal_(self.weight)

    def table(self):
        return self.weight
