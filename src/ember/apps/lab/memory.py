"""Claim 11, memory: plain RNNs struggle with long sequences because of vanishing gradients, and
the LSTM's gates fix that.

The task (the one `ember vanishing-gradients` runs): see a symbol, then nothing for `lag` steps, then
say which symbol it was. To learn it, the gradient of the answer must travel back `lag` steps to where
the symbol was seen. Through a tanh RNN it shrinks at every step; through an LSTM's cell state it
passes as far as the forget gate lets it (a GRU's update gate does the same).
"""

import numpy as np

from ... import backend
from ..experiments import MODELS, Rememberer, accuracy, gradient_by_step, remember_task, train_rememberer
from .common import legend_below, percent, plot
from .report import Check, Table, Verdict, svg_figure

NAME = "memory"
TITLE = "RNN, LSTM and GRU: remembering across a long gap"
CLAIM = ("Plain RNNs struggle with long sequences (vanishing gradients), and the LSTM's gates fix that.")
QUICK = dict(seeds=1, lags=[5, 40], steps=150, hidden=32, batch_size=32, lr=3e-3)
FULL = dict(seeds=3, lags=[5, 20, 50, 100], steps=300, hidden=32, batch_size=64, lr=2e-3)
SYMBOLS = 4
OPEN_LSTM = "LSTM, forget gate open (bias 3)"


def setup(settings):
    return {"data": f"made up at random, step by step: one of {SYMBOLS} symbols (one-hot), then a gap (the lag) of "
                    "steps of zeros; the answer is the symbol. Lags of " + ", ".join(map(str, settings["lags"])) +
                    " steps",
            "models": f"a tanh RNN, an LSTM with its forget gate's bias at 3 (σ(3) = 0.95 of the cell kept per step), "
                      f"an LSTM with PyTorch's initialization and a GRU, each with {settings['hidden']} hidden units "
                      "and a Linear layer reading the last hidden state",
            "training": f"Adam (lr {settings['lr']}), {settings['steps']} steps of {settings['batch_size']} fresh "
                        "sequences, gradients clipped to norm 1; accuracy on 500 new sequences",
            "measured": "accuracy at each lag; at the longest lag, the gradient ‖∂L/∂x_t‖ that reaches each step t "
                        "at initialization"}


def run(settings, seeds, device):
    results = {"lags": settings["lags"], "chance": 1 / SYMBOLS, "accuracy": {name: [] for name in MODELS},
               "gradient": {}}
    longest = settings["lags"][-1]
    for seed in seeds:
        for name in MODELS:
            per_lag = []
            for lag in settings["lags"]:
                inputs, answers = remember_task(np.random.default_rng(seed + 1000), 500, lag, SYMBOLS)
                backend.manual_seed(seed)
                kind, forget_bias = MODELS[name]
                model = Rememberer(kind, SYMBOLS, settings["hidden"], forget_bias).to(device)
                inputs, answers = inputs.to(device), answers.to(device)
                if lag == longest and seed == seeds[0]:
                    results["gradient"][name] = gradient_by_step(model, inputs[:128], answers[:128]).tolist()
                train_rememberer(model, np.random.default_rng(seed), settings["steps"], lag, SYMBOLS,
                                 settings["batch_size"], settings["lr"], device)
                per_lag.append(accuracy(model, inputs, answers))
            results["accuracy"][name].append(per_lag)
    return results


def _mean(results, name, index):
    return float(np.mean([runs[index] for runs in results["accuracy"][name]]))


def judge(results):
    lag, chance = results["lags"][-1], results["chance"]
    gradient = {name: values[0] / max(values[-1], 1e-300) for name, values in results["gradient"].items()}
    rnn, lstm = "RNN (tanh)", OPEN_LSTM
    default_lstm, gru = "LSTM, PyTorch's initial forget bias", "GRU"
    return Verdict([
        Check(f"the RNN learns the short gap ({results['lags'][0]} steps): {100 * _mean(results, rnn, 0):.0f}% right",
              _mean(results, rnn, 0) >= 0.9, essential=False),
        Check(f"over {lag} steps it is near chance ({100 * chance:.0f}%): {100 * _mean(results, rnn, -1):.0f}% right",
              _mean(results, rnn, -1) < chance + 0.2),
        Check(f"because its gradient vanishes: at initialization {gradient[rnn]:.1e} of the gradient at the last step "
              f"reaches the first, against {gradient[lstm]:.1e} in the LSTM", gradient[rnn] < 1e-3 * gradient[lstm]),
        Check(f"the LSTM with its forget gate open remembers across {lag} steps: {100 * _mean(results, lstm, -1):.0f}%",
              _mean(results, lstm, -1) >= 0.9),
        Check(f"with PyTorch's initial forget bias the LSTM gets {100 * _mean(results, default_lstm, -1):.0f}% over "
              f"{lag} steps", _mean(results, default_lstm, -1) >= 0.9, essential=False),
        Check(f"the GRU gets {100 * _mean(results, gru, -1):.0f}%", _mean(results, gru, -1) >= 0.9, essential=False),
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
            for name in results["accuracy"]]
    table = Table(["model"] + [f"lag {lag}" for lag in lags], rows, "accuracy on 500 new sequences")
    return [svg_figure(fig_acc, "Accuracy at each lag, for each model"),
            svg_figure(fig_grad, "The gradient that reaches each step of the longest sequence, before training")], [table]
