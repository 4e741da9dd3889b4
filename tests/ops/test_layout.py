import numpy as np
import pytest
import torch

import ember
from helpers import DEVICES, check_op, check_parity, rand, raises, to_numpy

FORMATS = ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]

# Views and copies whose layout (strides, offset, contiguity) ember's arrays share with PyTorch's.
LAYOUTS = [
    lambda lib, x: x, lambda lib, x: x.t(), lambda lib, x: x[1:, ::2], lambda lib, x: x[:, 1],
    lambda lib, x: x[None, 2:], lambda lib, x: x.unsqueeze(1).expand(3, 2, 4), lambda lib, x: x.t().clone(),
    lambda lib, x: x.t().contiguous(), lambda lib, x: x[:, ::2].clone(),
    lambda lib, x: x.reshape(1, 3, 2, 2).clone(memory_format=lib.channels_last),
    lambda lib, x: x.reshape(1, 3, 2, 2).contiguous(memory_format=lib.channels_last),
    lambda lib, x: x.reshape(1, 3, 1, 2, 2).clone(memory_format=lib.channels_last_3d),
    lambda lib, x: x.t().clone(memory_format=lib.contiguous_format), lambda lib, x: x.diagonal(1),
    lambda lib, x: x.unfold(1, 2, 1), lambda lib, x: x.narrow(1, 1, 2), lambda lib, x: x.select(0, 2),
    lambda lib, x: lib.t_copy(x), lambda lib, x: lib.permute_copy(x, (1, 0)),
]


@pytest.mark.parametrize("make", LAYOUTS)
def test_strides_offsets_and_contiguity_follow_pytorch(make):
    ours, theirs = make(ember, ember.tensor(rand(3, 4))), make(torch, torch.tensor(rand(3, 4)))
    sized = [d for d, n in enumerate(theirs.shape) if n > 1]  # along a dimension of size 1 no neighbours are apart
    assert [ours.stride()[d] for d in sized] == [theirs.stride()[d] for d in sized]
    assert [ours.stride(d - ours.ndim) for d in sized] == [theirs.stride(d) for d in sized]
    assert ours.storage_offset() == theirs.storage_offset()
    for name in FORMATS:
        fmt = getattr(ember, name)
        assert ours.is_contiguous(memory_format=fmt) == theirs.is_contiguous(memory_format=getattr(torch, name)), name
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))


def test_memory_formats_are_named_constants():
    assert [repr(getattr(ember, name)) for name in FORMATS] == [f"ember.{name}" for name in FORMATS]
    assert isinstance(ember.channels_last, ember.memory_format)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_clone_in_each_format_passes_the_gradient(device, fmt):
    shape = (2, 3, 2, 2, 1) if fmt == "channels_last_3d" else (2, 3, 2, 2)
    check_op(lambda lib, x: (lib.clone(x, memory_format=getattr(lib, fmt)), x.clone(memory_format=getattr(lib, fmt))),
             rand(*shape), device=device)


def test_clone_copies_and_contiguous_copies_only_when_needed():
    x = ember.ones(3, 4)
    assert x.contiguous() is x and x.clone() is not x
    transposed = x.t()
    made = transposed.contiguous()
    assert made is not transposed and made.is_contiguous() and not transposed.is_contiguous()
    copy = x.clone()
    copy.fill_(0.0)
    assert x.tolist() == [[1.0] * 4] * 3
    check_op(lambda lib, x: x.t().contiguous(), rand(3, 4))


def test_layout_errors():
    x = ember.ones(2, 3, 4)
    with raises(RuntimeError, "clone: ember.channels_last needs a tensor of 4 dimensions, got 3"):
        x.clone(memory_format=ember.channels_last)
    with raises(RuntimeError, "contiguous: ember.channels_last_3d needs a tensor of 5 dimensions, got 3"):
        x.contiguous(memory_format=ember.channels_last_3d)
    with raises(RuntimeError, "contiguous: preserve_format is not a layout to make; use clone()"):
        x.contiguous(memory_format=ember.preserve_format)
    with raises(TypeError, "clone: memory_format must be an ember memory format, got int"):
        x.clone(memory_format=1)
    with raises(IndexError, "dimension out of range (expected to be in range of [-3, 2], but got 3)"):
        x.stride(3)


# -------------------------------------------------------------------------------------------------
# The *_copy functions: the view, in memory of its own.

COPIES = [
    lambda lib, x: lib.view_copy(x, (4, 6)), lambda lib, x: lib.permute_copy(x, (2, 0, 1)),
    lambda lib, x: lib.transpose_copy(x, 0, 2), lambda lib, x: lib.t_copy(x[0]),
    lambda lib, x: lib.expand_copy(x[:, :1], (3, 2, 5, 4)), lambda lib, x: lib.expand_copy(x, [2, 3, 4], implicit=True),
    lambda lib, x: lib.squeeze_copy(x[:, :1]), lambda lib, x: lib.squeeze_copy(x[:1, :1], (0, 1)),
    lambda lib, x: lib.unsqueeze_copy(x, -1), lambda lib, x: lib.select_copy(x, 1, -1),
    lambda lib, x: lib.slice_copy(x, 2, 1, None, 2), lambda lib, x: lib.slice_copy(x, -1, -3, -1),
    lambda lib, x: lib.narrow_copy(x, 1, 1, 2), lambda lib, x: lib.diagonal_copy(x, 1, 1, 2),
    lambda lib, x: lib.unfold_copy(x, 2, 2, 1), lambda lib, x: lib.alias_copy(x),
    lambda lib, x: lib.split_copy(x, 2, 1), lambda lib, x: lib.split_with_sizes_copy(x, [1, 3], 2),
    lambda lib, x: lib.unbind_copy(x, 1),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("copy", COPIES)
def test_copies(device, copy):
    check_op(lambda lib, x: copy(lib, x), rand(2, 3, 4), device=device)
    out = copy(ember, ember.ones(2, 3, 4))
    for piece in out if isinstance(out, tuple) else (out,):
        assert piece.is_contiguous() and piece.storage_offset() == 0


def test_detach_copy_is_cut_off_from_the_graph():
    check_parity(lambda lib, x: lib.detach_copy(x) * 2, rand(3), backward=False)
    assert not ember.detach_copy(ember.ones(3, requires_grad=True)).requires_grad
