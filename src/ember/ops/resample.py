"""Resampling: reading a feature map at other positions than its own pixels, to resize it or to warp it.

interpolate resizes (N, C, *spatial). Each output pixel falls somewhere between input pixels and is read
off them by a rule: the nearest pixel ('nearest', 'nearest-exact'), the weighted mean of the 2, 4 or 8
around it ('linear', 'bilinear', 'trilinear'), a cubic through the 4 × 4 around it ('bicubic'), or the
mean of the pixels its area covers ('area'). Each rule reads along each axis on its own, so a resize is a
linear map along each spatial axis, a small matrix A (out, in) per axis: out = A_h · x · A_wᵀ for an
image, and the gradient goes back through the transposes.

grid_sample reads the input at arbitrary points instead: a grid of coordinates in [-1, 1], one point per
output pixel (the warp of a spatial transformer network; affine_grid makes the grid of a rotation, zoom or
shear). Each point is read by bilinear (or nearest, or bicubic) interpolation of the pixels around it, with
a gradient for the input and for the points themselves.
"""

import math
import warnings
from typing import NamedTuple

from .. import backend
from ..autograd import Function, InputError
from .conv import ints

# ---------------------------------------------------------------------------------------------
# Resizing: a linear map along each axis.


class Taps(NamedTuple):
    """How the q output positions along an axis of n input positions read it, as PyTorch reads them: position i
    is Σ_k weights[k, i]·x[indices[k, i]] (the plain sum where weights is None), divided by counts[i] where
    counts is given (a window's mean); an index of -1 reads nothing (a window shorter than the others)."""

    indices: object
    weights: object
    counts: object
    n: int

    def read(self, xp, x, axis):
        """x read along axis: its size there goes from n to q."""
        along = (-1,) + (1,) * (x.ndim - axis - 1)  # a (q,) array along axis
        out = 0
        for k, index in enumerate(self.indices):
            term = xp.take(x, index, axis=axis)
            if self.weights is not None:
                term = term * self.weights[k].reshape(along)
            elif (index < 0).any():
                term = xp.where((index >= 0).reshape(along), term, 0)
            out = out + term
        return out if self.counts is None else out / self.counts.astype(out.dtype).reshape(along)

    def matrix(self, xp, dtype):
        """The map as a matrix A (q, n): out = A · x along the axis."""
        positions = xp.arange(self.n)
        weights = xp.ones(self.indices.shape) if self.weights is None else self.weights
        matrix = sum((positions == index[:, None]) * weight[:, None] for index, weight in zip(self.indices, weights))
        return (matrix if self.counts is None else matrix / self.counts[:, None]).astype(dtype)


class Resample(Function):
    """A linear map along each trailing axis: for two axes, out = A_h · x · A_wᵀ per image, each A
    (out_size, in_size). Every interpolate mode is this, and so is adaptive average pooling (each output
    position averages a range of input positions). Forward reads each output position's taps (see Taps) rather
    than multiplying by the whole matrix, whose zeros would meet an infinity elsewhere in the row (0·inf is NaN).
    The gradient goes back through the transposes: grad_x = A_hᵀ · grad · A_w."""

    def forward(ctx, x, taps):
        ctx.taps = taps
        for axis, axis_taps in enumerate(taps, x.ndim - len(taps)):
            x = axis_taps.read(ctx.xp, x, axis)
        return x

    def backward(ctx, grad):
        xp = ctx.xp
        for axis, axis_taps in enumerate(ctx.taps, grad.ndim - len(ctx.taps)):
            grad = xp.moveaxis(xp.tensordot(grad, axis_taps.matrix(xp, grad.dtype), axes=(axis, 0)), -1, axis)
        return grad


def window_taps(xp, n, q):
    """Taps of q windows along an axis of n: window i averages positions ⌊i·n/q⌋ to ⌈(i+1)·n/q⌉ - 1 (they may
    overlap)."""
    i = xp.arange(q)
    starts, ends = (i * n) // q, -((-(i + 1) * n) // q)
    indices = starts + xp.arange(int((ends - starts).max()))[:, None]
    return Taps(xp.where(indices < ends, indices, -1), None, ends - starts, n)


