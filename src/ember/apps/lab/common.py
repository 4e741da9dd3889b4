"""What the lab's experiments share: the data, a training run that survives divergence, measurements
over seeds and how their spread is written and drawn."""

import numpy as np

from ... import backend, data, nn
from ...train import Callback, DivergenceError, evaluate, fit
from ...train.plots import pyplot


def splits(dataset, seed, train_size=None):
    """A built-in dataset ("digits", "breast_cancer", "iris": ember.data's) split by seed into train, validation
    and test TensorDatasets of flat features; train_size keeps only that many training samples (a small
    training set, to overfit)."""
    train_set, val, test = getattr(data, dataset)(seed=seed)
    if train_size is not None:
        train_set = data.TensorDataset(*(t[:train_size] for t in train_set.tensors))
    return train_set, val, test


def images(split):
    """A split of the digits as images (N, 1, 8, 8)."""
    x, y = split.tensors
    return data.TensorDataset(x.reshape(-1, 1, 8, 8), y)


class BatchLosses(Callback):
    """Keeps every batch's loss: how training moves step by step, noise included."""

    def on_fit_begin(self, state):
        self.losses = []

    def on_batch_end(self, state):
        self.losses.append(state.batch_logs["loss"])


def train(model, optimizer, train_set, val_set, epochs, batch_size, seed, device, loss_fn=None, callbacks=()):
    """fit() with shuffled batches drawn by seed; returns its History, also when the loss diverged (then
    history.diverged says where, and the epochs before it are kept). Divergence is an outcome here, so
    NumPy's warnings of the overflow that leads to it are not shown."""
    loader = data.DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=backend.Generator("cpu", seed))
    val_loader = data.DataLoader(val_set, batch_size=1024)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return fit(model, loss_fn or nn.CrossEntropyLoss(), optimizer, loader, val_loader, epochs=epochs,
                       callbacks=callbacks, device=device, progress=False)
    except DivergenceError as diverged:
        return diverged.history


def scores(model, dataset, device):
    """{"loss": mean cross-entropy, "accuracy": fraction right} of model over a whole dataset, in eval mode."""
    return evaluate(model, nn.CrossEntropyLoss(), [dataset.tensors], device=device)


def spread(values, form="{:.3f}"):
    """The mean of values over seeds, and their range when there are several: '0.962 (0.951–0.970)'."""
    values = [v for v in values if v is not None and np.isfinite(v)]
    if not values:
        return "diverged"
    text = form.format(np.mean(values))
    return text if len(values) == 1 else f"{text} ({form.format(min(values))}–{form.format(max(values))})"


def percent(values):
    """spread() of fractions, as percentages: '96.2% (95.1%–97.0%)'."""
    return spread([100 * v for v in values if v is not None], "{:.1f}%")


def band(ax, x, runs, label, color=None, **style):
    """Draw the mean of runs (one list per seed, over x) as a line and their range as a shaded band;
    runs of different lengths (a diverged one stops early) are cut to the shortest."""
    length = min(len(r) for r in runs)
    values = np.array([r[:length] for r in runs], dtype=float)
    line, = ax.plot(x[:length], values.mean(axis=0), label=label, color=color, **style)
    if len(runs) > 1:
        ax.fill_between(x[:length], values.min(axis=0), values.max(axis=0), color=line.get_color(), alpha=0.2)
    return line


def plot(title, xlabel, ylabel, logx=False, logy=False, size=(6.4, 4.0)):
    """A new figure with one labelled axes: (fig, ax)."""
    fig, ax = pyplot().subplots(figsize=size)
    from matplotlib.ticker import MaxNLocator  # matplotlib is there: pyplot() found it
    ax.set_title(title, fontsize=11)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logx:
        ax.set_xscale("log")
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs, layers, iterations: whole numbers
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3, which="both")
    return fig, ax


def legend_below(ax, columns=2):
    """The legend under the axes, where it hides no line."""
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=columns, frameon=False)
