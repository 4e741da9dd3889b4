"""Claim 13, big models: a model needs the capacity to learn and the restraint to generalize.

More parameters let a network fit more; without restraint a big one can also memorize its training
set. The sweep grows an MLP from a few thousand to about a million parameters (counted with
ember.summary) on a small training set, each size trained without and with regularization.
"""

import numpy as np

from ... import backend, nn, optim
from ...train import summary
from .common import legend_below, percent, plot, scores, splits, spread, train
from .report import Check, Table, Verdict, svg_figure

NAME = "big-models"
TITLE = "Big models: parameters against test accuracy, with and without regularization"
CLAIM = "A model needs the capacity to learn and the restraint to generalize."
QUICK = dict(seeds=1, train_size=500, widths=[8, 64, 512], epochs=12, lr=1e-3, batch_size=32)
FULL = dict(seeds=5, train_size=500, widths=[4, 16, 64, 256, 1024], epochs=40, lr=1e-3, batch_size=32)
# (dropout, weight decay): AdamW shrinks the weights by lr × decay a step, 0.05%: a quarter over the full lab's 640
VARIANTS = {"plain": (0.0, 0.0), "regularized": (0.3, 0.5)}


def setup(settings):
    return {"data": f"scikit-learn's digits: {settings['train_size']} images to train on, 270 to validate, 270 to "
                    "test",
            "models": "MLPs 64 → width → width → 10 (ReLU) for width in " + ", ".join(map(str, settings["widths"])),
            "training": f"AdamW (lr {settings['lr']}), batches of {settings['batch_size']}, {settings['epochs']} "
                        "epochs; plain (no dropout, no weight decay) or regularized (dropout 0.3 after each hidden "
                        "layer, weight decay 0.5)",
            "measured": "each model's parameters (ember.summary); at the end, its accuracy on the training and test "
                        "images, and the test loss (the cross-entropy on unseen images, which overconfident "
                        "memorization drives up)"}


def mlp(width, dropout):
    return nn.Sequential(nn.Linear(64, width), nn.ReLU(), nn.Dropout(dropout), nn.Linear(width, width), nn.ReLU(),
                         nn.Dropout(dropout), nn.Linear(width, 10))


def run(settings, seeds, device):
    results = {"widths": settings["widths"], "params": [], "runs": {v: [] for v in VARIANTS}}
    for width in settings["widths"]:
        results["params"].append(summary(mlp(width, 0.0), input_size=(1, 64), verbose=0).total_params)
    for seed in seeds:
        train_set, val, test = splits("digits", seed, settings["train_size"])
        for variant, (dropout, decay) in VARIANTS.items():
            accuracies = []
            for width in settings["widths"]:
                backend.manual_seed(seed)
                model = mlp(width, dropout).to(device)
                optimizer = optim.AdamW(model.parameters(), lr=settings["lr"], weight_decay=decay)
                train(model, optimizer, train_set, val, settings["epochs"], settings["batch_size"], seed, device)
                test_scores = scores(model, test, device)
                accuracies.append({"train": scores(model, train_set, device)["accuracy"],
                                   "test": test_scores["accuracy"], "test_loss": test_scores["loss"]})
            results["runs"][variant].append(accuracies)
    return results


def _test(results, variant, key="test"):
    """The mean test accuracy (or key: "test_loss") at each width."""
    return np.mean([[point[key] for point in run] for run in results["runs"][variant]], axis=0)


def _gap(results, variant):
    """The mean training minus test accuracy at each width."""
    return np.mean([[point["train"] - point["test"] for point in run] for run in results["runs"][variant]], axis=0)


def judge(results):
    params = results["params"]
    plain, regular = _test(results, "plain"), _test(results, "regularized")
    loss = {variant: _test(results, variant, "test_loss")[-1] for variant in VARIANTS}
    best = int(np.argmax(regular))
    gaps = {variant: _gap(results, variant)[-1] for variant in VARIANTS}
    largest = f"the largest model ({params[-1]:,} parameters)"
    return Verdict([
        Check(f"capacity to learn: test accuracy {100 * max(plain[0], regular[0]):.1f}% with {params[0]:,} parameters, "
              f"{100 * max(plain.max(), regular.max()):.1f}% at the best size",
              max(plain.max(), regular.max()) > max(plain[0], regular[0]) + 0.02,
              needs="more than 2 points more at the best size"),
        Check(f"restraint to generalize: the test loss of {largest}, {loss['regularized']:.3f} regularized, "
              f"{loss['plain']:.3f} plain", loss["regularized"] < loss["plain"], needs="lower regularized"),
        Check(f"training minus test accuracy of {largest}: {100 * gaps['regularized']:.1f} points regularized, "
              f"{100 * gaps['plain']:.1f} plain", gaps["regularized"] < gaps["plain"], needs="smaller regularized",
              essential=False),
        Check(f"test accuracy of {largest}: {100 * regular[-1]:.1f}% regularized, {100 * plain[-1]:.1f}% plain",
              regular[-1] >= plain[-1] - 0.005, needs="regularized no more than half a point below", essential=False),
        Check(f"regularized, {largest} gets {100 * regular[-1]:.1f}%, the best size ({params[best]:,} parameters) "
              f"{100 * regular[best]:.1f}%", regular[-1] >= regular[best] - 0.01, needs="within a point of the best",
              essential=False),
        Check(f"plain, {largest} gets {100 * plain[-1]:.1f}%, the best size {100 * plain.max():.1f}%"
              + ("" if plain[-1] < plain.max() - 0.005 else ": bigger did not hurt here"),
              plain[-1] < plain.max() - 0.005, needs="more than half a point below the best: bigger hurts without "
              "restraint", essential=False),
    ])


def evidence(results):
    fig, ax = plot("Test accuracy against the number of parameters", "parameters (log scale)", "test accuracy",
                   logx=True)
    for variant in VARIANTS:
        values = np.array([[point["test"] for point in run] for run in results["runs"][variant]])
        ax.errorbar(results["params"], values.mean(axis=0), yerr=[values.mean(axis=0) - values.min(axis=0),
                    values.max(axis=0) - values.mean(axis=0)], marker="o", capsize=4, label=variant)
    legend_below(ax)
    rows = [[width, f"{params:,}"] + [percent([run[i][split] for run in results["runs"][variant]])
                                      for variant in VARIANTS for split in ("train", "test")]
            + [spread([run[i]["test_loss"] for run in results["runs"][variant]]) for variant in VARIANTS]
            for i, (width, params) in enumerate(zip(results["widths"], results["params"]))]
    table = Table(["width", "parameters"] + [f"{split} accuracy, {variant}" for variant in VARIANTS
                                             for split in ("training", "test")] + [f"test loss, {variant}" for variant
                                                                                   in VARIANTS], rows)
    return [svg_figure(fig, "Capacity and restraint: bigger models, with and without regularization")], [table]
