"""Folding a batch normalization into the convolution or linear layer before it, for inference.

In evaluation mode BatchNorm is a fixed affine map per channel, y = γ (x - μ) / √(σ² + ε) + β, and so
is a convolution or Linear layer w·x + b before it. Their composition is one layer with

    w' = w · γ / √(σ² + ε)    (scaling each output channel)
    b' = (b - μ) · γ / √(σ² + ε) + β

which computes the same outputs with one op fewer.
"""

import copy

from ...autograd import no_grad
from ...creation import ones_like, zeros_like
from ..parameter import Parameter


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of conv that computes bn(conv(x)), both in evaluation mode (transpose: conv is a ConvTranspose)."""
    _check_eval(conv, bn)
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(conv.weight, conv.bias, bn.running_mean, bn.running_var, bn.eps,
                                                    bn.weight, bn.bias, transpose)
    return fused


@no_grad()
def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The (weight, bias) Parameters of a convolution followed by a batch norm of running mean bn_rm and
    variance bn_rv (None for an absent conv bias or affine bn weight and bias). The weight's output channels
    are its first axis, or its second with transpose."""
    conv_b = zeros_like(bn_rm, dtype=conv_w.dtype) if conv_b is None else conv_b
    scale, bias = _fold(conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b)
    shape = ([1, -1] if transpose else [-1, 1]) + [1] * (conv_w.ndim - 2)
    weight = (conv_w * scale.reshape(shape)).to(dtype=conv_w.dtype)
    return Parameter(weight, conv_w.requires_grad), Parameter(bias.to(dtype=conv_b.dtype), conv_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of linear that computes bn(linear(x)), both in evaluation mode."""
    _check_eval(linear, bn)
    if not (linear.out_features == bn.running_mean.shape[0] or bn.running_mean.shape[0] == 1):
        raise AssertionError(f"fuse_linear_bn_eval: the batch norm's {bn.running_mean.shape[0]} features must be the "
                             f"linear layer's {linear.out_features} out_features, or 1")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(linear.weight, linear.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused


@no_grad()
def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The (weight, bias) Parameters of a Linear layer followed by a batch norm (see fuse_conv_bn_weights)."""
    linear_b = zeros_like(bn_rm) if linear_b is None else linear_b
    scale, bias = _fold(linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b)
    return Parameter(linear_w * scale.unsqueeze(-1), linear_w.requires_grad), Parameter(bias, linear_b.requires_grad)


def _fold(bias, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """(γ / √(σ² + ε), the fused bias (b - μ) · γ / √(σ² + ε) + β), with 0 for an absent β, 1 for γ."""
    bn_w = ones_like(bn_rm) if bn_w is None else bn_w
    bn_b = zeros_like(bn_rm) if bn_b is None else bn_b
    scale = bn_w / (bn_rv + bn_eps).sqrt()
    return scale, (bias - bn_rm) * scale + bn_b


def _check_eval(layer, bn):
    if layer.training or bn.training:
        raise AssertionError(f"fusing {type(layer).__name__} and {type(bn).__name__}: both must be in evaluation "
                             "mode (call .eval()), the only mode in which a batch norm is a fixed affine map")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError(f"fusing {type(layer).__name__} and {type(bn).__name__}: the batch norm needs its "
                             "running statistics (track_running_stats=True)")
