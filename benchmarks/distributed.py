"""python -m benchmarks.distributed: data-parallel training on 1 against 2 processes (MPI), one thread each.

For each workload (convnet and gpt of BENCHMARKS.md) it runs the same global batch as one process, then as
2 processes under mpiexec, each taking half of it through DistributedDataParallel, and prints the samples/s
of both, the speed-up, and the share of the all-reduce time hidden under the backward pass:

    hidden = 1 - exposed / alone

alone: the same all-reduces, every bucket one after the other, with nothing else running (ms per step).
exposed: the time a step waits for its all-reduces once its backward pass is done (DDP's wait, after its
last bucket has started), as the last rank to get there sees it. A rank that finishes its backward early
also waits for the other to catch up, which is not communication: so each step's exposed time is the
smallest of the ranks' waits in that step, and `exposed` is their mean over the steps.

The last column is the most 2 processes could reach on this machine: 2 processes side by side, each
training on its half of the batch alone (no DDP, no communication), against one process on the whole.
Where the cores share caches and memory bandwidth, or other programs run, it is below 2.
"""

import argparse
import json
import os
import subprocess
import sys
import time

WORKLOADS = ("convnet", "gpt")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.distributed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", action="append", choices=WORKLOADS, help="only this one (repeatable)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps per measurement (default 20)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results"),
                        help="folder for distributed.json (default benchmarks/results)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # a workload, measured in this MPI process
    parser.add_argument("--without-ddp", action="store_true", help=argparse.SUPPRESS)  # each worker on its own
    return parser.parse_args(argv)


def _timed(step, steps):
    """Seconds per step (the slowest rank's), after two warm-up steps."""
    import ember.distributed as dist
    for _ in range(2):
        step()
    dist.barrier()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return _slowest(time.perf_counter() - started) / steps


def _slowest(seconds):
    import ember
    import ember.distributed as dist
    t = ember.tensor([seconds], dtype=ember.float64)
    dist.all_reduce(t, dist.ReduceOp.MAX)
    return t.item()


def worker(name, steps, without_ddp):
    """Measure one workload on this MPI job's ranks (each on its own if without_ddp); rank 0 prints
    the figures as JSON."""
    import numpy as np

    import ember
    import ember.distributed as dist
    from ember.nn.parallel import DistributedDataParallel

    from .workloads import WORKLOADS as ALL
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    workload = ALL[name]
    ember.manual_seed(0)
    model, loss_fn, optimizer = workload.build(ember)
    x, y = (ember.tensor(a) for a in workload.make_data(np.random.default_rng(rank), workload.batch // world))
    distributed = world > 1 and not without_ddp
    trained = DistributedDataParallel(model) if distributed else model

    def step():
        optimizer.zero_grad()
        loss_fn(trained(x), y).backward()
        optimizer.step()

    waits = []
    if distributed:
        finish = trained._finish  # the wait for the all-reduces, timed here (a benchmark may look inside)

        def timed_finish():
            started = time.perf_counter()
            finish()
            waits.append(time.perf_counter() - started)
        trained._finish = timed_finish
    figures = {"processes": world, "samples_per_second": workload.batch / _timed(step, steps)}
    if distributed:
        each_step = ember.tensor(waits, dtype=ember.float64)  # the two warm-up steps waited too
        dist.all_reduce(each_step, dist.ReduceOp.MIN)
        exposed = each_step.mean().item()

        def all_reduces_alone():
            for bucket in trained._buckets:
                dist.all_reduce(bucket.tensor)

        alone = _timed(all_reduces_alone, steps)
        figures.update(all_reduce_ms=1000 * alone, exposed_ms=1000 * exposed,
                       hidden_share=min(1.0, max(0.0, 1.0 - exposed / alone)))
    if rank == 0:
        print("FIGURES " + json.dumps(figures), flush=True)
    dist.destroy_process_group()


def measure(name, processes, steps, without_ddp=False):
    from ember.distributed import launcher
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(p for p in (os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                      os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run(launcher.command(processes, ["-m", "benchmarks.distributed", "--worker", name,
                                                       "--steps", str(steps)] + ["--without-ddp"] * without_ddp),
                          capture_output=True, text=True, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("FIGURES ")]
    if done.returncode != 0 or not lines:
        sys.exit(f"benchmarks.distributed: {name} on {processes} processes failed:\n{done.stdout}{done.stderr}")
    return json.loads(lines[-1][len("FIGURES "):])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker:
        return worker(args.worker, args.steps, args.without_ddp)
    results = {}
    print(f"{'workload':10s} {'1 process':>14s} {'2 processes':>14s} {'speed-up':>9s} {'all-reduce':>11s} "
          f"{'hidden':>7s} {'2 alone':>8s}")
    for name in args.workload or WORKLOADS:
        one, two, side_by_side = (measure(name, 1, args.steps), measure(name, 2, args.steps),
                                  measure(name, 2, args.steps, without_ddp=True))
        speedup = two["samples_per_second"] / one["samples_per_second"]
        cap = side_by_side["samples_per_second"] / one["samples_per_second"]
        results[name] = {"one": one, "two": two, "two_alone": side_by_side, "speedup": speedup, "cap": cap}
        print(f"{name:10s} {one['samples_per_second']:10.1f} s/s {two['samples_per_second']:10.1f} s/s "
              f"{speedup:8.2f}x {two['all_reduce_ms']:8.1f} ms {100 * two['hidden_share']:6.0f}% {cap:7.2f}x",
              flush=True)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "distributed.json"), "w") as f:
        json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
