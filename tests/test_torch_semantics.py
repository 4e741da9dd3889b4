"""PyTorch's semantics that programs rely on: legacy constructors, torch.Size, format(), type(), dtype and
device checks, from_numpy of ndarray subclasses; each compared with torch 2.13 where it can be."""

import numpy as np
import pytest
import torch

import ember
from helpers import DEVICES, raises, to_numpy


# -------------------------------------------------------------------------------------------------
# Legacy constructors.

@pytest.mark.parametrize("data", [([1, 2.5],), ([[1, 2], [3, 4]],), ((True, False),), ()])
def test_legacy_tensor_of_data_copies_it_as_float32(data):
    ours, theirs = ember.Tensor(*data), torch.Tensor(*data)
    assert ours.dtype == ember.float32 and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))


def test_legacy_tensor_of_sizes_is_uninitialized_float32():
    for sizes in [(2, 3), (4,), (ember.Size([2, 5]),)]:
        t = ember.Tensor(*sizes)
        assert t.dtype == ember.float32 and t.shape == torch.Tensor(*[torch.Size(s) if isinstance(s, ember.Size)
                                                                        else s for s in sizes]).shape


def test_tensor_of_an_array_still_wraps_it_as_is():
    array = np.arange(3, dtype=np.int16)
    t = ember.Tensor(array)
    assert t.array is array and t.dtype == np.int16


def test_ops_do_not_go_through_the_constructor(monkeypatch):
    """Tensor._from_op (the hot path) makes op results without calling Tensor.__init__."""
    x = ember.randn(3, requires_grad=True)

    def refuse(*args, **kwargs):
        raise AssertionError("an op called Tensor.__init__")
    monkeypatch.setattr(ember.Tensor, "__init__", refuse)
    y = (x * 2 + 1).relu().sum()
    assert type(y) is ember.Tensor and y.requires_grad


@pytest.mark.parametrize("name, dtype", [("FloatTensor", "float32"), ("DoubleTensor", "float64"),
                                         ("LongTensor", "int64"), ("IntTensor", "int32"), ("BoolTensor", "bool"),
                                         ("ByteTensor", "uint8"), ("HalfTensor", "float16"), ("CharTensor", "int8"),
                                         ("ShortTensor", "int16")])
def test_typed_constructors_and_isinstance_match_pytorch(name, dtype):
    ours, theirs = getattr(ember, name), getattr(torch, name)
    for data in ([1.5, 0.0, 2.0],):
        a, b = ours(data), theirs(data)
        assert a.dtype.name == str(b.dtype).removeprefix("torch.") and a.tolist() == b.tolist()
    assert ours(2, 3).shape == (2, 3) and ours(2, 3).dtype.name == dtype
    for lib, typed in ((ember, ours), (torch, theirs)):
        assert isinstance(lib.zeros(2, dtype=getattr(lib, dtype)), typed)
        assert isinstance(lib.zeros(2, dtype=lib.float32), typed) == (dtype == "float32")
    assert not isinstance(np.zeros(2), ours)


def test_legacy_constructor_errors():
    with raises(TypeError, "Tensor(): data must be a sequence of numbers, got float"):
        ember.Tensor(3.5)
    with raises(RuntimeError, "Tensor(): sizes must not be negative, got [-1]"):
        ember.Tensor(-1)
    with raises(TypeError, "Tensor() takes sizes (ints) or one sequence of numbers"):
        ember.Tensor([1, 2], [3])
    with raises(TypeError, "LongTensor(): expected a tensor of dtype int64, got one of float32"):
        ember.LongTensor(ember.zeros(2))
    with pytest.raises(ValueError):
        ember.Tensor([[1, 2], [3]])  # ragged, as in PyTorch


# -------------------------------------------------------------------------------------------------
# type(), format(), Size, dtype, device.

@pytest.mark.parametrize("device", DEVICES)
def test_type_names_and_casts(device):
    t = ember.zeros(2, device=device)
    prefix = "torch.cuda." if device == "cuda" else "torch."
    assert t.type() == prefix + "FloatTensor" and t.long().type() == prefix + "LongTensor"
    assert t.type(ember.float64).dtype == ember.float64 and t.type(ember.LongTensor).dtype == ember.int64
    assert t.type("torch.DoubleTensor").dtype == ember.float64 and t.type("torch.DoubleTensor").device.type == "cpu"
    with raises(ValueError, "type(): invalid type 'torch.Foo'"):
        t.type("torch.Foo")


def test_type_names_match_pytorch():
    for dtype in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"):
        assert ember.zeros(2, dtype=getattr(ember, dtype)).type() == torch.zeros(2, dtype=getattr(torch, dtype)).type()


def test_format_of_a_0d_tensor_formats_its_number():
    for spec in (".4f", "8.2e", "", ">10"):
        assert format(ember.tensor(1.23456), spec) == format(torch.tensor(1.23456), spec)
    assert f"{ember.tensor(3):d}" == f"{torch.tensor(3):d}" == "3"
    assert f"{ember.tensor([1.5, 2.0])}" == str(ember.tensor([1.5, 2.0]))
    with raises(TypeError, "format(tensor, '.4f'): only a 0-d tensor (one number) takes a format spec, got one of "
                           "shape (2,)"):
        format(ember.tensor([1.5, 2.0]), ".4f")
    with pytest.raises(TypeError):
        format(torch.tensor([1.5, 2.0]), ".4f")  # PyTorch refuses it too


