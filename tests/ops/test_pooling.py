import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
import ember.functional as F
from helpers import DEVICES, Constant, check_gradcheck, check_op, check_parity, rand, raises, to_numpy


def distinct(*shape, seed=0):
    """Values spaced apart, so that no window holds a near-tie (finite differences then stay on one side)."""
    values = np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape)
    return values / values.size * 4 - 2


@st.composite
def pool_cases(draw, spatial_dims, dilation=True):
    largest = 3 if spatial_dims < 3 else 2
    kernel = tuple(draw(st.integers(1, largest)) for _ in range(spatial_dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(spatial_dims))
    dilations = tuple(draw(st.integers(1, 2)) if dilation else 1 for _ in range(spatial_dims))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    spatial = tuple(draw(st.integers(s, s + largest + 1)) for s in spans)  # no window of padding only
    settings = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=draw(st.booleans()))
    if dilation:
        settings["dilation"] = dilations
    return (2, 2) + spatial, settings


SPATIAL_DIMS = [pytest.param(d, id=f"{d}d") for d in (1, 2, 3)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spatial_dims", SPATIAL_DIMS)
@given(data=st.data(), seed=st.integers(0, 100))
def test_max_pool(device, spatial_dims, data, seed):
    shape, settings = data.draw(pool_cases(spatial_dims))
    check_op(lambda lib, x: getattr(lib.nn.functional, f"max_pool{spatial_dims}d")(x, **settings),
             distinct(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spatial_dims", SPATIAL_DIMS)
@given(data=st.data(), count_include_pad=st.booleans(), seed=st.integers(0, 100))
def test_avg_pool(device, spatial_dims, data, count_include_pad, seed):
    shape, settings = data.draw(pool_cases(spatial_dims, dilation=False))
    check_op(lambda lib, x: getattr(lib.nn.functional, f"avg_pool{spatial_dims}d")(
        x, count_include_pad=count_include_pad, **settings), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["avg_pool2d", "avg_pool3d"])
def test_avg_pool_divisor_override_and_unbatched(device, name):
    shape = (2, 7, 6) if name == "avg_pool2d" else (2, 3, 5, 4)
    check_op(lambda lib, x: getattr(lib.nn.functional, name)(x, 3, 2, 1, divisor_override=4), rand(*shape),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, shape, settings", [
    ("max_pool2d", (2, 3, 7, 8), dict(kernel_size=2)),
    ("max_pool2d", (2, 3, 7, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("max_pool2d", (2, 3, 7, 8), dict(kernel_size=(2, 3), stride=1, dilation=(2, 1))),
    ("max_pool1d", (2, 3, 9), dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool3d", (2, 2, 5, 4, 6), dict(kernel_size=(2, 2, 3), stride=(2, 1, 2), ceil_mode=True)),
], ids=["2x2", "3x3 s2 p1 ceil", "dilated", "1d", "3d"])
def test_max_pool_return_indices(device, name, shape, settings):
    x = distinct(*shape)

    def fn(lib, x):
        out, indices = getattr(lib.nn.functional, name)(x, return_indices=True, **settings)
        return out, indices
    check_parity(fn, x, device=device)
    check_parity(lambda lib, x: getattr(lib.nn.functional, f"{name}_with_indices")(x, **settings), x, device=device)
    out, indices = getattr(F, name)(ember.tensor(x, device=device), return_indices=True, **settings)
    assert indices.dtype == ember.int64
    # the index points at the maximum in the flattened spatial plane
    assert np.array_equal(np.take_along_axis(x.reshape(2, shape[1], -1), to_numpy(indices).reshape(2, shape[1], -1), 2),
                          to_numpy(out).reshape(2, shape[1], -1))


@pytest.mark.parametrize("device", DEVICES)
def test_max_pool_gives_a_tie_to_the_first_maximum_as_pytorch(device):
    x = np.zeros((1, 2, 4, 4))
    x[0, 1, 1:3, 1:3] = 1.0   # ties of 1 and of 0 everywhere, overlapping windows too
    for settings in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)):
        check_parity(lambda lib, x: lib.nn.functional.max_pool2d(x, **settings), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("settings", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)],
                         ids=["tiles", "overlapping"])
def test_max_pool_gives_the_gradient_and_index_to_the_last_nan_as_pytorch(device, settings):
    x = distinct(1, 2, 4, 4)
    x[0, 0, 0, 0] = x[0, 0, 1, 0] = x[0, 1, 3, 3] = np.nan   # two NaNs in one window, one in another
    check_parity(lambda lib, x: lib.nn.functional.max_pool2d(x, return_indices=True, **settings), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("settings", [dict(kernel_size=2), dict(kernel_size=2, stride=1)], ids=["tiles", "overlapping"])
def test_max_pool_passes_no_infinite_gradient_to_the_elements_it_did_not_pick(device, settings):
    x = distinct(1, 1, 2, 3)
    check_parity(lambda lib, x: lib.nn.functional.max_pool2d(x, **settings) * math.inf, x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, shape, settings", [
    ("max_pool2d", (2, 3, 8, 6), dict(kernel_size=2)),
    ("max_pool2d", (2, 3, 4, 6), dict(kernel_size=(2, 3), ceil_mode=True)),
    ("max_pool1d", (2, 3, 9), dict(kernel_size=3)),
    ("max_pool2d", (2, 3, 7, 6), dict(kernel_size=2)),   # the last row in no window: not a tiling
    ("max_pool3d", (2, 2, 4, 6, 2), dict(kernel_size=2)),
], ids=["2x2", "2x3 ceil", "1d", "7 rows", "3d"])
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


ADAPTIVE_CASES = [(1, (2, 3, 7), 3), (1, (2, 3, 7), 10), (1, (3, 7), (4,)),
                  (2, (2, 3, 7, 5), 1), (2, (2, 3, 7, 5), (3, 4)), (2, (2, 3, 7, 5), (None, 2)),
                  (2, (3, 7, 5), (9, 11)),
                  (3, (2, 2, 4, 5, 3), 2), (3, (2, 2, 4, 5, 3), (3, None, 5)), (3, (2, 4, 5, 3), (1, 2, 3))]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spatial_dims, shape, output_size", ADAPTIVE_CASES)
def test_adaptive_pools(device, spatial_dims, shape, output_size):
    """Average and maximum over windows that may overlap or repeat (an output larger than the input)."""
    name = f"adaptive_{{}}_pool{spatial_dims}d"
    check_op(lambda lib, x: getattr(lib.nn.functional, name.format("avg"))(x, output_size), rand(*shape),
             device=device)
    check_op(lambda lib, x: getattr(lib.nn.functional, name.format("max"))(x, output_size), distinct(*shape),
             device=device)
    check_parity(lambda lib, x: getattr(lib.nn.functional, name.format("max"))(x, output_size, return_indices=True),
                 distinct(*shape), device=device)
    check_parity(lambda lib, x: getattr(lib.nn.functional, name.format("max") + "_with_indices")(x, output_size),
                 distinct(*shape), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("norm_type", [1, 2, 3.5, math.inf, -math.inf])
@pytest.mark.parametrize("name, shape, settings", [
    ("lp_pool1d", (2, 3, 8), dict(kernel_size=3, stride=2)),
    ("lp_pool2d", (2, 3, 5, 5), dict(kernel_size=2, ceil_mode=True)),
    ("lp_pool2d", (3, 5, 6), dict(kernel_size=(2, 3), stride=1)),
    ("lp_pool3d", (2, 1, 4, 3, 4), dict(kernel_size=(2, 1, 2))),
], ids=["1d", "2d ceil", "2d unbatched", "3d"])
def test_lp_pool(device, norm_type, name, shape, settings):
    """(Σ x^p)^(1/p) per window, on positive inputs (a negative sum has no real root)."""
    check_op(lambda lib, x: getattr(lib.nn.functional, name)(x, norm_type, **settings), distinct(*shape) + 3,
             device=device)


FRACTIONAL_CASES = [("fractional_max_pool2d", (2, 3, 9, 8), 2, dict(output_size=(4, 5))),
                    ("fractional_max_pool2d", (2, 3, 9, 8), (3, 2), dict(output_ratio=(0.5, 0.6))),
                    ("fractional_max_pool2d", (3, 9, 8), 2, dict(output_size=4)),
                    ("fractional_max_pool3d", (2, 2, 7, 8, 9), 2, dict(output_size=(3, 4, 5))),
                    ("fractional_max_pool3d", (2, 7, 6, 5), (2, 1, 2), dict(output_ratio=(0.6, 0.5, 0.7)))]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, shape, kernel_size, settings", FRACTIONAL_CASES)
def test_fractional_max_pool_matches_pytorch_given_the_samples(device, dtype, name, shape, kernel_size, settings):
    """The same random samples give PyTorch's windows (their steps are computed in the input's dtype)."""
    dims = int(name[-2])
    planes = shape[:-dims] if len(shape) == dims + 2 else (1,) + shape[:-dims]
    samples = Constant(rand(*planes, dims, seed=3, low=0, high=1))

    def fn(lib, x, samples):
        return getattr(lib.nn.functional, name)(x, kernel_size, return_indices=True, _random_samples=samples,
                                                **settings)
    check_parity(fn, distinct(*shape), samples, device=device, dtype=dtype)
    check_gradcheck(lambda lib, x, samples: fn(lib, x, samples)[0], distinct(*shape), samples, device=device)


def test_fractional_max_pool_draws_its_samples_from_the_default_generator():
    x = ember.tensor(distinct(2, 3, 9, 9))
    ember.manual_seed(3)
    first = F.fractional_max_pool2d(x, 2, output_size=4)
    ember.manual_seed(3)
    again = F.fractional_max_pool2d(x, 2, output_size=4)
    other = F.fractional_max_pool2d(x, 2, output_size=4)
    assert first.shape == (2, 3, 4, 4) and first.tolist() == again.tolist() != other.tolist()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spatial_dims, shape, kernel_size, settings", [
    (1, (2, 3, 10), 3, dict(stride=3, padding=1)),
    (2, (2, 3, 7, 8), 2, {}),
    (2, (3, 7, 8), 2, {}),
    (2, (2, 3, 7, 8), 3, dict(stride=3, padding=1)),
    (3, (2, 2, 5, 6, 4), 2, {}),
], ids=["1d", "2d", "2d unbatched", "2d padded", "3d"])
def test_max_unpool_puts_the_maxima_back(device, spatial_dims, shape, kernel_size, settings):
    """Pooled by PyTorch, unpooled by both: to the default size and to the pooled input's own size."""
    x = distinct(*shape)
    pool = getattr(torch.nn.functional, f"max_pool{spatial_dims}d")
    pooled, indices = (t.numpy() for t in pool(torch.tensor(x), kernel_size, return_indices=True, **settings))
    name = f"max_unpool{spatial_dims}d"
    check_op(lambda lib, p, i: getattr(lib.nn.functional, name)(p, i, kernel_size, output_size=shape[-spatial_dims:],
                                                                    **settings),
             pooled, indices, device=device)
    if not settings:  # the default size is the input's only when pooling dropped nothing
        check_op(lambda lib, p, i: getattr(lib.nn.functional, name)(p, i, kernel_size), pooled, indices,
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.max_pool1d(x, 3, 2), lambda lib, x: lib.max_pool1d_with_indices(x, 3, 1, 1, 2, True),
    lambda lib, x: lib.max_pool2d(x.unsqueeze(-1), (2, 1)),
    lambda lib, x: lib.max_pool3d(x[..., None, None], (3, 1, 1), 1, (1, 0, 0)),
    lambda lib, x: lib.avg_pool1d(x, 3, 2, 1),
    lambda lib, x: lib.adaptive_avg_pool1d(x, 4), lambda lib, x: lib.adaptive_max_pool1d(x, 4),
], ids=["max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d",
        "adaptive_max_pool1d"])
