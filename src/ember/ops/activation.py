"""Activation functions, the nonlinearity f in a neuron's f(w·x + b), and softmax.

Without a nonlinearity a stack of layers is one linear map; with one, it can bend the decision
boundary. Each op keeps its derivative beside it.
"""

import math
import warnings

from .. import backend
from ..autograd import Function, is_grad_enabled
from .elementwise import cast, check_kind, clamp, to_float, where, zero_where
from .pointwise import abs  # noqa: A004 (ember.abs)
from .reduce import amax
from .shape import normalize_dim, numpy_names, split


class ReLU(Function):
    """max(x, 0): passes positives, zeroes negatives; the gradient is 0 where x ≤ 0, else 1 (NaN passes it on,
    as in PyTorch)."""

    def forward(ctx, x):
        if backend.kind_of(x.dtype) == "f":  # clip between two bounds is NumPy's vectorized loop: 3x maximum's speed
            out = x.clip(0, math.inf)
        else:
            out = ctx.xp.maximum(x, 0)  # integers stay integers
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return zero_where(ctx.xp, out <= 0, grad)


class LeakyReLU(Function):
    """x for x > 0, slope·x otherwise: negatives keep a small gradient, so no unit dies."""

    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return ctx.xp.where(x > 0, x, x * slope)

    def backward(ctx, grad):
        x, = ctx.saved
        return ctx.xp.where(x > 0, grad, grad * ctx.slope)


class Hardtanh(Function):
    """x clipped to [low, high]; the gradient passes only strictly inside (0 at the corners, as PyTorch) and at
    NaN."""

    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return ctx.xp.clip(x, low, high).astype(x.dtype, copy=False)  # integers stay integers, as in PyTorch

    def backward(ctx, grad):
        x, = ctx.saved
        return zero_where(ctx.xp, (x <= ctx.low) | (x >= ctx.high), grad)


class ELU(Function):
    """scale·x for x > 0, scale·α(e^(input_scale·x) - 1) otherwise: a ReLU whose negative side bends
    smoothly down to -scale·α, so that mean activations stay near 0. ELU is scale = input_scale = 1;
    SELU fixes α and scale so that activations keep mean 0 and variance 1; CELU is input_scale = 1/α.
    d/dx = scale·α·input_scale·e^(input_scale·x) for x ≤ 0, else scale (at NaN too, as PyTorch).
    """

    def forward(ctx, x, alpha, scale, input_scale):
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        negative = xp.expm1(xp.minimum(x, 0) * input_scale)  # min(x, 0): e^x never overflows
        negative *= alpha
        return scale * xp.where(x > 0, x, negative)

    def backward(ctx, grad):
        xp = ctx.xp
        x, = ctx.saved
        slope = xp.exp(xp.minimum(x, 0) * ctx.input_scale)
        slope *= ctx.scale * ctx.alpha * ctx.input_scale
        return grad * xp.where(x <= 0, slope, ctx.scale)


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
        out, cdf = ctx.xp.empty(x.shape, x.dtype), ctx.xp.empty(x.shape, x.dtype)
        backend.blockwise(_gelu_block, x, out, cdf)
        ctx.save_for_backward(x, cdf)  # so that backward needs no second erf (the costly part)
        return out

    def backward(ctx, grad):
        xp = ctx.xp
        if ctx.approximate == "tanh":
            x, = ctx.saved
            t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner)
        x, cdf = ctx.saved
        grad_x = xp.empty(x.shape, xp.result_type(x, grad))
        backend.blockwise(_gelu_grad_block, x, cdf, grad, grad_x)
        return grad_x


def _gelu_block(x, out, cdf):
    """GELU on one block: cdf = Φ(x) = ½(1 + erf(x/√2)), out = x·Φ(x)."""
    backend.erf(x * _INV_SQRT_2, out=cdf)
    cdf += 1
    cdf *= 0.5
    backend.xp_of(x).multiply(x, cdf, out=out)


