"""Math functions applied element by element: powers and logarithms, the trigonometric and hyperbolic
functions, rounding, and the smooth functions of two tensors (atan2, hypot, logaddexp, ...).

Each op keeps its derivative beside it. Functions that need fractions (exp, sin, ...) turn integer and bool
tensors into float32 first, as PyTorch does.
"""

import math
from collections import namedtuple

from .. import backend
from ..autograd import Function
from .elementwise import (NotDifferentiable, check_kind, check_tensors, div, float_pair, mul, pow, promote, sub,
                          to_float, zero_where)
from .layout import clone

mantissa_exponent = namedtuple("mantissa_exponent", ["mantissa", "exponent"])
"""What frexp returns: (mantissa, exponent), as PyTorch's torch.return_types.frexp."""


# ---------------------------------------------------------------------------------------------
# Absolute value, powers, roots and logarithms.

def array_sign(x):
    """-1, 0 or 1 by the sign of an array's elements: 0 at 0 and at NaN, as PyTorch."""
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


class Abs(Function):
    """|x|: d/dx = sign(x) (0 at 0 and at NaN, as PyTorch)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * array_sign(x)


class Exp(Function):
    """e^x: its own derivative."""

    def forward(ctx, x):
        out = ctx.xp.exp(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * out


class Expm1(Function):
    """e^x - 1, accurate near 0: d/dx = e^x."""

    def forward(ctx, x):
        out = ctx.xp.expm1(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * (out + 1)


class Log(Function):
    """ln x: d/dx = 1/x."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / x


