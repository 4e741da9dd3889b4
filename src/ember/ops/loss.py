"""Loss functions: one number that says how wrong the predictions are. Training lowers it.

Regression compares numbers with numbers (MSE, L1, Huber); classification scores the probability
the model gave to the right answer (cross-entropy, and binary cross-entropy for a yes/no output).
Each loss is computed per prediction, then averaged (reduction="mean", the default), added up
("sum") or left as it is ("none"). PyTorch's older size_average and reduce arguments still work (see
legacy_reduction). The losses of distributions, of margins and CTC are in distribution_loss.py,
margin_loss.py and ctc.py.
"""

import math
import warnings

from ..autograd import Function, InputError
from .activation import log_softmax
from .elementwise import promote, to_float
from .linalg import linear
from .reduce import row_sums

REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss, reduction, count):
    """Each element's loss ('none'), their total ('sum'), or the total divided by count ('mean')."""
    if reduction == "none":
        return loss
    total = loss.sum()
    return total / count if reduction == "mean" else total


def _upstream(grad, reduction, count):
    """The backward of _reduce: the gradient that reaches each element's loss."""
    return grad / count if reduction == "mean" else grad


def reduce_loss(loss, reduction):
    """A tensor of losses reduced as _reduce does its array: left as it is, added up, or averaged."""
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


# ---------------------------------------------------------------------------------------------
# Regression: a penalty on each difference d = input - target.

class DifferenceLoss(Function):
    """Base of the regression losses: penalty(d) for each d = input - target, then reduced.

    Subclasses give the penalty and the gradient it passes back, slope(d, upstream) = upstream · penalty'(d),
    the upstream factor first (1/n for a mean), so that no step overflows where the result does not;
    d/d input = slope(d, upstream) and d/d target = -slope(d, upstream).
    """

    def forward(ctx, input, target, *, reduction, delta=None):
        d = input - target
        ctx.save_for_backward(d)
        ctx.reduction, ctx.delta = reduction, delta
        return _reduce(ctx.penalty(d), reduction, d.size)

    def backward(ctx, grad):
        d, = ctx.saved
        grad_input = ctx.slope(d, _upstream(grad, ctx.reduction, d.size))
        return grad_input, (-grad_input if ctx.needs_input_grad[1] else None)


class MSE(DifferenceLoss):
    """Squared error d²: big mistakes cost much more than small ones; slope 2d."""

    def penalty(ctx, d):
        return d * d

    def slope(ctx, d, upstream):
        return (2 * upstream) * d  # 2d first would overflow float32 for d beyond 1.7e38


class L1(DifferenceLoss):
    """Absolute error |d|: every unit of error costs the same; slope sign(d)."""

    def penalty(ctx, d):
        return ctx.xp.abs(d)

    def slope(ctx, d, upstream):
        return upstream * ctx.xp.sign(d)


class Huber(DifferenceLoss):
    """½d² for |d| < δ, δ(|d| - ½δ) beyond: squared near zero, linear (robust to outliers) far out;
    slope clip(d, -δ, δ)."""

    def penalty(ctx, d):
        size = ctx.xp.abs(d)
        return ctx.xp.where(size < ctx.delta, 0.5 * d * d, ctx.delta * (size - 0.5 * ctx.delta))

    def slope(ctx, d, upstream):
        return upstream * ctx.xp.clip(d, -ctx.delta, ctx.delta)


class SmoothL1(Huber):
    """Huber with δ = β, divided by β: ½d²/β for |d| < β, |d| - ½β beyond; slope clip(d/β, -1, 1)."""

    def penalty(ctx, d):
        return super().penalty(d) / ctx.delta

    def slope(ctx, d, upstream):
        return super().slope(d, upstream) / ctx.delta


# ---------------------------------------------------------------------------------------------
# Classification into C classes. The scores of one prediction lie along axis 1 ((N, C) or
# (N, C, d1, ...)), or are the whole input ((C,)); the ops see them as rows of a matrix.

def _prediction_shape(shape):
    """The shape of one loss per prediction: (N, d1, ...) for scores (N, C, d1, ...), () for (C,)."""
    return shape[:1] + shape[2:] if len(shape) > 1 else ()


