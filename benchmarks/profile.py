"""python -m benchmarks.profile: where ember's time goes in a workload's train step.

Profiles ember's train steps with cProfile (after warm-up) and prints the functions with the most
time of their own, grouped under ember's ops and layers; that is what directs the next optimization.
"""

import argparse
import cProfile
import os
import pstats


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("--workload", action="append", metavar="NAME", help="workload(s) to profile (default: all CPU ones)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np

    import ember

    from .harness import Framework, Run
    from .workloads import WORKLOADS

    names = args.workload or [n for n, w in WORKLOADS.items() if n != "tiny" and not w.gpu_only]
    for name in names:
        workload = WORKLOADS[name]
        inputs, targets = workload.make_data(np.random.default_rng(0), workload.batch)
        try:
            run = Run(Framework("ember", ember, "cpu"), workload, inputs, targets)
        except (AttributeError, NotImplementedError) as missing:
            print(f"{name}: not yet ({missing})\n")
            continue
        for _ in range(5):
            run.train_step()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.steps):
            run.train_step()
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = stats.total_tt
        rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:args.top]
        print(f"{name}: {1e3 * total / args.steps:.1f} ms per train step under the profiler; most time of their own:")
        for (path, line, function), (_, calls, own, _, _) in rows:
            where = f"{os.path.basename(path)}:{line}" if path != "~" else "builtin"
            print(f"  {100 * own / total:5.1f}%  {function} ({where}), {calls // args.steps} calls a step")
        print()


if __name__ == "__main__":
    main()
