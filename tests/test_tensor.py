import pytest
import torch

import ember
from helpers import raises


def _torch_repr_in_ember_words(t):
    """PyTorch's repr, with ember's names: dtype=ember.float64, grad_fn=<MulBackward>."""
    return repr(t).replace("torch.", "ember.").replace("Backward0>", "Backward>")


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


def test_size_of_a_dim_out_of_range():
    with raises(IndexError, "dimension out of range (expected to be in range of [-2, 1], but got 2)"):
        ember.ones(2, 3).size(2)


def test_len_and_iteration_of_a_0d_tensor():
    with raises(TypeError, "len() of a 0-d tensor"):
        len(ember.tensor(1.0))
    with raises(TypeError, "iteration over a 0-d tensor"):
        iter(ember.tensor(1.0))


def test_python_float_as_a_dtype_means_float64_as_in_pytorch():
    assert ember.ones(2).to(float).dtype == ember.float64 and ember.zeros(2, dtype=float).dtype == ember.float64
    assert ember.float == ember.float32
