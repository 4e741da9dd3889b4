"""Every mistake at the command line is one line on stderr and exit status 2, with nothing written; a
run folder's config.json is checked, and makes ember read nothing outside the folder; ember's own bugs
show their traceback and ask to be reported."""

import json
import os
import pickle
import shutil

import numpy as np
import pytest

import ember
from ember.cli import main


@pytest.fixture(scope="module")
def classifier_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("classifier") / "run"
    assert main(["train", "--model", "mlp", "--epochs", "1", "--out", str(run), "--no-progress"]) == 0
    return run


@pytest.fixture(scope="module")
def language_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("language")
    (folder / "tiny.txt").write_text("the cat sat on the mat. " * 20)
    run = folder / "run"
    assert main(["train", "--model", "char-lstm", "--text", str(folder / "tiny.txt"), "--iterations", "2",
                 "--batch-size", "2", "--block-size", "8", "--eval-batches", "1", "--out", str(run),
                 "--no-progress"]) == 0
    return run


def one_line_error(argv, folder, monkeypatch, capsys):
    """Run `ember ARGV` in folder; check it failed with status 2 and one line on stderr, writing nothing there.
    Returns that line."""
    monkeypatch.chdir(folder)
    before = sorted(os.listdir(folder))
    try:
        status = main(argv)
    except SystemExit as done:
        status = done.code
    err = capsys.readouterr().err
    assert status == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert sorted(os.listdir(folder)) == before
    return err.rstrip("\n")


@pytest.mark.parametrize("argv, message", [
    (["--lr", "-1"], "ember train: error: argument --lr: must be a positive number, got -1"),
    (["--lr", "nan"], "ember train: error: argument --lr: must be a positive number, got nan"),
    (["--lr", "inf"], "ember train: error: argument --lr: must be a positive number, got inf"),
    (["--lr", "fast"], "ember train: error: argument --lr: must be a number, got 'fast'"),
    (["--dropout", "1.5"], "ember train: error: argument --dropout: must be a number in [0, 1), got 1.5"),
    (["--weight-decay", "-1"], "ember train: error: argument --weight-decay: must be a number >= 0, got -1"),
    (["--patience", "-1"], "ember train: error: argument --patience: must be an integer >= 0, got -1"),
    (["--epochs", "two"], "ember train: error: argument --epochs: must be an integer, got 'two'"),
    (["--device", "tpu"], "ember train: error: argument --device: a device is 'cpu' or 'cuda[:N]', got 'tpu'"),
])
def test_bad_training_options(argv, message, tmp_path, monkeypatch, capsys):
    assert one_line_error(["train", *argv], tmp_path, monkeypatch, capsys) == message


@pytest.mark.skipif(ember.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu(tmp_path, monkeypatch, capsys):
    assert one_line_error(["train", "--device", "cuda"], tmp_path, monkeypatch, capsys).startswith(
        "ember train: error: argument --device: cuda: no GPU was found")


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "is not UTF-8 text (byte 0 is 0x89): give a text file"),
    (b"abc\x00def" * 100, "holds NUL characters: a binary file, not text"),
    (b"to be or not to be", "--text input.txt: a text of 18 characters is too short for --block-size 64: its last "
                            "tenth, which validates, needs more than 64 characters (give a longer text or a smaller "
                            "--block-size)"),
])
def test_a_text_that_cannot_train_a_language_model(content, message, tmp_path, monkeypatch, capsys):
    (tmp_path / "input.txt").write_bytes(content)
    err = one_line_error(["train", "--model", "gpt", "--text", "input.txt"], tmp_path, monkeypatch, capsys)
    assert err.startswith("ember train: error: ") and err.endswith(message), err


def test_a_missing_text_or_a_corrupt_data_dir(tmp_path, monkeypatch, capsys):
    assert one_line_error(["train", "--model", "gpt", "--text", "nope.txt"], tmp_path, monkeypatch, capsys) == \
        "ember train: error: cannot read --text nope.txt: No such file or directory"
    (tmp_path / "mnist.npz").write_bytes(b"PK\x03\x04 not really a zip")
    assert one_line_error(["train", "--dataset", "mnist", "--data-dir", "mnist.npz"], tmp_path, monkeypatch,
                          capsys).startswith("ember train: error: cannot load mnist: mnist.npz: not a readable .npz")
    assert one_line_error(["train", "--dataset", "iris", "--data-dir", "mnist.npz"], tmp_path, monkeypatch,
                          capsys) == "ember train: error: --data-dir is not used by the 'iris' dataset"


