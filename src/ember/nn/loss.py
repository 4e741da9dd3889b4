"""Loss modules: `criterion = nn.CrossEntropyLoss(); loss = criterion(logits, labels)`.

Each holds its settings (and class weights, as buffers that move with .to()) and calls the
function of the same name in ember.functional. The math is in ember/ops/loss.py.
"""

from .. import functional as F
from ..ops.loss import check_reduction
from .module import Module


class Loss(Module):
    """Base of the loss modules: the reduction ('mean', 'sum' or 'none') and how they print."""

    def __init__(self, reduction="mean"):
        super().__init__()
        check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def settings(self):
        """The settings shown by print(): (name, value) pairs."""
        return [("reduction", self.reduction)]

    def extra_repr(self):
        return ", ".join(f"{name}={value!r}" for name, value in self.settings() if value is not None)


class WeightedLoss(Loss):
    """A loss with an optional weight tensor, kept as a buffer (saved in state_dict when given)."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", weight)

    def settings(self):
        return [("weight", self.weight)] + super().settings()


class MSELoss(Loss):
    """Mean squared error mean((input - target)²), the regression loss."""

    def __init__(self, *, reduction="mean"):
        super().__init__(reduction)

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(Loss):
    """Mean absolute error mean(|input - target|)."""

    def __init__(self, *, reduction="mean"):
        super().__init__(reduction)

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(Loss):
    """½d² where |d| < delta, delta·(|d| - ½delta) beyond (d = input - target): robust to outliers."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def settings(self):
        return super().settings() + [("delta", self.delta)]

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(Loss):
    """½d²/beta where |d| < beta, |d| - ½beta beyond (d = input - target)."""

    def __init__(self, *, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def settings(self):
        return super().settings() + [("beta", self.beta)]

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class CrossEntropyLoss(WeightedLoss):
    """-log softmax(input)[target], cross-entropy from logits (log-softmax included).

    input (N, C) scores and target (N,) class indices or (N, C) class probabilities; also (C,) and
    (N, C, d1, ...) inputs. See ember.functional.cross_entropy for weight, ignore_index and smoothing.
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def settings(self):
        return super().settings() + [("ignore_index", self.ignore_index), ("label_smoothing", self.label_smoothing)]

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(WeightedLoss):
    """-weight[target]·input[target], for log-probabilities (after LogSoftmax): input (N, C), target (N,)."""

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean"):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def settings(self):
        return super().settings() + [("ignore_index", self.ignore_index)]

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class BCELoss(WeightedLoss):
    """-w[y log p + (1 - y) log(1 - p)]: binary cross-entropy of probabilities p (after Sigmoid), y in [0, 1]."""

    def __init__(self, weight=None, *, reduction="mean"):
        super().__init__(weight, reduction)

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(WeightedLoss):
    """Binary cross-entropy of sigmoid(input), computed stably from the logits (Sigmoid included).

    pos_weight weighs the positive examples (per class, broadcast along the last dimension).
    """

    def __init__(self, weight=None, *, reduction="mean", pos_weight=None):
        super().__init__(weight, reduction)
        self.register_buffer("pos_weight", pos_weight)

    def settings(self):
        return super().settings() + [("pos_weight", self.pos_weight)]

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)
