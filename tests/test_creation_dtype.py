"""dtypes: PyTorch's promotion and casting rules, limits, the default dtype and device, bfloat16, and the
questions a tensor answers about its dtype and memory, each against torch."""

import itertools
import operator
import subprocess
import sys

import numpy as np
import pytest
import torch

import ember
from differential import builtin_kind
from helpers import DEVICES, raises

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64", "float16", "bfloat16",
         "float32", "float64"]


def name(dtype):
    return str(dtype).removeprefix("torch.")


def outcome(fn):
    """What fn() gives: a dtype's name or a value, or the type of error it raises."""
    try:
        result = fn()
    except (RuntimeError, TypeError) as error:
        return type(error)
    return name(result) if isinstance(result, (np.dtype, torch.dtype)) else result


def test_tensor_of_python_floats_with_dtype_float64_keeps_full_precision():
    # Python floats become float32 only when no dtype is asked for; rounding through float32 first loses digits.
    assert ember.tensor([0.1], dtype=ember.float64).item() == 0.1
    assert ember.tensor(0.1, dtype=ember.float64).item() == 0.1
    assert ember.tensor([0.1]).dtype == ember.float32


@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_and_can_cast_as_pytorch(a, b):
    ours, theirs = (getattr(ember, a), getattr(ember, b)), (getattr(torch, a), getattr(torch, b))
    assert outcome(lambda: ember.promote_types(*ours)) == outcome(lambda: torch.promote_types(*theirs))
    assert ember.can_cast(*ours) == torch.can_cast(*theirs)


def operands(lib):
    """Every dtype as a tensor with dimensions and as a 0-d tensor, and the Python numbers: name -> operand."""
    tensors = {f"{n}{shape}": lib.ones(shape, dtype=getattr(lib, n)) for n in NAMES for shape in ((2,), ())}
    return {**tensors, "int": 3, "float": 2.5, "bool": True}


OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
             "%": operator.mod, "**": operator.pow, "<": operator.lt, "==": operator.eq, ">=": operator.ge}
OPERATIONS = {  # name -> fn(lib, a, b)
    **{symbol: lambda lib, a, b, op=op: op(a, b) for symbol, op in OPERATORS.items()},
    "result_type": lambda lib, a, b: lib.result_type(a, b), "true_divide": lambda lib, a, b: lib.true_divide(a, b),
    "div trunc": lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    "div floor": lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
}

# PyTorch's answers that are not its promotion rule: a bool tensor to the power True is its kernel's shortcut for
# an exponent of 1 (a copy), where its rule refuses bool powers as ember does.
NOT_PROMOTION = {("**", "bool(2,)", "bool"), ("**", "bool()", "bool")}


def _dtype_or_error(lib, operation, a, b):
    """The dtype operation gives (its name), or the built-in class of the error it raises (NotImplementedError
    kept apart: PyTorch's kernel lacks the dtype)."""
    try:
        result = OPERATIONS[operation](lib, a, b)
    except NotImplementedError:
        return NotImplementedError
    except Exception as error:  # noqa: BLE001 (whichever PyTorch raises, ember must raise its kind)
        return builtin_kind(error)
    return name(result if operation == "result_type" else result.dtype)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_pair_of_dtypes_and_numbers_promotes_as_in_pytorch(operation):
    """Over every pair of operands (but two numbers): the same dtype as PyTorch, or an error of the same kind.
    Where PyTorch has no kernel for a dtype (NotImplementedError: uint16 to uint64, bfloat16 in places), its
    promotion rule is not what stops it, and ember computes the result."""
    ours, theirs = operands(ember), operands(torch)
    differences = []
    for a, b in itertools.product(ours, ours):
        if a in ("int", "float", "bool") and b in ("int", "float", "bool") or (operation, a, b) in NOT_PROMOTION:
            continue
        expected = _dtype_or_error(torch, operation, theirs[a], theirs[b])
        if expected is not NotImplementedError and _dtype_or_error(ember, operation, ours[a], ours[b]) != expected:
            differences.append(f"{a} {operation} {b}: {_dtype_or_error(ember, operation, ours[a], ours[b])}, "
                               f"PyTorch's {expected}")
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_finfo_as_pytorch(dtype):
    ours, theirs = ember.finfo(getattr(ember, dtype)), torch.finfo(getattr(torch, dtype))
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64"])
def test_iinfo_as_pytorch(dtype):
    ours, theirs = ember.iinfo(getattr(ember, dtype)), torch.iinfo(getattr(torch, dtype))
    assert (ours.bits, ours.max, ours.min, ours.dtype) == (theirs.bits, theirs.max, theirs.min, theirs.dtype)
    assert repr(ours) == repr(theirs)


