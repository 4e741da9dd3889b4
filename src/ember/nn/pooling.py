"""Pooling layers: shrink feature maps by summarizing each window (the strongest response, or the mean).

In a CNN, conv layers find features and pooling layers make the maps smaller between them, so that
deeper layers see a larger part of the image with fewer numbers, and the exact position of a
feature matters less. They have no weights. The math is in ember/ops/pooling.py.
"""

from .. import functional as F
from .module import Module


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The maximum of each window along L: (N, C, L) -> (N, C, L_out); stride defaults to kernel_size."""

    def forward(self, x):
        return self.run_checked(x, lambda: F.max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                                                        self.ceil_mode, self.return_indices))


class MaxPool2d(_MaxPoolNd):
    """The maximum of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out). MaxPool2d(2) halves
    the height and width, keeping each 2×2 block's strongest response."""

    def forward(self, x):
        return self.run_checked(x, lambda: F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                                                        self.ceil_mode, self.return_indices))


class AvgPool2d(Module):
    """The mean of each kh×kw window: (N, C, H, W) -> (N, C, H_out, W_out); stride defaults to kernel_size."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return self.run_checked(x, lambda: F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                                        self.count_include_pad, self.divisor_override))

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size whatever the input's: (N, C, H, W) -> (N, C, *output_size).
    AdaptiveAvgPool2d(1) averages each whole map to one number (global average pooling)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return self.run_checked(x, lambda: F.adaptive_avg_pool2d(x, self.output_size))

    def extra_repr(self):
        return f"output_size={self.output_size}"
