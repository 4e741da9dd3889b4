"""The losses as the torch namespace spells them (torch.kl_div, torch.ctc_loss, ...): the signatures of
PyTorch's kernels, where the reduction is a number, 0 for 'none', 1 for 'mean' and 2 for 'sum'.

PyTorch 2.13 documents 1 as their default, but called without a reduction they return the unreduced
losses; these do as PyTorch does. Each hands over to the function of ember.functional.
"""

from . import ctc, distribution_loss, loss, margin_loss

REDUCTION_CODES = ("none", "mean", "sum")


def _reduction(name, code):
    """The reduction that PyTorch's number stands for."""
    if isinstance(code, bool) or code not in (0, 1, 2):
        raise ValueError(f"{name}: reduction must be 0 ('none'), 1 ('mean') or 2 ('sum'), got {code!r}")
    return REDUCTION_CODES[code]


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):  # noqa: A002
    """torch.binary_cross_entropy_with_logits: F's loss with the reduction as a number (0 none, 1 mean, 2 sum)."""
    reduction = _reduction("binary_cross_entropy_with_logits", reduction)
    return loss.binary_cross_entropy_with_logits(input, target, weight, pos_weight=pos_weight, reduction=reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """torch.cosine_embedding_loss: F's loss with the reduction as a number (0 none, 1 mean, 2 sum)."""
    reduction = _reduction("cosine_embedding_loss", reduction)
    return margin_loss.cosine_embedding_loss(input1, input2, target, margin, reduction=reduction)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """torch.ctc_loss: F's loss with the reduction as a number (0 none, 1 mean, 2 sum)."""
    reduction = _reduction("ctc_loss", reduction)
    return ctc.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):  # noqa: A002
    """torch.hinge_embedding_loss: F's loss with the reduction as a number (0 none, 1 mean, 2 sum)."""
    reduction = _reduction("hinge_embedding_loss", reduction)
    return margin_loss.hinge_embedding_loss(input, target, margin, reduction=reduction)


def kl_div(input, target, reduction=0, *, log_target=False):  # noqa: A002
    """torch.kl_div: F's loss with the reduction as a number (0 none, 1 mean, 2 sum)."""
    reduction = _reduction("kl_div", reduction)
    return distribution_loss.kl_div(input, target, reduction=reduction, log_target=log_target)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """torch.margin_ranking_loss: F's loss with the reduction as a number (0 none, 1 mean, 2 sum)."""
    reduction = _reduction("margin_ranking_loss", reduction)
    return margin_loss.margin_ranking_loss(input1, input2, target, margin, reduction=reduction)


def poisson_nll_loss(input, target, log_input, full, eps, reduction):  # noqa: A002
    """torch.poisson_nll_loss: F's loss with every argument positional and the reduction as a number."""
    reduction = _reduction("poisson_nll_loss", reduction)
    return distribution_loss.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=0):
    """F.triplet_margin_loss, without its check that the margin is positive (as torch's)."""
    reduction = _reduction("triplet_margin_loss", reduction)
    return margin_loss.p_norm_triplet_loss(anchor, positive, negative, margin, p, eps, swap, reduction)
