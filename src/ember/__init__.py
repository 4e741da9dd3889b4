"""ember: a small define-by-run deep learning framework with a PyTorch-shaped API.

    import ember
    x = ember.randn(3, requires_grad=True)
    (x * x).sum().backward()      # x.grad is now 2x
"""

__version__ = "0.1.0"  # the one place of the version: pyproject.toml reads it, `ember --version` prints it

import math as _math
import sys as _sys

import numpy as _np

from . import autograd, backend, cuda, data, dtypes, functional, io, nn, ops, optim, random  # noqa: F401
from . import testing, utils  # noqa: F401
from . import autograd_function, autograd_functional, linalg  # noqa: F401
from . import accelerator, amp, backends, compiler, cpu, distributed, distributions, onnx, serialization  # noqa: F401
from . import settings  # noqa: F401

backend.keep_freed_memory()  # each step reuses the big arrays the last one freed: see ember.backend

from .amp import (GradScaler, autocast, get_autocast_dtype, is_autocast_available, is_autocast_cache_enabled,
                  is_autocast_enabled, set_autocast_cache_enabled, set_autocast_dtype, set_autocast_enabled)
from .autograd import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd import set_detect_anomaly as set_anomaly_enabled
from .backend import (Generator, are_deterministic_algorithms_enabled, get_default_device, get_default_dtype,
                      get_deterministic_debug_mode, is_deterministic_algorithms_warn_only_enabled, manual_seed,
                      set_default_device, set_default_dtype, set_deterministic_debug_mode, use_deterministic_algorithms)
from .backend import Device as device
from .creation import (arange, as_tensor, asarray, bartlett_window, blackman_window, empty, empty_like, empty_permuted,
                       empty_strided, eye, from_file, from_numpy, frombuffer, full, full_like, hamming_window,
                       hann_window, kaiser_window, linspace, logspace, normal, ones, ones_like, rand, rand_like,
                       randint, randint_like, randn, randn_like, randperm, range, scalar_tensor, tensor, tril_indices,
                       triu_indices, vander, zeros, zeros_like)
from .compiler import compile
from .settings import (get_float32_matmul_precision, get_num_interop_threads, get_num_threads, is_warn_always_enabled,
                       set_float32_matmul_precision, set_num_interop_threads, set_num_threads, set_warn_always)
from .dtypes import can_cast, finfo, iinfo, promote_types, result_type
from .ops.sampling import bernoulli, binomial, multinomial, poisson
from .random import default_generator, fork_rng, get_rng_state, initial_seed, seed, set_rng_state, thread_safe_generator
from .ops.activation import (celu, celu_, hardshrink, prelu, relu, relu_, rrelu, rrelu_, selu, selu_, sigmoid, tanh,
                             threshold, threshold_)
from .ops.activation import torch_log_softmax as log_softmax, torch_softmax as softmax
from .ops.elementwise import (add, addcdiv, addcmul, clamp, clamp_max, clamp_min, clip, div, divide, float_power,
                              floor_divide, fmax, fmin, fmod, lerp, maximum, minimum, mul, multiply, neg, negative,
                              positive, pow, remainder, rsub, sub, subtract, true_divide)
from .ops.conv import conv1d, conv2d, conv3d, conv_tbc, conv_transpose1d, conv_transpose2d, conv_transpose3d
from .ops.copies import (alias_copy, detach_copy, diagonal_copy, expand_copy, narrow_copy, permute_copy,
                         select_copy, slice_copy, split_copy, split_with_sizes_copy, squeeze_copy, t_copy,
                         transpose_copy, unbind_copy, unfold_copy, unsqueeze_copy, view_copy)
from .ops.diagonal import diag, diag_embed, diagflat, diagonal, diagonal_scatter, tril, triu
from .ops.indexing import (argwhere, gather, index_put, index_select, masked_fill, masked_scatter, masked_select,
                           narrow, nonzero, nonzero_static, put, select, select_scatter, slice_scatter, take,
                           take_along_dim, unravel_index, where)
from .ops.indexing import as_fill_value as _as_fill_value
from .ops.join import (block_diag, cartesian_prod, column_stack, combinations, dsplit, dstack, hsplit, hstack,
                       meshgrid, repeat_interleave, row_stack, split_with_sizes, tensor_split, tile, unsafe_chunk,
                       unsafe_split, unsafe_split_with_sizes, vsplit, vstack)
from .ops.layout import (channels_last, channels_last_3d, clone, contiguous_format, layout, memory_format,
                         preserve_format, strided)
from .ops.decompositions import cholesky, householder_product as orgqr, lu_unpack, qr, svd, torch_lu as lu
from .ops.einsum import einsum
from .ops.linalg import (addbmm, addmm, addmv, addr, adjoint, baddbmm, bilinear, bmm, cdist, chain_matmul, cross, dot,
                         ger, inner, kron, matmul, mm, mv, outer, tensordot, trace, vdot)
