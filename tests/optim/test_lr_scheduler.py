import warnings

import numpy as np
import pytest
import torch

import ember
from helpers import raises, tensor_for


def make_optimizer(lib, kind="SGD"):
    """An optimizer with two parameter groups (lr 0.1 and 0.05), for schedules to act on."""
    groups = [{"params": [tensor_for(lib, np.zeros(2), requires_grad=True)]},
              {"params": [tensor_for(lib, np.zeros(2), requires_grad=True)], "lr": 0.05}]
    options = dict(momentum=0.9) if kind == "SGD" else {}
    return getattr(lib.optim, kind)(groups, lr=0.1, **options)


def hyperparameters(optimizer):
    """What a schedule may change: each group's lr and its momentum (or Adam's beta1)."""
    return [(g["lr"], g["momentum"] if "momentum" in g else g["betas"][0]) for g in optimizer.param_groups]


def history(lib, make_schedulers, steps=100, kind="SGD", metrics=None):
    """The hyperparameters after the constructor and after each of `steps` scheduler steps."""
    optimizer = make_optimizer(lib, kind)
    schedulers = make_schedulers(lib, optimizer)
    schedulers = schedulers if isinstance(schedulers, tuple) else (schedulers,)
    seen = [hyperparameters(optimizer)]
    for step in range(steps):
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step(*([] if metrics is None else [metrics[step]]))
        seen.append(hyperparameters(optimizer))
        assert schedulers[-1].get_last_lr() == [lr for lr, _ in seen[-1]]
    return np.array(seen), schedulers


SCHEDULES = {
    "StepLR": lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5),
    # A float step_size, as the text-classification tutorial's StepLR(optimizer, 1.0, gamma=0.1):
    "StepLR_float_step_size": lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, 2.5, gamma=0.9),
    "MultiStepLR": lambda lib, opt: lib.optim.lr_scheduler.MultiStepLR(opt, milestones=[10, 25, 60], gamma=0.3),
    "ExponentialLR": lambda lib, opt: lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.97),
    "CosineAnnealingLR": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100),
    "CosineAnnealingLR_periods": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=15, eta_min=0.01),
    "LinearLR_warm_up": lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=10),
    "LinearLR_decay": lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt, 1.0, 0.2, total_iters=40),
    "LambdaLR": lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.95 ** epoch),
    "LambdaLR_per_group": lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(
        opt, [lambda epoch: 1 / (1 + epoch), lambda epoch: min(1.0, (epoch + 1) / 10)]),
    "OneCycleLR": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=[1.0, 0.5], total_steps=100),
    "OneCycleLR_linear_three_phase": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=0.8, epochs=10, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear",
        three_phase=True, base_momentum=0.8, max_momentum=[0.9, 0.99], div_factor=10.0, final_div_factor=100.0),
    "OneCycleLR_no_momentum": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=1.0, total_steps=100, cycle_momentum=False),
    "SequentialLR_warm_up_then_cosine": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5),
              lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=95)], milestones=[5]),
    "SequentialLR_three": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
              lib.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5),
              lib.optim.lr_scheduler.MultiStepLR(opt, milestones=[5, 20])], milestones=[10, 40]),
    "two_schedulers_compose": lambda lib, opt: (lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.98),
                                                lib.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)),
    "ConstantLR": lambda lib, opt: lib.optim.lr_scheduler.ConstantLR(opt, factor=0.25, total_iters=12),
    "MultiplicativeLR": lambda lib, opt: lib.optim.lr_scheduler.MultiplicativeLR(
        opt, [lambda epoch: 0.97, lambda epoch: 1.0 if epoch % 10 else 0.5]),
    "PolynomialLR": lambda lib, opt: lib.optim.lr_scheduler.PolynomialLR(opt, total_iters=60, power=2.0),
    "PolynomialLR_linear": lambda lib, opt: lib.optim.lr_scheduler.PolynomialLR(opt),
    "CosineAnnealingWarmRestarts": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        opt, T_0=7, T_mult=2, eta_min=0.01),
    "CosineAnnealingWarmRestarts_constant_periods": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        opt, T_0=12),
    "CyclicLR_triangular": lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=[0.01, 0.005], max_lr=[0.1, 0.05], step_size_up=10, step_size_down=15),
    "CyclicLR_triangular2": lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=8, mode="triangular2", base_momentum=[0.8, 0.85],
        max_momentum=0.95),
    "CyclicLR_exp_range": lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=20, mode="exp_range", gamma=0.98),
    "CyclicLR_scale_fn_iterations": lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=6, scale_fn=lambda x: 1 / (1 + 0.05 * x),
        scale_mode="iterations"),
    "CyclicLR_scale_fn_cycle_no_momentum": lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=6, scale_fn=lambda x: 0.8 ** x, cycle_momentum=False),
    "ChainedScheduler": lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=10),
         lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.97)]),
    "ChainedScheduler_cyclic_and_decay": lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=10),
         lib.optim.lr_scheduler.MultiStepLR(opt, milestones=[20, 60])], optimizer=opt),
    "SequentialLR_constant_then_restarts": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=10),
              lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=9, T_mult=2),
              lib.optim.lr_scheduler.PolynomialLR(opt, total_iters=30, power=0.5)], milestones=[10, 60]),
    "SWALR_cos": lambda lib, opt: lib.optim.swa_utils.SWALR(opt, swa_lr=0.02, anneal_epochs=20),
    "SWALR_linear_per_group": lambda lib, opt: lib.optim.swa_utils.SWALR(
        opt, swa_lr=[0.2, 0.01], anneal_epochs=30, anneal_strategy="linear"),
    "SWALR_at_once": lambda lib, opt: lib.optim.swa_utils.SWALR(opt, swa_lr=0.03, anneal_epochs=0),
    "SWALR_after_cosine": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=50),
              lib.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=10)], milestones=[50]),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_100_steps_match_torch(name):
    ours, our_schedulers = history(ember, SCHEDULES[name])
    theirs, their_schedulers = history(torch, SCHEDULES[name])
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)
    assert getattr(our_schedulers[-1], "last_epoch", None) == getattr(their_schedulers[-1], "last_epoch", None)


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR_triangular2"])
def test_cycling_the_momentum_cycles_adams_beta1(name):
    make = SCHEDULES[name]
    ours, theirs = history(ember, make, kind="Adam")[0], history(torch, make, kind="Adam")[0]
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)
    assert len(set(ours[:, 0, 1])) > 2  # beta1 moved


