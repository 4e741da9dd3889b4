"""The rules between dtypes, as PyTorch has them: promotion, casting, and each dtype's limits.

PyTorch promotes by category first (bool < integer < floating): the higher category wins whatever the
sizes (int64 with float16 is float16, where NumPy says float64); within a category, the wider dtype,
with uint8 and int8 meeting in int16, and float16 and bfloat16 in float32. uint16, uint32 and uint64
promote only with themselves and with floating dtypes. ember's dtypes are NumPy's (see backend.py), so
they have NumPy's attributes (itemsize, kind) and not PyTorch's is_floating_point or is_signed: a
NumPy dtype cannot be subclassed nor given attributes; the functions here answer those questions.
"""

import numbers

import numpy as np

from . import backend

_UNSIGNED_WIDE = ("uint16", "uint32", "uint64")


def category(dtype):
    """0 for bool, 1 for the integers, 2 for the floating dtypes."""
    dtype = backend.as_dtype(dtype)
    return 2 if backend.is_floating(dtype) else 0 if dtype == backend.bool_ else 1


def is_floating_point(dtype):
    return category(dtype) == 2


def is_signed(dtype):
    """Whether a dtype holds negative numbers (every floating dtype, the intN)."""
    dtype = backend.as_dtype(dtype)
    return backend.is_floating(dtype) or dtype.kind == "i"


def promote_types(type1, type2):
    """The smallest dtype that both dtypes turn into in an operation between them, by PyTorch's rules."""
    a, b = backend.as_dtype(type1), backend.as_dtype(type2)
    if a == b:
        return a
    if max(category(a), category(b)) < 2 and (a.name in _UNSIGNED_WIDE or b.name in _UNSIGNED_WIDE):
        raise RuntimeError(f"promote_types: promotion of uint16, uint32 and uint64 with other integer or bool "
                           f"dtypes is not supported, got {a} and {b}")
    if category(a) != category(b):
        return a if category(a) > category(b) else b
    if {a.name, b.name} == {"float16", "bfloat16"}:
        return backend.float32
    if {a, b} == {backend.uint8, backend.int8}:
        return backend.int16
    if backend.uint8 in (a, b):
        return b if a == backend.uint8 else a  # a signed int of 16 bits or more holds every uint8
    return a if a.itemsize >= b.itemsize else b


def _scalar_dtype(number):
    """The dtype PyTorch gives a Python (or NumPy) number in a computation: bool, int64 or the default float."""
    if isinstance(number, bool):
        return backend.bool_
    if isinstance(number, numbers.Integral):
        return backend.int64
    return backend.get_default_dtype()


def _combine(higher, lower):
    """Operands of a higher priority (tensors with dimensions over 0-d tensors over numbers) decide the
    dtype, unless a lower one is of a higher category (an int tensor times 0.5 is floating)."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if category(higher) == 2:
        return higher
    if category(higher) == 0 or category(lower) == 2:
        return promote_types(higher, lower)
    return higher


def common_dtype(*operands):
    """The dtype of an operation among tensors and numbers (None is skipped), as PyTorch's type promotion
    gives it: tensors with dimensions decide; 0-d tensors and then numbers count only when of a higher
    category (float32 with a 0-d float64 tensor is float32; int64 with 0.5 is the default float)."""
    by_priority = [None, None, None]  # tensors with dimensions, 0-d tensors, numbers
    for operand in operands:
        if operand is None:
            continue
        if isinstance(operand, numbers.Real):
            rank, dtype = 2, _scalar_dtype(operand)
        elif hasattr(operand, "dtype") and hasattr(operand, "ndim"):
            rank, dtype = (0 if operand.ndim else 1), operand.dtype
        else:
            raise TypeError(f"expected Tensors, numbers or None, got {type(operand).__name__}")
        seen = by_priority[rank]
        by_priority[rank] = dtype if seen is None else promote_types(seen, dtype)
    return _combine(by_priority[0], _combine(by_priority[1], by_priority[2]))


def result_type(tensor1, tensor2):
    """The dtype of an operation between two tensors or numbers, as PyTorch's type promotion gives it."""
    try:
        return common_dtype(tensor1, tensor2)
    except TypeError as error:
        raise TypeError(f"result_type: {error}") from None


def can_cast(from_, to):
    """Whether PyTorch's type promotion allows casting from_ to to: never from floating to an integer
    or bool, nor from a number to bool."""
    return category(to) >= category(from_)


class finfo:  # noqa: N801 (PyTorch's name)
    """The limits of a floating dtype: bits, eps (the gap from 1 to the next number), max, min, tiny (=
    smallest_normal, the smallest positive normal number), resolution (10**-decimal digits), dtype."""

    def __init__(self, type=None):  # noqa: A002 (PyTorch's name)
        dtype = backend.as_dtype(backend.get_default_dtype() if type is None else type)
        if not backend.is_floating(dtype):
            raise TypeError(f"finfo: expected a floating point dtype, got {dtype}; use iinfo for integers")
        limits = backend.float_limits(dtype)
        self.bits, self.dtype = dtype.itemsize * 8, dtype.name
        self.eps, self.max, self.min = float(limits.eps), float(limits.max), float(limits.min)
        self.tiny = self.smallest_normal = float(limits.smallest_normal)
        self.resolution = 10.0 ** -limits.precision

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801
    """The limits of an integer dtype: bits, max, min, dtype."""

    def __init__(self, type):  # noqa: A002
        dtype = backend.as_dtype(type)
        if category(dtype) != 1:
            raise TypeError(f"iinfo: expected an integer dtype, got {dtype}" +
                            ("; use finfo for floating point" if category(dtype) == 2 else ""))
        limits = np.iinfo(dtype)
        self.bits, self.max, self.min, self.dtype = limits.bits, int(limits.max), int(limits.min), dtype.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


_LEGACY_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                 "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64"}


def legacy_name(dtype):
    """The name of PyTorch's legacy tensor type of a dtype: 'FloatTensor' for float32."""
    return _LEGACY_NAMES[backend.as_dtype(dtype).name] + "Tensor"
