"""The trigonometric and hyperbolic functions and their inverses, element by element, with atan2 and hypot
(the angle and the length of a point (x, y)) and the conversions between degrees and radians.

Each op keeps its derivative beside it; integer and bool tensors are made float32 first, as in PyTorch.
"""

import math

from ..autograd import Function
from .elementwise import float_pair, mul, to_float


class Sin(Function):
    """sin x: d/dx = cos x."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * ctx.xp.cos(x)


class Cos(Function):
    """cos x: d/dx = -sin x."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return -grad * ctx.xp.sin(x)


class Tan(Function):
    """tan x: d/dx = 1 + tan² x."""

    def forward(ctx, x):
        out = ctx.xp.tan(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * (1 + out * out)


class Asin(Function):
    """arcsin x: d/dx = 1 / √(1 - x²)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsin(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / ctx.xp.sqrt(1 - x * x)


class Acos(Function):
    """arccos x: d/dx = -1 / √(1 - x²)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccos(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return -grad / ctx.xp.sqrt(1 - x * x)


class Atan(Function):
    """arctan x: d/dx = 1 / (1 + x²)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctan(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / (1 + x * x)


class Sinh(Function):
    """sinh x: d/dx = cosh x."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sinh(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * ctx.xp.cosh(x)


class Cosh(Function):
    """cosh x: d/dx = sinh x."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cosh(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * ctx.xp.sinh(x)


class Asinh(Function):
    """arsinh x: d/dx = 1 / √(x² + 1)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsinh(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / ctx.xp.sqrt(x * x + 1)


class Acosh(Function):
    """arcosh x (x ≥ 1): d/dx = 1 / √(x² - 1)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccosh(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / ctx.xp.sqrt(x * x - 1)


class Atanh(Function):
    """artanh x (|x| < 1): d/dx = 1 / (1 - x²)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctanh(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / (1 - x * x)


class Atan2(Function):
    """The angle of the point (b, a) from the x axis, atan2(a, b) in (-π, π]: d/da = b / (a² + b²),
    d/db = -a / (a² + b²); 0 at the origin, as PyTorch."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.arctan2(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        xp = ctx.xp
        squared = a * a + b * b
        scale = grad / xp.where(squared == 0, 1, squared) * (squared != 0)
        return (scale * b if ctx.needs_input_grad[0] else None,
                -scale * a if ctx.needs_input_grad[1] else None)


class Hypot(Function):
    """√(a² + b²), the hypotenuse: d/da = a / out, d/db = b / out."""

    def forward(ctx, a, b):
        out = ctx.xp.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, grad):
        a, b, out = ctx.saved  # grad·a, then / out: 1/out overflows where out is subnormal (as PyTorch's order)
        return (grad * a / out if ctx.needs_input_grad[0] else None,
                grad * b / out if ctx.needs_input_grad[1] else None)


# ---------------------------------------------------------------------------------------------
# The functions users call (also Tensor's methods).

def sin(input):  # noqa: A002
    """The sine elementwise (radians)."""
    return Sin.apply(to_float(input))


def cos(input):  # noqa: A002
    """The cosine elementwise (radians)."""
    return Cos.apply(to_float(input))


def tan(input):  # noqa: A002
    """The tangent elementwise (radians)."""
    return Tan.apply(to_float(input))


def asin(input):  # noqa: A002
    """arcsin elementwise, on [-1, 1]."""
    return Asin.apply(to_float(input))


def acos(input):  # noqa: A002
    """arccos elementwise, on [-1, 1]."""
    return Acos.apply(to_float(input))


def atan(input):  # noqa: A002
    """arctan elementwise."""
    return Atan.apply(to_float(input))


def sinh(input):  # noqa: A002
    """The hyperbolic sine elementwise."""
    return Sinh.apply(to_float(input))


def cosh(input):  # noqa: A002
    """The hyperbolic cosine elementwise."""
    return Cosh.apply(to_float(input))


def asinh(input):  # noqa: A002
    """The inverse hyperbolic sine elementwise."""
    return Asinh.apply(to_float(input))


def acosh(input):  # noqa: A002
    """The inverse hyperbolic cosine elementwise, on [1, ∞)."""
    return Acosh.apply(to_float(input))


def atanh(input):  # noqa: A002
    """The inverse hyperbolic tangent elementwise, on (-1, 1)."""
    return Atanh.apply(to_float(input))


def atan2(input, other):  # noqa: A002
    """The angle of the point (other, input) elementwise, in (-π, π]; broadcast shapes."""
    return Atan2.apply(*float_pair("atan2", input, other, integers_to_float=True))


def hypot(input, other):  # noqa: A002
    """√(input² + other²) elementwise; broadcast shapes."""
    return Hypot.apply(*float_pair("hypot", input, other))


def deg2rad(input):  # noqa: A002
    """Degrees to radians elementwise."""
    return mul(to_float(input), math.pi / 180)


def rad2deg(input):  # noqa: A002
    """Radians to degrees elementwise."""
    return mul(to_float(input), 180 / math.pi)


arccos, arcsin, arctan, arccosh, arcsinh, arctanh, arctan2 = acos, asin, atan, acosh, asinh, atanh, atan2
