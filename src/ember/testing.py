"""ember.testing: checking gradients against numbers, the way every op in ember is tested."""

import numpy as np

from . import autograd, backend
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Backpropagation and central differences disagree."""


def _outputs(result):
    outputs = result if isinstance(result, (tuple, list)) else (result,)
    return [o for o in outputs if isinstance(o, Tensor) and o.is_floating_point()]


def gradcheck(fn, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check fn's gradients with respect to every input that requires grad, in float64.

    The outputs are projected onto a fixed random direction v, so one backward pass gives vᵀJ (the
    gradient of v·fn(inputs)) for all inputs at once. Each input element is then nudged by ±eps
    and the same number estimated as (v·fn(x + eps) - v·fn(x - eps)) / 2eps. Every element must
    agree within atol + rtol·|estimate|; otherwise GradcheckError names the worst one. Returns True.
    """
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
