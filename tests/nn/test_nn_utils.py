"""ember.nn.utils beside clipping and the recurrent helpers: parameters as a vector, batch-norm fusion, memory
formats, skip_init and stateless.functional_call, each against torch.nn.utils."""

import numpy as np
import pytest
import torch

import ember
from ember import nn
from helpers import DEVICES, assert_close, rand, raises, tensor_for, to_numpy


def small_model(lib):
    torch.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2)).double()
    return model


def same_weights(ours, theirs):
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


# -------------------------------------------------------------------------------------------------
# parameters_to_vector, vector_to_parameters.

@pytest.mark.parametrize("device", DEVICES)
def test_parameters_to_vector_and_back_match_torch(device):
    ours, theirs = same_weights(small_model(ember).to(device), small_model(torch))
    vectors = [lib.nn.utils.parameters_to_vector(m.parameters()) for lib, m in ((ember, ours), (torch, theirs))]
    assert_close(vectors[0], vectors[1], 0, 0, "vector")
    for vector in vectors:
        (vector * vector).sum().backward()  # the vector is in the graph: gradients reach the parameters
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, 1e-12, 1e-12, name)
    new = rand(vectors[0].numel(), seed=5)
    ember_vector = ember.tensor(new, device=device)
    ember.nn.utils.vector_to_parameters(ember_vector, ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs.parameters())
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p, q, 0, 0, "parameter")
        assert isinstance(p, nn.Parameter)
    ember_vector.array[0] = 100.0  # the parameters are views of the vector, as in PyTorch
    assert ours[0].weight.array[0, 0] == 100.0


def test_vector_to_parameters_errors():
    layer = nn.Linear(2, 2)
    with raises(TypeError, "vector_to_parameters: expected a Tensor, got list"):
        ember.nn.utils.vector_to_parameters([1.0], layer.parameters())
    with raises(RuntimeError, "vector_to_parameters: the vector has shape (5,), the parameters need (6,)"):
        ember.nn.utils.vector_to_parameters(ember.ones(5), layer.parameters())


# -------------------------------------------------------------------------------------------------
# Fusing batch norms.

def conv_and_bn(lib, transpose=False, bias=True, affine=True):
    torch.manual_seed(1)
    conv_class = lib.nn.ConvTranspose2d if transpose else lib.nn.Conv2d
    conv = conv_class(2, 3, 3, bias=bias).double().eval()
    bn = lib.nn.BatchNorm2d(3, affine=affine).double().eval()
    return conv, bn


def trained_bn_state(bn):
    """Running statistics and affine parameters that are not the defaults, for a batch norm of 3 features."""
    state = {"running_mean": rand(3, seed=2), "running_var": rand(3, seed=3, low=0.5, high=2.0),
             "num_batches_tracked": np.array(10)}
    if bn.weight is not None:
        state.update(weight=rand(3, seed=4), bias=rand(3, seed=5))
    return state


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("bias, affine", [(True, True), (False, True), (True, False)])
def test_fuse_conv_bn_eval_matches_torch_and_the_two_layers(transpose, bias, affine):
    built = {}
    for lib in (ember, torch):
        conv, bn = conv_and_bn(lib, transpose, bias, affine)
        bn.load_state_dict({k: tensor_for(lib, v) for k, v in trained_bn_state(bn).items()})
        built[lib] = conv, bn
    built[ember][0].load_state_dict(built[torch][0].state_dict())
    x = rand(2, 2, 5, 5, seed=6)
    fused = {lib: lib.nn.utils.fuse_conv_bn_eval(conv, bn, transpose=transpose) for lib, (conv, bn) in built.items()}
    assert_close(fused[ember].weight, fused[torch].weight, 1e-12, 1e-12, "fused weight")
    assert_close(fused[ember].bias, fused[torch].bias, 1e-12, 1e-12, "fused bias")
    conv, bn = built[ember]
    expected = bn(conv(ember.tensor(x)))
    assert_close(fused[ember](ember.tensor(x)), expected, 1e-10, 1e-10, "fused output")
    assert fused[ember] is not conv and isinstance(fused[ember].weight, nn.Parameter)


def test_fuse_linear_bn_eval_matches_torch():
    built = {}
    for lib in (ember, torch):
        torch.manual_seed(1)
        linear, bn = lib.nn.Linear(4, 3).double().eval(), lib.nn.BatchNorm1d(3).double().eval()
        bn.load_state_dict({k: tensor_for(lib, v) for k, v in trained_bn_state(bn).items()})
        built[lib] = linear, bn
    built[ember][0].load_state_dict(built[torch][0].state_dict())
    fused = {lib: lib.nn.utils.fuse_linear_bn_eval(*layers) for lib, layers in built.items()}
    for name in ("weight", "bias"):
        assert_close(getattr(fused[ember], name), getattr(fused[torch], name), 1e-12, 1e-12, name)
    linear, bn = built[ember]
    x = ember.tensor(rand(5, 4))
    assert_close(fused[ember](x), bn(linear(x)), 1e-10, 1e-10, "fused output")


def test_fuse_weights_match_torch_without_modules():
    args = [rand(3, 4), None, rand(3), rand(3, low=0.5), 1e-5, rand(3), rand(3)]
    ours = ember.nn.utils.fuse_linear_bn_weights(*[None if a is None else a if isinstance(a, float) else
                                                   ember.tensor(a) for a in args])
    theirs = torch.nn.utils.fuse_linear_bn_weights(*[None if a is None else a if isinstance(a, float) else
                                                     torch.tensor(a) for a in args])
    for a, b in zip(ours, theirs):
        assert_close(a, b, 1e-12, 1e-12, "fused")
        assert a.requires_grad == b.requires_grad


