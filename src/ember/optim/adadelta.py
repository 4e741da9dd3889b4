"""Adadelta: steps scaled by the ratio of two running averages, of past steps and of past gradients."""

from .. import backend
from .optimizer import Optimizer


class Adadelta(Optimizer):
    """Per-coordinate steps in the units of the parameter, with no learning rate to tune (lr only scales them):

        v ← ρ·v + (1 - ρ)·g²,   Δ ← √(u + ε) / √(v + ε) · g,   u ← ρ·u + (1 - ρ)·Δ²,   θ ← θ - lr·Δ

    v averages the squared gradients, u the squared steps. weight_decay λ adds λ·θ to g (L2). foreach and
    capturable are accepted and change nothing; differentiable=True is refused (see ember.optim.optimizer).
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _validate(self, group):
        super()._validate(group)
        self._check(group, "rho", 0.0, 1.0)
        self._check(group, "eps")

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        rho, eps = group["rho"], group["eps"]
        state["step"] = state.get("step", 0) + 1
        square_avg = self._buffer(state, "square_avg", param)
        acc_delta = self._buffer(state, "acc_delta", param)

        scratch = grad * grad
        scratch *= 1.0 - rho
        square_avg *= rho
        square_avg += scratch                            # v ← ρ·v + (1 - ρ)·g²
        delta = acc_delta + eps
        xp.sqrt(delta, out=delta)
        xp.add(square_avg, eps, out=scratch)
        xp.sqrt(scratch, out=scratch)
        delta /= scratch
        delta *= grad                                    # Δ = √(u + ε) / √(v + ε) · g
        xp.multiply(delta, delta, out=scratch)
        scratch *= 1.0 - rho
        acc_delta *= rho
        acc_delta += scratch                             # u ← ρ·u + (1 - ρ)·Δ²
        delta *= group["lr"]
        param -= delta
