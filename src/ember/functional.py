"""ember.functional (also ember.nn.functional), imported as F: the stateless functions.

A layer in ember.nn holds parameters and calls one of these; the math lives in ember.ops.
"""

from .ops.activation import (celu, celu_, elu, elu_, gelu, glu, gumbel_softmax, hardshrink, hardsigmoid, hardswish,
                             hardtanh, hardtanh_, leaky_relu, leaky_relu_, log_softmax, logsigmoid, mish, prelu, relu,
                             relu6, relu_, rrelu, rrelu_, selu, selu_, sigmoid, silu, softmax, softmin, softplus,
                             softshrink, softsign, tanh, tanhshrink, threshold, threshold_)
from .ops.attention import scaled_dot_product_attention
from .ops.conv import (conv1d, conv2d, conv3d, conv_tbc, conv_transpose1d, conv_transpose2d, conv_transpose3d, fold,
                       unfold)
from .ops.ctc import ctc_loss
from .ops.distance import cosine_similarity, normalize, pairwise_distance, pdist
from .ops.distribution_loss import gaussian_nll_loss, kl_div, poisson_nll_loss
from .ops.dropout import alpha_dropout, dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout
from .ops.embedding import embedding, embedding_bag, one_hot
from .ops.linalg import bilinear, linear
from .ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, l1_loss,
                       linear_cross_entropy, mse_loss, nll_loss, smooth_l1_loss)
from .ops.margin_loss import (cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, multi_margin_loss,
                              multilabel_margin_loss, multilabel_soft_margin_loss, soft_margin_loss,
                              triplet_margin_loss, triplet_margin_with_distance_loss)
from .ops.normalization import batch_norm, group_norm, instance_norm, layer_norm, local_response_norm, rms_norm
from .ops.padding import pad
from .ops.pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d, adaptive_max_pool1d,
                          adaptive_max_pool1d_with_indices, adaptive_max_pool2d, adaptive_max_pool2d_with_indices,
                          adaptive_max_pool3d, adaptive_max_pool3d_with_indices, avg_pool1d, avg_pool2d, avg_pool3d,
                          fractional_max_pool2d, fractional_max_pool2d_with_indices, fractional_max_pool3d,
                          fractional_max_pool3d_with_indices, lp_pool1d, lp_pool2d, lp_pool3d, max_pool1d,
                          max_pool1d_with_indices, max_pool2d, max_pool2d_with_indices, max_pool3d,
                          max_pool3d_with_indices, max_unpool1d, max_unpool2d, max_unpool3d)
from .ops.resample import affine_grid, grid_sample, interpolate, upsample, upsample_bilinear, upsample_nearest
from .ops.shuffle import channel_shuffle, native_channel_shuffle, pixel_shuffle, pixel_unshuffle

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "affine_grid", "alpha_dropout", "avg_pool1d",
           "avg_pool2d", "avg_pool3d", "batch_norm", "bilinear", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "celu", "celu_", "channel_shuffle", "conv1d", "conv2d", "conv3d",
           "conv_tbc", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss",
           "cosine_similarity", "cross_entropy", "ctc_loss", "dropout", "dropout1d", "dropout2d", "dropout3d", "elu",
           "elu_", "embedding", "embedding_bag", "feature_alpha_dropout", "fold", "fractional_max_pool2d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d", "fractional_max_pool3d_with_indices",
           "gaussian_nll_loss", "gelu", "glu", "grid_sample", "group_norm", "gumbel_softmax", "hardshrink",
           "hardsigmoid", "hardswish", "hardtanh", "hardtanh_", "hinge_embedding_loss", "huber_loss", "instance_norm",
           "interpolate", "kl_div", "l1_loss", "layer_norm", "leaky_relu", "leaky_relu_", "linear",
           "linear_cross_entropy", "local_response_norm", "log_softmax", "logsigmoid", "lp_pool1d", "lp_pool2d",
           "lp_pool3d", "margin_ranking_loss", "max_pool1d", "max_pool1d_with_indices", "max_pool2d",
           "max_pool2d_with_indices", "max_pool3d", "max_pool3d_with_indices", "max_unpool1d", "max_unpool2d",
           "max_unpool3d", "mish", "mse_loss", "multi_margin_loss", "multilabel_margin_loss",
           "multilabel_soft_margin_loss", "native_channel_shuffle", "nll_loss", "normalize", "one_hot", "pad",
           "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss", "prelu", "relu",
           "relu6", "relu_", "rms_norm", "rrelu", "rrelu_", "scaled_dot_product_attention", "selu", "selu_", "sigmoid",
           "silu", "smooth_l1_loss", "soft_margin_loss", "softmax", "softmin", "softplus", "softshrink", "softsign",
           "tanh", "tanhshrink", "threshold", "threshold_", "triplet_margin_loss", "triplet_margin_with_distance_loss",
           "unfold", "upsample", "upsample_bilinear", "upsample_nearest"]


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.nn.functional", name)
