import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from helpers import DEVICES, check_op, dim, rand, raises, seeds, shapes, to_numpy


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
    with raises(TypeError, "gather: the index must be an int64 tensor, got float32"):
        x.gather(0, ember.zeros(1, 1))
    with raises(ValueError, "gather: the index has 1 dimensions, the tensor 2"):
        x.gather(0, ember.zeros(2, dtype=ember.long))
    with raises(ValueError, "gather: index size 4 in dimension 1 exceeds the tensor's 3"):
        x.gather(0, ember.zeros(1, 4, dtype=ember.long))


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

