"""Elementwise arithmetic (+ - * / // % **, lerp, addcmul), the ops that pick the larger, the smaller, the
limited or the chosen element (maximum, fmax, clamp, where), copies and casts, and the dtype rules that every
elementwise op shares.

Binary ops broadcast like NumPy (and PyTorch); the autograd engine sums each gradient back to its
input's shape. Operands get one dtype as PyTorch gives them (see dtypes.common_dtype): a Python number
takes the tensor's dtype when it is of the same kind, so `x * 0.5` stays float32.
"""

import math
import warnings

import numpy as np

from .. import backend, dtypes
from ..autograd import Function, is_grad_enabled
from ..dtypes import common_dtype


def _is_number(x):
    return isinstance(x, (int, float))


def promote(*operands, floating=False):
    """An op's operands given the common dtype (tensors cast to it; numbers and None as they are). floating:
    the op's result is floating (true division), so an integer or bool common dtype becomes the default float,
    each tensor cast straight to it (a 0-d int64 -1 beside a uint8 tensor stays -1.0, as in PyTorch)."""
    if _share_one_dtype(operands) and not (floating and backend.kind_of(operands[0].dtype) != "f"):
        return operands  # the common case, decided without the rules of dtypes.common_dtype
    if all(x is None or _is_number(x) for x in operands):
        raise TypeError("expected at least one Tensor, got only numbers")
    dtype = common_dtype(*operands)
    if floating and backend.kind_of(dtype) != "f":
        dtype = backend.DEFAULT_FLOAT
    return tuple(x if x is None or _is_number(x) else cast(x, dtype) for x in operands)


def _share_one_dtype(operands):
    """Whether every operand is a tensor (no number, no None) and all have the first one's dtype."""
    dtype = getattr(operands[0], "dtype", None)
    return dtype is not None and all(getattr(x, "dtype", None) == dtype for x in operands)


def dtype_of(*operands):
    """The dtype of the first tensor among promoted operands (the dtype they share)."""
    for x in operands:
        if x is not None and not _is_number(x):
            return x.dtype


def to_float(x):
    """Math that needs fractions (exp, log, division) turns integer and bool tensors into float32 first."""
    return x if backend.kind_of(x.dtype) == "f" else cast(x, backend.DEFAULT_FLOAT)


def check_kind(name, dtype, kinds, expected):
    """Refuse operands whose dtype is not of one of the kinds ('b' bool, 'i'/'u' integer, 'f' floating)."""
    if backend.kind_of(dtype) not in kinds:
        raise RuntimeError(f"{name}: expected {expected} tensors, got {dtype}")


def check_tensors(name, **operands):
    """Refuse Python numbers where PyTorch takes only tensors."""
    for what, x in operands.items():
        if _is_number(x):
            raise TypeError(f"{name}: expected {what} to be a Tensor, got {type(x).__name__}")


def float_pair(name, input, other, integers_to_float=False):  # noqa: A002
    """Two tensors (PyTorch takes no numbers here) in their common dtype, which must be floating point;
    integer and bool tensors are refused, or made float32 first."""
    check_tensors(name, input=input, other=other)
    if integers_to_float:
        input, other = to_float(input), to_float(other)
    a, b = promote(input, other)
    check_kind(name, dtype_of(a, b), "f", "floating point")
    return a, b


def natural_log(xp, x):
    """ln x of an array, or of a Python number as a Python float (so that float32 arrays stay float32):
    -inf at 0, NaN below."""
    if not _is_number(x):
        return xp.log(x)
    return math.log(x) if x > 0 else -math.inf if x == 0 else math.nan


def zero_where(xp, mask, values):
    """values (an array) with 0 where mask holds (an array, or one bool for all; the two broadcast), as
    where(mask, 0, values) gives it, inf and NaN elsewhere kept, but without where()'s branch per element (7-15x
    slower on mixed masks): the bits of each value are ANDed with all zeros (mask) or all ones (else)."""
    if isinstance(mask, bool):
        return xp.zeros_like(values) if mask else values
    bits = f"i{values.itemsize}"  # the signed integer as wide as the values
    keep = xp.broadcast_to(mask, xp.broadcast_shapes(mask.shape, values.shape)).astype(bits)
    keep -= 1  # 0 where mask holds, else -1: every bit set
    return xp.bitwise_and(values.view(bits), keep, out=keep).view(values.dtype)


