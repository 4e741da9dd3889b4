import numpy as np
import pytest
import torch

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


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Embedding(5, 3, max_norm=1.0),
    lambda lib: lib.nn.Embedding(5, 3, padding_idx=0, max_norm=2.0, norm_type=1.0, scale_grad_by_freq=True),
], ids=["max_norm", "every option"])
def test_embedding_layer_options(device, make):
    check_layer(make, TOKENS, device=device)


BAG_LAYERS = {  # name: (make(lib), the forward's arrays)
    "mean of rows": (lambda lib: lib.nn.EmbeddingBag(5, 3), (TOKENS,)),
    "sum with offsets": (lambda lib: lib.nn.EmbeddingBag(5, 3, mode="sum"), (TOKENS.ravel(), np.array([0, 3, 3]))),
    "max, last offset, padding": (
        lambda lib: lib.nn.EmbeddingBag(5, 3, mode="max", include_last_offset=True, padding_idx=1),
        (TOKENS.ravel(), np.array([0, 5, 8]))),
    "max_norm": (lambda lib: lib.nn.EmbeddingBag(5, 3, max_norm=1.5, norm_type=3.0), (TOKENS,)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", BAG_LAYERS)
def test_embedding_bag_layer(device, name):
    make, arrays = BAG_LAYERS[name]
    check_layer(make, *arrays, device=device)


def bag_with_per_sample_weights(lib):
    """An EmbeddingBag in mode 'sum' called with per_sample_weights (check_layer passes arrays positionally)."""
    class PerSample(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.bag = lib.nn.EmbeddingBag(5, 3, mode="sum")

        def forward(self, ids, offsets, weights):
            return self.bag(ids, offsets, per_sample_weights=weights)
    return PerSample()


@pytest.mark.parametrize("device", DEVICES)
def test_embedding_bag_layer_per_sample_weights(device):
    check_layer(bag_with_per_sample_weights, TOKENS.ravel(), np.array([0, 2]), rand(8, seed=4), device=device)


@pytest.mark.parametrize("cls", ["Embedding", "EmbeddingBag"])
def test_from_pretrained_shares_the_table_and_freezes_it_unless_asked(cls):
    table = ember.tensor(rand(4, 2))
    frozen = getattr(ember.nn, cls).from_pretrained(table)
    trained = getattr(ember.nn, cls).from_pretrained(table, freeze=False, max_norm=3.0)
    assert frozen.weight.array is table.array and not frozen.weight.requires_grad and trained.weight.requires_grad
    theirs = getattr(torch.nn, cls).from_pretrained(torch.tensor(rand(4, 2)), freeze=False, max_norm=3.0)
    assert repr(trained) == repr(theirs)
    with raises(ValueError, f"{cls}.from_pretrained: embeddings must be 2-D (num_embeddings, dim), got shape (4,)"):
        getattr(ember.nn, cls).from_pretrained(ember.ones(4))


def test_embedding_layers_print_as_in_pytorch_and_refuse_sparse():
    for make in (lambda lib: lib.nn.Embedding(5, 3, max_norm=2, norm_type=3, scale_grad_by_freq=True),
                 lambda lib: lib.nn.EmbeddingBag(5, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True,
                                                 mode="max", include_last_offset=True, padding_idx=1),
                 lambda lib: lib.nn.EmbeddingBag(5, 3, _weight=lib.ones(5, 3))):
        assert repr(make(ember)) == repr(make(torch))
    with raises(NotImplementedError, "Embedding: sparse=True is not supported; ember's gradients are dense tensors"):
        ember.nn.Embedding(5, 3, sparse=True)
    with raises(ValueError, "EmbeddingBag: the weight must have shape (5, 3), got (3, 5)"):
        ember.nn.EmbeddingBag(5, 3, _weight=ember.ones(3, 5))
    assert not ember.nn.Embedding(5, 3, _freeze=True).weight.requires_grad
