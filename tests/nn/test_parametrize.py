"""nn.utils.parametrize and the parametrizations (weight_norm, spectral_norm, orthogonal), new and legacy forms:
each parametrized module is built in ember and in PyTorch, given PyTorch's originals through load_state_dict,
and must then compute the same weight, outputs and gradients, and keep the same state dict keys."""

import numpy as np
import pytest
import torch

import ember
from ember import nn
from helpers import DEVICES, assert_close, rand, raises, tensor_for, to_numpy


def symmetric(lib):
    """A parametrization written once for both libraries: X -> its upper triangle mirrored."""
    class Symmetric(lib.nn.Module):
        def forward(self, x):
            upper = x * tensor_for(lib, np.triu(np.ones(x.shape))).to(x.dtype)
            strict = x * tensor_for(lib, np.triu(np.ones(x.shape), 1)).to(x.dtype)
            return upper + strict.transpose(0, 1)

        def right_inverse(self, a):
            return a * tensor_for(lib, np.triu(np.ones(a.shape))).to(a.dtype)

    return Symmetric()


def scaled(lib):
    class Double(lib.nn.Module):
        def forward(self, x):
            return x * 2

        def right_inverse(self, y):
            return y / 2

    return Double()


def register(lib, module, name, parametrization, **kwargs):
    return lib.nn.utils.parametrize.register_parametrization(module, name, parametrization, **kwargs)


def compare(ours, theirs, x, device="cpu", rtol=1e-10, atol=1e-12, what=""):
    """The same outputs and parameter gradients for input x (float64), and the same state dict after."""
    outs = []
    for lib, model in ((ember, ours), (torch, theirs)):
        inputs = tensor_for(lib, x, device if lib is ember else "cpu")
        out = model(inputs)
        (out * out).sum().backward()
        outs.append(out)
    assert_close(outs[0], outs[1], rtol, atol, f"{what} output")
    grads = {name: p.grad for name, p in theirs.named_parameters()}
    for name, p in ours.named_parameters():
        assert_close(p.grad, grads[name], rtol, atol, f"{what} gradient of {name}")
    state = theirs.state_dict()
    assert list(ours.state_dict()) == list(state)
    for key, value in ours.state_dict().items():
        assert_close(value, state[key], rtol, atol, f"{what} {key}")


def twins(build, device="cpu"):
    """build(lib) in both libraries, float64, with PyTorch's state dict loaded into ember's."""
    theirs = build(torch)
    ours = build(ember).to(device)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


# -------------------------------------------------------------------------------------------------
# parametrize.

def symmetric_linear(lib):
    torch.manual_seed(0)
    return register(lib, lib.nn.Linear(3, 3).double(), "weight", symmetric(lib))


@pytest.mark.parametrize("device", DEVICES)
def test_a_parametrized_layer_matches_pytorch(device):
    ours, theirs = twins(symmetric_linear, device)
    assert repr(ours) == repr(theirs)
    assert type(ours).__name__ == "ParametrizedLinear" and isinstance(ours, nn.Linear)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    weight = to_numpy(ours.weight.detach())
    np.testing.assert_array_equal(weight, weight.T)
    compare(ours, theirs, rand(4, 3), device)


def test_the_original_parameter_object_is_kept():
    for lib in (ember, torch):
        layer = lib.nn.Linear(3, 3)
        weight = layer.weight
        register(lib, layer, "weight", symmetric(lib))
        assert layer.parametrizations.weight.original is weight


def test_assigning_goes_through_right_inverse():
    for lib in (ember, torch):
        layer = symmetric_linear(lib)
        layer.weight = tensor_for(lib, np.eye(3) * 5)
        original = to_numpy(layer.parametrizations.weight.original.detach())
        np.testing.assert_array_equal(original, np.eye(3) * 5)  # the upper triangle of 5·I
        register(lib, layer, "weight", scaled(lib))  # a second one, applied after the first
        layer.weight = tensor_for(lib, np.eye(3) * 4)
        np.testing.assert_array_equal(to_numpy(layer.parametrizations.weight.original.detach()), np.eye(3) * 2)
    ours, theirs = twins(lambda lib: register(lib, symmetric_linear(lib), "weight", scaled(lib)))
    assert repr(ours) == repr(theirs)
    compare(ours, theirs, rand(2, 3))


