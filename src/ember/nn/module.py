"""Module: the base of every layer and model.

A Module holds parameters (learnable tensors), buffers (state that is saved but not learned, such as
BatchNorm's running mean) and submodules, found by assigning them as attributes. Calling a module
runs its forward(). Everything else (parameters(), train()/eval(), to(), state_dict()) walks the
tree of submodules.
"""

import os
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from .. import backend
from ..autograd import RemovableHandle, in_module, is_anomaly_enabled, no_grad
from ..tensor import Tensor, parse_to_args
from .parameter import Buffer, Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class of layers and models: subclass it, set parameters and submodules in __init__, and
    write forward()."""

    def __init__(self):
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "_forward_hooks", [])
        object.__setattr__(self, "_owner", None)  # (weak reference to the parent, name in it)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args, **kwargs):
        if is_anomaly_enabled():  # anomaly errors name the module of each op
            return in_module(self._describe(), lambda: self._call(*args, **kwargs))
        return self._call(*args, **kwargs)

    def _call(self, *args, **kwargs):
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    # -----------------------------------------------------------------------------------------
    # Registering parameters, buffers and submodules (attribute assignment does it).

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ before setting attributes")
        if isinstance(value, Parameter):
            self._forget(name, self._parameters)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name, self._modules)
            self._adopt(value, name)
            self._modules[name] = value
        elif name in self._parameters or name in self._modules:
            if value is not None and name in self._parameters:
                raise TypeError(f"cannot assign a {type(value).__name__} to parameter '{name}' of "
                                f"{type(self).__name__}: expected an nn.Parameter or None (wrap a tensor as "
                                "nn.Parameter(t), or copy values in with .copy_(t) under no_grad())")
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} to submodule '{name}' of "
                                f"{type(self).__name__}: expected a Module or None")
            (self._parameters if name in self._parameters else self._modules)[name] = None
        elif isinstance(value, Buffer):
            self._forget(name, self._buffers)
            self.register_buffer(name, value, persistent=value.persistent)
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"buffer '{name}' of {type(self).__name__} must be a Tensor or None, "
                                f"got {type(value).__name__}")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name, keep):
        """Drop name from wherever it was before it is stored in `keep`, where a value it replaces keeps
        its place (so `model[0] = layer` leaves layer first in a Sequential, as in PyTorch)."""
        self.__dict__.pop(name, None)
        for store in (self._parameters, self._buffers, self._modules):
            if store is not keep:
                store.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name):
        # Only called when normal lookup fails: parameters, buffers and submodules live in their dicts.
        for store in ("_parameters", "_buffers", "_modules"):
            values = self.__dict__.get(store)
            if values is not None and name in values:
                return values[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def _adopt(self, child, name):
        """Record where child sits, for its path in error messages. A module shared by two parents
        keeps its first place, unless it has left it (removed, or renumbered in a container)."""
        if child._owner is not None:
            parent, old_name = child._owner[0](), child._owner[1]
            if parent is not None and parent._modules.get(old_name) is child:
                return
        object.__setattr__(child, "_owner", (weakref.ref(self), name))

    def register_parameter(self, name, param):
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be an nn.Parameter or None, got {type(param).__name__}")
        self._check_new_name(name, self._parameters)
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """State that is not learned but is saved in state_dict (unless persistent=False) and moved by to()."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: '{name}' must be a Tensor or None, got {type(tensor).__name__}")
        self._check_new_name(name, self._buffers)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: '{name}' must be a Module or None, got {type(module).__name__}")
        self._check_new_name(name, self._modules)
        if module is not None:
            self._adopt(module, name)
        self._modules[name] = module

    register_module = add_module

    def _check_new_name(self, name, own_store):
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"a name must be a non-empty string without '.', got {name!r}")
        if name in self.__dict__ or any(name in s for s in (self._parameters, self._buffers, self._modules)
                                         if s is not own_store):
            raise KeyError(f"attribute '{name}' already exists in {type(self).__name__}")

    # -----------------------------------------------------------------------------------------
    # Walking the tree.

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, module) for self and every submodule, depth first; a shared one once
        unless remove_duplicate=False."""
        if remove_duplicate:
            memo = set() if memo is None else memo
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def _named_members(self, store, prefix, recurse, remove_duplicate):
        seen = set()
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, parameter) for every learnable tensor, each once even if shared."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn):
        """Call fn on every submodule and then on self (as nn.init code does)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def _path(self):
        """This module's dotted name inside the model it was first added to ('' for the root)."""
        names, module = [], self
        while module._owner is not None:
            parent_ref, name = module._owner
            parent = parent_ref()
            if parent is None:
                break
            names.append(name)
            module = parent
        return ".".join(reversed(names))

    def _describe(self):
        """How error messages name this module: its class and path, e.g. Linear 'encoder.0'."""
        path = self._path()
        return f"{type(self).__name__} '{path}'" if path else type(self).__name__

    def run_checked(self, x, run):
        """Call run(), which computes this module's output from its input x (in forward): a ValueError,
        TypeError or IndexError that it raises is raised again naming the module and x's shape, as in
        "MaxPool2d 'features.2': <the op's message> (input of shape (1, 3, 1, 1))"."""
        try:
            return run()
        except (ValueError, TypeError, IndexError) as error:
            raise type(error)(f"{self._describe()}: {error} (input of shape {tuple(x.shape)})") from None

    # -----------------------------------------------------------------------------------------
    # Modes, gradients, devices and dtypes.

    def train(self, mode=True):
        """Training mode (the default): Dropout drops, BatchNorm uses the batch's statistics."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be boolean, got {type(mode).__name__}")
        object.__setattr__(self, "training", mode)
        for child in self.children():
            child.train(mode)  # a call per child, so that a module may override train()
        return self

    def eval(self):
        """Evaluation mode: Dropout passes everything, BatchNorm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        for param in self.parameters():
            if param.grad is not None:
                if set_to_none:
                    param.grad = None
                else:
                    param.grad.array[...] = 0

    def to(self, *args, device=None, dtype=None):
        """Move (device) or convert (floating dtype) every parameter and buffer, in place; returns self."""
        device, dtype = parse_to_args(*args, device=device, dtype=dtype)
        if dtype is not None and dtype.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")

        def convert(array):
            if dtype is not None and array.dtype.kind == "f":
                array = array.astype(dtype)
            if device is not None:
                array = backend.to_device(array, device)
            return array

        for tensor in list(self.parameters()) + list(self.buffers()):
            tensor.array = convert(tensor.array)
            if tensor.grad is not None:
                tensor.grad.array = convert(tensor.grad.array)
        return self

    def cuda(self, device=None):
        return self.to("cuda" if device is None else f"cuda:{device}")

    def cpu(self):
        return self.to("cpu")

    def float(self):
        return self.to(backend.float32)

    def double(self):
        return self.to(backend.float64)

    # -----------------------------------------------------------------------------------------
    # Saving and loading.

    def state_dict(self, *, prefix="", keep_vars=False):
        """Every parameter and persistent buffer by dotted name, detached (sharing memory) unless
        keep_vars. A module reached by two paths is listed under both, as in PyTorch."""
        state = OrderedDict()
        for module_prefix, module in self.named_modules(prefix=prefix.rstrip("."), remove_duplicate=False):
            dot = f"{module_prefix}." if module_prefix else ""
            for name, param in module._parameters.items():
                if param is not None:
                    state[dot + name] = param if keep_vars else param.detach()
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    state[dot + name] = buffer if keep_vars else buffer.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy weights in by name. Missing keys, unexpected keys and shape mismatches are all named in
        one error (with strict=False only mismatched shapes are errors), and nothing is changed then.
        Values may be ember Tensors, NumPy arrays or anything NumPy can read (a PyTorch tensor)."""
        if not isinstance(state_dict, Mapping):
            hint = " (a path? load the file first: model.load_state_dict(ember.load(path)))" \
                if isinstance(state_dict, (str, os.PathLike)) else ""
            raise TypeError(f"load_state_dict expects a dict-like state dict, got {type(state_dict).__name__}{hint}")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        arrays, problems = {}, []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(f"'{k}'" for k in missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(f"'{k}'" for k in unexpected))
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if isinstance(value, Tensor):
                value = value.array
            array = value if backend.is_array(value) else np.asarray(value)
            if array.dtype.kind not in "biufc":
                problems.append(f"{key}: expected numbers, got an array of {array.dtype}")
            elif not _uninitialized(target) and tuple(array.shape) != target.shape:
                problems.append(f"size mismatch for {key}: the state dict has shape {tuple(array.shape)}, "
                                f"the model has {target.shape}")
            arrays[key] = array
        if problems:
            raise RuntimeError(f"error loading the state dict into {type(self).__name__}:\n  " + "\n  ".join(problems))
        with no_grad():
            for key, array in arrays.items():
                if _uninitialized(own[key]):
                    own[key].materialize(array.shape)
                own[key].copy_(Tensor(array))  # copy_ moves it to the target's device and dtype
        return IncompatibleKeys(missing, unexpected)

    # -----------------------------------------------------------------------------------------
    # Hooks and printing.

    def register_forward_pre_hook(self, hook):
        """hook(module, args) runs before forward; a returned value replaces the arguments."""
        self._forward_pre_hooks.append(hook)
        return RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """hook(module, args, output) runs after forward; a returned value replaces the output."""
        self._forward_hooks.append(hook)
        return RemovableHandle(self._forward_hooks, hook)

    def extra_repr(self):
        """The settings shown inside the parentheses when the module is printed."""
        return ""

    def _child_lines(self):
        return [f"({name}): {indent(repr(child))}" for name, child in self._modules.items()]

    def __repr__(self):
        """The module tree as PyTorch prints it: settings, then each submodule on its own line."""
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = self._child_lines()
        if not child_lines and len(extra_lines) <= 1:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(extra_lines + child_lines) + "\n)"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))


def _uninitialized(tensor):
    """Whether tensor is a lazy layer's UninitializedParameter or UninitializedBuffer (nn/lazy.py), which
    takes the shape of what is loaded into it."""
    return hasattr(tensor, "materialize")


def indent(text):
    """Indent every line but the first by two spaces (a submodule's lines inside its parent's)."""
    return text.replace("\n", "\n  ")
