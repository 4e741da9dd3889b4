import sys

import numpy as np
import pytest

import ember
from ember.data import Splits, breast_cancer, digits, from_arrays, from_csv, iris, train_val_test_split
from helpers import raises

SKLEARN = {"digits": (digits, 1797, 64, 10), "iris": (iris, 150, 4, 3), "breast_cancer": (breast_cancer, 569, 30, 2)}


@pytest.mark.parametrize("name", SKLEARN)
def test_sklearn_datasets_shapes_dtypes_and_split(name):
    load, n, features, classes = SKLEARN[name]
    splits = load(seed=0)
    assert isinstance(splits, Splits)
    assert sum(len(part) for part in splits) == n
    assert len(splits.test) == len(splits.val) == round(0.15 * n)
    for part in splits:
        x, y = part.tensors
        assert x.shape == (len(part), features) and x.dtype == ember.float32
        assert y.shape == (len(part),) and y.dtype == ember.int64
    labels = np.concatenate([part.tensors[1].numpy() for part in splits])
    assert sorted(set(labels.tolist())) == list(range(classes))


def test_digits_are_scaled_to_0_1_and_tables_standardized_on_train():
    x = digits().train.tensors[0].numpy()
    assert x.min() == 0.0 and x.max() == 1.0
    train = iris().train.tensors[0].numpy()
    np.testing.assert_allclose(train.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(train.std(axis=0), 1.0, atol=1e-6)


def test_splits_repeat_with_a_seed_and_change_with_another():
    same = [iris(seed=5).test.tensors[0].numpy() for _ in range(2)]
    np.testing.assert_array_equal(*same)
    assert not np.array_equal(same[0], iris(seed=6).test.tensors[0].numpy())


def test_a_clear_error_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with raises(ImportError, "ember.data.iris() reads its data through scikit-learn, which is not installed: "
                             "pip install scikit-learn"):
        iris()


def test_train_val_test_split_of_arrays():
    features = np.arange(40, dtype=np.float64).reshape(20, 2)
    splits = train_val_test_split(features, np.arange(20) % 2, val_fraction=0.25, test_fraction=0.25, seed=1)
    assert [len(part) for part in splits] == [10, 5, 5]
    rows = np.concatenate([part.tensors[0].numpy() for part in splits])
    assert sorted(rows[:, 0].tolist()) == list(range(0, 40, 2))
    constant = train_val_test_split(np.ones((10, 1)), np.zeros(10), standardize=True)
    assert not np.isnan(constant.train.tensors[0].numpy()).any()
    with raises(ValueError, "val_fraction must lie in [0, 1), got 1.5"):
        train_val_test_split(features, np.zeros(20), val_fraction=1.5)
    with raises(ValueError, "no samples left for training (20 samples, val_fraction=0.5, test_fraction=0.5)"):
        train_val_test_split(features, np.zeros(20), val_fraction=0.5, test_fraction=0.5)


def test_from_arrays_dtypes_and_errors():
    x, y = from_arrays(np.zeros((4, 2), np.float64), np.array([0, 1, 2, 1], np.uint8)).tensors
    assert (x.dtype, y.dtype) == (ember.float32, ember.int64)
    assert from_arrays(np.zeros((4, 2)), np.zeros(4)).tensors[1].dtype == ember.float32
    assert len(from_arrays(np.zeros((3, 2))).tensors) == 1
    with raises(ValueError, "from_arrays: 4 rows of features but 3 labels"):
        from_arrays(np.zeros((4, 2)), np.zeros(3))
    with raises(TypeError, "labels must be numbers, got <U1"):
        from_arrays(np.zeros((2, 2)), np.array(["a", "b"]))


def write(path, text):
    path.write_text(text)
    return path


def test_from_csv_reads_numeric_columns_and_a_named_label(tmp_path):
    path = write(tmp_path / "t.csv", "a,label,b\n1.5,0,2\n\n3,2,4.25\n")
    x, y = from_csv(path, label="label").tensors
    assert x.tolist() == [[1.5, 2.0], [3.0, 4.25]] and x.dtype == ember.float32
    assert y.tolist() == [0, 2] and y.dtype == ember.int64
    targets = from_csv(write(tmp_path / "r.csv", "x;y\n1;0.5\n2;1.5\n"), label="y", delimiter=";").tensors[1]
    assert targets.dtype == ember.float32 and targets.tolist() == [0.5, 1.5]


def test_from_csv_errors(tmp_path):
    with raises(ValueError, "no column 'label'; the columns are ['a', 'b']"):
        from_csv(write(tmp_path / "a.csv", "a,b\n1,2\n"), label="label")
    with raises(ValueError, "a.csv, line 3, column 'b': 'x' is not a number"):
        from_csv(write(tmp_path / "a.csv", "a,b\n1,2\n3,x\n"), label="a")
    with raises(ValueError, "a.csv, line 2: 1 fields, but the header names 2 columns"):
        from_csv(write(tmp_path / "a.csv", "a,b\n1\n"), label="a")
    with raises(ValueError, "a.csv: empty file"):
        from_csv(write(tmp_path / "a.csv", ""), label="a")
    with raises(ValueError, "a.csv: a header but no rows of data"):
        from_csv(write(tmp_path / "a.csv", "a,b\n"), label="a")