def _divide_rounded(xp, a, b, mode):
    """a / b rounded down ("floor", as Python's //) or toward zero ("trunc"); exact for integers."""
    if mode == "floor":
        return xp.floor_divide(a, b)
    if backend.kind_of(dtype_of(a, b)) == "f":
        return xp.trunc(a / b)
    quotient = abs(a) // abs(b)
    return xp.where((a < 0) != (b < 0), -quotient, quotient)


def _integer_power(xp, a, b):
    """a ** b of integer arrays; where b < 0, PyTorch's integer 1 / a^|b| (rounded toward zero): 1 for a = 1,
    ±1 for a = -1, else 0."""
    out = a ** xp.abs(b)
    reciprocal = xp.where(xp.abs(a) == 1, out, 0)
    return xp.where(b < 0, reciprocal, out).astype(out.dtype, copy=False)


class NotDifferentiable(Function):
    """Base of the ops that PyTorch gives no derivative: their float results join the graph, but backward refuses."""

    def backward(ctx, *grads):
        raise RuntimeError(f"the derivative of {type(ctx).__name__} is not implemented (nor is it in PyTorch)")


# ---------------------------------------------------------------------------------------------
# Arithmetic.

class Add(Function):
    """a + alpha·b: the gradient passes to a unchanged, and times alpha to b."""

    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    def backward(ctx, grad):
        return grad, (grad if ctx.alpha == 1 else grad * ctx.alpha) if ctx.needs_input_grad[1] else None


class Sub(Function):
    """a - alpha·b: the gradient passes to a, and times -alpha to b."""

    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    def backward(ctx, grad):
        return grad, (-grad if ctx.alpha == 1 else grad * -ctx.alpha) if ctx.needs_input_grad[1] else None


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
        return (grad / b if ctx.needs_input_grad[0] else None,
                -grad * (a / b / b) if ctx.needs_input_grad[1] else None)  # a/b first: 1/b may overflow where a/b² is 0


class RoundedDiv(Function):
    """a / b rounded toward zero ("trunc") or down ("floor"): a step function, whose gradient is 0."""

    def forward(ctx, a, b, mode):
        return _divide_rounded(ctx.xp, a, b, mode)

    def backward(ctx, grad):
        zeros = ctx.xp.zeros_like(grad)
        return zeros, zeros


class FloorDivide(NotDifferentiable):
    """a // b: a / b rounded down (PyTorch gives it no derivative, unlike div(rounding_mode='floor'))."""

    def forward(ctx, a, b):
        return _divide_rounded(ctx.xp, a, b, "floor")


class Remainder(Function):
    """a - q·b, with q = a / b rounded down ("floor": remainder, Python's %, the sign of b) or toward zero
    ("trunc": fmod, the sign of a). d/da = 1, d/db = -q."""

    def forward(ctx, a, b, mode):
        ctx.save_for_backward(a, b)
        ctx.mode = mode
        return ctx.xp.remainder(a, b) if mode == "floor" else ctx.xp.fmod(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        return grad, (-grad * _divide_rounded(ctx.xp, a, b, ctx.mode) if ctx.needs_input_grad[1] else None)


class Pow(Function):
    """a ** b: d/da = b·a^(b-1), d/db = a^b·ln a. As in PyTorch, d/da = 0 where b = 0 (a^0 is 1 for every a),
    and d/db = 0 where a = 0 and b ≥ 0 (0^b is constant there, though ln 0 is -inf)."""

    def forward(ctx, a, b):
        out = _integer_power(ctx.xp, a, b) if backend.is_array(b) and b.dtype.kind in "iu" else a ** b
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, grad):
        a, b, out = ctx.saved
        xp = ctx.xp
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = zero_where(xp, b == 0, grad * b * a ** (b - 1))
        if ctx.needs_input_grad[1]:
            grad_b = xp.where((a == 0) & (b >= 0), 0, grad * out * natural_log(xp, a))
        return grad_a, grad_b


class Neg(Function):
    """-x."""

    def forward(ctx, x):
        return -x

    def backward(ctx, grad):
        return -grad


# ---------------------------------------------------------------------------------------------
# Larger, smaller, limited, chosen.

