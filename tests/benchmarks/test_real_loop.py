"""The real-loop benchmark on a few images: both frameworks train and evaluate with the same loop code."""

import re

from test_harness import run_module


def test_both_frameworks_learn_the_patterns():
    done = run_module("benchmarks.real_loop", "--images", "640", "--epochs", "3", "--rounds", "1")
    assert done.returncode == 0, done.stderr
    for name in ("ember", "torch"):
        seconds, accuracy = re.search(rf"^{name} +([\d.]+) s .*accuracy ([\d.]+)$", done.stdout, re.M).groups()
        assert float(seconds) > 0 and float(accuracy) > 0.5, done.stdout  # chance is 0.1
    assert "ratio ember / torch" in done.stdout and "640 images, 3 epoch(s), 1 rounds, 2 threads" in done.stdout
