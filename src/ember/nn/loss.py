"""Loss modules: `criterion = nn.CrossEntropyLoss(); loss = criterion(logits, labels)`.

Each holds its settings (and class weights, as buffers that move with .to()) and calls the
function of the same name in ember.functional; they take PyTorch's arguments, in its order, and
print as PyTorch's do. The math is in ember/ops/loss.py and the loss files beside it.
AdaptiveLogSoftmaxWithLoss, at the end, is a layer with weights that gives a loss.
"""

import math
import warnings
from collections import namedtuple

from .. import functional as F
from ..creation import tensor
from ..ops.distribution_loss import KL_REDUCTIONS
from ..ops.indexing import where
from ..ops.join import cat
from ..ops.loss import REDUCTIONS, check_reduction, legacy_reduction
from ..ops.sorting import bucketize
from .containers import ModuleList, Sequential
from .distance import PairwiseDistance
from .linear import Linear
from .module import Module


class Loss(Module):
    """Base of the loss modules: the reduction ('mean', 'sum' or 'none'), from reduction or from PyTorch's
    deprecated size_average and reduce."""

    reductions = REDUCTIONS

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        name = type(self).__name__
        self.reduction = legacy_reduction(name, size_average, reduce, reduction)
        check_reduction(name, self.reduction, self.reductions)


class WeightedLoss(Loss):
    """A loss with an optional weight tensor, kept as a buffer (saved in state_dict when given)."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


# ---------------------------------------------------------------------------------------------
# Regression.

class MSELoss(Loss):
    """Mean squared error mean((input - target)²), the regression loss."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(Loss):
    """Mean absolute error mean(|input - target|)."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(Loss):
    """½d² where |d| < delta, delta·(|d| - ½delta) beyond (d = input - target): robust to outliers."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(Loss):
    """½d²/beta where |d| < beta, |d| - ½beta beyond (d = input - target)."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


# ---------------------------------------------------------------------------------------------
# Classification.

class CrossEntropyLoss(WeightedLoss):
    """-log softmax(input)[target], cross-entropy from logits (log-softmax included).

    input (N, C) scores and target (N,) class indices or (N, C) class probabilities; also (C,) and
    (N, C, d1, ...) inputs. See ember.functional.cross_entropy for weight, ignore_index and smoothing.
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class LinearCrossEntropyLoss(WeightedLoss):
    """A Linear layer to num_classes logits (per position of out_features, if given) and the cross-entropy of
    them: F.linear_cross_entropy with the layer's weight and bias. input (N, in_features), target (N,)."""

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
                 reduction="mean", weight=None, ignore_index=None, label_smoothing=0.0, options=None):
        if weight is not None and weight.shape != (num_classes,):
            raise RuntimeError(f"LinearCrossEntropyLoss: weight must hold one number per class, shape "
                               f"{(num_classes,)}; got shape {weight.shape}")
        if not 0.0 <= label_smoothing <= 1.0:
            raise RuntimeError(f"LinearCrossEntropyLoss: label_smoothing must be in [0, 1], got {label_smoothing}")
        super().__init__(weight, reduction=reduction)
        self.num_classes, self.out_features = num_classes, tuple(out_features)
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, options
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias, device=device,
                             dtype=dtype)

    def forward(self, input, target):
        shape = (self.num_classes, *self.out_features)
        bias = None if self.linear.bias is None else self.linear.bias.reshape(shape)
        return F.linear_cross_entropy(input, self.linear.weight.reshape(shape + (self.linear.in_features,)), target,
                                      linear_bias=bias, weight=self.weight, reduction=self.reduction,
                                      ignore_index=self.ignore_index, label_smoothing=self.label_smoothing,
                                      options=self.options)

    def extra_repr(self):
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, reduction={self.reduction}, "
                f"ignore_index={self.ignore_index}, label_smoothing={self.label_smoothing}, options={self.options}")


