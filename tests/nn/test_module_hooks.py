"""A module's hooks, each tested by running the same code under ember and under PyTorch and comparing what the
hooks saw (their arguments, in order) and what they changed."""

import warnings

import numpy as np
import pytest
import torch

import ember
from helpers import DEVICES, assert_close, rand, raises, tensor_for, to_numpy


def seen(value):
    """What a hook saw, comparable across the two libraries: tensors as NumPy arrays, tuples element by element."""
    if isinstance(value, (tuple, list)):
        return tuple(seen(v) for v in value)
    if isinstance(value, (ember.Tensor, torch.Tensor)):
        return ("tensor", to_numpy(value.detach()).round(10).tolist(), str(value.dtype).replace("torch.", ""))
    if isinstance(value, dict):
        return {k: seen(v) for k, v in value.items()}
    return value


def same_in_both(run):
    """run(lib, log) under ember and under PyTorch gives the same log and the same result."""
    logs, results = [], []
    for lib in (ember, torch):
        log = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # both warn about backward hooks on modules whose inputs need no grad
            results.append(seen(run(lib, log)))
        logs.append(seen(log))
    assert logs[0] == logs[1]
    assert results[0] == results[1]
    return logs[0]


class Scale:
    """Multiplies its input by w and adds an offset, both set per call: a module with a keyword argument."""

    @staticmethod
    def build(lib):
        class Scaled(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = lib.nn.Parameter(lib.tensor([2.0, 3.0], dtype=lib.float64))

            def forward(self, x, offset=0.0):
                return x * self.w + offset

        return Scaled()


def test_forward_pre_hooks_with_kwargs_and_prepend():
    def run(lib, log):
        model = Scale.build(lib)
        model.register_forward_pre_hook(lambda m, args: log.append(("plain", args)))
        model.register_forward_pre_hook(lambda m, args, kwargs: log.append(("kwargs", args, kwargs)) or
                                        ((args[0] + 1,), {"offset": 10.0}), with_kwargs=True)
        model.register_forward_pre_hook(lambda m, args: log.append(("first", args)), prepend=True)
        model.register_forward_pre_hook(lambda m, args: args[0] * 2)  # a single value replaces the arguments
        x = lib.tensor([1.0, 1.0], dtype=lib.float64)
        return model(x, offset=5.0)

    assert [entry[0] for entry in same_in_both(run)] == ["first", "plain", "kwargs"]


def test_forward_hooks_with_kwargs_prepend_and_replacement():
    def run(lib, log):
        model = Scale.build(lib)
        model.register_forward_hook(lambda m, args, out: log.append(("plain", args, out)))
        model.register_forward_hook(lambda m, args, kwargs, out: log.append(("kwargs", kwargs, out)) or out * 10,
                                    with_kwargs=True)
        model.register_forward_hook(lambda m, args, out: log.append(("first", out)), prepend=True)
        model.register_forward_hook(lambda m, args, out: log.append(("last", out)))
        return model(lib.tensor([1.0, 2.0], dtype=lib.float64), offset=1.0)

    assert [entry[0] for entry in same_in_both(run)] == ["first", "plain", "kwargs", "last"]


def test_a_bad_pre_hook_result_with_kwargs_is_refused():
    model = Scale.build(ember)
    model.register_forward_pre_hook(lambda m, args, kwargs: 1, with_kwargs=True)
    with raises(RuntimeError, "a forward pre-hook with kwargs must return None or a tuple (args, kwargs), got 1"):
        model(ember.ones(2, dtype=ember.float64))


def test_an_always_call_hook_runs_when_forward_raises():
    def run(lib, log):
        class Failing(lib.nn.Module):
            def forward(self, x):
                raise ValueError("broken")

        model = Failing()
        model.register_forward_hook(lambda m, args, out: log.append(("always", out)), always_call=True)
        model.register_forward_hook(lambda m, args, out: log.append(("not run", out)))
        with pytest.raises(ValueError, match="broken"):
            model(lib.ones(1))
        return len(log)

    assert same_in_both(run) == (("always", None),)


def test_handles_remove_hooks_and_work_as_context_managers():
    model = Scale.build(ember)
    calls = []
    with model.register_forward_hook(lambda m, args, out: calls.append(1)):
        model(ember.ones(2, dtype=ember.float64))
    model(ember.ones(2, dtype=ember.float64))
    assert calls == [1]


# -------------------------------------------------------------------------------------------------
# Full backward hooks.

def two_inputs(lib):
    """A module with two tensor inputs, a number and a keyword, and two outputs."""
    class Two(lib.nn.Module):
        def forward(self, a, b, scale, c=None):
            return a * b * scale, (a + b).sum()

    return Two()


@pytest.mark.parametrize("b_requires_grad", [True, False])
@pytest.mark.parametrize("use_second_output", [True, False])
def test_full_backward_hooks_see_the_gradients_pytorch_gives(b_requires_grad, use_second_output):
    def run(lib, log):
        model = two_inputs(lib)
        model.register_full_backward_pre_hook(lambda m, grad_output: log.append(("pre", grad_output)))
        model.register_full_backward_hook(lambda m, grad_input, grad_output: log.append(("full", grad_input,
                                                                                          grad_output)))
        a = tensor_for(lib, rand(3, seed=1), requires_grad=True)
        b = tensor_for(lib, rand(3, seed=2), requires_grad=b_requires_grad)
        out, total = model(a, b, 3.0, c=a)
        loss = (out * out).sum() + (total * 2 if use_second_output else 0)
        loss.backward()
        return a.grad, b.grad

    assert [entry[0] for entry in same_in_both(run)] == ["pre", "full"]


def test_hooks_can_replace_the_gradients():
    def run(lib, log):
        layer = lib.nn.Linear(3, 2).double()
        layer.load_state_dict({"weight": tensor_for(lib, rand(2, 3, seed=3)), "bias": tensor_for(lib, rand(2))})
        layer.register_full_backward_pre_hook(lambda m, grad_output: (grad_output[0] * 10,))
        layer.register_full_backward_hook(lambda m, grad_input, grad_output: (grad_input[0] + 1,))
        x = tensor_for(lib, rand(4, 3, seed=4), requires_grad=True)
        (layer(x) ** 2).sum().backward()
        return x.grad, layer.weight.grad  # the weight's gradient sees the replaced grad_output only

    same_in_both(run)


def test_backward_hooks_of_a_module_whose_inputs_need_no_grad_run_with_none():
    def run(lib, log):
        layer = lib.nn.Linear(3, 2).double()
        layer.register_full_backward_hook(lambda m, grad_input, grad_output: log.append((grad_input, len(grad_output))))
        layer(tensor_for(lib, rand(4, 3))).sum().backward()
        return None

    assert same_in_both(run) == (((None,), 1),)


def test_backward_hooks_see_only_the_modules_part_of_the_gradient():
    def run(lib, log):
        layer = lib.nn.Tanh()
        layer.register_full_backward_hook(lambda m, grad_input, grad_output: log.append(grad_input))
        x = tensor_for(lib, rand(3), requires_grad=True)
        (x * 5 + layer(x)).sum().backward()  # x's gradient is 5 + tanh'(x); the hook sees tanh'(x)
        return x.grad

    same_in_both(run)


def test_backward_hooks_inside_a_sequential_run_from_the_last_layer_back():
    def run(lib, log):
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 1)).double()
        for name, layer in model.named_children():
            layer.register_full_backward_pre_hook(lambda m, g, name=name: log.append(("pre", name)))
            layer.register_full_backward_hook(lambda m, gi, go, name=name: log.append(("full", name)))
        model(tensor_for(lib, rand(2, 3), requires_grad=True)).sum().backward()
        return None

    assert same_in_both(run) == (("pre", "2"), ("full", "2"), ("pre", "1"), ("full", "1"), ("pre", "0"), ("full", "0"))


