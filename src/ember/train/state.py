"""The state of a fit, and the training checkpoint that lets a killed run resume exactly.

A training checkpoint (ModelCheckpoint(save_last=True) writes one, fit(resume_from=...) reads it) holds
everything the rest of the run depends on: the model's weights and buffers, the optimizer's state, the
grad scaler's, each callback's (the scheduler of SchedulerStep, the counters and best values of
EarlyStopping and ModelCheckpoint), the History, where the loop stood (epoch, batch, optimizer step),
the running sums of the epoch so far, and the state of every random generator that the run draws from:
the default ones and those of the data loaders' samplers, both now and as they were when the epoch
began. On several ranks (ember.distributed), the running sums and the generators differ from rank to rank:
the checkpoint holds those of every rank ("ranks", one entry per rank), and resumes on as many.
A run resumed in the middle of an epoch sets the generators back to the epoch's start, draws
the epoch's order of batches again, skips the batches already done, and sets the generators to where
they stood at the save: from there on it computes exactly what the uninterrupted run computed.
"""

import time

import numpy as np

from .. import backend, distributed
from ..creation import tensor

FORMAT = "ember.fit.1"  # the "format" entry of a training checkpoint
# Where a DataLoader keeps a generator of its own: given to it, or to its sampler or batch sampler.
GENERATOR_PLACES = ("generator", "sampler.generator", "batch_sampler.sampler.generator")


class FitState:
    """What callbacks see and may change during fit(): the model, optimizer and history, where the
    loop is (epoch, batch of the epoch, step: optimizer steps in all), the last batch's numbers, and
    `stop` (set it to end training). state_dict() is the training checkpoint of this moment."""

    def __init__(self, model, optimizer, history, epochs, batches_per_epoch, callbacks=(), scaler=None,
                 data=None, metrics=None, across_ranks=False):
        self.model, self.optimizer, self.history = model, optimizer, history
        self.epochs, self.batches_per_epoch = epochs, batches_per_epoch
        self.callbacks, self.scaler = list(callbacks), scaler
        self.generators = generators_of(data or {})
        self.epoch = self.batch = self.step = 0
        self.epoch_done = True  # the epoch `epoch` has its record in the history
        self.batch_logs = {}
        self.stop = False
        self.totals = Totals(metrics or {}, across_ranks)  # the running sums of the epoch
        self.epoch_started = time.perf_counter()
        self.rng_at_epoch_start = random_states(self.generators)

    def state_dict(self):
        """The training checkpoint of this moment, for ember.save (see the module's docstring)."""
        return {"format": FORMAT, "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "scaler": None if self.scaler is None else self.scaler.state_dict(),
                "callbacks": _callback_states(self.callbacks),
                "history": self.history.to_dict(),
                "position": {"epoch": self.epoch, "batch": self.batch, "step": self.step,
                             "epoch_done": self.epoch_done, "stop": self.stop,
                             "seconds": time.perf_counter() - self.epoch_started},
                "ranks": self._parts_of_every_rank()}

    def _parts_of_every_rank(self):
        """[what differs between the ranks: the epoch's running sums and the generators' states] of each rank
        (on several ranks every rank calls this: it gathers them)."""
        own = {"totals": self.totals.state_dict(), "rng": random_states(self.generators),
               "rng_at_epoch_start": self.rng_at_epoch_start}
        if not self.totals.across_ranks:
            return [own]
        everywhere = [None] * distributed.get_world_size()
        distributed.all_gather_object(everywhere, dict(own, rng=_as_lists(own["rng"]),
                                                       rng_at_epoch_start=_as_lists(self.rng_at_epoch_start)))
        return [dict(part, rng=_as_states(part["rng"]), rng_at_epoch_start=_as_states(part["rng_at_epoch_start"]))
                for part in everywhere]

    def load_state_dict(self, saved, source="the checkpoint"):
        """Take the moment that state_dict() saved (after on_fit_begin: the callbacks' own states are
        overwritten); source names the checkpoint in errors."""
        if not isinstance(saved, dict) or saved.get("format") != FORMAT:
            raise ValueError(f"fit: {source} is not a training checkpoint (ModelCheckpoint(save_last=True) writes "
                             "them); a file of weights alone loads with model.load_state_dict(ember.load(path))")
        mine = _part_of_this_rank(saved["ranks"], self.totals.across_ranks, source)
        callbacks = _keyed(self.callbacks)
        _check_same_keys(source, "callbacks", set(_callback_states(self.callbacks)), set(saved["callbacks"]))
        _check_same_keys(source, "random generators", set(self.generators) - {"cuda"},
                         set(mine["rng"]) - {"cuda"})
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        if self.scaler is not None and saved["scaler"] is not None:
            self.scaler.load_state_dict(saved["scaler"])
        for key, state in saved["callbacks"].items():
            callbacks[key].load_state_dict(state)
        self.history.load_state_dict(saved["history"])
        position = saved["position"]
        self.epoch, self.batch, self.step = position["epoch"], position["batch"], position["step"]
        self.epoch_done, self.stop = position["epoch_done"], position["stop"]
        self.epoch_started = time.perf_counter() - position["seconds"]
        self.totals.load_state_dict(mine["totals"])
        self.rng_at_epoch_start = mine["rng_at_epoch_start"]
        set_random_states(self.generators, mine["rng"])