def test_dtype_errors():
    assert ember.finfo().dtype == "float32"
    with raises(TypeError, "finfo: expected a floating point dtype, got int32; use iinfo for integers"):
        ember.finfo(ember.int32)
    with raises(TypeError, "iinfo: expected an integer dtype, got float32; use finfo for floating point"):
        ember.iinfo(ember.float32)
    with raises(TypeError, "iinfo: expected an integer dtype, got bool"):
        ember.iinfo(ember.bool)
    with raises(RuntimeError, "promote_types: promotion of uint16, uint32 and uint64 with other integer or bool"):
        ember.promote_types(ember.uint16, ember.int8)
    with raises(TypeError, "result_type: expected Tensors, numbers or None, got str"):
        ember.result_type(ember.ones(1), "a")
    with raises(TypeError, "set_default_dtype: only floating point dtypes can be the default, got int32"):
        ember.set_default_dtype(ember.int32)


@pytest.fixture
def float64_default():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    yield
    ember.set_default_dtype(ember.float32)
    torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1.5]), lambda lib: lib.zeros(2), lambda lib: lib.arange(0.5), lambda lib: lib.rand(2),
    lambda lib: lib.linspace(0, 1, 3), lambda lib: lib.tensor([1, 2]) * 0.5, lambda lib: lib.full((2,), 1.5),
    lambda lib: lib.eye(2), lambda lib: lib.scalar_tensor(1), lambda lib: lib.hann_window(3),
    lambda lib: lib.result_type(1, 2.0), lambda lib: lib.finfo().dtype, lambda lib: lib.get_default_dtype(),
], ids=["tensor", "zeros", "arange", "rand", "linspace", "int-times-float", "full", "eye", "scalar_tensor",
        "hann_window", "result_type", "finfo", "get_default_dtype"])
def test_the_default_dtype_is_followed(float64_default, make):
    assert outcome(lambda: getattr(make(ember), "dtype", make(ember))) == \
        outcome(lambda: getattr(make(torch), "dtype", make(torch)))
    assert repr(ember.tensor([1.5])) == "tensor([1.5000])"
    assert repr(ember.tensor([1.5], dtype=ember.float32)) == "tensor([1.5000], dtype=ember.float32)"


def test_the_default_device():
    assert ember.get_default_device() == ember.device("cpu")
    ember.set_default_device("cpu")
    try:
        assert ember.zeros(2).device == ember.get_default_device() == ember.device("cpu")
    finally:
        ember.set_default_device(None)
    assert ember.get_default_device() == ember.device("cpu")


@pytest.mark.parametrize("device", DEVICES)
def test_bfloat16_stores_and_computes_as_pytorch(device):
    data = [1.0, 2.7, -3.3, 1000.7]
    ours, theirs = ember.tensor(data, dtype=ember.bfloat16, device=device), torch.tensor(data, dtype=torch.bfloat16)
    assert ours.dtype == ember.bfloat16 and ours.dtype.itemsize == 2 and ours.is_floating_point()
    assert ours.float().tolist() == theirs.float().tolist()
    assert (ours * 3).float().tolist() == (theirs * 3).float().tolist()
    assert ember.ones(2).bfloat16().dtype == ember.bfloat16 and ember.zeros(2, dtype="bfloat16").dtype == ember.bfloat16
    assert repr(ember.tensor([1.5, 2.0], dtype=ember.bfloat16)) == "tensor([1.5000, 2.0000], dtype=ember.bfloat16)"


