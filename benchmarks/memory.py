"""python -m benchmarks.memory: the memory one framework's train step needs, measured in a fresh
process (run by the harness, one per framework and workload, so neither framework's cached memory
hides the other's). Prints the growth of resident memory, in bytes, from just before the first
train step to the peak over a few steps (Linux: read from /proc; elsewhere it prints 0)."""

import argparse
import dataclasses
import os
import re


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--framework", choices=["ember", "torch"], required=True)
    parser.add_argument("--workload", required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import importlib

    import numpy as np

    from .harness import Framework, Run
    from .workloads import WORKLOADS

    lib = importlib.import_module(args.framework)
    if args.framework == "torch":
        lib.set_num_threads(args.threads)
    workload = dataclasses.replace(WORKLOADS[args.workload], batch=args.batch)
    inputs, targets = workload.make_data(np.random.default_rng(0), workload.batch)
    run = Run(Framework(args.framework, lib, "cpu"), workload, inputs, targets)
    reset_peak_resident()
    before = resident_kib("VmRSS")
    for _ in range(args.steps):
        run.train_step()
    print(max(0, resident_kib("VmHWM") - before) * 1024)


def resident_kib(field):
    """VmRSS (resident memory now) or VmHWM (its peak since the last reset) of this process, in KiB.
    Not getrusage's ru_maxrss: Linux carries that over from the parent process through fork and exec."""
    try:
        with open("/proc/self/status") as f:
            return int(re.search(rf"{field}:\s+(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        return 0


def reset_peak_resident():
    """Start VmHWM again from the resident memory now, so that the imports' peak is not counted."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


if __name__ == "__main__":
    main()
