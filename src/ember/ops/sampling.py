"""Random sampling: draws from distributions whose parameters are tensors (normal's mean and std,
bernoulli's p, a multinomial's probabilities, poisson's rates), and the draws that fill a tensor in
place (exponential_, geometric_, cauchy_, log_normal_, random_, bernoulli_).

Numbers come from a Generator (ember.backend): the one passed as generator=, else the default one of
the parameters' device, so ember.manual_seed makes every draw repeat.
"""

import math

import numpy as np

from .. import backend
from ..autograd import Function


class Draw(Function):
    """A sample of a distribution whose parameters are the inputs; draw(xp, *parameters) makes it.

    d/dparameters = 0: as in PyTorch, a sample is not a reparameterization, so no gradient flows
    back to the parameters (write mean + std * randn(...) for one that does).
    """

    def forward(ctx, *parameters, draw):
        ctx.parameters = [(p.shape, p.dtype) if hasattr(p, "shape") else None for p in parameters]  # numbers: None
        return draw(ctx.xp, *parameters)

    def backward(ctx, grad):
        return tuple(None if p is None else ctx.xp.zeros(*p) for p in ctx.parameters)


def generator_for(generator, tensor):
    """The generator to draw with: the one given, else the default one of the tensor's device."""
    return generator if generator is not None else backend.default_generator(tensor.device)


def _check_floating(name, what, t):
    if not backend.is_floating(t.dtype):
        raise RuntimeError(f"{name}: expected a floating point {what}, got {t.dtype}")


def _check_range(name, what, t, low=0.0, high=math.inf):
    """Every element of t must lie in [low, high] (NaN does not)."""
    xp = backend.xp_of(t.array)
    if t.numel() and not bool(xp.all((t.array >= low) & (t.array <= high))):
        bounds = f"in [{low:g}, {high:g}]" if high != math.inf else f">= {low:g}"
        raise RuntimeError(f"{name}: expected every element of {what} {bounds}")


# ---------------------------------------------------------------------------------------------
# Draws whose parameters are tensors.

def normal(mean, std, generator=None):
    """Numbers drawn from N(mean, std²) elementwise, mean and std broadcast together (either one may
    be a number); the dtype is mean's when it is a tensor, else std's."""
    given = mean if hasattr(mean, "array") else std
    _check_floating("normal", "mean and std", given)
    if hasattr(std, "array"):
        _check_floating("normal", "std", std)
        _check_range("normal", "std", std)
    elif std < 0:
        raise RuntimeError(f"normal: expected std >= 0, got {std}")
    shapes = [getattr(p, "shape", ()) for p in (mean, std)]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(f"normal: mean of shape {shapes[0]} and std of shape {shapes[1]} do not broadcast") \
            from None
    gen = generator_for(generator, given)

    def draw(xp, mean, std):
        return (gen.normal(shape, given.dtype) * std + mean).astype(given.dtype, copy=False)
    return Draw.apply(mean, std, draw=draw)


def bernoulli(input, p=None, *, generator=None):  # noqa: A002 (PyTorch's name)
    """1 with probability input (or with probability p, a number, in input's shape), else 0; input's dtype."""
    _check_floating("bernoulli", "input", input)
    if p is None:
        _check_range("bernoulli", "input (probabilities)", input, 0.0, 1.0)
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli: expected p in [0, 1], got p={p}")
    gen = generator_for(generator, input)

    def draw(xp, probabilities):
        return (gen.uniform(input.shape, backend.float64) < (probabilities if p is None else p)).astype(input.dtype)
    return Draw.apply(input, draw=draw)


def poisson(input, generator=None):  # noqa: A002
    """Counts drawn from the Poisson distributions of rates input, elementwise; input's dtype."""
    _check_floating("poisson", "input (rates)", input)
    _check_range("poisson", "input (rates)", input)
    gen = generator_for(generator, input)
    return Draw.apply(input, draw=lambda xp, rates: gen.poisson(rates).astype(input.dtype))


def binomial(count, prob, generator=None):
    """Successes in count trials that each succeed with probability prob (tensors that broadcast); count's dtype."""
    for what, t in (("count", count), ("prob", prob)):
        _check_floating("binomial", what, t)
    _check_range("binomial", "count", count)
    _check_range("binomial", "prob", prob, 0.0, 1.0)
    gen = generator_for(generator, count)

    def draw(xp, counts, probabilities):
        counts, probabilities = xp.broadcast_arrays(counts, probabilities)
        return gen.binomial(counts.astype(backend.int64), probabilities).astype(count.dtype)
    return Draw.apply(count, prob, draw=draw)


