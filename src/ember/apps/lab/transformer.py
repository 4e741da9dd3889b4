"""Claim 12, Transformers: they process a sequence in parallel, train faster than recurrent networks
and capture long-range dependencies.

An LSTM must read a window one character after another: T steps, each waiting for the last. A
Transformer's attention relates every position to every earlier one at once, in a few large matrix
products; each position can look straight back at any other, however far. Both models here learn
the same task, predicting the next character of Python's documentation, with about the same number of
parameters, and are measured per iteration (one batch) and per second of training.
"""

import os
import tempfile
import time

import numpy as np

from ... import backend, data, optim
from ...autograd import no_grad
from ...creation import from_numpy
from ...models import GPT, CharLSTM
from ...train import summary
from ...train.attention_maps import save_attention_maps
from ..runs import sequence_cross_entropy
from .common import band, plot
from .report import Check, Figure, Table, Verdict, png_uri, svg_figure

NAME = "transformer"
TITLE = "A Transformer against an LSTM on the same character language model"
CLAIM = "Transformers process a sequence in parallel, train faster and capture long-range dependencies."
QUICK = dict(seeds=1, iterations=120, evals=4, block=32, batch_size=16, lr=2e-3, eval_batches=8, lengths=[16, 128])
FULL = dict(seeds=3, iterations=600, evals=10, block=64, batch_size=16, lr=2e-3, eval_batches=20,
            lengths=[16, 32, 64, 128, 256])
PROMPT = "The return value of the function"


def build(name, vocab, block):
    if name == "Transformer (GPT)":
        return GPT(vocab, block, n_layer=2, n_head=4, n_embd=64)
    return CharLSTM(vocab, block, embed_dim=64, hidden_size=128, num_layers=1)


MODELS = ("Transformer (GPT)", "LSTM")


def setup(settings):
    return {"data": "Python's own documentation (the pydoc topics, about 465,000 characters): 90% to train on, "
                    f"10% to validate, in windows of {settings['block']} characters",
            "models": "a GPT (2 blocks, 4 heads, 64 dimensions) and an LSTM (64-dimensional embedding, 128 hidden "
                      "units, one layer) of about the same number of parameters (ember.summary)",
            "training": f"Adam (lr {settings['lr']}), {settings['iterations']} iterations of {settings['batch_size']} "
                        "random windows, the same windows for both",
            "measured": "the time of a training iteration for windows of " + ", ".join(map(str, settings["lengths"])) +
                        f" characters; the validation loss {settings['evals']} times during training (on "
                        f"{settings['eval_batches']}"
                        " random batches), against iterations and against seconds of training; the time per "
                        "iteration; at the end, the loss at each position of the window; the GPT's attention maps"}


def batches(windows, rng, count, size):
    for _ in range(count):
        yield windows.take(rng.integers(0, len(windows), size))


def validation(model, val, settings, device, per_position=False):
    """The mean validation loss over fixed random batches (or, per_position, the loss at each position)."""
    model.eval()
    totals = []
    with no_grad():
        for x, y in batches(val, np.random.default_rng(0), settings["eval_batches"], settings["batch_size"]):
            logits = model(x.to(device))
            losses = -logits.log_softmax(dim=-1).gather(-1, y.to(device).unsqueeze(-1)).squeeze(-1)
            totals.append(losses.mean(dim=0).cpu().numpy() if per_position else losses.mean().item())
    model.train()
    return np.mean(totals, axis=0).tolist() if per_position else float(np.mean(totals))


def train_model(model, train_set, val, settings, seed, device):
    """Train on random windows; returns the curve (iteration, seconds of training, validation loss)."""
    optimizer = optim.Adam(model.parameters(), lr=settings["lr"])
    every = settings["iterations"] // settings["evals"]
    curve, seconds = [(0, 0.0, validation(model, val, settings, device))], 0.0
    for i, (x, y) in enumerate(batches(train_set, np.random.default_rng(seed), settings["iterations"],
                                       settings["batch_size"]), start=1):
        started = time.perf_counter()
        loss = sequence_cross_entropy(model(x.to(device)), y.to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss.item()  # wait for the step to finish (on a GPU, kernels run ahead)
        seconds += time.perf_counter() - started
        if i % every == 0:
            curve.append((i, seconds, validation(model, val, settings, device)))
    return curve


def seconds_per_iteration(name, vocab_size, length, batch_size, device, repeats=3):
    """The fastest of `repeats` training iterations of a fresh model on windows of `length` characters."""
    model = build(name, vocab_size, length).to(device)
    optimizer = optim.Adam(model.parameters())
    ids = from_numpy(np.random.default_rng(0).integers(0, vocab_size, (batch_size, length + 1))).to(device)
    times = []
    for _ in range(repeats + 1):  # the first warms up
        started = time.perf_counter()
        loss = sequence_cross_entropy(model(ids[:, :-1]), ids[:, 1:])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss.item()
        times.append(time.perf_counter() - started)
    return min(times[1:])


def attention_picture(model, vocab, device):
    """ember.train.attention_maps' picture of the GPT reading PROMPT (as much of it as its window holds)."""
    prompt = PROMPT[:model.block_size]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "attention.png")
        ids = from_numpy(vocab.encode(prompt)).to(device)
        return png_uri(save_attention_maps(model, ids, path, labels=list(prompt)))


