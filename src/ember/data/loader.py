"""DataLoader: a dataset served in (shuffled) mini-batches, one epoch per `for` loop.

    loader = DataLoader(train_set, batch_size=64, shuffle=True)
    for epoch in range(10):
        for x, y in loader:        # a new random order each epoch
            ...

A sampler gives the order of the indices; the loader cuts it into batches of batch_size and
collates the samples of each batch into tensors.
"""

import itertools

from ..creation import randint, randperm
from .collate import default_collate, fetch


class Sampler:
    """The order in which a DataLoader visits a dataset: an iterable of indices, with a len."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Every index once, in a new random order each time it is iterated (each epoch); or, with
    replacement=True, num_samples indices drawn independently (a language model's random windows).

    The order comes from generator, or ember's default generator, so ember.manual_seed makes it repeat.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"RandomSampler: num_samples must be a positive int, got {num_samples!r}")
        if num_samples is not None and not replacement and num_samples > len(data_source):
            raise ValueError(f"RandomSampler: {num_samples} samples without replacement from "
                             f"{len(data_source)}; pass replacement=True")
        self.data_source = data_source
        self.replacement = replacement
        self.num_samples = len(data_source) if num_samples is None else num_samples
        self.generator = generator

    def __iter__(self):
        if self.replacement:
            return iter(randint(0, len(self.data_source), (self.num_samples,), generator=self.generator).tolist())
        return iter(randperm(len(self.data_source), generator=self.generator)[:self.num_samples].tolist())

    def __len__(self):
        return self.num_samples


class DataLoader:
    """Batches of a dataset: `for x, y in DataLoader(dataset, batch_size=64, shuffle=True)`.

    Each pass visits the sampler's indices (a new random order when shuffle=True), in batches of
    batch_size; the last batch is smaller unless drop_last=True drops it. collate_fn turns a list of
    samples into a batch; by default, default_collate, and then a dataset that can take a whole batch
    at once (TensorDataset, Subset of one) does so with one indexing per tensor. Batches are on the
    device of the dataset's tensors.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, sampler=None, drop_last=False, collate_fn=None,
                 generator=None):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: give shuffle=True or a sampler, not both (the sampler sets the order)")
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.collate_fn = default_collate if collate_fn is None else collate_fn

    def __len__(self):
        """The number of batches in one pass."""
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        order = iter(self.sampler)
        while True:
            indices = list(itertools.islice(order, self.batch_size))
            if not indices or (self.drop_last and len(indices) < self.batch_size):
                return
            if self.collate_fn is default_collate:
                yield fetch(self.dataset, indices)
            else:
                yield self.collate_fn([self.dataset[i] for i in indices])
