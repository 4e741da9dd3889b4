"""Probability distributions (torch.distributions): random variables to draw from (sample) and to score
draws with (log_prob), as policy gradients and variational models use them. Categorical and Normal, with
PyTorch's arguments, shapes (sample_shape + batch_shape + event_shape) and checks of their parameters.

Every method is composed of ember's differentiable ops, so log_prob, entropy and Normal.rsample carry
gradients back to the parameters.
"""

import math

from . import creation, dtypes, omissions
from .autograd import no_grad
from .ops.sampling import multinomial
from .ops.shape import broadcast_shapes, broadcast_tensors
from .tensor import Size, Tensor

__all__ = ["Distribution", "Categorical", "Normal"]
__path__ = []  # a package to the import system, so that torch.distributions.categorical and .normal import (torch_hook)


class Distribution:
    """A family of random variables, one per element of batch_shape; each draw has the shape event_shape."""

    _validate_default = True
    arg_names = ()

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self.batch_shape, self.event_shape = Size(batch_shape), Size(event_shape)
        self._validate_args = self._validate_default if validate_args is None else validate_args

    @staticmethod
    def set_default_validate_args(value):
        """Whether distributions check their parameters and the values given to log_prob (True by default)."""
        Distribution._validate_default = bool(value)

    def sample(self, sample_shape=()):
        """A draw of shape sample_shape + batch_shape + event_shape, outside the graph."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        raise NotImplementedError(f"{type(self).__name__}.rsample: its draws cannot be reparameterized "
                                  "(differentiated); use sample() with log_prob (the score function) instead")

    def _extended_shape(self, sample_shape=()):
        return Size(sample_shape) + self.batch_shape + self.event_shape

    def _check(self, ok, value, what, constraint):
        """Raise PyTorch's ValueError where ok (a bool tensor) is False somewhere and validation is on."""
        if self._validate_args and not bool(ok.all()):
            raise ValueError(f"Expected {what} (Tensor of shape {tuple(value.shape)}) {constraint}, but found "
                             f"invalid values:\n{value}")

    def _check_value(self, value, support, ok):
        self._check(ok, value, "value argument", f"to be within the support ({support}) of the distribution {self!r}")

    def __repr__(self):
        args = ", ".join(f"{name}: {value.item() if value.numel() == 1 else repr(value.shape)}"
                         for name, value in ((name, getattr(self, name)) for name in self.arg_names))
        return f"{type(self).__name__}({args})"


def _as_tensor(value):
    """value itself, which must be a Tensor."""
    if not isinstance(value, Tensor):
        raise TypeError(f"distributions: expected a Tensor of parameters, got {type(value).__name__}")
    return value


class Categorical(Distribution):
    """One of K categories, k with probability probs[..., k] (or softmax(logits)[..., k]): batch_shape is
    probs.shape[:-1], and each draw is an int64 index."""

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Categorical: either `probs` or `logits` must be specified, but not both")
        given = _as_tensor(probs if logits is None else logits)
        if given.dim() < 1:
            raise ValueError(f"Categorical: `{'probs' if logits is None else 'logits'}` must be at least "
                             f"one-dimensional, got a tensor of shape {tuple(given.shape)}")
        if logits is None:
            self.probs = probs / probs.sum(-1, keepdim=True)
            eps = dtypes.finfo(probs.dtype).eps
            self.logits = self.probs.clamp(min=eps, max=1 - eps).log()
            self.arg_names = ("probs",)
        else:
            self.logits = logits - logits.logsumexp(-1, keepdim=True)
            self.probs = self.logits.softmax(-1)
            self.arg_names = ("logits",)
        super().__init__(given.shape[:-1], validate_args=validate_args)
        if logits is None:
            simplex = (self.probs >= 0).all(-1) & ((self.probs.sum(-1) - 1).abs() < 1e-6)
            self._check(simplex, self.probs, "parameter probs", f"of distribution {self!r} to satisfy the constraint "
                        "Simplex()")
        else:
            self._check(logits == logits, logits, "parameter logits", f"of distribution {self!r} to satisfy the "
                        "constraint IndependentConstraint(Real(), 1)")

    @property
    def num_events(self):
        return self.probs.shape[-1]

    @property
    def mode(self):
        return self.probs.argmax(-1)

    def sample(self, sample_shape=()):
        """Category indices (int64) of shape sample_shape + batch_shape, drawn with probabilities probs."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            rows = self.probs.reshape(-1, self.num_events)
            draws = multinomial(rows, max(math.prod(sample_shape), 1), replacement=True)
            return draws.T.reshape(shape)

    def log_prob(self, value):
        """log probs[..., value]: value (category indices) broadcast against batch_shape."""
        value = _as_tensor(value)
        try:
            shape = broadcast_shapes(value.shape, self.batch_shape)
        except RuntimeError:
            raise ValueError(f"Categorical.log_prob: value of shape {tuple(value.shape)} is not broadcastable with "
                             f"batch_shape {tuple(self.batch_shape)}") from None
        upper = self.num_events - 1
        self._check_value(value, f"IntegerInterval(lower_bound=0, upper_bound={upper})",
                          (value % 1 == 0) & (value >= 0) & (value <= upper))
        index, logits = broadcast_tensors(value.long().unsqueeze(-1), self.logits)
        return logits.gather(-1, index[..., :1]).reshape(shape)

    def entropy(self):
        """-Σ_k p_k log p_k over the categories (a category of probability 0 adds nothing)."""
        logits = self.logits.clamp(min=dtypes.finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)


class Normal(Distribution):
    """The Gaussian N(loc, scale²), of density exp(-(x - loc)² / 2 scale²) / (scale √(2π)): batch_shape is
    the broadcast shape of loc and scale (each a Tensor or a number)."""

    arg_names = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = _broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)
        self._check(self.loc == self.loc, self.loc, "parameter loc",
                    f"of distribution {self!r} to satisfy the constraint Real()")
        self._check(self.scale > 0, self.scale, "parameter scale",
                    f"of distribution {self!r} to satisfy the constraint GreaterThan(lower_bound=0.0)")

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2

    def rsample(self, sample_shape=()):
        """loc + scale · ε with ε ~ N(0, 1): a draw that gradients flow through to loc and scale."""
        eps = creation.randn(self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        """log density at value: -(value - loc)² / 2 scale² - log scale - log √(2π)."""
        value = value if isinstance(value, Tensor) else creation.tensor(value, dtype=self.loc.dtype)
        self._check_value(value, "Real()", value == value)
        return -((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def entropy(self):
        """1/2 + log √(2π) + log scale."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


def _broadcast_all(*values):
    """The values as tensors of one broadcast shape; numbers take the dtype of the tensors given (or the default)."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    dtype = tensors[0].dtype if tensors else None
    device = tensors[0].device if tensors else None
    as_tensors = [v if isinstance(v, Tensor) else creation.tensor(float(v), dtype=dtype, device=device) for v in values]
    return broadcast_tensors(*as_tensors)


def __getattr__(name):
    raise omissions.missing("torch.distributions", name)
