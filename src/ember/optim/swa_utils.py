"""Weight averaging: a model whose weights are the average of a training run's recent weights (SWA, EMA).

The weights at the end of training are one noisy point near a minimum; the average of the points
visited late in training (stochastic weight averaging), or an exponential moving average of them,
sits nearer its middle and usually generalizes better. AveragedModel keeps that average beside the
model being trained, SWALR holds the learning rate at a constant swa_lr while the average is taken,
and update_bn recomputes the batch-norm statistics for the averaged weights.
"""

import copy
import itertools
import math

from .. import backend
from ..autograd import no_grad
from ..creation import tensor
from ..nn.batchnorm import _BatchNorm
from ..nn.module import Module
from .lr_scheduler import LRScheduler, check_optimizer, per_group
from .optimizer import check_count, check_number


def _check_decay(owner, decay):
    check_number(owner, "decay", decay, 0.0, 1.0)


def get_ema_multi_avg_fn(decay=0.999):
    """The exponential moving average, in place over lists of tensors: ema ← decay·ema + (1 - decay)·current."""
    _check_decay("get_ema_multi_avg_fn", decay)

    def ema_update(ema_params, current_params, num_averaged):
        with no_grad():
            for ema, current in zip(ema_params, current_params):
                ema.copy_(ema * decay + current * (1 - decay))  # an integer tensor gets the float rounded down
    return ema_update


def get_swa_multi_avg_fn():
    """The running mean of the n models seen so far, in place over lists of tensors:
    avg ← avg + (current - avg)/(n + 1). Integer tensors (counters such as num_batches_tracked) keep their
    first value, as in PyTorch."""
    def swa_update(averaged_params, current_params, num_averaged):
        with no_grad():
            for averaged, current in zip(averaged_params, current_params):
                if averaged.is_floating_point():
                    averaged.add_(current - averaged, alpha=1 / (int(num_averaged) + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """The exponential moving average of one tensor: returns decay·ema + (1 - decay)·current."""
    _check_decay("get_ema_avg_fn", decay)

    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """The running mean of one tensor over the n models seen so far: returns avg + (current - avg)/(n + 1)."""
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (int(num_averaged) + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of model (in self.module, on device if given) whose parameters are the average of model's
    parameters at each update_parameters(model) call: their plain mean by default (SWA), or what avg_fn
    (averaged, current, n) returns, or what multi_avg_fn (lists of tensors, changed in place) does, e.g.
    get_ema_multi_avg_fn(0.999) for an exponential moving average. The buffers (batch-norm statistics)
    are averaged too with use_buffers, else copied from model. Calling it runs the averaged copy.
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("AveragedModel: give avg_fn or multi_avg_fn, not both")
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel: model must be an nn.Module, got {type(model).__name__}")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=backend.int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _averaged(self, model):
        """The tensors of model that are averaged: its parameters, and with use_buffers its buffers."""
        if self.use_buffers:
            return list(itertools.chain(model.parameters(), model.buffers()))
        return list(model.parameters())

    def update_parameters(self, model):
        """Add model's current weights to the average (the first call copies them)."""
        averaged = [t.detach() for t in self._averaged(self.module)]
        current = [t.detach().to(a.device) for t, a in zip(self._averaged(model), averaged)]
        with no_grad():
            if self.n_averaged.item() == 0:
                for a, c in zip(averaged, current):
                    a.copy_(c)
            elif self.avg_fn is not None:
                for a, c in zip(averaged, current):
                    a.copy_(self.avg_fn(a, c, self.n_averaged))
            else:
                (self.multi_avg_fn or get_swa_multi_avg_fn())(averaged, current, self.n_averaged)
            if not self.use_buffers:
                for mine, theirs in zip(self.module.buffers(), model.buffers()):
                    mine.copy_(theirs.detach())
            self.n_averaged.add_(1)


def update_bn(loader, model, device=None):
    """Recompute the running statistics of model's batch-norm layers with one pass over loader (batches
    of inputs, or of (input, ...) tuples whose first item is the input), as averaged weights need."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None  # a plain average over all the batches
    with no_grad():
        for batch in loader:
            inputs = batch[0] if isinstance(batch, (list, tuple)) else batch
            model(inputs if device is None else inputs.to(device))
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to a constant swa_lr over anneal_epochs epochs ("cos" or "linear"), then hold it,
    while AveragedModel collects the weights:

        lr = swa_lr·a(t) + lr₀·(1 - a(t)),   t = min(1, epoch / anneal_epochs),   a(t) = (1 - cos(π·t)) / 2 or t

    lr₀: the lr when SWALR took over.
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        check_optimizer(optimizer, "SWALR")
        for group, lr in zip(optimizer.param_groups, per_group("swa_lr", swa_lr, optimizer)):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"SWALR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        self.anneal_epochs = check_count("SWALR", "anneal_epochs", anneal_epochs, low=0)
        super().__init__(optimizer, last_epoch)

    def _anneal(self, t):
        return (1 - math.cos(math.pi * t)) / 2 if self.anneal_strategy == "cos" else t

    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        before = self._anneal(max(0.0, min(1.0, (step - 1) / max(1, self.anneal_epochs))))
        now = self._anneal(max(0.0, min(1.0, step / max(1, self.anneal_epochs))))
        lrs = []
        for group in self.optimizer.param_groups:
            # The lr before the annealing began, recovered from the current one (SWALR may take over
            # from another schedule).
            start = group["swa_lr"] if before == 1 else (group["lr"] - before * group["swa_lr"]) / (1 - before)
            lrs.append(group["swa_lr"] * now + start * (1 - now))
        return lrs
