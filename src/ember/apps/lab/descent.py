"""Claim 5, gradient descent: the gradient of the whole training set points downhill, but it costs a
pass over all of it per step; one sample's gradient costs little and is noisy; a mini-batch is the
compromise. Momentum carries a step on in the direction of the last ones; Adam scales each weight's
step by how large its gradients have been.
"""

import time

import numpy as np

from ... import backend, nn, optim
from .common import BatchLosses, band, splits, legend_below, percent, plot, spread, train
from .report import Check, Table, Verdict, svg_figure

NAME = "descent"
TITLE = "Gradient descent: full batch, mini-batch, one sample; momentum; Adam"
CLAIM = ("Mini-batch gradient descent is the compromise between full-batch descent (smooth but slow to learn) and "
         "single-sample SGD (fast per epoch but noisy); momentum speeds SGD up, and Adam trains faster than SGD.")
QUICK = dict(seeds=1, train_size=500, epochs=3, lr=0.05, optimizer_epochs=5)
FULL = dict(seeds=5, train_size=500, epochs=8, lr=0.05, optimizer_epochs=15)
BATCHES = {"full batch": None, "mini-batch of 32": 32, "one sample": 1}
OPTIMIZERS = {"SGD": lambda p, lr: optim.SGD(p, lr=lr),
              "SGD, momentum 0.9": lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9),
              "Adam": lambda p, lr: optim.Adam(p, lr=1e-3)}


def setup(settings):
    return {"data": f"scikit-learn's digits: {settings['train_size']} images to train on, 270 to validate",
            "model": "an MLP 64 → 64 (ReLU) → 10, the same initial weights for every run",
            "batch sizes": f"plain SGD (lr {settings['lr']}) with the whole training set, 32 samples or one sample "
                           f"per step, {settings['epochs']} epochs",
            "optimizers": f"batches of 32, {settings['optimizer_epochs']} epochs: SGD (lr {settings['lr']}), SGD "
                          f"with momentum 0.9 (lr {settings['lr']}), Adam (lr 0.001, its usual rate)",
            "measured": "validation loss per epoch, seconds per epoch, and the loss of every step"}


def mlp():
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def one_run(optimizer_of, lr, train_set, val, epochs, batch_size, seed, device):
    backend.manual_seed(seed)
    model = mlp().to(device)
    steps = BatchLosses()
    started = time.perf_counter()
    history = train(model, optimizer_of(model.parameters(), lr), train_set, val, epochs, batch_size, seed, device,
                    callbacks=[steps])
    return {"val_loss": history["val_loss"], "val_accuracy": history["val_accuracy"], "step_losses": steps.losses,
            "seconds_per_epoch": (time.perf_counter() - started) / epochs}


def run(settings, seeds, device):
    results = {"batches": {name: [] for name in BATCHES}, "optimizers": {name: [] for name in OPTIMIZERS}}
    for seed in seeds:
        train_set, val, _ = splits("digits", seed, settings["train_size"])
        for name, size in BATCHES.items():
            results["batches"][name].append(one_run(OPTIMIZERS["SGD"], settings["lr"], train_set, val,
                                                    settings["epochs"], size or len(train_set), seed, device))
        for name, make in OPTIMIZERS.items():
            results["optimizers"][name].append(one_run(make, settings["lr"], train_set, val,
                                                       settings["optimizer_epochs"], 32, seed, device))
    return results


def _final(runs):
    return float(np.mean([run["val_loss"][-1] for run in runs]))


def noise(run):
    """How much the step losses jump: the mean absolute change from one step to the next, over the mean loss."""
    losses = np.array(run["step_losses"])
    return float(np.mean(np.abs(np.diff(losses))) / np.mean(losses)) if len(losses) > 1 else 0.0


