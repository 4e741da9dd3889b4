"""Random numbers: generators and their states, torch.random, and the distributions of every draw.

ember's streams are not PyTorch's, so draws are tested by their statistics (means, variances, a
chi-square test of counts) at fixed seeds: each test gives the same numbers every run.
"""

import numpy as np
import pytest
import scipy.stats
import torch

import ember
from hypothesis import given

from helpers import DEVICES, broadcastable_shapes, raises, to_numpy


def draws(t):
    return to_numpy(t).astype(np.float64).ravel()


# -------------------------------------------------------------------------------------------------
# Generators.

@pytest.mark.parametrize("device", DEVICES)
def test_a_generator_as_pytorchs(device):
    gen = ember.Generator(device)
    assert gen.device == ember.device(device) and gen.manual_seed(3) is gen and gen.initial_seed() == 3
    assert ember.Generator().manual_seed(-1).initial_seed() == torch.Generator().manual_seed(-1).initial_seed()
    fresh = gen.seed()
    assert gen.initial_seed() == fresh and 0 <= fresh < 2 ** 64 and ember.Generator().initial_seed() != fresh


@pytest.mark.parametrize("device", DEVICES)
def test_a_state_restores_the_stream_exactly(device):
    gen = ember.Generator(device).manual_seed(11)
    ember.rand(3, generator=gen, device=device)
    state = gen.get_state()
    assert state.dtype == ember.uint8 and state.ndim == 1 and state.device == ember.device("cpu")
    first = [ember.rand(5, generator=gen, device=device).tolist(), ember.randn(7, generator=gen, device=device).tolist()]
    other = ember.Generator(device).manual_seed(99).set_state(state)
    assert [ember.rand(5, generator=other, device=device).tolist(),
            ember.randn(7, generator=other, device=device).tolist()] == first
    assert other.initial_seed() == 11


def test_the_default_generator_and_torch_random():
    assert ember.default_generator is ember.random.default_generator and ember.default_generator.device == "cpu"
    assert ember.manual_seed(4) is ember.default_generator and ember.initial_seed() == 4
    state = ember.get_rng_state()
    first = ember.randn(4).tolist()
    ember.set_rng_state(state)
    assert ember.randn(4).tolist() == first
    seed = ember.seed()
    assert ember.initial_seed() == seed == ember.random.initial_seed()
    assert ember.random.manual_seed is ember.manual_seed and ember.random.get_rng_state is ember.get_rng_state


def test_fork_rng_leaves_the_stream_after_it_as_it_was():
    ember.manual_seed(5)
    expected = ember.rand(3).tolist()
    ember.manual_seed(5)
    with ember.random.fork_rng():
        ember.manual_seed(123)
        ember.rand(10)
    assert ember.rand(3).tolist() == expected
    with ember.fork_rng(enabled=False):
        ember.rand(1)
    assert ember.rand(3).tolist() != expected


def test_generator_errors():
    gen = ember.Generator()
    with raises(TypeError, "Generator.set_state: expected a uint8 tensor (from get_state())"):
        gen.set_state(ember.zeros(3))
    with raises(RuntimeError, "Generator.set_state: expected the 45 bytes of a cpu generator's state, got a tensor "
                              "of shape (3,)"):
        gen.set_state(ember.zeros(3, dtype=ember.uint8))
    with raises(TypeError, "a seed is an int, got str"):
        gen.manual_seed("1")


