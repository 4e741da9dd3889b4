"""Activation functions, the nonlinearity f in a neuron's f(w·x + b), and softmax.

Without a nonlinearity a stack of layers is one linear map; with one, it can bend the decision
boundary. Each op keeps its derivative beside it.
"""

import math

from .. import backend
from ..autograd import Function
from .elementwise import to_float
from .shape import normalize_dim


class ReLU(Function):
    """max(x, 0): passes positives, zeroes negatives; the gradient is 1 where x > 0, else 0."""

    def forward(ctx, x):
        out = ctx.xp.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * (out > 0)


class LeakyReLU(Function):
    """x for x > 0, slope·x otherwise: negatives keep a small gradient, so no unit dies."""

    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return ctx.xp.where(x > 0, x, x * slope)

    def backward(ctx, grad):
        x, = ctx.saved
        return ctx.xp.where(x > 0, grad, grad * ctx.slope)


class Sigmoid(Function):
    """σ(x) = 1 / (1 + e^-x), squashing to (0, 1); σ' = σ(1 - σ)."""

    def forward(ctx, x):
        xp = ctx.xp
        e = xp.exp(-xp.abs(x))  # never overflows: e^-|x| ≤ 1
        out = xp.where(x >= 0, 1, e) / (1 + e)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * out * (1 - out)


class Tanh(Function):
    """tanh x, squashing to (-1, 1); tanh' = 1 - tanh²."""

    def forward(ctx, x):
        out = ctx.xp.tanh(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * (1 - out * out)


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class GELU(Function):
    """x·Φ(x), Φ the standard normal CDF: a smooth ReLU (Transformers use it).

    approximate='tanh' uses Φ(x) ≈ ½(1 + tanh(√(2/π)(x + 0.044715x³))).
    """

    def forward(ctx, x, approximate):
        ctx.approximate = approximate
        if approximate == "tanh":
            ctx.save_for_backward(x)
            inner = _SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)
            return 0.5 * x * (1 + ctx.xp.tanh(inner))
        cdf = backend.erf(x * _INV_SQRT_2)
        cdf += 1
        cdf *= 0.5
        ctx.save_for_backward(x, cdf)  # so that backward needs no second erf (the costly part)
        return x * cdf

    def backward(ctx, grad):
        xp = ctx.xp
        if ctx.approximate == "tanh":
            x, = ctx.saved
            t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner)
        x, cdf = ctx.saved
        slope = backend.as_array(x * x)  # then, in place: Φ(x) + x·φ(x), with φ(x) = e^(-x²/2) / √(2π)
        slope *= -0.5
        xp.exp(slope, out=slope)
        slope *= _INV_SQRT_2PI
        slope *= x
        slope += cdf
        slope *= grad
        return slope


class SiLU(Function):
    """x·σ(x) (also called swish); d/dx = σ(x)(1 + x(1 - σ(x)))."""

    def forward(ctx, x):
        xp = ctx.xp
        e = xp.exp(-xp.abs(x))
        sig = xp.where(x >= 0, 1, e) / (1 + e)
        ctx.save_for_backward(x, sig)
        return x * sig

    def backward(ctx, grad):
        x, sig = ctx.saved
        return grad * sig * (1 + x * (1 - sig))


class Softplus(Function):
    """log(1 + e^(βx)) / β, a smooth ReLU; linear above the threshold (as PyTorch). d/dx = σ(βx)."""

    def forward(ctx, x, beta, threshold):
        xp = ctx.xp
        z = x * beta
        ctx.save_for_backward(z)
        ctx.beta, ctx.threshold = beta, threshold
        smooth = (xp.log1p(xp.exp(-xp.abs(z))) + xp.maximum(z, 0)) / beta
        return xp.where(z > threshold, x, smooth)

    def backward(ctx, grad):
        z, = ctx.saved
        xp = ctx.xp
        e = xp.exp(-xp.abs(z))
        sig = xp.where(z >= 0, 1, e) / (1 + e)
        return grad * xp.where(z > ctx.threshold, 1, sig)


class Softmax(Function):
    """e^x / Σ e^x along an axis: scores into probabilities. Shifted by the max, so ±1e4 stays finite."""

    def forward(ctx, x, axis):
        xp = ctx.xp
        e = xp.exp(x - x.max(axis=axis, keepdims=True))
        out = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return out * (grad - (grad * out).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Function):
    """x - log Σ e^x along an axis: log-probabilities, computed without overflow."""

    def forward(ctx, x, axis):
        xp = ctx.xp
        shifted = x - x.max(axis=axis, keepdims=True)
        out = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad - ctx.xp.exp(out) * grad.sum(axis=ctx.axis, keepdims=True)


# ---------------------------------------------------------------------------------------------

def relu(x):
    return ReLU.apply(x)


def leaky_relu(x, negative_slope=0.01):
    return LeakyReLU.apply(to_float(x), slope=float(negative_slope))


def sigmoid(x):
    return Sigmoid.apply(to_float(x))


def tanh(x):
    return Tanh.apply(to_float(x))


def gelu(x, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate is 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(to_float(x), approximate=approximate)


def silu(x):
    return SiLU.apply(to_float(x))


def softplus(x, beta=1.0, threshold=20.0):
    return Softplus.apply(to_float(x), beta=float(beta), threshold=float(threshold))


def softmax(x, dim):
    return Softmax.apply(to_float(x), axis=normalize_dim(dim, x.ndim))


def log_softmax(x, dim):
    return LogSoftmax.apply(to_float(x), axis=normalize_dim(dim, x.ndim))
