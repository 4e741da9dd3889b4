"""Calling a module with other tensors in place of its parameters and buffers, without changing it: for
gradients with respect to the weights as a function (meta-learning, influence functions) or for running one
module with many sets of weights."""

import warnings

from ...tensor import Tensor


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """module(*args, **kwargs) computed with parameters_and_buffers ({dotted name: tensor}, names as in
    state_dict) in place of the module's own tensors, which are back in place afterwards. Gradients flow
    to the given tensors. With tie_weights, a tensor given for one of several names of a shared parameter
    is used for all of them; with strict, every parameter and buffer must be given, and nothing else.
    Deprecated in PyTorch since 2.0 for torch.func.functional_call, which has the same arguments."""
    warnings.warn("nn.utils.stateless.functional_call is deprecated in PyTorch since 2.0, for "
                  "torch.func.functional_call", FutureWarning, stacklevel=2)
    values = _untied(module, dict(parameters_and_buffers)) if tie_weights else dict(parameters_and_buffers)
    if strict:
        _check_keys(module, values)
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    originals = [(name, _swap(module, name, tensor)) for name, tensor in values.items()]
    try:
        return module(*args, **({} if kwargs is None else kwargs))
    finally:
        for name, original in reversed(originals):
            _swap(module, name, original)


def _named_tensors(module):
    """(dotted name, tensor) for every parameter and buffer, each under every name it has."""
    yield from module.named_parameters(remove_duplicate=False)
    yield from module.named_buffers(remove_duplicate=False)


def _untied(module, values):
    """values with the given tensor of a shared parameter (or buffer) under each of its names."""
    names_of = {}
    for name, tensor in _named_tensors(module):
        names_of.setdefault(id(tensor), []).append(name)
    values = dict(values)
    for names in names_of.values():
        given = {id(values[name]): values[name] for name in names if name in values}
        if len(given) > 1:
            raise ValueError(f"functional_call: got different tensors for {sorted(n for n in names if n in values)}, "
                             "which are one shared tensor of the module; pass tie_weights=False to untie them")
        if given:
            values.update((name, next(iter(given.values()))) for name in names)
    return values


def _check_keys(module, values):
    expected = [name for name, _ in _named_tensors(module)]
    problems = []
    unexpected = [name for name in values if name not in expected]
    missing = [name for name in expected if name not in values]
    if unexpected:
        problems.append("unexpected keys: " + ", ".join(f"'{k}'" for k in unexpected))
    if missing:
        problems.append("missing keys: " + ", ".join(f"'{k}'" for k in missing))
    if problems:
        raise RuntimeError(f"functional_call of {type(module).__name__} with strict=True:\n  " + "\n  ".join(problems))


_ABSENT = object()


def _swap(module, name, tensor):
    """Put tensor (or _ABSENT: nothing) under a dotted name of module; returns what was there."""
    path, _, attribute = name.rpartition(".")
    owner = module.get_submodule(path)
    for store in (owner._parameters, owner._buffers):
        if attribute in store:
            original, store[attribute] = store[attribute], tensor
            return original
    original = owner.__dict__.get(attribute, _ABSENT)
    if original is not _ABSENT and not isinstance(original, Tensor):
        raise TypeError(f"functional_call: '{name}' of the module is a {type(original).__name__}, not a tensor")
    if tensor is _ABSENT:
        del owner.__dict__[attribute]
    else:
        owner.__dict__[attribute] = tensor
    return original
