"""Unfold and Fold: im2col and col2im as layers.

Unfold cuts every kh×kw window of a batch of images out as a column, (N, C, H, W) -> (N, C·kh·kw, L):
a convolution is Unfold, then one matrix product with the filters, then a reshape. Fold is its
adjoint: it adds columns back onto an image where their windows lie (overlaps add up), so
Fold(Unfold(x)) is x times how many windows cover each pixel. The math is in ember/ops/conv.py.
"""

from .. import functional as F
from .module import Module


class Fold(Module):
    """Columns (N, C·kh·kw, L), one per window of an output_size image, summed into (N, C, *output_size)."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, x):
        return self.run_checked(x, lambda: F.fold(x, self.output_size, self.kernel_size, self.dilation, self.padding,
                                                  self.stride))

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """Every kh×kw window of (N, C, H, W) as a column: (N, C·kh·kw, L), L windows row by row."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, x):
        return self.run_checked(x, lambda: F.unfold(x, self.kernel_size, self.dilation, self.padding, self.stride))

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
