"""ember: a small define-by-run deep learning framework with a PyTorch-shaped API.

    import ember
    x = ember.randn(3, requires_grad=True)
    (x * x).sum().backward()      # x.grad is now 2x
"""

from . import autograd, backend, cuda, data, functional, io, nn, ops, optim, testing, utils  # noqa: F401
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .backend import DEFAULT_FLOAT, Generator, manual_seed
from .backend import Device as device
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones,
                       ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm, tensor,
                       zeros, zeros_like)
from .ops.activation import relu, sigmoid, softmax, log_softmax, tanh
from .ops.elementwise import (add, addcdiv, addcmul, clamp, clamp_max, clamp_min, clip, div, divide, float_power,
                              floor_divide, fmax, fmin, fmod, lerp, maximum, minimum, mul, multiply, neg, negative,
                              positive, pow, remainder, rsub, sub, subtract, true_divide, where)
from .ops.indexing import gather
from .ops.linalg import matmul
from .ops.logical import (bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,
                          bitwise_xor, eq, gcd, ge, greater, greater_equal, gt, isfinite, isinf, isnan, isneginf,
                          isposinf, isreal, lcm, le, less, less_equal, logical_and, logical_not, logical_or,
                          logical_xor, lt, ne, not_equal, signbit)
from .ops.pointwise import (abs, absolute, ceil, copysign, exp, exp2, expm1, fix, floor, frac, frexp, heaviside,
                            ldexp, log, log10, log1p, log2, logaddexp, logaddexp2, nan_to_num, nextafter,
                            reciprocal, round, rsqrt, sgn, sign, sqrt, square, trunc)
from .ops.reduce import amax, amin, argmax, argmin, logsumexp, max, mean, min, prod, std, sum, var
from .ops.shape import cat, chunk, expand, flatten, permute, reshape, split, squeeze, stack, transpose, unsqueeze
from .ops.special import (digamma, erf, erfc, erfinv, i0, igamma, igammac, lgamma, logit, mvlgamma, polygamma, sinc,
                          xlogy)
from .ops.trig import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan,
                       atan2, atanh, cos, cosh, deg2rad, hypot, rad2deg, sin, sinh, tan)
from .tensor import Tensor
from .io import load, save

# torch.exp_(x) and the other in-place functions are the Tensor methods.
abs_, acos_, acosh_, arccos_ = Tensor.abs_, Tensor.acos_, Tensor.acosh_, Tensor.arccos_
arccosh_, arcsin_, arcsinh_, arctan_ = Tensor.arccosh_, Tensor.arcsin_, Tensor.arcsinh_, Tensor.arctan_
arctanh_, asin_, asinh_, atan_ = Tensor.arctanh_, Tensor.asin_, Tensor.asinh_, Tensor.atan_
atanh_, ceil_, clamp_, clamp_max_ = Tensor.atanh_, Tensor.ceil_, Tensor.clamp_, Tensor.clamp_max_
clamp_min_, clip_, cos_, cosh_ = Tensor.clamp_min_, Tensor.clip_, Tensor.cos_, Tensor.cosh_
deg2rad_, erf_, erfc_, exp2_ = Tensor.deg2rad_, Tensor.erf_, Tensor.erfc_, Tensor.exp2_
exp_, expm1_, fix_, floor_ = Tensor.exp_, Tensor.expm1_, Tensor.fix_, Tensor.floor_
frac_, gcd_, i0_, lcm_ = Tensor.frac_, Tensor.gcd_, Tensor.i0_, Tensor.lcm_
ldexp_, log10_, log1p_, log2_ = Tensor.ldexp_, Tensor.log10_, Tensor.log1p_, Tensor.log2_
log_, logit_, nan_to_num_, neg_ = Tensor.log_, Tensor.logit_, Tensor.nan_to_num_, Tensor.neg_
negative_, rad2deg_, reciprocal_, relu_ = Tensor.negative_, Tensor.rad2deg_, Tensor.reciprocal_, Tensor.relu_
round_, rsqrt_, sigmoid_, sin_ = Tensor.round_, Tensor.rsqrt_, Tensor.sigmoid_, Tensor.sin_
sinc_, sinh_, sqrt_, square_ = Tensor.sinc_, Tensor.sinh_, Tensor.sqrt_, Tensor.square_
tan_, tanh_, trunc_, xlogy_ = Tensor.tan_, Tensor.tanh_, Tensor.trunc_, Tensor.xlogy_

concat = concatenate = cat

# dtypes, with PyTorch's names.
float16 = half = backend.float16
float32 = float = backend.float32
float64 = double = backend.float64
uint8 = backend.uint8
int8 = backend.int8
int16 = short = backend.int16
int32 = int = backend.int32
int64 = long = backend.int64
bool = backend.bool_

__version__ = "0.1.0"


def get_default_dtype():
    return backend.DEFAULT_FLOAT


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(t):
    return t.numel()
