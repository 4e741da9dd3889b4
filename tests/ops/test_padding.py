"""F.pad in its four modes (ops/padding.py): gradients, PyTorch's numbers, negative widths, errors."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
import ember.nn.functional as F
from helpers import DEVICES, check_op, check_parity, rand, raises, seeds, shapes


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_pad_with_a_constant(device, shape, seed, data):
    pairs = data.draw(st.integers(1, len(shape)), label="pairs")
    widths = tuple(data.draw(st.lists(st.integers(0, 2), min_size=2 * pairs, max_size=2 * pairs), label="widths"))
    value = data.draw(st.sampled_from([0.0, 1.5, -3.0]), label="value")
    check_op(lambda lib, x: lib.nn.functional.pad(x, widths, value=value), rand(*shape, seed=seed), device=device)
    check_op(lambda lib, x: lib.nn.functional.pad(x, widths), rand(*shape, seed=seed), device=device)


@st.composite
def padding_cases(draw, mode):
    """(input shape, pad) for a mode: 1 to 3 padded dimensions of a batched or unbatched input; widths that
    crop (negative) too, within each mode's limits (reflect: below the size, circular: at most the size)."""
    pairs = draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(2, 4)) for _ in range(pairs))
    pad = []
    for n in reversed(spatial):
        largest = {"constant": 3, "reflect": n - 1, "replicate": 3, "circular": n - 1}[mode]
        pad += [draw(st.integers(-1, largest)), draw(st.integers(0, largest))]
    leading = draw(st.sampled_from([(2,), (2, 3)]))
    return leading + spatial, tuple(pad)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@given(data=st.data(), seed=seeds)
def test_pad_in_every_mode_matches_pytorch(device, mode, data, seed):
    shape, pad = data.draw(padding_cases(mode))
    check_op(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode), rand(*shape, seed=seed), device=device)


def test_what_each_mode_puts_in_the_border():
    x = ember.tensor([[[1.0, 2.0, 3.0]]])
    assert F.pad(x, (2, 2), value=9).tolist() == [[[9, 9, 1, 2, 3, 9, 9]]]
    assert F.pad(x, (2, 2), mode="reflect").tolist() == [[[3, 2, 1, 2, 3, 2, 1]]]
    assert F.pad(x, (2, 2), mode="replicate").tolist() == [[[1, 1, 1, 2, 3, 3, 3]]]
    assert F.pad(x, (2, 2), mode="circular").tolist() == [[[2, 3, 1, 2, 3, 1, 2]]]
    assert F.pad(x, (-1, 1), mode="reflect").tolist() == [[[2, 3, 2]]]   # the border of the whole, then the crop


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_keeps_integer_dtypes(mode):
    x = np.arange(12).reshape(1, 3, 4)
    value = {"constant": 2.7}.get(mode)
    ours = F.pad(ember.tensor(x), (1, 2), mode=mode, value=value)
    theirs = torch.nn.functional.pad(torch.tensor(x), (1, 2), mode=mode, value=value)
    assert ours.dtype == ember.int64 and ours.tolist() == theirs.tolist()


def test_pad_errors():
    x = ember.ones(2, 3)
    with raises(RuntimeError, "pad: 3 pairs of widths for an input of 2 dimensions, got (1, 1, 1, 1, 1, 1)"):
        F.pad(x, (1, 1, 1, 1, 1, 1))
    with raises(RuntimeError, "pad: the padding must have an even length (pairs of widths), got (1, 1, 1)"):
        F.pad(x, (1, 1, 1))
    with raises(TypeError, "pad: the padding must be a sequence of ints, got (1.5, 1)"):
        F.pad(x, (1.5, 1))
    with raises(NotImplementedError, "pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got "
                                     "'wrap'"):
        F.pad(x, (1, 1), mode="wrap")
    with raises(RuntimeError, "pad: mode 'reflect' takes no value, got value=2"):
        F.pad(x, (1, 1), mode="reflect", value=2)
    with raises(NotImplementedError, "pad: mode 'replicate' pads 1 to 3 dimensions of a (N, C, *spatial) or "
                                     "(C, *spatial) input, got 1 pairs of widths for an input of shape (1, 2, 3, 4)"):
        F.pad(ember.ones(1, 2, 3, 4), (1, 1), mode="replicate")
    with raises(RuntimeError, "pad: mode 'reflect' needs widths smaller than the dimension, got (3, 0) for "
                              "dimension 1 of size 3"):
        F.pad(x, (3, 0), mode="reflect")
    with raises(RuntimeError, "pad: mode 'circular' wraps round at most once: widths at most the size of the "
                              "dimension, got (4, 0) for dimension 1 of size 3"):
        F.pad(x, (4, 0), mode="circular")
    with raises(RuntimeError, "pad: widths (-2, -2) leave nothing of dimension 1 (of size 3)"):
        F.pad(x, (-2, -2))
    with raises(RuntimeError, "pad: mode 'replicate' needs sides of at least 1 (the batch's aside), got (1, 0, 3)"):
        F.pad(ember.ones(1, 0, 3), (1, 1), mode="replicate")
    with raises(RuntimeError, "pad: the value -1.0 cannot be converted to uint8 without overflow"):
        F.pad(ember.ones(2, 3, dtype=ember.uint8), (1, 1), value=-1.0)
    with raises(RuntimeError, "pad: the value 1e+39 cannot be converted to float32 without overflow"):
        F.pad(ember.ones(2), (1, 1), value=1e39)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_padding_an_empty_batch(device, mode):
    check_parity(lambda lib, x: lib.nn.functional.pad(x, (1, 2, 2, 1), mode=mode), rand(0, 3, 4, 5), device=device)