def test_the_torch_spellings_of_the_pools(device, fn):
    check_parity(fn, distinct(2, 3, 9), device=device)


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
    with raises(RuntimeError, "avg_pool2d needs a floating point tensor, got int64"):
        F.avg_pool2d(ember.ones(1, 1, 4, 4, dtype=ember.int64), 2)
    with raises(RuntimeError, "max_pool2d: expected the input's sides (and channels) to be at least 1, got "
                              "(1, 1, 0, 2)"):
        F.max_pool2d(ember.ones(1, 1, 0, 2), 2)
    with raises(RuntimeError, "adaptive_avg_pool1d: expected the input's sides to be at least 1, got (1, 1, 0)"):
        F.adaptive_avg_pool1d(ember.ones(1, 1, 0), 2)
    with raises(RuntimeError, "avg_pool3d: the input (1, 2, 2) is smaller than kernel_size (2, 2, 2)"):
        F.avg_pool3d(ember.ones(1, 1, 1, 2, 2), 2, 1, 1)
    with raises(RuntimeError, "fractional_max_pool3d: the input (2, 2, 2) is too small for kernel_size (1, 1, 1) and "
                              "output_size (2, 2, 2) (it needs sides of at least (3, 3, 3))"):
        F.fractional_max_pool3d(ember.ones(1, 1, 2, 2, 2), 1, output_size=2, _random_samples=ember.full((1, 1, 3), 0.5))
    with raises(ValueError, "avg_pool2d: divisor_override must be a positive int, got 0"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with raises(ValueError, "adaptive_avg_pool2d: output_size must be an int ≥ 1 or a tuple of 2 of them, got (0, 0)"):
        F.adaptive_avg_pool2d(x, 0)
    with raises(ValueError, "max_pool3d: expected input (N, C, D, H, W) or (C, D, H, W), got (4, 4)"):
        F.max_pool3d(ember.ones(4, 4), 2)
    with raises(ValueError, "adaptive_max_pool1d: output_size must be an int ≥ 1 or a tuple of 1 of them, got "
                            "(2, 2)"):
        F.adaptive_max_pool1d(ember.ones(1, 2, 4), (2, 2))
    with raises(ValueError, "fractional_max_pool2d requires specifying either an output_size or an output_ratio"):
        F.fractional_max_pool2d(x, 2)
    with raises(ValueError, "fractional_max_pool2d: output_ratio must be a number in (0, 1) or a tuple of 2 of them, "
                            "got 1.5"):
        F.fractional_max_pool2d(x, 2, output_ratio=1.5)
    with raises(ValueError, "fractional_max_pool2d: the input (4, 4) is too small for kernel_size (2, 2) and "
                            "output_size (4, 4)"):
        F.fractional_max_pool2d(x, 2, output_size=4)
    with raises(ValueError, "fractional_max_pool2d: expected _random_samples of shape (1, 1, 2), got (1, 2)"):
        F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=ember.ones(1, 2))
    pooled, indices = F.max_pool2d(x, 2, return_indices=True)
    with raises(RuntimeError, "max_unpool2d: expected int64 indices of the input's shape (1, 1, 2, 2), got int64 "
                              "(1, 1, 2)"):
        F.max_unpool2d(pooled, indices[..., 0], 2)
    with raises(ValueError, "max_unpool2d: output_size (9, 9) must give 2 sizes, each within a stride of (4, 4)"):
        F.max_unpool2d(pooled, indices, 2, output_size=(9, 9))
    with raises(RuntimeError, "max_unpool2d: found an index outside the output plane of 4 elements (2, 2)"):
        F.max_unpool2d(pooled, indices, 1)


