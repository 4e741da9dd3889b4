"""default_collate and default_convert: the structures of batches, against PyTorch's."""

import collections

import numpy as np
import pytest
import torch

import ember
from ember.data import default_collate, default_convert
from helpers import raises, to_numpy

Point = collections.namedtuple("Point", ["x", "y"])


class Pair(collections.abc.Sequence):
    """An immutable sequence that is neither a tuple nor a list."""

    def __init__(self, items):
        self.items = list(items)

    def __getitem__(self, i):
        return self.items[i]

    def __len__(self):
        return len(self.items)


COLLATE_CASES = {
    "tensors": lambda lib: [lib.ones(2, 3), lib.zeros(2, 3)],
    "tuples": lambda lib: [(lib.ones(2), 1), (lib.zeros(2), 0)],
    "lists": lambda lib: [[lib.ones(2), 1.5], [lib.zeros(2), 2.5]],
    "nested lists": lambda lib: [[[1, 2], [3.0]], [[4, 5], [6.0]]],
    "dicts": lambda lib: [{"a": lib.ones(1), "b": {"c": 3}}, {"a": lib.zeros(1), "b": {"c": 4}}],
    "ordered dicts": lambda lib: [collections.OrderedDict(b=1, a=2.0), collections.OrderedDict(b=3, a=4.0)],
    "default dicts": lambda lib: [collections.defaultdict(list, a=[1]), collections.defaultdict(list, a=[2])],
    "other sequences": lambda lib: [Pair([1, 2]), Pair([3, 4])],
    "numpy": lambda lib: [np.ones((2, 2), np.float64), np.zeros((2, 2), np.float64)],
    "numpy int8": lambda lib: [np.ones(3, np.int8), np.zeros(3, np.int8)],
    "numpy scalars": lambda lib: [np.float32(1.5), np.float32(2.5)],
    "numpy bools": lambda lib: [np.bool_(True), np.bool_(False)],
    "ints": lambda lib: [1, 2, 3],
    "floats": lambda lib: [1.0, 2.5],
    "bools": lambda lib: [True, False],
    "strings": lambda lib: [("a", 1), ("b", 2)],
    "bytes": lambda lib: [b"a", b"b"],
    "namedtuples": lambda lib: [Point(lib.ones(2), 1), Point(lib.zeros(2), 2)],
}


def flatten(batch):
    """The batch's leaves and its nesting (types, keys), for comparing ember's with PyTorch's."""
    if isinstance(batch, collections.abc.Mapping):
        return [(type(batch).__name__, tuple(batch))] + [leaf for key in batch for leaf in flatten(batch[key])]
    if isinstance(batch, collections.abc.Sequence) and not isinstance(batch, (str, bytes)) \
            and not isinstance(batch[0], (str, bytes)):
        return [(type(batch).__name__, len(batch))] + [leaf for item in batch for leaf in flatten(item)]
    return [batch]


def assert_same_structure(ours, theirs):
    ours, theirs = flatten(ours), flatten(theirs)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        if isinstance(o, ember.Tensor):
            assert str(o.dtype) == str(t.dtype).replace("torch.", "")
            np.testing.assert_array_equal(to_numpy(o), to_numpy(t))
        else:
            assert o == t


@pytest.mark.parametrize("case", COLLATE_CASES)
def test_default_collate_as_pytorch(case):
    assert_same_structure(default_collate(COLLATE_CASES[case](ember)),
                          torch.utils.data.default_collate(COLLATE_CASES[case](torch)))


def test_a_defaultdict_keeps_its_default():
    batch = default_collate([collections.defaultdict(list, a=1), collections.defaultdict(list, a=2)])
    assert isinstance(batch, collections.defaultdict) and batch["missing"] == []


CONVERT_CASES = {
    "numpy": lambda lib: np.arange(3.0),
    "numpy scalar": lambda lib: np.int16(4),
    "numpy strings": lambda lib: np.array(["a", "b"]),
    "tensor": lambda lib: lib.ones(2),
    "numbers": lambda lib: (1, 2.5),
    "dict": lambda lib: {"x": np.ones(2, np.float32), "y": 3},
    "namedtuple": lambda lib: Point(np.zeros(2), 1),
    "list": lambda lib: [np.ones(1), "text"],
    "string": lambda lib: "text",
}


@pytest.mark.parametrize("case", CONVERT_CASES)
def test_default_convert_as_pytorch(case):
    ours = default_convert(CONVERT_CASES[case](ember))
    theirs = torch.utils.data.default_convert(CONVERT_CASES[case](torch))
    if isinstance(ours, np.ndarray):
        assert isinstance(theirs, np.ndarray) and (ours == theirs).all()
    else:
        assert_same_structure(ours if isinstance(ours, (list, tuple, dict)) else [ours],
                              theirs if isinstance(theirs, (list, tuple, dict)) else [theirs])


def test_default_collate_errors():
    with raises(RuntimeError, "default_collate: samples must all have the same length, got [1, 2]"):
        default_collate([(1, 2), (3,)])
    with raises(TypeError, "a sample must hold tensors, NumPy arrays, numbers, strings, dicts, lists or tuples; "
                           "got NoneType"):
        default_collate([None, None])
    with raises(TypeError, "NumPy arrays of dtype <U1 (strings or objects) cannot become tensors"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError):
        torch.utils.data.default_collate([(1, 2), (3,)])
    with pytest.raises(TypeError):
        torch.utils.data.default_collate([np.array(["a"]), np.array(["b"])])
