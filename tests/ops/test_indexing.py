import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from helpers import DEVICES, broadcastable_shapes, check_op, check_parity, dim, rand, raises, seeds, shapes, to_numpy


def _forward_steps(index):
    """PyTorch slices only with positive steps: turn a negative step into a positive one."""
    parts = index if isinstance(index, tuple) else (index,)
    return tuple(slice(p.stop, p.start, -p.step) if isinstance(p, slice) and p.step and p.step < 0 else p
                 for p in parts)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(), seed=seeds, data=st.data())
def test_basic_indexing(device, shape, seed, data):
    """ints (negative too), slices with steps, None and Ellipsis."""
    index = _forward_steps(data.draw(hnp.basic_indices(shape, allow_newaxis=True), label="index"))
    check_op(lambda lib, x: x[index], rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", ["list", "numpy", "tensor"])
@given(shape=shapes(min_dims=1, max_dims=3), index_shape=shapes(max_dims=2), seed=seeds, data=st.data())
def test_integer_array_indexing_adds_up_repeated_picks(device, kind, shape, index_shape, seed, data):
    n = shape[0]
    index = np.asarray(data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-n, n - 1)), label="index"))
    if kind == "tensor":
        check_op(lambda lib, x, i: x[i], rand(*shape, seed=seed), index, device=device)
    else:
        picks = index.reshape(-1).tolist() if kind == "list" else index  # a nested list would be a tuple to PyTorch
        check_op(lambda lib, x: x[picks], rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_gradients_of_a_repeated_index_accumulate(device):
    x = ember.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    x[[0, 2, 0, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]
    check_op(lambda lib, x, i: x[:, i] * x[i, 1:2], rand(3, 3), np.array([2, 2, 0]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_boolean_masks(device, shape, seed, data):
    mask_dims = data.draw(st.integers(1, len(shape)), label="mask dims")
    mask = data.draw(hnp.arrays(np.bool_, shape[:mask_dims]), label="mask")
    check_op(lambda lib, x, m: (x[m], x[x > 0.5]), rand(*shape, seed=seed), mask, device=device)
    rows = data.draw(hnp.arrays(np.bool_, shape[:1]), label="row mask").tolist()  # a nested list would be a tuple
    check_op(lambda lib, x: x[rows], rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index", [
    (slice(1, None), [0, 2, 2]),
    ([0, 1], slice(None), 1),
    (slice(None), [1, 0], -1),
    (1, slice(None, None, 2), [3, 0, 3]),
    (None, 1, slice(None), [0, 1]),
    (None, [1], Ellipsis, [[0], [2]]),
    (Ellipsis, [True, False, True, True]),
    ([[0, 1], [1, 1]], slice(0, 2), None, [1, 3]),
], ids=["slice-list", "list-slice-int", "slice-list-int", "int-step-list", "none-int-slice-list",
        "none-list-ellipsis-list",
        "ellipsis-mask", "split-advanced"])
def test_basic_and_advanced_indices_mixed(device, index):
    check_op(lambda lib, x: x[index], rand(2, 3, 4), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_integer_tensors_as_indices(device):
    check_op(lambda lib, x, i, j: (x[i], x[i, j], x[..., j], x[i, :, j]), rand(3, 4, 2), np.array(2),
             np.array([[0, 1], [1, 0]]), device=device)
    check_op(lambda lib, x, m: x[m], rand(3, 4), np.array([True, False, True]), device=device)


def test_iterating_over_a_tensor_gives_its_rows():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    (rows[0] * rows[1]).sum().backward()
    assert x.grad.tolist() == [[3.0, 4.0], [1.0, 2.0]]


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_gather(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    index_shape = tuple(data.draw(st.integers(1, 4 if a == d % len(shape) else n), label="index side")
                        for a, n in enumerate(shape))
    index = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[d] - 1)), label="index")
    check_op(lambda lib, x, i: (x.gather(d, i), lib.gather(x, d, i)), rand(*shape, seed=seed), index, device=device)


def test_gather_errors():
    x = ember.ones(2, 3)
    with raises(RuntimeError, "gather: expected an int32 or int64 index tensor, got float32"):
        x.gather(0, ember.zeros(1, 1))
    with raises(RuntimeError, "gather: the index has 1 dimensions, the tensor 2"):
        x.gather(0, ember.zeros(2, dtype=ember.long))
    with raises(RuntimeError, "gather: index size 4 in dimension 1 exceeds the tensor's 3"):
        x.gather(0, ember.zeros(1, 4, dtype=ember.long))
    with raises(RuntimeError, "gather: index 2 is out of bounds for dimension 0 with size 2"):
        x.gather(0, ember.tensor([[2]]))
    with raises(RuntimeError, "gather: index -1 is out of bounds for dimension 0 with size 2"):
        x.gather(0, ember.tensor([[-1]]))
    with raises(RuntimeError, "take_along_dim: indices into dimension 1 of size 0"):
        ember.take_along_dim(ember.ones(2, 0), ember.tensor([[0]]), 1)


def test_an_index_out_of_range_is_an_index_error_and_a_runtime_error():
    for error in (IndexError, RuntimeError):  # PyTorch raises either, by its kernel's path
        with raises(error, "index_select: index 2 is out of bounds for dimension 0 with size 2"):
            ember.ones(2, 3).index_select(0, ember.tensor([2]))


def test_fill_values_that_an_integer_dtype_cannot_hold():
    x = ember.zeros(3, dtype=ember.uint8)
    with raises(RuntimeError, "masked_fill: the value -1.5 cannot be converted to uint8 without overflow"):
        x.masked_fill(ember.tensor(True), -1.5)
    with raises(RuntimeError, "fill: the value 256 cannot be converted to uint8 without overflow"):
        ember.fill(x, 256)
    assert x.masked_fill(ember.tensor(True), -1).tolist() == [255] * 3  # a negative int wraps around, as in PyTorch
    with raises(RuntimeError, "masked_fill: the result's dtype int64 cannot carry the gradient that the value needs"):
        ember.zeros(3, dtype=ember.long).masked_fill(ember.tensor(True), ember.tensor(1.0, requires_grad=True))


# -------------------------------------------------------------------------------------------------
# Setting elements.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index, value", [
    (0, 5.0),
    ((slice(None), 1), np.array([7.0, 8.0, 9.0, 10.0])),
    ((Ellipsis, slice(None, None, 2)), -1.0),
    ([1, 0], np.array([[[1.0]], [[2.0]]])),
    ("mask", 0.0),
    ((1, [0, 2]), np.array([4.0, 5.0, 6.0, 7.0])),
    ((1, slice(None), [0, 3]), np.array([[4.0, 5.0]])),
], ids=["int", "slice-tensor", "step", "list-broadcast", "mask", "int-list", "int-slice-list"])
def test_setitem_on_a_tensor_that_needs_no_grad(device, index, value):
    data = rand(2, 3, 4)
    ours, theirs = ember.tensor(data, device=device), torch.tensor(data)
    index_ours, index_theirs = (ours > 0, theirs > 0) if index == "mask" else (index, index)
    if isinstance(value, np.ndarray):
        ours[index_ours] = ember.tensor(value, device=device)
        theirs[index_theirs] = torch.tensor(value)
    else:
        ours[index_ours] = value
        theirs[index_theirs] = value
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    assert ours._version == 1


