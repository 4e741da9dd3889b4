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

import contextlib
import math
import time
from collections.abc import Callable, Iterable, Sequence

from .. import autograd, distributed
from ..autograd import no_grad
from ..backend import DeviceLike
from ..io import load
from ..nn import Module
from ..nn.parallel import DistributedDataParallel
from ..nn.utils import clip_grad_norm_
from ..optim import Optimizer
from .callbacks import Callback, ProgressBar
from .history import History
from .state import FitState, Totals, random_states, set_random_states


class DivergenceError(RuntimeError):
    """The loss, the gradients or the validation loss became NaN or infinite: training has diverged
    (often a learning rate too high). `history` holds the epochs measured before it (its `diverged`
    says where it happened)."""

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


def _to(batch, device):
    return batch if device is None else tuple(t.to(device) for t in batch)


def _several_ranks():
    return distributed.is_initialized() and distributed.get_world_size() > 1


def evaluate(model: Module, loss_fn: Callable, data: Iterable, metrics: dict[str, Callable] | None = None,
             device: DeviceLike | None = None, across_ranks: bool = False) -> dict[str, float]:
    """Mean loss (and accuracy, for classification) of model over data, in eval mode, without a graph;
    across_ranks: over the data of every rank of the process group (each rank calls it with its share)."""
    was_training = model.training
    model.eval()
    totals = Totals(metrics or {}, across_ranks)
    with no_grad():
        for batch in data:
            x, y = _to(batch, device)
            outputs = model(x)
            totals.add(outputs, y, loss_fn(outputs, y).item())
    model.train(was_training)
    if totals.samples == 0:
        raise ValueError("evaluate: the data has no batches")
    return totals.means("")


def fit(model: Module, loss_fn: Callable, optimizer: Optimizer, train_data: Iterable, val_data: Iterable | None = None,
        epochs: int = 10, callbacks: Sequence[Callback] = (), metrics: dict[str, Callable] | None = None,
        device: DeviceLike | None = None, max_grad_norm: float | None = None, progress: bool = True, scaler=None,
        resume_from: str | None = None, detect_anomaly: bool = False) -> History:
    """Train model for `epochs` passes over train_data, measuring val_data after each; returns a History.

    train_data and val_data yield (inputs, targets) batches (a DataLoader). metrics maps names to
    functions f(outputs, targets) -> number, averaged over samples like the loss; accuracy is added
    by itself when the outputs are class scores for integer labels. max_grad_norm clips the
    gradients' total norm before each step. scaler (an amp.GradScaler) scales the loss and takes the
    step. callbacks (EarlyStopping, ModelCheckpoint, SchedulerStep, ...) are called after every batch
    and epoch, those that save (ModelCheckpoint) after the others; a ProgressBar is added unless one
    is given or progress=False.

    resume_from: a training checkpoint (ModelCheckpoint(save_last=True) writes one) of a fit with the
    same model, optimizer, data and callbacks, which then continues exactly where it was saved, to
    the same weights an uninterrupted run would reach. detect_anomaly=True runs the fit under
    ember.autograd.detect_anomaly(), which names the first op that makes a NaN or an infinity.

    Stops with DivergenceError, naming epoch and batch, when the loss or the gradients become NaN or
    infinite (before the optimizer step, so the weights stay finite), or the validation loss does.
    On several ranks (see above), model must be a DistributedDataParallel.
    """
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    several = _several_ranks()
    if several and not isinstance(model, DistributedDataParallel):
        raise ValueError(f"fit: this process is one of {distributed.get_world_size()} ranks; wrap the model in "
                         "nn.parallel.DistributedDataParallel, or each rank trains a model of its own")
    for name, data in (("train_data", train_data), ("val_data", val_data)):
        if data is not None and _length(data) == 0:
            raise ValueError(f"fit: {name} has no batches (an empty dataset, or drop_last=True with fewer samples "
                             "than a batch)")
    callbacks = sorted(callbacks, key=lambda callback: callback.saves)  # stable: the savers last
    if progress and not any(isinstance(c, ProgressBar) for c in callbacks):
        callbacks.append(ProgressBar())
    if device is not None:
        model.to(device)
    state = FitState(model, optimizer, History(), epochs, _length(train_data), callbacks, scaler,
                     {"train_data": train_data, "val_data": val_data}, dict(metrics or {}), several)
    for callback in callbacks:
        callback.on_fit_begin(state)
    if resume_from is not None:
        state.load_state_dict(load(resume_from), resume_from)
    anomaly_mode = autograd.detect_anomaly() if detect_anomaly else contextlib.nullcontext()
    try:
        with anomaly_mode:
            _run(state, loss_fn, train_data, val_data, device, max_grad_norm)
    finally:
        for callback in callbacks:
            callback.on_fit_end(state)
    if several:
        distributed.barrier()  # what rank 0 wrote (checkpoints) is there for every rank
    return state.history


def _run(state, loss_fn, train_data, val_data, device, max_grad_norm):
    """The epochs from where state stands (the next one, or the rest of one that a checkpoint was saved in)
    until the last or a callback's stop."""
    first = state.epoch + 1 if state.epoch_done else state.epoch
    for epoch in range(first, state.epochs + 1):
        if state.stop:
            break
        _epoch(state, epoch, loss_fn, train_data, val_data, device, max_grad_norm)
    if state.stop:
        state.history.stopped_epoch = state.epoch


