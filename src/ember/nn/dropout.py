"""Dropout: a regularizer that randomly silences units while training (the identity in eval mode).

`inplace=True` changes the input itself, as in PyTorch, except inside a graph, where ember (which
records no in-place ops) makes a new tensor. The math is in ember/ops/dropout.py.
"""

from .. import functional as F
from ..ops.dropout import check_probability
from .module import Module


class _DropoutNd(Module):
    """What the dropout layers share: p and inplace; forward is function(x, p, training, inplace)."""

    function = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        check_probability(p)
        self.p = p
        self.inplace = inplace

    def forward(self, input):  # noqa: A002 (PyTorch's argument name)
        return self.run_checked(input, lambda: type(self).function(input, self.p, self.training, self.inplace))

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes each element with probability p in training and scales the rest by 1/(1 - p)
    (inverted dropout). Any shape."""

    function = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Channel dropout for sequences: in training, zeroes whole channels of (N, C, L) or (C, L) with
    probability p and scales the rest by 1/(1 - p)."""

    function = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Channel dropout: in training, zeroes whole channels of (N, C, H, W) feature maps (or of
    (N, C, L)) with probability p and scales the rest by 1/(1 - p).
    Pixels of one map are strongly correlated, so dropping a whole feature map regularizes a CNN
    where dropping single pixels would not."""

    function = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Channel dropout for volumes (N, C, D, H, W) or (C, D, H, W)."""

    function = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: dropped elements take SELU's negative saturation, and an affine map
    keeps the mean and variance of the activations (so the network stays self-normalizing). Any shape."""

    function = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels of (N, C, *) inputs."""

    function = staticmethod(F.feature_alpha_dropout)
