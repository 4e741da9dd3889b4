"""Containers: modules that hold other modules (a stack of layers, a list, a dict), or parameters."""

import operator
from collections import OrderedDict

from ..backend import dtype_name
from ..tensor import Tensor
from .module import Module, indent
from .parameter import Parameter


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: submodules kept in order and reached by position."""

    def _key(self, index):
        """The name of the submodule at a position (negative positions count from the end)."""
        index = operator.index(index)
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for a container of {len(self)} modules")
        return list(self._modules)[index]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._sliced(index)
        return self._modules[self._key(index)]

    def __setitem__(self, index, module):
        setattr(self, self._key(index), module)

    def __delitem__(self, index):
        keys = list(self._modules)[index] if isinstance(index, slice) else [self._key(index)]
        for key in keys:
            del self._modules[key]
        self._renumber(list(self._modules.values()))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        """Put module before position index, as list.insert does."""
        self.append(module)  # checks the module before anything moves
        modules = list(self._modules.values())
        modules.insert(index, modules.pop())
        self._renumber(modules)
        return self

    def pop(self, index):
        module = self[index]
        del self[index]
        return module

    def _renumber(self, modules):
        """Hold modules under the names 0, 1, 2, ... (after a deletion or an insertion, as PyTorch)."""
        self._modules.clear()
        self.extend(modules)


class Sequential(_ModuleSequence):
    """Layers applied one after another: the output of each is the input of the next.

    Sequential(a, b, c) names them '0', '1', '2'; Sequential(OrderedDict(name=module, ...)) keeps names.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            self.extend(modules)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def _sliced(self, index):
        return type(self)(OrderedDict(list(self._modules.items())[index]))


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters the parent module finds (a plain list would hide them)."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def _sliced(self, index):
        return type(self)(list(self._modules.values())[index])

    def _child_lines(self):
        """A run of identical modules prints once, as in PyTorch: (0-2): 3 x Linear(...)."""
        reprs = [repr(module) for module in self]
        lines, start = [], 0
        for end in range(1, len(reprs) + 1):
            if end < len(reprs) and reprs[end] == reprs[start]:
                continue
            count = end - start
            if count == 1:
                lines.append(indent(f"({start}): {reprs[start]}"))
            else:
                lines.append(indent(f"({start}-{end - 1}): {count} x {reprs[start]}"))
            start = end
        return lines


class ModuleDict(Module):
    """A dict of modules by name whose parameters the parent module finds."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key):
        module = self[key]
        del self[key]
        return module

    def clear(self):
        self._modules.clear()

    def update(self, modules):
        """Add (or replace) modules from a dict or from (name, module) pairs, in their order."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module


# ---------------------------------------------------------------------------------------------
# Containers of parameters.

def _as_parameter(value):
    """A tensor stored in a ParameterList or ParameterDict becomes a Parameter (as in PyTorch)."""
    return value if isinstance(value, Parameter) or not isinstance(value, Tensor) else Parameter(value)


def _describe_value(value):
    """How PyTorch prints an entry of a parameter container: its kind, dtype and shape."""
    if not isinstance(value, Tensor):
        return repr(value)
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    size = "x".join(str(n) for n in value.array.shape)
    where = f" (GPU {value.device.index})" if value.is_cuda else ""
    return f"{kind} containing: [{dtype_name(value.dtype)} of size {size}{where}]"


class ParameterList(Module):
    """A list of parameters that the parent module finds (a plain list would hide them from
    parameters(), to() and state_dict()); they are named '0', '1', ... Tensors become Parameters."""

    def __init__(self, values=None):
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def _name(self, index):
        index = operator.index(index)
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for a ParameterList of {len(self)}")
        return str(index % len(self))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)([self[i] for i in range(len(self))[index]])
        return getattr(self, self._name(index))

    def __setitem__(self, index, value):
        setattr(self, self._name(index), _as_parameter(value))

    def __len__(self):
        return self._size

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        object.__setattr__(self, "_size", self._size + 1)
        self[len(self) - 1] = value
        return self

    def extend(self, values):
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return "\n".join(f"  ({i}): {_describe_value(value)}" for i, value in enumerate(self))


class ParameterDict(Module):
    """A dict of parameters by name that the parent module finds, in insertion order. Tensors become
    Parameters."""

    def __init__(self, parameters=None):
        super().__init__()
        object.__setattr__(self, "_keys", {})
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        if key not in self._keys:
            raise KeyError(key)
        return self._parameters[key] if key in self._parameters else self.__dict__[key]  # a key may be a method's name

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys are strings, got {type(key).__name__}")
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __reversed__(self):
        return reversed(list(self._keys))

    def __contains__(self, key):
        return key in self._keys

    def keys(self):
        return self._keys.keys()

    def values(self):
        return (self[key] for key in self._keys)

    def items(self):
        return ((key, self[key]) for key in self._keys)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key):
        value = self[key]
        del self[key]
        return value

    def popitem(self):
        key = next(reversed(self))
        return key, self.pop(key)

    def clear(self):
        for key in list(self._keys):
            del self[key]

    def copy(self):
        return type(self)(OrderedDict(self.items()))

    def fromkeys(self, keys, default=None):
        return type(self)((key, default) for key in keys)

    def update(self, parameters):
        """Add (or replace) entries from (name, value) pairs, an OrderedDict or a ParameterDict in their
        order, or from another mapping (a dict) in the order of its keys, as PyTorch does."""
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        else:
            pairs = sorted(parameters.items()) if hasattr(parameters, "items") else parameters
        for key, value in pairs:
            self[key] = value

    def __or__(self, other):
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other):
        merged = type(self)(other)
        merged.update(self)
        return merged

    def __ior__(self, other):
        self.update(other)
        return self

    def extra_repr(self):
        return "\n".join(f"  ({key}): {_describe_value(value)}" for key, value in self.items())
