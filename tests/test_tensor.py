import numpy as np
import pytest
import torch

import ember
from helpers import DEVICES, check_parity, rand, raises, tensor_for, to_numpy


def _torch_repr_in_ember_words(t):
    """PyTorch's repr, with ember's names: dtype=ember.float64, grad_fn=<MulBackward>."""
    return repr(t).replace("torch.", "ember.").replace("Backward0>", "Backward>")


# -------------------------------------------------------------------------------------------------
# What a tensor is.

@pytest.mark.parametrize("device", DEVICES)
def test_attributes(device):
    x = ember.zeros(2, 3, 4, device=device)
    assert x.shape == (2, 3, 4) and x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert x.dtype == ember.float32 and x.device == ember.device(device) and x.is_cuda == (device == "cuda")
    assert x.ndim == 3 and x.dim() == 3 and x.numel() == 24 and len(x) == 2 and x.element_size() == 4
    assert x.is_floating_point() and not ember.zeros(2, dtype=ember.long, device=device).is_floating_point()
    assert ember.tensor(1.5).ndim == 0 and ember.tensor(1.5).numel() == 1 and ember.tensor(1.5).shape == ()


def test_attributes_match_pytorch():
    for lib in (ember, torch):
        x = lib.ones(2, 3, dtype=lib.float64)
        assert (tuple(x.shape), x.ndim, x.dim(), x.numel(), len(x), x.size(0), x.size(-1)) == ((2, 3), 2, 2, 6, 2, 2, 3)


def test_size_of_a_dim_out_of_range():
    with raises(IndexError, "dimension out of range (expected to be in range of [-2, 1], but got 2)"):
        ember.ones(2, 3).size(2)


def test_len_and_iteration_of_a_0d_tensor():
    with raises(TypeError, "len() of a 0-d tensor"):
        len(ember.tensor(1.0))
    with raises(TypeError, "iteration over a 0-d tensor"):
        iter(ember.tensor(1.0))


@pytest.mark.parametrize("device", DEVICES)
def test_iteration_gives_the_rows(device):
    x = ember.tensor([[1, 2], [3, 4], [5, 6]], device=device)
    rows = list(x)
    assert len(rows) == 3 and all(r.shape == (2,) for r in rows) and rows[2].tolist() == [5, 6]


# -------------------------------------------------------------------------------------------------
# Conversions.

@pytest.mark.parametrize("device", DEVICES)
def test_item(device):
    assert ember.tensor(2.5, device=device).item() == 2.5
    assert ember.tensor([[3]], device=device).item() == 3 and isinstance(ember.tensor([[3]]).item(), int)
    assert isinstance(ember.tensor(True).item(), bool)
    assert float(ember.tensor([1.5])) == 1.5 and int(ember.tensor(7)) == 7


def test_item_of_several_elements():
    with raises(RuntimeError, "a tensor with 2 elements cannot be converted to a Python number"):
        ember.ones(2).item()
    with raises(RuntimeError, "the truth value of a tensor with 2 elements is ambiguous"):
        bool(ember.ones(2))


@pytest.mark.parametrize("device", DEVICES)
def test_tolist(device):
    for data in ([[1.5, 2.0], [3.0, 4.0]], [1, 2, 3], [True, False], 2.5):
        assert ember.tensor(data, device=device).tolist() == torch.tensor(data).tolist()


def test_numpy_shares_memory():
    x = ember.tensor([1.0, 2.0, 3.0])
    a = x.numpy()
    a[0] = 10.0
    assert x.tolist() == [10.0, 2.0, 3.0]
    x.add_(1)
    assert a.tolist() == [11.0, 3.0, 4.0]
    assert np.shares_memory(np.asarray(x), a)


def test_numpy_asarray_of_a_tensor():
    x = ember.tensor([[1.0, 2.0]])
    a = np.asarray(x)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32 and a.tolist() == [[1.0, 2.0]]
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert np.array(x).tolist() == [[1.0, 2.0]]


def test_numpy_of_a_tensor_that_requires_grad():
    x = ember.ones(2, requires_grad=True)
    with raises(RuntimeError, "can't call numpy() on a tensor that requires grad; use tensor.detach().numpy()"):
        x.numpy()
    with raises(RuntimeError, "can't call numpy() on a tensor that requires grad"):
        np.asarray(x * 2)
    assert x.detach().numpy().tolist() == [1.0, 1.0]


