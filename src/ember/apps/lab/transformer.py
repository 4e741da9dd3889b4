"""Claim 12, Transformers: they process a sequence in parallel, train faster than recurrent networks
and capture long-range dependencies.

An LSTM must read a window one character after another: T steps, each waiting for the last. A
Transformer's attention relates every position to every earlier one at once, in a few large matrix
products; each position can look straight back at any other, however far. Both models here learn
the same task, predicting the next character of Python's documentation, with about the same number of
parameters, each at the learning rate that suits it, for the same seconds of training.

"In parallel" is a claim about hardware that can work on many positions at once, as a GPU does. A
CPU of two cores cannot: it does a window's positions in turn whichever model asks, so there the
Transformer's way of computing gains no time (`--device cuda` measures it on a GPU). What a CPU can
show is how the time of an iteration grows with the window, and which model learns more in the same
seconds of training.
"""

import itertools
import os
import tempfile
import time

import numpy as np

from ... import backend, data, optim
from ...autograd import no_grad
from ...creation import from_numpy
from ...models import GPT, CharLSTM
from ...settings import blas_threads
from ...train import summary
from ...train.attention_maps import save_attention_maps
from ..runs import sequence_cross_entropy
from .common import band, plot, spread
from .report import Check, Figure, Table, Verdict, png_uri, svg_figure

NAME = "transformer"
TITLE = "A Transformer against an LSTM on the same character language model"
CLAIM = "Transformers process a sequence in parallel, train faster and capture long-range dependencies."
QUICK = dict(seeds=1, seconds=4.0, evals=4, block=32, batch_size=16, lrs=[2e-3], tune_seconds=0.0, eval_batches=8,
             lengths=[16, 128])
FULL = dict(seeds=3, seconds=15.0, evals=10, block=64, batch_size=16, lrs=[1e-3, 3e-3, 1e-2], tune_seconds=5.0,
            eval_batches=20, lengths=[16, 32, 64, 128, 256])
PROMPT = "The return value of the function"


def build(name, vocab, block):
    if name == "Transformer (GPT)":
        return GPT(vocab, block, n_layer=2, n_head=4, n_embd=64)
    return CharLSTM(vocab, block, embed_dim=64, hidden_size=128, num_layers=1)


MODELS = ("Transformer (GPT)", "LSTM")


def setup(settings):
    tuning = (f"the learning rate of each is the one of {', '.join(map(str, settings['lrs']))} with the lowest "
              f"validation loss after {settings['tune_seconds']:g} s of training (first seed)"
              if len(settings["lrs"]) > 1 else f"learning rate {settings['lrs'][0]}")
    return {"data": "Python's own documentation (the pydoc topics, about 465,000 characters): 90% to train on, "
                    f"10% to validate, in windows of {settings['block']} characters",
            "models": "a GPT (2 blocks, 4 heads, 64 dimensions) and an LSTM (64-dimensional embedding, 128 hidden "
                      "units, one layer) of about the same number of parameters (ember.summary)",
            "training": f"Adam, {settings['seconds']:g} s of training each, batches of {settings['batch_size']} "
                        "random windows; the two models train in turns, one iteration each, so that a busy machine "
                        f"slows both alike; {tuning}. On a CPU each runs its matrix products on one thread: where "
                        "another process holds a core, threads that share a product wait for it (up to 7× as long "
                        "as the product takes alone), and the time measured would be the machine's",
            "measured": "the time of a training iteration for windows of " + ", ".join(map(str, settings["lengths"])) +
                        f" characters; the validation loss {settings['evals']} times during training (on "
                        f"{settings['eval_batches']} random batches), against iterations and against seconds of "
                        "training; at the end, the loss at each position of the window; the GPT's attention maps"}


def batches(windows, rng, count, size):
    """`count` batches (without end if None) of `size` random windows."""
    for _ in itertools.count() if count is None else range(count):
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


class Training:
    """One model learning the text: its optimizer, its own stream of random windows, the iterations and seconds
    it has trained, and its learning curve [(iteration, seconds, validation loss)]."""

    def __init__(self, model, lr, train_set, settings, seed):
        self.model, self.optimizer = model, optim.Adam(model.parameters(), lr=lr)
        self.windows = batches(train_set, np.random.default_rng(seed), None, settings["batch_size"])
        self.iterations, self.seconds, self.curve = 0, 0.0, []

    def step(self, device):
        """One training iteration, timed."""
        x, y = next(self.windows)
        started = time.perf_counter()
        loss = sequence_cross_entropy(self.model(x.to(device)), y.to(device))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        loss.item()  # wait for the step to finish (on a GPU, kernels run ahead)
        self.seconds += time.perf_counter() - started
        self.iterations += 1


def race(trainings, seconds, val, settings, device):
    """Train in turns, one iteration each, until each has trained for `seconds` by its own clock (a busy machine
    slows them alike); the validation loss of each is measured settings["evals"] times along the way."""
    marks = np.linspace(0, seconds, settings["evals"] + 1)
    for training in trainings:
        training.curve = [(0, 0.0, validation(training.model, val, settings, device))]
    while any(t.seconds < seconds for t in trainings):
        for training in (t for t in trainings if t.seconds < seconds):
            training.step(device)
            if training.seconds >= marks[len(training.curve)]:
                training.curve.append((training.iterations, training.seconds,
                                       validation(training.model, val, settings, device)))