@pytest.mark.parametrize("leave_parametrized", [True, False])
def test_remove_parametrizations_matches_pytorch(leave_parametrized):
    ours, theirs = twins(symmetric_linear)
    for lib, model in ((ember, ours), (torch, theirs)):
        original = model.parametrizations.weight.original
        lib.nn.utils.parametrize.remove_parametrizations(model, "weight", leave_parametrized=leave_parametrized)
        assert model.weight is original
    assert type(ours) is nn.Linear and repr(ours) == repr(theirs)
    compare(ours, theirs, rand(2, 3))


def test_is_parametrized_and_type_before_parametrizations():
    parametrize = ember.nn.utils.parametrize
    layer = nn.Linear(2, 2)
    assert not parametrize.is_parametrized(layer) and parametrize.type_before_parametrizations(layer) is nn.Linear
    register(ember, layer, "bias", scaled(ember))
    assert parametrize.is_parametrized(layer) and parametrize.is_parametrized(layer, "bias")
    assert not parametrize.is_parametrized(layer, "weight")
    assert parametrize.type_before_parametrizations(layer) is nn.Linear


def test_cached_computes_each_parametrized_tensor_once():
    calls = []

    class Counted(nn.Module):
        def forward(self, x):
            calls.append(1)
            return x * 1

    layer = register(ember, nn.Linear(2, 2), "weight", Counted())
    calls.clear()
    with ember.nn.utils.parametrize.cached():
        first, second = layer.weight, layer.weight
        with ember.nn.utils.parametrize.cached():
            third = layer.weight
    assert first is second is third and len(calls) == 1
    layer.weight
    assert len(calls) == 2


def test_several_originals_from_right_inverse():
    def build(lib):
        class Split(lib.nn.Module):
            def forward(self, a, b):
                return a + b

            def right_inverse(self, x):
                return x * 0.25, x * 0.75

        torch.manual_seed(1)
        return register(lib, lib.nn.Linear(2, 3).double(), "weight", Split())

    ours, theirs = twins(build)
    assert list(ours.state_dict()) == ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    compare(ours, theirs, rand(2, 2))
    with raises(ValueError, "a tensor parametrized by several originals can only be left parametrized"):
        ember.nn.utils.parametrize.remove_parametrizations(ours, "weight", leave_parametrized=False)


def test_transfer_parametrizations_and_params():
    source = symmetric_linear(ember)
    target = nn.Linear(3, 3).double()
    ember.nn.utils.parametrize.transfer_parametrizations_and_params(source, target)
    assert target.parametrizations.weight.original is source.parametrizations.weight.original
    assert np.array_equal(to_numpy(target.weight.detach()), to_numpy(source.weight.detach()))


def test_parametrization_errors():
    with raises(ValueError, "register_parametrization: Linear has no parameter, buffer or parametrized tensor named "
                            "'scale'"):
        register(ember, nn.Linear(2, 2), "scale", scaled(ember))

    class First(nn.Module):
        def forward(self, x):
            return x[0]

    with raises(ValueError, "it may not change the tensor's shape or dtype unless unsafe=True; it turns (2, 2)"):
        register(ember, nn.Linear(2, 2), "weight", First())
    assert register(ember, nn.Linear(2, 2), "weight", First(), unsafe=True).weight.shape == (2,)
    with raises(ValueError, "remove_parametrizations: Linear has no parametrization on 'weight'"):
        ember.nn.utils.parametrize.remove_parametrizations(nn.Linear(2, 2), "weight")


# -------------------------------------------------------------------------------------------------
# parametrizations.weight_norm and the legacy weight_norm.

