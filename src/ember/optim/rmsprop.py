"""RMSprop: divide each coordinate's step by a running root-mean-square of its gradients."""

from .. import backend
from .optimizer import Optimizer, Params


class RMSprop(Optimizer):
    """Steps scaled by the recent size of each coordinate's gradient:

        v ← α·v + (1 - α)·g²,   θ ← θ - lr·g / (√v + ε)

    centered subtracts the square of the running mean gradient ḡ (√(v - ḡ²): a variance);
    momentum μ keeps a velocity b ← μ·b + g / (√v + ε) and steps θ ← θ - lr·b.
    weight_decay λ adds λ·θ to g (L2). capturable and foreach are accepted and change nothing;
    differentiable=True is refused (see ember.optim.optimizer).
    """

    def __init__(self, params: Params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable=False, foreach=None,
                 maximize: bool = False, differentiable=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _validate(self, group):
        super()._validate(group)
        self._check(group, "alpha", 0.0, 1.0)
        self._check(group, "eps")
        self._check(group, "momentum", 0.0, 1.0, high_open=True)

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        alpha, momentum = group["alpha"], group["momentum"]
        state["step"] = state.get("step", 0) + 1
        square_avg = self._buffer(state, "square_avg", param)

        scratch = grad * grad  # the one temporary array of the update
        scratch *= 1.0 - alpha
        square_avg *= alpha
        square_avg += scratch                            # v ← α·v + (1 - α)·g²
        if group["centered"]:
            grad_avg = self._buffer(state, "grad_avg", param)
            xp.multiply(grad, 1.0 - alpha, out=scratch)
            grad_avg *= alpha
            grad_avg += scratch                          # ḡ ← α·ḡ + (1 - α)·g
            xp.multiply(grad_avg, grad_avg, out=scratch)
            xp.subtract(square_avg, scratch, out=scratch)
            xp.sqrt(scratch, out=scratch)                # √(v - ḡ²)
        else:
            xp.sqrt(square_avg, out=scratch)
        scratch += group["eps"]
        xp.divide(grad, scratch, out=scratch)            # g / (√v + ε)
        if momentum > 0:
            velocity = self._buffer(state, "momentum_buffer", param)
            velocity *= momentum
            velocity += scratch
            xp.multiply(velocity, group["lr"], out=scratch)
        else:
            scratch *= group["lr"]
        param -= scratch
