import numpy as np
import pytest
import torch

import ember
from helpers import DEVICES, raises, tensor_for, to_numpy

# A small two-layer regression problem, written with plain tensors: tanh(x·W1 + b1)·W2 + b2 ≈ y.
_rng = np.random.default_rng(0)
X = _rng.standard_normal((16, 4))
Y = np.sin(X.sum(axis=1, keepdims=True))
WEIGHTS = [_rng.standard_normal((4, 6)) * 0.5, _rng.standard_normal(6) * 0.1,
           _rng.standard_normal((6, 1)) * 0.5, np.zeros(1)]


def problem(lib, device="cpu", dtype=np.float64):
    """The starting weights (leaves that require grad) and the data (x, y), as tensors of lib."""
    params = [tensor_for(lib, w.astype(dtype), device, requires_grad=True) for w in WEIGHTS]
    data = [tensor_for(lib, a.astype(dtype), device) for a in (X, Y)]
    return params, data


def loss_of(lib, params, data, sign=1.0):
    (w1, b1, w2, b2), (x, y) = params, data
    prediction = lib.tanh(x @ w1 + b1) @ w2 + b2
    return ((prediction - y) ** 2).mean() * sign


def train(lib, optimizer, params, data, steps, sign=1.0):
    for _ in range(steps):
        optimizer.zero_grad()
        loss_of(lib, params, data, sign).backward()
        optimizer.step()


# name: (make the optimizer from (lib, params), sign of the loss: maximize climbs -loss)
CONFIGS = {
    "sgd": (lambda lib, ps: lib.optim.SGD(ps, lr=0.1), 1.0),
    "sgd_momentum": (lambda lib, ps: lib.optim.SGD(ps, lr=0.05, momentum=0.9), 1.0),
    "sgd_dampening": (lambda lib, ps: lib.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.3), 1.0),
    "sgd_nesterov": (lambda lib, ps: lib.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True), 1.0),
    "sgd_weight_decay": (lambda lib, ps: lib.optim.SGD(ps, lr=0.1, momentum=0.5, weight_decay=0.05), 1.0),
    "sgd_maximize": (lambda lib, ps: lib.optim.SGD(ps, lr=0.1, momentum=0.5, weight_decay=0.05, maximize=True), -1.0),
    "adam": (lambda lib, ps: lib.optim.Adam(ps, lr=0.01), 1.0),
    "adam_amsgrad": (lambda lib, ps: lib.optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), amsgrad=True), 1.0),
    "adam_weight_decay": (lambda lib, ps: lib.optim.Adam(ps, lr=0.01, weight_decay=0.1, eps=1e-6), 1.0),
    "adam_maximize": (lambda lib, ps: lib.optim.Adam(ps, lr=0.01, weight_decay=0.1, maximize=True), -1.0),
    "adamw": (lambda lib, ps: lib.optim.AdamW(ps, lr=0.01), 1.0),
    "adamw_amsgrad": (lambda lib, ps: lib.optim.AdamW(ps, lr=0.02, weight_decay=0.1, amsgrad=True), 1.0),
    "rmsprop": (lambda lib, ps: lib.optim.RMSprop(ps, lr=0.01), 1.0),
    "rmsprop_momentum": (lambda lib, ps: lib.optim.RMSprop(ps, lr=0.005, alpha=0.9, momentum=0.9), 1.0),
    "rmsprop_centered": (lambda lib, ps: lib.optim.RMSprop(ps, lr=0.005, centered=True), 1.0),
    "rmsprop_all": (lambda lib, ps: lib.optim.RMSprop(ps, lr=0.005, momentum=0.5, centered=True,
                                                      weight_decay=0.05, maximize=True), -1.0),
    "adagrad": (lambda lib, ps: lib.optim.Adagrad(ps, lr=0.1), 1.0),
    "adagrad_options": (lambda lib, ps: lib.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.05,
                                                          initial_accumulator_value=0.1, eps=1e-8), 1.0),
    "adagrad_maximize": (lambda lib, ps: lib.optim.Adagrad(ps, lr=0.1, maximize=True), -1.0),
}


