"""Gradient clipping: keep one bad batch from throwing the weights far away (exploding gradients, RNNs)."""

import math
import warnings

from ... import backend
from ...creation import tensor
from ...tensor import Tensor


def _grads(parameters):
    """The gradient arrays of the parameters (one tensor or an iterable of them) that have one."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad.array for p in parameters if p.grad is not None]


def _total_norm(grads, norm_type):
    """‖(all gradients as one vector)‖_p as a 0-d array, without copying the gradients into one vector."""
    xp = backend.xp_of(grads[0])
    if norm_type == math.inf:
        return xp.max(xp.stack([xp.abs(g).max() for g in grads]))
    if norm_type == 2.0:
        powers = [xp.vdot(g.ravel(), g.ravel()) for g in grads]  # Σg², with no temporary array
    elif norm_type == 1.0:
        powers = [xp.abs(g).sum() for g in grads]
    else:
        powers = [(xp.abs(g) ** norm_type).sum() for g in grads]
    return sum(powers) ** (1.0 / norm_type)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """‖(all tensors as one vector)‖_p as a 0-d tensor: the norm_type-norm (2, 1, ..., or inf for the largest
    |x|) of the gradients, say. foreach is accepted for PyTorch code (one way is taken either way)."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    return _checked_total_norm([t.array for t in tensors], norm_type, error_if_nonfinite, "get_total_norm")


def _checked_total_norm(arrays, norm_type, error_if_nonfinite, caller):
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"{caller}: norm_type must be > 0 (or inf), got {norm_type}")
    if not arrays:
        return tensor(0.0)
    total = backend.as_array(_total_norm(arrays, norm_type))
    if error_if_nonfinite and not bool(backend.xp_of(total).isfinite(total)):
        raise RuntimeError(f"{caller}: the total norm of order {norm_type} of the gradients is {float(total)}, so "
                           "they cannot be clipped; set error_if_nonfinite=False to scale them by it anyway")
    return Tensor(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients by min(1, max_norm / (total_norm + 1e-6)), in place: the second half of
    clip_grad_norm_, for a total_norm found elsewhere (by get_total_norm, or summed across processes)."""
    _scale(_grads(parameters), max_norm, total_norm)


def _scale(grads, max_norm, total_norm):
    if grads:
        scale = backend.xp_of(grads[0]).minimum(float(max_norm) / (total_norm.array + 1e-6), 1.0)  # stays on the GPU
        for grad in grads:
            grad *= scale


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their joint norm is at most max_norm, keeping their direction:

        g ← g · min(1, max_norm / (‖g‖ + 1e-6))

    ‖g‖ is the norm_type-norm (2, 1, ..., or inf for the largest |g|) of every gradient taken as one
    vector. Returns ‖g‖ before clipping, as a 0-d tensor (a useful number to log).
    """
    grads = _grads(parameters)
    total = _checked_total_norm(grads, norm_type, error_if_nonfinite, "clip_grad_norm_")
    _scale(grads, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """clip_grad_norm_ under its old name, deprecated in PyTorch."""
    warnings.warn("nn.utils.clip_grad_norm is deprecated; use nn.utils.clip_grad_norm_", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    if not clip_value >= 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for grad in _grads(parameters):
        backend.xp_of(grad).clip(grad, -clip_value, clip_value, out=grad)
