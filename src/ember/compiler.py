"""ember.compiler (torch.compiler) and ember.compile (torch.compile): compilation, for an eager framework.

torch.compile traces a model into fused kernels. ember runs every op as it comes (eagerly), which is
what makes each step of a model visible: so compile returns what it is given, unchanged, and programs
that call it run as they would without it.
"""


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,  # noqa: A001
            name=None, disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """model itself: `compile(model)`, and as a decorator `@compile` or `@compile(mode="max-autotune")`."""
    if model is None:
        return lambda fn: fn
    return model


def disable(fn=None, recursive=True, *, reason=None):
    """fn itself (there is no compilation to leave it out of); `@disable` and `@disable()` both work."""
    if fn is None:
        return lambda f: f
    return fn


def is_compiling():
    """False: ember never traces code for compilation."""
    return False


is_dynamo_compiling = is_compiling


def reset():
    """Nothing to reset: ember keeps no compiled code."""


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.compiler", name)
