"""Collating: turning a list of samples into one batch.

A sample is whatever a dataset's __getitem__ returns: a tensor, a tuple (features, label), a dict,
... The batch has the same form, with each tensor, array or number replaced by a tensor one
dimension bigger, whose first dimension runs over the samples.
"""

import collections.abc

import numpy as np

from .. import backend
from ..creation import from_numpy, tensor
from ..ops.shape import stack
from ..tensor import Tensor


def default_collate(batch):
    """Stack a list of samples into a batch, as PyTorch's default_collate does.

    Tensors are stacked (on their device); NumPy arrays and NumPy scalars become one tensor of their
    dtype; Python floats a float64 tensor, ints an int64 tensor, bools a bool tensor; strings stay a
    list. Dicts are collated key by key, tuples and lists position by position (both give a list;
    a namedtuple stays a namedtuple).
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch)
    if isinstance(elem, (np.ndarray, np.number, np.bool_)):
        return from_numpy(np.stack(batch) if isinstance(elem, np.ndarray) else np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=backend.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, (tuple, list)):
        if any(len(sample) != len(elem) for sample in batch):
            raise ValueError(f"default_collate: samples must all have the same length, got "
                             f"{sorted({len(sample) for sample in batch})}")
        fields = [default_collate(list(field)) for field in zip(*batch)]
        return type(elem)(*fields) if hasattr(elem, "_fields") else fields
    raise TypeError(f"default_collate: a sample must hold tensors, NumPy arrays, numbers, strings, dicts, "
                    f"lists or tuples; got {type(elem).__name__}")


def fetch(dataset, indices):
    """The batch of dataset's samples at indices, as default_collate makes it.

    A dataset with a take(indices) method (TensorDataset, Subset) makes the batch itself, with one
    indexing per tensor; any other dataset is read sample by sample and collated.
    """
    indices = np.asarray(indices, dtype=np.int64)
    take = getattr(dataset, "take", None)
    if take is not None:
        return take(indices)
    return default_collate([dataset[i] for i in indices.tolist()])