@pytest.mark.parametrize("T_mult", [1, 2])
def test_cosine_warm_restarts_take_fractional_epochs(T_mult):  # noqa: N803 (PyTorch's name)
    seen = []
    for lib in (ember, torch):
        optimizer = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=5, T_mult=T_mult, eta_min=0.001)
        lrs = []
        for epoch in range(40):
            for batch in range(4):
                optimizer.step()
                scheduler.step(epoch + batch / 4)
                lrs.append(scheduler.get_last_lr())
        lrs.append((scheduler.last_epoch, scheduler.T_i, scheduler.T_cur))
        seen.append(lrs)
    np.testing.assert_allclose(seen[0][:-1], seen[1][:-1], rtol=1e-9, atol=1e-12)
    assert seen[0][-1] == seen[1][-1]


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR_periods",
                                  "LinearLR_warm_up", "ConstantLR", "PolynomialLR"])
def test_step_with_an_epoch_jumps_there_with_a_deprecation_warning(name):
    seen = []
    for lib in (ember, torch):
        optimizer = make_optimizer(lib)
        scheduler = SCHEDULES[name](lib, optimizer)
        lrs = []
        for epoch in [1, 2, 5, 30, 12, 99, 0, 45]:
            optimizer.step()
            with pytest.warns(UserWarning, match="deprecated"):
                scheduler.step(epoch)
            lrs.append(hyperparameters(optimizer))
        seen.append(lrs)
    np.testing.assert_allclose(seen[0], seen[1], rtol=1e-9, atol=1e-12)


_rng = np.random.default_rng(0)
METRICS = np.concatenate([np.linspace(1.0, 0.5, 30), 0.5 + 0.01 * _rng.random(70)]).tolist()

