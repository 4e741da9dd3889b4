import numpy as np
import pytest

import ember
from ember.ops.recurrent import gru_cell_composed, lstm_cell_composed, recurrence, rnn_cell_composed, step_slices
from helpers import DEVICES, TOLERANCE, check_twin, rand, to_numpy

BATCH, INPUT, HIDDEN, STEPS = 3, 4, 5, 6


def weights(gates, bias):
    w = [rand(gates * HIDDEN, INPUT, seed=1), rand(gates * HIDDEN, HIDDEN, seed=2)]
    return w + ([rand(gates * HIDDEN, seed=3), rand(gates * HIDDEN, seed=4)] if bias else [None, None])


def fused(mode):
    """The fused recurrence over STEPS steps of a padded batch: x (STEPS·BATCH, INPUT) -> (outputs, *final states)."""
    def run(x, *arrays):
        n_states = 2 if mode == "LSTM" else 1
        return recurrence(mode, x, list(arrays[:n_states]), list(arrays[n_states:]), step_slices([BATCH] * STEPS))
    return run


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("mode", ["RNN_TANH", "LSTM", "GRU"])
def test_the_fused_recurrences_equal_their_readable_cells_through_time(device, bias, mode):
    """Backpropagation through time of the fused op equals autograd through the composed cell, step by step."""
    cell = {"RNN_TANH": rnn_cell_composed, "LSTM": lstm_cell_composed, "GRU": gru_cell_composed}[mode]
    n_states = 2 if mode == "LSTM" else 1
    gates = {"RNN_TANH": 1, "LSTM": 4, "GRU": 3}[mode]

    def composed(x, *arrays):
        states, w = list(arrays[:n_states]), arrays[n_states:]
        outputs = []
        for t in range(STEPS):
            new = cell(x[t * BATCH:(t + 1) * BATCH], *states, *w)
            states = list(new) if n_states == 2 else [new]
            outputs.append(states[0])
        return (ember.cat(outputs), *states)

    states = [rand(BATCH, HIDDEN, seed=5 + i) for i in range(n_states)]
    check_twin(fused(mode), composed, rand(STEPS * BATCH, INPUT), *states, *weights(gates, bias), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"])
def test_inference_without_saved_activations_equals_training_forward(device, mode):
    """Under no_grad the op keeps one step's activations, not every step's: the same outputs and final
    states as the training forward, on a packed batch whose sequences end at different steps."""
    n_states = 2 if mode == "LSTM" else 1
    gates = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}[mode]
    batch_sizes = [3, 3, 2, 1]
    arrays = [rand(sum(batch_sizes), INPUT)] + [rand(3, HIDDEN, seed=5 + i) for i in range(n_states)]
    arrays += weights(gates, True)
    runs = []
    for grad in (True, False):
        tensors = [ember.tensor(a, device=device, requires_grad=True) for a in arrays]
        with ember.set_grad_enabled(grad):
            runs.append(recurrence(mode, tensors[0], tensors[1:1 + n_states], tensors[1 + n_states:],
                                   step_slices(batch_sizes)))
    assert runs[0][0].requires_grad and not runs[1][0].requires_grad
    for trained, inferred in zip(*runs):
        np.testing.assert_allclose(to_numpy(inferred), to_numpy(trained.detach()), **TOLERANCE[np.float64])
