import re

import numpy as np
import pytest
import torch

import ember
from ember.data import ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset, \
    random_split
from helpers import raises


def test_tensor_dataset_gives_rows_of_each_tensor():
    x, y = ember.randn(5, 3), ember.arange(5)
    dataset = TensorDataset(x, y)
    assert len(dataset) == 5
    row, label = dataset[2]
    np.testing.assert_array_equal(row.numpy(), x.numpy()[2])
    assert label.item() == 2
    assert [t.tolist() for t in dataset.take(np.array([4, 0]))] == [x.numpy()[[4, 0]].tolist(), [4, 0]]


def test_tensor_dataset_errors():
    with raises(ValueError, "tensors must have the same size in their first dimension (the number of samples), "
                            "got [5, 4]"):
        TensorDataset(ember.zeros(5, 2), ember.zeros(4))
    with raises(TypeError, "TensorDataset expects Tensors, got ndarray"):
        TensorDataset(np.zeros(3))
    with raises(ValueError, "TensorDataset needs at least one tensor"):
        TensorDataset()
    with raises(ValueError, "a 0-d tensor has no first dimension"):
        TensorDataset(ember.tensor(1.0))


def test_subset_and_concat():
    base = TensorDataset(ember.arange(10))
    subset = Subset(base, [7, 1, 4])
    assert len(subset) == 3 and subset[0][0].item() == 7 and subset[-1][0].item() == 4
    both = ConcatDataset([subset, base])
    assert len(both) == 13
    assert [both[i][0].item() for i in (0, 2, 3, 12, -1)] == [7, 4, 0, 9, 9]
    assert len(subset + base) == 13
    with raises(IndexError, "index out of range for a ConcatDataset of 13 samples"):
        both[13]
    with raises(ValueError, "Subset: indices must be one-dimensional"):
        Subset(base, [[1, 2]])


def test_dataset_base_class_asks_for_its_methods():
    with raises(NotImplementedError, "Dataset must define __len__"):
        len(Dataset())


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.33, 0.33, 0.34], [0.25, 0.75], [10], [1 / 3] * 3])
def test_random_split_sizes_as_pytorch_and_disjoint(lengths):
    parts = random_split(TensorDataset(ember.arange(10)), lengths, generator=ember.Generator().manual_seed(0))
    theirs = torch.utils.data.random_split(range(10), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [len(p) for p in theirs]
    picked = [int(p[i][0]) for p in parts for i in range(len(p))]
    assert sorted(picked) == list(range(10))


def test_random_split_repeats_with_a_seed():
    dataset = TensorDataset(ember.arange(20))
    first = random_split(dataset, [0.5, 0.5], generator=ember.Generator().manual_seed(4))
    again = random_split(dataset, [0.5, 0.5], generator=ember.Generator().manual_seed(4))
    assert first[0].indices.tolist() == again[0].indices.tolist()
    ember.manual_seed(1)
    default = random_split(dataset, [10, 10])[0].indices.tolist()
    ember.manual_seed(1)
    assert random_split(dataset, [10, 10])[0].indices.tolist() == default


def test_random_split_errors():
    with raises(ValueError, "lengths must be counts adding up to the dataset's 10 samples, or fractions adding up "
                            "to 1; got [3, 3]"):
        random_split(TensorDataset(ember.arange(10)), [3, 3])
    with raises(ValueError, "fractions must lie in [0, 1], got [1.5, -0.5]"):
        random_split(TensorDataset(ember.arange(10)), [1.5, -0.5])


def test_random_split_warns_of_an_empty_split_as_pytorch():
    with pytest.warns(UserWarning, match=re.escape("random_split: split 2 of [0.5, 0.5, 0.0] of 4 samples is empty")):
        parts = random_split(TensorDataset(ember.arange(4)), [0.5, 0.5, 0.0])
    assert [len(p) for p in parts] == [2, 2, 0]
    with pytest.warns(UserWarning):
        torch.utils.data.random_split(range(4), [0.5, 0.5, 0.0])


class Count(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))


class TorchCount(Count, torch.utils.data.IterableDataset):
    """Count, as PyTorch knows an iterable-style dataset."""


def test_iterable_datasets_chain_as_pytorch():
    assert list(Count(0, 2) + Count(5, 7)) == list(TorchCount(0, 2) + TorchCount(5, 7)) == [0, 1, 5, 6]
    chain = ChainDataset([Count(0, 3), Count(3, 4)])
    assert list(chain) == list(chain) == [0, 1, 2, 3]
    with raises(TypeError, "Count is an iterable-style dataset without a length"):
        len(chain)
    with raises(TypeError, "ChainDataset: expected IterableDatasets, got TensorDataset at position 1"):
        ChainDataset([Count(0, 1), TensorDataset(ember.arange(2))])
    with raises(NotImplementedError, "IterableDataset must define __iter__"):
        iter(IterableDataset())


def test_concat_dataset_refuses_iterable_datasets_as_pytorch():
    with raises(TypeError, "ConcatDataset: dataset 1 is an IterableDataset, which has no indices to concatenate; "
                           "use ChainDataset"):
        ConcatDataset([TensorDataset(ember.arange(2)), Count(0, 2)])
    with pytest.raises(AssertionError):
        torch.utils.data.ConcatDataset([torch.utils.data.TensorDataset(torch.arange(2)), TorchCount(0, 2)])


@pytest.mark.parametrize("form", ["tuple", "dict"])
def test_stack_dataset_as_pytorch(form):
    def stacked(lib):
        parts = [lib.utils.data.TensorDataset(lib.arange(4)), lib.utils.data.TensorDataset(lib.arange(4) * 2)]
        if form == "tuple":
            return lib.utils.data.StackDataset(*parts)
        return lib.utils.data.StackDataset(a=parts[0], b=parts[1])

    ours, theirs = stacked(ember), stacked(torch)
    assert len(ours) == len(theirs) == 4
    as_numbers = (lambda sample: {k: [t.item() for t in v] for k, v in sample.items()} if form == "dict"
                  else [[t.item() for t in part] for part in sample])
    assert [as_numbers(ours[i]) for i in range(4)] == [as_numbers(theirs[i]) for i in range(4)]


def test_stack_dataset_errors():
    with raises(ValueError, "StackDataset: datasets must have the same length, got [2, 3]"):
        StackDataset(range(2), range(3))
    with raises(ValueError, "give datasets as positional arguments (samples are tuples) or as keyword arguments"):
        StackDataset(range(2), b=range(2))
    with raises(ValueError, "StackDataset needs at least one dataset"):
        StackDataset()
    for bad in (lambda: torch.utils.data.StackDataset(range(2), range(3)), torch.utils.data.StackDataset):
        with pytest.raises(ValueError):
            bad()


def test_ember_utils_data_and_its_modules_are_ember_data_s():
    import ember.data
    from ember.utils.data import dataloader, dataset, distributed, sampler
    from ember.utils.data.sampler import RandomSampler
    assert ember.utils.data is ember.data and RandomSampler is ember.data.RandomSampler
    assert (dataloader, dataset, distributed, sampler) == (ember.data.dataloader, ember.data.dataset,
                                                           ember.data.distributed, ember.data.sampler)
