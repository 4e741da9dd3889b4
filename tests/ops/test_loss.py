import numpy as np
import pytest
from hypothesis import given

import ember
import ember.nn  # noqa: F401 (lib.nn.functional below)
from helpers import DEVICES, Constant, check_op, check_parity, check_twin, rand, raises, seeds, shapes

REDUCTIONS = ["mean", "sum", "none"]

# (input shape, target shape) of class scores: (C,), (N, C) and (N, C, d1, d2).
CLASS_SHAPES = {"1d": ((5,), ()), "2d": ((6, 5), (6,)), "nd": ((2, 5, 3, 2), (2, 3, 2))}


def labels(shape, n_classes, seed, ignored=None):
    """Random class indices; with ignored, every third one (from the second on) is set to it."""
    target = np.random.default_rng(seed).integers(0, n_classes, shape)
    if ignored is not None:
        target.reshape(-1)[1::3] = ignored
    return target


def class_weights(n_classes):
    return Constant(np.linspace(0.5, 2.0, n_classes))


def class_case(shape, settings, seed):
    """The input shape, class indices and class weights (or None) of one CLASS_SHAPES entry with settings."""
    input_shape, target_shape = CLASS_SHAPES[shape]
    n_classes = input_shape[1 if len(input_shape) > 1 else 0]
    target = labels(target_shape, n_classes, seed, ignored=settings.get("ignored"))
    return input_shape, target, (class_weights(n_classes) if settings.get("weight") else None)


def probabilities(shape, seed, axis):
    e = np.exp(rand(*shape, seed=seed))
    return e / e.sum(axis=axis, keepdims=True)


# ---------------------------------------------------------------------------------------------
# Cross-entropy and NLL.

