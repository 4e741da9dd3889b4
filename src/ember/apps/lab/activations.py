"""Claim 2, activations: ReLU is the common activation; sigmoid squashes to (0, 1) and tanh to (−1, 1).

In a deep network the gradient reaches a layer through the derivatives of every activation above
it. Sigmoid's derivative is at most 1/4, so in a deep sigmoid network the gradient shrinks on its way
down and the first layers hardly learn; ReLU's derivative is 1 wherever it is active.
"""

import time

import numpy as np

from ... import backend, nn, optim
from ...creation import linspace, randn
from ...functional import cross_entropy
from .common import band, splits, percent, plot, spread, train
from .report import Check, Table, Verdict, svg_figure

NAME = "activations"
TITLE = "Activations: ReLU, sigmoid, tanh and GELU in a deep network"
CLAIM = "ReLU is the common activation; sigmoid squashes its input to (0, 1) and tanh to (−1, 1)."
QUICK = dict(seeds=1, depth=6, width=64, epochs=6, lr=1e-3, batch_size=64)
FULL = dict(seeds=3, depth=8, width=64, epochs=15, lr=1e-3, batch_size=64)

ACTIVATIONS = {"ReLU": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "GELU": nn.GELU}


def setup(settings):
    return {"data": "scikit-learn's digits (8×8 images as 64 numbers, 10 classes): 1,257 to train on, 270 to "
                    "validate",
            "model": f"an MLP of {settings['depth']} hidden layers of {settings['width']} neurons, each activation "
                     "with the initialization made for it: He's for ReLU and GELU, Glorot's for sigmoid and tanh",
            "training": f"Adam (lr {settings['lr']}), batches of {settings['batch_size']}, "
                        f"{settings['epochs']} epochs, cross-entropy",
            "measured": "learning curves; the gradient norm ‖∂L/∂W‖ of each layer's weights at initialization, on 256 "
                        "training images; each function's range on [−10, 10]; the time of its forward and backward "
                        "pass over a million numbers"}


def deep_mlp(activation, depth, width):
    """depth hidden layers of width neurons with the activation, initialized for it, then 10 class scores."""
    layers, features = [], 64
    for _ in range(depth):
        layers += [nn.Linear(features, width), ACTIVATIONS[activation]()]
        features = width
    model = nn.Sequential(*layers, nn.Linear(features, 10))
    for layer in model:
        if isinstance(layer, nn.Linear):
            if activation in ("ReLU", "GELU"):
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            else:
                nn.init.xavier_normal_(layer.weight, gain=nn.init.calculate_gain(activation.lower()))
            nn.init.zeros_(layer.bias)
    return model


def seconds_per_pass(activation, device, repeats=5):
    """The fastest of `repeats` forward and backward passes of the activation over a million numbers."""
    x = randn(1000, 1000, device=device, requires_grad=True)
    layer, times = ACTIVATIONS[activation](), []
    for _ in range(repeats):
        started = time.perf_counter()
        layer(x).sum().backward()
        times.append(time.perf_counter() - started)
    return min(times)


def gradient_per_layer(model, x, y):
    """‖∂L/∂W‖ of each Linear layer's weight, first layer first."""
    cross_entropy(model(x), y).backward()
    norms = [layer.weight.grad.norm().item() for layer in model if isinstance(layer, nn.Linear)]
    model.zero_grad()
    return norms


def ranges():
    """The smallest and largest value each activation takes on [−10, 10], in float64."""
    x = linspace(-10, 10, 2001, dtype=backend.float64)
    return {name: [layer()(x).min().item(), layer()(x).max().item()] for name, layer in ACTIVATIONS.items()}


def run(settings, seeds, device):
    results = {"ranges": ranges(), "runs": {name: [] for name in ACTIVATIONS},
               "seconds": {name: seconds_per_pass(name, device) for name in ACTIVATIONS}}
    for seed in seeds:
        train_set, val, _ = splits("digits", seed)
        x, y = (t[:256] for t in train_set.tensors)
        for name in ACTIVATIONS:
            backend.manual_seed(seed)
            model = deep_mlp(name, settings["depth"], settings["width"]).to(device)
            gradients = gradient_per_layer(model, x.to(device), y.to(device))
            history = train(model, optim.Adam(model.parameters(), lr=settings["lr"]), train_set, val,
                            settings["epochs"], settings["batch_size"], seed, device)
            results["runs"][name].append({"gradients": gradients, "train_loss": history["train_loss"],
                                          "val_accuracy": history["val_accuracy"]})
    return results


