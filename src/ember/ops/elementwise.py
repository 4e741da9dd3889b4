"""Elementwise arithmetic and math, each op with its derivative beside it.

Binary ops broadcast like NumPy (and PyTorch); the autograd engine sums each gradient back to its
input's shape. A Python number on either side is a constant: it takes the tensor's dtype, so
`x * 0.5` stays float32.
"""

import math
import operator

import numpy as np

from .. import backend
from ..autograd import Function


def _is_number(x):
    return isinstance(x, (int, float))


def _kind_rank(dtype):
    """bool < integer < floating: the order PyTorch promotes across."""
    return 2 if dtype.kind == "f" else 0 if dtype.kind == "b" else 1


def result_dtype(a, b):
    """The common dtype of two tensors' dtypes, as PyTorch: the higher kind wins (int64 with
    float32 is float32, where NumPy would say float64); within a kind, the wider."""
    rank_a, rank_b = _kind_rank(a), _kind_rank(b)
    if rank_a == rank_b:
        return np.promote_types(a, b)
    return a if rank_a > rank_b else b


def promote(a, b):
    """Give a binary op's operands one dtype as PyTorch does. A number never widens a tensor of
    its own kind (float32 * 2.0 is float32); a number of a higher kind does (int64 * 0.5 is float32)."""
    a_is_number, b_is_number = isinstance(a, (int, float)), isinstance(b, (int, float))
    if not a_is_number and not b_is_number:
        if a.dtype == b.dtype:
            return a, b
        dtype = result_dtype(a.dtype, b.dtype)
        return cast(a, dtype), cast(b, dtype)
    if a_is_number and b_is_number:
        raise TypeError("expected at least one Tensor, got two numbers")
    tensor, number = (b, a) if a_is_number else (a, b)
    number_rank = 2 if isinstance(number, float) else 0 if isinstance(number, bool) else 1
    if number_rank > _kind_rank(tensor.dtype):
        tensor = cast(tensor, backend.DEFAULT_FLOAT if number_rank == 2 else backend.int64)
    return (number, tensor) if a_is_number else (tensor, number)


def to_float(x):
    """Math that needs fractions (exp, log, division) turns integer tensors into float32 first."""
    return x if x.dtype.kind == "f" else cast(x, backend.DEFAULT_FLOAT)


# ---------------------------------------------------------------------------------------------
# Arithmetic.

class Add(Function):
    """a + b: the gradient passes through unchanged to both."""

    def forward(ctx, a, b):
        return a + b

    def backward(ctx, grad):
        return grad, grad


class Sub(Function):
    """a - b: the gradient passes to a, and negated to b."""

    def forward(ctx, a, b):
        return a - b

    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Mul(Function):
    """a * b: each input's gradient is the upstream gradient times the other input."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    def backward(ctx, grad):
        a, b = ctx.saved
        return (grad * b if ctx.needs_input_grad[0] else None,
                grad * a if ctx.needs_input_grad[1] else None)


class Div(Function):
    """a / b: d/da = 1/b, d/db = -a/b²."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    def backward(ctx, grad):
        a, b = ctx.saved
        grad_a = grad / b
        return (grad_a if ctx.needs_input_grad[0] else None,
                -grad_a * a / b if ctx.needs_input_grad[1] else None)


class Pow(Function):
    """a ** b: d/da = b·a^(b-1), d/db = a^b·ln a."""

    def forward(ctx, a, b):
        out = a ** b
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, grad):
        a, b, out = ctx.saved
        grad_a = grad * b * a ** (b - 1) if ctx.needs_input_grad[0] else None
        if ctx.needs_input_grad[1]:
            log_a = math.log(a) if _is_number(a) else ctx.xp.log(a)  # math.log keeps float32 float32
            grad_b = grad * out * log_a
        else:
            grad_b = None
        return grad_a, grad_b


class Neg(Function):
    """-x."""

    def forward(ctx, x):
        return -x

    def backward(ctx, grad):
        return -grad


class Maximum(Function):
    """max(a, b) elementwise: the gradient goes to the larger input (half to each on a tie)."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.maximum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        half_on_tie = grad * 0.5 * (a == b)
        return (grad * (a > b) + half_on_tie if ctx.needs_input_grad[0] else None,
                grad * (b > a) + half_on_tie if ctx.needs_input_grad[1] else None)


class Minimum(Function):
    """min(a, b) elementwise: the gradient goes to the smaller input (half to each on a tie)."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.minimum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        half_on_tie = grad * 0.5 * (a == b)
        return (grad * (a < b) + half_on_tie if ctx.needs_input_grad[0] else None,
                grad * (b < a) + half_on_tie if ctx.needs_input_grad[1] else None)


class Where(Function):
    """where(condition, a, b): a where the condition holds, else b; each gradient follows its branch."""

    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)
        return ctx.xp.where(condition, a, b)

    def backward(ctx, grad):
        condition, = ctx.saved
        return (None,
                ctx.xp.where(condition, grad, 0) if ctx.needs_input_grad[1] else None,
                ctx.xp.where(condition, 0, grad) if ctx.needs_input_grad[2] else None)


# ---------------------------------------------------------------------------------------------
# Math on one tensor.