CE_OPTIONS = {
    "plain": {},
    "weight": dict(weight=True),
    "ignore_index_default": dict(ignored=-100),
    "ignore_index_a_class": dict(ignore_index=1),
    "label_smoothing": dict(label_smoothing=0.2),
    "everything": dict(weight=True, ignore_index=1, ignored=1, label_smoothing=0.3),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("option", CE_OPTIONS)
@pytest.mark.parametrize("shape", CLASS_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_indices(device, reduction, shape, option):
    settings = CE_OPTIONS[option]
    input_shape, target, weight = class_case(shape, settings, seed=len(CLASS_SHAPES[shape][0]))
    ignore_index = settings.get("ignore_index", -100)
    smoothing = settings.get("label_smoothing", 0.0)

    def fn(lib, x, target, weight):
        return lib.nn.functional.cross_entropy(x, target, weight, ignore_index=ignore_index, reduction=reduction,
                                               label_smoothing=smoothing)
    check_op(fn, rand(*input_shape, seed=7), target, weight, device=device)


SOFT_OPTIONS = {"plain": {}, "weight": dict(weight=True), "label_smoothing": dict(label_smoothing=0.25),
                "weight_and_smoothing": dict(weight=True, label_smoothing=0.1)}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("option", SOFT_OPTIONS)
@pytest.mark.parametrize("shape", CLASS_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_probabilities(device, reduction, shape, option):
    settings = SOFT_OPTIONS[option]
    input_shape, _, weight = class_case(shape, settings, seed=0)
    class_axis = 1 if len(input_shape) > 1 else 0
    smoothing = settings.get("label_smoothing", 0.0)

    def fn(lib, x, target, weight):
        return lib.nn.functional.cross_entropy(x, target, weight, reduction=reduction, label_smoothing=smoothing)
    check_op(fn, rand(*input_shape, seed=3), probabilities(input_shape, 4, class_axis), weight, device=device)


NLL_OPTIONS = {"plain": {}, "weight": dict(weight=True), "ignore_index": dict(ignored=-100),
               "weight_and_ignore_index": dict(weight=True, ignore_index=3)}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("option", NLL_OPTIONS)
@pytest.mark.parametrize("shape", CLASS_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(device, reduction, shape, option):
    settings = NLL_OPTIONS[option]
    input_shape, target, weight = class_case(shape, settings, seed=1)
    ignore_index = settings.get("ignore_index", -100)

    def fn(lib, x, target, weight):
        return lib.nn.functional.nll_loss(x, target, weight, ignore_index=ignore_index, reduction=reduction)
    check_op(fn, rand(*input_shape, seed=5, low=-4.0, high=0.0), target, weight, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.uint8, np.int32])
def test_class_indices_of_other_integer_dtypes(device, dtype):
    def fn(lib, x, target):
        return lib.nn.functional.cross_entropy(x, target if lib is ember else target.long())
    check_parity(fn, rand(6, 5), labels((6,), 5, seed=0).astype(dtype), device=device)


def test_nll_of_log_softmax_is_cross_entropy():
    x, target = ember.tensor(rand(6, 5)), ember.tensor(labels((6,), 5, seed=0))
    F = ember.nn.functional
    np.testing.assert_allclose(F.nll_loss(F.log_softmax(x, 1), target).item(), F.cross_entropy(x, target).item())


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # the mean over no targets is 0/0
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", ["cross_entropy", "cross_entropy_smoothed", "nll_loss"])
def test_every_target_ignored(device, reduction, loss):
    """PyTorch gives nan for the mean (0/0), 0 for the sum, zeros for 'none', and zero gradients."""
    def fn(lib, x, target, weight):
        F = lib.nn.functional
        if loss == "nll_loss":
            return F.nll_loss(x, target, weight, reduction=reduction)
        return F.cross_entropy(x, target, weight, reduction=reduction,
                               label_smoothing=0.2 if loss == "cross_entropy_smoothed" else 0.0)
    target = np.full(4, -100)
    for weight in (None, class_weights(3)):
        for dtype in (np.float64, np.float32):
            out, = check_parity(fn, rand(4, 3), target, weight, device=device, dtype=dtype)
            if reduction == "mean":
                assert np.isnan(out.item())


@pytest.mark.filterwarnings("ignore:divide by zero encountered")
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_mean_over_target_weights_that_cancel(device, loss):
    """Class weights of the targets that sum to 0 (one negative): PyTorch's mean is the total over 0, ±inf."""
    def fn(lib, x, target, weight):
        return getattr(lib.nn.functional, loss)(x, target, weight)
    for dtype in (np.float64, np.float32):
        out, = check_parity(fn, rand(2, 3), np.array([0, 2]), Constant(np.array([1.0, 5.0, -1.0])), device=device,
                            dtype=dtype)
        assert np.isinf(out.item())


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("targets", ["indices", "probabilities"])
def test_cross_entropy_of_huge_logits_is_finite_and_matches(device, targets):
    x = np.sign(rand(6, 5, seed=2)) * 1e4 + rand(6, 5, seed=3)
    target = labels((6,), 5, seed=0) if targets == "indices" else probabilities((6, 5), 1, axis=1)

    def fn(lib, x, target):
        return lib.nn.functional.cross_entropy(x, target, label_smoothing=0.1)
    for dtype in (np.float64, np.float32):
        out, = check_parity(fn, x, target, device=device, dtype=dtype)
        assert np.isfinite(out.item())


# ---------------------------------------------------------------------------------------------
# Regression losses.

REGRESSION = {
    "mse_loss": {},
    "l1_loss": {},
    "huber_loss": {},
    "huber_loss_delta": dict(delta=0.5),
    "smooth_l1_loss": {},
    "smooth_l1_loss_beta": dict(beta=0.5),
    "smooth_l1_loss_beta_0": dict(beta=0.0),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(shape=shapes(max_dims=3), seed=seeds)
def test_regression_losses(device, reduction, name, shape, seed):
    function = name.removesuffix("_delta").removesuffix("_beta_0").removesuffix("_beta")

    def fn(lib, x, y):
        return getattr(lib.nn.functional, function)(x, y, reduction=reduction, **REGRESSION[name])
    check_op(fn, rand(*shape, seed=seed), rand(*shape, seed=seed + 1), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_with_a_weight_per_element(device, reduction, name):
    """mse_loss and l1_loss average as Σ w·loss / Σ w, huber_loss as the mean of w·loss (as PyTorch)."""
    def fn(lib, x, y, w):
        return getattr(lib.nn.functional, name)(x, y, reduction=reduction, weight=w)
    check_op(fn, rand(3, 4), rand(3, 4, seed=1), rand(3, 4, seed=2, low=0.1, high=2.0), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_mse_loss_promotes_an_integer_target(device):
    check_parity(lambda lib, x, y: lib.nn.functional.mse_loss(x, y), rand(3, 2), np.arange(6).reshape(3, 2),
                 device=device, dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# Binary cross-entropy.

WEIGHT_SHAPES = [None, (4,), (3, 1), (3, 4)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("weight_shape", WEIGHT_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(device, reduction, weight_shape):
    weight = None if weight_shape is None else Constant(rand(*weight_shape, low=0.5, high=2.0))

    def fn(lib, p, y, weight):
        return lib.nn.functional.binary_cross_entropy(p, y, weight, reduction=reduction)
    check_op(fn, rand(3, 4, low=0.05, high=0.95), rand(3, 4, seed=1, low=0.0, high=1.0), weight, device=device)


@pytest.mark.filterwarnings("ignore:divide by zero")  # log(0), which the clamp at -100 turns finite
@pytest.mark.parametrize("device", DEVICES)
def test_binary_cross_entropy_clamps_its_logs_at_minus_100(device):
    p, y = np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    for dtype in (np.float64, np.float32):
        out, = check_parity(lambda lib, p, y: lib.nn.functional.binary_cross_entropy(p, y, reduction="none"),
                            p, y, device=device, dtype=dtype, backward=False)
        assert out.tolist()[:2] == [100.0, 100.0]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("pos_weight_shape", [None, (4,), (3, 1)])
@pytest.mark.parametrize("weight_shape", WEIGHT_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(device, reduction, weight_shape, pos_weight_shape):
    weight = None if weight_shape is None else Constant(rand(*weight_shape, seed=2, low=0.5, high=2.0))
    pos_weight = None if pos_weight_shape is None else Constant(rand(*pos_weight_shape, seed=3, low=0.5, high=3.0))

    def fn(lib, x, y, weight, pos_weight):
        return lib.nn.functional.binary_cross_entropy_with_logits(x, y, weight, reduction=reduction,
                                                                  pos_weight=pos_weight)
    check_op(fn, rand(3, 4, low=-4.0, high=4.0), rand(3, 4, seed=1, low=0.0, high=1.0), weight, pos_weight,
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_binary_cross_entropy_with_huge_logits_is_finite_and_matches(device):
    x = np.array([1e4, -1e4, 1e4, -1e4, 30.0, -30.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.3, 0.7])

    def fn(lib, x, y, pos_weight):
        return lib.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=pos_weight)
    for pos_weight in (None, Constant([2.0])):
        for dtype in (np.float64, np.float32):
            out, = check_parity(fn, x, y, pos_weight, device=device, dtype=dtype)
            assert np.isfinite(out.tolist()).all()


def test_binary_cross_entropy_with_logits_target_gradient_does_not_cancel():
    # d/dy = pos_weight·log(1 + e^-x) - log(1 + e^x): at x = -1e38 that is 1e-38·1e38 - 0 = 1, which
    # x - (pos_weight - 1)·log(1 + e^-x) loses (-1e38 + 1e38 = 0); in float32 that form overflows.
    for dtype, pos_weight, expected in ((ember.float64, 1e-38, 1.0), (ember.float32, -2.5, -2.5e38)):
        x = ember.tensor([-1e38], dtype=dtype)
        y = ember.zeros(1, dtype=dtype, requires_grad=True)
        ember.nn.functional.binary_cross_entropy_with_logits(
            x, y, pos_weight=ember.tensor([pos_weight], dtype=dtype), reduction="sum").backward()
        assert y.grad.item() == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", [(), (0,), (1,), (2,)])  # () is the default, which does not reduce
def test_torch_binary_cross_entropy_with_logits(device, reduction):
    """torch's spelling: weight and pos_weight before the reduction, a number (0 'none', 1 'mean', 2 'sum')."""
    def fn(lib, x, y, weight, pos_weight):
        return lib.binary_cross_entropy_with_logits(x, y, weight, pos_weight, *reduction)
    check_parity(fn, rand(3, 4), rand(3, 4, seed=1, low=0.0, high=1.0), Constant(rand(4, seed=2, low=0.5)),
                 Constant(rand(3, 1, seed=3, low=0.5, high=3.0)), device=device)


# The legacy arguments as PyTorch maps them: each defaults to True; reduce=False keeps every loss, else
# size_average=False sums them, else they are averaged. A reduction given beside them is overruled.
LEGACY = [dict(size_average=False), dict(reduce=False), dict(size_average=True), dict(reduce=True),
          dict(size_average=False, reduce=False), dict(size_average=False, reduce=True, reduction="none")]

LEGACY_LOSSES = {
    "mse_loss": (lambda lib, x, y, **legacy: lib.nn.functional.mse_loss(x, y, **legacy), rand(3, 4),
                 rand(3, 4, seed=1)),
    "l1_loss": (lambda lib, x, y, **legacy: lib.nn.functional.l1_loss(x, y, **legacy), rand(3, 4), rand(3, 4, seed=1)),
    "smooth_l1_loss": (lambda lib, x, y, **legacy: lib.nn.functional.smooth_l1_loss(x, y, **legacy), rand(3, 4),
                       rand(3, 4, seed=1)),
    "cross_entropy": (lambda lib, x, y, **legacy: lib.nn.functional.cross_entropy(x, y, **legacy), rand(6, 5),
                      labels((6,), 5, seed=0)),
    "nll_loss": (lambda lib, x, y, **legacy: lib.nn.functional.nll_loss(x, y, **legacy), rand(6, 5, high=0.0),
                 labels((6,), 5, seed=0)),
    "binary_cross_entropy": (lambda lib, x, y, **legacy: lib.nn.functional.binary_cross_entropy(x, y, **legacy),
                             rand(3, 4, low=0.05, high=0.95), rand(3, 4, seed=1, low=0.0, high=1.0)),
    "binary_cross_entropy_with_logits": (lambda lib, x, y, **legacy: lib.nn.functional.binary_cross_entropy_with_logits(
        x, y, **legacy), rand(3, 4), rand(3, 4, seed=1, low=0.0, high=1.0)),
}


@pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated")  # PyTorch's own warning
@pytest.mark.parametrize("legacy", LEGACY)
@pytest.mark.parametrize("name", LEGACY_LOSSES)
def test_legacy_size_average_and_reduce(name, legacy):
    fn, x, y = LEGACY_LOSSES[name]
    with pytest.warns(UserWarning, match=f"{name}: size_average and reduce are deprecated; use reduction="):
        check_parity(lambda lib, x, y: fn(lib, x, y, **legacy), x, y)


LINEAR_CE = {
    "plain": (dict(), (5, 8), (6,), labels((6,), 5, seed=0)),
    "bias_weight_ignore_index_smoothing": (dict(bias=True, weight=True, ignore_index=2, label_smoothing=0.1), (5, 8),
                                           (6,), labels((6,), 5, seed=0)),
    "per_position": (dict(bias=True), (5, 3, 8), (6,), labels((6, 3), 5, seed=0)),
    "probabilities": (dict(bias=True), (5, 8), (6,), probabilities((6, 5), 1, axis=1)),
    "unbatched": (dict(), (5, 8), (), np.array(3)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", LINEAR_CE)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_linear_cross_entropy(device, reduction, case):
    settings, weight_shape, batch, target = LINEAR_CE[case]
    bias = rand(*weight_shape[:-1], seed=2) if settings.get("bias") else None
    weight = class_weights(weight_shape[0]) if settings.get("weight") else None

    def fn(lib, x, linear_weight, target, linear_bias, weight):
        return lib.nn.functional.linear_cross_entropy(x, linear_weight, target, linear_bias=linear_bias, weight=weight,
                                                      reduction=reduction, ignore_index=settings.get("ignore_index"),
                                                      label_smoothing=settings.get("label_smoothing", 0.0))
    check_op(fn, rand(*batch, 8), rand(*weight_shape, seed=1), target, bias, weight, device=device)


def test_linear_cross_entropy_errors():
    x, w, target = scores(4, 8), scores(5, 8), ember.tensor([0, 1, 2, 3])
    with raises(RuntimeError, "linear_cross_entropy: expected input (in_features,) or (N, in_features) and "
                              "linear_weight (C, ..., in_features); got (4, 8) and (5, 7)"):
        F.linear_cross_entropy(x, scores(5, 7), target)
    with raises(RuntimeError, "got (2, 4, 8) and (5, 8)"):
        F.linear_cross_entropy(scores(2, 4, 8), w, target)
    with raises(RuntimeError, "linear_cross_entropy: expected linear_bias of shape (5,), got (4,)"):
        F.linear_cross_entropy(x, w, target, linear_bias=scores(4))
    with raises(RuntimeError, "linear_cross_entropy: a linear_weight of shape (5, 2, 8) gives a loss per position, for "
                              "input (N, 8); got input of shape (8,)"):
        F.linear_cross_entropy(scores(8), scores(5, 2, 8), ember.tensor([0, 1]))
    with raises(RuntimeError, "linear_cross_entropy: ignore_index cannot be given with class probabilities"):
        F.linear_cross_entropy(x, w, ember.rand(4, 5), ignore_index=1)
    with raises(ValueError, "linear_cross_entropy: options (PyTorch's chunking settings) must be None"):
        F.linear_cross_entropy(x, w, target, options=object())


def test_the_losses_are_in_ember_functional_and_nn_functional():
    for name in ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss",
                 "binary_cross_entropy", "binary_cross_entropy_with_logits"]:
        assert getattr(ember.functional, name) is getattr(ember.nn.functional, name)


def test_cross_entropy_keeps_float32():
    x = ember.randn(8, 4, requires_grad=True)
    loss = ember.functional.cross_entropy(x, ember.tensor([0, 1, 2, 3, 0, 1, 2, 3]), label_smoothing=0.1)
    loss.backward()
    assert loss.dtype == ember.float32 and x.grad.dtype == ember.float32


# ---------------------------------------------------------------------------------------------
# Errors: each names what was expected and what came, before anything is computed.

F = ember.functional


def scores(*shape):
    return ember.tensor(rand(*shape), dtype=ember.float32, requires_grad=True)


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
def test_class_labels_out_of_range(loss):
    name = loss.__name__
    with raises(IndexError, f"{name}: target 3 is out of range for 3 classes: class indices must be in "
                            "[0, 2] (or ignore_index=-100)"):
        loss(scores(4, 3), ember.tensor([0, 1, 3, 0]))
    with raises(IndexError, "target -1 is out of range for 3 classes"):
        loss(scores(4, 3), ember.tensor([0, -1, 2, 0]))
    with raises(IndexError, "target 5 is out of range for 3 classes: class indices must be in [0, 2] "
                            "(or ignore_index=7)"):
        loss(scores(2, 3, 2), ember.tensor([[0, 7], [5, 1]]), ignore_index=7)
    loss(scores(4, 3), ember.tensor([0, -100, 2, 1]))  # ignore_index is allowed
    loss(scores(4, 3), ember.tensor([0, 9, 2, 1]), ignore_index=9)


def test_class_labels_of_the_wrong_dtype():
    with raises(TypeError, "cross_entropy: class indices must be an integer tensor (ember.long), got float32 of "
                           "shape (4,); a floating point target is read as class probabilities, and must have the "
                           "input's shape (4, 3)"):
        F.cross_entropy(scores(4, 3), ember.tensor([0.0, 1.0, 2.0, 0.0]))
    with raises(TypeError, "nll_loss: class indices must be an integer tensor (ember.long), got float32 of shape (4,)"):
        F.nll_loss(scores(4, 3), ember.tensor([0.0, 1.0, 2.0, 0.0]))
    with raises(TypeError, "got bool of shape (2,)"):
        F.cross_entropy(scores(2, 3), ember.tensor([True, False]))


def test_mismatched_shapes():
    with raises(ValueError, "cross_entropy: input of shape (4, 3) needs class indices of shape (4,), got target "
                            "of shape (3,)"):
        F.cross_entropy(scores(4, 3), ember.tensor([0, 1, 2]))
    with raises(ValueError, "nll_loss: input of shape (2, 3, 5) needs class indices of shape (2, 5), got target "
                            "of shape (5, 2)"):
        F.nll_loss(scores(2, 3, 5), ember.zeros(5, 2, dtype=ember.long))
    with raises(ValueError, "input of shape (3,) needs class indices of shape (), got target of shape (1,)"):
        F.cross_entropy(scores(3), ember.tensor([1]))
    for loss in [F.mse_loss, F.l1_loss, F.huber_loss, F.smooth_l1_loss, F.binary_cross_entropy,
                 F.binary_cross_entropy_with_logits]:
        with raises(ValueError, f"{loss.__name__}: input and target must have the same shape, got input (4, 1) "
                                "and target (4,)"):
            loss(scores(4, 1).sigmoid(), ember.rand(4))


def test_bad_reduction():
    for loss, args in [(F.cross_entropy, (scores(2, 3), ember.tensor([0, 1]))),
                       (F.nll_loss, (scores(2, 3), ember.tensor([0, 1]))),
                       (F.mse_loss, (scores(2), ember.rand(2))), (F.l1_loss, (scores(2), ember.rand(2))),
                       (F.huber_loss, (scores(2), ember.rand(2))), (F.smooth_l1_loss, (scores(2), ember.rand(2))),
                       (F.binary_cross_entropy, (ember.rand(2), ember.rand(2))),
                       (F.binary_cross_entropy_with_logits, (scores(2), ember.rand(2)))]:
        with raises(ValueError, f"{loss.__name__}: reduction must be 'mean', 'sum' or 'none', got 'avg'"):
            loss(*args, reduction="avg")


def test_weight_of_the_wrong_shape():
    with raises(ValueError, "cross_entropy: weight must hold one number per class, shape (3,); got shape (4,)"):
        F.cross_entropy(scores(4, 3), ember.tensor([0, 1, 2, 0]), weight=ember.ones(4))
    with raises(ValueError, "nll_loss: weight must hold one number per class, shape (3,); got shape (3, 1)"):
        F.nll_loss(scores(4, 3), ember.tensor([0, 1, 2, 0]), weight=ember.ones(3, 1))
    with raises(ValueError, "binary_cross_entropy: weight of shape (2, 4, 3) does not broadcast to the input's "
                            "shape (4, 3)"):
        F.binary_cross_entropy(ember.rand(4, 3), ember.rand(4, 3), weight=ember.ones(2, 4, 3))
    with raises(ValueError, "mse_loss: weight must have the input's shape (4, 3), got (3,)"):
        F.mse_loss(scores(4, 3), ember.rand(4, 3), weight=ember.ones(3))
    with raises(ValueError, "binary_cross_entropy_with_logits: pos_weight of shape (2,) does not broadcast to the "
                            "input's shape (4, 3)"):
        F.binary_cross_entropy_with_logits(scores(4, 3), ember.rand(4, 3), pos_weight=ember.ones(2))


def test_binary_cross_entropy_needs_probabilities():
    with raises(ValueError, "binary_cross_entropy: the input must hold probabilities in [0, 1], found 1.5; apply "
                            "sigmoid first, or use binary_cross_entropy_with_logits on the logits"):
        F.binary_cross_entropy(ember.tensor([0.5, 1.5]), ember.tensor([0.0, 1.0]))
    with raises(ValueError, "the input must hold probabilities in [0, 1], found -0.25"):
        F.binary_cross_entropy(ember.tensor([-0.25, 0.5]), ember.tensor([0.0, 1.0]))
    with raises(ValueError, "the input must hold probabilities in [0, 1], found nan"):
        F.binary_cross_entropy(ember.tensor([float("nan"), 0.5]), ember.tensor([0.0, 1.0]))
    with raises(ValueError, "binary_cross_entropy: the target must hold probabilities in [0, 1], found 2.0"):
        F.binary_cross_entropy(ember.tensor([0.5, 0.5]), ember.tensor([0.0, 2.0]))


def test_bad_settings():
    x, target = scores(2, 3), ember.tensor([0, 1])
    with raises(ValueError, "cross_entropy: label_smoothing must be in [0, 1], got 1.5"):
        F.cross_entropy(x, target, label_smoothing=1.5)
    with raises(ValueError, "cross_entropy: ignore_index is not supported with class probabilities as the target"):
        F.cross_entropy(x, ember.rand(2, 3), ignore_index=0)
    with raises(ValueError, "cross_entropy: expected scores of shape (C,), (N, C) or (N, C, d1, ...), got a 0-d input"):
        F.cross_entropy(scores(), ember.tensor(0))
    with raises(ValueError, "huber_loss: delta must be positive, got 0.0"):
        F.huber_loss(scores(2), ember.rand(2), delta=0.0)
    with raises(ValueError, "smooth_l1_loss: beta must not be negative, got -1.0"):
        F.smooth_l1_loss(scores(2), ember.rand(2), beta=-1.0)


@pytest.mark.parametrize("device", DEVICES)
def test_cross_entropy_equals_its_readable_twin(device):
    from ember.ops.loss import cross_entropy_composed
    check_twin(ember.functional.cross_entropy, cross_entropy_composed, rand(6, 5), labels((6,), 5, seed=1),
               device=device)