def test_out_naming_a_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "taken").write_text("mine")
    assert one_line_error(["train", "--out", "taken"], tmp_path, monkeypatch, capsys) == \
        "ember train: error: --out taken is a file: give a folder for the run"


# -------------------------------------------------------------------------------------------------
# A run folder's files: config.json, best.safetensors.

def copy_of(run, tmp_path):
    return shutil.copytree(run, tmp_path / "run")


def with_config(run, tmp_path, change):
    copy = copy_of(run, tmp_path)
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps(change(config)) if callable(change) else change)
    return copy


@pytest.mark.parametrize("change, message", [
    ("{not json", "config.json is not a JSON file of settings (JSONDecodeError: "),
    ("[1, 2]", "config.json holds a JSON list, not an object of settings"),
    ("[" * 100_000 + "]" * 100_000, "config.json is not a JSON file of settings (RecursionError"),
    (lambda c: dict(c, model="nope"), "config.json: unknown classify model 'nope'; ember has lenet, mlp, resnet20"),
    (lambda c: dict(c, task="dance"), "config.json: 'task' must be 'classify' or 'language', got \"dance\""),
    (lambda c: {k: v for k, v in c.items() if k != "in_shape"}, "config.json: the setting 'in_shape' is missing"),
    (lambda c: dict(c, in_shape=[1, 28, 28]),
     "config.json: 'in_shape' is [1, 28, 28], but digits samples are [1, 8, 8]"),
    (lambda c: dict(c, num_classes=10**9), "config.json: 'num_classes' must be an int of at least 2, got 1000000000"),
    (lambda c: dict(c, dropout=2), "config.json: 'dropout' must be a number in [0, 1), got 2"),
    (lambda c: dict(c, dataset="cifar"), "config.json: unknown dataset 'cifar'; ember has digits, mnist"),
])
def test_a_config_that_is_not_a_run_s(change, message, classifier_run, tmp_path, monkeypatch, capsys):
    run = with_config(classifier_run, tmp_path, change)
    for command in (["evaluate", str(run)], ["predict", str(run), "x.npy"]):
        err = one_line_error(command, tmp_path, monkeypatch, capsys)
        assert err.startswith(f"ember {command[0]}: error: {run / 'config.json'}") and message in err, err


@pytest.mark.parametrize("weights, message", [
    (lambda path: path.write_bytes(path.read_bytes()[:-10]), "best.safetensors: tensor "),
    (lambda path: path.write_bytes(pickle.dumps({"w": 1})), "best.safetensors: a pickle, but not a PyTorch file"),
    (lambda path: ember.save(ember.nn.Linear(64, 10).state_dict(), path),
     "best.safetensors does not fit the mlp model of config.json: missing keys: "),
    (lambda path: os.remove(path), "has no best.safetensors: the run did not finish an epoch"),
])
def test_weights_that_are_damaged_or_of_another_model(weights, message, classifier_run, tmp_path, monkeypatch, capsys):
    run = copy_of(classifier_run, tmp_path)
    weights(run / "best.safetensors")
    err = one_line_error(["evaluate", str(run)], tmp_path, monkeypatch, capsys)
    assert err.startswith("ember evaluate: error: ") and message in err, err


# -------------------------------------------------------------------------------------------------
# What `ember predict` is given.

def write_npy(path, array):
    np.save(path, array, allow_pickle=True)