class Maximum(Function):
    """max(a, b) elementwise (NaN where either is): the gradient goes to the larger input, half to each on
    a tie, and all of it to both where one is NaN (as PyTorch)."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.maximum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        xp = ctx.xp
        shared = xp.where(a == b, grad * 0.5, grad)
        return (xp.where(a < b, 0, shared) if ctx.needs_input_grad[0] else None,
                xp.where(a > b, 0, shared) if ctx.needs_input_grad[1] else None)


class Minimum(Function):
    """min(a, b) elementwise (NaN where either is): the gradient goes to the smaller input, half to each on
    a tie, and all of it to both where one is NaN (as PyTorch)."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.minimum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        xp = ctx.xp
        shared = xp.where(a == b, grad * 0.5, grad)
        return (xp.where(a > b, 0, shared) if ctx.needs_input_grad[0] else None,
                xp.where(a < b, 0, shared) if ctx.needs_input_grad[1] else None)


def _to_chosen(ctx, grad, a_chosen):
    """The gradients of an op that picks a where a_chosen holds and b elsewhere."""
    xp = ctx.xp
    return (xp.where(a_chosen, grad, 0) if ctx.needs_input_grad[0] else None,
            xp.where(a_chosen, 0, grad) if ctx.needs_input_grad[1] else None)


class FMax(Function):
    """max(a, b) that ignores NaN (NaN only where both are): the gradient goes to the input picked, a on a tie."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.fmax(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        return _to_chosen(ctx, grad, (a >= b) | ctx.xp.isnan(b))


class FMin(Function):
    """min(a, b) that ignores NaN (NaN only where both are): the gradient goes to the input picked, a on a tie."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.fmin(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        return _to_chosen(ctx, grad, (a <= b) | ctx.xp.isnan(b))


class Clamp(Function):
    """x limited to [low, high] (each a tensor, a number or None; high where low > high). The gradient goes to
    x where low ≤ x ≤ high, to low where x < low < high, and to high where x > high or high < low."""

    def forward(ctx, x, low, high):
        ctx.save_for_backward(x, low, high)
        if low is not None:
            x = ctx.xp.maximum(x, low)
        if high is not None:
            x = ctx.xp.minimum(x, high)
        return x

    def backward(ctx, grad):
        x, low, high = ctx.saved
        xp = ctx.xp
        grad_x = grad_low = grad_high = None
        if ctx.needs_input_grad[0]:
            inside = xp.ones(grad.shape, dtype=bool)
            if low is not None:
                inside &= x >= low
            if high is not None:
                inside &= x <= high
            grad_x = grad * inside
        if ctx.needs_input_grad[1]:
            grad_low = xp.where((x < low) if high is None else (x < low) & (low < high), grad, 0)
        if ctx.needs_input_grad[2]:
            grad_high = xp.where((x > high) if low is None else (x > high) | (high < low), grad, 0)
        return grad_x, grad_low, grad_high


class Where(Function):
    """where(condition, a, b): a where the condition holds, else b; each gradient follows its branch."""

    moves_data = True

    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)
        return ctx.xp.where(condition, a, b)

    def backward(ctx, grad):
        condition, = ctx.saved
        return (None,
                ctx.xp.where(condition, grad, 0) if ctx.needs_input_grad[1] else None,
                ctx.xp.where(condition, 0, grad) if ctx.needs_input_grad[2] else None)


# ---------------------------------------------------------------------------------------------
# Copies and conversions.

class Cast(Function):
    """x converted to another dtype; the gradient is converted back."""

    moves_data = True

    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    def backward(ctx, grad):
        return grad.astype(ctx.input_dtype)


class ToDevice(Function):
    """x copied to another device; the gradient is copied back."""

    moves_data = True

    def forward(ctx, x, device):
        ctx.input_device = backend.device_of(x)
        return backend.to_device(x, device)

    def backward(ctx, grad):
        return backend.to_device(grad, ctx.input_device)


# ---------------------------------------------------------------------------------------------
# The functions users call (also Tensor's operators and methods): arithmetic.

def _check_alpha(name, alpha, dtype):
    """alpha scales the second operand: a number, whole for integer tensors (PyTorch's rule); True or False
    for bool ones, where + is `or`."""
    if not _is_number(alpha):
        raise TypeError(f"{name}: alpha must be a number, got {type(alpha).__name__}")
    if isinstance(alpha, float) and dtype.kind in "biu":
        raise RuntimeError(f"{name}: alpha must be an integer for {dtype} tensors, got {alpha}")
    return bool(alpha) if dtype.kind == "b" else alpha


def add(input, other, *, alpha=1, out=None):  # noqa: A002 (PyTorch's argument names)
    """input + alpha·other."""
    a, b = promote(input, other)
    return into_out("add", Add.apply(a, b, alpha=_check_alpha("add", alpha, dtype_of(a, b))), out)