def _final(results, name):
    return [run["val_accuracy"][-1] for run in results["runs"][name]]


def _first_over_last(results, name):
    """How much of the last layer's gradient reaches the first layer (mean over seeds)."""
    return float(np.mean([run["gradients"][0] / run["gradients"][-1] for run in results["runs"][name]]))


def judge(results):
    low, high = results["ranges"]["sigmoid"]
    tanh_low, tanh_high = results["ranges"]["tanh"]
    final = {name: float(np.mean(_final(results, name))) for name in ACTIVATIONS}
    best = max(final, key=final.get)
    reach = {name: _first_over_last(results, name) for name in ACTIVATIONS}
    slowest = min(final, key=final.get)
    cost = results["seconds"]
    others = ", ".join(f"{name} {1e3 * cost[name]:.1f}" for name in ACTIVATIONS if name != "ReLU")
    return Verdict([
        Check(f"sigmoid's outputs on [−10, 10]: from {low:.2e} to 1 − {1 - high:.2e}", 0 < low and high < 1,
              needs="all strictly between 0 and 1"),
        Check(f"tanh's: from −1 + {1 + tanh_low:.2e} to 1 − {1 - tanh_high:.2e}", -1 < tanh_low and tanh_high < 1,
              needs="all strictly between −1 and 1"),
        Check(f"validation accuracy of the deep network (mean over seeds): ReLU {100 * final['ReLU']:.1f}%, sigmoid "
              f"{100 * final['sigmoid']:.1f}%", final["ReLU"] > final["sigmoid"] + 0.2,
              needs="ReLU more than 20 points above sigmoid"),
        Check(f"ReLU {100 * final['ReLU']:.1f}% against the best activation ({best}, {100 * final[best]:.1f}%)",
              final["ReLU"] >= final[best] - 0.03, needs="ReLU within 3 points of the best", essential=False),
        Check(f"the share of the last layer's gradient norm that reaches the first layer at initialization: "
              f"{reach['sigmoid']:.1e} through sigmoids, {reach['ReLU']:.1e} through ReLUs",
              reach["sigmoid"] < 0.1 * reach["ReLU"], needs="under a tenth of ReLU's through sigmoids (it vanishes)"),
        Check(f"the lowest validation accuracy: {slowest} ({100 * final[slowest]:.1f}%)", slowest == "sigmoid",
              needs="sigmoid the lowest", essential=False),
        Check(f"forward and backward over a million numbers: ReLU {1e3 * cost['ReLU']:.1f} ms ({others} ms)",
              min(cost, key=cost.get) == "ReLU", needs="ReLU the fastest", essential=False),
    ])


def evidence(results):
    x = np.linspace(-4, 4, 401)
    fig_shape, ax = plot("The four activations", "input x", "f(x)")
    inputs = linspace(-4, 4, 401, dtype=backend.float64)
    for name, layer in ACTIVATIONS.items():
        ax.plot(x, layer()(inputs).numpy(), label=name)
    ax.axhline(0, color="gray", linewidth=0.8)
    ax.legend()
    fig_loss, ax = plot("Training loss", "epoch", "cross-entropy (log scale)", logy=True)
    epochs = np.arange(1, len(results["runs"]["ReLU"][0]["train_loss"]) + 1)
    for name in ACTIVATIONS:
        band(ax, epochs, [run["train_loss"] for run in results["runs"][name]], name, marker="o", markersize=3)
    ax.legend()
    fig_grad, ax = plot("Gradient reaching each layer, at initialization", "layer (1 = first)", "‖∂L/∂W‖ (log scale)",
                        logy=True)
    for name in ACTIVATIONS:
        runs = [run["gradients"] for run in results["runs"][name]]
        band(ax, np.arange(1, len(runs[0]) + 1), runs, name, marker="o", markersize=3)
    ax.legend()
    rows = [[name, f"({results['ranges'][name][0]:.3g}, {results['ranges'][name][1]:.3g})",
             percent(_final(results, name)), spread([run["train_loss"][-1] for run in results["runs"][name]]),
             f"{_first_over_last(results, name):.1e}", f"{1e3 * results['seconds'][name]:.1f} ms"]
            for name in ACTIVATIONS]
    table = Table(["activation", "range on [−10, 10]", "validation accuracy", "final training loss",
                   "first / last layer gradient", "cost per million"], rows)
    return [svg_figure(fig_shape, "ReLU, sigmoid, tanh and GELU"),
            svg_figure(fig_loss, "Training loss per epoch (band: the range over seeds)"),
            svg_figure(fig_grad, "How much gradient each layer's weights get before training")], [table]
