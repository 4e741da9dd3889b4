"""torch.distributions' Categorical and Normal: PyTorch's log_prob, entropy and shapes, gradients through
them (the score function of REINFORCE, Normal's reparameterized rsample), draws with the right frequencies,
and PyTorch's checks of parameters and values."""

import numpy as np
import pytest
import torch

import ember
from ember.distributions import Categorical, Normal
from helpers import DEVICES, check_op, raises, to_numpy

RNG = np.random.default_rng(0)
WEIGHTS = RNG.uniform(0.1, 2.0, (3, 4))  # unnormalized probabilities of 3 categoricals over 4 categories
VALUES = np.array([[0, 3, 1], [2, 2, 0]])  # (2, 3): a sample_shape of (2,) over the batch of 3


def dist(lib, name):
    return getattr(lib.distributions, name)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("given", ["probs", "logits"])
def test_categorical_log_prob_and_entropy_are_pytorchs(given, device):
    def log_prob(lib, params, values):
        return dist(lib, "Categorical")(**{given: params}).log_prob(values)

    def entropy(lib, params):
        return dist(lib, "Categorical")(**{given: params}).entropy()

    def probs_and_logits(lib, params):
        d = dist(lib, "Categorical")(**{given: params})
        return d.probs, d.logits

    params = WEIGHTS if given == "probs" else np.log(WEIGHTS)
    check_op(log_prob, params, VALUES, device=device)
    check_op(entropy, params, device=device)
    check_op(probs_and_logits, params, device=device)


def test_categorical_shapes_mode_and_impossible_categories_as_pytorch():
    for lib in (ember, torch):
        d = lib.distributions.Categorical(logits=lib.tensor([[0.0, -float("inf"), 1.0]] * 2))
        assert d.batch_shape == (2,) and d.event_shape == () and d.mode.tolist() == [2, 2]
        assert tuple(d.sample().shape) == (2,) and tuple(d.sample((5, 3)).shape) == (5, 3, 2)
        assert d.sample().dtype == lib.int64
        assert tuple(d.log_prob(lib.zeros(4, 1)).shape) == (4, 2)
    ours = Categorical(logits=ember.tensor([[0.0, -float("inf"), 1.0]]))
    theirs = torch.distributions.Categorical(logits=torch.tensor([[0.0, -float("inf"), 1.0]]))
    assert repr(ours) == repr(theirs) == "Categorical(logits: torch.Size([1, 3]))"
    np.testing.assert_allclose(to_numpy(ours.entropy()), to_numpy(theirs.entropy()), rtol=1e-6)  # 0 · log 0 is 0


def test_categorical_draws_each_category_as_often_as_its_probability():
    ember.manual_seed(0)
    probs = ember.tensor([0.1, 0.6, 0.3])
    draws = Categorical(probs * 5).sample((20000,))  # unnormalized probs are normalized, as in PyTorch
    frequencies = np.bincount(draws.numpy(), minlength=3) / 20000
    np.testing.assert_allclose(frequencies, probs.numpy(), atol=0.015)  # about 4 standard deviations


