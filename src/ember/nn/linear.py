"""Fully connected layers: every output unit sees every input. The math is in ember/ops/linalg.py."""

import numpy as np

from .. import functional as F
from ..autograd import InputError
from ..backend import DeviceLike, dtype_name, is_floating
from ..creation import empty
from ..ops.linalg import check_features
from .init import reset_weight_and_bias
from .module import Module
from .parameter import Parameter


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

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: DeviceLike | None = None,
                 dtype: np.dtype | None = None):
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
        if not (is_floating(x.dtype) or x.dtype.kind == "c"):
            raise InputError(f"{self._describe()}: the input is {x.dtype} but the weights are {self.weight.dtype}; "
                             f"a layer computes in floating point: convert the input (input.to("
                             f"{dtype_name(self.weight.dtype)}))")
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
