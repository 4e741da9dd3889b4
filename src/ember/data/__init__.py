"""ember.data (also ember.utils.data): datasets, samplers and the DataLoader, plus ready-made datasets.

    train, val, test = ember.data.digits()
    for x, y in ember.data.DataLoader(train, batch_size=32, shuffle=True, num_workers=2):
        ...

The modules are PyTorch's: dataloader (DataLoader, get_worker_info), dataset, sampler, distributed.
"""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset,
                      random_split)
from .datasets import Splits, breast_cancer, digits, from_arrays, from_csv, iris, train_val_test_split
from .distributed import DistributedSampler
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)
from .text import CharVocab, TextWindows, builtin_text, char_windows
from .vision import data_home, fashion_mnist, load_arrays, mnist, read_idx
from .worker import WorkerInfo, get_worker_info

__all__ = ["BatchSampler", "ChainDataset", "CharVocab", "ConcatDataset", "DataLoader", "Dataset",
           "DistributedSampler", "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "Splits",
           "StackDataset", "Subset", "SubsetRandomSampler", "TensorDataset", "TextWindows", "WeightedRandomSampler",
           "WorkerInfo", "breast_cancer", "builtin_text", "char_windows", "data_home", "default_collate",
           "default_convert", "digits", "fashion_mnist", "from_arrays", "from_csv", "get_worker_info", "iris",
           "load_arrays", "mnist", "random_split", "read_idx", "train_val_test_split"]
