"""ember.functional (also ember.nn.functional), imported as F: the stateless functions.

A layer in ember.nn holds parameters and calls one of these; the math lives in ember.ops.
"""

from .ops.activation import gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh
from .ops.attention import scaled_dot_product_attention
from .ops.dropout import dropout
from .ops.indexing import embedding
from .ops.linalg import linear
from .ops.normalization import layer_norm, rms_norm
from .ops.shape import pad

__all__ = ["dropout", "embedding", "gelu", "layer_norm", "leaky_relu", "linear", "log_softmax", "pad", "relu",
           "rms_norm", "scaled_dot_product_attention", "sigmoid", "silu", "softmax", "softplus", "tanh"]