def _nearest_sources(xp, mode, n, q, scale_factor):
    """For each of q output positions, the input position that 'nearest' (⌊i·s⌋) or 'nearest-exact'
    (⌊(i + ½)·s⌋) copies, s = n/q or 1/scale_factor, computed in float32 as PyTorch does, so that both
    pick the same pixels (and, as PyTorch, exactly for sizes n and 2n)."""
    if mode == "nearest" and q == n:
        return xp.arange(q)
    if mode == "nearest" and q == 2 * n:
        return xp.arange(q) // 2
    scale = backend.float32.type(1.0 / scale_factor if scale_factor else n / q)
    offset = backend.float32.type(0.5 if mode == "nearest-exact" else 0.0)
    positions = (xp.arange(q, dtype=backend.float32) + offset) * scale
    return xp.minimum(xp.floor(positions).astype(xp.int64), n - 1)


def _source_coordinates(xp, n, q, scale_factor, align_corners, cubic, dtype):
    """Where each of q output positions falls among n input positions: i·(n - 1)/(q - 1) with
    align_corners (the corner pixels' centres align), else (i + ½)·s - ½ with s = n/q or 1/scale_factor
    (the corners of the pixels align), clamped at 0 except for a cubic; computed in dtype, as PyTorch does,
    so that both find the same positions (and the same exact ones, whose second tap weighs 0)."""
    i = xp.arange(q, dtype=dtype)
    one = dtype.type(1)
    if align_corners:
        return i * (dtype.type(n - 1) / dtype.type(q - 1) if q > 1 else dtype.type(0))
    scale = dtype.type(1.0 / scale_factor) if scale_factor else dtype.type(n) / dtype.type(q)
    source = (i + one / 2) * scale - one / 2
    return source if cubic else xp.maximum(source, dtype.type(0))


A = -0.75  # the cubic convolution kernel's parameter, PyTorch's (and OpenCV's) choice


def _near(x):
    """The cubic convolution kernel at a distance |x| ≤ 1."""
    return ((A + 2) * x - (A + 3)) * x * x + 1


def _far(x):
    """The cubic convolution kernel at a distance 1 < |x| < 2."""
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A


def _near_slope(x):
    return (3 * (A + 2) * x - 2 * (A + 3)) * x


def _far_slope(x):
    return (3 * A * x - 10 * A) * x + 8 * A


def cubic_weights(t):
    """The weights of the 4 taps around a point t ∈ [0, 1) past the second of them (taps at -1, 0, 1, 2)."""
    return [_far(t + 1), _near(t), _near(1 - t), _far(2 - t)]


def cubic_slopes(t):
    """d/dt of cubic_weights(t), for the gradient with respect to the point."""
    return [_far_slope(t + 1), _near_slope(t), -_near_slope(1 - t), -_far_slope(2 - t)]


def _resize_taps(xp, mode, n, q, scale_factor, align_corners, dtype):
    """How each of q output positions along an axis reads the n input positions in mode (Taps)."""
    if mode == "area":
        return window_taps(xp, n, q)
    if mode in ("nearest", "nearest-exact"):
        return Taps(_nearest_sources(xp, mode, n, q, scale_factor)[None], None, None, n)
    opmath = backend.float64 if dtype == backend.float64 else backend.float32  # PyTorch's, for 16-bit floats too
    source = _source_coordinates(xp, n, q, scale_factor, align_corners, mode == "bicubic", opmath)
    first = xp.floor(source)
    t = source - first
    first = first.astype(xp.int64)
    if mode == "bicubic":
        indices, weights = [first + offset for offset in (-1, 0, 1, 2)], cubic_weights(t)
    else:  # an axis that keeps its size reads each position twice, as PyTorch does (the second weighs 0)
        indices, weights = [first, first if q == n else first + 1], [1 - t, t]
    return Taps(xp.clip(xp.stack(indices), 0, n - 1), xp.stack(weights).astype(dtype), None, n)


