"""Dropout: during training, zero each unit with probability p, so that no unit can rely on another
being there (a cheap way to train an ensemble of thinned networks, and a regularizer)."""

from .. import backend
from ..autograd import Function


class Dropout(Function):
    """Inverted dropout: keep each element with probability 1 - p and scale the kept ones by
    1 / (1 - p), so the expected output equals the input and evaluation needs no rescaling.

    The mask is drawn from the default generator of the input's device and saved: backward lets
    the gradient through exactly where forward let the input through, with the same scale. A
    mask_shape with size-1 axes drops whole slices (Dropout2d: (N, C, 1, 1) drops whole channels).
    """

    def forward(ctx, x, p, mask_shape=None):
        generator = backend.default_generator(backend.device_of(x))
        keep = generator.uniform(mask_shape or x.shape, backend.float32) >= p  # True with probability 1 - p
        ctx.save_for_backward(keep)
        ctx.scale = 1.0 / (1.0 - p) if p < 1 else 0.0
        out = x * keep
        out *= ctx.scale
        return out

    def backward(ctx, grad):
        keep, = ctx.saved
        grad_x = grad * keep
        grad_x *= ctx.scale
        return grad_x


def check_probability(p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(name, x, p, training, mask_shape=None):
    check_probability(p)
    if x.dtype.kind != "f":
        raise TypeError(f"{name} needs a floating point tensor, got {x.dtype}")
    if not training or p == 0:
        return x
    return Dropout.apply(x, p=float(p), mask_shape=mask_shape)


def dropout(x, p=0.5, training=True, inplace=False):
    """x with each element zeroed with probability p and the rest scaled by 1/(1 - p) (training);
    x itself when not training or p = 0. inplace is accepted for PyTorch code; ember always makes a
    new tensor."""
    return _dropout("dropout", x, p, training)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Channel dropout for feature maps: each channel of each example, (N, C, H, W) or (N, C, L), is
    zeroed as a whole with probability p and the rest scaled by 1/(1 - p). Neighbouring pixels of a
    map are so alike that dropping single pixels hardly regularizes; dropping a whole feature does."""
    if input.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected input (N, C, H, W) or (N, C, L), got {tuple(input.shape)}")
    return _dropout("dropout2d", input, p, training, mask_shape=input.shape[:2] + (1,) * (input.ndim - 2))
