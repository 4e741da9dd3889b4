"""DistributedSampler: each replica's share, against torch.utils.data.DistributedSampler."""

import pytest
import torch

import ember
from ember.data import DataLoader, DistributedSampler, TensorDataset
from helpers import raises


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (9, 3, True),
                                                    (2, 4, False), (2, 4, True), (5, 1, False)])
def test_unshuffled_shares_as_pytorch(n, replicas, drop_last):
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
        assert (ours.num_samples, ours.total_size) == (theirs.num_samples, theirs.total_size)


@pytest.mark.parametrize("n, drop_last", [(11, False), (11, True), (12, False)])
def test_shuffled_shares_split_one_order_that_changes_with_the_epoch(n, drop_last):
    def shares(epoch, seed=0):
        samplers = [DistributedSampler(range(n), 3, rank, seed=seed, drop_last=drop_last) for rank in range(3)]
        for sampler in samplers:
            sampler.set_epoch(epoch)
        return [list(sampler) for sampler in samplers]

    first = shares(epoch=0)
    together = sum(first, [])
    theirs = [list(torch.utils.data.DistributedSampler(range(n), 3, rank, drop_last=drop_last)) for rank in range(3)]
    assert [len(s) for s in first] == [len(s) for s in theirs]
    if drop_last:  # the tail cut: no index twice
        assert len(set(together)) == len(together) == 3 * (n // 3)
    else:  # padded: every index, some twice
        assert set(together) == set(range(n)) and len(together) == 3 * -(-n // 3)
    assert shares(epoch=0) == first and shares(epoch=1) != first and shares(epoch=0, seed=1) != first


def test_a_loader_with_a_distributed_sampler_reads_its_share():
    sampler = DistributedSampler(range(8), num_replicas=2, rank=1, shuffle=False)
    loader = DataLoader(TensorDataset(ember.arange(8)), batch_size=2, sampler=sampler)
    assert [y.tolist() for y, in loader] == [[1, 3], [5, 7]]


def test_distributed_sampler_errors():
    with raises(RuntimeError, "DistributedSampler: pass num_replicas and rank, or call "
                              "ember.distributed.init_process_group() first"):
        DistributedSampler(range(4))
    with raises(RuntimeError, "pass num_replicas and rank"):
        DistributedSampler(range(4), num_replicas=2)
    with raises(ValueError, "invalid rank 2, rank should be in the interval [0, 1]"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError):
        torch.utils.data.DistributedSampler(range(4), num_replicas=2, rank=2)