INTERPOLATE_MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 1, "bilinear": 2,
                     "bicubic": 2, "trilinear": 3}


def _check_interpolate(input, mode, align_corners, antialias):  # noqa: A002 (PyTorch's argument name)
    name = "interpolate"
    if mode not in INTERPOLATE_MODES:
        raise NotImplementedError(f"{name}: mode must be one of {', '.join(map(repr, INTERPOLATE_MODES))}, got "
                                  f"{mode!r}")
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"{name}: expected input (N, C, *spatial) with 1 to 3 spatial dimensions, got "
                                  f"{tuple(input.shape)}")
    if align_corners is not None and INTERPOLATE_MODES[mode] is None:
        raise ValueError(f"{name}: align_corners can only be set with the interpolating modes linear, bilinear, "
                         f"bicubic and trilinear, got mode={mode!r}")
    if antialias:
        raise NotImplementedError(f"{name}: ember implements antialias=False only")
    spatial_dims = INTERPOLATE_MODES[mode]
    if spatial_dims is not None and input.ndim != spatial_dims + 2:
        raise NotImplementedError(f"{name}: mode {mode!r} needs a {spatial_dims + 2}-D input, got "
                                  f"{tuple(input.shape)}")
    if backend.kind_of(input.dtype) != "f":
        raise InputError(f"{name} needs a floating point tensor, got {input.dtype}")


