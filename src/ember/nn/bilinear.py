"""Bilinear: a layer whose outputs are quadratic forms in two inputs, y_k = x1ᵀ W_k x2 + b_k.

The math is in ember/ops/linalg.py.
"""

import math

from .. import functional as F
from ..creation import empty
from . import init
from .module import Module
from .parameter import Parameter


class Bilinear(Module):
    """out_features outputs, each x1ᵀ W_k x2 + b_k: every product of a feature of x1 with a feature of
    x2 gets its own weight (how two representations interact). input1 (*, in1_features), input2
    (*, in2_features) -> (*, out_features). Weight (out, in1, in2) and bias start uniform in ±1/√in1."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(empty(out_features, in1_features, in2_features, device=device, dtype=dtype))
        self.register_parameter("bias", Parameter(empty(out_features, device=device, dtype=dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.in1_features <= 0:
            raise ValueError(f"Bilinear: in1_features must be > 0, got {self.in1_features}")
        bound = 1 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
