"""Claim 3, the learning rate: too high a learning rate overshoots, too low trains slowly, and most
networks use 0.001 to 0.1.

Every step moves the weights by lr times the gradient. A tiny lr moves them hardly at all; a huge one
jumps past the valley the gradient points into, so the loss rises or becomes infinite. The sweep
trains the same network at every lr of a log scale; the range test (ember.train.lr_finder) finds a
good lr from one short run, and its suggestion is drawn on the sweep.
"""

import numpy as np

from ... import backend, data, nn, optim
from ...autograd import no_grad
from ...functional import cross_entropy
from ...train import lr_finder
from .common import band, splits, legend_below, plot, spread, train
from .report import Check, Table, Verdict, svg_figure

NAME = "learning-rate"
TITLE = "The learning rate: too low, right, too high"
CLAIM = ("Too high a learning rate overshoots, too low trains slowly, and most networks use a learning rate "
         "from 0.001 to 0.1.")
QUICK = dict(seeds=1, decades=1.0, epochs=3, batch_size=32, finder_steps=200)
FULL = dict(seeds=3, decades=0.5, epochs=8, batch_size=32, finder_steps=200)
OPTIMIZERS = {"SGD, momentum 0.9": lambda params, lr: optim.SGD(params, lr=lr, momentum=0.9),
              "Adam": lambda params, lr: optim.Adam(params, lr=lr)}
LOWEST, HIGHEST = 1e-5, 10.0
COMMON = (1e-3, 1e-1)  # the range the claim names


def learning_rates(decades):
    """1e-5 to 10 on a log scale, `decades` apart (1: 1e-5, 1e-4, ..., 10)."""
    count = int(round(np.log10(HIGHEST / LOWEST) / decades)) + 1
    return np.logspace(np.log10(LOWEST), np.log10(HIGHEST), count).tolist()


def setup(settings):
    lrs = learning_rates(settings["decades"])
    return {"data": "scikit-learn's digits: 1,257 images to train on, 270 to validate",
            "model": "an MLP 64 → 64 (ReLU) → 10",
            "training": f"{len(lrs)} learning rates from {LOWEST:g} to {HIGHEST:g} (log scale), each with SGD "
                        f"(momentum 0.9) and with Adam, batches of {settings['batch_size']}, {settings['epochs']} "
                        "epochs from the same initial weights",
            "range test": f"ember.train.lr_finder: {settings['finder_steps']} batches with the lr growing from "
                          f"{LOWEST:g} to {HIGHEST:g}; its suggestion is the lr where the smoothed loss falls fastest",
            "measured": "the training loss at the start and after the last epoch at each lr, for each optimizer; the "
                        "range test's suggestion"}


def mlp():
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def initial_loss(model, train_set, device):
    x, y = train_set.tensors
    with no_grad():
        return cross_entropy(model(x.to(device)), y.to(device)).item()


def sweep(name, lrs, settings, seed, train_set, val, device):
    """The training-loss curve at every lr (a shorter curve where the loss diverged)."""
    curves = []
    for lr in lrs:
        backend.manual_seed(seed)
        model = mlp().to(device)
        history = train(model, OPTIMIZERS[name](model.parameters(), lr), train_set, val, settings["epochs"],
                        settings["batch_size"], seed, device)
        curves.append({"train_loss": history["train_loss"] if len(history) else [],
                       "diverged": history.diverged is not None})
    return curves


def run(settings, seeds, device):
    lrs = learning_rates(settings["decades"])
    results = {"lrs": lrs, "initial_loss": [], "sweeps": {name: [] for name in OPTIMIZERS}, "finder": {}}
    for seed in seeds:
        train_set, val, _ = splits("digits", seed)
        backend.manual_seed(seed)
        results["initial_loss"].append(initial_loss(mlp().to(device), train_set, device))
        for name in OPTIMIZERS:
            results["sweeps"][name].append(sweep(name, lrs, settings, seed, train_set, val, device))
    train_set, _, _ = splits("digits", seeds[0])
    for name, make in OPTIMIZERS.items():
        backend.manual_seed(seeds[0])
        model = mlp().to(device)
        loader = data.DataLoader(train_set, batch_size=settings["batch_size"], shuffle=True,
                                 generator=backend.Generator("cpu", seeds[0]))
        found = lr_finder(model, nn.CrossEntropyLoss(), make(model.parameters(), 1e-3), loader,
                          start_lr=LOWEST, end_lr=HIGHEST, num_iter=settings["finder_steps"], device=device)
        results["finder"][name] = {"lrs": found.lrs, "losses": found.losses, "suggestion": found.suggestion}
    return results


def final_losses(results, name):
    """The final training loss at each lr, a list over seeds per lr; None where the run diverged."""
    return [[None if run[i]["diverged"] or not run[i]["train_loss"] else run[i]["train_loss"][-1]
             for run in results["sweeps"][name]] for i in range(len(results["lrs"]))]


def mean_or_inf(values):
    return np.inf if any(v is None for v in values) else float(np.mean(values))


