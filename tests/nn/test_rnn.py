import warnings

import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.ops.recurrent import RECURRENCES, recurrence, step_slices
from helpers import DEVICES, check_gradcheck, check_layer, rand, raises, to_numpy

MODES = list(RECURRENCES)


def layer_class(lib, mode):
    return {"RNN_TANH": lib.nn.RNN, "RNN_RELU": lib.nn.RNN, "LSTM": lib.nn.LSTM, "GRU": lib.nn.GRU}[mode]


def make_layer(lib, mode, *args, **kwargs):
    if mode == "RNN_RELU":
        kwargs["nonlinearity"] = "relu"
    return layer_class(lib, mode)(*args, **kwargs)


def with_states(lib, layer, mode):
    """A module that calls layer(x, h0) or layer(x, (h0, c0)), so that check_layer passes initial states."""
    class WithStates(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = layer

        def forward(self, x, h0, c0=None):
            return self.layer(x, (h0, c0) if mode == "LSTM" else h0)
    return WithStates()


OPTIONS = {
    "default": {},
    "2 layers": dict(num_layers=2),
    "bidirectional": dict(bidirectional=True),
    "batch_first": dict(batch_first=True),
    "no bias": dict(bias=False),
    "3 layers bidirectional batch_first": dict(num_layers=3, bidirectional=True, batch_first=True),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("mode", MODES)
def test_layer_matches_pytorch(mode, option, dtype, device):
    kwargs = OPTIONS[option]
    shape = (3, 5, 4) if kwargs.get("batch_first") else (5, 3, 4)
    check_layer(lambda lib: make_layer(lib, mode, 4, 6, **kwargs), rand(*shape, seed=len(option)),
                device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_given_initial_states(mode, batch_first, device):
    x = rand(3, 5, 4, seed=1) if batch_first else rand(5, 3, 4, seed=1)
    states = [rand(4, 3, 6, seed=2 + k, low=-1, high=1) for k in range(2 if mode == "LSTM" else 1)]
    check_layer(lambda lib: with_states(lib, make_layer(lib, mode, 4, 6, num_layers=2, bidirectional=True,
                                                         batch_first=batch_first), mode),
                x, *states, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode", MODES)
def test_unbatched_input(mode, device):
    check_layer(lambda lib: make_layer(lib, mode, 4, 6, bidirectional=True), rand(5, 4, seed=3), device=device)
    states = [rand(2, 6, seed=4 + k) for k in range(2 if mode == "LSTM" else 1)]
    check_layer(lambda lib: with_states(lib, make_layer(lib, mode, 4, 6, bidirectional=True), mode),
                rand(5, 4, seed=3), *states, device=device)


@pytest.mark.parametrize("mode", MODES)
def test_dropout_between_layers(mode):
    # Dropout with p = 1 zeroes the second layer's input: deterministic, so PyTorch can be matched.
    check_layer(lambda lib: make_layer(lib, mode, 4, 6, num_layers=2, dropout=1.0), rand(5, 3, 4, seed=5))
    layer = make_layer(ember, mode, 4, 6, num_layers=2, dropout=0.5)
    x = ember.tensor(rand(5, 3, 4, seed=5, dtype=np.float32))
    first, second = layer(x)[0], layer(x)[0]
    assert not np.allclose(to_numpy(first), to_numpy(second))  # training: a new mask each call
    layer.eval()
    np.testing.assert_array_equal(to_numpy(layer(x)[0]), to_numpy(layer(x)[0]))


CELLS = {
    "RNNCell": lambda lib, **kw: lib.nn.RNNCell(4, 6, **kw),
    "RNNCell relu": lambda lib, **kw: lib.nn.RNNCell(4, 6, nonlinearity="relu", **kw),
    "LSTMCell": lambda lib, **kw: lib.nn.LSTMCell(4, 6, **kw),
    "GRUCell": lambda lib, **kw: lib.nn.GRUCell(4, 6, **kw),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("name", CELLS)
def test_cell_matches_pytorch(name, bias, dtype, device):
    make = CELLS[name]
    check_layer(lambda lib: make(lib, bias=bias), rand(3, 4, seed=6), device=device, dtype=dtype)
    check_layer(lambda lib: make(lib, bias=bias), rand(4, seed=6), device=device, dtype=dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("name", CELLS)
def test_cell_with_state(name, batched, device):
    make = CELLS[name]
    lstm = name == "LSTMCell"

    def cell_with_state(lib):
        class WithState(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.cell = make(lib)

            def forward(self, x, h, c=None):
                return self.cell(x, (h, c) if lstm else h)
        return WithState()

    shape = (3, 6) if batched else (6,)
    states = [rand(*shape, seed=7 + k) for k in range(2 if lstm else 1)]
    check_layer(cell_with_state, rand(*shape[:-1], 4, seed=6), *states, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_recurrence_op_gradcheck(mode, reverse, device):
    # Packed layout with sequences of lengths 3, 2 and 1: batch sizes 3, 2, 1.
    hidden, batch_sizes = 3, [3, 2, 1]
    gates = RECURRENCES[mode].n_gates * hidden
    arrays = [rand(6, 2, seed=1), *[rand(3, hidden, seed=2 + k) for k in range(2 if mode == "LSTM" else 1)],
              rand(gates, 2, seed=4), rand(gates, hidden, seed=5), rand(gates, seed=6), rand(gates, seed=7)]
    n_states = 2 if mode == "LSTM" else 1

    def fn(lib, x, *rest):
        states, weights = rest[:n_states], rest[n_states:]
        return tuple(recurrence(mode, x, states, weights, step_slices(batch_sizes, reverse)))
    check_gradcheck(fn, *arrays, device=device)


def test_parameter_names_shapes_and_order_are_pytorchs():
    ours = nn.LSTM(4, 6, num_layers=2, bidirectional=True)
    theirs = torch.nn.LSTM(4, 6, num_layers=2, bidirectional=True)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert [[tuple(p.shape) for p in ws] for ws in ours.all_weights] == \
        [[tuple(p.shape) for p in ws] for ws in theirs.all_weights]
    assert list(nn.GRU(4, 6, bias=False).state_dict()) == ["weight_ih_l0", "weight_hh_l0"]
    assert dict(nn.GRUCell(4, 6).named_parameters())["weight_ih"].shape == (18, 4)


def test_initial_weights_are_uniform_in_one_over_sqrt_hidden():
    weights = np.concatenate([to_numpy(p.detach()).ravel() for p in nn.LSTM(10, 100, num_layers=2).parameters()])
    assert weights.min() >= -0.1 and weights.max() <= 0.1 and weights.max() > 0.099 and abs(weights.mean()) < 0.01


def test_lstm_gates_as_in_the_docstring():
    """h' = o tanh(f c + i g), with the weights stacked as (i, f, g, o): written out by hand."""
    cell = nn.LSTMCell(3, 2).double()
    x, h, c = rand(1, 3, seed=1), rand(1, 2, seed=2), rand(1, 2, seed=3)
    z = x @ to_numpy(cell.weight_ih.detach()).T + h @ to_numpy(cell.weight_hh.detach()).T \
        + to_numpy(cell.bias_ih.detach()) + to_numpy(cell.bias_hh.detach())
    i, f, g, o = np.split(z, 4, axis=1)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h_new, c_out = cell(ember.tensor(x), (ember.tensor(h), ember.tensor(c)))
    np.testing.assert_allclose(to_numpy(c_out), c_new)
    np.testing.assert_allclose(to_numpy(h_new), sigmoid(o) * np.tanh(c_new))


def test_float32_stays_float32():
    layer = nn.LSTM(4, 6)
    out, (h, c) = layer(ember.randn(5, 3, 4))
    assert out.dtype == h.dtype == c.dtype == ember.float32
    out.sum().backward()
    assert all(p.grad.dtype == ember.float32 for p in layer.parameters())


def test_a_thousand_steps_backpropagate_without_recursion():
    layer = nn.GRU(2, 3)
    x = ember.randn(1000, 1, 2, requires_grad=True)
    layer(x)[0].sum().backward()
    assert x.grad.shape == (1000, 1, 2)


def test_truncated_backpropagation_through_time():
    """Carry the state across batches but cut the graph: h = tuple(s.detach() for s in h). Each batch
    then backpropagates through its own steps only, yet starts from where the last one ended."""
    ember.manual_seed(0)
    layer = nn.LSTM(2, 4, batch_first=True).double()
    stream = ember.tensor(rand(2, 12, 2, seed=1), requires_grad=True)
    h, outputs = None, []
    for start in range(0, 12, 4):
        chunk = stream[:, start:start + 4]
        out, h = layer(chunk, h)
        h = tuple(s.detach() for s in h)
        outputs.append(out)
        out.sum().backward()
        grad = to_numpy(stream.grad)
        assert not grad[:, :start].any() and grad[:, start:start + 4].any()  # no gradient to earlier chunks
        stream.grad = None
    whole, _ = layer(stream)  # the same numbers as one pass over the whole stream
    np.testing.assert_allclose(to_numpy(ember.cat(outputs, dim=1).detach()), to_numpy(whole.detach()))
    assert not h[0].requires_grad and h[0].grad_fn is None


def test_repr_matches_pytorch():
    for make in [lambda lib: lib.nn.RNN(3, 4, nonlinearity="relu", bias=False),
                 lambda lib: lib.nn.LSTM(3, 4, 2, batch_first=True, dropout=0.5, bidirectional=True),
                 lambda lib: lib.nn.GRU(3, 4), lambda lib: lib.nn.RNNCell(3, 4, nonlinearity="relu"),
                 lambda lib: lib.nn.LSTMCell(3, 4, bias=False), lambda lib: lib.nn.GRUCell(3, 4)]:
        assert repr(make(ember)) == repr(make(torch))


def test_errors_name_the_layer_and_the_shapes():
    # Each is an InputError: PyTorch raises RuntimeError for most of these and ValueError for the rest.
    model = nn.Sequential(nn.LSTM(4, 6))
    with raises(RuntimeError, "LSTM '0': expected input (seq, batch, 4), got (5, 3, 7)"):
        model(ember.randn(5, 3, 7))
    with raises(ValueError, "GRU: expected input (batch, seq, 4), got (5, 3, 7)"):
        nn.GRU(4, 6, batch_first=True)(ember.randn(5, 3, 7))
    with raises(ValueError, "expected input (seq, batch, 4) or (seq, 4) unbatched, got (2, 5, 3, 4)"):
        nn.RNN(4, 6)(ember.randn(2, 5, 3, 4))
    with raises(RuntimeError, "RNN: expected h0 of shape (2, 3, 6), got (1, 3, 6)"):
        nn.RNN(4, 6, bidirectional=True)(ember.randn(5, 3, 4), ember.zeros(1, 3, 6))
    with raises(RuntimeError, "LSTM: expected c0 of shape (1, 3, 6), got (1, 2, 6)"):
        nn.LSTM(4, 6)(ember.randn(5, 3, 4), (ember.zeros(1, 3, 6), ember.zeros(1, 2, 6)))
    with raises(RuntimeError, "for batched 3-D input, h0 should be 3-D, got shape (3, 6)"):
        nn.GRU(4, 6)(ember.randn(5, 3, 4), ember.zeros(3, 6))
    with raises(ValueError, "the input is float64 but the weights are float32"):
        nn.GRU(4, 6)(ember.randn(5, 3, 4, dtype=ember.float64))
    with raises(RuntimeError, "LSTMCell: expected input (batch, 4) or (4,), got (3, 5)"):
        nn.LSTMCell(4, 6)(ember.randn(3, 5))
    with raises(RuntimeError, "GRUCell: expected h of shape (3, 6) for input of shape (3, 4), got (2, 6)"):
        nn.GRUCell(4, 6)(ember.randn(3, 4), ember.zeros(2, 6))
    with raises(ValueError, "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."):
        nn.RNN(4, 6, nonlinearity="sigmoid")
    with raises(ValueError, "dropout should be a number in range [0, 1]"):
        nn.LSTM(4, 6, num_layers=2, dropout=1.5)
    with raises(ValueError, "hidden_size must be greater than zero"):
        nn.GRU(4, 0)
    with raises(NotImplementedError, "proj_size is not supported"):
        nn.LSTM(4, 6, proj_size=2)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.LSTM(4, 6, dropout=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(4, 6, num_layers=2, dropout=0.2)