def _output_sizes(input, size, scale_factor, recompute_scale_factor):  # noqa: A002
    """The output's spatial size, and the scale factors the modes use (None where the sizes decide)."""
    name, spatial = "interpolate", input.shape[2:]
    dims = len(spatial)
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{name}: give exactly one of size and scale_factor")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError(f"{name}: recompute_scale_factor has no meaning with an explicit size")
        sizes = ints(size, dims, "size", name)
        scales = (None,) * dims
    else:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * dims
        if len(scales) != dims or any(isinstance(s, bool) or not isinstance(s, (int, float)) for s in scales):
            raise ValueError(f"{name}: scale_factor must be a number or a tuple of {dims} of them, got "
                             f"{scale_factor!r}")
        sizes = tuple(math.floor(n * float(s)) for n, s in zip(spatial, scales))
        if recompute_scale_factor:
            scales = (None,) * dims
    if any(n < 1 for n in spatial) or any(q < 1 for q in sizes):
        raise RuntimeError(f"{name}: input and output sizes must be greater than 0, got input {tuple(spatial)} "
                           f"and output {sizes}")
    return sizes, scales


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial axes of (N, C, *spatial) to size, or by scale_factor (the size rounded down).
    mode 'nearest' copies the pixel each output pixel falls on (2× repeats each pixel in a 2×2 block);
    'linear', 'bilinear', 'trilinear' (for 1, 2, 3 spatial axes) interpolate between the neighbours,
    'bicubic' fits a cubic through 4 × 4 of them, 'area' averages what each output pixel covers.
    align_corners=True aligns the centres of the corner pixels instead of their outer corners."""
    sizes, scales = _output_sizes(input, size, scale_factor, recompute_scale_factor)
    _check_interpolate(input, mode, align_corners, antialias)
    xp = backend.xp_of(input.array)
    taps = tuple(_resize_taps(xp, mode, n, q, s, bool(align_corners), input.dtype)
                 for n, q, s in zip(input.shape[2:], sizes, scales))
    return Resample.apply(input, taps=taps)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: A002
    """interpolate's deprecated name (PyTorch warns so too)."""
    warnings.warn("upsample is deprecated: use interpolate", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):  # noqa: A002
    """interpolate(mode='nearest')'s deprecated name."""
    warnings.warn("upsample_nearest is deprecated: use interpolate", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):  # noqa: A002
    """interpolate(mode='bilinear', align_corners=True)'s deprecated name."""
    warnings.warn("upsample_bilinear is deprecated: use interpolate", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------------------------------------
# Sampling at given points: grid_sample, and affine_grid's grids.

class GridSample(Function):
    """out[n, c, p] = Σ_taps w_tap · x[n, c, tap] at each output position p, the taps being the pixels
    around the point grid[n, p] and w their interpolation weights: x (N, C, *spatial), grid
    (N, *out, D) of (x, y[, z]) coordinates in [-1, 1] -> (N, C, *out).

    The taps are every combination of each axis's taps (2 for bilinear, 4 for bicubic, 1 for nearest), a
    tap's weight the product of its axes' weights. Backward adds each tap's share of the gradient back
    onto its pixel (for x), and differentiates the weights along each axis (for the grid)."""

    def forward(ctx, x, grid, mode, padding_mode, align_corners):
        xp = ctx.xp
        n, channels = x.shape[:2]
        ctx.axes = [_axis_taps(xp, grid[..., x.ndim - 3 - a], size, mode, padding_mode, align_corners)
                    for a, size in enumerate(x.shape[2:])]
        ctx.x_shape, ctx.grid_shape, ctx.nearest = x.shape, grid.shape, mode == "nearest"
        pixels = xp.zeros((n, math.prod(x.shape[2:]) + 1, channels), dtype=x.dtype)  # (N, L + 1, C): a zero last
        pixels[:, :-1] = xp.moveaxis(x.reshape(n, channels, pixels.shape[1] - 1), 1, 2)
        ctx.save_for_backward(pixels)
        out = 0
        for flat, weight, _ in _combinations(xp, ctx.axes, x.shape[2:]):
            out = out + weight[..., None] * pixels[xp.arange(n)[:, None], flat]        # (N, P, C)
        return xp.moveaxis(out, 2, 1).reshape(x.shape[:2] + grid.shape[1:-1])

    def backward(ctx, grad):
        xp = ctx.xp
        (pixels,) = ctx.saved
        n, channels = ctx.x_shape[:2]
        grad = xp.moveaxis(grad.reshape(n, channels, math.prod(grad.shape[2:])), 1, 2)  # (N, P, C)
        rows = (xp.arange(n) * pixels.shape[1])[:, None]
        grad_x = xp.zeros((n * pixels.shape[1], channels), dtype=grad.dtype) if ctx.needs_input_grad[0] else None
        grad_grid = xp.zeros(ctx.grid_shape, dtype=grad.dtype) if ctx.needs_input_grad[1] else None
        for flat, weight, slopes in _combinations(xp, ctx.axes, ctx.x_shape[2:]):
            if grad_x is not None:
                backend.scatter_add(grad_x, ((rows + flat).ravel(),), (weight[..., None] * grad).reshape(-1, channels))
            if grad_grid is not None and not ctx.nearest:  # nearest's points have the gradient 0
                along = (grad * pixels[xp.arange(n)[:, None], flat]).sum(axis=-1).reshape(grad_grid.shape[:-1])
                for a, slope in enumerate(slopes):
                    grad_grid[..., len(slopes) - 1 - a] += slope.reshape(along.shape) * along
        if grad_x is not None:
            grad_x = xp.moveaxis(grad_x.reshape(pixels.shape)[:, :-1], 2, 1).reshape(ctx.x_shape)
        return grad_x, grad_grid


def _unnormalize(coordinate, size, align_corners):
    """A grid coordinate in [-1, 1] as a pixel position in [0, size - 1] (align_corners: -1 and 1 are the
    corner pixels' centres) or in [-½, size - ½] (else: their outer edges), and d position / d coordinate."""
    if align_corners:
        return (coordinate + 1) * ((size - 1) / 2), (size - 1) / 2
    return ((coordinate + 1) * size - 1) / 2, size / 2


def _padded(xp, position, size, padding_mode, align_corners):
    """A pixel position moved inside the image as padding_mode says ('border': clamped to the edge,
    'reflection': mirrored at the edges, then clamped; 'zeros': left as it is), and its slope."""
    slope = xp.ones_like(position)
    if padding_mode == "reflection":
        low, high = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
        position, slope = _reflected(xp, position, low, high)
    if padding_mode in ("border", "reflection"):
        inside = (position > 0) & (position < size - 1)
        position, slope = xp.clip(position, 0, size - 1), slope * inside
    return position, slope


def _reflected(xp, position, low, high):
    """position mirrored into [low, high] (as often as it takes), and d mirrored / d position (±1)."""
    span = high - low
    if span <= 0:
        return xp.zeros_like(position), xp.zeros_like(position)
    distance = position - low
    sign = xp.where(distance < 0, -1.0, 1.0)
    distance = xp.abs(distance)
    flips = xp.floor(distance / span)
    extra = distance - flips * span
    even = flips % 2 == 0
    return xp.where(even, low + extra, high - extra), sign * xp.where(even, 1.0, -1.0)


def _axis_taps(xp, coordinate, size, mode, padding_mode, align_corners):
    """One axis's taps for the points' coordinates along it: [(pixel index, weight, d weight / d coordinate)],
    the weight 0 where a tap lies outside the image (zeros padding)."""
    position, scale = _unnormalize(coordinate, size, align_corners)
    if mode == "bicubic":
        first = xp.floor(position)
        t = position - first
        indices = [_padded(xp, first + offset, size, padding_mode, align_corners)[0] for offset in (-1, 0, 1, 2)]
        taps = [(index, w, s * scale) for index, w, s in zip(indices, cubic_weights(t), cubic_slopes(t))]
    else:
        position, slope = _padded(xp, position, size, padding_mode, align_corners)
        if mode == "nearest":
            taps = [(xp.rint(position), xp.ones_like(position), xp.zeros_like(position))]
        else:
            first = xp.floor(position)
            t = position - first
            taps = [(first, 1 - t, -slope * scale), (first + 1, t, slope * scale)]
    result = []
    for index, weight, weight_slope in taps:
        inside = (index >= 0) & (index <= size - 1)
        result.append((xp.where(inside, index, 0).astype(xp.int64), weight * inside, weight_slope * inside, inside))
    return result


def _combinations(xp, axes, spatial):
    """Every combination of one tap per axis: (flat pixel index, weight, [d weight / d coordinate per axis]),
    each (N, P) for the P = prod(out) points of each of the N grids. A tap outside the image reads the pixel
    one past the last, a zero, as PyTorch reads none there (its weight times an infinite pixel would be NaN)."""
    n = axes[0][0][0].shape[0]
    combinations = [(0, 1.0, [], True)]
    for taps, size in zip(axes, spatial):
        combinations = [(flat * size + index, weight * w, [s * w for s in slopes] + [slope * weight], inside & within)
                        for flat, weight, slopes, inside in combinations for index, w, slope, within in taps]
    return [(_per_grid(xp.where(inside, flat, math.prod(spatial)), n), _per_grid(weight, n),
             [_per_grid(s, n) for s in slopes]) for flat, weight, slopes, inside in combinations]


def _per_grid(a, n):
    """a (N, *out) as (N, P), P = prod(out) (zero too, for an empty batch)."""
    return a.reshape(n, math.prod(a.shape[1:]))


GRID_MODES, GRID_PADDING_MODES = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")


def _default_align_corners(align_corners):
    if align_corners is None:
        warnings.warn("grid_sample and affine_grid default to align_corners=False (since PyTorch 1.3.0); say "
                      "align_corners=True for the old behaviour", stacklevel=3)
        return False
    return bool(align_corners)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):  # noqa: A002
    """input (N, C, H, W) read at the points of grid (N, H_out, W_out, 2) -> (N, C, H_out, W_out): point
    (x, y) in [-1, 1] (x along W, -1 the left edge) read by mode 'bilinear', 'nearest' or 'bicubic'. Points
    outside read zeros ('zeros'), the edge ('border') or the image mirrored ('reflection'). Volumes
    (N, C, D, H, W) take grids (N, D_out, H_out, W_out, 3) of (x, y, z), with 'bilinear' (trilinear) or
    'nearest'."""
    name = "grid_sample"
    if mode not in GRID_MODES:
        raise ValueError(f"{name}: mode must be one of {', '.join(map(repr, GRID_MODES))}, got {mode!r}")
    if padding_mode not in GRID_PADDING_MODES:
        raise ValueError(f"{name}: padding_mode must be one of {', '.join(map(repr, GRID_PADDING_MODES))}, got "
                         f"{padding_mode!r}")
    align_corners = _default_align_corners(align_corners)
    spatial_dims = input.ndim - 2
    if input.ndim not in (4, 5) or grid.ndim != input.ndim or grid.shape[-1] != spatial_dims \
            or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"{name}: expected input (N, C, H, W) with grid (N, H_out, W_out, 2), or input "
                           f"(N, C, D, H, W) with grid (N, D_out, H_out, W_out, 3), got input {tuple(input.shape)} "
                           f"and grid {tuple(grid.shape)}")
    if mode == "bicubic" and spatial_dims != 2:
        raise RuntimeError(f"{name}: mode 'bicubic' needs a 4-D input (N, C, H, W), got {tuple(input.shape)}")
    if backend.kind_of(input.dtype) != "f" or grid.dtype != input.dtype:
        raise InputError(f"{name}: input and grid must have one floating point dtype, got {input.dtype} and "
                         f"{grid.dtype}")
    return GridSample.apply(input, grid, mode=mode, padding_mode=padding_mode, align_corners=align_corners)


