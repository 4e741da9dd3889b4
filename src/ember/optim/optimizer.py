"""Optimizer: what every update rule shares (parameter groups, per-parameter state, zero_grad, step).

Training is gradient descent. backward() leaves each parameter's gradient g = ∂loss/∂θ in θ.grad,
and an optimizer then moves every parameter a small step downhill, θ ← θ - lr·g; the learning rate
lr sets the size of that step. SGD, Adam, RMSprop and Adagrad differ only in how they turn g into
the step (momentum, per-coordinate scaling, ...), so each subclass writes just that rule, in
`_update`, on the raw arrays of one parameter. Updates happen in place on `param.array`: nothing is
recorded in the graph, and no array is allocated that the rule does not need.

PyTorch's `foreach`, `fused` and `capturable` flags only choose how PyTorch runs an update (one kernel
per parameter, one for all of them, or one that CUDA graphs can capture); ember has one implementation,
so it accepts them and they change nothing. `differentiable=True` (backpropagating through the update
itself) would change what a step does, and is refused.
"""

import contextlib
import math
import numbers
from collections import defaultdict
from collections.abc import Iterable

from .. import autograd, backend
from ..tensor import Tensor

Params = Iterable[Tensor] | Iterable[dict]  # what an optimizer steps: tensors, or groups of them (dicts)


def check_number(owner, name, value, low=0.0, high=math.inf, high_open=False):
    """value as a Python float, or a clear error unless it is a real number in [low, high] ([low, high)
    with high_open). A Python float never widens a float32 update to float64, as a NumPy scalar would."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {type(value).__name__} {value!r}")
    too_high = value >= high if high_open else value > high
    if not value >= low or too_high:  # NaN fails `value >= low`
        raise ValueError(f"{owner}: {name} must be {_interval(low, high, high_open)}, got {value}")
    return float(value)


def _interval(low, high, high_open):
    if high == math.inf:
        return f">= {low}"
    if low == -math.inf:
        return f"< {high}" if high_open else f"<= {high}"
    return f"in [{low}, {high}{')' if high_open else ']'}"


def check_tuple(owner, name, value, names):
    """value as a tuple, or a clear error unless it is a tuple or list of len(names) items (names name them)."""
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        raise TypeError(f"{owner}: {name} must be a tuple ({', '.join(names)}), got {value!r}")
    return tuple(value)


def check_count(owner, name, value, low=1):
    """value, or a clear error unless it is an int >= low (a number of steps, iterations, ...)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        kind = "a positive int" if low == 1 else f"an int >= {low}"
        raise ValueError(f"{owner}: {name} must be {kind}, got {value!r}")
    return value


def _as_param_list(params):
    """A list of the tensors in params (one tensor, or an ordered collection of them, or of (name, tensor)
    pairs as model.named_parameters() gives)."""
    if isinstance(params, Tensor):
        return [params]
    if isinstance(params, (set, frozenset)):
        raise TypeError("optimizer parameters must be in an ordered collection (a list), not a set: "
                        "the order of a set changes between runs, and state_dict() relies on the order")
    return list(params)


def _is_named(param):
    return isinstance(param, tuple) and len(param) == 2 and isinstance(param[0], str)


def _snapshot(value):
    """A copy of a state value that later steps leave alone (tensors, and lists of them, are copied)."""
    if isinstance(value, Tensor):
        return Tensor(value.array.copy())
    if isinstance(value, list):
        return [_snapshot(item) for item in value]
    return value


