import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_op, check_parity, dims, rand, raises, seeds, shapes, to_numpy


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=2, max_dims=3), offset=st.integers(-4, 4), seed=seeds)
def test_tril_and_triu(device, shape, offset, seed):
    check_op(lambda lib, x: (lib.tril(x, offset), x.triu(diagonal=offset), lib.triu(x), x.tril()),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_tril_and_triu_in_place_and_on_bools(device):
    data = rand(3, 4)
    for name in ("tril_", "triu_"):
        ours, theirs = ember.tensor(data, device=device), torch.tensor(data)
        assert getattr(ours, name)(1) is ours
        getattr(theirs, name)(1)
        np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    check_parity(lambda lib, x: (lib.tril(x > 0), lib.triu(x.long(), -1)), data, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=2, max_dims=4), offset=st.integers(-4, 4), seed=seeds, data=st.data())
def test_diagonal(device, shape, offset, seed, data):
    first, second = data.draw(dims(len(shape), min_size=2, max_size=2), label="dims")
    check_op(lambda lib, x: (lib.diagonal(x, offset, first, second), x.diagonal(offset=offset, dim1=second, dim2=first),
                             lib.diagonal_copy(x, offset, first, second)),
             rand(*shape, seed=seed), device=device)


def test_diagonal_is_a_view():
    ours, theirs = ember.zeros(3, 4), torch.zeros(3, 4)
    for x in (ours, theirs):
        x.diagonal(1).fill_(1.0)
        x.diagonal(-1).add_(2.0)
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    assert ours.diagonal(1).stride() == theirs.diagonal(1).stride()
    assert ours.diagonal(1).storage_offset() == theirs.diagonal(1).storage_offset()


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), offset=st.integers(-3, 3), seed=seeds, data=st.data())
def test_diag_embed(device, shape, offset, seed, data):
    first, second = data.draw(dims(len(shape) + 1, min_size=2, max_size=2), label="dims")
    check_op(lambda lib, x: (lib.diag_embed(x, offset, first, second), x.diag_embed(), lib.diag_embed(x, offset)),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("offset", [-2, 0, 1, 5])
def test_diag_and_diagflat(device, offset):
    check_op(lambda lib, v, m, s: (lib.diag(v, offset), m.diag(offset), lib.diagflat(m, offset), s.diagflat(offset)),
             rand(3), rand(3, 4, seed=1), rand(seed=2), device=device)
    check_parity(lambda lib, v: lib.diagflat(v.long(), offset), rand(2), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=2, max_dims=3), offset=st.integers(-3, 3), seed=seeds, data=st.data())
def test_diagonal_scatter(device, shape, offset, seed, data):
    first, second = data.draw(dims(len(shape), min_size=2, max_size=2), label="dims")
    diagonal_shape = np.diagonal(np.zeros(shape), offset, first, second).shape
    check_op(lambda lib, x, s: (lib.diagonal_scatter(x, s, offset, first, second),
                                x.diagonal_scatter(s.double().to(x.dtype), offset, first, second)),
             rand(*shape, seed=seed), rand(*diagonal_shape, seed=seed + 1), device=device)


def test_diagonal_errors():
    x = ember.ones(3, 4)
    with raises(RuntimeError, "tril: expected a tensor of at least 2 dimensions, got 1"):
        ember.tril(ember.ones(3))
    with raises(RuntimeError, "diagonal: dim1 and dim2 must differ, got 1 and 1"):
        x.diagonal(0, 1, 1)
    with raises(IndexError, "diag_embed: expected at least 1 dimension, got a 0-d tensor"):
        ember.diag_embed(ember.tensor(1.0))
    with raises(RuntimeError, "diag: expected a 1-D or 2-D tensor, got 3 dimensions"):
        ember.diag(ember.ones(2, 2, 2))
    with raises(RuntimeError, "diagonal_scatter: src must have the diagonal's shape (3,), got (2,)"):
        ember.diagonal_scatter(x, ember.ones(2))
