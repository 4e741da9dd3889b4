"""Comparisons, logic and bits: ==, <, logical_and, &, ~, <<, isnan, gcd and the like.

Their results are bool or integer tensors, which carry no gradient. Comparisons and bit ops give their
operands one dtype first, as arithmetic does (elementwise.promote); the logical ops take any dtype, with
nonzero meaning True.
"""

import math

from ..autograd import Function
from .elementwise import check_kind, check_tensors, dtype_of, promote


class Discrete(Function):
    """A comparison, logic or bit op (==, <, logical_and, &, ~, <<, isnan, gcd, ...): the array module's
    function of that name; its bool or integer result has no gradient."""

    def forward(ctx, *arrays, name):
        return getattr(ctx.xp, name)(*arrays)


# ---------------------------------------------------------------------------------------------

def eq(input, other):  # noqa: A002
    """input == other elementwise, as a bool tensor."""
    return Discrete.apply(*promote(input, other), name="equal")


def ne(input, other):  # noqa: A002
    """input != other elementwise, as a bool tensor."""
    return Discrete.apply(*promote(input, other), name="not_equal")


def lt(input, other):  # noqa: A002
    """input < other elementwise, as a bool tensor."""
    return Discrete.apply(*promote(input, other), name="less")


def le(input, other):  # noqa: A002
    """input <= other elementwise, as a bool tensor."""
    return Discrete.apply(*promote(input, other), name="less_equal")


def gt(input, other):  # noqa: A002
    """input > other elementwise, as a bool tensor."""
    return Discrete.apply(*promote(input, other), name="greater")


def ge(input, other):  # noqa: A002
    """input >= other elementwise, as a bool tensor."""
    return Discrete.apply(*promote(input, other), name="greater_equal")


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_and(input, other):  # noqa: A002
    """True where both are nonzero (tensors of any dtype)."""
    check_tensors("logical_and", input=input, other=other)
    return Discrete.apply(input, other, name="logical_and")


def logical_or(input, other):  # noqa: A002
    """The truth of either input, elementwise, as a bool tensor."""
    check_tensors("logical_or", input=input, other=other)
    return Discrete.apply(input, other, name="logical_or")


def logical_xor(input, other):  # noqa: A002
    """The truth of exactly one input, elementwise, as a bool tensor."""
    check_tensors("logical_xor", input=input, other=other)
    return Discrete.apply(input, other, name="logical_xor")


def logical_not(input):  # noqa: A002
    """The truth of each element negated, as a bool tensor."""
    return Discrete.apply(input, name="logical_not")


def _bitwise(name, xp_name, operands, kinds="biu"):
    """A bit op on integer (or, for and/or/xor/not, bool) operands of one dtype."""
    operands = promote(*operands)
    check_kind(name, dtype_of(*operands), kinds, "integer" if kinds == "iu" else "integer or bool")
    return Discrete.apply(*operands, name=xp_name)


def bitwise_and(input, other):  # noqa: A002
    """a & b elementwise, for integers and bools."""
    return _bitwise("bitwise_and", "bitwise_and", (input, other))


def bitwise_or(input, other):  # noqa: A002
    """a | b elementwise, for integers and bools."""
    return _bitwise("bitwise_or", "bitwise_or", (input, other))


def bitwise_xor(input, other):  # noqa: A002
    """a ^ b elementwise, for integers and bools."""
    return _bitwise("bitwise_xor", "bitwise_xor", (input, other))


def bitwise_not(input):  # noqa: A002
    """~input elementwise: each bit flipped (logical not for bools)."""
    return _bitwise("bitwise_not", "invert", (input,))


def bitwise_left_shift(input, other):  # noqa: A002
    """input << other elementwise, for integers."""
    return _bitwise("bitwise_left_shift", "left_shift", (input, other), kinds="iu")


def bitwise_right_shift(input, other):  # noqa: A002
    """input >> other: an arithmetic shift (the sign is kept)."""
    return _bitwise("bitwise_right_shift", "right_shift", (input, other), kinds="iu")


def gcd(input, other):  # noqa: A002
    """The greatest common divisor (non-negative; gcd(0, 0) = 0) of integer tensors."""
    check_tensors("gcd", input=input, other=other)
    return _bitwise("gcd", "gcd", (input, other), kinds="iu")


def lcm(input, other):  # noqa: A002
    """The least common multiple (non-negative; 0 if either is 0) of integer tensors."""
    check_tensors("lcm", input=input, other=other)
    return _bitwise("lcm", "lcm", (input, other), kinds="iu")


def isnan(input):  # noqa: A002
    """Whether each element is NaN."""
    return Discrete.apply(input, name="isnan")


def isinf(input):  # noqa: A002
    """Whether each element is +inf or -inf."""
    return Discrete.apply(input, name="isinf")


def isfinite(input):  # noqa: A002
    """Whether each element is finite (neither infinite nor NaN)."""
    return Discrete.apply(input, name="isfinite")


def isposinf(input):  # noqa: A002
    """Whether each element is +inf."""
    return Discrete.apply(input, math.inf, name="equal")


def isneginf(input):  # noqa: A002
    """Whether each element is -inf."""
    return Discrete.apply(input, -math.inf, name="equal")


def isreal(input):  # noqa: A002
    """True everywhere: ember's tensors are real (it has no complex dtypes)."""
    return Discrete.apply(input, name="isreal")


def signbit(input):  # noqa: A002
    """True where the sign bit is set: negative numbers, -0.0 and -NaN."""
    return Discrete.apply(input, name="signbit")
