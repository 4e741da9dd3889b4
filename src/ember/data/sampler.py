"""Samplers: the order in which a DataLoader visits a map-style dataset.

A sampler is an iterable of indices (a batch sampler: of lists of indices), usually with a len. Each
`for` over it is one epoch; a random sampler draws a new order each time.

    SequentialSampler(data)             0, 1, 2, ..., len(data) - 1
    RandomSampler(data)                 a random permutation (or independent draws, replacement=True)
    SubsetRandomSampler(indices)        the given indices in a random order
    WeightedRandomSampler(weights, n)   n indices, index i with probability weights[i] / sum(weights)
    BatchSampler(sampler, 32, False)    another sampler's indices in lists of 32
"""

import itertools

import numpy as np

from .. import backend
from ..creation import from_numpy, rand, randint, randperm
from ..tensor import Tensor

# Independent draws come this many at a time, so that num_samples may be far larger than memory.
CHUNK = 1024


def check_positive_int(owner, name, value):
    """Raise ValueError unless value is a positive int (a bool is not); owner is named in the message."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive int, got {value!r}")


def draw_seed(generator=None):
    """A new seed, an int in [0, 2**63 - 1), drawn from generator or from ember's default CPU generator."""
    return int(randint(0, 2**63 - 1, (1,), generator=generator).item())


def chunk_sizes(total):
    """Sizes of chunks of at most CHUNK that add up to total, made one at a time."""
    full, rest = divmod(total, CHUNK)
    return itertools.chain(itertools.repeat(CHUNK, full), [rest] if rest else [])


class Sampler:
    """The base of samplers: a subclass defines `__iter__` (indices, or lists of indices) and usually `__len__`."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1, the same order every epoch."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Indices of data_source in a random order, a new one each epoch.

    Without replacement every index comes once (num_samples beyond len(data_source) start another
    permutation); with replacement=True, num_samples independent draws, made a chunk at a time. The
    order comes from generator; without one, each epoch seeds a generator of its own from ember's
    default generator, so ember.manual_seed makes it repeat whatever else the epoch draws.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement must be a bool, got {replacement!r}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        check_positive_int("RandomSampler", "num_samples", self.num_samples)

    @property
    def num_samples(self):
        """How many indices an epoch yields: num_samples if given, else len(data_source)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = self.generator or backend.Generator(seed=draw_seed())
        if self.replacement:
            for size in chunk_sizes(self.num_samples):
                yield from randint(0, n, (size,), generator=generator).tolist()
        else:
            for start in range(0, self.num_samples, n):
                yield from randperm(n, generator=generator).tolist()[:self.num_samples - start]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, each once, in a new random order each epoch (from generator, or ember's default)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """num_samples indices into weights, index i drawn with probability weights[i] / sum(weights).

    With replacement (the default) the draws are independent, made a chunk at a time; without, an index
    comes at most once, each draw weighted among the indices not drawn yet. weights: a 1-d sequence of
    numbers >= 0, not all 0 (kept as a float64 tensor).
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        check_positive_int("WeightedRandomSampler", "num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ValueError(f"WeightedRandomSampler: replacement must be a bool, got {replacement!r}")
        if isinstance(weights, Tensor):
            weights = backend.to_device(weights.array, backend.CPU)
        weights = np.array(weights, dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights must be a 1-d sequence, got shape {weights.shape}")
        if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
            raise ValueError("WeightedRandomSampler: weights must be finite numbers >= 0, not all 0")
        if not replacement and num_samples > np.count_nonzero(weights):
            raise ValueError(f"WeightedRandomSampler: {num_samples} samples without replacement, but only "
                             f"{np.count_nonzero(weights)} weights are above 0")
        self.weights = from_numpy(weights)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        weights = self.weights.array
        if self.replacement:
            # Inverse of the cumulative distribution: the first index whose running sum exceeds u * total.
            cumulative = np.cumsum(weights)
            for size in chunk_sizes(self.num_samples):
                u = rand(size, generator=self.generator, dtype=backend.float64).array
                yield from np.searchsorted(cumulative, u * cumulative[-1], side="right").tolist()
        else:
            # A race: index i finishes at an exponential time of rate weights[i]. Who finishes first is a
            # weighted draw, who finishes next a weighted draw among the rest, and so on.
            u = rand(len(weights), generator=self.generator, dtype=backend.float64).array
            with np.errstate(divide="ignore", invalid="ignore"):  # weight 0: never first
                finish = -np.log1p(-u) / weights
            yield from np.argsort(finish, kind="stable")[:self.num_samples].tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Another sampler's indices in lists of batch_size; the last list is shorter unless drop_last drops it."""

    def __init__(self, sampler, batch_size, drop_last):
        check_positive_int("BatchSampler", "batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last must be a bool, got {drop_last!r}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        indices = iter(self.sampler)
        while batch := list(itertools.islice(indices, self.batch_size)):
            if self.drop_last and len(batch) < self.batch_size:
                return
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
