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
    "adadelta": (lambda lib, ps: lib.optim.Adadelta(ps), 1.0),
    "adadelta_options": (lambda lib, ps: lib.optim.Adadelta(ps, lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.05), 1.0),
    "adadelta_maximize": (lambda lib, ps: lib.optim.Adadelta(ps, weight_decay=0.05, maximize=True), -1.0),
    "adamax": (lambda lib, ps: lib.optim.Adamax(ps, lr=0.01), 1.0),
    "adamax_options": (lambda lib, ps: lib.optim.Adamax(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6,
                                                        weight_decay=0.05), 1.0),
    "adamax_maximize": (lambda lib, ps: lib.optim.Adamax(ps, lr=0.01, weight_decay=0.05, maximize=True), -1.0),
    "nadam": (lambda lib, ps: lib.optim.NAdam(ps, lr=0.01), 1.0),
    "nadam_weight_decay": (lambda lib, ps: lib.optim.NAdam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.05,
                                                           momentum_decay=0.01), 1.0),
    "nadam_decoupled": (lambda lib, ps: lib.optim.NAdam(ps, lr=0.01, weight_decay=0.1, decoupled_weight_decay=True,
                                                        maximize=True), -1.0),
    "radam": (lambda lib, ps: lib.optim.RAdam(ps, lr=0.01), 1.0),
    "radam_weight_decay": (lambda lib, ps: lib.optim.RAdam(ps, lr=0.01, betas=(0.8, 0.9), weight_decay=0.05), 1.0),
    "radam_decoupled": (lambda lib, ps: lib.optim.RAdam(ps, lr=0.01, weight_decay=0.1, decoupled_weight_decay=True,
                                                        maximize=True), -1.0),
    "asgd": (lambda lib, ps: lib.optim.ASGD(ps, lr=0.05), 1.0),
    "asgd_averaging": (lambda lib, ps: lib.optim.ASGD(ps, lr=0.05, lambd=1e-3, alpha=0.6, t0=20,
                                                      weight_decay=0.05), 1.0),
    "asgd_maximize": (lambda lib, ps: lib.optim.ASGD(ps, lr=0.05, t0=10, maximize=True), -1.0),
    "rprop": (lambda lib, ps: lib.optim.Rprop(ps, lr=0.01), 1.0),
    "rprop_options": (lambda lib, ps: lib.optim.Rprop(ps, lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-4, 0.05)), 1.0),
    "rprop_maximize": (lambda lib, ps: lib.optim.Rprop(ps, lr=0.01, maximize=True), -1.0),
    "adafactor": (lambda lib, ps: lib.optim.Adafactor(ps, lr=0.01), 1.0),
    "adafactor_options": (lambda lib, ps: lib.optim.Adafactor(ps, lr=0.02, beta2_decay=-0.5, eps=(1e-8, 1e-3), d=2.0,
                                                              weight_decay=0.1), 1.0),
    "adafactor_maximize": (lambda lib, ps: lib.optim.Adafactor(ps, lr=0.01, weight_decay=0.05, maximize=True), -1.0),
    "muon": (lambda lib, ps: lib.optim.Muon(matrices(ps), lr=0.02), 1.0),
    "muon_options": (lambda lib, ps: lib.optim.Muon(matrices(ps), lr=0.01, weight_decay=0.05, momentum=0.9,
                                                    nesterov=False, ns_steps=3, adjust_lr_fn="match_rms_adamw"), 1.0),
    "muon_original": (lambda lib, ps: lib.optim.Muon(matrices(ps), lr=0.02, ns_coefficients=(2.0, -1.5, 0.5),
                                                     eps=1e-5, adjust_lr_fn="original"), 1.0),
    # foreach and fused choose PyTorch's implementation: the same numbers.
    "sgd_foreach": (lambda lib, ps: lib.optim.SGD(ps, lr=0.05, momentum=0.9, foreach=True), 1.0),
    "adam_fused": (lambda lib, ps: lib.optim.Adam(ps, lr=0.01, weight_decay=0.1, fused=True), 1.0),
    "adagrad_fused": (lambda lib, ps: lib.optim.Adagrad(ps, lr=0.1, fused=True), 1.0),
    "nadam_foreach": (lambda lib, ps: lib.optim.NAdam(ps, lr=0.01, foreach=True), 1.0),
}