def judge(results):
    batches, optimizers = results["batches"], results["optimizers"]
    final = {name: _final(runs) for name, runs in batches.items()}
    jumps = {name: float(np.mean([noise(run) for run in runs])) for name, runs in batches.items()}
    cost = {name: float(np.mean([run["seconds_per_epoch"] for run in runs])) for name, runs in batches.items()}
    by_optimizer = {name: _final(runs) for name, runs in optimizers.items()}
    epochs = len(optimizers["SGD"][0]["val_loss"])
    return Verdict([
        Check(f"validation loss after the same epochs: one sample per step {final['one sample']:.3f}, mini-batches "
              f"{final['mini-batch of 32']:.3f}, the full batch {final['full batch']:.3f}",
              final["one sample"] < final["mini-batch of 32"] < final["full batch"],
              needs="one sample lowest, the full batch highest"),
        Check(f"how much the loss jumps from step to step (mean change over mean loss): one sample "
              f"{jumps['one sample']:.2f}, mini-batches {jumps['mini-batch of 32']:.2f}, the full batch "
              f"{jumps['full batch']:.3f}", jumps["one sample"] > jumps["mini-batch of 32"] > jumps["full batch"],
              needs="one sample noisiest, the full batch smoothest"),
        Check(f"time per epoch: one sample {cost['one sample']:.2f} s, mini-batches {cost['mini-batch of 32']:.2f} s, "
              f"the full batch {cost['full batch']:.3f} s", cost["one sample"] > cost["mini-batch of 32"],
              needs="one sample slower than mini-batches", essential=False),
        Check(f"validation loss after {epochs} epochs: SGD with momentum {by_optimizer['SGD, momentum 0.9']:.3f}, "
              f"without {by_optimizer['SGD']:.3f}", by_optimizer["SGD, momentum 0.9"] < by_optimizer["SGD"],
              needs="lower with momentum"),
        Check(f"Adam {by_optimizer['Adam']:.3f} against plain SGD {by_optimizer['SGD']:.3f}",
              by_optimizer["Adam"] < by_optimizer["SGD"], needs="lower for Adam"),
        Check(f"Adam {by_optimizer['Adam']:.3f} against SGD with momentum {by_optimizer['SGD, momentum 0.9']:.3f}",
              by_optimizer["Adam"] < by_optimizer["SGD, momentum 0.9"], needs="lower for Adam", essential=False),
    ])


def evidence(results):
    figures = []
    for group, title in (("batches", "How many samples per step"), ("optimizers", "SGD, momentum and Adam")):
        fig, ax = plot(title, "epoch", "validation loss (log scale)", logy=True)
        for name, runs in results[group].items():
            band(ax, np.arange(1, len(runs[0]["val_loss"]) + 1), [run["val_loss"] for run in runs], name, marker="o",
                 markersize=3)
        ax.legend()
        figures.append(svg_figure(fig, f"{title}: validation loss after each epoch"))
    fig, ax = plot("The loss of each step, first epoch (first seed)", "step", "training loss of the step (log scale)",
                   logy=True)
    for name, runs in results["batches"].items():
        losses = runs[0]["step_losses"][:max(1, len(runs[0]["step_losses"]) // len(runs[0]["val_loss"]))]
        positions = np.linspace(0, 1, len(losses)) if len(losses) > 1 else [0.0]
        ax.plot(positions, losses, marker="o" if len(losses) < 5 else None, linewidth=0.8, label=name)
    ax.set_xlabel("fraction of the first epoch")
    legend_below(ax, 3)
    figures.append(svg_figure(fig, "The loss of each step in the first epoch"))
    rows = [[name, percent([run["val_accuracy"][-1] for run in runs]), spread([run["val_loss"][-1] for run in runs]),
             spread([run["seconds_per_epoch"] for run in runs], "{:.3f} s"), f"{len(runs[0]['step_losses'])}"]
            for group in ("batches", "optimizers") for name, runs in results[group].items()]
    table = Table(["run", "validation accuracy", "validation loss", "time per epoch", "steps"], rows)
    return figures, [table]
