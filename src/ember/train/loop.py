"""The training loop: the lesson's recipe, repeated.

For every batch: forward pass (outputs = model(x)), loss (how wrong the outputs are), backward pass
(loss.backward() fills every parameter's .grad), parameter update (optimizer.step() moves each
parameter a learning-rate-sized step against its gradient). One pass over the training data is an
epoch; after each, the model is measured on validation data it never trains on, which is how
overfitting becomes visible.

Under `mpiexec -n N` (an ember.distributed process group), fit() trains a DistributedDataParallel model on
N processes, each reading its share of the data (a DistributedSampler, whose shuffle fit sets each epoch):
the epoch's numbers are summed over the ranks, so every rank's History is that of the whole data, and
its callbacks decide alike; only rank 0 prints and writes files.
"""

import math
import time

import numpy as np

from .. import distributed
from ..autograd import no_grad
from ..creation import tensor
from ..nn.parallel import DistributedDataParallel
from ..nn.utils import clip_grad_norm_
from .callbacks import ProgressBar
from .history import History


class DivergenceError(RuntimeError):
    """The loss became NaN or infinite: training has diverged (often a learning rate too high).
    `history` holds the epochs measured before it (its `diverged` says where it happened)."""

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


class FitState:
    """What callbacks see and may change during fit(): the model, optimizer and history, where the
    loop is (epoch, batch), the last batch's numbers, and `stop` (set it to end training)."""

    def __init__(self, model, optimizer, history, epochs, batches_per_epoch):
        self.model, self.optimizer, self.history = model, optimizer, history
        self.epochs, self.batches_per_epoch = epochs, batches_per_epoch
        self.epoch = self.batch = 0
        self.batch_logs = {}
        self.stop = False


def _is_classification(outputs, targets):
    """Class scores (N, C) against integer labels (N,): accuracy makes sense."""
    return targets.dtype.kind in "iu" and outputs.ndim == 2 and targets.ndim == 1


def _to(batch, device):
    return batch if device is None else tuple(t.to(device) for t in batch)


def _several_ranks():
    return distributed.is_initialized() and distributed.get_world_size() > 1


class _Totals:
    """Running sums over one epoch, weighted by batch size: mean loss, accuracy, extra metrics; with
    across_ranks, the means are of the sums over every rank of the process group."""

    def __init__(self, metrics, across_ranks=False):
        self.metrics, self.across_ranks = metrics, across_ranks
        self.samples = self.loss = self.correct = 0.0
        self.classification = False
        self.extra = {name: 0.0 for name in metrics}

    def add(self, outputs, targets, loss):
        """Count one batch in; returns how many it classified correctly (None if not classification)."""
        n = len(targets)
        self.samples += n
        self.loss += loss * n
        correct = None
        if _is_classification(outputs, targets):
            self.classification = True
            correct = (outputs.argmax(dim=1) == targets).sum().item()
            self.correct += correct
        for name, metric in self.metrics.items():
            self.extra[name] += float(metric(outputs, targets)) * n
        return correct

    def means(self, prefix):
        if self.across_ranks:
            self._sum_over_ranks()
        logs = {f"{prefix}loss": self.loss / self.samples}
        if self.classification:
            logs[f"{prefix}accuracy"] = self.correct / self.samples
        logs.update({f"{prefix}{name}": total / self.samples for name, total in self.extra.items()})
        return logs

    def _sum_over_ranks(self):
        sums = tensor(np.array([self.samples, self.loss, self.correct, self.classification, *self.extra.values()]))
        distributed.all_reduce(sums)
        self.samples, self.loss, self.correct, classification, *extra = sums.tolist()
        self.classification = bool(classification)
        self.extra = dict(zip(self.extra, extra))


