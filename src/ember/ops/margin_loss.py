"""Margin losses: hinge-shaped penalties that ask for a score, a similarity or a distance to be better than
another by a margin, and cost nothing once it is. They rank (margin_ranking_loss), embed (hinge and cosine
embedding losses, the triplet losses) and classify (the multi-class and multi-label margin losses, and the
soft margin losses, their smooth logistic form).

Each is a composition of existing ops, so autograd derives its gradient.
"""

from ..autograd import InputError
from .activation import logsigmoid
from .distance import pairwise_distance
from .elementwise import minimum, to_float, where
from .loss import check_reduction, legacy_reduction, reduce_loss
from .reduce import discrete

COSINE_EPS = 1e-12  # added to each squared length in cosine_embedding_loss, as PyTorch does


def _reduction(name, size_average, reduce, reduction):
    """The reduction of a margin loss, from PyTorch's arguments, checked."""
    reduction = legacy_reduction(name, size_average, reduce, reduction)
    check_reduction(name, reduction)
    return reduction


# ---------------------------------------------------------------------------------------------
# Ranking and embedding: pairs and triplets.

def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,  # noqa: A002
                        reduction="mean"):
    """max(0, -target·(input1 - input2) + margin): target 1 asks input1 to rank above input2 by the margin,
    -1 below it. The three have the same number of dimensions and broadcast."""
    reduction = _reduction("margin_ranking_loss", size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss: input1, input2 and target must have the same number of dimensions, "
                           f"got shapes {input1.shape}, {input2.shape} and {target.shape}")
    return reduce_loss((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """input where target is 1 (input a distance to make small), max(0, margin - input) where it is -1 (a
    distance to make at least margin); both terms where target is neither, as PyTorch. They broadcast."""
    reduction = _reduction("hinge_embedding_loss", size_average, reduce, reduction)
    loss = where(target != 1, (margin - input).clamp_min(0), 0.0) + where(target != -1, input, 0.0)
    return reduce_loss(loss, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,  # noqa: A002
                          reduction="mean"):
    """1 - cos(input1, input2) where target is 1 (make the vectors point alike), max(0, cos - margin) where it
    is -1 (make them differ); 0 for other targets. Vectors (D,) with a 0-d target, or (N, D) with (N,)."""
    reduction = _reduction("cosine_embedding_loss", size_average, reduce, reduction)
    if target.ndim > 1 or input1.ndim != target.ndim + 1 or input2.ndim != target.ndim + 1:
        raise RuntimeError(f"cosine_embedding_loss: expected vectors (D,) with a 0-d target, or (N, D) with a target "
                           f"(N,); got {input1.shape} and {input2.shape} with a target of shape {target.shape}")
    squared_lengths = ((input1 * input1).sum(-1) + COSINE_EPS) * ((input2 * input2).sum(-1) + COSINE_EPS)
    cos = (input1 * input2).sum(-1) / squared_lengths.sqrt()
    loss = where(target == 1, 1 - cos, 0.0) + where(target == -1, (cos - margin).clamp_min(0), 0.0)
    return reduce_loss(loss, reduction)


def check_triplet(name, anchor, positive, negative):
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"{name}: anchor, positive and negative must have the same number of dimensions, got "
                           f"{anchor.ndim}-d, {positive.ndim}-d and {negative.ndim}-d inputs")


def triplet_loss(anchor, positive, negative, distance, margin, swap, reduction):
    """max(0, d(anchor, positive) - d(anchor, negative) + margin): the anchor must be nearer the positive
    than the negative by the margin. With swap, the negative's distance is the smaller of its distances to
    the anchor and to the positive."""
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = minimum(to_negative, distance(positive, negative))
    return reduce_loss((margin + distance(anchor, positive) - to_negative).clamp_min(0), reduction)


def _check_margin(name, margin):
    if margin <= 0:
        raise ValueError(f"{name}: margin must be greater than 0, got {margin}")


def p_norm_triplet_loss(anchor, positive, negative, margin, p, eps, swap, reduction):
    """The triplet loss (triplet_loss) with p-norm distances ‖a - b + eps‖_p along the last dimension."""
    check_triplet("triplet_margin_loss", anchor, positive, negative)
    return triplet_loss(anchor, positive, negative, lambda a, b: pairwise_distance(a, b, p, eps), margin, swap,
                        reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """The triplet loss (triplet_loss) with p-norm distances ‖a - b + eps‖_p along the last dimension."""
    reduction = _reduction("triplet_margin_loss", size_average, reduce, reduction)
    _check_margin("triplet_margin_loss", margin)
    return p_norm_triplet_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """The triplet loss (triplet_loss) with any distance_function(a, b) (pairwise_distance if None)."""
    name = "triplet_margin_with_distance_loss"
    check_reduction(name, reduction)
    _check_margin(name, margin)
    check_triplet(name, anchor, positive, negative)
    return triplet_loss(anchor, positive, negative, distance_function or pairwise_distance, margin, swap, reduction)


# ---------------------------------------------------------------------------------------------
# Classification: margins between the scores of classes, and their logistic (soft) forms.

def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """log(1 + e^(-target·input)): the logistic loss of a score against a label of 1 or -1 (a smooth hinge).
    They broadcast."""
    reduction = _reduction("soft_margin_loss", size_average, reduce, reduction)
    return reduce_loss(-logsigmoid(to_float(target * input)), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                reduction="mean"):
    """The mean over the C classes (the last dimension) of the binary logistic loss of each class,
    -[y log σ(x) + (1 - y) log σ(-x)], each times weight (per class) if given: one loss per sample."""
    name = "multilabel_soft_margin_loss"
    reduction = _reduction(name, size_average, reduce, reduction)
    if input.ndim == 0:
        raise ValueError(f"{name}: expected scores of shape (C,) or (N, C), got a 0-d input")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return reduce_loss(loss.sum(-1) / input.shape[-1], reduction)


def _hinge(z):
    """max(0, z) as PyTorch's multi-class margin kernels take it: z where z > 0, else 0 (NaN included), with
    no gradient at 0."""
    return where(z > 0, z, 0.0)


def _score_rows(name, input):
    """Scores of shape (), (C,) or (N, C) as a matrix (N, C), with C at least 1."""
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise RuntimeError(f"{name}: expected scores of shape (C,) or (N, C) with C > 0, got shape {input.shape}")
    return to_float(input).reshape(-1, input.shape[-1] if input.ndim else 1)


def _check_indices(name, target, low, high):
    """Class indices: an integer tensor with values in [low, high)."""
    if target.dtype.kind not in "iu":
        raise TypeError(f"{name}: the target must hold class indices, an integer tensor; got {target.dtype}")
    t = target.array
    outside = (t < low) | (t >= high)
    if outside.any():
        raise RuntimeError(f"{name}: target {t[outside].reshape(-1)[0].item()} is out of range: expected values in "
                           f"[{low}, {high - 1}]")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,  # noqa: A002
                      reduction="mean"):
    """The multi-class hinge loss: Σ_{i≠y} w_y·max(0, margin - x_y + x_i)^p / C, for scores x of C classes
    and the right class y, p 1 or 2: every other class must score at least margin below the right one.

    input (C,) with a 0-d target, or (N, C) with a target (N,); weight holds one number per class.
    """
    name = "multi_margin_loss"
    reduction = _reduction(name, size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError(f"{name}: p must be 1 or 2, got {p}")
    x = _score_rows(name, input)
    n_classes = x.shape[1]
    if weight is not None and weight.ndim != 1:
        raise ValueError(f"{name}: weight must be one-dimensional, got shape {weight.shape}")
    if weight is not None and weight.dtype != x.dtype:
        raise InputError(f"{name}: weight is {weight.dtype} but the input is {x.dtype}")
    if weight is not None and weight.shape[0] != n_classes:
        raise RuntimeError(f"{name}: weight must hold one number per class ({n_classes}), got shape {weight.shape}")
    if target.ndim > 1 or target.numel() != x.shape[0]:
        raise RuntimeError(f"{name}: input of shape {input.shape} needs one class index per sample, got a target of "
                           f"shape {target.shape}")
    _check_indices(name, target, 0, n_classes)
    target = target.long().reshape(-1, 1)
    z = margin - x.gather(1, target) + x
    gaps = _hinge(z)
    gaps = gaps * gaps if p == 2 else gaps
    others = discrete(lambda xp, t: xp.arange(n_classes) != t, target)
    if weight is None:
        loss = where(others, gaps, 0.0).sum(1) / n_classes
    else:  # w_y weighs the positive gaps only: no 0·w where a gap is 0 (w = inf gives 0 there, as PyTorch)
        loss = (gaps * where(others & (z > 0), weight[target], 0.0)).sum(1) / n_classes
    return reduce_loss(loss if input.ndim == 2 else loss.reshape(()), reduction)


def _label_sets(xp, target):
    """For multi-label targets (N, C) (class indices up to the first -1): which positions hold a label, and
    pairs (N, C, C) that are True for (a position holding label y, a class that is not a label)."""
    listed = xp.cumprod((target != -1).astype(xp.int64), axis=1).astype(bool)
    labels = xp.where(listed, target, 0).astype(xp.int64)
    one_hot = (labels[:, :, None] == xp.arange(target.shape[1])) & listed[:, :, None]
    return labels, listed[:, :, None] & ~one_hot.any(axis=1)[:, None, :]


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """The multi-label hinge loss: Σ_j Σ_{i not a label} max(0, 1 - (x_{y_j} - x_i)) / C, over the labels
    y_j of each sample: every label must score at least 1 above every class that is not one.

    input (C,) or (N, C); target of the same shape holds the labels' class indices, ended by the first -1
    (the rest is ignored).
    """
    name = "multilabel_margin_loss"
    reduction = _reduction(name, size_average, reduce, reduction)
    x = _score_rows(name, input)
    if target.shape != input.shape:
        raise RuntimeError(f"{name}: the target must have the input's shape {input.shape}, got {target.shape}")
    _check_indices(name, target, -1, x.shape[1])
    labels, pairs = discrete(_label_sets, target.reshape(x.shape))
    gaps = _hinge(1 - x.gather(1, labels).unsqueeze(2) + x.unsqueeze(1))
    loss = where(pairs, gaps, 0.0).sum((1, 2)) / x.shape[1]
    return reduce_loss(loss if input.ndim == 2 else loss.reshape(()), reduction)
