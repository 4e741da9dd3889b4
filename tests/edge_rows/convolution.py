"""The rows of convolution, pooling and resampling (F.conv*, the pools, fold and unfold, pad, interpolate,
grid_sample, the shuffles), whose inputs' shapes depend on each other: each row names its shapes."""

import math

import numpy as np

from differential import FLOATS, HUGE_LESS, INTEGERS, Op, either, function, functional, without


# The drawn cases where ember differs on purpose (see DIFFERENCES), as differs= predicates.

def other_weight_dtype_on_empty(arrays, dim):
    """An empty input with a weight of the other float dtype (PyTorch's kernels check no dtypes then)."""
    return arrays[0].size == 0 and arrays[1].dtype != arrays[0].dtype


def other_bias_dtype(arrays, dim):
    """A bias of another dtype than the input's (conv_transpose1d's, conv_transpose2d's and conv_tbc's kernels
    take it), or other_weight_dtype_on_empty."""
    return len(arrays) == 3 and arrays[2].dtype != arrays[0].dtype or other_weight_dtype_on_empty(arrays, dim)


def mixed_on_empty(arrays, dim):
    """An empty input with a weight or bias of the other float dtype (conv_transpose3d's kernel takes them)."""
    return arrays[0].size == 0 and len({a.dtype for a in arrays}) > 1


def float32_nonfinite(arrays, dim):
    """A float32 tensor holding ±inf or NaN (convolved with padding, which PyTorch's float32 kernel skips)."""
    return any(a.dtype == np.float32 and not np.isfinite(a).all() for a in arrays)


def nonfinite_grid(arrays, dim):
    """A grid with a NaN or an infinite coordinate."""
    return not np.isfinite(arrays[1]).all()


def empty(arrays, dim):
    """An empty input."""
    return arrays[0].size == 0


PADDED_CONV_DIFFERS = either(other_weight_dtype_on_empty, float32_nonfinite)
PADDED_TRANSPOSE_DIFFERS = either(other_bias_dtype, float32_nonfinite)
PADDED_TRANSPOSE_3D_DIFFERS = either(mixed_on_empty, float32_nonfinite)



def batches(*calls):
    """shapes= for a one-input op: each shape alone in its call."""
    return tuple((shape,) for shape in calls)


def random_samples(lib, x, spatial_dims):
    """Fractional max pooling's _random_samples (N, C, spatial_dims) for x (N, C, *spatial), fixed numbers."""
    samples = np.linspace(0.05, 0.95, 4 * 4 * 3).reshape(4, 4, 3)[:x.shape[0], :x.shape[1], :spatial_dims]
    return lib.tensor(samples.astype(str(x.dtype).removeprefix("torch.")))


def fractional(spatial_dims, name, **kwargs):
    """lib.nn.functional.name(x, **kwargs) with fixed _random_samples: fractional max pooling made deterministic."""
    return lambda lib, x: getattr(lib.nn.functional, name)(x, _random_samples=random_samples(lib, x, spatial_dims),
                                                          **kwargs)


def unpool_indices(shape, spatial_dims, kernel):
    """Indices for max_unpool of an input of shape (N, C, *spatial) or (C, *spatial) with windows kernel (no
    stride, no padding): in each window the offset (sum of the window's coordinates) mod kernel along each axis."""
    spatial = shape[-spatial_dims:]
    grids = np.meshgrid(*[np.arange(n) for n in spatial], indexing="ij")
    total = sum(grids) if grids else 0
    out_spatial = [n * kernel for n in spatial]
    flat = np.zeros(spatial, dtype=np.int64)
    for grid, n in zip(grids, out_spatial):
        flat = flat * n + grid * kernel + (total + grid) % kernel
    return np.broadcast_to(flat, shape).copy()


def unpool(spatial_dims, **kwargs):
    """lib.nn.functional.max_unpool{spatial_dims}d(x, indices, 2) with unpool_indices (constants)."""
    name = f"max_unpool{spatial_dims}d"
    return lambda lib, x: getattr(lib.nn.functional, name)(
        x, lib.tensor(unpool_indices(tuple(x.shape), spatial_dims, 2)), 2, **kwargs)


