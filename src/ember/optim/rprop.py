"""Rprop: resilient backpropagation, which follows only the sign of each gradient coordinate."""

import math

from .. import backend
from .optimizer import Optimizer, check_number, check_tuple


class Rprop(Optimizer):
    """Each coordinate has its own step size η, which grows while its gradient keeps its sign and shrinks
    when the sign flips (the last step jumped over a minimum); the step uses only the gradient's sign:

        g·g_prev > 0:  η ← min(η·η₊, η_max)
        g·g_prev < 0:  η ← max(η·η₋, η_min),  g ← 0   (no step this time; the next one starts afresh)
        θ ← θ - η·sign(g),   g_prev ← g

    etas = (η₋, η₊), step_sizes = (η_min, η_max); every η starts at lr (later changes of lr do not reach
    it). foreach and capturable are accepted and change nothing; differentiable=True is refused (see
    ember.optim.optimizer).
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _validate(self, group):
        super()._validate(group)
        name = type(self).__name__
        etas = check_tuple(name, "etas", group["etas"], ("etaminus", "etaplus"))
        shrink, grow = group["etas"] = tuple(check_number(name, f"etas[{i}]", eta, -math.inf)
                                             for i, eta in enumerate(etas))
        if not 0.0 < shrink < 1.0 < grow:
            raise ValueError(f"{name}: etas must be (etaminus, etaplus) with 0 < etaminus < 1 < etaplus, "
                             f"got {etas!r}")
        smallest, largest = check_tuple(name, "step_sizes", group["step_sizes"], ("min", "max"))
        smallest = check_number(name, "step_sizes[0]", smallest)
        group["step_sizes"] = (smallest, check_number(name, "step_sizes[1]", largest, smallest))

    def _update(self, param, grad, state, group):
        xp = backend.xp_of(param)
        shrink, grow = group["etas"]
        state["step"] = state.get("step", 0) + 1
        previous = self._buffer(state, "prev", param)
        step_size = self._buffer(state, "step_size", param, group["lr"])

        agreement = xp.sign(grad * previous)
        factor = xp.ones_like(param)
        factor[agreement > 0] = grow
        factor[agreement < 0] = shrink
        step_size *= factor
        xp.clip(step_size, *group["step_sizes"], out=step_size)
        previous[...] = grad
        previous[agreement < 0] = 0.0                    # a flipped sign: no step, and no comparison next time
        param -= xp.sign(previous) * step_size
