"""Adamax: Adam with the root mean square of the gradients replaced by a decaying maximum of their size."""

from .. import backend
from .optimizer import Optimizer


class Adamax(Optimizer):
    """Adam's momentum m, divided by u, a running maximum of |g| (the infinity norm) that decays by β₂:

        m ← β₁·m + (1 - β₁)·g,   u ← max(β₂·u, |g| + ε),   θ ← θ - lr·m / ((1 - β₁ᵗ)·u)

    at step t. weight_decay λ adds λ·θ to g (L2). foreach and capturable are accepted and change nothing;
    differentiable=True is refused (see ember.optim.optimizer).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _validate(self, group):
        super()._validate(group)
        self._check_betas(group)
        self._check(group, "eps")

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        beta1, beta2 = group["betas"]
        step = state["step"] = state.get("step", 0) + 1
        exp_avg = self._buffer(state, "exp_avg", param)
        exp_inf = self._buffer(state, "exp_inf", param)

        scratch = grad * (1.0 - beta1)
        exp_avg *= beta1
        exp_avg += scratch                               # m ← β₁·m + (1 - β₁)·g
        xp.abs(grad, out=scratch)
        scratch += group["eps"]
        exp_inf *= beta2
        xp.maximum(exp_inf, scratch, out=exp_inf)        # u ← max(β₂·u, |g| + ε)
        xp.divide(exp_avg, exp_inf, out=scratch)
        scratch *= group["lr"] / (1.0 - beta1 ** step)
        param -= scratch
