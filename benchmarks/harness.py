"""Timing and memory measurement of ember against PyTorch, side by side in one process."""

import contextlib
import os
import statistics
import subprocess
import sys
import time

import numpy as np


class Framework:
    """ember or torch behind one small interface: make tensors, wait for the device, read memory."""

    def __init__(self, name, lib, device):
        self.name, self.lib, self.device = name, lib, device

    def tensor(self, array):
        return self.lib.tensor(array, device=self.device)

    def seed(self, seed):
        self.lib.manual_seed(seed)

    def sync(self):
        if self.device == "cuda":
            self.lib.cuda.synchronize()

    def reset_peak_memory(self):
        if self.device != "cuda":
            return
        if self.name == "torch":
            self.lib.cuda.reset_peak_memory_stats()
        else:
            self.lib.backend.cupy().get_default_memory_pool().free_all_blocks()

    def peak_gpu_memory(self):
        """Bytes the framework's GPU allocator held at its peak (reserved memory, alike for both)."""
        if self.name == "torch":
            return self.lib.cuda.max_memory_reserved()
        return self.lib.backend.cupy().get_default_memory_pool().total_bytes()


class Run:
    """One workload built in one framework: its train step and its inference."""

    def __init__(self, framework, workload, inputs, targets, seed=0):
        self.framework = framework
        framework.seed(seed)
        model, self.loss_fn, self.optimizer = workload.build(framework.lib)
        self.model = model.to(framework.device)  # in place: the optimizer's parameters move with it
        self.inputs, self.targets = framework.tensor(inputs), framework.tensor(targets)

    def train_step(self):
        loss = self.loss_fn(self.model(self.inputs), self.targets)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.framework.sync()

    def inference(self):
        self.model.eval()
        with self.framework.lib.no_grad():
            self.model(self.inputs)
        self.framework.sync()
        self.model.train()


def timed(fn, count, clock=time.perf_counter):
    """Seconds each of count calls of fn took, by clock: the wall clock, or time.thread_time (the CPU time of
    this thread, which a busy machine's other processes barely change, but which misses any other thread's)."""
    times = []
    for _ in range(count):
        start = clock()
        fn()
        times.append(clock() - start)
    return times


def compare(runs, what, warmup, steps, rounds, clock=time.perf_counter):
    """Median seconds of runs[i].<what> for each run, warmed up, then timed in rounds that
    alternate which framework goes first."""
    times = {run.framework.name: [] for run in runs}
    for run in runs:
        timed(getattr(run, what), warmup)
    per_round = max(1, steps // rounds)
    for r in range(rounds):
        for run in (runs if r % 2 == 0 else runs[::-1]):
            times[run.framework.name] += timed(getattr(run, what), per_round, clock)
    return {name: statistics.median(t) for name, t in times.items()}


def peak_memory(run, workload, threads, steps=3):
    """Memory the train step needs: the GPU allocator's peak, or on the CPU the growth of resident
    memory over a few steps in a fresh process (python -m benchmarks.memory)."""
    fw = run.framework
    if fw.device == "cuda":
        fw.reset_peak_memory()
        for _ in range(steps):
            run.train_step()
        return fw.peak_gpu_memory()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-m", "benchmarks.memory", "--framework", fw.name, "--workload",
                           workload.name, "--batch", str(workload.batch), "--threads", str(threads),
                           "--steps", str(steps)], cwd=root, capture_output=True, text=True, check=True)
    return int(done.stdout.strip())


@contextlib.contextmanager
def neighbour():
    """A CPU-bound process beside the block, busy on one core (a Python loop) until the block ends."""
    process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)  # let it start spinning
        yield process
    finally:
        process.kill()
        process.wait()


def benchmark_workload(frameworks, workload, warmup, steps, rounds, memory=True, seed=0, threads=2,
                       under_load=False, clock=time.perf_counter):
    """Train-step and inference medians, and peak memory, for one workload in every framework; under_load:
    the medians again beside a neighbour process, and each framework's slowdown (loaded / alone)."""
    rng = np.random.default_rng(seed)
    inputs, targets = workload.make_data(rng, workload.batch)
    runs = [Run(fw, workload, inputs, targets, seed) for fw in frameworks]
    result = {"train": compare(runs, "train_step", warmup, steps, rounds, clock),
              "inference": compare(runs, "inference", warmup, steps, rounds, clock)}
    if under_load:
        with neighbour():
            loaded = compare(runs, "train_step", warmup, steps, rounds)
        result["under_load"] = {name: loaded[name] / result["train"][name] for name in loaded}
    if memory:
        result["memory"] = {run.framework.name: peak_memory(run, workload, threads) for run in runs}
    return result


def op_overhead(frameworks, repeats, clock=time.perf_counter):
    """Per-op cost of add and matmul, forward and forward+backward, on 1-element and 1000×1000 inputs:
    the small sizes measure Python overhead, the large ones the arithmetic."""
    rng = np.random.default_rng(0)
    cases = []
    for size in (1, 1000):
        a = rng.standard_normal((size, size)).astype(np.float32)
        b = rng.standard_normal((size, size)).astype(np.float32)
        for op_name in ("add", "matmul"):
            cases.append((f"{op_name} {size}×{size}", op_name, a, b, repeats if size == 1 else max(3, repeats // 50)))
    results = {}
    for label, op_name, a, b, count in cases:
        row = {}
        for fw in frameworks:
            x = fw.tensor(a).requires_grad_()
            y = fw.tensor(b).requires_grad_()
            grad = fw.tensor(np.ones_like(a))

            def forward():
                out = x + y if op_name == "add" else x @ y
                fw.sync()
                return out

            def forward_backward():
                forward().backward(grad)
                fw.sync()
            timed(forward_backward, 3)
            row[fw.name] = {"forward": statistics.median(timed(forward, count, clock)),
                            "forward+backward": statistics.median(timed(forward_backward, count, clock))}
        results[label] = row
    return results