def _check_not_bool(name, *operands):
    """Refuse bool tensors and Python bools (PyTorch refuses x - True too)."""
    for x in operands:
        if isinstance(x, bool) or (not _is_number(x) and x.dtype == backend.bool_):
            raise RuntimeError(f"{name}: subtraction of bool tensors is not supported; use ~ or logical_not() to "
                               "invert a mask, ^ or logical_xor() to compare two")


def sub(input, other, *, alpha=1, out=None):  # noqa: A002
    """input - alpha·other."""
    _check_not_bool("sub", input, other)
    a, b = promote(input, other)
    return into_out("sub", Sub.apply(a, b, alpha=_check_alpha("sub", alpha, dtype_of(a, b))), out)


def rsub(input, other, *, alpha=1):  # noqa: A002
    """other - alpha·input (sub with the operands swapped)."""
    return sub(other, input, alpha=alpha)


def mul(input, other, *, out=None):  # noqa: A002
    """input × other elementwise; broadcast shapes."""
    return into_out("mul", Mul.apply(*promote(input, other)), out)


def into_out(name, result, out, exact_dtype=False):
    """PyTorch's out= argument: result written into out (resized to result's shape), and out returned; without
    out, result. As in PyTorch, out= records no graph: tensors that require grad are refused while grad is on.
    out's dtype must be one that result's casts to (exact_dtype: result's own)."""
    if out is None:
        return result
    if not isinstance(out, type(result)):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad")
    if out.dtype != result.dtype if exact_dtype else not dtypes.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"{name}(): expected out of dtype {result.dtype}, got {out.dtype}")
    if out.shape != result.shape:
        if out.numel():
            warnings.warn(f"{name}(): out of shape {tuple(out.shape)} was resized to {tuple(result.shape)}; PyTorch "
                          "deprecates resizing an out with elements (give one of zero elements)", UserWarning,
                          stacklevel=3)
        out.resize_(result.shape)
    return out.copy_(result)


def _check_division(name, dividend, divisor):
    """Rounded division and remainders take numbers, not bools; integer division by zero has no answer
    (PyTorch raises ZeroDivisionError; NumPy would give 0), unless the result is empty and divides nothing."""
    dtype = dtype_of(dividend, divisor)
    check_kind(name, dtype, "iuf", "integer or floating point")
    if dtype.kind not in "iu" or any(not _is_number(x) and x.numel() == 0 for x in (dividend, divisor)):
        return
    if divisor == 0 if _is_number(divisor) else bool((divisor.array == 0).any()):
        raise RuntimeError(f"{name}: integer division by zero (ZeroDivisionError)")


def div(input, other, *, rounding_mode=None, out=None):  # noqa: A002
    """input / other: true division (integers give float32), or rounded toward zero ("trunc") or down ("floor")
    in the operands' dtype."""
    return into_out("div", _divided(input, other, rounding_mode), out)


def _divided(input, other, rounding_mode):  # noqa: A002
    if rounding_mode is None:
        return Div.apply(*promote(input, other, floating=True))
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
    a, b = promote(input, other)
    _check_division("div", a, b)
    return RoundedDiv.apply(a, b, mode=rounding_mode)


def true_divide(dividend, divisor):
    """dividend / divisor elementwise, always a floating result; broadcast shapes."""
    return div(dividend, divisor)


def floor_divide(input, other):  # noqa: A002
    """input // other: the quotient rounded down (as Python's //; no derivative, as in PyTorch)."""
    a, b = promote(input, other)
    _check_division("floor_divide", a, b)
    return FloorDivide.apply(a, b)


def _remainder(name, input, other, mode):
    a, b = promote(input, other)
    _check_division(name, a, b)
    return Remainder.apply(a, b, mode=mode)


def remainder(input, other):  # noqa: A002
    """input % other, with the sign of other (Python's %): input - floor(input / other)·other."""
    return _remainder("remainder", input, other, "floor")


def fmod(input, other):  # noqa: A002
    """The remainder of input / other with the sign of input (C's fmod): input - trunc(input / other)·other."""
    return _remainder("fmod", input, other, "trunc")


def pow(input, exponent):  # noqa: A001, A002 (ember.pow, as torch.pow)
    """input ** exponent elementwise (a tensor or a number on either side); broadcast shapes."""
    a, b = promote(input, exponent)
    check_kind("pow", dtype_of(a, b), "iuf", "integer or floating point")
    if isinstance(b, int) and b < 0 and dtype_of(a, b).kind in "iu":
        raise RuntimeError(f"pow: integers to negative integer powers are not allowed, got exponent {b}")
    return Pow.apply(a, b)


