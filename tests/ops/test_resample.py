"""Resampling (ops/resample.py): interpolate in every mode, the deprecated upsample names, grid_sample and
affine_grid, against PyTorch with gradient checks."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
import ember.functional as F
from helpers import DEVICES, Constant, check_op, check_parity, rand, raises

MODES = {"nearest": (1, 2, 3), "nearest-exact": (1, 2, 3), "area": (1, 2, 3), "linear": (1,), "bilinear": (2,),
         "bicubic": (2,), "trilinear": (3,)}
CASES = [(mode, dims) for mode, all_dims in MODES.items() for dims in all_dims]


@st.composite
def resizes(draw, spatial_dims):
    """An input shape and interpolate's size, or scale_factor (and recompute_scale_factor), for it; sides
    of 2 or more, so that every scale here leaves at least one pixel."""
    spatial = tuple(draw(st.integers(2, 5)) for _ in range(spatial_dims))
    if draw(st.booleans()):
        return (2, 2) + spatial, dict(size=tuple(draw(st.integers(1, 9)) for _ in spatial))
    scales = tuple(draw(st.sampled_from([0.5, 0.7, 1.0, 1.6, 2.0, 3.0])) for _ in spatial)
    return (2, 2) + spatial, dict(scale_factor=scales if draw(st.booleans()) else scales[0],
                                  recompute_scale_factor=draw(st.sampled_from([None, True])))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode, spatial_dims", CASES, ids=[f"{m}-{d}d" for m, d in CASES])
@given(data=st.data(), seed=st.integers(0, 100))
def test_interpolate_matches_pytorch(device, mode, spatial_dims, data, seed):
    shape, settings = data.draw(resizes(spatial_dims))
    aligns = [None] if MODES[mode] == (1, 2, 3) else [None, True]
    for align_corners in aligns:
        check_op(lambda lib, x: lib.nn.functional.interpolate(x, mode=mode, align_corners=align_corners, **settings),
                 rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("settings", [
    dict(scale_factor=2), dict(scale_factor=3), dict(scale_factor=1.7), dict(scale_factor=(0.5, 2.5)),
    dict(size=(4, 13)), dict(size=(10, 12)), dict(scale_factor=2.3, recompute_scale_factor=True),
], ids=["x2", "x3", "x1.7", "x(0.5, 2.5)", "size (4, 13)", "size 2x", "recompute"])
def test_interpolate_nearest_picks_pytorchs_pixels(device, settings):
    """Nearest picks one pixel per output pixel: PyTorch's float32 arithmetic decides which, in float64 too."""
    check_op(lambda lib, x: lib.nn.functional.interpolate(x, **settings), rand(2, 3, 5, 6), device=device)


def test_upsampling_by_two_repeats_each_pixel_in_a_block_or_interpolates():
    x = ember.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert F.interpolate(x, scale_factor=2).tolist() == [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]
    assert F.interpolate(x, size=3, mode="bilinear", align_corners=True).tolist() == \
        [[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]]


@pytest.mark.parametrize("name, settings", [
    ("upsample", dict(scale_factor=2, mode="bilinear")), ("upsample_nearest", dict(size=(3, 5))),
    ("upsample_bilinear", dict(scale_factor=1.5)),
])
def test_the_deprecated_upsample_names_warn_and_interpolate(name, settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda lib, x: getattr(lib.nn.functional, name)(x, **settings), rand(2, 2, 3, 4))
    with pytest.warns(UserWarning, match=f"{name} is deprecated"):
        getattr(F, name)(ember.ones(1, 1, 2, 2), **settings)


GRID_CASES = [(mode, padding_mode, dims) for mode in ("bilinear", "nearest", "bicubic")
              for padding_mode in ("zeros", "border", "reflection") for dims in ((2, 3) if mode != "bicubic" else (2,))]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode, padding_mode, spatial_dims", GRID_CASES,
                         ids=[f"{m}-{p}-{d}d" for m, p, d in GRID_CASES])
def test_grid_sample_matches_pytorch(device, align_corners, mode, padding_mode, spatial_dims):
    """Points inside and outside [-1, 1]; the gradient for the points too (none for 'nearest', a step)."""
    x = rand(2, 3, *(4, 5, 3)[:spatial_dims])
    grid = rand(2, *(3, 4, 2)[:spatial_dims], spatial_dims, seed=1, low=-1.4, high=1.4)

    def fn(lib, x, grid):
        return lib.nn.functional.grid_sample(x, grid, mode, padding_mode, align_corners)
    if mode == "nearest":
        check_op(fn, x, Constant(grid), device=device)
        check_parity(fn, x, grid, device=device)
    else:
        check_op(fn, x, grid, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 3, 1, 4), (2, 1, 3, 2, 4)])
