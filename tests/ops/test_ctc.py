import numpy as np
import pytest
import torch
from hypothesis import given

import ember
import ember.nn  # noqa: F401 (lib.nn.functional below)
from helpers import DEVICES, check_gradcheck, check_op, check_parity, rand, raises, seeds

REDUCTIONS = ["mean", "sum", "none"]

# Three sequences of 6 outputs over 5 classes (blank 0): targets of 3, 2 and 1 labels (a repeat in the first),
# input lengths 6, 5 and 4.
TARGETS = np.array([[1, 2, 2], [3, 1, 0], [4, 0, 0]])
INPUT_LENGTHS, TARGET_LENGTHS = np.array([6, 5, 4]), np.array([3, 2, 1])


def ctc(lib, logits, targets, input_lengths, target_lengths, **settings):
    """The CTC loss of log_softmax(logits), the way it is meant to be used."""
    return lib.nn.functional.ctc_loss(logits.log_softmax(-1), targets, input_lengths, target_lengths, **settings)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_of_padded_targets(device, reduction):
    check_op(lambda lib, x, *args: ctc(lib, x, *args, reduction=reduction), rand(6, 3, 5), TARGETS, INPUT_LENGTHS,
             TARGET_LENGTHS, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_of_concatenated_targets_and_lengths_as_lists(device, reduction):
    concatenated = np.array([1, 2, 2, 3, 1, 4])
    check_op(lambda lib, x, y: ctc(lib, x, y, [6, 5, 4], (3, 2, 1), reduction=reduction), rand(6, 3, 5), concatenated,
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_of_one_unbatched_sequence(device, reduction):
    check_op(lambda lib, x, y, t, s: ctc(lib, x, y, t, s, reduction=reduction), rand(6, 5), TARGETS[0], np.array(6),
             np.array(3), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_ctc_loss_with_the_last_class_as_blank_and_int32_targets(device):
    targets = np.array([[1, 0, 0], [3, 1, 0], [2, 2, 2]], dtype=np.int32)
    check_op(lambda lib, x, *args: ctc(lib, x, *args, blank=4, reduction="sum"), rand(6, 3, 5), targets,
             INPUT_LENGTHS.astype(np.int32), np.array([2, 2, 2], dtype=np.int32), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_ctc_loss_of_empty_targets_and_empty_inputs(device):
    """An empty target costs -Σ log y_t(blank); no outputs spell only the empty target (loss 0)."""
    check_op(lambda lib, x, *args: ctc(lib, x, *args, reduction="none"), rand(6, 3, 5), TARGETS, np.array([6, 0, 4]),
             np.array([0, 0, 1]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_of_targets_too_long_for_their_inputs(device, reduction, zero_infinity):
    """1, 1, 1 needs 5 outputs (a blank between repeats): with 4 the loss is infinite, its gradient NaN (as in
    PyTorch), or both 0 with zero_infinity."""
    targets, input_lengths, target_lengths = np.array([[1, 1, 1], [3, 1, 0], [4, 4, 4]]), [4, 5, 4], [3, 2, 3]

    def fn(lib, x):
        return ctc(lib, x, lib.tensor(targets), input_lengths, target_lengths, reduction=reduction,
                   zero_infinity=zero_infinity)
    for dtype in (np.float64, np.float32):
        out, = check_parity(fn, rand(6, 3, 5), device=device, dtype=dtype)
        assert np.isfinite(out.tolist()).all() == zero_infinity


@pytest.mark.parametrize("device", DEVICES)
@given(seed=seeds)
def test_ctc_loss_of_random_sequences(device, seed):
    rng = np.random.default_rng(seed)
    n_steps, n_sequences, n_classes = rng.integers(1, 8), rng.integers(1, 4), rng.integers(2, 6)
    target_lengths = rng.integers(0, n_steps + 1, n_sequences)
    targets = rng.integers(1, n_classes, (n_sequences, max(target_lengths.max(), 1)))
    input_lengths = rng.integers(0, n_steps + 1, n_sequences)

    def fn(lib, x, *args):
        return ctc(lib, x, *args, reduction="sum", zero_infinity=True)
    check_op(fn, rand(n_steps, n_sequences, n_classes, seed=seed), targets, input_lengths, target_lengths,
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_ctc_gradient_is_that_of_the_log_probabilities_themselves(device):
    """ember's gradient is the derivative with respect to the log-probabilities it is given (gradcheck'd on
    them); PyTorch's adds exp(log_probs) at the outputs within each sequence, the derivative with respect to
    logits whose log_softmax they are. Through log_softmax both are the same (the tests above)."""
    log_probs = np.log(np.random.default_rng(0).dirichlet(np.ones(5), (6, 3)))
    args = (TARGETS, INPUT_LENGTHS, TARGET_LENGTHS)
    check_gradcheck(lambda lib, x, *rest: lib.nn.functional.ctc_loss(x, *rest, reduction="sum"), log_probs, *args,
                    device=device)
    ours = ember.tensor(log_probs, device=device, requires_grad=True)
    theirs = torch.tensor(log_probs, requires_grad=True)
    for lib, x in ((ember, ours), (torch, theirs)):
        lib.nn.functional.ctc_loss(x, *(lib.tensor(a) for a in args), reduction="sum").backward()
    within = np.arange(6)[:, None, None] < INPUT_LENGTHS[:, None]
    np.testing.assert_allclose(ours.grad.tolist(), theirs.grad.numpy() - np.exp(log_probs) * within, atol=1e-9)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", [(), (0,), (1,), (2,)])  # () is the default, which does not reduce
def test_torch_ctc_loss(device, reduction):
    def fn(lib, x, *args):
        return lib.ctc_loss(x.log_softmax(2), *args, 0, *reduction)
    check_parity(fn, rand(6, 3, 5), TARGETS, INPUT_LENGTHS, TARGET_LENGTHS, device=device)


# ---------------------------------------------------------------------------------------------
# Errors.

def log_probs(*shape):
    return ember.tensor(rand(*shape)).log_softmax(-1)


def test_ctc_loss_errors_of_log_probs_and_blank():
    targets, lengths = ember.tensor(TARGETS), (ember.tensor(INPUT_LENGTHS), ember.tensor(TARGET_LENGTHS))
    F = ember.functional
    with raises(RuntimeError, "ctc_loss: expected floating point log_probs (T, N, C) or (T, C), got float64 of shape "
                              "(1, 6, 3, 5)"):
        F.ctc_loss(log_probs(1, 6, 3, 5), targets, *lengths)
    with raises(RuntimeError, "ctc_loss: expected floating point log_probs (T, N, C) or (T, C), got int64"):
        F.ctc_loss(ember.zeros(6, 3, 5, dtype=ember.long), targets, *lengths)
    with raises(RuntimeError, "ctc_loss: log_probs must not be empty, got shape (6, 0, 5)"):
        F.ctc_loss(log_probs(6, 0, 5), targets[:0], [], [])
    with raises(RuntimeError, "ctc_loss: blank must be a class in [0, 4], got 5"):
        F.ctc_loss(log_probs(6, 3, 5), targets, *lengths, blank=5)
    with raises(ValueError, "ctc_loss: reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.ctc_loss(log_probs(6, 3, 5), targets, *lengths, reduction="avg")
    with raises(ValueError, "ctc_loss: reduction must be 0 ('none'), 1 ('mean') or 2 ('sum'), got 'mean'"):
        ember.ctc_loss(log_probs(6, 3, 5), targets, *lengths, 0, "mean")


def test_ctc_loss_errors_of_lengths():
    x, targets = log_probs(6, 3, 5), ember.tensor(TARGETS)
    F = ember.functional
    with raises(RuntimeError, "ctc_loss: input_lengths must hold one length per sequence (3), got 2"):
        F.ctc_loss(x, targets, [6, 5], [3, 2, 1])
    with raises(RuntimeError, "ctc_loss: target_lengths must hold one length per sequence (3), got 4"):
        F.ctc_loss(x, targets, [6, 5, 4], [3, 2, 1, 1])
    with raises(RuntimeError, "ctc_loss: input_lengths must be at most 6 (the number of outputs), got 7"):
        F.ctc_loss(x, targets, [7, 5, 4], [3, 2, 1])
    with raises(RuntimeError, "ctc_loss: target_lengths must not be negative, got -1"):
        F.ctc_loss(x, targets, [6, 5, 4], [3, -1, 1])
    with raises(RuntimeError, "ctc_loss: input_lengths must be integral, got float32"):
        F.ctc_loss(x, targets, ember.tensor([6.0, 5.0, 4.0]), [3, 2, 1])


def test_ctc_loss_errors_of_targets():
    x = log_probs(6, 3, 5)
    F = ember.functional
    with raises(RuntimeError, "ctc_loss: expected targets (N, S) with S at least the longest target length (4), or "
                              "concatenated (sum(target_lengths),); got shape (3, 3) for N = 3"):
        F.ctc_loss(x, ember.tensor(TARGETS), [6, 5, 4], [4, 2, 1])
    with raises(RuntimeError, "got shape (2, 3) for N = 3"):
        F.ctc_loss(x, ember.tensor(TARGETS[:2]), [6, 5, 4], [3, 2, 1])
    with raises(RuntimeError, "ctc_loss: concatenated targets must hold sum(target_lengths) = 6 labels, got 5"):
        F.ctc_loss(x, ember.tensor([1, 2, 2, 3, 1]), [6, 5, 4], [3, 2, 1])
    with raises(IndexError, "ctc_loss: target 5 is out of range for 5 classes"):
        F.ctc_loss(x, ember.tensor([[1, 2, 5], [3, 1, 0], [4, 0, 0]]), [6, 5, 4], [3, 2, 1])
    with raises(ValueError, "ctc_loss: the targets must not hold the blank (0) within their lengths"):
        F.ctc_loss(x, ember.tensor([[1, 0, 2], [3, 1, 0], [4, 0, 0]]), [6, 5, 4], [3, 2, 1])
    with raises(TypeError, "ctc_loss: targets must hold class indices, an integer tensor; got float32"):
        F.ctc_loss(x, ember.tensor(TARGETS, dtype=ember.float32), [6, 5, 4], [3, 2, 1])
