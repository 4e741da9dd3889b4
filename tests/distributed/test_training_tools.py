"""`ember train --nproc 2`, `mpiexec -n 2 ember train` and `mpiexec -n 2 ember run` of a PyTorch DDP script."""

import os
import subprocess
import sys

import numpy as np

import ember
from ranks import SOURCE, mpiexec_or_skip, run_job

PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "programs", "ddp_train.py")


def test_ember_train_on_two_processes_writes_one_run_folder_from_rank_0(tmp_path):
    mpiexec_or_skip()
    run_dir = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "ember.cli", "train", "--model", "mlp", "--dataset", "iris",
                           "--epochs", "3", "--nproc", "2", "--out", str(run_dir)], capture_output=True, text=True,
                          timeout=240, env=dict(os.environ, PYTHONPATH=os.path.abspath(SOURCE), OMP_NUM_THREADS="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("test accuracy") == 1 and done.stdout.count("epoch 3/3") == 1, done.stdout
    assert sorted(os.listdir(run_dir)) == ["best.safetensors", "config.json", "curves.png", "metrics.csv",
                                           "metrics.json"]
    from ember.apps import runs
    assert 0 <= runs.evaluate_run(str(run_dir))["test_accuracy"] <= 1  # the checkpoint loads in one process


def test_a_batch_that_does_not_split_over_the_ranks_is_one_error_and_ends_every_rank(tmp_path):
    done = run_job(["-m", "ember.cli", "train", "--model", "mlp", "--dataset", "iris", "--batch-size", "33",
                    "--out", str(tmp_path / "run")], timeout=120)
    assert done.returncode == 2
    assert "ember train: error: --batch-size 33 does not split evenly over 2 processes" in done.stderr
    assert not (tmp_path / "run").exists()


def test_a_pytorch_ddp_script_runs_unchanged_under_mpiexec_ember_run(tmp_path):
    done = run_job(["-m", "ember.cli", "run", PROGRAM, "--epochs", "3", "--save", "model.pt"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" loss")[0] for line in lines] == ["epoch 0", "epoch 1", "epoch 2"], done.stdout
    assert all(line.endswith("on 2 ranks (local rank 0)") for line in lines)
    losses = [float(line.split()[3]) for line in lines]
    assert losses[2] < losses[0]
    state = ember.load(str(tmp_path / "model.pt"))
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"] and np.isfinite(state["0.weight"].numpy()).all()


def test_an_exception_in_a_program_under_ember_run_ends_every_rank(tmp_path):
    script = tmp_path / "fails.py"
    script.write_text("import torch\nimport torch.distributed as dist\ndist.init_process_group('gloo')\n"
                      "if dist.get_rank() == 1:\n    raise KeyError('no such layer')\ndist.barrier()\n")
    done = run_job(["-m", "ember.cli", "run", str(script)], timeout=60)
    assert done.returncode != 0
    assert "KeyError: 'no such layer'" in done.stderr
    assert "ember.distributed: rank 1 of 2 failed (KeyError: 'no such layer'); ending all 2 ranks" in done.stderr