PLATEAUS = {
    "default": (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt), METRICS),
    "patience_cooldown_min_lr": (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(
        opt, factor=0.5, patience=2, cooldown=3, min_lr=[0.01, 0.001]), METRICS),
    "max_abs": (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="max", factor=0.7, patience=3, threshold=0.005, threshold_mode="abs"), [-m for m in METRICS]),
    "max_rel": (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="max", patience=4, threshold=0.01), [1 - m for m in METRICS]),
}


@pytest.mark.parametrize("name", PLATEAUS)
def test_reduce_lr_on_plateau_matches_torch(name):
    make, metrics = PLATEAUS[name]
    ours, _ = history(ember, make, metrics=metrics)
    theirs, _ = history(torch, make, metrics=metrics)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)
    assert len(set(ours[:, 0, 0])) > 2  # the lr was cut more than once


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR_periods", "OneCycleLR", "SequentialLR_three",
                                  "LambdaLR", "plateau", "ConstantLR", "MultiplicativeLR", "PolynomialLR",
                                  "CosineAnnealingWarmRestarts", "CyclicLR_triangular2", "CyclicLR_scale_fn_iterations",
                                  "ChainedScheduler", "SequentialLR_constant_then_restarts", "SWALR_cos"])
def test_state_dict_round_trip_continues_the_schedule(name):
    make, metrics = PLATEAUS["patience_cooldown_min_lr"] if name == "plateau" else (SCHEDULES[name], None)
    expected, _ = history(ember, make, metrics=metrics)

    optimizer = make_optimizer(ember)
    scheduler = make(ember, optimizer)
    for step in range(40):
        optimizer.step()
        scheduler.step(*([] if metrics is None else [metrics[step]]))
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()

    optimizer = make_optimizer(ember)
    scheduler = make(ember, optimizer)
    optimizer.load_state_dict(saved_optimizer)
    scheduler.load_state_dict(saved_scheduler)
    seen = []
    for step in range(40, 100):
        optimizer.step()
        scheduler.step(*([] if metrics is None else [metrics[step]]))
        seen.append(hyperparameters(optimizer))
    np.testing.assert_allclose(np.array(seen), expected[41:], rtol=1e-12)


def test_get_last_lr_and_last_epoch():
    optimizer = make_optimizer(ember)
    scheduler = ember.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.1, 0.05]
    for _ in range(2):
        optimizer.step()
        scheduler.step()
    assert scheduler.last_epoch == 2 and scheduler.get_last_lr() == [0.05, 0.025]
    assert [g["initial_lr"] for g in optimizer.param_groups] == [0.1, 0.05]


def test_stepping_the_scheduler_before_the_optimizer_warns():
    optimizer = make_optimizer(ember)
    scheduler = ember.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    with pytest.warns(UserWarning, match="before optimizer.step()"):
        scheduler.step()
    optimizer.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()


# -------------------------------------------------------------------------------------------------
# Errors.

S = ember.optim.lr_scheduler


def _opt():
    return make_optimizer(ember)


