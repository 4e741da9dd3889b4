"""Module: the base of every layer and model.

A Module holds parameters (learnable tensors), buffers (state that is saved but not learned, such as
BatchNorm's running mean) and submodules, found by assigning them as attributes. Calling a module
runs its forward(), with the hooks registered on it around that call. Everything else (parameters(),
train()/eval(), to(), state_dict()) walks the tree of submodules.
"""

import os
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Dict, TypeVar

import numpy as np

from .. import backend
from ..autograd import RemovableHandle, in_module, is_anomaly_enabled, no_grad
from ..creation import empty_like
from ..tensor import Tensor, parse_to_args
from .hooks import BackwardHooks, Hook
from .parameter import Buffer, Parameter
from .state_dict import IncompatibleKeys, LoadPlan

T_destination = TypeVar("T_destination", bound=Dict[str, Any])


class Module:
    """Base class of layers and models: subclass it, set parameters and submodules in `__init__`, and
    write forward()."""

    dump_patches = False  # PyTorch's flag for old checkpoints; ember's state dicts need no patches
    _version = 1  # saved in each state dict's metadata, so a layer can read state dicts of its older versions
    call_super_init = False  # True: __init__ passes its arguments on to the next class (for mixins)
    T_destination = T_destination

    def __init__(self, *args, **kwargs):
        if not self.call_super_init and kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if not self.call_super_init and args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} "
                            "were given")
        for name, value in [("training", True), ("_parameters", {}), ("_buffers", {}),
                            ("_non_persistent_buffers", set()), ("_modules", {}), ("_owner", None)] + \
                [(name, []) for name in _HOOK_LISTS]:
            object.__setattr__(self, name, value)  # _owner: (weak reference to the parent, name in it)
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    def forward(self, *args, **kwargs):
        """The computation of the module: a subclass defines it, and module(x) calls it with the hooks."""
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args, **kwargs):
        if is_anomaly_enabled():  # anomaly errors name the module of each op
            return in_module(self._describe(), lambda: self._call_with_hooks(args, kwargs))
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args, kwargs):
        """forward() between its hooks: forward pre-hooks, then forward, then forward hooks; the backward
        hooks are set on the graph around the tensors going in and coming out."""
        for hook in list(self._forward_pre_hooks):
            args, kwargs = hook.before_forward(self, args, kwargs)
        backward_hooks = None
        if self._backward_hooks or self._backward_pre_hooks:
            backward_hooks = BackwardHooks(self, self._backward_hooks, self._backward_pre_hooks)
            args = backward_hooks.wrap_inputs(args)
        output, called = None, set()
        try:
            output = self.forward(*args, **kwargs)
            for hook in list(self._forward_hooks):
                called.add(id(hook))
                output = hook.after_forward(self, args, kwargs, output)
        except Exception:
            for hook in self._forward_hooks:
                if hook.always_call and id(hook) not in called:
                    output = hook.after_failed_forward(self, args, kwargs, output)
            raise
        return output if backward_hooks is None else backward_hooks.wrap_outputs(output)

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

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register param (a Parameter, or None) as the parameter called name."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be an nn.Parameter or None, got {type(param).__name__}")
        self._check_new_name(name, self._parameters)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """State that is not learned but is saved in state_dict (unless persistent=False) and moved by to()."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: '{name}' must be a Tensor or None, got {type(tensor).__name__}")
        self._check_new_name(name, self._buffers)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Register module as the child called name (as assigning self.name = module does)."""
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

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> "Iterator[tuple[str, Module]]":
        """(dotted name, module) for self and every submodule, depth first; a shared one once
        unless remove_duplicate=False. memo holds the modules already given (a set)."""
        if remove_duplicate:
            memo = set() if memo is None else memo
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self) -> "Iterator[Module]":
        """This module and every submodule, depth first, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> "Iterator[tuple[str, Module]]":
        """(name, module) for each direct submodule."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> "Iterator[Module]":
        """The direct submodules."""
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

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> "Iterator[tuple[str, Parameter]]":
        """(dotted name, parameter) for every learnable tensor, each once even if shared."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> "Iterator[Parameter]":
        """The parameters of this module (and, with recurse, of every submodule), each once."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> "Iterator[tuple[str, Tensor]]":
        """(dotted name, buffer) for each buffer of this module and its submodules."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> "Iterator[Tensor]":
        """The buffers of this module (and, with recurse, of every submodule)."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn: Callable[["Module"], object]) -> "Module":
        """Call fn on every submodule and then on self (as nn.init code does)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def get_submodule(self, target: str) -> "Module":
        """The submodule at a dotted path ('encoder.0'); '' is self."""
        module = self
        for name in target.split(".") if target else ():
            if not hasattr(module, name):
                raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
            module = getattr(module, name)
            if not isinstance(module, Module):
                raise AttributeError(f"`{name}` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path ('encoder.0.weight')."""
        module, name = self._owner_of(target)
        if name not in module._parameters:
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return module._parameters[name]

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path ('bn.running_mean')."""
        module, name = self._owner_of(target)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return module._buffers[name]

    def _owner_of(self, target):
        """(the submodule holding what a dotted path names, the last name), checking that the name exists."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
        return module, name

    def set_submodule(self, target: str, module: "Module", strict: bool = False) -> None:
        """Put module at a dotted path ('encoder.0'), replacing what is there; with strict, only where a
        submodule already is."""
        if not target:
            raise ValueError("set_submodule: the target must name a submodule, got ''")
        if not isinstance(module, Module):
            raise ValueError(f"set_submodule: `module` must be an nn.Module, got {type(module).__name__}")
        path, _, name = target.rpartition(".")
        parent = self.get_submodule(path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{type(parent).__name__} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

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
    # Modes and gradients.

    def train(self, mode: bool = True) -> "Module":
        """Training mode (the default): Dropout drops, BatchNorm uses the batch's statistics."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be boolean, got {type(mode).__name__}")
        object.__setattr__(self, "training", mode)
        for child in self.children():
            child.train(mode)  # a call per child, so that a module may override train()
        return self

    def eval(self) -> "Module":
        """Evaluation mode: Dropout passes everything, BatchNorm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Set requires_grad on every parameter (False freezes the module); returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter: to None (set_to_none) or to zeros."""
        for param in self.parameters():
            if param.grad is not None:
                if set_to_none:
                    param.grad = None
                else:
                    param.grad.array[...] = 0

    def compile(self, *args, **kwargs):
        """Accepted for PyTorch code and does nothing: ember runs every op eagerly, with no compiler."""

    def share_memory(self):
        """Returns self. PyTorch moves the tensors into shared memory for worker processes; ember's
        DataLoader workers never see the model's tensors, so they stay where they are."""
        return self

    # -----------------------------------------------------------------------------------------
    # Devices and dtypes: every conversion changes the numbers of the tensors the module holds, in place,
    # so that an optimizer made before it still holds the module's parameters.

    def _apply(self, fn, recurse=True):
        """Give every parameter, buffer and gradient the numbers of fn(tensor); returns self."""
        with no_grad():
            for tensor in [*self.parameters(recurse), *self.buffers(recurse)]:
                tensor.array = fn(tensor).array
                if tensor.grad is not None:
                    tensor.grad.array = fn(tensor.grad).array
        return self

    def to(self, *args, device: backend.DeviceLike | None = None, dtype: np.dtype | None = None, non_blocking=False,
           memory_format=None) -> "Module":
        """Move (device) or convert (floating dtype) every parameter and buffer, in place; returns self.
        non_blocking and memory_format are accepted for PyTorch code (ember copies at once, in its one layout)."""
        device, dtype = parse_to_args(*args, device=device, dtype=dtype)
        if dtype is not None and not backend.is_floating(dtype):
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
        return self._apply(lambda t: t.to(device=device, dtype=dtype if t.is_floating_point() else None))

    def cuda(self, device: int | backend.DeviceLike | None = None) -> "Module":
        """Move the parameters and buffers to a GPU (device: its number or a device); returns self."""
        return self.to("cuda" if device is None else f"cuda:{device}")

    def cpu(self) -> "Module":
        """Move the parameters and buffers to the CPU; returns self."""
        return self.to("cpu")

    def float(self) -> "Module":
        """Cast the floating parameters and buffers to float32; returns self."""
        return self.to(backend.float32)

    def double(self) -> "Module":
        """Cast the floating parameters and buffers to float64; returns self."""
        return self.to(backend.float64)

    def half(self) -> "Module":
        """Cast the floating parameters and buffers to float16; returns self."""
        return self.to(backend.float16)

    def bfloat16(self) -> "Module":
        """Cast the floating parameters and buffers to bfloat16; returns self."""
        return self.to(backend.bfloat16())

    def type(self, dst_type):
        """Cast every parameter and buffer, integer ones too, to dst_type."""
        dtype = backend.as_dtype(dst_type)
        if not backend.is_floating(dtype):
            for name, param in self.named_parameters():
                if param.requires_grad:
                    raise RuntimeError(f"{type(self).__name__}.type({dtype}): {name} requires grad, so it must stay "
                                       "floating point")
        return self._apply(lambda t: t.to(dtype=dtype))

    def to_empty(self, *, device, recurse=True):
        """Put every parameter and buffer on device with memory that is not set to any values (to be filled,
        from a state dict say): in PyTorch the way out of the meta device."""
        return self._apply(lambda t: empty_like(t, device=backend.Device(device)), recurse)

    def ipu(self, device=None):
        """IPUs are not in ember: raises, naming the device."""
        raise RuntimeError("ember has no ipu devices: its devices are 'cpu' and 'cuda'")

    def xpu(self, device=None):
        """XPUs are not in ember: raises, naming the device."""
        raise AssertionError("ember has no xpu devices: its devices are 'cpu' and 'cuda'")

    def mtia(self, device=None):
        """MTIA devices are not in ember: raises, naming the device."""
        raise AssertionError("ember has no mtia devices: its devices are 'cpu' and 'cuda'")

    # -----------------------------------------------------------------------------------------
    # Saving: state_dict.

    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False) -> dict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name, detached (sharing memory) unless
        keep_vars. A module reached by two paths is listed under both, as in PyTorch. Its `_metadata`
        holds each module's {"version": _version}, by dotted name."""
        if args:
            warnings.warn("state_dict: pass destination, prefix and keep_vars by keyword; positional arguments "
                          "are deprecated", FutureWarning, stacklevel=2)
            destination, prefix, keep_vars = (list(args) + [destination, prefix, keep_vars][len(args):])[:3]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        for hook in self._state_dict_pre_hooks:
            hook(self, prefix, keep_vars)
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=f"{prefix}{name}.", keep_vars=keep_vars)
        for hook in self._state_dict_post_hooks:
            if hook(self, destination, prefix, local_metadata) is not None:
                raise RuntimeError("a state_dict post-hook must return None (it may change the state dict in place)")
        return destination

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        """This module's own entries (not its submodules'), into destination."""
        for name, tensor in self._own_state().items():
            destination[prefix + name] = tensor if keep_vars else tensor.detach()
        if self._has_extra_state():
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def _own_state(self):
        """{name: tensor} of this module's parameters and persistent buffers."""
        state = {name: p for name, p in self._parameters.items() if p is not None}
        state.update((name, b) for name, b in self._buffers.items()
                     if b is not None and name not in self._non_persistent_buffers)
        return state

    def _has_extra_state(self):
        return type(self).get_extra_state is not Module.get_extra_state

    def get_extra_state(self):
        """State that is not a tensor, saved under `_extra_state` (a module that has some overrides this and
        set_extra_state)."""
        raise RuntimeError(f"{type(self).__name__}.get_extra_state() is called only when a module overrides it")

    def set_extra_state(self, state):
        """Take back what get_extra_state() gave, from a state dict being loaded."""
        raise RuntimeError(f"{type(self).__name__}.set_extra_state() is called only when a module overrides "
                           "get_extra_state(): its state dict has an '_extra_state' entry that it cannot take")

    # -----------------------------------------------------------------------------------------
    # Loading: load_state_dict checks everything before it changes anything.

    def load_state_dict(self, state_dict: Mapping[str, Tensor], strict: bool = True,
                        assign: bool = False) -> IncompatibleKeys:
        """Copy weights in by name (with assign, take the state dict's tensors themselves). Missing keys,
        unexpected keys and shape mismatches are all named in one error (with strict=False only mismatched
        shapes are errors), and nothing is changed then. Values may be ember Tensors, NumPy arrays or
        anything NumPy can read (a PyTorch tensor). Returns the IncompatibleKeys."""
        if not isinstance(state_dict, Mapping):
            hint = " (a path? load the file first: model.load_state_dict(ember.load(path)))" \
                if isinstance(state_dict, (str, os.PathLike)) else ""
            raise TypeError(f"load_state_dict expects a dict-like state dict, got {type(state_dict).__name__}{hint}")
        plan = LoadPlan(getattr(state_dict, "_metadata", None), assign)
        plan.visit(self, OrderedDict(state_dict), "")
        if strict and plan.unexpected:
            plan.problems.insert(0, "unexpected keys: " + ", ".join(f"'{k}'" for k in plan.unexpected))
        if strict and plan.missing:
            plan.problems.insert(0, "missing keys: " + ", ".join(f"'{k}'" for k in plan.missing))
        if plan.problems:
            raise RuntimeError(f"error loading the state dict into {type(self).__name__}:\n  " +
                               "\n  ".join(plan.problems))
        with no_grad():
            for load in plan.loads:
                load()
        keys = IncompatibleKeys(plan.missing, plan.unexpected)
        for module in reversed(plan.visited):
            for hook in module._load_state_dict_post_hooks:
                if hook(module, keys) is not None:
                    raise RuntimeError("a load_state_dict post-hook must return None (it may change the lists of "
                                       "incompatible_keys in place)")
        return keys

    # -----------------------------------------------------------------------------------------
    # Hooks. Each register_* returns a handle whose remove() takes the hook away.

    def _register(self, hooks, hook, prepend=False):
        if prepend:
            hooks.insert(0, hook)
        else:
            hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """hook(module, args) runs before forward; a returned value replaces the arguments (a tuple, or one
        argument). With with_kwargs: hook(module, args, kwargs), returning None or (args, kwargs)."""
        return self._register(self._forward_pre_hooks, Hook(hook, with_kwargs), prepend)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """hook(module, args, output) runs after forward; a returned value replaces the output. With
        with_kwargs: hook(module, args, kwargs, output). With always_call it runs even when forward raises."""
        return self._register(self._forward_hooks, Hook(hook, with_kwargs, always_call), prepend)

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_output) runs when the gradients of the module's outputs are known, before those
        of its inputs are computed; a returned tuple replaces grad_output."""
        return self._register(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_input, grad_output) runs when the gradients of the module's positional tensor
        inputs are computed (None for the other arguments); a returned tuple replaces grad_input."""
        return self._register(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook):
        """PyTorch's deprecated form, whose grad_input was that of the last op inside the module; ember gives
        it the full backward hook's arguments, as PyTorch's documentation advises."""
        warnings.warn("register_backward_hook is deprecated: ember calls the hook as a full backward hook "
                      "(grad_input for the module's inputs); use register_full_backward_hook", FutureWarning,
                      stacklevel=2)
        return self.register_full_backward_hook(hook)

    def register_state_dict_pre_hook(self, hook):
        """hook(module, prefix, keep_vars) runs before state_dict() collects this module's entries."""
        return self._register(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook):
        """hook(module, state_dict, prefix, local_metadata) runs after state_dict() collected this module's
        entries and its submodules'; it may change state_dict in place."""
        return self._register(self._state_dict_post_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook):
        """hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        runs before this module's entries are matched; it may change state_dict (rename old keys, say) and
        add messages to error_msgs, which make load_state_dict fail."""
        return self._register(self._load_state_dict_pre_hooks, hook)

    def register_load_state_dict_post_hook(self, hook):
        """hook(module, incompatible_keys) runs after the state dict was loaded (submodules' hooks first).
        ember checks the keys before it loads anything, so a strict load with missing or unexpected keys fails
        before the hooks run; they cannot excuse keys, as PyTorch's can."""
        return self._register(self._load_state_dict_post_hooks, hook)

    # -----------------------------------------------------------------------------------------
    # Printing and pickling.

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

    def __getstate__(self):
        """What pickle and copy.deepcopy copy: everything but the weak reference to the parent."""
        return {**self.__dict__, "_owner": None}

    def __setstate__(self, state):
        """Restore a copy, whose submodules learn their places in it again."""
        self.__dict__.update(state)
        for name, child in self._modules.items():
            if child is not None:
                self._adopt(child, name)


_HOOK_LISTS = ("_forward_pre_hooks", "_forward_hooks", "_backward_pre_hooks", "_backward_hooks",
               "_state_dict_pre_hooks", "_state_dict_post_hooks", "_load_state_dict_pre_hooks",
               "_load_state_dict_post_hooks")


def indent(text):
    """Indent every line but the first by two spaces (a submodule's lines inside its parent's)."""
    return text.replace("\n", "\n  ")