def test_wrong_numbers_of_gradients_from_backward_hooks_are_refused():
    layer = ember.nn.Linear(2, 2)
    layer.register_full_backward_pre_hook(lambda m, grad_output: (grad_output[0], grad_output[0]))
    with raises(RuntimeError, "a backward pre-hook returned 2 values for grad_output, which has 1"):
        layer(ember.ones(1, 2)).sum().backward()
    layer = ember.nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda m, grad_input, grad_output: (ember.ones(1, 2),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with raises(RuntimeError, "a backward hook of Linear, none of whose inputs requires grad, must return None"):
            layer(ember.ones(1, 2)).sum().backward()


def test_register_backward_hook_is_deprecated_and_calls_the_full_hook():
    layer = ember.nn.Tanh()
    calls = []
    with pytest.warns(FutureWarning, match="register_backward_hook is deprecated"):
        layer.register_backward_hook(lambda m, grad_input, grad_output: calls.append(len(grad_input)))
    layer(ember.ones(2, requires_grad=True)).sum().backward()
    assert calls == [1]


@pytest.mark.parametrize("device", DEVICES)
def test_backward_hooks_change_nothing_when_they_return_none(device):
    x = rand(4, 3)
    results = []
    for hooked in (False, True):
        model = ember.nn.Sequential(ember.nn.Linear(3, 3), ember.nn.Tanh()).to(device)
        ember.manual_seed(0)
        model[0].reset_parameters()
        if hooked:
            model[0].register_full_backward_hook(lambda m, gi, go: None)
            model[1].register_full_backward_pre_hook(lambda m, go: None)
        inputs = ember.tensor(x, dtype=ember.float32, device=device, requires_grad=True)
        model(inputs).sum().backward()
        results.append((inputs.grad, model[0].weight.grad))
    for ours, theirs in zip(*results):
        assert_close(ours, theirs, 0, 0, "gradient")


# -------------------------------------------------------------------------------------------------
# state_dict and load_state_dict hooks.

def drop_bias(module, state, prefix, local_metadata):
    del state[prefix + "0.bias"]


def test_state_dict_hooks_get_pytorchs_arguments():
    def run(lib, log):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2))
        model.register_state_dict_pre_hook(lambda m, prefix, keep_vars: log.append(("pre", prefix, keep_vars)))
        model[0].register_state_dict_pre_hook(lambda m, prefix, keep_vars: log.append(("pre0", prefix)))
        model[0].register_state_dict_post_hook(lambda m, state, prefix, meta: log.append(("post0", list(state),
                                                                                           prefix, meta)))
        model.register_state_dict_post_hook(drop_bias)
        return list(model.state_dict(prefix="p.")), dict(model.state_dict(prefix="p.")._metadata)

    assert [entry[0] for entry in same_in_both(run)][:3] == ["pre", "pre0", "post0"]


