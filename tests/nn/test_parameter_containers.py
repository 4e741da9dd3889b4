"""ParameterList, ParameterDict (nn/containers.py) and nn.Buffer (nn/parameter.py)."""

import numpy as np
import pytest
import torch

import ember
from ember import nn
from helpers import rand, raises, to_numpy


def parameter_list(lib):
    return lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.ones(4, dtype=lib.float64)])


def test_parameter_list_registers_and_prints_as_in_pytorch():
    ours, theirs = parameter_list(ember), parameter_list(torch)
    assert repr(ours) == repr(theirs).replace("torch.", "ember.")
    assert repr(nn.ParameterList()) == repr(torch.nn.ParameterList()) == "ParameterList()"
    assert [name for name, _ in ours.named_parameters()] == ["0", "1"]
    assert all(type(p) is nn.Parameter for p in ours) and len(ours) == 2 and ours[-1].shape == (4,)
    ours.append(nn.Parameter(ember.zeros(1)))
    ours += [ember.zeros(5)]
    ours[0] = ember.full((2,), 3.0)
    assert [tuple(p.shape) for p in ours] == [(2,), (4,), (1,), (5,)] and type(ours[0]) is nn.Parameter
    assert [tuple(p.shape) for p in ours[1:3]] == [(4,), (1,)] and type(ours[1:3]) is nn.ParameterList
    with raises(IndexError, "index 4 is out of range for a ParameterList of 4"):
        ours[4]


def test_a_model_with_a_parameter_list_trains_and_loads_pytorchs_weights():
    class Scales(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = ember.nn.ParameterList([ember.ones(3) for _ in range(2)])

        def forward(self, x):
            for scale in self.scales:
                x = x * scale
            return x

    model = Scales()
    model.load_state_dict({"scales.0": torch.full((3,), 2.0), "scales.1": torch.full((3,), 0.5)})
    model(ember.tensor(rand(3))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    np.testing.assert_allclose(to_numpy(model.scales[0].detach()), 2.0)


def parameter_dict(lib):
    return lib.nn.ParameterDict({"b": lib.nn.Parameter(lib.ones(2)), "a": lib.ones(3, 3)})


def test_parameter_dict_behaves_as_pytorchs():
    ours, theirs = parameter_dict(ember), parameter_dict(torch)
    assert list(ours) == list(theirs) == ["a", "b"]  # a dict's entries in the order of its keys, as in PyTorch
    assert list(nn.ParameterDict([("b", ember.ones(1)), ("a", ember.ones(1))])) == ["b", "a"]
    assert [name for name, _ in ours.named_parameters()] == [name for name, _ in theirs.named_parameters()]
    assert all(type(p) is nn.Parameter for p in ours.values())
    assert repr(nn.ParameterDict()) == repr(torch.nn.ParameterDict()) == "ParameterDict()"
    assert repr(ours) == "ParameterDict(\n    (a): Parameter containing: [ember.float32 of size 3x3]\n" \
                         "    (b): Parameter containing: [ember.float32 of size 2]\n)"
    ours["keys"] = ember.zeros(1)  # a key may be the name of a method
    assert ours["keys"].shape == (1,) and "keys" in ours and list(ours.keys()) == ["a", "b", "keys"]
    assert ours.pop("keys").shape == (1,) and "keys" not in ours and ours.get("keys") is None
    assert ours.setdefault("c", ember.zeros(2)).shape == (2,) and ours.popitem()[0] == "c"
    merged = ours | {"d": ember.zeros(4)}
    assert list(merged) == ["a", "b", "d"] and list(ours) == ["a", "b"]
    assert list(reversed(merged)) == ["d", "b", "a"] and list(ours.copy().items())[0][0] == "a"
    assert list(ours.fromkeys(["x", "y"], ember.zeros(1))) == ["x", "y"]
    ours |= {"e": ember.zeros(1)}
    assert len(ours) == 3
    del ours["e"]
    ours.clear()
    assert len(ours) == 0 and list(ours.parameters()) == []
    with pytest.raises(KeyError):
        ours["missing"]


def test_buffer_registers_itself_when_assigned():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.count = nn.Buffer(ember.zeros(()))
            self.scratch = nn.Buffer(ember.zeros(2), persistent=False)
            self.plain = ember.zeros(1)  # a plain tensor is not a buffer

    counter = Counter()
    assert [name for name, _ in counter.named_buffers()] == ["count", "scratch"]
    assert list(counter.state_dict()) == ["count"] and "plain" not in dict(counter.named_buffers())
    assert isinstance(counter.count, ember.Tensor) and not counter.count.requires_grad
    counter.to(ember.float64)
    assert counter.count.dtype == ember.float64
    data = ember.ones(3)
    assert nn.Buffer(data).array is data.array and nn.Buffer().shape == (0,)
