"""Exact resume: `ember train` runs killed with SIGKILL at random moments (in the middle of saves too) and
continued with `ember train --resume` end with the weights, bit for bit, and the history of a run that was
never stopped; and the run folders themselves: unique names, no run overwritten by accident."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import ember
from ember.apps import folders
from ember.apps.recipes import RunError
from ember.cli import main
from helpers import raises

TEXT = "the cat sat on the mat. to be or not to be. " * 30
RECIPES = {  # each small, and saving often: every step or every few
    "mlp": ["--model", "mlp", "--epochs", "3", "--checkpoint-every", "1"],
    "lenet": ["--model", "lenet", "--epochs", "2", "--batch-size", "64", "--checkpoint-every", "3"],
    "gpt": ["--model", "gpt", "--text", "tiny.txt", "--iterations", "12", "--eval-interval", "4", "--batch-size", "2",
            "--block-size", "8", "--eval-batches", "2", "--checkpoint-every", "1"],
}
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")  # one thread: no contention on CI's 2 cores
TIMING = ("seconds", "train_seconds", "tokens_per_second")


def ember_train(folder, args):
    """`ember train ARGS` started in folder, in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "ember.cli", "train", *args, "--no-progress"], cwd=folder, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finished(process, timeout=600):
    _, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return True


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """{recipe: the run folder of a run that was never stopped}."""
    folder = tmp_path_factory.mktemp("references")
    (folder / "tiny.txt").write_text(TEXT)
    for recipe, args in RECIPES.items():
        finished(ember_train(folder, ["--out", recipe, *args]))
    return {recipe: folder / recipe for recipe in RECIPES}


def saves_seen(process, path, count):
    """Wait until the file at path has been written `count` times while process runs; False if it ended first."""
    seen, last = 0, None
    while process.poll() is None:
        try:
            found = os.stat(path)
        except FileNotFoundError:
            found = None
        if found is not None and (found.st_ino, found.st_mtime_ns) != last:
            seen, last = seen + 1, (found.st_ino, found.st_mtime_ns)
            if seen >= count:
                return True
        time.sleep(0.002)
    return False


def run_with_kills(folder, recipe, rng):
    """Start the recipe's run in folder/run and SIGKILL it twice: first soon after its config.json is written
    (before its first checkpoint, or just after), then after a random number of its checkpoints, each time
    a random moment later (in a step, or in a save); each time it goes on with `ember train --resume` (or
    starts again, if it was killed before its config.json was written). Returns the run folder and the
    exit statuses of the two processes killed."""
    run = folder / "run"
    statuses = []
    for target, count in (("config.json", 1), ("last.safetensors", rng.randint(2, 8))):
        if (run / "config.json").is_file():
            process = ember_train(folder, ["--resume", "run"])
        else:
            process = ember_train(folder, ["--out", "run", "--overwrite", *RECIPES[recipe]])
        if saves_seen(process, run / target, count):
            time.sleep(rng.uniform(0, 0.05))
            process.send_signal(signal.SIGKILL)
        _, err = process.communicate()
        assert process.returncode in (0, -signal.SIGKILL), err
        statuses.append(process.returncode)
    finished(ember_train(folder, ["--resume", "run"]))
    return run, statuses


def assert_same(mine, theirs, where=""):
    """Two loaded checkpoints (or parts) hold the same values, bit for bit, but for their timings."""
    assert type(mine) is type(theirs), where
    if isinstance(mine, dict):
        assert list(mine) == list(theirs), where
        for key in mine:
            if key not in TIMING:
                assert_same(mine[key], theirs[key], f"{where}.{key}")
    elif isinstance(mine, (list, tuple)):
        assert len(mine) == len(theirs), where
        for i, (a, b) in enumerate(zip(mine, theirs)):
            assert_same(a, b, f"{where}.{i}")
    elif isinstance(mine, ember.Tensor):
        assert mine.dtype == theirs.dtype, where
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy(), err_msg=where)
    else:
        assert mine == theirs, where


def assert_same_run(run, reference):
    """Two run folders hold the same best weights, training checkpoint (weights, optimizer, random generators,
    history, ...) and results, but for their timings; no temporary file of a killed save is left."""
    for name in ("best.safetensors", "last.safetensors"):
        assert_same(ember.load(run / name), ember.load(reference / name), name)
    assert_same(*[json.loads((folder / "metrics.json").read_text()) for folder in (run, reference)], "metrics.json")
    assert not [name for name in os.listdir(run) if name.endswith(".tmp")]