class AffineGrid(Function):
    """grid[n, p] = θ[n] · (x_p, y_p, 1): the normalized coordinates of each output position moved by the
    affine map θ (N, D, D + 1) -> (N, *size, D). Backward: dθ[n] = Σ_p grad[n, p] ⊗ (x_p, y_p, 1)."""

    def forward(ctx, theta, size, align_corners):
        ctx.base = _base_grid(ctx.xp, size, align_corners, theta.dtype)              # (P, D + 1)
        return (ctx.base @ theta.swapaxes(1, 2)).reshape((theta.shape[0],) + size + (len(size),))

    def backward(ctx, grad):
        return grad.reshape(grad.shape[0], ctx.base.shape[0], grad.shape[-1]).swapaxes(1, 2) @ ctx.base


def _base_grid(xp, size, align_corners, dtype):
    """The coordinates (x, y[, z], 1) of every position of an image of spatial size, row-major: (P, D + 1).
    They run from -1 to 1 across each axis: between the corner pixels' centres with align_corners, else
    between their outer edges (so the centres lie at ±(n - 1)/n); an axis of one position lies at 0."""
    axes = [xp.linspace(-1.0, 1.0, n, dtype=dtype) * (1 if align_corners else (n - 1) / n) if n > 1
            else xp.zeros(1, dtype=dtype) for n in size]
    mesh = xp.meshgrid(*axes, indexing="ij")
    return xp.stack([m.reshape(-1) for m in reversed(mesh)] + [xp.ones(math.prod(size), dtype=dtype)], axis=1)


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of an affine map for grid_sample: theta (N, 2, 3) and size (N, C, H, W) ->
    (N, H, W, 2), or theta (N, 3, 4) and size (N, C, D, H, W) -> (N, D, H, W, 3). The identity
    [[1, 0, 0], [0, 1, 0]] reads the image as it is; a rotation's or a zoom's matrix warps it."""
    name = "affine_grid"
    align_corners = _default_align_corners(align_corners)
    size = tuple(size)
    if backend.kind_of(theta.dtype) != "f":
        raise ValueError(f"{name}: expected a floating point theta, got {theta.dtype}")
    if len(size) not in (4, 5):
        raise NotImplementedError(f"{name}: size must be (N, C, H, W) or (N, C, D, H, W), got {size}")
    dims = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (dims, dims + 1) or theta.shape[0] != size[0]:
        raise ValueError(f"{name}: expected theta ({size[0]}, {dims}, {dims + 1}) for size {size}, got "
                         f"{tuple(theta.shape)}")
    if min(size if dims == 2 else size[2:]) <= 0:  # as PyTorch: a volume's batch and channels may be empty
        raise ValueError(f"{name}: expected a positive size, got {size}")
    return AffineGrid.apply(theta, size=size[2:], align_corners=align_corners)
