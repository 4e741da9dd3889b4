"""Dropout: a regularizer that randomly silences units while training. The math is in ember/ops/dropout.py."""

from .. import functional as F
from ..ops.dropout import check_probability
from .module import Module


class Dropout(Module):
    """Zeroes each element with probability p in training and scales the rest by 1/(1 - p)
    (inverted dropout); passes the input through unchanged in eval mode. Any shape.

    inplace is accepted for PyTorch code; ember always makes a new tensor.
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        check_probability(p)
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Channel dropout: in training, zeroes whole channels of (N, C, H, W) feature maps (or of
    (N, C, L)) with probability p and scales the rest by 1/(1 - p); the identity in eval mode.
    Pixels of one map are strongly correlated, so dropping a whole feature map regularizes a CNN
    where dropping single pixels would not."""

    def forward(self, x):
        return self.run_checked(x, lambda: F.dropout2d(x, self.p, self.training))