class Optimizer:
    """Base class of the optimizers: keeps the parameter groups and each parameter's state.

    params is an iterable of tensors (or of (name, tensor) pairs), or of dicts (parameter groups), each
    with "params" and any hyperparameters of its own (for example {"params": head, "lr": 1e-2}); what a
    group leaves out comes from `defaults`. `state[param]` holds what the rule remembers between steps
    (momentum, moment estimates, ...). Subclasses implement `_update(param, grad, state, group)` on raw arrays.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._step_count = 0  # lets a learning-rate scheduler notice it is stepped before the optimizer
        self._step_pre_hooks = []
        self._step_post_hooks = []
        if isinstance(params, dict):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of tensors or of dicts "
                            "(parameter groups); wrap a single group in a list: [group]")
        groups = _as_param_list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list: nothing to optimize "
                             "(did the model create its parameters?)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {key}: {value}" for key, value in sorted(group.items())
                         if key not in ("params", "param_names"))
        return "\n".join(lines) + "\n)"

    # -----------------------------------------------------------------------------------------
    # Parameter groups.

    def add_param_group(self, param_group):
        """Add a group of parameters with its own hyperparameters (e.g. a layer unfrozen for fine-tuning)."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a parameter group is a dict with a 'params' entry, "
                            f"got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}: a parameter group needs a 'params' entry, got keys {sorted(param_group)}")
        group = dict(param_group)
        params = _as_param_list(group["params"])
        named = bool(params) and all(_is_named(param) for param in params)
        if any(_is_named(param) for param in params) != named \
                or any(named != ("param_names" in g) for g in self.param_groups):
            raise ValueError(f"{name}: give every parameter a name ((name, tensor) pairs, as "
                             "named_parameters() gives) or none")
        if named:
            group["param_names"], params = [n for n, _ in params], [p for _, p in params]
        group["params"] = params
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(f"{name} can only optimize Tensors, but one of the params is a {type(param).__name__}")
            if not param.is_leaf:
                raise ValueError(f"{name} can't optimize a non-leaf tensor (one computed by {param.grad_fn!r}); "
                                 "optimize the leaf tensors it was computed from")
            if not param.requires_grad:
                raise ValueError(f"{name}: a parameter of shape {param.shape} does not require grad, so it would "
                                 "never get a gradient; set requires_grad=True or leave it out")
        ids = {id(p) for p in params}
        if len(ids) != len(params):
            raise ValueError(f"{name}: a parameter group lists the same parameter twice; it would be updated twice")
        if any(id(p) in ids for group in self.param_groups for p in group["params"]):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        for key, default in self.defaults.items():
            group.setdefault(key, default)
        self._validate(group)
        self.param_groups.append(group)

    def _validate(self, group):
        """Check a group's hyperparameters (clear errors before any update); subclasses add theirs."""
        name = type(self).__name__
        self._check(group, "lr")
        if "weight_decay" in group:
            self._check(group, "weight_decay")
        if group.get("differentiable"):
            raise NotImplementedError(f"{name}: differentiable=True (backpropagating through the update) is not "
                                      "supported: ember's optimizers change the parameters outside the graph")
        if group.get("foreach") and group.get("fused"):
            raise ValueError(f"{name}: foreach=True and fused=True choose two different implementations; "
                             "give at most one")

    def _check(self, group, key, low=0.0, high=math.inf, high_open=False):
        """Check group[key] with check_number and keep it as a Python float."""
        group[key] = check_number(type(self).__name__, key, group[key], low, high, high_open)

    def _check_betas(self, group):
        """Check group["betas"], the decay rates (β₁, β₂) of two running averages, each in [0, 1)."""
        name = type(self).__name__
        betas = check_tuple(name, "betas", group["betas"], ("beta1", "beta2"))
        group["betas"] = tuple(check_number(name, f"betas[{i}]", beta, 0.0, 1.0, high_open=True)
                               for i, beta in enumerate(betas))

    # -----------------------------------------------------------------------------------------
    # The update.

    def zero_grad(self, set_to_none=True):
        """Forget the gradients before the next backward() (which adds to them): set them to None,
        which frees their memory, or fill them with zeros."""
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    if set_to_none:
                        param.grad = None
                    else:
                        param.grad.zero_()

    def register_step_pre_hook(self, hook):
        """Call hook(optimizer, args, kwargs) before each step (args: (optimizer, *step's args)); it may
        return a pair (args, kwargs) for step to use instead. Returns a handle whose remove() takes it away."""
        self._step_pre_hooks.append(hook)
        return autograd.RemovableHandle(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """Call hook(optimizer, args, kwargs) after each step(*args, **kwargs). Returns a handle."""
        self._step_post_hooks.append(hook)
        return autograd.RemovableHandle(self._step_post_hooks, hook)

    def step(self, *args, **kwargs):
        """One update: step() or step(closure), where closure recomputes the loss (with backward) and
        returns it; step returns what it returned. The step hooks run before and after; as in PyTorch,
        the args they see begin with the optimizer itself."""
        args = (self, *args)
        for hook in list(self._step_pre_hooks):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict)):
                    raise RuntimeError(f"{type(self).__name__}: a step pre-hook must return None or a pair "
                                       f"(args, kwargs), got {result!r}")
                args, kwargs = result
        loss = self._step(*args[1:], **kwargs)
        self._step_count += 1
        for hook in list(self._step_post_hooks):
            hook(self, args, kwargs)
        return loss

    def _step(self, closure=None):
        """Update every parameter that has a gradient (after running closure, if given)."""
        loss = None
        if closure is not None:
            with autograd.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    self._update(param.array, self._gradient(param, group), self.state[param], group)
                    param._version += 1  # changed in place: a graph that saved the old values will notice
        return loss

    def _gradient(self, param, group):
        """The gradient the rule follows: -g to maximize instead of minimize, plus weight_decay·θ
        (L2 regularization, the gradient of ½·λ·‖θ‖²) unless the rule decays the weights itself."""
        grad = param.grad.array
        decay = group["weight_decay"] if "weight_decay" in self.defaults and not self._decoupled(group) else 0.0
        maximize = group.get("maximize", False)
        if not decay:
            return -grad if maximize else grad
        out = param.array * decay
        if maximize:
            out -= grad
        else:
            out += grad
        return out

    def _decoupled(self, group):
        """Whether the rule shrinks the weights itself (decoupled weight decay, `_decay_weights`)
        instead of adding weight_decay·θ to the gradient."""
        return group.get("decoupled_weight_decay", False)

    def _decay_weights(self, param, group):
        """Decoupled weight decay, θ ← θ - lr·λ·θ, for the rules that decay the weights themselves."""
        if self._decoupled(group) and group["weight_decay"]:
            param *= 1.0 - group["lr"] * group["weight_decay"]

    def _update(self, param, grad, state, group):
        """Move param (an array, changed in place) using grad, the remembered state and the group's
        hyperparameters."""
        raise NotImplementedError

    @staticmethod
    def _buffer(state, name, like, fill=0.0):
        """The array state[name], made on first use as an array like `like` filled with `fill`."""
        buffer = state.get(name)
        if buffer is None:
            buffer = state[name] = Tensor(backend.xp_of(like).full_like(like, fill))
        return buffer.array

    # -----------------------------------------------------------------------------------------
    # Saving and loading, in PyTorch's layout: parameters are numbered in group order.

    def state_dict(self):
        """{"state": {index: {name: value}}, "param_groups": [{hyperparameters..., "params": [index]}]}.

        State tensors are copies: the dict keeps the values of the moment it was taken.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(param)]: {key: _snapshot(value) for key, value in values.items()}
                 for param, values in self.state.items() if values}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Take the hyperparameters and state from state_dict() of an optimizer over the same parameters."""
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the loaded state dict has {len(saved_groups)} parameter "
                             f"groups, this optimizer has {len(self.param_groups)}")
        params = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: parameter group {i} of the loaded state dict has "
                                 f"{len(saved['params'])} parameters, this optimizer's has {len(group['params'])}")
            params.update(zip(saved["params"], group["params"]))
        state = defaultdict(dict)
        for index, values in state_dict["state"].items():
            if index not in params:
                raise ValueError(f"{name}.load_state_dict: the loaded state is for parameter {index}, "
                                 f"which no parameter group lists")
            param = params[index]
            state[param] = {key: self._state_value(value, param, self._state_shape(key, param),
                                                   f"state '{key}' of parameter {index}")
                            for key, value in values.items()}
        groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            loaded = {**saved, "params": group["params"]}
            self._validate(loaded)
            groups.append(loaded)
        self.state, self.param_groups = state, groups

    def _state_shape(self, key, param):
        """The shape of the array state[key] of param: param's own, unless the rule keeps others."""
        return param.shape

    def _state_value(self, value, param, shape, what):
        """A loaded state value: an array becomes a tensor of its own, of the given shape, with param's
        dtype and device (a list, each of its arrays)."""
        if isinstance(value, list):
            return [self._state_value(item, param, shape, what) for item in value]
        if isinstance(value, Tensor):
            value = value.array
        if not backend.is_array(value):
            return value  # a step count
        if value.shape != tuple(shape):
            raise ValueError(f"load_state_dict: {what} has shape {value.shape}, expected {tuple(shape)}")
        array = backend.to_device(value, param.device).astype(param.dtype, copy=True)
        return Tensor(array)


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer, swapin_parameters, swapin_optim_state):
    """For the duration of the context, `optimizer` works on other parameters and state: step() updates the
    tensors of swapin_parameters (a dict, in the order of the optimizer's parameters) with the state and
    hyperparameters of swapin_optim_state (a state_dict()). In-place changes to that state's tensors stay in
    it; the optimizer's own parameters, state and groups come back on exit."""
    owner = "swap_in_optimizer_params_and_state"
    if not optimizer.state:
        raise RuntimeError(f"{owner}: the optimizer has no state yet (take one step first)")
    if not isinstance(swapin_optim_state, dict) or {"state", "param_groups"} - swapin_optim_state.keys():
        raise RuntimeError(f"{owner}: swapin_optim_state must be a state_dict() with 'state' and 'param_groups'")
    saved_groups = swapin_optim_state["param_groups"]
    params = list(swapin_parameters.values())
    sizes = [len(group["params"]) for group in optimizer.param_groups]
    if len(saved_groups) != len(sizes) or [len(group["params"]) for group in saved_groups] != sizes:
        raise RuntimeError(f"{owner}: swapin_optim_state's parameter groups do not match the optimizer's")
    if len(params) != sum(sizes):
        raise RuntimeError(f"{owner}: {len(params)} swap-in parameters for an optimizer of {sum(sizes)}")
    state = defaultdict(dict)
    ids = [index for group in saved_groups for index in group["params"]]
    for param, index in zip(params, ids):
        state[param] = dict(swapin_optim_state["state"].get(index, {}))
    live_state, live_groups = optimizer.state, [dict(group) for group in optimizer.param_groups]
    start = 0
    for group, saved in zip(optimizer.param_groups, saved_groups):
        group.update({**saved, "params": params[start:start + len(saved["params"])]})
        start += len(saved["params"])
    optimizer.state = state
    try:
        yield
    finally:
        for group, live in zip(optimizer.param_groups, live_groups):
            group.clear()
            group.update(live)
        optimizer.state = live_state