def evaluate(model, loss_fn, data, metrics=None, device=None, across_ranks=False):
    """Mean loss (and accuracy, for classification) of model over data, in eval mode, without a graph;
    across_ranks: over the data of every rank of the process group (each rank calls it with its share)."""
    was_training = model.training
    model.eval()
    totals = _Totals(metrics or {}, across_ranks)
    with no_grad():
        for batch in data:
            x, y = _to(batch, device)
            outputs = model(x)
            totals.add(outputs, y, loss_fn(outputs, y).item())
    model.train(was_training)
    if totals.samples == 0:
        raise ValueError("evaluate: the data has no batches")
    return totals.means("")


def fit(model, loss_fn, optimizer, train_data, val_data=None, epochs=10, callbacks=(), metrics=None,
        device=None, max_grad_norm=None, progress=True):
    """Train model for `epochs` passes over train_data, measuring val_data after each; returns a History.

    train_data and val_data yield (inputs, targets) batches (a DataLoader). metrics maps names to
    functions f(outputs, targets) -> number, averaged over samples like the loss; accuracy is added
    by itself when the outputs are class scores for integer labels. max_grad_norm clips the
    gradients' total norm before each step. callbacks (EarlyStopping, ModelCheckpoint,
    SchedulerStep, ...) are called after every batch and epoch; a ProgressBar is added unless one
    is given or progress=False. Stops at once with DivergenceError if the loss becomes NaN or inf.
    On several ranks (see above), model must be a DistributedDataParallel.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    several = _several_ranks()
    if several and not isinstance(model, DistributedDataParallel):
        raise ValueError(f"fit: this process is one of {distributed.get_world_size()} ranks; wrap the model in "
                         "nn.parallel.DistributedDataParallel, or each rank trains a model of its own")
    metrics = dict(metrics or {})
    callbacks = list(callbacks)
    if progress and not any(isinstance(c, ProgressBar) for c in callbacks):
        callbacks.append(ProgressBar())
    if device is not None:
        model.to(device)
    history = History()
    state = FitState(model, optimizer, history, epochs, _length(train_data))
    for callback in callbacks:
        callback.on_fit_begin(state)
    try:
        for epoch in range(1, epochs + 1):
            state.epoch = epoch
            for callback in callbacks:
                callback.on_epoch_begin(state)
            started = time.perf_counter()
            model.train()
            _start_epoch(train_data, epoch)
            totals = _Totals(metrics, several)
            for state.batch, batch in enumerate(train_data, start=1):
                x, y = _to(batch, device)
                outputs = model(x)                 # forward pass
                loss = loss_fn(outputs, y)         # how wrong
                value = loss.item()
                if not math.isfinite(value):
                    history.diverged = (epoch, state.batch)
                    raise DivergenceError(f"the loss became {value} at epoch {epoch}, batch {state.batch}: "
                                          "training diverged (try a lower learning rate)", history)
                optimizer.zero_grad()
                loss.backward()                    # backward pass: every parameter's .grad
                if max_grad_norm is not None:
                    clip_grad_norm_(model.parameters(), max_grad_norm)
                optimizer.step()                   # parameter update
                correct = totals.add(outputs.detach(), y, value)
                state.batch_logs = {"loss": value, "samples": len(y), "correct": correct}
                for callback in callbacks:
                    callback.on_batch_end(state)
            record = {"epoch": epoch, **totals.means("train_")}
            if val_data is not None:
                record.update({f"val_{k}": v for k, v in
                               evaluate(model, loss_fn, val_data, metrics, device, several).items()})
            record["lr"] = optimizer.param_groups[0]["lr"]
            record["seconds"] = time.perf_counter() - started
            history.append(record)
            for callback in callbacks:
                callback.on_epoch_end(state)
            if state.stop:
                history.stopped_epoch = epoch
                break
    finally:
        for callback in callbacks:
            callback.on_fit_end(state)
    if several:
        distributed.barrier()  # what rank 0 wrote (checkpoints) is there for every rank
    return history


def _start_epoch(data, epoch):
    """A sampler that shuffles per epoch (DistributedSampler) is told the epoch (0 for the first)."""
    sampler = getattr(data, "sampler", None)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch - 1)


def _length(data):
    try:
        return len(data)
    except TypeError:
        return None
