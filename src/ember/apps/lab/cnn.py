"""Claim 10, CNNs suit images: a convolution applies the same small filter at every position, so it
needs few weights for what it finds and finds it wherever it is; pooling then forgets exactly where.
An MLP must learn every pattern at every position separately. Here both get the same number of
parameters (counted with ember.summary), and are tested on the test images as they are and shifted
by a few pixels.
"""

import numpy as np

from ... import backend, data, nn, optim
from ...creation import from_numpy
from ...train import summary
from .common import images, percent, plot, scores, splits, spread, train
from .report import Check, Table, Verdict, svg_figure

NAME = "cnn"
TITLE = "A CNN against an MLP of the same size, on images and on shifted images"
CLAIM = ("CNNs suit images: with the same number of parameters a CNN beats an MLP, and copes better when the image "
         "moves.")
QUICK = dict(seeds=1, epochs=8, lr=3e-3, batch_size=32, shifts=[0, 1, 2])
FULL = dict(seeds=5, epochs=20, lr=3e-3, batch_size=32, shifts=[0, 1, 2])
MNIST = dict(train_size=6000, test_size=2000, shifts=[0, 2, 4])  # where the user has MNIST (full lab only)


class SmallCNN(nn.Module):
    """Two blocks of 3×3 convolution → ReLU → 2×2 max pool (8, then 16 maps), then one Linear layer."""

    def __init__(self, size, classes=10):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * (size // 4) ** 2, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def matching_mlp(size, params):
    """An MLP pixels → hidden (ReLU) → 10 whose hidden width gives about `params` parameters."""
    pixels = size * size
    hidden = max(1, round((params - 10) / (pixels + 11)))
    return nn.Sequential(nn.Flatten(), nn.Linear(pixels, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def on_canvas(dataset, margin):
    """The images with `margin` pixels of background (0) added on every side: room to move them."""
    x, y = dataset.tensors
    canvas = np.zeros(x.shape[:2] + (x.shape[2] + 2 * margin, x.shape[3] + 2 * margin), np.float32)
    canvas[:, :, margin:margin + x.shape[2], margin:margin + x.shape[3]] = x.numpy()
    return data.TensorDataset(from_numpy(canvas), y)


def shifted(dataset, pixels):
    """The images moved `pixels` right and down, the gap filled with background (0)."""
    x, y = dataset.tensors
    moved = np.zeros(x.shape, np.float32)
    moved[:, :, pixels:, pixels:] = x.numpy()[:, :, :x.shape[2] - pixels, :x.shape[3] - pixels]
    return data.TensorDataset(from_numpy(moved), y)


def mnist_splits(seed):
    """A part of MNIST, where the user has its files (in ember.data.mnist's folder); else None."""
    try:
        train_set, val, test = data.mnist(seed=seed)
    except (FileNotFoundError, ValueError):
        return None
    return [data.TensorDataset(*(t[:n] for t in split.tensors))
            for split, n in ((train_set, MNIST["train_size"]), (val, MNIST["test_size"]), (test, MNIST["test_size"]))]


def choose_data(settings, seed):
    """(name, train, val, test, shifts): MNIST in the full lab where it is at hand, else the 8×8 digits on a
    canvas with room to move (MNIST's digits have a margin of background already)."""
    found = None if settings is QUICK else mnist_splits(seed)
    if found is not None:
        return ("MNIST", *found, MNIST["shifts"])
    margin = max(settings["shifts"])
    return (f"digits, on a {8 + 2 * margin}×{8 + 2 * margin} canvas",
            *(on_canvas(images(split), margin) for split in splits("digits", seed)), settings["shifts"])


def setup(settings):
    return {"data": "MNIST (6,000 training and 2,000 test images of 28×28, where ember.data.mnist finds them) or "
                    "scikit-learn's 8×8 digits (1,257 to train on, 270 to test) on a canvas with a margin of "
                    "background; the test images also shifted right and down by a few pixels",
            "models": "a CNN (two blocks of 3×3 convolution → ReLU → 2×2 max pool, 8 then 16 maps, one Linear layer) "
                      "and an MLP with one hidden layer as wide as gives the same number of parameters",
            "training": f"Adam (lr {settings['lr']}), batches of {settings['batch_size']}, {settings['epochs']} "
                        "epochs, on the unshifted images only",
            "measured": "each model's parameters (ember.summary) and its accuracy on the test images as they are "
                        "and shifted by " + ", ".join(map(str, settings["shifts"][1:])) + " pixels"}


def run(settings, seeds, device):
    results = {"runs": {"CNN": [], "MLP": []}}
    for seed in seeds:
        name, train_set, val, test, shifts = choose_data(settings, seed)
        size = train_set.tensors[0].shape[-1]
        backend.manual_seed(seed)
        cnn = SmallCNN(size)
        cnn_params = summary(cnn, input_size=(1, 1, size, size), verbose=0).total_params
        models = {"CNN": cnn, "MLP": matching_mlp(size, cnn_params)}
        for label, model in models.items():
            backend.manual_seed(seed)
            model.to(device)
            train(model, optim.Adam(model.parameters(), lr=settings["lr"]), train_set, val, settings["epochs"],
                  settings["batch_size"], seed, device)
            results["runs"][label].append({
                "params": summary(model, input_size=(1, 1, size, size), verbose=0).total_params,
                "accuracy": [scores(model, shifted(test, s), device)["accuracy"] for s in shifts]})
        results.update(data=name, shifts=shifts)
    return results


def pixels(count):
    """'1 pixel', '2 pixels'."""
    return f"{count} pixel" + ("" if count == 1 else "s")


def _mean(results, model, index):
    return float(np.mean([run["accuracy"][index] for run in results["runs"][model]]))


def lead(results, index):
    """The CNN's test accuracy minus the MLP's at shift `index`, seed by seed (points)."""
    return [100 * (cnn["accuracy"][index] - mlp["accuracy"][index])
            for cnn, mlp in zip(results["runs"]["CNN"], results["runs"]["MLP"])]


def judge(results):
    shifts = results["shifts"]
    cnn, mlp = (results["runs"][m][0]["params"] for m in ("CNN", "MLP"))
    drop = {m: _mean(results, m, 0) - _mean(results, m, -1) for m in ("CNN", "MLP")}
    ahead, ahead_shifted = lead(results, 0), lead(results, 1)
    seeds = len(ahead)
    return Verdict([
        Check(f"on the test images, with {cnn:,} parameters against the MLP's {mlp:,}: the CNN "
              f"{percent([run['accuracy'][0] for run in results['runs']['CNN']])}, the MLP "
              f"{percent([run['accuracy'][0] for run in results['runs']['MLP']])}; the CNN's lead "
              f"{spread(ahead, '{:+.1f}')} points, ahead in {sum(a > 0 for a in ahead)} of {seeds} seeds",
              np.mean(ahead) > 0 and 2 * sum(a > 0 for a in ahead) > seeds,
              needs="a lead above 0 on average and in more than half the seeds"),
        Check(f"shifted by {pixels(shifts[-1])}, the CNN loses {100 * drop['CNN']:.1f} points and the MLP "
              f"{100 * drop['MLP']:.1f}", drop["CNN"] < drop["MLP"], needs="the CNN to lose less"),
        Check(f"shifted by {pixels(shifts[1])}: the CNN's lead {spread(ahead_shifted, '{:+.1f}')} points",
              np.mean(ahead_shifted) > 0, needs="above 0 on average", essential=False),
        Check(f"shifted by {pixels(shifts[-1])}, the CNN keeps {100 * _mean(results, 'CNN', -1):.1f}% of the "
              f"{100 * _mean(results, 'CNN', 0):.1f}% it had" +
              ("" if _mean(results, "CNN", -1) >= _mean(results, "CNN", 0) / 2 else ": its last layer reads each "
               "feature at a fixed place (pooling forgives a pixel or so, not more)"),
              _mean(results, "CNN", -1) >= _mean(results, "CNN", 0) / 2, needs="at least half", essential=False),
    ])


def evidence(results):
    shifts = results["shifts"]
    fig, ax = plot(f"Test accuracy on shifted images ({results['data']})", "shift (pixels right and down)",
                   "test accuracy")
    for model, runs in results["runs"].items():
        values = np.array([run["accuracy"] for run in runs])
        ax.errorbar(shifts, values.mean(axis=0), yerr=[values.mean(axis=0) - values.min(axis=0),
                    values.max(axis=0) - values.mean(axis=0)], marker="o", capsize=4,
                    label=f"{model} ({runs[0]['params']:,} parameters)")
    ax.set_xticks(shifts)
    ax.legend()
    rows = [[model, f"{runs[0]['params']:,}"] + [percent([run["accuracy"][i] for run in runs])
                                                 for i in range(len(shifts))]
            for model, runs in results["runs"].items()]
    table = Table(["model", "parameters"] + [f"test accuracy, shift {s}" for s in shifts], rows,
                  f"data: {results['data']}")
    return [svg_figure(fig, "Trained on centred images, tested on moved ones")], [table]
