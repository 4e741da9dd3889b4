"""Distances and similarities between vectors: p-norms, unit vectors, cosine similarity, pairwise
distances. A vector is one line of a tensor along a dimension (the last, or dim)."""

import math

import numpy as np

from ..autograd import Function
from .elementwise import clamp
from .shape import broadcast_shapes, expand, normalize_dim, numpy_names


class PNorm(Function):
    """‖x‖_p = (Σ |x|^p)^(1/p) along an axis; p = ±inf is the largest (smallest) |x|, p = 0 the number of
    non-zeros. d/dx = sign(x)·|x|^(p-1) / ‖x‖^(p-1) (x / ‖x‖ for p = 2), taken as 0 where ‖x‖ = 0, as
    PyTorch does, and sign(NaN) as 0; for p = ±inf the gradient goes to the largest (smallest) |x|, shared on
    ties; for p = 0 it is 0.
    """

    def forward(ctx, x, p, axis, keepdims):
        xp = ctx.xp
        magnitude = xp.abs(x)
        if p == 0:
            out = (x != 0).sum(axis=axis, keepdims=True).astype(x.dtype)
        elif p == math.inf:  # of no numbers: 0
            out = magnitude.max(axis=axis, keepdims=True) if magnitude.size else magnitude.sum(axis=axis, keepdims=True)
        elif p == -math.inf:
            out = magnitude.min(axis=axis, keepdims=True)
        else:
            out = (magnitude ** p).sum(axis=axis, keepdims=True) ** (1 / p)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axis, ctx.keepdims = p, axis, keepdims
        return out if keepdims else out.squeeze(axis)

    def backward(ctx, grad):
        xp = ctx.xp
        x, out = ctx.saved
        if not ctx.keepdims:
            grad = xp.expand_dims(grad, ctx.axis)
        if ctx.p == 0:
            return xp.zeros_like(x)
        sign = xp.where(xp.isnan(x), 0, xp.sign(x))  # 0 at NaN, as PyTorch's sgn
        if math.isinf(ctx.p):
            winners = xp.abs(x) == out  # none where the norm is NaN: the gradient is 0 there
            return grad * sign * (winners / xp.maximum(winners.sum(axis=ctx.axis, keepdims=True), 1))
        safe = xp.where(out == 0, 1, out)
        slope = sign * xp.abs(x) ** (ctx.p - 1) / safe ** (ctx.p - 1)
        return grad * xp.where(out == 0, 0, slope)


# ---------------------------------------------------------------------------------------------
# The functions users call.

def _floating(name, *tensors):
    for t in tensors:
        if t.dtype.kind != "f":
            raise TypeError(f"{name} needs floating point tensors, got {t.dtype}")


def _norm(x, p, dim, keepdim=False):
    return PNorm.apply(x, p=float(p), axis=normalize_dim(dim, x.ndim), keepdims=keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):  # noqa: A002 (PyTorch's argument names)
    """x / max(‖x‖_p, eps) along dim: every vector scaled to length 1 (a zero vector stays 0).
    out, when given, receives the result (it must not need a gradient)."""
    _floating("normalize", input)
    result = input / clamp(_norm(input, p, dim, keepdim=True), min=eps)
    return result if out is None else out.copy_(result)


def _broadcast(x1, x2):
    """x1 and x2 expanded to their common shape, so that a dimension means the same in both."""
    shape = broadcast_shapes(x1.shape, x2.shape)
    return expand(x1, shape), expand(x2, shape)


@numpy_names
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps)) along dim: the cosine of the angle between the vectors,
    1 for the same direction, 0 at right angles. x1 and x2 broadcast; dim is removed."""
    _floating("cosine_similarity", x1, x2)
    x1, x2 = _broadcast(x1, x2)
    lengths = clamp(_norm(x1, 2, dim), min=eps) * clamp(_norm(x2, 2, dim), min=eps)
    return (x1 * x2).sum(dim) / lengths


@numpy_names
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 - x2 + eps‖_p along the last dimension: the distance between each pair of vectors (eps keeps
    the gradient finite for equal ones). x1 and x2 broadcast."""
    _floating("pairwise_distance", x1, x2)
    difference = x1 - x2 + eps
    if not difference.ndim:  # one coordinate: its p-norm (whose gradient at ±inf is inf/inf, NaN, as PyTorch's)
        return _norm(difference.reshape(1), p, 0)
    return _norm(difference, p, -1, keepdim)


def pdist(input, p=2):  # noqa: A002
    """The p-norm distance between every two rows of input (N, M): a vector of the N(N - 1)/2 distances
    ‖x_i - x_j‖_p for i < j, in row-major order."""
    _floating("pdist", input)
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got {input.ndim}D input of shape {tuple(input.shape)}")
    if p < 0:
        raise RuntimeError(f"pdist only supports non-negative p values, got {p}")
    first, second = np.triu_indices(input.shape[0], 1)
    return _norm(input[first] - input[second], p, 1)