def test_affine_grid_matches_pytorch(device, align_corners, size):
    dims = len(size) - 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns of one-pixel sides with align_corners
        check_op(lambda lib, theta: lib.nn.functional.affine_grid(theta, size, align_corners), rand(2, dims, dims + 1),
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_a_spatial_transformer_warp(device):
    """affine_grid then grid_sample: the gradient reaches the affine parameters through both."""
    def warp(lib, theta, x):
        grid = lib.nn.functional.affine_grid(theta, (2, 3, 6, 5), align_corners=False)
        return lib.nn.functional.grid_sample(x, grid, align_corners=False)
    check_op(warp, rand(2, 2, 3, low=-1, high=1), rand(2, 3, 4, 4, seed=2), device=device)


def test_the_identity_grid_reads_the_image_as_it_is():
    x = ember.tensor(rand(1, 2, 3, 4))
    grid = F.affine_grid(ember.tensor([[[1.0, 0, 0], [0, 1, 0]]], dtype=ember.float64), (1, 2, 3, 4), False)
    np.testing.assert_allclose(F.grid_sample(x, grid, align_corners=False).tolist(), x.tolist(), atol=1e-12)


def test_interpolate_errors():
    x = ember.ones(1, 1, 4, 4)
    with raises(NotImplementedError, "interpolate: mode must be one of 'nearest', 'nearest-exact', 'area', 'linear', "
                                     "'bilinear', 'bicubic', 'trilinear', got 'lanczos'"):
        F.interpolate(x, scale_factor=2, mode="lanczos")
    with raises(NotImplementedError, "interpolate: mode 'linear' needs a 3-D input, got (1, 1, 4, 4)"):
        F.interpolate(x, scale_factor=2, mode="linear")
    with raises(NotImplementedError, "interpolate: expected input (N, C, *spatial) with 1 to 3 spatial dimensions, "
                                     "got (4, 4)"):
        F.interpolate(ember.ones(4, 4), scale_factor=2)
    with raises(ValueError, "interpolate: align_corners can only be set with the interpolating modes linear, "
                            "bilinear, bicubic and trilinear, got mode='nearest'"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with raises(NotImplementedError, "interpolate: ember implements antialias=False only"):
        F.interpolate(x, scale_factor=2, mode="bilinear", antialias=True)
    with raises(ValueError, "interpolate: give exactly one of size and scale_factor"):
        F.interpolate(x)
    with raises(ValueError, "interpolate: recompute_scale_factor has no meaning with an explicit size"):
        F.interpolate(x, size=2, recompute_scale_factor=True)
    with raises(ValueError, "interpolate: scale_factor must be a number or a tuple of 2 of them, got (1, 2, 3)"):
        F.interpolate(x, scale_factor=(1, 2, 3))
    with raises(RuntimeError, "interpolate: input and output sizes must be greater than 0, got input (4, 4) and "
                              "output (0, 0)"):
        F.interpolate(x, scale_factor=0.1)
    with raises(RuntimeError, "interpolate needs a floating point tensor, got int64"):
        F.interpolate(ember.ones(1, 1, 4, 4, dtype=ember.int64), scale_factor=2)


def test_grid_sample_and_affine_grid_errors():
    x, grid = ember.ones(1, 1, 4, 4), ember.zeros(1, 2, 2, 2)
    with raises(ValueError, "grid_sample: mode must be one of 'bilinear', 'nearest', 'bicubic', got 'area'"):
        F.grid_sample(x, grid, mode="area", align_corners=False)
    with raises(ValueError, "grid_sample: padding_mode must be one of 'zeros', 'border', 'reflection', got 'wrap'"):
        F.grid_sample(x, grid, padding_mode="wrap", align_corners=False)
    with raises(RuntimeError, "grid_sample: expected input (N, C, H, W) with grid (N, H_out, W_out, 2)"):
        F.grid_sample(x, ember.zeros(1, 2, 2, 3), align_corners=False)
    with raises(RuntimeError, "grid_sample: mode 'bicubic' needs a 4-D input (N, C, H, W), got (1, 1, 2, 2, 2)"):
        F.grid_sample(ember.ones(1, 1, 2, 2, 2), ember.zeros(1, 1, 1, 1, 3), mode="bicubic", align_corners=False)
    with raises(RuntimeError, "grid_sample: input and grid must have one floating point dtype, got float32 and "
                              "float64"):
        F.grid_sample(x, ember.zeros(1, 2, 2, 2, dtype=ember.float64), align_corners=False)
    with pytest.warns(UserWarning, match="default to align_corners=False"):
        F.grid_sample(x, grid)
    with raises(ValueError, "affine_grid: expected theta (1, 2, 3) for size (1, 1, 4, 4), got (1, 3, 4)"):
        F.affine_grid(ember.zeros(1, 3, 4), (1, 1, 4, 4), align_corners=False)
    with raises(NotImplementedError, "affine_grid: size must be (N, C, H, W) or (N, C, D, H, W), got (1, 4)"):
        F.affine_grid(ember.zeros(1, 2, 3), (1, 4), align_corners=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x, grid: lib.nn.functional.interpolate(x, scale_factor=2, mode="bicubic"),
    lambda lib, x, grid: lib.nn.functional.grid_sample(x, grid, align_corners=False),
], ids=["interpolate", "grid_sample"])
def test_resampling_an_empty_batch(device, fn):
    check_parity(fn, rand(0, 3, 4, 5), rand(0, 2, 3, 2), device=device)
