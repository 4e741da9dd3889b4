"""Recurrent layers: RNN, LSTM and GRU over whole sequences, and their one-step cells.

A recurrent layer reads a sequence step by step and carries a hidden state from each step to the
next: its memory of what came before. A plain RNN's memory fades within a few tens of steps,
because the gradient that trains it shrinks with every step it travels back (vanishing gradients);
the LSTM's gates (forget, input, output) let it keep a cell state, and its gradient, for hundreds.
The math is in ember/ops/recurrent.py; these modules hold the weights, with PyTorch's names, shapes
and gate orders, so that a PyTorch state_dict loads as it is.
"""

import math
import numbers
import warnings

import numpy as np

from .. import functional as F
from ..autograd import InputError
from ..backend import DeviceLike, dtype_name
from ..creation import empty, zeros
from ..ops.recurrent import RECURRENCES, recurrence, step_slices
from ..ops.shape import cat, stack
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

def _reset_uniform(module):
    """As PyTorch: every weight and bias uniform in ±1/√hidden_size."""
    bound = 1 / math.sqrt(module.hidden_size)
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


def _check_size(value, name):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero")


def _check_bool(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")


class RNNBase(Module):
    """The machinery shared by RNN, LSTM and GRU: num_layers stacked layers, each reading the outputs of
    the one below (with dropout between them in training), each optionally bidirectional (a second
    pass from the last step back to the first, its outputs concatenated to the first's).

    Input (seq, batch, input_size), (batch, seq, input_size) with batch_first, (seq, input_size)
    unbatched, or a PackedSequence. Output: h of the last layer at every step (seq, batch,
    directions·hidden_size) (or packed), and the final state of every layer and direction
    (num_layers·directions, batch, hidden_size).

    A long stream is trained in chunks by truncated backpropagation through time: each chunk starts
    from the state the last one ended in, with the graph cut so that backward stops at the chunk:
        out, h = lstm(chunk, h);  h = tuple(s.detach() for s in h)
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__()
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             f"element being zeroed, got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=3)
        _check_bool(bias, "bias")
        _check_bool(batch_first, "batch_first")
        _check_size(input_size, "input_size")
        _check_size(hidden_size, "hidden_size")
        _check_size(num_layers, "num_layers")
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0
        directions = 2 if bidirectional else 1
        gate_size = RECURRENCES[mode].n_gates * hidden_size
        self._weight_names = []  # per layer and direction: the parameter names, in PyTorch's order
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for suffix in ("", "_reverse")[:directions]:
                shapes = {"weight_ih": (gate_size, layer_input), "weight_hh": (gate_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                names = [f"{kind}_l{layer}{suffix}" for kind in shapes]
                for name, shape in zip(names, shapes.values()):
                    setattr(self, name, Parameter(empty(*shape, device=device, dtype=dtype)))
                self._weight_names.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_uniform(self)

    def flatten_parameters(self):
        """Nothing to do: PyTorch packs cuDNN's weights into one buffer here; ember's weights need no packing."""

    @property
    def all_weights(self):
        """The parameters of each layer and direction: [[W_ih, W_hh, b_ih, b_hh], ...]."""
        return [[getattr(self, name) for name in names] for names in self._weight_names]

    def forward(self, input, hx=None):  # noqa: A002
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            self._check_input(data, 2)
            states = self._initial_states(hx, True, int(batch_sizes[0]), data)
            if sorted_indices is not None:  # the states follow the batch into length order, and back
                states = [s[:, sorted_indices] for s in states]
            out, states = self._run_layers(data, states, batch_sizes.tolist())
            if unsorted_indices is not None:
                states = [s[:, unsorted_indices] for s in states]
            return PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices), self._as_result(states)

        if input.ndim not in (2, 3):
            raise InputError(f"{self._describe()}: expected input (seq, batch, {self.input_size}) or "
                             f"(seq, {self.input_size}) unbatched, got {tuple(input.shape)}")
        batched, batch_dim = input.ndim == 3, (0 if self.batch_first else 1)
        if not batched:
            input = input.unsqueeze(batch_dim)
        self._check_input(input, 3)
        if self.batch_first:
            input = input.transpose(0, 1)
        length, batch = input.shape[:2]
        states = self._initial_states(hx, batched, batch, input)
        out, states = self._run_layers(input.reshape(length * batch, self.input_size), states, [batch] * length)
        output = out.reshape(length, batch, out.shape[-1])
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output, states = output.squeeze(batch_dim), [s.squeeze(1) for s in states]
        return output, self._as_result(states)

    def _run_layers(self, x, states, batch_sizes):
        """The stack of layers over packed x: the last layer's outputs, and every layer and
        direction's final states, stacked (num_layers·directions, batch, hidden_size)."""
        directions = 2 if self.bidirectional else 1
        steps = [step_slices(batch_sizes), step_slices(batch_sizes, reverse=True)]
        finals = [[] for _ in states]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                out, *ends = recurrence(self.mode, x, [s[k] for s in states], self._layer_weights(k), steps[direction])
                outputs.append(out)
                for final, end in zip(finals, ends):
                    final.append(end)
            x = outputs[0] if directions == 1 else cat(outputs, dim=1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout)
        return x, [stack(final) for final in finals]

    def _layer_weights(self, k):
        """[W_ih, W_hh, b_ih, b_hh] of layer-and-direction k, the biases None without bias."""
        weights = [getattr(self, name) for name in self._weight_names[k]]
        return weights if self.bias else weights + [None, None]

    def _as_result(self, states):
        """h_n, or (h_n, c_n) for the LSTM."""
        return tuple(states) if self.mode == "LSTM" else states[0]

    def _check_input(self, x, ndim):
        if x.ndim != ndim or x.shape[-1] != self.input_size:
            expected = "(steps, " if ndim == 2 else "(seq, batch, " if not self.batch_first else "(batch, seq, "
            raise InputError(f"{self._describe()}: expected input {expected}{self.input_size}), got {tuple(x.shape)}")
        weight = self.weight_ih_l0
        if x.dtype != weight.dtype:
            raise InputError(f"{self._describe()}: the input is {x.dtype} but the weights are {weight.dtype}; convert "
                             f"the input (input.to({dtype_name(weight.dtype)})) or the model "
                             f"(model.to({dtype_name(x.dtype)}))")

    def _initial_states(self, hx, batched, batch, data):
        """[h0] or [h0, c0], each (num_layers·directions, batch, hidden_size): hx, or zeros."""
        count = 2 if self.mode == "LSTM" else 1
        shape = (self.num_layers * (2 if self.bidirectional else 1), batch, self.hidden_size)
        if hx is None:
            return [zeros(*shape, dtype=data.dtype, device=data.device)] * count
        given = list(hx) if self.mode == "LSTM" else [hx]
        if len(given) != count:
            raise InputError(f"{self._describe()}: expected the initial states (h0, c0), got {len(given)} tensors")
        names = ("h0", "c0")
        states = []
        for name, state in zip(names, given):
            if state.ndim != (3 if batched else 2):
                raise InputError(f"{self._describe()}: for {'batched 3' if batched else 'unbatched 2'}-D input, "
                                 f"{name} should be {'3' if batched else '2'}-D, got shape {tuple(state.shape)}")
            state = state if batched else state.unsqueeze(1)
            if tuple(state.shape) != shape:
                raise InputError(f"{self._describe()}: expected {name} of shape {shape}, got {tuple(state.shape)}")
            states.append(state)
        return states

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text


class RNN(RNNBase):
    """The Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) (or relu). The same weights at
    every step; the hidden state is the memory. Backpropagation through time multiplies the gradient
    by W_hh and tanh' once per step, so over long distances it vanishes (or explodes).

    RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
    dropout=0.0, bidirectional=False); forward(input, h0=None) returns (output, h_n).
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(f"RNN_{nonlinearity.upper()}", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device, dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory: besides h, each step carries a cell state c, changed only through gates.

        i_t = σ(x_t W_iiᵀ + b_ii + h_{t-1} W_hiᵀ + b_hi)   input gate: how much new to write
        f_t = σ(x_t W_ifᵀ + b_if + h_{t-1} W_hfᵀ + b_hf)   forget gate: how much of c to keep
        g_t = tanh(x_t W_igᵀ + b_ig + h_{t-1} W_hgᵀ + b_hg) the candidate to write
        o_t = σ(x_t W_ioᵀ + b_io + h_{t-1} W_hoᵀ + b_ho)   output gate: how much of c to show
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,   h_t = o_t ⊙ tanh(c_t)

    The gradient along c is only scaled by f_t at each step, so while the forget gate stays open the
    memory and its gradient last for hundreds of steps. W_ih stacks (W_ii | W_if | W_ig | W_io), as
    PyTorch's. forward(input, (h0, c0)=None) returns (output, (h_n, c_n)).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: DeviceLike | None = None, dtype: np.dtype | None = None):
        if proj_size:
            raise NotImplementedError("LSTM: proj_size is not supported by ember; use a Linear layer on the output")
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit: reset gate r, update gate z, candidate n; h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}.
    Like the LSTM's cell state, the z ⊙ h_{t-1} path lets memory and gradient pass steps unchanged.

    W_ih stacks (W_ir | W_iz | W_in), as PyTorch's. forward(input, h0=None) returns (output, h_n).
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype)


class RNNCellBase(Module):
    """One step of a recurrent layer, for writing the time loop yourself: input (batch, input_size) or
    (input_size,), state (batch, hidden_size) or (hidden_size,)."""

    def __init__(self, mode, input_size, hidden_size, bias, device, dtype):
        super().__init__()
        _check_size(input_size, "input_size")
        _check_size(hidden_size, "hidden_size")
        self.mode, self.input_size, self.hidden_size, self.bias = mode, input_size, hidden_size, bias
        gate_size = RECURRENCES[mode].n_gates * hidden_size
        self.weight_ih = Parameter(empty(gate_size, input_size, device=device, dtype=dtype))
        self.weight_hh = Parameter(empty(gate_size, hidden_size, device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(gate_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(gate_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_uniform(self)

    def _step(self, input, hx):  # noqa: A002
        """The new states [h'] or [h', c'] from the input and hx (None, a tensor, or (h, c))."""
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise InputError(f"{self._describe()}: expected input (batch, {self.input_size}) or "
                             f"({self.input_size},), got {tuple(input.shape)}")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        count = 2 if self.mode == "LSTM" else 1
        if hx is None:
            states = [zeros(len(x), self.hidden_size, dtype=x.dtype, device=x.device)] * count
        else:
            states = list(hx) if self.mode == "LSTM" else [hx]
            shape = (len(x), self.hidden_size) if batched else (self.hidden_size,)
            for name, state in zip(("h", "c"), states):
                if tuple(state.shape) != shape:
                    raise InputError(f"{self._describe()}: expected {name} of shape {shape} for input of shape "
                                     f"{tuple(input.shape)}, got {tuple(state.shape)}")
            states = states if batched else [s.unsqueeze(0) for s in states]
        weights = [self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh]  # the biases None without bias
        _, *states = recurrence(self.mode, x, states, weights, [(0, len(x))])
        return states if batched else [s.squeeze(0) for s in states]

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu): one step of RNN. forward(input, h=None) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(f"RNN_{nonlinearity.upper()}", input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):  # noqa: A002
        return self._step(input, hx)[0]


class LSTMCell(RNNCellBase):
    """One step of LSTM (its gates and equations are there): forward(input, (h, c)=None) -> (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return tuple(self._step(input, hx))


class GRUCell(RNNCellBase):
    """One step of GRU (its gates and equations are there): forward(input, h=None) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return self._step(input, hx)[0]