def _rows(xp, x):
    """Scores of shape (C,), (N, C) or (N, C, d1, ...) as a matrix: one row per prediction."""
    if x.ndim <= 2:
        return x.reshape(-1, x.shape[-1])
    return xp.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _unrows(xp, rows, shape):
    """The inverse of _rows: a matrix back to the input's shape, classes on axis 1."""
    if len(shape) <= 2:
        return rows.reshape(shape)
    return xp.moveaxis(rows.reshape(shape[:1] + shape[2:] + shape[1:2]), -1, 1)


def _minus_row_max(xp, x):
    """Each row minus its max, so that exp() of it never overflows. (The max is read at the argmax:
    NumPy's max over many short rows is twice as slow.)"""
    return x - x[xp.arange(x.shape[0]), x.argmax(axis=1)][:, None]


def _target_weights(xp, target, weight, ignore_index, dtype):
    """For class-index targets (one per row): the targets with ignored ones replaced by class 0
    (safe to index with), a mask of the kept ones, and each row's weight w[target] (1 without
    weights, 0 where ignored)."""
    kept = target != ignore_index
    safe = xp.where(kept, target, 0)
    return safe, kept, (kept.astype(dtype) if weight is None else weight[safe] * kept)


def _reduce_targets(ctx, loss, target_weights, reduction, smoothed=False):
    """_reduce for class-index targets: the mean divides by the total weight of the kept targets.
    With every target ignored, or weighing 0, that is 0/0, NaN; with weights that cancel (a negative one),
    ±inf (as in PyTorch). The gradient is then 0 at ignored targets (backward leaves them out) and NaN or
    ±inf at the others. A smoothed mean over no weight is NaN too: PyTorch's is, by the 0/0 of its
    unsmoothed part, though the smoothed terms are not 0."""
    ctx.count = target_weights.sum() if reduction == "mean" else None
    if reduction != "mean":
        return _reduce(loss, reduction, None)
    mean = _reduce(loss, reduction, ctx.count)
    return ctx.xp.where(ctx.count == 0, math.nan, mean) if smoothed else mean


class CrossEntropy(Function):
    """-log softmax(x)[y]: minus the log of the probability given to the right class y.

    The gradient is softmax(x) - onehot(y): the predicted probabilities minus the target. With class
    weights w, each row counts w[y]. The log-softmax is fused in: the scores are shifted by their max
    (so ±1e4 stays finite), and the one-hot target is never built (w[y] is subtracted at the target
    positions instead). Label smoothing ε is the second path, below.
    """

    def forward(ctx, logits, target, *, weight, ignore_index, reduction, smoothing):
        xp = ctx.xp
        x = _rows(xp, logits)
        target_shape = target.shape
        target, kept, target_weights = _target_weights(xp, target.reshape(-1), weight, ignore_index, x.dtype)
        rows = xp.arange(x.shape[0])
        shifted = _minus_row_max(xp, x)
        exp = xp.exp(shifted)
        sums = row_sums(xp, exp)
        log_sums = xp.log(sums)
        loss = (log_sums - shifted[rows, target]) * target_weights  # log softmax(x)_c = shifted_c - log Σ e^shifted
        ctx.smoothing = smoothing
        if smoothing:
            loss = ctx.smoothed_loss(loss, shifted, log_sums, kept, weight)
        loss = xp.where(kept, loss, 0)  # an ignored target's loss is 0, not 0·NaN where its row holds inf
        ctx.save_for_backward(exp, sums, rows, target, kept, target_weights, weight)
        ctx.input_shape, ctx.reduction = logits.shape, reduction
        return _reduce_targets(ctx, loss.reshape(target_shape), target_weights, reduction, smoothed=bool(smoothing))

    def backward(ctx, grad):
        exp, sums, rows, target, kept, target_weights, weight = ctx.saved
        g = ctx.xp.where(kept, _upstream(grad, ctx.reduction, ctx.count).reshape(-1), 0)  # ignored: none
        at_target = g * target_weights  # w[y] times the upstream gradient
        if ctx.smoothing:
            grad_x = ctx.smoothed_grad(g, at_target, exp, sums, rows, target, kept, weight)
        else:
            grad_x = exp * (at_target / sums)[:, None]  # softmax(x) · w[y]
            grad_x[rows, target] -= at_target
        return _unrows(ctx.xp, grad_x, ctx.input_shape), None

    # Label smoothing: the target is q = (1 - ε)·onehot(y) + ε/C, so the loss is -Σ_c w_c q_c log softmax(x)_c,
    # (1 - ε) times the plain loss plus ε/C times -Σ_c w_c log softmax(x)_c; the gradient is
    # softmax(x)·Σ_c w_c q_c - w·q.

    def smoothed_loss(ctx, loss, shifted, log_sums, kept, weight):
        n_classes = shifted.shape[1]
        ctx.weight_sum = n_classes if weight is None else weight.sum()
        weighted_total = row_sums(ctx.xp, shifted) if weight is None else shifted @ weight  # Σ_c w_c shifted_c
        spread = (log_sums * ctx.weight_sum - weighted_total) * kept  # -Σ_c w_c log softmax(x)_c
        return (1 - ctx.smoothing) * loss + (ctx.smoothing / n_classes) * spread

    def smoothed_grad(ctx, g, at_target, exp, sums, rows, target, kept, weight):
        smoothing, n_classes = ctx.smoothing, exp.shape[1]
        at_target = at_target * (1 - smoothing)
        spread = (g * kept) * (smoothing / n_classes)
        grad_x = exp * ((at_target + spread * ctx.weight_sum) / sums)[:, None]  # softmax(x) · Σ_c w_c q_c
        grad_x[rows, target] -= at_target
        grad_x -= spread[:, None] if weight is None else spread[:, None] * weight
        return grad_x


