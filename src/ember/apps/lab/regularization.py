"""Claim 7, regularization: dropout (typically 0.2–0.5), weight decay, batch normalization and early
stopping each fight overfitting.

The setup overfits on purpose: a wide network on a small training set. Each cure is tried alone
against the same setup, and judged by the accuracy on a test set that no run chose anything by.
"""

import numpy as np

from ... import backend, nn, optim
from ...train import EarlyStopping, diagnose
from .common import band, splits, legend_below, percent, plot, pyplot, scores, spread, train
from .report import Check, Table, Verdict, svg_figure

NAME = "regularization"
TITLE = "Regularization: dropout, weight decay, batch normalization, early stopping"
CLAIM = ("Dropout (typically 0.2 to 0.5), weight decay, batch normalization and early stopping each fight "
         "overfitting.")
QUICK = dict(seeds=1, train_size=100, width=256, epochs=40, lr=2e-3, batch_size=16, patience=8)
FULL = dict(seeds=5, train_size=100, width=256, epochs=80, lr=2e-3, batch_size=16, patience=10)
FEATURES = 30  # a breast tumour's measurements
# name: (dropout, weight decay, batch norm, early stopping)
VARIANTS = {"none": (0.0, 0.0, False, False), "dropout 0.2": (0.2, 0.0, False, False),
            "dropout 0.5": (0.5, 0.0, False, False), "weight decay": (0.0, 1.0, False, False),
            "batch norm": (0.0, 0.0, True, False), "early stopping": (0.0, 0.0, False, True)}


def setup(settings):
    return {"data": f"scikit-learn's breast cancer table (30 measurements of a tumour, malignant or benign): "
                    f"{settings['train_size']} tumours to train on, 85 to validate (early stopping watches them), 85 "
                    "to test (nothing is chosen by them)",
            "model": f"an MLP 30 → {settings['width']} → {settings['width']} → 2 (ReLU): far more capacity than "
                     f"{settings['train_size']} tumours need",
            "training": f"AdamW (lr {settings['lr']}), batches of {settings['batch_size']}, "
                        f"{settings['epochs']} epochs",
            "measured": "validation loss per epoch; at the end, accuracy on each split and the test loss (the "
                        "cross-entropy on unseen data, which overconfident memorization drives up)",
            "variants": "none; dropout 0.2 and 0.5 after each hidden layer; weight decay 1.0 (AdamW's, on the "
                        "weight matrices); batch normalization after each hidden Linear; early stopping (patience "
                        f"{settings['patience']} epochs, the best epoch's weights put back)"}


def mlp(width, dropout, batch_norm):
    """Two hidden layers for the 30 measurements of a tumour, with the variant's cures; 2 class scores."""
    layers, features = [], FEATURES
    for _ in range(2):
        layers += [nn.Linear(features, width)] + ([nn.BatchNorm1d(width)] if batch_norm else [])
        layers += [nn.ReLU(), nn.Dropout(dropout)]
        features = width
    return nn.Sequential(*layers, nn.Linear(features, 2))


def optimizer(model, lr, decay):
    """AdamW, decaying the weight matrices only (not biases or batch-norm scales)."""
    matrices = [p for p in model.parameters() if p.ndim >= 2]
    others = [p for p in model.parameters() if p.ndim < 2]
    return optim.AdamW([{"params": matrices, "weight_decay": decay}, {"params": others, "weight_decay": 0.0}], lr=lr)


