"""Claim 11, memory: plain RNNs struggle with long sequences because of vanishing gradients, and
the LSTM's gates fix that.

The task (the one `ember vanishing-gradients` runs): see a symbol, then nothing for `lag` steps, then
say which symbol it was. To learn it, the gradient of the answer must travel back `lag` steps to where
the symbol was seen. Through a tanh RNN it shrinks at every step; through an LSTM's cell state it
passes as far as the forget gate lets it (a GRU's update gate does the same).
"""

import numpy as np

from ... import backend
from ...autograd import no_grad
from ...functional import cross_entropy
from ..experiments import MODELS, Rememberer, accuracy, gradient_by_step, remember_task, train_rememberer
from .common import legend_below, percent, plot
from .report import Check, Table, Verdict, svg_figure

NAME = "memory"
TITLE = "RNN, LSTM and GRU: remembering across a long gap"
CLAIM = ("Plain RNNs struggle with long sequences (vanishing gradients), and the LSTM's gates fix that.")
QUICK = dict(seeds=1, lags=[5, 40], steps=150, hidden=32, batch_size=32, lrs=[3e-3])
FULL = dict(seeds=3, lags=[5, 20, 50, 100], steps=600, hidden=32, batch_size=64, lrs=[1e-3, 3e-3, 1e-2, 3e-2])
SYMBOLS = 4
OPEN_LSTM = "LSTM, forget gate open (bias 3)"
RNN, DEFAULT_LSTM, GRU = "RNN (tanh)", "LSTM, PyTorch's initial forget bias", "GRU"


def setup(settings):
    tuning = ("at each lag, each model tries the learning rates " + ", ".join(map(str, settings["lrs"])) +
              " in turn with the first seed, until one solves the task; the other seeds use the one that answered "
              "most validation sequences right (then: the lowest validation loss)" if len(settings["lrs"]) > 1
              else f"learning rate {settings['lrs'][0]}")
    return {"data": f"made up at random, step by step: one of {SYMBOLS} symbols (one-hot), then a gap (the lag) of "
                    "steps of zeros; the answer is the symbol. Lags of " + ", ".join(map(str, settings["lags"])) +
                    " steps",
            "models": f"a tanh RNN, an LSTM with its forget gate's bias at 3 (σ(3) = 0.95 of the cell kept per step), "
                      f"an LSTM with PyTorch's initialization and a GRU, each with {settings['hidden']} hidden units "
                      "and a Linear layer reading the last hidden state",
            "training": f"Adam, up to {settings['steps']} steps of {settings['batch_size']} fresh sequences (the "
                        "same budget for every model), stopping once 99% of 500 validation sequences are right; "
                        f"gradients clipped to norm 1; {tuning}",
            "measured": "accuracy on 500 other new sequences at each lag; at the longest lag, the gradient "
                        "‖∂L/∂x_t‖ that reaches each step t at initialization"}


def sequences(seed, lag, device):
    """Two sets of 500 new sequences of the task, on device: validation (to stop and to choose by) and test."""
    rng = np.random.default_rng(seed + 1000)
    return [tuple(t.to(device) for t in remember_task(rng, 500, lag, SYMBOLS)) for _ in range(2)]


def trained(name, settings, seed, lag, lr, device):
    """Train a model of kind `name` on the task at this lag and lr: {"steps" it took, validation "accuracy" and
    "loss", "test" accuracy}."""
    backend.manual_seed(seed)
    kind, forget_bias = MODELS[name]
    model = Rememberer(kind, SYMBOLS, settings["hidden"], forget_bias).to(device)
    val, test = sequences(seed, lag, device)
    steps = train_rememberer(model, np.random.default_rng(seed), settings["steps"], lag, SYMBOLS,
                             settings["batch_size"], lr, device, solved=val)
    with no_grad():
        loss = cross_entropy(model(val[0]), val[1]).item()
    return {"steps": steps, "accuracy": accuracy(model, *val), "loss": loss, "test": accuracy(model, *test)}


def at_its_best_lr(name, settings, seeds, lag, device):
    """The model at this lag, first with the first seed at each lr in turn until one solves the task, then at the
    best lr tried with the other seeds: ({lr: validation accuracy}, the best lr, [the run of each seed])."""
    tries = {}
    for lr in settings["lrs"]:
        tries[lr] = trained(name, settings, seeds[0], lag, lr, device)
        if tries[lr]["accuracy"] >= 0.99:
            break
    best = max(tries, key=lambda lr: (tries[lr]["accuracy"], -tries[lr]["loss"]))
    runs = [tries[best]] + [trained(name, settings, seed, lag, best, device) for seed in seeds[1:]]
    return {str(lr): tried["accuracy"] for lr, tried in tries.items()}, best, runs


