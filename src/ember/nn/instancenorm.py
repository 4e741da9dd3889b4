"""Instance normalization layers: each channel of each example standardized on its own.

Where batch normalization asks "how bright is this channel compared with the batch?", instance
normalization asks it of the one image alone, which removes each image's contrast: what style
transfer and image generation want. By default it keeps no running statistics and learns no affine.
The math is in ember/ops/normalization.py.
"""

import warnings

from .. import functional as F
from .batchnorm import _NormBase


class _InstanceNorm(_NormBase):
    """What InstanceNorm1d, 2d and 3d share; they differ in the number of spatial dimensions. Inputs
    come with a batch axis, (N, C, *spatial), or without one, (C, *spatial)."""

    spatial_dims = 1

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):  # noqa: A002 (PyTorch's argument name)
        unbatched = self.spatial_dims + 1
        if input.ndim not in (unbatched, unbatched + 1):
            raise ValueError(f"{self._describe()}: expected {unbatched}D or {unbatched + 1}D input, got "
                             f"{tuple(input.shape)}")
        channel_dim = input.ndim - unbatched
        if input.shape[channel_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"{self._describe()}: expected input's size at dim={channel_dim} to match "
                                 f"num_features ({self.num_features}), got {tuple(input.shape)}")
            warnings.warn(f"{self._describe()}: input's size at dim={channel_dim} does not match num_features "
                          f"({self.num_features}), which is not used because affine=False", stacklevel=3)
        if input.ndim == unbatched:
            return self._normalize(input.unsqueeze(0)).squeeze(0)
        return self._normalize(input)

    def _normalize(self, x):
        """F.instance_norm of a batch: the instance statistics in training, or whenever no running ones are
        kept; the running statistics in evaluation."""
        return self.run_checked(x, lambda: F.instance_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            self.training or not self.track_running_stats, 0.0 if self.momentum is None else self.momentum, self.eps))


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of sequences (N, C, L) or (C, L)."""

    spatial_dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of feature maps (N, C, H, W) or (C, H, W)."""

    spatial_dims = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of volumes (N, C, D, H, W) or (C, D, H, W)."""

    spatial_dims = 3
