import importlib

import numpy as np
import pytest
import torch

import ember
from ember.data import BatchSampler, DataLoader, Dataset, IterableDataset, RandomSampler, SequentialSampler, \
    StackDataset, Subset, TensorDataset
from helpers import DEVICES, raises, to_numpy


def numbered(n, device="cpu"):
    """A TensorDataset whose sample i is (the row [i, i, i], the label i)."""
    x = ember.tensor(np.repeat(np.arange(n, dtype=np.float32)[:, None], 3, axis=1), device=device)
    return TensorDataset(x, ember.arange(n, device=device))


def labels_of(loader):
    return [to_numpy(y).tolist() for _, y in loader]


class Squares(Dataset):
    """Not a TensorDataset: the loader reads it sample by sample."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(2, i, dtype=np.float32), "y": i * i, "name": f"s{i}"}


@pytest.mark.parametrize("device", DEVICES)
def test_batches_come_in_order_on_the_datasets_device(device):
    loader = DataLoader(numbered(10, device), batch_size=4)
    batches = list(loader)
    assert [tuple(x.shape) for x, _ in batches] == [(4, 3), (4, 3), (2, 3)]
    assert labels_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert all(x.device == ember.device(device) and y.dtype == ember.int64 for x, y in batches)


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 4, False), (10, 4, True), (12, 4, True), (3, 5, False),
                                                      (3, 5, True), (0, 2, False)])
def test_len_and_drop_last_as_pytorch(n, batch_size, drop_last):
    ours = DataLoader(numbered(n), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(n)), batch_size=batch_size,
                                         drop_last=drop_last)
    assert len(ours) == len(theirs) == len(list(ours))
    assert [len(y) for _, y in ours] == [len(b[0]) for b in theirs]


def test_shuffle_repeats_with_a_seeded_generator_and_changes_each_epoch():
    dataset = numbered(20)
    first = labels_of(DataLoader(dataset, batch_size=6, shuffle=True, generator=ember.Generator().manual_seed(7)))
    again = labels_of(DataLoader(dataset, batch_size=6, shuffle=True, generator=ember.Generator().manual_seed(7)))
    assert first == again
    assert sorted(sum(first, [])) == list(range(20)) and sum(first, []) != list(range(20))
    loader = DataLoader(dataset, batch_size=6, shuffle=True, generator=ember.Generator().manual_seed(7))
    assert labels_of(loader) != labels_of(loader)  # a new order each epoch


def test_shuffle_with_the_default_generator_repeats_after_manual_seed():
    loader = DataLoader(numbered(20), batch_size=5, shuffle=True)
    ember.manual_seed(3)
    first = labels_of(loader)
    ember.manual_seed(3)
    assert labels_of(loader) == first


def test_a_tensor_dataset_is_batched_with_one_indexing_per_tensor(monkeypatch):
    dataset = numbered(10)
    monkeypatch.setattr(TensorDataset, "__getitem__", lambda self, i: pytest.fail("read sample by sample"))
    assert labels_of(DataLoader(dataset, batch_size=4)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    subset = Subset(dataset, [9, 2, 5])
    assert labels_of(DataLoader(subset, batch_size=2)) == [[9, 2], [5]]


def test_other_datasets_are_read_sample_by_sample_and_collated():
    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == ember.float32
    assert batch["y"].tolist() == [0, 1, 4] and batch["y"].dtype == ember.int64
    assert batch["name"] == ["s0", "s1", "s2"]


def test_a_custom_collate_fn_gets_the_list_of_samples():
    seen = []
    loader = DataLoader(numbered(5), batch_size=2, collate_fn=lambda samples: seen.append(samples) or len(samples))
    assert list(loader) == [2, 2, 1]
    assert [int(y) for _, y in seen[0]] == [0, 1]


def test_a_sampler_sets_the_order():
    loader = DataLoader(numbered(6), batch_size=4, sampler=[5, 3, 1, 0, 2])
    assert labels_of(loader) == [[5, 3, 1, 0], [2]] and len(loader) == 2
    loader = DataLoader(numbered(6), batch_size=6,
                        sampler=RandomSampler(range(6), generator=ember.Generator().manual_seed(0)))
    assert sorted(labels_of(loader)[0]) == list(range(6))


class Stream(IterableDataset):
    """An iterable-style dataset: the rows [i, i] for i < n, as a stream."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return (np.full(2, i, dtype=np.float32) for i in range(self.n))

    def __len__(self):
        return self.n


class TorchStream(Stream, torch.utils.data.IterableDataset):
    """Stream, as PyTorch's DataLoader knows an iterable-style dataset."""


