"""Convolutional layers: filters slid over an image, each detecting one local feature everywhere.

A Conv2d layer holds out_channels filters of in_channels × kh × kw weights. Sliding one over the
input gives a feature map: high where the patch under the filter looks like the filter. In a
trained network the first layer's filters are edge and blob detectors; deeper layers, looking at
the maps below them, respond to corners, strokes and whole shapes. Conv1d slides along sequences,
Conv3d through volumes and video; the transposed convolutions upsample. The math is in ember/ops/conv.py.

The lazy layers (LazyConv2d, ...) read in_channels from their first input (see nn/lazy.py).
"""

import numpy as np

from .. import functional as F
from ..backend import DeviceLike
from ..creation import empty
from ..ops.conv import check_input, conv_padding, ints
from .init import reset_weight_and_bias
from .lazy import LazyModuleMixin, UninitializedParameter
from .module import Module
from .parameter import Parameter

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What every convolution layer shares: its settings, its weight and bias, and their start."""

    spatial_dims = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                 device, dtype, output_padding):
        super().__init__()
        name, n = type(self).__name__, self.spatial_dims
        for what, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1 or channels % groups:
                raise ValueError(f"{name}: {what} ({channels}) must be divisible by groups ({groups})")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {', '.join(map(repr, PADDING_MODES))}, got "
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
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    """A convolution layer: forward checks the input, pads it as padding_mode says, and convolves."""

    function = None  # F.conv1d, F.conv2d or F.conv3d

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
                 dilation: int | tuple[int, ...] = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: DeviceLike | None = None, dtype: np.dtype | None = None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding=0)

    def forward(self, x):
        check_input(x, self.in_channels, self.spatial_dims, self._describe())
        return self.run_checked(x, lambda: self._conv_forward(x, self.weight, self.bias))

    def _conv_forward(self, x, weight, bias):
        """The convolution of x with weight and bias in this layer's settings (PyTorch's name for it)."""
        if self.padding_mode == "zeros":
            return self.function(x, weight, bias, self.stride, self.padding, self.dilation, self.groups)
        x = F.pad(x, self._pad_widths(), mode=self.padding_mode)
        return self.function(x, weight, bias, self.stride, 0, self.dilation, self.groups)

    def _pad_widths(self):
        """The padding as F.pad takes it: (before, after) of the last spatial axis first."""
        pairs = conv_padding(self.padding, self.kernel_size, self.stride, self.dilation, type(self).__name__)
        return tuple(width for pair in reversed(pairs) for width in pair)


class Conv1d(_Conv):
    """A 1-D convolution over sequences or signals: (N, in_channels, L) -> (N, out_channels, L_out).
    weight (out_channels, in_channels/groups, k), bias (out_channels,)."""

    spatial_dims = 1
    function = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """A 2-D convolution, the feature detector of CNNs: (N, in_channels, H, W) -> (N, out_channels,
    H_out, W_out). weight (out_channels, in_channels/groups, kh, kw), bias (out_channels,).

    padding='same' keeps H and W (stride 1); stride 2 halves them; groups splits the channels into
    independent convolutions (groups = in_channels: depthwise). padding_mode chooses the border:
    'zeros', or the image 'reflect'ed, 'replicate'd or 'circular' (wrapped round) at its edges.
    """

    function = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """A 3-D convolution over volumes (scans) or clips (video): (N, in_channels, D, H, W) ->
    (N, out_channels, D_out, H_out, W_out). weight (out_channels, in_channels/groups, kd, kh, kw)."""

    spatial_dims = 3
    function = staticmethod(F.conv3d)


class _ConvTransposeNd(_ConvNd):
    """A transposed convolution layer, which upsamples: each input pixel paints a kernel-sized, weighted
    patch of the output. H_out = (H - 1)·stride - 2·padding + dilation·(kh - 1) + output_padding + 1,
    or the output_size given to forward. weight (in_channels, out_channels/groups, *kernel)."""

    transposed = True
    function = None  # F.conv_transpose1d, 2d or 3d

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        name = type(self).__name__
        if isinstance(padding, str):
            raise ValueError(f"{name}: padding must be an int or a tuple of ints, got {padding!r}")
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported, got padding_mode={padding_mode!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding=output_padding)

    def forward(self, x, output_size=None):
        check_input(x, self.in_channels, self.spatial_dims, self._describe())
        return self.run_checked(x, lambda: self.function(x, self.weight, self.bias, self.stride, self.padding,
                                                         self._output_padding(x, output_size), self.groups,
                                                         self.dilation))

    def _output_padding(self, x, output_size):
        """output_padding, or what makes the output output_size (its last spatial_dims numbers)."""
        if output_size is None:
            return self.output_padding
        n = self.spatial_dims
        size = tuple(output_size)[-n:]
        smallest = tuple((i - 1) * s - 2 * p + d * (k - 1) + 1 for i, s, p, d, k in zip(
            x.shape[-n:], self.stride, self.padding, self.dilation, self.kernel_size))
        if len(size) != n or any(not low <= q < low + s for q, low, s in zip(size, smallest, self.stride)):
            largest = tuple(low + s - 1 for low, s in zip(smallest, self.stride))
            raise ValueError(f"requested an output size of {tuple(output_size)}, but valid sizes range from "
                             f"{smallest} to {largest} (for an input of {tuple(x.shape[-n:])})")
        return tuple(q - low for q, low in zip(size, smallest))


class ConvTranspose1d(_ConvTransposeNd):
    """A transposed convolution over sequences: (N, in_channels, L) -> (N, out_channels, L_out)."""

    spatial_dims = 1
    function = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """A transposed convolution, which upsamples images (decoders, GANs): (N, in_channels, H, W) ->
    (N, out_channels, H_out, W_out); stride 2 doubles H and W (with kernel_size 2, or 3 with padding 1
    and output_padding 1). weight (in_channels, out_channels/groups, kh, kw), bias (out_channels,)."""

    function = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """A transposed convolution over volumes: (N, in_channels, D, H, W) -> (N, out_channels, D_out, H_out, W_out)."""

    spatial_dims = 3
    function = staticmethod(F.conv_transpose3d)


# ---------------------------------------------------------------------------------------------
# The lazy convolutions: in_channels read from the first input.

class _LazyConvNd(LazyModuleMixin):
    """What the lazy convolutions share: an uninitialized weight (and bias) until the first input
    (N, C, *spatial) or (C, *spatial) tells in_channels = C; then the layer becomes cls_to_become."""

    def _make_lazy(self, out_channels, bias, device, dtype):
        self.out_channels = out_channels
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args):  # noqa: A002 (PyTorch's argument name)
        if not self.has_uninitialized_params():  # loaded from a state dict: the weight knows it
            self.in_channels = self.weight.shape[0] if self.transposed else self.weight.shape[1] * self.groups
            return
        n = self.spatial_dims
        if input.ndim not in (n + 1, n + 2):
            raise RuntimeError(f"{type(self).__name__}: expected a {n + 1}-D (unbatched) or {n + 2}-D (batched) "
                               f"input, got {tuple(input.shape)}")
        self.in_channels = input.shape[-n - 1]
        if self.in_channels % self.groups:
            raise ValueError(f"{type(self).__name__}: in_channels ({self.in_channels}) must be divisible by groups "
                             f"({self.groups})")
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups)
        else:
            shape = (self.out_channels, self.in_channels // self.groups)
        self.weight.materialize(shape + self.kernel_size)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()


class _LazyConv(_LazyConvNd):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode)
        self._make_lazy(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvNd):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode)
        self._make_lazy(out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """A Conv1d whose in_channels is read from the first input."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d whose in_channels is read from the first input."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """A Conv3d whose in_channels is read from the first input."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ConvTranspose1d whose in_channels is read from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ConvTranspose2d whose in_channels is read from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ConvTranspose3d whose in_channels is read from the first input."""

    cls_to_become = ConvTranspose3d
