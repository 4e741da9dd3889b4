import numpy as np
import pytest

import ember
from helpers import DEVICES, check_gradcheck, check_layer, check_parity, rand, raises

TOKENS = np.array([[1, 4, 4, 0], [3, 1, 1, 1]])  # repeated ids: their gradients must add up


@pytest.mark.parametrize("device", DEVICES)
def test_embedding_op(device):
    check_gradcheck(lambda lib, w: lib.nn.functional.embedding(lib.tensor(TOKENS, device=w.device), w),
                    rand(5, 3), device=device)
    check_parity(lambda lib, w: lib.nn.functional.embedding(lib.tensor(TOKENS, device=w.device), w),
                 rand(5, 3), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("padding_idx", [None, 1, -1])
def test_embedding_layer(device, padding_idx):
    tokens = np.array([[1, 4, 4, 0], [3, 1, 1, 1]])
    check_layer(lambda lib: lib.nn.Embedding(5, 3, padding_idx=padding_idx), tokens, device=device)


def test_padding_row_starts_at_zero_and_never_learns():
    layer = ember.nn.Embedding(5, 3, padding_idx=2)
    assert layer.weight[2].tolist() == [0.0, 0.0, 0.0]
    layer(ember.tensor([2, 2, 1])).sum().backward()
    assert layer.weight.grad[2].tolist() == [0.0, 0.0, 0.0] and layer.weight.grad[1].tolist() == [1.0] * 3


def test_embedding_statistics_match_pytorch_init():
    weight = ember.nn.Embedding(1000, 100).weight.detach().numpy()
    assert abs(weight.mean()) < 0.01 and abs(weight.std() - 1) < 0.01


def test_embedding_errors():
    layer = ember.nn.Embedding(5, 3)
    with raises(IndexError, "index 5 is out of range for 5 embeddings (valid: 0 to 4)"):
        layer(ember.tensor([0, 5]))
    with raises(IndexError, "index -1 is out of range"):
        layer(ember.tensor([-1]))
    with raises(TypeError, "indices must be an integer tensor, got float32"):
        layer(ember.tensor([0.0, 1.0]))
    with raises(ValueError, "padding_idx 7 is out of range for 5 embeddings"):
        ember.nn.Embedding(5, 3, padding_idx=7)


def test_scatter_add_of_rows_matches_add_at():
    rows = np.array([3, 0, 3, -1, 2, 3])
    values = rand(6, 4, seed=3)
    expected = np.zeros((5, 4))
    np.add.at(expected, rows, values)
    got = np.zeros((5, 4))
    ember.backend.scatter_add(got, (rows,), values)
    np.testing.assert_allclose(got, expected)