def timings(vocab_size, lengths, batch_size, device, rounds=5):
    """{model: the seconds of a training iteration on windows of each length}: the fastest of `rounds`, the
    models and lengths taking turns so that a busy machine slows all alike."""
    runs = {}
    for name in MODELS:
        for length in lengths:
            model = build(name, vocab_size, length).to(device)
            ids = from_numpy(np.random.default_rng(0).integers(0, vocab_size, (batch_size, length + 1))).to(device)
            runs[name, length] = (model, optim.Adam(model.parameters()), ids, [])
    for _ in range(rounds + 1):  # the first round warms up
        for model, optimizer, ids, times in runs.values():
            started = time.perf_counter()
            loss = sequence_cross_entropy(model(ids[:, :-1]), ids[:, 1:])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
            times.append(time.perf_counter() - started)
    return {name: [min(runs[name, length][3][1:]) for length in lengths] for name in MODELS}


def attention_picture(model, vocab, device):
    """ember.train.attention_maps' picture of the GPT reading PROMPT (as much of it as its window holds)."""
    prompt = PROMPT[:model.block_size]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "attention.png")
        ids = from_numpy(vocab.encode(prompt)).to(device)
        return png_uri(save_attention_maps(model, ids, path, labels=list(prompt)))


def fresh(name, vocab, settings, seed, device):
    backend.manual_seed(seed)
    return build(name, len(vocab), settings["block"]).to(device)


def tune(vocab, train_set, val, settings, seed, device):
    """{model: {lr: validation loss after tune_seconds}}, every model at every lr racing together; and
    {model: the lr with the lowest}."""
    if len(settings["lrs"]) == 1:
        return {name: {} for name in MODELS}, {name: settings["lrs"][0] for name in MODELS}
    trainings = {(name, lr): Training(fresh(name, vocab, settings, seed, device), lr, train_set, settings, seed)
                 for name in MODELS for lr in settings["lrs"]}
    race(list(trainings.values()), settings["tune_seconds"], val, {**settings, "evals": 1}, device)
    losses = {name: {str(lr): trainings[name, lr].curve[-1][2] for lr in settings["lrs"]} for name in MODELS}
    return losses, {name: float(min(losses[name], key=losses[name].get)) for name in MODELS}


def run(settings, seeds, device):
    with blas_threads(1):  # on a CPU, one core each: see setup()
        return measure(settings, seeds, device)


def measure(settings, seeds, device):
    vocab, train_set, val = data.char_windows(data.builtin_text(), settings["block"])
    results = {name: [] for name in MODELS}
    results.update(lengths=settings["lengths"], device=str(device), seconds=settings["seconds"],
                   timing=timings(len(vocab), settings["lengths"], settings["batch_size"], device))
    results["tuning"], results["lr"] = tune(vocab, train_set, val, settings, seeds[0], device)
    for seed in seeds:
        trainings = [Training(fresh(name, vocab, settings, seed, device), results["lr"][name], train_set, settings,
                              seed) for name in MODELS]
        race(trainings, settings["seconds"], val, settings, device)
        for name, training in zip(MODELS, trainings):
            params = summary(training.model, input_size=(1, settings["block"]), dtypes=[backend.int64],
                             verbose=0).total_params
            results[name].append({"params": params, "curve": training.curve,
                                  "per_position": validation(training.model, val, settings, device, per_position=True)})
        if seed == seeds[0]:
            results["attention"] = attention_picture(trainings[0].model, vocab, device)
    return results


def _per_iteration(runs):
    return float(np.mean([run["curve"][-1][1] / run["curve"][-1][0] for run in runs]))


def loss_at(run, value, index):
    """The validation loss a run had reached at `value` iterations (index 0) or seconds (index 1) of training,
    interpolated along its curve."""
    return float(np.interp(value, [point[index] for point in run["curve"]], [point[2] for point in run["curve"]]))


