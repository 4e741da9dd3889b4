import io

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.data import DataLoader, TensorDataset, digits
from ember.train import (Callback, DivergenceError, EarlyStopping, History, ModelCheckpoint, ProgressBar,
                         SchedulerStep, diagnose, evaluate, fit, plot_history)
from helpers import raises


@pytest.fixture(scope="module")
def digit_splits():
    return digits(seed=0)


def mlp(hidden=64, dropout=0.0):
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 10))


def loaders(splits, batch_size=32, train_size=None):
    train = splits.train
    if train_size is not None:
        train = TensorDataset(*(t[:train_size] for t in train.tensors))
    generator = ember.Generator(seed=0)
    return (DataLoader(train, batch_size=batch_size, shuffle=True, generator=generator),
            DataLoader(splits.val, batch_size=256))


def test_fit_learns_digits(digit_splits):
    ember.manual_seed(0)
    model = mlp()
    train, val = loaders(digit_splits)
    history = fit(model, nn.CrossEntropyLoss(), ember.optim.Adam(model.parameters(), lr=3e-3), train, val,
                  epochs=8, progress=False)
    assert len(history) == 8
    assert history.columns() == ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "seconds"]
    assert history["train_loss"][-1] < history["train_loss"][0] / 5
    test = evaluate(model, nn.CrossEntropyLoss(), DataLoader(digit_splits.test, batch_size=100))
    assert test["accuracy"] > 0.93


def overfitting_run(splits, callbacks, epochs=60):
    """A big network on 60 training digits and a high learning rate: it memorizes them."""
    ember.manual_seed(1)
    model = mlp(hidden=256)
    train, val = loaders(splits, batch_size=20, train_size=60)
    history = fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), train, val,
                  epochs=epochs, callbacks=callbacks, progress=False)
    return model, history


def test_early_stopping_stops_an_overfitting_run_and_restores_its_best_weights(digit_splits, tmp_path):
    stopper = EarlyStopping(monitor="val_loss", patience=4)
    checkpoint = ModelCheckpoint(tmp_path / "best.safetensors")
    model, history = overfitting_run(digit_splits, [stopper, checkpoint])
    best = history.best_epoch("val_loss")
    assert history.stopped_epoch == stopper.stopped_epoch == best + 4 < 60
    assert diagnose(history).verdict == "overfitting"
    best_weights = ember.load(tmp_path / "best.safetensors")
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), best_weights[name].numpy())
    restored = evaluate(model, nn.CrossEntropyLoss(), loaders(digit_splits)[1])["loss"]
    assert restored == pytest.approx(history["val_loss"][best - 1], rel=1e-5)


def test_early_stopping_in_max_mode_with_min_delta(digit_splits):
    stopper = EarlyStopping(monitor="val_accuracy", mode="auto", patience=2, min_delta=0.5)  # never improves by 0.5
    _, history = overfitting_run(digit_splits, [stopper], epochs=10)
    assert stopper.mode == "max" and history.stopped_epoch == 3


def test_divergence_stops_at_once_naming_epoch_and_batch(digit_splits):
    model = mlp()
    train, val = loaders(digit_splits)
    with raises(DivergenceError, "the loss became nan at epoch 1, batch 1"):
        fit(model, lambda out, y: (out * float("nan")).sum(), ember.optim.SGD(model.parameters(), lr=0.1), train,
            val, epochs=3, progress=False)


def test_diverged_history_is_diagnosed():
    history = History([{"epoch": 1, "train_loss": 2.0}])
    history.diverged = (2, 17)
    assert str(diagnose(history)).startswith("diverged: the loss or the gradients became NaN or infinite at epoch 2, "
                                             "batch 17")
    history.diverged = (3, None)
    assert str(diagnose(history)).startswith("diverged: the loss or the gradients became NaN or infinite at epoch 3 "
                                             "(validation)")


def test_scheduler_step_each_epoch_and_each_batch(digit_splits):
    model = mlp()
    optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
    train, val = loaders(digit_splits, batch_size=400)  # 4 batches an epoch
    history = fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=3, progress=False,
                  callbacks=[SchedulerStep(ember.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5))])
    assert history["lr"] == pytest.approx([0.1, 0.05, 0.025])
    optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
    fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=1, progress=False,
        callbacks=[SchedulerStep(ember.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5), interval="batch")])
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 / 16)


def test_reduce_on_plateau_gets_the_monitored_number(digit_splits):
    model = mlp()
    optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
    plateau = ember.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="max", patience=0, threshold=10.0)
    train, val = loaders(digit_splits, batch_size=400)
    fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=3, progress=False,
        callbacks=[SchedulerStep(plateau, monitor="val_accuracy")])
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.001)  # cut after epochs 2 and 3


def test_callbacks_see_every_moment(digit_splits):
    seen = []

    class Recorder(Callback):
        def on_fit_begin(self, state):
            seen.append("fit")

        def on_epoch_begin(self, state):
            seen.append(f"epoch {state.epoch}")

        def on_batch_end(self, state):
            seen.append("batch")

        def on_epoch_end(self, state):
            seen.append(f"end {state.epoch}")
            state.stop = state.epoch == 2

        def on_fit_end(self, state):
            seen.append("done")

    model = mlp()
    train, val = loaders(digit_splits, batch_size=700)  # 2 batches
    history = fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1), train, val, epochs=5,
                  callbacks=[Recorder()], progress=False)
    assert seen == ["fit", "epoch 1", "batch", "batch", "end 1", "epoch 2", "batch", "batch", "end 2", "done"]
    assert history.stopped_epoch == 2