# -------------------------------------------------------------------------------------------------
# Every signature of rand, randn, randint, randperm, normal and the *_like forms.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("make, shape, dtype", [
    (lambda lib, **k: lib.randint(10, (2, 3), **k), (2, 3), "int64"),
    (lambda lib, **k: lib.randint(3, 10, (4,), **k), (4,), "int64"),
    (lambda lib, **k: lib.randint(10, size=(2,), **k), (2,), "int64"),
    (lambda lib, **k: lib.randint(-5, 5, size=torch.Size([3]), dtype=lib.int16, **k), (3,), "int16"),
    (lambda lib, **k: lib.randint(0, 4, (2,), dtype=lib.float64, requires_grad=True, **k), (2,), "float64"),
    (lambda lib, **k: lib.randperm(6, dtype=lib.int32, **k), (6,), "int32"),
    (lambda lib, **k: lib.rand(torch.Size([2, 2]), dtype=lib.float16, **k), (2, 2), "float16"),
    (lambda lib, **k: lib.normal(2.0, 3.0, (5,), **k), (5,), "float32"),
    (lambda lib, **k: lib.normal(0, 1, size=(2, 1), dtype=lib.float64, **k), (2, 1), "float64"),
    (lambda lib, **k: lib.randint_like(lib.zeros(2, 2, **k), 5), (2, 2), "float32"),
    (lambda lib, **k: lib.randint_like(lib.zeros(3, dtype=lib.int32, **k), 2, 5), (3,), "int32"),
    (lambda lib, **k: lib.randn_like(lib.zeros(3, dtype=lib.float64, **k), dtype=lib.float32), (3,), "float32"),
], ids=["randint-high-size", "randint-low-high-size", "randint-size-keyword", "randint-dtype", "randint-float",
        "randperm-dtype", "rand-Size", "normal-numbers", "normal-numbers-dtype", "randint_like", "randint_like-int",
        "randn_like-dtype"])
def test_random_signatures_as_pytorch(device, make, shape, dtype):
    ours, theirs = make(ember, device=device), make(torch)
    assert ours.shape == tuple(theirs.shape) == shape
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.") == dtype
    assert ours.requires_grad == theirs.requires_grad and ours.device == ember.device(device)


@pytest.mark.parametrize("device", DEVICES)
def test_a_generator_is_taken_by_every_draw(device):
    for draw in (lambda **k: ember.normal(0.0, 1.0, (3,), **k), lambda **k: ember.randint_like(ember.zeros(3), 9, **k),
                 lambda **k: ember.rand_like(ember.zeros(3), **k), lambda **k: ember.randn_like(ember.zeros(3), **k)):
        a, b = ember.Generator().manual_seed(1), ember.Generator().manual_seed(1)
        assert draw(generator=a).tolist() == draw(generator=b).tolist()


# -------------------------------------------------------------------------------------------------
# Distributions, by their statistics.

@pytest.mark.parametrize("device", DEVICES)
def test_normal_of_tensors_broadcasts_and_has_their_moments(device):
    ember.manual_seed(0)
    mean = ember.tensor([[-3.0], [5.0]], dtype=ember.float64, device=device)
    std = ember.tensor([0.5, 2.0], device=device)
    x = to_numpy(ember.normal(mean.expand(2, 20000).contiguous(), 2.0))
    assert np.allclose(x.mean(axis=1), [-3, 5], atol=0.05) and np.allclose(x.std(axis=1), 2, atol=0.05)
    y = ember.normal(mean, std)
    assert y.shape == (2, 2) and y.dtype == ember.float64 and ember.normal(1.0, std).dtype == ember.float32
    z = to_numpy(ember.normal(1.0, ember.full((20000,), 0.5, device=device)))
    assert abs(z.mean() - 1) < 0.02 and abs(z.std() - 0.5) < 0.02


