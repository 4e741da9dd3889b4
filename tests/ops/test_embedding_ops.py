"""Embedding lookups with max_norm and scale_grad_by_freq, bags of embeddings, one-hot codes
(ops/embedding.py); the plain lookup and its layer are tested in tests/nn/test_embedding.py."""

import numpy as np
import pytest
import torch

import ember
import ember.functional as F
from helpers import DEVICES, check_op, check_parity, rand, raises, to_numpy

IDS = np.array([1, 2, 4, 4, 3, 0, 2, 1])
BAGS = {  # name: (ids, offsets, keyword arguments)
    "offsets": (IDS, np.array([0, 3, 3, 7]), {}),
    "include_last_offset": (IDS, np.array([0, 2, 2, 8]), {"include_last_offset": True}),
    "2-D input": (IDS.reshape(2, 4), None, {}),
    "padding_idx": (IDS, np.array([0, 3, 3, 7]), {"padding_idx": 4}),
    "negative padding_idx": (IDS.reshape(4, 2), None, {"padding_idx": -1}),
    "empty input": (IDS[:0], np.array([0, 0]), {}),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("bags", BAGS)
def test_embedding_bag(device, mode, bags):
    ids, offsets, options = BAGS[bags]
    check_op(lambda lib, w, ids, *offsets: lib.nn.functional.embedding_bag(ids, w, *offsets, mode=mode, **options),
             rand(5, 3), ids, *([] if offsets is None else [offsets]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("bags", ["offsets", "2-D input", "padding_idx"])
def test_embedding_bag_per_sample_weights(device, bags):
    ids, offsets, options = BAGS[bags]
    check_op(lambda lib, w, s, ids, *offsets: lib.nn.functional.embedding_bag(
        ids, w, *offsets, mode="sum", per_sample_weights=s, **options),
        rand(5, 3), rand(*ids.shape, seed=1), ids, *([] if offsets is None else [offsets]), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_max_norm_renormalizes_the_rows_used_in_place_as_pytorch(device):
    weights = {}
    for lib in (ember, torch):
        w = lib.tensor(rand(5, 3, low=-3.0, high=3.0))
        if lib is ember:
            w = w.to(device)
        out = lib.nn.functional.embedding(lib.tensor([[0, 2], [2, 4]]).to(w.device), w, max_norm=1.5, norm_type=1.0)
        bag = lib.nn.functional.embedding_bag(lib.tensor([1, 3]).to(w.device), w, lib.tensor([0]).to(w.device),
                                              max_norm=2.0)
        weights[lib] = (to_numpy(w), to_numpy(out), to_numpy(bag))
    for ours, theirs in zip(weights[ember], weights[torch]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    w = ember.tensor(rand(5, 3, low=-3.0, high=3.0), requires_grad=True)  # a weight that learns is renormalized too
    F.embedding(ember.tensor([1]), w, max_norm=0.5).sum().backward()
    assert np.linalg.norm(to_numpy(w.detach())[1]) <= 0.5 + 1e-6


@pytest.mark.parametrize("device", DEVICES)
def test_scale_grad_by_freq_divides_each_rows_gradient_by_its_count(device):
    ids = np.array([[1, 1, 1, 2], [2, 0, 3, 3]])
    check_parity(lambda lib, w, ids: lib.nn.functional.embedding(ids, w, scale_grad_by_freq=True), rand(5, 2), ids,
                 device=device)
    check_parity(lambda lib, w, ids: lib.nn.functional.embedding(ids, w, padding_idx=3, scale_grad_by_freq=True),
                 rand(5, 2), ids, device=device)
    for mode in ("sum", "mean"):  # by the count of each id in the whole batch, as for F.embedding
        w = ember.tensor(rand(5, 2), device=device, requires_grad=True)
        F.embedding_bag(ember.tensor(ids, device=device), w, mode=mode, scale_grad_by_freq=True).sum().backward()
        plain = ember.tensor(rand(5, 2), device=device, requires_grad=True)
        F.embedding_bag(ember.tensor(ids, device=device), plain, mode=mode).sum().backward()
        counts = np.maximum(np.bincount(ids.ravel(), minlength=5), 1)[:, None]
        np.testing.assert_allclose(to_numpy(w.grad), to_numpy(plain.grad) / counts, rtol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_one_hot(device):
    check_parity(lambda lib, x: lib.nn.functional.one_hot(x), np.array([[0, 2], [1, 4]]), device=device)
    check_parity(lambda lib, x: lib.nn.functional.one_hot(x, num_classes=6), np.array([3, 0, 5]), device=device)
    check_parity(lambda lib, x: lib.nn.functional.one_hot(x, 3), np.array(2), device=device)
    check_parity(lambda lib, x: lib.nn.functional.one_hot(x, 3), np.zeros(0, dtype=np.int64), device=device)


def test_one_hot_errors():
    with raises(RuntimeError, "one_hot is only applicable to index tensors of type int64, got float32"):
        F.one_hot(ember.tensor([0.0, 1.0]))
    with raises(RuntimeError, "one_hot: class values must be non-negative"):
        F.one_hot(ember.tensor([-1, 2]))
    with raises(RuntimeError, "one_hot: class values must be smaller than num_classes (2), got 2"):
        F.one_hot(ember.tensor([0, 2]), 2)
    with raises(RuntimeError, "one_hot: can not infer the number of classes from an empty tensor"):
        F.one_hot(ember.tensor([], dtype=ember.int64))


def test_embedding_bag_errors():
    w, ids = ember.ones(5, 3), ember.tensor([1, 2, 4])
    with raises(ValueError, "embedding_bag: offsets has to be a 1D Tensor, got None"):
        F.embedding_bag(ids, w)
    with raises(ValueError, "embedding_bag: if input is 2D, then offsets has to be None"):
        F.embedding_bag(ids.reshape(1, 3), w, ember.tensor([0]))
    with raises(ValueError, "embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of dimension 3"):
        F.embedding_bag(ids.reshape(1, 1, 3), w)
    with raises(RuntimeError, "embedding_bag: offsets[0] has to be 0 (the first bag starts at the first id), got 1"):
        F.embedding_bag(ids, w, ember.tensor([1, 2]))
    with raises(RuntimeError, "embedding_bag: offsets must be non-decreasing and at most the input's length 3, "
                              "got [0, 2, 1]"):
        F.embedding_bag(ids, w, ember.tensor([0, 2, 1]))
    with raises(ValueError, "embedding_bag: mode has to be one of sum, mean or max, got 'median'"):
        F.embedding_bag(ids, w, ember.tensor([0]), mode="median")
    with raises(NotImplementedError, "embedding_bag: per_sample_weights is only supported for mode='sum', got "
                                     "mode='mean'"):
        F.embedding_bag(ids, w, ember.tensor([0]), per_sample_weights=ember.ones(3))
    with raises(ValueError, "embedding_bag: per_sample_weights must have the same shape as the input (3,), got (2,)"):
        F.embedding_bag(ids, w, ember.tensor([0]), mode="sum", per_sample_weights=ember.ones(2))
    with raises(ValueError, "embedding_bag: max mode does not support scaling the gradient by the frequency"):
        F.embedding_bag(ids, w, ember.tensor([0]), mode="max", scale_grad_by_freq=True)
    with raises(RuntimeError, "embedding_bag: index 7 is out of range for 5 embeddings (valid: 0 to 4)"):
        F.embedding_bag(ember.tensor([1, 7]), w, ember.tensor([0]))
    with raises(NotImplementedError, "embedding: sparse=True is not supported; ember's gradients are dense tensors"):
        F.embedding(ids, w, sparse=True)
    with raises(ValueError, "padding_idx 5 is out of range for 5 embeddings"):
        F.embedding_bag(ids, w, ember.tensor([0]), padding_idx=5)


def test_torch_embedding_renorm_():
    ours, theirs = ember.tensor([[3.0, 4.0], [0.3, 0.4]]), torch.tensor([[3.0, 4.0], [0.3, 0.4]])
    assert ember.embedding_renorm_(ours, ember.tensor([0, 1]), 1.0, 2.0) is ours
    torch.embedding_renorm_(theirs, torch.tensor([0, 1]), 1.0, 2.0)
    np.testing.assert_allclose(to_numpy(ours), theirs.numpy(), rtol=1e-6)
