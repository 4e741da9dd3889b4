import numpy as np
import pytest
from hypothesis import given

import ember
import ember.nn  # noqa: F401 (lib.nn.functional below)
from helpers import (DEVICES, Constant, broadcastable_shapes, check_op, check_parity, rand, raises, seeds)

REDUCTIONS = ["mean", "sum", "none"]


def signs(*shape, seed=0, values=(1, -1)):
    """Random labels drawn from values (1 and -1 by default), as int64."""
    return np.random.default_rng(seed).choice(values, size=shape)


def multilabel_targets():
    """Labels of 3 samples over 5 classes, each list ended by -1: two labels, then ignored ones; one label
    listed twice; all five classes (no -1)."""
    return np.array([[3, 0, -1, 1, 4], [2, 2, -1, -1, 0], [4, 1, 0, 2, 3]])


# name: (fn(lib, *tensors, reduction), arrays). Float targets that the loss multiplies by get gradients too;
# labels that it only compares are integer arrays.
CASES = {
    "margin_ranking": (lambda lib, a, b, y, r: lib.nn.functional.margin_ranking_loss(a, b, y, margin=0.3, reduction=r),
                       [rand(6), rand(6, seed=1), signs(6).astype(float)]),
    "margin_ranking_broadcast": (lambda lib, a, b, y, r: lib.nn.functional.margin_ranking_loss(a, b, y, reduction=r),
                                 [rand(3, 4), rand(1, 4, seed=1), signs(3, 1).astype(float)]),
    "hinge_embedding": (lambda lib, x, y, r: lib.nn.functional.hinge_embedding_loss(x, y, margin=0.7, reduction=r),
                        [rand(3, 4), signs(3, 4, values=(1, -1, 0))]),
    "soft_margin": (lambda lib, x, y, r: lib.nn.functional.soft_margin_loss(x, y, reduction=r),
                    [rand(3, 4), Constant(signs(3, 4))]),
    "multilabel_soft_margin": (lambda lib, x, y, w, r: lib.nn.functional.multilabel_soft_margin_loss(
        x, y, weight=w, reduction=r), [rand(3, 4), rand(3, 4, seed=1, low=0.0, high=1.0), None]),
    "multilabel_soft_margin_weight": (lambda lib, x, y, w, r: lib.nn.functional.multilabel_soft_margin_loss(
        x, y, weight=w, reduction=r), [rand(3, 4), rand(3, 4, seed=1, low=0.0, high=1.0), Constant(rand(4, low=0.5))]),
    "multilabel_soft_margin_1d": (lambda lib, x, y, r: lib.nn.functional.multilabel_soft_margin_loss(x, y, reduction=r),
                                  [rand(4), rand(4, seed=1, low=0.0, high=1.0)]),
    "multi_margin": (lambda lib, x, y, r: lib.nn.functional.multi_margin_loss(x, y, reduction=r),
                     [rand(5, 4, low=-1.0, high=1.0), np.array([0, 3, 1, 1, 2])]),
    "multi_margin_p2_weight": (lambda lib, x, y, w, r: lib.nn.functional.multi_margin_loss(
        x, y, p=2, margin=0.5, weight=w, reduction=r),
        [rand(5, 4, low=-1.0, high=1.0), np.array([0, 3, 1, 1, 2]), Constant(rand(4, seed=2, low=0.5))]),
    "multi_margin_1d": (lambda lib, x, y, r: lib.nn.functional.multi_margin_loss(x, y, reduction=r),
                        [rand(4, low=-1.0, high=1.0), np.array(2)]),
    "multilabel_margin": (lambda lib, x, y, r: lib.nn.functional.multilabel_margin_loss(x, y, reduction=r),
                          [rand(3, 5, low=-1.0, high=1.0), multilabel_targets()]),
    "multilabel_margin_1d": (lambda lib, x, y, r: lib.nn.functional.multilabel_margin_loss(x, y, reduction=r),
                             [rand(5, low=-1.0, high=1.0), multilabel_targets()[0]]),
    "cosine_embedding": (lambda lib, a, b, y, r: lib.nn.functional.cosine_embedding_loss(a, b, y, margin=0.2,
                                                                                      reduction=r),
                         [rand(6, 5), rand(6, 5, seed=1), signs(6, values=(1, -1, 0))]),
    "cosine_embedding_1d": (lambda lib, a, b, y, r: lib.nn.functional.cosine_embedding_loss(a, b, y, reduction=r),
                            [rand(5), rand(5, seed=1), np.array(-1)]),
    "triplet_margin": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_loss(a, p, n, margin=2.0, reduction=r),
                       [rand(4, 5), rand(4, 5, seed=1), rand(4, 5, seed=2)]),
    "triplet_margin_p1_swap": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_loss(
        a, p, n, margin=1.5, p=1, eps=1e-3, swap=True, reduction=r), [rand(4, 5), rand(4, 5, seed=1), rand(4, 5, seed=2)]),
    "triplet_margin_1d": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_loss(a, p, n, margin=3.0,
                                                                                     reduction=r),
                          [rand(5), rand(5, seed=1), rand(5, seed=2)]),
    "triplet_with_distance": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, margin=2.0, reduction=r), [rand(4, 5), rand(4, 5, seed=1), rand(4, 5, seed=2)]),
    "triplet_with_cosine_distance_swap": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda u, v: 1 - lib.nn.functional.cosine_similarity(u, v), margin=0.8, swap=True,
        reduction=r), [rand(4, 5), rand(4, 5, seed=1), rand(4, 5, seed=2)]),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_losses(device, reduction, case):
    fn, arrays = CASES[case]
    check_op(lambda lib, *tensors: fn(lib, *tensors, reduction), *arrays, device=device)


