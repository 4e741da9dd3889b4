"""The learning-rate range test (Smith 2017, as fastai's lr_find runs it): train for a few batches
while the learning rate grows geometrically from tiny to huge, and watch the loss.

At first the rate is too low to change anything and the loss stays flat; then it falls, fastest
where the rate is about right; then the steps overshoot and the loss shoots up. The test stops
there. A good learning rate lies where the loss falls fastest: the suggestion. The model and the
optimizer are put back as they were, so the test costs a hundred batches and changes nothing.
"""

import math

import numpy as np

from ..tensor import Tensor
from .plots import pyplot


class LRFinderResult:
    """What the range test measured: lrs and losses (the loss smoothed by an exponential moving
    average, as plotted), raw_losses (each batch's own), suggestion (the learning rate where the
    smoothed loss falls fastest against log lr) and min_loss_lr (where it is lowest; a tenth of
    it is the older rule of thumb)."""

    def __init__(self, lrs, losses, raw_losses):
        self.lrs, self.losses, self.raw_losses = lrs, losses, raw_losses
        self.min_loss_lr = lrs[int(np.argmin(losses))]
        self.suggestion = _steepest(lrs, losses)

    def __repr__(self):
        return (f"LRFinderResult({len(self.lrs)} steps from {self.lrs[0]:.1e} to {self.lrs[-1]:.1e}: "
                f"suggestion {self.suggestion:.1e}, lowest loss at {self.min_loss_lr:.1e})")

    def plot(self, path):
        """Save the smoothed loss against the learning rate (log scale), the suggestion marked, as a PNG."""
        plt = pyplot()
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.semilogx(self.lrs, self.losses)
        ax.axvline(self.suggestion, color="tab:red", linestyle="--", label=f"suggestion {self.suggestion:.1e}")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss (smoothed)")
        ax.grid(alpha=0.3, which="both")
        ax.legend()
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path


def _steepest(lrs, losses):
    """The learning rate where the loss falls fastest per decade, among those before its lowest point."""
    if len(lrs) < 3:
        return lrs[0]
    lowest = int(np.argmin(losses))
    slopes = np.gradient(np.asarray(losses), np.log10(lrs))[:max(lowest, 1)]
    return lrs[int(np.argmin(slopes))]


def lr_finder(model, loss_fn, optimizer, train_data, start_lr=1e-7, end_lr=10.0, num_iter=100, smoothing=0.98,
              diverge_factor=4.0, device=None):
    """Run the learning-rate range test and return an LRFinderResult.

    Every batch of train_data (a DataLoader of (inputs, targets); iterated again if it runs out) is one
    training step at lr = start_lr · (end_lr / start_lr)^(i / (num_iter - 1)) for step i, in every
    parameter group. The loss is smoothed with an exponential moving average of factor `smoothing`
    (bias-corrected); the test stops early once the smoothed loss exceeds diverge_factor times its
    lowest, or is not finite. Afterwards the model's weights and the optimizer's state and learning
    rates are restored.
    """
    _check_arguments(start_lr, end_lr, num_iter, smoothing, diverge_factor)
    if device is not None:
        model.to(device)
    weights = {name: Tensor(t.array.copy()) for name, t in model.state_dict().items()}
    saved_optimizer, was_training = optimizer.state_dict(), model.training
    try:
        lrs, losses, raw = _range_test(model, loss_fn, optimizer, train_data, start_lr, end_lr, num_iter, smoothing,
                                       diverge_factor, device)
    finally:
        model.load_state_dict(weights)
        optimizer.load_state_dict(saved_optimizer)
        model.train(was_training)
    if not lrs:
        raise ValueError(f"lr_finder: the loss was not finite from the first step (lr {start_lr:g}); check the "
                         "model and data, or start lower")
    return LRFinderResult(lrs, losses, raw)


def _check_arguments(start_lr, end_lr, num_iter, smoothing, diverge_factor):
    if not 0 < start_lr < end_lr:
        raise ValueError(f"lr_finder: need 0 < start_lr < end_lr, got start_lr={start_lr}, end_lr={end_lr}")
    if not isinstance(num_iter, int) or num_iter < 2:
        raise ValueError(f"lr_finder: num_iter must be an int of at least 2, got {num_iter!r}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"lr_finder: smoothing must lie in [0, 1), got {smoothing}")
    if not diverge_factor > 1:
        raise ValueError(f"lr_finder: diverge_factor must be above 1, got {diverge_factor}")


def _batches(data):
    """The batches of data, over and over."""
    while True:
        empty = True
        for batch in data:
            empty = False
            yield batch
        if empty:
            raise ValueError("lr_finder: train_data has no batches")


def _range_test(model, loss_fn, optimizer, data, start_lr, end_lr, num_iter, smoothing, diverge_factor, device):
    """(lrs, smoothed losses, raw losses) of the steps taken until the end or divergence."""
    lrs, losses, raw = [], [], []
    average, lowest = 0.0, math.inf
    model.train()
    for step, (x, y) in zip(range(num_iter), _batches(data)):
        lr = start_lr * (end_lr / start_lr) ** (step / (num_iter - 1))
        for group in optimizer.param_groups:
            group["lr"] = lr
        if device is not None:
            x, y = x.to(device), y.to(device)
        loss = loss_fn(model(x), y)
        value = loss.item()
        if not math.isfinite(value):
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        average = smoothing * average + (1 - smoothing) * value
        smoothed = average / (1 - smoothing ** (step + 1))
        lrs.append(lr)
        losses.append(smoothed)
        raw.append(value)
        lowest = min(lowest, smoothed)
        if smoothed > diverge_factor * lowest:
            break
    return lrs, losses, raw
