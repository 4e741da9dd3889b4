"""ember.onnx.export: the exported graph passes onnx.checker and gives ember's outputs in onnxruntime."""

import io

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.onnx import ExportError
from ember.models import cnn
from ember.models.char_rnn import CharLSTM
from ember.models.gpt import GPT
from helpers import raises, to_numpy

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

BATCH = {"x": {0: "batch"}}
BATCH_TIME = {"x": {0: "batch", 1: "time"}}


def exported(model, x, opset=17, dynamic_axes=None, **options):
    """The ONNX model of model(x), checked with full_check, and an onnxruntime session of it."""
    buffer = io.BytesIO()
    ember.onnx.export(model, (x,), buffer, input_names=["x"], dynamic_axes=dynamic_axes, opset_version=opset,
                      **options)
    proto = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    return proto, onnxruntime.InferenceSession(buffer.getvalue(), options)


def assert_runs_as_ember(model, x, other_x, dynamic_axes, opset=17):
    """Exported on x, the graph gives ember's outputs on other_x (other sizes on the dynamic axes), ≤ 1e-5."""
    model.eval()
    proto, session = exported(model, x, opset, dynamic_axes)
    with ember.no_grad():
        expected = model(other_x)
    expected = [expected] if isinstance(expected, ember.Tensor) else [expected[0], *expected[1]] \
        if isinstance(expected[1], tuple) else list(expected)
    outputs = session.run(None, {"x": to_numpy(other_x)})
    assert len(outputs) == len(expected)
    for ours, theirs in zip(outputs, expected):
        np.testing.assert_allclose(ours, to_numpy(theirs), rtol=1e-5, atol=1e-5)
    return proto


def with_running_stats(model):
    """BatchNorm layers with running statistics that are not 0 and 1, so that eval mode shows them."""
    rng = np.random.default_rng(0)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.array[...] = rng.standard_normal(module.num_features)
            module.running_var.array[...] = rng.uniform(0.5, 2.0, module.num_features)
    return model


def test_mlp_with_gelu_and_dropout():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.GELU(), nn.Dropout(0.3), nn.Linear(32, 16),
                          nn.GELU(approximate="tanh"), nn.SiLU(), nn.Linear(16, 10), nn.LogSoftmax(-1))
    proto = assert_runs_as_ember(model, ember.randn(4, 1, 8, 8), ember.randn(9, 1, 8, 8), BATCH)
    assert "Gelu" not in {n.op_type for n in proto.graph.node} and "Erf" in {n.op_type for n in proto.graph.node}
    proto = assert_runs_as_ember(model, ember.randn(4, 1, 8, 8), ember.randn(9, 1, 8, 8), BATCH, opset=20)
    assert "Gelu" in {n.op_type for n in proto.graph.node}
    assert {"1.weight", "1.bias", "7.weight"} <= {i.name for i in proto.graph.initializer}  # state_dict names


def test_lenet_with_batch_norm():
    ember.manual_seed(0)
    model = with_running_stats(nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10)))
    assert_runs_as_ember(model, ember.randn(2, 1, 28, 28), ember.randn(5, 1, 28, 28), BATCH)


def test_resnet8():
    ember.manual_seed(0)
    model = with_running_stats(cnn.ResNet8((3, 16, 16)))
    assert_runs_as_ember(model, ember.randn(2, 3, 16, 16), ember.randn(3, 3, 16, 16), BATCH)


@pytest.mark.parametrize("options", [dict(stride=2), dict(stride=2, padding=1, output_padding=1),
                                     dict(stride=3, padding=2, dilation=2, output_padding=2, groups=2)])
def test_transposed_convolutions_of_a_decoder(options):
    ember.manual_seed(0)
    model = nn.Sequential(nn.ConvTranspose2d(4, 6, 3, **options), nn.ReLU())
    assert_runs_as_ember(model, ember.randn(2, 4, 5, 6), ember.randn(3, 4, 5, 6), BATCH)
    model = nn.ConvTranspose1d(4, 2, 4, stride=2, padding=1, bias=False)
    assert_runs_as_ember(model, ember.randn(2, 4, 7), ember.randn(3, 4, 7), BATCH)


def test_char_lstm():
    ember.manual_seed(0)
    model = CharLSTM(30, embed_dim=16, hidden_size=32, num_layers=2)
    assert_runs_as_ember(model, ember.randint(0, 30, (2, 6)), ember.randint(0, 30, (3, 11)), BATCH_TIME)


