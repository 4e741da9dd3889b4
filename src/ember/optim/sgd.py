"""SGD: stochastic gradient descent, with momentum."""

from ..tensor import Tensor
from .optimizer import Optimizer, Params


class SGD(Optimizer):
    """Gradient descent, θ ← θ - lr·g, with an optional velocity that keeps moving downhill:

        b ← μ·b + (1 - τ)·g,   θ ← θ - lr·b         (momentum μ, dampening τ; b starts as g)
        θ ← θ - lr·(g + μ·b)                         (nesterov: look ahead along the velocity)

    weight_decay λ adds λ·θ to g (L2 regularization); maximize climbs the loss instead. foreach and fused
    are accepted and change nothing; differentiable=True is refused (see ember.optim.optimizer).
    """

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False, foreach=None,
                 differentiable=False, fused=None):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _validate(self, group):
        super()._validate(group)
        self._check(group, "momentum", 0.0, 1.0, high_open=True)
        self._check(group, "dampening", 0.0, 1.0)
        if group["nesterov"] and (group["momentum"] == 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening = 0, got "
                             f"momentum={group['momentum']} and dampening={group['dampening']}")

    def _update(self, param, grad, state, group):
        momentum = group["momentum"]
        step = grad
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                velocity = grad.copy()
                state["momentum_buffer"] = Tensor(velocity)
            else:
                velocity = buffer.array
                velocity *= momentum
                velocity += grad if group["dampening"] == 0 else grad * (1.0 - group["dampening"])
            if group["nesterov"]:
                step = velocity * momentum
                step += grad
            else:
                step = velocity
        param -= group["lr"] * step
