"""Special functions, element by element: the error function, the gamma family (lgamma, digamma, polygamma,
the incomplete gamma functions), the Bessel function i0, sinc, logit and xlogy.

Most are SciPy's (cupyx.scipy.special's on a GPU), found through backend.special_function; SciPy is an
optional dependency, needed only by these. Each op keeps its derivative beside it; integer and bool tensors
are made float32 first, as in PyTorch.
"""

import math

from .. import backend
from ..autograd import Function
from .elementwise import add, float_pair, natural_log, promote, sub, to_float

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _call(xp, name, *args):
    """The special function `name` (SciPy's name) of the arguments, in the dtype of the last one."""
    return backend.special_function(xp, name)(*args).astype(args[-1].dtype, copy=False)


def _polygamma(xp, n, x):
    """ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function ψ = (ln Γ)'."""
    return _call(xp, "digamma", x) if n == 0 else _call(xp, "polygamma", n, x)


# ---------------------------------------------------------------------------------------------
# The error function.

class Erf(Function):
    """erf x = 2/√π ∫₀ˣ e^(-t²) dt: d/dx = 2/√π · e^(-x²)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return backend.erf(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * (_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfc(Function):
    """erfc x = 1 - erf x, accurate where erf x is near 1: d/dx = -2/√π · e^(-x²)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _call(ctx.xp, "erfc", x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * (-_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfinv(Function):
    """The inverse of erf on (-1, 1): d/dx = √π/2 · e^(out²)."""

    def forward(ctx, x):
        out = _call(ctx.xp, "erfinv", x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * (ctx.xp.exp(out * out) / _TWO_OVER_SQRT_PI)


# ---------------------------------------------------------------------------------------------
# The gamma family and the Bessel function i0.

class Lgamma(Function):
    """ln |Γ(x)|: d/dx = ψ(x), the digamma function. +inf at the poles (0, -1, -2, ...) and at -inf, their limit."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.where(x == -math.inf, math.inf, _call(ctx.xp, "gammaln", x))

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * _polygamma(ctx.xp, 0, x)


class Polygamma(Function):
    """ψ⁽ⁿ⁾(x), the n-th derivative of ψ(x) = d/dx ln Γ(x) (n = 0: ψ, the digamma function itself):
    d/dx = ψ⁽ⁿ⁺¹⁾(x)."""

    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return _polygamma(ctx.xp, n, x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * _polygamma(ctx.xp, ctx.n + 1, x)


class I0(Function):
    """I₀(x), the modified Bessel function of the first kind of order 0: d/dx = I₁(x)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _call(ctx.xp, "i0", x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * _call(ctx.xp, "i1", x)


class IncompleteGamma(Function):
    """The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a) (igamma), or with upper its
    complement Q(a, x) = 1 - P(a, x) (igammac). d/dx = ±x^(a-1)·e^(-x) / Γ(a); as in PyTorch, no d/da."""

    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        return _call(ctx.xp, "gammaincc" if upper else "gammainc", a, x)

    def backward(ctx, grad):
        if ctx.needs_input_grad[0]:
            raise RuntimeError(f"{'igammac' if ctx.upper else 'igamma'}: the derivative with respect to input "
                               "(a) is not implemented (nor is it in PyTorch)")
        a, x = ctx.saved
        xp = ctx.xp
        density = xp.exp((a - 1) * xp.log(x) - x - _call(xp, "gammaln", a))
        return None, (-grad * density if ctx.upper else grad * density)


# ---------------------------------------------------------------------------------------------
# sinc, logit, xlogy.

class Sinc(Function):
    """sin(πx) / (πx), 1 at 0: d/dx = (πx·cos(πx) - sin(πx)) / (πx²) (PyTorch's form), 0 where πx² is 0 (at 0,
    and where it underflows)."""

    def forward(ctx, x):
        xp = ctx.xp
        zero = x == 0
        scaled = math.pi * xp.where(zero, 1, x)  # no 0/0 where x is 0: those become 1 below
        ctx.save_for_backward(x)
        return xp.where(zero, 1, xp.sin(scaled) / scaled)

    def backward(ctx, grad):
        x, = ctx.saved
        xp = ctx.xp
        scaled = math.pi * x
        denominator = scaled * x
        zero = denominator == 0
        slope = (scaled * xp.cos(scaled) - xp.sin(scaled)) / xp.where(zero, 1, denominator)
        return grad * xp.where(zero, 0, slope)


class Logit(Function):
    """ln(x / (1 - x)), the inverse of the sigmoid; with eps, x is first clamped to [eps, 1 - eps].
    d/dx = 1 / (x(1 - x)): 0 outside [eps, 1 - eps] when eps is given, NaN outside [0, 1] when not (as PyTorch)."""

    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x if eps is None else ctx.xp.clip(x, eps, 1 - eps)
        return ctx.xp.log(z / (1 - z))

    def backward(ctx, grad):
        x, = ctx.saved
        xp = ctx.xp
        slope = grad / (x * (1 - x))
        if ctx.eps is None:
            return xp.where((x < 0) | (x > 1), math.nan, slope)
        return xp.where((x < ctx.eps) | (x > 1 - ctx.eps), 0, slope)


class XLogY(Function):
    """x · ln y, taken as 0 where x = 0 (unless y is NaN): d/dx = ln y (0 where x = 0 and y ≤ 0), d/dy = x / y."""

    def forward(ctx, x, y):
        xp = ctx.xp
        ctx.save_for_backward(x, y)
        return xp.where((x == 0) & (y == y), 0, x * natural_log(xp, y))  # y == y: y is not NaN

    def backward(ctx, grad):
        x, y = ctx.saved
        xp = ctx.xp
        return (grad * xp.where((x == 0) & (y <= 0), 0, natural_log(xp, y)) if ctx.needs_input_grad[0] else None,
                grad * x / y if ctx.needs_input_grad[1] else None)


# ---------------------------------------------------------------------------------------------
# The functions users call (also Tensor's methods).

def erf(input):  # noqa: A002 (PyTorch's argument name)
    """The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt, elementwise."""
    return Erf.apply(to_float(input))


def erfc(input):  # noqa: A002
    """1 - erf(x) elementwise, accurate for large x."""
    return Erfc.apply(to_float(input))


def erfinv(input):  # noqa: A002
    """The inverse of erf elementwise, on (-1, 1)."""
    return Erfinv.apply(to_float(input))


def lgamma(input):  # noqa: A002
    """ln |Γ(x)|, the log of the absolute value of the gamma function."""
    return Lgamma.apply(to_float(input))


def polygamma(n, input):  # noqa: A002
    """ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (n = 0 is digamma itself)."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"polygamma: n must be an int, got {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"polygamma: n must not be negative, got {n}")
    return Polygamma.apply(to_float(input), n=n)


def digamma(input):  # noqa: A002
    """ψ(x) = d/dx ln Γ(x)."""
    return polygamma(0, input)


def mvlgamma(input, p):  # noqa: A002
    """The multivariate log-gamma function of dimension p: Σ ln Γ(x - i/2) over i < p, plus p(p-1)/4 · ln π."""
    if not isinstance(p, int) or p < 1:
        raise RuntimeError(f"mvlgamma: p must be an integer of at least 1, got {p!r}")
    if input.dtype.kind == "b":
        raise RuntimeError("mvlgamma: the input may not be a bool tensor")
    x = to_float(input)
    out = lgamma(x)
    for i in range(1, p):
        out = add(out, lgamma(sub(x, i / 2)))
    return add(out, p * (p - 1) / 4 * math.log(math.pi))


def i0(input):  # noqa: A002
    """The modified Bessel function of the first kind, order 0, elementwise."""
    return I0.apply(to_float(input))


def igamma(input, other):  # noqa: A002
    """P(input, other), the regularized lower incomplete gamma function."""
    return IncompleteGamma.apply(*float_pair("igamma", input, other), upper=False)


def igammac(input, other):  # noqa: A002
    """Q(input, other) = 1 - P(input, other), the regularized upper incomplete gamma function."""
    return IncompleteGamma.apply(*float_pair("igammac", input, other), upper=True)


def sinc(input):  # noqa: A002
    """The normalized sinc function, sin(πx) / (πx)."""
    return Sinc.apply(to_float(input))


def logit(input, eps=None):  # noqa: A002
    """ln(p / (1 - p)), the log-odds of a probability p (clamped to [eps, 1 - eps] when eps is given)."""
    return Logit.apply(to_float(input), eps=None if eps is None else float(eps))


def xlogy(input, other):  # noqa: A002
    """input · ln(other), 0 where input is 0 (either may be a number)."""
    return XLogY.apply(*promote(*(x if isinstance(x, (int, float)) else to_float(x) for x in (input, other))))