def _gelu_grad_block(x, cdf, grad, grad_x):
    """GELU's gradient on one block: grad_x = grad · (Φ(x) + x·φ(x)), φ(x) = e^(-x²/2) / √(2π)."""
    xp = backend.xp_of(x)
    xp.multiply(x, x, out=grad_x)
    grad_x *= -0.5
    xp.exp(grad_x, out=grad_x)
    grad_x *= _INV_SQRT_2PI
    grad_x *= x
    grad_x += cdf
    grad_x *= grad


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


def _row_max(x, axis):
    """The max along axis (kept), the shift that keeps e^x finite; 0 for an empty array, which has none."""
    return x.max(axis=axis, keepdims=True) if x.size else 0


class Softmax(Function):
    """e^x / Σ e^x along an axis: scores into probabilities. Shifted by the max, so ±1e4 stays finite."""

    def forward(ctx, x, axis):
        xp = ctx.xp
        e = xp.exp(x - _row_max(x, axis))
        out = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return out * (grad - (grad * out).sum(axis=ctx.axis, keepdims=True))


class GumbelNoise(Function):
    """x + g, with g drawn from the standard Gumbel distribution: -log e for e an exponential draw,
    -log(1 - u) with u uniform in [0, 1), from the default generator of x's device. The gradient
    passes through unchanged."""

    def forward(ctx, x):
        xp = ctx.xp
        uniform = backend.default_generator(backend.device_of(x)).uniform(x.shape, x.dtype)
        exponential = xp.maximum(-xp.log1p(-uniform), xp.finfo(x.dtype).tiny)  # never 0, so g stays finite
        return x - xp.log(exponential)

    def backward(ctx, grad):
        return grad


class LogSoftmax(Function):
    """x - log Σ e^x along an axis: log-probabilities, computed without overflow."""

    def forward(ctx, x, axis):
        xp = ctx.xp
        shifted = x - _row_max(x, axis)
        out = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad - ctx.xp.exp(out) * grad.sum(axis=ctx.axis, keepdims=True)


# ---------------------------------------------------------------------------------------------
# The functions users call. PyTorch's in-place forms (relu_, elu_, ...) and inplace=True change the
# input itself through these two helpers; each function's math is one `compute(x)`.

def in_place(name, x, compute):
    """x itself, changed to hold compute(x): PyTorch's in-place forms (relu_, ...). Refused, as every
    in-place change is, on a tensor that needs a gradient while grad mode is on."""
    x._check_inplace(name)
    x.array[...] = compute(x).array
    return x._changed()


def maybe_in_place(name, x, compute, inplace):
    """compute(x), for a function with PyTorch's inplace flag: inplace=True changes x itself (in_place),
    except inside a graph, where ember (which records no in-place ops) gives a new tensor, as x += y does."""
    if inplace and not (x.grad_fn is not None and is_grad_enabled()):
        return in_place(name, x, compute)
    return compute(x)


def floating(name, x):
    """x, checked to be floating point (PyTorch has no such activation of integers)."""
    if backend.kind_of(x.dtype) != "f":
        raise TypeError(f"{name} needs a floating point tensor, got {x.dtype}")
    return x


# ---------------------------------------------------------------------------------------------
# Rectifiers: the identity for positive inputs, something cheap for negative ones.

def relu(input, inplace=False):  # noqa: A002 (PyTorch's argument names)
    """ReLU: max(x, 0) elementwise; same shape as input."""
    check_kind("relu", input.dtype, "iuf", "integer or floating point")
    return maybe_in_place("relu", input, ReLU.apply, inplace)


def relu_(input):  # noqa: A002
    """relu in place."""
    check_kind("relu_", input.dtype, "iuf", "integer or floating point")
    return in_place("relu_", input, ReLU.apply)


def _leaky_relu(negative_slope):
    return lambda x: LeakyReLU.apply(x, slope=float(negative_slope))


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """Leaky ReLU: x for x > 0, negative_slope x below; same shape as input."""
    return maybe_in_place("leaky_relu", floating("leaky_relu", input), _leaky_relu(negative_slope), inplace)