def matrices(params):
    """The 2-D parameters (the weights Muon optimizes); the biases stay as they are."""
    return [p for p in params if p.ndim == 2]


@pytest.fixture(autouse=True)
def torch_muon_in_full_precision(monkeypatch):
    """PyTorch's Muon runs its Newton-Schulz iteration in bfloat16, which NumPy has not; ember runs it in
    the parameter's dtype. Compared with PyTorch's Muon with its bfloat16 cast made a copy, the rest of
    the rule is tested to float64 precision."""
    monkeypatch.setattr(torch.Tensor, "bfloat16", lambda self: self.clone())


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
@pytest.mark.parametrize("name", ["sgd_nesterov", "adam_amsgrad", "adamw", "rmsprop_all", "adagrad_options",
                                  "adadelta_options", "adamax_options", "nadam_decoupled", "radam_weight_decay",
                                  "asgd_averaging", "rprop_options", "adafactor_options", "muon_options"])
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


def two_groups(optimizer_class, second=None, **defaults):
    """An optimizer with two groups: the first layer with the defaults, the second with lr 0.02 and
    weight_decay 0.1 (or the options in `second`)."""
    second = {"lr": 0.02, "weight_decay": 0.1} if second is None else second
    return lambda lib, ps: getattr(lib.optim, optimizer_class)([{"params": ps[:2]}, {"params": ps[2:], **second}],
                                                               **defaults)


GROUPS = {
    "sgd": two_groups("SGD", lr=0.1, momentum=0.9),
    "adam": two_groups("Adam", lr=0.01, amsgrad=True),
    "rmsprop": two_groups("RMSprop", lr=0.01, centered=True),
    "adadelta": two_groups("Adadelta", {"lr": 0.5, "weight_decay": 0.1}),
    "adamax": two_groups("Adamax", lr=0.01),
    "nadam": two_groups("NAdam", {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True}, lr=0.01),
    "radam": two_groups("RAdam", lr=0.01),
    "asgd": two_groups("ASGD", {"lr": 0.02, "t0": 10}, lr=0.05),
    "rprop": two_groups("Rprop", {"lr": 0.02, "etas": (0.4, 1.1)}, lr=0.01),
    "adafactor": two_groups("Adafactor", {"lr": 0.02, "weight_decay": 0.1}, lr=0.01),
    "muon": lambda lib, ps: lib.optim.Muon([{"params": ps[:1]}, {"params": ps[2:3], "lr": 0.01}], lr=0.02),
}


@pytest.mark.parametrize("name", GROUPS)
def test_parameter_groups_with_their_own_lr_and_weight_decay_match_torch(name):
    make_optimizer = GROUPS[name]
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