@pytest.mark.parametrize("name, write, message", [
    ("objects.npy", lambda p: write_npy(p, np.array([{"a": 1}] * 64, dtype=object)),
     "cannot read {path}: Object arrays cannot be loaded when allow_pickle=False"),
    ("strings.npy", lambda p: np.save(p, np.array(["1.0"] * 64)), "cannot read {path}: it holds <U3 values, not "
                                                                   "numbers"),
    ("corrupt.npy", lambda p: p.write_bytes(b"\x93NUMPY\x01\x00garbage"), "cannot read {path}: "),
    ("words.csv", lambda p: p.write_text("a,b,c\n"), "cannot read {path}: "),
    ("fake.png", lambda p: p.write_bytes(b"not a png at all"), "cannot read {path}: "),
    ("nan.npy", lambda p: np.save(p, np.full((2, 64), np.nan)), "{path}: sample 0 holds NaN or infinite numbers; "
                                                                "ember classifies finite samples only"),
    ("wide.npy", lambda p: np.save(p, np.zeros((5, 128))), "{path} holds an array of shape (5, 128), not samples of "
                                                           "64 numbers"),
    ("empty.npy", lambda p: np.save(p, np.zeros((0, 64))), "{path} holds an array of shape (0, 64)"),
])
def test_samples_that_cannot_be_classified(name, write, message, classifier_run, tmp_path, monkeypatch, capsys):
    path = tmp_path / name
    write(path)
    err = one_line_error(["predict", str(classifier_run), str(path)], tmp_path, monkeypatch, capsys)
    assert err.startswith("ember predict: error: " + message.format(path=path)), err


# -------------------------------------------------------------------------------------------------
# Nothing is read outside the run folder.

def test_a_crafted_text_path_in_the_config_is_not_read(language_run, tmp_path, monkeypatch, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("the password is hunter2")
    run = with_config(language_run, tmp_path, lambda c: dict(c, text=str(secret)))
    assert main(["evaluate", str(run)]) == 0  # reads the run's own copy of its text
    assert capsys.readouterr().out.startswith("val loss: ")
    os.remove(run / "text.txt")
    (run / "text.txt").symlink_to(secret)
    err = one_line_error(["evaluate", str(run)], tmp_path, monkeypatch, capsys)
    assert err == (f"ember evaluate: error: {run / 'text.txt'} leads outside the run folder (to {secret}): ember "
                   "reads only a run folder's own files")
    assert "hunter2" not in err


def test_a_data_dir_in_the_config_is_not_read_unless_given(classifier_run, tmp_path, monkeypatch, capsys):
    run = with_config(classifier_run, tmp_path, lambda c: dict(c, dataset="mnist", in_shape=[1, 28, 28],
                                                               data_dir="/somewhere/else"))
    assert one_line_error(["evaluate", str(run)], tmp_path, monkeypatch, capsys) == \
        "ember evaluate: error: this run trained on mnist from /somewhere/else: give --data-dir (ember reads no path " \
        "that a run's config.json names)"


def test_generate_and_attention_check_their_run(language_run, classifier_run, tmp_path, monkeypatch, capsys):
    assert one_line_error(["generate", str(classifier_run)], tmp_path, monkeypatch, capsys) == \
        f"ember generate: error: {classifier_run} holds a classifier: use `ember predict`"
    run = with_config(language_run, tmp_path, lambda c: dict(c, vocab=["a", "a"]))
    assert one_line_error(["generate", str(run)], tmp_path, monkeypatch, capsys) == (
        f"ember generate: error: {run / 'config.json'}: 'vocab' must be a list of distinct characters, "
        'got ["a", "a"]')


# -------------------------------------------------------------------------------------------------
# ember's own errors.

def test_an_internal_error_shows_its_traceback_and_asks_to_be_reported(monkeypatch, capsys):
    from ember.apps import runs

    def broken(*args):
        return 1 / 0
    monkeypatch.setattr(runs, "evaluate_run", broken)
    assert main(["evaluate", "anything"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err
    assert err.rstrip().endswith("ember evaluate: internal error: this is a bug in ember, not in what you asked; "
                                 "please report it with the command and the traceback above")


def test_a_full_disk_is_one_line_with_status_1(classifier_run, tmp_path, monkeypatch, capsys):
    from ember.apps import runs

    def full(*args):
        raise OSError(28, "No space left on device", "runs/x/best.safetensors")
    monkeypatch.setattr(runs, "evaluate_run", full)
    assert main(["evaluate", str(classifier_run)]) == 1
    assert capsys.readouterr().err == "ember evaluate: error: No space left on device: runs/x/best.safetensors\n"
