"""Learning-rate schedules: change each parameter group's lr as training goes on.

A large learning rate makes fast progress early; a smaller one later settles into a minimum.
A scheduler sets `group["lr"]` of its optimizer once per step (or epoch):

    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train(...)             # optimizer.step() inside
        scheduler.step()       # after optimizer.step()

`last_epoch` counts the scheduler's steps; the constructor takes the first one (epoch 0), which
sets the starting lr. As in PyTorch, most schedules are computed as a change to the current lr
(so that two schedulers on one optimizer compose), and also have a closed form in the epoch,
used when SequentialLR restarts a schedule at a milestone.
"""

import math
import numbers
import warnings
from bisect import bisect_right

from .optimizer import Optimizer


def _check_optimizer(optimizer, owner):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: {type(optimizer).__name__} is not an Optimizer (pass the optimizer whose "
                        "learning rate it should change, e.g. ember.optim.SGD(model.parameters(), lr=0.1))")


def _check_count(owner, name, value):
    """A positive int (a number of steps)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive int, got {value!r}")


def _check_milestones(owner, milestones, low):
    """Milestones: increasing ints, the first at least low."""
    milestones = list(milestones)
    if any(isinstance(m, bool) or not isinstance(m, int) for m in milestones):
        raise TypeError(f"{owner}: milestones must be ints (epoch indices), got {milestones}")
    if milestones and (milestones[0] < low or any(a >= b for a, b in zip(milestones, milestones[1:]))):
        raise ValueError(f"{owner}: milestones must be increasing ints >= {low}, got {milestones}")
    return milestones


def _per_group(name, value, optimizer):
    """One value per parameter group: value itself for each, or a list with one per group."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have one value per parameter group ({len(optimizer.param_groups)}), "
                             f"got {len(value)}")
        return list(value)
    return [value] * len(optimizer.param_groups)


class LRScheduler:
    """Base class of the schedulers: subclasses give `get_lr()`, the lrs at epoch `last_epoch`."""

    _not_saved = ("optimizer",)  # attributes that state_dict() leaves out

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param_groups[{i}] has no 'initial_lr': a scheduler resumed with "
                                   f"last_epoch={last_epoch} needs the optimizer's state loaded first")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """The constructor's step to epoch 0 (last_epoch + 1), which sets the starting lrs."""
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self):
        raise NotImplementedError

    def _closed_form_lr(self):
        """The lrs at epoch last_epoch computed from base_lrs alone (for schedules given recursively)."""
        return self.get_lr()

    def get_last_lr(self):
        """The lrs the last step set, one per parameter group."""
        return self._last_lr

    def step(self):
        """Move to the next epoch and set its learning rates. Call it after optimizer.step()."""
        if self._step_count == 1 and self.optimizer._step_count == 0:
            warnings.warn("lr_scheduler.step() was called before optimizer.step(): call optimizer.step() "
                          "first, or the first learning rate of the schedule is skipped", UserWarning,
                          stacklevel=2)
        self._step_count += 1
        self.last_epoch += 1
        self._set_lrs(self.get_lr())

    def _restart(self):
        """Start the schedule again at epoch 0 (SequentialLR, at a milestone)."""
        self.last_epoch = 0
        self._set_lrs(self._closed_form_lr())

    def _set_lrs(self, lrs):
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """The scheduler's state (everything but the optimizer), to resume a run with load_state_dict."""
        return {key: value for key, value in vars(self).items() if key not in self._not_saved}

    def load_state_dict(self, state_dict):
        vars(self).update(state_dict)


