"""Connectionist temporal classification (CTC): the loss of a sequence model whose T outputs must spell a
shorter target, without being told which output gives which label (speech to text, handwriting).

Each output gives log-probabilities over C classes, one of which is the blank, "no label here". A path (one
class per output) spells the target once its repeats are merged and its blanks dropped: "hh-e-ll-ll-oo"
spells "hello". The loss is -log of the total probability of the paths that spell the target, summed by the
forward-backward algorithm over the target with blanks around its labels, l' = (-, l1, -, l2, ..., -):

    α_t(s): the probability of the paths through outputs 0..t that end at l'_s, having spelled l'_0..l'_s;
    α_t(s) = (α_{t-1}(s) + α_{t-1}(s-1) + α_{t-1}(s-2) if l'_s is a label unlike l'_{s-2}) · y_t(l'_s),

y_t(c) the probability of class c at output t; p(target) = α_{T-1}(last blank) + α_{T-1}(last label).
β_t(s) is the same from the end backwards, and α_t(s)β_t(s)/y_t(l'_s), summed over s, is p(target) at every
t, which gives the gradient. Everything is computed in log space, where products are sums and sums are
logaddexp, so that long sequences do not underflow.
"""

import math

import numpy as np

from .. import backend
from ..autograd import Function
from .loss import check_reduction, reduce_loss


def _from_before(xp, previous, skip):
    """One step of the α recursion without y_t: log(α(s) + α(s-1) + α(s-2) where skip(s)), (N, S')."""
    merged = previous.copy()
    merged[:, 1:] = xp.logaddexp(merged[:, 1:], previous[:, :-1])
    merged[:, 2:] = xp.logaddexp(merged[:, 2:], xp.where(skip[:, 2:], previous[:, :-2], -math.inf))
    return merged


def _from_after(xp, following, skip):
    """One step of the β recursion without y_t: log(β(s) + β(s+1) + β(s+2) where skip(s+2)), (N, S')."""
    merged = following.copy()
    merged[:, :-1] = xp.logaddexp(merged[:, :-1], following[:, 1:])
    merged[:, :-2] = xp.logaddexp(merged[:, :-2], xp.where(skip[:, 2:], following[:, 2:], -math.inf))
    return merged


class CTC(Function):
    """The CTC loss -log p(target) of each sequence (see the module's docstring), divided by its target's
    length (at least 1) with per_label.

    d loss / d log y_t(c) = -Σ_{s: l'_s = c} α_t(s)β_t(s) / (y_t(c) p(target)): minus the share of the
    target's probability that passes through class c at output t (0 for t beyond the sequence's length).
    That is the gradient of the log-probabilities as given; PyTorch's adds y_t(c) to it, the gradient of
    logits whose log_softmax they are, and both give the same gradient of those logits.
    Infinite losses (targets too long for their input) are 0, with 0 gradients, under zero_infinity.
    """

    def forward(ctx, log_probs, *, targets, input_lengths, target_lengths, blank, zero_infinity, per_label):
        xp = ctx.xp
        n_steps, n_sequences, _ = log_probs.shape
        targets, input_lengths, target_lengths = (xp.asarray(a) for a in (targets, input_lengths, target_lengths))
        labels = xp.full((n_sequences, 2 * targets.shape[1] + 1), blank, dtype=targets.dtype)
        labels[:, 1::2] = targets
        skip = xp.zeros(labels.shape, dtype=bool)
        skip[:, 3::2] = labels[:, 3::2] != labels[:, 1:-2:2]  # a label may follow the one before its blank
        y = xp.take_along_axis(log_probs, xp.broadcast_to(labels, (n_steps,) + labels.shape), axis=2)
        alpha = xp.full(y.shape, -math.inf, dtype=log_probs.dtype)
        alpha[0, :, :2] = y[0, :, :2]  # a path starts at the first blank or at the first label
        for t in range(1, n_steps):
            alpha[t] = _from_before(xp, alpha[t - 1], skip) + y[t]
        rows, last, end = xp.arange(n_sequences), input_lengths - 1, 2 * target_lengths
        before_end = xp.where(target_lengths > 0, alpha[last, rows, xp.maximum(end - 1, 0)], -math.inf)
        loss = -xp.logaddexp(alpha[last, rows, end], before_end)
        loss = xp.where(input_lengths == 0, xp.where(target_lengths == 0, 0.0, math.inf), loss).astype(alpha.dtype)
        ctx.save_for_backward(y, alpha, labels, skip, loss)
        ctx.n_classes = log_probs.shape[2]
        ctx.input_lengths, ctx.target_lengths, ctx.zero_infinity = input_lengths, target_lengths, zero_infinity
        ctx.scale = (1 / xp.maximum(target_lengths, 1) if per_label else xp.ones(n_sequences)).astype(alpha.dtype)
        return (xp.where(xp.isinf(loss), 0.0, loss) if zero_infinity else loss) * ctx.scale

    def backward(ctx, grad):
        y, alpha, labels, skip, loss = ctx.saved
        xp = ctx.xp
        (n_steps, n_sequences, _), n_classes = y.shape, ctx.n_classes
        starts = (2 * ctx.target_lengths[:, None] - xp.arange(labels.shape[1]) <= 1) & \
            (xp.arange(labels.shape[1]) <= 2 * ctx.target_lengths[:, None])  # the last label and the last blank
        beta = xp.full(y.shape, -math.inf, dtype=y.dtype)
        for t in range(n_steps - 1, -1, -1):
            following = _from_after(xp, beta[t + 1], skip) if t + 1 < n_steps else beta[t]  # (still -inf)
            last = (ctx.input_lengths - 1 == t)[:, None]
            beta[t] = xp.where(last, xp.where(starts, 0.0, -math.inf), following) + y[t]
        finite = xp.isfinite(loss)
        share = xp.exp(alpha + beta - xp.where(y == -math.inf, 0, y) + xp.where(finite, loss, 0)[:, None])
        steps, sequences = xp.arange(n_steps)[:, None, None], xp.arange(n_sequences)[:, None]
        places = ((steps * n_sequences + sequences) * n_classes + labels).reshape(-1)
        grad_log_probs = xp.zeros(n_steps * n_sequences * n_classes, dtype=y.dtype)
        backend.scatter_add(grad_log_probs, (places,), share.reshape(-1))
        grad_log_probs = -grad_log_probs.reshape(n_steps, n_sequences, n_classes) * (grad * ctx.scale)[:, None]
        within = (steps[:, :, 0] < ctx.input_lengths)[:, :, None]
        infinite = within & ~finite[:, None] & (not ctx.zero_infinity)
        return xp.where(infinite, math.nan, grad_log_probs)


