"""Adafactor: Adam-like per-coordinate scaling that stores the squared gradients of a matrix as a row and a column."""

import math

from .. import backend
from .optimizer import Optimizer, check_number, check_tuple


class Adafactor(Optimizer):
    """For a gradient G of shape (..., n, m) it keeps running means of G² over its rows, R (..., n, 1), and
    over its columns, C (..., 1, m), and estimates G²'s running mean as their outer product R·C / mean(R)
    (n + m numbers instead of n·m); a vector keeps the running mean V of g² itself. At step t:

        β̂₂ = 1 - t^τ (τ: beta2_decay),   ρ = min(lr, 1/√t),   α = max(ε₂, RMS(θ))·ρ
        R ← β̂₂·R + (1 - β̂₂)·mean(G², columns),  C ← β̂₂·C + (1 - β̂₂)·mean(G², rows),  V̂ = R·C / max(mean(R), ε₁)
        U = G / max(√V̂, ε₁),   θ ← θ·(1 - lr·λ) - α·U / max(1, RMS(U) / d)

    so the step is relative to the size of θ, and clipped when U is large. eps = (ε₁, ε₂), ε₁ None is the
    machine epsilon of θ's dtype. weight_decay λ is decoupled (it shrinks θ directly). foreach is accepted
    and changes nothing.
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize))

    def _validate(self, group):
        super()._validate(group)
        name = type(self).__name__
        self._check(group, "beta2_decay", -math.inf, 0.0)
        self._check(group, "d", 1.0)
        eps1, eps2 = check_tuple(name, "eps", group["eps"], ("eps1", "eps2"))
        group["eps"] = (None if eps1 is None else check_number(name, "eps[0]", eps1),
                        check_number(name, "eps[1]", eps2))

    def _decoupled(self, group):
        return True

    def _state_shape(self, key, param):
        if key == "row_var":
            return param.shape[:-1] + (1,)
        if key == "col_var":
            return param.shape[:-2] + (1,) + param.shape[-1:]
        return param.shape

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        lr = group["lr"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(xp.finfo(param.dtype).eps)
        step = state["step"] = state.get("step", 0) + 1
        new_weight = step ** group["beta2_decay"]        # 1 - β̂₂
        alpha = max(eps2, _rms(xp, param)) * min(lr, 1.0 / math.sqrt(step))
        self._decay_weights(param, group)

        squared = grad * grad
        if grad.ndim > 1:
            row_mean, column_mean = squared.mean(axis=-1, keepdims=True), squared.mean(axis=-2, keepdims=True)
            rows = self._buffer(state, "row_var", row_mean)
            columns = self._buffer(state, "col_var", column_mean)
            rows += (row_mean - rows) * new_weight       # R ← β̂₂·R + (1 - β̂₂)·mean(G², columns)
            columns += (column_mean - columns) * new_weight
            estimate = rows * columns / xp.maximum(rows.mean(axis=-2, keepdims=True), eps1)
        else:
            estimate = self._buffer(state, "variance", param)
            estimate += (squared - estimate) * new_weight  # V ← β̂₂·V + (1 - β̂₂)·g²
        update = grad / xp.sqrt(xp.maximum(estimate, eps1 * eps1))  # U = G / max(√V̂, ε₁)
        update *= alpha / max(1.0, _rms(xp, update) / group["d"])
        param -= update


def _rms(xp, array):
    """The root mean square of an array's entries, as a Python float."""
    return float(xp.sqrt(xp.mean(array * array)))
