"""ember.nn.init: filling weights with their starting values, in place (as torch.nn.init).

Where a network starts matters: if the weights are too large, activations and gradients grow layer
after layer; too small, and they fade away. Xavier (Glorot) and Kaiming (He) initialization pick the
spread so that the variance of the signal stays about the same through each layer: Var(w) = 2 / (fan_in
+ fan_out) for tanh/sigmoid-like units, gain² / fan for ReLU-like ones (gain² = 2 for ReLU).
"""

import functools
import math
import warnings

from .. import backend, creation
from ..autograd import no_grad
from ..tensor import Tensor

_GAIN_ONE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
             "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """The factor by which a nonlinearity shrinks the standard deviation of its input, undone by
    scaling the weights: 1 for linear and sigmoid, 5/3 for tanh, √2 for ReLU, √(2 / (1 + slope²))
    for leaky ReLU (param is the slope, 0.01 by default), 3/4 for SELU."""
    if nonlinearity in _GAIN_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}; use one of {', '.join(_GAIN_ONE)}, tanh, relu, "
                     "leaky_relu, selu")


def fan_in_and_fan_out(tensor):
    """How many inputs feed each output unit (fan_in) and how many outputs each input feeds (fan_out).

    A weight is (out, in, *kernel): a Linear's (out, in) or a convolution's (out, in, kH, kW), where
    every kernel position is one more input (or output) per unit.
    """
    if tensor.ndim < 2:
        raise ValueError(f"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
                         f"(got shape {tensor.shape})")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


_calculate_fan_in_and_fan_out = fan_in_and_fan_out  # the name PyTorch programs call it by


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


@no_grad()
def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with numbers drawn uniformly from [a, b)."""
    return tensor.uniform_(a, b, generator=generator)


@no_grad()
def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with numbers drawn from N(mean, std²)."""
    return tensor.normal_(mean, std, generator=generator)


@no_grad()
def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with numbers from N(mean, std²) restricted to [a, b]: any value outside is drawn again
    (so [a, b] must hold a fair share of the distribution, as it does within a few std of the mean)."""
    mass = 0.5 * (math.erf((b - mean) / (std * math.sqrt(2.0))) - math.erf((a - mean) / (std * math.sqrt(2.0))))
    if mass < 0.01:
        raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] holds {mass:.2g} of N({mean}, {std}²); "
                         "it must hold at least 1% of it")
    generator = generator or backend.default_generator(tensor.device)
    values = generator.normal(tensor.shape, tensor.dtype, mean, std)
    outside = (values < a) | (values > b)
    while outside.any():
        values[outside] = generator.normal((int(outside.sum()),), tensor.dtype, mean, std)
        outside = (values < a) | (values > b)
    return tensor.copy_(Tensor(values))


@no_grad()
def constant_(tensor, val):
    """Fill tensor with val, in place, outside the graph; returns tensor."""
    return tensor.fill_(val)


@no_grad()
def ones_(tensor):
    """Fill tensor with ones, in place, outside the graph; returns tensor."""
    return tensor.fill_(1.0)


@no_grad()
def zeros_(tensor):
    """Fill tensor with zeros, in place, outside the graph; returns tensor."""
    return tensor.zero_()


