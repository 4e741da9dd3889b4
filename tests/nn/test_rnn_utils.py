import numpy as np
import pytest
import torch

import ember
from ember.nn.utils.rnn import PackedSequence, pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence
from helpers import DEVICES, assert_close, check_layer, check_parity, rand, raises, tensor_for, to_numpy

LENGTHS = {"sorted": [5, 3, 3, 1], "unsorted": [2, 5, 1, 4]}


def padded_batch(lengths, batch_first=False, seed=0, features=3):
    """A padded batch whose padding holds large numbers: if any reaches a result, the test sees it."""
    x = rand(len(lengths), max(lengths), features, seed=seed)
    for b, n in enumerate(lengths):
        x[b, n:] = 1e3
    return x if batch_first else x.transpose(1, 0, 2).copy()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(padding_side, batch_first, device):
    check_parity(lambda lib, *xs: lib.nn.utils.rnn.pad_sequence(xs, batch_first, -1.0, padding_side),
                 rand(2, 3, seed=1), rand(4, 3, seed=2), rand(1, 3, seed=3), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("order", LENGTHS)
def test_pack_then_pad_round_trip(order, batch_first, device):
    lengths = LENGTHS[order]

    def fn(lib, x):
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first, enforce_sorted=order == "sorted")
        padded, got_lengths = lib.nn.utils.rnn.pad_packed_sequence(packed, batch_first, padding_value=-7.0,
                                                                   total_length=6)
        return packed.data, padded, packed.batch_sizes, got_lengths
    x = padded_batch(lengths, batch_first)
    check_parity(lambda lib, x: fn(lib, x)[:2], x, device=device)
    # As in PyTorch, the batch sizes and lengths are counts kept on the CPU, whatever the data's device.
    ours, theirs = fn(ember, ember.tensor(x, device=device)), fn(torch, torch.tensor(x))
    for o, t in zip(ours[2:], theirs[2:]):
        assert o.device == ember.device("cpu") and o.tolist() == t.tolist()


def test_packed_sequence_fields_match_pytorch():
    x = padded_batch(LENGTHS["unsorted"])
    ours = pack_padded_sequence(ember.tensor(x), LENGTHS["unsorted"], enforce_sorted=False)
    theirs = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), LENGTHS["unsorted"], enforce_sorted=False)
    for field in PackedSequence._fields:
        np.testing.assert_array_equal(to_numpy(getattr(ours, field)), to_numpy(getattr(theirs, field)))
    assert pack_padded_sequence(ember.tensor(x[:, :1]), [5]).sorted_indices is None
    packed = pack_sequence([ember.tensor(rand(3, 2)), ember.tensor(rand(1, 2))])
    assert packed.batch_sizes.tolist() == [2, 1, 1] and packed.double().data.dtype == ember.float64


