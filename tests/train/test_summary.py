"""ember.summary: the layer tree, output shapes, parameter counts, multiply-adds and memory of a model."""

import pytest
import torch

import ember
from ember import nn
from ember.models import GPT
from helpers import raises


def conv_net():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10))


def test_shapes_and_parameters_are_those_of_the_layers():
    model = conv_net()
    result = ember.summary(model, input_size=(5, 1, 8, 8), verbose=0)
    rows = {row.name: row for row in result.rows}
    assert [row.name for row in result.rows] == ["", "0", "1", "2", "3", "4"]
    assert rows["0"].output_shape == (5, 4, 8, 8) and rows["2"].output_shape == (5, 4, 4, 4)
    assert rows[""].output_shape == (5, 10) and rows["4"].type == "Linear" and rows["4"].depth == 1
    assert result.total_params == sum(p.numel() for p in model.parameters()) == 4 * 9 + 4 + 64 * 10 + 10
    assert rows["0"].params == 40 and rows["1"].params == 0


def test_multiply_adds_count_each_weight_where_it_is_applied():
    model = conv_net()
    result = ember.summary(model, input_size=(5, 1, 8, 8), verbose=0)
    conv, linear = (row.mult_adds for row in result.rows if row.name in ("0", "4"))
    reference = torch.nn.functional.conv2d(torch.zeros(5, 1, 8, 8), torch.zeros(4, 1, 3, 3), padding=1)
    assert conv == reference.numel() * 1 * 3 * 3   # each output number: in_channels · kh · kw products
    assert linear == 5 * 64 * 10
    assert result.total_mult_adds == conv + linear
    lstm = ember.summary(nn.LSTM(3, 5, num_layers=2, batch_first=True), input_size=(2, 7, 3), verbose=0)
    assert lstm.total_mult_adds == 2 * 7 * (4 * 5 * 3 + 4 * 5 * 5 + 4 * 5 * 5 + 4 * 5 * 5)  # per step, both layers


def test_frozen_and_shared_parameters_are_counted_once_and_as_they_are():
    model = conv_net()
    model[0].requires_grad_(False)
    result = ember.summary(model, input_size=(1, 1, 8, 8), verbose=0)
    assert result.non_trainable_params == 40 and result.trainable_params == result.total_params - 40
    gpt = GPT(vocab_size=11, block_size=8, n_layer=1, n_head=2, n_embd=16)
    tied = ember.summary(gpt, input_size=(2, 8), dtypes=[ember.long], verbose=0)
    assert tied.total_params == sum(p.numel() for p in gpt.parameters())  # the tied head counted once
    assert next(row for row in tied.rows if row.name == "head").params == 0


def test_memory_and_the_table():
    model = conv_net()
    result = ember.summary(model, input_size=(5, 1, 8, 8), verbose=0)
    assert result.input_bytes == 5 * 64 * 4 and result.params_bytes == 4 * result.total_params
    leaf_outputs = 5 * (4 * 64 + 4 * 64 + 4 * 16 + 64 + 10) * 4
    assert result.forward_backward_bytes == 2 * leaf_outputs
    assert result.total_bytes == result.input_bytes + result.forward_backward_bytes + result.params_bytes
    text = str(result)
    assert "├─0 (Conv2d)" in text and "[5, 4, 8, 8]" in text and "Total params: 690" in text
    assert "Trainable params: 690" in text and "Total mult-adds (M): " in text and "Params size (MB)" in text


def test_input_data_depth_and_printing(capsys):
    model = nn.Sequential(nn.Sequential(nn.Linear(3, 4), nn.ReLU()), nn.Linear(4, 2))
    result = ember.summary(model, input_data=ember.randn(6, 3), depth=1)
    printed = capsys.readouterr().out
    assert printed.strip() == str(result) and "├─0 (Sequential)" in printed and "(Linear)" in printed
    assert "│ ├─0 (Linear)" not in printed
    assert model.training  # the model is back in the mode it was in


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, "summary: give either input_size (the shape of a batch, e.g. (16, 1, 28, 28)) or input_data"),
    ({"input_size": (2, 3), "input_data": ember.zeros(2, 3)}, ValueError, "not both"),
    ({"input_size": (2, -3)}, ValueError, "input_size must be a shape of positive ints"),
    ({"input_size": (2, 3), "dtypes": [ember.float32, ember.long]}, ValueError, "summary: 2 dtypes for 1 inputs"),
    ({"input_size": (2, 3), "depth": -1}, ValueError, "depth must be a non-negative int"),
    ({"input_size": (2, 3), "verbose": 2}, ValueError, "verbose is 0 (quiet) or 1"),
    ({"input_data": [1, 2]}, TypeError, "input_data must be a Tensor or a list of Tensors"),
])
def test_bad_arguments_are_refused(kwargs, error, message):
    with raises(error, message):
        ember.summary(nn.Linear(3, 2), **kwargs)


def test_a_model_that_fails_on_the_input_says_so():
    with raises(RuntimeError, "summary: Linear failed on inputs of shape (2, 5): "):
        ember.summary(nn.Linear(3, 2), input_size=(2, 5), verbose=0)
    with raises(TypeError, "summary: expected an ember.nn.Module, got function"):
        ember.summary(lambda x: x, input_size=(2, 3))
