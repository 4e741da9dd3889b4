"""Convolutional layers: filters slid over an image, each detecting one local feature everywhere.

A Conv2d layer holds out_channels filters of in_channels × kh × kw weights. Sliding one over the
input gives a feature map: high where the patch under the filter looks like the filter. In a
trained network the first layer's filters are edge and blob detectors; deeper layers, looking at
the maps below them, respond to corners, strokes and whole shapes. The math is in ember/ops/conv.py.
"""

from .. import functional as F
from ..creation import empty
from ..ops.conv import check_input, conv_padding, ints
from .init import reset_weight_and_bias
from .module import Module
from .parameter import Parameter


class _ConvNd(Module):
    """What every convolution layer shares: its settings, its weight and bias, and their start."""

    spatial_dims = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None, *, output_padding=0):
        super().__init__()
        name, n = type(self).__name__, self.spatial_dims
        for what, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1 or channels % groups:
                raise ValueError(f"{name}: {what} ({channels}) must be divisible by groups ({groups})")
        if padding_mode != "zeros":
            raise NotImplementedError(f"{name}: ember pads with zeros only (padding_mode='zeros'), got "
                                      f"padding_mode={padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = ints(kernel_size, n, "kernel_size", name, minimum=1)
        self.stride = ints(stride, n, "stride", name, minimum=1)
        self.dilation = ints(dilation, n, "dilation", name, minimum=1)
        conv_padding(padding, self.kernel_size, self.stride, self.dilation, name)  # checks it
        self.padding = padding if isinstance(padding, str) else ints(padding, n, "padding", name)
        self.output_padding = ints(output_padding, n, "output_padding", name)
        self.padding_mode = padding_mode
        shape = (in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(empty(*shape, *self.kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # As Linear's: uniform in ±1/√fan_in, fan_in = in_channels/groups · kh · kw (for a transposed
        # convolution the weight's second axis, out_channels/groups, takes in_channels/groups' place).
        reset_weight_and_bias(self.weight, self.bias)

    def extra_repr(self):
        n = self.spatial_dims
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(_ConvNd):
    """A 1-D convolution over sequences or signals: (N, in_channels, L) -> (N, out_channels, L_out).
    weight (out_channels, in_channels/groups, k), bias (out_channels,)."""

    spatial_dims = 1

    def forward(self, x):
        check_input(x, self.in_channels, self.spatial_dims, self._describe())
        return self.run_checked(x, lambda: F.conv1d(x, self.weight, self.bias, self.stride, self.padding,
                                                    self.dilation, self.groups))


class Conv2d(_ConvNd):
    """A 2-D convolution, the feature detector of CNNs: (N, in_channels, H, W) -> (N, out_channels,
    H_out, W_out). weight (out_channels, in_channels/groups, kh, kw), bias (out_channels,).

    padding='same' keeps H and W (stride 1); stride 2 halves them; groups splits the channels into
    independent convolutions (groups = in_channels: depthwise).
    """

    def forward(self, x):
        check_input(x, self.in_channels, self.spatial_dims, self._describe())
        return self.run_checked(x, lambda: F.conv2d(x, self.weight, self.bias, self.stride, self.padding,
                                                    self.dilation, self.groups))


class ConvTranspose2d(_ConvNd):
    """A transposed convolution, which upsamples: each input pixel paints a kernel-sized, weighted
    patch of the output. (N, in_channels, H, W) -> (N, out_channels, H_out, W_out) with
    H_out = (H - 1)·stride - 2·padding + dilation·(kh - 1) + output_padding + 1.
    weight (in_channels, out_channels/groups, kh, kw), bias (out_channels,)."""

    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if isinstance(padding, str):
            raise ValueError(f"ConvTranspose2d: padding must be an int or a pair of ints, got {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding=output_padding)

    def forward(self, x):
        check_input(x, self.in_channels, self.spatial_dims, self._describe())
        return self.run_checked(x, lambda: F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                                              self.output_padding, self.groups, self.dilation))
