import numpy as np
import pytest
import torch

import ember
from helpers import DEVICES, raises, tensor_for, to_numpy

_rng = np.random.default_rng(0)
X = _rng.standard_normal((32, 4))
Y = _rng.standard_normal((32, 1))


def model_pair():
    """The same small network with batch norm in ember and in PyTorch (PyTorch's weights), in float64."""
    def make(lib):
        nn = lib.nn
        return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 1))
    torch.manual_seed(0)
    theirs = make(torch).double()
    ours = make(ember).double()
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


AVERAGES = {
    "swa": lambda su: {},
    "swa_avg_fn": lambda su: dict(avg_fn=su.get_swa_avg_fn()),
    "ema_multi": lambda su: dict(multi_avg_fn=su.get_ema_multi_avg_fn(0.9)),
    "ema_avg_fn": lambda su: dict(avg_fn=su.get_ema_avg_fn(0.8)),
    "ema_with_buffers": lambda su: dict(multi_avg_fn=su.get_ema_multi_avg_fn(0.7), use_buffers=True),
    "swa_with_buffers": lambda su: dict(use_buffers=True),
}


def average_while_training(lib, model, options, device="cpu", steps=12):
    """Train model with SGD on batches of 8, and average its weights after every step."""
    averaged = lib.optim.swa_utils.AveragedModel(model, **options(lib.optim.swa_utils))
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(steps):
        batch = slice(8 * (step % 4), 8 * (step % 4 + 1))
        x, y = tensor_for(lib, X[batch], device), tensor_for(lib, Y[batch], device)
        optimizer.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        optimizer.step()
        averaged.update_parameters(model)
    return averaged


def assert_same_state(ours, theirs):
    ours, theirs = ours.state_dict(), theirs.state_dict()
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        np.testing.assert_allclose(to_numpy(ours[key]), to_numpy(value), rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", AVERAGES)
def test_averaged_model_matches_torch(device, name):
    ours, theirs = model_pair()
    ours.to(device)
    averaged = average_while_training(ember, ours, AVERAGES[name], device)
    expected = average_while_training(torch, theirs, AVERAGES[name])
    assert averaged.n_averaged.item() == 12
    assert_same_state(averaged, expected)
    assert not np.allclose(to_numpy(averaged.module[0].weight), to_numpy(ours[0].weight))  # an average, not a copy
    averaged.eval()
    expected.eval()
    x = tensor_for(ember, X, device)
    np.testing.assert_allclose(to_numpy(averaged(x)), expected(torch.tensor(X)).detach().numpy(), rtol=1e-9)


def test_averaged_model_on_a_device_and_from_a_state_dict():
    ours, theirs = model_pair()
    averaged = ember.optim.swa_utils.AveragedModel(ours, device="cpu")
    assert averaged.n_averaged.device == ember.device("cpu") and averaged.module is not ours
    expected = average_while_training(torch, theirs, AVERAGES["swa"], steps=5)
    averaged.load_state_dict(expected.state_dict())
    assert averaged.n_averaged.item() == 5
    assert_same_state(averaged, expected)


def test_update_bn_recomputes_the_statistics_like_torch():
    ours, theirs = model_pair()
    averaged = average_while_training(ember, ours, AVERAGES["swa"])
    expected = average_while_training(torch, theirs, AVERAGES["swa"])
    averaged.eval()
    expected.eval()
    loaders = [[(tensor_for(lib, X[i:i + 5]), tensor_for(lib, Y[i:i + 5])) for i in range(0, 32, 5)]
               for lib in (ember, torch)]
    ember.optim.swa_utils.update_bn(loaders[0], averaged)
    torch.optim.swa_utils.update_bn(loaders[1], expected)
    assert_same_state(averaged, expected)
    assert averaged.module[1].num_batches_tracked.item() == 7
    assert averaged.module[1].momentum == 0.1 and not averaged.training


def test_update_bn_takes_bare_input_batches_and_leaves_models_without_batch_norm_alone():
    ours, theirs = model_pair()
    ember.optim.swa_utils.update_bn([ember.tensor(X[:16]), ember.tensor(X[16:])], ours)
    torch.optim.swa_utils.update_bn([torch.tensor(X[:16]), torch.tensor(X[16:])], theirs)
    assert_same_state(ours, theirs)
    plain = ember.nn.Linear(4, 1)
    before = plain.weight.array.copy()
    ember.optim.swa_utils.update_bn([ember.tensor(X)], plain)
    np.testing.assert_array_equal(plain.weight.array, before)


BAD = [
    (lambda su: su.AveragedModel(ember.nn.Linear(2, 2), avg_fn=su.get_swa_avg_fn(),
                                 multi_avg_fn=su.get_swa_multi_avg_fn()), ValueError,
     "AveragedModel: give avg_fn or multi_avg_fn, not both"),
    (lambda su: su.AveragedModel(lambda x: x), TypeError, "AveragedModel: model must be an nn.Module, got function"),
    (lambda su: su.get_ema_multi_avg_fn(1.5), ValueError, "get_ema_multi_avg_fn: decay must be in [0.0, 1.0], got 1.5"),
    (lambda su: su.get_ema_avg_fn(-0.1), ValueError, "get_ema_avg_fn: decay must be in [0.0, 1.0], got -0.1"),
]


@pytest.mark.parametrize("make, exception, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments_get_clear_errors(make, exception, message):
    with raises(exception, message):
        make(ember.optim.swa_utils)