from .ops.solvers import (cholesky_inverse, cholesky_solve, det, inverse, logdet, matrix_exp, matrix_power, pinverse,
                          slogdet, torch_lu_solve as lu_solve, triangular_solve)
from .linalg import frobenius_norm, nuclear_norm
from .ops.logical import (bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,
                          bitwise_xor, eq, gcd, ge, greater, greater_equal, gt, isfinite, isinf, isnan, isneginf,
                          isposinf, isreal, lcm, le, less, less_equal, logical_and, logical_not, logical_or,
                          logical_xor, lt, ne, not_equal, signbit)
from .ops.pooling import (adaptive_avg_pool1d, avg_pool1d, max_pool1d, max_pool1d_with_indices, max_pool2d,
                          max_pool3d)
from .ops.pooling import adaptive_max_pool1d_with_indices as adaptive_max_pool1d  # torch's gives the indices too
from .ops.pointwise import (abs, absolute, ceil, copysign, exp, exp2, expm1, fix, floor, frac, frexp, heaviside,
                            ldexp, log, log10, log1p, log2, logaddexp, logaddexp2, nan_to_num, nextafter,
                            reciprocal, round, rsqrt, sgn, sign, sqrt, square, trunc)
from .ops.reduce import (all, allclose, amax, amin, aminmax, any, argmax, argmin, count_nonzero, dist, equal,
                         hash_tensor, isclose, logsumexp, max, mean, min, nanmean, nansum, norm, prod, renorm, std,
                         std_mean, sum, var, var_mean)
from .ops.scatter import index_add, index_copy, index_fill, index_reduce, scatter, scatter_add, scatter_reduce
from .ops.scan import (cummax, cummin, cumprod, cumsum, cumulative_trapezoid, diff, gradient, logcumsumexp,
                       trapezoid, trapz)
from .ops.shape import (atleast_1d, atleast_2d, atleast_3d, broadcast_shapes, broadcast_tensors, broadcast_to, cat,
                        chunk, expand, flatten, flip, fliplr, flipud, moveaxis, movedim, permute, ravel, reshape,
                        roll, rot90, split, squeeze, stack, swapaxes, swapdims, t, transpose, unbind, unflatten,
                        unsqueeze)
from .ops.sorting import (argsort, bucketize, isin, kthvalue, msort, searchsorted, sort, topk, unique,
                          unique_consecutive)
from .ops.special import (digamma, erf, erfc, erfinv, i0, igamma, igammac, lgamma, logit, mvlgamma, polygamma, sinc,
                          xlogy)
from .ops.statistics import (bincount, corrcoef, cov, histc, histogram, histogramdd, median, mode, nanmedian,
                             nanquantile, quantile)
from .ops.torch_layers import batch_norm, embedding, instance_norm
from .ops.torch_losses import (binary_cross_entropy_with_logits, cosine_embedding_loss, ctc_loss,
                               hinge_embedding_loss, kl_div, margin_ranking_loss, poisson_nll_loss,
                               triplet_margin_loss)
from .ops.trig import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan,
                       atan2, atanh, cos, cosh, deg2rad, hypot, rad2deg, sin, sinh, tan)
from .printing import set_printoptions
from .ops.distance import cosine_similarity, pairwise_distance, pdist
from .ops.dropout import (alpha_dropout, alpha_dropout_, dropout, dropout_, feature_alpha_dropout,
                          feature_alpha_dropout_, feature_dropout, feature_dropout_)
from .ops.embedding import embedding_renorm_
from .ops.normalization import group_norm, layer_norm, rms_norm
from .ops.shuffle import channel_shuffle, native_channel_shuffle, pixel_shuffle, pixel_unshuffle
from .tensor import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor,
                     ShortTensor, Size, Tensor)
from .io import load, save
from .train.summary import summary  # the layer tree, shapes, parameters and multiply-adds, as torchinfo's
from .torch_hook import as_torch

# torch.autograd's names that work on tensors sit above the engine (autograd.py imports nothing above it);
# ember.autograd shows them where PyTorch programs look for them.
autograd.gradcheck = testing.gradcheck
autograd.function = _sys.modules["ember.autograd.function"] = autograd_function
autograd.functional = _sys.modules["ember.autograd.functional"] = autograd_functional
autograd.__path__ = []  # a package with those two submodules, to the import system (for torch.autograd.function too)

