"""ASGD: stochastic gradient descent that also keeps the running average of the points it visits."""

from .optimizer import Optimizer


class ASGD(Optimizer):
    """Averaged SGD (Polyak-Ruppert averaging). Plain SGD with a decaying step size ηₜ and a small pull
    towards zero, plus ax, the average of the iterates from step t0 on (an estimate of the minimum that
    is far less noisy than the last iterate; state["ax"] holds it):

        θ ← θ·(1 - λ·ηₜ) - ηₜ·g,   ax ← ax + μₜ·(θ - ax)
        ηₜ₊₁ = lr / (1 + λ·lr·t)^α,   μₜ₊₁ = 1 / max(1, t - t0)      (η₁ = lr, μ₁ = 1; λ: lambd)

    weight_decay adds weight_decay·θ to g (L2). foreach and capturable are accepted and change nothing;
    differentiable=True is refused (see ember.optim.optimizer).
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _validate(self, group):
        super()._validate(group)
        for key in ("lambd", "alpha", "t0"):
            self._check(group, key)

    def _update(self, param, grad, state, group):
        lr, lambd = group["lr"], group["lambd"]
        step = state["step"] = state.get("step", 0) + 1
        eta, mu = state.get("eta", lr), state.get("mu", 1.0)
        average = self._buffer(state, "ax", param)

        param *= 1.0 - lambd * eta
        param -= grad * eta                              # θ ← θ·(1 - λ·η) - η·g
        scratch = param - average
        scratch *= mu
        average += scratch                               # ax ← ax + μ·(θ - ax)
        state["eta"] = lr / (1.0 + lambd * lr * step) ** group["alpha"]
        state["mu"] = 1.0 / max(1.0, step - group["t0"])
