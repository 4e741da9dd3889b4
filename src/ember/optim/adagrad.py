"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients so far."""

from .. import backend
from .optimizer import Optimizer, Params


class Adagrad(Optimizer):
    """Per-coordinate learning rates that decay with everything seen so far:

        s ← s + g²,   θ ← θ - lr_t·g / (√s + ε),   lr_t = lr / (1 + (t - 1)·lr_decay)

    s starts at initial_accumulator_value; weight_decay λ adds λ·θ to g (L2). foreach and fused are
    accepted and change nothing; differentiable=True is refused (see ember.optim.optimizer).
    """

    def __init__(self, params: Params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *, maximize: bool = False,
                 differentiable=False, fused=None):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      fused=fused))

    def _validate(self, group):
        super()._validate(group)
        for key in ("lr_decay", "initial_accumulator_value", "eps"):
            self._check(group, key)

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        step = state["step"] = state.get("step", 0) + 1
        total = self._buffer(state, "sum", param, group["initial_accumulator_value"])

        scratch = grad * grad  # the one temporary array of the update
        total += scratch                                 # s ← s + g²
        xp.sqrt(total, out=scratch)
        scratch += group["eps"]
        xp.divide(grad, scratch, out=scratch)            # g / (√s + ε)
        scratch *= group["lr"] / (1.0 + (step - 1) * group["lr_decay"])
        param -= scratch