class SoftCrossEntropy(Function):
    """-Σ_c w_c q_c log softmax(x)_c against class probabilities q (smoothed to (1 - ε)q + ε/C).

    d/dx = softmax(x)·Σ_c w_c q_c - w·q, and d/dq = -(1 - ε)·w·log softmax(x).
    """

    def forward(ctx, logits, target, *, weight, reduction, smoothing):
        xp = ctx.xp
        x, q = _rows(xp, logits), _rows(xp, target)
        n_rows, n_classes = x.shape
        log_p = _minus_row_max(xp, x)
        log_p -= xp.log(row_sums(xp, xp.exp(log_p)))[:, None]
        if smoothing:
            q = q * (1 - smoothing) + smoothing / n_classes
        weighted_q = q if weight is None else q * weight
        loss = -row_sums(xp, weighted_q * log_p)
        ctx.save_for_backward(log_p, weighted_q, weight)
        ctx.input_shape, ctx.reduction, ctx.smoothing = logits.shape, reduction, smoothing
        return _reduce(loss.reshape(_prediction_shape(logits.shape)), reduction, n_rows)

    def backward(ctx, grad):
        log_p, weighted_q, weight = ctx.saved
        xp = ctx.xp
        g = _upstream(grad, ctx.reduction, log_p.shape[0]).reshape(-1, 1)
        grad_x = grad_q = None
        if ctx.needs_input_grad[0]:
            grad_x = (xp.exp(log_p) * row_sums(xp, weighted_q)[:, None] - weighted_q) * g
            grad_x = _unrows(xp, grad_x, ctx.input_shape)
        if ctx.needs_input_grad[1]:
            grad_q = log_p * (g * -(1 - ctx.smoothing))
            grad_q = _unrows(xp, grad_q if weight is None else grad_q * weight, ctx.input_shape)
        return grad_x, grad_q


