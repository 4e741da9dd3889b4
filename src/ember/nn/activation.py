"""Activation layers: the nonlinearity f of a neuron f(Σ wᵢxᵢ + b), applied elementwise, and softmax.

Each layer calls its function in ember.functional; the math is in ember/ops/activation.py.
`inplace=True` changes the input itself, as in PyTorch, except inside a graph: ember records no
in-place ops, so there it makes a new tensor (the layer's output is the same either way).
"""

import warnings

from .. import functional as F
from ..creation import empty
from . import init
from .module import Module
from .parameter import Parameter


def _with_inplace(settings, inplace):
    """A layer's printed settings, with inplace=True added when set (as PyTorch prints them)."""
    return ", ".join(([settings] if settings else []) + (["inplace=True"] if inplace else []))


class _Elementwise(Module):
    """An activation that takes only the inplace flag: function(x, inplace) on any shape, the same shape
    out. Subclasses name the function; show_inplace=False for those PyTorch prints without it."""

    function = None
    show_inplace = True

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002 (PyTorch's argument name)
        return type(self).function(input, inplace=self.inplace)

    def extra_repr(self):
        return _with_inplace("", self.inplace and self.show_inplace)


class ReLU(_Elementwise):
    """max(x, 0): the most common hidden-layer activation. Any shape in, the same shape out."""

    function = staticmethod(F.relu)


class SiLU(_Elementwise):
    """x·σ(x) (swish). Any shape."""

    function = staticmethod(F.silu)


class SELU(_Elementwise):
    """scale·ELU(x, α) with fixed α ≈ 1.6733, scale ≈ 1.0507: a stack of Linear + SELU layers keeps its
    activations at mean 0 and variance 1 by itself (self-normalizing networks). Any shape."""

    function = staticmethod(F.selu)


class Mish(_Elementwise):
    """x·tanh(softplus(x)): a smooth ReLU with a small negative dip. Any shape."""

    function = staticmethod(F.mish)


class Hardswish(_Elementwise):
    """x·hardsigmoid(x): SiLU from straight and quadratic pieces (MobileNetV3). Any shape."""

    function = staticmethod(F.hardswish)
    show_inplace = False


class Hardsigmoid(_Elementwise):
    """(x + 3)/6 clipped to [0, 1]: sigmoid from straight pieces. Any shape."""

    function = staticmethod(F.hardsigmoid)
    show_inplace = False


class LeakyReLU(Module):
    """x for x > 0, negative_slope·x otherwise, so negative inputs still pass a gradient. Any shape."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return _with_inplace(f"negative_slope={self.negative_slope}", self.inplace)


class ELU(Module):
    """x for x > 0, α(e^x - 1) otherwise: negative outputs down to -α pull the mean activation to 0. Any shape."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):  # noqa: A002
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return _with_inplace(f"alpha={self.alpha}", self.inplace)


class CELU(ELU):
    """max(0, x) + min(0, α(e^(x/α) - 1)): ELU with a continuous derivative for every α. Any shape."""

    def forward(self, input):  # noqa: A002
        return F.celu(input, self.alpha, self.inplace)


class Hardtanh(Module):
    """x clipped to [min_val, max_val]. Any shape. (min_value and max_value are PyTorch's deprecated names.)"""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):  # noqa: A002
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return _with_inplace(f"min_val={self.min_val}, max_val={self.max_val}", self.inplace)


class ReLU6(Hardtanh):
    """min(max(x, 0), 6): a ReLU that saturates (MobileNets). Any shape."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _with_inplace("", self.inplace)


class PReLU(Module):
    """x for x > 0, a·x otherwise, with the slope a learned: one for all channels (num_parameters=1) or
    one per channel of (N, C, *) inputs. The slopes start at init."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):  # noqa: A002
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky ReLU: in training each negative element gets a slope drawn from [lower, upper];
    in evaluation the mean slope (lower + upper)/2. Any shape."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):  # noqa: A002
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return _with_inplace(f"lower={self.lower}, upper={self.upper}", self.inplace)


class Threshold(Module):
    """x where x > threshold, value elsewhere. Any shape."""

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):  # noqa: A002
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return _with_inplace(f"threshold={self.threshold}, value={self.value}", self.inplace)


class _Plain(Module):
    """An activation without settings: function(x), any shape, the same shape out."""

    function = None

    def forward(self, input):  # noqa: A002
        return type(self).function(input)


class Sigmoid(_Plain):
    """σ(x) = 1 / (1 + e^-x), into (0, 1): a probability, or a gate. Any shape."""

    function = staticmethod(F.sigmoid)


class Tanh(_Plain):
    """tanh x, into (-1, 1): a zero-centred squashing. Any shape."""

    function = staticmethod(F.tanh)


class Softsign(_Plain):
    """x / (1 + |x|), into (-1, 1). Any shape."""

    function = staticmethod(F.softsign)


class Tanhshrink(_Plain):
    """x - tanh x. Any shape."""

    function = staticmethod(F.tanhshrink)


class LogSigmoid(_Plain):
    """log σ(x), computed without overflow. Any shape."""

    function = staticmethod(F.logsigmoid)


class _Shrink(Module):
    """A shrinkage with threshold lambd: function(x, lambd). Any shape."""

    function = None

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):  # noqa: A002
        return type(self).function(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Hardshrink(_Shrink):
    """x where |x| > lambd, else 0."""

    function = staticmethod(F.hardshrink)


class Softshrink(_Shrink):
    """x moved towards 0 by lambd, and 0 within lambd of it."""

    function = staticmethod(F.softshrink)


class GELU(Module):
    """x·Φ(x), the Transformer's activation; approximate='tanh' uses the tanh approximation of Φ. Any shape."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):  # noqa: A002
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + e^(βx)) / β, a smooth ReLU (linear where βx > threshold). Any shape."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):  # noqa: A002
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class GLU(Module):
    """The gated linear unit a·σ(b), a and b the halves of the input along dim: (*, 2n, *) -> (*, n, *)."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class _AlongDim(Module):
    """A function along one dimension (Softmax, LogSoftmax, Softmin); the same shape out. dim=None is
    PyTorch's deprecated implicit choice, with a warning."""

    function = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return self.run_checked(input, lambda: type(self).function(input, self.dim, _stacklevel=7))

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """e^x / Σ e^x along dim: scores into probabilities that sum to 1."""

    function = staticmethod(F.softmax)


class LogSoftmax(_AlongDim):
    """log softmax(x) along dim, computed stably: the input of the negative log-likelihood loss."""

    function = staticmethod(F.log_softmax)


class Softmin(_AlongDim):
    """softmax(-x) along dim: the smallest scores get the largest probabilities."""

    function = staticmethod(F.softmin)


class Softmax2d(Module):
    """Softmax over the channels at every position of (N, C, H, W) or (C, H, W) feature maps."""

    def forward(self, input):  # noqa: A002
        if input.ndim not in (3, 4):
            raise ValueError(f"{self._describe()}: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3)
