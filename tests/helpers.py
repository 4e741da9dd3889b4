"""Test helpers written once and used by every test: devices, PyTorch parity, gradient checks."""

import re

import numpy as np
import pytest
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember

torch.set_num_threads(2)

DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param("cuda", id="cuda", marks=[
        pytest.mark.cuda,
        pytest.mark.skipif(not ember.cuda.is_available(), reason="no CUDA GPU (CuPy) here"),
    ]),
]
"""Parametrize a test over these: @pytest.mark.parametrize("device", DEVICES)."""

# The PyTorch that the test extra pins. Modules print as its modules do; other versions print some
# layers differently (2.13 added bias=... to the norms), so the printed form is compared only with it.
PINNED_TORCH = torch.__version__.split("+")[0] == "2.13.0"

# Tolerances of forward and backward parity with PyTorch, per dtype.
TOLERANCE = {np.float64: dict(rtol=1e-7, atol=1e-9), np.float32: dict(rtol=1e-4, atol=1e-5)}


def rand(*shape, seed=0, low=-2.0, high=2.0, dtype=np.float64):
    """A reproducible random NumPy array (uniform in [low, high))."""
    return np.asarray(np.random.default_rng(seed).uniform(low, high, size=shape), dtype=dtype)


def to_numpy(x):
    if isinstance(x, ember.Tensor):
        return ember.backend.to_device(x.array, ember.backend.CPU)
    return x.detach().cpu().numpy()


def tensor_for(lib, array, device="cpu", requires_grad=False):
    """A copy of a NumPy array as a tensor of lib: ember's on device, torch's (the reference) on the CPU.
    For tests written once as fn(lib, ...) that make their own tensors (optimizers, schedulers)."""
    if lib is torch:
        return torch.tensor(array, requires_grad=requires_grad)
    return ember.tensor(array, device=device, requires_grad=requires_grad)


class Constant:
    """A floating array that check_op / check_parity / check_gradcheck pass as a tensor that does not
    require grad (class weights, running statistics): Constant(array)."""

    def __init__(self, array):
        self.array = np.asarray(array)


def _pair(array, device, dtype):
    """The same numbers as an ember tensor on device and a torch tensor on the CPU."""
    if isinstance(array, np.generic):
        array = np.asarray(array)  # NumPy math on 0-d arrays gives scalars
    if isinstance(array, Constant):
        array = array.array.astype(dtype)
        return ember.tensor(array, device=device), torch.tensor(array)
    if isinstance(array, np.ndarray) and array.dtype.kind == "f":
        array = array.astype(dtype)
        e = ember.tensor(array, device=device, requires_grad=True)
        t = torch.tensor(array, requires_grad=True)
    elif isinstance(array, np.ndarray):
        e, t = ember.tensor(array, device=device), torch.tensor(array)
    else:
        e = t = array
    return e, t


def _as_list(result):
    """The tensors of a result, nested tuples flattened (an LSTM returns (output, (h, c)))."""
    if isinstance(result, (tuple, list)):
        return [t for part in result for t in _as_list(part)]
    return [result]


def assert_close(ours, theirs, rtol, atol, what):
    ours, theirs = to_numpy(ours), to_numpy(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape}, PyTorch gives {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=what)


def _tolerances(dtype, rtol, atol):
    tol = TOLERANCE[np.dtype(dtype).type]
    return (tol["rtol"] if rtol is None else rtol), (tol["atol"] if atol is None else atol)


