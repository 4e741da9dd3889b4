"""The benchmark harness in its quickest mode on its tiny workload: the output's format, not a time."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_module(module, *args):
    """python -m module args, from the repository's root (where `benchmarks` is the benchmarks' package)."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def run_benchmarks(*args):
    return run_module("benchmarks", *args)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    done = run_benchmarks("--quick", "--workload", "tiny", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return done.stdout, out


def test_prints_a_table_with_ratios(quick_run):
    stdout, _ = quick_run
    assert "workload   | ember train ms | torch train ms | ratio" in stdout
    row = next(line for line in stdout.splitlines() if line.startswith("tiny "))
    cells = [float(c) for c in row.split("|")[1:]]
    times_and_ratios, memory = cells[:6], cells[6:]
    assert len(cells) == 8 and all(c > 0 for c in times_and_ratios) and all(m >= 0 for m in memory)
    assert "add 1×1" in stdout and "matmul 1000×1000" in stdout
    assert "2 threads" in stdout


def test_writes_json_and_png(quick_run):
    _, out = quick_run
    results = json.loads((out / "cpu.json").read_text())
    tiny = results["workloads"]["tiny"]
    for what in ("train", "inference", "memory"):
        assert set(tiny[what]) == {"ember", "torch"}
    assert results["meta"]["threads"] == 2 and results["meta"]["steps"] == 30
    assert set(results["ops"]["add 1×1"]["ember"]) == {"forward", "forward+backward"}
    assert (out / "cpu.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_workload_is_an_error():
    done = run_benchmarks("--workload", "nope")
    assert done.returncode != 0 and "unknown workload nope" in done.stderr


def test_under_load_reports_both_slowdowns(tmp_path):
    done = run_benchmarks("--quick", "--workload", "tiny", "--no-ops", "--no-memory", "--under-load",
                          "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "beside a CPU-bound neighbour: train step slowdown (loaded / alone)" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("tiny ") and line.count("|") == 2)
    loaded = json.loads((tmp_path / "cpu.json").read_text())["workloads"]["tiny"]["under_load"]
    assert set(loaded) == {"ember", "torch"} and all(s > 0 for s in loaded.values())
    # the table prints the measured slowdowns (rounded: on a busy machine one may print as 0.00)
    assert [c.strip() for c in row.split("|")[1:]] == [f"{loaded[name]:.2f}" for name in ("ember", "torch")]


def test_neighbour_runs_only_inside_the_block():
    check = ("from benchmarks import harness\n"
             "with harness.neighbour() as process:\n    assert process.poll() is None\n"
             "assert process.poll() is not None\nprint('ok')")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout == "ok\n", done.stderr


def test_cpu_time_mode_records_its_clock_and_needs_one_thread(tmp_path):
    done = run_benchmarks("--quick", "--workload", "tiny", "--no-ops", "--no-memory", "--cpu-time", "--threads", "1",
                          "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "1 threads, main-thread CPU time" in done.stdout
    results = json.loads((tmp_path / "cpu.json").read_text())
    assert results["meta"]["clock"] == "main-thread CPU time" and "--cpu-time" in results["meta"]["command"]
    assert all(t > 0 for t in results["workloads"]["tiny"]["train"].values())
    refused = run_benchmarks("--workload", "tiny", "--cpu-time")
    assert refused.returncode != 0 and "use it with --threads 1" in refused.stderr
