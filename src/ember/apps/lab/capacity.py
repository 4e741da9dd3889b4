"""Claim 6, capacity and overfitting: a network too small cannot fit even its training data
(underfitting); one large enough fits it perfectly and may memorize it, and the sign is training
accuracy far above validation accuracy. Between them lies the sweet spot. At each size, ember's
diagnosis (ember.train.diagnose) reads the learning curves and says which it sees.
"""

import numpy as np

from ... import backend, nn, optim
from ...train import diagnose
from .common import band, splits, legend_below, percent, plot, scores, train
from .report import Check, Table, Verdict, svg_figure

NAME = "capacity"
TITLE = "Capacity and overfitting: a width sweep on a small training set"
CLAIM = ("A network needs the capacity to learn: too small, it underfits; large enough, it fits the training data, and "
         "overfitting shows as training accuracy far above validation accuracy.")
QUICK = dict(seeds=1, train_size=200, widths=[2, 8, 64, 512], epochs=60, lr=3e-3, batch_size=50)
FULL = dict(seeds=5, train_size=200, widths=[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], epochs=150, lr=3e-3,
            batch_size=50)


def setup(settings):
    return {"data": f"scikit-learn's digits: only {settings['train_size']} images to train on, 270 to validate",
            "model": "an MLP 64 → width (ReLU) → 10, for width in " + ", ".join(map(str, settings["widths"])),
            "training": f"Adam (lr {settings['lr']}), batches of {settings['batch_size']}, {settings['epochs']} "
                        "epochs, "
                        "cross-entropy, no regularization",
            "measured": "training and validation accuracy at the end, their gap, and ember.train.diagnose of the "
                        "learning curves"}


def run(settings, seeds, device):
    results = {"widths": settings["widths"], "runs": {str(w): [] for w in settings["widths"]}}
    for seed in seeds:
        train_set, val, _ = splits("digits", seed, settings["train_size"])
        for width in settings["widths"]:
            backend.manual_seed(seed)
            model = nn.Sequential(nn.Linear(64, width), nn.ReLU(), nn.Linear(width, 10)).to(device)
            history = train(model, optim.Adam(model.parameters(), lr=settings["lr"]), train_set, val,
                            settings["epochs"], settings["batch_size"], seed, device)
            results["runs"][str(width)].append({
                "params": sum(p.numel() for p in model.parameters()),
                "train_accuracy": scores(model, train_set, device)["accuracy"],
                "val_accuracy": history["val_accuracy"][-1],
                "val_loss": history["val_loss"], "diagnosis": diagnose(history).verdict})
    return results


def _mean(results, width, key):
    return float(np.mean([run[key] for run in results["runs"][str(width)]]))


def _diagnoses(results, width):
    return [run["diagnosis"] for run in results["runs"][str(width)]]


def by_seed(results, measure):
    """measure(run) for every width, one list per seed: the runs of a band over the widths."""
    runs = [results["runs"][str(w)] for w in results["widths"]]
    return [[measure(width_runs[seed]) for width_runs in runs] for seed in range(len(runs[0]))]


def judge(results):
    widths = results["widths"]
    small, large = widths[0], widths[-1]
    gap = {w: _mean(results, w, "train_accuracy") - _mean(results, w, "val_accuracy") for w in widths}
    val = {w: _mean(results, w, "val_accuracy") for w in widths}
    sweet = max(widths, key=val.get)
    under, over = _diagnoses(results, small).count("underfitting"), _diagnoses(results, large).count("overfitting")
    seeds = len(_diagnoses(results, small))
    return Verdict([
        Check(f"the smallest (width {small}) on its own training data: "
              f"{100 * _mean(results, small, 'train_accuracy'):.1f}%", _mean(results, small, "train_accuracy") < 0.9,
              needs="under 90%: it underfits"),
        Check(f"the largest (width {large}) on its training data: {100 * _mean(results, large, 'train_accuracy'):.1f}%",
              _mean(results, large, "train_accuracy") >= 0.99, needs="at least 99%: it fits them"),
        Check(f"the gap, training minus validation accuracy: {100 * gap[small]:.1f} points at width {small}, "
              f"{100 * gap[large]:.1f} at width {large}", gap[large] > gap[small] + 0.05,
              needs="more than 5 points more at the largest width"),
        Check(f"ember's diagnosis: underfitting at width {small} in {under} of {seeds} seeds, overfitting at width "
              f"{large} in {over} of {seeds}", 2 * under > seeds and 2 * over > seeds,
              needs="both in more than half the seeds"),
        Check(f"validation accuracy peaks at width {sweet} ({100 * val[sweet]:.1f}%); the largest gets "
              f"{100 * val[large]:.1f}%" + ("" if sweet != large else ": more capacity did not hurt here, "
                                            "despite the gap: no sweet spot below the largest"),
              sweet != large, needs="a peak below the largest width (a sweet spot)", essential=False),
    ])


def evidence(results):
    widths = results["widths"]
    fig_acc, ax = plot("Training against validation accuracy", "hidden width (log scale)", "accuracy", logx=True)
    for key, label in (("train_accuracy", "training"), ("val_accuracy", "validation")):
        band(ax, widths, by_seed(results, lambda run: run[key]), label, marker="o")
    ax.legend()
    fig_gap, ax = plot("The gap: training minus validation accuracy", "hidden width (log scale)", "gap (points)",
                       logx=True)
    band(ax, widths, by_seed(results, lambda run: 100 * (run["train_accuracy"] - run["val_accuracy"])), "gap",
         marker="o")
    fig_val, ax = plot("Validation loss during training (first seed)", "epoch", "validation loss (log scale)",
                       logy=True)
    for width in (widths[0], widths[len(widths) // 2], widths[-1]):
        curve = results["runs"][str(width)][0]["val_loss"]
        ax.plot(np.arange(1, len(curve) + 1), curve, label=f"width {width}")
    legend_below(ax, 3)
    rows = [[w, results["runs"][str(w)][0]["params"], percent([r["train_accuracy"] for r in results["runs"][str(w)]]),
             percent([r["val_accuracy"] for r in results["runs"][str(w)]]),
             f"{100 * (_mean(results, w, 'train_accuracy') - _mean(results, w, 'val_accuracy')):.1f}",
             ", ".join(_diagnoses(results, w))] for w in widths]
    table = Table(["width", "parameters", "training accuracy", "validation accuracy", "gap (points)",
                   "ember's diagnosis (per seed)"], rows)
    figures = [svg_figure(fig_acc, "Accuracy at the end of training, by width"),
               svg_figure(fig_gap, "How far training accuracy runs ahead of validation accuracy"),
               svg_figure(fig_val, "Validation loss during training: the smallest, a middle and the largest width")]
    return figures, [table]
