"""ember.train.lr_finder: the learning-rate range test."""

import numpy as np
import pytest

import ember
from ember import data, nn, optim
from ember.train import lr_finder
from helpers import raises


def regression(seed=0):
    """A linear least-squares problem whose loss curvature, hence the learning rate at which SGD
    diverges (2 / the largest eigenvalue of the Hessian), is known."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(256, 4)).astype(np.float32) * np.array([1.0, 0.5, 0.2, 0.1], np.float32)
    y = x @ np.array([1.0, -2.0, 0.5, 3.0], np.float32)[:, None]
    hessian = 2 * x.T @ x / len(x)  # of the mean squared error
    return data.TensorDataset(ember.tensor(x), ember.tensor(y)), 2 / np.linalg.eigvalsh(hessian).max()


def run(num_iter=60, **kwargs):
    dataset, diverges_at = regression()
    ember.manual_seed(0)
    model = nn.Linear(4, 1, bias=False)
    optimizer = optim.SGD(model.parameters(), lr=0.123)
    loader = data.DataLoader(dataset, batch_size=256)
    before = model.weight.detach().clone()
    result = lr_finder(model, nn.MSELoss(), optimizer, loader, start_lr=1e-4, end_lr=100.0, num_iter=num_iter, **kwargs)
    return result, model, optimizer, before, diverges_at


def test_the_learning_rate_grows_geometrically_and_the_test_stops_where_sgd_diverges():
    result, _, _, _, diverges_at = run()
    ratios = np.array(result.lrs[1:]) / np.array(result.lrs[:-1])
    assert result.lrs[0] == pytest.approx(1e-4) and np.allclose(ratios, (100 / 1e-4) ** (1 / 59))
    assert len(result.lrs) < 60 and result.lrs[-1] > diverges_at  # stopped early, past the divergence point
    assert result.lrs[-1] < 10 * diverges_at                        # ... and soon after it
    assert result.suggestion < diverges_at                           # a rate that still descends
    assert result.losses[-1] > 4 * min(result.losses)
    assert len(result.raw_losses) == len(result.losses) == len(result.lrs)


def test_the_model_and_optimizer_are_put_back():
    result, model, optimizer, before, _ = run()
    assert np.array_equal(model.weight.detach().numpy(), before.numpy())
    assert optimizer.param_groups[0]["lr"] == 0.123 and model.training
    assert "suggestion" in repr(result)


def test_without_smoothing_the_losses_are_the_raw_ones_and_data_is_reused():
    result, *_ = run(num_iter=300, smoothing=0.0, diverge_factor=1e30)  # one batch per epoch: reused every step
    assert result.losses == result.raw_losses and len(result.lrs) > 1


def test_plot(tmp_path):
    result, *_ = run()
    assert (tmp_path / "lr.png").exists() is False
    assert result.plot(tmp_path / "lr.png") == tmp_path / "lr.png" and (tmp_path / "lr.png").stat().st_size > 1000


@pytest.mark.parametrize("kwargs, message", [
    ({"start_lr": 1.0, "end_lr": 0.1}, "lr_finder: need 0 < start_lr < end_lr, got start_lr=1.0, end_lr=0.1"),
    ({"num_iter": 1}, "lr_finder: num_iter must be an int of at least 2, got 1"),
    ({"smoothing": 1.0}, "lr_finder: smoothing must lie in [0, 1), got 1.0"),
    ({"diverge_factor": 1.0}, "lr_finder: diverge_factor must be above 1, got 1.0"),
])
def test_bad_arguments_are_refused(kwargs, message):
    model = nn.Linear(4, 1)
    with raises(ValueError, message):
        lr_finder(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), [], **kwargs)


def test_no_batches_is_refused():
    model = nn.Linear(4, 1)
    with raises(ValueError, "lr_finder: train_data has no batches"):
        lr_finder(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), [])
