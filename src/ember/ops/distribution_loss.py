"""Losses of predicted distributions: the model gives a distribution's parameters (the rate of a Poisson
distribution, the mean and variance of a Gaussian) or a whole distribution, and the loss is the negative
log-likelihood of the target under it, or the KL divergence of the prediction from the target.

Each is a composition of elementwise ops, so autograd derives its gradient; input and target broadcast.
"""

import math
import numbers
import warnings

from ..autograd import no_grad
from .elementwise import promote, to_float, where
from .loss import check_reduction, legacy_reduction, reduce_loss
from .special import xlogy

KL_REDUCTIONS = ("mean", "batchmean", "sum", "none")


# ---------------------------------------------------------------------------------------------
# Poisson: counts.

def _stirling(target):
    """Stirling's approximation of log(target!), target·log target - target + ½log(2π·target), where
    target > 1; 0 elsewhere (where log(target!) is 0 or near it)."""
    counts = target > 1
    safe = where(counts, target, 1.0)  # no log of 0 in the branch that is not taken, nor in its gradient
    return where(counts, xlogy(safe, safe) - safe + 0.5 * (safe * (2 * math.pi)).log(), 0.0)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,  # noqa: A002
                     reduce=None, reduction="mean"):
    """Negative log-likelihood of target counts under Poisson distributions of rate λ: λ - target·log λ.

    input is log λ (log_input, the default) or λ itself (then log(λ + eps) keeps λ = 0 finite); full adds
    log(target!) in Stirling's approximation (for targets above 1), which does not change the gradient of λ.
    """
    reduction = legacy_reduction("poisson_nll_loss", size_average, reduce, reduction)
    check_reduction("poisson_nll_loss", reduction)
    input = to_float(input)  # exp and log in input's dtype, then promoted with target's, as in PyTorch
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        loss = loss + _stirling(target)
    return reduce_loss(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Gaussian: a mean and a variance per prediction.

def _variance_for(input, var):
    """var as gaussian_nll_loss takes it: of input's shape; input's shape without its last dimension (one
    variance per vector, given a last dimension of 1 here); or input's shape with one dimension of size 1."""
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)
    differing = [i for i, (n, v) in enumerate(zip(input.shape, var.shape)) if n != v]
    if var.ndim == input.ndim and len(differing) == 1 and var.shape[differing[0]] == 1:
        return var
    raise ValueError(f"gaussian_nll_loss: var of shape {var.shape} does not fit the input's shape {input.shape}: "
                     f"expected the input's shape, that shape without its last dimension, or with one dimension "
                     f"of size 1")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    """Negative log-likelihood of target under Gaussians of mean input and variance var:
    ½(log var + (input - target)² / var), plus ½log(2π) with full.

    var is a number or a tensor (see _variance_for), at least 0; it is raised to eps where smaller, for
    stability, with its gradient passing as if it were not (as PyTorch does).
    """
    check_reduction("gaussian_nll_loss", reduction)
    input = to_float(input)
    if isinstance(var, numbers.Real):
        if var < 0:
            raise ValueError(f"gaussian_nll_loss: var must not be negative, got {var}")
        log_var, var = math.log(max(var, eps)), max(var, eps)
    else:
        var = _variance_for(input, to_float(var))
        if (var.array < 0).any():
            raise ValueError(f"gaussian_nll_loss: var must not be negative, found {var.array.min().item()}")
        var = var.clone()
        with no_grad():
            var.clamp_(min=eps)
        log_var = var.log()
    loss = 0.5 * (log_var + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)


# ---------------------------------------------------------------------------------------------
# The Kullback-Leibler divergence: how far a predicted distribution is from the target one.

def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):  # noqa: A002
    """The Kullback-Leibler divergence of the prediction from the target, element by element:
    target·(log target - input), for log-probabilities input (log_softmax's output) and probabilities target
    (0 where target is 0), or log-probabilities target with log_target.

    reduction='batchmean' divides the sum by the batch size (input's first dimension): the divergence per
    sample, which is the KL divergence; 'mean' divides by the number of elements (PyTorch warns of it).
    """
    reduction = legacy_reduction("kl_div", size_average, reduce, reduction)
    check_reduction("kl_div", reduction, KL_REDUCTIONS)
    if input.dtype.kind != "f" or target.dtype.kind != "f":
        raise RuntimeError(f"kl_div: expected floating point input and target, got {input.dtype} and {target.dtype}")
    if reduction == "mean" and size_average is None and reduce is None:
        warnings.warn("kl_div: reduction='mean' divides by the number of elements; reduction='batchmean' divides "
                      "by the batch size, which gives the KL divergence", UserWarning, stacklevel=2)
    input, target = promote(input, target)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return reduce_loss(loss, reduction)
