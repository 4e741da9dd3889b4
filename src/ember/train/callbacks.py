"""Callbacks: small objects that fit() calls after every batch and epoch, to watch or steer training.

On several ranks (ember.distributed) every rank runs them alike, and those that print or write files
(ProgressBar, ModelCheckpoint) do so on rank 0 only.
"""

import math
import os
import sys
import time

from .. import distributed
from ..io import save
from ..nn.parallel import DistributedDataParallel
from ..optim.lr_scheduler import ReduceLROnPlateau
from ..tensor import Tensor


class Callback:
    """Base class: override the moments you need. Each receives the loop's FitState. A callback with
    state of its own returns it from state_dict() and takes it back in load_state_dict(), so that a
    training checkpoint holds it; one that saves checkpoints sets `saves = True` to run after the others."""

    saves = False

    def state_dict(self):
        return {}

    def load_state_dict(self, state_dict):
        pass

    def on_fit_begin(self, state):
        pass

    def on_epoch_begin(self, state):
        pass

    def on_batch_end(self, state):
        pass

    def on_epoch_end(self, state):
        pass

    def on_fit_end(self, state):
        pass


class _Monitor:
    """Tracks the best value of one history column: lower is better for losses, higher for the rest."""

    def __init__(self, monitor, mode, min_delta):
        if mode == "auto":
            mode = "min" if "loss" in monitor else "max"
        if mode not in ("min", "max"):
            raise ValueError(f"mode is 'min', 'max' or 'auto', got {mode!r}")
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(min_delta)
        self.reset()

    def reset(self):
        self.best, self.best_epoch = (math.inf if self.mode == "min" else -math.inf), None

    def state_dict(self):
        return {"best": self.best, "best_epoch": self.best_epoch}

    def load_state_dict(self, state_dict):
        self.best, self.best_epoch = state_dict["best"], state_dict["best_epoch"]

    def improved(self, state):
        """Read the last epoch's value; True (and remember it) if it beats the best by min_delta."""
        record = state.history.records[-1]
        if self.monitor not in record:
            raise KeyError(f"{type(self).__name__}: no '{self.monitor}' in the history; "
                           f"it has {', '.join(record)} (pass val_data to fit to get val_ columns)")
        value = record[self.monitor]
        better = value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta
        if better:
            self.best, self.best_epoch = value, record["epoch"]
        return better


def is_main_process():
    """Whether this process prints and writes: rank 0, or the only process."""
    return not distributed.is_initialized() or distributed.get_rank() == 0


def _unwrapped(model):
    """The model inside a DistributedDataParallel (whose state_dict keys would start with "module.")."""
    return model.module if isinstance(model, DistributedDataParallel) else model


def _copy_of_weights(model):
    return {name: Tensor(tensor.array.copy()) for name, tensor in model.state_dict().items()}


class EarlyStopping(_Monitor, Callback):
    """Stop training when the monitored number has not improved for `patience` epochs, and (by
    default) put back the weights of the best epoch: the simplest cure for overfitting."""

    def __init__(self, monitor="val_loss", mode="auto", patience=5, min_delta=0.0, restore_best_weights=True):
        super().__init__(monitor, mode, min_delta)
        if not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be a positive int, got {patience!r}")
        self.patience, self.restore_best_weights = patience, restore_best_weights

    def on_fit_begin(self, state):
        self.reset()
        self.waited, self.best_weights, self.stopped_epoch = 0, None, None

    def state_dict(self):
        return {**super().state_dict(), "waited": self.waited, "best_weights": self.best_weights,
                "stopped_epoch": self.stopped_epoch}

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self.waited, self.best_weights = state_dict["waited"], state_dict["best_weights"]
        self.stopped_epoch = state_dict["stopped_epoch"]

    def on_epoch_end(self, state):
        if self.improved(state):
            self.waited = 0
            if self.restore_best_weights:
                self.best_weights = _copy_of_weights(state.model)
        else:
            self.waited += 1
            if self.waited >= self.patience:
                state.stop = True
                self.stopped_epoch = state.epoch

    def on_fit_end(self, state):
        if self.restore_best_weights and self.best_weights is not None and self.best_epoch != state.epoch:
            state.model.load_state_dict(self.best_weights)


