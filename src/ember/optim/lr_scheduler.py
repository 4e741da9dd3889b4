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
used when SequentialLR restarts a schedule at a milestone, and by step(epoch), which jumps to an epoch
(deprecated in PyTorch, and kept for the scripts that still call it).
"""

import math
import numbers
import warnings
from bisect import bisect_right

from .optimizer import Optimizer, check_count


def check_optimizer(optimizer, owner):
    """Refuse anything but an ember optimizer, naming the scheduler that was given it."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: {type(optimizer).__name__} is not an Optimizer (pass the optimizer whose "
                        "learning rate it should change, e.g. ember.optim.SGD(model.parameters(), lr=0.1))")


def _check_milestones(owner, milestones, low):
    """Milestones: increasing ints, the first at least low."""
    milestones = list(milestones)
    if any(isinstance(m, bool) or not isinstance(m, int) for m in milestones):
        raise TypeError(f"{owner}: milestones must be ints (epoch indices), got {milestones}")
    if milestones and (milestones[0] < low or any(a >= b for a, b in zip(milestones, milestones[1:]))):
        raise ValueError(f"{owner}: milestones must be increasing ints >= {low}, got {milestones}")
    return milestones


def _check_lambdas(owner, lr_lambda, optimizer):
    """One function of the epoch per parameter group: lr_lambda itself for each, or a list of one per group."""
    lr_lambdas = per_group("lr_lambda", lr_lambda, optimizer)
    if not all(callable(f) for f in lr_lambdas):
        raise TypeError(f"{owner}: lr_lambda must be a function of the epoch (or a list of them), got {lr_lambda!r}")
    return lr_lambdas


def _momentum_key(owner, optimizer):
    """Whether a schedule that cycles the momentum changes Adam's beta1 (True) or the momentum (False)."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"{owner}: cycle_momentum needs an optimizer with momentum or betas, "
                         f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)")
    return "betas" in optimizer.defaults


def _set_momentum(group, momentum, use_beta1):
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def per_group(name, value, optimizer):
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
        check_optimizer(optimizer, type(self).__name__)
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

    def step(self, epoch=None):
        """Move to the next epoch and set its learning rates. Call it after optimizer.step().
        step(epoch) jumps to that epoch instead (deprecated in PyTorch: it warns)."""
        self._count_step()
        if epoch is None:
            self.last_epoch += 1
            self._set_lrs(self.get_lr())
        else:
            warnings.warn("scheduler.step(epoch) is deprecated (as in PyTorch): call scheduler.step() once per "
                          "epoch; with an epoch the schedule's closed form is used where it has one",
                          UserWarning, stacklevel=2)
            self._jump(epoch)

    def _count_step(self):
        if self._step_count == 1 and self.optimizer._step_count == 0:
            warnings.warn("lr_scheduler.step() was called before optimizer.step(): call optimizer.step() "
                          "first, or the first learning rate of the schedule is skipped", UserWarning,
                          stacklevel=3)
        self._step_count += 1

    def _jump(self, epoch):
        """Go straight to epoch and set its learning rates (SequentialLR restarts a schedule with _jump(0))."""
        self.last_epoch = epoch
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
        check_optimizer(optimizer, "LambdaLR")
        self.lr_lambdas = _check_lambdas("LambdaLR", lr_lambda, optimizer)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * f(self.last_epoch) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(LRScheduler):
    """Multiply the lr by lr_lambda(epoch) every epoch after the first: lr = base_lr · f(1) · f(2) ··· f(epoch)."""

    _not_saved = ("optimizer", "lr_lambdas")  # functions cannot be saved

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        check_optimizer(optimizer, "MultiplicativeLR")
        self.lr_lambdas = _check_lambdas("MultiplicativeLR", lr_lambda, optimizer)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch <= 0:
            return self._current_lrs()
        return [lr * f(self.last_epoch) for f, lr in zip(self.lr_lambdas, self._current_lrs())]


class StepLR(LRScheduler):
    """Decay by gamma every step_size epochs: lr = base_lr · gamma^⌊epoch / step_size⌋."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if isinstance(step_size, bool) or not isinstance(step_size, numbers.Real) or not step_size > 0:
            raise ValueError(f"StepLR: step_size must be a positive number of epochs, got {step_size!r}")
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
        check_count("CosineAnnealingLR", "T_max", T_max)
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


class ConstantLR(LRScheduler):
    """A constant factor for the first total_iters epochs, then the base lr:
    lr = base_lr · factor until epoch total_iters, base_lr from then on."""

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if not 0 < factor <= 1:
            raise ValueError(f"ConstantLR: factor must be in (0, 1], got {factor}")
        check_count("ConstantLR", "total_iters", total_iters)
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [lr / self.factor for lr in self._current_lrs()]

    def _closed_form_lr(self):
        factor = 1.0 if self.last_epoch >= self.total_iters else self.factor
        return [base_lr * factor for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Linear warm-up (or decay) of the lr's factor from start_factor to end_factor over total_iters epochs:

        lr = base_lr · (start_factor + (end_factor - start_factor) · min(epoch, total_iters) / total_iters)
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor}")
        check_count("LinearLR", "total_iters", total_iters)
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