BAD = [
    (lambda: S.StepLR("sgd", step_size=5), TypeError, "StepLR: str is not an Optimizer"),
    (lambda: S.ReduceLROnPlateau(torch.optim.SGD([torch.zeros(1, requires_grad=True)])), TypeError,
     "ReduceLROnPlateau: SGD is not an Optimizer"),
    (lambda: S.StepLR(_opt(), step_size=0), ValueError, "StepLR: step_size must be a positive number of epochs, got 0"),
    (lambda: S.MultiStepLR(_opt(), milestones=[30, 10]), ValueError,
     "MultiStepLR: milestones must be increasing ints >= 0, got [30, 10]"),
    (lambda: S.MultiStepLR(_opt(), milestones=[10, 10]), ValueError, "milestones must be increasing"),
    (lambda: S.MultiStepLR(_opt(), milestones=[1.5]), TypeError, "MultiStepLR: milestones must be ints"),
    (lambda: S.CosineAnnealingLR(_opt(), T_max=0), ValueError, "CosineAnnealingLR: T_max must be a positive int"),
    (lambda: S.LinearLR(_opt(), start_factor=0), ValueError, "LinearLR: start_factor must be in (0, 1], got 0"),
    (lambda: S.LinearLR(_opt(), end_factor=1.5), ValueError, "LinearLR: end_factor must be in [0, 1], got 1.5"),
    (lambda: S.LambdaLR(_opt(), [lambda e: 1.0]), ValueError,
     "lr_lambda must have one value per parameter group (2), got 1"),
    (lambda: S.LambdaLR(_opt(), 0.5), TypeError, "LambdaLR: lr_lambda must be a function of the epoch"),
    (lambda: S.OneCycleLR(_opt(), max_lr=1.0), ValueError, "OneCycleLR: give total_steps, or epochs and steps_per_epoch"),
    (lambda: S.OneCycleLR(_opt(), max_lr=1.0, total_steps=-5), ValueError,
     "OneCycleLR: total_steps must be a positive int, got -5"),
    (lambda: S.OneCycleLR(_opt(), max_lr=1.0, total_steps=10, pct_start=1.5), ValueError,
     "OneCycleLR: pct_start must be a number in [0, 1], got 1.5"),
    (lambda: S.OneCycleLR(_opt(), max_lr=1.0, total_steps=10, anneal_strategy="exp"), ValueError,
     "OneCycleLR: anneal_strategy must be 'cos' or 'linear', got 'exp'"),
    (lambda: S.OneCycleLR(make_optimizer(ember, "Adagrad"), max_lr=1.0, total_steps=10), ValueError,
     "OneCycleLR: cycle_momentum needs an optimizer with momentum or betas, Adagrad has neither"),
    (lambda: S.ReduceLROnPlateau(_opt(), mode="average"), ValueError,
     "ReduceLROnPlateau: mode must be 'min' or 'max', got 'average'"),
    (lambda: S.ReduceLROnPlateau(_opt(), threshold_mode="percent"), ValueError,
     "ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got 'percent'"),
    (lambda: S.ReduceLROnPlateau(_opt(), factor=1.0), ValueError, "ReduceLROnPlateau: factor must be in [0, 1)"),
    (lambda: S.ReduceLROnPlateau(_opt(), min_lr=[0.1, 0.1, 0.1]), ValueError,
     "min_lr must have one value per parameter group (2), got 3"),
    (lambda: S.StepLR(_opt(), step_size=5, last_epoch=10), KeyError, "param_groups[0] has no 'initial_lr'"),
    (lambda: S.ConstantLR(_opt(), factor=0), ValueError, "ConstantLR: factor must be in (0, 1], got 0"),
    (lambda: S.ConstantLR(_opt(), total_iters=0), ValueError, "ConstantLR: total_iters must be a positive int"),
    (lambda: S.MultiplicativeLR(_opt(), 0.9), TypeError, "MultiplicativeLR: lr_lambda must be a function of the epoch"),
    (lambda: S.PolynomialLR(_opt(), total_iters=2.5), ValueError, "PolynomialLR: total_iters must be a positive int"),
    (lambda: S.PolynomialLR(_opt(), power=-1), ValueError, "PolynomialLR: power must be a number >= 0, got -1"),
    (lambda: S.CosineAnnealingWarmRestarts(_opt(), T_0=0), ValueError,
     "CosineAnnealingWarmRestarts: T_0 must be a positive int, got 0"),
    (lambda: S.CosineAnnealingWarmRestarts(_opt(), T_0=5, T_mult=1.5), ValueError,
     "CosineAnnealingWarmRestarts: T_mult must be a positive int, got 1.5"),
    (lambda: S.CosineAnnealingWarmRestarts(_opt(), T_0=5, eta_min="0"), TypeError,
     "CosineAnnealingWarmRestarts: eta_min must be a number, got '0'"),
    (lambda: S.CosineAnnealingWarmRestarts(_opt(), T_0=5).step(-1), ValueError,
     "CosineAnnealingWarmRestarts: epoch must be a number >= 0, got -1"),
    (lambda: S.CyclicLR(_opt(), 0.01, 0.1, mode="sine"), ValueError,
     "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' (or give scale_fn), got 'sine'"),
    (lambda: S.CyclicLR(_opt(), 0.01, 0.1, step_size_up=0), ValueError,
     "CyclicLR: step_size_up must be a number > 0, got 0"),
    (lambda: S.CyclicLR(_opt(), 0.01, 0.1, step_size_down=-2), ValueError,
     "CyclicLR: step_size_down must be a number > 0, got -2"),
    (lambda: S.CyclicLR(_opt(), 0.01, 0.1, scale_fn=abs, scale_mode="epochs"), ValueError,
     "CyclicLR: scale_mode must be 'cycle' or 'iterations', got 'epochs'"),
    (lambda: S.CyclicLR(_opt(), [0.01], 0.1), ValueError, "base_lr must have one value per parameter group (2), got 1"),
    (lambda: S.CyclicLR(make_optimizer(ember, "Adagrad"), 0.01, 0.1), ValueError,
     "CyclicLR: cycle_momentum needs an optimizer with momentum or betas, Adagrad has neither"),
    (lambda: S.CyclicLR("sgd", 0.01, 0.1), TypeError, "CyclicLR: str is not an Optimizer"),
    (lambda: S.ChainedScheduler([]), ValueError, "ChainedScheduler needs at least one scheduler"),
    (lambda: S.ChainedScheduler([S.ReduceLROnPlateau(_opt())]), TypeError,
     "ChainedScheduler: schedulers[0] is a ReduceLROnPlateau"),
    (lambda: S.ChainedScheduler([S.StepLR(_opt(), 5), S.StepLR(_opt(), 5)]), ValueError,
     "ChainedScheduler: schedulers[1] (StepLR) belongs to another optimizer"),
    (lambda: ember.optim.swa_utils.SWALR(_opt(), swa_lr=0.1, anneal_strategy="exp"), ValueError,
     "SWALR: anneal_strategy must be 'cos' or 'linear', got 'exp'"),
    (lambda: ember.optim.swa_utils.SWALR(_opt(), swa_lr=0.1, anneal_epochs=-1), ValueError,
     "SWALR: anneal_epochs must be an int >= 0, got -1"),
    (lambda: ember.optim.swa_utils.SWALR(_opt(), swa_lr=[0.1]), ValueError,
     "swa_lr must have one value per parameter group (2), got 1"),
]