@pytest.mark.parametrize("layer", ["gru", "lstm", "rnn"])
def test_bidirectional_recurrent_layers_and_their_final_states(layer):
    ember.manual_seed(0)
    make = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": lambda *a, **k: nn.RNN(*a, nonlinearity="relu", **k)}[layer]
    model = make(8, 16, num_layers=2, bidirectional=True, batch_first=True)
    assert_runs_as_ember(model, ember.randn(2, 5, 8), ember.randn(4, 9, 8), BATCH_TIME)


def test_transformer_encoder():
    ember.manual_seed(0)
    layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.1, batch_first=True)
    assert_runs_as_ember(nn.TransformerEncoder(layer, 2), ember.randn(2, 5, 32), ember.randn(3, 8, 32), BATCH_TIME)
    first = nn.TransformerEncoderLayer(32, 4, 64, activation="gelu", norm_first=True)  # (time, batch, features)
    assert_runs_as_ember(nn.TransformerEncoder(first, 2), ember.randn(5, 2, 32), ember.randn(8, 3, 32),
                         {"x": {0: "time", 1: "batch"}})


def test_gpt_logits_for_a_dynamic_batch_and_length():
    ember.manual_seed(0)
    model = GPT(40, block_size=16, n_layer=2, n_head=2, n_embd=32)
    proto = assert_runs_as_ember(model, ember.randint(0, 40, (2, 6)), ember.randint(0, 40, (3, 13)), BATCH_TIME)
    dims = [d.dim_param or d.dim_value for d in proto.graph.output[0].type.tensor_type.shape.dim]
    assert dims == ["batch", "time", 40]


def test_writes_a_file_and_names_outputs(tmp_path):
    path = tmp_path / "model.onnx"
    model = nn.Linear(3, 2)
    assert ember.onnx.export(model, ember.randn(1, 3), path, input_names=["features"], output_names=["scores"]) is None
    session = onnxruntime.InferenceSession(str(path))
    assert [o.name for o in session.get_outputs()] == ["scores"]
    x = np.ones((1, 3), np.float32)
    np.testing.assert_allclose(session.run(None, {"features": x})[0], to_numpy(model(ember.tensor(x))), rtol=1e-6)


class Sorts(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 3), Cumulative())

    def forward(self, x):
        return self.body(x)


class Cumulative(nn.Module):
    def forward(self, x):
        return x.cumsum(0)


def test_an_op_without_onnx_form_is_refused_naming_the_op_and_the_layer():
    with raises(ExportError, "ember.onnx.export: CumSum (in Cumulative 'body.1') has no ONNX form in ember yet"):
        ember.onnx.export(Sorts(), ember.randn(2, 3), io.BytesIO())


def test_training_mode_batch_norm_and_bad_arguments_are_refused():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    with raises(ExportError, "BatchNorm (in BatchNorm2d '1'): batch statistics (training mode, or "
                             "track_running_stats=False) cannot be exported; call model.eval() first"):
        ember.onnx.export(model, ember.randn(2, 1, 5, 5), io.BytesIO())
    model.eval()
    with raises(ExportError, "opset_version must be in 17..21, got 11"):
        ember.onnx.export(model, ember.randn(2, 1, 5, 5), io.BytesIO(), opset_version=11)
    with raises(ExportError, "dynamic_axes names 'y', which is neither an input nor an output name"):
        ember.onnx.export(model, ember.randn(2, 1, 5, 5), io.BytesIO(), dynamic_axes={"y": [0]})
    with raises(ExportError, "input_names must be 1 distinct strings"):
        ember.onnx.export(model, ember.randn(2, 1, 5, 5), io.BytesIO(), input_names=["a", "b"])
    with raises(ExportError, "expected an nn.Module, got function"):
        ember.onnx.export(lambda x: x, ember.randn(2), io.BytesIO())


class Asks(nn.Module):
    def forward(self, x):
        self.seen = ember.onnx.is_in_onnx_export()
        return x * 2


def test_the_model_knows_it_is_being_exported():
    model = Asks()
    ember.onnx.export(model, ember.randn(2), io.BytesIO())
    assert model.seen is True and ember.onnx.is_in_onnx_export() is False