@pytest.mark.parametrize("name", ["sgd_momentum", "adam_amsgrad", "adamw", "rmsprop_all", "adagrad_options",
                                  "adadelta_options", "adamax_options", "nadam_decoupled", "radam_weight_decay",
                                  "asgd_averaging", "rprop_options", "adafactor_options", "muon_options"])
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
    (lambda: ember.optim.Adam([_leaf()], betas=0.9), TypeError, "Adam: betas must be a tuple (beta1, beta2), got 0.9"),
    (lambda: ember.optim.Adam([_leaf()], eps=-1e-8), ValueError, "Adam: eps must be >= 0.0"),
    (lambda: ember.optim.RMSprop([_leaf()], alpha=1.5), ValueError, "RMSprop: alpha must be in [0.0, 1.0], got 1.5"),
    (lambda: ember.optim.RMSprop([_leaf()], momentum=-0.1), ValueError, "RMSprop: momentum must be in [0.0, 1.0)"),
    (lambda: ember.optim.Adagrad([_leaf()], lr_decay=-0.1), ValueError, "Adagrad: lr_decay must be >= 0.0"),
    (lambda: ember.optim.Adagrad([_leaf()], initial_accumulator_value=-1), ValueError,
     "Adagrad: initial_accumulator_value must be >= 0.0"),
    (lambda: ember.optim.Adadelta([_leaf()], rho=1.1), ValueError, "Adadelta: rho must be in [0.0, 1.0], got 1.1"),
    (lambda: ember.optim.Adadelta([_leaf()], eps=-1.0), ValueError, "Adadelta: eps must be >= 0.0"),
    (lambda: ember.optim.Adamax([_leaf()], betas=(0.9, 1.0)), ValueError, "Adamax: betas[1] must be in [0.0, 1.0)"),
    (lambda: ember.optim.NAdam([_leaf()], momentum_decay=-0.1), ValueError, "NAdam: momentum_decay must be >= 0.0"),
    (lambda: ember.optim.NAdam([_leaf()], betas=(0.9,)), TypeError, "NAdam: betas must be a tuple (beta1, beta2)"),
    (lambda: ember.optim.RAdam([_leaf()], weight_decay=-0.1), ValueError, "RAdam: weight_decay must be >= 0.0"),
    (lambda: ember.optim.ASGD([_leaf()], t0=-1), ValueError, "ASGD: t0 must be >= 0.0, got -1"),
    (lambda: ember.optim.ASGD([_leaf()], lambd="0.1"), TypeError, "ASGD: lambd must be a number, got str"),
    (lambda: ember.optim.Rprop([_leaf()], etas=(1.5, 1.2)), ValueError,
     "Rprop: etas must be (etaminus, etaplus) with 0 < etaminus < 1 < etaplus, got (1.5, 1.2)"),
    (lambda: ember.optim.Rprop([_leaf()], etas=0.5), TypeError, "Rprop: etas must be a tuple (etaminus, etaplus)"),
    (lambda: ember.optim.Rprop([_leaf()], step_sizes=(1.0, 0.1)), ValueError,
     "Rprop: step_sizes[1] must be >= 1.0, got 0.1"),
    (lambda: ember.optim.Adafactor([_leaf()], beta2_decay=0.5), ValueError,
     "Adafactor: beta2_decay must be <= 0.0, got 0.5"),
    (lambda: ember.optim.Adafactor([_leaf()], d=0.5), ValueError, "Adafactor: d must be >= 1.0, got 0.5"),
    (lambda: ember.optim.Adafactor([_leaf()], eps=(-1.0, 1e-3)), ValueError, "Adafactor: eps[0] must be >= 0.0"),
    (lambda: ember.optim.Adafactor([_leaf()], eps=1e-3), TypeError, "Adafactor: eps must be a tuple (eps1, eps2)"),
    (lambda: ember.optim.Muon([_leaf()]), ValueError,
     "Muon optimizes 2-D weights only, got a parameter of shape (3,); optimize the others with AdamW"),
    (lambda: ember.optim.Muon([ember.zeros(2, 2, requires_grad=True)], adjust_lr_fn="sqrt"), ValueError,
     "Muon: adjust_lr_fn must be None, 'original' or 'match_rms_adamw', got 'sqrt'"),
    (lambda: ember.optim.Muon([ember.zeros(2, 2, requires_grad=True)], ns_steps=100), ValueError,
     "Muon: ns_steps must be < 100"),
    (lambda: ember.optim.Muon([ember.zeros(2, 2, requires_grad=True)], ns_steps=2.5), ValueError,
     "Muon: ns_steps must be an int >= 0, got 2.5"),
    (lambda: ember.optim.Muon([ember.zeros(2, 2, requires_grad=True)], ns_coefficients=(1, 2)), TypeError,
     "Muon: ns_coefficients must be a tuple (a, b, c), got (1, 2)"),
    (lambda: ember.optim.Muon([ember.zeros(2, 2, requires_grad=True)], momentum=1.0), ValueError,
     "Muon: momentum must be in [0.0, 1.0)"),
    (lambda: ember.optim.LBFGS([_leaf()], line_search_fn="backtracking"), ValueError,
     "LBFGS: line_search_fn must be None or 'strong_wolfe', got 'backtracking'"),
    (lambda: ember.optim.LBFGS([_leaf()], max_iter=0), ValueError, "LBFGS: max_iter must be a positive int, got 0"),
    (lambda: ember.optim.LBFGS([_leaf()], history_size=None), ValueError, "LBFGS: history_size must be a positive int"),
    (lambda: ember.optim.LBFGS([_leaf()], tolerance_grad=-1.0), ValueError, "LBFGS: tolerance_grad must be >= 0.0"),
    (lambda: ember.optim.LBFGS([{"params": [_leaf()]}, {"params": [_leaf()]}]), ValueError,
     "LBFGS optimizes a single parameter group"),
    (lambda: ember.optim.Adam([_leaf()], differentiable=True), NotImplementedError,
     "Adam: differentiable=True (backpropagating through the update) is not supported"),
    (lambda: ember.optim.SGD([_leaf()], foreach=True, fused=True), ValueError,
     "SGD: foreach=True and fused=True choose two different implementations"),
    (lambda: ember.optim.SGD([("w", _leaf()), _leaf()]), ValueError, "SGD: give every parameter a name"),
    (lambda: ember.optim.SGD([{"params": [("w", _leaf())]}, {"params": [_leaf()]}]), ValueError,
     "SGD: give every parameter a name ((name, tensor) pairs, as named_parameters() gives) or none"),
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
    with raises(ValueError, "load_state_dict: state 'exp_avg' of parameter 0 has shape (4, 6), expected (6,)"):
        ember.optim.Adam([{"params": swapped[1::-1]}, {"params": swapped[2:]}]).load_state_dict(saved)


