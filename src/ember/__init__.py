"""ember: a small define-by-run deep learning framework with a PyTorch-shaped API.

    import ember
    x = ember.randn(3, requires_grad=True)
    (x * x).sum().backward()      # x.grad is now 2x
"""

from . import autograd, backend, cuda, data, functional, io, nn, ops, optim, testing, utils  # noqa: F401
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .backend import DEFAULT_FLOAT, Generator, manual_seed
from .backend import Device as device
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones,
                       ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm, tensor,
                       tril_indices, triu_indices, zeros, zeros_like)
from .ops.activation import relu, sigmoid, softmax, log_softmax, tanh
from .ops.copies import (alias_copy, detach_copy, diagonal_copy, expand_copy, narrow_copy, permute_copy,
                         select_copy, slice_copy, split_copy, split_with_sizes_copy, squeeze_copy, t_copy,
                         transpose_copy, unbind_copy, unfold_copy, unsqueeze_copy, view_copy)
from .ops.diagonal import diag, diag_embed, diagflat, diagonal, diagonal_scatter, tril, triu
from .ops.elementwise import (abs, add, clamp, cos, div, eq, exp, ge, gt, le, log, logical_and, logical_not,
                              logical_or, logical_xor, lt, maximum, minimum, mul, ne, neg, pow, sin, sqrt, sub)
from .ops.indexing import (argwhere, gather, index_put, index_select, masked_fill, masked_scatter, masked_select,
                           narrow, nonzero, nonzero_static, put, select, select_scatter, slice_scatter, take,
                           take_along_dim, unravel_index, where)
from .ops.join import (block_diag, cartesian_prod, column_stack, combinations, dsplit, dstack, hsplit, hstack,
                       meshgrid, repeat_interleave, row_stack, split_with_sizes, tensor_split, tile, unsafe_chunk,
                       unsafe_split, unsafe_split_with_sizes, vsplit, vstack)
from .ops.layout import (channels_last, channels_last_3d, clone, contiguous_format, memory_format,
                         preserve_format)
from .ops.linalg import matmul
from .ops.reduce import amax, amin, argmax, argmin, logsumexp, max, mean, min, prod, std, sum, var
from .ops.scatter import index_add, index_copy, index_fill, index_reduce, scatter, scatter_add, scatter_reduce
from .ops.shape import (atleast_1d, atleast_2d, atleast_3d, broadcast_shapes, broadcast_tensors, broadcast_to, cat,
                        chunk, expand, flatten, flip, fliplr, flipud, moveaxis, movedim, permute, ravel, reshape,
                        roll, rot90, split, squeeze, stack, swapaxes, swapdims, t, transpose, unbind, unflatten,
                        unsqueeze)
from .tensor import Tensor
from .io import load, save

clip = clamp
index_put_ = Tensor.index_put_
concat = concatenate = cat

# dtypes, with PyTorch's names.
float16 = half = backend.float16
float32 = float = backend.float32
float64 = double = backend.float64
uint8 = backend.uint8
int8 = backend.int8
int16 = short = backend.int16
int32 = int = backend.int32
int64 = long = backend.int64
bool = backend.bool_

__version__ = "0.1.0"


def get_default_dtype():
    return backend.DEFAULT_FLOAT


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(t):
    return t.numel()
