"""Batch and group normalization layers: keep each layer's inputs at a steady spread while training.

As the earlier layers learn, the distribution of what a later layer receives keeps shifting.
Batch normalization standardizes every channel with the statistics of the current batch (and, at
evaluation, with running averages of them), then rescales it by a learned w and b. Networks with it
train faster, tolerate larger learning rates and depend less on their initialization; deep CNNs
(ResNets) put one after every convolution. The math is in ember/ops/normalization.py.
"""

from .. import backend, distributed
from .. import functional as F
from ..creation import empty, ones, tensor, zeros
from ..ops.normalization import sync_batch_norm
from ..tensor import Tensor
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


class _NormBase(Module):
    """What batch and instance normalization share: num_features channels, eps, momentum, and

    parameters weight (ones) and bias (zeros) of shape (num_features,), when affine (bias=False drops the
    shift); buffers, when track_running_stats: running_mean (zeros), running_var (ones) and
    num_batches_tracked. momentum None makes the running statistics plain averages over all batches.
    """

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

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """What BatchNorm1d, 2d and 3d share; they differ only in the inputs they accept."""

    layout = "(N, C, *)"
    input_dims = None  # the numbers of dimensions accepted; None: any from 2

    def _check_input(self, x):
        dims_ok = x.ndim >= 2 if self.input_dims is None else x.ndim in self.input_dims
        if not dims_ok or x.shape[1] != self.num_features:
            layout = self.layout.replace("C", str(self.num_features))
            raise ValueError(f"{self._describe()}: expected input {layout}, got {tuple(x.shape)}")

    def _step_momentum(self):
        """The momentum of this forward's update of the running statistics, counting a training batch."""
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a plain average: the n-th batch gets weight 1/n
                momentum = 1.0 / self.num_batches_tracked.item()
        return 0.0 if momentum is None else momentum

    def forward(self, x):
        self._check_input(x)
        momentum = self._step_momentum()
        # Batch statistics in training, and in evaluation too when there are no running ones.
        use_batch = self.training or self.running_mean is None
        running = not self.training or self.track_running_stats  # pass them to be used, or updated
        return self.run_checked(x, lambda: F.batch_norm(
            x, self.running_mean if running else None, self.running_var if running else None, self.weight, self.bias,
            use_batch, momentum, self.eps))


class BatchNorm1d(_BatchNorm):
    """Batch normalization of features (N, C), or of sequences (N, C, L) per channel."""

    layout = "(N, C) or (N, C, L)"
    input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of feature maps (N, C, H, W): each channel with its mean and variance over
    the batch and all positions."""

    layout = "(N, C, H, W)"
    input_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of volumes (N, C, D, H, W) per channel."""

    layout = "(N, C, D, H, W)"
    input_dims = (5,)


class SyncBatchNorm(_BatchNorm):
    """Batch normalization with the statistics of the whole batch in data-parallel training, where each
    process holds a share of it (DistributedDataParallel): the per-channel sums are added up over the
    processes of process_group (the default group; None) before the mean and variance are taken. Outside
    training, or in a single process, it is BatchNorm of any (N, C, *) input."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def forward(self, x):
        if not (self.training and distributed.is_initialized() and distributed.get_world_size(self.process_group) > 1):
            return super().forward(x)
        self._check_input(x)
        momentum = self._step_momentum()
        return self.run_checked(x, lambda: sync_batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, momentum, self.eps, self._sum_over_ranks))

    def _sum_over_ranks(self, array):
        distributed.all_reduce(Tensor(array), group=self.process_group)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """module with every batch normalization layer in it (module itself included) replaced by a
        SyncBatchNorm holding the same parameters and buffers; returns the converted module."""
        converted = module
        if isinstance(module, _BatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group, bias=module.bias is not None)
            for name in ("weight", "bias"):
                if getattr(module, name) is not None:
                    setattr(converted, name, getattr(module, name))
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                setattr(converted, name, getattr(module, name))
            converted.train(module.training)
        for name, child in module.named_children():
            converted.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return converted


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