def run_both(make_optimizer, steps, device="cpu", dtype=np.float64, sign=1.0):
    """The parameters after training with ember (on device) and with torch, from the same start."""
    results = []
    for lib in (ember, torch):
        params, data = problem(lib, device, dtype)
        train(lib, make_optimizer(lib, params), params, data, steps, sign)
        results.append(params)
    return results


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", CONFIGS)
def test_100_steps_match_torch(device, name):
    make_optimizer, sign = CONFIGS[name]
    ours, theirs = run_both(make_optimizer, 100, device, sign=sign)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=1e-6, atol=1e-6, err_msg=f"parameter {i}")
    assert not np.allclose(to_numpy(ours[0]), WEIGHTS[0])  # it did train


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["sgd_nesterov", "adam_amsgrad", "adamw", "rmsprop_all", "adagrad_options"])
def test_float32_stays_float32_and_matches_torch(device, name):
    make_optimizer, sign = CONFIGS[name]
    ours, theirs = run_both(make_optimizer, 20, device, np.float32, sign)
    for o, t in zip(ours, theirs):
        assert o.dtype == np.float32
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=1e-4, atol=1e-5)


def test_numpy_float64_hyperparameters_do_not_widen_float32():
    params, data = problem(ember, dtype=np.float32)
    optimizer = ember.optim.Adam(params, lr=np.float64(0.01), betas=(np.float64(0.9), np.float64(0.99)),
                                 weight_decay=np.float64(0.1))
    train(ember, optimizer, params, data, 3)
    assert type(optimizer.param_groups[0]["lr"]) is float
    assert all(p.dtype == np.float32 for p in params)
    assert all(v.dtype == np.float32 for p in params for v in optimizer.state[p].values() if hasattr(v, "dtype"))


def two_groups(optimizer_class, **defaults):
    return lambda lib, ps: getattr(lib.optim, optimizer_class)(
        [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.02, "weight_decay": 0.1}], **defaults)


@pytest.mark.parametrize("make_optimizer", [two_groups("SGD", lr=0.1, momentum=0.9),
                                            two_groups("Adam", lr=0.01, amsgrad=True),
                                            two_groups("RMSprop", lr=0.01, centered=True)],
                         ids=["sgd", "adam", "rmsprop"])
def test_parameter_groups_with_their_own_lr_and_weight_decay_match_torch(make_optimizer):
    ours, theirs = run_both(make_optimizer, 100)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=1e-6, atol=1e-6)


def test_a_group_takes_the_defaults_it_leaves_out():
    optimizer = two_groups("SGD", lr=0.1, momentum=0.9)(ember, problem(ember)[0])
    first, second = optimizer.param_groups
    assert (first["lr"], first["momentum"], first["weight_decay"]) == (0.1, 0.9, 0.0)
    assert (second["lr"], second["momentum"], second["weight_decay"]) == (0.02, 0.9, 0.1)


def test_add_param_group_mid_run_matches_torch():
    results = []
    for lib in (ember, torch):
        params, data = problem(lib)
        optimizer = lib.optim.Adam(params[:2], lr=0.01)
        train(lib, optimizer, params, data, 30)
        optimizer.add_param_group({"params": params[2:], "lr": 0.05})
        train(lib, optimizer, params, data, 30)
        results.append(params)
    for o, t in zip(*results):
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["sgd_momentum", "adam_amsgrad", "adamw", "rmsprop_all", "adagrad_options"])
def test_state_dict_round_trip_continues_exactly(name):
    make_optimizer, sign = CONFIGS[name]
    uninterrupted, data = problem(ember)
    train(ember, make_optimizer(ember, uninterrupted), uninterrupted, data, 100, sign)

    params, _ = problem(ember)
    optimizer = make_optimizer(ember, params)
    train(ember, optimizer, params, data, 50, sign)
    saved = optimizer.state_dict()
    weights = [p.array.copy() for p in params]
    state = {i: {k: to_numpy(v).copy() for k, v in values.items() if isinstance(v, ember.Tensor)}
             for i, values in saved["state"].items()}
    train(ember, optimizer, params, data, 5, sign)  # the saved dict is a snapshot: this leaves it alone
    for i, values in state.items():
        for key, value in values.items():
            np.testing.assert_array_equal(to_numpy(saved["state"][i][key]), value)

    resumed = [ember.tensor(w, requires_grad=True) for w in weights]
    fresh = make_optimizer(ember, resumed)
    fresh.load_state_dict(saved)
    train(ember, fresh, resumed, data, 50, sign)
    for r, u in zip(resumed, uninterrupted):
        np.testing.assert_array_equal(to_numpy(r), to_numpy(u))


