"""Claim 8, batch normalization: normalizing each layer's inputs over the batch (then scaling and
shifting them by learned amounts) keeps their scale steady however the layers below change, so a deep
network trains at learning rates at which it would otherwise blow up or stall.
"""

import numpy as np

from ... import backend, nn, optim
from .common import band, legend_below, percent, plot, splits, train
from .report import Check, Table, Verdict, svg_figure

NAME = "batch-norm"
TITLE = "Batch normalization: a deep network at a high learning rate"
CLAIM = "Batch normalization stabilizes training: a deep network trains with it at a learning rate that fails without."
QUICK = dict(seeds=1, depth=8, width=64, lrs=[0.05, 1.0], epochs=4, batch_size=64)
FULL = dict(seeds=3, depth=10, width=64, lrs=[0.01, 0.05, 0.2, 1.0], epochs=10, batch_size=64)
VARIANTS = ("without", "with batch norm")


def setup(settings):
    return {"data": "scikit-learn's digits: 1,257 images to train on, 270 to validate",
            "model": f"an MLP of {settings['depth']} hidden layers of {settings['width']} (Linear → ReLU, He's "
                     "initialization), and the same with BatchNorm1d after each hidden Linear",
            "training": "plain SGD at learning rates " + ", ".join(map(str, settings["lrs"])) +
                        f", batches of {settings['batch_size']}, {settings['epochs']} epochs",
            "measured": "the training loss per epoch and the validation accuracy at the end, at each learning rate, "
                        "with and without batch norm; whether the loss diverged (counted as 10%, chance)"}


def deep_mlp(depth, width, batch_norm):
    """depth hidden layers (Linear, BatchNorm1d if asked, ReLU) with He's initialization, then 10 scores."""
    layers, features = [], 64
    for _ in range(depth):
        layers += [nn.Linear(features, width)] + ([nn.BatchNorm1d(width)] if batch_norm else []) + [nn.ReLU()]
        features = width
    model = nn.Sequential(*layers, nn.Linear(features, 10))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def run(settings, seeds, device):
    runs = {f"{variant}/{lr}": [] for variant in VARIANTS for lr in settings["lrs"]}
    results = {"lrs": settings["lrs"], "runs": runs}
    for seed in seeds:
        train_set, val, _ = splits("digits", seed)
        for variant in VARIANTS:
            for lr in settings["lrs"]:
                backend.manual_seed(seed)
                model = deep_mlp(settings["depth"], settings["width"], variant != "without").to(device)
                history = train(model, optim.SGD(model.parameters(), lr=lr), train_set, val, settings["epochs"],
                                settings["batch_size"], seed, device)
                diverged = history.diverged is not None
                results["runs"][f"{variant}/{lr}"].append({
                    "train_loss": history["train_loss"] if len(history) else [],
                    "val_accuracy": 0.1 if diverged or not len(history) else history["val_accuracy"][-1],
                    "diverged": diverged})
    return results


def _accuracy(results, variant, lr):
    return float(np.mean([run["val_accuracy"] for run in results["runs"][f"{variant}/{lr}"]]))


def judge(results):
    lrs, high = results["lrs"], results["lrs"][-1]
    with_bn, without = _accuracy(results, "with batch norm", high), _accuracy(results, "without", high)
    worse = [lr for lr in lrs if _accuracy(results, "with batch norm", lr) < _accuracy(results, "without", lr) - 0.02]
    diverged = sum(run["diverged"] for run in results["runs"][f"without/{high}"])
    low = max(lrs[:-1], key=lambda lr: _accuracy(results, "without", lr))
    return Verdict([
        Check(f"without batch norm, at the best lower rate ({low}): {100 * _accuracy(results, 'without', low):.1f}% "
              "validation accuracy", _accuracy(results, "without", low) >= 0.8,
              needs=f"at least 80%: the network can train, so what fails at {high} is the rate", essential=False),
        Check(f"at lr {high}, with batch norm: {100 * with_bn:.1f}% validation accuracy", with_bn >= 0.9,
              needs="at least 90%"),
        Check(f"at lr {high}, without it: {100 * without:.1f}%" + (f" (diverged in {diverged} seeds, counted as "
              "chance)" if diverged else ""), without < with_bn - 0.2, needs="more than 20 points below with it"),
        Check("at every learning rate tried, with batch norm: " + ", ".join(
              f"{lr}: {100 * _accuracy(results, 'with batch norm', lr):.1f}% (without "
              f"{100 * _accuracy(results, 'without', lr):.1f}%)" for lr in lrs), not worse,
              needs="never more than 2 points below without", essential=False),
    ])


def evidence(results):
    lrs = results["lrs"]
    fig_curves, ax = plot(f"Training loss at lr {lrs[-1]}", "epoch", "training loss (log scale)", logy=True)
    for variant in VARIANTS:
        runs = [run["train_loss"] for run in results["runs"][f"{variant}/{lrs[-1]}"]]
        if min(map(len, runs)):
            band(ax, np.arange(1, max(map(len, runs)) + 1), runs, variant, marker="o")
        else:
            ax.plot([], [], label=f"{variant}: diverged in the first epoch")
    ax.legend()
    fig_lrs, ax = plot("Validation accuracy after training", "learning rate (log scale)", "validation accuracy",
                       logx=True)
    for variant in VARIANTS:
        band(ax, lrs, [[run["val_accuracy"] for run in seed_runs] for seed_runs in
                       zip(*[results["runs"][f"{variant}/{lr}"] for lr in lrs])], variant, marker="o")
    legend_below(ax)
    rows = [[lr] + [percent([run["val_accuracy"] for run in results["runs"][f"{variant}/{lr}"]])
                    + (" (diverged)" if any(run["diverged"] for run in results["runs"][f"{variant}/{lr}"]) else "")
                    for variant in VARIANTS] for lr in lrs]
    table = Table(["learning rate"] + [f"validation accuracy, {variant}" for variant in VARIANTS], rows,
                  "a diverged run counts as chance, 10%")
    return [svg_figure(fig_curves, "The deep network at the highest learning rate"),
            svg_figure(fig_lrs, "Which learning rates train the deep network")], [table]