def judge(results):
    lrs, start = results["lrs"], float(np.mean(results["initial_loss"]))
    checks = []
    for name in OPTIMIZERS:
        finals = [mean_or_inf(v) for v in final_losses(results, name)]
        best = int(np.argmin(finals))
        good = [lr for lr, loss in zip(lrs, finals) if loss <= 2 * finals[best]]
        lowest_drop, best_drop = start - finals[0], start - finals[best]
        suggestion = results["finder"][name]["suggestion"]
        checks += [
            Check(f"{name}, too low: at lr {lrs[0]:g} the training loss fell {lowest_drop:.3f} (from {start:.3f}), at "
                  f"the best lr {lrs[best]:.2g} {best_drop:.3f}", lowest_drop < 0.1 * best_drop,
                  needs="the lowest lr's fall under a tenth of the best's"),
            Check(f"{name}, too high: at lr {lrs[-1]:g} the loss " + ("diverged" if finals[-1] == np.inf else
                  f"ended at {finals[-1]:.3f}; it started at {start:.3f}"), finals[-1] > start,
                  needs="it diverges or ends above its start"),
            Check(f"{name}: the learning rates whose final loss is within twice the best span {min(good):.2g} to "
                  f"{max(good):.2g}", min(good) <= COMMON[1] and max(good) >= COMMON[0],
                  needs=f"that span to overlap {COMMON[0]:g}–{COMMON[1]:g}"),
            Check(f"{name}: the best lr is {lrs[best]:.2g}", COMMON[0] <= lrs[best] <= COMMON[1],
                  needs=f"it within {COMMON[0]:g}–{COMMON[1]:g}", essential=False),
            Check(f"{name}: the range test suggests {suggestion:.2g}, the sweep's best is {lrs[best]:.2g} (a factor "
                  f"{max(suggestion, lrs[best]) / min(suggestion, lrs[best]):.1f} apart)",
                  abs(np.log10(suggestion / lrs[best])) <= 1, needs="within a factor 10 of each other",
                  essential=False)]
    return Verdict(checks)


def evidence(results):
    lrs = np.array(results["lrs"])
    fig_sweep, ax = plot("Final training loss against the learning rate", "learning rate (log scale)",
                         "training loss after the last epoch (log scale)", logx=True, logy=True)
    ax.axvspan(*COMMON, color="tab:green", alpha=0.1, label="0.001 to 0.1")
    ceiling = 3 * max(results["initial_loss"])
    for name in OPTIMIZERS:
        finals = [mean_or_inf(v) for v in final_losses(results, name)]
        shown = np.minimum(finals, ceiling)
        line, = ax.plot(lrs, shown, marker="o", label=name)
        diverged = np.isinf(finals)
        ax.plot(lrs[diverged], shown[diverged], "x", color=line.get_color(), markersize=10)
        ax.axvline(results["finder"][name]["suggestion"], color=line.get_color(), linestyle="--", linewidth=1,
                   label=f"range test's suggestion, {name}")
    ax.axhline(np.mean(results["initial_loss"]), color="gray", linestyle=":", label="loss before training")
    legend_below(ax)
    figures = [svg_figure(fig_sweep, "The sweep (×: diverged, drawn at the top) and the range test's suggestions "
                                     "(dashed)")]
    name = next(iter(OPTIMIZERS))
    finals = [mean_or_inf(v) for v in final_losses(results, name)]
    best = int(np.argmin(finals))
    fig_curves, ax = plot(f"Too low, right, too high ({name})", "epoch", "training loss (log scale)", logy=True)
    for index, label in [(0, "too low"), (best, "right"), (len(lrs) - 1, "too high")]:
        runs = [run[index]["train_loss"] for run in results["sweeps"][name]]
        if min(map(len, runs)):
            band(ax, np.arange(1, max(map(len, runs)) + 1), runs, f"{label}: lr {lrs[index]:.2g}", marker="o")
        else:
            ax.plot([], [], label=f"{label}: lr {lrs[index]:.2g} (diverged in the first epoch)")
    ax.legend(fontsize=8)
    figures.append(svg_figure(fig_curves, "Learning curves at three learning rates"))
    fig_finder, ax = plot("The range test (ember.train.lr_finder)", "learning rate (log scale)", "smoothed loss",
                          logx=True)
    for name, found in results["finder"].items():
        line, = ax.plot(found["lrs"], found["losses"], label=name)
        ax.axvline(found["suggestion"], color=line.get_color(), linestyle="--", linewidth=1)
    ax.legend(fontsize=8)
    figures.append(svg_figure(fig_finder, "One short run with a growing learning rate; dashed: where the loss falls "
                                          "fastest"))
    rows = [[f"{lr:.2g}"] + [spread(final_losses(results, name)[i]) for name in OPTIMIZERS]
            for i, lr in enumerate(results["lrs"])]
    table = Table(["learning rate"] + [f"final loss, {name}" for name in OPTIMIZERS], rows,
                  "the training loss after the last epoch: mean (and range) over seeds")
    return figures, [table]
