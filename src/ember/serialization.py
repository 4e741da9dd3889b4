"""ember.serialization (torch.serialization): save and load, and the registry of "safe globals".

PyTorch's files are pickles, and since 2.6 torch.load unpickles only the classes a program names as
safe (add_safe_globals, or `with safe_globals([...]):`). ember writes safetensors (ember.io), which hold
only numbers and JSON, and reads PyTorch's files through an allow-list of tensor and container globals
that never runs code (ember.io.pytorch). The registry is kept so that programs that fill it run, and
reads back what they put in; it changes nothing in what ember loads: no class is ever unpickled.
"""

from .io import load, save  # noqa: F401

_safe_globals = []


def add_safe_globals(safe_globals):
    """Add classes or functions (or (object, name) pairs) to the registry."""
    _safe_globals.extend(item for item in safe_globals if item not in _safe_globals)


def get_safe_globals():
    """What the registry holds (a new list)."""
    return list(_safe_globals)


def clear_safe_globals():
    _safe_globals.clear()


class safe_globals:  # noqa: N801 (PyTorch's name)
    """`with safe_globals([MyClass]):` adds to the registry for the block only."""

    def __init__(self, safe_globals):
        self.safe_globals = list(safe_globals)

    def __enter__(self):
        self._previous = get_safe_globals()
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc_info):
        _safe_globals[:] = self._previous


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.serialization", name)
