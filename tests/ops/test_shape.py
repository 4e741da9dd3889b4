import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember

from helpers import (DEVICES, broadcastable_shapes, check_op, check_parity, dim, dims, rand, raises, seeds, shapes,
                     to_numpy)


def _factor(shape, data):
    """A new shape with as many elements as shape, one of its entries maybe -1."""
    n = int(np.prod(shape))
    sizes = []
    while n > 1:
        divisors = [d for d in range(2, n + 1) if n % d == 0]
        d = data.draw(st.sampled_from(divisors), label="size")
        sizes.append(d)
        n //= d
    sizes += [1] * data.draw(st.integers(0, 2), label="ones")
    sizes = data.draw(st.permutations(sizes), label="order") or [1]
    if data.draw(st.booleans(), label="minus one"):
        sizes[data.draw(st.integers(0, len(sizes) - 1), label="where")] = -1
    return tuple(sizes)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(), seed=seeds, data=st.data())
def test_reshape_and_view(device, shape, seed, data):
    new = _factor(shape, data)
    check_op(lambda lib, x: (x.reshape(new) * 1, x.view(*new) * 2, lib.reshape(x, new)), rand(*shape, seed=seed),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_transpose_and_permute(device, shape, seed, data):
    ndim = len(shape)
    d0, d1 = data.draw(dim(ndim), label="dim0"), data.draw(dim(ndim), label="dim1")
    order = data.draw(st.permutations(range(ndim)), label="order")
    order = [d - ndim if i % 2 else d for i, d in enumerate(order)]  # some dims negative
    check_op(lambda lib, x: (x.transpose(d0, d1), lib.permute(x, order), x.permute(*order)),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=2, max_dims=2), seed=seeds)
def test_t_and_T_of_a_matrix(device, shape, seed):
    check_op(lambda lib, x: (x.t(), x.T), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=2), seed=seeds)