def leaky_relu_(input, negative_slope=0.01):  # noqa: A002
    """leaky_relu in place."""
    return in_place("leaky_relu_", floating("leaky_relu_", input), _leaky_relu(negative_slope))


def _hardtanh(name, min_val, max_val):
    if min_val > max_val:
        raise ValueError(f"{name}: min_val cannot be greater than max_val, got {min_val} and {max_val}")
    return lambda x: Hardtanh.apply(x, low=min_val, high=max_val)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """x clipped to [min_val, max_val]: tanh made of three straight pieces."""
    return maybe_in_place("hardtanh", input, _hardtanh("hardtanh", min_val, max_val), inplace)


def hardtanh_(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    """hardtanh in place."""
    return in_place("hardtanh_", input, _hardtanh("hardtanh_", min_val, max_val))


def relu6(input, inplace=False):  # noqa: A002
    """min(max(x, 0), 6): a ReLU that saturates at 6 (MobileNets)."""
    return maybe_in_place("relu6", input, _hardtanh("relu6", 0.0, 6.0), inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _elu(alpha, scale=1.0, input_scale=1.0):
    return lambda x: ELU.apply(x, alpha=float(alpha), scale=scale, input_scale=input_scale)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """ELU: x for x > 0, alpha (e^x - 1) below; same shape as input."""
    return maybe_in_place("elu", floating("elu", input), _elu(alpha), inplace)


def elu_(input, alpha=1.0):  # noqa: A002
    """elu in place."""
    return in_place("elu_", floating("elu_", input), _elu(alpha))


def selu(input, inplace=False):  # noqa: A002
    """scale·elu(x, α) with PyTorch's fixed α ≈ 1.6733 and scale ≈ 1.0507 (self-normalizing networks)."""
    return maybe_in_place("selu", floating("selu", input), _elu(_SELU_ALPHA, _SELU_SCALE), inplace)


def selu_(input):  # noqa: A002
    """selu in place."""
    return in_place("selu_", floating("selu_", input), _elu(_SELU_ALPHA, _SELU_SCALE))


def _celu(name, alpha):
    if alpha == 0:
        raise RuntimeError(f"{name}: alpha cannot be 0")
    return _elu(alpha, input_scale=1.0 / alpha)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """max(0, x) + min(0, α(e^(x/α) - 1)): ELU continuously differentiable for every α."""
    return maybe_in_place("celu", floating("celu", input), _celu("celu", alpha), inplace)


def celu_(input, alpha=1.0):  # noqa: A002
    """celu in place."""
    return in_place("celu_", floating("celu_", input), _celu("celu_", alpha))


def prelu(input, weight):  # noqa: A002
    """x for x > 0, w·x otherwise, with a learned slope w: one for all channels, or one per channel
    (dimension 1). input (N, C, *) or any shape for a single w; weight (1,) or (C,)."""
    floating("prelu", input)
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: expected weight to be a scalar or 1-D tensor, got {weight.ndim} dimensions")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"prelu: the weight is {weight.dtype} but the input is {input.dtype}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() not in (1, channels):
        raise RuntimeError(f"prelu: expected 1 or {channels} parameters for an input with {channels} channels, "
                           f"got {weight.numel()}")
    shape = [1] * input.ndim
    if input.ndim >= 2:
        shape[1] = weight.numel()
    positive = input > 0  # the slope multiplies the others only, so that w's gradient has no inf·0 at x = inf
    return where(positive, input, weight.reshape(shape) * where(positive, 0.0, input))


def _rrelu(name, x, lower, upper, training):
    if lower > upper:
        raise RuntimeError(f"{name}: lower ({lower}) must not be greater than upper ({upper})")
    floating(name, x)
    if not training:
        return _leaky_relu((lower + upper) / 2)
    generator = backend.default_generator(x.device)

    def randomized(x):
        """Slopes drawn for the elements x ≤ 0, 1 for the others (NaN among them, as PyTorch's kernel)."""
        slopes = generator.uniform(x.shape, x.dtype, lower, upper)
        return LeakyReLU.apply(x, slope=backend.xp_of(slopes).where(x.array <= 0, slopes, 1))
    return randomized


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):  # noqa: A002
    """Randomized leaky ReLU: in training each negative element gets its own slope drawn uniformly from
    [lower, upper] (a regularizer); in evaluation the mean slope (lower + upper) / 2."""
    return maybe_in_place("rrelu", input, _rrelu("rrelu", input, lower, upper, training), inplace)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):  # noqa: A002
    """rrelu in place."""
    return in_place("rrelu_", input, _rrelu("rrelu_", input, lower, upper, training))