@pytest.mark.cuda
@pytest.mark.skipif(not ember.cuda.is_available(), reason="no CUDA GPU (CuPy) here")
def test_numpy_of_a_cuda_tensor():
    with raises(TypeError, "can't convert a cuda tensor to numpy; use tensor.cpu() first"):
        ember.ones(2, device="cuda").numpy()
    assert ember.ones(2, device="cuda").cpu().numpy().tolist() == [1.0, 1.0]


def test_from_numpy_shares_memory_both_ways():
    a = np.array([1.0, 2.0], dtype=np.float64)
    x = ember.from_numpy(a)
    assert x.dtype == ember.float64
    a[0] = 5.0
    assert x.tolist() == [5.0, 2.0]
    x.mul_(2)
    assert a.tolist() == [10.0, 4.0]
    x[1] = 0.0
    assert a.tolist() == [10.0, 0.0]


def test_from_numpy_errors():
    with raises(TypeError, "from_numpy() expects a numpy.ndarray, got list"):
        ember.from_numpy([1.0])
    with raises(TypeError, "ember has no dtype complex64"):
        ember.from_numpy(np.ones(2, dtype=np.complex64))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("convert", [
    lambda lib, x: x.to(lib.float64), lambda lib, x: x.to(dtype=lib.int64), lambda lib, x: x.to(float),
    lambda lib, x: x.to(int), lambda lib, x: x.to(bool), lambda lib, x: x.to(x.device, lib.float16),
    lambda lib, x: x.float(), lambda lib, x: x.double(), lambda lib, x: x.half(), lambda lib, x: x.long(),
    lambda lib, x: x.int(), lambda lib, x: x.bool(), lambda lib, x: x.type_as(lib.ones(1, dtype=lib.int32)),
    lambda lib, x: x.to(lib.zeros(1, dtype=lib.float64, device=x.device)),
], ids=["to-float64", "to-dtype-int64", "to-float", "to-int", "to-bool", "to-device-float16", "float", "double",
        "half", "long", "int", "bool", "type_as", "to-other"])
def test_dtype_conversions(device, convert):
    x = np.array([-1.7, 0.0, 0.4, 2.5])
    check_parity(convert, x, device=device, dtype=np.float32)


def test_python_float_as_a_dtype_means_float64_as_in_pytorch():
    assert ember.ones(2).to(float).dtype == ember.float64 and ember.zeros(2, dtype=float).dtype == ember.float64
    assert ember.float == ember.float32


def test_to_something_it_already_is_returns_the_tensor():
    x = ember.ones(2)
    assert x.to(ember.float32) is x and x.to("cpu") is x and x.to(x) is x and x.cpu() is x


def test_to_something_neither_a_device_nor_a_dtype_says_so():
    assert ember.ones(2).to("float64").dtype == ember.float64  # a dtype's name is read as the dtype
    with raises(TypeError, "not a device or dtype: 'gpu'"):
        ember.ones(2).to("gpu")
    with raises(TypeError, "not a device or dtype: 'gpu'"):
        ember.nn.Linear(2, 2).to("gpu")


@pytest.mark.cuda
@pytest.mark.skipif(not ember.cuda.is_available(), reason="no CUDA GPU (CuPy) here")
def test_to_device_and_back():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.to("cuda")
    assert y.device == "cuda:0" and y.is_cuda and x.to(y).device == "cuda:0" and x.cuda().device == "cuda:0"
    assert y.to("cpu", ember.float64).dtype == ember.float64
    (y * y).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0] and x.grad.device == "cpu"