class PolynomialLR(LRScheduler):
    """Decay to zero over total_iters epochs along a polynomial of the remaining fraction:

        lr = base_lr · (1 - min(epoch, total_iters) / total_iters)^power       (power 1: a straight line)
    """

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        check_count("PolynomialLR", "total_iters", total_iters)
        if isinstance(power, bool) or not isinstance(power, numbers.Real) or not power >= 0:
            raise ValueError(f"PolynomialLR: power must be a number >= 0, got {power!r}")
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch > self.total_iters:
            return self._current_lrs()
        # The factor at this epoch over the factor at the last one.
        remaining = self.total_iters - self.last_epoch
        ratio = (remaining / (remaining + 1)) ** self.power
        return [lr * ratio for lr in self._current_lrs()]

    def _closed_form_lr(self):
        factor = (1 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
        return [base_lr * factor for base_lr in self.base_lrs]


def _check_schedulers(owner, schedulers, optimizer):
    """schedulers as a list, or a clear error unless it is a non-empty sequence of epoch-based schedulers of
    optimizer."""
    schedulers = list(schedulers)
    if not schedulers:
        raise ValueError(f"{owner} needs at least one scheduler")
    for i, scheduler in enumerate(schedulers):
        if not isinstance(scheduler, LRScheduler) or isinstance(scheduler, ReduceLROnPlateau):
            raise TypeError(f"{owner}: schedulers[{i}] is a {type(scheduler).__name__}; it takes "
                            "epoch-based schedulers (ReduceLROnPlateau needs a metric in step())")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{owner}: schedulers[{i}] ({type(scheduler).__name__}) belongs to another "
                             "optimizer; all of them must change this one's learning rate")
    return schedulers


class _Composite(LRScheduler):
    """What SequentialLR and ChainedScheduler share: a list of schedulers, saved with theirs."""

    _not_saved = ("optimizer", "_schedulers")

    def state_dict(self):
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        for scheduler, saved in zip(self._schedulers, state.pop("_schedulers")):
            scheduler.load_state_dict(saved)
        super().load_state_dict(state)


class SequentialLR(_Composite):
    """Run schedulers one after another: schedulers[i] from milestones[i - 1] on, each restarted at
    its epoch 0 (e.g. LinearLR warm-up for 5 epochs, then CosineAnnealingLR)."""

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        check_optimizer(optimizer, "SequentialLR")
        schedulers = _check_schedulers("SequentialLR", schedulers, optimizer)
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
            scheduler._jump(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step several schedulers together, each changing the lr the one before it set (e.g. ConstantLR
    warm-up and ExponentialLR decay at once): step() calls step() of every one, in order."""

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        if optimizer is None and schedulers:
            optimizer = getattr(schedulers[0], "optimizer", None)
        self._schedulers = _check_schedulers("ChainedScheduler", schedulers, optimizer)
        self.optimizer = optimizer
        self._last_lr = self._current_lrs()

    def step(self):
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current_lrs()


class OneCycleLR(LRScheduler):
    """The 1cycle policy, stepped once per batch: the lr rises from max_lr / div_factor to max_lr over
    the first pct_start of total_steps, then anneals to max_lr / (div_factor · final_div_factor)
    (cos or linear); momentum (or Adam's beta1) cycles the opposite way, max_momentum ↔ base_momentum.
    three_phase comes back down to the start before the final annealing.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        check_optimizer(optimizer, "OneCycleLR")
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
            check_count("OneCycleLR", "epochs", epochs)
            check_count("OneCycleLR", "steps_per_epoch", steps_per_epoch)
            total_steps = epochs * steps_per_epoch
        check_count("OneCycleLR", "total_steps", total_steps)
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
            for group, peak in zip(optimizer.param_groups, per_group("max_lr", max_lr, optimizer)):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _momentum_key("OneCycleLR", optimizer)
            if last_epoch == -1:
                for group, top, bottom in zip(optimizer.param_groups,
                                              per_group("max_momentum", max_momentum, optimizer),
                                              per_group("base_momentum", base_momentum, optimizer)):
                    _set_momentum(group, top, self.use_beta1)
                    group["max_momentum"] = top
                    group["base_momentum"] = bottom
        super().__init__(optimizer, last_epoch)

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
                        momentum = self._anneal(group[momentum_start], group[momentum_end], pct)
                        _set_momentum(group, momentum, self.use_beta1)
                    break
                phase_start = phase_end
        return lrs


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing from base_lr to eta_min, restarted every T_i epochs (SGDR), the periods growing
    by T_mult: T_0, T_0·T_mult, T_0·T_mult², ...

        lr = eta_min + (base_lr - eta_min) · (1 + cos(π · T_cur / T_i)) / 2      (T_cur: epochs since the restart)

    step(epoch) also takes a fractional epoch, to anneal within an epoch: step(epoch + i / batches).
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):  # noqa: N803 (PyTorch's names)
        check_count("CosineAnnealingWarmRestarts", "T_0", T_0)
        check_count("CosineAnnealingWarmRestarts", "T_mult", T_mult)
        if isinstance(eta_min, bool) or not isinstance(eta_min, numbers.Real):
            raise TypeError(f"CosineAnnealingWarmRestarts: eta_min must be a number, got {eta_min!r}")
        self.T_0 = self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]

    def step(self, epoch=None):
        """Move to the next epoch, or to epoch (a number >= 0, fractions allowed), and set its learning rates."""
        if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, numbers.Real) or not epoch >= 0):
            raise ValueError(f"CosineAnnealingWarmRestarts: epoch must be a number >= 0, got {epoch!r}")
        self._count_step()
        if epoch is None and self.last_epoch >= 0:
            self.last_epoch += 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:  # a restart
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
            self._set_lrs(self.get_lr())
        else:
            self._jump(0 if epoch is None else epoch)

    def _jump(self, epoch):
        if epoch < self.T_0:
            self.T_i, self.T_cur = self.T_0, epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:  # the restarts so far: the n with T_0·(1 + T_mult + ... + T_mult^(n-1)) <= epoch
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_i = self.T_0 * self.T_mult ** n
            self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
        self.last_epoch = math.floor(epoch)
        self._set_lrs(self.get_lr())


