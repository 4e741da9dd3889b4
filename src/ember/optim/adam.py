"""Adam and AdamW: steps scaled per coordinate by running averages of the gradient and its square."""

import math

from .. import backend
from .optimizer import Optimizer, check_number


class Adam(Optimizer):
    """Adaptive moment estimation: a momentum m and a per-coordinate scale v, both bias-corrected,

        m ← β₁·m + (1 - β₁)·g,   v ← β₂·v + (1 - β₂)·g²,   θ ← θ - lr·(m / (1 - β₁ᵗ)) / (√(v / (1 - β₂ᵗ)) + ε)

    at step t. amsgrad divides by the largest v so far instead. weight_decay λ adds λ·θ to g (L2), or,
    with decoupled_weight_decay (AdamW), shrinks the weights directly: θ ← θ - lr·λ·θ.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, decoupled_weight_decay=decoupled_weight_decay))

    def _validate(self, group):
        super()._validate(group)
        name = type(self).__name__
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        group["betas"] = tuple(check_number(name, f"betas[{i}]", beta, 0.0, 1.0, high_open=True)
                               for i, beta in enumerate(betas))
        self._check(group, "eps")

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        step = state["step"] = state.get("step", 0) + 1
        if group["decoupled_weight_decay"] and group["weight_decay"]:
            param *= 1.0 - lr * group["weight_decay"]
        exp_avg = self._buffer(state, "exp_avg", param)
        exp_avg_sq = self._buffer(state, "exp_avg_sq", param)

        scratch = grad * (1.0 - beta1)  # the one temporary array of the update
        exp_avg *= beta1
        exp_avg += scratch                               # m ← β₁·m + (1 - β₁)·g
        xp.multiply(grad, grad, out=scratch)
        scratch *= 1.0 - beta2
        exp_avg_sq *= beta2
        exp_avg_sq += scratch                            # v ← β₂·v + (1 - β₂)·g²
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

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
