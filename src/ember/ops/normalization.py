"""Normalization: rescale activations to a standard spread, so that deep stacks train stably."""

import math

import numpy as np

from ..autograd import Function
from .reduce import column_sums, row_sums


# ---------------------------------------------------------------------------------------------
# Layer normalization (Transformers): statistics over each example's own features.

class LayerNorm(Function):
    """(x - mean) / √(var + eps) · w + b, the statistics taken over the last axes of each example.

    Unlike batch normalization it needs no batch and behaves the same in training and evaluation,
    which is why Transformers use it. Backward, with x̂ the normalized input and g = dL/dx̂ = dL/dy · w:
    dx = (g - mean(g) - x̂ · mean(g · x̂)) / √(var + eps); dw = Σ dL/dy · x̂; db = Σ dL/dy.
    The work is done on x as a matrix of rows (one per example) of the n normalized numbers.
    """

    centered = True  # RMSNorm, below, is this without subtracting the mean

    def forward(ctx, x, *affine, normalized_shape, eps, has_weight):
        xp = ctx.xp
        ctx.input_shape, ctx.normalized_shape = x.shape, normalized_shape
        ctx.has_weight, ctx.n_affine = has_weight, len(affine)
        n = math.prod(normalized_shape)
        x = x.reshape(-1, n)
        if ctx.centered:
            x = x - (row_sums(xp, x) * (1.0 / n))[:, None]
        inv_std = 1.0 / xp.sqrt(row_sums(xp, x * x) * (1.0 / n) + eps)[:, None]
        normalized = x * inv_std
        weight = affine[0].reshape(n) if has_weight else None
        ctx.save_for_backward(normalized, inv_std, *affine[:1] if has_weight else ())
        out = normalized if weight is None else normalized * weight
        if len(affine) > has_weight:
            out = out + affine[-1].reshape(n)
        return out.reshape(ctx.input_shape)

    def backward(ctx, grad):
        xp = ctx.xp
        normalized, inv_std = ctx.saved[:2]
        rows, n = normalized.shape
        grad = grad.reshape(rows, n)
        grads = [None]
        if ctx.needs_input_grad[0]:
            g = grad * ctx.saved[2].reshape(n) if ctx.has_weight else grad
            correction = normalized * (row_sums(xp, g * normalized) * (1.0 / n))[:, None]
            if ctx.centered:
                correction += (row_sums(xp, g) * (1.0 / n))[:, None]
            grad_x = g - correction
            grad_x *= inv_std
            grads[0] = grad_x.reshape(ctx.input_shape)
        shape = ctx.normalized_shape
        if ctx.has_weight:
            grads.append(column_sums(xp, grad * normalized).reshape(shape) if ctx.needs_input_grad[1] else None)
        if ctx.n_affine > ctx.has_weight:
            grads.append(column_sums(xp, grad).reshape(shape) if ctx.needs_input_grad[-1] else None)
        return tuple(grads)


class RMSNorm(LayerNorm):
    """x / √(mean(x²) + eps) · w: layer normalization without centering (cheaper, as good in practice)."""

    centered = False


def check_normalized_shape(x, normalized_shape, who):
    """x must end in normalized_shape (an int or a tuple); who (e.g. "LayerNorm 'ln1'") names the caller.
    Returns normalized_shape as a tuple."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not all(isinstance(n, int) for n in shape):
        raise TypeError(f"{who}: normalized_shape must be an int or a sequence of ints, got {normalized_shape!r}")
    if x.ndim < len(shape) or tuple(x.shape[x.ndim - len(shape):]) != shape:
        raise ValueError(f"{who}: expected input (*, {', '.join(map(str, shape))}), got {tuple(x.shape)}")
    return shape


def _checked_shape(who, x, normalized_shape, affine):
    """normalized_shape as a tuple, after checking that x and the affine tensors fit it."""
    shape = check_normalized_shape(x, normalized_shape, who)
    for what, t in affine.items():
        if t is not None and tuple(t.shape) != shape:
            raise ValueError(f"{who}: {what} must have shape {shape}, got {tuple(t.shape)}")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002 (PyTorch's names)
    """Normalize over the last len(normalized_shape) axes, then · weight + bias (each optional)."""
    shape = _checked_shape("layer_norm", input, normalized_shape, {"weight": weight, "bias": bias})
    affine = [t for t in (weight, bias) if t is not None]
    return LayerNorm.apply(input, *affine, normalized_shape=shape, eps=float(eps), has_weight=weight is not None)


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """x / √(mean(x²) + eps) · weight over the last axes; eps None means the dtype's machine epsilon."""
    shape = _checked_shape("rms_norm", input, normalized_shape, {"weight": weight})
    if eps is None:
        eps = np.finfo(input.dtype).eps
    return RMSNorm.apply(input, *([] if weight is None else [weight]), normalized_shape=shape, eps=float(eps),
                         has_weight=weight is not None)
