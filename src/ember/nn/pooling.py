"""Pooling layers: shrink feature maps by summarizing each window (the strongest response, or the mean).

In a CNN, conv layers find features and pooling layers make the maps smaller between them, so that
deeper layers see a larger part of the image with fewer numbers, and the exact position of a
feature matters less. They have no weights. Adaptive pools give a fixed output size for any input,
fractional max pooling shrinks by a factor between 1 and 2 at random places, and MaxUnpool puts the
maxima back where they were. The math is in ember/ops/pooling.py.
"""

from .. import functional as F
from ..ops.conv import ints
from .module import Module


class _MaxPoolNd(Module):
    """Max pooling of windows of kernel_size (stride defaults to kernel_size)."""

    function = None  # F.max_pool1d, 2d or 3d

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        return self.run_checked(x, lambda: self.function(x, self.kernel_size, self.stride, self.padding, self.dilation,
                                                         self.ceil_mode, self.return_indices))

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The maximum of each window along L: (N, C, L) -> (N, C, L_out); stride defaults to kernel_size."""

    function = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """The maximum of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out). MaxPool2d(2) halves
    the height and width, keeping each 2×2 block's strongest response."""

    function = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """The maximum of each kd×kh×kw window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)."""

    function = staticmethod(F.max_pool3d)


class _AvgPoolNd(Module):
    """Average pooling of windows of kernel_size (stride defaults to kernel_size)."""

    function = None  # F.avg_pool2d or 3d

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return self.run_checked(x, lambda: self.function(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                                         self.count_include_pad, self.divisor_override))

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """The mean of each window along L: (N, C, L) -> (N, C, L_out); stride defaults to kernel_size.
    It keeps its settings as 1-tuples, as PyTorch's does."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        name = "AvgPool1d"
        kernel_size = ints(kernel_size, 1, "kernel_size", name, minimum=1)
        stride = kernel_size if stride is None else ints(stride, 1, "stride", name, minimum=1)
        super().__init__(kernel_size, stride, ints(padding, 1, "padding", name), ceil_mode, count_include_pad)

    def forward(self, x):
        return self.run_checked(x, lambda: F.avg_pool1d(x, self.kernel_size, self.stride, self.padding,
                                                        self.ceil_mode, self.count_include_pad))


class AvgPool2d(_AvgPoolNd):
    """The mean of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out); stride defaults to kernel_size."""

    function = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    """The mean of each kd×kh×kw window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)."""

    function = staticmethod(F.avg_pool3d)


class _LPPoolNd(Module):
    """The p-norm (Σ x^p)^(1/p) of each window, p = norm_type (1: sum pooling, ∞: max pooling)."""

    function = None  # F.lp_pool1d, 2d or 3d

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, x):
        return self.run_checked(x, lambda: self.function(x, self.norm_type, self.kernel_size, self.stride,
                                                         self.ceil_mode))

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """The p-norm of each window along L: (N, C, L) -> (N, C, L_out)."""

    function = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """The p-norm of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out)."""

    function = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """The p-norm of each kd×kh×kw window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)."""

    function = staticmethod(F.lp_pool3d)


class _AdaptiveAvgPoolNd(Module):
    """Average pooling to a fixed output size, whatever the input's."""

    function = None  # F.adaptive_avg_pool1d, 2d or 3d

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return self.run_checked(x, lambda: self.function(x, self.output_size))

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling to output_size along L: (N, C, L) -> (N, C, output_size)."""

    function = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output size whatever the input's: (N, C, H, W) -> (N, C, *output_size).
    AdaptiveAvgPool2d(1) averages each whole map to one number (global average pooling)."""

    function = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output size: (N, C, D, H, W) -> (N, C, *output_size)."""

    function = staticmethod(F.adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(_AdaptiveAvgPoolNd):
    """Max pooling to a fixed output size, whatever the input's; with return_indices, also where each
    maximum was (as MaxUnpool wants them)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, x):
        return self.run_checked(x, lambda: self.function(x, self.output_size, self.return_indices))


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """The maximum of each of output_size windows along L: (N, C, L) -> (N, C, output_size)."""

    function = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output size: (N, C, H, W) -> (N, C, *output_size)."""

    function = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output size: (N, C, D, H, W) -> (N, C, *output_size)."""

    function = staticmethod(F.adaptive_max_pool3d)


class _FractionalMaxPoolNd(Module):
    """Max pooling to output_size (or output_ratio of each side) with windows of kernel_size at
    pseudo-random places, drawn anew for every batch unless _random_samples fixes them."""

    spatial_dims = 2
    function = None  # F.fractional_max_pool2d or 3d

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        name, n = type(self).__name__, self.spatial_dims
        if (output_size is None) == (output_ratio is None):
            raise ValueError(f"{name}: give exactly one of output_size and output_ratio")
        self.kernel_size = ints(kernel_size, n, "kernel_size", name, minimum=1)
        self.return_indices = return_indices
        self.output_size = None if output_size is None else ints(output_size, n, "output_size", name, minimum=1)
        ratios = None if output_ratio is None else (
            tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * n)
        if ratios is not None and (len(ratios) != n or not all(0 < r < 1 for r in ratios)):
            raise ValueError(f"{name}: output_ratio must be a number in (0, 1) or a tuple of {n} of them, got "
                             f"{output_ratio!r}")
        self.output_ratio = ratios
        self.register_buffer("_random_samples", _random_samples)

    def forward(self, x):
        return self.run_checked(x, lambda: self.function(x, self.kernel_size, self.output_size, self.output_ratio,
                                                         self.return_indices, _random_samples=self._random_samples))


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, H, W) to (N, C, *output_size): windows of kernel_size at
    pseudo-random steps, a regularizer that shrinks a map by less than 2× (Graham, 2014)."""

    function = staticmethod(F.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, D, H, W) to (N, C, *output_size)."""

    spatial_dims = 3
    function = staticmethod(F.fractional_max_pool3d)


class _MaxUnpoolNd(Module):
    """Max pooling's partial inverse: the maxima put back at their indices, zeros elsewhere. Its settings
    are those of the max pooling it undoes (kept as tuples, as PyTorch's)."""

    spatial_dims = 2
    function = None  # F.max_unpool1d, 2d or 3d

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name, n = type(self).__name__, self.spatial_dims
        self.kernel_size = ints(kernel_size, n, "kernel_size", name, minimum=1)
        self.stride = self.kernel_size if stride is None else ints(stride, n, "stride", name, minimum=1)
        self.padding = ints(padding, n, "padding", name)

    def forward(self, input, indices, output_size=None):  # noqa: A002 (PyTorch's argument name)
        return self.run_checked(input, lambda: self.function(input, indices, self.kernel_size, self.stride,
                                                             self.padding, output_size))

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """MaxPool1d's partial inverse: (N, C, L) maxima and their indices -> (N, C, L_out)."""

    spatial_dims = 1
    function = staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """MaxPool2d's partial inverse: (N, C, H, W) maxima and their indices -> (N, C, H_out, W_out), as in
    the decoders of segmentation networks (SegNet)."""

    function = staticmethod(F.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """MaxPool3d's partial inverse: (N, C, D, H, W) maxima and their indices -> (N, C, D_out, H_out, W_out)."""

    spatial_dims = 3
    function = staticmethod(F.max_unpool3d)
