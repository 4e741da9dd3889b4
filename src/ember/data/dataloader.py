"""DataLoader: a dataset served in (shuffled) mini-batches, one epoch per `for` loop.

    loader = DataLoader(train_set, batch_size=64, shuffle=True)
    for epoch in range(10):
        for x, y in loader:        # a new random order each epoch
            ...

A sampler gives the order of the indices; the loader cuts it into batches of batch_size and
collates the samples of each batch into tensors.
"""

import itertools

from .collate import default_collate
from .fetch import fetch
from .sampler import RandomSampler, SequentialSampler


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