def test_detach_and_clone():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and np.shares_memory(d.numpy(), x.array)
    c = x.clone()
    assert c.requires_grad and c.grad_fn is not None and not np.shares_memory(c.array, x.array)
    (c * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    plain = ember.tensor([1.0])
    copy = plain.clone()
    copy.add_(1)
    assert plain.tolist() == [1.0] and copy.tolist() == [2.0]


# -------------------------------------------------------------------------------------------------
# Printing: the same text as PyTorch, with ember's names.

@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1.0, 2.0]),
    lambda lib: lib.tensor([1.0, 2.0], requires_grad=True),
    lambda lib: lib.tensor([1.5, 2.25]),
    lambda lib: lib.tensor([[1.123456, -2.0], [3.0, 4.0]]),
    lambda lib: lib.tensor(1.5),
    lambda lib: lib.tensor(3),
    lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float64),
    lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float64, requires_grad=True),
    lambda lib: lib.tensor([1.5, 2.0], requires_grad=True) * 2,
    lambda lib: lib.tensor([1e-5, 1.0]),
    lambda lib: lib.tensor([1.0, 1e4]),
    lambda lib: lib.tensor([1e10, 2.5]),
    lambda lib: lib.tensor([float("nan"), float("inf"), -1.5]),
    lambda lib: lib.tensor([True, False]),
    lambda lib: lib.tensor([1, 2], dtype=lib.int32),
    lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float16),
    lambda lib: lib.zeros(0),
    lambda lib: lib.zeros(0, 3),
    lambda lib: lib.arange(30.0),
    lambda lib: lib.linspace(0, 1, 25),
    lambda lib: lib.arange(24).reshape(2, 3, 4),
    lambda lib: lib.full((2, 9), 0.123456),
], ids=["whole", "requires_grad", "decimals", "matrix", "0d", "int-0d", "float64", "float64-requires_grad",
        "grad_fn", "tiny", "wide-range", "huge", "nan-inf", "bool", "int32", "float16", "empty", "empty-2d",
        "wrapped", "wrapped-decimals", "3d", "wide-rows"])
def test_repr_looks_like_pytorch(make):
    assert repr(make(ember)) == _torch_repr_in_ember_words(make(torch))


@pytest.mark.cuda
@pytest.mark.skipif(not ember.cuda.is_available(), reason="no CUDA GPU (CuPy) here")
def test_repr_of_a_cuda_tensor():
    assert repr(ember.tensor([1.0, 2.0], device="cuda")) == "tensor([1., 2.], device='cuda:0')"


# -------------------------------------------------------------------------------------------------
# In place.

