"""Lazy layers: layers whose weight shapes are inferred from the first input they see.

nn.LazyLinear(10) needs no in_features: its weight is an UninitializedParameter, a parameter without
numbers, until the first forward, which reads in_features from the input, materializes the weight
(gives it a shape and PyTorch's starting values) and turns the layer into an ordinary nn.Linear.
Loading a state dict into a lazy layer materializes its weights with the loaded shapes, as in PyTorch.
Make the optimizer after the first forward (or the load): before it, there is nothing to optimize.
"""

from .. import backend
from ..creation import empty, tensor
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm, _NormBase
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _InstanceNorm
from .linear import Linear
from .parameter import Buffer, Parameter


class _Uninitialized:
    """What UninitializedParameter and UninitializedBuffer share: an empty array of the device and dtype
    the tensor will have, until materialize() gives it a shape. The object then becomes, in place, an
    ordinary tensor of its class_to_become (as in PyTorch), so whatever holds it (its module) keeps it."""

    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor its shape (and, if given, another device or dtype), filled with zeros until
        the layer sets its starting values."""
        self.array = empty(shape, device=device or self.device, dtype=dtype or self.dtype).array
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("can't access the shape of an uninitialized parameter or buffer: call forward (with a "
                           "sample batch) or load_state_dict to initialize it first")

    def __repr__(self):
        return f"<{type(self).__name__}>"


class UninitializedParameter(_Uninitialized, Parameter):
    """A parameter whose shape is not known yet (a lazy layer's weight); materialize() makes it a Parameter."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        super().__init__(empty(0, device=device, dtype=dtype), requires_grad)


class UninitializedBuffer(_Uninitialized, Buffer):
    """A buffer whose shape is not known yet (a lazy layer's running mean); materialize() makes it a Buffer."""

    __slots__ = ()
    cls_to_become = Buffer

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        super().__init__(empty(0, device=device, dtype=dtype, requires_grad=requires_grad), persistent=persistent)


def is_lazy(tensor):
    return isinstance(tensor, _Uninitialized)


class LazyModuleMixin:
    """What makes a layer lazy: a forward pre-hook that, at the first call, runs initialize_parameters
    on the inputs (materializing the layer's uninitialized parameters and buffers), removes itself and
    turns the layer into cls_to_become. Put it first among a lazy layer's bases."""

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self):
        return any(is_lazy(t) for t in (*self._parameters.values(), *self._buffers.values()))

    def initialize_parameters(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must say how its parameters follow from the input")


def _infer_parameters(module, args):
    """The pre-hook of a lazy layer's first forward."""
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {type(module).__name__} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


# ---------------------------------------------------------------------------------------------
# The lazy layers.

class LazyLinear(LazyModuleMixin, Linear):
    """A Linear layer whose in_features is read from the first input's last dimension."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.out_features = out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):  # noqa: A002 (PyTorch's argument name)
        if self.has_uninitialized_params():
            self.in_features = input.shape[-1]
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()
        else:  # loaded from a state dict: the weight knows it
            self.in_features = self.weight.shape[1]


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """A batch or instance normalization layer whose num_features is read from the first input."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=backend.int64, device=device)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):  # noqa: A002
        per_channel = [t for t in (self.weight, self.bias, self.running_mean, self.running_var) if t is not None]
        if self.has_uninitialized_params():
            unbatched = isinstance(self, _InstanceNorm) and input.ndim == self.spatial_dims + 1
            self.num_features = input.shape[0 if unbatched else 1]
            for t in per_channel:
                t.materialize((self.num_features,))
            self.reset_parameters()
        elif per_channel:  # loaded from a state dict: the tensors know it
            self.num_features = per_channel[0].shape[0]


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    """BatchNorm1d with num_features read from the first input (N, C) or (N, C, L)."""

    cls_to_become = BatchNorm1d
    layout, input_dims = BatchNorm1d.layout, BatchNorm1d.input_dims


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    """BatchNorm2d with num_features read from the first input (N, C, H, W)."""

    cls_to_become = BatchNorm2d
    layout, input_dims = BatchNorm2d.layout, BatchNorm2d.input_dims


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    """BatchNorm3d with num_features read from the first input (N, C, D, H, W)."""

    cls_to_become = BatchNorm3d
    layout, input_dims = BatchNorm3d.layout, BatchNorm3d.input_dims


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    """InstanceNorm1d with num_features read from the first input (N, C, L) or (C, L)."""

    cls_to_become = InstanceNorm1d
    spatial_dims = 1


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    """InstanceNorm2d with num_features read from the first input (N, C, H, W) or (C, H, W)."""

    cls_to_become = InstanceNorm2d
    spatial_dims = 2


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    """InstanceNorm3d with num_features read from the first input (N, C, D, H, W) or (C, D, H, W)."""

    cls_to_become = InstanceNorm3d
    spatial_dims = 3