@pytest.mark.parametrize("make, exception, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments_get_clear_errors(make, exception, message):
    with raises(exception, message):
        make()


def test_sequential_lr_checks_its_schedulers_and_milestones():
    optimizer, other = _opt(), _opt()
    first, second = S.ExponentialLR(optimizer, 0.9), S.StepLR(optimizer, 5)
    with raises(ValueError, "SequentialLR: 2 schedulers need 1 milestones (where each one after the first "
                            "starts), got 2"):
        S.SequentialLR(optimizer, [first, second], milestones=[5, 10])
    with raises(ValueError, "SequentialLR: milestones must be increasing ints >= 1, got [0]"):
        S.SequentialLR(optimizer, [first, second], milestones=[0])
    with raises(ValueError, "SequentialLR: schedulers[1] (StepLR) belongs to another optimizer"):
        S.SequentialLR(optimizer, [first, S.StepLR(other, 5)], milestones=[5])
    with raises(TypeError, "SequentialLR: schedulers[0] is a ReduceLROnPlateau"):
        S.SequentialLR(optimizer, [S.ReduceLROnPlateau(optimizer), second], milestones=[5])
    with raises(ValueError, "SequentialLR needs at least one scheduler"):
        S.SequentialLR(optimizer, [], milestones=[])


def test_one_cycle_stepped_past_total_steps_raises():
    optimizer = _opt()
    scheduler = S.OneCycleLR(optimizer, max_lr=1.0, total_steps=10)
    for _ in range(10):  # one scheduler step after each of the 10 optimizer steps is fine
        optimizer.step()
        scheduler.step()
    with raises(ValueError, "OneCycleLR was stepped 11 times, but total_steps is 10"):
        scheduler.step()
