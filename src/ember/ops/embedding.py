"""Embeddings: a learned vector for each token id, the input layer of language models; bags of them
summed, averaged or maxed (a bag of words); and one-hot codes, which an embedding replaces: a one-hot
vector times the weight matrix is the row it picks, without the multiplication."""

from .. import backend
from ..autograd import Function, InputError, no_grad
from .elementwise import cast, clamp, where
from .padding import pad


class Embedding(Function):
    """weight[indices]: each index picks a row (a learned vector per token); backward adds each
    output's gradient into the row it came from. The padding row, if any, gets no gradient. With
    counts (for each row, how often its id occurs in the batch: scale_grad_by_freq) each row's
    gradient is divided by its count, so that frequent words do not dominate."""

    moves_data = True

    def forward(ctx, weight, indices, padding_idx, counts=None):
        ctx.indices, ctx.padding_idx, ctx.counts, ctx.weight_shape = indices, padding_idx, counts, weight.shape
        return weight[indices]

    def backward(ctx, grad):
        full = ctx.xp.zeros(ctx.weight_shape, dtype=grad.dtype)
        backend.scatter_add(full, (ctx.indices,), grad)
        if ctx.counts is not None:
            full /= ctx.xp.maximum(ctx.counts, 1)[:, None]
        if ctx.padding_idx is not None:
            full[ctx.padding_idx] = 0
        return full


class OneHot(Function):
    """out[..., c] = 1 where the class is c, else 0: classes (...) -> (..., num_classes), int64, with
    no gradient."""

    def forward(ctx, classes, num_classes):
        xp = ctx.xp
        return (classes[..., None] == xp.arange(num_classes)).astype(xp.int64)


# ---------------------------------------------------------------------------------------------
# The functions users call.

def checked_padding_idx(padding_idx, count):
    if not -count <= padding_idx < count:
        raise ValueError(f"padding_idx {padding_idx} is out of range for {count} embeddings")
    return padding_idx % count


def _check_lookup(name, input, weight, sparse, out_of_range=IndexError):
    """The checks every lookup shares: integer ids within the table (else out_of_range: PyTorch's embedding
    raises an IndexError, its embedding_bag a RuntimeError), a 2-D weight, dense gradients."""
    if input.dtype.kind not in "iu":
        raise TypeError(f"{name}: indices must be an integer tensor, got {input.dtype}")
    if weight.ndim != 2:
        raise InputError(f"{name}: the weight must be 2-D (num_embeddings, dim), got shape {weight.shape}")
    if sparse:
        raise NotImplementedError(f"{name}: sparse=True is not supported; ember's gradients are dense tensors")
    count = weight.shape[0]
    if input.numel():
        low, high = int(input.array.min()), int(input.array.max())
        if low < 0 or high >= count:
            raise out_of_range(f"{name}: index {low if low < 0 else high} is out of range for "
                               f"{count} embeddings (valid: 0 to {count - 1})")


def _counts(ids, count):
    """How often each of the count ids occurs in the array ids."""
    return backend.xp_of(ids).bincount(ids.reshape(-1), minlength=count)


def embedding_renorm_(weight, input, max_norm, norm_type):  # noqa: A002
    """Rescale, in place, each row of weight that input uses whose norm_type-norm exceeds max_norm, to
    norm max_norm (as PyTorch: times max_norm / (norm + 1e-7)). Returns weight."""
    xp = backend.xp_of(weight.array)
    rows = xp.unique(input.array)
    norms = xp.linalg.norm(weight.array[rows], ord=norm_type, axis=1)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    with no_grad():
        weight[rows] = weight.array[rows] * scale[:, None].astype(weight.dtype)
    return weight


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002 (PyTorch's names)
              scale_grad_by_freq=False, sparse=False):
    """Rows of weight (num_embeddings, dim) picked by the integer tensor input (...): out (..., dim).
    max_norm renormalizes the rows used, in place, first; scale_grad_by_freq divides each row's
    gradient by how often its id occurs in input."""
    _check_lookup("embedding", input, weight, sparse)
    count = weight.shape[0]
    if padding_idx is not None:
        padding_idx = checked_padding_idx(padding_idx, count)
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    counts = _counts(input.array, count) if scale_grad_by_freq else None
    return Embedding.apply(weight, indices=input.array, padding_idx=padding_idx, counts=counts)