@no_grad()
def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix (a Linear that passes its input through)."""
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported, got shape {tensor.shape}")
    return tensor.copy_(creation.eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


@no_grad()
def dirac_(tensor, groups=1):
    """Fill a convolution's weight (out, in, *kernel) so that it passes its input through: a 1 at the
    kernel's centre from input channel d to output channel d of each of the groups, 0 elsewhere."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"dirac_: only tensors with 3, 4 or 5 dimensions are supported, got shape {tensor.shape}")
    out_channels = tensor.shape[0]
    if out_channels % groups != 0:
        raise ValueError(f"dirac_: dim 0 ({out_channels}) must be divisible by groups ({groups})")
    per_group = out_channels // groups
    centre = tuple(k // 2 for k in tensor.shape[2:])
    values = backend.xp_of(tensor.array).zeros(tensor.shape, tensor.dtype)
    for g in range(groups):
        for d in range(min(per_group, tensor.shape[1])):
            values[(g * per_group + d, d, *centre)] = 1
    return tensor.copy_(Tensor(values))


@no_grad()
def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix times gain: the rows (or, if there are fewer columns, the columns)
    are orthonormal. A tensor of more dimensions is seen as a matrix (shape[0], the rest). The matrix is
    Q of the QR decomposition of a normal random matrix, with the signs of R's diagonal taken into Q so that
    it is drawn uniformly among orthogonal matrices."""
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, got shape "
                         f"{tensor.shape}")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    xp = backend.xp_of(tensor.array)
    generator = generator or backend.default_generator(tensor.device)
    flat = generator.normal((max(rows, cols), min(rows, cols)), backend.float64)
    q, r = xp.linalg.qr(flat)
    q = q * xp.sign(xp.diagonal(r))
    if rows < cols:
        q = q.T
    return tensor.copy_(Tensor((q * gain).reshape(tensor.shape)))


@no_grad()
def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor with N(0, std²) numbers, then zero a fraction `sparsity` of each column (the rows
    picked at random): a sparse start for a Linear's weight, as in Martens (2010)."""
    if tensor.ndim != 2:
        raise ValueError(f"sparse_: only tensors with 2 dimensions are supported, got shape {tensor.shape}")
    rows, cols = tensor.shape
    zeros = int(math.ceil(sparsity * rows))
    generator = generator or backend.default_generator(tensor.device)
    values = generator.normal(tensor.shape, tensor.dtype, 0.0, std)
    for col in range(cols):
        values[generator.permutation(rows)[:zeros], col] = 0
    return tensor.copy_(Tensor(values))


def _std_for_xavier(tensor, gain):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot initialization, uniform: U(-a, a) with a = gain·√(6 / (fan_in + fan_out))."""
    bound = math.sqrt(3.0) * _std_for_xavier(tensor, gain)  # U(-a, a) has std a/√3
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot initialization, normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    return normal_(tensor, 0.0, _std_for_xavier(tensor, gain), generator)


def _std_for_kaiming(tensor, a, mode, nonlinearity):
    """gain / √fan, or None for a tensor with no elements (nothing to fill)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return None
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialization, uniform: U(-bound, bound) with bound = gain·√(3 / fan). a is the negative
    slope of a leaky ReLU; mode fan_in keeps the forward signal's variance, fan_out the gradient's."""
    std = _std_for_kaiming(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialization, normal: N(0, std²) with std = gain / √fan."""
    std = _std_for_kaiming(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    return normal_(tensor, 0.0, std, generator)


def reset_weight_and_bias(weight, bias):
    """PyTorch's start for Linear and convolution layers: weight and bias uniform in ±1/√fan_in.
    (kaiming_uniform_ with a = √5 gives the bound gain·√(3/fan_in) = √(2/6)·√(3/fan_in) = 1/√fan_in.)"""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)


# ---------------------------------------------------------------------------------------------
# PyTorch's old names, without the trailing underscore of an in-place function: deprecated there too.

def _deprecated(fn):
    old = fn.__name__[:-1]

    @functools.wraps(fn)
    def warn_then_fill(*args, **kwargs):
        warnings.warn(f"nn.init.{old} is deprecated; use nn.init.{fn.__name__}", FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)

    warn_then_fill.__name__ = old
    return warn_then_fill


uniform, normal, constant, eye, dirac = (_deprecated(fn) for fn in (uniform_, normal_, constant_, eye_, dirac_))
xavier_uniform, xavier_normal = _deprecated(xavier_uniform_), _deprecated(xavier_normal_)
kaiming_uniform, kaiming_normal = _deprecated(kaiming_uniform_), _deprecated(kaiming_normal_)
orthogonal, sparse = _deprecated(orthogonal_), _deprecated(sparse_)


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.nn.init", name)