# -------------------------------------------------------------------------------------------------
# The rest of the Optimizer API.

@pytest.mark.parametrize("name", CONFIGS)
def test_state_dict_keys_are_pytorchs(name):
    make_optimizer, sign = CONFIGS[name]
    saved = []
    for lib in (ember, torch):
        params, data = problem(lib)
        optimizer = make_optimizer(lib, params)
        train(lib, optimizer, params, data, 3, sign)
        saved.append(optimizer.state_dict())
    ours, theirs = saved
    assert [sorted(g) for g in ours["param_groups"]] == [sorted(g) for g in theirs["param_groups"]]
    assert sorted(ours["state"]) == sorted(theirs["state"])
    for i, values in theirs["state"].items():
        assert sorted(ours["state"][i]) == sorted(values)
        for key, value in values.items():
            if isinstance(value, torch.Tensor) and value.ndim > 0:
                assert ours["state"][i][key].shape == tuple(value.shape), f"state '{key}' of parameter {i}"


@pytest.mark.parametrize("name", CONFIGS)
def test_state_after_30_steps_matches_torch(name):
    make_optimizer, sign = CONFIGS[name]
    saved = []
    for lib in (ember, torch):
        params, data = problem(lib)
        optimizer = make_optimizer(lib, params)
        train(lib, optimizer, params, data, 30, sign)
        saved.append(optimizer.state_dict()["state"])
    ours, theirs = saved
    for i, values in theirs.items():
        for key, value in values.items():
            expected = to_numpy(value) if isinstance(value, torch.Tensor) else value
            got = to_numpy(ours[i][key]) if isinstance(ours[i][key], ember.Tensor) else ours[i][key]
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9, err_msg=f"state '{key}' of parameter {i}")


def test_the_implementation_flags_change_nothing():
    results = []
    for flags in ({}, dict(foreach=True, capturable=True), dict(fused=True)):
        params, data = problem(ember)
        train(ember, ember.optim.Adam(params, lr=0.01, **flags), params, data, 20)
        results.append([p.array for p in params])
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


def test_named_parameters_are_optimized_and_their_names_saved():
    model = ember.nn.Linear(3, 2)
    optimizer = ember.optim.SGD(model.named_parameters(), lr=0.1)
    model(ember.ones(4, 3)).sum().backward()
    before = model.weight.array.copy()
    optimizer.step()
    assert not np.array_equal(model.weight.array, before)
    assert optimizer.param_groups[0]["params"] == [model.weight, model.bias]
    assert optimizer.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    assert "param_names" not in repr(optimizer)


