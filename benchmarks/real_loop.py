"""python -m benchmarks.real_loop: a whole training run, ember against PyTorch, as a user's script runs it.

LeNet-5 trained with Adam on 28×28 images held as NumPy arrays: each step makes its batch with
from_numpy from a shuffled slice of them, and after each epoch the model is evaluated under no_grad in
batches of 1,000. The loop is written once in PyTorch idiom (lib = ember or torch) and timed whole, in
rounds that alternate which framework goes first; the images are a learnable synthetic set (a square
per class under noise), so that the accuracy printed beside the time shows that both really train.
"""

import argparse
import os
import statistics
import time

import numpy as np


def make_images(rng, n, classes=10):
    """n noisy 1×28×28 images and their labels (int64): class c is a bright 7×7 square at place c of a
    4×4 grid, under noise."""
    patterns = np.zeros((classes, 1, 28, 28), np.float32)
    for c in range(classes):
        row, col = divmod(c, 4)
        patterns[c, 0, 7 * row:7 * row + 7, 7 * col:7 * col + 7] = 1.0
    labels = rng.integers(0, classes, n)
    images = patterns[labels] + 0.5 * rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    return images, labels


def train_and_evaluate(lib, images, labels, epochs, batch=64, eval_batch=1000, seed=0):
    """Train LeNet-5 for `epochs` epochs; returns the accuracy of the last evaluation."""
    from .workloads import build_lenet
    lib.manual_seed(seed)
    model, loss_fn, _ = build_lenet(lib)
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    shuffle = np.random.default_rng(seed)
    for _ in range(epochs):
        model.train()
        order = shuffle.permutation(len(images))
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            loss = loss_fn(model(lib.from_numpy(images[rows])), lib.from_numpy(labels[rows]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        correct = 0
        with lib.no_grad():
            for start in range(0, len(images), eval_batch):
                scores = model(lib.from_numpy(images[start:start + eval_batch]))
                correct += int((scores.argmax(1) == lib.from_numpy(labels[start:start + eval_batch])).sum())
    return correct / len(images)


def compare(libs, images, labels, epochs, rounds):
    """{name: (median seconds of the whole loop, accuracy)} over rounds alternating the order."""
    times, accuracy = {name: [] for name in libs}, {}
    names = list(libs)
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            start = time.perf_counter()
            accuracy[name] = train_and_evaluate(libs[name], images, labels, epochs)
            times[name].append(time.perf_counter() - start)
    return {name: {"seconds": statistics.median(t), "range": (min(t), max(t)), "accuracy": accuracy[name]}
            for name, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.real_loop", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=10000, help="training images (the issue's run: 60000)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs (the issue's run: 5)")
    parser.add_argument("--rounds", type=int, default=3, help="whole runs per framework (default 3)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import torch

    import ember

    ember.set_num_threads(args.threads)  # NumPy, imported above, has started its BLAS already
    torch.set_num_threads(args.threads)
    images, labels = make_images(np.random.default_rng(0), args.images)
    result = compare({"ember": ember, "torch": torch}, images, labels, args.epochs, args.rounds)
    for name, r in result.items():
        low, high = r["range"]
        print(f"{name:5s} {r['seconds']:7.2f} s (range {low:.2f}-{high:.2f}), accuracy {r['accuracy']:.3f}")
    print(f"ratio ember / torch {result['ember']['seconds'] / result['torch']['seconds']:.2f} "
          f"({args.images} images, {args.epochs} epoch(s), {args.rounds} rounds, {args.threads} threads)")


if __name__ == "__main__":
    main()