def test_load_state_dict_hooks_get_pytorchs_arguments():
    def run(lib, log):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2))
        model.register_load_state_dict_pre_hook(
            lambda m, state, prefix, meta, strict, missing, unexpected, errors: log.append(
                ("pre", sorted(state), prefix, meta, strict, list(missing), list(unexpected), list(errors))))
        model[0].register_load_state_dict_pre_hook(
            lambda m, state, prefix, meta, strict, missing, unexpected, errors: log.append(
                ("pre0", sorted(state), prefix, meta, list(unexpected))))
        model.register_load_state_dict_post_hook(lambda m, keys: log.append(("post", keys.missing_keys,
                                                                             keys.unexpected_keys)))
        model[0].register_load_state_dict_post_hook(lambda m, keys: log.append(("post0", tuple(keys))))
        state = model.state_dict()
        del state["0.bias"]
        state["extra"] = lib.ones(1)
        return tuple(model.load_state_dict(state, strict=False))

    assert [entry[0] for entry in same_in_both(run)] == ["pre", "pre0", "post0", "post"]


def test_a_load_pre_hook_can_rename_old_keys():
    def rename(module, state, prefix, *rest):
        for old, new in (("w", "weight"), ("b", "bias")):
            if prefix + old in state:
                state[prefix + new] = state.pop(prefix + old)

    def run(lib, log):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2).double())
        model[0].register_load_state_dict_pre_hook(rename)
        old = {"0.w": tensor_for(lib, rand(2, 2)), "0.b": tensor_for(lib, rand(2))}
        keys = model.load_state_dict(old)
        return repr(keys), model[0].weight, sorted(old)  # the caller's dict is left as it was

    same_in_both(run)


def test_post_hooks_must_return_none():
    layer = ember.nn.Linear(2, 2)
    handle = layer.register_state_dict_post_hook(lambda m, state, prefix, meta: state)
    with raises(RuntimeError, "a state_dict post-hook must return None (it may change the state dict in place)"):
        layer.state_dict()
    handle.remove()
    layer.register_load_state_dict_post_hook(lambda m, keys: "done")
    with raises(RuntimeError, "a load_state_dict post-hook must return None"):
        layer.load_state_dict(layer.state_dict())


def test_a_load_pre_hook_may_report_an_error_and_nothing_is_loaded():
    layer = ember.nn.Linear(2, 2)
    before = to_numpy(layer.weight).copy()
    layer.register_load_state_dict_pre_hook(lambda m, state, prefix, meta, strict, missing, unexpected, errors:
                                            errors.append("this checkpoint is from the future"))
    with raises(RuntimeError, "this checkpoint is from the future"):
        layer.load_state_dict(ember.nn.Linear(2, 2).state_dict())
    assert np.array_equal(to_numpy(layer.weight), before)