@pytest.mark.parametrize("recipe", list(RECIPES))
def test_a_run_killed_at_random_moments_resumes_to_the_same_weights(recipe, references, tmp_path):
    (tmp_path / "tiny.txt").write_text(TEXT)
    run, statuses = run_with_kills(tmp_path, recipe, random.Random(f"kills of {recipe}"))
    assert statuses == [-signal.SIGKILL] * 2
    assert_same_run(run, references[recipe])


KILL_IN_SAVE = """
import os, signal, stat, sys
from ember.io import files
writes = []
real_fsync = files.os.fsync
def fsync(fd):  # a file's temporary copy is written: die before it is renamed into place
    if stat.S_ISREG(os.fstat(fd).st_mode):
        writes.append(fd)
    if len(writes) == int(os.environ["KILL_AT_WRITE"]):
        os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(fd)
files.os.fsync = fsync
from ember.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("write", [2, 9])
def test_a_run_killed_in_the_middle_of_a_save_resumes_to_the_same_weights(write, references, tmp_path):
    env = dict(ENV, KILL_AT_WRITE=str(write))
    killed = subprocess.run([sys.executable, "-c", KILL_IN_SAVE, "train", "--out", "run", "--no-progress",
                             *RECIPES["mlp"]], cwd=tmp_path, env=env, capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    assert [name for name in os.listdir(tmp_path / "run") if name.endswith(".tmp")]  # a save cut short
    finished(ember_train(tmp_path, ["--resume", "run"]))
    assert_same_run(tmp_path / "run", references["mlp"])


# -------------------------------------------------------------------------------------------------
# Run folders: one per run, never overwritten by accident.

def test_runs_started_in_the_same_second_get_folders_of_their_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(time, "strftime", lambda fmt: "20260101-120000")
    made = [folders.make_run_dir(None, "mlp", "digits") for _ in range(3)]
    assert made == [os.path.join("runs", "mlp-digits-20260101-120000" + suffix) for suffix in ("", "-2", "-3")]
    assert all(os.path.isdir(folder) for folder in made)


def test_out_onto_an_existing_run_is_refused_unless_resumed_or_overwritten(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text("{}")
    (run / "best.safetensors").write_bytes(b"old weights")
    assert main(["train", "--model", "mlp", "--dataset", "iris", "--epochs", "1", "--out", str(run),
                 "--no-progress"]) == 2
    assert capsys.readouterr().err == (f"ember train: error: --out {run} holds a run already: continue it with "
                                       f"`ember train --resume {run}`, or replace it with --overwrite\n")
    assert (run / "best.safetensors").read_bytes() == b"old weights"
    assert main(["train", "--model", "mlp", "--dataset", "iris", "--epochs", "1", "--out", str(run), "--overwrite",
                 "--no-progress"]) == 0
    assert ember.load(run / "best.safetensors") and json.loads((run / "config.json").read_text())["epochs"] == 1


def test_out_onto_a_folder_of_other_files_or_a_file_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with raises(RunError, f"--out {tmp_path} is a folder with other files in it: give a new or an empty folder"):
        folders.check_out(str(tmp_path), overwrite=True)
    with raises(RunError, f"--out {tmp_path / 'notes.txt'} is a file: give a folder for the run"):
        folders.check_out(str(tmp_path / "notes.txt"), overwrite=False)
    folders.check_out(str(tmp_path / "new"), overwrite=False)  # a new folder, or an empty one, is fine


def test_resume_takes_no_other_training_options_and_needs_a_run(tmp_path, capsys):
    assert main(["train", "--resume", str(tmp_path), "--lr", "0.1", "--out", "x"]) == 2
    assert capsys.readouterr().err == ("ember train: error: --resume continues a run with the settings of its "
                                       "config.json: leave out --lr, --out\n")
    (tmp_path / ".config.json.1-0123456789ab.tmp").write_text("{")
    assert main(["train", "--resume", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"ember train: error: {tmp_path} has no config.json: its run was stopped "
                                       f"before it began; start it again with `ember train --out {tmp_path} "
                                       "--overwrite` and the options it had\n")