def test_step_hooks_run_around_the_step_and_can_be_removed():
    params, data = problem(ember)
    optimizer = ember.optim.SGD(params, lr=0.1)
    calls = []

    def closure():
        calls.append("closure")
        optimizer.zero_grad()
        loss = loss_of(ember, params, data)
        loss.backward()
        return loss

    def replace_the_closure(opt, args, kwargs):
        calls.append(("pre", opt is optimizer, args, kwargs))
        return (opt, closure), {}

    pre = optimizer.register_step_pre_hook(replace_the_closure)
    post = optimizer.register_step_post_hook(lambda opt, args, kwargs: calls.append(("post", args)))
    loss = optimizer.step()
    assert calls == [("pre", True, (optimizer,), {}), "closure", ("post", (optimizer, closure))]
    assert loss is not None
    pre.remove()
    post.remove()
    calls.clear()
    optimizer.step()
    assert calls == []


def test_a_step_pre_hook_must_return_none_or_args_and_kwargs():
    optimizer = ember.optim.SGD([_leaf()], lr=0.1)
    optimizer.register_step_pre_hook(lambda opt, args, kwargs: 3)
    with raises(RuntimeError, "SGD: a step pre-hook must return None or a pair (args, kwargs), got 3"):
        optimizer.step()


def test_step_hooks_match_torchs_calls():
    seen = {}
    for lib in (ember, torch):
        params, data = problem(lib)
        optimizer = lib.optim.Adam(params, lr=0.01)
        calls = seen[lib] = []

        def record(kind, calls=calls, optimizer=optimizer):
            def hook(opt, args, kwargs):
                calls.append((kind, opt is optimizer, args[0] is optimizer, len(args), sorted(kwargs)))
            return hook
        optimizer.register_step_pre_hook(record("pre"))
        optimizer.register_step_post_hook(record("post"))
        train(lib, optimizer, params, data, 1)
        optimizer.step(lambda: None)
        optimizer.step(closure=lambda: None)
    assert seen[ember] == seen[torch]
    assert seen[ember][:2] == [("pre", True, True, 1, []), ("post", True, True, 1, [])]


def test_muon_orthogonalizes_the_step():
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((5, 3))
    for shape in ((5, 3), (3, 5)):
        m = matrix if shape == (5, 3) else matrix.T
        result = ember.optim.muon.newton_schulz(m, (3.4445, -4.775, 2.0315), 5, 1e-7)
        assert result.shape == shape
        singular_values = np.linalg.svd(result, compute_uv=False)
        assert np.all((singular_values > 0.5) & (singular_values < 1.5))


# -------------------------------------------------------------------------------------------------
# LBFGS: whole-batch steps driven by a closure, on Rosenbrock's valley in 6 dimensions (two tensors).

START = [np.array([-1.2, 1.0, -0.5, 0.8]), np.array([[0.3], [-0.7]])]


def rosenbrock(lib, params):
    x = lib.cat([params[0], params[1].reshape(-1)])
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def lbfgs_run(lib, options, steps, params=None, optimizer=None, device="cpu"):
    """The losses step() returned and the parameters after `steps` LBFGS steps on rosenbrock."""
    params = params or [tensor_for(lib, a, device, requires_grad=True) for a in START]
    optimizer = optimizer or lib.optim.LBFGS(params, **options)

    def closure():
        optimizer.zero_grad()
        loss = rosenbrock(lib, params)
        loss.backward()
        return loss

    losses = [optimizer.step(closure).item() for _ in range(steps)]
    return losses, params, optimizer


