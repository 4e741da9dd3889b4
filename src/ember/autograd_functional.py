"""Derivatives of whole functions (torch.autograd.functional): vector-Jacobian products, Jacobians, and
Jacobian-vector products, all built on backward, so first order only.

    y, grads = vjp(f, x, v)     # vᵀ J, one backward pass
    J = jacobian(f, x)          # J[i..., j...] = ∂f(x)[i...] / ∂x[j...], one backward pass per output element

The function is called on copies of the inputs that are cut from any graph they were part of; the results
are outside any graph too.
"""

from . import autograd, backend
from .ops.shape import stack
from .tensor import Tensor


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀ J): the gradient of Σ v · func(inputs) with respect to each input. v has the shape
    of the output (a tuple for several); it may be left out for a single one-element output."""
    inputs, outputs, unpack_inputs, unpack_outputs = _call(func, inputs, create_graph, "vjp")
    grads = _gradients(outputs, inputs, _directions(v, outputs, "vjp", "outputs"), strict, "vjp")
    return unpack_outputs([o.detach() for o in outputs]), unpack_inputs(grads)


def _directions(v, like, what, of):
    """v as a list of tensors of the shapes of `like` (ones when it is left out for a single one-element tensor)."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(f"{what}: v can be left out only for a single one-element tensor of {of}")
        return [Tensor(backend.xp_of(like[0].array).ones_like(like[0].array))]
    v = [v] if isinstance(v, Tensor) else list(v)
    if len(v) != len(like) or any(w.shape != t.shape for w, t in zip(v, like)):
        raise RuntimeError(f"{what}: v must have the shapes of the {of}, {[t.shape for t in like]}; got "
                           f"{[w.shape for w in v]}")
    return v


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: for output i and input j a tensor of shape output_i.shape + input_j.shape
    (a tensor for one input and one output, tuples for tuples). Computed a row at a time, one backward pass
    per output element; vectorize changes nothing (it picks PyTorch's batched way to the same numbers)."""
    if strategy != "reverse-mode":
        raise NotImplementedError(f"jacobian: strategy={strategy!r} needs forward-mode differentiation, which "
                                  "ember does not have; use strategy='reverse-mode'")
    inputs, outputs, unpack_inputs, unpack_outputs = _call(func, inputs, create_graph, "jacobian")
    return unpack_outputs([unpack_inputs(blocks) for blocks in _jacobian(inputs, outputs, strict, "jacobian")])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): how the output changes along v (the inputs' shapes; it may be left out for a single
    one-element input). ember has no forward mode: this is computed from the whole Jacobian, one backward pass
    per output element."""
    inputs, outputs, _, unpack_outputs = _call(func, inputs, create_graph, "jvp")
    v = _directions(v, inputs, "jvp", "inputs")
    products = []
    for out, blocks in zip(outputs, _jacobian(inputs, outputs, strict, "jvp")):
        total = sum(block.reshape(out.numel(), -1) @ w.reshape(-1) for block, w in zip(blocks, v))
        products.append(total.reshape(out.shape))
    return unpack_outputs([o.detach() for o in outputs]), unpack_outputs(products)


def _jacobian(inputs, outputs, strict, what):
    """For each output, its Jacobian blocks (output.shape + input.shape) with respect to each input."""
    result = []
    for out in outputs:
        rows = []
        for k in range(out.numel()):
            seed = backend.xp_of(out.array).zeros(out.numel(), out.dtype)
            seed[k] = 1
            rows.append(_gradients([out], inputs, [Tensor(seed.reshape(out.shape))], strict, what))
        result.append([_block(out, x, [row[j] for row in rows]) for j, x in enumerate(inputs)])
    return result


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    _second_order("hessian")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    _second_order("hvp")


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    _second_order("vhp")


def _second_order(what):
    raise NotImplementedError(f"{what}: second derivatives need the gradient of a gradient, and ember's gradients "
                              "are first order; jacobian, vjp and jvp are available")


def _call(func, inputs, create_graph, what):
    """(the inputs as fresh leaves that require grad, func's outputs, and how to give each back as it came)."""
    if create_graph:
        raise NotImplementedError(f"{what}(create_graph=True): ember's gradients are first order")
    single_input = isinstance(inputs, Tensor)
    inputs = [x.detach().requires_grad_() for x in ((inputs,) if single_input else inputs)]
    output = func(*inputs)
    single_output = isinstance(output, Tensor)
    outputs = [output] if single_output else list(output)
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"{what}: func must return a tensor or a tuple of tensors, got {type(out).__name__} "
                            f"as output {i}")
    return (inputs, outputs, lambda xs: xs[0] if single_input else tuple(xs),
            lambda ys: ys[0] if single_output else tuple(ys))


def _gradients(outputs, inputs, v, strict, what):
    """Σ v · outputs differentiated with respect to each input; zeros for an input the outputs do not depend on
    (an error with strict)."""
    wanted = [(o, w) for o, w in zip(outputs, v) if o.requires_grad]
    grads = [None] * len(inputs)
    if wanted:
        grads = list(autograd.grad([o for o, _ in wanted], inputs, [w for _, w in wanted], retain_graph=True,
                                   allow_unused=True))
    for i, (grad, x) in enumerate(zip(grads, inputs)):
        if grad is None:
            if strict:
                raise RuntimeError(f"{what}: the output of func does not depend on input {i} (strict=True)")
            grads[i] = Tensor(backend.xp_of(x.array).zeros_like(x.array))
    return grads


def _block(out, x, rows):
    """One output's Jacobian with respect to input x, of shape out.shape + x.shape, from its rows."""
    if not rows:
        return Tensor(backend.xp_of(x.array).zeros((*out.shape, *x.shape), x.dtype))
    return stack(rows).reshape(*out.shape, *x.shape)
