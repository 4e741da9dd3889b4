"""Fetching: reading the batch of one DataLoader task from a dataset, in the main process or in a worker.

A task is what the loader's index sampler yields: a list of indices (automatic batching) or one index
(batch_size=None) for a map-style dataset; for an iterable-style dataset, a list of batch_size Nones
(or one None), which only says how many samples to take from the dataset's stream.
"""

import itertools

import numpy as np

from .collate import default_collate


def read_samples(dataset, indices):
    """The samples at indices, as a list: dataset.__getitems__(indices) where the dataset has it (PyTorch's
    way for a dataset to read many samples at once), else dataset[i] for each."""
    getitems = getattr(dataset, "__getitems__", None)
    return getitems(indices) if getitems is not None else [dataset[i] for i in indices]


def fetch(dataset, indices):
    """The batch of dataset's samples at indices, as default_collate makes it.

    A dataset with a take(indices) method (TensorDataset, Subset of one) makes the batch itself, with one
    indexing per tensor; any other dataset is read sample by sample and collated.
    """
    take = getattr(dataset, "take", None)
    if take is not None:
        return take(np.asarray(indices, dtype=np.int64))
    return default_collate(read_samples(dataset, indices))


class MapFetcher:
    """Reads a map-style dataset: the collated samples at a task's indices, or one sample converted."""

    def __init__(self, dataset, auto_collation, collate_fn):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn

    def __call__(self, task):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[task])
        if self.collate_fn is default_collate:
            return fetch(self.dataset, task)
        return self.collate_fn(read_samples(self.dataset, task))


class IterableFetcher:
    """Reads an iterable-style dataset: its stream's next len(task) samples collated (or its next sample
    converted); StopIteration once the stream has run out (or has only a short batch left, with drop_last)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.samples = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def __call__(self, task):
        if not self.auto_collation:
            return self.collate_fn(next(self.samples))
        batch = list(itertools.islice(self.samples, len(task)))
        if not batch or (self.drop_last and len(batch) < len(task)):
            raise StopIteration
        return self.collate_fn(batch)
