"""Functions written as PyTorch writes them (torch.autograd.function): forward and backward on Tensors.

    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2 * x          # d x²/dx = 2x

    y = Square.apply(x)

ember's own ops subclass the same class, ember.autograd.Function, with forward and backward as methods on
raw arrays; a subclass whose forward is a static method is in PyTorch's style and is applied here: forward
runs at once on the tensors (under no_grad, as in PyTorch), and one graph node, a PyTorchStyleNode, records
the call, whose backward calls the class's backward on tensors. Non-tensor arguments get no gradient (their
place in backward's result is None). Gradients are first order: backward itself is not differentiated.
"""

import inspect

from . import autograd
from .autograd import Function, no_grad
from .tensor import Tensor


class FunctionCtx:
    """The ctx of a call: what forward tells backward (saved tensors, marks, and any attribute set on it)."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad  # per argument of apply: a tensor whose gradient is wanted
        self.to_save, self.non_differentiable, self.dirty = (), (), ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        """Keep tensors (or None) for backward, as ctx.saved_tensors; a later in-place change to one of the
        call's inputs or outputs among them is caught."""
        self.to_save = tensors

    @property
    def saved_tensors(self):
        return self.to_save

    def save_for_forward(self, *tensors):
        """Accepted for PyTorch code; ember has no forward-mode differentiation to use them."""

    def mark_non_differentiable(self, *outputs):
        """These outputs (indices, masks) get no gradient: they come out not requiring grad, and backward gets
        zeros (or None) for them."""
        self.non_differentiable = outputs

    def mark_dirty(self, *tensors):
        """forward changed these inputs in place (and returns them): their history now goes through this call."""
        self.dirty = tensors

    def set_materialize_grads(self, value):
        """With False, backward gets None, not zeros, for an output that no gradient reached."""
        self.materialize_grads = bool(value)


def once_differentiable(backward):
    """Marks a backward that cannot itself be differentiated. ember never differentiates a backward (its
    gradients are first order), so backward is returned as it is."""
    return backward


class PyTorchStyleNode(Function):
    """The graph node of one call of a Function in PyTorch's style. Its forward was already run, on tensors:
    this forward gets the call's output tensors; its backward runs the class's backward on tensors."""

    def forward(node, *arrays, fn, ctx, outputs, is_tensor):
        node.fn, node.ctx, node.is_tensor, node.materialize_grads = fn, ctx, is_tensor, ctx.materialize_grads
        ctx.node = node
        node.save_for_backward(*[t.array for t in ctx.to_save if isinstance(t, Tensor)])
        return tuple(t.array for t in outputs)

    def backward(node, *grads):
        with no_grad():
            result = node.fn.backward(node.ctx, *[None if g is None else Tensor(g) for g in grads])
        return node.tensor_gradients(result if isinstance(result, tuple) else (result,))

    def tensor_gradients(node, result):
        """The arrays of the gradients that backward returned for the tensor arguments, after checking that
        there is one per argument of apply (trailing Nones may follow), None for each non-tensor."""
        name = node.fn.__name__
        if len(result) < len(node.is_tensor) or any(g is not None for g in result[len(node.is_tensor):]):
            raise RuntimeError(f"{name}.backward returned {len(result)} gradients for the {len(node.is_tensor)} "
                               "arguments of apply (one each, None for an argument that is not a tensor)")
        for i, (grad, is_tensor) in enumerate(zip(result, node.is_tensor)):
            if not is_tensor and grad is not None:
                raise RuntimeError(f"{name}.backward returned a gradient for argument {i}, which is not a tensor; "
                                   "return None there")
        return tuple(None if g is None else g.array for g, is_tensor in zip(result, node.is_tensor) if is_tensor)

    def __repr__(self):
        return f"<{self.fn.__name__}Backward>" if "fn" in vars(self) else "<PyTorchStyleNodeBackward>"


def apply(fn, *args, **kwargs):
    """fn.apply(*args, **kwargs) for a Function class fn in PyTorch's style: run its forward on the arguments
    and, if a gradient is wanted, record a node whose backward calls fn.backward. As in PyTorch, keyword
    arguments count as the positional arguments of forward that they name."""
    if kwargs:
        args, kwargs = _positional(fn, args, kwargs)
    recording = autograd.is_grad_enabled()
    ctx = FunctionCtx(tuple(isinstance(a, Tensor) and a.requires_grad and recording for a in args))
    with no_grad():
        if hasattr(fn, "setup_context"):  # PyTorch 2's split form: forward(*args), then setup_context
            output = fn.forward(*args, **kwargs)
            fn.setup_context(ctx, args, output)
        else:
            output = fn.forward(ctx, *args, **kwargs)
    if not any(ctx.needs_input_grad):
        return output
    outputs = list(output) if isinstance(output, tuple) else [output]
    positions = [i for i, o in enumerate(outputs) if isinstance(o, Tensor)]
    results = PyTorchStyleNode.apply(*[a for a in args if isinstance(a, Tensor)], fn=fn, ctx=ctx,
                                     outputs=[outputs[i] for i in positions],
                                     is_tensor=tuple(isinstance(a, Tensor) for a in args))
    for index, (i, result) in enumerate(zip(positions, results)):
        outputs[i] = _marked(fn, ctx, outputs[i], result, index)
    return tuple(outputs) if isinstance(output, tuple) else outputs[0]


def _positional(fn, args, kwargs):
    """(args, kwargs) with the keyword arguments that name positional parameters of fn.forward moved into args."""
    ctx = () if hasattr(fn, "setup_context") else (None,)  # a stand-in for forward's ctx parameter
    bound = inspect.signature(fn.forward).bind(*ctx, *args, **kwargs)
    return bound.args[len(ctx):], bound.kwargs


def _marked(fn, ctx, output, result, index):
    """The tensor that the caller gets for forward's output (result: the node's output of it), as marked:
    detached if not differentiable, output itself with its new history if it is an input changed in place."""
    if any(output is t for t in ctx.non_differentiable):
        return result.detach()
    if not any(output is t for t in ctx.dirty):
        return result
    if output.is_leaf and output.requires_grad:
        raise RuntimeError(f"{fn.__name__}: forward changed a leaf tensor that requires grad in place "
                           "(ctx.mark_dirty); change a clone() of it instead")
    autograd.rebase(output, ctx.node, index)
    return output


autograd.set_pytorch_style_apply(apply)  # Function subclasses with a static forward are applied by `apply`