def test_setitem_then_use_in_a_graph():
    x = ember.zeros(3)
    x[1] = 2.0
    w = ember.ones(3, requires_grad=True)
    (w * x).sum().backward()
    assert w.grad.tolist() == [0.0, 2.0, 0.0]


# -------------------------------------------------------------------------------------------------
# Errors.

@pytest.mark.parametrize("index", [1.0, (0, 1.5), np.float64(1.0)], ids=["float", "float-in-tuple", "numpy-float"])
def test_a_float_index_is_refused(index):
    with raises(IndexError, "indices must be ints, slices, None, ... or integer/bool tensors; got float"):
        ember.ones(3, 3)[index]
    with raises(IndexError, "indices must be ints, slices, None, ... or integer/bool tensors; got float"):
        ember.ones(3, 3)[index] = 1.0


def test_a_list_of_floats_as_an_index_is_refused():
    with raises(IndexError, "arrays used as indices must be integer or bool, got float64"):
        ember.ones(3)[[0.0, 1.0]]


def test_an_index_out_of_range():
    with raises(IndexError, "index 5 is out of bounds"):
        ember.ones(2, 3)[5]



# -------------------------------------------------------------------------------------------------
# PyTorch's rule for where indexed dimensions go when ints, slices and index tensors mix.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index", [
    lambda d, e: (1, slice(None), slice(3, 11, 2), d, slice(0, 2)),
    lambda d, e: (slice(None), e, 1, slice(None), e),
    lambda d, e: (1, Ellipsis, e, slice(None)),
    lambda d, e: (None, 1, e, None, d[0]),
    lambda d, e: (e, None, e),
    lambda d, e: (slice(0, 1), e, 2, e),
    lambda d, e: (0, 1, e, slice(None), e),
    lambda d, e: (-1, slice(None), -2, d),
    lambda d, e: (slice(None), slice(None, None, 2), e, slice(1, 4, 2)),
], ids=["brief", "slice-tensor-int-slice-tensor", "int-ellipsis-tensor", "none-int-tensor-none-tensor",
        "tensor-none-tensor", "slice-tensor-int-tensor", "int-int-tensor-slice-tensor", "negative-ints",
        "steps-around-a-tensor"])
