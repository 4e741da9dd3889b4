"""Matrix products: where almost all of a network's arithmetic happens (on BLAS, or cuBLAS)."""

from ..autograd import Function
from .elementwise import promote
from .shape import permute, reshape


class MatMul(Function):
    """a @ b with NumPy's rules: 1-D operands are vectors, leading axes are batch axes that broadcast.

    For C = A B: dL/dA = dL/dC Bᵀ and dL/dB = Aᵀ dL/dC.
    """

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.matmul(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        xp = ctx.xp
        # Treat a vector a as a 1×n matrix and a vector b as an n×1 one, as forward did.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if b.ndim == 1:
            grad = grad[..., None]
        if a.ndim == 1:
            grad = grad[..., None, :]
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = xp.matmul(grad, xp.swapaxes(b2, -1, -2))
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
        if ctx.needs_input_grad[1]:
            if b2.ndim == 2 and a2.ndim > 2:
                # A batch of inputs times one weight matrix: one big product instead of a
                # batch of products that would then be summed.
                grad_b = xp.matmul(a2.reshape(-1, a2.shape[-1]).T, grad.reshape(-1, grad.shape[-1]))
            else:
                grad_b = xp.matmul(xp.swapaxes(a2, -1, -2), grad)
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
        return grad_a, grad_b


class Linear(Function):
    """y = x Wᵀ + b, the fully connected layer: every output is a neuron's weighted sum Σ wᵢxᵢ + b.

    x is (..., in), W is (out, in), b is (out,) or None. The leading axes are folded into one so that each
    direction is a single matrix product: dL/dx = dL/dy W, dL/dW = dL/dyᵀ x, dL/db = Σ dL/dy.
    """

    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        x2 = x.reshape(-1, x.shape[-1])
        if x2.shape[0] < weight.shape[0] < x2.shape[1] // 4:
            # Few, long rows into more neurons (a CNN's first Linear: 64 × 12544 -> 128). OpenBLAS's
            # threads split such a product well only along its first side, so the longer side goes
            # first: (W xᵀ)ᵀ, the same numbers, several times faster on a busy machine.
            out = (weight @ x2.T).T
        else:
            out = x2 @ weight.T
        if bias is not None:
            out += bias
        return out.reshape(x.shape[:-1] + (weight.shape[0],))

    def backward(ctx, grad):
        x, weight = ctx.saved
        grad2 = grad.reshape(-1, grad.shape[-1])
        x2 = x.reshape(-1, x.shape[-1])
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            # In x's memory order: x flattened from a conv layer's batch-innermost maps is a transposed
            # view, and its gradient, reshaped back, then reaches those layers in their own layout.
            grad_x = (weight.T @ grad2.T).T if x2.T.flags.c_contiguous else grad2 @ weight
            grad_x = grad_x.reshape(x.shape)
        if ctx.needs_input_grad[1]:
            grad_w = grad2.T @ x2
        return grad_x, grad_w, (grad2.sum(axis=0) if ctx.needs_input_grad[2] else None)


def matmul(a, b):
    a, b = promote(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: both arguments need at least one dimension; use * for a scalar")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied ({k_a} != {k_b})")
    return MatMul.apply(a, b)


def check_features(x, in_features, who):
    """The last axis of x must hold in_features numbers; who (e.g. "Linear 'encoder.0'") names the caller."""
    if x.ndim == 0 or x.shape[-1] != in_features:
        raise ValueError(f"{who}: expected input (..., {in_features}), got {tuple(x.shape)}")


def linear(x, weight, bias=None):
    """x Wᵀ + b: x (..., in), weight (out, in), bias (out,) or None."""
    check_features(x, weight.shape[-1], "linear")
    return Linear.apply(x, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1ᵀ W_k x2 + b_k: each output a quadratic form in the two inputs. input1 (*, in1), input2
    (*, in2) with the same leading axes, weight (out, in1, in2), bias (out,) or None -> (*, out).
    Computed as one matrix product, x1 times W laid out as (in1, out·in2), then a sum against x2."""
    name = "bilinear"
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"{name}: input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"{name}: input batch dimensions do not match: got {tuple(input1.shape)} and "
                           f"{tuple(input2.shape)}")
    if weight.ndim != 3:
        raise RuntimeError(f"{name}: expected a 3-D weight (out, in1, in2), got shape {tuple(weight.shape)}")
    out, in1, in2 = weight.shape
    for what, size, expected in (("input1", input1.shape[-1], in1), ("input2", input2.shape[-1], in2)):
        if size != expected:
            raise RuntimeError(f"{name}: {what} size does not match weight size: got {size} but expected {expected}")
    if bias is not None and tuple(bias.shape) != (out,):
        raise RuntimeError(f"{name}: expected bias of shape ({out},), got {tuple(bias.shape)}")
    dtypes = {t.dtype for t in (input1, input2, weight, bias) if t is not None}
    if len(dtypes) > 1:
        raise RuntimeError(f"{name}: all tensors must have the same dtype, got {sorted(str(d) for d in dtypes)}")
    x1_w = matmul(input1, reshape(permute(weight, 1, 0, 2), (in1, out * in2)))
    y = (reshape(x1_w, (*input1.shape[:-1], out, in2)) * input2.unsqueeze(-2)).sum(-1)
    return y if bias is None else y + bias
