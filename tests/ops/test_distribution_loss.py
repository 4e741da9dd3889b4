import numpy as np
import pytest
from hypothesis import given

import ember
import ember.nn  # noqa: F401 (lib.nn.functional below)
from helpers import DEVICES, Constant, broadcastable_shapes, check_op, check_parity, rand, raises, seeds

REDUCTIONS = ["mean", "sum", "none"]

# PyTorch's kl_div warns of reduction='mean' as ember's does, and PyTorch of size_average and reduce: these tests
# look at other things.
pytestmark = pytest.mark.filterwarnings("ignore:reduction. 'mean' divides", "ignore:kl_div. reduction='mean'",
                                        "ignore:size_average and reduce args will be deprecated")


def counts(*shape, seed=1):
    """Targets of a Poisson loss: counts up to 6 (some at most 1, where full adds nothing), kept above 0 so that
    PyTorch's gradient of the target stays finite."""
    return np.random.default_rng(seed).integers(0, 7, shape) + 0.25


POISSON_OPTIONS = {
    "log_input": dict(),
    "log_input_full": dict(full=True),
    "rates": dict(log_input=False),
    "rates_full_eps": dict(log_input=False, full=True, eps=0.1),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("option", POISSON_OPTIONS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_poisson_nll_loss(device, reduction, option):
    settings = POISSON_OPTIONS[option]
    low = -1.0 if settings.get("log_input", True) else 0.1

    def fn(lib, x, y):
        return lib.nn.functional.poisson_nll_loss(x, y, reduction=reduction, **settings)
    check_op(fn, rand(3, 4, low=low, high=2.0), counts(3, 4), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shapes=broadcastable_shapes(), seed=seeds)
def test_poisson_nll_loss_broadcasts(device, shapes, seed):
    def fn(lib, x, y):
        return lib.nn.functional.poisson_nll_loss(x, y, full=True, reduction="none")
    check_op(fn, rand(*shapes[0], seed=seed), counts(*shapes[1], seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_poisson_nll_loss_of_integer_counts(device):
    check_parity(lambda lib, x, y: lib.nn.functional.poisson_nll_loss(x, y), rand(5), np.arange(5), device=device,
                 dtype=np.float32)


# name: var (an array, or a number), for an input (3, 4)
VARIANCES = {
    "per_element": rand(3, 4, seed=2, low=0.2, high=2.0),
    "per_row": rand(3, seed=2, low=0.2, high=2.0),
    "per_row_kept": rand(3, 1, seed=2, low=0.2, high=2.0),
    "per_column": rand(1, 4, seed=2, low=0.2, high=2.0),
    "a_number": 0.7,
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("variance", VARIANCES)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_nll_loss(device, reduction, full, variance):
    def fn(lib, x, y, var):
        return lib.nn.functional.gaussian_nll_loss(x, y, var, full=full, reduction=reduction)
    check_op(fn, rand(3, 4), rand(3, 4, seed=1), VARIANCES[variance], device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shapes", [((3, 4), (4,), (3, 4)), ((3, 1), (3, 4), (3, 1)), ((4,), (4,), ()),
                                    ((4,), (4,), (1,)), ((), (), ())])
def test_gaussian_nll_loss_broadcasts_the_target_and_variance(device, shapes):
    input_shape, target_shape, var_shape = shapes

    def fn(lib, x, y, var):
        return lib.nn.functional.gaussian_nll_loss(x, y, var, reduction="none")
    check_op(fn, rand(*input_shape), rand(*target_shape, seed=1), rand(*var_shape, seed=2, low=0.2, high=2.0),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_gaussian_nll_loss_clamps_the_variance_with_its_gradient_passing_through(device):
    """Variances below eps count as eps, and their gradient is the one at eps (PyTorch clamps without recording)."""
    var = np.array([1e-9, 0.0, 0.5, 2.0])

    def fn(lib, x, y, var):
        return lib.nn.functional.gaussian_nll_loss(x, y, var, eps=1e-3, reduction="sum")
    for dtype in (np.float64, np.float32):
        check_parity(fn, rand(4), rand(4, seed=1), var, device=device, dtype=dtype)


KL_OPTIONS = {"probabilities": False, "log_target": True}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("option", KL_OPTIONS)
@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
def test_kl_div(device, reduction, option):
    log_target = KL_OPTIONS[option]
    target = rand(3, 4, seed=1, low=0.05, high=1.0)
    target = np.log(target) if log_target else target

    def fn(lib, x, y):
        return lib.nn.functional.kl_div(x, y, reduction=reduction, log_target=log_target)
    check_op(fn, rand(3, 4, low=-3.0, high=0.0), target, device=device)


@pytest.mark.filterwarnings("ignore:divide by zero", "ignore:invalid value")  # 0·log 0, which counts as 0
@pytest.mark.parametrize("device", DEVICES)
def test_kl_div_of_zero_target_probabilities(device):
    target = Constant(np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]))
    for dtype in (np.float64, np.float32):
        check_parity(lambda lib, x, y: lib.nn.functional.kl_div(x, y, reduction="none"), rand(2, 3, low=-3.0,
                                                                                              high=0.0),
                     target, device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
def test_kl_div_batchmean_of_0d_tensors_is_their_divergence(device):
    check_op(lambda lib, x, y: lib.nn.functional.kl_div(x, y, reduction="batchmean"), np.array(-0.5), np.array(0.3),
             device=device)


def test_kl_div_warns_of_its_mean():
    x, y = ember.tensor(rand(2, 3)), ember.tensor(rand(2, 3, low=0.1, high=1.0))
    with pytest.warns(UserWarning, match="kl_div: reduction='mean' divides by the number of elements"):
        ember.nn.functional.kl_div(x, y)


# ---------------------------------------------------------------------------------------------
# The torch.* spellings: PyTorch's kernels' signatures, the reduction a number (0 'none', 1 'mean', 2 'sum').

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_torch_poisson_nll_loss(device, reduction):
    def fn(lib, x, y):
        return lib.poisson_nll_loss(x, y, False, True, 1e-6, reduction)
    check_parity(fn, rand(3, 4, low=0.1, high=2.0), counts(3, 4), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", [(), (0,), (1,), (2,)])  # () is the default, which does not reduce
@pytest.mark.parametrize("log_target", [False, True])
def test_torch_kl_div(device, reduction, log_target):
    def fn(lib, x, y):
        return lib.kl_div(x, y, *reduction, log_target=log_target)
    check_parity(fn, rand(3, 4, low=-3.0, high=0.0), rand(3, 4, seed=1, low=0.1, high=1.0), device=device)


@pytest.mark.parametrize("legacy", [dict(size_average=False), dict(reduce=False), dict(size_average=True, reduce=True)])
@pytest.mark.parametrize("loss", ["poisson_nll_loss", "kl_div"])
def test_legacy_size_average_and_reduce(loss, legacy):
    def fn(lib, x, y):
        return getattr(lib.nn.functional, loss)(x, y, **legacy)
    with pytest.warns(UserWarning, match=f"{loss}: size_average and reduce are deprecated"):
        check_parity(fn, rand(3, 4, low=-2.0, high=0.0), rand(3, 4, seed=1, low=0.1, high=1.0))


# ---------------------------------------------------------------------------------------------
# Errors.

F = ember.functional


def test_bad_reduction():
    x, y = ember.randn(3, 4), ember.rand(3, 4)
    with raises(ValueError, "poisson_nll_loss: reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.poisson_nll_loss(x, y, reduction="avg")
    with raises(ValueError, "gaussian_nll_loss: reduction must be 'mean', 'sum' or 'none', got 'batchmean'"):
        F.gaussian_nll_loss(x, y, ember.ones(3, 4), reduction="batchmean")
    with raises(ValueError, "kl_div: reduction must be 'mean', 'batchmean', 'sum' or 'none', got 'avg'"):
        F.kl_div(x, y, reduction="avg")
    with raises(ValueError, "kl_div: reduction must be 0 ('none'), 1 ('mean') or 2 ('sum'), got 'sum'"):
        ember.kl_div(x, y, "sum")


def test_gaussian_nll_loss_variance_errors():
    x, y = ember.randn(3, 4), ember.randn(3, 4)
    with raises(ValueError, "gaussian_nll_loss: var must not be negative, found -1.0"):
        F.gaussian_nll_loss(x, y, ember.tensor([[1.0, -1.0, 1.0, 1.0]] * 3))
    with raises(ValueError, "gaussian_nll_loss: var must not be negative, got -0.5"):
        F.gaussian_nll_loss(x, y, -0.5)
    for shape in [(4,), (1, 1), (2, 4), (3, 4, 1)]:
        with raises(ValueError, f"gaussian_nll_loss: var of shape {shape} does not fit the input's shape (3, 4): "
                                "expected the input's shape, that shape without its last dimension, or with one "
                                "dimension of size 1"):
            F.gaussian_nll_loss(x, y, ember.ones(*shape))


def test_kl_div_needs_floating_point_tensors():
    with raises(RuntimeError, "kl_div: expected floating point input and target, got float32 and int64"):
        F.kl_div(ember.randn(3), ember.tensor([0, 1, 0]), reduction="sum")
