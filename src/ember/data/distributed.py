"""DistributedSampler: each of several processes (replicas) training one model reads its own share of a dataset.

    sampler = DistributedSampler(dataset, num_replicas=4, rank=this_process)
    loader = DataLoader(dataset, batch_size=32, sampler=sampler)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)       # a new shuffle each epoch, the same on every replica
        for x, y in loader:
            ...
"""

import itertools

from .. import backend, distributed
from ..creation import randperm
from .sampler import Sampler


class DistributedSampler(Sampler):
    """Replica rank's share of the dataset: every num_replicas-th index, from the rank-th on, of one order
    that all replicas share (shuffled with seed + epoch when shuffle is True).

    Every replica gets num_samples indices: without drop_last the order is padded by repeating its start,
    with drop_last its tail is cut. num_replicas and rank default to the process group's world size and
    this process's rank (ember.distributed).
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if (num_replicas is None or rank is None) and not distributed.is_initialized():
            raise RuntimeError("DistributedSampler: pass num_replicas and rank, or call "
                               "ember.distributed.init_process_group() first (which knows them)")
        num_replicas = distributed.get_world_size() if num_replicas is None else num_replicas
        rank = distributed.get_rank() if rank is None else rank
        if not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        self.num_samples = n // num_replicas if drop_last else -(-n // num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = randperm(n, generator=backend.Generator(seed=self.seed + self.epoch)).tolist()
        else:
            order = list(range(n))
        order = list(itertools.islice(itertools.cycle(order), self.total_size))  # padded or cut to total_size
        return iter(order[self.rank::self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Make the next epoch's shuffle the one of this epoch number (the same on every replica)."""
        self.epoch = epoch
