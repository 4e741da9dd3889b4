"""ember.functional (also ember.nn.functional), imported as F: the stateless functions.

A layer in ember.nn holds parameters and calls one of these; the math lives in ember.ops.
"""

from .ops.activation import gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh
from .ops.attention import scaled_dot_product_attention
from .ops.conv import conv1d, conv2d, conv_transpose2d
from .ops.dropout import dropout, dropout2d
from .ops.indexing import embedding
from .ops.linalg import linear
from .ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, l1_loss,
                       mse_loss, nll_loss, smooth_l1_loss)
from .ops.normalization import batch_norm, group_norm, layer_norm, rms_norm
from .ops.pooling import adaptive_avg_pool2d, avg_pool2d, interpolate, max_pool1d, max_pool2d
from .ops.shape import pad

__all__ = ["adaptive_avg_pool2d", "avg_pool2d", "batch_norm", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "conv1d", "conv2d", "conv_transpose2d", "cross_entropy", "dropout",
           "dropout2d", "embedding", "gelu", "group_norm", "huber_loss", "interpolate", "l1_loss", "layer_norm",
           "leaky_relu", "linear", "log_softmax", "max_pool1d", "max_pool2d", "mse_loss", "nll_loss", "pad", "relu",
           "rms_norm", "scaled_dot_product_attention", "sigmoid", "silu", "smooth_l1_loss", "softmax", "softplus",
           "tanh"]


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.nn.functional", name)