def check_parity(fn, *arrays, device="cpu", dtype=np.float64, backward=True, rtol=None, atol=None):
    """Run fn(lib, *tensors) with lib=ember and lib=torch on the same numbers; compare the outputs,
    their dtypes, and (with backward) the gradients of every floating input for one random upstream
    gradient. Floating NumPy arrays become tensors that require grad; other arrays become tensors;
    anything else is passed as it is."""
    rtol, atol = _tolerances(dtype, rtol, atol)
    pairs = [_pair(a, device, dtype) for a in arrays]
    ours = _as_list(fn(ember, *[e for e, _ in pairs]))
    theirs = _as_list(fn(torch, *[t for _, t in pairs]))
    assert len(ours) == len(theirs)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert_close(o, t, rtol, atol, f"output {i}")
        assert str(o.dtype) == str(t.dtype).replace("torch.", ""), f"output {i}: dtype {o.dtype}, PyTorch {t.dtype}"
        assert o.device == ember.device(device)
    if not backward:
        return ours
    rng = np.random.default_rng(1)
    floats = [(o, t) for o, t in zip(ours, theirs) if o.requires_grad]
    if not floats:  # integer or bool outputs: nothing to backpropagate
        return ours
    upstream = [rng.standard_normal(o.shape).astype(dtype) for o, _ in floats]
    sum((o * ember.tensor(g, device=device)).sum() for (o, _), g in zip(floats, upstream)).backward()
    sum((t * torch.tensor(g)).sum() for (_, t), g in zip(floats, upstream)).backward()
    for i, (e, t) in enumerate(pairs):
        if isinstance(e, ember.Tensor) and e.requires_grad:
            if t.grad is None:
                assert e.grad is None or not to_numpy(e.grad).any(), f"input {i}: PyTorch gives no gradient"
            else:
                assert e.grad is not None, f"input {i}: no gradient"
                assert_close(e.grad, t.grad, rtol, atol, f"gradient of input {i}")
    return ours


def check_in_place(change, array, *others, device="cpu"):
    """The standard test of an in-place method: change(lib, x, *others) on a tensor x of array that needs no
    gradient returns x itself, as many versions later as PyTorch's (one per in-place call), holding PyTorch's
    numbers in x's dtype. NumPy arrays among others become tensors; anything else is passed as it is."""
    results = []
    for lib in (ember, torch):
        x = tensor_for(lib, array, device)
        operands = [tensor_for(lib, a, device) if isinstance(a, np.ndarray) else a for a in others]
        assert change(lib, x, *operands) is x
        assert x._version >= 1 and str(x.dtype).replace("torch.", "") == str(np.asarray(array).dtype)
        results.append(x)
    ours, theirs = results
    assert ours._version == theirs._version
    tol = TOLERANCE.get(np.asarray(array).dtype.type, dict(rtol=0, atol=0))
    assert_close(ours, theirs, tol["rtol"], tol["atol"], "in place")


def check_layer(make, *arrays, device="cpu", dtype=np.float64, rtol=None, atol=None):
    """The standard test of a layer: make(lib) builds it in ember or in PyTorch; PyTorch's weights are
    loaded into ember's with load_state_dict; then both must print alike, and give the same outputs,
    input gradients (check_parity) and parameter gradients, in dtype on device. Returns (ours, theirs)."""
    theirs = make(torch).to(getattr(torch, np.dtype(dtype).name))
    ours = make(ember).to(device=device, dtype=dtype)
    if PINNED_TORCH:
        assert repr(ours) == repr(theirs)
    ours.load_state_dict(theirs.state_dict())
    check_parity(lambda lib, *xs: (ours if lib is ember else theirs)(*xs), *arrays, device=device, dtype=dtype,
                 rtol=rtol, atol=atol)
    rtol, atol = _tolerances(dtype, rtol, atol)
    ours_by_name = dict(ours.named_parameters())
    for name, param in theirs.named_parameters():
        grad = ours_by_name[name].grad
        if param.grad is None:  # a parameter the inputs did not reach
            assert grad is None or not to_numpy(grad).any(), f"{name}: PyTorch gives no gradient"
            continue
        assert grad is not None, f"{name}: no gradient"
        assert_close(grad, param.grad, rtol, atol, f"gradient of {name}")
    return ours, theirs


