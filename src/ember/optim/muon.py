"""Muon: momentum whose step is orthogonalized, so that a weight matrix moves by the same amount in every direction."""

import math

from .. import backend
from .optimizer import Optimizer, check_count, check_number, check_tuple


def newton_schulz(matrix, coefficients, steps, eps):
    """An approximation of U·Vᵀ for matrix = U·S·Vᵀ (its singular values all moved near 1), by `steps`
    iterations of X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ, from X = matrix / max(‖matrix‖, ε).

    The coefficients (a, b, c) make the iteration push small singular values up fast rather than
    converge exactly: they end up between about 0.5 and 1.5. (n, m) -> (n, m).
    """
    a, b, c = coefficients
    wide = matrix.T if matrix.shape[0] > matrix.shape[1] else matrix  # A = X·Xᵀ is the smaller square
    x = wide / max(float(backend.xp_of(matrix).linalg.norm(wide)), eps)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return x.T if matrix.shape[0] > matrix.shape[1] else x


class Muon(Optimizer):
    """MomentUm Orthogonalized by Newton-Schulz, for the 2-D weights of hidden layers (optimize biases,
    embeddings and the output layer with AdamW beside it). Momentum B of the gradient g, then a step
    along newton_schulz(B), whose singular values are all about 1:

        B ← μ·B + (1 - μ)·g,   O = newton_schulz(μ·B + (1 - μ)·g if nesterov else B)
        θ ← θ·(1 - lr·λ) - lr·s·O

    s = √max(1, A/B) for an (A, B) weight (adjust_lr_fn None or "original"), or 0.2·√max(A, B)
    ("match_rms_adamw", for a step of AdamW's typical size, so that AdamW's lr and weight decay carry
    over). weight_decay λ is decoupled. PyTorch runs the iteration in bfloat16; ember, whose arrays
    have no bfloat16, in the parameter's dtype.
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None):
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                      ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                                      adjust_lr_fn=adjust_lr_fn))

    def _validate(self, group):
        super()._validate(group)
        name = type(self).__name__
        self._check(group, "momentum", 0.0, 1.0, high_open=True)
        self._check(group, "eps")
        coefficients = check_tuple(name, "ns_coefficients", group["ns_coefficients"], ("a", "b", "c"))
        group["ns_coefficients"] = tuple(check_number(name, f"ns_coefficients[{i}]", value, -math.inf)
                                         for i, value in enumerate(coefficients))
        check_count(name, "ns_steps", group["ns_steps"], low=0)
        if group["ns_steps"] >= 100:
            raise ValueError(f"{name}: ns_steps must be < 100 (each is two matrix products), got {group['ns_steps']}")
        if group["adjust_lr_fn"] not in (None, "original", "match_rms_adamw"):
            raise ValueError(f"{name}: adjust_lr_fn must be None, 'original' or 'match_rms_adamw', "
                             f"got {group['adjust_lr_fn']!r}")
        for param in group["params"]:
            if param.ndim != 2:
                raise ValueError(f"{name} optimizes 2-D weights only, got a parameter of shape {param.shape}; "
                                 "optimize the others with AdamW beside it")

    def _decoupled(self, group):
        return True

    def _update(self, param, grad, state, group):
        momentum = group["momentum"]
        buffer = self._buffer(state, "momentum_buffer", param)
        buffer *= momentum
        buffer += grad * (1.0 - momentum)                # B ← μ·B + (1 - μ)·g
        direction = grad * (1.0 - momentum) + buffer * momentum if group["nesterov"] else buffer
        orthogonal = newton_schulz(direction, group["ns_coefficients"], group["ns_steps"], group["eps"])
        self._decay_weights(param, group)
        param -= orthogonal * (group["lr"] * _lr_scale(group["adjust_lr_fn"], param.shape))


def _lr_scale(adjust_lr_fn, shape):
    """The factor s of the learning rate for a weight of this (rows, columns) shape."""
    rows, columns = shape
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * math.sqrt(max(rows, columns))
    return math.sqrt(max(1.0, rows / columns))
