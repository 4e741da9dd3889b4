"""Loading a state dict into a module: matching its keys to the module tree's entries, then copying.

Module.load_state_dict checks everything before it changes anything: a LoadPlan visits the tree as PyTorch
does (each module's load_state_dict pre-hooks first, seeing the entries under its prefix), collecting the
copies to make, the keys that did not match and the problems; only a plan without problems is carried out.
"""

from collections import namedtuple

import numpy as np

from .. import backend
from ..tensor import Tensor
from .parameter import Parameter


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict(strict=False) could not match: the model's keys that the state dict lacks,
    and the state dict's keys that the model lacks."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


class LoadPlan:
    """What load_state_dict found: the copies to make, the keys that did not match, the problems."""

    def __init__(self, metadata, assign):
        self.metadata, self.assign = metadata, assign
        self.loads, self.missing, self.unexpected, self.problems, self.visited = [], [], [], [], []

    def visit(self, module, state, prefix):
        """Match module's entries, then its submodules', with the keys of state under prefix."""
        local_metadata = {} if self.metadata is None else dict(self.metadata.get(prefix[:-1], {}))
        if self.assign:
            local_metadata["assign_to_params_buffers"] = True
        for hook in module._load_state_dict_pre_hooks:
            hook(module, state, prefix, local_metadata, True, self.missing, self.unexpected, self.problems)
        self.visited.append(module)
        own = module._own_state()
        for name, target in own.items():
            if prefix + name in state:
                self.add(module, name, target, prefix + name, state[prefix + name])
            else:
                self.missing.append(prefix + name)
        extra_key = prefix + "_extra_state"
        if module._has_extra_state():
            if extra_key in state:
                self.loads.append(lambda: module.set_extra_state(state[extra_key]))
            else:
                self.missing.append(extra_key)
        self.unexpected += [key for key in state if key.startswith(prefix) and not expects(module, key[len(prefix):])]
        for name, child in module._modules.items():
            if child is not None:
                child_prefix = f"{prefix}{name}."
                self.visit(child, {k: v for k, v in state.items() if k.startswith(child_prefix)}, child_prefix)

    def add(self, module, name, target, key, value):
        """Plan to load value into target (module's entry `name`), or note why it cannot be."""
        if isinstance(value, Tensor):
            value = value.array
        if not (backend.is_array(value) or hasattr(value, "__array__")):
            self.problems.append(f"{key}: expected a tensor or array, got {type(value).__name__}")
            return
        array = value if backend.is_array(value) else np.asarray(value)
        if not uninitialized(target) and tuple(array.shape) != target.shape:
            self.problems.append(f"size mismatch for {key}: the state dict has shape {tuple(array.shape)}, "
                                 f"the model has {target.shape}")
        elif self.assign:
            self.loads.append(lambda: assign(module, name, target, Tensor(array)))
        else:
            self.loads.append(lambda: copy_in(target, array))


def copy_in(target, array):
    """Copy array into target, moved to its device and dtype; a lazy layer's tensor takes array's shape first."""
    if uninitialized(target):
        target.materialize(array.shape)
    target.copy_(Tensor(array))


def uninitialized(tensor):
    """Whether tensor is a lazy layer's UninitializedParameter or UninitializedBuffer (nn/lazy.py), which
    takes the shape of what is loaded into it."""
    return hasattr(tensor, "materialize")


def expects(module, name):
    """Whether name (a key without the module's prefix) is one of module's entries or under one of its submodules."""
    first, dot, _ = name.partition(".")
    if dot:
        return first in module._modules
    return first in module._own_state() or (name == "_extra_state" and module._has_extra_state())


def assign(module, name, target, tensor):
    """Make tensor module's entry `name` (load_state_dict with assign=True); a parameter stays a Parameter with
    the requires_grad it had."""
    if name in module._parameters:
        module._parameters[name] = Parameter(tensor, requires_grad=target.requires_grad)
    else:
        module._buffers[name] = tensor