def test_progress_prints_one_plain_line_per_epoch_off_a_terminal(digit_splits):
    model = mlp()
    train, val = loaders(digit_splits)
    stream = io.StringIO()
    fit(model, nn.CrossEntropyLoss(), ember.optim.Adam(model.parameters()), train, val, epochs=2,
        callbacks=[ProgressBar(stream)])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("epoch 2/2  train loss ") and " val loss " in lines[1] and "samples/s" in lines[1]


def test_regression_gets_loss_only_and_extra_metrics():
    ember.manual_seed(0)
    x = ember.randn(200, 3)
    y = x @ ember.tensor([[1.0], [-2.0], [0.5]])
    data = DataLoader(TensorDataset(x, y), batch_size=50)
    model = nn.Linear(3, 1)
    mae = {"mae": lambda out, target: (out - target).abs().mean().item()}
    history = fit(model, nn.MSELoss(), ember.optim.SGD(model.parameters(), lr=0.1), data, data, epochs=20,
                  metrics=mae, progress=False)
    assert "train_accuracy" not in history and history["val_mae"][-1] < 0.05


def test_diagnose_verdicts():
    def history(train_loss, val_loss, train_acc, val_acc):
        return History([{"epoch": i + 1, "train_loss": a, "val_loss": b, "train_accuracy": c, "val_accuracy": d}
                        for i, (a, b, c, d) in enumerate(zip(train_loss, val_loss, train_acc, val_acc))])
    overfit = diagnose(history([1.0, 0.5, 0.2, 0.1], [1.0, 0.6, 0.7, 0.9], [0.6, 0.8, 0.95, 0.99], [0.6, 0.75, 0.74, 0.73]))
    assert overfit.verdict == "overfitting" and overfit.turning_epoch == 2
    gap = diagnose(history([1.0, 0.5, 0.4], [1.0, 0.6, 0.55], [0.6, 0.9, 0.99], [0.6, 0.85, 0.9]))
    assert gap.verdict == "overfitting" and "99.0%" in gap.explanation
    under = diagnose(history([2.0, 1.9, 1.85], [2.0, 1.9, 1.86], [0.3, 0.35, 0.36], [0.3, 0.34, 0.35]))
    assert under.verdict == "underfitting"
    good = diagnose(history([1.0, 0.3, 0.29], [1.0, 0.31, 0.3], [0.7, 0.95, 0.96], [0.7, 0.94, 0.95]))
    assert good.verdict == "good fit" and "still falling" not in good.explanation
    learning = diagnose(history([1.0, 0.3, 0.2], [1.0, 0.31, 0.25], [0.7, 0.95, 0.99], [0.7, 0.94, 0.97]))
    assert learning.verdict == "good fit" and "still falling (0.3000 → 0.2000)" in learning.explanation
    assert diagnose(History([{"epoch": 1, "train_loss": 1.0}])).verdict == "unknown"


def test_plot_history_writes_a_png(tmp_path):
    history = History([{"epoch": i, "train_loss": 1 / i, "val_loss": 1 / i + 0.1, "train_accuracy": 0.5,
                        "val_accuracy": 0.4} for i in range(1, 5)])
    path = plot_history(history, tmp_path / "curves.png")
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_history_columns_csv_and_errors(tmp_path):
    history = History([{"epoch": 1, "train_loss": 0.5}, {"epoch": 2, "train_loss": 0.25}])
    assert history["train_loss"] == [0.5, 0.25] and "train_loss" in history
    history.to_csv(tmp_path / "m.csv")
    assert (tmp_path / "m.csv").read_text().splitlines() == ["epoch,train_loss", "1,0.5", "2,0.25"]
    with raises(KeyError, "history has no column 'val_loss'"):
        history["val_loss"]


def test_fit_argument_errors(digit_splits):
    model = mlp()
    train, val = loaders(digit_splits)
    with raises(ValueError, "epochs must be a positive int"):
        fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1), train, epochs=0)
    with raises(KeyError, "no 'val_loss' in the history"):
        fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1), train, epochs=1,
            callbacks=[EarlyStopping()], progress=False)
    with raises(ValueError, "patience must be a positive int"):
        EarlyStopping(patience=0)
    with raises(ValueError, "mode is 'min', 'max' or 'auto'"):
        EarlyStopping(mode="up")


def test_a_language_model_history_counts_iterations(tmp_path):
    from ember.apps.runs import by_iteration
    from ember.train.callbacks import format_epoch
    history = History([{"epoch": 1, "train_loss": 2.0, "val_loss": 2.1, "lr": 0.1, "seconds": 1.0},
                       {"epoch": 2, "train_loss": 1.5, "val_loss": 1.6, "lr": 0.1, "seconds": 1.0}])
    counted = by_iteration(history, 300)
    assert counted.columns()[0] == "iteration" and counted["iteration"] == [300, 600] and "epoch" not in counted
    assert plot_history(counted, tmp_path / "curves.png", x="iteration").exists()
    line = format_epoch(history.records[1], 5, 100, iterations_per_epoch=300)
    assert line.startswith("iteration 600/1500  train loss 1.5000")