@pytest.mark.parametrize("device", DEVICES)
def test_bernoulli_poisson_and_binomial_have_their_means_and_variances(device):
    ember.manual_seed(1)
    p = ember.full((40000,), 0.3, dtype=ember.float64, device=device)
    b = draws(ember.bernoulli(p))
    assert set(b) == {0.0, 1.0} and abs(b.mean() - 0.3) < 0.01
    assert abs(draws(ember.bernoulli(ember.zeros(40000), 0.8)).mean() - 0.8) < 0.01
    assert abs(draws(p.bernoulli()).mean() - 0.3) < 0.01
    rates = draws(ember.poisson(ember.full((40000,), 4.0, device=device)))
    assert abs(rates.mean() - 4) < 0.05 and abs(rates.var() - 4) < 0.1
    n = draws(ember.binomial(ember.full((40000,), 10.0, device=device), ember.tensor([0.2], device=device)))
    assert abs(n.mean() - 2) < 0.03 and abs(n.var() - 1.6) < 0.05 and n.min() >= 0 and n.max() <= 10
    assert ember.poisson(ember.zeros(3, dtype=ember.float64)).dtype == ember.float64


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("replacement", [True, False])
def test_multinomial_draws_each_category_as_often_as_its_weight_says(device, replacement):
    ember.manual_seed(2)
    weights = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    rows = ember.tensor(np.tile(weights, (4000, 1)), device=device)
    picked = ember.multinomial(rows, 1 if not replacement else 3, replacement)
    assert picked.dtype == ember.int64 and picked.shape == ((4000, 3) if replacement else (4000, 1))
    counts = np.bincount(draws(picked).astype(int), minlength=5)
    assert counts[0] == 0
    assert scipy.stats.chisquare(counts[1:], counts.sum() * weights[1:] / weights.sum()).pvalue > 1e-3


@pytest.mark.parametrize("device", DEVICES)
def test_multinomial_without_replacement_never_repeats_a_category(device):
    ember.manual_seed(3)
    picked = to_numpy(ember.multinomial(ember.rand(200, 6, device=device) + 0.01, 6))
    assert (np.sort(picked, axis=1) == np.arange(6)).all()
    first = to_numpy(ember.multinomial(ember.tensor([[1.0, 0, 0, 8.0]] * 3000, device=device), 2))
    assert set(map(tuple, first)) == {(0, 3), (3, 0)} and abs((first[:, 0] == 3).mean() - 8 / 9) < 0.02
    assert ember.multinomial(ember.tensor([0.0, 1.0], device=device), 1).shape == (1,)
    assert ember.multinomial(ember.ones(0, 3, device=device), 2).shape == (0, 2)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fill, mean, variance", [
    (lambda t: t.uniform_(2, 4), 3.0, 1 / 3), (lambda t: t.normal_(1, 2), 1.0, 4.0),
    (lambda t: t.exponential_(2.0), 0.5, 0.25), (lambda t: t.geometric_(0.25), 4.0, 12.0),
    (lambda t: t.log_normal_(0.0, 0.5), np.exp(0.125), (np.exp(0.25) - 1) * np.exp(0.25)),
    (lambda t: t.bernoulli_(0.25), 0.25, 0.1875), (lambda t: t.random_(10), 4.5, 8.25),
    (lambda t: t.random_(-2, 3), 0.0, 2.0),
], ids=["uniform_", "normal_", "exponential_", "geometric_", "log_normal_", "bernoulli_", "random_-to",
        "random_-from-to"])
def test_in_place_draws_have_their_distributions_moments(device, fill, mean, variance):
    ember.manual_seed(4)
    t = ember.empty(100000, dtype=ember.float64, device=device)
    assert fill(t) is t
    x = draws(t)
    assert abs(x.mean() - mean) < 0.02 * max(1, np.sqrt(variance)) and abs(x.var() - variance) < 0.04 * variance


@pytest.mark.parametrize("device", DEVICES)
def test_cauchy_and_random_fills(device):
    ember.manual_seed(5)
    x = draws(ember.empty(100000, device=device).cauchy_(1.0, 2.0))
    assert abs(np.median(x) - 1) < 0.05 and abs(np.percentile(x, 75) - np.percentile(x, 25) - 4) < 0.1
    ints = ember.zeros(20000, dtype=ember.int8, device=device).random_()
    assert draws(ints).min() >= 0 and draws(ints).max() == 127 and ints.dtype == ember.int8
    assert set(draws(ember.zeros(100, dtype=ember.bool, device=device).random_())) == {0.0, 1.0}
    floats = draws(ember.zeros(20000, device=device).random_())
    assert (floats == np.round(floats)).all() and floats.max() <= 2 ** 24 and floats.max() > 2 ** 23
    t = ember.zeros(3, device=device).bernoulli_(ember.tensor([0.0, 1.0, 1.0], device=device))
    assert t.tolist() == [0.0, 1.0, 1.0] and ember.zeros(4, dtype=ember.long).geometric_(0.5).dtype == ember.long


