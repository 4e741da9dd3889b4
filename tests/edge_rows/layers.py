"""The rows of the layers' functions that are not convolutions (linear, bilinear, embedding, the norms,
dropout, attention, prelu and rrelu) and of the losses and distances."""

import math

import numpy as np

from differential import (FINITE, FLOATS, HUGE_LESS, NAN_LESS, Op, either, function, functional, huge_float32,
                          inexact_float64, subnormal_float32)

BOUNDED = tuple(v for v in FINITE if abs(v) < 1e38)  # the finite edge values less ±1e38 (see DIFFERENCES)


def indices(lib, *values):
    """The int64 tensor of values (nested lists for more dimensions)."""
    return lib.tensor(list(values), dtype=lib.int64)


def classes(lib, x):
    """Class indices for the scores x, (C,) or (N, C, d...): shape x's without dim 1, values 0, 1, ... mod C."""
    shape = tuple(x.shape)
    target_shape = () if len(shape) == 1 else shape[:1] + shape[2:]
    sides = shape[0] if len(shape) == 1 else shape[1]
    return lib.tensor(np.arange(int(np.prod(target_shape))).reshape(target_shape) % max(sides, 1))


def signs(lib, x, drop=0):
    """Targets 1, -1, 1, ... of x's dtype, shaped as x less its last drop dimensions."""
    shape = tuple(x.shape)[:len(x.shape) - drop]
    return lib.tensor(np.resize([1.0, -1.0], shape).reshape(shape)).to(x.dtype)


# Shapes of (input, weight, bias) of linear: small cases, an empty batch, sizes of 1, and refused ones.
LINEAR = (((2, 3), (4, 3), (4,)), ((0, 3), (4, 3), (4,)), ((3,), (1, 3), (1,)), ((2, 1, 3), (2, 3), (2,)),
          ((1, 1), (1, 1), (1,)), ((2, 0), (3, 0), (3,)), ((2, 3), (4, 2), (4,)), ((2, 3), (4, 3), (3,)))
BILINEAR = (((2, 3), (2, 4), (5, 3, 4), (5,)), ((0, 3), (0, 4), (5, 3, 4), (5,)), ((1, 1), (1, 1), (1, 1, 1), (1,)),
            ((3,), (4,), (2, 3, 4), (2,)), ((2, 3), (1, 4), (5, 3, 4), (5,)), ((2, 3), (2, 4), (5, 4, 3), (5,)))
# (input, weight, bias) of the norms over channels (dim 1).
CHANNELS = (((2, 3), (3,), (3,)), ((2, 3, 2), (3,), (3,)), ((1, 3, 1), (3,), (3,)), ((0, 3, 2), (3,), (3,)),
            ((2, 1, 2, 2), (1,), (1,)), ((2, 3), (2,), (2,)), ((3,), (3,), (3,)))
# instance_norm's: as CHANNELS less 1-D inputs and an empty batch; torch.batch_norm's and torch.instance_norm's:
# less what F.* refuses (see DIFFERENCES).
INSTANCES = CHANNELS[:3] + CHANNELS[4:-1]
KERNEL_BATCH = CHANNELS[:2] + CHANNELS[3:]
KERNEL_INSTANCES = (((2, 3, 2), (3,), (3,)), ((2, 1, 2, 2), (1,), (1,)), ((2, 3, 2), (2,), (2,)))
GROUPS = (((2, 4), (4,), (4,)), ((2, 4, 3), (4,), (4,)), ((0, 4, 1), (4,), (4,)), ((1, 2), (2,), (2,)),
          ((2, 2, 1, 2), (2,), (2,)), ((2, 3), (3,), (3,)))
# (query, key, value) of attention.
ATTENTION = (((2, 3, 4), (2, 5, 4), (2, 5, 6)), ((1, 1, 1), (1, 1, 1), (1, 1, 1)), ((2, 0, 4), (2, 5, 4), (2, 5, 6)),
             ((2, 3, 4), (2, 0, 4), (2, 0, 6)), ((3, 2), (2, 2), (2, 1)), ((2, 1, 3, 2), (2, 1, 2, 2), (2, 1, 2, 3)),
             ((2, 3, 4), (2, 5, 3), (2, 5, 6)))
PRELU = (((2, 3), (3,)), ((2, 3), (1,)), ((2, 3, 2), (3,)), ((3,), (1,)), ((), (1,)), ((0, 3), (3,)),
         ((2, 3), (2,)))
# Scores (N, C) or (C,) or (N, C, d) of the classification losses.
SCORES = (((3, 4),), ((1, 1),), ((4,),), ((0, 4),), ((2, 3, 2),))
MATRICES = (((3, 2),), ((1, 2),), ((2, 0),), ((3,),))  # not (0, M): PyTorch 2.13's backward of pdist crashes there
PAIRS = (((2, 3), (2, 3)), ((3,), (3,)), ((1, 1), (1, 1)), ((0, 3), (0, 3)), ((2, 3), (2, 4)))
TRIPLES = (((2, 3), (2, 3), (2, 3)), ((3,), (3,), (3,)), ((1, 1), (1, 1), (1, 1)), ((0, 3), (0, 3), (0, 3)),
           ((2, 3), (1, 3), (2, 3)), ((2, 3), (2, 3), (2, 4)))
CDIST = (((3, 2), (4, 2)), ((1, 1), (1, 1)), ((0, 2), (3, 2)), ((2, 0), (3, 0)), ((2, 3, 2), (2, 1, 2)),
         ((3, 2), (4, 3)))


# The drawn cases that a row's DIFFERENCES entry names beyond its edge values (differs= predicates).

def small_float32_variance(arrays, dim):
    """A float32 input (N, C, *) with a channel whose variance is below 1e-4 (so rstd is above 100)."""
    x = arrays[0]
    if x.dtype != np.float32 or x.ndim < 2 or x.size == 0:
        return False
    return _small_variance(np.moveaxis(x, 1, 0).reshape(x.shape[1], -1), 1e-4)


def small_float32_instance_variance(arrays, dim):
    """A float32 input (N, C, *) with an instance (a sample's channel) whose variance is below 1e-4."""
    x = arrays[0]
    if x.dtype != np.float32 or x.ndim < 3 or x.size == 0:
        return False
    return _small_variance(x.reshape(x.shape[0] * x.shape[1], -1), 1e-4)


def small_float32_running_variance(arrays, dim):
    """A float32 running variance (the third input) below 1e-4."""
    return arrays[2].dtype == np.float32 and bool((arrays[2] < 1e-4).any())


