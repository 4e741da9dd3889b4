"""Pixel shuffle, pixel unshuffle and channel shuffle (ops/shuffle.py)."""

import numpy as np
import pytest

import ember
import ember.functional as F
from helpers import DEVICES, check_op, check_parity, rand, raises


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape, r", [((2, 8, 3, 2), 2), ((9, 2, 1), 3), ((1, 2, 4, 2, 3), 2), ((3, 1, 1), 1)])
def test_pixel_shuffle_and_unshuffle(device, shape, r):
    check_op(lambda lib, x: (lib.nn.functional.pixel_shuffle(x, r), lib.pixel_shuffle(x, r)), rand(*shape),
             device=device)
    unshuffled = shape[:-3] + (shape[-3] // (r * r), shape[-2] * r, shape[-1] * r)
    check_op(lambda lib, x: (lib.nn.functional.pixel_unshuffle(x, r), lib.pixel_unshuffle(x, r)), rand(*unshuffled),
             device=device)


def test_pixel_unshuffle_undoes_pixel_shuffle():
    x = ember.tensor(rand(2, 12, 3, 2))
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2).tolist(), x.tolist())


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape, groups", [((2, 6, 3), 3), ((1, 4, 2, 2), 2), ((2, 6, 1, 1, 2), 6), ((2, 5, 3), 1)])
def test_channel_shuffle(device, shape, groups):
    check_op(lambda lib, x: (lib.nn.functional.channel_shuffle(x, groups), lib.channel_shuffle(x, groups)),
             rand(*shape), device=device)
    check_parity(lambda lib, x: (lib.nn.functional.native_channel_shuffle(x, groups),  # PyTorch has no gradient
                                 lib.native_channel_shuffle(x, groups)), rand(*shape), device=device, backward=False)


def test_shuffle_errors():
    with raises(RuntimeError, "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                              "of upscale_factor, but input.size(-3)=7 is not divisible by 4"):
        F.pixel_shuffle(ember.ones(2, 7, 3, 3), 2)
    with raises(RuntimeError, "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 "
                              "dimension(s)"):
        F.pixel_shuffle(ember.ones(8, 3), 2)
    with raises(RuntimeError, "pixel_shuffle expects a positive upscale_factor, but got 0"):
        F.pixel_shuffle(ember.ones(2, 8, 3, 3), 0)
    with raises(RuntimeError, "pixel_unshuffle expects height to be divisible by downscale_factor, but "
                              "input.size(-2)=5 is not divisible by 2"):
        F.pixel_unshuffle(ember.ones(2, 2, 5, 6), 2)
    with raises(RuntimeError, "channel_shuffle: number of channels must be divisible by groups, got 5 channels and "
                              "3 groups"):
        F.channel_shuffle(ember.ones(2, 5, 3), 3)
    with raises(RuntimeError, "channel_shuffle expects input with > 2 dims, but got input with sizes [2, 6]"):
        F.channel_shuffle(ember.ones(2, 6), 3)
    with raises(RuntimeError, "channel_shuffle: the number of groups to divide channels in must be positive, got 0"):
        F.channel_shuffle(ember.ones(2, 6, 3), 0)
