import itertools
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given

import ember
from helpers import DEVICES, check_gradcheck, check_parity, rand, raises, shapes, to_numpy


def assert_same(ours, theirs):
    """Same numbers, same shape and same dtype as the PyTorch tensor."""
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), f"dtype {ours.dtype}, PyTorch {theirs.dtype}"
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-6)


# -------------------------------------------------------------------------------------------------
# tensor(): from data.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("data", [
    1.5, 3, True, [1.0, 2.0], [1, 2, 3], [True, False], [1, 2.5], [True, 1], [[1, 2], [3, 4]], [],
    np.array([1.0, 2.0]), np.array([1, 2], dtype=np.int32), np.array([1.0], dtype=np.float16),
    np.array([True]), np.float64(2.5), np.float32(2.5), np.int64(4),
], ids=["float", "int", "bool", "floats", "ints", "bools", "int-and-float", "bool-and-int", "nested", "empty",
        "numpy-float64", "numpy-int32", "numpy-float16", "numpy-bool", "numpy-float64-scalar", "numpy-float32-scalar",
        "numpy-int64-scalar"])
def test_tensor_infers_the_dtype_as_pytorch(device, data):
    t = ember.tensor(data, device=device)
    assert_same(t, torch.tensor(data))
    assert t.device == ember.device(device) and not t.requires_grad


@pytest.mark.parametrize("device", DEVICES)
def test_tensor_with_dtype_device_and_requires_grad(device):
    t = ember.tensor([1, 2], dtype=ember.float64, device=device, requires_grad=True)
    assert t.dtype == ember.float64 and t.device == ember.device(device) and t.requires_grad and t.is_leaf
    assert ember.tensor([1.7, -1.2], dtype=ember.long).tolist() == [1, -1]
    assert ember.tensor([1, 2], dtype="float16").dtype == ember.float16


def test_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = ember.tensor(a)
    a[0] = 9.0
    assert t.tolist() == [1.0, 2.0]
    u = ember.tensor(t)
    u.add_(1)
    assert t.tolist() == [1.0, 2.0]


def test_as_tensor_shares_memory_when_it_can():
    a = np.array([1.0, 2.0], dtype=np.float32)
    t = ember.as_tensor(a)
    a[0] = 9.0
    assert t.tolist() == [9.0, 2.0]
    assert ember.as_tensor(t) is t
    assert ember.as_tensor([1, 2]).dtype == ember.int64
    assert ember.as_tensor(a, dtype=ember.float64).dtype == ember.float64


def test_tensor_of_non_numbers():
    with raises(TypeError, "tensor(): expected numbers, got <U1 data"):
        ember.tensor(["a"])


# -------------------------------------------------------------------------------------------------
# Filled with a constant.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib, **k: lib.zeros(2, 3, **k), lambda lib, **k: lib.zeros((2, 3), **k),
    lambda lib, **k: lib.zeros([4], **k), lambda lib, **k: lib.zeros((), **k), lambda lib, **k: lib.ones(3, 1, **k),
    lambda lib, **k: lib.ones((2, 0), **k), lambda lib, **k: lib.ones(2, dtype=lib.int32, **k),
    lambda lib, **k: lib.full((2, 2), 1.5, **k), lambda lib, **k: lib.full((3,), 7, **k),
    lambda lib, **k: lib.full((2,), True, **k), lambda lib, **k: lib.full((2,), 7, dtype=lib.float64, **k),
    lambda lib, **k: lib.empty(2, 3, **k).zero_(), lambda lib, **k: lib.empty((2,), dtype=lib.int64, **k).zero_(),
    lambda lib, **k: lib.zeros(2, dtype=lib.bool, **k),
], ids=["zeros-varargs", "zeros-tuple", "zeros-list", "zeros-0d", "ones", "ones-empty", "ones-int32", "full-float",
        "full-int", "full-bool", "full-dtype", "empty", "empty-int", "zeros-bool"])
def test_constant_tensors(device, make):
    ours = make(ember, device=device)
    assert_same(ours, make(torch))
    assert ours.device == ember.device(device)


