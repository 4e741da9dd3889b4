"""L-BFGS: a quasi-Newton method that builds its picture of the curvature from the last few steps.

Newton's method steps to the minimum of the local quadratic, d = -H⁻¹·g, but the Hessian H of a
network has millions squared entries. BFGS learns H⁻¹ instead from how the gradient changed along
the steps taken (y = g_new - g_old along s = θ_new - θ_old: H·s ≈ y), and L-BFGS keeps only the last
history_size pairs (s, y), from which the two-loop recursion computes H⁻¹·g without ever forming a
matrix. Each step() runs up to max_iter such iterations on the whole batch; so it needs a closure that
recomputes the loss and its gradient, as many times as it asks.
"""

import math
from collections import namedtuple

from .. import autograd, backend
from ..tensor import Tensor
from .optimizer import Optimizer, check_count

# One trial point of a line search: step length t, loss f, flat gradient g, slope g·d along the direction d.
Point = namedtuple("Point", "t loss grad slope")


def cubic_minimum(a, b, bounds=None):
    """Where the cubic through the points a and b (Points: values and slopes at two step lengths) has its
    minimum, kept within bounds (by default between a.t and b.t); the bounds' middle if it has none."""
    low, high = bounds if bounds is not None else sorted((a.t, b.t))
    if a.t > b.t:
        a, b = b, a
    d1 = a.slope + b.slope - 3 * (a.loss - b.loss) / (a.t - b.t)
    square = d1 * d1 - a.slope * b.slope
    if square < 0:
        return (low + high) / 2
    d2 = math.sqrt(square)
    t = b.t - (b.t - a.t) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
    return min(max(t, low), high)