class LambdaLR(LRScheduler):
    """lr = base_lr · lr_lambda(epoch), with one function for all groups or a list of one per group."""

    _not_saved = ("optimizer", "lr_lambdas")  # functions cannot be saved

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(optimizer, "LambdaLR")
        self.lr_lambdas = _per_group("lr_lambda", lr_lambda, optimizer)
        if not all(callable(f) for f in self.lr_lambdas):
            raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch (or a list of them), got {lr_lambda!r}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * f(self.last_epoch) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(LRScheduler):
    """Decay by gamma every step_size epochs: lr = base_lr · gamma^⌊epoch / step_size⌋."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        _check_count("StepLR", "step_size", step_size)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Decay by gamma at each milestone epoch: lr = base_lr · gamma^(number of milestones reached)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = _check_milestones("MultiStepLR", milestones, 0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lr(self):
        passed = bisect_right(self.milestones, self.last_epoch)
        return [base_lr * self.gamma ** passed for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Decay by gamma every epoch: lr = base_lr · gamma^epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from base_lr down to eta_min over T_max epochs (and back up after, periodically):

        lr = eta_min + (base_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):  # noqa: N803 (PyTorch's name)
        _check_count("CosineAnnealingLR", "T_max", T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        epoch, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        if (epoch - 1 - period) % (2 * period) == 0:  # leaving the bottom, where the ratio below is 0/0
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / period)) / 2
                    for lr, base_lr in zip(self._current_lrs(), self.base_lrs)]
        ratio = (1 + math.cos(math.pi * epoch / period)) / (1 + math.cos(math.pi * (epoch - 1) / period))
        return [eta_min + ratio * (lr - eta_min) for lr in self._current_lrs()]

    def _closed_form_lr(self):
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Linear warm-up (or decay) of the lr's factor from start_factor to end_factor over total_iters epochs:

        lr = base_lr · (start_factor + (end_factor - start_factor) · min(epoch, total_iters) / total_iters)
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor}")
        _check_count("LinearLR", "total_iters", total_iters)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in self._current_lrs()]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        # The factor at this epoch over the factor at the last one.
        change = self.end_factor - self.start_factor
        ratio = 1 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change)
        return [lr * ratio for lr in self._current_lrs()]

    def _closed_form_lr(self):
        progress = min(self.total_iters, self.last_epoch) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [base_lr * factor for base_lr in self.base_lrs]


class SequentialLR(LRScheduler):
    """Run schedulers one after another: schedulers[i] from milestones[i - 1] on, each restarted at
    its epoch 0 (e.g. LinearLR warm-up for 5 epochs, then CosineAnnealingLR)."""

    _not_saved = ("optimizer", "_schedulers")

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_optimizer(optimizer, "SequentialLR")
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError("SequentialLR needs at least one scheduler")
        for i, scheduler in enumerate(schedulers):
            if not isinstance(scheduler, LRScheduler) or isinstance(scheduler, ReduceLROnPlateau):
                raise TypeError(f"SequentialLR: schedulers[{i}] is a {type(scheduler).__name__}; it takes "
                                "epoch-based schedulers (ReduceLROnPlateau needs a metric in step())")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"SequentialLR: schedulers[{i}] ({type(scheduler).__name__}) belongs to another "
                                 "optimizer; all of them must change this one's learning rate")
        milestones = _check_milestones("SequentialLR", milestones, 1)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR: {len(schedulers)} schedulers need {len(schedulers) - 1} milestones "
                             f"(where each one after the first starts), got {len(milestones)}")
        self.optimizer = optimizer
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        # Every scheduler took its initial step when it was made; undo those and start the first one.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            scheduler.last_epoch -= 1
        schedulers[0]._initial_step()
        self._last_lr = schedulers[0].get_last_lr()

    def step(self):
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._restart()
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        for scheduler, saved in zip(self._schedulers, state.pop("_schedulers")):
            scheduler.load_state_dict(saved)
        super().load_state_dict(state)


class OneCycleLR(LRScheduler):
    """The 1cycle policy, stepped once per batch: the lr rises from max_lr / div_factor to max_lr over
    the first pct_start of total_steps, then anneals to max_lr / (div_factor · final_div_factor)
    (cos or linear); momentum (or Adam's beta1) cycles the opposite way, max_momentum ↔ base_momentum.
    three_phase comes back down to the start before the final annealing.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        _check_optimizer(optimizer, "OneCycleLR")
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
            _check_count("OneCycleLR", "epochs", epochs)
            _check_count("OneCycleLR", "steps_per_epoch", steps_per_epoch)
            total_steps = epochs * steps_per_epoch
        _check_count("OneCycleLR", "total_steps", total_steps)
        if not isinstance(pct_start, numbers.Real) or not 0 <= pct_start <= 1:
            raise ValueError(f"OneCycleLR: pct_start must be a number in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.total_steps = total_steps
        self.anneal_strategy = anneal_strategy
        warm_up_end = float(pct_start * total_steps) - 1
        # (last step, lr key at start, at end, momentum key at start, at end): the keys name group entries.
        if three_phase:
            self._phases = [(warm_up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (2 * warm_up_end, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                            (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self._phases = [(warm_up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, _per_group("max_lr", max_lr, optimizer)):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(f"OneCycleLR: cycle_momentum needs an optimizer with momentum or betas, "
                                 f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)")
            self.use_beta1 = "betas" in optimizer.defaults
            if last_epoch == -1:
                for group, top, bottom in zip(optimizer.param_groups,
                                              _per_group("max_momentum", max_momentum, optimizer),
                                              _per_group("base_momentum", base_momentum, optimizer)):
                    self._set_momentum(group, top)
                    group["max_momentum"] = top
                    group["base_momentum"] = bottom
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group, momentum):
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR was stepped {step} times, but total_steps is {self.total_steps}: "
                             "make total_steps (or epochs × steps_per_epoch) cover every step of training")
        lrs = []
        for group in self.optimizer.param_groups:
            phase_start = 0.0
            for i, (phase_end, lr_start, lr_end, momentum_start, momentum_end) in enumerate(self._phases):
                if step <= phase_end or i == len(self._phases) - 1:
                    pct = (step - phase_start) / (phase_end - phase_start)
                    lrs.append(self._anneal(group[lr_start], group[lr_end], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[momentum_start], group[momentum_end], pct))
                    break
                phase_start = phase_end
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Cut the lr by factor when a metric (e.g. the validation loss) has stopped improving for more than
    patience epochs; then wait cooldown epochs, and never go below min_lr. step(metric) once per epoch.

    Improving means below best·(1 - threshold) in mode "min" with threshold_mode "rel" (above
    best·(1 + threshold) in mode "max"), or past best ∓ threshold with threshold_mode "abs".
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        _check_optimizer(optimizer, "ReduceLROnPlateau")
        if not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1) (it multiplies the lr), got {factor}")
        self.optimizer = optimizer
        self.factor = factor
        self.min_lrs = _per_group("min_lr", min_lr, optimizer)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self._set_mode(mode, threshold, threshold_mode)
        self.best = self.mode_worse
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def _set_mode(self, mode, threshold, threshold_mode):
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def _is_better(self, value, best):
        rel = self.threshold_mode == "rel"
        if self.mode == "min":
            return value < (best * (1 - self.threshold) if rel else best - self.threshold)
        return value > (best * (1 + self.threshold) if rel else best + self.threshold)

    def step(self, metrics):
        """Record this epoch's metric (a number, or a one-element tensor) and cut the lr if it has plateaued."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during the cooldown do not count
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self._set_mode(self.mode, self.threshold, self.threshold_mode)


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.optim.lr_scheduler", name)
