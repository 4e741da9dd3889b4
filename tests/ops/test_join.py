import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_op, check_parity, dim, rand, raises, seeds, shapes


# -------------------------------------------------------------------------------------------------
# Stacks.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("stack", [
    lambda lib, ts: lib.hstack(ts), lambda lib, ts: lib.vstack(ts), lambda lib, ts: lib.row_stack(ts),
    lambda lib, ts: lib.dstack(ts), lambda lib, ts: lib.column_stack(ts),
], ids=["hstack", "vstack", "row_stack", "dstack", "column_stack"])
@pytest.mark.parametrize("shapes_", [[(), ()], [(2,), (3,)], [(2,), (2,)], [(2, 1), (2, 3)], [(1, 3), (2, 3)],
                                     [(2, 3, 1), (2, 3, 2)], [(2,), (2, 3)], [(), (1, 3)]],
                         ids=["numbers", "vectors", "same-vectors", "matrices-by-columns", "matrices-by-rows",
                              "3d", "vector-and-matrix", "number-and-row"])
def test_stacks(device, stack, shapes_):
    arrays = [rand(*s, seed=i) for i, s in enumerate(shapes_)]
    try:
        stack(torch, [torch.tensor(a) for a in arrays])
    except RuntimeError:  # the shapes do not join this way in PyTorch: nor in ember
        with pytest.raises(RuntimeError):
            stack(ember, [ember.tensor(a, device=device) for a in arrays])
        return
    check_op(lambda lib, *ts: stack(lib, ts), *arrays, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_stacks_promote_dtypes(device):
    check_parity(lambda lib, a, b: (lib.hstack([a, b.long()]), lib.vstack((a.long(), b))), rand(2), rand(2, seed=1),
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_block_diag(device):
    check_op(lambda lib, a, b, c, d: lib.block_diag(a, b, c, d), rand(2, 2), rand(), rand(3, seed=1),
             rand(0, 2), device=device)
    check_parity(lambda lib, a, b: lib.block_diag(a.long(), b.bool(), a), rand(1, 2), rand(2, 1, seed=1),
                 device=device)


# -------------------------------------------------------------------------------------------------
# Splits.

@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), sections=st.integers(1, 7), seed=seeds, data=st.data())
def test_tensor_split(device, shape, sections, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    n = shape[d]
    indices = data.draw(st.lists(st.integers(-n - 1, n + 1), max_size=3), label="indices")
    check_op(lambda lib, x, s, i: (*lib.tensor_split(x, sections, d), *x.tensor_split(indices, dim=d),
                                   *lib.tensor_split(x, s, d), *lib.tensor_split(x, i, d)),
             rand(*shape, seed=seed), np.array(sections), np.array(indices, dtype=np.int64), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("split", [
    lambda lib, x: lib.hsplit(x, 2), lambda lib, x: x.hsplit([1, 3]), lambda lib, x: lib.vsplit(x, [1]),
    lambda lib, x: x.vsplit(2), lambda lib, x: lib.dsplit(x, 3), lambda lib, x: x.dsplit([2, 5]),
    lambda lib, x: lib.hsplit(x[0, 0], 3), lambda lib, x: lib.split_with_sizes(x, [1, 1], 0),
    lambda lib, x: x.split_with_sizes([3, 1], dim=1), lambda lib, x: lib.unsafe_split(x, 3, 2),
    lambda lib, x: x.unsafe_chunk(3, -1), lambda lib, x: lib.unsafe_split_with_sizes(x, [2, 2], 1),
], ids=["hsplit", "hsplit-indices", "vsplit-indices", "vsplit", "dsplit", "dsplit-indices", "hsplit-vector",
        "split_with_sizes", "split_with_sizes-method", "unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes"])
def test_the_named_splits(device, split):
    check_op(lambda lib, x: tuple(split(lib, x)), rand(2, 4, 6), device=device)


# -------------------------------------------------------------------------------------------------
# Grids and combinations.

@pytest.mark.filterwarnings("ignore:torch.meshgrid")  # PyTorch warns when indexing is not given
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("indexing", ["ij", "xy", None])
def test_meshgrid(device, indexing):
    kwargs = {} if indexing is None else {"indexing": indexing}
    check_op(lambda lib, a, b, c: (*lib.meshgrid(a, b, c, **kwargs), *lib.meshgrid([b, a], **kwargs),
                                   *lib.meshgrid(a, **kwargs)),
             rand(2), rand(3, seed=1), rand(seed=2), device=device)
    ours = ember.meshgrid(ember.ones(2), ember.ones(3), **kwargs)
    theirs = torch.meshgrid(torch.ones(2), torch.ones(3), indexing=indexing or "ij")
    assert [t.stride() for t in ours] == [t.stride() for t in theirs]  # views, not copies


@pytest.mark.parametrize("device", DEVICES)
def test_cartesian_prod(device):
    check_op(lambda lib, a, b, c: (lib.cartesian_prod(a, b, c), lib.cartesian_prod(b)), rand(2), rand(3, seed=1),
             rand(1, seed=2), device=device)
    check_parity(lambda lib, a, b: lib.cartesian_prod(a, b), np.array([1, 2]), np.array([3, 4, 5]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("r", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("with_replacement", [False, True])
def test_combinations(device, r, with_replacement):
    if r == 0:  # PyTorch's empty result is cut off from the graph
        check_parity(lambda lib, x: lib.combinations(x, 0), rand(4), device=device, backward=False)
        return
    check_op(lambda lib, x: lib.combinations(x, r, with_replacement=with_replacement), rand(4), device=device)


# -------------------------------------------------------------------------------------------------
# Repeats.

@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(max_dims=3, max_side=3), seed=seeds, data=st.data())
def test_repeat_and_tile(device, shape, seed, data):
    repeats = data.draw(st.lists(st.integers(0, 3), min_size=len(shape), max_size=len(shape) + 2), label="repeats")
    fewer = data.draw(st.lists(st.integers(1, 3), max_size=len(shape) + 1), label="tile dims")
    check_op(lambda lib, x: (x.repeat(*repeats) if repeats else x, x.repeat(repeats), lib.tile(x, fewer),
                             x.tile(fewer), x.tile(*fewer) if fewer else x),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_repeat_interleave(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    counts = np.array(data.draw(st.lists(st.integers(0, 3), min_size=shape[d], max_size=shape[d]), label="counts"))
    times = data.draw(st.integers(0, 3), label="times")
    check_op(lambda lib, x, c: (lib.repeat_interleave(x, c, d), x.repeat_interleave(times),
                                x.repeat_interleave(c.sum().reshape(1), dim=d) if shape[d] == 1 else x,
                                lib.repeat_interleave(x, c.int(), dim=d, output_size=int(counts.sum())),
                                x.repeat_interleave(lib.tensor(times), d)),
             rand(*shape, seed=seed), counts, device=device)
    check_parity(lambda lib, c: (lib.repeat_interleave(c), lib.repeat_interleave(c.int())), counts, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_repeat_interleave_of_a_number(device):
    check_op(lambda lib, x: lib.repeat_interleave(x, 3), rand(), device=device)


# -------------------------------------------------------------------------------------------------
# Errors.

def test_join_errors():
    x = ember.ones(4, 6)
    with raises(RuntimeError, "hstack: expected a non-empty sequence of tensors"):
        ember.hstack([])
    with raises(RuntimeError, "block_diag: tensors must have at most 2 dimensions, tensor 1 has 3"):
        ember.block_diag(x, ember.ones(1, 1, 1))
    with raises(RuntimeError, "tensor_split: expected at least 1 dimension, got a 0-d tensor"):
        ember.tensor_split(ember.tensor(1.0), 1)
    with raises(IndexError, "repeat_interleave: a 0-d tensor has no dimension 0"):
        ember.repeat_interleave(ember.tensor(1.0), 2, 0)
    with raises(RuntimeError, "tensor_split: the number of sections must be positive, got 0"):
        x.tensor_split(0)
    with raises(RuntimeError, "tensor_split: expected an int64 index tensor, got float32"):
        x.tensor_split(ember.tensor([1.0]))
    with raises(RuntimeError, "tensor_split: a tensor of indices or sections must be 0-d or 1-d, got 2 dimensions"):
        x.tensor_split(ember.tensor([[1]]))
    with raises(RuntimeError, "hsplit: dimension 1 of size 6 does not split into 4 equal sections"):
        x.hsplit(4)
    with raises(RuntimeError, "vsplit: expected at least 2 dimensions, got 1"):
        ember.vsplit(ember.ones(6), 3)
    with raises(RuntimeError, "dsplit: expected at least 3 dimensions, got 2"):
        x.dsplit(2)
    with raises(RuntimeError, "split: sizes [1, 1] add up to 2, but dimension 0 has size 4"):
        x.split_with_sizes([1, 1])
    with raises(RuntimeError, "meshgrid: indexing must be 'ij' or 'xy', got 'ab'"):
        ember.meshgrid(x[0], indexing="ab")
    with raises(RuntimeError, "meshgrid: expected 0-d or 1-d tensors, got shape (4, 6)"):
        ember.meshgrid(x)
    with raises(RuntimeError, "meshgrid: expected tensors of one dtype, got float32 and int64"):
        ember.meshgrid(x[0], x[0].long())
    with raises(RuntimeError, "cartesian_prod: expected 1-D tensors, got shape ()"):
        ember.cartesian_prod(ember.tensor(2.0))
    with raises(RuntimeError, "combinations: expected a 1-D tensor, got shape (4, 6)"):
        ember.combinations(x)
    with raises(RuntimeError, "combinations: r must not be negative, got -1"):
        ember.combinations(x[0], -1)


def test_repeat_errors():
    x = ember.ones(3, 4)
    with raises(RuntimeError, "repeat: 1 repeats for a tensor of 2 dimensions"):
        x.repeat(2)
    with raises(RuntimeError, "repeat: repeats must not be negative, got (-1, 1)"):
        x.repeat(-1, 1)
    with raises(TypeError, "tile: dims is a tuple or list of ints, got an int"):
        ember.tile(x, 2)
    with raises(RuntimeError, "repeat_interleave: 2 repeats for a dimension of size 3"):
        x.repeat_interleave(ember.tensor([1, 2]), dim=0)
    with raises(RuntimeError, "repeat_interleave: repeats must not be negative, got -1"):
        x.repeat_interleave(-1)
    with raises(RuntimeError, "repeat_interleave: repeats must be an integer tensor, got float32"):
        x.repeat_interleave(ember.tensor([1.0, 1.0, 2.0]), dim=0)
    with raises(RuntimeError, "repeat_interleave: repeats must be 0-d or 1-d, got shape (1, 1)"):
        x.repeat_interleave(ember.tensor([[1]]), dim=0)
    with raises(RuntimeError, "repeat_interleave: output_size is 5, but the repeats add up to 6"):
        x.repeat_interleave(2, dim=0, output_size=5)
    with raises(RuntimeError, "repeat_interleave: repeats alone must be a 1-D tensor, got shape (1, 2)"):
        ember.repeat_interleave(ember.tensor([[1, 2]]))