@pytest.mark.parametrize("device", DEVICES)
def test_constant_tensors_that_require_grad(device):
    for t in (ember.zeros(2, requires_grad=True, device=device), ember.ones((2, 2), requires_grad=True),
              ember.full((2,), 0.5, requires_grad=True), ember.empty(3, requires_grad=True)):
        assert t.requires_grad and t.is_leaf and t.dtype == ember.float32


# -------------------------------------------------------------------------------------------------
# Ranges.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib, **k: lib.arange(5, **k), lambda lib, **k: lib.arange(2, 7, **k),
    lambda lib, **k: lib.arange(10, 0, -3, **k), lambda lib, **k: lib.arange(1, 2.5, 0.5, **k),
    lambda lib, **k: lib.arange(0.0, 1.0, 0.1, **k), lambda lib, **k: lib.arange(4.0, **k),
    lambda lib, **k: lib.arange(5, dtype=lib.float64, **k),
    lambda lib, **k: lib.arange(0, 1, 0.25, dtype=lib.float64, **k), lambda lib, **k: lib.arange(0, **k),
    lambda lib, **k: lib.linspace(0, 1, 5, **k), lambda lib, **k: lib.linspace(-2, 3, 11, **k),
    lambda lib, **k: lib.linspace(2, 3, 1, **k), lambda lib, **k: lib.linspace(0, 1, 0, **k),
    lambda lib, **k: lib.linspace(0, 10, 4, dtype=lib.float64, **k), lambda lib, **k: lib.eye(3, **k),
    lambda lib, **k: lib.eye(2, 4, **k), lambda lib, **k: lib.eye(3, 2, dtype=lib.int64, **k),
], ids=["arange-n", "arange-start-end", "arange-negative-step", "arange-float-step", "arange-tenths",
        "arange-float-end", "arange-dtype", "arange-float64-step", "arange-empty", "linspace", "linspace-11",
        "linspace-1", "linspace-0", "linspace-float64", "eye", "eye-wide", "eye-int"])
def test_ranges(device, make):
    ours = make(ember, device=device)
    assert_same(ours, make(torch))


@pytest.mark.parametrize("device", DEVICES)
def test_ranges_that_require_grad(device):
    assert ember.arange(3.0, requires_grad=True, device=device).requires_grad
    assert ember.linspace(0, 1, 3, requires_grad=True).requires_grad
    assert ember.eye(2, requires_grad=True).requires_grad


def test_range_errors():
    with raises(RuntimeError, "arange: step must be nonzero"):
        ember.arange(0, 5, 0)
    with raises(RuntimeError, "linspace: steps must be a non-negative int, got -1"):
        ember.linspace(0, 1, -1)


# -------------------------------------------------------------------------------------------------
# Random numbers.

@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes())
def test_random_tensors_have_the_shape_and_dtype_asked_for(device, shape):
    assert ember.rand(shape, device=device).shape == shape and ember.rand(shape).dtype == ember.float32
    assert ember.rand(*shape, 2).shape == shape + (2,)
    assert ember.randn(shape, device=device).shape == shape
    assert ember.randn(*shape, 1, dtype=ember.float64).dtype == ember.float64
    t = ember.randint(-3, 4, shape, device=device)
    assert t.shape == shape and t.dtype == ember.int64 and t.device == ember.device(device)


