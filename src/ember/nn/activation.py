"""Activation layers: the nonlinearity f of a neuron f(Σ wᵢxᵢ + b), applied elementwise, and softmax.

Each layer calls its function in ember.functional; the math is in ember/ops/activation.py.
`inplace=True` is accepted so that PyTorch code runs unchanged, and shown when the layer is printed,
but ember always makes a new tensor.
"""

import warnings

from .. import functional as F
from .module import Module


class ReLU(Module):
    """max(x, 0): the most common hidden-layer activation. Any shape in, the same shape out."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return F.relu(x)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x for x > 0, negative_slope·x otherwise, so negative inputs still pass a gradient. Any shape."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e^-x), into (0, 1): a probability, or a gate. Any shape."""

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    """tanh x, into (-1, 1): a zero-centred squashing. Any shape."""

    def forward(self, x):
        return F.tanh(x)


class GELU(Module):
    """x·Φ(x), the Transformer's activation; approximate='tanh' uses the tanh approximation of Φ. Any shape."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x·σ(x) (swish). Any shape."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return F.silu(x)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Softplus(Module):
    """log(1 + e^(βx)) / β, a smooth ReLU (linear where βx > threshold). Any shape."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class _AlongDim(Module):
    """A function along one dimension (Softmax, LogSoftmax); the same shape out."""

    function = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        dim = self.dim
        if dim is None:  # PyTorch's deprecated implicit choice
            dim = 0 if x.ndim in (0, 1, 3) else 1
            warnings.warn(f"Implicit dimension choice for {type(self).__name__} has been deprecated; give it, "
                          f"e.g. nn.{type(self).__name__}(dim={dim})", stacklevel=3)
        return self.run_checked(x, lambda: type(self).function(x, dim))

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """e^x / Σ e^x along dim: scores into probabilities that sum to 1."""

    function = staticmethod(F.softmax)


class LogSoftmax(_AlongDim):
    """log softmax(x) along dim, computed stably: the input of the negative log-likelihood loss."""

    function = staticmethod(F.log_softmax)
