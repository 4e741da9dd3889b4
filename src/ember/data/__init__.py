"""ember.data (also ember.utils.data): datasets, samplers and the DataLoader, plus ready-made datasets.

    train, val, test = ember.data.digits()
    for x, y in ember.data.DataLoader(train, batch_size=32, shuffle=True):
        ...
"""

from .collate import default_collate
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .datasets import Splits, breast_cancer, digits, from_arrays, from_csv, iris, train_val_test_split
from .loader import DataLoader, RandomSampler, Sampler, SequentialSampler
from .text import CharVocab, TextWindows, builtin_text, char_windows
from .vision import data_home, fashion_mnist, load_arrays, mnist, read_idx

__all__ = ["CharVocab", "ConcatDataset", "DataLoader", "Dataset", "RandomSampler", "Sampler", "SequentialSampler", "Splits",
           "Subset", "TensorDataset", "TextWindows", "breast_cancer", "builtin_text", "char_windows", "data_home", "default_collate", "digits", "fashion_mnist",
           "from_arrays", "from_csv", "iris", "load_arrays", "mnist", "random_split", "read_idx",
           "train_val_test_split"]


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.utils.data", name)