@pytest.mark.parametrize("device", DEVICES)
def test_random_numbers_come_from_the_right_distribution(device):
    ember.manual_seed(0)
    u = np.asarray(ember.rand(20000, device=device).tolist())
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    n = np.asarray(ember.randn(20000, dtype=ember.float64, device=device).tolist())
    assert abs(n.mean()) < 0.03 and abs(n.std() - 1) < 0.03
    i = np.asarray(ember.randint(-3, 4, (20000,), device=device).tolist())
    assert set(i.tolist()) == set(range(-3, 4))
    assert set(ember.randint(5, (1000,)).tolist()) == set(range(5))
    assert sorted(ember.randperm(50, device=device).tolist()) == list(range(50))
    assert ember.randperm(5).dtype == ember.int64


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("draw", [
    lambda **k: ember.rand(3, 2, **k), lambda **k: ember.randn(4, **k), lambda **k: ember.randint(0, 100, (5,), **k),
    lambda **k: ember.randperm(10, **k),
], ids=["rand", "randn", "randint", "randperm"])
def test_random_numbers_repeat_with_manual_seed_or_a_generator(device, draw):
    ember.manual_seed(123)
    first = draw(device=device).tolist()
    ember.manual_seed(123)
    assert draw(device=device).tolist() == first
    assert draw(device=device).tolist() != first
    g1, g2 = ember.Generator(device).manual_seed(7), ember.Generator(device).manual_seed(7)
    ember.manual_seed(123)
    from_g1 = draw(device=device, generator=g1).tolist()
    assert draw(device=device).tolist() == first  # a generator leaves the default one alone
    assert draw(device=device, generator=g2).tolist() == from_g1
    assert draw(device=device, generator=g1).tolist() != from_g1


def test_manual_seed_returns_the_default_generator():
    gen = ember.manual_seed(5)
    assert isinstance(gen, ember.Generator) and gen.initial_seed() == 5 and gen is ember.default_generator


@pytest.mark.parametrize("device", DEVICES)
def test_random_tensors_with_dtype_and_requires_grad(device):
    assert ember.rand(2, dtype=ember.float64, requires_grad=True, device=device).requires_grad
    assert ember.randn(2, requires_grad=True).is_leaf
    assert ember.randint(0, 5, (3,), dtype=ember.int32).dtype == ember.int32
    assert ember.randint(0, 5, (3,), dtype=ember.float32).dtype == ember.float32
    assert ember.randperm(4, dtype=ember.int32, device=device).dtype == ember.int32


def test_random_errors():
    with raises(TypeError, "rand: random floats need a floating point dtype, got int64"):
        ember.rand(2, dtype=ember.int64)
    with raises(RuntimeError, "randint: high (2) must be greater than low (5)"):
        ember.randint(5, 2, (3,))
    with raises(TypeError, "randint: give a size, e.g. randint(0, 10, (3,))"):
        ember.randint(10)
    with raises(TypeError, "a seed is an int, got float"):
        ember.manual_seed(1.5)


# -------------------------------------------------------------------------------------------------
# The *_like forms.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib, t: lib.zeros_like(t), lambda lib, t: lib.ones_like(t), lambda lib, t: lib.full_like(t, 2.5),
    lambda lib, t: lib.empty_like(t).zero_(), lambda lib, t: lib.zeros_like(t, dtype=lib.int64),
    lambda lib, t: lib.ones_like(t, dtype=lib.float64), lambda lib, t: lib.full_like(t.long(), 2.7),
], ids=["zeros_like", "ones_like", "full_like", "empty_like", "zeros_like-dtype", "ones_like-dtype",
        "full_like-int"])
def test_like_forms(device, make):
    ours = make(ember, ember.tensor([[1.5, 2.0, 3.0]], device=device))
    assert_same(ours, make(torch, torch.tensor([[1.5, 2.0, 3.0]])))
    assert ours.device == ember.device(device)


@pytest.mark.parametrize("device", DEVICES)
def test_random_like_forms(device):
    t = ember.zeros(2, 3, dtype=ember.float64, device=device)
    for made in (ember.rand_like(t), ember.randn_like(t)):
        assert made.shape == (2, 3) and made.dtype == ember.float64 and made.device == ember.device(device)
    ints = ember.randint_like(t, 3, 6)
    assert ints.shape == (2, 3) and ints.dtype == ember.float64 and set(ints.tolist()[0]) <= {3.0, 4.0, 5.0}
    assert set(ember.randint_like(ember.zeros(500, dtype=ember.long), 4).tolist()) == {0, 1, 2, 3}
    assert ember.rand_like(t, dtype=ember.float32).dtype == ember.float32


