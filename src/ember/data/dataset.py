"""Datasets: what a DataLoader draws its samples from.

A map-style dataset is anything with `__len__()` and `__getitem__(i)`, which returns sample i: often a
tuple (features, label). TensorDataset keeps whole tensors, so it can also hand out a batch of
samples with one indexing per tensor (take), which is what makes loading fast. An iterable-style
dataset (IterableDataset) is a stream of samples instead: it defines `__iter__`, and the stream sets
the order.
"""

import bisect
import itertools
import math
import warnings

import numpy as np

from ..creation import randperm
from ..tensor import Tensor
from .fetch import fetch, read_samples


class Dataset:
    """The base of map-style datasets: a subclass defines `__getitem__(index)` and `__len__()`."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """The base of iterable-style datasets, streams of samples: a subclass defines `__iter__`.

    With worker processes, each worker iterates its own copy of the dataset; get_worker_info() in
    `__iter__` tells the copy which share of the stream is its own.
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __len__(self):
        raise TypeError(f"{type(self).__name__} is an iterable-style dataset without a length (it may define "
                        "__len__ to give one)")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows of tensors that share their first dimension: dataset[i] = (x[i], y[i], ...)."""

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        for t in tensors:
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset expects Tensors, got {type(t).__name__} "
                                "(use ember.from_numpy(array) or ember.data.from_arrays)")
            if t.ndim == 0:
                raise ValueError("TensorDataset: a 0-d tensor has no first dimension to index samples by")
        sizes = [t.shape[0] for t in tensors]
        if any(n != sizes[0] for n in sizes):
            raise ValueError(f"TensorDataset: tensors must have the same size in their first dimension "
                             f"(the number of samples), got {sizes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]

    def take(self, indices):
        """The samples at indices (an int64 array) as a batch: a list of tensors of len(indices) rows."""
        return [t[indices] for t in self.tensors]


class Subset(Dataset):
    """The samples of dataset at the given indices, in that order: subset[i] = dataset[indices[i]]."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)
        if self.indices.ndim != 1:
            raise ValueError(f"Subset: indices must be one-dimensional, got shape {self.indices.shape}")

    def __getitem__(self, index):
        return self.dataset[int(self.indices[index])]

    def __len__(self):
        return len(self.indices)

    def __getitems__(self, indices):
        return read_samples(self.dataset, self.indices[indices].tolist())

    def take(self, indices):
        """The samples at indices as a batch (one indexing per tensor when the dataset can take)."""
        return fetch(self.dataset, self.indices[indices])


class StackDataset(Dataset):
    """Several datasets of one length side by side: sample i is (a[i], b[i], ...) for StackDataset(a, b, ...),
    or {"x": a[i], "y": b[i]} for StackDataset(x=a, y=b)."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("StackDataset: give datasets as positional arguments (samples are tuples) or as "
                             "keyword arguments (samples are dicts), not both")
        if not args and not kwargs:
            raise ValueError("StackDataset needs at least one dataset")
        self.datasets = args or kwargs
        sizes = [len(d) for d in (args or kwargs.values())]
        if any(n != sizes[0] for n in sizes):
            raise ValueError(f"StackDataset: datasets must have the same length, got {sizes}")
        self._length = sizes[0]

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {key: d[index] for key, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length

    def take(self, indices):
        """The samples at indices as a batch: each dataset's batch, in a dict or a list as the samples are."""
        if isinstance(self.datasets, dict):
            return {key: fetch(d, indices) for key, d in self.datasets.items()}
        return [fetch(d, indices) for d in self.datasets]


class ConcatDataset(Dataset):
    """Several datasets one after another: first all samples of the first, then of the second, ..."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset needs at least one dataset")
        for i, d in enumerate(self.datasets):
            if isinstance(d, IterableDataset):
                raise TypeError(f"ConcatDataset: dataset {i} is an IterableDataset, which has no indices to "
                                "concatenate; use ChainDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"index out of range for a ConcatDataset of {len(self)} samples")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class ChainDataset(IterableDataset):
    """Several iterable-style datasets one after another: the stream of the first, then of the second, ..."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        for i, d in enumerate(self.datasets):
            if not isinstance(d, IterableDataset):
                raise TypeError(f"ChainDataset: expected IterableDatasets, got {type(d).__name__} at position {i} "
                                "(use ConcatDataset for map-style datasets)")

    def __iter__(self):
        return itertools.chain.from_iterable(self.datasets)

    def __len__(self):
        return sum(len(d) for d in self.datasets)


def random_split(dataset, lengths, generator=None):
    """Split dataset at random into non-overlapping Subsets of the given lengths.

    lengths are counts that add up to len(dataset), or fractions that add up to 1 (then each count
    is rounded down and the samples left over go one each to the first splits; a split left empty
    gives a warning). The order comes from generator, or ember's default generator (so
    ember.manual_seed makes it repeat).
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1], got {list(lengths)}")
        counts = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, k in enumerate(counts):
            if k == 0:
                warnings.warn(f"random_split: split {i} of {list(lengths)} of {n} samples is empty", stacklevel=2)
        lengths = counts
    if any(not isinstance(k, int) or k < 0 for k in lengths) or sum(lengths) != n:
        raise ValueError(f"random_split: lengths must be counts adding up to the dataset's {n} samples, "
                         f"or fractions adding up to 1; got {list(lengths)}")
    order = randperm(n, generator=generator).tolist()
    ends = list(itertools.accumulate(lengths))
    return [Subset(dataset, order[end - k:end]) for k, end in zip(lengths, ends)]
