"""Padding layers: a border around the last 1, 2 or 3 dimensions of a batch of signals, images or volumes.

ZeroPad2d(1) puts a frame of zeros around each image, ConstantPad2d(1, 3.5) a frame of 3.5s; the
Reflection, Replication and Circular layers fill it from the image itself (mirrored at the edge, the edge
repeated, or the opposite edge). A negative width crops instead. padding is one int for every side, or
(left, right) for 1-D, (left, right, top, bottom) for 2-D, (left, right, top, bottom, front, back) for
3-D. The math is F.pad, in ember/ops/padding.py.
"""

from .. import functional as F
from .module import Module


class _PadNd(Module):
    """A border of the last spatial_dims dimensions, filled as mode says."""

    spatial_dims = 2
    mode = None  # 'constant', 'reflect', 'replicate' or 'circular'
    value = None  # the constant modes' border value

    def __init__(self, padding):
        super().__init__()
        widths = 2 * self.spatial_dims
        padding = (padding,) * widths if isinstance(padding, int) and not isinstance(padding, bool) else padding
        if not isinstance(padding, (tuple, list)) or len(padding) != widths \
                or any(isinstance(p, bool) or not isinstance(p, int) for p in padding):
            raise ValueError(f"{type(self).__name__}: padding must be an int or a tuple of {widths} ints, got "
                             f"{padding!r}")
        self.padding = tuple(padding)

    def forward(self, x):
        return self.run_checked(x, lambda: F.pad(x, self.padding, self.mode, self.value))

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    """A border of one value."""

    mode = "constant"

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """A border of value at both ends of L: (N, C, L) -> (N, C, L + left + right)."""

    spatial_dims = 1


class ConstantPad2d(_ConstantPadNd):
    """A frame of value around each image: (N, C, H, W) -> (N, C, H + top + bottom, W + left + right)."""


class ConstantPad3d(_ConstantPadNd):
    """A border of value around each volume (N, C, D, H, W)."""

    spatial_dims = 3


class _ZeroPadNd(_ConstantPadNd):
    """A border of zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Zeros at both ends of L: (N, C, L) -> (N, C, L + left + right)."""

    spatial_dims = 1


class ZeroPad2d(_ZeroPadNd):
    """A frame of zeros around each image: (N, C, H, W) -> (N, C, H + top + bottom, W + left + right)."""


class ZeroPad3d(_ZeroPadNd):
    """A border of zeros around each volume (N, C, D, H, W)."""

    spatial_dims = 3


class ReflectionPad1d(_PadNd):
    """The signal mirrored at its ends, the end not repeated (3 2 | 1 2 3 | 2 1): (N, C, L) or (C, L)."""

    spatial_dims, mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Each image mirrored at its edges, the edge not repeated: (N, C, H, W) or (C, H, W)."""

    mode = "reflect"


class ReflectionPad3d(_PadNd):
    """Each volume mirrored at its faces, the face not repeated: (N, C, D, H, W) or (C, D, H, W)."""

    spatial_dims, mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """The end values repeated (1 1 | 1 2 3 | 3 3): (N, C, L) or (C, L)."""

    spatial_dims, mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Each image's edge pixels repeated outwards: (N, C, H, W) or (C, H, W)."""

    mode = "replicate"


class ReplicationPad3d(_PadNd):
    """Each volume's face values repeated outwards: (N, C, D, H, W) or (C, D, H, W)."""

    spatial_dims, mode = 3, "replicate"


class CircularPad1d(_PadNd):
    """The signal wrapped round, as if periodic (2 3 | 1 2 3 | 1 2): (N, C, L) or (C, L)."""

    spatial_dims, mode = 1, "circular"


class CircularPad2d(_PadNd):
    """Each image wrapped round (a torus): the left border is the right edge, the top the bottom."""

    mode = "circular"


class CircularPad3d(_PadNd):
    """Each volume wrapped round along all three axes: (N, C, D, H, W) or (C, D, H, W)."""

    spatial_dims, mode = 3, "circular"