def run(settings, seeds, device):
    results = {name: [] for name in VARIANTS}
    for seed in seeds:
        train_set, val, test = splits("breast_cancer", seed, settings["train_size"])
        for name, (dropout, decay, batch_norm, early) in VARIANTS.items():
            backend.manual_seed(seed)
            model = mlp(settings["width"], dropout, batch_norm).to(device)
            callbacks = [EarlyStopping(patience=settings["patience"])] if early else []
            history = train(model, optimizer(model, settings["lr"], decay), train_set, val, settings["epochs"],
                            settings["batch_size"], seed, device, callbacks=callbacks)
            test_scores = scores(model, test, device)
            results[name].append({"val_loss": history["val_loss"],
                                  "val_accuracy": scores(model, val, device)["accuracy"],
                                  "train_accuracy": scores(model, train_set, device)["accuracy"],
                                  "test_accuracy": test_scores["accuracy"], "test_loss": test_scores["loss"],
                                  "stopped": history.stopped_epoch, "diagnosis": diagnose(history).verdict})
    return results


def _mean(runs, key):
    return float(np.mean([run[key] for run in runs]))


def _gap(runs):
    return _mean(runs, "train_accuracy") - _mean(runs, "val_accuracy")


def judge(results):
    base = results["none"]
    base_test, base_loss, base_gap = _mean(base, "test_accuracy"), _mean(base, "test_loss"), _gap(base)
    diagnoses = [run["diagnosis"] for run in base]
    checks = [Check(f"the run without a cure: ember's diagnosis {', '.join(diagnoses)}; training accuracy "
                    f"{100 * _mean(base, 'train_accuracy'):.1f}%, {100 * base_gap:.1f} points above validation",
                    all(d == "overfitting" for d in diagnoses), needs="overfitting in every seed: something to cure")]
    helped = 0
    for name, runs in results.items():
        if name == "none":
            continue
        loss, change = _mean(runs, "test_loss"), _mean(runs, "test_accuracy") - base_test
        helped += loss < base_loss
        checks.append(Check(f"{name}: test loss {loss:.3f}, without a cure {base_loss:.3f}; test accuracy "
                            f"{100 * _mean(runs, 'test_accuracy'):.1f}% ({100 * change:+.1f} points)",
                            loss < base_loss, needs="a lower test loss", essential=False))
    checks.insert(1, Check(f"{helped} of {len(results) - 1} cures lower the test loss", 2 * helped > len(results) - 1,
                           needs="more than half"))
    return Verdict(checks)


def evidence(results):
    fig_curves, ax = plot("Validation loss during training", "epoch", "validation loss (log scale)", logy=True)
    for name, runs in results.items():
        curves = [run["val_loss"] for run in runs]
        band(ax, np.arange(1, max(map(len, curves)) + 1), curves, name)
    legend_below(ax, 3)
    plt = pyplot()
    fig_bars, ax = plt.subplots(figsize=(6.4, 3.6))
    names = list(results)
    means = [_mean(results[n], "test_loss") for n in names]
    lows = [min(r["test_loss"] for r in results[n]) for n in names]
    highs = [max(r["test_loss"] for r in results[n]) for n in names]
    ax.bar(names, means, yerr=[np.subtract(means, lows), np.subtract(highs, means)], color="tab:blue", alpha=0.8,
           capsize=4)
    ax.axhline(means[0], color="gray", linestyle=":")
    ax.set_ylabel("test loss (cross-entropy)")
    ax.set_title("Test loss of each cure (lower is better; bars: range over seeds)", fontsize=11)
    ax.tick_params(axis="x", labelsize=8, rotation=20)
    ax.grid(alpha=0.3, axis="y")
    rows = [[name, percent([r["train_accuracy"] for r in runs]), percent([r["val_accuracy"] for r in runs]),
             percent([r["test_accuracy"] for r in runs]), spread([r["test_loss"] for r in runs]),
             f"{100 * _gap(runs):.1f}",
             ", ".join(str(r["stopped"]) for r in runs) if name == "early stopping" else "--"]
            for name, runs in results.items()]
    table = Table(["variant", "training accuracy", "validation accuracy", "test accuracy", "test loss", "gap (points)",
                   "stopped at epoch"], rows)
    return [svg_figure(fig_curves, "Validation loss per epoch, for each variant"),
            svg_figure(fig_bars, "What each cure does to the loss on unseen data")], [table]
