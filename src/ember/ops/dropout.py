"""Dropout: during training, zero each unit with probability p, so that no unit can rely on another
being there (a cheap way to train an ensemble of thinned networks, and a regularizer)."""

import warnings

from .. import backend
from ..autograd import Function
from .activation import in_place, maybe_in_place


def _draw_keep(x, p, mask_shape):
    """A bool mask of mask_shape (x's shape when None), True with probability 1 - p, drawn from the
    default generator of x's device."""
    generator = backend.default_generator(backend.device_of(x))
    return generator.uniform(mask_shape or x.shape, backend.float32) >= p


class Dropout(Function):
    """Inverted dropout: keep each element with probability 1 - p and scale the kept ones by
    1 / (1 - p), so the expected output equals the input and evaluation needs no rescaling.

    The mask is drawn from the default generator of the input's device and saved: backward lets
    the gradient through exactly where forward let the input through, with the same scale. A
    mask_shape with size-1 axes drops whole slices (Dropout2d: (N, C, 1, 1) drops whole channels).
    """

    def forward(ctx, x, p, mask_shape=None):
        keep = _draw_keep(x, p, mask_shape)
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


_SELU_SATURATION = -1.7580993408473766  # SELU's limit for x → -∞: -scale·α


class AlphaDropout(Function):
    """Dropout for self-normalizing (SELU) networks. A dropped element is set to SELU's negative
    saturation α' = -scale·α ≈ -1.758 rather than to 0, and the result y is mapped to a·y + b with
    a = ((1 - p)(1 + p·α'²))^(-1/2) and b = -a·α'·p, which keep an input of mean 0 and variance 1 at
    mean 0 and variance 1. d/dx = a where the element was kept, 0 where it was dropped. p < 1.
    """

    def forward(ctx, x, p, mask_shape=None):
        keep = _draw_keep(x, p, mask_shape)
        ctx.save_for_backward(keep)
        ctx.a = ((1 - p) * (1 + p * _SELU_SATURATION ** 2)) ** -0.5
        b = -ctx.a * _SELU_SATURATION * p
        return ctx.xp.where(keep, x * ctx.a + b, ctx.a * _SELU_SATURATION + b)

    def backward(ctx, grad):
        keep, = ctx.saved
        grad_x = grad * keep
        grad_x *= ctx.a
        return grad_x


# ---------------------------------------------------------------------------------------------
# The functions users call.

def check_probability(p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(name, x, p, training, inplace, channels=None, op=Dropout):
    """x through op (Dropout or AlphaDropout), in training with p > 0; otherwise x itself. channels None
    drops elements; True drops the channels of a batch (N, C, *), False those of one example (C, *) (the
    mask is checked and drawn only where it drops, as PyTorch: p = 1 zeroes any input). inplace as for the
    activations (maybe_in_place)."""
    check_probability(p)
    if backend.kind_of(x.dtype) != "f":
        raise TypeError(f"{name} needs a floating point tensor, got {x.dtype}")
    if not training or p == 0 or x.numel() == 0:
        return x
    if p == 1:
        return maybe_in_place(name, x, lambda t: t * 0.0, inplace)
    mask_shape = None if channels is None else _channel_mask(name, x, channels)
    return maybe_in_place(name, x, lambda t: op.apply(t, p=float(p), mask_shape=mask_shape), inplace)


def _channel_mask(name, x, batched):
    """The mask shape that drops whole channels: (N, C, 1, ...) for a batch, (C, 1, ...) without one."""
    if x.ndim < 2:
        raise RuntimeError(f"{name}: feature dropout requires at least 2 dimensions in the input, got "
                           f"{tuple(x.shape)}")
    channels = 2 if batched else 1
    return x.shape[:channels] + (1,) * (x.ndim - channels)


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002 (PyTorch's argument names)
    """x with each element zeroed with probability p and the rest scaled by 1/(1 - p) (training);
    x itself when not training or p = 0."""
    return _dropout("dropout", input, p, training, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Channel dropout for sequences (N, C, L) or (C, L): each channel zeroed as a whole with
    probability p, the rest scaled by 1/(1 - p)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: expected 2D or 3D input, but received {input.ndim}D input "
                           f"{tuple(input.shape)}; dropout1d drops channels of (N, C, L) or (C, L)")
    return _dropout("dropout1d", input, p, training, inplace, input.ndim == 3)


def _warn_unusual_input(name, x, dims):
    if x.ndim not in dims:
        warnings.warn(f"{name}: received a {x.ndim}-D input, which is deprecated in PyTorch; {name} drops "
                      f"channels of {dims[0]}D or {dims[1]}D inputs (use dropout otherwise)", stacklevel=3)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Channel dropout for feature maps: each channel of each example, (N, C, H, W) or (N, C, L), is
    zeroed as a whole with probability p and the rest scaled by 1/(1 - p). Neighbouring pixels of a
    map are so alike that dropping single pixels hardly regularizes; dropping a whole feature does.
    (As in PyTorch, a 3-D input is read as (N, C, L), and other inputs warn.)"""
    _warn_unusual_input("dropout2d", input, (3, 4))
    return _dropout("dropout2d", input, p, training, inplace, True)


def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Channel dropout for volumes (N, C, D, H, W) or (C, D, H, W), as dropout2d."""
    _warn_unusual_input("dropout3d", input, (4, 5))
    return _dropout("dropout3d", input, p, training, inplace, input.ndim == 5)


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Dropout that keeps the mean and variance of SELU activations (AlphaDropout, above)."""
    return _dropout("alpha_dropout", input, p, training, inplace, op=AlphaDropout)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Alpha dropout of whole channels, input (N, C, *)."""
    return _dropout("feature_alpha_dropout", input, p, training, inplace, True, op=AlphaDropout)


# ---------------------------------------------------------------------------------------------
# torch.* forms that ember.functional lacks, with PyTorch's tensor-level arguments (input, p, train).

def feature_dropout(input, p, train):  # noqa: A002
    """Channel dropout of input (N, C, *): dropout2d for any number of dimensions, without warnings."""
    return _dropout("feature_dropout", input, p, train, False, True)


def dropout_(input, p, train):  # noqa: A002
    """dropout in place."""
    return _in_place_dropout("dropout_", input, p, train, None, Dropout)


def feature_dropout_(input, p, train):  # noqa: A002
    """feature_dropout in place."""
    return _in_place_dropout("feature_dropout_", input, p, train, True, Dropout)


def alpha_dropout_(input, p, train):  # noqa: A002
    """alpha_dropout in place."""
    return _in_place_dropout("alpha_dropout_", input, p, train, None, AlphaDropout)


def feature_alpha_dropout_(input, p, train):  # noqa: A002
    """feature_alpha_dropout in place."""
    return _in_place_dropout("feature_alpha_dropout_", input, p, train, True, AlphaDropout)


def _in_place_dropout(name, x, p, train, by_channel, op):
    """input itself, changed in place by op (by whole channels when by_channel)."""
    return in_place(name, x, lambda t: _dropout(name, t, p, train, False, by_channel, op))
