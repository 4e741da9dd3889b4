"""Adam and AdamW: steps scaled per coordinate by running averages of the gradient and its square."""

import math

from .. import backend
from .optimizer import Optimizer, Params


def update_moments(state, grad, betas):
    """Adam's two running averages in state, updated in place: m = state["exp_avg"] of the gradient and
    v = state["exp_avg_sq"] of its square,

        m ← β₁·m + (1 - β₁)·g,   v ← β₂·v + (1 - β₂)·g²

    Returns (m, v, scratch): scratch is an array like grad, the one temporary of the update, free for the rest."""
    beta1, beta2 = betas
    exp_avg = Optimizer._buffer(state, "exp_avg", grad)
    exp_avg_sq = Optimizer._buffer(state, "exp_avg_sq", grad)
    scratch = grad * (1.0 - beta1)
    exp_avg *= beta1
    exp_avg += scratch
    backend.xp_of(grad).multiply(grad, grad, out=scratch)
    scratch *= 1.0 - beta2
    exp_avg_sq *= beta2
    exp_avg_sq += scratch
    return exp_avg, exp_avg_sq, scratch


class Adam(Optimizer):
    """Adaptive moment estimation: a momentum m and a per-coordinate scale v, both bias-corrected,

        m ← β₁·m + (1 - β₁)·g,   v ← β₂·v + (1 - β₂)·g²,   θ ← θ - lr·(m / (1 - β₁ᵗ)) / (√(v / (1 - β₂ᵗ)) + ε)

    at step t. amsgrad divides by the largest v so far instead. weight_decay λ adds λ·θ to g (L2), or,
    with decoupled_weight_decay (AdamW), shrinks the weights directly: θ ← θ - lr·λ·θ. foreach, capturable
    and fused are accepted and change nothing; differentiable=True is refused (see ember.optim.optimizer).
    """

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None, maximize: bool = False,
                 capturable=False, differentiable=False, fused=None, decoupled_weight_decay: bool = False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _validate(self, group):
        super()._validate(group)
        self._check_betas(group)
        self._check(group, "eps")

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        step = state["step"] = state.get("step", 0) + 1
        self._decay_weights(param, group)
        exp_avg, exp_avg_sq, scratch = update_moments(state, grad, group["betas"])
        if group["amsgrad"]:
            max_exp_avg_sq = self._buffer(state, "max_exp_avg_sq", param)
            xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
            exp_avg_sq = max_exp_avg_sq

        # lr·m̂ / (√v̂ + ε), with the two bias corrections folded into scalars (one pass fewer):
        # √v̂ + ε = (√v + ε·c) / c for c = √(1 - β₂ᵗ).
        c = math.sqrt(1.0 - beta2 ** step)
        xp.sqrt(exp_avg_sq, out=scratch)
        scratch += eps * c
        xp.divide(exp_avg, scratch, out=scratch)
        scratch *= lr * c / (1.0 - beta1 ** step)
        param -= scratch


class AdamW(Adam):
    """Adam with decoupled weight decay: θ ← θ - lr·λ·θ before the Adam step, instead of adding λ·θ
    to the gradient (where Adam's scaling would weaken it for coordinates with large gradients)."""

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False, foreach=None,
                 capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