def affine(size, **kwargs):
    """F.affine_grid(theta, (N, *size)), N from theta (N, 2, 3) or (N, 3, 4)."""
    return lambda lib, theta: lib.nn.functional.affine_grid(theta, (theta.shape[0], *size), **kwargs)


# Shapes (N, C, *spatial) of one input: normal, an empty batch, sides of 1, unbatched, and an empty side
# (which PyTorch refuses).
IMAGES_1D = batches((2, 2, 4), (0, 2, 3), (1, 1, 2), (2, 5), (1, 1, 0))
IMAGES_2D = batches((1, 2, 3, 4), (0, 1, 2, 2), (1, 1, 1, 2), (2, 3, 3), (1, 1, 0, 2))
IMAGES_3D = batches((1, 2, 2, 2, 3), (0, 1, 2, 2, 2), (1, 1, 1, 2, 2), (1, 2, 2, 2), (1, 1, 2, 0, 2))

# Convolutions' (input, weight, bias): normal, an empty batch, sides of 1, unbatched, and two PyTorch refuses:
# the input's channels not the weight's, a kernel larger than the padded input.
CONV_1D = (((2, 2, 4), (3, 2, 2), (3,)), ((0, 2, 3), (1, 2, 1), (1,)), ((1, 1, 1), (1, 1, 1), (1,)),
           ((2, 4), (2, 2, 3), (2,)), ((1, 2, 3), (1, 3, 2), (1,)), ((1, 1, 2), (1, 1, 3), (1,)))
CONV_2D = (((1, 2, 3, 3), (2, 2, 2, 2), (2,)), ((0, 1, 2, 2), (1, 1, 1, 1), (1,)), ((1, 1, 1, 1), (1, 1, 1, 1), (1,)),
           ((2, 3, 2), (1, 2, 2, 1), (1,)), ((1, 2, 3, 3), (1, 1, 2, 2), (1,)), ((1, 1, 2, 2), (1, 1, 3, 1), (1,)))
CONV_3D = (((1, 2, 2, 2, 3), (2, 2, 1, 2, 2), (2,)), ((0, 1, 2, 2, 2), (1, 1, 1, 1, 1), (1,)),
           ((1, 1, 1, 1, 1), (1, 1, 1, 1, 1), (1,)), ((1, 2, 2, 2), (1, 1, 2, 2, 2), (1,)),
           ((1, 1, 2, 2, 2), (1, 1, 3, 2, 2), (1,)))
# Grouped (groups=2): the channels split in two.
CONV_1D_GROUPS = (((1, 4, 5), (2, 2, 2)), ((0, 2, 3), (4, 1, 1)), ((1, 3, 4), (2, 1, 2)))
# A transposed convolution's weight is (in, out/groups, *kernel).
TRANSPOSE_1D = (((2, 2, 3), (2, 3, 2), (3,)), ((0, 2, 3), (2, 1, 1), (1,)), ((1, 1, 1), (1, 1, 1), (1,)),
                ((2, 3), (2, 2, 2), (2,)), ((1, 2, 3), (3, 1, 2), (1,)))
TRANSPOSE_2D = (((1, 2, 2, 3), (2, 1, 2, 2), (1,)), ((0, 1, 2, 2), (1, 2, 1, 1), (2,)),
                ((1, 1, 1, 1), (1, 1, 1, 1), (1,)), ((2, 2, 2), (2, 1, 1, 2), (1,)), ((1, 2, 2, 2), (1, 1, 2, 2), (1,)))
TRANSPOSE_3D = (((1, 2, 2, 1, 2), (2, 1, 2, 2, 1), (1,)), ((0, 1, 1, 2, 2), (1, 1, 1, 1, 1), (1,)),
                ((1, 1, 1, 1, 1), (1, 1, 1, 1, 1), (1,)), ((1, 2, 2, 2, 2), (1, 1, 1, 1, 1), (1,)))
