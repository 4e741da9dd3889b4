"""Fully connected layers: every output unit sees every input."""

import math

from .. import functional as F
from ..creation import empty
from ..ops.linalg import check_features
from . import init
from .module import Module
from .parameter import Parameter


def reset_weight_and_bias(weight, bias):
    """PyTorch's start for Linear and convolution layers: weight and bias uniform in ±1/√fan_in.
    (kaiming_uniform_ with a = √5 gives the bound gain·√(3/fan_in) = √(2/6)·√(3/fan_in) = 1/√fan_in.)"""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        init.uniform_(bias, -bound, bound)


class Identity(Module):
    """Returns its input unchanged (a placeholder where a model expects a layer); any arguments are ignored."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Linear(Module):
    """A layer of out_features neurons, each computing Σᵢ wᵢxᵢ + b over the in_features inputs.

    This is the lesson's neuron f(Σ wᵢxᵢ + b) without its f (add an activation layer after it),
    vectorized: the weights of all neurons form one matrix W (out_features, in_features), and a whole
    batch x (..., in_features) goes through in one matrix product, y = x Wᵀ + b (..., out_features).

    The weights start as PyTorch's do: W and b uniform in ±1/√in_features.
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in_features, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        reset_weight_and_bias(self.weight, self.bias)

    def forward(self, x):
        check_features(x, self.in_features, self._describe())
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
