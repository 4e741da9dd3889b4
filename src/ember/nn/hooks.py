"""A module's hooks: the forward hooks around forward(), and the full backward hooks, which the graph calls.

A full backward hook needs the gradients with respect to the module's inputs and outputs, and only the
part of them that flows through this module (an input used elsewhere too, as in x + f(x), gets more).
So each call of a module with backward hooks passes its tensor inputs, and then its outputs, through an
identity node of the graph: the backward of the outputs' node receives grad_output, the backward of the
inputs' node grad_input, each all at once.
"""

import warnings

from .. import backend
from ..autograd import Function, is_grad_enabled
from ..tensor import Tensor


class Hook:
    """A forward pre-hook or forward hook, and how it is called: with the keyword arguments too
    (with_kwargs), and even when forward raises (always_call, forward hooks only)."""

    def __init__(self, fn, with_kwargs=False, always_call=False):
        self.fn, self.with_kwargs, self.always_call = fn, with_kwargs, always_call

    def before_forward(self, module, args, kwargs):
        """(args, kwargs) as this pre-hook leaves them: a returned value replaces args (a tuple, or a single
        argument), or with kwargs the pair (args, kwargs)."""
        if not self.with_kwargs:
            result = self.fn(module, args)
            return (args if result is None else result if isinstance(result, tuple) else (result,)), kwargs
        result = self.fn(module, args, kwargs)
        if result is None:
            return args, kwargs
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RuntimeError(f"a forward pre-hook with kwargs must return None or a tuple (args, kwargs), "
                               f"got {result!r}")
        return result

    def after_forward(self, module, args, kwargs, output):
        """The output as this forward hook leaves it: a returned value replaces it."""
        result = self.fn(module, args, kwargs, output) if self.with_kwargs else self.fn(module, args, output)
        return output if result is None else result

    def after_failed_forward(self, module, args, kwargs, output):
        """An always_call hook after forward raised: its own error is only a warning, the first one is raised."""
        try:
            return self.after_forward(module, args, kwargs, output)
        except Exception as error:
            warnings.warn(f"a forward hook with always_call=True raised an error, silenced because forward raised "
                          f"one first: {error}")
            return output


class BackwardHooks:
    """The full backward hooks and pre-hooks of one call of a module, set on the graph of that call."""

    def __init__(self, module, hooks, pre_hooks):
        self.module, self.hooks, self.pre_hooks = module, list(hooks), list(pre_hooks)
        self.args = ()
        self.input_positions = self.output_positions = None  # of the tensors that require grad
        self.n_outputs = 0
        self.grad_output = None

    def wrap_inputs(self, args):
        """args with the tensors that require grad passed through the inputs' identity node."""
        self.args = args
        positions = _needing_grad(args)
        if not positions:
            return args
        self.input_positions = positions
        return _through(self.input_gradients, args, positions)

    def wrap_outputs(self, output):
        """The output (a tensor or a tuple) with its tensors that require grad passed through the outputs' node."""
        outputs = output if isinstance(output, tuple) else (output,)
        positions = _needing_grad(outputs)
        if not positions:
            return output
        self.n_outputs, self.output_positions = len(outputs), positions
        outputs = _through(self.output_gradients, outputs, positions)
        return outputs if isinstance(output, tuple) else outputs[0]

    def output_gradients(self, grads):
        """In backward, the gradients of the outputs: the pre-hooks see them (and may replace them). If no
        input needs a gradient, the hooks run now, with None for every grad_input."""
        grad_output = _tensors(grads, self.output_positions, self.n_outputs)
        for hook in self.pre_hooks:
            grad_output = _replaced(grad_output, hook(self.module, grad_output), "backward pre-hook", "grad_output")
        self.grad_output = grad_output
        if self.input_positions is None and self.hooks:
            warnings.warn(f"the full backward hooks of {self.module._describe()} run with the gradients of its "
                          "outputs, since none of its inputs requires grad (grad_input is all None)")
            for hook in self.hooks:
                result = hook(self.module, (None,) * len(self.args), grad_output)
                if result is not None and any(r is not None for r in result):
                    raise RuntimeError(f"a backward hook of {self.module._describe()}, none of whose inputs requires "
                                       "grad, must return None or only None")
        return _arrays(grad_output, self.output_positions)

    def input_gradients(self, grads):
        """In backward, the gradients of the inputs: the hooks see them with grad_output (and may replace them).
        As in PyTorch, an input tensor that does not require grad (beside one that does), or that the outputs do
        not depend on, gets zeros."""
        if self.grad_output is None:  # the gradient reached the inputs without passing through the outputs
            return grads
        grad_input = list(_tensors(grads, self.input_positions, len(self.args)))
        for i, arg in enumerate(self.args):
            if isinstance(arg, Tensor) and grad_input[i] is None:
                grad_input[i] = Tensor(backend.xp_of(arg.array).zeros_like(arg.array))
        grad_input = tuple(grad_input)
        for hook in self.hooks:
            grad_input = _replaced(grad_input, hook(self.module, grad_input, self.grad_output), "backward hook",
                                   "grad_input")
        return _arrays(grad_input, self.input_positions)


class PassGradients(Function):
    """Identity on some tensors of a module call; its backward hands their gradients to `receive` (a method of
    BackwardHooks) and passes on what it returns. An output that the loss does not use has no gradient: None."""

    materialize_grads = False

    def forward(ctx, *arrays, receive):
        ctx.receive = receive
        return arrays

    def backward(ctx, *grads):
        return ctx.receive(grads)


def _needing_grad(values):
    if not is_grad_enabled():
        return []
    return [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]


def _through(receive, values, positions):
    """values, with those at positions passed through an identity node whose backward calls receive."""
    outputs = PassGradients.apply(*[values[i] for i in positions], receive=receive)
    values = list(values)
    for i, output in zip(positions, outputs):
        values[i] = output
    return tuple(values)


def _tensors(grads, positions, n):
    """A tuple of n gradients as the hooks see them: Tensors at positions, None elsewhere."""
    full = [None] * n
    for i, grad in zip(positions, grads):
        full[i] = None if grad is None else Tensor(grad)
    return tuple(full)


def _arrays(grads, positions):
    return tuple(None if grads[i] is None else grads[i].array for i in positions)


def _replaced(grads, result, kind, what):
    """What a hook returned in place of grads (None: grads as they were), checked."""
    if result is None:
        return grads
    result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    if len(result) != len(grads):
        raise RuntimeError(f"a {kind} returned {len(result)} values for {what}, which has {len(grads)}")
    return result
