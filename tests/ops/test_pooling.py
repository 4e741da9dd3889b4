import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
import ember.functional as F
from helpers import DEVICES, check_op, check_parity, rand, raises, to_numpy


def distinct(*shape, seed=0):
    """Values spaced apart, so that no window holds a near-tie (finite differences then stay on one side)."""
    values = np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape)
    return values / values.size * 4 - 2


@st.composite
def pool_cases(draw, spatial_dims, dilation=True):
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(spatial_dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(spatial_dims))
    dilations = tuple(draw(st.integers(1, 2)) if dilation else 1 for _ in range(spatial_dims))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    spatial = tuple(draw(st.integers(s, s + 4)) for s in spans)  # no window of padding only
    settings = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=draw(st.booleans()))
    if dilation:
        settings["dilation"] = dilations
    return (2, 2) + spatial, settings


@pytest.mark.parametrize("device", DEVICES)
@given(case=pool_cases(2), seed=st.integers(0, 100))
def test_max_pool2d(device, case, seed):
    shape, settings = case
    check_op(lambda lib, x: lib.nn.functional.max_pool2d(x, **settings), distinct(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(case=pool_cases(1), seed=st.integers(0, 100))
def test_max_pool1d(device, case, seed):
    shape, settings = case
    check_op(lambda lib, x: lib.nn.functional.max_pool1d(x, **settings), distinct(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(case=pool_cases(2, dilation=False), count_include_pad=st.booleans(), seed=st.integers(0, 100))
def test_avg_pool2d(device, case, count_include_pad, seed):
    shape, settings = case
    check_op(lambda lib, x: lib.nn.functional.avg_pool2d(x, count_include_pad=count_include_pad, **settings),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_avg_pool2d_divisor_override_and_unbatched(device):
    check_op(lambda lib, x: lib.nn.functional.avg_pool2d(x, 3, 2, 1, divisor_override=4), rand(2, 7, 6),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("settings", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                      dict(kernel_size=(2, 3), stride=1, dilation=(2, 1))],
                         ids=["2x2", "3x3 s2 p1 ceil", "dilated"])
def test_max_pool2d_return_indices(device, settings):
    x = distinct(2, 3, 7, 8)

    def fn(lib, x):
        out, indices = lib.nn.functional.max_pool2d(x, return_indices=True, **settings)
        return out, indices
    check_parity(fn, x, device=device)
    out, indices = F.max_pool2d(ember.tensor(x, device=device), return_indices=True, **settings)
    assert indices.dtype == ember.int64
    # the index points at the maximum in the flattened H·W plane
    assert np.array_equal(np.take_along_axis(x.reshape(2, 3, -1), to_numpy(indices).reshape(2, 3, -1), 2),
                          to_numpy(out).reshape(2, 3, -1))


@pytest.mark.parametrize("device", DEVICES)
def test_max_pool_gives_a_tie_to_the_first_maximum_as_pytorch(device):
    x = np.zeros((1, 2, 4, 4))
    x[0, 1, 1:3, 1:3] = 1.0   # ties of 1 and of 0 everywhere, overlapping windows too
    for settings in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)):
        check_parity(lambda lib, x: lib.nn.functional.max_pool2d(x, **settings), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, shape, settings", [
    ("max_pool2d", (2, 3, 8, 6), dict(kernel_size=2)),
    ("max_pool2d", (2, 3, 4, 6), dict(kernel_size=(2, 3), ceil_mode=True)),
    ("max_pool1d", (2, 3, 9), dict(kernel_size=3)),
    ("max_pool2d", (2, 3, 7, 6), dict(kernel_size=2)),   # the last row in no window: not a tiling
], ids=["2x2", "2x3 ceil", "1d", "7 rows"])
def test_max_pool_windows_that_tile_the_input(device, name, shape, settings):
    """Windows side by side covering the input (Window.tiles): backward compares blocks of x at once."""
    check_op(lambda lib, x: getattr(lib.nn.functional, name)(x, **settings), distinct(*shape), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_max_pool_without_gradients_skips_the_bookkeeping(device):
    x = ember.tensor(distinct(2, 3, 6, 6), device=device)
    with ember.no_grad():
        out = F.max_pool2d(ember.tensor(to_numpy(x), device=device, requires_grad=True), 2)
    assert out.grad_fn is None
    assert np.array_equal(to_numpy(out), to_numpy(F.max_pool2d(x, 2)))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("output_size", [1, (3, 4), (None, 2), (7, 5), (9, 11)])
def test_adaptive_avg_pool2d(device, output_size):
    check_op(lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, output_size), rand(2, 3, 7, 5), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("settings", [
    dict(scale_factor=2), dict(scale_factor=3), dict(scale_factor=1.7), dict(scale_factor=(0.5, 2.5)),
    dict(size=(4, 13)), dict(size=(10, 12)), dict(scale_factor=2.3, recompute_scale_factor=True),
], ids=["x2", "x3", "x1.7", "x(0.5, 2.5)", "size (4, 13)", "size 2x", "recompute"])
def test_interpolate_nearest_2d(device, settings):
    check_op(lambda lib, x: lib.nn.functional.interpolate(x, **settings), rand(2, 3, 5, 6), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("scale", [2, 1.37, 0.6])
def test_interpolate_nearest_1d(device, scale):
    check_op(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=scale), rand(2, 3, 7), device=device)


def test_upsampling_by_two_repeats_each_pixel_in_a_block():
    x = ember.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert F.interpolate(x, scale_factor=2).tolist() == [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]


def test_pooling_halves_the_map():
    x = ember.zeros(8, 6, 28, 28)
    assert F.max_pool2d(x, 2).shape == F.avg_pool2d(x, 2).shape == (8, 6, 14, 14)
    assert F.max_pool2d(ember.zeros(8, 6, 7, 7), 2, ceil_mode=True).shape == (8, 6, 4, 4)
    assert F.adaptive_avg_pool2d(x, 1).shape == (8, 6, 1, 1)


def test_pooling_errors():
    x = ember.ones(1, 1, 4, 4)
    with raises(ValueError, "max_pool2d: padding should be at most half of kernel_size, got padding=2 and "
                            "kernel_size=2"):
        F.max_pool2d(x, 2, padding=2)
    with raises(ValueError, "max_pool2d: the input (4, 4) is too small for kernel_size (5, 5) with padding (0, 0) "
                            "and dilation (1, 1) (the output would be (0, 0))"):
        F.max_pool2d(x, 5)
    with raises(ValueError, "max_pool2d: expected input (N, C, H, W) or (C, H, W), got (4, 4)"):
        F.max_pool2d(ember.ones(4, 4), 2)
    with raises(ValueError, "max_pool1d: kernel_size must be an int ≥ 1 or a tuple of 1 of them, got (2, 2)"):
        F.max_pool1d(ember.ones(1, 1, 4), (2, 2))
    with raises(TypeError, "avg_pool2d needs a floating point tensor, got int64"):
        F.avg_pool2d(ember.ones(1, 1, 4, 4, dtype=ember.int64), 2)
    with raises(ValueError, "avg_pool2d: divisor_override must be a positive int, got 0"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with raises(ValueError, "adaptive_avg_pool2d: output_size must be an int ≥ 1 or a tuple of 2 of them, got (0, 0)"):
        F.adaptive_avg_pool2d(x, 0)
    with raises(NotImplementedError, "interpolate: ember implements mode='nearest' only, got mode='bilinear'"):
        F.interpolate(x, scale_factor=2, mode="bilinear")
    with raises(ValueError, "interpolate: give exactly one of size and scale_factor"):
        F.interpolate(x)
    with raises(ValueError, "interpolate: scale_factor must be a positive number or a tuple of 2 of them, got -1"):
        F.interpolate(x, scale_factor=-1)


def test_pooling_matches_pytorch_on_a_lenet_sized_map():
    """The common case, non-overlapping 2×2 windows, on a realistic map, in float32."""
    x = rand(4, 6, 28, 28, dtype=np.float32)
    for name in ("max_pool2d", "avg_pool2d"):
        ours = getattr(F, name)(ember.tensor(x), 2)
        theirs = getattr(torch.nn.functional, name)(torch.tensor(x), 2)
        assert np.allclose(to_numpy(ours), theirs.numpy(), atol=1e-6)
