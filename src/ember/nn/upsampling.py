"""Upsampling: making feature maps larger again (in decoders, segmentation and generator networks).

The math (interpolate) is in ember/ops/resample.py.
"""

from .. import functional as F
from .module import Module


class Upsample(Module):
    """Resizes (N, C, *spatial) to size, or by scale_factor, reading each output pixel off the input as
    mode says: 'nearest' (scale_factor=2 turns every pixel into a 2×2 block), 'linear', 'bilinear',
    'bicubic', 'trilinear' (with align_corners), 'nearest-exact' or 'area'."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor = tuple(float(s) for s in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners, self.recompute_scale_factor = mode, align_corners, recompute_scale_factor

    def forward(self, x):
        return self.run_checked(x, lambda: F.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                                                         self.recompute_scale_factor))

    def extra_repr(self):
        what = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample(mode='nearest') for images (N, C, H, W)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample(mode='bilinear', align_corners=True) for images (N, C, H, W)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
