"""Text for character-level language models: a vocabulary of characters, and windows of a corpus
whose targets are the same characters shifted by one (predict the next character)."""

import numpy as np

from ..creation import from_numpy
from .dataset import Dataset


class CharVocab:
    """The distinct characters of a text, each with an id (in sorted order)."""

    def __init__(self, chars):
        self.chars = list(chars)
        self.ids = {c: i for i, c in enumerate(self.chars)}
        if len(self.ids) != len(self.chars):
            raise ValueError("CharVocab: characters must be distinct")

    @classmethod
    def from_text(cls, text):
        if not text:
            raise ValueError("CharVocab: the text is empty")
        return cls(sorted(set(text)))

    def __len__(self):
        return len(self.chars)

    def encode(self, text):
        """The ids of text's characters, as an int64 array."""
        unknown = sorted(set(text) - self.ids.keys())
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return np.array([self.ids[c] for c in text], dtype=np.int64)

    def decode(self, ids):
        return "".join(self.chars[int(i)] for i in ids)


class TextWindows(Dataset):
    """Every window of block_size token ids, with the next ids as its targets:
    sample i is (ids[i : i + block_size], ids[i + 1 : i + block_size + 1]), both int64 (block_size,)."""

    def __init__(self, ids, block_size):
        ids = np.asarray(ids, dtype=np.int64)
        if not isinstance(block_size, int) or block_size < 1:
            raise ValueError(f"TextWindows: block_size must be a positive int, got {block_size!r}")
        if len(ids) <= block_size:
            raise ValueError(f"TextWindows: the text has {len(ids)} tokens, too few for windows of {block_size} "
                             "plus a next token")
        self.ids, self.block_size = ids, block_size
        self.offsets = np.arange(block_size)

    def __len__(self):
        return len(self.ids) - self.block_size

    def __getitem__(self, index):
        x, y = self.take(np.array([index]))
        return x[0], y[0]

    def take(self, indices):
        """The windows starting at indices, as a batch: inputs and targets (len(indices), block_size)."""
        positions = np.asarray(indices)[:, None] + self.offsets
        return [from_numpy(self.ids[positions]), from_numpy(self.ids[positions + 1])]


def char_windows(text, block_size, val_fraction=0.1, vocab=None):
    """A character vocabulary and the train / validation windows of text: the first (1 - val_fraction)
    of the characters train, the rest validate. Returns (vocab, train, val)."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}")
    vocab = vocab or CharVocab.from_text(text)
    ids = vocab.encode(text)
    split = int(len(ids) * (1 - val_fraction))
    return vocab, TextWindows(ids[:split], block_size), TextWindows(ids[split:], block_size)


def builtin_text():
    """English prose that ships with every Python: the help topics of the pydoc documentation
    (about 465,000 characters)."""
    from pydoc_data.topics import topics
    return "".join(topics[name] for name in sorted(topics))