def _bag_bounds(name, input, offsets, include_last_offset):
    """The flat ids and (start, end) arrays of the bags: the rows of a 2-D input, or the runs of a 1-D
    input that offsets start (the last one ending at its end, or at offsets[-1] with include_last_offset)."""
    xp = backend.xp_of(input.array)
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{name}: if input is 2D, then offsets has to be None, as input is treated as a "
                             "mini-batch of fixed length sequences")
        rows, length = input.shape
        starts = xp.arange(rows) * length
        return input.reshape(-1), starts, starts + length
    if input.ndim != 1:
        raise ValueError(f"{name}: input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if offsets is None or offsets.ndim != 1:
        raise ValueError(f"{name}: offsets has to be a 1D Tensor, got "
                         f"{None if offsets is None else tuple(offsets.shape)}")
    if offsets.dtype.kind not in "iu":
        raise TypeError(f"{name}: offsets must be an integer tensor, got {offsets.dtype}")
    bounds = offsets.array if include_last_offset else xp.concatenate([offsets.array, xp.asarray([input.shape[0]])])
    if bounds.size and int(bounds[0]) != 0:
        raise RuntimeError(f"{name}: offsets[0] has to be 0 (the first bag starts at the first id), got "
                           f"{int(bounds[0])}")
    if bounds.size and (int(bounds[-1]) > input.shape[0] or bool((bounds[1:] < bounds[:-1]).any())):
        raise RuntimeError(f"{name}: offsets must be non-decreasing and at most the input's length "
                           f"{input.shape[0]}, got {offsets.tolist()}")
    return input, bounds[:-1], bounds[1:]


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,  # noqa: A002
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The embeddings of each bag of ids combined into one vector: their sum (each times its
    per_sample_weight, when given), mean or elementwise max; an empty bag gives zeros, and padding_idx
    ids count for nothing. Bags are the rows of a 2-D input (B, L), or the runs of a 1-D input that
    offsets (B,) start. out (B, dim).

    The bags are laid out as a (B, longest bag) table of ids, the empty places of shorter bags pointing
    at an id -1 put after the last one; the mask of real ids then selects what each bag adds up."""
    name = "embedding_bag"
    if per_sample_weights is not None and tuple(per_sample_weights.shape) != tuple(input.shape):
        raise ValueError(f"{name}: per_sample_weights must have the same shape as the input {tuple(input.shape)}, "
                         f"got {tuple(per_sample_weights.shape)}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"{name}: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError(f"{name}: max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"{name}: per_sample_weights is only supported for mode='sum', got mode={mode!r}")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"{name}: per_sample_weights is {per_sample_weights.dtype} but the weight is {weight.dtype}")
    _check_lookup(name, input, weight, sparse, RuntimeError)
    ids, starts, ends = _bag_bounds(name, input, offsets, include_last_offset)
    count = weight.shape[0]
    if padding_idx is not None:
        padding_idx = checked_padding_idx(padding_idx, count)
    if max_norm is not None:
        embedding_renorm_(weight, ids, max_norm, norm_type)

    xp = backend.xp_of(ids.array)
    lengths = ends - starts
    places = xp.arange(max(int(lengths.max()) if lengths.size else 0, 1))
    positions = xp.where(places < lengths[:, None], starts[:, None] + places, ids.shape[0])  # (B, L)
    table = pad(ids, (0, 1), value=-1)[positions]
    real = (table >= 0) if padding_idx is None else (table >= 0) & (table != padding_idx)
    counts = _counts(ids.array, count) if scale_grad_by_freq else None
    rows = Embedding.apply(weight, indices=xp.maximum(table.array, 0), padding_idx=None, counts=counts)  # (B, L, D)
    if mode == "max":  # the first largest of each bag takes the gradient, as PyTorch's
        largest = where(real.unsqueeze(-1), rows, -float("inf")).max(1)[0]
        return where(real.sum(1, keepdim=True) > 0, largest, 0.0)
    if per_sample_weights is not None:
        rows = rows * pad(per_sample_weights.reshape(-1), (0, 1))[positions].unsqueeze(-1)
    total = where(real.unsqueeze(-1), rows, 0.0).sum(1)  # padding ids are left out, not multiplied by 0
    return total if mode == "sum" else total / clamp(cast(real, weight.dtype).sum(1, keepdim=True), min=1.0)


def one_hot(tensor, num_classes=-1):
    """The one-hot code of each class in the int64 tensor (...): (..., num_classes), 1 at the class and 0
    elsewhere. num_classes=-1 means one more than the largest class."""
    if tensor.dtype != backend.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensors of type int64, got {tensor.dtype}")
    if tensor.numel() and int(tensor.array.min()) < 0:
        raise RuntimeError("one_hot: class values must be non-negative")
    if num_classes == -1:
        if not tensor.numel():
            raise RuntimeError("one_hot: can not infer the number of classes from an empty tensor")
        num_classes = int(tensor.array.max()) + 1
    elif tensor.numel() and int(tensor.array.max()) >= num_classes:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes ({num_classes}), got "
                           f"{int(tensor.array.max())}")
    return OneHot.apply(tensor, num_classes=num_classes)
