"""Weight normalization in PyTorch's first form, deprecated there for parametrizations.weight_norm: the
weight is split into parameters weight_g (its length) and weight_v (its direction), and a forward pre-hook
computes weight = g · v / ‖v‖ before every forward. State dicts hold weight_g and weight_v."""

import warnings

from ..parameter import Parameter
from .parametrizations import norm_except_dim, weight_from


class WeightNorm:
    """The forward pre-hook that recomputes module.<name> from <name>_g and <name>_v."""

    def __init__(self, name, dim):
        self.name, self.dim = name, -1 if dim is None else dim

    def compute_weight(self, module):
        return weight_from(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Split module.<name> into <name>_g = ‖w‖ (over every dimension but dim; over all with None) and
    <name>_v = w, recomputed as g · v / ‖v‖ before every forward. Returns module."""
    warnings.warn("nn.utils.weight_norm is deprecated in PyTorch; use nn.utils.parametrizations.weight_norm",
                  FutureWarning, stacklevel=2)
    if find_hook(module, WeightNorm, name) is not None:
        raise RuntimeError(f"weight_norm: {type(module).__name__}.{name} has weight_norm already")
    fn = WeightNorm(name, dim)
    weight = module._parameters.pop(name)
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    setattr(module, name, fn.compute_weight(module))
    module.register_forward_pre_hook(fn)
    return module


def remove_weight_norm(module, name="weight"):
    """Make module.<name> one parameter again, holding g · v / ‖v‖. Returns module."""
    weight = remove_hook(module, WeightNorm, name, "weight_norm").compute_weight(module)
    for attribute in (name, name + "_g", name + "_v"):
        delattr(module, attribute)
    module.register_parameter(name, Parameter(weight.detach()))
    return module


def find_hook(module, kind, name):
    """The forward pre-hook of module that is a `kind` (WeightNorm, SpectralNorm) for tensor name, or None."""
    return next((hook for hook in module._forward_pre_hooks if isinstance(hook.fn, kind) and hook.fn.name == name),
                None)


def remove_hook(module, kind, name, what):
    """Take module's `kind` hook for tensor name away (what: the hook's function, for the error); returns it."""
    hook = find_hook(module, kind, name)
    if hook is None:
        raise ValueError(f"remove_{what}: {type(module).__name__}.{name} has no {what}")
    module._forward_pre_hooks.remove(hook)
    return hook.fn
