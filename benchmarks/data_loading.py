"""python -m benchmarks.data_loading: samples per second through a DataLoader with 0 and 2 worker processes,
ember against PyTorch in the same run, on a dataset whose __getitem__ does real work.

A sample is a 3×32×32 uint8 image, padded by 4 pixels and randomly cropped back to 32×32, flipped left
to right half of the time, scaled to [0, 1] and normalized per channel, then blurred by repeated 3×3 box
blurs (repeated box blurs approximate a Gaussian; --blurs 50 is about 2 ms of NumPy work per sample, as
decoding and augmenting an image costs). Each framework's own DataLoader and default_collate make the
batches; workers are persistent and the timed epochs follow a warm-up epoch, so worker start-up is left
out; ember and PyTorch take turns, round by round. Prints a table of medians; a time ratio ember / PyTorch
below 1 means ember is faster.
"""

import argparse
import os
import statistics
import time

import numpy as np
import torch

import ember

MEAN = (0.49, 0.48, 0.45)
STD = (0.25, 0.24, 0.26)


class AugmentedImages:
    """n random uint8 images of 3×32×32 with labels; sample i is (augmented float32 image, label)."""

    def __init__(self, n, blurs):
        rng = np.random.default_rng(0)
        self.images = rng.integers(0, 256, size=(n, 3, 32, 32), dtype=np.uint8)
        self.labels = rng.integers(0, 10, size=n).tolist()
        self.blurs = blurs

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        padded = np.pad(self.images[i], ((0, 0), (4, 4), (4, 4)), mode="reflect")
        top, left = np.random.randint(0, 9, size=2)
        image = padded[:, top:top + 32, left:left + 32].astype(np.float32) / 255
        if np.random.rand() < 0.5:
            image = image[:, :, ::-1]
        image = (image - np.array(MEAN, np.float32)[:, None, None]) / np.array(STD, np.float32)[:, None, None]
        for _ in range(self.blurs):
            image = box_blur(image)
        return np.ascontiguousarray(image), self.labels[i]


def box_blur(image):
    """Each pixel replaced by the mean of its 3×3 neighbourhood (edges repeated)."""
    padded = np.pad(image, ((0, 0), (1, 1), (1, 1)), mode="edge")
    out = np.zeros_like(image)
    for dy in range(3):
        for dx in range(3):
            out += padded[:, dy:dy + image.shape[1], dx:dx + image.shape[2]]
    return out / 9


def warmed_loader(DataLoader, dataset, workers, batch_size):
    """A shuffling loader after one epoch: persistent workers started, caches warm."""
    options = dict(num_workers=workers, persistent_workers=True) if workers else {}
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, **options)
    for _ in loader:
        pass
    return loader


def samples_per_second(loader, epochs):
    start = time.perf_counter()
    for _ in range(epochs):
        for images, labels in loader:
            assert images.shape[1:] == (3, 32, 32)
    return len(loader.dataset) * epochs / (time.perf_counter() - start)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.data_loading", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=1024, help="samples per epoch (default 1024)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per round (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, ember and PyTorch taking turns (default 3)")
    parser.add_argument("--blurs", type=int, default=50, help="3×3 box blurs per sample (default 50, ~2 ms)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2], help="worker counts (default 0 2)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    dataset = AugmentedImages(args.samples, args.blurs)
    print(f"data loading: {args.samples} samples of 3×32×32 per epoch, {args.blurs} blurs each, batch "
          f"{args.batch_size}; median of {args.rounds} rounds of {args.epochs} epochs, {os.cpu_count()} CPUs")
    print("workers | ember samples/s | torch samples/s | time ratio ember / torch")
    for workers in args.workers:
        loaders = {lib: warmed_loader(lib.utils.data.DataLoader, dataset, workers, args.batch_size)
                   for lib in (ember, torch)}
        rates = {lib: [] for lib in loaders}
        for _ in range(args.rounds):
            for lib, loader in loaders.items():
                rates[lib].append(samples_per_second(loader, args.epochs))
        ours, theirs = (statistics.median(rates[lib]) for lib in (ember, torch))
        print(f"{workers:7d} | {ours:15.0f} | {theirs:15.0f} | {theirs / ours:.2f}")

if __name__ == "__main__":
    main()