def _threshold(threshold, value):
    """x ≤ threshold ? value : x (NaN stays NaN), the value taking x's dtype (an integer tensor stays integer, as in
    PyTorch)."""
    return lambda x: where(x <= threshold, value if backend.kind_of(x.dtype) == "f" else int(value), x)


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    """x where x > threshold, else value."""
    check_kind("threshold", input.dtype, "iuf", "integer or floating point")
    return maybe_in_place("threshold", input, _threshold(threshold, value), inplace)


def threshold_(input, threshold, value):  # noqa: A002
    """threshold in place."""
    return in_place("threshold_", input, _threshold(threshold, value))


# ---------------------------------------------------------------------------------------------
# Shrinkage: small values to zero (sparse codes, denoising).

def hardshrink(input, lambd=0.5):  # noqa: A002
    """0 where |x| ≤ λ, else x (NaN stays NaN)."""
    return where(abs(floating("hardshrink", input)) <= lambd, 0.0, input)


def softshrink(input, lambd=0.5):  # noqa: A002
    """x - λ above λ, x + λ below -λ, 0 between: x moved towards 0 by λ (soft thresholding)."""
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambd must be at least 0, got {lambd}")
    return input - clamp(floating("softshrink", input), -lambd, lambd)


def tanhshrink(input):  # noqa: A002
    """x - tanh x."""
    return input - tanh(input)


# ---------------------------------------------------------------------------------------------
# Squashing functions: into a bounded range.

def sigmoid(input):  # noqa: A002
    """The logistic sigmoid 1 / (1 + e^-x), which squashes to (0, 1); same shape as input."""
    return Sigmoid.apply(to_float(input))


def tanh(input):  # noqa: A002
    """The hyperbolic tangent, which squashes to (-1, 1); same shape as input."""
    return Tanh.apply(to_float(input))


def softsign(input):  # noqa: A002
    """x / (1 + |x|), into (-1, 1) like tanh, approaching its bounds more slowly."""
    return input / (1 + abs(input))


def _hardsigmoid(x):
    return Hardtanh.apply(x + 3, low=0.0, high=6.0) / 6


def hardsigmoid(input, inplace=False):  # noqa: A002
    """(x + 3) / 6 clipped to [0, 1]: sigmoid made of three straight pieces."""
    return maybe_in_place("hardsigmoid", floating("hardsigmoid", input), _hardsigmoid, inplace)


def logsigmoid(input):  # noqa: A002
    """log σ(x) = -softplus(-x), computed without overflow."""
    return -softplus(-floating("logsigmoid", input))


# ---------------------------------------------------------------------------------------------
# Smooth ReLUs.