def test_ints_slices_and_index_tensors_mixed(device, index):
    d, e = np.array([[0, 1, 4], [2, 2, 3]]), np.array([1, 0, 1])
    check_parity(lambda lib, x, d, e: x[index(d, e)], rand(2, 3, 12, 5, 4), d, e, device=device)
    check_op(lambda lib, x, d, e: x[index(d, e)], rand(2, 3, 12, 5, 4)[:, :, :11, :, :2], d, e, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape, index", [
    ((2, 3, 4, 5), lambda m, e: (1, m, slice(None))),
    ((2, 3, 4, 5), lambda m, e: (slice(None), m, e)),
    ((3, 4, 5, 2), lambda m, e: (m, slice(1, 4), e)),
    ((2, 3, 4, 5), lambda m, e: (None, Ellipsis, m, slice(0, 3, 2))),
    ((2, 6, 3, 4), lambda m, e: (e, slice(None), m)),
    ((2, 5, 3, 4), lambda m, e: (0, Ellipsis, None, m)),
], ids=["int-mask-slice", "slice-mask-tensor", "mask-slice-tensor", "none-ellipsis-mask-step", "tensor-slice-mask",
        "int-ellipsis-none-mask"])
def test_bool_masks_mixed_with_ints_slices_and_index_tensors(device, shape, index):
    """A k-dimensional mask is one advanced index over k dimensions (its nonzero positions), which broadcasts with
    the index tensors: adjacent ones stay in place, separated ones go first."""
    mask = np.array([[True, False, True, True], [False, True, False, True], [True, True, False, False]])
    check_op(lambda lib, x, m, e: x[index(m, e)], rand(*shape), mask, np.array([[1], [0]]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index", [
    lambda d, e: (1, slice(None), slice(3, 11, 2), d, slice(0, 2)),
    lambda d, e: (slice(None), e, 1, slice(None), e),
    lambda d, e: (Ellipsis, None, e),
    lambda d, e: (slice(None), e, None, slice(2, 5), 0, e),
], ids=["brief", "slice-tensor-int-slice-tensor", "ellipsis-none-tensor", "slice-tensor-none-slice-int-tensor"])
def test_setitem_with_mixed_indices_in_a_graph(device, index):
    """x[index] = v inside a graph: the values land where getitem picks them, v's gradient comes back from there,
    and the rest of x's gradient passes to the elements not overwritten."""
    def put(lib, x, v, d, e):
        y = x * 1.0
        y[index(d, e)] = v
        return y * y
    d, e = np.array([[0, 4], [2, 1]]), np.array([1, 0, 2])  # no index twice: the value written last would win
    shape = torch.zeros(2, 3, 11, 5, 4)[index(torch.tensor(d), torch.tensor(e))].shape
    check_op(put, rand(2, 3, 11, 5, 4), rand(*shape, seed=1), d, e, device=device)


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")  # PyTorch's, about the lists
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index", [
    True, False, (True, 1), (1, True), (True, [0, 1]), (slice(None), True, [0, 1]), ([0, 1], True, [0, 1]),
    ([0, 1], slice(None), True), "tensor-true", [[0, 1]], [[0, 1], [1, 0]], [slice(1, None), 0], "zero-d-tensor",
], ids=["true", "false", "true-int", "int-true", "true-list", "slice-true-list", "list-true-list",
        "list-slice-true", "bool-tensor", "list-of-list", "list-of-lists", "list-of-slice-int", "0d-int-tensor"])
