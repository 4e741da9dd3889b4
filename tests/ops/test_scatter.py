import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from helpers import DEVICES, check_gradcheck, check_op, check_parity, dim, rand, raises, seeds, shapes, to_numpy

# PyTorch's warnings: scatter's reduce= is deprecated, index_reduce is in beta.
pytestmark = [pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter"),
              pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")]


def _scatter_index(data, shape, d):
    """An index for scattering into shape along d: of any size up to shape's, any places along d."""
    index_shape = tuple(data.draw(st.integers(1, n), label="side") for n in shape)
    return data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[d % len(shape)] - 1)),
                     label="index")


def _distinct_places(data, shape, d):
    """A scatter index that sends no two values to one place (so that scatter's gradient is defined)."""
    d = d % len(shape)
    length = data.draw(st.integers(1, shape[d]), label="length")
    columns = [data.draw(st.permutations(range(shape[d])), label="order")[:length]
               for _ in range(int(np.prod(shape)) // shape[d])]
    other = tuple(n for a, n in enumerate(shape) if a != d)
    index = np.array(columns).T.reshape((length,) + other)
    return np.moveaxis(index, 0, d)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_scatter(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    index = _distinct_places(data, shape, d)
    check_op(lambda lib, x, i, s: (lib.scatter(x, d, i, s), x.scatter(d, i, s), x.scatter(d, i.int(), 2.5),
                                   lib.scatter(x, d, i, value=-1.0)),
             rand(*shape, seed=seed), index, rand(*index.shape, seed=seed + 1), device=device)
    _check_a_larger_src(lambda lib, x, i, s: lib.scatter(x, d, i, s), shape, index, seed, device)


def _check_a_larger_src(fn, shape, index, seed, device):
    """A src larger than the index: PyTorch 2.13's backward fails on it, so its forward is compared, and
    ember's gradient checked by central differences."""
    args = rand(*shape, seed=seed), index, rand(*[n + 1 for n in shape], seed=seed + 1)
    check_parity(fn, *args, device=device, backward=False)
    check_gradcheck(fn, *args, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_scatter_add(device, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    index = _scatter_index(data, shape, d)
    check_op(lambda lib, x, i, s: (lib.scatter_add(x, d, i, s), x.scatter_add(d, i, s)), rand(*shape, seed=seed),
             index, rand(*index.shape, seed=seed + 1), device=device)
    _check_a_larger_src(lambda lib, x, i, s: lib.scatter_add(x, d, i, s), shape, index, seed, device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_scatter_reduce(device, reduce, include_self, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    index = _scatter_index(data, shape, d)
    check_op(lambda lib, x, i, s: x.scatter_reduce(d, i, s, reduce, include_self=include_self),
             rand(*shape, seed=seed), index, rand(*index.shape, seed=seed + 1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_with_ties_zeros_and_integers(device, reduce, include_self):
    """Ties share a max's gradient; zeros in a product; integers (a mean rounds down, as in PyTorch)."""
    x = np.array([[0.0, 2, 3, -1], [4, 0, 6, 2], [1, 1, -2, 0]])
    src = np.array([[2.0, 2, 0, -1], [2, 1, 0, -5], [0, 2, 3, -1]])
    index = np.array([[0, 0, 1, 2], [0, 0, 1, 2], [2, 0, 1, 2]])
    fn = lambda lib, x, i, s: lib.scatter_reduce(x, 0, i, s, reduce, include_self=include_self)  # noqa: E731
    # Without include_self, PyTorch still counts x among a max's ties (giving x none of the gradient), so
    # its values' share is smaller than ember's; x's values are moved off the ties for the comparison.
    check_parity(fn, x if include_self else x + 0.5, index, src, device=device)
    check_parity(lambda lib, x, i, s: fn(lib, x.long(), i, s.long()), x, index, src, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_scatter_reduce_prod_multiplies_in_order(device):
    """As PyTorch: self, then each value in order, so 1e38·1e38 overflows before the 0 comes (NaN)."""
    x = np.array([1e38, 2.0], dtype=np.float32)
    fn = lambda lib, x, s: lib.scatter_reduce(x, 0, lib.tensor([0, 0, 1]), s, "prod")  # noqa: E731
    out, = check_parity(fn, x, np.array([1e38, 0.0, 3.0], dtype=np.float32), device=device, dtype=np.float32)
    assert np.isnan(to_numpy(out)[0])


@given(st.data())
def test_multiply_by_runs_is_multiply_at(data):
    """The product in runs that CuPy takes (it lacks multiply.at), checked here against NumPy's multiply.at."""
    from ember.ops.scatter import _multiply_by_runs
    positions = data.draw(hnp.arrays(np.int64, st.integers(0, 12), elements=st.integers(0, 4)))
    factors = st.sampled_from([-2.0, -1.5, -0.5, 0.0, 0.5, 1.0, 1.25, 2.0])  # whose products are exact
    values = data.draw(hnp.arrays(np.float64, positions.shape, elements=factors))
    target, expected = np.arange(1.0, 6.0), np.arange(1.0, 6.0)
    _multiply_by_runs(np, target, positions, values.copy())
    np.multiply.at(expected, positions, values)
    np.testing.assert_array_equal(target, expected)


@pytest.mark.parametrize("device", DEVICES)
def test_scatter_with_the_deprecated_reduce(device):
    index = np.array([[0, 0, 1], [2, 0, 1]])
    for reduce in ("add", "multiply"):
        check_parity(lambda lib, x, i, s: (lib.scatter(x, 0, i, s, reduce=reduce), x.scatter(0, i, 2.0, reduce=reduce)),
                     rand(3, 3), index, rand(2, 3, seed=1), device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_scatter_into_a_0d_tensor(device):
    check_op(lambda lib, x, i, s: (lib.scatter(x, 0, i, s), lib.scatter_add(x, 0, i.reshape(1), s.reshape(1))),
             rand(), np.array(0), rand(seed=1), device=device)


# -------------------------------------------------------------------------------------------------
# One index per slice.

@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), count=st.integers(1, 4), seed=seeds, data=st.data())
def test_index_add_copy_and_fill(device, shape, count, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    n = shape[d]
    index = data.draw(hnp.arrays(np.int64, (count,), elements=st.integers(0, n - 1)), label="index")
    distinct = data.draw(st.permutations(range(n)), label="distinct")[:count]
    source = rand(*shape[:d % len(shape)], count, *shape[d % len(shape) + 1:], seed=seed + 1)
    copied = source[(slice(None),) * (d % len(shape)) + (slice(0, len(distinct)),)]
    check_op(lambda lib, x, i, s, j, c, v: (lib.index_add(x, d, i, s), x.index_add(d, i.int(), s, alpha=-0.5),
                                            lib.index_copy(x, d, j, c), lib.index_fill(x, d, i - n, -2.0),
                                            x.index_fill(d, i, v)),
             rand(*shape, seed=seed), index, source, np.array(distinct), copied, rand(seed=2), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@given(shape=shapes(min_dims=1, max_dims=3), count=st.integers(1, 4), seed=seeds, data=st.data())
def test_index_reduce(device, reduce, include_self, shape, count, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    index = data.draw(hnp.arrays(np.int64, (count,), elements=st.integers(0, shape[d] - 1)), label="index")
    source = rand(*shape[:d % len(shape)], count, *shape[d % len(shape) + 1:], seed=seed + 1)
    check_op(lambda lib, x, i, s: x.index_reduce(d, i, s, reduce, include_self=include_self),
             rand(*shape, seed=seed), index, source, device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_index_ops_on_integers(device):
    x, index = np.arange(12).reshape(3, 4), np.array([2, 0, 2])
    check_parity(lambda lib, x, i: (lib.index_add(x, 0, i, x * 2, alpha=2.5), lib.index_reduce(x, 0, i, x + 5, "mean"),
                                    lib.index_fill(x, 1, i, 7.9)), x, index, device=device)


# -------------------------------------------------------------------------------------------------
# In-place forms.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("change", [
    lambda lib, x, i: x.scatter_(0, i, x * 2),
    lambda lib, x, i: x.scatter_(0, i, 1.5, reduce="multiply"),
    lambda lib, x, i: x.scatter_add_(1, i, x * 1),
    lambda lib, x, i: x.scatter_reduce_(0, i, x + 1, "amax", include_self=False),
    lambda lib, x, i: x.index_add_(0, i[0, :2], x[:2] * 1, alpha=2),
    lambda lib, x, i: x.index_copy_(1, i[0, :2].flip(0), x[:, :2] * 3),
    lambda lib, x, i: x.index_fill_(1, i[1], -1.0),
    lambda lib, x, i: x.index_reduce_(0, i[1, :2], x[:2] * 1, "prod"),
], ids=["scatter_", "scatter_-multiply", "scatter_add_", "scatter_reduce_", "index_add_", "index_copy_",
        "index_fill_", "index_reduce_"])
def test_in_place_scattering(device, change):
    data, index = rand(3, 4), np.array([[1, 0, 2, 2], [0, 2, 1, 0]])
    ours, theirs = ember.tensor(data, device=device), torch.tensor(data)
    assert change(ember, ours, ember.tensor(index, device=device)) is ours
    change(torch, theirs, torch.tensor(index))
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-12)


def test_in_place_scattering_refusals():
    x = ember.zeros(2, 3)
    src = ember.ones(2, 3, requires_grad=True)
    with raises(RuntimeError, "scatter_add_: an operand needs a gradient, which an in-place op would lose"):
        x.scatter_add_(0, ember.zeros(2, 3, dtype=ember.long), src)
    with raises(RuntimeError, "index_fill_: a tensor that is part of a graph cannot be changed in place"):
        (src * 2).index_fill_(0, ember.tensor([0]), 1.0)


# -------------------------------------------------------------------------------------------------
# Errors.

def test_index_and_bool_errors_of_the_index_reductions():
    x = ember.zeros(3, 2)
    with raises(IndexError, "index_copy: 3 indices for 2 slices of source"):
        x.index_copy(0, ember.tensor([2, 0, 1]), ember.ones(2, 2))
    with raises(IndexError, "index_copy: source has 3 dimensions, the tensor 2"):
        x.index_copy(0, ember.tensor([2, 0, 1]), ember.ones(3, 2, 1))
    for error in (IndexError, RuntimeError):  # PyTorch raises either, by its kernel's path
        with raises(error, "index_add: index 3 is out of bounds for dimension 0 with size 3"):
            x.index_add(0, ember.tensor([3]), ember.ones(1, 2))
    flags, index = ember.zeros(3, 2, dtype=ember.bool), ember.tensor([0, 2, 0])
    with raises(RuntimeError, "index_reduce: bool tensors have no mean (as in PyTorch)"):
        flags.index_reduce(0, index, flags, "mean")
    with raises(RuntimeError, "index_reduce: bool tensors need include_self (as in PyTorch)"):
        flags.index_reduce(0, index, flags, "amax", include_self=False)
    with raises(RuntimeError, "scatter_reduce: bool tensors have no mean (as in PyTorch)"):
        flags.scatter_reduce(0, ember.zeros(1, 2, dtype=ember.long), flags, "mean")


def test_scatter_errors():
    x, src = ember.zeros(3, 4), ember.ones(3, 4)
    with raises(RuntimeError, "scatter: expected an int32 or int64 index tensor, got float32"):
        x.scatter(0, ember.zeros(1, 2), src)
    with raises(RuntimeError, "scatter: the index has 1 dimensions, the tensor 2"):
        x.scatter(0, ember.tensor([0]), src)
    with raises(RuntimeError, "scatter: index size 5 in dimension 1 exceeds the tensor's 4"):
        x.scatter(0, ember.zeros(1, 5, dtype=ember.long), 1.0)
    with raises(RuntimeError, "scatter: index size 4 in dimension 0 exceeds src's 3"):
        ember.zeros(5, 4).scatter(1, ember.zeros(4, 1, dtype=ember.long), src)
    with raises(RuntimeError, "scatter: index 3 is out of bounds for dimension 0 with size 3"):
        x.scatter(0, ember.tensor([[3]]), src)
    with raises(RuntimeError, "scatter: src must have the tensor's dtype float32, got int64"):
        x.scatter(0, ember.tensor([[0]]), src.long())
    with raises(RuntimeError, "scatter: reduce must be 'add' or 'multiply', got 'mean'"):
        x.scatter(0, ember.tensor([[0]]), src, reduce="mean")
    with raises(TypeError, "scatter: give src (a tensor or a number) or value, not both"):
        x.scatter(0, ember.tensor([[0]]), src, value=1.0)
    with raises(TypeError, "scatter_add: src must be a tensor, got float"):
        x.scatter_add(0, ember.tensor([[0]]), 2.0)
    with raises(RuntimeError, "scatter_reduce: reduce must be one of sum, prod, mean, amax, amin; got 'max'"):
        x.scatter_reduce(0, ember.tensor([[0]]), src, "max")


def test_index_errors():
    x = ember.zeros(3, 4)
    with raises(IndexError, "index_add: the index must be a vector (0-d or 1-d), got shape (1, 1)"):
        x.index_add(0, ember.tensor([[0]]), ember.ones(1, 4))
    with raises(RuntimeError, "index_add: source must have shape (2, 4) (the tensor's, with 2 along dim 0), "
                              "got (2, 5)"):
        x.index_add(0, ember.tensor([0, 1]), ember.ones(2, 5))
    with raises(RuntimeError, "index_add: source must have the tensor's dtype float32, got int64"):
        x.index_add(0, ember.tensor([0]), ember.ones(1, 4, dtype=ember.long))
    with raises(RuntimeError, "index_add: index -1 is out of bounds for dimension 0 with size 3"):
        x.index_add(0, ember.tensor([-1]), ember.ones(1, 4))
    with raises(RuntimeError, "index_copy: expected an int64 index tensor, got int32"):
        x.index_copy(0, ember.tensor([0], dtype=ember.int32), ember.ones(1, 4))
    with raises(IndexError, "index_copy: index 3 is out of bounds for dimension 0 with size 3"):
        x.index_copy(0, ember.tensor([3]), ember.ones(1, 4))
    with raises(IndexError, "index_fill: expected an int64 index tensor, got int32"):
        x.index_fill(1, ember.tensor([0], dtype=ember.int32), 1.0)
    with raises(IndexError, "index_fill: index -5 is out of bounds for dimension 1 with size 4"):
        x.index_fill(1, ember.tensor([-5]), 1.0)
    with raises(RuntimeError, "index_fill: the value must be a number or a 0-d tensor, got shape (1,)"):
        x.index_fill(1, ember.tensor([0]), ember.ones(1))
    with raises(RuntimeError, "index_reduce: reduce must be one of prod, mean, amax, amin; got 'sum'"):
        x.index_reduce(0, ember.tensor([0]), ember.ones(1, 4), "sum")
    with raises(IndexError, "index_reduce: index 3 is out of bounds for dimension 0 with size 3"):
        x.index_reduce(0, ember.tensor([3]), ember.ones(1, 4), "amax")