def packed_model(lib, mode, lengths, batch_first, **kwargs):
    """pack -> recurrent layer -> pad, as one module, so that check_layer can load PyTorch's weights."""
    cls = {"RNN": lib.nn.RNN, "LSTM": lib.nn.LSTM, "GRU": lib.nn.GRU}[mode]

    class Packed(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = cls(3, 4, batch_first=batch_first, **kwargs)

        def forward(self, x, *states):
            rnn = lib.nn.utils.rnn
            packed = rnn.pack_padded_sequence(x, lengths, batch_first, enforce_sorted=False)
            hx = None if not states else tuple(states) if mode == "LSTM" else states[0]
            out, final = self.layer(packed, hx)
            return rnn.pad_packed_sequence(out, batch_first)[0], final
    return Packed()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_packed_input_matches_pytorch(mode, batch_first, device):
    """Outputs, each sequence's own final state, and gradients, with the padding never read."""
    lengths = LENGTHS["unsorted"]
    x = padded_batch(lengths, batch_first)
    make = lambda lib: packed_model(lib, mode, lengths, batch_first, num_layers=2, bidirectional=True)  # noqa: E731
    check_layer(make, x, device=device)
    states = [rand(4, 4, 4, seed=9 + k) for k in range(2 if mode == "LSTM" else 1)]
    check_layer(make, x, *states, device=device)


def test_padding_never_leaks_into_outputs_states_or_gradients():
    lengths = [4, 2]
    layer = ember.nn.LSTM(3, 5, bidirectional=True, batch_first=True).double()
    results = []
    for fill in (0.0, 1e6):
        x = padded_batch(lengths, batch_first=True)
        x[1, 2:] = fill
        x = ember.tensor(x, requires_grad=True)
        out, (h, c) = layer(pack_padded_sequence(x, lengths, batch_first=True))
        padded, _ = pad_packed_sequence(out, batch_first=True)
        (padded.sum() + h.sum() + c.sum()).backward()
        results.append([to_numpy(t.detach()) for t in (padded, h, c, x.grad)])
    for ours, other in zip(*results):
        np.testing.assert_array_equal(ours, other)
    assert not results[0][3][1, 2:].any()  # no gradient reaches the padding
    assert not results[0][0][1, 2:].any()  # the output is zero there
    # The short sequence's final state is its own: the same as running it alone, unpadded.
    alone, (h_alone, _) = layer(ember.tensor(padded_batch(lengths, batch_first=True)[1:, :2]))
    np.testing.assert_allclose(results[0][1][:, 1], to_numpy(h_alone.detach())[:, 0])


def test_errors():
    x = ember.tensor(padded_batch([3, 2]))
    with raises(ValueError, "lengths [2, 3] are not sorted in decreasing order; sort the batch, or pass "
                            "enforce_sorted=False"):
        pack_padded_sequence(x, [2, 3])
    with raises(ValueError, "expected 3 sequences (one per length) along dimension 1 of the input, got shape (3, 2, 3)"):
        pack_padded_sequence(x, [3, 2, 1])
    with raises(ValueError, "every sequence needs at least one step, but found a length <= 0 in [3, 0]"):
        pack_padded_sequence(x, [3, 0])
    with raises(ValueError, "a length of 4 is longer than the input's 3 steps"):
        pack_padded_sequence(x, [4, 2])
    with raises(ValueError, "total_length=2 is shorter than the longest sequence (3 steps)"):
        pad_packed_sequence(pack_padded_sequence(x, [3, 2]), total_length=2)
    with raises(ValueError, "LSTM: expected input (steps, 4), got (5, 3)"):
        ember.nn.LSTM(4, 2)(pack_padded_sequence(x, [3, 2]))
    with raises(ValueError, "padding_side must be 'left' or 'right', got 'up'"):
        pad_sequence([x[0]], padding_side="up")


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_and_unpack_sequence_undo_padding_and_packing(batch_first):
    results = []
    for lib in (ember, torch):
        sequences = [tensor_for(lib, rand(n, 2, seed=n), requires_grad=True) for n in (2, 4, 1)]
        padded = lib.nn.utils.rnn.pad_sequence(sequences, batch_first=batch_first)
        unpadded = lib.nn.utils.rnn.unpad_sequence(padded, tensor_for(lib, np.array([2, 4, 1])), batch_first)
        unpacked = lib.nn.utils.rnn.unpack_sequence(lib.nn.utils.rnn.pack_sequence(sequences, enforce_sorted=False))
        sum((s * s).sum() for s in unpadded + unpacked).backward()
        results.append((unpadded, unpacked, [s.grad for s in sequences]))
    for ours, theirs in zip(*results):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_close(a, b, 1e-12, 1e-12, "sequence")


def test_invert_permutation_matches_torch():
    order = np.array([3, 0, 4, 1, 2])
    ours = ember.nn.utils.rnn.invert_permutation(ember.tensor(order))
    theirs = torch.nn.utils.rnn.invert_permutation(torch.tensor(order))
    assert ours.tolist() == theirs.tolist() and ours.dtype == ember.int64
    assert ember.nn.utils.rnn.invert_permutation(None) is None


def test_unpad_sequence_needs_a_length_per_sequence():
    with raises(ValueError, "unpad_sequence: 2 lengths for a batch of 3 sequences"):
        ember.nn.utils.rnn.unpad_sequence(ember.zeros(4, 3), [1, 2])
