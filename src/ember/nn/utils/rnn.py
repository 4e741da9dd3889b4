"""Batches of sequences of different lengths, for the recurrent layers. The math is in ember/ops/shape.py.

A batch of sentences has sentences of different lengths. Padding them to one length lets them share
a tensor, but a recurrent layer must not read the padding: it would change the final state and
leak gradient into steps that do not exist. A PackedSequence keeps only the real steps, time-major
and longest sequence first, so at step t the sequences still running are the first batch_sizes[t]:

    padded = pad_sequence([a, b, c], batch_first=True)          # (3, longest, features)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    output, (h, c) = lstm(packed)                               # h: each sequence's own last step
    output, lengths = pad_packed_sequence(output, batch_first=True)
"""

from typing import NamedTuple

import numpy as np

from ... import backend
from ...creation import full, tensor
from ...ops.padding import pad
from ...ops.shape import cat, stack
from ...tensor import Tensor


class PackedSequence(NamedTuple):
    """The real steps of a batch of sequences, packed: data (steps of all sequences, *features), time-
    major; batch_sizes[t] (int64, CPU) sequences run at step t. sorted_indices[j] is the batch index of
    the j-th longest sequence (None if the batch came sorted), on the data's device; unsorted_indices
    is its inverse."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor = None
    unsorted_indices: Tensor = None

    def to(self, *args, **kwargs):
        """The data moved or converted; the sort order moves with it, batch_sizes stay on the CPU."""
        data = self.data.to(*args, **kwargs)
        indices = [None if i is None else i.to(data.device) for i in (self.sorted_indices, self.unsorted_indices)]
        return PackedSequence(data, self.batch_sizes, *indices)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self):
        return self._replace(data=self.data.float())

    def double(self):
        return self._replace(data=self.data.double())

    @property
    def is_cuda(self):
        return self.data.is_cuda


def _host_ints(values, what):
    """A list or tensor of ints as a 1-D int64 NumPy array on the host."""
    if isinstance(values, Tensor):
        values = values.tolist()
    array = np.asarray(values)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise ValueError(f"{what} must be a 1-D list or tensor of ints, got {values!r}")
    return array.astype(np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):  # noqa: A002
    """Pack a padded batch, (longest, batch, *) or with batch_first (batch, longest, *), whose
    sequence b has lengths[b] real steps. enforce_sorted=True expects the lengths in decreasing order;
    with False the batch is sorted here and the order is remembered (PackedSequence.unsorted_indices)."""
    lengths = _host_ints(lengths, "pack_padded_sequence: lengths")
    time_axis, batch_axis = (1, 0) if batch_first else (0, 1)
    if input.ndim < 2 or len(lengths) != input.shape[batch_axis]:
        raise ValueError(f"pack_padded_sequence: expected {len(lengths)} sequences (one per length) along "
                         f"dimension {batch_axis} of the input, got shape {tuple(input.shape)}")
    if lengths.size and lengths.min() <= 0:
        raise ValueError("pack_padded_sequence: every sequence needs at least one step, but found a length <= 0 "
                         f"in {lengths.tolist()}")
    if lengths.size and lengths.max() > input.shape[time_axis]:
        raise ValueError(f"pack_padded_sequence: a length of {lengths.max()} is longer than the input's "
                         f"{input.shape[time_axis]} steps (shape {tuple(input.shape)}, batch_first={batch_first})")
    if enforce_sorted:
        if np.any(lengths[1:] > lengths[:-1]):
            raise ValueError(f"pack_padded_sequence: lengths {lengths.tolist()} are not sorted in decreasing order; "
                             "sort the batch, or pass enforce_sorted=False to have it sorted here")
        order = np.arange(len(lengths))
    else:
        order = np.argsort(-lengths, kind="stable")
    sorted_lengths = lengths[order]
    batch_sizes = (sorted_lengths[None, :] > np.arange(sorted_lengths[0])[:, None]).sum(axis=1)
    # Row of the flattened input for step t of the j-th longest sequence, for every real step.
    steps = np.concatenate([np.full(size, t) for t, size in enumerate(batch_sizes)])
    ranks = np.concatenate([np.arange(size) for size in batch_sizes])
    batch, length = input.shape[batch_axis], input.shape[time_axis]
    rows = order[ranks] * length + steps if batch_first else steps * batch + order[ranks]
    data = input.reshape(batch * length, *input.shape[2:])[rows]
    if enforce_sorted:
        return PackedSequence(data, tensor(batch_sizes))
    return PackedSequence(data, tensor(batch_sizes), tensor(order, device=input.device),
                          tensor(np.argsort(order), device=input.device))



def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo pack_padded_sequence: returns (padded, lengths). padded is (longest, batch, *), or
    (batch, longest, *) with batch_first, in the original batch order, with padding_value after each
    sequence's end; total_length pads to that many steps instead. lengths is an int64 tensor."""
    data, batch_sizes, _, unsorted_indices = sequence
    batch_sizes = _host_ints(batch_sizes, "pad_packed_sequence: batch_sizes")
    length = len(batch_sizes) if total_length is None else total_length
    if length < len(batch_sizes):
        raise ValueError(f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
                         f"sequence ({len(batch_sizes)} steps)")
    batch = int(batch_sizes[0])
    rank = np.arange(batch) if unsorted_indices is None else _host_ints(unsorted_indices, "unsorted_indices")
    sizes = np.zeros(length, np.int64)
    sizes[:len(batch_sizes)] = batch_sizes
    starts = np.cumsum(sizes) - sizes
    # Position (t, b) takes packed row starts[t] + rank[b] if sequence b runs at step t, else the
    # padding row appended after the data: one gather, whose backward routes the gradient back.
    rows = np.where(rank[None, :] < sizes[:, None], starts[:, None] + rank[None, :], len(data))
    if batch_first:
        rows = rows.T
    padding = full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    padded = cat([data, padding])[rows.ravel()].reshape(*rows.shape, *data.shape[1:])
    lengths = (batch_sizes[None, :] > rank[:, None]).sum(axis=1)
    return padded, tensor(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of shape (length_i, *) into (longest, batch, *), or (batch, longest, *) with
    batch_first, filling with padding_value on padding_side ("right": after each sequence)."""
    sequences = list(sequences)
    if not sequences:
        raise ValueError("pad_sequence: expected a non-empty list of tensors")
    if padding_side not in ("right", "left"):
        raise ValueError(f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}")
    longest = max(len(s) for s in sequences)
    padded = []
    for s in sequences:
        gap = longest - len(s)
        widths = [0, 0] * (s.ndim - 1) + ([0, gap] if padding_side == "right" else [gap, 0])
        padded.append(pad(s, tuple(widths), value=padding_value) if gap else s)
    return stack(padded, dim=0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of tensors of shape (length_i, *): pad_sequence, then pack_padded_sequence."""
    lengths = [len(s) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Undo pad_sequence: the list of tensors (length_i, *) of a padded batch (longest, batch, *), or
    (batch, longest, *) with batch_first, whose sequence b has lengths[b] steps."""
    lengths = _host_ints(lengths, "unpad_sequence: lengths")
    batch = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    if len(lengths) != len(batch):
        raise ValueError(f"unpad_sequence: {len(lengths)} lengths for a batch of {len(batch)} sequences")
    return [sequence[:length] for sequence, length in zip(batch, lengths.tolist())]


def unpack_sequence(packed_sequences):
    """Undo pack_sequence: the list of tensors (length_i, *) of a PackedSequence, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def invert_permutation(permutation):
    """The permutation that undoes permutation (a 1-D integer tensor): inverse[permutation[i]] = i.
    None stays None."""
    if permutation is None:
        return None
    xp = backend.xp_of(permutation.array)
    inverse = xp.empty_like(permutation.array)
    inverse[permutation.array] = xp.arange(permutation.numel(), dtype=permutation.dtype)
    return Tensor(inverse)


def __getattr__(name):
    from ... import omissions
    raise omissions.missing("torch.nn.utils.rnn", name)
