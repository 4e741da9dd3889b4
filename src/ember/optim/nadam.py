"""NAdam: Adam with Nesterov momentum, which steps with the momentum it is about to have."""

import math

from .. import backend
from .adam import update_moments
from .optimizer import Optimizer


class NAdam(Optimizer):
    """Adam whose step looks one momentum step ahead. The momentum coefficient warms up with the step t,

        μₜ = β₁·(1 - ½·0.96^(t·ψ))     (ψ: momentum_decay),   Πₜ = μ₁·μ₂···μₜ

        m ← β₁·m + (1 - β₁)·g,   v ← β₂·v + (1 - β₂)·g²,   v̂ = v / (1 - β₂ᵗ)
        θ ← θ - lr·((1 - μₜ)/(1 - Πₜ)·g + μₜ₊₁/(1 - Πₜ·μₜ₊₁)·m) / (√v̂ + ε)

    weight_decay λ adds λ·θ to g (L2), or with decoupled_weight_decay shrinks the weights, θ ← θ - lr·λ·θ.
    foreach and capturable are accepted and change nothing; differentiable=True is refused (see
    ember.optim.optimizer).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _validate(self, group):
        super()._validate(group)
        self._check_betas(group)
        self._check(group, "eps")
        self._check(group, "momentum_decay")

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        step = state["step"] = state.get("step", 0) + 1
        self._decay_weights(param, group)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * group["momentum_decay"]))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * group["momentum_decay"]))
        mu_product = state["mu_product"] = state.get("mu_product", 1.0) * mu
        exp_avg, exp_avg_sq, scratch = update_moments(state, grad, group["betas"])
        # The denominator √v̂ + ε, then the two terms of the step over it.
        xp.sqrt(exp_avg_sq, out=scratch)
        scratch /= math.sqrt(1.0 - beta2 ** step)
        scratch += eps
        step_term = grad * (lr * (1.0 - mu) / (1.0 - mu_product))
        step_term += exp_avg * (lr * mu_next / (1.0 - mu_product * mu_next))
        step_term /= scratch
        param -= step_term