def test_like_forms_with_requires_grad():
    t = ember.ones(2, 3)
    for made in (ember.zeros_like(t, requires_grad=True), ember.ones_like(t, requires_grad=True),
                 ember.full_like(t, 3.0, requires_grad=True), ember.empty_like(t, requires_grad=True),
                 ember.rand_like(t, requires_grad=True), ember.randn_like(t, requires_grad=True)):
        assert made.requires_grad and made.is_leaf and made.shape == (2, 3)
    assert not ember.zeros_like(ember.ones(2, requires_grad=True)).requires_grad


# -------------------------------------------------------------------------------------------------
# The rest of PyTorch's creation functions, against torch.

def _made(lib, make, device):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # range is deprecated in both; frombuffer of bytes warns in torch
        return make(lib, device=device) if lib is ember else make(lib)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib, **k: lib.zeros(torch.Size([2, 3]), **k), lambda lib, **k: lib.ones([2, 1], dtype=lib.uint8, **k),
    lambda lib, **k: lib.range(1, 4, **k), lambda lib, **k: lib.range(0, 1, 0.25, **k),
    lambda lib, **k: lib.range(5, 1, -2, dtype=lib.long, **k), lambda lib, **k: lib.arange(0.5, **k),
    lambda lib, **k: lib.arange(lib.tensor(4), **k), lambda lib, **k: lib.arange(1, 4, dtype=lib.int16, **k),
    lambda lib, **k: lib.linspace(lib.tensor(0.0), lib.tensor(1.0), 4, **k),
    lambda lib, **k: lib.linspace(0, 10, 5, dtype=lib.int64, **k), lambda lib, **k: lib.logspace(0, 2, 3, **k),
    lambda lib, **k: lib.logspace(-1, 2, 4, base=2, **k), lambda lib, **k: lib.logspace(0, 2, 3, dtype=lib.long, **k),
    lambda lib, **k: lib.eye(0, **k), lambda lib, **k: lib.scalar_tensor(3, **k),
    lambda lib, **k: lib.scalar_tensor(True, dtype=lib.long, **k), lambda lib, **k: lib.full((2,), 1.5, dtype=lib.int32, **k),
    lambda lib, **k: lib.tril_indices(3, 4, 1, **k), lambda lib, **k: lib.triu_indices(3, 3, -1, **k),
    lambda lib, **k: lib.tril_indices(4, 2, -1, dtype=lib.int32, **k), lambda lib, **k: lib.triu_indices(0, 3, **k),
    lambda lib, **k: lib.tensor([lib.tensor(1), 2.5], **k), lambda lib, **k: lib.tensor([[lib.tensor(2.0)]], **k),
    lambda lib, **k: lib.tensor([True, 2, 3.5], **k), lambda lib, **k: lib.tensor(np.array([1, 2], np.uint16), **k),
    lambda lib, **k: lib.asarray([1, 2.5], **k), lambda lib, **k: lib.asarray(np.arange(3.0), dtype=lib.float32, **k),
], ids=["zeros-Size", "ones-list-uint8", "range", "range-float", "range-down-long", "arange-half", "arange-tensor",
        "arange-int16", "linspace-tensors", "linspace-int", "logspace", "logspace-base2", "logspace-long", "eye-0",
        "scalar_tensor", "scalar_tensor-long", "full-int32", "tril_indices", "triu_indices", "tril_indices-int32",
        "triu_indices-empty", "tensor-of-0d-tensors", "tensor-nested-tensor", "tensor-mixed", "tensor-uint16",
        "asarray-list", "asarray-numpy-dtype"])
def test_creation_functions_as_pytorch(device, make):
    ours = _made(ember, make, device)
    assert_same(ours, _made(torch, make, device))
    assert ours.device == ember.device(device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("window", ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
                                    "kaiser_window"])
def test_windows_as_pytorch(device, window):
    for length, periodic, dtype in itertools.product((0, 1, 2, 7), (True, False), ("float32", "float64")):
        ours = getattr(ember, window)(length, periodic, dtype=getattr(ember, dtype), device=device)
        theirs = getattr(torch, window)(length, periodic, dtype=getattr(torch, dtype))
        assert str(ours.dtype) == dtype and ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(to_numpy(ours), theirs.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(getattr(ember, window)(6)), getattr(torch, window)(6), rtol=1e-5, atol=1e-6)