# torch.exp_(x) and the other in-place functions are the Tensor methods.
abs_, acos_, acosh_, arccos_ = Tensor.abs_, Tensor.acos_, Tensor.acosh_, Tensor.arccos_
arccosh_, arcsin_, arcsinh_, arctan_ = Tensor.arccosh_, Tensor.arcsin_, Tensor.arcsinh_, Tensor.arctan_
arctanh_, asin_, asinh_, atan_ = Tensor.arctanh_, Tensor.asin_, Tensor.asinh_, Tensor.atan_
atanh_, ceil_, clamp_, clamp_max_ = Tensor.atanh_, Tensor.ceil_, Tensor.clamp_, Tensor.clamp_max_
clamp_min_, clip_, cos_, cosh_ = Tensor.clamp_min_, Tensor.clip_, Tensor.cos_, Tensor.cosh_
deg2rad_, erf_, erfc_, exp2_ = Tensor.deg2rad_, Tensor.erf_, Tensor.erfc_, Tensor.exp2_
exp_, expm1_, fix_, floor_ = Tensor.exp_, Tensor.expm1_, Tensor.fix_, Tensor.floor_
frac_, gcd_, i0_, lcm_ = Tensor.frac_, Tensor.gcd_, Tensor.i0_, Tensor.lcm_
ldexp_, log10_, log1p_, log2_ = Tensor.ldexp_, Tensor.log10_, Tensor.log1p_, Tensor.log2_
log_, logit_, nan_to_num_, neg_ = Tensor.log_, Tensor.logit_, Tensor.nan_to_num_, Tensor.neg_
negative_, rad2deg_, reciprocal_, relu_ = Tensor.negative_, Tensor.rad2deg_, Tensor.reciprocal_, Tensor.relu_
round_, rsqrt_, sigmoid_, sin_ = Tensor.round_, Tensor.rsqrt_, Tensor.sigmoid_, Tensor.sin_
sinc_, sinh_, sqrt_, square_ = Tensor.sinc_, Tensor.sinh_, Tensor.sqrt_, Tensor.square_
tan_, tanh_, trunc_, xlogy_ = Tensor.tan_, Tensor.tanh_, Tensor.trunc_, Tensor.xlogy_
index_put_, addmv_ = Tensor.index_put_, Tensor.addmv_
detach, detach_, fill_, zero_, resize_as_ = Tensor.detach, Tensor.detach_, Tensor.fill_, Tensor.zero_, Tensor.resize_as_

concat = concatenate = cat

# dtypes, with PyTorch's names (complex dtypes are out of ember's scope); ember.bfloat16 is made on
# first use, by __getattr__ below, as it needs the ml_dtypes package, which takes a second to import.
float16 = half = backend.float16
float32 = float = backend.float32
float64 = double = backend.float64
uint8 = backend.uint8
uint16 = backend.uint16
uint32 = backend.uint32
uint64 = backend.uint64
int8 = backend.int8
int16 = short = backend.int16
int32 = int = backend.int32
int64 = long = backend.int64
bool = backend.bool_
dtype = _np.dtype  # ember's dtypes are NumPy's: isinstance(ember.float32, ember.dtype) holds

# Constants, as in torch.
pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan
newaxis = None

__version__ = "0.1.0"


def __getattr__(name):
    if name == "bfloat16":
        return backend.bfloat16()
    from . import omissions
    raise omissions.missing("torch", name)


def is_tensor(obj):
    """Whether obj is an ember Tensor (a Parameter counts)."""
    return isinstance(obj, Tensor)


# Questions about a tensor, as functions (each a Tensor method).
numel, is_floating_point, is_complex, is_signed = Tensor.numel, Tensor.is_floating_point, Tensor.is_complex, \
    Tensor.is_signed
is_nonzero, is_same_size = Tensor.is_nonzero, Tensor.is_same_size
get_device, is_inference = Tensor.get_device, Tensor.is_inference

# A GPU or the CPU running out of memory: NumPy's error and CuPy's are both MemoryErrors.
OutOfMemoryError = MemoryError


def fill(input, value):  # noqa: A002
    """A new tensor of input's shape, dtype and device with every element value (a number or a 0-d tensor):
    input with every element masked out, so that its gradient is 0 and value's the sum of the upstream one."""
    return masked_fill(input, tensor(True, device=input.device), _as_fill_value("fill", input, value))


def get_device_module(device=None):
    """The module of a device type's functions (synchronize, device_count, ...): ember.cuda or ember.cpu; with
    no device, the accelerator's if there is one, else the CPU's."""
    if device is None:
        kind = "cuda" if accelerator.is_available() else "cpu"
    else:
        kind = backend.Device(device).type
    return cuda if kind == "cuda" else cpu


def typename(obj):
    """PyTorch's name of an object's type: 'torch.FloatTensor' for a float32 tensor, the class's dotted
    name for anything else ('int', 'ember.nn.modules.linear.Linear')."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    return type(obj).__qualname__ if module == "builtins" else f"{module}.{type(obj).__qualname__}"