def no_keys_and_a_huge_query(arrays, dim):
    """Attention with no keys (S = 0) and a query holding ±inf or NaN."""
    return arrays[1].shape[-2] == 0 and not np.isfinite(arrays[0]).all()


def small_float32_group_variance(x, groups):
    """A float32 input (N, C, *) with a sample's group of variance below 1e-2 (rstd above 10)."""
    if x.dtype != np.float32 or x.ndim < 2 or x.size == 0 or x.shape[1] % groups:
        return False
    return _small_variance(x.reshape(x.shape[0], groups, -1), 1e-2)


def small_float32_layer_variance(x, size):
    """A float32 input whose last `size` elements (a layer norm's) have a variance below 1e-2 (rstd above 10)."""
    if x.dtype != np.float32 or x.size == 0 or x.size % size:
        return False
    return _small_variance(x.reshape(-1, size), 1e-2)


def _small_variance(groups, below):
    """Whether a group (the last axis of groups) has a variance below `below`."""
    with np.errstate(invalid="ignore", over="ignore"):
        variances = groups.astype(np.float64).var(axis=-1)
    return bool((variances < below).any())


def norm_at(maxnorm, p):
    """renorm's differs= predicate: a float32 input with a slice along dim whose p-norm is maxnorm to float32's
    precision (relative 1e-6)."""
    def at(arrays, dim):
        x = arrays[0]
        if x.dtype != np.float32 or x.ndim < 2:
            return False
        others = tuple(a for a in range(x.ndim) if a != dim % x.ndim)
        with np.errstate(invalid="ignore", over="ignore"):
            norms = (np.abs(x.astype(np.float64)) ** p).sum(axis=others) ** (1 / p)
        return bool(np.isclose(norms, maxnorm, rtol=1e-6, atol=0).any())
    return at


def float32_input_float64_target(arrays, dim):
    """A float32 input and a float64 target."""
    return arrays[0].dtype == np.float32 and arrays[1].dtype == np.float64


def float64_input_float32_target(arrays, dim):
    """A float64 input and a float32 target."""
    return arrays[0].dtype == np.float64 and arrays[1].dtype == np.float32


def float32_pair_beside_float64(arrays, dim):
    """Two of a triplet's inputs in float32, the third in float64: the float32 pair's distance is float32,
    under the float64 result's tolerance."""
    return sorted(a.dtype.name for a in arrays) == ["float32", "float32", "float64"]


def subnormal_float32_weight(arrays, dim):
    """A float32 weight (the second input) holding a subnormal number."""
    return subnormal_float32(arrays[1])


