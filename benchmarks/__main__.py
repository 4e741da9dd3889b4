"""python -m benchmarks: ember against PyTorch on the workloads of BENCHMARKS.md, in one process.

Prints a table of train-step and inference medians, peak memory and the ratio ember / PyTorch
(below 1: ember is faster), and writes the same as JSON and a PNG bar chart.
"""

import argparse
import dataclasses
import os
import sys
import time


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", action="append", metavar="NAME",
                        help="run only this workload (repeatable): tiny, mlp, lenet, convnet, lstm, gpt, gpt-large")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for both frameworks (default 2)")
    parser.add_argument("--quick", action="store_true", help="fewest steps the rules allow (CPU run under 3 minutes)")
    parser.add_argument("--steps", type=int, help="timed steps per measurement (default 30 quick, 60 otherwise)")
    parser.add_argument("--no-ops", action="store_true", help="skip the per-op overhead micro-benchmark")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory pass")
    parser.add_argument("--under-load", action="store_true",
                        help="also time each train step beside a CPU-bound neighbour process; report the slowdowns")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time by the main thread's CPU time, not the wall clock: steadier on a busy machine "
                             "(other processes barely change it); needs --threads 1, as other threads' time "
                             "would go uncounted")
    parser.add_argument("--tf32", action="store_true", help="GPU: allow TF32 matmuls in PyTorch (off by default)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results"),
                        help="folder for the JSON and PNG (default benchmarks/results)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.cpu_time and (args.threads != 1 or args.device != "cpu" or args.under_load):
        sys.exit("benchmarks: --cpu-time counts the main thread's CPU time only: use it with --threads 1 on the "
                 "CPU, and not with --under-load (CPU time does not see the wait for a core)")
    clock = time.thread_time if args.cpu_time else time.perf_counter
    # Thread counts must be fixed before NumPy and PyTorch load their BLAS.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import torch

    import ember

    from . import harness, report
    from .workloads import WORKLOADS

    torch.set_num_threads(args.threads)
    if args.device == "cuda":
        if not (ember.cuda.is_available() and torch.cuda.is_available()):
            sys.exit("benchmarks: --device cuda needs a GPU visible to both CuPy and PyTorch")
        torch.backends.cuda.matmul.allow_tf32 = args.tf32
    names = args.workload or [n for n, w in WORKLOADS.items()
                              if n != "tiny" and (args.device == "cuda" or not w.gpu_only)]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        sys.exit(f"benchmarks: unknown workload {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")

    steps = args.steps or (30 if args.quick else 60)
    warmup, rounds = 5, (1 if args.quick else 3)
    frameworks = [harness.Framework("ember", ember, args.device), harness.Framework("torch", torch, args.device)]
    results = {"meta": report.machine_facts(args, torch, ember, steps, warmup), "workloads": {}}
    for name in names:
        workload = WORKLOADS[name]
        batch = workload.batch * (8 if args.device == "cuda" and not workload.gpu_only else 1)
        workload = dataclasses.replace(workload, batch=batch)
        print(f"{name}: {workload.description}, batch {batch} ...", flush=True)
        try:
            results["workloads"][name] = harness.benchmark_workload(
                frameworks, workload, warmup, steps, rounds, memory=not args.no_memory, threads=args.threads,
                under_load=args.under_load, clock=clock)
        except (AttributeError, NotImplementedError) as missing:
            results["workloads"][name] = {"not_yet": str(missing)}
    if not args.no_ops:
        print("per-op overhead ...", flush=True)
        results["ops"] = harness.op_overhead(frameworks, repeats=200 if args.quick else 1000, clock=clock)
    print()
    print(report.table(results))
    paths = report.write(results, args.out, args.device)
    print("\nwrote " + ", ".join(paths))


if __name__ == "__main__":
    main()
