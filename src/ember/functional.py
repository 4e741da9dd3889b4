"""ember.functional (also ember.nn.functional), imported as F: the stateless functions.

A layer in ember.nn holds parameters and calls one of these; the math lives in ember.ops.
"""

from .ops.activation import gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh
from .ops.attention import scaled_dot_product_attention
from .ops.dropout import dropout
from .ops.indexing import embedding
from .ops.linalg import linear
from .ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, l1_loss,
                       mse_loss, nll_loss, smooth_l1_loss)
from .ops.normalization import layer_norm, rms_norm
from .ops.shape import pad

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "embedding", "gelu",
           "huber_loss", "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax", "mse_loss", "nll_loss", "pad",
           "relu", "rms_norm", "scaled_dot_product_attention", "sigmoid", "silu", "smooth_l1_loss", "softmax",
           "softplus", "tanh"]