def layer(lib, kind):
    torch.manual_seed(2)
    if kind == "linear":
        return lib.nn.Linear(3, 4).double()
    if kind == "conv":
        return lib.nn.Conv2d(2, 3, 3).double()
    return lib.nn.ConvTranspose2d(2, 3, 3).double()


def input_for(kind):
    return rand(2, 3) if kind == "linear" else rand(1, 2, 5, 5)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind, dim", [("linear", 0), ("linear", 1), ("linear", None), ("conv", 0), ("conv", 2)])
def test_weight_norm_matches_pytorch(device, kind, dim):
    ours, theirs = twins(lambda lib: lib.nn.utils.parametrizations.weight_norm(layer(lib, kind), dim=dim), device)
    assert repr(ours) == repr(theirs)
    compare(ours, theirs, input_for(kind), device)


def test_weight_norm_starts_from_the_weight_and_loads_old_state_dicts():
    base = nn.Linear(3, 4)
    weight = to_numpy(base.weight).copy()
    normalized = ember.nn.utils.parametrizations.weight_norm(base)
    np.testing.assert_allclose(to_numpy(normalized.weight.detach()), weight, rtol=1e-6)
    with pytest.warns(FutureWarning, match="weight_norm"):
        old = torch.nn.utils.weight_norm(torch.nn.Linear(3, 4))
    assert list(old.state_dict()) == ["bias", "weight_g", "weight_v"]
    normalized.load_state_dict(old.state_dict())
    assert_close(normalized.weight, old.weight, 1e-6, 1e-6, "weight from an old state dict")


@pytest.mark.parametrize("kind, dim", [("linear", 0), ("linear", None), ("conv", 1)])
def test_legacy_weight_norm_matches_pytorch(kind, dim):
    with pytest.warns(FutureWarning, match="weight_norm"):
        ours, theirs = twins(lambda lib: lib.nn.utils.weight_norm(layer(lib, kind), dim=dim))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    compare(ours, theirs, input_for(kind))
    for lib, model in ((ember, ours), (torch, theirs)):
        lib.nn.utils.remove_weight_norm(model)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight"]
    assert_close(ours.weight, theirs.weight, 1e-12, 1e-12, "weight after remove_weight_norm")


def test_legacy_weight_norm_errors():
    with pytest.warns(FutureWarning):
        model = ember.nn.utils.weight_norm(nn.Linear(2, 2))
        with raises(RuntimeError, "weight_norm: Linear.weight has weight_norm already"):
            ember.nn.utils.weight_norm(model)
    with raises(ValueError, "remove_weight_norm: Linear.weight has no weight_norm"):
        ember.nn.utils.remove_weight_norm(nn.Linear(2, 2))


# -------------------------------------------------------------------------------------------------
# Spectral normalization, new and legacy.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", ["linear", "conv", "transposed"])
@pytest.mark.parametrize("n_power_iterations", [1, 3])
def test_spectral_norm_matches_pytorch_in_training_and_evaluation(device, kind, n_power_iterations):
    def build(lib):
        return lib.nn.utils.parametrizations.spectral_norm(layer(lib, kind), n_power_iterations=n_power_iterations)

    ours, theirs = twins(build, device)
    assert repr(ours) == repr(theirs)
    compare(ours, theirs, input_for(kind), device, what="training")  # u and v step on alike
    ours.eval(), theirs.eval()
    compare(ours, theirs, input_for(kind), device, what="evaluation")


def test_spectral_norm_makes_the_largest_singular_value_one():
    model = ember.nn.utils.parametrizations.spectral_norm(nn.Linear(20, 30).double(), n_power_iterations=50)
    assert np.linalg.svd(to_numpy(model.weight.detach()), compute_uv=False)[0] == pytest.approx(1.0, rel=1e-6)


def test_spectral_norm_of_a_vector_divides_by_its_norm():
    ours, theirs = twins(lambda lib: lib.nn.utils.parametrizations.spectral_norm(layer(lib, "linear"), "bias"))
    compare(ours, theirs, rand(2, 3))