def test_without_ml_dtypes_bfloat16_says_which_package_it_needs(tmp_path):
    (tmp_path / "ml_dtypes.py").write_text("raise ImportError('not installed')\n")
    code = ("import ember\ntry:\n    ember.bfloat16\nexcept TypeError as error:\n    print(error)\n"
            "print(ember.zeros(2).dtype)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": f"{tmp_path}:{ember.__path__[0]}/.."}).stdout
    assert out == "bfloat16 needs the ml_dtypes package: pip install 'ember[bfloat16]'\nfloat32\n"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "uint8", "int8", "bool", "bfloat16"])
def test_what_a_tensor_says_about_itself(device, dtype):
    ours = ember.ones(2, 3, dtype=getattr(ember, dtype), device=device)
    theirs = torch.ones(2, 3, dtype=getattr(torch, dtype))
    for ask in (lambda t: t.is_signed(), lambda t: t.is_complex(), lambda t: t.is_floating_point(),
                lambda t: t.element_size(), lambda t: t.itemsize, lambda t: t.nbytes, lambda t: t.ndimension(),
                lambda t: t.nelement(), lambda t: t.dim_order(), lambda t: t.t().dim_order(), lambda t: t.is_pinned(),
                lambda t: t.is_same_size(t[0]), lambda t: t[:1, :1].is_nonzero()):
        assert ask(ours) == ask(theirs)
    for function in ("is_signed", "is_complex", "is_floating_point", "numel", "is_nonzero"):
        assert outcome(lambda: getattr(ember, function)(ours[:1, :1])) == getattr(torch, function)(theirs[:1, :1])
    assert ember.typename(ours) == torch.typename(theirs).replace("torch.", "torch.cuda." if device == "cuda" else
                                                                  "torch.")
    assert ours.is_cpu == (device == "cpu") and ours.get_device() == (-1 if device == "cpu" else 0)
    assert isinstance(ours.data_ptr(), int) and ours.data_ptr() != ours.clone().data_ptr()


def test_casts_by_pytorch_names():
    t = ember.tensor([1.7, -1.2])
    for cast in ("byte", "char", "short", "half", "int", "long", "double", "float", "bool"):
        assert getattr(t, cast)().dtype == getattr(torch.tensor([1.7, -1.2]), cast)().dtype.__str__().removeprefix(
            "torch.")


def test_is_nonzero_errors():
    with raises(RuntimeError, "is_nonzero: the truth value of a tensor with 2 elements is ambiguous"):
        ember.ones(2).is_nonzero()
    with raises(RuntimeError, "is_nonzero: the truth value of a tensor with 0 elements is ambiguous"):
        ember.is_nonzero(ember.ones(0))


def test_shared_and_pinned_memory():
    t = ember.arange(4.0)
    assert not t.is_shared() and t.share_memory_() is t and t.is_shared() and t.tolist() == [0, 1, 2, 3]
    assert t[1:].is_shared()
    if not ember.cuda.is_available():
        with raises(RuntimeError, "pin_memory: pinned memory needs a CUDA GPU, and none is available"):
            t.pin_memory()


def test_constants_and_typename():
    assert (ember.pi, ember.e, ember.inf, ember.newaxis) == (torch.pi, torch.e, torch.inf, torch.newaxis)
    assert np.isnan(ember.nan) and ember.typename(3) == torch.typename(3) == "int"
    assert ember.typename(ember.nn.Linear(1, 1)) == "ember.nn.linear.Linear"
    assert ember.is_tensor(ember.ones(1)) and not ember.is_tensor([1])


@pytest.mark.parametrize("dtype", NAMES)
def test_what_pytorch_reads_off_a_dtype(dtype):
    """torch.float32.is_floating_point etc.: ember's dtypes are NumPy's, so ember.dtypes answers as functions."""
    ours, theirs = getattr(ember, dtype), getattr(torch, dtype)
    assert ember.dtypes.is_floating_point(ours) == theirs.is_floating_point
    assert ember.dtypes.is_signed(ours) == theirs.is_signed and ours.itemsize == theirs.itemsize