class CyclicLR(LRScheduler):
    """Cycle the lr between base_lr and max_lr (Smith's cyclical learning rates), stepped once per batch:
    up over step_size_up steps, down over step_size_down (default: as many), the amplitude scaled by

        "triangular": 1,   "triangular2": 1 / 2^(cycle - 1) (halved each cycle),   "exp_range": gamma^step

    or by scale_fn(cycle) (scale_fn(step) with scale_mode "iterations"). cycle_momentum moves the momentum
    (or Adam's beta1) the opposite way, between max_momentum and base_momentum.
    """

    _not_saved = ("optimizer", "_scale_fn_custom")  # functions cannot be saved

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
                 gamma=1.0, scale_fn=None, scale_mode="cycle", cycle_momentum=True, base_momentum=0.8,
                 max_momentum=0.9, last_epoch=-1):
        check_optimizer(optimizer, "CyclicLR")
        base_lrs = per_group("base_lr", base_lr, optimizer)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.max_lrs = per_group("max_lr", max_lr, optimizer)
        step_size_down = step_size_up if step_size_down is None else step_size_down
        for name, size in (("step_size_up", step_size_up), ("step_size_down", step_size_down)):
            if isinstance(size, bool) or not isinstance(size, numbers.Real) or not size > 0:
                raise ValueError(f"CyclicLR: {name} must be a number > 0, got {size!r}")
        self.total_size = float(step_size_up + step_size_down)
        self.step_ratio = step_size_up / self.total_size
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' (or give "
                             f"scale_fn), got {mode!r}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"CyclicLR: scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _momentum_key("CyclicLR", optimizer)
            self.base_momentums = per_group("base_momentum", base_momentum, optimizer)
            self.max_momentums = per_group("max_momentum", max_momentum, optimizer)
            if last_epoch == -1:
                for group, top, bottom in zip(optimizer.param_groups, self.max_momentums, self.base_momentums):
                    _set_momentum(group, top, self.use_beta1)
                    group["max_momentum"] = top
                    group["base_momentum"] = bottom
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        """How much of the amplitude cycle (or step) x has."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / 2.0 ** (x - 1)
        return self.gamma ** x

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # how far into the cycle, in [0, 1)
        height = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        if self.cycle_momentum:
            for group, top, bottom in zip(self.optimizer.param_groups, self.max_momentums, self.base_momentums):
                _set_momentum(group, top - (top - bottom) * height * scale, self.use_beta1)
        return [base_lr + (max_lr - base_lr) * height * scale for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]


class ReduceLROnPlateau(LRScheduler):
    """Cut the lr by factor when a metric (e.g. the validation loss) has stopped improving for more than
    patience epochs; then wait cooldown epochs, and never go below min_lr. step(metric) once per epoch.

    Improving means below best·(1 - threshold) in mode "min" with threshold_mode "rel" (above
    best·(1 + threshold) in mode "max"), or past best ∓ threshold with threshold_mode "abs".
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        check_optimizer(optimizer, "ReduceLROnPlateau")
        if not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1) (it multiplies the lr), got {factor}")
        self.optimizer = optimizer
        self.factor = factor
        self.min_lrs = per_group("min_lr", min_lr, optimizer)
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

    def step(self, metrics, epoch=None):
        """Record this epoch's metric (a number, or a one-element tensor) and cut the lr if it has plateaued.
        epoch, deprecated in PyTorch (it warns), sets last_epoch."""
        current = float(metrics)
        if epoch is None:
            self.last_epoch += 1
        else:
            warnings.warn("ReduceLROnPlateau.step(metrics, epoch) is deprecated (as in PyTorch): "
                          "leave the epoch out", UserWarning, stacklevel=2)
            self.last_epoch = epoch
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