# conv_tbc's (input (time, batch, channels), weight (kernel, channels, out), bias (out)).
TBC = (((3, 2, 2), (2, 2, 3), (3,)), ((2, 0, 1), (1, 1, 2), (2,)), ((1, 1, 1), (1, 1, 1), (1,)),
       ((3, 1, 2), (2, 3, 1), (1,)))

ROWS = [
    # Convolutions: bias, then stride, padding, dilation, groups (each changes which products meet).
    Op("F.conv1d", functional("conv1d"), arity=3, dtypes=FLOATS, shapes=CONV_1D, edges=HUGE_LESS,
       differs=other_weight_dtype_on_empty),
    Op("F.conv1d stride 2 padding 1 dilation 2", functional("conv1d", stride=2, padding=1, dilation=2), arity=2,
       dtypes=FLOATS, shapes=tuple(s[:2] for s in CONV_1D), edges=HUGE_LESS, differs=PADDED_CONV_DIFFERS),
    Op("F.conv1d padding same", functional("conv1d", padding="same", dilation=2), arity=2, dtypes=FLOATS,
       shapes=tuple(s[:2] for s in CONV_1D), edges=HUGE_LESS, differs=PADDED_CONV_DIFFERS),
    Op("F.conv1d groups 2", functional("conv1d", groups=2), arity=2, dtypes=FLOATS, shapes=CONV_1D_GROUPS,
       edges=HUGE_LESS, differs=other_weight_dtype_on_empty),
    Op("F.conv1d bool", functional("conv1d"), arity=2, dtypes=("bool",), shapes=(((1, 1, 2), (1, 1, 1)),)),
    Op("F.conv2d", functional("conv2d"), arity=3, dtypes=FLOATS, shapes=CONV_2D, edges=HUGE_LESS,
       differs=other_weight_dtype_on_empty),
    Op("F.conv2d stride 2 padding 1", functional("conv2d", stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
       arity=2, dtypes=FLOATS, shapes=tuple(s[:2] for s in CONV_2D), edges=HUGE_LESS, differs=PADDED_CONV_DIFFERS),
    Op("F.conv3d", functional("conv3d"), arity=3, dtypes=FLOATS, shapes=CONV_3D, edges=HUGE_LESS,
       differs=other_weight_dtype_on_empty),
    Op("F.conv3d stride 2 padding 1", functional("conv3d", stride=2, padding=1), arity=2, dtypes=FLOATS,
       shapes=tuple(s[:2] for s in CONV_3D), edges=HUGE_LESS, differs=PADDED_CONV_DIFFERS),
    Op("F.conv_transpose1d", functional("conv_transpose1d"), arity=3, dtypes=FLOATS, shapes=TRANSPOSE_1D,
       edges=HUGE_LESS, differs=other_bias_dtype),
    Op("F.conv_transpose1d stride 2 output_padding 1",
       functional("conv_transpose1d", stride=2, padding=1, output_padding=1), arity=2, dtypes=FLOATS,
       shapes=tuple(s[:2] for s in TRANSPOSE_1D), edges=HUGE_LESS, differs=PADDED_TRANSPOSE_DIFFERS),
    Op("F.conv_transpose1d groups 2 dilation 2", functional("conv_transpose1d", groups=2, dilation=2), arity=2,
       dtypes=FLOATS, shapes=(((1, 2, 3), (2, 1, 2)), ((0, 4, 2), (4, 2, 1)), ((1, 3, 2), (3, 1, 2))),
       edges=HUGE_LESS, differs=other_bias_dtype),
    Op("F.conv_transpose2d", functional("conv_transpose2d"), arity=3, dtypes=FLOATS, shapes=TRANSPOSE_2D,
       edges=HUGE_LESS, differs=other_bias_dtype),
    Op("F.conv_transpose2d stride 2 padding 1",
       functional("conv_transpose2d", stride=2, padding=(1, 0), output_padding=(1, 0)), arity=2, dtypes=FLOATS,
       shapes=tuple(s[:2] for s in TRANSPOSE_2D), edges=HUGE_LESS, differs=PADDED_TRANSPOSE_DIFFERS),
    Op("F.conv_transpose3d", functional("conv_transpose3d"), arity=3, dtypes=FLOATS, shapes=TRANSPOSE_3D,
       edges=HUGE_LESS, differs=mixed_on_empty),
    Op("F.conv_transpose3d stride 2", functional("conv_transpose3d", stride=2, padding=1), arity=2, dtypes=FLOATS,
       shapes=tuple(s[:2] for s in TRANSPOSE_3D), edges=HUGE_LESS, differs=PADDED_TRANSPOSE_3D_DIFFERS),
    Op("F.conv_tbc", functional("conv_tbc"), arity=3, dtypes=FLOATS, shapes=TBC, edges=HUGE_LESS,
       differs=other_bias_dtype),
    Op("F.conv_tbc pad 1", functional("conv_tbc", 1), arity=3, dtypes=FLOATS, shapes=TBC,
       edges=without(math.inf, -math.inf, math.nan, 1e38, -1e38), differs=other_bias_dtype),
    # fold and unfold: sliding blocks to columns and back.
    Op("F.unfold", functional("unfold", 2), dtypes=FLOATS, shapes=IMAGES_2D),
    Op("F.unfold dilation 2 padding 1 stride 2", functional("unfold", (2, 1), dilation=(1, 2), padding=1, stride=2),
       dtypes=FLOATS, shapes=IMAGES_2D),
    Op("F.fold", functional("fold", (3, 3), 2), dtypes=FLOATS,
       shapes=batches((1, 4, 4), (0, 8, 4), (4, 4), (1, 4, 3), (1, 3, 4))),
    Op("F.fold stride 2 padding 1", functional("fold", (3, 4), 2, padding=1, stride=2), dtypes=FLOATS,
       shapes=batches((1, 4, 6), (0, 4, 6), (2, 8, 6), (1, 4, 5))),
    # Max pooling: NaNs win, ties go to the first; kernel, stride, padding, dilation and ceil_mode set the windows.
    Op("F.max_pool1d", functional("max_pool1d", 2), shapes=IMAGES_1D, dtypes=FLOATS + ("int64",)),
    Op("F.max_pool1d stride 2 padding 1 dilation 2 ceil_mode", functional("max_pool1d", 2, 2, 1, 2, ceil_mode=True),
       dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.max_pool1d_with_indices", functional("max_pool1d_with_indices", 2, 1, 1), dtypes=FLOATS,
       shapes=IMAGES_1D),
    Op("F.max_pool2d", functional("max_pool2d", 2, ceil_mode=True), dtypes=FLOATS, shapes=IMAGES_2D),
    Op("F.max_pool2d stride 1 padding 1", functional("max_pool2d", (2, 1), 1, (1, 0), (1, 2)), dtypes=FLOATS,
       shapes=IMAGES_2D),
    Op("F.max_pool2d_with_indices", functional("max_pool2d_with_indices", 2, 1, 1), dtypes=FLOATS,
       shapes=IMAGES_2D),
    Op("F.max_pool3d", functional("max_pool3d", 2, ceil_mode=True), dtypes=FLOATS, shapes=IMAGES_3D),
    Op("F.max_pool3d_with_indices", functional("max_pool3d_with_indices", 2, 1, 1), dtypes=FLOATS,
       shapes=IMAGES_3D),
    # Unpooling: each value put back at its index (constants), zeros elsewhere.
    Op("F.max_unpool1d", unpool(1), dtypes=FLOATS, shapes=IMAGES_1D[:4]),
    Op("F.max_unpool2d", unpool(2), dtypes=FLOATS, shapes=IMAGES_2D[:4]),
    Op("F.max_unpool3d", unpool(3), dtypes=FLOATS, shapes=IMAGES_3D[:4]),
    # Average pooling: padding counted in the divisor or not, ceil_mode's partial windows, divisor_override.
    Op("F.avg_pool1d", functional("avg_pool1d", 2), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.avg_pool1d padding 1 ceil_mode", functional("avg_pool1d", 2, 2, 1, ceil_mode=True), dtypes=FLOATS,
       shapes=IMAGES_1D),
    Op("F.avg_pool2d", functional("avg_pool2d", 2, 1, 1, ceil_mode=True, count_include_pad=False), dtypes=FLOATS,
       shapes=IMAGES_2D),
    Op("F.avg_pool2d divisor_override 3", functional("avg_pool2d", 2, divisor_override=3), dtypes=FLOATS,
       shapes=IMAGES_2D),
    Op("F.avg_pool3d", functional("avg_pool3d", 2, 1, 1), dtypes=FLOATS, shapes=IMAGES_3D),
    Op("F.avg_pool3d ceil_mode", functional("avg_pool3d", 2, ceil_mode=True, divisor_override=2), dtypes=FLOATS,
       shapes=IMAGES_3D),
    # LP pooling: (Σ xᵖ)^(1/p) over each window.
    Op("F.lp_pool1d", functional("lp_pool1d", 2, 2), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.lp_pool1d p=1 ceil_mode", functional("lp_pool1d", 1, 2, ceil_mode=True), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.lp_pool2d", functional("lp_pool2d", 3, 2, 1), dtypes=FLOATS, shapes=IMAGES_2D),
    Op("F.lp_pool3d", functional("lp_pool3d", 2, 2), dtypes=FLOATS, shapes=IMAGES_3D),
    # Adaptive pooling: output sizes smaller than, equal to and larger than the input's.
    Op("F.adaptive_avg_pool1d", functional("adaptive_avg_pool1d", 3), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.adaptive_avg_pool2d", functional("adaptive_avg_pool2d", (2, None)), dtypes=FLOATS, edges=HUGE_LESS,
       shapes=IMAGES_2D),
    Op("F.adaptive_avg_pool3d", functional("adaptive_avg_pool3d", (1, 2, 3)), dtypes=FLOATS, edges=HUGE_LESS,
       shapes=IMAGES_3D),
    Op("F.adaptive_max_pool1d", functional("adaptive_max_pool1d", 3), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("adaptive_max_pool1d", function("adaptive_max_pool1d", 3), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.adaptive_max_pool1d_with_indices", functional("adaptive_max_pool1d_with_indices", 2), dtypes=FLOATS,
       shapes=IMAGES_1D),
    Op("F.adaptive_max_pool2d", functional("adaptive_max_pool2d", (3, 2)), dtypes=FLOATS, shapes=IMAGES_2D),
    Op("F.adaptive_max_pool2d_with_indices", functional("adaptive_max_pool2d_with_indices", 2), dtypes=FLOATS,
       shapes=IMAGES_2D),
    Op("F.adaptive_max_pool3d", functional("adaptive_max_pool3d", (2, 1, 2)), dtypes=FLOATS, shapes=IMAGES_3D),
    Op("F.adaptive_max_pool3d_with_indices", functional("adaptive_max_pool3d_with_indices", 2), dtypes=FLOATS,
       shapes=IMAGES_3D),
    # Fractional max pooling, compared in its deterministic form: _random_samples given (fixed numbers).
    Op("F.fractional_max_pool2d _random_samples", fractional(2, "fractional_max_pool2d", kernel_size=2,
                                                             output_size=(2, 2)), dtypes=FLOATS,
       shapes=batches((1, 2, 3, 4), (0, 1, 3, 3), (1, 1, 2, 2), (2, 4, 3), (1, 1, 1, 3))),
    Op("F.fractional_max_pool2d_with_indices _random_samples",
       fractional(2, "fractional_max_pool2d_with_indices", kernel_size=(1, 2), output_ratio=(0.5, 0.5)), dtypes=FLOATS,
       shapes=batches((1, 2, 4, 4), (1, 1, 2, 4), (2, 4, 5))),
    Op("F.fractional_max_pool3d _random_samples", fractional(3, "fractional_max_pool3d", kernel_size=1,
                                                             output_size=2), dtypes=FLOATS,
       shapes=batches((1, 2, 2, 3, 3), (0, 1, 2, 2, 2), (1, 2, 2, 2), (1, 1, 1, 2, 2))),
    Op("F.fractional_max_pool3d_with_indices _random_samples",
       fractional(3, "fractional_max_pool3d_with_indices", kernel_size=2, output_size=(1, 2, 1)), dtypes=FLOATS,
       shapes=batches((1, 2, 2, 3, 2), (1, 1, 3, 3, 3))),
    # Padding: constant (negative widths crop), reflect, replicate, circular.
    Op("F.pad", functional("pad", (1, 2)), dtypes=FLOATS + INTEGERS, shapes=batches((2, 3), (0,), (), (2, 0, 1))),
    Op("F.pad value -1 crop", functional("pad", (-1, 1, 0, 2), value=-1.0), shapes=batches((2, 3), (1, 1), (3,))),
    Op("F.pad reflect", functional("pad", (2, 1), mode="reflect"), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.pad replicate", functional("pad", (1, 0, 2, 1), mode="replicate"), dtypes=FLOATS, shapes=IMAGES_2D),
    Op("F.pad circular", functional("pad", (1, 1, 0, 1, 1, 0), mode="circular"), dtypes=FLOATS, shapes=IMAGES_3D),
    # Resizing: each mode, align_corners, sizes and scale factors.
    Op("F.interpolate nearest", functional("interpolate", scale_factor=2), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.interpolate nearest-exact", functional("interpolate", size=(3, 5), mode="nearest-exact"), dtypes=FLOATS,
       shapes=IMAGES_2D),
    Op("F.interpolate linear", functional("interpolate", size=5, mode="linear"), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.interpolate linear align_corners", functional("interpolate", scale_factor=1.5, mode="linear",
                                                        align_corners=True), dtypes=FLOATS, shapes=IMAGES_1D),
    Op("F.interpolate bilinear", functional("interpolate", size=(2, 3), mode="bilinear"), dtypes=FLOATS,
       edges=HUGE_LESS, shapes=IMAGES_2D),
    Op("F.interpolate bicubic align_corners",
       functional("interpolate", scale_factor=(2, 0.5), mode="bicubic", align_corners=True), dtypes=FLOATS,
       edges=HUGE_LESS, shapes=IMAGES_2D),
    Op("F.interpolate bicubic", functional("interpolate", size=(3, 3), mode="bicubic"), dtypes=FLOATS,
       edges=HUGE_LESS, shapes=IMAGES_2D),
    Op("F.interpolate trilinear", functional("interpolate", scale_factor=1.5, mode="trilinear"), dtypes=FLOATS,
       edges=HUGE_LESS, shapes=IMAGES_3D),
    Op("F.interpolate area", functional("interpolate", size=(2, 3), mode="area"), dtypes=FLOATS, edges=HUGE_LESS,
       shapes=IMAGES_2D),
    Op("F.upsample", functional("upsample", size=3, mode="linear", align_corners=False), dtypes=FLOATS,
       shapes=IMAGES_1D),
    Op("F.upsample_nearest", functional("upsample_nearest", scale_factor=2), dtypes=FLOATS, shapes=IMAGES_2D),
    Op("F.upsample_bilinear", functional("upsample_bilinear", size=(3, 2)), dtypes=FLOATS, edges=HUGE_LESS,
       shapes=IMAGES_2D),
    # Sampling at grid points (grid (N, *out, dims) in [-1, 1], and beyond) and making affine grids.
    Op("F.grid_sample", functional("grid_sample", align_corners=False), arity=2, dtypes=FLOATS, one_dtype=True,
       shapes=(((1, 2, 2, 3), (1, 2, 1, 2)), ((0, 1, 2, 2), (0, 1, 1, 2)), ((1, 1, 1, 1), (1, 1, 1, 2)),
               ((1, 1, 2, 2), (2, 1, 1, 2))), edges=HUGE_LESS, differs=nonfinite_grid),
    Op("F.grid_sample nearest border",
       functional("grid_sample", mode="nearest", padding_mode="border", align_corners=True), arity=2,
       dtypes=FLOATS, one_dtype=True, shapes=(((1, 2, 2, 3), (1, 2, 1, 2)), ((1, 1, 1, 1), (1, 1, 1, 2))),
       differs=nonfinite_grid),
    Op("F.grid_sample bicubic reflection",
       functional("grid_sample", mode="bicubic", padding_mode="reflection", align_corners=False), arity=2,
       dtypes=FLOATS, one_dtype=True, shapes=(((1, 2, 3, 3), (1, 2, 1, 2)), ((1, 1, 1, 1), (1, 1, 1, 2))),
       edges=HUGE_LESS, differs=nonfinite_grid),
    Op("F.grid_sample 3-D", functional("grid_sample", padding_mode="reflection", align_corners=True), arity=2,
       dtypes=FLOATS, one_dtype=True, shapes=(((1, 2, 2, 2, 3), (1, 1, 2, 1, 3)), ((1, 1, 1, 1, 1), (1, 1, 1, 1, 3))),
       edges=HUGE_LESS, differs=nonfinite_grid),
    Op("F.affine_grid", affine((1, 2, 3), align_corners=False), dtypes=FLOATS,
       shapes=batches((2, 2, 3), (0, 2, 3), (1, 2, 3), (1, 3, 3))),
    Op("F.affine_grid 3-D align_corners", affine((1, 2, 1, 3), align_corners=True), dtypes=FLOATS,
       shapes=batches((1, 3, 4), (0, 3, 4), (1, 2, 3))),
    # Shuffles: channels to pixels and back, channels across groups; grids of coordinates.
    Op("F.pixel_shuffle", functional("pixel_shuffle", 2), dtypes=FLOATS + INTEGERS,
       shapes=batches((1, 4, 1, 2), (0, 8, 1, 1), (4, 2, 1), (2, 1, 4, 1, 1), (1, 3, 2, 2)), differs=empty),
    Op("F.pixel_unshuffle", functional("pixel_unshuffle", 2), dtypes=FLOATS + INTEGERS,
       shapes=batches((1, 1, 2, 4), (0, 2, 2, 2), (1, 4, 2), (2, 1, 1, 2, 2), (1, 1, 3, 2)), differs=empty),
    Op("F.channel_shuffle", functional("channel_shuffle", 2), dtypes=FLOATS + INTEGERS,
       shapes=batches((1, 4, 1, 2), (0, 2, 1), (2, 6, 1), (1, 3, 2, 2))),
    Op("meshgrid", lambda lib, x, y: lib.meshgrid(x, y, indexing="ij"), arity=2, min_dims=1, max_dims=1),
    Op("meshgrid xy", lambda lib, x, y, z: lib.meshgrid(x, y, z, indexing="xy"), arity=3, max_dims=1),
]

# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
    "F.conv1d": "mixed float32 and float64 where PyTorch's kernels check no dtypes (an empty batch with a weight of "
                "the other dtype): ember refuses any mix, as PyTorch does elsewhere; ±1e38: in float32, sums that "
                "overflow partway give inf or NaN by the order of summation, PyTorch's kernels' order not NumPy's "
                "BLAS's; in float64, products of 1e38 round, and NumPy's BLAS keeps their rounding error through "
                "fused multiply-adds, as in matmul; integers: PyTorch's CPU kernels convolve integer tensors (not "
                "bools), ember floating point ones only",
    "F.conv1d stride 2 padding 1 dilation 2": "as F.conv1d; and float32 tensors holding ±inf or NaN: PyTorch's "
                                              "float32 kernel skips the padding, its float64 kernel and ember "
                                              "multiply the padding's zeros by them (0·inf is NaN)",
    "F.conv1d padding same": "as F.conv1d stride 2 padding 1 dilation 2", "F.conv1d groups 2": "as F.conv1d",
    "F.conv2d": "as F.conv1d", "F.conv2d stride 2 padding 1": "as F.conv1d stride 2 padding 1 dilation 2",
    "F.conv3d": "as F.conv1d", "F.conv3d stride 2 padding 1": "as F.conv1d stride 2 padding 1 dilation 2",
    "F.conv_transpose1d": "mixed float32 and float64 where PyTorch's kernels take them: a bias of the other dtype "
                          "(conv_transpose1d's, conv_transpose2d's and conv_tbc's kernels), and as F.conv1d; ±1e38 "
                          "as F.conv1d",
    "F.conv_transpose1d stride 2 output_padding 1": "as F.conv_transpose1d; and float32 tensors holding ±inf or NaN: "
                                                    "PyTorch's float32 kernel leaves the cropped positions out of the "
                                                    "weight's gradient (0 where its float64 kernel and ember give "
                                                    "inf·0, NaN)",
    "F.conv_transpose1d groups 2 dilation 2": "as F.conv_transpose1d", "F.conv_transpose2d": "as F.conv_transpose1d",
    "F.conv_transpose2d stride 2 padding 1": "as F.conv_transpose1d stride 2 output_padding 1",
    "F.conv_transpose3d": "mixed float32 and float64 with an empty batch (PyTorch's kernel checks no dtypes then); "
                          "±1e38 as F.conv1d",
    "F.conv_transpose3d stride 2": "as F.conv_transpose3d; float32 ±inf and NaN as F.conv_transpose1d stride 2 "
                                   "output_padding 1",
    "F.conv_tbc": "as F.conv_transpose1d",
    "F.conv_tbc pad 1": "as F.conv_transpose1d; and ±inf and NaN: PyTorch's kernel adds the products "
                        "of real time steps only, ember's conv1d multiplies the padding's zeros too (0·inf is NaN)",
    "F.max_pool2d": "integers: PyTorch's CPU kernels take the maxima of integer tensors in max_pool2d and max_pool3d "
                    "(not in max_pool1d, nor in the adaptive pools) and average them in avg_pool1d, 2d and 3d; ember "
                    "pools floating point tensors only",
    "F.max_pool3d": "as F.max_pool2d", "F.avg_pool1d": "as F.max_pool2d", "F.avg_pool2d": "as F.max_pool2d",
    "F.avg_pool3d": "as F.max_pool2d",
    "F.adaptive_avg_pool2d": "±1e38 beside small numbers: ember averages along one axis after the other, PyTorch "
                             "sums each window at once, and the order decides whether 1e38 - 1e38 + 1 keeps the 1",
    "F.adaptive_avg_pool3d": "as F.adaptive_avg_pool2d", "F.interpolate area": "as F.adaptive_avg_pool2d",
    "F.interpolate bilinear": "±1e38 beside -1e38, whose weighted sum cancels: PyTorch weighs each tap by the "
                              "product of its axes' weights and adds with fused multiply-adds, which keep a "
                              "product's rounding error (2.4e21 beside 1e38); ember reads one axis after the other",
    "F.interpolate bicubic": "as F.interpolate bilinear",
    "F.interpolate bicubic align_corners": "as F.interpolate bilinear",
    "F.interpolate trilinear": "as F.interpolate bilinear", "F.upsample_bilinear": "as F.interpolate bilinear",
    "F.pixel_unshuffle": "empty inputs: PyTorch returns them in their own shape ((0, 2, 2, 2) stays so), ember in the "
                         "unshuffled one ((0, 8, 1, 1))",
    "F.pixel_shuffle": "empty inputs: PyTorch's backward fails (its gradient, pixel_unshuffle's, keeps the empty "
                       "shape), ember's gives the empty gradient",
    "F.grid_sample": "grids holding NaN or ±inf: which pixels PyTorch reads there depends on how its kernels "
                     "(vectorized for images, scalar for volumes) clip and cast a coordinate that is not finite; ember "
                     "reads none; ±1e38 beside small numbers: the grid's gradient adds the taps' terms in another "
                     "order than PyTorch's, which decides whether a small one outlives 1e38 - 1e38",
    "F.grid_sample nearest border": "NaN and ±inf as F.grid_sample", "F.grid_sample 3-D": "as F.grid_sample",
    "F.grid_sample bicubic reflection": "as F.grid_sample; and ±1e38 where the 4 taps read one pixel (clamped at "
                                        "the border): the grid's gradient is 0, PyTorch's the rounding error of the "
                                        "cubic slopes' sum times the pixel (-7.4e19 at a pixel of 1e38)",
}
