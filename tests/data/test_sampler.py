"""Samplers: index orders against torch.utils.data where they are deterministic, statistics where random."""

import itertools

import numpy as np
import pytest
import torch

import ember
from ember.data import (BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler,
                        WeightedRandomSampler)
from helpers import raises


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False),
                                                      (2, 5, True), (0, 2, False), (7, 1, False)])
def test_sequential_and_batch_samplers_as_pytorch(n, batch_size, drop_last):
    ours = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    theirs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    assert list(SequentialSampler(range(n))) == list(torch.utils.data.SequentialSampler(range(n)))


def frequencies(indices, n):
    return np.bincount(np.asarray(list(indices)), minlength=n) / len(indices)


def test_random_sampler_draws_uniformly_with_and_without_replacement():
    generator = ember.Generator(seed=0)
    with_replacement = list(RandomSampler(range(5), replacement=True, num_samples=20_000, generator=generator))
    theirs = list(torch.utils.data.RandomSampler(range(5), replacement=True, num_samples=20_000,
                                                 generator=torch.Generator().manual_seed(0)))
    np.testing.assert_allclose(frequencies(with_replacement, 5), 0.2, atol=0.01)
    np.testing.assert_allclose(frequencies(theirs, 5), 0.2, atol=0.01)
    sampler = RandomSampler(range(5), generator=generator)
    firsts = [next(iter(sampler)) for _ in range(5_000)]
    np.testing.assert_allclose(frequencies(firsts, 5), 0.2, atol=0.02)
    assert all(sorted(sampler) == [0, 1, 2, 3, 4] for _ in range(20))


def test_random_sampler_without_replacement_repeats_permutations_beyond_the_dataset_as_pytorch():
    ours = list(RandomSampler(range(4), num_samples=10, generator=ember.Generator(seed=1)))
    theirs = list(torch.utils.data.RandomSampler(range(4), num_samples=10, generator=torch.Generator()))
    for indices in (ours, theirs):
        assert len(indices) == 10 and sorted(indices[:4]) == sorted(indices[4:8]) == [0, 1, 2, 3]
        assert len(set(indices[8:])) == 2


def test_random_sampler_draws_lazily():
    sampler = RandomSampler(range(10), replacement=True, num_samples=10**10, generator=ember.Generator(seed=0))
    assert len(sampler) == 10**10
    first = list(itertools.islice(sampler, 2500))  # 10**10 indices would not fit in memory
    assert len(first) == 2500 and set(first) == set(range(10))


def test_random_sampler_repeats_under_manual_seed_whatever_else_draws_meanwhile():
    sampler = RandomSampler(range(50), replacement=True, num_samples=3000)
    ember.manual_seed(2)
    plain = list(sampler)
    ember.manual_seed(2)
    interleaved = []
    for i in sampler:
        interleaved.append(i)
        ember.rand(3)  # dropout, say, drawing from the default generator during the epoch
    assert interleaved == plain and list(sampler) != plain


def test_subset_random_sampler_shuffles_the_given_indices():
    sampler = SubsetRandomSampler([10, 20, 30, 40], generator=ember.Generator(seed=0))
    orders = [list(sampler) for _ in range(200)]
    assert len(sampler) == 4 and all(sorted(order) == [10, 20, 30, 40] for order in orders)
    np.testing.assert_allclose(frequencies([order[0] // 10 - 1 for order in orders], 4), 0.25, atol=0.08)
    assert sorted(torch.utils.data.SubsetRandomSampler([10, 20, 30, 40])) == sorted(sampler)


WEIGHTS = [1.0, 0.0, 3.0, 2.0, 4.0]
P = np.array(WEIGHTS) / sum(WEIGHTS)


def test_weighted_sampler_with_replacement_draws_in_proportion_to_the_weights():
    ours = list(WeightedRandomSampler(WEIGHTS, 20_000, generator=ember.Generator(seed=0)))
    theirs = list(torch.utils.data.WeightedRandomSampler(WEIGHTS, 20_000, generator=torch.Generator().manual_seed(0)))
    np.testing.assert_allclose(frequencies(ours, 5), P, atol=0.01)
    np.testing.assert_allclose(frequencies(theirs, 5), P, atol=0.01)
    assert 1 not in ours


def test_weighted_sampler_without_replacement_draws_each_index_once_weighted_among_the_rest():
    sampler = WeightedRandomSampler(ember.tensor(WEIGHTS), 3, replacement=False, generator=ember.Generator(seed=0))
    draws = [list(sampler) for _ in range(10_000)]
    assert all(len(set(d)) == 3 and 1 not in d for d in draws)
    second = np.array([sum(P[i] * P[j] / (1 - P[i]) for i in range(5) if i != j) for j in range(5)])
    np.testing.assert_allclose(frequencies([d[0] for d in draws], 5), P, atol=0.015)
    np.testing.assert_allclose(frequencies([d[1] for d in draws], 5), second, atol=0.015)
    theirs = torch.utils.data.WeightedRandomSampler(WEIGHTS, 3, replacement=False,
                                                    generator=torch.Generator().manual_seed(0))
    np.testing.assert_allclose(frequencies([list(theirs)[1] for _ in range(10_000)], 5), second, atol=0.015)
    assert sampler.weights.dtype == ember.float64 and len(sampler) == 3


def test_sampler_errors_as_pytorch():
    cases = [
        (lambda lib: lib.RandomSampler(range(3), replacement=1), TypeError, "replacement must be a bool, got 1"),
        (lambda lib: lib.RandomSampler(range(3), num_samples=0), ValueError, "num_samples must be a positive int, "
                                                                             "got 0"),
        (lambda lib: lib.RandomSampler([]), ValueError, "RandomSampler: num_samples must be a positive int, got 0"),
        (lambda lib: lib.WeightedRandomSampler([1.0], 0), ValueError, "num_samples must be a positive int"),
        (lambda lib: lib.WeightedRandomSampler([1.0], 1, replacement="no"), ValueError, "replacement must be a bool"),
        (lambda lib: lib.WeightedRandomSampler([[1.0]], 1), ValueError, "weights must be a 1-d sequence, got shape "
                                                                        "(1, 1)"),
        (lambda lib: lib.BatchSampler(range(3), 0, False), ValueError, "BatchSampler: batch_size must be a positive "
                                                                       "int, got 0"),
        (lambda lib: lib.BatchSampler(range(3), True, False), ValueError, "batch_size must be a positive int"),
        (lambda lib: lib.BatchSampler(range(3), 2, None), ValueError, "drop_last must be a bool, got None"),
    ]
    for make, error, message in cases:
        with raises(error, message):
            make(ember.data)
        with pytest.raises(error):
            make(torch.utils.data)


def test_weights_that_are_not_a_distribution_are_refused_before_drawing():
    with raises(ValueError, "weights must be finite numbers >= 0, not all 0"):
        WeightedRandomSampler([1.0, -1.0], 1)
    with raises(ValueError, "weights must be finite numbers >= 0, not all 0"):
        WeightedRandomSampler([0.0, 0.0], 1)
    with raises(ValueError, "3 samples without replacement, but only 2 weights are above 0"):
        WeightedRandomSampler([1.0, 0.0, 2.0], 3, replacement=False)