class NLL(Function):
    """-w[y]·x[y] for log-probabilities x: the negative log-likelihood of the right class y.
    The gradient is -w[y] at the target and 0 elsewhere."""

    def forward(ctx, log_probs, target, *, weight, ignore_index, reduction):
        xp = ctx.xp
        x = _rows(xp, log_probs)
        target_shape = target.shape
        target, kept, target_weights = _target_weights(xp, target.reshape(-1), weight, ignore_index, x.dtype)
        rows = xp.arange(x.shape[0])
        loss = xp.where(kept, -x[rows, target] * target_weights, 0)  # ignored: 0, not 0·inf
        ctx.save_for_backward(rows, target, kept, target_weights)
        ctx.input_shape, ctx.row_shape, ctx.reduction = log_probs.shape, x.shape, reduction
        return _reduce_targets(ctx, loss.reshape(target_shape), target_weights, reduction)

    def backward(ctx, grad):
        rows, target, kept, target_weights = ctx.saved
        g = ctx.xp.where(kept, _upstream(grad, ctx.reduction, ctx.count).reshape(-1), 0)  # ignored: none
        grad_x = ctx.xp.zeros(ctx.row_shape, dtype=g.dtype)
        grad_x[rows, target] = -(g * target_weights)
        return _unrows(ctx.xp, grad_x, ctx.input_shape), None


# ---------------------------------------------------------------------------------------------
# Yes/no classification: the model gives the probability p (or its logit x) that the answer is yes.

def _reduce_weighted(loss, weight, reduction):
    """Each element's loss times its weight (which broadcasts to it), then reduced."""
    if weight is not None:
        loss *= weight
    return _reduce(loss, reduction, loss.size)


def _upstream_weighted(grad, weight, reduction, count):
    """The backward of _reduce_weighted, for count elements."""
    g = _upstream(grad, reduction, count)
    return g if weight is None else g * weight


class BinaryCrossEntropy(Function):
    """-w[y log p + (1 - y) log(1 - p)] for probabilities p, each log clamped at -100 (as PyTorch)
    so that p = 0 or 1 stays finite. d/dp = w(p - y) / (p(1 - p)), d/dy = w(log(1 - p) - log p), its logs
    not clamped (±inf at p = 1 and 0, as PyTorch's)."""

    def forward(ctx, p, y, *, weight, reduction):
        xp = ctx.xp
        log_p = xp.maximum(xp.log(p), -100.0)
        log_not_p = xp.maximum(xp.log1p(-p), -100.0)
        ctx.save_for_backward(p, y, weight)
        ctx.reduction = reduction
        return _reduce_weighted(-(y * log_p + (1 - y) * log_not_p), weight, reduction)

    def backward(ctx, grad):
        p, y, weight = ctx.saved
        g = _upstream_weighted(grad, weight, ctx.reduction, p.size)
        grad_p = g * (p - y) / ctx.xp.maximum(p * (1 - p), 1e-12) if ctx.needs_input_grad[0] else None
        grad_y = g * (ctx.xp.log1p(-p) - ctx.xp.log(p)) if ctx.needs_input_grad[1] else None  # unclamped
        return grad_p, grad_y


class BinaryCrossEntropyWithLogits(Function):
    """Binary cross-entropy of p = σ(x), computed from the logit x without forming p:
    w[(1 - y)x + L·log(1 + e^-x)], where L = 1 + (pos_weight - 1)y weighs the positives
    (L = 1 without pos_weight) and log(1 + e^-x) = log(1 + e^-|x|) + max(-x, 0) never overflows.
    d/dx = w(L·σ(x) - pos_weight·y), which is w(σ(x) - y) without pos_weight."""

    def forward(ctx, x, y, *, weight, pos_weight, reduction):
        xp = ctx.xp
        softplus = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)  # log(1 + e^-x) = -log σ(x)
        loss = (1 - y) * x + (softplus if pos_weight is None else (1 + (pos_weight - 1) * y) * softplus)
        ctx.save_for_backward(x, y, softplus, weight, pos_weight)
        ctx.reduction = reduction
        return _reduce_weighted(loss, weight, reduction)

    def backward(ctx, grad):
        x, y, softplus, weight, pos_weight = ctx.saved
        g = _upstream_weighted(grad, weight, ctx.reduction, x.size)
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            sigmoid = ctx.xp.exp(-softplus)  # σ(x) = e^(log σ(x))
            if pos_weight is None:
                grad_x = g * (sigmoid - y)
            else:
                grad_x = g * ((1 + (pos_weight - 1) * y) * sigmoid - pos_weight * y)
        if ctx.needs_input_grad[1]:
            # -g(x - (pos_weight - 1)·log(1 + e^-x)), with x + log(1 + e^-x) taken as log(1 + e^x): no cancelling
            xp = ctx.xp
            grad_y = -g * (x if pos_weight is None else
                           xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(x, 0) - pos_weight * softplus)
        return grad_x, grad_y