def _part_of_this_rank(parts, across_ranks, source):
    """This rank's entry of a checkpoint's "ranks", refused unless it was saved on as many ranks as there are."""
    size = distributed.get_world_size() if across_ranks else 1
    if len(parts) != size:
        raise ValueError(f"fit: {source} was saved by a fit on {len(parts)} processes: resume it on {len(parts)}, "
                         f"not {size}")
    return parts[distributed.get_rank() if across_ranks else 0]


def _as_lists(states):
    """Generator states (uint8 tensors) as lists of ints, which all_gather_object sends (as JSON)."""
    return {name: state.tolist() for name, state in states.items()}


def _as_states(lists):
    return {name: tensor(np.array(values, np.uint8)) for name, values in lists.items()}


class Totals:
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
        if is_classification(outputs, targets):
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

    def state_dict(self):
        return {"samples": self.samples, "loss": self.loss, "correct": self.correct,
                "classification": self.classification, "extra": dict(self.extra)}

    def load_state_dict(self, saved):
        self.samples, self.loss, self.correct = saved["samples"], saved["loss"], saved["correct"]
        self.classification, self.extra = saved["classification"], dict(saved["extra"])


def is_classification(outputs, targets):
    """Class scores (N, C) against integer labels (N,): accuracy makes sense."""
    return targets.dtype.kind in "iu" and outputs.ndim == 2 and targets.ndim == 1


def _callback_states(callbacks):
    """{key: state} of the callbacks that have a state of their own (see _keyed)."""
    states = {key: callback.state_dict() for key, callback in _keyed(callbacks).items()}
    return {key: state for key, state in states.items() if state}


def _keyed(callbacks):
    """The callbacks by a key that a resumed fit with the same callbacks gives them again: their class and
    their place among the callbacks of that class ("EarlyStopping.0")."""
    keys, counts = {}, {}
    for callback in callbacks:
        name = type(callback).__name__
        keys[f"{name}.{counts.get(name, 0)}"] = callback
        counts[name] = counts.get(name, 0) + 1
    return keys


def _check_same_keys(source, what, here, saved):
    if here != saved:
        raise ValueError(f"fit: {source} was saved by a fit with other {what}: it has "
                         f"{', '.join(sorted(saved)) or 'none'}, this fit has {', '.join(sorted(here)) or 'none'}; "
                         "resume with the same ones")


def generators_of(data):
    """{name: Generator} of every random generator that a fit draws from: the default generators ("cpu", and
    "cuda" where there is a GPU) and those of the data loaders in data ({"train_data": loader, ...})."""
    found = {"cpu": backend.default_generator(backend.CPU)}
    if backend.cuda_available():
        found["cuda"] = backend.default_generator(backend.Device("cuda"))
    for label, loader in data.items():
        for place in GENERATOR_PLACES:
            generator = _follow(loader, place)
            if isinstance(generator, backend.Generator) and all(generator is not g for g in found.values()):
                found[f"{label}.{place}"] = generator
    return found


def _follow(obj, dotted):
    for name in dotted.split("."):
        obj = getattr(obj, name, None)
    return obj


def random_states(generators):
    """{name: the generator's state (a uint8 tensor)}."""
    return {name: generator.get_state() for name, generator in generators.items()}


def set_random_states(generators, states):
    """Set each generator to its state in states (a GPU's generator is left where the states lack it)."""
    for name, generator in generators.items():
        if name in states:
            generator.set_state(states[name])