def run(settings, seeds, device):
    vocab, train_set, val = data.char_windows(data.builtin_text(), settings["block"])
    results = {name: [] for name in MODELS}
    results["lengths"] = settings["lengths"]
    results["timing"] = {name: [seconds_per_iteration(name, len(vocab), length, settings["batch_size"], device)
                                for length in settings["lengths"]] for name in MODELS}
    for seed in seeds:
        for name in MODELS:
            backend.manual_seed(seed)
            model = build(name, len(vocab), settings["block"]).to(device)
            params = summary(model, input_size=(1, settings["block"]), dtypes=[backend.int64], verbose=0).total_params
            curve = train_model(model, train_set, val, settings, seed, device)
            results[name].append({"params": params, "curve": curve,
                                  "per_position": validation(model, val, settings, device, per_position=True)})
            if seed == seeds[0] and name == MODELS[0]:
                results["attention"] = attention_picture(model, vocab, device)
    return results


def _per_iteration(runs):
    return float(np.mean([run["curve"][-1][1] / run["curve"][-1][0] for run in runs]))


def loss_at(run, seconds):
    """The validation loss a run had reached after `seconds` of training (interpolated along its curve)."""
    _, times, losses = zip(*run["curve"])
    return float(np.interp(seconds, times, losses))


def context_gain(run):
    """How much lower the loss is late in the window than at its start: what the longer context bought."""
    losses = run["per_position"]
    edge = max(1, len(losses) // 8)
    return float(np.mean(losses[:edge]) - np.mean(losses[-edge:]))


def judge(results):
    gpt, lstm = results[MODELS[0]], results[MODELS[1]]
    step = {name: _per_iteration(results[name]) for name in MODELS}
    common = min(run["curve"][-1][1] for run in gpt + lstm)  # seconds both trained for
    at_common = {name: float(np.mean([loss_at(run, common) for run in results[name]])) for name in MODELS}
    final = {name: float(np.mean([run["curve"][-1][2] for run in results[name]])) for name in MODELS}
    gain = {name: float(np.mean([context_gain(run) for run in results[name]])) for name in MODELS}
    first, last = results["lengths"][0], results["lengths"][-1]
    growth = {name: results["timing"][name][-1] / results["timing"][name][0] for name in MODELS}
    return Verdict([
        Check(f"in parallel: from windows of {first} to {last} characters an iteration of the LSTM, which reads one "
              f"character after another, takes {growth[MODELS[1]]:.1f}× as long; the GPT's {growth[MODELS[0]]:.1f}×",
              growth[MODELS[0]] < growth[MODELS[1]]),
        Check(f"at the training window an iteration takes the GPT {1e3 * step[MODELS[0]]:.0f} ms, the LSTM "
              f"{1e3 * step[MODELS[1]]:.0f} ms", step[MODELS[0]] < step[MODELS[1]], essential=False),
        Check(f"faster training: after {common:.1f} s of training the GPT's validation loss is "
              f"{at_common[MODELS[0]]:.3f}, the LSTM's {at_common[MODELS[1]]:.3f}",
              at_common[MODELS[0]] <= at_common[MODELS[1]]),
        Check(f"per iteration too: after the last one, {final[MODELS[0]]:.3f} against {final[MODELS[1]]:.3f}",
              final[MODELS[0]] <= final[MODELS[1]], essential=False),
        Check(f"long-range context: the loss late in the window is {gain[MODELS[0]]:.3f} nats below its start for "
              f"the GPT, {gain[MODELS[1]]:.3f} for the LSTM", gain[MODELS[0]] >= gain[MODELS[1]], essential=False),
    ]) if gpt and lstm else Verdict([])


def evidence(results):
    figures = []
    for index, label in ((0, "iteration"), (1, "seconds of training")):
        fig, ax = plot(f"Validation loss against {label}", label, "validation loss (nats per character)")
        for name in MODELS:
            runs = results[name]
            x = np.mean([[point[index] for point in run["curve"]] for run in runs], axis=0)
            band(ax, x, [[point[2] for point in run["curve"]] for run in runs], name, marker="o", markersize=3)
        ax.legend()
        figures.append(svg_figure(fig, f"Learning curves by {label}"))
    fig, ax = plot("Time per training iteration against the window", "window (characters, log scale)",
                   "seconds per iteration (log scale)", logx=True, logy=True)
    for name in MODELS:
        ax.plot(results["lengths"], results["timing"][name], marker="o", label=name)
    ax.legend()
    figures.append(svg_figure(fig, "Time per training iteration, by the length of the window"))
    fig, ax = plot("Loss at each position of the window, after training", "position in the window",
                   "validation loss (nats)")
    for name in MODELS:
        runs = [run["per_position"] for run in results[name]]
        band(ax, np.arange(len(runs[0])), runs, name)
    ax.legend()
    figures.append(svg_figure(fig, "Validation loss at each position of the window (later positions have more context)"))
    figures.append(Figure(f"Where each head of the GPT looks while reading “{PROMPT}” (row: position; "
                          "column: the positions it attends to)", results["attention"]))
    rows = [[name, f"{results[name][0]['params']:,}", f"{1e3 * _per_iteration(results[name]):.1f} ms",
             f"{np.mean([run['curve'][-1][2] for run in results[name]]):.3f}",
             f"{np.mean([context_gain(run) for run in results[name]]):.3f}"] for name in MODELS]
    table = Table(["model", "parameters", "time per iteration", "final validation loss", "context gain (nats)"], rows)
    return figures, [table]