def test_size_is_a_tuple_printed_as_pytorch_prints_it():
    ours, theirs = ember.zeros(2, 3).shape, torch.zeros(2, 3).shape
    assert type(ours) is ember.Size and type(ember.zeros(2).size()) is ember.Size
    assert repr(ours) == repr(theirs) == str(ours) == "torch.Size([2, 3])"
    assert ours == theirs == (2, 3) and ours.numel() == theirs.numel() == 6 and hash(ours) == hash((2, 3))
    for op in (lambda s: s[1:], lambda s: s + (4,), lambda s: (1,) + s, lambda s: s * 2, lambda s: 2 * s):
        assert type(op(ours)) is ember.Size and op(ours) == op(theirs)
    assert type(ours[0]) is int and repr(ember.Size()) == repr(torch.Size()) == "torch.Size([])"
    assert repr(ember.Size(np.array([2, 3]))) == repr(torch.Size(np.array([2, 3])))
    assert ember.Size([]).numel() == torch.Size([]).numel() == 1
    assert f"{ours}" == "(2, 3)"  # in f-strings (ember's error messages) it reads as the tuple


def test_dtype_and_device_work_in_isinstance_checks():
    for lib in (ember, torch):
        assert isinstance(lib.float32, lib.dtype) and isinstance(lib.zeros(1).dtype, lib.dtype)
        assert isinstance(lib.device("cpu"), lib.device) and isinstance(lib.zeros(1).device, lib.device)
        assert not isinstance("float32", lib.dtype)


def test_from_numpy_takes_ndarray_subclasses_and_shares_memory(tmp_path):
    mm = np.memmap(tmp_path / "a.bin", dtype=np.float32, mode="w+", shape=(4, 3))
    t = ember.from_numpy(mm[1:3])
    assert type(t.array) is np.ndarray and t.shape == (2, 3)
    t.array[0, 0] = 5.0
    assert mm[1, 0] == 5.0
    assert torch.from_numpy(mm[1:3]).shape == t.shape
    array = np.zeros(2)
    assert ember.from_numpy(array).array is array
    with raises(TypeError, "from_numpy() expects a numpy.ndarray, got list"):
        ember.from_numpy([1.0])


OUT_CASES = {
    "matmul": lambda lib, a, b, out: lib.matmul(a, b, out=out),
    "mul": lambda lib, a, b, out: lib.mul(a, b, out=out),
    "add": lambda lib, a, b, out: lib.add(a, b, alpha=2, out=out),
    "sub": lambda lib, a, b, out: lib.sub(a, b, out=out),
    "div": lambda lib, a, b, out: lib.div(a, b, rounding_mode="floor", out=out),
}


@pytest.mark.parametrize("name", OUT_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("device", DEVICES)
def test_out_writes_the_result_into_the_tensor_given_as_pytorch_does(name, dtype, device):
    a = np.random.default_rng(0).standard_normal((3, 3)).astype(dtype)
    b = np.random.default_rng(1).uniform(0.5, 2, (3, 3)).astype(dtype)
    results = []
    for lib in (ember, torch):
        out = lib.empty((3, 3), dtype=getattr(lib, np.dtype(dtype).name), device=device)
        result = OUT_CASES[name](lib, lib.tensor(a, device=device), lib.tensor(b, device=device), out)
        assert result is out
        results.append(to_numpy(out))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_out_is_resized_cast_and_refused_as_in_pytorch():
    a = ember.ones(2, 2)
    empty = ember.zeros(0)
    assert ember.matmul(a, a, out=empty) is empty and empty.shape == (2, 2) and empty.tolist() == [[2.0, 2.0]] * 2
    with pytest.warns(UserWarning, match=r"mul\(\): out of shape \(3,\) was resized to \(2, 2\)"):
        ember.mul(a, a, out=ember.zeros(3))
    assert ember.add(ember.ones(2, dtype=ember.long), 1, out=ember.zeros(2)).tolist() == [2.0, 2.0]  # int into float
    with raises(RuntimeError, "add(): expected out of dtype float32, got int64"):
        ember.add(a, 1, out=ember.zeros(2, 2, dtype=ember.long))
    with raises(RuntimeError, "matmul(): expected out of dtype float32, got float64"):  # matmul takes no cast
        ember.matmul(a, a, out=ember.zeros(2, 2, dtype=ember.float64))
    with raises(TypeError, "add(): argument 'out' must be Tensor, not list"):
        ember.add(a, 1, out=[1])
    w = ember.ones(2, requires_grad=True)
    with raises(RuntimeError, "mul(): functions with out=... arguments don't support automatic differentiation"):
        ember.mul(w, 2, out=ember.zeros(2))
    with ember.no_grad():
        assert ember.mul(w, 2, out=ember.zeros(2)).tolist() == [2.0, 2.0]