class ModelCheckpoint(_Monitor, Callback):
    """Save the model's state_dict to `path` (safetensors, written atomically) after each epoch that
    improves the monitored number (every epoch with save_best_only=False). Of a DistributedDataParallel,
    the state_dict of the model inside, which loads on any number of ranks; only rank 0 writes.

    With save_last=True it also writes a training checkpoint, all that fit(resume_from=...) needs to
    continue the run exactly (see ember.train.state), to last_path (default: last.safetensors beside
    path) at the end of every epoch, and every_n_steps optimizer steps if given. It runs after the
    other callbacks, so that what it saves includes their work on the same batch or epoch."""

    saves = True

    def __init__(self, path, monitor="val_loss", mode="auto", save_best_only=True, save_last=False,
                 every_n_steps=None, last_path=None):
        super().__init__(monitor, mode, 0.0)
        if every_n_steps is not None and (isinstance(every_n_steps, bool) or not isinstance(every_n_steps, int)
                                          or every_n_steps < 1):
            raise ValueError(f"ModelCheckpoint: every_n_steps must be a positive int or None, got {every_n_steps!r}")
        if every_n_steps is not None and not save_last:
            raise ValueError("ModelCheckpoint: every_n_steps saves the training checkpoint, so it needs save_last=True")
        self.path, self.save_best_only = path, save_best_only
        self.save_last, self.every_n_steps = save_last, every_n_steps
        self.last_path = last_path or os.path.join(os.path.dirname(os.fspath(path)), "last.safetensors")
        if save_last and os.path.abspath(self.last_path) == os.path.abspath(path):
            raise ValueError(f"ModelCheckpoint: the training checkpoint and the best weights would both be {path}; "
                             "give another last_path")

    def on_fit_begin(self, state):
        self.reset()

    def on_batch_end(self, state):
        if self.every_n_steps is not None and state.step % self.every_n_steps == 0:
            self._save_last(state)

    def _save_last(self, state):
        """Write the training checkpoint: every rank takes part in collecting it, rank 0 alone writes it."""
        checkpoint = state.state_dict()
        if is_main_process():
            save(checkpoint, self.last_path)

    def on_epoch_end(self, state):
        if (self.improved(state) or not self.save_best_only) and is_main_process():
            save(_unwrapped(state.model).state_dict(), self.path)
        if self.save_last:
            self._save_last(state)


class SchedulerStep(Callback):
    """Step a learning-rate scheduler after every epoch (or every batch, with interval='batch').
    ReduceLROnPlateau gets the monitored number of the epoch."""

    def __init__(self, scheduler, interval="epoch", monitor="val_loss"):
        if interval not in ("epoch", "batch"):
            raise ValueError(f"SchedulerStep: interval is 'epoch' or 'batch', got {interval!r}")
        self.scheduler, self.interval, self.monitor = scheduler, interval, monitor

    def state_dict(self):
        return {"scheduler": self.scheduler.state_dict()}

    def load_state_dict(self, state_dict):
        self.scheduler.load_state_dict(state_dict["scheduler"])

    def on_batch_end(self, state):
        if self.interval == "batch":
            self.scheduler.step()

    def on_epoch_end(self, state):
        if self.interval != "epoch":
            return
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.step(state.history.records[-1][self.monitor])
        else:
            self.scheduler.step()


class ProgressBar(Callback):
    """Shows training as it goes: on a terminal, a per-batch bar with loss, accuracy, samples/s and
    the time left (tqdm, when installed); otherwise one plain line per epoch. Only rank 0 shows it.
    iterations_per_epoch, for a language model's fit whose "epochs" are stretches of that many
    iterations between two measurements, makes the lines count iterations instead."""

    def __init__(self, stream=None, iterations_per_epoch=None):
        self.stream, self.iterations_per_epoch = stream, iterations_per_epoch

    def on_fit_begin(self, state):
        self.out = self.stream or sys.stdout
        self.shown = is_main_process()
        self.bar = None
        try:
            import tqdm
        except ImportError:
            tqdm = None
        self.tqdm = tqdm if tqdm is not None and self.out.isatty() and self.shown else None

    def on_epoch_begin(self, state):
        self.started, self.samples, self.loss_sum, self.correct = time.perf_counter(), 0, 0.0, None
        if self.tqdm is not None:
            self.bar = self.tqdm.tqdm(total=state.batches_per_epoch, file=self.out, leave=False,
                                      desc=f"epoch {state.epoch}/{state.epochs}", unit="batch")

    def on_batch_end(self, state):
        logs = state.batch_logs
        self.samples += logs["samples"]
        self.loss_sum += logs["loss"] * logs["samples"]
        if logs.get("correct") is not None:
            self.correct = (self.correct or 0) + logs["correct"]
        if self.bar is not None:
            shown = {"loss": f"{self.loss_sum / self.samples:.4f}"}
            if self.correct is not None:
                shown["acc"] = f"{100 * self.correct / self.samples:.1f}%"
            shown["samples/s"] = f"{self.samples / max(time.perf_counter() - self.started, 1e-9):,.0f}"
            self.bar.set_postfix(shown)
            self.bar.update(1)

    def on_epoch_end(self, state):
        if self.bar is not None:
            self.bar.close()
        if self.shown:  # samples of every rank
            samples = self.samples * (distributed.get_world_size() if distributed.is_initialized() else 1)
            print(format_epoch(state.history.records[-1], state.epochs, samples, self.iterations_per_epoch),
                  file=self.out, flush=True)


def format_epoch(record, epochs, samples, iterations_per_epoch=None):
    """One line about an epoch: 'epoch 3/20  train loss 0.1234 acc 96.5%  val loss ...' (or 'iteration
    600/2000  ...' with iterations_per_epoch)."""
    if iterations_per_epoch is None:
        parts = [f"epoch {record['epoch']}/{epochs}"]
    else:
        parts = [f"iteration {record['epoch'] * iterations_per_epoch}/{epochs * iterations_per_epoch}"]
    for prefix in ("train_", "val_"):
        if f"{prefix}loss" in record:
            part = f"{prefix[:-1]} loss {record[prefix + 'loss']:.4f}"
            if f"{prefix}accuracy" in record:
                part += f" acc {100 * record[prefix + 'accuracy']:.1f}%"
            parts.append(part)
    parts.append(f"lr {record['lr']:.3g}")
    parts.append(f"{samples / max(record['seconds'], 1e-9):,.0f} samples/s")
    parts.append(f"{record['seconds']:.1f} s")
    return "  ".join(parts)
