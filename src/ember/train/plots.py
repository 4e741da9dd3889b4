"""Pictures of training: learning curves (train against validation), for spotting overfitting."""

import os

from ..io import atomic_write


def pyplot():
    """matplotlib.pyplot, drawing into files only (the Agg backend); an ImportError that says how to
    install matplotlib where it is missing."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install matplotlib (or pip install 'ember[all]')") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_history(history, path, title="learning curves", x="epoch"):
    """Save loss (and accuracy) against epoch, train and validation, as a PNG; the best validation
    epoch is marked. x names the column to plot against: "iteration" for a language model's history,
    which is measured every so many iterations rather than per pass over the data. Returns the path."""
    plt = pyplot()
    panels = [("loss", "loss")] + ([("accuracy", "accuracy")] if "train_accuracy" in history else [])
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    epochs = history[x]
    best = _best(history, x) if "val_loss" in history else None
    for ax, (column, label) in zip(axes[0], panels):
        ax.plot(epochs, history[f"train_{column}"], marker="o", markersize=3, label="train")
        if f"val_{column}" in history:
            ax.plot(epochs, history[f"val_{column}"], marker="o", markersize=3, label="validation")
        if best is not None:
            ax.axvline(best, color="gray", linestyle="--", linewidth=1, label=f"best {x} ({best})")
        ax.set_xlabel(x)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path


def save_figure(figure, path, dpi):
    """Save a matplotlib figure to path, in the format its extension names (PNG without one), atomically:
    a crash leaves the old picture or the new one, never half of one."""
    with atomic_write(path) as f:
        figure.savefig(f, format=os.path.splitext(os.fspath(path))[1][1:] or "png", dpi=dpi)


def _best(history, x):
    """The value of column x where the validation loss was lowest."""
    losses = history["val_loss"]
    return history[x][min(range(len(losses)), key=losses.__getitem__)]
