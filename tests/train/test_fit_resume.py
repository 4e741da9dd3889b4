"""fit() resumed from a training checkpoint continues exactly; fit() stops on non-finite gradients and
validation losses before they reach the weights; empty data and wrong checkpoints are clear errors."""

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.data import DataLoader, TensorDataset, digits
from ember.train import (Callback, DivergenceError, EarlyStopping, History, ModelCheckpoint, SchedulerStep, fit)
from ember.train.state import FitState
from helpers import raises


class Crash(Exception):
    pass


class CrashAt(Callback):
    """Stops the process (as a kill would) after optimizer step `step`."""

    def __init__(self, step):
        self.step = step

    def on_batch_end(self, state):
        if state.step == self.step:
            raise Crash


@pytest.fixture(scope="module")
def splits():
    train, val, _ = digits(seed=0)
    return TensorDataset(*(t[:400] for t in train.tensors)), val


def training(folder, splits, *, crash_at=None, resume=False, every=3, stopper=None):
    """An MLP with dropout, Adam, a per-batch StepLR and early stopping on 400 digits (7 batches an epoch),
    saving a training checkpoint every `every` steps; returns (model, history), or None if it crashed."""
    ember.manual_seed(0)
    train, val = splits
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 10))
    optimizer = ember.optim.Adam(model.parameters(), lr=3e-3)
    scheduler = ember.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.8)
    callbacks = [ModelCheckpoint(folder / "best.safetensors", save_last=True, every_n_steps=every),
                 stopper or EarlyStopping(patience=2), SchedulerStep(scheduler, interval="batch")]
    if crash_at is not None:
        callbacks.append(CrashAt(crash_at))
    loaders = (DataLoader(train, batch_size=64, shuffle=True, generator=ember.Generator(seed=0)),
               DataLoader(val, batch_size=128))
    try:
        history = fit(model, nn.CrossEntropyLoss(), optimizer, *loaders, epochs=5, callbacks=callbacks, progress=False,
                      resume_from=folder / "last.safetensors" if resume else None)
    except Crash:
        return None
    return model, history


def without_seconds(history):
    return [{k: v for k, v in record.items() if k != "seconds"} for record in history.records]


@pytest.fixture(scope="module")
def uninterrupted(splits, tmp_path_factory):
    return training(tmp_path_factory.mktemp("whole"), splits)


@pytest.mark.parametrize("crash_at", [2, 7, 10, 20, 29])  # before the first save, at an epoch's end, mid-epoch
def test_a_fit_resumed_after_a_crash_ends_with_the_same_weights_and_history(crash_at, splits, uninterrupted, tmp_path):
    assert training(tmp_path, splits, crash_at=crash_at) is None
    if not (tmp_path / "last.safetensors").exists():  # crashed before the first checkpoint: start again
        resumed = training(tmp_path, splits)
    else:
        resumed = training(tmp_path, splits, resume=True)
    for (name, mine), theirs in zip(resumed[0].state_dict().items(), uninterrupted[0].state_dict().values()):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy(), err_msg=name)
    assert without_seconds(resumed[1]) == without_seconds(uninterrupted[1])
    assert resumed[1].stopped_epoch == uninterrupted[1].stopped_epoch


def test_a_fit_stopped_early_resumes_to_its_end(splits, tmp_path):
    def stopper():
        return EarlyStopping(monitor="val_accuracy", patience=1, min_delta=1.0)  # stops after epoch 2
    stopped = training(tmp_path, splits, every=1000, stopper=stopper())
    assert stopped[1].stopped_epoch == 2  # and the checkpoint of epoch 2 says so: nothing more to train
    again = training(tmp_path, splits, every=1000, stopper=stopper(), resume=True)
    assert without_seconds(again[1]) == without_seconds(stopped[1])
    assert again[1].stopped_epoch == stopped[1].stopped_epoch
    for mine, theirs in zip(again[0].parameters(), stopped[0].parameters()):
        np.testing.assert_array_equal(mine.detach().numpy(), theirs.detach().numpy())