def context(run):
    """The validation loss in the first and in the last eighth of the window: how much the longer context bought."""
    losses = run["per_position"]
    edge = max(1, len(losses) // 8)
    return float(np.mean(losses[:edge])), float(np.mean(losses[-edge:]))


def context_gain(runs):
    """The mean over runs of the fall of the loss from the window's first eighth to its last."""
    return float(np.mean([start - end for start, end in map(context, runs)]))


def judge(results):
    gpt, lstm = MODELS
    step = {name: _per_iteration(results[name]) for name in MODELS}
    seconds = min(run["curve"][-1][1] for name in MODELS for run in results[name])  # both trained at least this long
    at_time = {name: float(np.mean([loss_at(run, seconds, 1) for run in results[name]])) for name in MODELS}
    iterations = min(run["curve"][-1][0] for name in MODELS for run in results[name])
    at_iteration = {name: float(np.mean([loss_at(run, iterations, 0) for run in results[name]])) for name in MODELS}
    ends = {name: np.mean([context(run) for run in results[name]], axis=0) for name in MODELS}
    first, last = results["lengths"][0], results["lengths"][-1]
    growth = {name: results["timing"][name][-1] / results["timing"][name][0] for name in MODELS}
    on_cpu = results["device"] == "cpu"
    why = (f": an iteration takes the GPT {1e3 * step[gpt]:.0f} ms and the LSTM {1e3 * step[lstm]:.0f} ms here, and "
           f"after {iterations} iterations each the GPT's loss is {at_iteration[gpt]:.3f}, the LSTM's "
           f"{at_iteration[lstm]:.3f}" if at_time[gpt] > at_time[lstm] else "")
    return Verdict([
        Check(("on a CPU this cannot show the advantage of parallel hardware, which works on a window's positions at "
               "once (a GPU does; two cores do them in turn): " if on_cpu else "")
              + f"from windows of {first} to {last} characters, an iteration takes {growth[lstm]:.1f}× as long for "
              f"the LSTM, which reads one character after another, and {growth[gpt]:.1f}× for the GPT",
              growth[gpt] < growth[lstm], needs="the GPT's time to grow less", essential=not on_cpu),
        Check(f"faster training: after {seconds:.1f} s of training each, at the learning rate that suits each "
              f"({results['lr'][gpt]:g} for the GPT, {results['lr'][lstm]:g} for the LSTM), the validation loss is "
              f"{at_time[gpt]:.3f} for the GPT and {at_time[lstm]:.3f} for the LSTM" + why,
              at_time[gpt] <= at_time[lstm], needs="the GPT's no higher"),
        Check(f"an iteration at the training window: the GPT {1e3 * step[gpt]:.0f} ms, the LSTM "
              f"{1e3 * step[lstm]:.0f} ms", step[gpt] < step[lstm], needs="the GPT faster", essential=False),
        Check(f"per iteration: after {iterations} iterations the GPT's validation loss is {at_iteration[gpt]:.3f}, the "
              f"LSTM's {at_iteration[lstm]:.3f}", at_iteration[gpt] <= at_iteration[lstm], needs="the GPT's no higher",
              essential=False),
        Check(f"long-range context: from the first eighth of the window to the last, the validation loss goes from "
              f"{ends[gpt][0]:.3f} to {ends[gpt][1]:.3f} for the GPT, from {ends[lstm][0]:.3f} to {ends[lstm][1]:.3f} "
              "for the LSTM", ends[gpt][0] - ends[gpt][1] >= ends[lstm][0] - ends[lstm][1],
              needs="the GPT's to fall at least as much", essential=False),
    ])


def evidence(results):
    figures = []
    for index, label in ((0, "iteration"), (1, "seconds of training")):
        fig, ax = plot(f"Validation loss against {label}", label, "validation loss (nats per character)")
        for name in MODELS:
            runs = results[name]
            length = min(len(run["curve"]) for run in runs)
            x = np.mean([[point[index] for point in run["curve"][:length]] for run in runs], axis=0)
            band(ax, x, [[point[2] for point in run["curve"]] for run in runs], name, marker="o", markersize=3)
        ax.legend()
        figures.append(svg_figure(fig, f"Learning curves by {label}"))
    fig, ax = plot("Time per training iteration against the window", "window (characters, log scale)",
                   "seconds per iteration (log scale)", logx=True, logy=True)
    for name in MODELS:
        ax.plot(results["lengths"], results["timing"][name], marker="o", label=name)
    ax.legend()
    figures.append(svg_figure(fig, f"Time per training iteration, by the length of the window ({results['device']})"))
    fig, ax = plot("Loss at each position of the window, after training", "position in the window",
                   "validation loss (nats)")
    for name in MODELS:
        runs = [run["per_position"] for run in results[name]]
        band(ax, np.arange(len(runs[0])), runs, name)
    ax.legend()
    figures.append(svg_figure(
        fig, "Validation loss at each position of the window (later positions have more context)"))
    figures.append(Figure(f"Where each head of the GPT looks while reading “{PROMPT}” (row: position; "
                          "column: the positions it attends to)", results["attention"]))
    rows = [[name, f"{results[name][0]['params']:,}", f"{results['lr'][name]:g}",
             spread([run["curve"][-1][0] for run in results[name]], "{:.0f}"),
             f"{1e3 * _per_iteration(results[name]):.1f} ms", spread([run["curve"][-1][2] for run in results[name]]),
             f"{context_gain(results[name]):.3f}"] for name in MODELS]
    tables = [Table(["model", "parameters", "learning rate", f"iterations in {results['seconds']:g} s",
                     "time per iteration", "final validation loss", "context gain (nats)"], rows,
                    "mean (and range) over seeds")]
    if results["tuning"][MODELS[0]]:
        lrs = list(results["tuning"][MODELS[0]])
        tables.append(Table(["model"] + [f"lr {lr}" for lr in lrs],
                            [[name] + [f"{results['tuning'][name][lr]:.3f}" for lr in lrs] for name in MODELS],
                            "choosing the learning rate: the validation loss after the same short training (first "
                            "seed)"))
    return figures, tables