def gelu(input, approximate="none"):  # noqa: A002
    """GELU: x Φ(x), Φ the standard normal CDF (approximate='tanh': its tanh approximation); same shape."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate is 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(floating("gelu", input), approximate=approximate)


def silu(input, inplace=False):  # noqa: A002
    """SiLU (swish): x · sigmoid(x); same shape as input."""
    return maybe_in_place("silu", floating("silu", input), SiLU.apply, inplace)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """Softplus: log(1 + e^(βx)) / β, a smooth ReLU (linear above threshold); same shape as input."""
    return Softplus.apply(floating("softplus", input), beta=float(beta), threshold=float(threshold))


def _mish(x):
    return x * tanh(softplus(x))


def mish(input, inplace=False):  # noqa: A002
    """x · tanh(softplus(x)): a smooth ReLU with a small negative dip."""
    return maybe_in_place("mish", floating("mish", input), _mish, inplace)


def _hardswish(x):
    return x * _hardsigmoid(x)


def hardswish(input, inplace=False):  # noqa: A002
    """x · hardsigmoid(x): SiLU made of straight and quadratic pieces (MobileNetV3)."""
    return maybe_in_place("hardswish", floating("hardswish", input), _hardswish, inplace)


# ---------------------------------------------------------------------------------------------
# Softmax and relatives, along one dimension.

def softmax_dim(name, ndim, stacklevel):
    """The dimension PyTorch picks when none is given (deprecated, with a warning): 0 for 0-, 1- and
    3-dimensional inputs, else 1."""
    dim = 0 if ndim in (0, 1, 3) else 1
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  f"dim={dim} as an argument.", stacklevel=stacklevel)
    return dim


def _along_dim(op, name, x, dim, stacklevel, dtype):
    """op applied along dim of x, converted to dtype first when given."""
    if dtype is not None:
        x = cast(x, dtype)
    floating(name, x)
    if dim is None:
        dim = softmax_dim(name, x.ndim, stacklevel + 1)
    return op.apply(x, axis=normalize_dim(dim, x.ndim))


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """softmax along dim: e^x / Σ e^x, each slice a probability distribution; same shape as input."""
    return _along_dim(Softmax, "softmax", input, dim, _stacklevel, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """log softmax(x) along dim, computed stably as x - logsumexp(x); same shape as input."""
    return _along_dim(LogSoftmax, "log_softmax", input, dim, _stacklevel, dtype)


# torch.softmax and torch.log_softmax (and the methods): dim required, dtype third, NumPy's axis= taken too;
# torch.nn.functional's forms above take neither axis= nor a dtype in third place.
@numpy_names
def torch_softmax(input, dim, dtype=None):  # noqa: A002
    """torch.softmax: softmax along dim; same shape as input."""
    return softmax(input, dim, dtype=dtype)


@numpy_names
def torch_log_softmax(input, dim, dtype=None):  # noqa: A002
    """torch.log_softmax: log_softmax along dim; same shape as input."""
    return log_softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """softmax(-x): the smallest entries get the largest probabilities."""
    return _along_dim(Softmax, "softmin", -input, dim, _stacklevel, dtype)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A differentiable sample from the categorical distribution softmax(logits): softmax((logits + g) / τ)
    with g Gumbel noise; as τ → 0 it approaches a one-hot sample. hard=True gives the one-hot sample
    itself, with the soft sample's gradient (the straight-through estimator). eps is deprecated in
    PyTorch and has no effect."""
    if eps != 1e-10:
        warnings.warn("gumbel_softmax: `eps` parameter is deprecated and has no effect.", stacklevel=2)
    soft = softmax(GumbelNoise.apply(floating("gumbel_softmax", logits)) / tau, dim)
    if not hard:
        return soft
    one_hot = cast(soft == amax(soft, dim, keepdim=True), soft.dtype)
    return one_hot - soft.detach() + soft


def glu(input, dim=-1):  # noqa: A002
    """The gated linear unit a · σ(b), where a and b are the two halves of input along dim."""
    floating("glu", input)
    if input.ndim == 0:
        raise RuntimeError("glu does not support 0-d tensors: it halves a dimension")
    axis = normalize_dim(dim, input.ndim)
    if input.shape[axis] % 2:
        raise RuntimeError(f"glu: halving dimension must be even, but dimension {axis} is size {input.shape[axis]}")
    half = input.shape[axis] // 2
    a, b = split(input, [half, half], axis)
    return a * sigmoid(b)
