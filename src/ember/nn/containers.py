"""Containers: modules that hold other modules (a stack of layers, a list, a dict)."""

import operator
from collections import OrderedDict

from .module import Module, indent


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