def test_python_bools_and_lists_read_as_pytorch_reads_them(device, index):
    def pick(lib, x):
        if index == "tensor-true":
            return x[lib.tensor(True), [0, 1]]
        if index == "zero-d-tensor":
            return x[lib.tensor(1), :, [0, 1]]
        return x[index]
    check_op(pick, rand(2, 3, 4), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index", [
    lambda d, e: (1, slice(None), slice(3, 11, 2), d, slice(0, 2)),
    lambda d, e: (slice(None), e, 1, slice(None), e),
    lambda d, e: (True, 1, e),
    lambda d, e: (Ellipsis, None, e),
], ids=["brief", "slice-tensor-int-slice-tensor", "true-int-tensor", "ellipsis-none-tensor"])
def test_setitem_puts_values_where_getitem_picks_them(device, index):
    d, e = np.array([[0, 1, 4], [2, 2, 3]]), np.array([1, 0, 2])
    data = rand(2, 3, 12, 5, 4)
    shape = torch.tensor(data)[index(torch.tensor(d), torch.tensor(e))].shape
    value = rand(*shape, seed=1)
    ours, theirs = ember.tensor(data, device=device), torch.tensor(data)
    ours[index(ember.tensor(d, device=device), ember.tensor(e, device=device))] = ember.tensor(value, device=device)
    theirs[index(torch.tensor(d), torch.tensor(e))] = torch.tensor(value)
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))


# -------------------------------------------------------------------------------------------------
# x[index] = value inside a graph.

