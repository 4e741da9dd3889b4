"""Claim 4, loss functions: cross-entropy for classification, MSE for regression.

A classifier's softmax saturates: when it is confidently wrong, its probabilities barely move as the
scores change. The squared error of those probabilities inherits the flatness (its gradient carries a
factor p(1 − p) that goes to 0), so a confidently wrong network learns slowly from its worst
mistakes; cross-entropy's −log p cancels that factor, and its gradient p − y stays large.
"""

import numpy as np

from ... import backend, nn, optim
from ...creation import linspace, ones
from ...functional import binary_cross_entropy, mse_loss, one_hot, softmax
from .common import band, splits, percent, plot, spread, train
from .report import Check, Table, Verdict, svg_figure

NAME = "losses"
TITLE = "Loss functions: cross-entropy against MSE for a classifier"
CLAIM = "Use cross-entropy for classification (and MSE for regression)."
QUICK = dict(seeds=1, epochs=6, lr=0.02, batch_size=32, target=0.9)
FULL = dict(seeds=5, epochs=15, lr=0.02, batch_size=32, target=0.9)


class SoftmaxMSE(nn.Module):
    """The squared error between the softmax probabilities (N, C) and the one-hot labels (N,)."""

    def forward(self, scores, labels):
        return mse_loss(softmax(scores, dim=1), one_hot(labels, scores.shape[1]).float())


# name: (loss, learning-rate factor): MSE's gradients are smaller, so it also gets ten times the rate
LOSSES = {"cross-entropy": (nn.CrossEntropyLoss, 1), "MSE": (SoftmaxMSE, 1), "MSE, 10× the lr": (SoftmaxMSE, 10)}


def setup(settings):
    return {"data": "scikit-learn's digits: 1,257 images to train on, 270 to validate",
            "model": "an MLP 64 → 64 (ReLU) → 10 scores, softmax; the same initial weights for both losses",
            "training": f"SGD (lr {settings['lr']}, momentum 0.9), batches of {settings['batch_size']}, "
                        f"{settings['epochs']} epochs, with cross-entropy, or with the mean squared error between "
                        "the probabilities and the one-hot labels (at the same lr and at ten times it)",
            "measured": "validation accuracy per epoch; the epochs to reach "
                        f"{100 * settings['target']:.0f}%; the gradient ∂L/∂z of a sigmoid output p = σ(z) whose "
                        "label is 1, over z from −10 to 10"}


def saturation():
    """|∂L/∂z| for p = σ(z) against label 1, under cross-entropy and squared error, over z in [−10, 10]."""
    z = linspace(-10, 10, 201, dtype=backend.float64, requires_grad=True)
    label = ones(201, dtype=backend.float64)
    gradients = {}
    for name, loss in (("cross-entropy", binary_cross_entropy), ("MSE", mse_loss)):
        z.grad = None
        loss(z.sigmoid(), label, reduction="sum").backward()
        gradients[name] = z.grad.abs().numpy().tolist()
    return {"z": z.detach().numpy().tolist(), **gradients}


def run(settings, seeds, device):
    results = {"saturation": saturation(), "runs": {name: [] for name in LOSSES}}
    for seed in seeds:
        train_set, val, _ = splits("digits", seed)
        for name, (loss, factor) in LOSSES.items():
            backend.manual_seed(seed)
            model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
            optimizer = optim.SGD(model.parameters(), lr=factor * settings["lr"], momentum=0.9)
            history = train(model, optimizer, train_set, val, settings["epochs"], settings["batch_size"], seed, device,
                            loss_fn=loss())
            results["runs"][name].append(history["val_accuracy"])
    results["target"] = settings["target"]
    return results


def epochs_to(curve, target):
    """The first epoch whose validation accuracy reached target (None if none did)."""
    return next((epoch for epoch, value in enumerate(curve, start=1) if value >= target), None)


def mean_epochs(curves, target):
    """The mean epochs to target over seeds, a run that never got there counting as one epoch past its end."""
    return float(np.mean([epochs_to(c, target) or len(c) + 1 for c in curves]))


def reached(curves, target):
    """When the runs reached target: '3.0 (2–4)', with the seeds that never did."""
    epochs = [epochs_to(c, target) for c in curves]
    never = epochs.count(None)
    shown = spread([e for e in epochs if e is not None], "{:.1f}") if never < len(epochs) else "never"
    return shown + (f", {never} of {len(epochs)} seeds never" if 0 < never < len(epochs) else "")


def judge(results):
    target, runs = results["target"], results["runs"]
    ce, mse = runs["cross-entropy"], [runs["MSE"], runs["MSE, 10× the lr"]]
    z = np.array(results["saturation"]["z"])
    wrong = int(np.argmin(np.abs(z + 8)))  # z = −8: the output says 0.03%, the label says 1
    ratio = results["saturation"]["cross-entropy"][wrong] / results["saturation"]["MSE"][wrong]
    final_ce, final_mse = np.mean([c[-1] for c in ce]), max(np.mean([c[-1] for c in curves]) for curves in mse)
    fastest_mse = min(mean_epochs(curves, target) for curves in mse)
    return Verdict([
        Check(f"epochs to {100 * target:.0f}% validation accuracy (mean over seeds; a run that never got there counts "
              f"one epoch past the end): cross-entropy {mean_epochs(ce, target):.1f}, the faster MSE "
              f"{fastest_mse:.1f}", mean_epochs(ce, target) < fastest_mse, needs="fewer for cross-entropy"),
        Check(f"the gradient |∂L/∂z| when the output saturates (z = −8, p = {1 / (1 + np.exp(8)):.4f} for a true 1): "
              f"cross-entropy's is {ratio:.0f}× MSE's", ratio > 100, needs="over 100×"),
        Check(f"final validation accuracy: cross-entropy {100 * final_ce:.1f}%, the better MSE {100 * final_mse:.1f}%",
              final_ce >= final_mse - 0.01, needs="cross-entropy no more than 1 point below", essential=False),
    ])


def evidence(results):
    fig_curves, ax = plot("Validation accuracy per epoch", "epoch", "validation accuracy")
    for name, curves in results["runs"].items():
        band(ax, np.arange(1, len(curves[0]) + 1), curves, name, marker="o", markersize=3)
    ax.axhline(results["target"], color="gray", linestyle=":", label=f"{100 * results['target']:.0f}%")
    ax.legend()
    fig_grad, ax = plot("The gradient when the output saturates", "score z (p = σ(z)); the label is 1",
                        "|∂L/∂z| (log scale)", logy=True)
    saturation = results["saturation"]
    for name in ("cross-entropy", "MSE"):
        ax.plot(saturation["z"], saturation[name], label=name)
    ax.axvspan(-10, -4, color="tab:red", alpha=0.08, label="confidently wrong")
    ax.legend()
    rows = [[name, percent([c[-1] for c in curves]), reached(curves, results["target"])]
            for name, curves in results["runs"].items()]
    table = Table(["loss", "final validation accuracy", f"epochs to {100 * results['target']:.0f}%"], rows)
    return [svg_figure(fig_curves, "The same network and optimizer, trained with each loss"),
            svg_figure(fig_grad, "|∂L/∂z| of each loss for a sigmoid output whose label is 1")], [table]
