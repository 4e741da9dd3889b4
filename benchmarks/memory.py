"""python -m benchmarks.memory: the memory one framework's train step needs, measured in a fresh
process (run by the harness, one per framework and workload, so neither framework's cached memory
hides the other's). Prints the growth of resident memory, in bytes, from just before the first
train step to the peak over a few steps."""

import argparse
import dataclasses
import os
import resource


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

    from .harness import Framework, Run, resident_bytes
    from .workloads import WORKLOADS

    lib = importlib.import_module(args.framework)
    if args.framework == "torch":
        lib.set_num_threads(args.threads)
    workload = dataclasses.replace(WORKLOADS[args.workload], batch=args.batch)
    inputs, targets = workload.make_data(np.random.default_rng(0), workload.batch)
    run = Run(Framework(args.framework, lib, "cpu"), workload, inputs, targets)
    before = resident_bytes()
    for _ in range(args.steps):
        run.train_step()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    print(max(0, peak - before))


if __name__ == "__main__":
    main()