def test_fusion_only_in_evaluation_mode():
    conv, bn = conv_and_bn(ember)
    with raises(AssertionError, "fusing Conv2d and BatchNorm2d: both must be in evaluation mode"):
        ember.nn.utils.fuse_conv_bn_eval(conv, bn.train())
    with raises(AssertionError, "the batch norm's 3 features must be the linear layer's 2 out_features, or 1"):
        ember.nn.utils.fuse_linear_bn_eval(nn.Linear(2, 2).eval(), nn.BatchNorm1d(3).eval())


# -------------------------------------------------------------------------------------------------
# Memory formats and skip_init.

def test_memory_format_conversions_return_the_module():
    model = nn.Sequential(nn.Conv2d(1, 2, 3))
    for convert in (ember.nn.utils.convert_conv2d_weight_memory_format,
                    ember.nn.utils.convert_conv3d_weight_memory_format):
        assert convert(model, "channels_last") is model


def test_skip_init_makes_the_module_with_its_shapes():
    layer = ember.nn.utils.skip_init(nn.Linear, 3, 5, bias=False, device="cpu")
    theirs = torch.nn.utils.skip_init(torch.nn.Linear, 3, 5, bias=False)
    assert repr(layer) == repr(theirs) and layer.weight.shape == tuple(theirs.weight.shape)
    with raises(RuntimeError, "skip_init: expected a Module class, got 3"):
        ember.nn.utils.skip_init(3)
    with raises(RuntimeError, "skip_init: ReLU must take a 'device' argument to skip initialization"):
        ember.nn.utils.skip_init(nn.ReLU)


# -------------------------------------------------------------------------------------------------
# functional_call.

def call(lib, model, values, *args, **kwargs):
    with pytest.warns(FutureWarning, match="functional_call"):
        return lib.nn.utils.stateless.functional_call(model, values, *args, **kwargs)


@pytest.mark.parametrize("device", DEVICES)
def test_functional_call_matches_torch_and_leaves_the_module_alone(device):
    ours, theirs = same_weights(small_model(ember).to(device), small_model(torch))
    before = {k: to_numpy(v).copy() for k, v in ours.state_dict().items()}
    weights = {"0.weight": rand(4, 3, seed=7), "2.bias": rand(2, seed=8)}
    results = []
    for lib, model in ((ember, ours), (torch, theirs)):
        values = {k: tensor_for(lib, v, device if lib is ember else "cpu", requires_grad=True)
                  for k, v in weights.items()}
        x = tensor_for(lib, rand(5, 3, seed=9), device if lib is ember else "cpu")
        out = call(lib, model, values, (x,))
        (out ** 2).sum().backward()
        results.append((out, values["0.weight"].grad, values["2.bias"].grad, model[0].bias.grad))
    for i, (a, b) in enumerate(zip(*results)):
        assert_close(a, b, 1e-12, 1e-12, f"result {i}")
    for key, value in ours.state_dict().items():
        assert np.array_equal(to_numpy(value), before[key]), key
    assert all(isinstance(p, nn.Parameter) for p in ours.parameters())


def test_functional_call_with_buffers_kwargs_and_a_single_argument():
    def run(lib):
        bn = lib.nn.BatchNorm1d(2).double().eval()
        stats = {"running_mean": tensor_for(lib, np.array([1.0, -1.0])), "running_var": tensor_for(lib, rand(2) ** 2)}
        return call(lib, bn, stats, tensor_for(lib, rand(3, 2)), {})

    assert_close(run(ember), run(torch), 1e-12, 1e-12, "output")


def tied(lib):
    torch.manual_seed(0)
    a, b = lib.nn.Linear(2, 2, bias=False).double(), lib.nn.Linear(2, 2, bias=False).double()
    b.weight = a.weight
    return lib.nn.Sequential(a, b)


def test_functional_call_ties_shared_weights_as_torch():
    ours, theirs = same_weights(tied(ember), tied(torch))
    w = rand(2, 2, seed=3)
    x = rand(1, 2, seed=4)
    for tie in (True, False):
        results = [call(lib, m, {"0.weight": tensor_for(lib, w)}, (tensor_for(lib, x),), tie_weights=tie)
                   for lib, m in ((ember, ours), (torch, theirs))]
        assert_close(results[0], results[1], 1e-12, 1e-12, f"tie_weights={tie}")
    with raises(ValueError, "functional_call: got different tensors for ['0.weight', '1.weight'], which are one "
                            "shared tensor"):
        call(ember, ours, {"0.weight": ember.ones(2, 2), "1.weight": ember.zeros(2, 2)}, (ember.ones(1, 2),))


def test_functional_call_strict_names_missing_and_unexpected_keys():
    layer = nn.Linear(2, 2)
    with raises(RuntimeError, "functional_call of Linear with strict=True:\n  unexpected keys: 'scale'\n  "
                              "missing keys: 'bias'"):
        call(ember, layer, {"weight": ember.ones(2, 2), "scale": ember.ones(1)}, (ember.ones(1, 2),), strict=True)
    with raises(AttributeError, "Linear has no attribute `inner`"):
        call(ember, layer, {"inner.weight": ember.ones(2, 2)}, (ember.ones(1, 2),))
    out = call(ember, layer, {"weight": ember.zeros(2, 2), "extra": ember.ones(1)}, ember.ones(1, 2))
    assert np.array_equal(to_numpy(out.detach()), to_numpy(layer.bias.detach())[None])
    assert not hasattr(layer, "extra")
