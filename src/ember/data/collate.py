"""Collating: turning a list of samples into one batch.

A sample is whatever a dataset's __getitem__ returns: a tensor, a tuple (features, label), a dict,
... The batch has the same form, with each tensor, array or number replaced by a tensor one
dimension bigger, whose first dimension runs over the samples. Without automatic batching
(DataLoader(batch_size=None)) each sample is only converted: its NumPy arrays become tensors.
"""

import collections.abc
import copy

import numpy as np

from .. import backend
from ..creation import from_numpy, tensor
from ..ops.shape import stack
from ..tensor import Tensor


def default_collate(batch):
    """Stack a list of samples into a batch, as PyTorch's default_collate does.

    Tensors are stacked (on their device); NumPy arrays and NumPy scalars become one tensor of their
    dtype; Python floats a float64 tensor, ints an int64 tensor, bools a bool tensor; strings and
    bytes stay as they come (in a list, or in a tuple inside tuples). Mappings are collated key by key
    into a mapping of their type; namedtuples field by field into the same namedtuple; tuples position
    by position into a list; other sequences into a sequence of their type.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SUO":
            raise TypeError(f"default_collate: NumPy arrays of dtype {elem.dtype} (strings or objects) cannot "
                            "become tensors")
        return from_numpy(np.stack(batch))
    if isinstance(elem, (np.number, np.bool_)):
        return from_numpy(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=backend.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return rebuilt(elem, {key: default_collate([sample[key] for sample in batch]) for key in elem})
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError(f"default_collate: samples must all have the same length, got "
                               f"{sorted({len(sample) for sample in batch})}")
        fields = [default_collate(field) for field in zip(*batch)]
        if isinstance(elem, tuple):
            return type(elem)(*fields) if hasattr(elem, "_fields") else fields
        return rebuilt(elem, fields)
    raise TypeError(f"default_collate: a sample must hold tensors, NumPy arrays, numbers, strings, dicts, "
                    f"lists or tuples; got {type(elem).__name__}")


def default_convert(data):
    """One sample as a DataLoader without automatic batching hands it out, as PyTorch's default_convert.

    NumPy arrays (not of strings or objects) and NumPy scalars become tensors, also inside mappings,
    namedtuples, tuples (which become lists) and other sequences; everything else stays as it is.
    """
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "SUO" else from_numpy(data)
    if isinstance(data, (np.number, np.bool_)):
        return from_numpy(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return rebuilt(data, {key: default_convert(value) for key, value in data.items()})
    if isinstance(data, tuple):
        fields = [default_convert(field) for field in data]
        return type(data)(*fields) if hasattr(data, "_fields") else fields
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return rebuilt(data, [default_convert(item) for item in data])
    return data


def rebuilt(like, items):
    """items (a dict, or a list) in a container of like's type: a copy of like refilled when it is mutable,
    like's type made from items when it is not, and items themselves when that type cannot be made so."""
    try:
        if isinstance(like, (collections.abc.MutableMapping, collections.abc.MutableSequence)):
            clone = copy.copy(like)
            for key, value in (items.items() if isinstance(items, dict) else enumerate(items)):
                clone[key] = value
            return clone
        return type(like)(items)
    except TypeError:
        return items