def run(settings, seeds, device):
    results = {"lags": settings["lags"], "lrs": settings["lrs"], "chance": 1 / SYMBOLS, "accuracy": {}, "steps": {},
               "gradient": {}, "tuning": {}, "lr": {}}
    for name in MODELS:
        backend.manual_seed(seeds[0])
        kind, forget_bias = MODELS[name]
        inputs, answers = sequences(seeds[0], settings["lags"][-1], device)[1]
        model = Rememberer(kind, SYMBOLS, settings["hidden"], forget_bias).to(device)
        results["gradient"][name] = gradient_by_step(model, inputs[:128], answers[:128]).tolist()
        tuning, lrs, by_lag = zip(*(at_its_best_lr(name, settings, seeds, lag, device) for lag in settings["lags"]))
        results["tuning"][name], results["lr"][name] = list(tuning), list(lrs)
        by_seed = list(zip(*by_lag))  # [seed][lag]
        results["accuracy"][name] = [[run["test"] for run in runs] for runs in by_seed]
        results["steps"][name] = [[run["steps"] for run in runs] for runs in by_seed]
    return results


def _mean(results, name, index):
    return float(np.mean([runs[index] for runs in results["accuracy"][name]]))


def reach(results, name):
    """The share of the last step's gradient that reaches the first step, at initialization."""
    values = results["gradient"][name]
    return values[0] / max(values[-1], 1e-300)


def judge(results):
    lags, chance = results["lags"], results["chance"]
    short, lag = lags[0], lags[-1]

    def at(name, index=-1):
        return percent([runs[index] for runs in results["accuracy"][name]])

    def gated(name):
        lr = f" at its best lr, {results['lr'][name][-1]:g}" if len(results["lrs"]) > 1 else ""
        return Check(f"{name} over {lag} steps: {at(name)}{lr}; at initialization {reach(results, name):.1e} of the "
                     "gradient at the last step reaches the first", _mean(results, name, -1) >= 0.9,
                     needs="at least 90%", essential=False)

    return Verdict([
        Check(f"the RNN over the short gap ({short} steps): {at(RNN, 0)} right", _mean(results, RNN, 0) >= 0.9,
              needs="at least 90%", essential=False),
        Check(f"the RNN over {lag} steps: {at(RNN)} right (chance is {100 * chance:.0f}%), {at(RNN, 0)} over {short}",
              _mean(results, RNN, -1) < _mean(results, RNN, 0) - 0.2,
              needs=f"more than 20 points below its accuracy over {short} steps: it struggles"),
        Check(f"the RNN over {lag} steps: {at(RNN)}", _mean(results, RNN, -1) < chance + 0.2,
              needs="within 20 points of chance: it learns nothing", essential=False),
        Check(f"the gradient at initialization: {reach(results, RNN):.1e} of the gradient at the last step reaches "
              f"the first in the RNN, {reach(results, OPEN_LSTM):.1e} in the LSTM with its forget gate open",
              reach(results, RNN) < 1e-3 * reach(results, OPEN_LSTM), needs="under a thousandth of the LSTM's in the "
              "RNN: it vanishes"),
        Check(f"the LSTM with its forget gate open over {lag} steps: {at(OPEN_LSTM)}",
              _mean(results, OPEN_LSTM, -1) >= 0.9, needs="at least 90%"),
        gated(DEFAULT_LSTM),
        gated(GRU),
    ])


def evidence(results):
    lags = results["lags"]
    fig_acc, ax = plot("Remembering a symbol across a gap", "lag (steps between the symbol and the question)",
                       "accuracy on new sequences")
    for name, runs in results["accuracy"].items():
        values = np.array(runs)
        ax.errorbar(lags, values.mean(axis=0), yerr=[values.mean(axis=0) - values.min(axis=0),
                    values.max(axis=0) - values.mean(axis=0)], marker="o", capsize=4, label=name)
    ax.axhline(results["chance"], color="gray", linestyle=":", label="chance")
    legend_below(ax)
    fig_grad, ax = plot(f"The gradient reaching each step, lag {lags[-1]}, at initialization", "step t",
                        "‖∂L/∂x_t‖ / ‖∂L/∂x_last‖ (log scale)", logy=True)
    for name, norms in results["gradient"].items():
        norms = np.asarray(norms)
        ax.plot(np.arange(len(norms)), np.maximum(norms / norms[-1], 1e-30), label=name)
    legend_below(ax)
    rows = [[name] + [percent([runs[i] for runs in results["accuracy"][name]]) for i in range(len(lags))]
            + [f"{np.mean([runs[-1] for runs in results['steps'][name]]):.0f}"] for name in results["accuracy"]]
    tables = [Table(["model"] + [f"lag {lag}" for lag in lags] + [f"steps taken at lag {lags[-1]}"], rows,
                    "accuracy on 500 new sequences: mean (and range) over seeds; steps: the mean, training stopped "
                    "where 99% of the validation sequences were right")]
    if len(results["lrs"]) > 1:
        rows = [[name] + [f"{results['lr'][name][i]:g} (" + ", ".join(
                f"{lr}: {100 * right:.0f}%" for lr, right in results["tuning"][name][i].items()) + ")"
                for i in range(len(lags))] for name in MODELS]
        tables.append(Table(["model"] + [f"lag {lag}" for lag in lags], rows, "the learning rate chosen (and the "
                            "validation accuracy at each lr tried, first seed)"))
    return [svg_figure(fig_acc, "Accuracy at each lag, for each model"), svg_figure(
        fig_grad, "The gradient that reaches each step of the longest sequence, before training")], tables