def _epoch(state, epoch, loss_fn, train_data, val_data, device, max_grad_norm):
    """One pass over train_data (or the rest of one), then the validation and the epoch's record."""
    resumed = state.epoch == epoch and not state.epoch_done
    state.epoch, state.epoch_done = epoch, False
    for callback in state.callbacks:
        callback.on_epoch_begin(state)
    state.model.train()
    batches = _resumed_batches(state, train_data) if resumed else _new_batches(state, train_data)
    for state.batch, batch in enumerate(batches, start=state.batch + 1):
        _step(state, batch, loss_fn, device, max_grad_norm)
    if state.totals.samples == 0:
        raise ValueError(f"fit: train_data yielded no batches in epoch {epoch}")
    record = {"epoch": epoch, **state.totals.means("train_")}
    if val_data is not None:
        record.update({f"val_{k}": v for k, v in
                       evaluate(state.model, loss_fn, val_data, state.totals.metrics, device,
                                state.totals.across_ranks).items()})
    record["lr"] = state.optimizer.param_groups[0]["lr"]
    record["seconds"] = time.perf_counter() - state.epoch_started
    state.history.append(record)
    if val_data is not None and not math.isfinite(record["val_loss"]):
        state.history.diverged = (epoch, None)
        raise DivergenceError(f"the validation loss became {record['val_loss']} at epoch {epoch}: training "
                              "diverged (try a lower learning rate)", state.history)
    state.epoch_done = True
    for callback in state.callbacks:
        callback.on_epoch_end(state)


def _new_batches(state, train_data):
    """The batches of a new epoch, after noting the random generators' states as it begins."""
    state.batch = 0
    state.totals = Totals(state.totals.metrics, state.totals.across_ranks)
    state.epoch_started = time.perf_counter()
    state.rng_at_epoch_start = random_states(state.generators)
    _start_epoch(train_data, state.epoch)
    return iter(train_data)


def _resumed_batches(state, train_data):
    """The batches of the epoch that a checkpoint was saved in, after its first state.batch: the epoch's
    order is drawn again from the generators' states at its start, the batches done are skipped, and
    the generators are set back to their states at the save."""
    at_the_save = random_states(state.generators)
    set_random_states(state.generators, state.rng_at_epoch_start)
    _start_epoch(train_data, state.epoch)
    batches = iter(train_data)
    for _ in range(state.batch):
        next(batches)
    set_random_states(state.generators, at_the_save)
    return batches


def _step(state, batch, loss_fn, device, max_grad_norm):
    """One training step: forward, loss, backward, gradient check (and clipping), parameter update."""
    x, y = _to(batch, device)
    outputs = state.model(x)           # forward pass
    loss = loss_fn(outputs, y)         # how wrong
    value = loss.item()
    if not math.isfinite(value):
        state.history.diverged = (state.epoch, state.batch)
        origin = autograd.anomaly_origin(loss)
        raise DivergenceError(f"the loss became {value} at epoch {state.epoch}, batch {state.batch}: "
                              "training diverged (try a lower learning rate)"
                              + (f"; its infinity was first made by {origin}" if origin else ""), state.history)
    state.optimizer.zero_grad()
    (loss if state.scaler is None else state.scaler.scale(loss)).backward()  # every parameter's .grad
    if state.scaler is not None:
        state.scaler.unscale_(state.optimizer)
    _check_gradients(state, value, max_grad_norm)
    if state.scaler is None:
        state.optimizer.step()         # parameter update
    else:
        state.scaler.step(state.optimizer)
        state.scaler.update()
    state.step += 1
    correct = state.totals.add(outputs.detach(), y, value)
    state.batch_logs = {"loss": value, "samples": len(y), "correct": correct}
    for callback in state.callbacks:
        callback.on_batch_end(state)


def _check_gradients(state, loss, max_grad_norm):
    """Clip the gradients (with max_grad_norm), and stop before the step if any holds a NaN or an inf:
    found from their norm, or from their sum, one cheap reduction that is finite when they all are."""
    parameters = [p for p in state.model.parameters() if p.grad is not None]
    if not parameters:
        return
    if max_grad_norm is not None:
        total = float(clip_grad_norm_(parameters, max_grad_norm).item())
    else:
        total = float(sum(p.grad.array.sum() for p in parameters))
    if math.isfinite(total) or state.scaler is not None:
        return  # a GradScaler skips the step of non-finite gradients itself, and lowers its scale
    state.history.diverged = (state.epoch, state.batch)
    name = next((n for n, p in state.model.named_parameters()
                 if p.grad is not None and not bool(p.grad.isfinite().all())), None)
    where = f", first in '{name}'" if name is not None else ""
    raise DivergenceError(f"the gradients became NaN or infinite at epoch {state.epoch}, batch {state.batch}"
                          f"{where}, with a finite loss ({loss:.4g}): training stopped before the optimizer step, "
                          "so the weights are still finite (try a lower learning rate, max_grad_norm, or "
                          "detect_anomaly=True to find the op that made it)", state.history)


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