@pytest.mark.parametrize("batch_size, drop_last", [(None, False), (1, False), (3, False), (3, True), (5, True)])
def test_an_iterable_dataset_is_read_as_its_stream_comes_as_pytorch(batch_size, drop_last):
    ours = DataLoader(Stream(10), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(TorchStream(10), batch_size=batch_size, drop_last=drop_last)
    assert [to_numpy(b).tolist() for b in ours] == [to_numpy(b).tolist() for b in theirs]
    assert len(ours) == len(theirs)


def test_batch_size_none_hands_out_samples_converted():
    loader = DataLoader(Squares(), batch_size=None)
    samples = list(loader)
    assert len(loader) == 5 and samples[3]["y"] == 9 and samples[3]["name"] == "s3"
    assert isinstance(samples[3]["x"], ember.Tensor) and samples[3]["x"].tolist() == [3.0, 3.0]


def test_a_batch_sampler_makes_the_batches():
    batches = [[4, 0], [1, 2, 3], [5]]
    loader = DataLoader(numbered(6), batch_sampler=batches)
    assert labels_of(loader) == batches and len(loader) == 3
    assert loader.batch_size is None and loader.drop_last is False
    sampler = BatchSampler(SequentialSampler(range(6)), batch_size=4, drop_last=True)
    assert labels_of(DataLoader(numbered(6), batch_sampler=sampler)) == [[0, 1, 2, 3]]


class ManyAtOnce(Dataset):
    """A dataset that reads many samples at once (PyTorch's __getitems__)."""

    def __init__(self):
        self.calls = []

    def __len__(self):
        return 6

    def __getitem__(self, i):
        raise AssertionError("read one by one")

    def __getitems__(self, indices):
        self.calls.append(indices)
        return [(i, -i) for i in indices]


def test_getitems_reads_a_batch_at_once_also_through_a_subset():
    dataset = ManyAtOnce()
    assert [b[0].tolist() for b in DataLoader(dataset, batch_size=4)] == [[0, 1, 2, 3], [4, 5]]
    loader = DataLoader(Subset(dataset, [5, 1, 3]), batch_size=2, collate_fn=lambda samples: samples)
    assert list(loader) == [[(5, -5), (1, -1)], [(3, -3)]]
    assert dataset.calls == [[0, 1, 2, 3], [4, 5], [5, 1], [3]]


def test_a_stack_dataset_of_tensor_datasets_is_batched_with_one_indexing_per_tensor(monkeypatch):
    x, y = numbered(5), TensorDataset(ember.arange(5) * 10)
    monkeypatch.setattr(TensorDataset, "__getitem__", lambda self, i: pytest.fail("read sample by sample"))
    xs, ys = next(iter(DataLoader(StackDataset(x, y), batch_size=5)))
    assert xs[1].tolist() == [0, 1, 2, 3, 4] and ys[0].tolist() == [0, 10, 20, 30, 40]
    batch = next(iter(DataLoader(StackDataset(a=x, b=y), batch_size=2)))
    assert list(batch) == ["a", "b"] and batch["b"][0].tolist() == [0, 10]


def test_pin_memory_is_accepted_on_the_cpu():
    loader = DataLoader(numbered(5), batch_size=2, pin_memory=True, pin_memory_device="")
    assert labels_of(loader) == [[0, 1], [2, 3], [4]]


BAD_OPTIONS = [
    (dict(batch_size=0), ValueError, "DataLoader: batch_size must be a positive int, got 0"),
    (dict(num_workers=-1), ValueError, "DataLoader: num_workers must be an int >= 0"),
    (dict(timeout=-1), ValueError, "DataLoader: timeout must be >= 0 seconds"),
    (dict(prefetch_factor=2), ValueError, "prefetch_factor counts the batches in flight per worker process"),
    (dict(persistent_workers=True), ValueError, "persistent_workers=True needs num_workers > 0"),
    (dict(multiprocessing_context="fork"), ValueError, "multiprocessing_context starts worker processes, but "
                                                       "num_workers=0"),
    (dict(num_workers=1, multiprocessing_context="teleport"), ValueError, "multiprocessing_context must be one of"),
    (dict(num_workers=1, multiprocessing_context=3), TypeError, "must be a start method's name or a multiprocessing "
                                                                "context, got int"),
    (dict(shuffle=True, sampler=[0, 1, 2]), ValueError, "give shuffle=True or a sampler, not both"),
    (dict(batch_sampler=[[0]], batch_size=2), ValueError, "batch_sampler is mutually exclusive with batch_size, "
                                                          "shuffle, sampler and drop_last"),
    (dict(batch_sampler=[[0]], drop_last=True), ValueError, "batch_sampler is mutually exclusive"),
    (dict(batch_sampler=[[0]], shuffle=True), ValueError, "batch_sampler is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), ValueError, "batch_size=None turns automatic batching off"),
    (dict(shuffle=True, iterable=True), ValueError, "DataLoader with an IterableDataset: expected no shuffle option, "
                                                    "got shuffle=True"),
    (dict(sampler=[0], iterable=True), ValueError, "expected no sampler option, got sampler=[0]"),
    (dict(batch_sampler=[[0]], iterable=True), ValueError, "expected no batch_sampler option"),
]


@pytest.mark.parametrize("options, error, message", BAD_OPTIONS)
def test_options_pytorch_refuses_are_refused_with_a_clear_error(options, error, message):
    options = dict(options)
    iterable = options.pop("iterable", False)
    with raises(error, message):
        DataLoader(Stream(3) if iterable else numbered(3), **options)
    with pytest.raises(error):
        torch.utils.data.DataLoader(TorchStream(3) if iterable else range(3), **options)


def test_shuffle_false_and_none_are_accepted_with_an_iterable_dataset():
    for shuffle in (None, False):
        assert len(list(DataLoader(Stream(3), shuffle=shuffle))) == 3


@pytest.mark.parametrize("module", ["dataloader", "dataset", "sampler", "distributed"])
def test_the_modules_have_pytorchs_names(module):
    ours = importlib.import_module(f"ember.data.{module}")
    for name in importlib.import_module(f"torch.utils.data.{module}").__all__:
        assert getattr(ours, name) is getattr(ember.data, name), f"ember.data.{module}.{name}"