class NLLLoss(WeightedLoss):
    """-weight[target]·input[target], for log-probabilities (after LogSoftmax): input (N, C), target (N,)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class NLLLoss2d(NLLLoss):
    """NLLLoss under its old name for images (N, C, H, W), which PyTorch deprecates (it warns, and so does this)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        warnings.warn("NLLLoss2d is deprecated: use NLLLoss, which takes (N, C, H, W) inputs the same way",
                      FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class BCELoss(WeightedLoss):
    """-w[y log p + (1 - y) log(1 - p)]: binary cross-entropy of probabilities p (after Sigmoid), y in [0, 1]."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(WeightedLoss):
    """Binary cross-entropy of sigmoid(input), computed stably from the logits (Sigmoid included).

    pos_weight weighs the positive examples (per class, broadcast along the last dimension).
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(weight, size_average, reduce, reduction)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class MultiLabelSoftMarginLoss(WeightedLoss):
    """The mean over classes of each class's binary logistic loss: input (N, C) scores, target (N, C) of 0/1."""

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class MultiMarginLoss(WeightedLoss):
    """The multi-class hinge loss Σ_{i≠y} max(0, margin - x_y + x_i)^p / C: input (N, C), target (N,) classes."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: p must be 1 or 2, got {p}")
        if weight is not None and weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: weight must be one-dimensional, got shape {weight.shape}")
        super().__init__(weight, size_average, reduce, reduction)
        self.p, self.margin = p, margin

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                   reduction=self.reduction)


class MultiLabelMarginLoss(Loss):
    """The multi-label hinge loss: each label scores 1 above each other class. target: labels ended by -1."""

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class SoftMarginLoss(Loss):
    """log(1 + e^(-target·input)), the logistic loss of scores against labels 1 or -1."""

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


# ---------------------------------------------------------------------------------------------
# Distributions.

class PoissonNLLLoss(Loss):
    """Negative log-likelihood of counts under Poisson distributions: exp(input) - target·input (log_input)."""

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(Loss):
    """Negative log-likelihood of targets under Gaussians: ½(log var + (input - target)² / var)."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class KLDivLoss(Loss):
    """The KL divergence target·(log target - input) of log-probabilities input; 'batchmean' for the true one."""

    reductions = KL_REDUCTIONS

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CTCLoss(Loss):
    """The CTC loss of sequences: log_probs (T, N, C), targets, input_lengths and target_lengths (see F.ctc_loss)."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)


# ---------------------------------------------------------------------------------------------
# Margins: ranking and embedding.

class MarginRankingLoss(Loss):
    """max(0, -target·(input1 - input2) + margin): rank input1 above input2 (target 1) or below (-1)."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(Loss):
    """input (a distance) where target is 1, max(0, margin - input) where it is -1."""

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(Loss):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(Loss):
    """max(0, ‖a - p‖ - ‖a - n‖ + margin): an anchor nearer its positive than its negative, by the margin."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(Loss):
    """The triplet loss with any distance_function(a, b) (a PairwiseDistance() if None)."""

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: margin must be greater than 0, got {margin}")
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin, self.swap = margin, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=self.distance_function,
                                                   margin=self.margin, swap=self.swap, reduction=self.reduction)


# ---------------------------------------------------------------------------------------------
# The adaptive softmax: a softmax over many classes, split in clusters by frequency.

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])  # PyTorch's name for what the forward pass returns


def _check_cutoffs(cutoffs, n_classes):
    if not cutoffs or cutoffs != sorted(set(cutoffs)) or any(int(c) != c for c in cutoffs) \
            or cutoffs[0] < 1 or cutoffs[-1] > n_classes - 1:
        raise ValueError(f"AdaptiveLogSoftmaxWithLoss: cutoffs must be unique integers in increasing order, each in "
                         f"[1, n_classes - 1] = [1, {n_classes - 1}]; got {cutoffs}")


class AdaptiveLogSoftmaxWithLoss(Module):
    """A log-softmax over n_classes classes, sorted from the most to the least frequent, that costs far less
    than one over all of them (Grave et al., "Efficient softmax approximation for GPUs", 2016).

    The head scores the shortlist, the cutoffs[0] most frequent classes, and one entry per cluster of rarer
    ones (between two cutoffs); cluster i has its own small network in_features -> in_features // div_value^(i+1)
    -> its classes, and log p(class) = log p(cluster) + log p(class | cluster). forward(input (N, in_features),
    target (N,)) gives (output, loss): each target's log-probability (N,) and the mean of their negatives.
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        _check_cutoffs(cutoffs, n_classes)
        self.in_features, self.n_classes, self.cutoffs = in_features, n_classes, cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size, self.n_clusters = cutoffs[0], len(cutoffs)
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // div_value ** (i + 1))
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                                        Linear(hidden, self.cutoffs[i + 1] - self.cutoffs[i], bias=False,
                                               device=device, dtype=dtype)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for to_hidden, to_classes in self.tail:
            to_hidden.reset_parameters()
            to_classes.reset_parameters()

    def _check(self, input, target):
        if target.ndim > 1 or input.ndim != target.ndim + 1 or (target.ndim and input.shape[0] != target.shape[0]):
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: expected input (N, {self.in_features}) with target (N,), "
                               f"or ({self.in_features},) with a 0-d target; got {input.shape} and {target.shape}")
        if target.numel() and not 0 <= target.min().item() <= target.max().item() < self.n_classes:
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: target values must be in [0, {self.n_classes - 1}], "
                               f"got values in [{target.min().item()}, {target.max().item()}]")

    def forward(self, input, target):
        self._check(input, target)
        batched = target.ndim == 1
        input, target = (input, target) if batched else (input.unsqueeze(0), target.unsqueeze(0))
        cluster = bucketize(target, tensor(self.cutoffs[:-1], device=target.device), right=True)  # 0: the shortlist
        in_head = where(cluster == 0, target, self.shortlist_size + cluster - 1)
        output = F.log_softmax(self.head(input), 1).gather(1, in_head.unsqueeze(1)).squeeze(1)
        for i, projection in enumerate(self.tail):
            rows = (cluster == i + 1).nonzero().squeeze(1)
            if rows.numel():
                in_cluster = (target[rows] - self.cutoffs[i]).unsqueeze(1)
                log_p = F.log_softmax(projection(input[rows]), 1).gather(1, in_cluster).squeeze(1)
                output = output.index_add(0, rows, log_p)
        return _ASMoutput(output if batched else output.squeeze(0), (-output).mean())

    def log_prob(self, input):
        """The log-probability of every class: input (N, in_features) -> (N, n_classes)."""
        if input.ndim != 2:
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss.log_prob: expected input (N, {self.in_features}), "
                               f"got {input.shape}")
        head = F.log_softmax(self.head(input), 1)
        clusters = [F.log_softmax(projection(input), 1) + head[:, self.shortlist_size + i].unsqueeze(1)
                    for i, projection in enumerate(self.tail)]
        return cat([head[:, :self.shortlist_size]] + clusters, 1)

    def predict(self, input):
        """The most probable class of each input (N, in_features) -> (N,)."""
        return self.log_prob(input).argmax(1)
