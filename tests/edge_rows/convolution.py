"""The rows of convolution, pooling and resampling (F.conv*, the pools, fold and unfold, pad, interpolate,
grid_sample, the shuffles), whose inputs' shapes depend on each other: each row names its shapes."""

from differential import EDGES, FLOATS, INTEGERS, Op, function, functional, method  # noqa: F401 (for the rows)

ROWS = [
]

# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
}

# The differentiable public functions of this family that have no row yet.
STILL_TO_WRITE = """
    F.adaptive_avg_pool1d F.adaptive_avg_pool2d F.adaptive_avg_pool3d F.adaptive_max_pool1d
    F.adaptive_max_pool1d_with_indices F.adaptive_max_pool2d F.adaptive_max_pool2d_with_indices
    F.adaptive_max_pool3d F.adaptive_max_pool3d_with_indices F.affine_grid F.avg_pool1d F.avg_pool2d F.avg_pool3d
    F.channel_shuffle F.conv1d F.conv2d F.conv3d F.conv_tbc F.conv_transpose1d F.conv_transpose2d F.conv_transpose3d
    F.fold F.fractional_max_pool2d F.fractional_max_pool2d_with_indices F.fractional_max_pool3d
    F.fractional_max_pool3d_with_indices F.grid_sample F.interpolate F.lp_pool1d F.lp_pool2d F.lp_pool3d
    F.max_pool1d F.max_pool1d_with_indices F.max_pool2d F.max_pool2d_with_indices F.max_pool3d
    F.max_pool3d_with_indices F.max_unpool1d F.max_unpool2d F.max_unpool3d F.native_channel_shuffle F.pad
    F.pixel_shuffle F.pixel_unshuffle F.unfold F.upsample F.upsample_bilinear F.upsample_nearest adaptive_avg_pool1d
    adaptive_max_pool1d avg_pool1d channel_shuffle conv1d conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d
    conv_transpose3d max_pool1d max_pool1d_with_indices max_pool2d max_pool3d meshgrid native_channel_shuffle
    pixel_shuffle pixel_unshuffle"""