def test_window_parameters():
    assert_same(ember.hamming_window(6, True, 0.6, 0.4), torch.hamming_window(6, True, 0.6, 0.4))
    assert_same(ember.kaiser_window(6, False, 5.0), torch.kaiser_window(6, False, 5.0))
    assert ember.hann_window(4, requires_grad=True).requires_grad


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib, x: lib.vander(x), lambda lib, x: lib.vander(x, N=2), lambda lib, x: lib.vander(x, 4, increasing=True),
], ids=["square", "N2", "increasing"])
def test_vander(device, make):
    """Forward parity only: PyTorch 2.13's own vander backward fails (it changes a saved tensor in place)."""
    check_gradcheck(make, rand(3), device=device)
    for dtype in (np.float64, np.float32):
        check_parity(make, rand(3), device=device, dtype=dtype, backward=False)
    ints = [ember.tensor([1, 2, 3], dtype=ember.int32, device=device), torch.tensor([1, 2, 3], dtype=torch.int32)]
    assert_same(make(ember, ints[0]), make(torch, ints[1]))
    assert_same(ember.vander(ember.tensor([True, False]), 0), torch.vander(torch.tensor([True, False]), 0))


@pytest.mark.parametrize("device", DEVICES)
def test_empty_strided_and_empty_permuted_lay_out_memory_as_asked(device):
    t = ember.empty_strided((2, 3), (1, 2), device=device)
    assert t.shape == (2, 3) and tuple(s // 4 for s in t.array.strides) == torch.empty_strided((2, 3), (1, 2)).stride()
    p = ember.empty_permuted((2, 3, 4), (0, 2, 1), dtype=ember.float64, device=device)
    assert p.shape == (2, 3, 4) and p.dtype == ember.float64
    assert tuple(s // 8 for s in p.array.strides) == torch.empty_permuted((2, 3, 4), (0, 2, 1)).stride()
    assert p.dim_order() == torch.empty_permuted((2, 3, 4), (0, 2, 1)).dim_order()
    assert ember.empty_strided((0, 3), (3, 1)).shape == (0, 3)


def test_frombuffer_shares_memory_with_the_buffer():
    buffer = bytearray(np.arange(4, dtype=np.int16).tobytes())
    assert_same(ember.frombuffer(buffer, dtype=ember.int16, count=2, offset=2),
                torch.frombuffer(bytearray(buffer), dtype=torch.int16, count=2, offset=2))
    t = ember.frombuffer(buffer, dtype=ember.int16)
    buffer[0] = 9
    assert t.tolist() == [9, 1, 2, 3]


def test_asarray_shares_or_copies_as_asked():
    a = np.arange(3.0)
    assert ember.asarray(a).array is a and ember.asarray(a, copy=True).array is not a
    t = ember.ones(2)
    assert ember.asarray(t) is t
    shared = ember.asarray(t, requires_grad=True)
    assert shared.requires_grad and not t.requires_grad and shared.array is t.array
    with raises(ValueError, "asarray(copy=False): a list with dtype=None, device=None cannot be made a tensor"):
        ember.asarray([1, 2], copy=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib, t: t.new_zeros(2, 3), lambda lib, t: t.new_ones((2,)), lambda lib, t: t.new_full((2, 2), 7),
    lambda lib, t: t.new_empty(3).zero_(), lambda lib, t: t.new_tensor([1.5, 2.5]),
    lambda lib, t: t.new_zeros(2, dtype=lib.float64), lambda lib, t: t.long().new_tensor([1.5]),
    lambda lib, t: t.long().new_full((2,), 2.5), lambda lib, t: t.new_tensor(lib.ones(2, dtype=lib.int32)),
], ids=["new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "new_zeros-dtype", "new_tensor-long",
        "new_full-long", "new_tensor-of-tensor"])
def test_new_tensors_take_dtype_and_device_of_self(device, make):
    ours = make(ember, ember.tensor([1.0, 2.0], device=device))
    assert_same(ours, make(torch, torch.tensor([1.0, 2.0])))
    assert ours.device == ember.device(device)
    assert ember.ones(2).new_zeros(2, requires_grad=True).requires_grad


@pytest.mark.parametrize("make, error, message", [
    (lambda: ember.zeros(), TypeError, "zeros() missing its size, e.g. zeros(2, 3) or zeros((2, 3))"),
    (lambda: ember.ones(2, -1), RuntimeError, "ones: sizes must be non-negative, got (2, -1)"),
    (lambda: ember.arange(0, 5, -1), RuntimeError, "arange: the bounds 0 -> 5 go the other way from step -1"),
    (lambda: ember.arange(math.inf), RuntimeError, "arange: unsupported range 0 -> inf"),
    (lambda: ember.eye(-1), RuntimeError, "eye: n must be greater or equal to 0, got -1"),
    (lambda: ember.eye(2, -3), RuntimeError, "eye: m must be greater or equal to 0, got -3"),
    (lambda: ember.hann_window(-1), RuntimeError, "hann_window: window_length must be non-negative, got -1"),
    (lambda: ember.hann_window(3, dtype=ember.long), RuntimeError, "hann_window: expected a floating point dtype, got int64"),
    (lambda: ember.vander(ember.ones(2, 2)), RuntimeError, "vander: x must be a one-dimensional tensor, got 2-D"),
    (lambda: ember.vander(ember.ones(2), N=-1), RuntimeError, "vander: N must be non-negative, got -1"),
    (lambda: ember.tril_indices(-1, 3), RuntimeError, "tril_indices: row must be non-negative, got -1"),
    (lambda: ember.triu_indices(3, -2), RuntimeError, "triu_indices: col must be non-negative, got -2"),
    (lambda: ember.empty_strided((2, 3), (1,)), RuntimeError, "empty_strided: size (2, 3) and stride (1,) must"),
    (lambda: ember.empty_permuted((2, 3), (0, 0)), RuntimeError, "empty_permuted: physical_layout (0, 0) must order"),
    (lambda: ember.tensor([ember.ones(2)]), ValueError, "tensor(): only one-element tensors can be elements of a"),
    (lambda: ember.tensor([[1], [2, 3]]), ValueError, "tensor(): expected a rectangular nested list"),
    (lambda: ember.frombuffer(bytearray(), dtype=ember.int16), ValueError, "frombuffer: both the buffer's length (0)"),
    (lambda: ember.frombuffer(bytearray(3), dtype=ember.int16), ValueError,
     "frombuffer: the buffer's length after offset (3 bytes) must be a multiple of the element size (2)"),
    (lambda: ember.frombuffer(bytearray(4), dtype=ember.int16, offset=5), ValueError,
     "frombuffer: offset (5 bytes) must be in [0, buffer length (4 bytes))"),
    (lambda: ember.frombuffer(bytearray(4), dtype=ember.int16, count=5), ValueError,
     "frombuffer: 5 elements of 2 bytes after offset (0 bytes) do not fit in the buffer (4 bytes)"),
])
def test_creation_errors(make, error, message):
    with raises(error, message):
        make()


def test_range_is_deprecated_as_in_pytorch():
    with pytest.warns(UserWarning, match="ember.range is deprecated"):
        ember.range(0, 2)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(max_side=3))
def test_filled_and_like_forms_of_any_shape_as_pytorch(device, shape):
    for make in (lambda lib: lib.zeros(shape), lambda lib: lib.ones(*shape, 1, dtype=lib.int32),
                 lambda lib: lib.full(shape, 2.5), lambda lib: lib.zeros_like(lib.ones(shape), dtype=lib.bool),
                 lambda lib: lib.full_like(lib.ones(shape, dtype=lib.int64), 3), lambda lib: lib.ones(shape).new_ones(shape)):
        assert_same(make(ember), make(torch))
