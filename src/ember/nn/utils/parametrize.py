"""Parametrizations: a module's weight computed from other tensors each time it is read.

    register_parametrization(layer, "weight", Symmetric())    # layer.weight is now Symmetric()(original)

A parametrization is a module whose forward maps the tensor(s) that are learned, the *originals*, to the
tensor the layer uses; its optional right_inverse maps a value back to originals (for assigning to
layer.weight, and for the start: the originals are right_inverse(weight)). The originals are kept in
layer.parametrizations.weight (a ParametrizationList) as `original`, or `original0`, `original1`, ... when
right_inverse returns several, so they appear in state_dict under PyTorch's names. As in PyTorch, the
layer gets a class of its own, ParametrizedLinear say (a subclass of its class), with a property per
parametrized tensor: reading layer.weight computes it, assigning to it goes through right_inverse.
"""

import contextlib

from ...autograd import no_grad
from ...tensor import Tensor
from ..containers import ModuleDict, ModuleList
from ..parameter import Parameter

_cache_depth = 0
_cache = {}  # (id(module), tensor name) -> the tensor computed inside the outermost cached() block


@contextlib.contextmanager
def cached():
    """Inside this block each parametrized tensor is computed once, at its first use, and reused (for a
    recurrent layer whose weight is read at every step, or one weight read by several layers)."""
    global _cache_depth
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache.clear()


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor of a module, applied in order, and the original tensor(s) they
    are applied to (`original`, or `original0`, `original1`, ...)."""

    def __init__(self, modules, original, unsafe=False):
        super().__init__(modules)
        self.unsafe = unsafe
        with no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    new = module.right_inverse(new)
        self.is_tensor = isinstance(new, Tensor)
        if self.is_tensor:
            if new.dtype != original.dtype:
                raise ValueError(f"right_inverse of {type(self[0]).__name__} changed the dtype from {original.dtype} "
                                 f"to {new.dtype}")
            original.data = new  # the original tensor object stays: an optimizer may already hold it
            _register_parameter_or_buffer(self, "original", original)
        else:
            if not isinstance(new, (tuple, list)) or not all(isinstance(t, Tensor) for t in new):
                raise ValueError(f"right_inverse of {type(self[0]).__name__} must return a tensor or a sequence of "
                                 f"tensors, got {type(new).__name__}")
            for i, tensor in enumerate(new):
                if isinstance(original, Parameter):
                    tensor = Parameter(tensor, original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if not unsafe:
            _check_unchanged(self(), original, "registering a parametrization")

    def originals(self):
        return [self.original] if self.is_tensor else [getattr(self, f"original{i}") for i in range(self.ntensors)]

    def forward(self):
        """The parametrized tensor: the parametrizations applied in order to the original(s)."""
        x = self[0](*self.originals())
        for parametrization in list(self)[1:]:
            x = parametrization(x)
        return x

    @no_grad()
    def right_inverse(self, value):
        """Set the original(s) so that the parametrized tensor becomes value (each parametrization's
        right_inverse, from the last to the first)."""
        for module in reversed(list(self)):
            if not hasattr(module, "right_inverse"):
                raise RuntimeError(f"parametrization {type(module).__name__} has no right_inverse, so the tensor "
                                   "cannot be assigned to")
            value = module.right_inverse(value)
        values = [value] if self.is_tensor else list(value)
        if len(values) != self.ntensors:
            raise ValueError(f"right_inverse must give {self.ntensors} tensors, got {len(values)}")
        for original, new in zip(self.originals(), values):
            if new.dtype != original.dtype:
                raise ValueError(f"right_inverse changed the dtype of an original from {original.dtype} to {new.dtype}")
            original.data = new


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make module.<tensor_name> (a parameter or buffer) parametrization(original), computed when read.
    A second registration on the same tensor applies after the first. unsafe allows a parametrization that
    changes the tensor's shape or dtype. Returns module."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            _check_unchanged(parametrization(getattr(module, tensor_name)), getattr(module, tensor_name),
                             "registering a parametrization")
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._parameters or tensor_name in module._buffers:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            module.__class__ = type(f"Parametrized{type(module).__name__}", (type(module),), {})
            module.parametrizations = ModuleDict()
        setattr(type(module), tensor_name, property(_parametrized(tensor_name), _assigned(tensor_name)))
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"register_parametrization: {type(module).__name__} has no parameter, buffer or "
                         f"parametrized tensor named '{tensor_name}'")
    return module


def _parametrized(tensor_name):
    def get(module):
        if not _cache_depth:
            return module.parametrizations[tensor_name]()
        key = (id(module), tensor_name)
        if key not in _cache:
            _cache[key] = module.parametrizations[tensor_name]()
        return _cache[key]
    return get


def _assigned(tensor_name):
    def set_(module, value):
        module.parametrizations[tensor_name].right_inverse(value)
    return set_


def is_parametrized(module, tensor_name=None):
    """Whether module has a parametrization (on tensor_name, if given)."""
    parametrizations = module._modules.get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def type_before_parametrizations(module):
    """The class module had before its first parametrization (Linear for a ParametrizedLinear)."""
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Make module.<tensor_name> a plain parameter (or buffer) again: holding the parametrized value
    (leave_parametrized), or the original. The original tensor object is kept when there is one, so an
    optimizer holding it goes on working. Returns module."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"remove_parametrizations: {type(module).__name__} has no parametrization on '{tensor_name}'")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                original.data = getattr(module, tensor_name)
    elif leave_parametrized:
        value = getattr(module, tensor_name)
        original = Parameter(value.detach(), value.requires_grad) if value.requires_grad else value.detach()
    else:
        raise ValueError("remove_parametrizations: a tensor parametrized by several originals can only be left "
                         "parametrized (leave_parametrized=True)")
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        del module.parametrizations
        module.__class__ = type(module).__bases__[0]
    return module


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Give to_module the parametrizations of from_module (of tensor_name, or all) and their originals,
    making the tensor in to_module if it has none. Returns to_module."""
    if not is_parametrized(from_module):
        return to_module
    for name in list(from_module.parametrizations) if tensor_name is None else [tensor_name]:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for parametrization in from_module.parametrizations[name]:
            register_parametrization(to_module, name, parametrization)
        source, target = from_module.parametrizations[name], to_module.parametrizations[name]
        for i, original in enumerate(source.originals()):
            setattr(target, "original" if source.is_tensor else f"original{i}", original)
    return to_module


def _register_parameter_or_buffer(module, name, tensor):
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


def _check_unchanged(value, original, what):
    """A parametrization (unless unsafe) gives a tensor of the original's shape and dtype."""
    if not isinstance(value, Tensor):
        raise ValueError(f"{what}: a parametrization must return a tensor, got {type(value).__name__}")
    if value.dtype != original.dtype or value.shape != original.shape:
        raise ValueError(f"{what}: it may not change the tensor's shape or dtype unless unsafe=True; it turns "
                         f"{original.shape} {original.dtype} into {value.shape} {value.dtype}")