def _beside(lib, x, data):
    """An operand for an in-place method of x: a tensor of data on x's device."""
    return lib.tensor(data).to(x.device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("change", [
    lambda lib, x: x.add_(_beside(lib, x, [1.0, 1.0, 1.0])),
    lambda lib, x: x.add_(_beside(lib, x, [1.0, 2.0, 3.0]), alpha=2),
    lambda lib, x: x.add_(2.5),
    lambda lib, x: x.sub_(_beside(lib, x, [1.0])),
    lambda lib, x: x.sub_(1.0, alpha=3),
    lambda lib, x: x.mul_(_beside(lib, x, [[2.0], [3.0]])),
    lambda lib, x: x.mul_(0.5),
    lambda lib, x: x.div_(_beside(lib, x, [2.0, 4.0, 8.0])),
    lambda lib, x: x.div_(2),
    lambda lib, x: x.fill_(3.5),
    lambda lib, x: x.fill_(_beside(lib, x, -1.0)),
    lambda lib, x: x.zero_(),
    lambda lib, x: x.copy_(_beside(lib, x, [7.0, 8.0, 9.0])),
    lambda lib, x: x.copy_(_beside(lib, x, [[1, 2, 3], [4, 5, 6]])),
    lambda lib, x: x.clamp_(-0.5, 0.5),
    lambda lib, x: x.clamp_(min=0.0),
    lambda lib, x: x.clamp_(max=0.1),
], ids=["add_", "add_-alpha", "add_-number", "sub_", "sub_-alpha", "mul_", "mul_-number", "div_", "div_-number",
        "fill_", "fill_-tensor", "zero_", "copy_", "copy_-int", "clamp_", "clamp_-min", "clamp_-max"])
def test_in_place_methods_change_the_data_and_bump_the_version(device, change):
    data = rand(2, 3, dtype=np.float32)
    ours, theirs = ember.tensor(data, device=device), torch.tensor(data)
    assert change(ember, ours) is ours
    change(torch, theirs)
    assert ours._version == theirs._version == 1
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_random_in_place_methods(device):
    gen = ember.Generator(device, seed=3)
    x = ember.zeros(2000, device=device, dtype=ember.float64)
    assert x.uniform_(-2, 3, generator=gen) is x and x._version == 1
    values = np.asarray(x.tolist())
    assert values.min() >= -2 and values.max() < 3 and abs(values.mean() - 0.5) < 0.15
    x.normal_(mean=1.0, std=2.0, generator=gen)
    values = np.asarray(x.tolist())
    assert x._version == 2 and abs(values.mean() - 1.0) < 0.2 and abs(values.std() - 2.0) < 0.2
    a = ember.zeros(5, device=device).uniform_(generator=ember.Generator(device, seed=1))
    b = ember.zeros(5, device=device).uniform_(generator=ember.Generator(device, seed=1))
    assert a.tolist() == b.tolist()
    assert ember.zeros(3, device=device).normal_().dtype == ember.float32


def test_in_place_on_an_operand_of_another_device():
    if not ember.cuda.is_available():
        pytest.skip("no CUDA GPU (CuPy) here")
    with raises(RuntimeError, "expected a tensor on cpu, got one on cuda:0"):
        ember.ones(2).add_(ember.ones(2, device="cuda"))


@pytest.mark.parametrize("device", DEVICES)
def test_data_is_a_tensor_of_the_same_memory_outside_the_graph(device):
    for lib in (ember, torch):
        p = tensor_for(lib, [1.0, 2.0], device, requires_grad=True)
        (p * 3).sum().backward()
        view = p.data
        assert isinstance(view, lib.Tensor) and not view.requires_grad and view.grad_fn is None
        p.data.add_(p.grad, alpha=-0.5)  # SGD by hand, as PyTorch tutorials write it
        assert p.tolist() == [-0.5, 0.5] and p.requires_grad
        p.data = tensor_for(lib, [4.0, 5.0, 6.0], device)
        assert p.tolist() == [4.0, 5.0, 6.0] and p.requires_grad


def test_data_can_be_set_only_to_a_tensor():
    with raises(TypeError, "tensor.data must be set to a Tensor, got list"):
        ember.ones(2).data = [1.0, 2.0]


@pytest.mark.parametrize("device", DEVICES)
def test_augmented_assignment_under_no_grad_changes_the_leaf_itself(device):
    for lib in (ember, torch):
        w = tensor_for(lib, [1.0, -2.0], device, requires_grad=True)
        (w * w).sum().backward()
        alias = w
        with lib.no_grad():
            w -= 0.25 * w.grad   # gradient descent by hand
            w *= 2
            w /= 4
            w += 1
        w.grad.zero_()
        assert w is alias and w.requires_grad and w.is_leaf
        assert w.tolist() == [1.25, 0.5] and w.grad.tolist() == [0.0, 0.0]


def test_augmented_assignment_on_a_leaf_that_requires_grad_is_refused():
    w = ember.ones(2, requires_grad=True)
    with raises(RuntimeError, "add_: a leaf tensor that requires grad cannot be changed in place"):
        w += 1


def test_augmented_assignment_inside_a_graph_gives_the_same_numbers_and_gradients():
    def f(lib, x):
        h = x * 2
        h += x        # out = relu(h) + identity, as residual blocks write it
        h *= x
        return h

    check_parity(f, rand(3, 4))


def test_augmented_assignment_on_a_plain_tensor_is_in_place():
    x = ember.zeros(3)
    alias = x
    x += ember.tensor([1.0, 2.0, 3.0])
    assert x is alias and x._version == 1 and x.tolist() == [1.0, 2.0, 3.0]


# -------------------------------------------------------------------------------------------------
# The rest of PyTorch's Tensor API: detach_, as_subclass, retains_grad, new, fill_diagonal_, resize_ ...

def test_detach_in_place_makes_a_leaf_that_needs_no_gradient():
    for lib in (ember, torch):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        assert y.detach_() is y and y.is_leaf and not y.requires_grad and y.grad_fn is None
        assert lib.detach(x * 3).requires_grad is False


def test_as_subclass_shares_memory_and_the_graph():
    class Marked(ember.Tensor):
        pass
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    m = x.as_subclass(Marked)
    assert type(m) is Marked and np.shares_memory(m.array, x.array)
    (m * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    with raises(TypeError, "as_subclass: expected a subclass of Tensor, got <class 'int'>"):
        x.as_subclass(int)


def test_retains_grad_says_whether_retain_grad_was_called_and_calling_it_twice_counts_once():
    for lib in (ember, torch):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        assert y.retains_grad is False
        y.retain_grad()
        y.retain_grad()
        (y * 3).sum().backward()
        assert y.retains_grad is True and y.grad.tolist() == [3.0, 3.0]
        assert x.retains_grad is False


def test_small_questions_answer_as_pytorch():
    for lib in (ember, torch):
        x = lib.ones(2, 3)
        assert (x.is_meta, x.is_mps, x.is_inference(), lib.is_inference(x), lib.get_device(x)) == \
            (False, False, False, False, -1)
        assert x.const_data_ptr() == x.data_ptr()
        assert repr(x.layout).endswith(".strided") and x.layout is lib.strided and isinstance(lib.strided, lib.layout)


def test_legacy_new_makes_tensors_of_the_same_dtype():
    for lib in (ember, torch):
        x = lib.ones(2, dtype=lib.float64)
        assert tuple(x.new(2, 3).shape) == (2, 3) and x.new(2, 3).dtype == lib.float64
        assert x.new([1, 2]).tolist() == [1.0, 2.0] and x.new([1, 2]).dtype == lib.float64
        assert tuple(x.new().shape) == (0,)


@pytest.mark.parametrize("shape, wrap", [((3, 3), False), ((7, 3), True), ((7, 3), False), ((3, 5), True),
                                         ((2, 2, 2), False)])
def test_fill_diagonal(shape, wrap):
    results = [lib.zeros(*shape).fill_diagonal_(5.0, wrap=wrap).numpy() for lib in (ember, torch)]
    np.testing.assert_array_equal(*results)


def test_fill_diagonal_errors():
    with raises(RuntimeError, "fill_diagonal_: expected a matrix or a tensor with all dimensions equal, got shape"):
        ember.zeros(2, 3, 4).fill_diagonal_(1.0)
    with raises(RuntimeError, "fill_diagonal_: a leaf tensor that requires grad cannot be changed in place"):
        ember.zeros(2, 2, requires_grad=True).fill_diagonal_(1.0)


@pytest.mark.parametrize("sizes", [(2, 2), (6,), (3, 1, 2), (0,)])
def test_resize_keeps_the_numbers_in_order(sizes):
    for lib in (ember, torch):
        x = lib.arange(6.0)
        assert x.resize_(*sizes) is x and tuple(x.shape) == sizes
    np.testing.assert_array_equal(ember.arange(6.0).resize_(*sizes).numpy(), torch.arange(6.0).resize_(*sizes).numpy())
    grown = ember.arange(4.0).resize_(3, 3)
    assert grown.flatten()[:4].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert ember.resize_as_(ember.ones(4), ember.zeros(2, 2)).shape == (2, 2)
    with raises(RuntimeError, "resize_: cannot resize a tensor that requires grad"):
        ember.ones(2, requires_grad=True).resize_(4)


@pytest.mark.parametrize("make", [lambda lib: lib.tensor([1.0, -2.0, 0.5]), lambda lib: lib.arange(12).reshape(3, 4),
                                  lambda lib: lib.tensor(7), lambda lib: lib.tensor([True, False, True])])
def test_hash_tensor_is_pytorchs(make):
    for dim in (None, 0, -1):
        a, b = (make(lib) for lib in (ember, torch))
        if dim is not None and a.ndim == 0:
            continue
        mine, theirs = (lib.hash_tensor(t) if dim is None else t.hash_tensor(dim, keepdim=True)
                        for lib, t in ((ember, a), (torch, b)))
        assert mine.dtype == ember.uint64 and mine.tolist() == theirs.tolist()


def test_torch_level_forms_of_methods():
    x = ember.ones(3)
    assert ember.fill(x, 2.0).tolist() == [2.0] * 3 and x.tolist() == [1.0] * 3
    assert ember.fill_(x, 4.0) is x and x.tolist() == [4.0] * 3
    assert ember.zero_(x).tolist() == [0.0] * 3