@pytest.mark.parametrize("device", DEVICES)
def test_setitem_with_a_value_that_needs_grad(device):
    def build(lib, w, v, u):
        x = lib.zeros(2, 3, 4, dtype=w.dtype, device=w.device)
        x[1, :, [0, 2]] = v   # a tensor that needs no grad joins the graph
        x[0] = w * 2          # and takes more values in the graph
        x[:, 1] = u.sum()     # a 0-d value broadcast to the places
        return x * x
    check_op(build, rand(3, 4), rand(3, 2, seed=1), rand(2, seed=2), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_setitem_collects_a_sequence_as_a_loop_does(device):
    def unroll(lib, x, w):
        outputs = lib.zeros(4, 3, dtype=x.dtype, device=x.device)
        h = x[0]
        for step in range(4):
            h = (h * w + x[step]).tanh()
            outputs[step] = h
        return outputs
    check_op(unroll, rand(4, 3), rand(3, seed=1), device=device)


def test_setitem_refusals():
    leaf = ember.ones(3, requires_grad=True)
    with raises(RuntimeError, "setting elements: a leaf tensor that requires grad cannot be changed in place"):
        leaf[0] = 2.0
    x = ember.ones(3)
    y = x * ember.ones(3, requires_grad=True)
    x[0] = 5.0  # after y saved it
    with raises(RuntimeError, "that Mul saved for backward was changed by an in-place operation"):
        y.sum().backward()


def test_setitem_with_a_list_value():
    x = ember.zeros(2, 3)
    x[0] = [1, 2, 3]
    assert x.tolist() == [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]


# -------------------------------------------------------------------------------------------------
# Picking: take, take_along_dim, index_select, masked_select, select, narrow.

def _mask(shape, seed):
    return np.random.default_rng(seed).random(shape) > 0.5


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=0, max_dims=3), index_shape=shapes(max_dims=2), seed=seeds, data=st.data())
def test_take(device, shape, index_shape, seed, data):
    n = int(np.prod(shape))
    index = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-n, n - 1)), label="index")
    check_op(lambda lib, x, i: (lib.take(x, i), x.take(i)), rand(*shape, seed=seed), index, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_take_along_dim(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    n = shape[d]
    index_shape = tuple(data.draw(st.sampled_from([1, m]), label="side") if a != d % len(shape)
                        else data.draw(st.integers(1, 4), label="picks") for a, m in enumerate(shape))
    index = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-n, n - 1)), label="index")
    flat = data.draw(hnp.arrays(np.int64, (3,), elements=st.integers(0, int(np.prod(shape)) - 1)), label="flat")
    check_op(lambda lib, x, i, f: (lib.take_along_dim(x, i, d), x.take_along_dim(i, dim=d), lib.take_along_dim(x, f)),
             rand(*shape, seed=seed), index, flat, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_take_along_dim_broadcasts_input_and_indices(device):
    check_op(lambda lib, x, i: lib.take_along_dim(x, i, 1), rand(1, 3, 2), np.array([[[2], [0]], [[1], [1]]]),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_index_select(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    index = data.draw(hnp.arrays(np.int64, data.draw(st.sampled_from([(), (1,), (4,)]), label="index shape"),
                                 elements=st.integers(0, shape[d] - 1)), label="index")
    check_op(lambda lib, x, i: (lib.index_select(x, d, i), x.index_select(d, i.int())), rand(*shape, seed=seed),
             index, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_index_select_of_a_0d_tensor(device):
    check_op(lambda lib, x, i: lib.index_select(x, 0, i), rand(), np.array([0]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes_=broadcastable_shapes(2, max_dims=3), seed=seeds)
def test_masked_select_broadcasts(device, shapes_, seed):
    x_shape, mask_shape = shapes_
    mask = _mask(mask_shape, seed)
    check_op(lambda lib, x, m: (lib.masked_select(x, m), x.masked_select(m)), rand(*x_shape, seed=seed), mask,
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_select_and_narrow(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    n = shape[d]
    index = data.draw(st.integers(-n, n - 1), label="index")
    start = data.draw(st.integers(-n, n - 1), label="start")
    length = data.draw(st.integers(0, n - start % n), label="length")
    # narrow_copy from start % n: PyTorch 2.13's narrow_copy gives a zero gradient for start -1
    check_op(lambda lib, x: (lib.select(x, d, index), x.select(d, index), lib.narrow(x, d, start, length),
                             x.narrow(d, start, length), x.narrow_copy(d, start % n, length)),
             rand(*shape, seed=seed), device=device)


def test_select_and_narrow_are_views():
    x = ember.zeros(3, 4)
    x.select(1, 2).fill_(1.0)
    x.narrow(0, 1, 2).add_(2.0)
    expected = torch.zeros(3, 4)
    expected.select(1, 2).fill_(1.0)
    expected.narrow(0, 1, 2).add_(2.0)
    np.testing.assert_array_equal(to_numpy(x), to_numpy(expected))


def test_narrow_with_a_tensor_start():
    check_op(lambda lib, x: x.narrow(1, lib.tensor(1), 2), rand(2, 4))


# -------------------------------------------------------------------------------------------------
# Positions: nonzero, argwhere, where(condition), unravel_index.

@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=0, max_dims=3, min_side=0), seed=seeds)
def test_nonzero_argwhere_and_where_of_a_condition(device, shape, seed):
    x = np.where(np.random.default_rng(seed).random(shape) > 0.5, rand(*shape, seed=seed), 0.0)
    check_parity(lambda lib, x: (lib.nonzero(x), x.nonzero(), lib.argwhere(x), x.argwhere(), (x > 0).nonzero()),
                 x, device=device, backward=False)
    check_parity(lambda lib, x: (lib.nonzero(x, as_tuple=True), x.nonzero(as_tuple=True), lib.where(x != 0)),
                 x, device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), index_shape=shapes(max_dims=2), seed=seeds, data=st.data())
def test_unravel_index(device, shape, index_shape, seed, data):
    n = int(np.prod(shape))
    flat = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-2 * n, 2 * n)), label="flat")
    check_parity(lambda lib, i: (lib.unravel_index(i, shape), lib.unravel_index(i.int(), shape[-1])), flat,
                 device=device, backward=False)


def test_unravel_index_of_an_empty_shape():
    assert ember.unravel_index(ember.tensor([1]), ()) == ()


@pytest.mark.parametrize("device", DEVICES)
def test_where_method_and_three_arguments(device):
    check_op(lambda lib, x, y: (x.where(x > 0, y), lib.where(x > 0, x, y), lib.where(x > 0, x, 1.5)),
             rand(3, 4), rand(4, seed=1), device=device)


# -------------------------------------------------------------------------------------------------
# Putting: index_put, put, masked_fill, masked_scatter, select_scatter, slice_scatter.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put(device, accumulate):
    rows, cols = np.array([0, 2, 0 if accumulate else 1]), np.array([1, 1, 1])  # a place written twice has no gradient
    check_op(lambda lib, x, v, r, c: (lib.index_put(x, (r, c), v, accumulate), x.index_put([r], v[:1] * 2, accumulate)),
             rand(3, 4), rand(3, seed=1) if accumulate else rand(1, seed=1), rows, cols, device=device)
    check_op(lambda lib, x, v, m: lib.index_put(x, (m,), v, accumulate=accumulate), rand(3, 4), rand(4, seed=1),
             np.array([True, False, True]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("accumulate", [False, True])
def test_put(device, accumulate):
    index = np.array([[0, -1], [5, 0]]) if accumulate else np.array([[0, -1], [5, 3]])
    check_op(lambda lib, x, i, s: (lib.put(x, i, s, accumulate), x.put(i, s.reshape(-1), accumulate=accumulate)),
             rand(3, 4), index, rand(2, 2, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes_=broadcastable_shapes(2, max_dims=3), seed=seeds)
def test_masked_fill(device, shapes_, seed):
    x_shape, mask_shape = shapes_
    mask = _mask(mask_shape, seed)
    check_op(lambda lib, x, m, v: (lib.masked_fill(x, m, 2.5), x.masked_fill(m, v), x.masked_fill(m, -1)),
             rand(*x_shape, seed=seed), mask, rand(seed=1), device=device)
    check_parity(lambda lib, x, m: (x.long().masked_fill(m, 2.7), x.bool().masked_fill(m, 0)), rand(*x_shape), mask,
                 device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes_=broadcastable_shapes(2, max_dims=3), seed=seeds)
def test_masked_scatter(device, shapes_, seed):
    x_shape, mask_shape = shapes_
    mask = _mask(mask_shape, seed)
    size = int(np.prod(np.broadcast_shapes(x_shape, mask_shape)))
    check_op(lambda lib, x, m, s: (lib.masked_scatter(x, m, s), x.masked_scatter(m, s[1:])),
             rand(*x_shape, seed=seed), mask, rand(size + 1, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_select_scatter_and_slice_scatter(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    n = shape[d]
    index = data.draw(st.integers(-n, n - 1), label="index")
    start, end = data.draw(st.integers(-n, n), label="start"), data.draw(st.integers(-n, n + 1), label="end")
    step = data.draw(st.integers(1, 3), label="step")
    chosen = len(range(*slice(start, end, step).indices(n)))
    src = rand(*shape[:d % len(shape)], *shape[d % len(shape) + 1:], seed=seed + 1)
    sliced = rand(*shape[:d % len(shape)], chosen, *shape[d % len(shape) + 1:], seed=seed + 2)
    check_op(lambda lib, x, s, t: (lib.select_scatter(x, s, d, index), x.slice_scatter(t, d, start, end, step)),
             rand(*shape, seed=seed), src, sliced, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_slice_scatter_defaults_and_a_src_of_another_dtype(device):
    check_op(lambda lib, x, s: (lib.slice_scatter(x, s), lib.slice_scatter(x, s[1:], start=1)), rand(3, 4),
             rand(3, 4, seed=1), device=device)
    check_parity(lambda lib, x, s: lib.select_scatter(x, s.long(), 1, 0), rand(3, 4), rand(3, seed=1), device=device)


# -------------------------------------------------------------------------------------------------
# In-place forms.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("change", [
    lambda lib, x: x.index_put_((lib.tensor([0, 2]),), lib.tensor(5.0, dtype=x.dtype), accumulate=True),
    lambda lib, x: x.put_(lib.tensor([1, -1]), lib.tensor([7.0, 8.0], dtype=x.dtype)),
    lambda lib, x: x.masked_fill_(x > 0, 0.5),
    lambda lib, x: x.masked_scatter_(x < 0, -x * 10),
], ids=["index_put_", "put_", "masked_fill_", "masked_scatter_"])
def test_in_place_putting(device, change):
    data = rand(3, 4)
    ours, theirs = ember.tensor(data, device=device), torch.tensor(data)
    assert change(ember, ours) is ours
    change(torch, theirs)
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    assert ours._version == 1


def test_in_place_putting_refusals():
    x = ember.zeros(3)
    with raises(RuntimeError, "masked_fill_: the result has shape (2, 3), which does not fit in place into shape (3,)"):
        x.masked_fill_(ember.ones(2, 3, dtype=ember.bool), 1.0)
    with raises(RuntimeError, "put_: an operand needs a gradient, which an in-place op would lose"):
        x.put_(ember.tensor([0]), ember.ones(1, requires_grad=True))
    with raises(RuntimeError, "masked_fill_: a leaf tensor that requires grad cannot be changed in place"):
        ember.ones(3, requires_grad=True).masked_fill_(x > 0, 1.0)


# -------------------------------------------------------------------------------------------------
# Errors of the picking and putting functions.

def test_picking_errors():
    x = ember.ones(3, 4)
    with raises(RuntimeError, "take: expected an int64 index tensor, got int32"):
        x.take(ember.tensor([0], dtype=ember.int32))
    with raises(IndexError, "take: index 12 is out of bounds for dimension 0 with size 12"):
        x.take(ember.tensor([12]))
    with raises(RuntimeError, "take_along_dim: input and indices need the same number of dimensions, got 2 and 1"):
        x.take_along_dim(ember.tensor([0]), 0)
    with raises(IndexError, "index_select: the index must be a vector (0-d or 1-d), got shape (1, 1)"):
        x.index_select(0, ember.tensor([[0]]))
    with raises(IndexError, "index_select: index -1 is out of bounds for dimension 0 with size 3"):
        x.index_select(0, ember.tensor([-1]))
    with raises(RuntimeError, "index_select: expected an int32 or int64 index tensor, got float32"):
        x.index_select(0, ember.tensor([0.0]))
    with raises(RuntimeError, "masked_select: the mask must be a bool tensor, got int64"):
        x.masked_select(ember.tensor([1, 0, 1, 0]))
    with raises(IndexError, "select: index 4 is out of range for dimension 1 of size 4"):
        x.select(1, 4)
    with raises(IndexError, "select: a 0-d tensor has no dimension to select from"):
        ember.tensor(1.0).select(0, 0)
    with raises(RuntimeError, "narrow: length 2 from start 3 does not fit in dimension 1 of size 4"):
        x.narrow(1, 3, 2)
    with raises(IndexError, "narrow: start -5 is out of range for dimension 1 of size 4"):
        x.narrow(1, -5, 1)
    with raises(TypeError, "unravel_index: indices must be an integer tensor, got float32"):
        ember.unravel_index(ember.tensor([1.0]), (2, 3))
    with raises(ValueError, "unravel_index: the shape cannot have negative sizes, got (2, -3)"):
        ember.unravel_index(ember.tensor([1]), (2, -3))
    with raises(TypeError, "where: give both input and other, or the condition alone"):
        ember.where(x > 0, x)


def test_putting_errors():
    x = ember.ones(3, 4)
    with raises(RuntimeError, "index_put: values must have the tensor's dtype float32, got int64"):
        x.index_put((ember.tensor([0]),), ember.tensor(5))
    with raises(IndexError, "index_put: 3 indices for a tensor of 2 dimensions"):
        x.index_put((ember.tensor([1]),) * 3, ember.tensor(5.0))
    with raises(IndexError, "index_put: index 5 is out of bounds for dimension 0 with size 3"):
        x.index_put((ember.tensor([5]),), ember.tensor(5.0))
    with raises(IndexError, "index_put: index tensors must be integer or bool tensors, got float32"):
        x.index_put((ember.tensor([0.0]),), ember.tensor(5.0))
    with raises(IndexError, "put: index has 2 elements, source 3"):
        x.put(ember.tensor([0, 1]), ember.ones(3))
    with raises(RuntimeError, "put: source must have the tensor's dtype float32, got int64"):
        x.put(ember.tensor([0]), ember.tensor([1]))
    with raises(RuntimeError, "masked_fill: the mask must be a bool tensor, got int64"):
        x.masked_fill(ember.tensor([1, 0, 1, 0]), 1.0)
    with raises(RuntimeError, "masked_fill: the value must be a number or a 0-d tensor, got shape (1,)"):
        x.masked_fill(x > 0, ember.tensor([1.0]))
    with raises(RuntimeError, "masked_scatter: source has 3 elements for 12 True places"):
        x.masked_scatter(x > 0, ember.ones(3))
    with raises(RuntimeError, "select_scatter: src must have the slice's shape (3,), got (4,)"):
        ember.select_scatter(x, ember.ones(4), 1, 0)
    with raises(RuntimeError, "slice_scatter: the step must be positive, got 0"):
        ember.slice_scatter(x, ember.ones(3, 4), step=0)
    with raises(RuntimeError, "slice_scatter: src must have the slice's shape (0, 4), got (1, 4)"):
        ember.slice_scatter(x, ember.ones(1, 4), start=5)