class Abs(Function):
    """|x|: d/dx = sign(x) (0 at 0)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * ctx.xp.sign(x)


class Exp(Function):
    """e^x: its own derivative."""

    def forward(ctx, x):
        out = ctx.xp.exp(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad * out


class Log(Function):
    """ln x: d/dx = 1/x."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    def backward(ctx, grad):
        x, = ctx.saved
        return grad / x


class Sqrt(Function):
    """√x: d/dx = 1 / (2√x)."""

    def forward(ctx, x):
        out = ctx.xp.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved
        return grad / (2 * out)


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


class Clamp(Function):
    """x limited to [low, high]: the gradient passes only where x was inside."""

    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        if low is not None:
            x = ctx.xp.maximum(x, low)
        if high is not None:
            x = ctx.xp.minimum(x, high)
        return x

    def backward(ctx, grad):
        x, = ctx.saved
        inside = ctx.xp.ones(x.shape, dtype=bool)
        if ctx.low is not None:
            inside &= x >= ctx.low
        if ctx.high is not None:
            inside &= x <= ctx.high
        return grad * inside


class Cast(Function):
    """x converted to another dtype; the gradient is converted back."""

    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    def backward(ctx, grad):
        return grad.astype(ctx.input_dtype)


class ToDevice(Function):
    """x copied to another device; the gradient is copied back."""

    def forward(ctx, x, device):
        ctx.input_device = backend.device_of(x)
        return backend.to_device(x, device)

    def backward(ctx, grad):
        return backend.to_device(grad, ctx.input_device)


class Logical(Function):
    """A comparison or logic op (==, <, &, ~, ...): a bool result, with no gradient."""

    def forward(ctx, *arrays, op):
        return op(*arrays)


# ---------------------------------------------------------------------------------------------
# The functions users call (also Tensor's operators and methods).

def add(a, b):
    return Add.apply(*promote(a, b))


def sub(a, b):
    return Sub.apply(*promote(a, b))


def mul(a, b):
    return Mul.apply(*promote(a, b))


def div(a, b):
    a, b = promote(a, b)
    if not _is_number(a):
        a = to_float(a)
    if not _is_number(b):
        b = to_float(b)
    return Div.apply(a, b)


def pow(a, b):  # noqa: A001 (ember.pow, as torch.pow)
    return Pow.apply(*promote(a, b))


def neg(x):
    return Neg.apply(x)


def maximum(a, b):
    return Maximum.apply(*promote(a, b))


def minimum(a, b):
    return Minimum.apply(*promote(a, b))


def where(condition, a, b):
    """Elements of a where condition is True, else of b (a and b broadcast; either may be a number)."""
    if condition.dtype != backend.bool_:
        raise TypeError(f"where: the condition must be a bool tensor, got {condition.dtype}")
    a, b = promote(a, b)
    return Where.apply(condition, a, b)


def abs(x):  # noqa: A001
    return Abs.apply(x)


def exp(x):
    return Exp.apply(to_float(x))


def log(x):
    return Log.apply(to_float(x))


def sqrt(x):
    return Sqrt.apply(to_float(x))


def sin(x):
    return Sin.apply(to_float(x))


def cos(x):
    return Cos.apply(to_float(x))


def clamp(x, min=None, max=None):  # noqa: A002 (PyTorch's argument names)
    if min is None and max is None:
        raise ValueError("clamp: give min, max or both")
    for bound in (min, max):
        if bound is not None and not _is_number(bound):
            raise TypeError(f"clamp: bounds are numbers, got {type(bound).__name__}; "
                            "for tensor bounds use ember.maximum / ember.minimum")
    return Clamp.apply(x, low=min, high=max)


def cast(x, dtype):
    dtype = backend.as_dtype(dtype)
    return x if x.dtype == dtype else Cast.apply(x, dtype=dtype)


def to_device(x, device):
    device = backend.Device(device)
    return x if x.device == device else ToDevice.apply(x, device=device)


def eq(a, b):
    return Logical.apply(*promote(a, b), op=operator.eq)


def ne(a, b):
    return Logical.apply(*promote(a, b), op=operator.ne)


def lt(a, b):
    return Logical.apply(*promote(a, b), op=operator.lt)


def le(a, b):
    return Logical.apply(*promote(a, b), op=operator.le)


def gt(a, b):
    return Logical.apply(*promote(a, b), op=operator.gt)


def ge(a, b):
    return Logical.apply(*promote(a, b), op=operator.ge)


def _bool_operands(name, a, b):
    for x in (a, b):
        if not _is_number(x) and x.dtype.kind not in "biu":
            raise TypeError(f"{name} needs bool or integer tensors, got {x.dtype}")
    return promote(a, b)


def logical_and(a, b):
    return Logical.apply(*_bool_operands("&", a, b), op=operator.and_)


def logical_or(a, b):
    return Logical.apply(*_bool_operands("|", a, b), op=operator.or_)


def logical_xor(a, b):
    return Logical.apply(*_bool_operands("^", a, b), op=operator.xor)


def logical_not(x):
    if x.dtype.kind not in "biu":
        raise TypeError(f"~ needs a bool or integer tensor, got {x.dtype}")
    return Logical.apply(x, op=operator.invert)