def test_the_training_checkpoint_holds_the_whole_state(splits, tmp_path):
    training(tmp_path, splits, crash_at=10)
    saved = ember.load(tmp_path / "last.safetensors")
    assert saved["format"] == "ember.fit.1"
    assert saved["position"]["epoch"] == 2 and saved["position"]["batch"] == 2 and saved["position"]["step"] == 9
    (alone,) = saved["ranks"]  # one process: one rank's running sums and generators
    assert not saved["position"]["epoch_done"] and alone["totals"]["samples"] == 128
    assert sorted(saved["callbacks"]) == ["EarlyStopping.0", "ModelCheckpoint.0", "SchedulerStep.0"]
    assert saved["callbacks"]["SchedulerStep.0"]["scheduler"]["last_epoch"] == 9
    assert sorted(alone["rng"]) == sorted(alone["rng_at_epoch_start"]) == ["cpu", "train_data.generator"]
    assert len(saved["history"]["records"]) == 1 and saved["optimizer"]["state"][0]["step"] == 9


def test_resuming_with_other_callbacks_or_a_weights_file_is_refused(splits, tmp_path):
    training(tmp_path, splits, crash_at=10)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 10))
    optimizer = ember.optim.Adam(model.parameters())
    loader = DataLoader(splits[0], batch_size=64, shuffle=True, generator=ember.Generator(seed=0))
    with raises(ValueError, "fit: " + str(tmp_path / "last.safetensors") + " was saved by a fit with other callbacks: "
                "it has EarlyStopping.0, ModelCheckpoint.0, SchedulerStep.0, this fit has none; resume with the same"):
        fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=5, progress=False,
            resume_from=tmp_path / "last.safetensors")
    with raises(ValueError, "fit: " + str(tmp_path / "best.safetensors") + " is not a training checkpoint "
                "(ModelCheckpoint(save_last=True) writes them)"):
        fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=5, progress=False,
            resume_from=tmp_path / "best.safetensors")
    unseeded = DataLoader(splits[0], batch_size=64, shuffle=True)  # its order comes from the default generator
    with raises(ValueError, "other random generators: it has cpu, train_data.generator, this fit has cpu; resume"):
        fit(model, nn.CrossEntropyLoss(), optimizer, unseeded, epochs=5, progress=False,
            callbacks=[ModelCheckpoint(tmp_path / "best.safetensors", save_last=True), EarlyStopping(patience=2),
                       SchedulerStep(ember.optim.lr_scheduler.StepLR(optimizer, 5))],
            resume_from=tmp_path / "last.safetensors")


def test_model_checkpoint_arguments(tmp_path):
    last = ModelCheckpoint(tmp_path / "best.safetensors", save_last=True).last_path
    assert last == str(tmp_path / "last.safetensors")
    with raises(ValueError, "ModelCheckpoint: every_n_steps must be a positive int or None, got 0"):
        ModelCheckpoint(tmp_path / "best.safetensors", save_last=True, every_n_steps=0)
    with raises(ValueError, "ModelCheckpoint: every_n_steps saves the training checkpoint, so it needs save_last=True"):
        ModelCheckpoint(tmp_path / "best.safetensors", every_n_steps=5)
    with raises(ValueError, "the training checkpoint and the best weights would both be"):
        ModelCheckpoint(tmp_path / "last.safetensors", save_last=True)


def test_the_random_generators_a_fit_draws_from():
    loader = DataLoader(TensorDataset(ember.ones(4, 2)), batch_size=2, shuffle=True, generator=ember.Generator(seed=1))
    sampler = ember.data.RandomSampler(range(4), generator=ember.Generator(seed=2))
    state = FitState(nn.Linear(2, 2), None, History(), 1, 2,
                     data={"train_data": loader, "val_data": DataLoader(range(4), sampler=sampler)})
    expected = ["cpu", "train_data.generator", "val_data.sampler.generator"] + (["cuda"] if ember.cuda.is_available()
                                                                               else [])
    assert sorted(state.generators) == sorted(expected)
    assert state.generators["train_data.generator"] is loader.generator


# -------------------------------------------------------------------------------------------------
# Non-finite gradients and validation losses, empty data.

