import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from helpers import DEVICES, Constant, check_layer, check_parity, rand, raises

REDUCTIONS = ["mean", "sum", "none"]

# PyTorch warns of NLLLoss2d, of KLDivLoss's 'mean' and of size_average/reduce as ember does; tests that look
# at ember's warnings catch them with pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore:reduction. 'mean' divides",
                                        "ignore:kl_div. reduction='mean'", "ignore:size_average and reduce")


def weights(lib, n, low=0.5, high=2.0):
    return lib.tensor(np.linspace(low, high, n))


def signs(*shape, seed=0, values=(1, -1)):
    return np.random.default_rng(seed).choice(values, size=shape)


# name: (make(lib, reduction) -> the module, its input arrays)
MODULES = {
    "MSELoss": (lambda lib, r: lib.nn.MSELoss(reduction=r), [rand(3, 4), rand(3, 4, seed=1)]),
    "L1Loss": (lambda lib, r: lib.nn.L1Loss(reduction=r), [rand(3, 4), rand(3, 4, seed=1)]),
    "HuberLoss": (lambda lib, r: lib.nn.HuberLoss(reduction=r, delta=0.5), [rand(3, 4), rand(3, 4, seed=1)]),
    "SmoothL1Loss": (lambda lib, r: lib.nn.SmoothL1Loss(reduction=r, beta=0.5), [rand(3, 4), rand(3, 4, seed=1)]),
    "CrossEntropyLoss": (lambda lib, r: lib.nn.CrossEntropyLoss(weights(lib, 4), ignore_index=2, reduction=r,
                                                                label_smoothing=0.1),
                         [rand(5, 4), np.array([0, 2, 3, 1, 2])]),
    "CrossEntropyLoss_probabilities": (lambda lib, r: lib.nn.CrossEntropyLoss(reduction=r),
                                       [rand(5, 4), rand(5, 4, seed=1, low=0.0, high=1.0)]),
    "NLLLoss": (lambda lib, r: lib.nn.NLLLoss(weights(lib, 4), reduction=r), [rand(5, 4, high=0.0),
                                                                              np.array([0, 2, 3, 1, 2])]),
    "NLLLoss2d": (lambda lib, r: lib.nn.NLLLoss2d(weights(lib, 3), ignore_index=1, reduction=r),
                  [rand(2, 3, 2, 2, high=0.0), np.array([[[0, 1], [2, 2]], [[1, 0], [0, 2]]])]),
    "BCELoss": (lambda lib, r: lib.nn.BCELoss(weights(lib, 4), reduction=r),
                [rand(3, 4, low=0.05, high=0.95), rand(3, 4, seed=1, low=0.0, high=1.0)]),
    "BCEWithLogitsLoss": (lambda lib, r: lib.nn.BCEWithLogitsLoss(weights(lib, 4), reduction=r,
                                                                  pos_weight=weights(lib, 4, 3.0, 1.0)),
                          [rand(3, 4), rand(3, 4, seed=1, low=0.0, high=1.0)]),
    "MultiLabelSoftMarginLoss": (lambda lib, r: lib.nn.MultiLabelSoftMarginLoss(weights(lib, 4), reduction=r),
                                 [rand(3, 4), rand(3, 4, seed=1, low=0.0, high=1.0)]),
    "MultiMarginLoss": (lambda lib, r: lib.nn.MultiMarginLoss(p=2, margin=0.5, weight=weights(lib, 4), reduction=r),
                        [rand(5, 4, low=-1.0, high=1.0), np.array([0, 3, 1, 1, 2])]),
    "MultiLabelMarginLoss": (lambda lib, r: lib.nn.MultiLabelMarginLoss(reduction=r),
                             [rand(2, 4, low=-1.0, high=1.0), np.array([[3, 0, -1, 1], [2, -1, 0, 0]])]),
    "SoftMarginLoss": (lambda lib, r: lib.nn.SoftMarginLoss(reduction=r), [rand(3, 4), Constant(signs(3, 4))]),
    "PoissonNLLLoss": (lambda lib, r: lib.nn.PoissonNLLLoss(log_input=False, full=True, reduction=r),
                       [rand(3, 4, low=0.1, high=2.0), np.arange(12.0).reshape(3, 4) + 0.5]),
    "GaussianNLLLoss": (lambda lib, r: lib.nn.GaussianNLLLoss(full=True, reduction=r),
                        [rand(3, 4), rand(3, 4, seed=1), rand(3, 1, seed=2, low=0.2, high=2.0)]),
    "KLDivLoss": (lambda lib, r: lib.nn.KLDivLoss(reduction=r, log_target=True),
                  [rand(3, 4, low=-3.0, high=0.0), rand(3, 4, seed=1, low=-3.0, high=0.0)]),
    "MarginRankingLoss": (lambda lib, r: lib.nn.MarginRankingLoss(margin=0.2, reduction=r),
                          [rand(5), rand(5, seed=1), signs(5).astype(float)]),
    "HingeEmbeddingLoss": (lambda lib, r: lib.nn.HingeEmbeddingLoss(margin=0.5, reduction=r),
                           [rand(3, 4), signs(3, 4)]),
    "CosineEmbeddingLoss": (lambda lib, r: lib.nn.CosineEmbeddingLoss(margin=0.1, reduction=r),
                            [rand(4, 3), rand(4, 3, seed=1), signs(4)]),
    "TripletMarginLoss": (lambda lib, r: lib.nn.TripletMarginLoss(margin=2.0, p=1, swap=True, reduction=r),
                          [rand(4, 3), rand(4, 3, seed=1), rand(4, 3, seed=2)]),
    "TripletMarginWithDistanceLoss": (lambda lib, r: lib.nn.TripletMarginWithDistanceLoss(reduction=r, margin=2.0),
                                      [rand(4, 3), rand(4, 3, seed=1), rand(4, 3, seed=2)]),
    "TripletMarginWithDistanceLoss_module": (lambda lib, r: lib.nn.TripletMarginWithDistanceLoss(
        distance_function=lib.nn.PairwiseDistance(p=1), swap=True, reduction=r),
        [rand(4, 3), rand(4, 3, seed=1), rand(4, 3, seed=2)]),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", MODULES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_modules_match_pytorch(device, reduction, name):
    """Printed alike, with the same outputs and input gradients, in float64 and float32."""
    make, arrays = MODULES[name]
    for dtype in (np.float64, np.float32):
        check_layer(lambda lib: make(lib, reduction), *arrays, device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("settings", [dict(), dict(bias=True, ignore_index=1, label_smoothing=0.2),
                                      dict(bias=True, out_features=(3,))])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_linear_cross_entropy_loss(device, reduction, settings):
    target = np.array([[0, 4, 1], [2, 3, 1]]) if "out_features" in settings else np.array([0, 4, 1, 2])
    for dtype in (np.float64, np.float32):
        torch.manual_seed(0)
        check_layer(lambda lib: lib.nn.LinearCrossEntropyLoss(6, 5, weight=weights(lib, 5), reduction=reduction,
                                                              **settings), rand(len(target), 6), target,
                    device=device, dtype=dtype)


def test_linear_cross_entropy_loss_errors():
    with raises(RuntimeError, "LinearCrossEntropyLoss: weight must hold one number per class, shape (5,); got shape "
                              "(4,)"):
        nn.LinearCrossEntropyLoss(6, 5, weight=ember.ones(4))
    with raises(RuntimeError, "LinearCrossEntropyLoss: label_smoothing must be in [0, 1], got 1.5"):
        nn.LinearCrossEntropyLoss(6, 5, label_smoothing=1.5)


@pytest.mark.parametrize("device", DEVICES)
def test_kl_div_loss_batchmean(device):
    for dtype in (np.float64, np.float32):
        check_layer(lambda lib: lib.nn.KLDivLoss(reduction="batchmean"), rand(3, 4, low=-3.0, high=0.0),
                    rand(3, 4, seed=1, low=0.1, high=1.0), device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_module(device, reduction):
    def fn(lib, x, targets, input_lengths, target_lengths):
        criterion = lib.nn.CTCLoss(blank=4, reduction=reduction, zero_infinity=True)
        assert repr(criterion) == "CTCLoss()"
        return criterion(x.log_softmax(2), targets, input_lengths, target_lengths)
    for dtype in (np.float64, np.float32):
        check_parity(fn, rand(6, 3, 5), np.array([[1, 2, 2], [3, 1, 0], [1, 1, 1]]), np.array([6, 5, 4]),
                     np.array([3, 2, 3]), device=device, dtype=dtype)


def test_a_module_passes_its_settings_to_the_function():
    x, target = ember.tensor(rand(4, 3), requires_grad=True), ember.tensor([0, 1, 2, 1])
    expected = ember.functional.cross_entropy(x, target, ignore_index=1, reduction="sum", label_smoothing=0.2)
    got = nn.CrossEntropyLoss(ignore_index=1, reduction="sum", label_smoothing=0.2)(x, target)
    assert got.item() == expected.item()


def test_weights_are_buffers_saved_and_moved_with_the_module():
    criterion = nn.BCEWithLogitsLoss(weight=ember.ones(3), pos_weight=ember.tensor([1.0, 2.0, 3.0]))
    assert list(criterion.state_dict()) == ["weight", "pos_weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert list(nn.MultiMarginLoss(weight=ember.ones(3)).state_dict()) == ["weight"]
    criterion.double()
    assert criterion.weight.dtype == ember.float64 and criterion.pos_weight.dtype == ember.float64


# ---------------------------------------------------------------------------------------------
# PyTorch's deprecated size_average and reduce, taken by position and by name.

@pytest.mark.parametrize("legacy", [dict(size_average=False), dict(reduce=False), dict(size_average=True, reduce=True),
                                    dict(size_average=0, reduction="none")])
@pytest.mark.parametrize("name", ["MSELoss", "L1Loss", "SmoothL1Loss", "BCELoss", "CrossEntropyLoss", "NLLLoss",
                                  "KLDivLoss", "MarginRankingLoss", "SoftMarginLoss", "TripletMarginLoss"])
def test_legacy_size_average_and_reduce_at_construction(name, legacy):
    with pytest.warns(UserWarning, match=f"{name}: size_average and reduce are deprecated; use reduction="):
        ours = getattr(nn, name)(**legacy)
    assert ours.reduction == getattr(torch.nn, name)(**legacy).reduction


def test_positional_arguments_are_pytorchs():
    with pytest.warns(UserWarning, match="CrossEntropyLoss: size_average and reduce are deprecated; use "
                                         "reduction='sum' instead"):
        criterion = nn.CrossEntropyLoss(None, False, 3)  # weight, size_average, ignore_index
    assert (criterion.reduction, criterion.ignore_index) == ("sum", 3)
    assert nn.PoissonNLLLoss(False, True).log_input is False
    assert nn.MultiMarginLoss(2, 0.5).margin == 0.5
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)  # keyword-only, as in PyTorch
    with pytest.raises(TypeError):
        nn.TripletMarginWithDistanceLoss(None)


def test_nll_loss_2d_is_deprecated():
    with pytest.warns(FutureWarning, match="NLLLoss2d is deprecated: use NLLLoss"):
        criterion = nn.NLLLoss2d()
    assert isinstance(criterion, nn.NLLLoss)


# ---------------------------------------------------------------------------------------------
# Bad settings fail at construction.

def test_bad_settings_fail_at_construction():
    with raises(ValueError, "CrossEntropyLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        nn.CrossEntropyLoss(reduction="avg")
    with raises(ValueError, "MSELoss: reduction must be 'mean', 'sum' or 'none', got 'batchmean'"):
        nn.MSELoss(reduction="batchmean")
    with raises(ValueError, "KLDivLoss: reduction must be 'mean', 'batchmean', 'sum' or 'none', got 'avg'"):
        nn.KLDivLoss(reduction="avg")
    with raises(ValueError, "MultiMarginLoss: p must be 1 or 2, got 3"):
        nn.MultiMarginLoss(p=3)
    with raises(ValueError, "MultiMarginLoss: weight must be one-dimensional, got shape (2, 2)"):
        nn.MultiMarginLoss(weight=ember.ones(2, 2))
    with raises(ValueError, "TripletMarginWithDistanceLoss: margin must be greater than 0, got 0"):
        nn.TripletMarginWithDistanceLoss(margin=0)


# ---------------------------------------------------------------------------------------------
# The adaptive softmax.

def adaptive(lib, **settings):
    return lib.nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], div_value=2.0, **settings)


TARGETS = np.array([0, 5, 11, 2, 7, 3, 9, 1, 6, 10])  # every part: the shortlist 0-2, clusters 3-6 and 7-11


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("head_bias", [False, True])
def test_adaptive_log_softmax_with_loss(device, head_bias):
    for dtype in (np.float64, np.float32):
        check_layer(lambda lib: adaptive(lib, head_bias=head_bias), rand(10, 8), TARGETS, device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
def test_adaptive_log_softmax_of_one_sample_and_of_the_shortlist_alone(device):
    check_layer(adaptive, rand(8), np.array(9), device=device)
    check_layer(adaptive, rand(4, 8), np.array([0, 2, 1, 1]), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_adaptive_log_prob_and_predict(device):
    torch.manual_seed(0)
    theirs = adaptive(torch, head_bias=True).double()
    ours = adaptive(ember, head_bias=True).to(device=device, dtype=ember.float64)
    ours.load_state_dict(theirs.state_dict())
    check_parity(lambda lib, x: (ours if lib is ember else theirs).log_prob(x), rand(10, 8), device=device)
    x = rand(200, 8, seed=1, low=-4.0, high=4.0)
    predicted = ours.predict(ember.tensor(x, device=device))
    assert predicted.tolist() == theirs.predict(torch.tensor(x)).tolist()
    assert predicted.max().item() >= 3  # some predictions fall in the clusters
    np.testing.assert_allclose(ours.log_prob(ember.tensor(x, device=device)).exp().sum(1).tolist(), 1.0)


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # a cluster of in_features // 16 = 0 units
def test_adaptive_log_softmax_errors():
    with raises(ValueError, "AdaptiveLogSoftmaxWithLoss: cutoffs must be unique integers in increasing order, each "
                            "in [1, n_classes - 1] = [1, 11]; got [7, 3]"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 12, [7, 3])
    for cutoffs in ([], [0, 3], [3, 12], [3, 3], [2.5]):
        with raises(ValueError, "AdaptiveLogSoftmaxWithLoss: cutoffs must be unique integers"):
            nn.AdaptiveLogSoftmaxWithLoss(8, 12, cutoffs)
    criterion = nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7])
    with raises(RuntimeError, "AdaptiveLogSoftmaxWithLoss: target values must be in [0, 11], got values in [0, 12]"):
        criterion(ember.randn(2, 8), ember.tensor([0, 12]))
    with raises(RuntimeError, "AdaptiveLogSoftmaxWithLoss: expected input (N, 8) with target (N,), or (8,) with a "
                              "0-d target; got (3, 8) and (2,)"):
        criterion(ember.randn(3, 8), ember.tensor([0, 1]))
    with raises(RuntimeError, "got (8,) and (1,)"):
        criterion(ember.randn(8), ember.tensor([1]))
    with raises(RuntimeError, "AdaptiveLogSoftmaxWithLoss.log_prob: expected input (N, 8), got (8,)"):
        criterion.log_prob(ember.randn(8))