ELEMENTWISE = {
    "hinge_embedding_loss": lambda lib, x, y: lib.nn.functional.hinge_embedding_loss(x, y, reduction="none"),
    "soft_margin_loss": lambda lib, x, y: lib.nn.functional.soft_margin_loss(x, y, reduction="none"),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ELEMENTWISE)
@given(shapes=broadcastable_shapes(), seed=seeds)
def test_elementwise_margin_losses_broadcast(device, name, shapes, seed):
    """The target broadcasts to the input's shape (PyTorch's soft_margin_loss takes no other)."""
    input_shape = np.broadcast_shapes(*shapes)
    check_op(ELEMENTWISE[name], rand(*input_shape, seed=seed), signs(*shapes[1], seed=seed), device=device)


def test_multilabel_margin_counts_a_label_listed_twice_twice():
    x, target = ember.tensor(rand(1, 4)), ember.tensor([[1, 1, -1, 0]])
    once = ember.nn.functional.multilabel_margin_loss(x, ember.tensor([[1, -1, 0, 0]]), reduction="sum")
    twice = ember.nn.functional.multilabel_margin_loss(x, target, reduction="sum")
    np.testing.assert_allclose(twice.item(), 2 * once.item())


# ---------------------------------------------------------------------------------------------
# The torch.* spellings: PyTorch's kernels' signatures, the reduction a number (0 'none', 1 'mean', 2 'sum').

TORCH_SPELLINGS = {
    "cosine_embedding_loss": (lambda lib, a, b, y, *r: lib.cosine_embedding_loss(a, b, y, 0.1, *r),
                              [rand(4, 3), rand(4, 3, seed=1), signs(4)]),
    "hinge_embedding_loss": (lambda lib, x, y, *r: lib.hinge_embedding_loss(x, y, 0.5, *r), [rand(3, 4), signs(3, 4)]),
    "margin_ranking_loss": (lambda lib, a, b, y, *r: lib.margin_ranking_loss(a, b, y, 0.2, *r),
                            [rand(5), rand(5, seed=1), signs(5).astype(float)]),
    "triplet_margin_loss": (lambda lib, a, p, n, *r: lib.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6, True, *r),
                            [rand(4, 3), rand(4, 3, seed=1), rand(4, 3, seed=2)]),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", TORCH_SPELLINGS)
@pytest.mark.parametrize("reduction", [(), (0,), (1,), (2,)])  # () is the default, which does not reduce
def test_torch_spellings(device, name, reduction):
    fn, arrays = TORCH_SPELLINGS[name]
    check_parity(lambda lib, *tensors: fn(lib, *tensors, *reduction), *arrays, device=device)


def test_torch_triplet_margin_loss_takes_a_zero_margin_as_torch_does():
    a, p, n = (rand(4, 3, seed=s) for s in range(3))
    check_parity(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 0.0, 2.0, 1e-6, False, 1), a, p, n)


@pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated")  # PyTorch's own warning
def test_legacy_size_average_and_reduce():
    def fn(lib, x, y):
        return lib.nn.functional.soft_margin_loss(x, y, size_average=False)
    with pytest.warns(UserWarning, match="soft_margin_loss: size_average and reduce are deprecated; use "
                                         "reduction='sum' instead"):
        check_parity(fn, rand(3, 4), Constant(signs(3, 4)))


# ---------------------------------------------------------------------------------------------
# Errors.

F = ember.functional


