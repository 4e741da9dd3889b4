"""ember.testing: checking gradients against numbers, the way every op in ember is tested."""

import numpy as np

from . import autograd, backend
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Backpropagation and central differences disagree (a RuntimeError, as PyTorch's)."""


def _outputs(result):
    outputs = result if isinstance(result, (tuple, list)) else (result,)
    return [o for o in outputs if isinstance(o, Tensor) and o.is_floating_point()]


def gradcheck(fn, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """Check fn's gradients with respect to every input that requires grad, in float64.

    The outputs are projected onto a fixed random direction v, so one backward pass gives vᵀJ (the
    gradient of v·fn(inputs)) for all inputs at once. Each input element is then nudged by ±eps
    and the same number estimated as (v·fn(x + eps) - v·fn(x - eps)) / 2eps. Every element must
    agree within atol + rtol·|estimate|; otherwise GradcheckError names the worst one (or, with
    raise_exception=False, gradcheck returns False). Returns True.

    As torch.autograd.gradcheck (which is this function in ember), it also takes the inputs as one tuple,
    gradcheck(fn, (x, y)), and PyTorch's other options; those that ask for checks of what ember does not have
    (forward mode, batched gradients) are refused.
    """
    if len(inputs) == 1 and isinstance(inputs[0], (tuple, list)):
        inputs = tuple(inputs[0])
    for option, wanted in (("check_forward_ad", check_forward_ad), ("check_batched_grad", check_batched_grad),
                           ("check_batched_forward_grad", check_batched_forward_grad)):
        if wanted:
            raise NotImplementedError(f"gradcheck: {option}=True checks what ember does not have (forward-mode "
                                      "or batched gradients)")
    try:
        return _gradcheck(fn, inputs, eps, atol, rtol, seed)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(fn, inputs, eps, atol, rtol, seed):
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad")
    for i in checked:
        if inputs[i].dtype != backend.float64:
            raise TypeError(f"gradcheck: input {i} is {inputs[i].dtype}; use float64 (central differences "
                            "need its precision)")
    rng = np.random.default_rng(seed)
    outputs = _outputs(fn(*inputs))
    directions = [backend.to_device(rng.standard_normal(o.shape), o.device) for o in outputs]

    def projected(outs):
        return sum((o.array * v).sum().item() for o, v in zip(outs, directions))

    total = sum((o * Tensor(v)).sum() for o, v in zip(outputs, directions))
    analytic = autograd.grad(total, [inputs[i] for i in checked], allow_unused=True)

    for i, grad in zip(checked, analytic):
        x = inputs[i]
        backprop = np.zeros(x.shape) if grad is None else backend.to_device(grad.array, backend.CPU)
        estimate = np.zeros(x.shape)
        with autograd.no_grad():
            for index in np.ndindex(*x.shape):
                original = x.array[index].item()
                x.array[index] = original + eps
                plus = projected(_outputs(fn(*inputs)))
                x.array[index] = original - eps
                minus = projected(_outputs(fn(*inputs)))
                x.array[index] = original
                estimate[index] = (plus - minus) / (2 * eps)
        excess = np.abs(backprop - estimate) - (atol + rtol * np.abs(estimate))
        if (excess > 0).any() or not np.isfinite(backprop).all():
            worst = np.unravel_index(np.nanargmax(np.where(np.isfinite(backprop), excess, np.inf)), x.shape)
            raise GradcheckError(
                f"gradcheck failed for input {i} (shape {x.shape}) at index {tuple(int(k) for k in worst)}: "
                f"backprop gives {backprop[worst]:.6g}, central differences give {estimate[worst]:.6g} "
                f"(tolerance {atol + rtol * abs(estimate[worst]):.2g}); {int((excess > 0).sum())} of "
                f"{x.numel()} elements are off")
    return True
