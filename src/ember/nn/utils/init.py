"""Making a module without paying for its initialization."""

import inspect

from ..module import Module


def skip_init(module_cls, *args, **kwargs):
    """module_cls(*args, **kwargs) with parameters and buffers of unspecified values, to be loaded from a state
    dict. PyTorch builds it on its 'meta' device, which holds no numbers, and so skips the initialization;
    ember has no meta device: it builds the module (initializing it) on the CPU, then puts it on `device`
    with to_empty()."""
    if not (inspect.isclass(module_cls) and issubclass(module_cls, Module)):
        raise RuntimeError(f"skip_init: expected a Module class, got {module_cls!r}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError(f"skip_init: {module_cls.__name__} must take a 'device' argument to skip initialization")
    device = kwargs.pop("device", "cpu")
    return module_cls(*args, **kwargs).to_empty(device=device)