def nan_gradient_fit(max_grad_norm=None, **kwargs):
    """A fit whose loss is finite but whose gradients are NaN: 0 · sqrt(0) adds 0 to the loss, and 0 · ∞ to the
    gradient. Returns the model, its weights before, and the fit to run."""
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    data = DataLoader(TensorDataset(ember.randn(8, 3), ember.zeros(8, 1)), batch_size=4)

    def loss_fn(out, y):
        return ((out - y) ** 2).mean() + 0.0 * (out - out.detach()).abs().sqrt().sum()
    before = [p.detach().numpy().copy() for p in model.parameters()]
    return model, before, lambda: fit(model, loss_fn, ember.optim.SGD(model.parameters(), lr=0.1), data, epochs=2,
                                      progress=False, max_grad_norm=max_grad_norm, **kwargs)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning", "ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("max_grad_norm", [None, 1.0])
def test_a_nan_gradient_with_a_finite_loss_stops_before_the_step(max_grad_norm):
    model, before, run = nan_gradient_fit(max_grad_norm)
    with raises(DivergenceError, "the gradients became NaN or infinite at epoch 1, batch 1, first in '0.weight', with "
                                 "a finite loss"):
        run()
    for p, old in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.detach().numpy(), old)  # no step was taken with them


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning", "ignore:divide by zero:RuntimeWarning",
                            "ignore:anomaly detection is on")
def test_fit_with_detect_anomaly_names_the_op_and_its_module():
    _, _, run = nan_gradient_fit(detect_anomaly=True)
    with raises(RuntimeError, "Function 'SqrtBackward' returned nan values in its 0th output (found by anomaly "
                              "detection): the gradient of its input 0, of shape (4, 1)\nthe op was created at:\n"):
        run()
    assert not ember.autograd.is_anomaly_enabled()  # only for the fit


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_a_nan_validation_loss_stops_the_fit_naming_the_epoch():
    model = nn.Linear(2, 1)
    train = DataLoader(TensorDataset(ember.ones(4, 2), ember.ones(4, 1)), batch_size=2)
    val = DataLoader(TensorDataset(ember.tensor([[float("nan"), 0.0]]), ember.ones(1, 1)), batch_size=1)
    with raises(DivergenceError, "the validation loss became nan at epoch 1: training diverged"):
        fit(model, nn.MSELoss(), ember.optim.SGD(model.parameters(), lr=0.1), train, val, epochs=3, progress=False)


def test_empty_training_or_validation_data_is_a_clear_error():
    model = nn.Linear(2, 1)
    optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
    empty = DataLoader(TensorDataset(ember.ones(0, 2), ember.ones(0, 1)), batch_size=2)
    some = DataLoader(TensorDataset(ember.ones(4, 2), ember.ones(4, 1)), batch_size=2)
    with raises(ValueError, "fit: train_data has no batches (an empty dataset, or drop_last=True with fewer samples "
                            "than a batch)"):
        fit(model, nn.MSELoss(), optimizer, empty, progress=False)
    with raises(ValueError, "fit: val_data has no batches"):
        fit(model, nn.MSELoss(), optimizer, some, empty, progress=False)
    with raises(ValueError, "fit: train_data yielded no batches in epoch 1"):
        fit(model, nn.MSELoss(), optimizer, iter([]), progress=False)


def test_a_grad_scaler_takes_the_steps_and_is_saved(tmp_path):
    model = nn.Linear(2, 1)
    optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
    scaler = ember.amp.GradScaler("cpu")
    data = DataLoader(TensorDataset(ember.ones(4, 2), ember.zeros(4, 1)), batch_size=2)
    history = fit(model, nn.MSELoss(), optimizer, data, epochs=2, progress=False, scaler=scaler,
                  callbacks=[ModelCheckpoint(tmp_path / "best.safetensors", monitor="train_loss", save_last=True)])
    assert history["train_loss"][1] < history["train_loss"][0]
    assert ember.load(tmp_path / "last.safetensors")["scaler"] == scaler.state_dict()


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning", "ignore:anomaly detection is on")
def test_an_infinite_loss_under_detect_anomaly_names_the_op_that_made_the_infinity():
    model = nn.Linear(2, 1)
    data = DataLoader(TensorDataset(ember.ones(4, 2), ember.ones(4, 1)), batch_size=2)

    def log_of_zero(out, y):
        return (out * 0.0).abs().log().mean()
    with raises(DivergenceError, "the loss became -inf at epoch 1, batch 1: training diverged (try a lower learning "
                                 f"rate); its infinity was first made by Log ({__file__}, line "):
        fit(model, log_of_zero, ember.optim.SGD(model.parameters(), lr=0.1), data, progress=False, detect_anomaly=True)