def test_reinforce_gradient_of_the_log_probability_of_a_drawn_action_is_pytorchs():
    theirs_logits = torch.tensor([[0.2, -1.0, 0.5]], requires_grad=True)
    ours_logits = ember.tensor(theirs_logits.detach().numpy(), requires_grad=True)
    for lib, logits in ((ember, ours_logits), (torch, theirs_logits)):
        m = lib.distributions.Categorical(lib.nn.functional.softmax(logits, dim=1))
        action = lib.tensor([2])
        (-m.log_prob(action) * 1.5).sum().backward()
    np.testing.assert_allclose(ours_logits.grad.numpy(), theirs_logits.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_normal_log_prob_entropy_and_moments_are_pytorchs(device):
    loc, scale = RNG.standard_normal((2, 3)), RNG.uniform(0.5, 2.0, (3,))
    values = RNG.standard_normal((4, 2, 3))

    def log_prob(lib, loc, scale, values):
        return dist(lib, "Normal")(loc, scale).log_prob(values)

    def entropy_and_moments(lib, loc, scale):
        d = dist(lib, "Normal")(loc, scale)
        return d.entropy(), d.mean, d.stddev, d.variance

    check_op(log_prob, loc, scale, values, device=device)
    check_op(entropy_and_moments, loc, scale, device=device)


def test_normal_rsample_carries_gradients_and_sample_does_not():
    loc = ember.tensor([1.0, -2.0], requires_grad=True)
    scale = ember.tensor([0.5, 2.0], requires_grad=True)
    d = Normal(loc, scale)
    draws = d.rsample((1000,))
    assert tuple(draws.shape) == (1000, 2) and not d.sample((3,)).requires_grad
    draws.sum().backward()
    eps = (draws.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(loc.grad.numpy(), [1000.0, 1000.0])  # d(loc + ε·scale)/d loc = 1 a draw
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0).numpy(), rtol=1e-4)  # ... and / d scale = ε
    assert abs(float(eps.mean())) < 0.15 and abs(float(eps.std()) - 1) < 0.1
    for lib in (ember, torch):
        n = lib.distributions.Normal(0.0, 1.0)
        assert n.loc.dtype == lib.float32 and n.batch_shape == () and repr(n) == "Normal(loc: 0.0, scale: 1.0)"
        assert lib.distributions.Normal(lib.zeros(2, dtype=lib.float64), 1.0).scale.dtype == lib.float64


def test_parameters_and_values_outside_the_support_are_refused_as_in_pytorch():
    cases = [
        (lambda lib: lib.distributions.Categorical(lib.tensor([-0.2, 0.8])),
         "Expected parameter probs (Tensor of shape (2,)) of distribution Categorical(probs: torch.Size([2])) to "
         "satisfy the constraint Simplex(), but found invalid values"),
        (lambda lib: lib.distributions.Categorical(lib.tensor([0.2, 0.8])).log_prob(lib.tensor(2)),
         "Expected value argument (Tensor of shape ()) to be within the support (IntegerInterval(lower_bound=0, "
         "upper_bound=1)) of the distribution Categorical(probs: torch.Size([2])), but found invalid values"),
        (lambda lib: lib.distributions.Categorical(lib.ones(3)).log_prob(lib.tensor(0.5)), "IntegerInterval"),
        (lambda lib: lib.distributions.Normal(0.0, -1.0),
         "Expected parameter scale (Tensor of shape ()) of distribution Normal(loc: 0.0, scale: -1.0) to satisfy the "
         "constraint GreaterThan(lower_bound=0.0), but found invalid values"),
        (lambda lib: lib.distributions.Normal(0.0, 1.0).log_prob(lib.tensor(float("nan"))), "support (Real())"),
        (lambda lib: lib.distributions.Categorical(logits=lib.tensor([0.0, float("nan")])), "IndependentConstraint"),
    ]
    for make, message in cases:
        for lib in (ember, torch):
            with raises(ValueError, message):
                make(lib)
    with raises(ValueError, "Categorical: either `probs` or `logits` must be specified, but not both"):
        Categorical(ember.ones(2), ember.ones(2))
    with raises(ValueError, "Categorical: `probs` must be at least one-dimensional, got a tensor of shape ()"):
        Categorical(ember.tensor(0.3))
    with raises(ValueError, "Categorical.log_prob: value of shape (3,) is not broadcastable with batch_shape (2,)"):
        Categorical(ember.ones(2, 3)).log_prob(ember.zeros(3))
    with raises(TypeError, "distributions: expected a Tensor of parameters, got list"):
        Categorical([0.5, 0.5])
    with raises(NotImplementedError, "Categorical.rsample: its draws cannot be reparameterized"):
        Categorical(ember.ones(3)).rsample()
    assert Categorical(ember.tensor([-0.2, 0.8]), validate_args=False).probs.shape == (2,)
    ember.distributions.Distribution.set_default_validate_args(False)
    try:
        assert Normal(0.0, -1.0).scale.item() == -1.0
    finally:
        ember.distributions.Distribution.set_default_validate_args(True)
    with raises(ValueError, "GreaterThan(lower_bound=0.0)"):
        Normal(0.0, -1.0)


def test_a_distribution_ember_lacks_is_named_in_the_error():
    with raises(AttributeError, "ember has no torch.distributions.Beta"):
        ember.distributions.Beta  # noqa: B018