def test_mT_of_a_batch(device, shape, seed):
    check_op(lambda lib, x: x.mT, rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_t_of_a_vector_or_a_number_changes_nothing(device):
    check_op(lambda lib, x: x.t() * 2, rand(3), device=device)
    check_op(lambda lib, x: x.t() * 2, rand(), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(), seed=seeds, data=st.data())
def test_flatten(device, shape, seed, data):
    ndim = max(len(shape), 1)
    start = data.draw(dim(ndim), label="start")
    end = data.draw(dim(ndim).filter(lambda e: e % ndim >= start % ndim), label="end")
    check_op(lambda lib, x: (x.flatten(), lib.flatten(x, start, end), x.flatten(start_dim=start)),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(max_side=2), seed=seeds, data=st.data())
def test_squeeze_and_unsqueeze(device, shape, seed, data):
    ndim = len(shape)
    d = data.draw(dim(max(ndim, 1)), label="squeeze dim")
    new = data.draw(dim(ndim + 1), label="unsqueeze dim")
    check_op(lambda lib, x: (x.squeeze(), lib.squeeze(x, d), x.unsqueeze(new), lib.unsqueeze(x, new)),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_squeeze_of_a_0d_tensor(device):
    check_op(lambda lib, x: (x.squeeze(0), lib.squeeze(x, -1)), rand(), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_squeeze_of_several_dims(device):
    check_op(lambda lib, x: x.squeeze((0, -1)), rand(1, 3, 1, 1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(max_side=3), seed=seeds, data=st.data())
def test_expand(device, shape, seed, data):
    sides = st.integers(1, 3)
    target = data.draw(st.lists(sides, min_size=max(len(shape), 1), max_size=len(shape) + 2),
                       label="target")
    lead = len(target) - len(shape)
    sizes = []
    for i, n in enumerate(target):
        if i < lead:
            sizes.append(n)
        elif shape[i - lead] != 1 or data.draw(st.booleans(), label="keep"):
            sizes.append(-1 if data.draw(st.booleans(), label="-1") else shape[i - lead])
        else:
            sizes.append(n)
    other = rand(*[shape[i - lead] if n == -1 else n for i, n in enumerate(sizes)], seed=seed + 1)
    check_op(lambda lib, x, o: (x.expand(*sizes), x.expand(sizes) * o, x.expand_as(o)),
             rand(*shape, seed=seed), other, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), count=st.integers(1, 3), seed=seeds, data=st.data())
def test_cat_and_stack(device, shape, count, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    lengths = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count), label="lengths")
    parts = [rand(*shape[:d % len(shape)], n, *shape[d % len(shape) + 1:], seed=seed + i)
             for i, n in enumerate(lengths)]
    check_op(lambda lib, *ts: lib.cat(ts, dim=d), *parts, device=device)
    same = [rand(*shape, seed=seed + i) for i in range(count)]
    new = data.draw(dim(len(shape) + 1), label="stack dim")
    check_op(lambda lib, *ts: lib.stack(list(ts), new), *same, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cat_of_vectors_of_different_lengths(device):
    check_op(lambda lib, a, b: lib.cat([a, b]), rand(1), rand(2, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cat_of_mixed_dtypes_promotes(device):
    check_parity(lambda lib, a, b: lib.cat([a, b.long(), a.float()]), rand(2, 3), rand(1, 3), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), size=st.integers(1, 6), seed=seeds, data=st.data())
def test_split_and_chunk(device, shape, size, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    length = shape[d]
    cuts = sorted(data.draw(st.lists(st.integers(0, length), max_size=3), label="cuts"))
    sections = [b - a for a, b in zip([0] + cuts, cuts + [length])]
    x = rand(*shape, seed=seed)
    check_op(lambda lib, x: x.split(size, dim=d), x, device=device)
    check_op(lambda lib, x: lib.split(x, sections, d), x, device=device)
    check_op(lambda lib, x: x.chunk(size, d), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_using_one_piece_of_a_split(device):
    check_op(lambda lib, x: x.split([1, 3], dim=1)[1] * 2, rand(2, 4), device=device)
    check_op(lambda lib, x: lib.chunk(x, 3)[-1].exp(), rand(5, 2), device=device)


def test_shape_ops_that_change_nothing_return_the_same_tensor():
    x = ember.ones(2, 3)
    assert x.reshape(2, 3) is x and x.expand(2, 3) is x and x.contiguous() is x


# -------------------------------------------------------------------------------------------------
# Errors.

def test_reshape_to_a_wrong_size():
    with raises(RuntimeError, "shape (4, 2) is invalid for a tensor of shape (2, 3) (6 elements)"):
        ember.ones(2, 3).reshape(4, 2)
    with raises(RuntimeError, "shape (4, -1) is invalid for a tensor of shape (2, 3) (6 elements)"):
        ember.ones(2, 3).view(4, -1)
    with raises(RuntimeError, "only one dimension can be -1, got (-1, -1)"):
        ember.ones(2, 3).reshape(-1, -1)


def test_a_0_d_tensor_has_no_dimension_to_split():
    for split in (lambda x: x.split(1), lambda x: ember.split_with_sizes(x, [1])):
        with raises(RuntimeError, "split: expected a tensor of at least one dimension, got a 0-d tensor"):
            split(ember.tensor(1.0))
    with raises(RuntimeError, "chunk: expected a tensor of at least one dimension, got a 0-d tensor"):
        ember.tensor(1.0).chunk(2)
    with raises(RuntimeError, "unflatten: a 0-d tensor has no dimension to unflatten"):
        ember.tensor(1.0).unflatten(0, (1, 1))
    with raises(RuntimeError, "unflatten: sizes (-1, 0) do not multiply up to the size 0 of dimension 0"):
        ember.ones(0, 2).unflatten(0, (-1, 0))


def test_permute_that_is_not_an_ordering():
    with raises(RuntimeError, "permute: (0, 0) is not an ordering of the 2 dimensions"):
        ember.ones(2, 3).permute(0, 0)
    with raises(RuntimeError, "permute: (1,) is not an ordering of the 2 dimensions"):
        ember.ones(2, 3).permute(1)


def test_expand_of_a_dim_that_is_not_1():
    with raises(RuntimeError, "expand: dimension 0 of size 2 cannot grow to 4 (only size-1 dimensions can)"):
        ember.ones(2, 3).expand(4, 3)
    with raises(RuntimeError, "expand: -1 is not allowed for a new leading dimension"):
        ember.ones(2, 3).expand(-1, 2, 3)
    with raises(RuntimeError, "has fewer dimensions than the tensor"):
        ember.ones(2, 3).expand(3)


def test_cat_and_stack_of_mismatched_shapes():
    with raises(RuntimeError, "cat: tensor 1 has shape (2, 4), tensor 0 has (2, 3); only dimension 0 may differ"):
        ember.cat([ember.ones(2, 3), ember.ones(2, 4)])
    with raises(RuntimeError, "cat: tensor 1 has shape (3,), tensor 0 has (2, 3); only dimension 1 may differ"):
        ember.cat([ember.ones(2, 3), ember.ones(3)], dim=1)
    with raises(RuntimeError, "stack: tensor 1 has shape (3, 2), tensor 0 has (2, 3)"):
        ember.stack([ember.ones(2, 3), ember.ones(3, 2)])
    with raises(ValueError, "cat: expected a non-empty sequence of tensors"):
        ember.cat([])


def test_split_sizes_that_do_not_add_up():
    with raises(RuntimeError, "split: sizes [1, 1] add up to 2, but dimension 1 has size 3"):
        ember.ones(2, 3).split([1, 1], dim=1)
    with raises(RuntimeError, "split: the piece size must be positive, got 0"):
        ember.ones(2, 3).split(0)
    with raises(RuntimeError, "chunk: chunks must be a positive int, got 0"):
        ember.ones(2, 3).chunk(0)


def test_t_of_more_than_two_dims():
    with raises(RuntimeError, "t() expects a tensor with at most 2 dimensions, got 3"):
        ember.ones(2, 3, 4).t()


def test_flatten_with_start_after_end():
    with raises(RuntimeError, "flatten: start_dim 2 comes after end_dim 1"):
        ember.ones(2, 3, 4).flatten(2, 1)


# -------------------------------------------------------------------------------------------------
# More views.

@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_unflatten_and_ravel(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    sizes = list(_factor((shape[d],), data))
    check_op(lambda lib, x: (lib.unflatten(x, d, sizes), x.unflatten(d, tuple(sizes)), lib.ravel(x), x.ravel(),
                             x.reshape_as(x.ravel()), x.ravel().view_as(x)),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_movedim_and_swaps(device, shape, seed, data):
    ndim = len(shape)
    source = data.draw(dims(ndim), label="source")
    destination = data.draw(dims(ndim, min_size=len(source), max_size=len(source)), label="destination")
    d0, d1 = data.draw(dim(ndim), label="dim0"), data.draw(dim(ndim), label="dim1")
    check_op(lambda lib, x: (lib.movedim(x, source, destination), x.moveaxis(source[0], destination[0]),
                             lib.swapaxes(x, d0, d1), x.swapdims(d0, d1),
                             lib.moveaxis(x, list(source), list(destination))),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_t_as_a_function(device):
    check_op(lambda lib, x, v: (lib.t(x), lib.t(v), x.t()), rand(2, 3), rand(3), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes_=broadcastable_shapes(3, max_dims=3), seed=seeds)
def test_broadcast_to_tensors_and_shapes(device, shapes_, seed):
    target = ember.broadcast_shapes(*shapes_)
    assert target == tuple(torch.broadcast_shapes(*shapes_))
    arrays = [rand(*s, seed=seed + i) for i, s in enumerate(shapes_)]
    check_op(lambda lib, a, b, c: (*lib.broadcast_tensors(a, b, c), lib.broadcast_to(a, target),
                                   b.broadcast_to(target)),
             *arrays, device=device)


def test_broadcast_shapes_of_ints_and_nothing():
    assert ember.broadcast_shapes(2, (3, 1)) == (3, 2)
    assert ember.broadcast_shapes() == ()
    assert ember.broadcast_tensors() == ()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (1, 2, 1, 3)])
def test_atleast(device, shape):
    check_op(lambda lib, x, y: (lib.atleast_1d(x), lib.atleast_2d(x), lib.atleast_3d(x), *lib.atleast_1d(x, y),
                                *lib.atleast_2d([x, y]), *lib.atleast_3d((x,))),
             rand(*shape), rand(2, seed=1), device=device)
    assert ember.atleast_2d() == ()


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_unbind(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: (*lib.unbind(x, d), *x.unbind(d)), rand(*shape, seed=seed), device=device)
    assert ember.unbind(ember.ones(0, 2)) == ()


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_unfold_windows(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    size = data.draw(st.integers(0, shape[d]), label="size")
    step = data.draw(st.integers(1, 3), label="step")
    check_op(lambda lib, x: (x.unfold(d, size, step), lib.unfold_copy(x, d, size, step)), rand(*shape, seed=seed),
             device=device)


def test_unfold_is_a_view_with_pytorch_strides():
    ours, theirs = ember.zeros(3, 6), torch.zeros(3, 6)
    for x in (ours, theirs):
        windows = x.unfold(1, 3, 2)
        windows[:, 1].fill_(1.0)  # the windows overlap: this writes columns 2 to 4
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    assert ours.unfold(1, 3, 2).stride() == theirs.unfold(1, 3, 2).stride()
    check_op(lambda lib, x: x.unfold(0, 1, 1), rand())


# -------------------------------------------------------------------------------------------------
# Flips, rolls and rotations.

@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(), seed=seeds, data=st.data())
def test_flip(device, shape, seed, data):
    axes = data.draw(dims(len(shape), min_size=0), label="dims") if shape else ()
    check_op(lambda lib, x: (lib.flip(x, axes), x.flip(list(axes)), x.flip(*axes) if axes else x),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_fliplr_and_flipud(device):
    check_op(lambda lib, x, v: (lib.fliplr(x), x.flipud(), lib.flipud(v)), rand(2, 3, 4), rand(3), device=device)


def test_flip_copies_as_pytorch_does():
    x = ember.ones(3, 4)
    assert x.flip(1).stride() == (4, 1) and x.t().flip(1).stride() == (1, 4)
    flipped = x.flip(0)
    flipped.fill_(0.0)
    assert x.tolist() == [[1.0] * 4] * 3


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1), seed=seeds, data=st.data())
def test_roll(device, shape, seed, data):
    axes = data.draw(dims(len(shape)), label="dims")
    shifts = data.draw(st.lists(st.integers(-7, 7), min_size=len(axes), max_size=len(axes)), label="shifts")
    flat = data.draw(st.integers(-7, 7), label="flat shift")
    check_op(lambda lib, x: (lib.roll(x, shifts, axes), x.roll(flat), lib.roll(x, shifts[0], axes[0])),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 4, 5])
def test_rot90(device, k):
    check_op(lambda lib, x: (lib.rot90(x, k), x.rot90(k, [2, 0]), lib.rot90(x, k, (-1, 1))), rand(2, 3, 4),
             device=device)
    assert ember.ones(3, 4).rot90(k).stride() == torch.ones(3, 4).rot90(k).stride()


# -------------------------------------------------------------------------------------------------
# In-place views: the tensor itself takes the new shape.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("change", [
    lambda x: x.squeeze_(), lambda x: x.squeeze_(0), lambda x: x.unsqueeze_(-1), lambda x: x.t_() if x.ndim <= 2 else
    x.transpose_(0, 2), lambda x: x.transpose_(0, -1), lambda x: x.swapaxes_(1, 2), lambda x: x.swapdims_(0, 1),
], ids=["squeeze_", "squeeze_-dim", "unsqueeze_", "t_", "transpose_", "swapaxes_", "swapdims_"])
def test_in_place_views(device, change):
    def run(lib, x):
        y = x * 2  # in a graph: the view is recorded, as PyTorch does
        assert change(y) is y
        return y
    check_op(run, rand(1, 2, 3), device=device)
    plain = ember.tensor(rand(1, 2, 3), device=device)
    change(plain)
    assert plain.shape == change(torch.tensor(rand(1, 2, 3))).shape and plain._version == 1


def test_t_in_place_of_a_matrix_and_a_vector():
    check_op(lambda lib, x, v: (x.clone().t_(), v.clone().t_()), rand(2, 3), rand(3))


def test_in_place_view_refusals():
    with raises(RuntimeError, "squeeze_: a leaf tensor that requires grad cannot be changed in place"):
        ember.ones(2, 1, requires_grad=True).squeeze_()
    with raises(RuntimeError, "t() expects a tensor with at most 2 dimensions, got 3"):
        ember.ones(2, 3, 4).t_()


# -------------------------------------------------------------------------------------------------
# Errors of the new views.

def test_view_errors():
    x = ember.ones(3, 4)
    with raises(RuntimeError, "unflatten: sizes (3, 2) do not multiply up to the size 4 of dimension 1"):
        x.unflatten(1, (3, 2))
    with raises(RuntimeError, "unflatten: sizes must not be empty"):
        x.unflatten(1, ())
    with raises(RuntimeError, "movedim: a dimension is repeated in source [0, 0]"):
        ember.movedim(x, (0, 0), (0, 1))
    with raises(RuntimeError, "movedim: source (0,) and destination (0, 1) need as many dims"):
        ember.movedim(x, (0,), (0, 1))
    with raises(RuntimeError, "broadcast_shapes: shapes ((2,), (3,)) do not broadcast together"):
        ember.broadcast_shapes((2,), (3,))
    with raises(ValueError, "broadcast_shapes: sizes cannot be negative, got (2, -1)"):
        ember.broadcast_shapes((2, -1))
    with raises(IndexError, "unbind: a 0-d tensor has no dimension to unbind"):
        ember.unbind(ember.tensor(1.0))
    with raises(RuntimeError, "unfold: the window size 5 must be in [0, 4], the size of dimension 1"):
        x.unfold(1, 5, 1)
    with raises(RuntimeError, "unfold: step must be positive, got 0"):
        x.unfold(1, 2, 0)
    with raises(TypeError, "flip: dims is a tuple or list of ints, got an int"):
        ember.flip(x, 0)
    with raises(RuntimeError, "dim 0 appears more than once in (0, 0)"):
        x.flip(0, 0)
    with raises(RuntimeError, "fliplr: expected at least 2 dimensions, got 1"):
        ember.fliplr(ember.ones(3))
    with raises(RuntimeError, "flipud: expected at least 1 dimension, got a 0-d tensor"):
        ember.flipud(ember.tensor(1.0))
    with raises(RuntimeError, "roll: shifts (1,) and dims (0, 1) need as many entries"):
        x.roll(1, (0, 1))
    with raises(IndexError, "roll: a 0-d tensor has no dimension to roll along"):
        ember.tensor(1.0).roll(1, 0)
    with raises(RuntimeError, "rot90: expected 2 rotation dims, got (0,)"):
        x.rot90(1, [0])
    with raises(RuntimeError, "rot90: the rotation dims must differ, got (0, 0)"):
        x.rot90(1, [0, 0])
    with raises(RuntimeError, "rot90: expected at least 2 dimensions, got 1"):
        ember.ones(3).rot90()