# ---------------------------------------------------------------------------------------------
# Checks: bad input gets a clear error before any computation.

def check_reduction(name, reduction, allowed=REDUCTIONS):
    if reduction not in allowed:
        expected = ", ".join(repr(r) for r in allowed[:-1]) + f" or {allowed[-1]!r}"
        raise ValueError(f"{name}: reduction must be {expected}, got {reduction!r}")


def legacy_reduction(name, size_average, reduce, reduction):
    """The reduction that PyTorch's deprecated size_average and reduce arguments ask for (with a warning, as
    PyTorch gives), or reduction when both are None. Each defaults to True: reduce=False keeps each loss
    ('none'); otherwise size_average=False adds them up ('sum') and True averages them ('mean')."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is not None and not reduce:
        legacy = "none"
    else:
        legacy = "sum" if size_average is not None and not size_average else "mean"
    warnings.warn(f"{name}: size_average and reduce are deprecated; use reduction={legacy!r} instead",
                  UserWarning, stacklevel=3)
    return legacy


def _check_same_shape(name, input, target):
    if input.shape != target.shape:
        raise ValueError(f"{name}: input and target must have the same shape, got input {input.shape} "
                         f"and target {target.shape}")


def _check_probabilities(name, what, t):
    outside = ~((t.array >= 0) & (t.array <= 1))
    if outside.any():
        value = t.array[outside].reshape(-1)[0].item()
        hint = "; apply sigmoid first, or use binary_cross_entropy_with_logits on the logits" \
            if what == "input" else ""
        raise InputError(f"{name}: the {what} must hold probabilities in [0, 1], found {value}{hint}")


def _weight_array(name, what, weight, input, shape=None):
    """A weight tensor's array in the input's dtype, checked to be on the input's device and to
    have the given shape (or, without one, to broadcast to the input's shape); None stays None."""
    if weight is None:
        return None
    if weight.device != input.device:
        raise RuntimeError(f"{name}: {what} is on {weight.device}, the input on {input.device}")
    if shape is not None and weight.shape != shape:
        raise InputError(f"{name}: {what} must hold one number per class, shape {shape}; got shape {weight.shape}")
    if shape is not None and weight.dtype != input.dtype:
        raise InputError(f"{name}: {what} is {weight.dtype} but the input is {input.dtype}")
    if shape is None and (weight.ndim > input.ndim or any(
            w not in (1, n) for w, n in zip(reversed(weight.shape), reversed(input.shape)))):
        raise InputError(f"{name}: {what} of shape {weight.shape} does not broadcast to the input's shape "
                         f"{input.shape}")
    return weight.array.astype(input.dtype, copy=False)


def _class_scores(name, input):
    """The input scores as floats, with their number of classes (axis 1, or axis 0 of a 1-D input)."""
    if input.ndim == 0:
        raise ValueError(f"{name}: expected scores of shape (C,), (N, C) or (N, C, d1, ...), got a 0-d input")
    return to_float(input), input.shape[1 if input.ndim > 1 else 0]


def _check_class_indices(name, input, target, n_classes, ignore_index, probabilities_allowed=False):
    expected = _prediction_shape(input.shape)
    if target.dtype.kind not in "iu":
        hint = (f"; a floating point target is read as class probabilities, and must have the input's shape "
                f"{input.shape}") if probabilities_allowed else ""
        raise TypeError(f"{name}: class indices must be an integer tensor (ember.long), got {target.dtype} "
                        f"of shape {target.shape}{hint}")
    if target.shape != expected:
        raise ValueError(f"{name}: input of shape {input.shape} needs class indices of shape {expected}, "
                         f"got target of shape {target.shape}")
    t = target.array
    outside = ((t < 0) | (t >= n_classes)) & (t != ignore_index)
    if outside.any():
        value = t[outside].reshape(-1)[0].item()
        raise IndexError(f"{name}: target {value} is out of range for {n_classes} classes: class indices "
                         f"must be in [0, {n_classes - 1}] (or ignore_index={ignore_index})")


# ---------------------------------------------------------------------------------------------
# The functions users call (ember.functional).

def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy from logits: -Σ_c w_c q_c log softmax(input)_c, q the one-hot (or given) target.

    input: scores (C,), (N, C) or (N, C, d1, ...); target: class indices () / (N,) / (N, d1, ...)
    of an integer dtype, or class probabilities of the input's shape. Targets equal to ignore_index
    count for nothing; "mean" divides by the total weight of the counted targets.
    """
    reduction = legacy_reduction("cross_entropy", size_average, reduce, reduction)
    check_reduction("cross_entropy", reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    input, n_classes = _class_scores("cross_entropy", input)
    weight = _weight_array("cross_entropy", "weight", weight, input, (n_classes,))
    if target.dtype.kind == "f" and target.shape == input.shape:
        if ignore_index >= 0:
            raise ValueError("cross_entropy: ignore_index is not supported with class probabilities as the target")
        return SoftCrossEntropy.apply(input, target, weight=weight, reduction=reduction,
                                      smoothing=float(label_smoothing))
    _check_class_indices("cross_entropy", input, target, n_classes, ignore_index, probabilities_allowed=True)
    return CrossEntropy.apply(input, target, weight=weight, ignore_index=ignore_index, reduction=reduction,
                              smoothing=float(label_smoothing))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """Negative log-likelihood -w[y]·input[y] of log-probabilities (log_softmax's output).

    input: (C,), (N, C) or (N, C, d1, ...); target: class indices () / (N,) / (N, d1, ...).
    """
    reduction = legacy_reduction("nll_loss", size_average, reduce, reduction)
    check_reduction("nll_loss", reduction)
    input, n_classes = _class_scores("nll_loss", input)
    weight = _weight_array("nll_loss", "weight", weight, input, (n_classes,))
    _check_class_indices("nll_loss", input, target, n_classes, ignore_index)
    return NLL.apply(input, target, weight=weight, ignore_index=ignore_index, reduction=reduction)


def _difference_loss(name, op, input, target, reduction, weight=None, delta=None, mean_by_weight=True):
    """A regression loss; with a weight of the input's shape, each element's loss times its weight, whose
    mean is Σ w·loss / Σ w (mean_by_weight, as PyTorch's mse_loss and l1_loss) or the plain mean."""
    check_reduction(name, reduction)
    _check_same_shape(name, input, target)
    input, target = promote(to_float(input), target)
    if weight is None:
        return op.apply(input, target, reduction=reduction, delta=delta)
    if weight.shape != input.shape:
        raise ValueError(f"{name}: weight must have the input's shape {input.shape}, got {weight.shape}")
    loss = op.apply(input, target, reduction="none", delta=delta) * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return reduce_loss(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Mean squared error: mean((input - target)²), the regression loss. Shapes must match; weight (of the
    input's shape) weighs each element, and the mean is then Σ w·d² / Σ w."""
    reduction = legacy_reduction("mse_loss", size_average, reduce, reduction)
    return _difference_loss("mse_loss", MSE, input, target, reduction, weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Mean absolute error: mean(|input - target|). Shapes must match; weight as in mse_loss."""
    reduction = legacy_reduction("l1_loss", size_average, reduce, reduction)
    return _difference_loss("l1_loss", L1, input, target, reduction, weight)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """Huber loss: ½d² where |d| < delta, delta·(|d| - ½delta) beyond, d = input - target. weight (of the
    input's shape) weighs each element; the mean stays the mean over the elements."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    return _difference_loss("huber_loss", Huber, input, target, reduction, weight, float(delta), mean_by_weight=False)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    """Smooth L1 loss: ½d²/beta where |d| < beta, |d| - ½beta beyond (beta = 0 is the L1 loss)."""
    reduction = legacy_reduction("smooth_l1_loss", size_average, reduce, reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must not be negative, got {beta}")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    return _difference_loss("smooth_l1_loss", SmoothL1, input, target, reduction, delta=float(beta))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    """-w[y log p + (1 - y) log(1 - p)] for probabilities p = input in [0, 1] (sigmoid's output)."""
    name = "binary_cross_entropy"
    reduction = legacy_reduction(name, size_average, reduce, reduction)
    check_reduction(name, reduction)
    _check_same_shape(name, input, target)
    if input.dtype != target.dtype:
        raise InputError(f"{name}: input and target must have one dtype, got {input.dtype} and {target.dtype}")
    _check_probabilities(name, "input", input)
    _check_probabilities(name, "target", target)
    return BinaryCrossEntropy.apply(input, target, weight=_weight_array(name, "weight", weight, input),
                                    reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    """w[(1 - y)x + (1 + (pos_weight - 1)y)·log(1 + e^-x)]: binary cross-entropy of sigmoid(x), from logits x.

    Stable for any x; pos_weight weighs the positive examples (per class: it broadcasts to the input).
    """
    name = "binary_cross_entropy_with_logits"
    reduction = legacy_reduction(name, size_average, reduce, reduction)
    check_reduction(name, reduction)
    _check_same_shape(name, input, target)
    input, target = promote(to_float(input), target)
    return BinaryCrossEntropyWithLogits.apply(
        input, target, weight=_weight_array(name, "weight", weight, input),
        pos_weight=_weight_array(name, "pos_weight", pos_weight, input), reduction=reduction)


def _check_linear_cross_entropy(input, linear_weight, linear_bias):
    name = "linear_cross_entropy"
    if input.ndim not in (1, 2) or linear_weight.ndim < 2 or input.shape[-1] != linear_weight.shape[-1]:
        raise RuntimeError(f"{name}: expected input (in_features,) or (N, in_features) and linear_weight (C, ..., "
                           f"in_features); got {input.shape} and {linear_weight.shape}")
    if linear_bias is not None and linear_bias.shape != linear_weight.shape[:-1]:
        raise RuntimeError(f"{name}: expected linear_bias of shape {linear_weight.shape[:-1]}, got {linear_bias.shape}")
    if linear_weight.ndim > 2 and input.ndim == 1:
        raise RuntimeError(f"{name}: a linear_weight of shape {linear_weight.shape} gives a loss per position, for "
                           f"input (N, {input.shape[0]}); got input of shape {input.shape}")


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,  # noqa: A002
                         reduction="mean", ignore_index=None, label_smoothing=0.0, options=None):
    """cross_entropy of the logits input·Wᵀ + b, which are never all needed at once in PyTorch's chunked form
    (ember computes them whole, so options, PyTorch's chunking settings, must be None).

    input (in_features,) or (N, in_features); linear_weight (C, in_features), or (C, d1, ..., in_features) for
    logits (N, C, d1, ...); target as in cross_entropy. ignore_index None means -100 for class indices.
    """
    if options is not None:
        raise ValueError("linear_cross_entropy: options (PyTorch's chunking settings) must be None: ember computes "
                         "the logits in one piece")
    _check_linear_cross_entropy(input, linear_weight, linear_bias)
    logits_shape = input.shape[:-1] + linear_weight.shape[:-1]
    if target.shape == logits_shape and ignore_index is not None:
        raise RuntimeError("linear_cross_entropy: ignore_index cannot be given with class probabilities as the target")
    flat_bias = None if linear_bias is None else linear_bias.reshape(-1)
    logits = linear(input, linear_weight.reshape(-1, input.shape[-1]), flat_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight, ignore_index=-100 if ignore_index is None else ignore_index,
                         reduction=reduction, label_smoothing=label_smoothing)


# ---------------------------------------------------------------------------------------------
# The readable twin: the lesson's formula composed from primitives, whose gradients autograd derives.
# Tested equal to the fused op above, forward and backward; slower, and written to be read.

def cross_entropy_composed(input, target):  # noqa: A002
    """The mean of -log softmax(x)[y], from log_softmax and gather: CrossEntropy's twin.
    input (N, C) scores, target (N,) class indices -> a scalar."""
    return -log_softmax(input, 1).gather(1, target.reshape(-1, 1)).mean()