# -------------------------------------------------------------------------------------------------
# Gradients: as in PyTorch, a sample passes no gradient back to its parameters (zeros, not None).

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("draw", [
    lambda lib, m, s: lib.normal(m, s), lambda lib, m, s: lib.normal(m, 1.5), lambda lib, m, s: lib.normal(0.5, s),
    lambda lib, m, s: lib.bernoulli(s / 3), lambda lib, m, s: lib.poisson(s),
], ids=["normal", "normal-mean", "normal-std", "bernoulli", "poisson"])
def test_samples_pass_zero_gradients_as_pytorch(device, draw):
    grads = []
    for lib in (ember, torch):
        m = (ember.tensor if lib is ember else torch.tensor)([0.5, -1.0], requires_grad=True)
        s = (ember.tensor if lib is ember else torch.tensor)([1.0, 2.0], requires_grad=True)
        out = draw(lib, m, s)
        assert out.requires_grad
        out.sum().backward()
        grads.append([None if g is None else to_numpy(g).tolist() for g in (m.grad, s.grad)])
    assert grads[0] == grads[1]


# -------------------------------------------------------------------------------------------------
# Errors.

@pytest.mark.parametrize("make, error, message", [
    (lambda: ember.normal(ember.zeros(2), -1.0), RuntimeError, "normal: expected std >= 0, got -1.0"),
    (lambda: ember.normal(ember.zeros(2), ember.tensor([1.0, -1.0])), RuntimeError,
     "normal: expected every element of std >= 0"),
    (lambda: ember.normal(0.0, -2.0, (2,)), RuntimeError, "normal: expected std >= 0, got -2.0"),
    (lambda: ember.normal(0.0, 1.0), TypeError, "normal: with a number for both mean and std, give a size"),
    (lambda: ember.normal(ember.zeros(2), ember.ones(3)), RuntimeError,
     "normal: mean of shape (2,) and std of shape (3,) do not broadcast"),
    (lambda: ember.normal(ember.zeros(2, dtype=ember.long), 1.0), RuntimeError,
     "normal: expected a floating point mean and std, got int64"),
    (lambda: ember.bernoulli(ember.tensor([2.0, 0.5])), RuntimeError,
     "bernoulli: expected every element of input (probabilities) in [0, 1]"),
    (lambda: ember.bernoulli(ember.zeros(2), p=2.0), RuntimeError, "bernoulli: expected p in [0, 1], got p=2.0"),
    (lambda: ember.bernoulli(ember.tensor([1, 0])), RuntimeError, "bernoulli: expected a floating point input"),
    (lambda: ember.poisson(ember.tensor([-1.0])), RuntimeError, "poisson: expected every element of input (rates) >= 0"),
    (lambda: ember.binomial(ember.tensor([10.0]), ember.tensor([1.5])), RuntimeError,
     "binomial: expected every element of prob in [0, 1]"),
    (lambda: ember.binomial(ember.tensor([10]), ember.tensor([0.5])), RuntimeError,
     "binomial: expected a floating point count, got int64"),
    (lambda: ember.multinomial(ember.tensor([1.0, -1.0]), 1), RuntimeError,
     "multinomial: expected probabilities that are finite and >= 0"),
    (lambda: ember.multinomial(ember.tensor([1.0, float("nan")]), 1), RuntimeError,
     "multinomial: expected probabilities that are finite and >= 0"),
    (lambda: ember.multinomial(ember.tensor([1.0, float("inf")]), 1), RuntimeError,
     "multinomial: expected probabilities that are finite and >= 0"),
    (lambda: ember.multinomial(ember.tensor([[1.0, 1.0], [0.0, 0.0]]), 1), RuntimeError,
     "multinomial: invalid distribution, a row's probabilities sum to 0"),
    (lambda: ember.multinomial(ember.tensor([1.0, 0.0]), 2), RuntimeError,
     "multinomial: cannot sample 2 categories without replacement from a row with fewer categories"),
    (lambda: ember.multinomial(ember.ones(3), 4), RuntimeError, "multinomial: cannot sample 4 > 3 categories without"),
    (lambda: ember.multinomial(ember.ones(3), 0), RuntimeError, "multinomial: cannot sample num_samples <= 0 samples"),
    (lambda: ember.multinomial(ember.ones(2, 2, 2), 1), RuntimeError,
     "multinomial: expected a 1-D or 2-D tensor of probabilities, got 3-D"),
    (lambda: ember.multinomial(ember.tensor([1, 2]), 1), RuntimeError, "multinomial: expected a floating point input"),
    (lambda: ember.randperm(-1), RuntimeError, "randperm: n must be non-negative, got -1"),
    (lambda: ember.ones(2).uniform_(2, 1), RuntimeError, "uniform_: expected from <= to, got from=2 > to=1"),
    (lambda: ember.ones(2).normal_(0, -1), RuntimeError, "normal_: expected std >= 0, got -1"),
    (lambda: ember.ones(2).exponential_(-1), RuntimeError, "exponential_: expected lambd > 0, got -1"),
    (lambda: ember.ones(2, dtype=ember.long).exponential_(), RuntimeError,
     "exponential_: a continuous distribution needs a floating point tensor, got int64"),
    (lambda: ember.ones(2).geometric_(0), RuntimeError, "geometric_: expected p in (0, 1), got 0"),
    (lambda: ember.ones(2).cauchy_(0, -1), RuntimeError, "cauchy_: expected sigma > 0, got -1"),
    (lambda: ember.ones(2).log_normal_(0, 0), RuntimeError, "log_normal_: expected std > 0, got 0"),
    (lambda: ember.ones(2).random_(5, 2), RuntimeError, "random_: expected from < to, got from=5 >= to=2"),
    (lambda: ember.ones(2, dtype=ember.uint8).random_(-1, 5), RuntimeError,
     "random_: [-1, 5) is out of the range of uint8"),
    (lambda: ember.ones(2).bernoulli_(1.5), RuntimeError, "bernoulli_: expected p in [0, 1], got p=1.5"),
    (lambda: ember.ones(2, requires_grad=True).exponential_(), RuntimeError,
     "exponential_: a leaf tensor that requires grad cannot be changed in place"),
])
def test_random_errors(make, error, message):
    with raises(error, message):
        make()


