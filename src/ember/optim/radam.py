"""RAdam: Adam that steps without the per-coordinate scale until its variance estimate is reliable."""

import math

from .. import backend
from .adam import update_moments
from .optimizer import Optimizer


class RAdam(Optimizer):
    """Rectified Adam. In the first steps the running average v of g² rests on too few gradients, so
    the adaptive scale is switched off, then brought in by a rectification factor rₜ:

        m ← β₁·m + (1 - β₁)·g,   v ← β₂·v + (1 - β₂)·g²,   m̂ = m / (1 - β₁ᵗ)
        ρ∞ = 2 / (1 - β₂) - 1,   ρₜ = ρ∞ - 2·t·β₂ᵗ / (1 - β₂ᵗ)
        ρₜ > 5:  θ ← θ - lr·m̂·rₜ·√(1 - β₂ᵗ) / (√v + ε),   rₜ = √((ρₜ - 4)(ρₜ - 2)ρ∞ / ((ρ∞ - 4)(ρ∞ - 2)ρₜ))
        else:    θ ← θ - lr·m̂

    weight_decay λ adds λ·θ to g (L2), or with decoupled_weight_decay shrinks the weights, θ ← θ - lr·λ·θ.
    foreach and capturable are accepted and change nothing; differentiable=True is refused (see
    ember.optim.optimizer).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _validate(self, group):
        super()._validate(group)
        self._check_betas(group)
        self._check(group, "eps")

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        lr, (beta1, beta2) = group["lr"], group["betas"]
        step = state["step"] = state.get("step", 0) + 1
        self._decay_weights(param, group)
        exp_avg, exp_avg_sq, scratch = update_moments(state, grad, group["betas"])
        bias_correction2 = 1.0 - beta2 ** step
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho = rho_inf - 2.0 * step * beta2 ** step / bias_correction2
        step_size = lr / (1.0 - beta1 ** step)           # lr·m̂ = step_size·m
        if rho > 5.0:
            rectification = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            xp.sqrt(exp_avg_sq, out=scratch)
            scratch += group["eps"]
            xp.divide(exp_avg, scratch, out=scratch)
            scratch *= step_size * rectification * math.sqrt(bias_correction2)
        else:
            xp.multiply(exp_avg, step_size, out=scratch)
        param -= scratch