@pytest.mark.parametrize("kind", ["linear", "conv", "transposed"])
def test_legacy_spectral_norm_matches_pytorch(kind):
    ours, theirs = twins(lambda lib: lib.nn.utils.spectral_norm(layer(lib, kind)))
    assert list(ours.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    for _ in range(3):
        compare(ours, theirs, input_for(kind))
    ours.eval(), theirs.eval()
    compare(ours, theirs, input_for(kind), what="evaluation")
    for lib, model in ((ember, ours), (torch, theirs)):
        lib.nn.utils.remove_spectral_norm(model)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert_close(ours.weight, theirs.weight, 1e-10, 1e-12, "weight after remove_spectral_norm")


def test_spectral_norm_errors():
    with raises(ValueError, "spectral_norm: n_power_iterations must be positive, got 0"):
        ember.nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with raises(IndexError, "spectral_norm: dim 2 is out of range for a weight of 2 dimensions"):
        ember.nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), dim=2)
    with raises(ValueError, "spectral_norm: Linear has no parameter or buffer named 'scale'"):
        ember.nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), "scale")
    with raises(ValueError, "remove_spectral_norm: Linear.weight has no spectral_norm"):
        ember.nn.utils.remove_spectral_norm(nn.Linear(2, 2))


# -------------------------------------------------------------------------------------------------
# Orthogonal.

ORTHOGONAL = [(shape, orthogonal_map, trivial) for shape in [(4, 4), (5, 3), (3, 5)]
              for orthogonal_map in ["matrix_exp", "cayley", "householder"] for trivial in [True, False]
              if trivial or orthogonal_map == "householder"]


@pytest.mark.parametrize("shape, orthogonal_map, use_trivialization", ORTHOGONAL)
def test_orthogonal_matches_pytorch(shape, orthogonal_map, use_trivialization):
    def build(lib):
        model = lib.nn.Linear(shape[1], shape[0], bias=False).double()
        model.load_state_dict({"weight": tensor_for(lib, rand(*shape, seed=3))})
        return lib.nn.utils.parametrizations.orthogonal(model, orthogonal_map=orthogonal_map,
                                                        use_trivialization=use_trivialization)

    assert_close(build(ember).weight, build(torch).weight, 1e-10, 1e-12, "the weight it starts from")
    ours, theirs = twins(build)
    assert repr(ours) == repr(theirs)
    # Originals moved away from where they start (-I) as training moves them (off the diagonal, which gets no
    # gradient): the map itself is then compared.
    moved = {"parametrizations.weight.original": rand(*shape, seed=4) * (1 - np.eye(*shape)) - np.eye(*shape)}
    for lib, model in ((ember, ours), (torch, theirs)):
        model.load_state_dict({**model.state_dict(), **{k: tensor_for(lib, v) for k, v in moved.items()}})
    compare(ours, theirs, rand(2, shape[1]), rtol=1e-9, atol=1e-11)
    weight = to_numpy(ours.weight.detach())
    gram = weight.T @ weight if shape[0] >= shape[1] else weight @ weight.T
    np.testing.assert_allclose(gram, np.eye(min(shape)), atol=1e-12)


def test_orthogonal_on_a_batch_of_matrices():
    ours, theirs = twins(lambda lib: lib.nn.utils.parametrizations.orthogonal(layer(lib, "conv")))
    compare(ours, theirs, input_for("conv"), rtol=1e-9, atol=1e-11)


def test_orthogonal_errors():
    with raises(ValueError, "orthogonal: expected a matrix or a batch of matrices, got a tensor of 1 dimensions"):
        ember.nn.utils.parametrizations.orthogonal(nn.Linear(2, 2), "bias")
    with raises(ValueError, "orthogonal: orthogonal_map must be one of matrix_exp, cayley, householder, got 'qr'"):
        ember.nn.utils.parametrizations.orthogonal(nn.Linear(2, 2), orthogonal_map="qr")
    with raises(NotImplementedError, "with use_trivialization=False the cayley map cannot be assigned to"):
        ember.nn.utils.parametrizations.orthogonal(nn.Linear(2, 2), orthogonal_map="cayley", use_trivialization=False)