class Log2(Function):
    """log₂ x (exact at powers of 2): d/dx = 1 / (x ln 2)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log2(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / (x * math.log(2))


class Log10(Function):
    """log₁₀ x (exact at powers of 10): d/dx = 1 / (x ln 10)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log10(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / (x * math.log(10))


class Log1p(Function):
    """ln(1 + x), accurate near 0: d/dx = 1 / (1 + x)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log1p(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / (1 + x)


class Sqrt(Function):
    """√x: d/dx = 1 / (2√x)."""

    def forward(ctx, x):
        out = ctx.xp.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad / (2 * out)


class Rsqrt(Function):
    """1/√x: d/dx = -1 / (2 x√x) = -out³/2."""

    def forward(ctx, x):
        out = 1 / ctx.xp.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * (-0.5 * out * out * out)


class Reciprocal(Function):
    """1/x: d/dx = -1/x² = -out²."""

    def forward(ctx, x):
        out = 1 / x
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * -(out * out)


# ---------------------------------------------------------------------------------------------
# Signs, rounding and the floating point format.

class Step(Function):
    """A step function of x: floor, ceil, trunc or rint (the array module's function of that name), or sign
    (0 at 0 and at NaN, as PyTorch). Piecewise constant, so the derivative is 0 (where there is one)."""

    def forward(ctx, x, name):
        if name == "sign":
            return array_sign(x)
        return getattr(ctx.xp, name)(x)

    def backward(ctx, grad):
        return ctx.xp.zeros_like(grad)


class Copysign(Function):
    """|a| with the sign of b: d/da = ±1 (0 at a = 0), and 0 for b, as PyTorch."""

    def forward(ctx, a, b):
        out = ctx.xp.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, out = ctx.saved
        xp = ctx.xp
        flips = xp.where(a == 0, 0, out / xp.where(a == 0, 1, a))
        return grad * flips, (xp.zeros_like(grad) if ctx.needs_input_grad[1] else None)


class Heaviside(NotDifferentiable):
    """The step function: 0 where x < 0 (and at NaN), 1 where x > 0, values where x = 0."""

    def forward(ctx, x, values):
        return ctx.xp.where(x == 0, values, (x > 0).astype(x.dtype))


class NextAfter(Function):
    """The next floating point number after a in the direction of b (b itself where a = b): d/da = 1, but 0 where
    a = b; d/db = 0 (as PyTorch)."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.nextafter(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        return zero_where(ctx.xp, a == b, grad), (ctx.xp.zeros_like(grad) if ctx.needs_input_grad[1] else None)


class Frexp(Function):
    """x split as mantissa · 2^exponent, with 0.5 ≤ |mantissa| < 1 and an int32 exponent:
    d mantissa/dx = 2^-exponent."""

    def forward(ctx, x):
        mantissa, exponent = ctx.xp.frexp(x)
        ctx.save_for_backward(exponent)
        return mantissa, exponent

    def backward(ctx, grad_mantissa, grad_exponent):
        exponent, = ctx.saved
        return ctx.xp.ldexp(grad_mantissa, -exponent)


class NanToNum(Function):
    """x with NaN, +inf and -inf replaced by numbers: the gradient passes where x was finite."""

    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return ctx.xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * ctx.xp.isfinite(x)


class LogAddExp(Function):
    """ln(e^a + e^b), or with base2 log₂(2^a + 2^b), without overflow: d/da = 1 / (1 + base^(b - a))."""

    def forward(ctx, a, b, base2):
        ctx.save_for_backward(a, b)
        ctx.base2 = base2
        return ctx.xp.logaddexp2(a, b) if base2 else ctx.xp.logaddexp(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        xp = ctx.xp
        power = xp.exp2 if ctx.base2 else xp.exp
        return (grad / (1 + power(b - a)) if ctx.needs_input_grad[0] else None,
                grad / (1 + power(a - b)) if ctx.needs_input_grad[1] else None)


# ---------------------------------------------------------------------------------------------
# The functions users call (also Tensor's methods).

def abs(input):  # noqa: A001, A002 (PyTorch's names)
    """|x| elementwise."""
    check_kind("abs", input.dtype, "iuf", "integer or floating point")
    return Abs.apply(input)


absolute = abs


def exp(input):  # noqa: A002
    """e^x elementwise."""
    return Exp.apply(to_float(input))


def exp2(input):  # noqa: A002
    """2^x."""
    return pow(2.0, to_float(input))


def expm1(input):  # noqa: A002
    """e^x - 1 elementwise, accurate near 0."""
    return Expm1.apply(to_float(input))


def log(input):  # noqa: A002
    """The natural logarithm elementwise."""
    return Log.apply(to_float(input))


def log2(input):  # noqa: A002
    """The base-2 logarithm elementwise."""
    return Log2.apply(to_float(input))


def log10(input):  # noqa: A002
    """The base-10 logarithm elementwise."""
    return Log10.apply(to_float(input))


def log1p(input):  # noqa: A002
    """log(1 + x) elementwise, accurate near 0."""
    return Log1p.apply(to_float(input))


def sqrt(input):  # noqa: A002
    """√x elementwise."""
    return Sqrt.apply(to_float(input))


def rsqrt(input):  # noqa: A002
    """1 / √x elementwise."""
    return Rsqrt.apply(to_float(input))


def reciprocal(input):  # noqa: A002
    """1 / x elementwise."""
    return Reciprocal.apply(to_float(input))


def square(input):  # noqa: A002
    """x², in x's dtype (a bool tensor gives int64)."""
    return pow(input, 2)


def _step(name, input, how):
    """A step function of input: floats are rounded; integers are already whole (a copy comes back)."""
    check_kind(name, input.dtype, "iuf", "integer or floating point")
    return Step.apply(input, name=how) if backend.kind_of(input.dtype) == "f" else clone(input)


def floor(input):  # noqa: A002
    """The largest integer at or below each element."""
    return _step("floor", input, "floor")


def ceil(input):  # noqa: A002
    """The smallest integer at or above each element."""
    return _step("ceil", input, "ceil")


def trunc(input):  # noqa: A002
    """input rounded toward zero."""
    return _step("trunc", input, "trunc")


fix = trunc


def round(input, *, decimals=0):  # noqa: A001, A002
    """input rounded to the nearest multiple of 10^-decimals, halves to even (round(2.5) is 2)."""
    if not isinstance(decimals, int):
        raise TypeError(f"round: decimals must be an int, got {type(decimals).__name__}")
    if decimals == 0:
        return _step("round", input, "rint")
    check_kind("round", input.dtype, "f", "floating point")
    if decimals > 0:
        return div(Step.apply(mul(input, 10.0 ** decimals), name="rint"), 10.0 ** decimals)
    return mul(Step.apply(div(input, 10.0 ** -decimals), name="rint"), 10.0 ** -decimals)


def frac(input):  # noqa: A002
    """The fractional part, input - trunc(input) (with input's sign)."""
    check_kind("frac", input.dtype, "f", "floating point")
    return sub(input, trunc(input))


def sign(input):  # noqa: A002
    """-1, 0 or 1 by the sign of input (0 for NaN), in input's dtype."""
    return Step.apply(input, name="sign") if input.dtype != backend.bool_ else clone(input)


sgn = sign  # PyTorch's sign for complex numbers too; ember's tensors are real


def copysign(input, other):  # noqa: A002
    """|input| with the sign of other (a tensor or a number), as floats."""
    if isinstance(other, (int, float)):
        return Copysign.apply(to_float(input), float(other))
    return Copysign.apply(*promote(to_float(input), to_float(other)))


def heaviside(input, values):  # noqa: A002
    """The step function: 0 where input < 0, 1 where input > 0, values where input = 0."""
    check_tensors("heaviside", input=input, values=values)
    if input.dtype != values.dtype:
        raise RuntimeError(f"heaviside: expected values of dtype {input.dtype} (as input), got {values.dtype}")
    return Heaviside.apply(input, values)


def nextafter(input, other):  # noqa: A002
    """The next floating-point number after input towards other, elementwise."""
    return NextAfter.apply(*float_pair("nextafter", input, other))


def ldexp(input, other):  # noqa: A002
    """input · 2^other, with 2^other in a float other's own dtype (an integer one's in the result's), as PyTorch."""
    a, b = float_pair("ldexp", input, other, integers_to_float=True)
    return mul(a, pow(2.0, other if backend.kind_of(other.dtype) == "f" else b))


def frexp(input):  # noqa: A002
    """(mantissa, exponent) with input = mantissa · 2^exponent and 0.5 ≤ |mantissa| < 1 (0 for 0)."""
    if backend.kind_of(input.dtype) != "f":
        raise RuntimeError(f"frexp: expected a floating point tensor, got {input.dtype}")
    return mantissa_exponent(*Frexp.apply(input))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """input with NaN made nan, +inf posinf and -inf neginf (by default the largest and smallest finite
    numbers of the dtype)."""
    if backend.kind_of(input.dtype) != "f":
        return clone(input)
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


def logaddexp(input, other):  # noqa: A002
    """ln(e^input + e^other), without overflow."""
    return LogAddExp.apply(*float_pair("logaddexp", input, other), base2=False)


def logaddexp2(input, other):  # noqa: A002
    """log₂(2^input + 2^other), without overflow."""
    return LogAddExp.apply(*float_pair("logaddexp2", input, other), base2=True)
