"""Checks run on every rank of an MPI job, and the pytest side that starts the job and reads the results.

A worker script lists its checks (functions) and calls run_checks(checks) under `mpiexec -n 2`: each check
runs on every rank; rank 0 prints one line, RESULTS {name: "ok" or what failed, on which rank}. The tests
start the job once per script (job_results) and assert each check's result; they skip where MPI (mpi4py and
mpiexec, the test extra's mpich) is not installed.
"""

import json
import os
import subprocess
import sys
import traceback

import pytest

HANG = 240  # seconds after which a job that has not ended counts as hung (a guard against hangs, not a timing)
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")


def mpiexec_or_skip(ranks=2):
    """The command that starts the ranks, or a skip where MPI is not installed."""
    from ember.distributed import is_mpi_available, launcher
    if not is_mpi_available():
        pytest.skip("mpi4py is not installed (pip install -e '.[test]' installs it)")
    try:
        return [launcher.mpiexec(), "-n", str(ranks)]
    except RuntimeError as missing:
        pytest.skip(str(missing))


def run_job(argv, timeout=HANG, cwd=None, env=None, ranks=2):
    """Run `python argv...` on 2 ranks; returns the CompletedProcess (output and errors as text)."""
    environment = dict(os.environ, PYTHONPATH=os.path.abspath(SOURCE), OMP_NUM_THREADS="1",
                       OPENBLAS_NUM_THREADS="1", **(env or {}))
    try:
        return subprocess.run(mpiexec_or_skip(ranks) + [sys.executable, *argv], capture_output=True, text=True,
                              timeout=timeout, cwd=cwd, env=environment)
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"the MPI job {argv} did not end within {timeout} s (hung): {hung.stdout}"
                             f"{hung.stderr}") from None


def job_results(script, ranks=2):
    """Run a worker script (beside this file) on the ranks; its {check: result}."""
    done = run_job([os.path.join(os.path.dirname(os.path.abspath(__file__)), script)], ranks=ranks)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULTS ")]
    assert done.returncode == 0 and lines, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1][len("RESULTS "):])


def run_checks(checks, backend="gloo"):
    """On every rank: run each check, gather what failed where, and print the results on rank 0."""
    import ember.distributed as dist
    dist.init_process_group(backend)
    results = {}
    for check in checks:
        try:
            check()
            failure = None
        except Exception:
            failure = f"rank {dist.get_rank()}: {traceback.format_exc(limit=-3)}"
        everywhere = [None] * dist.get_world_size()
        dist.all_gather_object(everywhere, failure)
        results[check.__name__] = "; ".join(f for f in everywhere if f) or "ok"
    if dist.get_rank() == 0:
        print("RESULTS " + json.dumps(results), flush=True)
    dist.destroy_process_group()