# ---------------------------------------------------------------------------------------------
# Checks, and the function users call.

def _host_integers(name, value):
    """A tensor, a sequence of ints or an int as a 1-D NumPy array of int64 on the host."""
    array = backend.to_device(value.array, backend.CPU) if hasattr(value, "array") else np.asarray(value)
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"ctc_loss: {name} must be integral, got {array.dtype}")
    return array.astype(np.int64).reshape(-1)


def _lengths(name, value, n_sequences, longest=None):
    lengths = _host_integers(name, value)
    if lengths.size != n_sequences:
        raise RuntimeError(f"ctc_loss: {name} must hold one length per sequence ({n_sequences}), got {lengths.size}")
    if lengths.size and lengths.min() < 0:
        raise RuntimeError(f"ctc_loss: {name} must not be negative, got {lengths.min()}")
    if longest is not None and lengths.size and lengths.max() > longest:
        raise RuntimeError(f"ctc_loss: {name} must be at most {longest} (the number of outputs), got {lengths.max()}")
    return lengths


def _padded_targets(targets, lengths, batched, n_classes, blank):
    """The targets as a host array (N, S) of labels, each row's padding (beyond its length) set to blank:
    from padded targets (N, S), concatenated ones (the sum of the lengths,), or one sequence's (S,)."""
    if targets.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: targets must hold class indices, an integer tensor; got {targets.dtype}")
    given = backend.to_device(targets.array, backend.CPU).astype(np.int64)
    given = given.reshape(1, -1) if not batched else given
    width = int(lengths.max(initial=0))
    valid = np.arange(width) < lengths[:, None]
    if given.ndim == 1:
        if given.size != lengths.sum():
            raise RuntimeError(f"ctc_loss: concatenated targets must hold sum(target_lengths) = {lengths.sum()} "
                               f"labels, got {given.size}")
        padded = np.full(valid.shape, blank, dtype=np.int64)
        padded[valid] = given
    elif given.ndim == 2 and given.shape[0] == len(lengths) and given.shape[1] >= width:
        padded = np.where(valid, given[:, :width], blank)
    else:
        raise RuntimeError(f"ctc_loss: expected targets (N, S) with S at least the longest target length ({width}), "
                           f"or concatenated (sum(target_lengths),); got shape {targets.shape} for N = {len(lengths)}")
    labels = padded[valid]
    if ((labels < 0) | (labels >= n_classes)).any():
        raise IndexError(f"ctc_loss: target {labels[(labels < 0) | (labels >= n_classes)][0]} is out of range for "
                         f"{n_classes} classes")
    if (labels == blank).any():
        raise ValueError(f"ctc_loss: the targets must not hold the blank ({blank}) within their lengths")
    return padded


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """The CTC loss of each sequence (see CTC), for log_probs (T, N, C) (log_softmax's output, along C) or
    (T, C) for one sequence, and targets padded (N, S) or concatenated (sum(target_lengths),).

    input_lengths and target_lengths (N,) (tensors or sequences of ints) give each sequence's number of
    outputs and of labels. 'mean' divides each loss by its target length, then averages over the batch;
    zero_infinity makes infinite losses (targets too long for their inputs) and their gradients 0.
    """
    check_reduction("ctc_loss", reduction)
    if log_probs.ndim not in (2, 3) or log_probs.dtype.kind != "f":
        raise RuntimeError(f"ctc_loss: expected floating point log_probs (T, N, C) or (T, C), got "
                           f"{log_probs.dtype} of shape {log_probs.shape}")
    if log_probs.numel() == 0:
        raise RuntimeError(f"ctc_loss: log_probs must not be empty, got shape {log_probs.shape}")
    batched = log_probs.ndim == 3
    n_steps, n_classes, n_sequences = log_probs.shape[0], log_probs.shape[-1], log_probs.shape[1] if batched else 1
    if not 0 <= blank < n_classes:
        raise RuntimeError(f"ctc_loss: blank must be a class in [0, {n_classes - 1}], got {blank}")
    input_lengths = _lengths("input_lengths", input_lengths, n_sequences, n_steps)
    target_lengths = _lengths("target_lengths", target_lengths, n_sequences)
    padded = _padded_targets(targets, target_lengths, batched, n_classes, blank)
    losses = CTC.apply(log_probs if batched else log_probs.unsqueeze(1), targets=padded, input_lengths=input_lengths,
                       target_lengths=target_lengths, blank=blank, zero_infinity=bool(zero_infinity),
                       per_label=reduction == "mean")
    return reduce_loss(losses if batched else losses.reshape(()), reduction)
