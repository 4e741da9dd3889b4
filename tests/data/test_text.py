import numpy as np
import pytest
import torch

import ember
from ember.data import CharVocab, DataLoader, RandomSampler, TextWindows, builtin_text, char_windows
from helpers import raises


def test_vocab_encodes_and_decodes():
    vocab = CharVocab.from_text("hello world")
    assert vocab.chars == sorted(set("hello world")) and len(vocab) == 8
    assert vocab.decode(vocab.encode("low")) == "low"
    with raises(ValueError, "characters not in the vocabulary: 'z'"):
        vocab.encode("zoo")


def test_windows_and_their_next_character_targets():
    windows = TextWindows(np.arange(10), block_size=4)
    assert len(windows) == 6
    x, y = windows[2]
    assert x.tolist() == [2, 3, 4, 5] and y.tolist() == [3, 4, 5, 6] and x.dtype == ember.int64
    xb, yb = next(iter(DataLoader(windows, batch_size=3)))
    assert xb.tolist() == [[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]] and yb.shape == (3, 4)


def test_char_windows_split_train_then_validation():
    vocab, train, val = char_windows("abcdefghij" * 10, block_size=5)
    assert len(vocab) == 10 and len(train) == 90 - 5 and len(val) == 10 - 5
    assert vocab.decode(val.ids) == "abcdefghij"


def test_random_windows_with_replacement_repeat_under_a_seed():
    windows = TextWindows(np.arange(100), block_size=8)
    sampler = RandomSampler(windows, replacement=True, num_samples=50, generator=ember.Generator(seed=3))
    first = list(sampler)
    assert len(first) == 50 and len(sampler) == 50 and all(0 <= i < 92 for i in first)
    sampler.generator.manual_seed(3)
    assert list(sampler) == first


def test_random_sampler_without_replacement_matches_pytorch_lengths():
    data = list(range(10))
    for num_samples in (4, 11):
        ours = RandomSampler(data, num_samples=num_samples)
        theirs = torch.utils.data.RandomSampler(data, num_samples=num_samples)
        assert len(ours) == len(theirs) == len(list(ours)) == len(list(theirs))
    assert sorted(RandomSampler(data)) == data


def test_errors():
    with raises(ValueError, "too few for windows of 8"):
        TextWindows(np.arange(5), block_size=8)
    with raises(ValueError, "val_fraction must be between 0 and 1"):
        char_windows("abc" * 10, 2, val_fraction=1.5)


def test_builtin_text_ships_with_python():
    text = builtin_text()
    assert len(text) > 100_000 and "statement" in text