def test_state_dict_layout_is_pytorchs():
    params, data = problem(ember)
    optimizer = two_groups("Adam", lr=0.01)(ember, params)
    train(ember, optimizer, params, data, 2)
    saved = optimizer.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1], [2, 3]]
    assert saved["param_groups"][1]["lr"] == 0.02
    assert sorted(saved["state"]) == [0, 1, 2, 3]
    assert saved["state"][2]["step"] == 2
    assert sorted(saved["state"][2]) == ["exp_avg", "exp_avg_sq", "step"]
    assert saved["state"][2]["exp_avg"].shape == (6, 1)


def test_zero_grad_sets_to_none_or_to_zeros():
    params, data = problem(ember)
    optimizer = ember.optim.SGD(params, lr=0.1)
    loss_of(ember, params, data).backward()
    optimizer.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in params)
    optimizer.zero_grad()
    assert all(p.grad is None for p in params)


def test_step_runs_the_closure_with_grad_enabled_and_returns_its_loss():
    params, data = problem(ember)
    optimizer = ember.optim.SGD(params, lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = loss_of(ember, params, data)
        loss.backward()
        return loss

    with ember.no_grad():
        loss = optimizer.step(closure)
    expected, _ = problem(ember)
    assert loss.item() == loss_of(ember, expected, data).item()
    train(ember, ember.optim.SGD(expected, lr=0.1), expected, data, 1)
    for p, e in zip(params, expected):
        np.testing.assert_array_equal(p.array, e.array)


def test_parameters_without_a_gradient_are_left_alone():
    used, unused = ember.tensor([1.0, 2.0], requires_grad=True), ember.tensor([3.0], requires_grad=True)
    optimizer = ember.optim.Adam([used, unused], lr=0.1)
    (used * used).sum().backward()
    optimizer.step()
    assert unused.tolist() == [3.0] and unused not in optimizer.state
    assert used.tolist() != [1.0, 2.0]


def test_a_step_between_forward_and_backward_is_caught():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    w.grad = ember.tensor([1.0, 1.0])
    loss = (w * w).sum()
    ember.optim.SGD([w], lr=0.1).step()
    with raises(RuntimeError, "changed by an in-place operation"):
        loss.backward()


def test_repr_lists_the_groups():
    optimizer = ember.optim.SGD(problem(ember)[0], lr=0.1, momentum=0.9)
    assert "Parameter Group 0" in repr(optimizer) and "momentum: 0.9" in repr(optimizer)


# -------------------------------------------------------------------------------------------------
# Errors.

def _leaf():
    return ember.zeros(3, requires_grad=True)


_w = _leaf()

BAD = [
    (lambda: ember.optim.SGD([_leaf()], lr=-0.1), ValueError, "SGD: lr must be >= 0.0, got -0.1"),
    (lambda: ember.optim.Adam([_leaf()], lr="0.1"), TypeError, "Adam: lr must be a number, got str '0.1'"),
    (lambda: ember.optim.SGD([_leaf()], lr=True), TypeError, "SGD: lr must be a number, got bool"),
    (lambda: ember.optim.SGD([_leaf()], lr=float("nan")), ValueError, "SGD: lr must be >= 0.0, got nan"),
    (lambda: ember.optim.SGD([{"params": [_leaf()], "lr": -1}], lr=0.1), ValueError, "SGD: lr must be >= 0.0"),
    (lambda: ember.optim.SGD([_leaf()], momentum=-0.5), ValueError, "SGD: momentum must be in [0.0, 1.0), got -0.5"),
    (lambda: ember.optim.SGD([_leaf()], momentum=1.0), ValueError, "SGD: momentum must be in [0.0, 1.0), got 1.0"),
    (lambda: ember.optim.SGD([_leaf()], weight_decay=-1e-4), ValueError, "SGD: weight_decay must be >= 0.0"),
    (lambda: ember.optim.SGD([_leaf()], nesterov=True), ValueError,
     "SGD: nesterov momentum needs momentum > 0 and dampening = 0, got momentum=0.0"),
    (lambda: ember.optim.SGD([_leaf()], momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     "nesterov momentum needs momentum > 0 and dampening = 0"),
    (lambda: ember.optim.Adam([_leaf()], betas=(1.0, 0.999)), ValueError, "Adam: betas[0] must be in [0.0, 1.0), got 1.0"),
    (lambda: ember.optim.AdamW([_leaf()], betas=(0.9, -0.1)), ValueError, "AdamW: betas[1] must be in [0.0, 1.0)"),
    (lambda: ember.optim.Adam([_leaf()], betas=0.9), TypeError, "Adam: betas must be a pair (beta1, beta2), got 0.9"),
    (lambda: ember.optim.Adam([_leaf()], eps=-1e-8), ValueError, "Adam: eps must be >= 0.0"),
    (lambda: ember.optim.RMSprop([_leaf()], alpha=1.5), ValueError, "RMSprop: alpha must be in [0.0, 1.0], got 1.5"),
    (lambda: ember.optim.RMSprop([_leaf()], momentum=-0.1), ValueError, "RMSprop: momentum must be in [0.0, 1.0)"),
    (lambda: ember.optim.Adagrad([_leaf()], lr_decay=-0.1), ValueError, "Adagrad: lr_decay must be >= 0.0"),
    (lambda: ember.optim.Adagrad([_leaf()], initial_accumulator_value=-1), ValueError,
     "Adagrad: initial_accumulator_value must be >= 0.0"),
    (lambda: ember.optim.SGD([]), ValueError, "SGD got an empty parameter list"),
    (lambda: ember.optim.SGD(_leaf() * 2), ValueError, "SGD can't optimize a non-leaf tensor"),
    (lambda: ember.optim.SGD([ember.zeros(3)]), ValueError,
     "SGD: a parameter of shape (3,) does not require grad"),
    (lambda: ember.optim.SGD([_leaf() * 2]), ValueError, "SGD can't optimize a non-leaf tensor"),
    (lambda: ember.optim.SGD([np.zeros(3)]), TypeError, "SGD can only optimize Tensors, but one of the params is a ndarray"),
    (lambda: ember.optim.SGD([_w, _w]), ValueError, "SGD: a parameter group lists the same parameter twice"),
    (lambda: ember.optim.SGD([{"params": [_w]}, {"params": _w}]), ValueError,
     "SGD: some parameters appear in more than one parameter group"),
    (lambda: ember.optim.SGD({_w}), TypeError, "optimizer parameters must be in an ordered collection (a list)"),
    (lambda: ember.optim.SGD({"params": [_w]}), TypeError, "wrap a single group in a list: [group]"),
    (lambda: ember.optim.SGD([{"lr": 0.1}]), ValueError, "SGD: a parameter group needs a 'params' entry"),
]


@pytest.mark.parametrize("make, exception, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments_get_clear_errors(make, exception, message):
    with raises(exception, message):
        make()


def test_add_param_group_checks_like_the_constructor():
    optimizer = ember.optim.SGD([_leaf()], lr=0.1)
    with raises(TypeError, "SGD: a parameter group is a dict with a 'params' entry, got list"):
        optimizer.add_param_group([_leaf()])
    with raises(ValueError, "SGD: lr must be >= 0.0, got -1"):
        optimizer.add_param_group({"params": [_leaf()], "lr": -1})
    assert len(optimizer.param_groups) == 1


def test_load_state_dict_refuses_a_mismatched_optimizer():
    params, data = problem(ember)
    optimizer = two_groups("Adam", lr=0.01)(ember, params)
    train(ember, optimizer, params, data, 1)
    saved = optimizer.state_dict()
    with raises(ValueError, "Adam.load_state_dict: the loaded state dict has 2 parameter groups, "
                            "this optimizer has 1"):
        ember.optim.Adam(problem(ember)[0]).load_state_dict(saved)
    other, _ = problem(ember)
    with raises(ValueError, "Adam.load_state_dict: parameter group 0 of the loaded state dict has 2 parameters, "
                            "this optimizer's has 1"):
        ember.optim.Adam([{"params": other[:1]}, {"params": other[1:]}]).load_state_dict(saved)
    swapped, _ = problem(ember)
    with raises(ValueError, "load_state_dict: state 'exp_avg' of parameter 0 has shape (4, 6), "
                            "the parameter has shape (6,)"):
        ember.optim.Adam([{"params": swapped[1::-1]}, {"params": swapped[2:]}]).load_state_dict(saved)
