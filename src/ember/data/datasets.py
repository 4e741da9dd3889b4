"""Ready-made datasets: your own arrays or CSV file, and three small tables that ship with scikit-learn.

Features come as float32 and class labels as int64, the dtypes that layers and losses expect.
The built-in loaders return Splits(train, val, test) of TensorDatasets, ready for DataLoaders:

    train, val, test = ember.data.digits(seed=0)
    loader = ember.data.DataLoader(train, batch_size=32, shuffle=True)
"""

import collections
import csv

import numpy as np

from .. import backend
from ..creation import from_numpy
from .dataset import TensorDataset

Splits = collections.namedtuple("Splits", ["train", "val", "test"])
Splits.__doc__ = "Three TensorDatasets: train (to fit on), val (to choose by), test (to report once)."


def from_arrays(features, labels=None):
    """A TensorDataset from NumPy arrays: features become float32; integer labels become int64 class
    labels, floating ones float32 targets (for regression)."""
    features = np.asarray(features, dtype=np.float32)
    if labels is None:
        return TensorDataset(from_numpy(features))
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iubf":
        raise TypeError(f"from_arrays: labels must be numbers, got {labels.dtype} (map class names to 0, 1, ... first)")
    labels = labels.astype(np.float32 if labels.dtype.kind == "f" else np.int64)
    if len(features) != len(labels):
        raise ValueError(f"from_arrays: {len(features)} rows of features but {len(labels)} labels")
    return TensorDataset(from_numpy(features), from_numpy(labels))


def from_csv(path, label, delimiter=","):
    """A TensorDataset (features, labels) from a CSV file with a header row of column names.

    Every column but `label` is a feature and must be numeric. Labels that are all whole numbers
    become int64 class labels; others float32 targets (for regression).
    """
    with open(path, newline="") as f:
        lines = [(number, row) for number, row in enumerate(csv.reader(f, delimiter=delimiter), 1) if row]
    if not lines:
        raise ValueError(f"{path}: empty file; expected a header row of column names")
    header, lines = lines[0][1], lines[1:]
    if label not in header:
        raise ValueError(f"{path}: no column {label!r}; the columns are {header}")
    if not lines:
        raise ValueError(f"{path}: a header but no rows of data")
    for number, row in lines:
        if len(row) != len(header):
            raise ValueError(f"{path}, line {number}: {len(row)} fields, but the header names {len(header)} columns")
    values = np.array([[_number(path, number, name, cell) for name, cell in zip(header, row)]
                       for number, row in lines])
    column = header.index(label)
    labels = values[:, column]
    if np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    return from_arrays(np.delete(values, column, axis=1), labels)


def _number(path, line, column, cell):
    try:
        return float(cell)
    except ValueError:
        raise ValueError(f"{path}, line {line}, column {column!r}: {cell!r} is not a number") from None


def train_val_test_split(features, labels, val_fraction=0.15, test_fraction=0.15, seed=0, standardize=False):
    """Shuffle (features, labels) with seed and cut them into Splits(train, val, test) of TensorDatasets.

    With standardize=True each feature column is shifted and scaled to mean 0 and standard deviation 1
    using the statistics of the training split alone, applied to all three (so nothing about the
    validation or test samples leaks into training); the train split keeps them as
    `train.standardization = (mean, std)`, to treat new samples the same way.
    """
    for name, f in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= f < 1:
            raise ValueError(f"train_val_test_split: {name} must lie in [0, 1), got {f}")
    features, labels = np.asarray(features), np.asarray(labels)
    n = len(features)
    n_val, n_test = round(n * val_fraction), round(n * test_fraction)
    if n - n_val - n_test <= 0:
        raise ValueError(f"train_val_test_split: no samples left for training ({n} samples, "
                         f"val_fraction={val_fraction}, test_fraction={test_fraction})")
    order = backend.Generator("cpu", seed).permutation(n)
    parts = np.split(order, [n - n_val - n_test, n - n_test])
    x = [features[part].astype(np.float64 if standardize else np.float32, copy=False) for part in parts]
    if standardize:
        mean, std = x[0].mean(axis=0), x[0].std(axis=0)
        std[std == 0] = 1.0  # a constant column stays 0 rather than becoming NaN
        x = [(xs - mean) / std for xs in x]
    splits = Splits(*(from_arrays(xs, labels[part]) for xs, part in zip(x, parts)))
    if standardize:
        splits.train.standardization = (mean, std)
    return splits


def _sklearn_table(name):
    """(features, labels) of scikit-learn's bundled dataset load_<name>."""
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError(f"ember.data.{name}() reads its data through scikit-learn, which is not installed: "
                          "pip install scikit-learn") from None
    return getattr(datasets, "load_" + name)(return_X_y=True)


def digits(val_fraction=0.15, test_fraction=0.15, seed=0):
    """1,797 handwritten digits, 8×8 pixels, 10 classes (scikit-learn's copy of the UCI set).

    features: float32 (N, 64), the pixels scaled from 0..16 to [0, 1] (reshape(-1, 1, 8, 8) for a
    CNN); labels: int64 (N,), the digit 0..9.
    """
    features, labels = _sklearn_table("digits")
    return train_val_test_split(features / 16.0, labels, val_fraction, test_fraction, seed)


def iris(val_fraction=0.15, test_fraction=0.15, seed=0):
    """150 iris flowers: 4 measurements (sepal and petal length and width, in cm), 3 species.

    features: float32 (N, 4), standardized with the training split's mean and std;
    labels: int64 (N,), 0 setosa, 1 versicolor, 2 virginica.
    """
    features, labels = _sklearn_table("iris")
    return train_val_test_split(features, labels, val_fraction, test_fraction, seed, standardize=True)


def breast_cancer(val_fraction=0.15, test_fraction=0.15, seed=0):
    """569 breast tumours: 30 measurements of cell nuclei from a scan, 2 classes.

    features: float32 (N, 30), standardized with the training split's mean and std;
    labels: int64 (N,), 0 malignant, 1 benign.
    """
    features, labels = _sklearn_table("breast_cancer")
    return train_val_test_split(features, labels, val_fraction, test_fraction, seed, standardize=True)
