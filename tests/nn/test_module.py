from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from ember import nn
from helpers import DEVICES, assert_close, rand, raises, to_numpy


def mlp(lib):
    return lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Dropout(0.5), lib.nn.Linear(8, 3))


class Block(nn.Module):
    """A module with a parameter, both kinds of buffer, a submodule and a plain attribute."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(ember.ones(3))
        self.register_buffer("running", ember.zeros(3))
        self.register_buffer("scratch", ember.zeros(2), persistent=False)
        self.inner = nn.Linear(3, 3)
        self.note = "not registered"

    def forward(self, x):
        return self.inner(x) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 32), nn.ReLU())
        self.block = Block()
        self.again = self.block  # the same module under a second name
        self.head = nn.Linear(32, 3)

    def forward(self, x):
        return self.head(self.encoder(x))


# -------------------------------------------------------------------------------------------------
# Finding parameters, buffers and submodules.

def test_named_parameters_walks_the_tree_in_order():
    net = Net()
    assert [name for name, _ in net.named_parameters()] == [
        "encoder.0.weight", "encoder.0.bias", "block.scale", "block.inner.weight", "block.inner.bias",
        "head.weight", "head.bias"]
    assert [name for name, _ in net.named_parameters(prefix="net")][0] == "net.encoder.0.weight"
    assert list(net.block.named_parameters(recurse=False)) == [("scale", net.block.scale)]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in net.parameters())


def test_a_shared_parameter_is_listed_once():
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    b.weight = a.weight  # tied weights
    model = nn.Sequential(a, b)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    assert len(list(model.named_parameters(remove_duplicate=False))) == 4
    assert sum(p.numel() for p in model.parameters()) == 9 + 3 + 3


def test_buffers_persistent_and_not():
    block = Block()
    assert [name for name, _ in block.named_buffers()] == ["running", "scratch"]
    assert list(block.state_dict()) == ["scale", "running", "inner.weight", "inner.bias"]  # no scratch
    block.running = ember.ones(3)  # assigning a tensor to a buffer's name replaces the buffer
    assert block.running.tolist() == [1.0, 1.0, 1.0] and "running" in dict(block.named_buffers())
    del block.scratch
    assert [name for name, _ in block.named_buffers()] == ["running"]
    with raises(TypeError, "buffer 'running' of Block must be a Tensor or None, got list"):
        block.running = [1.0, 2.0, 3.0]


def test_children_modules_and_named_modules():
    net = Net()
    assert [name for name, _ in net.named_children()] == ["encoder", "block", "head"]  # `again` is `block`
    assert list(net.children()) == [net.encoder, net.block, net.head]
    assert [name for name, _ in net.named_modules()] == [
        "", "encoder", "encoder.0", "encoder.1", "block", "block.inner", "head"]
    assert [name for name, _ in net.named_modules(remove_duplicate=False)] == [
        "", "encoder", "encoder.0", "encoder.1", "block", "block.inner", "again", "again.inner", "head"]
    assert len(list(net.modules())) == 7


def test_named_modules_matches_pytorch_for_a_shared_module():
    def build(lib):
        shared = lib.nn.Linear(2, 2)
        return lib.nn.Sequential(shared, lib.nn.ReLU(), shared)

    for remove_duplicate in (True, False):
        assert ([n for n, _ in build(ember).named_modules(remove_duplicate=remove_duplicate)]
                == [n for n, _ in build(torch).named_modules(remove_duplicate=remove_duplicate)])
    assert list(build(ember).state_dict()) == list(build(torch).state_dict())


def test_missing_attribute_error():
    with raises(AttributeError, "'Linear' object has no attribute 'weights'"):
        nn.Linear(2, 2).weights


def test_setting_an_attribute_before_init_is_explained():
    class Broken(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(2, 2)

    with raises(AttributeError, "call super().__init__() in Broken.__init__ before setting attributes"):
        Broken()


def test_assigning_a_plain_tensor_to_a_parameter_name_is_refused():
    layer = nn.Linear(2, 3)
    with raises(TypeError, "cannot assign a Tensor to parameter 'weight' of Linear: expected an nn.Parameter or None"):
        layer.weight = ember.zeros(3, 2)
    assert isinstance(layer.weight, nn.Parameter)
    layer.weight = nn.Parameter(ember.zeros(3, 2))  # a Parameter is fine
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    layer.bias = None  # so is None: the parameter is kept as absent
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    model = nn.Sequential(nn.Linear(2, 2))
    with raises(TypeError, "cannot assign a int to submodule '0' of Sequential: expected a Module or None"):
        model[0] = 3


def test_registration_errors():
    block = Block()
    with raises(TypeError, "register_parameter: 'w' must be an nn.Parameter or None, got Tensor"):
        block.register_parameter("w", ember.ones(2))
    with raises(KeyError, "attribute 'scale' already exists in Block"):
        block.register_buffer("scale", ember.ones(2))
    with raises(KeyError, "a name must be a non-empty string without '.', got 'a.b'"):
        block.register_buffer("a.b", ember.ones(2))
    with raises(TypeError, "add_module: 'm' must be a Module or None, got int"):
        block.add_module("m", 3)


# -------------------------------------------------------------------------------------------------
# Modes, gradients, devices, dtypes.

def test_train_and_eval_reach_every_module():
    net = Net()
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net.encoder.eval()
    assert net.training and not net.encoder[0].training
    with raises(ValueError, "training mode is expected to be boolean"):
        net.train("no")


def test_train_calls_an_overridden_train_of_a_child():
    calls = []

    class Frozen(nn.Module):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(False)

    model = nn.Sequential(nn.Linear(2, 2), Frozen())
    model.train()
    assert calls == [True] and not model[1].training and model[0].training


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    model = mlp(ember)
    model(ember.ones(2, 4)).sum().backward()
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None for g in grads)
    model.zero_grad(set_to_none=set_to_none)
    for p, g in zip(model.parameters(), grads):
        if set_to_none:
            assert p.grad is None
        else:
            assert p.grad is g and not to_numpy(g).any()


def test_to_dtype_converts_in_place_and_keeps_parameters():
    model = mlp(ember)
    params = list(model.parameters())  # what an optimizer holds
    model(ember.ones(2, 4)).sum().backward()
    assert model.to(ember.float64) is model
    assert [p is q for p, q in zip(model.parameters(), params)] == [True] * 4
    assert all(p.dtype == ember.float64 and p.grad.dtype == ember.float64 for p in params)
    model.eval()
    before = model(ember.ones(1, 4, dtype=ember.float64))
    with ember.no_grad():
        for p in params:  # an optimizer step on the tensors it held before the conversion
            p.sub_(p.grad * 0.1)
    assert not np.allclose(to_numpy(model(ember.ones(1, 4, dtype=ember.float64))), to_numpy(before))
    model.float()
    assert all(p.dtype == ember.float32 for p in params)
    with raises(TypeError, "nn.Module.to only accepts floating point dtypes, but got desired dtype=int64"):
        model.to(ember.int64)


def test_to_leaves_integer_buffers_alone():
    block = Block()
    block.register_buffer("count", ember.zeros(1, dtype=ember.long))
    block.double()
    assert block.count.dtype == ember.int64 and block.running.dtype == ember.float64


@pytest.mark.parametrize("device", DEVICES)
def test_to_device_moves_in_place(device):
    model = mlp(ember)
    params = list(model.parameters())
    model.to(device)
    assert all(p is q and p.device == ember.device(device) for p, q in zip(model.parameters(), params))
    assert model(ember.ones(2, 4, device=device)).device == ember.device(device)
    model.to("cpu")
    assert all(p.device == ember.device("cpu") for p in params)


# -------------------------------------------------------------------------------------------------
# state_dict and load_state_dict.

def test_state_dict_shares_memory_and_keep_vars_gives_the_parameters():
    layer = nn.Linear(2, 3)
    state = layer.state_dict()
    assert list(state) == ["weight", "bias"]
    assert not state["weight"].requires_grad and state["weight"].array is layer.weight.array
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight
    assert list(layer.state_dict(prefix="fc.")) == ["fc.weight", "fc.bias"]


def test_load_state_dict_copies_values_in():
    a, b = mlp(ember), mlp(ember)
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert p is not q and np.array_equal(to_numpy(p), to_numpy(q)), name


def test_load_state_dict_names_every_problem_and_changes_nothing():
    model = mlp(ember)
    before = {k: to_numpy(v).copy() for k, v in model.state_dict().items()}
    state = mlp(ember).state_dict()
    del state["3.bias"]
    state["3.scale"] = ember.ones(3)
    state["0.weight"] = ember.ones(5, 4)
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert "error loading the state dict into Sequential" in message
    assert "missing keys: '3.bias'" in message
    assert "unexpected keys: '3.scale'" in message
    assert "size mismatch for 0.weight: the state dict has shape (5, 4), the model has (8, 4)" in message
    for key, value in model.state_dict().items():
        assert np.array_equal(to_numpy(value), before[key]), f"{key} changed"


def test_load_state_dict_non_strict_loads_what_matches():
    model = mlp(ember)
    source = mlp(ember)
    state = source.state_dict()
    del state["3.bias"]
    state["extra"] = ember.ones(1)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["3.bias"] and result.unexpected_keys == ["extra"]
    assert np.array_equal(to_numpy(model[0].weight), to_numpy(source[0].weight))
    state["0.bias"] = ember.ones(7)
    with raises(RuntimeError, "size mismatch for 0.bias"):  # a wrong shape is an error even then
        model.load_state_dict(state, strict=False)


def test_load_state_dict_bumps_the_version_of_what_it_changes():
    layer = nn.Linear(2, 2)
    y = (layer.weight * layer.weight).sum()  # the graph saved the old weight
    layer.load_state_dict(nn.Linear(2, 2).state_dict())
    with raises(RuntimeError, "changed by an in-place operation"):
        y.backward()


@pytest.mark.parametrize("device", DEVICES)
def test_a_pytorch_state_dict_loads_and_gives_the_same_outputs(device):
    theirs = mlp(torch).double().eval()
    ours = mlp(ember).to(device).eval()
    ours.load_state_dict(theirs.state_dict())  # float64 torch tensors into a float32 model
    assert all(p.dtype == ember.float32 and p.device == ember.device(device) for p in ours.parameters())
    x = rand(5, 4)
    assert_close(ours(ember.tensor(x, dtype=ember.float32, device=device)), theirs(torch.tensor(x)),
                 rtol=1e-5, atol=1e-6, what="output")
    # and back: ember's state_dict, as NumPy arrays, loads into PyTorch
    mlp_again = mlp(torch).eval()
    mlp_again.load_state_dict({k: torch.tensor(to_numpy(v)) for k, v in ours.state_dict().items()})
    assert_close(ours(ember.tensor(x, dtype=ember.float32, device=device)),
                 mlp_again(torch.tensor(x, dtype=torch.float32)), rtol=1e-5, atol=1e-6, what="output")


# -------------------------------------------------------------------------------------------------
# Printing.

def test_printed_tree_matches_pytorch():
    assert repr(mlp(ember)) == repr(mlp(torch)) == str(mlp(ember))
    assert repr(mlp(ember)) == """Sequential(
  (0): Linear(in_features=4, out_features=8, bias=True)
  (1): ReLU()
  (2): Dropout(p=0.5, inplace=False)
  (3): Linear(in_features=8, out_features=3, bias=True)
)"""


def nested(lib):
    class Model(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.features = lib.nn.Sequential(OrderedDict(fc=lib.nn.Linear(3, 4), act=lib.nn.Tanh()))
            self.heads = lib.nn.ModuleList([lib.nn.Linear(4, 2), lib.nn.Linear(4, 2), lib.nn.Linear(4, 1),
                                            lib.nn.Linear(4, 2)])
            self.extras = lib.nn.ModuleDict({"drop": lib.nn.Dropout(0.1), "none": lib.nn.Identity()})
            self.empty = lib.nn.ModuleList()
            self.skip = None

        def extra_repr(self):
            return "two\nlines"

    return Model()


def test_printed_nested_tree_with_module_list_runs_matches_pytorch():
    assert repr(nested(ember)) == repr(nested(torch))
    assert "(0-1): 2 x Linear(in_features=4, out_features=2, bias=True)" in repr(nested(ember))


def test_a_multi_line_extra_repr_prints_as_in_pytorch():
    def leaf(lib):
        class Leaf(lib.nn.Module):
            def extra_repr(self):
                return "a=1\nb=2"
        return Leaf()

    assert repr(leaf(ember)) == repr(leaf(torch))


# -------------------------------------------------------------------------------------------------
# Hooks.

def test_forward_pre_hook_and_forward_hook():
    layer = nn.Identity()
    seen = []
    pre = layer.register_forward_pre_hook(lambda module, args: (args[0] * 2,))
    post = layer.register_forward_hook(lambda module, args, output: output + 1)
    watch = layer.register_forward_hook(lambda module, args, output: seen.append((module, output.item())))
    assert layer(ember.tensor(3.0)).item() == 7.0
    assert seen == [(layer, 7.0)]
    pre.remove()
    assert layer(ember.tensor(3.0)).item() == 4.0
    post.remove()
    watch.remove()
    post.remove()  # removing twice is harmless
    assert layer(ember.tensor(3.0)).item() == 3.0 and len(seen) == 2


def test_a_pre_hook_may_return_a_single_value():
    layer = nn.Identity()
    layer.register_forward_pre_hook(lambda module, args: args[0] - 1)
    assert layer(ember.tensor(3.0)).item() == 2.0


# -------------------------------------------------------------------------------------------------
# Containers.

def test_sequential_indexing_slicing_and_iteration():
    model = mlp(ember)
    assert len(model) == 4 and list(model) == [model[0], model[1], model[2], model[3]]
    assert model[-1] is model[3]
    head = model[1:]
    assert isinstance(head, nn.Sequential) and list(head) == [model[1], model[2], model[3]]
    assert [name for name, _ in head.named_children()] == [n for n, _ in mlp(torch)[1:].named_children()]
    with raises(IndexError, "index 4 is out of range for a container of 4 modules"):
        model[4]
    with raises(TypeError, "cannot be interpreted as an integer"):
        model["0"]


def test_sequential_with_named_layers():
    model = nn.Sequential(OrderedDict(fc=nn.Linear(2, 3), act=nn.ReLU()))
    assert model.fc is model[0] and [n for n, _ in model.named_parameters()] == ["fc.weight", "fc.bias"]
    assert model(ember.ones(1, 2)).shape == (1, 3)


def edits(lib):
    """The same edits of a Sequential and a ModuleList in either library."""
    seq = lib.nn.Sequential(lib.nn.Linear(1, 1), lib.nn.ReLU())
    seq.append(lib.nn.Tanh()).extend([lib.nn.Sigmoid(), lib.nn.Linear(2, 2)])
    seq.insert(1, lib.nn.Identity())
    seq.insert(-1, lib.nn.Dropout(0.3))
    seq[0] = lib.nn.Linear(3, 3)
    del seq[2]
    popped = seq.pop(0)
    lst = lib.nn.ModuleList([lib.nn.ReLU()])
    lst.append(lib.nn.Tanh()).extend([lib.nn.Sigmoid()])
    lst.insert(0, lib.nn.Identity())
    lst[1] = lib.nn.Linear(1, 2)
    del lst[1:3]
    return repr(seq), repr(popped), repr(lst), repr(lst[:1]), len(seq), len(lst)


def test_sequential_and_module_list_edits_match_pytorch():
    assert edits(ember) == edits(torch)


def test_insert_and_delete_renumber_the_paths_in_error_messages():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(4, 4))
    model.insert(0, nn.ReLU())
    assert model[2]._describe() == "Linear '2'"
    del model[0]
    assert model[1]._describe() == "Linear '1'"
    with raises(ValueError, "Linear '1': expected input (..., 4), got (3, 2)"):
        model[1](ember.ones(3, 2))


def test_a_bad_insert_leaves_the_container_alone():
    model = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    with raises(TypeError, "must be a Module or None, got str"):
        model.insert(0, "relu")
    assert [type(m).__name__ for m in model] == ["ReLU", "Tanh"]


def test_module_list_registers_its_modules():
    class Heads(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleList(nn.Linear(2, 2) for _ in range(3))

    model = Heads()
    assert len(list(model.parameters())) == 6
    assert [n for n, _ in model.named_parameters()][:2] == ["heads.0.weight", "heads.0.bias"]
    assert isinstance(model.heads[1:], nn.ModuleList) and len(model.heads[1:]) == 2


def test_module_dict_operations():
    relu, tanh = nn.ReLU(), nn.Tanh()
    d = nn.ModuleDict({"relu": relu})
    d["tanh"] = tanh
    d.update([("sigmoid", nn.Sigmoid())])
    d.update({"relu": nn.GELU()})  # replaces, keeping the position
    assert list(d) == list(d.keys()) == ["relu", "tanh", "sigmoid"] and len(d) == 3
    assert "tanh" in d and "gelu" not in d and d["tanh"] is tanh
    assert [type(m).__name__ for m in d.values()] == ["GELU", "Tanh", "Sigmoid"]
    assert [k for k, _ in d.items()] == ["relu", "tanh", "sigmoid"]
    assert d.pop("tanh") is tanh and "tanh" not in d
    del d["sigmoid"]
    assert list(d) == ["relu"]
    d.clear()
    assert len(d) == 0
    with raises(KeyError, "a name must be a non-empty string without '.', got 'a.b'"):
        d["a.b"] = relu


def test_module_dict_prints_as_in_pytorch():
    def build(lib):
        return lib.nn.ModuleDict({"act": lib.nn.ReLU(), "fc": lib.nn.Linear(2, 3)})

    assert repr(build(ember)) == repr(build(torch))


# -------------------------------------------------------------------------------------------------
# Module paths in error messages.

def test_module_paths_name_the_place_in_the_model():
    net = Net()
    assert net._describe() == "Net"
    assert net.encoder[0]._describe() == "Linear 'encoder.0'"
    assert net.block.inner._describe() == "Linear 'block.inner'"  # first place of a shared module
    assert nn.Linear(2, 2)._describe() == "Linear"
    with raises(ValueError, "Linear 'encoder.0': expected input (..., 784), got (32, 28, 28)"):
        net(ember.ones(32, 28, 28))


@pytest.mark.parametrize("error", [ValueError, TypeError, IndexError])
def test_run_checked_names_the_module_and_the_input_shape_in_an_ops_error(error):
    def fails():
        raise error("conv2d: the op's own message")

    model = nn.Sequential(nn.ReLU(), nn.Conv2d(1, 1, 1))
    with raises(error, "Conv2d '1': conv2d: the op's own message (input of shape (2, 1, 3, 3))"):
        model[1].run_checked(ember.ones(2, 1, 3, 3), fails)
    assert model[1].run_checked(ember.ones(2), lambda: "computed") == "computed"


def test_run_checked_leaves_other_errors_as_they_are():
    def fails():
        raise RuntimeError("not the input's fault")

    with raises(RuntimeError, "not the input's fault") as raised:
        nn.ReLU().run_checked(ember.ones(2), fails)
    assert str(raised.value) == "not the input's fault"


def test_a_layers_dtype_error_names_the_layer():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.AvgPool2d(2))
    with raises(RuntimeError, "Conv2d '0': conv2d: input, weight and bias must have one floating point dtype, got "
                              "input int64"):
        model(ember.ones(1, 1, 4, 4, dtype=ember.long))
    with raises(RuntimeError, "AvgPool2d '1': avg_pool2d needs a floating point tensor, got int64 (input of shape "
                              "(1, 1, 4, 4))"):
        model[1](ember.ones(1, 1, 4, 4, dtype=ember.long))


def test_a_module_moved_to_a_new_parent_takes_its_new_path():
    layer = nn.Linear(2, 2)
    first = nn.Sequential(layer)
    del first[0]
    second = nn.Sequential(nn.ReLU(), layer)
    assert layer._describe() == "Linear '1'" and len(second) == 2


# -------------------------------------------------------------------------------------------------
# Reaching into the tree by dotted path.

def tree(lib):
    model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Linear(2, 1)))
    model.register_buffer("steps", lib.zeros(1))
    return model


@pytest.mark.parametrize("method, target", [
    ("get_submodule", ""), ("get_submodule", "1.1"), ("get_parameter", "1.1.bias"), ("get_buffer", "steps"),
])
def test_get_by_dotted_path_matches_pytorch(method, target):
    ours, theirs = tree(ember), tree(torch)
    found = getattr(ours, method)(target)
    expected = getattr(theirs, method)(target)
    assert type(found).__name__ == type(expected).__name__
    if method == "get_submodule":
        assert repr(found) == repr(expected)
    else:
        assert found.shape == tuple(expected.shape)


@pytest.mark.parametrize("method, target, message", [
    ("get_submodule", "0.weight", "`weight` is not an nn.Module"),
    ("get_submodule", "2", "Sequential has no attribute `2`"),
    ("get_parameter", "0.scale", "Linear has no attribute `scale`"),
    ("get_parameter", "steps", "`steps` is not an nn.Parameter"),
    ("get_buffer", "0.weight", "`weight` is not a buffer"),
    ("get_buffer", "1.0.weight", "ReLU has no attribute `weight`"),
])
def test_get_by_dotted_path_errors_as_pytorch(method, target, message):
    with raises(AttributeError, message):
        getattr(tree(ember), method)(target)
    with raises(AttributeError, message):
        getattr(tree(torch), method)(target)


def test_set_submodule_matches_pytorch():
    for lib in (ember, torch):
        model = tree(lib)
        model.set_submodule("1.0", lib.nn.Tanh())
        model.set_submodule("1.extra", lib.nn.Identity())
        with pytest.raises(AttributeError, match="`weight` is not an nn.Module"):
            model.set_submodule("0.weight", lib.nn.Tanh())
        with pytest.raises(AttributeError, match="has no attribute `7`"):
            model.set_submodule("7", lib.nn.Tanh(), strict=True)
        with pytest.raises(ValueError):
            model.set_submodule("0", 3)
        with pytest.raises(ValueError):
            model.set_submodule("", lib.nn.Tanh())
    assert tree(ember).set_submodule("1.0", ember.nn.Tanh()) is None
    ours, theirs = tree(ember), tree(torch)
    for model, lib in ((ours, ember), (theirs, torch)):
        model.set_submodule("1.0", lib.nn.Tanh())
    assert repr(ours) == repr(theirs)


def test_set_submodule_names_what_it_expected():
    with raises(ValueError, "set_submodule: `module` must be an nn.Module, got int"):
        tree(ember).set_submodule("0", 3)
    with raises(ValueError, "set_submodule: the target must name a submodule, got ''"):
        tree(ember).set_submodule("", nn.Tanh())


def test_named_modules_takes_a_memo_and_a_prefix():
    for lib in (ember, torch):
        model = tree(lib)
        memo = {model[1]}
        assert [name for name, _ in model.named_modules(memo, "net")] == ["net", "net.0"]


# -------------------------------------------------------------------------------------------------
# The class attributes and __init__ of PyTorch's Module.

def test_class_attributes_are_pytorchs():
    for name in ("dump_patches", "_version", "call_super_init"):
        assert getattr(nn.Module, name) == getattr(torch.nn.Module, name)
    assert nn.Module.T_destination.__name__ == "T_destination"
    assert nn.Module().training is True and torch.nn.Module().training is True


@pytest.mark.parametrize("args, kwargs, message", [
    ((3,), {}, "Module.__init__() takes 1 positional argument but 2 were given"),
    ((), {"a": 3}, "Module.__init__() got an unexpected keyword argument 'a'"),
])
def test_init_refuses_arguments_as_pytorch(args, kwargs, message):
    for lib in (ember, torch):
        with raises(TypeError, message):
            lib.nn.Module(*args, **kwargs)


def test_call_super_init_passes_arguments_to_a_mixin():
    def build(lib):
        class Named:
            def __init__(self, name):
                self.name = name

        class Layer(lib.nn.Module, Named):
            call_super_init = True

        return Layer("encoder").name

    assert build(ember) == build(torch) == "encoder"


# -------------------------------------------------------------------------------------------------
# dtypes, devices and the conversions PyTorch has.

def test_half_and_type_match_pytorch():
    def dtypes(lib, convert):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
        convert(model, lib)
        return [str(t.dtype).replace("torch.", "") for t in model.state_dict().values()]

    for convert in (lambda m, lib: m.half(), lambda m, lib: m.bfloat16(), lambda m, lib: m.type(lib.float64)):
        assert dtypes(ember, convert) == dtypes(torch, convert)
    with raises(RuntimeError, "Linear.type(int32): weight requires grad, so it must stay floating point"):
        nn.Linear(2, 2).type(ember.int32)


def test_to_empty_keeps_shapes_dtypes_and_the_parameters():
    model = mlp(ember).double()
    params = list(model.parameters())
    assert model.to_empty(device="cpu") is model
    assert [p is q for p, q in zip(model.parameters(), params)] == [True] * 4
    assert [(p.shape, p.dtype) for p in params] == [(p.shape, p.dtype) for p in mlp(ember).double().parameters()]
    model.load_state_dict(mlp(ember).state_dict())  # then filled from a state dict, as after PyTorch's meta device


def test_devices_ember_does_not_have_are_named():
    layer = nn.Linear(2, 2)
    with raises(RuntimeError, "ember has no ipu devices: its devices are 'cpu' and 'cuda'"):
        layer.ipu()
    for method in ("xpu", "mtia"):
        with raises(AssertionError, f"ember has no {method} devices"):
            getattr(layer, method)()


def test_compile_and_share_memory_are_accepted():
    layer = nn.Linear(2, 2)
    assert layer.compile() is None and layer.share_memory() is layer
    assert layer(ember.ones(1, 2)).shape == (1, 2)


# -------------------------------------------------------------------------------------------------
# state_dict and load_state_dict: what PyTorch's give.

def test_state_dict_metadata_matches_pytorch():
    ours, theirs = nested(ember).state_dict(prefix="m."), nested(torch).state_dict(prefix="m.")
    assert list(ours) == list(theirs)
    assert dict(ours._metadata) == dict(theirs._metadata)


def test_state_dict_into_a_destination_and_with_positional_arguments():
    for lib in (ember, torch):
        destination = {}
        assert lib.nn.Linear(2, 2).state_dict(destination=destination, prefix="fc.") is destination
        assert list(destination) == ["fc.weight", "fc.bias"]
    with pytest.warns(FutureWarning, match="positional arguments"):
        state = nn.Linear(2, 2).state_dict(None, "fc.", True)
    assert list(state) == ["fc.weight", "fc.bias"] and isinstance(state["fc.weight"], nn.Parameter)


def test_incompatible_keys_print_as_in_pytorch():
    for lib in (ember, torch):
        assert repr(lib.nn.Linear(2, 2).load_state_dict(lib.nn.Linear(2, 2).state_dict())) == \
            "<All keys matched successfully>"


def test_load_state_dict_with_assign_takes_the_tensors():
    layer = nn.Linear(2, 3)
    layer.weight.requires_grad_(False)
    state = {"weight": ember.ones(3, 2, dtype=ember.float64), "bias": np.zeros(3)}
    layer.load_state_dict(state, assign=True)
    assert isinstance(layer.weight, nn.Parameter) and layer.weight.array is state["weight"].array
    assert layer.weight.dtype == ember.float64 and not layer.weight.requires_grad and layer.bias.requires_grad
    theirs = torch.nn.Linear(2, 3)
    theirs.load_state_dict({"weight": torch.ones(3, 2, dtype=torch.float64), "bias": torch.zeros(3)}, assign=True)
    assert str(theirs.weight.dtype) == "torch.float64"


def test_load_state_dict_refuses_what_is_not_a_tensor():
    with raises(RuntimeError, "weight: expected a tensor or array, got int"):
        nn.Linear(2, 2).load_state_dict({"weight": 3, "bias": ember.ones(2)})
    with raises(TypeError, "load_state_dict expects a dict-like state dict, got list"):
        nn.Linear(2, 2).load_state_dict([1, 2])


def extra_state(lib):
    class Counter(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.count = 0
            self.lin = lib.nn.Linear(1, 1)

        def get_extra_state(self):
            return {"count": self.count}

        def set_extra_state(self, state):
            self.count = state["count"]

    return Counter()


def test_extra_state_is_saved_and_loaded_as_in_pytorch():
    ours, theirs = extra_state(ember), extra_state(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["_extra_state", "lin.weight", "lin.bias"]
    ours.count = 7
    fresh = extra_state(ember)
    fresh.load_state_dict(ours.state_dict())
    assert fresh.count == 7
    state = ours.state_dict()
    del state["_extra_state"]
    assert fresh.load_state_dict(state, strict=False).missing_keys == ["_extra_state"]
    with raises(RuntimeError, "unexpected keys: '_extra_state'"):
        nn.Linear(1, 1).load_state_dict({**nn.Linear(1, 1).state_dict(), "_extra_state": 1})


# -------------------------------------------------------------------------------------------------
# Copies.

def test_a_deep_copy_and_a_pickle_keep_the_paths_in_error_messages():
    import copy
    import pickle

    net = Net()
    for duplicate in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert duplicate.encoder[0]._describe() == "Linear 'encoder.0'"
        assert duplicate.block.inner._describe() == "Linear 'block.inner'"
        assert duplicate.block is duplicate.again
        assert duplicate.encoder[0].weight is not net.encoder[0].weight
    encoder = copy.deepcopy(net.encoder)  # a copy of a part is a model of its own
    assert encoder[0]._describe() == "Linear '0'"