@pytest.mark.parametrize("device", DEVICES)
@given(pair=broadcastable_shapes(max_side=3))
def test_draws_from_tensors_have_pytorchs_shapes(device, pair):
    a, b = pair
    mean, std = ember.zeros(a, device=device), ember.ones(b, device=device)
    assert ember.normal(mean, std).shape == tuple(torch.normal(torch.zeros(a), torch.ones(b)).shape)
    assert ember.bernoulli(mean).shape == a and ember.poisson(std).shape == b
    assert ember.binomial(std * 3, ember.full(a, 0.5, device=device)).shape == np.broadcast_shapes(a, b)


@pytest.mark.skipif(ember.cuda.is_available(), reason="this machine has a GPU")
def test_the_gpu_generator_state_needs_a_gpu():
    with raises(RuntimeError, "torch.cuda.get_rng_state: CUDA is not available"):
        ember.cuda.get_rng_state()


@pytest.mark.cuda
@pytest.mark.skipif(not ember.cuda.is_available(), reason="no CUDA GPU (CuPy) here")
def test_the_gpu_generator_state_continues_its_stream():
    ember.cuda.manual_seed(3)
    state = ember.cuda.get_rng_state()
    first = ember.randn(6, device="cuda").tolist()
    ember.cuda.set_rng_state_all([state])
    assert ember.randn(6, device="cuda").tolist() == first and len(ember.cuda.get_rng_state_all()) == 1