def target_weights(arrays):
    """The class weights (the second input) at the targets that classes() gives for the scores (the first), or
    None where the weights do not fit the scores."""
    x, weight = arrays
    sides = x.shape[0] if x.ndim == 1 else x.shape[1] if x.ndim else 0
    if weight.shape != (sides,) or sides == 0:
        return None
    return weight[np.arange(x.size // sides) % sides]


def zero_target_weight(arrays, dim):
    """cross_entropy's class weights at the targets sum to 0."""
    weights = target_weights(arrays)
    return weights is not None and weights.sum() == 0


def cancelling_target_weights(arrays, dim):
    """The class weights at the targets cancel but for a remainder below their rounding (1e-38 + 2 - 2): the
    order of summation decides whether the mean's total weight is 0 or that remainder."""
    weights = target_weights(arrays)
    if weights is None or not np.isfinite(weights).all():
        return False
    exact = math.fsum(weights.astype(np.float64).tolist())
    return exact != 0 and abs(exact) < np.finfo(weights.dtype).eps * np.abs(weights).max()


def float32_var_beside_float64(arrays, dim):
    """gaussian_nll_loss's var (the third input) in float32 beside a float64 input or target."""
    return arrays[2].dtype == np.float32 and np.dtype(np.float64) in (arrays[0].dtype, arrays[1].dtype)


def infinite_weight(arrays, dim):
    """A norm's weight (the second input) holds ±inf."""
    return bool(np.isinf(arrays[1]).any())


def tied_coordinates(arrays, dim):
    """cdist's points x1, x2 with a pair whose largest |difference| (not 0) is taken by two coordinates or more."""
    x1, x2 = arrays
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        return False  # refused
    with np.errstate(invalid="ignore"):
        gaps = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
        if gaps.size == 0:
            return False
        largest = gaps.max(-1, keepdims=True)
        return bool((((gaps == largest) & (largest > 0)).sum(-1) > 1).any())


def minus_eps_float32_variance(arrays, dim):
    """A float32 running variance (the third input) of -eps, -1e-5 in float32."""
    return arrays[2].dtype == np.float32 and bool((arrays[2] == np.float32(-1e-5)).any())


def infinite_input_or_target(arrays, dim):
    """The input or the target (the first two inputs) holds ±inf."""
    return bool(np.isinf(arrays[0]).any() or np.isinf(arrays[1]).any())


def empty_input(arrays, dim):
    """The first input is empty."""
    return arrays[0].size == 0


# The rows' functions of more than a line.

def batch_norm_updating(lib, x, mean, var):
    """F.batch_norm in training with running statistics: the result and the updated statistics."""
    mean, var = mean.detach().clone(), var.detach().clone()
    return lib.nn.functional.batch_norm(x, mean, var, training=True, momentum=0.3), mean, var


def ctc(lib, scores, **kwargs):
    """F.ctc_loss of the log-probabilities log_softmax(scores), scores (4, 2, C): targets [1, 2] and [1, 1] (one
    that needs 3 steps) over 4 and 3 steps (see DIFFERENCES for why log_softmax)."""
    return lib.nn.functional.ctc_loss(scores.log_softmax(-1), indices(lib, [1, 2], [1, 1]), indices(lib, 4, 3),
                                      indices(lib, 2, 2), **kwargs)


def multilabel_targets(lib, x):
    """multilabel_margin_loss's targets for x: the classes C-1 and 0, then -1 (the end of the list)."""
    shape = tuple(x.shape)
    sides = shape[-1]
    row = ([sides - 1, 0] + [-1] * sides)[:sides]
    return lib.tensor(np.broadcast_to(np.array(row, dtype=np.int64), shape).copy())


def large_margin(arrays, dim):
    """soft_margin_loss's -target·input beyond 80 (or NaN), where e^(-y·x) overflows float32."""
    with np.errstate(invalid="ignore", over="ignore"):
        return not bool((np.abs(arrays[0].astype(np.float64) * arrays[1]) <= 80).all())


ROWS = [
    # Linear maps.
    Op("F.linear", functional("linear"), arity=3, dtypes=FLOATS, one_dtype=True, shapes=LINEAR,
       edges=HUGE_LESS, differs=inexact_float64),
    Op("F.linear no bias", functional("linear"), arity=2, dtypes=FLOATS, one_dtype=True,
       shapes=tuple(s[:2] for s in LINEAR), edges=HUGE_LESS, differs=inexact_float64),
    Op("F.bilinear", functional("bilinear"), arity=4, dtypes=FLOATS, shapes=BILINEAR),
    Op("bilinear", function("bilinear"), arity=4, dtypes=FLOATS, shapes=BILINEAR),

    # Embeddings: the indices are constants.
    Op("F.embedding", lambda lib, w: lib.nn.functional.embedding(indices(lib, [0, 2], [2, 1]), w),
       dtypes=FLOATS, shapes=(((3, 2),), ((3, 0),), ((3, 1),), ((2, 2),), ((3,),))),
    Op("F.embedding padding_idx", lambda lib, w: lib.nn.functional.embedding(indices(lib, 0, 2, 2), w, padding_idx=2),
       dtypes=FLOATS, shapes=(((3, 2),), ((3, 1),))),
    Op("embedding", lambda lib, w: lib.embedding(w, indices(lib, [0, 2], [1, 1]), 1), dtypes=FLOATS,
       shapes=(((3, 2),), ((3, 0),), ((2, 2),))),
    Op("F.embedding_bag", lambda lib, w: lib.nn.functional.embedding_bag(
        indices(lib, 0, 2, 1, 2), w, indices(lib, 0, 1, 1)), dtypes=FLOATS,
       shapes=(((3, 2),), ((3, 0),), ((3, 1),), ((2, 2),))),
    Op("F.embedding_bag sum", lambda lib, w: lib.nn.functional.embedding_bag(
        indices(lib, [0, 2], [1, 1]), w, mode="sum"), dtypes=FLOATS, shapes=(((3, 2),), ((3, 1),))),
    Op("F.embedding_bag max", lambda lib, w: lib.nn.functional.embedding_bag(
        indices(lib, 0, 2, 1, 2), w, indices(lib, 0, 1, 1), mode="max"), dtypes=FLOATS, shapes=(((3, 2),), ((3, 1),)),
       edges=NAN_LESS),
    Op("F.embedding_bag per_sample_weights", lambda lib, w, s: lib.nn.functional.embedding_bag(
        indices(lib, 0, 2, 1, 2), w, indices(lib, 0, 1, 1), mode="sum", per_sample_weights=s), dtypes=FLOATS,
       shapes=(((3, 2), (4,)), ((3, 1), (4,)), ((3, 2), (3,))), edges=HUGE_LESS, differs=inexact_float64),
    Op("F.embedding_bag include_last_offset", lambda lib, w: lib.nn.functional.embedding_bag(
        indices(lib, 0, 2, 1, 2), w, indices(lib, 0, 1, 4), include_last_offset=True, padding_idx=1),
       dtypes=FLOATS, shapes=(((3, 2),), ((3, 1),))),

    # Normalization, over values less ±1e38 (see DIFFERENCES).
    Op("F.batch_norm", lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b, training=True),
       arity=3, dtypes=FLOATS, one_dtype=True, shapes=CHANNELS, edges=HUGE_LESS,
       differs=either(infinite_weight, small_float32_variance)),
    Op("F.batch_norm eval", lambda lib, x, m, v: lib.nn.functional.batch_norm(x, m.detach(), v.detach()),
       arity=3, dtypes=FLOATS, one_dtype=True, shapes=CHANNELS, edges=HUGE_LESS,
       differs=small_float32_running_variance),
    Op("F.batch_norm running statistics", batch_norm_updating, arity=3, dtypes=FLOATS, one_dtype=True,
       shapes=CHANNELS, edges=HUGE_LESS, differs=small_float32_variance),
    Op("batch_norm", lambda lib, x, w, b: lib.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
       arity=3, dtypes=FLOATS, one_dtype=True, shapes=KERNEL_BATCH, edges=HUGE_LESS,
       differs=either(infinite_weight, small_float32_variance)),
    Op("F.instance_norm", lambda lib, x, w, b: lib.nn.functional.instance_norm(x, weight=w, bias=b),
       arity=3, dtypes=FLOATS, shapes=INSTANCES, edges=HUGE_LESS,
       differs=either(infinite_weight, small_float32_instance_variance)),
    Op("F.instance_norm running statistics", lambda lib, x, m, v: lib.nn.functional.instance_norm(
        x, m.detach(), v.detach(), use_input_stats=False), arity=3, dtypes=FLOATS, one_dtype=True, shapes=INSTANCES,
       edges=HUGE_LESS, differs=either(minus_eps_float32_variance, small_float32_running_variance)),
    Op("instance_norm", lambda lib, x, w, b: lib.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
       arity=3, dtypes=FLOATS, one_dtype=True, shapes=KERNEL_INSTANCES, edges=HUGE_LESS,
       differs=either(infinite_weight, small_float32_instance_variance)),
    Op("F.group_norm", lambda lib, x, w, b: lib.nn.functional.group_norm(x, 2, w, b), arity=3, dtypes=FLOATS,
       shapes=GROUPS, edges=HUGE_LESS,
       differs=lambda a, d: infinite_weight(a, d) or small_float32_group_variance(a[0], 2)),
    Op("group_norm", lambda lib, x: lib.group_norm(x, 1), dtypes=FLOATS, shapes=tuple(s[:1] for s in GROUPS),
       edges=HUGE_LESS, differs=lambda a, d: small_float32_group_variance(a[0], 1)),
    Op("F.layer_norm", lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (3,), w, b), arity=3, dtypes=FLOATS,
       one_dtype=True, shapes=(((2, 3), (3,), (3,)), ((3,), (3,), (3,)), ((0, 3), (3,), (3,)), ((2, 3), (2,), (3,))),
       edges=HUGE_LESS, differs=lambda a, d: infinite_weight(a, d) or small_float32_layer_variance(a[0], 3)),
    Op("F.layer_norm 2 dims", lambda lib, x: lib.nn.functional.layer_norm(x, (2, 1)), dtypes=FLOATS,
       shapes=(((3, 2, 1),), ((2, 1),), ((2, 2),)), edges=HUGE_LESS,
       differs=lambda a, d: small_float32_layer_variance(a[0], 2)),
    Op("layer_norm", lambda lib, x: lib.layer_norm(x, (1,)), dtypes=FLOATS, shapes=(((2, 1),), ((1,),), ((2,),)),
       edges=HUGE_LESS),
    Op("F.rms_norm", lambda lib, x, w: lib.nn.functional.rms_norm(x, (3,), w), arity=2, dtypes=FLOATS,
       shapes=(((2, 3), (3,)), ((3,), (3,)), ((0, 3), (3,)), ((2, 1, 3), (3,)), ((2, 3), (2,))), edges=HUGE_LESS),
    Op("rms_norm", lambda lib, x: lib.rms_norm(x, (2,), eps=1e-3), dtypes=FLOATS, shapes=(((3, 2),), ((2,),), ((1,),)),
       edges=HUGE_LESS),
    Op("F.local_response_norm", functional("local_response_norm", 2), dtypes=FLOATS,
       shapes=(((2, 3, 2),), ((1, 1, 1),), ((0, 3, 2),), ((1, 3, 2, 2),), ((1, 2, 1, 1, 2),), ((2, 3),))),
    Op("renorm", lambda lib, x, d: lib.renorm(x, 2, d, 1.0), dtypes=FLOATS, dim=True, edges=HUGE_LESS,
       differs=norm_at(1.0, 2)),
    Op("renorm p=1", lambda lib, x, d: lib.renorm(x, 1, d, 0.5), dtypes=FLOATS, dim=True, differs=norm_at(0.5, 1)),

    # Dropout, in its deterministic forms: not training, or p of 0 or 1.
    *[Op(f"F.{name} {form}", functional(name, **options), dtypes=FLOATS, max_dims=4)
      for name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout")
      for form, options in (("not training", dict(p=0.5, training=False)), ("p=0", dict(p=0.0, training=True)),
                            ("p=1", dict(p=1.0, training=True)))],
    *[Op(f"{name} p=1", function(name, 1.0, True), dtypes=FLOATS, max_dims=4)  # as F.*'s, in PyTorch's signature
      for name in ("dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout")],

    # Attention.
    Op("F.scaled_dot_product_attention", functional("scaled_dot_product_attention"), arity=3, dtypes=FLOATS,
       shapes=ATTENTION, edges=HUGE_LESS,
       differs=either(inexact_float64, no_keys_and_a_huge_query)),
    Op("F.scaled_dot_product_attention causal scale", functional("scaled_dot_product_attention", is_causal=True,
                                                                 scale=0.5), arity=3, dtypes=FLOATS, shapes=ATTENTION,
       edges=HUGE_LESS,
       differs=either(inexact_float64, no_keys_and_a_huge_query)),
    Op("F.scaled_dot_product_attention float mask", lambda lib, q, k, v, m: lib.nn.functional.
       scaled_dot_product_attention(q, k, v, attn_mask=m), arity=4, dtypes=FLOATS,
       shapes=tuple((*s, (s[0][-2], s[1][-2])) for s in ATTENTION),
       edges=HUGE_LESS,
       differs=either(inexact_float64, no_keys_and_a_huge_query)),
    Op("F.scaled_dot_product_attention bool mask", lambda lib, q, k, v: lib.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=lib.tensor([[True, False], [False, False]])), arity=3, dtypes=FLOATS,
       shapes=(((2, 2), (2, 2), (2, 3)), ((1, 2, 1), (1, 2, 1), (1, 2, 2))), edges=HUGE_LESS,
       differs=inexact_float64),

    # Activations with parameters: prelu's weight; rrelu not training, or training with lower = upper (no draw).
    Op("F.prelu", functional("prelu"), arity=2, dtypes=FLOATS, shapes=PRELU),
    Op("prelu", function("prelu"), arity=2, dtypes=FLOATS, shapes=PRELU),
    Op("F.rrelu", functional("rrelu"), dtypes=FLOATS),
    Op("F.rrelu training lower=upper", functional("rrelu", 0.25, 0.25, training=True), dtypes=FLOATS),
    Op("rrelu", function("rrelu", 0.1, 0.3), dtypes=FLOATS),
    Op("F.gumbel_softmax one class", lambda lib, x: lib.nn.functional.gumbel_softmax(x, tau=0.5), dtypes=FLOATS,
       shapes=(((2, 1),), ((1,),), ((0, 1),), ((3, 2, 1),))),
    Op("F.gumbel_softmax hard one class", lambda lib, x: lib.nn.functional.gumbel_softmax(x, hard=True, dim=0),
       dtypes=FLOATS, shapes=(((1, 2),), ((1,),), ((1, 0),))),

    # Classification losses: the class indices are constants made from the scores' shape.
    Op("F.cross_entropy", lambda lib, x: lib.nn.functional.cross_entropy(x, classes(lib, x)), dtypes=FLOATS,
       shapes=SCORES),
    Op("F.cross_entropy sum", lambda lib, x: lib.nn.functional.cross_entropy(x, classes(lib, x), reduction="sum"),
       dtypes=FLOATS, shapes=SCORES),
    Op("F.cross_entropy none ignore_index", lambda lib, x: lib.nn.functional.cross_entropy(
        x, classes(lib, x), reduction="none", ignore_index=1), dtypes=FLOATS, shapes=SCORES),
    Op("F.cross_entropy label_smoothing weight", lambda lib, x, w: lib.nn.functional.cross_entropy(
        x, classes(lib, x), w.detach(), label_smoothing=0.25), arity=2, dtypes=FLOATS, edges=HUGE_LESS,
       differs=either(infinite_weight, subnormal_float32_weight, zero_target_weight),
       shapes=tuple((s[0], s[0][1:2] if len(s[0]) > 1 else s[0]) for s in SCORES)),
    Op("F.cross_entropy probabilities", functional("cross_entropy", label_smoothing=0.1), arity=2, dtypes=FLOATS,
       shapes=tuple(s * 2 for s in SCORES), one_dtype=True, edges=HUGE_LESS),
    Op("F.nll_loss", lambda lib, x: lib.nn.functional.nll_loss(x, classes(lib, x)), dtypes=FLOATS, shapes=SCORES,
       edges=HUGE_LESS),
    Op("F.nll_loss none ignore_index", lambda lib, x: lib.nn.functional.nll_loss(
        x, classes(lib, x), reduction="none", ignore_index=0), dtypes=FLOATS, shapes=SCORES),
    Op("F.nll_loss weight", lambda lib, x, w: lib.nn.functional.nll_loss(x, classes(lib, x), w.detach()), arity=2,
       dtypes=FLOATS, edges=HUGE_LESS, differs=cancelling_target_weights,
       shapes=tuple((s[0], s[0][1:2] if len(s[0]) > 1 else s[0]) for s in SCORES)),
    Op("F.linear_cross_entropy", lambda lib, x, w: lib.nn.functional.linear_cross_entropy(
        x, w, classes(lib, x @ w.T)), arity=2, dtypes=FLOATS, one_dtype=True, edges=HUGE_LESS,
       shapes=(((3, 2), (4, 2)), ((0, 2), (4, 2)), ((1, 1), (1, 1)), ((3, 2), (4, 3)))),
    Op("F.linear_cross_entropy bias", lambda lib, x, w, b: lib.nn.functional.linear_cross_entropy(
        x, w, classes(lib, x @ w.T), linear_bias=b, reduction="sum"), arity=3, dtypes=FLOATS, one_dtype=True,
       edges=HUGE_LESS,
       shapes=(((3, 2), (4, 2), (4,)), ((1, 1), (1, 1), (1,)))),
    Op("F.multi_margin_loss", lambda lib, x: lib.nn.functional.multi_margin_loss(x, classes(lib, x)), dtypes=FLOATS,
       shapes=SCORES[:3]),
    Op("F.multi_margin_loss p=2 weight", lambda lib, x, w: lib.nn.functional.multi_margin_loss(
        x, classes(lib, x), p=2, margin=0.5, weight=w.detach(), reduction="none"), arity=2, dtypes=FLOATS,
       shapes=(((3, 4), (4,)), ((1, 1), (1,)), ((4,), (4,))), edges=HUGE_LESS, differs=subnormal_float32_weight),
    Op("F.multilabel_margin_loss", lambda lib, x: lib.nn.functional.multilabel_margin_loss(
        x, multilabel_targets(lib, x)), dtypes=FLOATS, shapes=SCORES[:3]),
    Op("F.multilabel_soft_margin_loss", functional("multilabel_soft_margin_loss"), arity=2, dtypes=FLOATS,
       one_dtype=True,
       shapes=tuple(s * 2 for s in SCORES[:4])),
    Op("F.multilabel_soft_margin_loss weight", lambda lib, x, t, w: lib.nn.functional.multilabel_soft_margin_loss(
        x, t, w.detach(), reduction="none"), arity=3, dtypes=FLOATS, one_dtype=True,
       shapes=(((3, 4), (3, 4), (4,)), ((1, 1), (1, 1), (1,)))),
    Op("F.binary_cross_entropy", functional("binary_cross_entropy"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("F.binary_cross_entropy of sigmoid", lambda lib, x, t, w: lib.nn.functional.binary_cross_entropy(
        lib.sigmoid(x), t, w.detach(), reduction="none"), arity=3, dtypes=FLOATS, one_shape=True),
    Op("F.binary_cross_entropy of sigmoid sum", lambda lib, x, t: lib.nn.functional.binary_cross_entropy(
        lib.sigmoid(x), t, reduction="sum"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("F.binary_cross_entropy_with_logits", functional("binary_cross_entropy_with_logits"), arity=2, dtypes=FLOATS,
       one_shape=True, one_dtype=True, edges=HUGE_LESS),
    Op("F.binary_cross_entropy_with_logits pos_weight", lambda lib, x, t, w, p: lib.nn.functional.
       binary_cross_entropy_with_logits(x, t, w.detach(), reduction="none", pos_weight=p.detach()), arity=4,
       dtypes=FLOATS, one_dtype=True, differs=infinite_input_or_target),
    Op("binary_cross_entropy_with_logits", lambda lib, x, t, p: lib.binary_cross_entropy_with_logits(
        x, t, pos_weight=p.detach(), reduction=2), arity=3, dtypes=FLOATS, one_shape=True, one_dtype=True,
       differs=infinite_input_or_target),
    Op("F.soft_margin_loss", lambda lib, x, t: lib.nn.functional.soft_margin_loss(x, t.detach()), arity=2,
       dtypes=FLOATS, one_shape=True, one_dtype=True, differs=large_margin),
    Op("F.soft_margin_loss none", lambda lib, x: lib.nn.functional.soft_margin_loss(x, signs(lib, x), reduction="none"),
       dtypes=FLOATS, differs=lambda a, d: large_margin([a[0], np.ones_like(a[0])], d)),

    # Embedding and ranking losses: the targets ±1 are constants made from the inputs' shape.
    Op("F.cosine_embedding_loss", lambda lib, a, b: lib.nn.functional.cosine_embedding_loss(a, b, signs(lib, a, 1)),
       arity=2, dtypes=FLOATS, shapes=PAIRS),
    Op("cosine_embedding_loss", lambda lib, a, b: lib.cosine_embedding_loss(a, b, signs(lib, a, 1), 0.5, 2),
       arity=2, dtypes=FLOATS, shapes=PAIRS),
    Op("F.hinge_embedding_loss", lambda lib, x: lib.nn.functional.hinge_embedding_loss(x, signs(lib, x)),
       dtypes=FLOATS, edges=HUGE_LESS),
    Op("hinge_embedding_loss", lambda lib, x: lib.hinge_embedding_loss(x, signs(lib, x), 0.5, 0), dtypes=FLOATS),
    Op("F.margin_ranking_loss", lambda lib, a, b: lib.nn.functional.margin_ranking_loss(a, b, signs(lib, a)),
       arity=2, dtypes=FLOATS, one_shape=True),
    Op("margin_ranking_loss", lambda lib, a, b: lib.margin_ranking_loss(a, b, signs(lib, a), 0.5, 0),
       arity=2, dtypes=FLOATS, one_shape=True),
    Op("F.triplet_margin_loss", functional("triplet_margin_loss"), arity=3, dtypes=FLOATS, shapes=TRIPLES,
       edges=HUGE_LESS, differs=float32_pair_beside_float64),
    Op("F.triplet_margin_loss swap p=1", functional("triplet_margin_loss", p=1, swap=True, reduction="none"), arity=3,
       dtypes=FLOATS, shapes=TRIPLES),
    Op("triplet_margin_loss", function("triplet_margin_loss", 0.5, 2.0, 1e-6, True, 2), arity=3, dtypes=FLOATS,
       shapes=TRIPLES, edges=HUGE_LESS, differs=float32_pair_beside_float64),
    Op("F.triplet_margin_with_distance_loss", functional("triplet_margin_with_distance_loss"), arity=3,
       dtypes=FLOATS, shapes=TRIPLES, edges=HUGE_LESS, differs=float32_pair_beside_float64),
    Op("F.triplet_margin_with_distance_loss l1 swap", lambda lib, a, p, n: lib.nn.functional.
       triplet_margin_with_distance_loss(a, p, n, distance_function=lambda x, y: (x - y).abs().sum(-1), swap=True,
                                         reduction="none"), arity=3,
       dtypes=FLOATS, shapes=TRIPLES),

    # Losses of distributions.
    Op("F.kl_div", functional("kl_div", reduction="batchmean"), arity=2, dtypes=FLOATS, edges=HUGE_LESS,
       differs=empty_input),
    Op("F.kl_div log_target", functional("kl_div", reduction="none", log_target=True), arity=2, dtypes=FLOATS,
       differs=either(float64_input_float32_target, huge_float32)),
    Op("kl_div", function("kl_div", 2), arity=2, dtypes=FLOATS, edges=HUGE_LESS, differs=empty_input),
    Op("F.poisson_nll_loss", functional("poisson_nll_loss"), arity=2, dtypes=FLOATS, edges=HUGE_LESS,
       differs=float32_input_float64_target),
    Op("F.poisson_nll_loss not log_input full", functional("poisson_nll_loss", log_input=False, full=True,
                                                           reduction="none"), arity=2, dtypes=FLOATS, one_dtype=True,
       differs=lambda a, d: not bool((a[1] > 0).all())),
    Op("poisson_nll_loss", function("poisson_nll_loss", False, False, 1e-8, 2), arity=2, dtypes=FLOATS, edges=HUGE_LESS,
       differs=float32_input_float64_target),
    Op("F.gaussian_nll_loss", functional("gaussian_nll_loss"), arity=3, dtypes=FLOATS, one_shape=True,
       differs=either(huge_float32, float32_var_beside_float64)),
    Op("F.gaussian_nll_loss full", functional("gaussian_nll_loss", full=True, reduction="none"), arity=3,
       dtypes=FLOATS, edges=HUGE_LESS, differs=float32_var_beside_float64,
       shapes=(((2, 3), (2, 3), (2, 1)), ((2, 3), (2, 3), (2,)), ((3,), (3,), (1,)), ((0, 2), (0, 2), (0, 1)),
               ((2, 3), (2, 3), (3, 1)))),
    Op("F.ctc_loss", lambda lib, x: ctc(lib, x), dtypes=FLOATS, edges=BOUNDED, shapes=(((4, 2, 3),), ((4, 2, 4),))),
    Op("F.ctc_loss sum zero_infinity", lambda lib, x: ctc(lib, x, reduction="sum", zero_infinity=True),
       dtypes=FLOATS, edges=BOUNDED, shapes=(((4, 2, 3),), ((2, 2, 3),))),
    Op("F.ctc_loss none", lambda lib, x: ctc(lib, x, reduction="none", blank=3), dtypes=FLOATS, edges=BOUNDED,
       shapes=(((4, 2, 4),), ((2, 2, 4),))),
    Op("ctc_loss", lambda lib, x: lib.ctc_loss(x.log_softmax(-1), indices(lib, [1, 2], [1, 1]), [4, 3], [2, 2], 0, 1),
       dtypes=FLOATS, edges=BOUNDED, shapes=(((4, 2, 3),),)),

    # Distances.
    Op("F.pairwise_distance", functional("pairwise_distance"), arity=2, dtypes=FLOATS, edges=HUGE_LESS),
    Op("F.pairwise_distance p=1 keepdim", functional("pairwise_distance", p=1, keepdim=True), arity=2, dtypes=FLOATS),
    Op("pairwise_distance", function("pairwise_distance", float("inf")), arity=2, dtypes=FLOATS, min_side=1),
    Op("F.pdist", functional("pdist"), dtypes=FLOATS, shapes=MATRICES),
    Op("F.pdist p=1", functional("pdist", 1), dtypes=FLOATS, shapes=MATRICES, edges=FINITE),
    Op("pdist", function("pdist", float("inf")), dtypes=FLOATS, shapes=MATRICES, edges=FINITE,
       differs=lambda a, d: tied_coordinates([a[0], a[0]], d)),
    Op("cdist", function("cdist"), arity=2, dtypes=FLOATS, shapes=CDIST, one_dtype=True),
    Op("cdist p=1", function("cdist", 1.0), arity=2, dtypes=FLOATS, shapes=CDIST, one_dtype=True, edges=FINITE),
    Op("cdist p=0", function("cdist", 0.0), arity=2, dtypes=FLOATS, shapes=CDIST, one_dtype=True, edges=FINITE),
    Op("cdist p=inf", function("cdist", float("inf")), arity=2, dtypes=FLOATS, shapes=CDIST, one_dtype=True,
       edges=FINITE,
       differs=tied_coordinates),
]

# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
    "F.linear": "mixed float32 and float64, and float64 operands holding ±1e38 or ±1e-38: as matmul; float32 "
                "operands holding ±1e38: NumPy's BLAS takes 1e38·1e38 in a fused multiply-add, exactly, so that "
                "inf + 1e38·1e38 is inf, where PyTorch's product overflows first (inf - inf, NaN)",
    "F.linear no bias": "as F.linear",
    "F.linear_cross_entropy": "mixed float32 and float64: as matmul; ±1e38: as F.linear",
    "renorm": "±1e38 in float32: as norm (ember's 2-norm squares the elements, which overflow); a float32 slice "
              "whose norm is maxnorm to float32's precision: PyTorch's forward compares the float32 norm with "
              "maxnorm (1.0 is not above 1, so the slice stays as it is), its backward the norm taken in float64 "
              "(1.0000000019 is), so its gradient is that of a scaled slice; ember's, the upstream gradient, is "
              "that of its forward",
    "renorm p=1": "as renorm, its float32 slices of norm maxnorm",
    "F.linear_cross_entropy bias": "as F.linear_cross_entropy",
    "F.embedding_bag per_sample_weights": "weights holding ±1e38, and float64 ones holding ±1e-38: as matmul (the "
                                          "weight's gradient sums products g·w, PyTorch's with fused multiply-adds)",
    "F.embedding_bag max": "NaN: PyTorch's kernel keeps a running largest value, which a NaN replaces only as its "
                           "bag's first (v > largest is false for NaN); ember's max is NaN wherever the bag holds one",
    "F.batch_norm": "±1e38: the normalized values and their gradient are differences of terms near 1e38·rstd that "
                    "cancel: PyTorch's kernels fold the statistics into one multiply-add, y = x·rstd - mean·rstd "
                    "(whose terms overflow float32, inf - inf), and write the gradient as a·g + b·x + c, which leave "
                    "rounding noise (3.4e22 at a lone 1e38 in float64, where the exact value is 0) or NaN; ember's "
                    "(x - mean)·rstd and (g - mean g - x̂·mean(g·x̂))·rstd do not; float32 channels of variance "
                    "below 1e-4 (rstd above 100): that rounding noise, |x|·rstd·2⁻²⁴, passes float32's tolerance at "
                    "an exact 0; an infinite weight: PyTorch's y = x·(w·rstd) + (b - mean·w·rstd) is inf - inf "
                    "(NaN) where ember's x̂·w is ±inf, and its gradient multiplies by w after the means of the "
                    "gradient (inf·(g - mean g)), ember's before (inf·g - mean(inf·g), NaN); mixed float32 "
                    "and float64: PyTorch refuses a per-channel tensor of another dtype, but not on an empty batch; "
                    "ember always",
    "F.batch_norm eval": "as F.batch_norm", "F.batch_norm running statistics": "as F.batch_norm",
    "batch_norm": "as F.batch_norm; and a single value per channel in training: PyTorch's kernel takes it "
                  "(F.batch_norm refuses it), ember's torch.batch_norm refuses it as F.batch_norm does",
    "F.instance_norm": "as F.batch_norm, with a sample's channel (an instance) where that has a channel of float32 "
                       "variance below 1e-4; 1-D inputs and an empty batch: PyTorch's kernel raises IndexError (it "
                       "indexes dim 1, and the first example), ember an InputError (a RuntimeError) and the empty "
                       "result",
    "F.instance_norm running statistics": "as F.instance_norm; and running statistics of another dtype: PyTorch takes "
                                          "a float32 running_mean with a float64 input but not a float32 running_var, "
                                          "ember neither; a float32 running variance of -eps (-1e-5): PyTorch's "
                                          "instance_norm adds eps in float32 (0, whose rsqrt is inf), its batch_norm "
                                          "in float64, as ember does for both; a float32 running variance below 1e-4: "
                                          "as F.batch_norm eval",
    "instance_norm": "as F.instance_norm; and a single spatial element in training: PyTorch's kernel takes it "
                     "(F.instance_norm refuses it), ember's torch.instance_norm refuses it as F.instance_norm does",
    "F.group_norm": "as F.batch_norm; and float32 groups of variance below 1e-2 (rstd above 10): a gradient far "
                    "smaller than its group's others is rounding noise of theirs, each framework's own (0.020942 "
                    "ember's, 0.020920 PyTorch's, for the exact 0.020935 beside 18.7)", "group_norm": "as F.group_norm",
    "F.layer_norm": "as F.batch_norm; float32 layers of variance below 1e-2: as F.group_norm (0.0029892 ember's, "
                    "0.0030022 PyTorch's, for the exact 0.0029895 beside 75.3); and mixed float32 and float64: "
                    "PyTorch refuses them, ember promotes (as matmul); "
                    "an infinite weight: PyTorch's gradient rstd·w·g + b·x + c takes sums of w·g·x that are then "
                    "infinite and cancel (inf - inf, NaN) where ember's (w·g - mean(w·g) - x̂·mean(w·g·x̂))·rstd is "
                    "±inf",
    "F.layer_norm 2 dims": "as F.layer_norm", "layer_norm": "as F.batch_norm",
    "F.rms_norm": "±1e38 in float32: mean(x²) overflows to inf (rstd 0) in both, and PyTorch's gradient, x times "
                  "rstd³ times a sum of infinite terms, is NaN where ember's is 0; a weight of 1e38: the gradient's "
                  "products w·g·rstd overflow float32 in PyTorch's order (inf) where ember's stay finite",
    "rms_norm": "as F.rms_norm",
    "F.cross_entropy label_smoothing weight": "targets whose weights sum to 0: the mean divides by 0, and each "
                                              "gradient is ±inf or NaN by each framework's order of terms; "
                                              "a subnormal float32 weight of the target's class (1e-38), which the "
                                              "mean divides by: PyTorch's float32 loss overflows to inf where the "
                                              "exact one (2.6e37, float64's in both) is ember's; "
                                              "±1e38 and infinite class weights, ±1e38 scores: the smoothing "
                                              "term Σ_c w_c·log p_c, PyTorch's summed as it stands, ember's as "
                                              "(log Σ e^s)·Σ w - Σ w·s, ±inf in one where the other has inf - inf "
                                              "(NaN) or a finite number",
    "F.scaled_dot_product_attention": "operands holding ±1e38, and float64 ones holding ±1e-38: as F.linear, and "
                                      "PyTorch scales the query and the key by √scale each before their product, "
                                      "which then stays finite where ember's, scaled after, overflows float32; no "
                                      "keys (S = 0) and ±inf or NaN in the query: PyTorch's fused CPU kernel gives "
                                      "NaN, ember the empty weighted sum 0",
    "F.scaled_dot_product_attention causal scale": "as F.scaled_dot_product_attention",
    "F.scaled_dot_product_attention float mask": "as F.scaled_dot_product_attention",
    "F.scaled_dot_product_attention bool mask": "as F.scaled_dot_product_attention",
    "F.multi_margin_loss": "an empty batch: PyTorch's mean of no losses is an uninitialized number (4.7e-310, "
                           "1.6e-322), ember's 0/0, NaN",
    "F.multi_margin_loss p=2 weight": "an empty batch: PyTorch checks no weight's dtype there, ember does; ±1e38 in "
                                      "float32 (not drawn): the gradient 2·w·z overflows in PyTorch's order (inf), "
                                      "not in ember's; a subnormal float32 weight beside an infinite score: ember's "
                                      "w·g/C underflows to 0 before it meets the infinite gap (0·inf, NaN), "
                                      "PyTorch's 2·w·z is inf first",
    "F.cross_entropy probabilities": "mixed float32 and float64: both give the float64 result, each with parts "
                                     "computed in float32 (the log-softmax of a float32 input), rounded otherwise "
                                     "(relative 1.6e-7, beyond float64's tolerance); ±1e38 in float32: ember's "
                                     "gradient softmax·Σq - q overflows in the sum of the target, PyTorch's is 0",
    "F.multilabel_soft_margin_loss": "mixed float32 and float64: PyTorch computes in the float32 of one of them and "
                                     "promotes the result (relative 2e-6, beyond float64's tolerance)",
    "F.multilabel_soft_margin_loss weight": "as F.multilabel_soft_margin_loss",
    "F.soft_margin_loss none": "as F.soft_margin_loss",
    "F.nll_loss": "±1e38: as sum all (the mean's sum in PyTorch's order loses the small losses beside ±1e38)",
    "F.nll_loss weight": "as F.nll_loss; and class weights at the targets that cancel but for a remainder below "
                         "their rounding (1e-38 + 2 - 2): summed in NumPy's order the total weight is 0 and the mean "
                         "0/0 (NaN), in PyTorch's cascade it is the remainder and the mean 0",
    "F.kl_div": "±1e38 in float32: the sum of the losses overflows float32 in ember's order of summation, not "
                "in PyTorch's; an empty input broadcast against a target: ember's gradient of the target "
                "multiplies its slope by an empty sum (NaN·0 where log t is NaN), PyTorch's sums no elements (0)",
    "F.kl_div log_target": "a float64 input and a float32 target: PyTorch takes exp(target) in float32, ember in "
                           "float64, which the float64 gradient's tolerance sees where its terms cancel (-0.0332442595 "
                           "against ember's -0.0332442550); ±1e38 in float32 beside a 0-d float64 target: ember casts "
                           "the target to the float32 result first, so each term g·exp(t)·(t - x) of its gradient "
                           "overflows float32 (-inf), where PyTorch sums g·(t - x) in float32 and multiplies by exp(t) "
                           "after the cast back to float64 (-6.07e38)",
    "kl_div": "as F.kl_div",
    "F.poisson_nll_loss": "a float32 input and a float64 target: both take exp (log) of the input in float32, as "
                          "PyTorch does, whose last bit NumPy's and PyTorch's kernels round each their own way "
                          "(PyTorch's e - 1 is 1.71828175, NumPy's 1.71828198), which the float64 result's tolerance "
                          "sees; and ±1e38: as sum all (the gradient of a broadcast input sums over its copies, whose "
                          "±1e38 targets cancel in PyTorch's order beside a 1 that NumPy's loses)",
    "poisson_nll_loss": "as F.poisson_nll_loss; and ±1e38: as sum all (its sum of the losses)",
    "F.gaussian_nll_loss": "±1e38 in float32: PyTorch's gradient of (input - target)² takes 2·(input - target) "
                           "first, which overflows float32 (inf) where the exact gradient, ember's, is finite (2e38); "
                           "a float32 var beside a float64 input or target: both take log(var) in float32, whose last "
                           "bit NumPy's and PyTorch's kernels round each their own way, as F.poisson_nll_loss's exp "
                           "(-0.1729053259 against -0.1729053557)",
    "F.gaussian_nll_loss full": "±1e38 in float32: (input - target)² / var overflows in PyTorch's order (inf/inf, "
                                "NaN) where ember's stays finite or 0; a float32 var beside float64: as "
                                "F.gaussian_nll_loss",
    "F.pairwise_distance": "±1e38: as norm (ember's 2-norm squares the elements, which overflow float32)",
    "F.triplet_margin_loss": "±1e38: as F.pairwise_distance, its distances; two float32 inputs beside a float64 one: "
                             "their float32 distance's last bit, which PyTorch's 2-norm rounds off the nearest "
                             "(3.0103989 for the exact 3.01039872, ember's 3.0103986), under the float64 result's "
                             "tolerance",
    "triplet_margin_loss": "as F.triplet_margin_loss",
    "F.triplet_margin_with_distance_loss": "as F.triplet_margin_loss",
    "pairwise_distance": "empty inputs: PyTorch's inf-norm of no numbers raises, ember's is 0 (as PyTorch's pdist and "
                         "cdist give)",
    "F.pdist p=1": "as cdist p=1", "pdist": "as cdist p=inf",
    "F.multilabel_margin_loss": "as F.multi_margin_loss",
    "F.binary_cross_entropy_with_logits": "mixed float32 and float64 (not drawn): PyTorch's result takes the "
                                          "target's dtype (float32 for a float64 input), ember promotes; ±1e38 (not "
                                          "drawn): the mean of the losses, whose ±1e38 cancel in PyTorch's order of "
                                          "summation and not in NumPy's pairwise one (0.539 against ember's 0.077)",
    "F.binary_cross_entropy_with_logits pos_weight": "as F.binary_cross_entropy_with_logits; and infinite targets "
                                                     "or inputs: "
                                                     "PyTorch's gradient groups the terms in y otherwise, inf - inf "
                                                     "(NaN) where ember's (1 + (pw - 1)·y)·σ(x) - pw·y is ±inf",
    "binary_cross_entropy_with_logits": "as F.binary_cross_entropy_with_logits pos_weight, and infinite inputs too; "
                                        "and shapes that differ: "
                                        "PyTorch's kernel broadcasts them, ember's "
                                        "torch.binary_cross_entropy_with_logits refuses them as F's does",
    "F.hinge_embedding_loss": "±1e38 (not drawn): as sum all (the mean of the losses)",
    "F.soft_margin_loss": "|target·input| beyond 80 (±inf and ±1e38 among them): PyTorch's log(1 + e^(-y·x)) overflows "
                          "to inf where ember's softplus stays finite (1e38), and its gradient e^(-y·x)/(1 + e^(-y·x)) "
                          "is inf/inf, NaN; mixed float32 and float64: PyTorch's result takes the input's dtype, ember "
                          "promotes",
    "F.poisson_nll_loss not log_input full": "as F.poisson_nll_loss, and a float32 target's Stirling term, in "
                                             "float32 as well; and targets ≤ 0 and NaN: PyTorch computes the "
                                             "Stirling term t·log t - t + ½·log(2πt) of every target and masks those "
                                             "≤ 1 out afterwards, so its gradient there is 0·(±inf or NaN), NaN; "
                                             "ember's is 0",
    "F.ctc_loss": "log-probabilities that are not normalized: PyTorch's gradient is exp(lp) - γ (γ the posteriors of "
                  "the classes), which is the derivative -γ once a log_softmax is backpropagated, so the rows take "
                  "log_softmax of their scores; ±inf, NaN and ±1e38 scores (log-probabilities -inf, NaN or near "
                  "-1e38): the posteriors exp(α + β + loss - lp) are then differences of numbers near 1e38 (or "
                  "infinite), other rounding noise or NaN in each",
    "F.ctc_loss sum zero_infinity": "as F.ctc_loss", "F.ctc_loss none": "as F.ctc_loss", "ctc_loss": "as F.ctc_loss",
    "cdist": "mixed float32 and float64: PyTorch refuses them but on an empty input, where it returns first; ember "
             "always",
    "cdist p=1": "as cdist; and ±inf and NaN: PyTorch's cdist kernel gives NaN (distance and gradient) where a "
                 "difference is NaN (inf - inf), ember's p-norm the gradient 0 there, as torch.linalg.vector_norm's",
    "cdist p=0": "as cdist p=1, ember counting a NaN difference as non-zero, as torch.linalg.vector_norm does",
    "cdist p=inf": "as cdist p=1; and ties: PyTorch's cdist gives the whole gradient to each coordinate tied for the "
                   "largest |difference|, ember's inf-norm shares it among them, as torch.linalg.vector_norm does",
}
