"""bfloat16 and float16: 16-bit storage, float32 arithmetic rounded to nearest-even, models converted whole."""

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from helpers import DEVICES, raises, to_numpy

LOW = {"bfloat16": (ember.bfloat16, torch.bfloat16), "float16": (ember.float16, torch.float16)}


def bits(x):
    """The 16-bit patterns of an ember or torch tensor of a 16-bit dtype."""
    if isinstance(x, torch.Tensor):
        return x.view(torch.int16).numpy().view(np.uint16)
    return to_numpy(x).view(np.uint16)


def halfway_values():
    """float32 numbers that lie exactly between two bfloat16 (or float16) ones, and their neighbours."""
    ones = np.float32(1.0) + np.float32(2.0) ** -np.arange(5, 14, dtype=np.float32)
    sample = np.random.default_rng(0).standard_normal(200).astype(np.float32)
    return np.concatenate([ones, -ones, ones * 3, sample, [0.0, -0.0, np.inf, -np.inf, 3.0e38]]).astype(np.float32)


@pytest.mark.parametrize("name", LOW)
def test_casting_float32_rounds_to_nearest_even_as_pytorch(name):
    ours, theirs = LOW[name]
    values = halfway_values()
    assert (bits(ember.tensor(values).to(ours)) == bits(torch.tensor(values).to(theirs))).all()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", LOW)
@pytest.mark.parametrize("op", ["add", "mul", "div", "sqrt", "matmul", "sum"])
def test_arithmetic_computes_in_float32_and_rounds_once(device, name, op):
    ours, theirs = LOW[name]
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0.5, 2.0, (2, 8, 8)).astype(np.float32), rng.uniform(0.5, 2.0, (2, 8, 8)).astype(np.float32)
    fn = {"add": lambda x, y: x + y, "mul": lambda x, y: x * y, "div": lambda x, y: x / y,
          "sqrt": lambda x, y: x.sqrt(), "matmul": lambda x, y: x @ y, "sum": lambda x, y: x.sum(dim=-1)}[op]
    x, y = ember.tensor(a, device=device).to(ours), ember.tensor(b, device=device).to(ours)
    result = fn(x, y)
    assert result.dtype == ours
    expected = fn(x.float(), y.float()).to(ours)  # the float32 result, rounded once
    assert (bits(result) == bits(expected)).all()
    if op in ("add", "mul", "div", "sqrt"):  # exactly rounded in float32: PyTorch's bits too
        assert (bits(result) == bits(fn(torch.tensor(a).to(theirs), torch.tensor(b).to(theirs)))).all()


def small_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.GELU(), torch.nn.LayerNorm(16), torch.nn.Linear(16, 4),
                               torch.nn.Softmax(-1))


def ember_copy(model):
    ours = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 4), nn.Softmax(-1))
    ours.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in model.state_dict().items()})
    return ours


@pytest.mark.parametrize("name", LOW)
def test_a_converted_model_matches_pytorch_and_trains_in_16_bits(name):
    ours_dtype, theirs_dtype = LOW[name]
    theirs = small_model()
    ours = ember_copy(theirs)
    assert (ours.bfloat16() if name == "bfloat16" else ours.half()) is ours
    theirs.to(theirs_dtype)
    assert {p.dtype for p in ours.parameters()} == {ours_dtype}
    x = np.random.default_rng(2).standard_normal((5, 8)).astype(np.float32)
    out = ours(ember.tensor(x).to(ours_dtype))
    expected = theirs(torch.tensor(x).to(theirs_dtype))
    assert out.dtype == ours_dtype
    np.testing.assert_allclose(to_numpy(out.float()), expected.float().detach().numpy(), rtol=0.02, atol=0.01)
    out[:, 0].sum().backward()
    expected[:, 0].sum().backward()
    for (key, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert p.grad.dtype == ours_dtype, key
        np.testing.assert_allclose(to_numpy(p.grad.float()), q.grad.float().numpy(), rtol=0.05, atol=0.02, err_msg=key)


def test_module_to_takes_bfloat16_and_refuses_integers():
    layer = nn.Linear(2, 2).to(ember.bfloat16)
    assert layer.weight.dtype == ember.bfloat16 and layer.float().weight.dtype == ember.float32
    with raises(TypeError, "nn.Module.to only accepts floating point dtypes, but got desired dtype=int64"):
        layer.to(ember.int64)


def test_bfloat16_leaves_require_grad_and_get_bfloat16_gradients():
    w = ember.randn(3, 4, dtype=ember.bfloat16, requires_grad=True)
    (w * w).sum().backward()
    assert w.grad.dtype == ember.bfloat16
    assert (bits(w.grad) == bits((w.detach().float() * 2).bfloat16())).all()
    with raises(RuntimeError, "only tensors of floating point dtype can require gradients, got int64"):
        ember.ones(2, dtype=ember.int64).requires_grad_()


def test_views_of_16_bit_tensors_still_share_memory():
    x = ember.zeros(2, 3, dtype=ember.bfloat16)
    x.view(6)[0] = 5.0
    x.t()[2, 1] = -1.0
    assert x[0, 0].item() == 5.0 and x[1, 2].item() == -1.0