def strong_wolfe(evaluate, start, t, d_norm, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step length along a descent direction that satisfies the strong Wolfe conditions: the loss fell
    enough (f(t) <= f(0) + c1·t·f'(0)) and the slope flattened enough (|f'(t)| <= c2·|f'(0)|).

    evaluate(t) -> Point at step length t; start: the Point at t = 0; d_norm: max |d| (for the tolerance
    on the step). First the trial step grows until it brackets such a point, then the bracket shrinks
    around it, each new trial at the minimum of the cubic through the bracket's ends. Returns the Point
    chosen and the number of evaluations.
    """
    new, evaluations = evaluate(t), 1
    previous = start
    bracket, done = None, False
    while evaluations <= max_ls:
        if new.loss > start.loss + c1 * new.t * start.slope or (evaluations > 2 and new.loss >= previous.loss):
            bracket = [previous, new]
            break
        if abs(new.slope) <= -c2 * start.slope:
            bracket, done = [new], True
            break
        if new.slope >= 0:
            bracket = [previous, new]
            break
        t = cubic_minimum(previous, new, bounds=(new.t + 0.01 * (new.t - previous.t), new.t * 10))
        previous, new = new, evaluate(t)
        evaluations += 1
    if bracket is None:  # out of evaluations while still growing
        return min(start, new, key=lambda point: point.loss), evaluations
    return _zoom(evaluate, start, bracket, done, evaluations, d_norm, c1, c2, tolerance_change, max_ls)


def _zoom(evaluate, start, bracket, done, evaluations, d_norm, c1, c2, tolerance_change, max_ls):
    """The second phase of strong_wolfe: shrink the bracket [low, high] (low: the end with the lower loss)."""
    low, high = (0, 1) if bracket[0].loss <= bracket[-1].loss else (1, 0)
    insufficient_progress = False
    while not done and evaluations <= max_ls:
        left, right = sorted(point.t for point in bracket)
        if (right - left) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0], bracket[1])
        # Keep the trial away from the ends, where the bracket would hardly shrink.
        margin = 0.1 * (right - left)
        if min(right - t, t - left) < margin:
            if insufficient_progress or t >= right or t <= left:
                t = right - margin if abs(t - right) < abs(t - left) else left + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        new = evaluate(t)
        evaluations += 1
        if new.loss > start.loss + c1 * t * start.slope or new.loss >= bracket[low].loss:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].loss <= bracket[1].loss else (1, 0)
        else:
            if abs(new.slope) <= -c2 * start.slope:
                done = True
            elif new.slope * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new
    return bracket[low], evaluations


class LBFGS(Optimizer):
    """Limited-memory BFGS over all the parameters as one flat vector θ (one parameter group):

        d = -H⁻¹·g (the two-loop recursion over the last history_size pairs s, y),   θ ← θ + t·d

    with t = lr (the first iteration: lr·min(1, 1/‖g‖₁)), or chosen by line_search_fn="strong_wolfe".
    A step() stops after max_iter iterations or max_eval evaluations (default max_iter·5/4), when
    max |g| <= tolerance_grad, or when the step or the change of the loss is below tolerance_change.
    step(closure) returns the closure's first loss.
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if max_eval is None:
            max_eval = check_count("LBFGS", "max_iter", max_iter) * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))

    def add_param_group(self, param_group):
        if self.param_groups:
            raise ValueError("LBFGS optimizes a single parameter group (all parameters as one vector); "
                             "it has no per-group options")
        super().add_param_group(param_group)

    def _validate(self, group):
        super()._validate(group)
        for key in ("max_iter", "max_eval", "history_size"):
            check_count("LBFGS", key, group[key])
        for key in ("tolerance_grad", "tolerance_change"):
            self._check(group, key)
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got {group['line_search_fn']!r}")

    def _state_shape(self, key, param):
        return (self._numel(),)

    # -----------------------------------------------------------------------------------------
    # The parameters as one flat vector.

    def _params(self):
        return self.param_groups[0]["params"]

    def _numel(self):
        return sum(param.numel() for param in self._params())

    def _flat_grad(self):
        """The gradients of all parameters as one vector (zeros for a parameter without one)."""
        xp = backend.xp_of(self._params()[0].array)
        return xp.concatenate([param.grad.array.ravel() if param.grad is not None else
                               xp.zeros(param.numel(), dtype=param.dtype) for param in self._params()])

    def _move(self, t, d):
        """θ ← θ + t·d."""
        offset = 0
        for param in self._params():
            param.array += t * d[offset:offset + param.numel()].reshape(param.shape)
            param._version += 1
            offset += param.numel()

    def _restore(self, arrays):
        for param, array in zip(self._params(), arrays):
            param.array[...] = array
            param._version += 1

    # -----------------------------------------------------------------------------------------
    # The step.

    def _step(self, closure=None):
        if closure is None:
            raise TypeError("LBFGS.step needs a closure: a function that clears the gradients, recomputes the "
                            "loss, calls backward() and returns the loss (LBFGS evaluates it several times)")
        group = self.param_groups[0]
        state = self.state[self._params()[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        first_loss = self._evaluate(closure)
        loss, grad = float(first_loss), self._flat_grad()
        evaluations = 1
        state["func_evals"] += 1
        if _max_abs(grad) <= group["tolerance_grad"]:
            return first_loss
        for iteration in range(1, group["max_iter"] + 1):
            state["n_iter"] += 1
            d = self._direction(state, grad, group["history_size"])
            t = group["lr"] * (min(1.0, 1.0 / float(abs(grad).sum())) if state["n_iter"] == 1 else 1.0)
            state.update(d=Tensor(d), t=t, prev_flat_grad=Tensor(grad), prev_loss=loss)
            slope = float(grad @ d)
            if slope > -group["tolerance_change"]:  # no longer a descent direction
                break
            if group["line_search_fn"] == "strong_wolfe":
                point, used = self._line_search(closure, Point(0.0, loss, grad, slope), t, d, group,
                                                group["max_eval"] - evaluations)
                t, loss, grad = point.t, point.loss, point.grad
                state["t"] = t
                self._move(t, d)
            else:
                self._move(t, d)
                used = 0
                if iteration != group["max_iter"]:
                    loss, grad, used = float(self._evaluate(closure)), self._flat_grad(), 1
            evaluations += used
            state["func_evals"] += used
            if (iteration == group["max_iter"] or evaluations >= group["max_eval"]
                    or _max_abs(grad) <= group["tolerance_grad"]
                    or abs(t) * _max_abs(d) <= group["tolerance_change"]
                    or abs(loss - state["prev_loss"]) < group["tolerance_change"]):
                break
        return first_loss

    @staticmethod
    def _evaluate(closure):
        with autograd.enable_grad():
            return closure()

    def _direction(self, state, grad, history_size):
        """The search direction -H⁻¹·g, after adding the last step's pair (s, y) to the history."""
        if state["n_iter"] == 1:
            state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1.0)
            return -grad
        ys, ss, rhos = state["old_dirs"], state["old_stps"], state["ro"]
        y = grad - state["prev_flat_grad"].array
        s = state["d"].array * state["t"]
        curvature = float(y @ s)
        if curvature > 1e-10:  # keep only pairs with positive curvature: H⁻¹ stays positive definite
            if len(ys) == history_size:
                del ys[0], ss[0], rhos[0]
            ys.append(Tensor(y))
            ss.append(Tensor(s))
            rhos.append(1.0 / curvature)
            state["H_diag"] = curvature / float(y @ y)  # the scale of H⁻¹ along the newest step
        # The two-loop recursion: q ← g with the history's components taken out, scaled, then put back.
        q = -grad
        alphas = []
        for y, s, rho in zip(reversed(ys), reversed(ss), reversed(rhos)):
            alphas.append(float(s.array @ q) * rho)
            q -= alphas[-1] * y.array
        r = q * state["H_diag"]
        for y, s, rho, alpha in zip(ys, ss, rhos, reversed(alphas)):
            beta = float(y.array @ r) * rho
            r += (alpha - beta) * s.array
        return r

    def _line_search(self, closure, start, t, d, group, max_ls):
        """strong_wolfe along d from the current parameters, which it leaves where they were."""
        origin = [param.array.copy() for param in self._params()]

        def evaluate(t):
            self._move(t, d)
            loss, grad = float(self._evaluate(closure)), self._flat_grad()
            self._restore(origin)
            return Point(t, loss, grad, float(grad @ d))

        return strong_wolfe(evaluate, start, t, _max_abs(d), tolerance_change=group["tolerance_change"],
                            max_ls=max_ls)


def _max_abs(array):
    return float(abs(array).max())