def float_power(input, exponent):  # noqa: A002
    """input ** exponent computed in float64, whatever the dtypes."""
    return Pow.apply(*promote(*(x if _is_number(x) else cast(x, backend.float64) for x in (input, exponent))))


def neg(input):  # noqa: A002
    """-input elementwise."""
    if input.dtype == backend.bool_:
        raise RuntimeError("neg: negation of a bool tensor is not supported; use ~ or logical_not() instead")
    return Neg.apply(input)


def positive(input):  # noqa: A002
    """input itself (+x), as PyTorch; refused for bool tensors."""
    if input.dtype == backend.bool_:
        raise RuntimeError("positive: + of a bool tensor is not supported")
    return input


multiply, subtract, divide, negative = mul, sub, div, neg


def lerp(input, end, weight):  # noqa: A002
    """input + weight·(end - input): the straight line from input (weight 0) to end (weight 1)."""
    for what, x in (("end", end), ("weight", weight)):
        if not _is_number(x) and x.dtype != input.dtype:
            raise RuntimeError(f"lerp: expected {what} of dtype {input.dtype} (as input), got {x.dtype}")
    check_kind("lerp", input.dtype, "f", "floating point")
    return add(input, mul(weight, sub(end, input)))


def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """input + value·tensor1·tensor2."""
    check_tensors("addcmul", tensor1=tensor1, tensor2=tensor2)
    input, tensor1, tensor2 = promote(input, tensor1, tensor2)  # in the dtype of the result, as PyTorch
    return add(input, mul(tensor1, tensor2), alpha=value)


def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """input + value·tensor1/tensor2."""
    check_tensors("addcdiv", tensor1=tensor1, tensor2=tensor2)
    if backend.kind_of(tensor1.dtype) != "f" and backend.kind_of(tensor2.dtype) != "f":
        raise RuntimeError("addcdiv: integer division is not supported; make tensor1 or tensor2 floating point")
    input, tensor1, tensor2 = promote(input, tensor1, tensor2)
    return add(input, div(tensor1, tensor2), alpha=value)


# ---------------------------------------------------------------------------------------------
# Larger, smaller, limited, chosen.

def maximum(input, other):  # noqa: A002
    """The elementwise maximum of two tensors (NaN wins); broadcast shapes."""
    return Maximum.apply(*promote(input, other))


def minimum(input, other):  # noqa: A002
    """The elementwise minimum of two tensors (NaN wins); broadcast shapes."""
    return Minimum.apply(*promote(input, other))


def fmax(input, other):  # noqa: A002
    """The elementwise maximum, ignoring NaN (a NaN loses to a number); broadcast shapes."""
    check_tensors("fmax", input=input, other=other)
    return FMax.apply(*promote(input, other))


def fmin(input, other):  # noqa: A002
    """The elementwise minimum, ignoring NaN (a NaN loses to a number); broadcast shapes."""
    check_tensors("fmin", input=input, other=other)
    return FMin.apply(*promote(input, other))


def clamp(input, min=None, max=None):  # noqa: A002 (PyTorch's argument names)
    """input limited to [min, max]; each bound is a number or a tensor (broadcast against input), or None."""
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of min and max must be given")
    return Clamp.apply(*promote(input, min, max))


def clamp_min(input, min):  # noqa: A002
    """max(input, min) elementwise: clamp with only a lower bound."""
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    """min(input, max) elementwise: clamp with only an upper bound."""
    return clamp(input, max=max)


clip = clamp


def where(condition, a, b):
    """Elements of a where condition is True, else of b (a and b broadcast; either may be a number)."""
    if condition.dtype != backend.bool_:
        raise TypeError(f"where: the condition must be a bool tensor, got {condition.dtype}")
    a, b = promote(a, b)
    return Where.apply(condition, a, b)


# ---------------------------------------------------------------------------------------------
# Copies and conversions.

def cast(x, dtype):
    """x converted to dtype, in the graph (the gradient is cast back)."""
    dtype = backend.as_dtype(dtype)
    return x if x.dtype == dtype else Cast.apply(x, dtype=dtype)


def to_device(x, device):
    device = backend.Device(device)
    return x if x.device == device else ToDevice.apply(x, device=device)