def check_eval(make, *arrays, device="cpu", rtol=1e-4, atol=1e-5):
    """A layer in eval mode without gradients, where PyTorch may take a fused fast path, gives PyTorch's
    numbers in float32 given the same weights (make(lib) builds it; arrays are its inputs)."""
    theirs = make(torch).eval()
    ours = make(ember).to(device).eval()
    ours.load_state_dict(theirs.state_dict())
    pairs = [_pair(a, device, np.float32) for a in arrays]
    with torch.no_grad():
        expected = _as_list(theirs(*[t for _, t in pairs]))
    with ember.no_grad():
        got = _as_list(ours(*[e for e, _ in pairs]))
    assert len(got) == len(expected)
    for i, (o, t) in enumerate(zip(got, expected)):
        if t is None:
            assert o is None, f"output {i} in eval mode: PyTorch gives None"
        else:
            assert_close(o, t, rtol, atol, f"output {i} in eval mode")


def check_gradcheck(fn, *arrays, device="cpu", **tolerances):
    """ember.testing.gradcheck of fn(ember, *tensors) in float64 (floating arrays require grad)."""
    tensors = [_pair(a, device, np.float64)[0] for a in arrays]
    assert ember.testing.gradcheck(lambda *ts: fn(ember, *ts), *tensors, **tolerances)


def check_op(fn, *arrays, device="cpu", float32=True, gradcheck=True):
    """The standard test of an op: gradcheck in float64, then PyTorch parity in float64 and float32."""
    if gradcheck:
        check_gradcheck(fn, *arrays, device=device)
    check_parity(fn, *arrays, device=device, dtype=np.float64)
    if float32:
        check_parity(fn, *arrays, device=device, dtype=np.float32)


def check_twin(fused, composed, *arrays, device="cpu"):
    """A fused op and its readable twin (the formula composed from primitives) give the same outputs and
    input gradients in float64: fused(*tensors) against composed(*tensors) on the same numbers."""
    runs = []
    for fn in (fused, composed):
        tensors = [_pair(a, device, np.float64)[0] for a in arrays]
        outputs = _as_list(fn(*tensors))
        rng = np.random.default_rng(1)
        sum((o * ember.tensor(rng.standard_normal(o.shape), device=device)).sum() for o in outputs).backward()
        runs.append((outputs, [t.grad for t in tensors if isinstance(t, ember.Tensor) and t.requires_grad]))
    (fused_outputs, fused_grads), (twin_outputs, twin_grads) = runs
    assert len(fused_outputs) == len(twin_outputs)
    tol = TOLERANCE[np.float64]
    for i, (a, b) in enumerate(zip(fused_outputs, twin_outputs)):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), **tol, err_msg=f"output {i}")
    for i, (a, b) in enumerate(zip(fused_grads, twin_grads)):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), **tol, err_msg=f"gradient of input {i}")


def check_both_raise(make, exception=RuntimeError):
    """make(lib) fails with the same class of exception in ember as in PyTorch."""
    for lib in (torch, ember):
        with pytest.raises(exception):
            make(lib)


def raises(exception, match):
    """pytest.raises whose match is a plain substring, not a regex."""
    return pytest.raises(exception, match=re.escape(match))


# -------------------------------------------------------------------------------------------------
# Hypothesis strategies.

def shapes(min_dims=0, max_dims=4, min_side=1, max_side=5):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4):
    """Tuples of shapes that broadcast together."""
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims,
                                             max_side=max_side).map(lambda b: b.input_shapes)


seeds = st.integers(0, 2**16)


def dims(ndim, min_size=1, max_size=None):
    """A tuple of distinct dimensions of an ndim-dimensional tensor, each written as a non-negative
    or a negative index (so both spellings get tested)."""
    max_size = ndim if max_size is None else max_size
    return st.lists(st.tuples(st.integers(0, ndim - 1), st.booleans()), min_size=min_size, max_size=max_size,
                    unique_by=lambda pair: pair[0]).map(lambda pairs: tuple(d - ndim if neg else d for d, neg in pairs))


def dim(ndim):
    """One dimension of an ndim-dimensional tensor, as a non-negative or negative index."""
    return st.integers(-ndim, ndim - 1)