def test_pooling_matches_pytorch_on_a_lenet_sized_map():
    """The common case, non-overlapping 2×2 windows, on a realistic map, in float32."""
    x = rand(4, 6, 28, 28, dtype=np.float32)
    for name in ("max_pool2d", "avg_pool2d"):
        ours = getattr(F, name)(ember.tensor(x), 2)
        theirs = getattr(torch.nn.functional, name)(torch.tensor(x), 2)
        assert np.allclose(to_numpy(ours), theirs.numpy(), atol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2, return_indices=True),
    lambda lib, x: lib.nn.functional.avg_pool3d(x[..., None], (2, 2, 1)),
    lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x, 3, return_indices=True),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool1d(x.flatten(2), 4),
    lambda lib, x: lib.nn.functional.lp_pool2d(x, 2, 2),
    lambda lib, x: lib.nn.functional.fractional_max_pool2d(x, 2, output_size=2, _random_samples=x.new_zeros(0, 3, 2)),
    lambda lib, x: lib.nn.functional.max_unpool2d(*lib.nn.functional.max_pool2d(x, 2, return_indices=True), 2),
], ids=["max_pool2d", "avg_pool3d", "adaptive_max_pool2d", "adaptive_avg_pool1d", "lp_pool2d",
        "fractional_max_pool2d", "max_unpool2d"])
def test_pooling_an_empty_batch(device, fn):
    check_parity(fn, rand(0, 3, 4, 4), device=device)