def test_bad_reduction():
    x, y = ember.randn(3, 4), ember.ones(3, 4)
    with raises(ValueError, "hinge_embedding_loss: reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.hinge_embedding_loss(x, y, reduction="avg")
    with raises(ValueError, "triplet_margin_with_distance_loss: reduction must be 'mean', 'sum' or 'none', got 'all'"):
        F.triplet_margin_with_distance_loss(x, x, x, reduction="all")
    with raises(ValueError, "hinge_embedding_loss: reduction must be 0 ('none'), 1 ('mean') or 2 ('sum'), got 3"):
        ember.hinge_embedding_loss(x, y, 1.0, 3)


def test_mismatched_dimensions():
    x = ember.randn(3, 4)
    with raises(RuntimeError, "margin_ranking_loss: input1, input2 and target must have the same number of "
                              "dimensions, got shapes (3, 4), (3, 4) and (4,)"):
        F.margin_ranking_loss(x, x, ember.ones(4))
    with raises(RuntimeError, "triplet_margin_loss: anchor, positive and negative must have the same number of "
                              "dimensions, got 2-d, 1-d and 2-d inputs"):
        F.triplet_margin_loss(x, x[0], x)
    with raises(RuntimeError, "triplet_margin_with_distance_loss: anchor, positive and negative must have the same"):
        F.triplet_margin_with_distance_loss(x, x, x[0])
    with raises(RuntimeError, "cosine_embedding_loss: expected vectors (D,) with a 0-d target, or (N, D) with a "
                              "target (N,); got (4,) and (4,) with a target of shape (1,)"):
        F.cosine_embedding_loss(x[0], x[0], ember.ones(1))
    with raises(RuntimeError, "got (2, 3, 4) and (2, 3, 4) with a target of shape (2, 3)"):
        F.cosine_embedding_loss(ember.randn(2, 3, 4), ember.randn(2, 3, 4), ember.ones(2, 3))


def test_margins_of_the_triplet_losses_must_be_positive():
    x = ember.randn(3, 4)
    with raises(ValueError, "triplet_margin_loss: margin must be greater than 0, got 0"):
        F.triplet_margin_loss(x, x, x, margin=0)
    with raises(ValueError, "triplet_margin_with_distance_loss: margin must be greater than 0, got -1"):
        F.triplet_margin_with_distance_loss(x, x, x, margin=-1)


def test_multi_margin_loss_errors():
    x = ember.randn(3, 4)
    with raises(ValueError, "multi_margin_loss: p must be 1 or 2, got 3"):
        F.multi_margin_loss(x, ember.tensor([0, 1, 2]), p=3)
    with raises(ValueError, "multi_margin_loss: weight must be one-dimensional, got shape (1, 4)"):
        F.multi_margin_loss(x, ember.tensor([0, 1, 2]), weight=ember.ones(1, 4))
    with raises(RuntimeError, "multi_margin_loss: weight must hold one number per class (4), got shape (3,)"):
        F.multi_margin_loss(x, ember.tensor([0, 1, 2]), weight=ember.ones(3))
    with raises(RuntimeError, "multi_margin_loss: input of shape (3, 4) needs one class index per sample, got a "
                              "target of shape (2,)"):
        F.multi_margin_loss(x, ember.tensor([0, 1]))
    with raises(RuntimeError, "multi_margin_loss: target 4 is out of range: expected values in [0, 3]"):
        F.multi_margin_loss(x, ember.tensor([0, 4, 1]))
    with raises(RuntimeError, "target -1 is out of range: expected values in [0, 3]"):
        F.multi_margin_loss(x, ember.tensor([0, -1, 1]))
    with raises(TypeError, "multi_margin_loss: the target must hold class indices, an integer tensor; got float32"):
        F.multi_margin_loss(x, ember.tensor([0.0, 1.0, 1.0]))
    with raises(RuntimeError, "multi_margin_loss: expected scores of shape (C,) or (N, C) with C > 0, got shape "
                              "(2, 3, 4)"):
        F.multi_margin_loss(ember.randn(2, 3, 4), ember.zeros(2, 3, dtype=ember.long))


def test_multilabel_margin_loss_errors():
    x = ember.randn(2, 3)
    with raises(RuntimeError, "multilabel_margin_loss: the target must have the input's shape (2, 3), got (2, 2)"):
        F.multilabel_margin_loss(x, ember.tensor([[0, -1], [1, -1]]))
    with raises(RuntimeError, "multilabel_margin_loss: target 3 is out of range: expected values in [-1, 2]"):
        F.multilabel_margin_loss(x, ember.tensor([[0, 3, -1], [1, -1, 0]]))
    with raises(RuntimeError, "target -2 is out of range"):
        F.multilabel_margin_loss(x, ember.tensor([[0, -2, -1], [1, -1, 0]]))
    with raises(TypeError, "multilabel_margin_loss: the target must hold class indices, an integer tensor"):
        F.multilabel_margin_loss(x, ember.zeros(2, 3))


def test_multilabel_soft_margin_loss_needs_classes():
    with raises(ValueError, "multilabel_soft_margin_loss: expected scores of shape (C,) or (N, C), got a 0-d input"):
        F.multilabel_soft_margin_loss(ember.tensor(1.0), ember.tensor(1.0))