def multinomial(input, num_samples, replacement=False, *, generator=None):  # noqa: A002
    """num_samples category indices (int64) per row of input (a vector or a matrix of non-negative
    weights, each row's sum above 0), drawn with probabilities proportional to the weights; without
    replacement each index comes at most once."""
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: expected a 1-D or 2-D tensor of probabilities, got {input.ndim}-D")
    _check_floating("multinomial", "input", input)
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample num_samples <= 0 samples, got {num_samples}")
    if not replacement and num_samples > input.shape[-1]:
        raise RuntimeError(f"multinomial: cannot sample {num_samples} > {input.shape[-1]} categories without "
                           "replacement")
    rows = input.array.reshape(-1, input.shape[-1])  # a vector is one row
    if rows.size and not bool((backend.xp_of(rows).isfinite(rows) & (rows >= 0)).all()):
        raise RuntimeError("multinomial: expected probabilities that are finite and >= 0")
    if rows.size and not bool((rows.sum(axis=1) > 0).all()):
        raise RuntimeError("multinomial: invalid distribution, a row's probabilities sum to 0")
    if not replacement and rows.size and bool(((rows > 0).sum(axis=1) < num_samples).any()):
        raise RuntimeError(f"multinomial: cannot sample {num_samples} categories without replacement from a row "
                           "with fewer categories of probability above 0")
    gen = generator_for(generator, input)
    pick = _with_replacement if replacement else _without_replacement
    return Draw.apply(input, draw=lambda xp, weights: pick(xp, gen, weights.reshape(rows.shape), num_samples)
                      .reshape(weights.shape[:-1] + (num_samples,)))


def _with_replacement(xp, gen, rows, n):
    """Inverse transform sampling: each uniform number u picks the first category whose cumulative
    probability exceeds u. Row r's cumulative probabilities are shifted by r, so that one sorted
    search serves every row."""
    cdf = xp.cumsum(rows.astype(backend.float64), axis=1)
    cdf /= cdf[:, -1:]
    offsets = xp.arange(len(rows), dtype=backend.float64)[:, None]
    u = gen.uniform((len(rows), n), backend.float64) + offsets
    picked = xp.searchsorted((cdf + offsets).ravel(), u.ravel(), side="right").reshape(u.shape)
    return xp.minimum(picked - offsets.astype(backend.int64) * rows.shape[1], rows.shape[1] - 1)


def _without_replacement(xp, gen, rows, n):
    """The exponential race: each category draws an arrival time E / weight (E exponential), and the
    n that arrive first are a sample without replacement with probabilities proportional to the weights."""
    with np.errstate(divide="ignore"):
        times = gen.exponential(rows.shape, backend.float64) / rows.astype(backend.float64)
    return xp.argsort(times, axis=1)[:, :n].astype(backend.int64)


# ---------------------------------------------------------------------------------------------
# Draws that fill a tensor in place (Tensor.exponential_ and friends): arrays of the tensor's shape.

def exponential(gen, shape, dtype, lambd):
    """Numbers of density λe^(-λx), x ≥ 0."""
    _check_fill_dtype("exponential_", dtype)
    if not lambd > 0:
        raise RuntimeError(f"exponential_: expected lambd > 0, got {lambd}")
    return gen.exponential(shape, dtype) / lambd


def geometric(gen, shape, dtype, p):
    """The number of trials up to and including the first success, each of probability p."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_: expected p in (0, 1), got {p}")
    return gen.geometric(p, shape).astype(dtype)


def cauchy(gen, shape, dtype, median, sigma):
    """Numbers of density 1 / (πσ(1 + ((x - median)/σ)²)): median + σ·tan(π(u - 1/2)) for uniform u."""
    _check_fill_dtype("cauchy_", dtype)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_: expected sigma > 0, got {sigma}")
    xp = backend.array_module(gen.device)
    return (median + sigma * xp.tan(math.pi * (gen.uniform(shape, backend.float64) - 0.5))).astype(dtype)


def log_normal(gen, shape, dtype, mean, std):
    """exp(N(mean, std²)): numbers whose logarithm is normal."""
    _check_fill_dtype("log_normal_", dtype)
    if not std > 0:
        raise RuntimeError(f"log_normal_: expected std > 0, got {std}")
    xp = backend.array_module(gen.device)
    return xp.exp(gen.normal(shape, backend.float64, mean, std)).astype(dtype)


def integers(gen, shape, dtype, low, high):
    """random_(low, high): integers drawn uniformly from [low, high); random_(high) from [0, high);
    random_() from [0, the largest integer of dtype] (2^mantissa bits for floating dtypes, as PyTorch)."""
    if high is None:
        low, high = (0, low) if low else (0, _largest_integer(dtype) + 1)
    if low >= high:
        raise RuntimeError(f"random_: expected from < to, got from={low} >= to={high}")
    if dtype.kind in "iub" and (low < _smallest_integer(dtype) or high - 1 > _largest_integer(dtype)):
        raise RuntimeError(f"random_: [{low}, {high}) is out of the range of {dtype}")
    return gen.integers(low, high, shape, dtype)


def bernoulli_fill(gen, shape, dtype, p):
    """1 with probability p (a number, or an array that broadcasts to shape), else 0."""
    if not hasattr(p, "array") and not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_: expected p in [0, 1], got p={p}")
    return (gen.uniform(shape, backend.float64) < getattr(p, "array", p)).astype(dtype)


def _check_fill_dtype(name, dtype):
    if not backend.is_floating(dtype):
        raise RuntimeError(f"{name}: a continuous distribution needs a floating point tensor, got {dtype}")


def _largest_integer(dtype):
    if dtype.kind == "b":
        return 1
    if backend.is_floating(dtype):
        return 2 ** (backend.float_limits(dtype).nmant + 1)
    return int(np.iinfo(dtype).max)


def _smallest_integer(dtype):
    return 0 if dtype.kind == "b" else int(np.iinfo(dtype).min)