LBFGS_OPTIONS = {
    "strong_wolfe": dict(line_search_fn="strong_wolfe"),
    "strong_wolfe_options": dict(line_search_fn="strong_wolfe", lr=0.8, max_iter=10, history_size=5),
    "fixed_step": dict(lr=0.05),
    "fixed_step_short_history": dict(lr=0.1, history_size=4, max_iter=10, max_eval=12),
    "tolerances": dict(line_search_fn="strong_wolfe", tolerance_grad=1e-4, tolerance_change=1e-6),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", LBFGS_OPTIONS)
def test_lbfgs_matches_torch(device, name):
    ours, our_params, our_optimizer = lbfgs_run(ember, LBFGS_OPTIONS[name], 6, device=device)
    theirs, their_params, their_optimizer = lbfgs_run(torch, LBFGS_OPTIONS[name], 6)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-10)
    for o, t in zip(our_params, their_params):
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=1e-6, atol=1e-6)
    ours_state, theirs_state = our_optimizer.state[our_params[0]], their_optimizer.state[their_params[0]]
    assert (ours_state["func_evals"], ours_state["n_iter"]) == (theirs_state["func_evals"], theirs_state["n_iter"])
    assert ours[-1] < ours[0]


def test_lbfgs_with_strong_wolfe_finds_the_minimum():
    losses, params, _ = lbfgs_run(ember, dict(line_search_fn="strong_wolfe"), 10)
    assert losses[-1] < 1e-8
    np.testing.assert_allclose(np.concatenate([p.array.ravel() for p in params]), np.ones(6), atol=1e-4)


def test_lbfgs_state_dict_round_trip_continues_exactly():
    options = dict(line_search_fn="strong_wolfe", history_size=3, max_iter=5)
    uninterrupted, expected, _ = lbfgs_run(ember, options, 6)
    _, params, optimizer = lbfgs_run(ember, options, 3)
    saved = optimizer.state_dict()
    resumed = [ember.tensor(p.array.copy(), requires_grad=True) for p in params]
    fresh = ember.optim.LBFGS(resumed, **options)
    fresh.load_state_dict(saved)
    losses, _, _ = lbfgs_run(ember, options, 3, resumed, fresh)
    assert losses == uninterrupted[3:]
    for r, e in zip(resumed, expected):
        np.testing.assert_array_equal(r.array, e.array)


def test_lbfgs_needs_a_closure():
    with raises(TypeError, "LBFGS.step needs a closure"):
        ember.optim.LBFGS([_leaf()]).step()


def test_swap_in_optimizer_params_and_state_steps_other_tensors_as_torch():
    """Inside the context step() updates the swap-in parameters with the swap-in state; outside, nothing moved."""
    results = []
    for lib in (ember, torch):
        params, data = problem(lib)
        optimizer = lib.optim.Adam(params, lr=0.01)
        train(lib, optimizer, params, data, 3)
        before = [to_numpy(p).copy() for p in params]
        saved = optimizer.state_dict()
        state = {"param_groups": saved["param_groups"],
                 "state": {i: {k: v.clone() if isinstance(v, lib.Tensor) else v for k, v in values.items()}
                           for i, values in saved["state"].items()}}
        others = {str(i): tensor_for(lib, p.detach().numpy(), "cpu", requires_grad=True) for i, p in
                  enumerate(params)}
        with lib.optim.swap_in_optimizer_params_and_state(optimizer, others, state):
            train(lib, optimizer, list(others.values()), data, 2)
        for p, b in zip(params, before):
            np.testing.assert_array_equal(to_numpy(p), b)
        assert optimizer.param_groups[0]["params"][0] is params[0]
        results.append([to_numpy(p) for p in others.values()] + [to_numpy(state["state"][0]["exp_avg"])])
    for o, t in zip(*results):
        np.testing.assert_allclose(o, t, rtol=1e-12, atol=1e-12)


def test_swap_in_optimizer_params_and_state_refuses_what_does_not_fit():
    params, data = problem(ember)
    optimizer = ember.optim.SGD(params, lr=0.1, momentum=0.9)
    swap_in = ember.optim.swap_in_optimizer_params_and_state
    with raises(RuntimeError, "no state yet"), swap_in(optimizer, {}, optimizer.state_dict()):
        pass
    train(ember, optimizer, params, data, 1)
    with raises(RuntimeError, "2 swap-in parameters for an optimizer of 4"), \
            swap_in(optimizer, dict(enumerate(params[:2])), optimizer.state_dict()):
        pass
    with raises(RuntimeError, "must be a state_dict()"), swap_in(optimizer, dict(enumerate(params)), {}):
        pass
