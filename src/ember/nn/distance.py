"""Distance layers: how alike two batches of vectors are, pair by pair.

The math is in ember/ops/distance.py.
"""

from .. import functional as F
from .module import Module


class CosineSimilarity(Module):
    """The cosine of the angle between x1 and x2 along dim (F.cosine_similarity): 1 for the same
    direction, 0 at right angles, -1 for opposite ones. x1 and x2 broadcast; dim is removed."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """‖x1 - x2 + eps‖_p along the last dimension (F.pairwise_distance): (*, D) pairs -> (*) distances."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
