import numpy as np
import pytest
import torch

import ember
from ember.data import DataLoader, Dataset, RandomSampler, Subset, TensorDataset
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


def test_loader_argument_errors():
    with raises(ValueError, "batch_size must be a positive int, got 0"):
        DataLoader(numbered(3), batch_size=0)
    with raises(ValueError, "give shuffle=True or a sampler, not both"):
        DataLoader(numbered(3), shuffle=True, sampler=[0, 1, 2])
