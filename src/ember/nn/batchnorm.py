"""Batch and group normalization layers: keep each layer's inputs at a steady spread while training.

As the earlier layers learn, the distribution of what a later layer receives keeps shifting.
Batch normalization standardizes every channel with the statistics of the current batch (and, at
evaluation, with running averages of them), then rescales it by a learned w and b. Networks with it
train faster, tolerate larger learning rates and depend less on their initialization; deep CNNs
(ResNets) put one after every convolution. The math is in ember/ops/normalization.py.
"""

from .. import backend
from .. import functional as F
from ..creation import empty, ones, tensor, zeros
from . import init
from .module import Module
from .parameter import Parameter


def _affine_parameters(module, channels, affine, bias, device, dtype):
    """weight (ones) and bias (zeros) of shape (channels,), or None where they are not wanted."""
    module.affine = affine
    if affine:
        module.weight = Parameter(empty(channels, device=device, dtype=dtype))
    else:
        module.register_parameter("weight", None)
    if affine and bias:
        module.bias = Parameter(empty(channels, device=device, dtype=dtype))
    else:
        module.register_parameter("bias", None)


def _reset_affine(module):
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ only in the inputs they accept.

    Parameters weight (ones) and bias (zeros) of shape (num_features,), when affine. Buffers, when
    track_running_stats: running_mean (zeros), running_var (ones) and num_batches_tracked. momentum
    None makes the running statistics plain averages over all batches seen.
    """

    layout = "(N, C, *)"

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.track_running_stats = track_running_stats
        _affine_parameters(self, num_features, affine, bias, device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=backend.int64, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1.0)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input(self, x):
        if x.ndim not in self.input_dims or x.shape[1] != self.num_features:
            layout = self.layout.replace("C", str(self.num_features))
            raise ValueError(f"{self._describe()}: expected input {layout}, got {tuple(x.shape)}")

    def forward(self, x):
        self._check_input(x)
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a plain average: the n-th batch gets weight 1/n
                momentum = 1.0 / self.num_batches_tracked.item()
        # Batch statistics in training, and in evaluation too when there are no running ones.
        use_batch = self.training or self.running_mean is None
        running = not self.training or self.track_running_stats  # pass them to be used, or updated
        return self.run_checked(x, lambda: F.batch_norm(
            x, self.running_mean if running else None, self.running_var if running else None, self.weight, self.bias,
            use_batch, 0.0 if momentum is None else momentum, self.eps))

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of features (N, C), or of sequences (N, C, L) per channel."""

    layout = "(N, C) or (N, C, L)"
    input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of feature maps (N, C, H, W): each channel with its mean and variance over
    the batch and all positions."""

    layout = "(N, C, H, W)"
    input_dims = (4,)


class GroupNorm(Module):
    """Group normalization: each example's channels in num_groups groups, each group standardized by
    its own mean and variance, then · weight + bias per channel. Independent of the batch, so it works
    for batches of one and behaves the same in training and evaluation. (N, num_channels, *) -> same."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if isinstance(num_groups, bool) or not isinstance(num_groups, int) or num_groups < 1 \
                or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels, self.eps = num_groups, num_channels, eps
        _affine_parameters(self, num_channels, affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, x):
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(f"{self._describe()}: expected input (N, {self.num_channels}, *), got {tuple(x.shape)}")
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
