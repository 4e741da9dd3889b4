"""Convolution: a small filter slid across an image, the same weights at every position.

A convolutional layer detects features. Each of its filters (out_channels of them, each
in_channels × kh × kw numbers) responds to one local pattern wherever it occurs in the image: the
first layer's filters learn edges and blobs, later layers combine those into corners, strokes and
shapes. Sharing the weights across positions makes a conv layer far smaller than a Linear layer on
the same image, and what it learns at one place works at every other.

How it runs here: *im2col*. Every window the filter visits is copied out as one column of a matrix
(unfold), so that all filters on all windows become one matrix product on BLAS:

    out (O, L·N) = W (O, C·kh·kw) @ cols (C·kh·kw, L·N)          L: output positions per image

The backward pass is two more products, dW = grad @ colsᵀ and dcols = Wᵀ @ grad, and *col2im*
(fold), which adds each column of dcols back onto the pixels its window came from: one strided
addition per kernel offset (kh·kw of them), never a loop over images or pixels (only over bands of
output rows, sized to the processor's cache). A transposed
convolution is the same three pieces in the other order: its forward is a convolution's input
gradient. The same Window serves 1-D signals, 2-D images and 3-D volumes (a kernel offset is then a
triple), and unfold and fold are users' functions too (F.unfold, F.fold).

Memory layout. Arrays keep PyTorch's shape (N, C, *spatial), but a conv layer's numbers lie in memory
as (C, *spatial, N): *batch-innermost*. The matrix product delivers exactly that, (O, L·N), so the
result is a view of it, not a transposed copy; ReLU and pooling keep the layout, the next layer
unfolds from it, and the gradient comes back in it, already in columns. It also makes one kernel
offset's windows, over all images at once, runs of (output width × N) contiguous numbers in both the
padded input and the columns, so that unfold and fold copy and add at memory speed instead of one
short image row at a time.
"""

import itertools
import math

from .. import backend
from ..autograd import Function, InputError
from .padding import pad
from .shape import stack


class Window:
    """Where a kernel visits an input (N, C, *spatial): kernel taps `dilation` apart, moved `stride`
    at a time over the input padded by `padding`, a (before, after) pair per spatial axis."""

    def __init__(self, kernel, stride, padding, dilation):
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation

    def span(self):
        """How far each window reaches along each axis: d·(k - 1) + 1."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel, self.dilation))

    def padded_size(self, spatial):
        return tuple(n + before + after for n, (before, after) in zip(spatial, self.padding))

    def output_size(self, spatial):
        """Windows along each axis: ⌊(padded - span) / stride⌋ + 1 (0 or less: the input is too small)."""
        return tuple((p - s) // t + 1 for p, s, t in zip(self.padded_size(spatial), self.span(), self.stride))

    def offsets(self):
        """Every position inside the kernel, (0, 0), (0, 1), ...: what the im2col and col2im loops run over."""
        return itertools.product(*(range(k) for k in self.kernel))

    def tiles(self, spatial):
        """Whether the windows lie side by side and cover an input of this spatial size exactly: stride
        = kernel, no dilation or padding, every side a multiple of the kernel."""
        return (self.stride == self.kernel and all(d == 1 for d in self.dilation)
                and not any(before or after for before, after in self.padding)
                and all(n % k == 0 for n, k in zip(spatial, self.kernel)))

    def pad(self, xp, x, value=0.0):
        """x inside a border of `value`, laid out batch-innermost (a copy, unless x needs no border and
        is laid out so already)."""
        if not any(before or after for before, after in self.padding) and is_batch_innermost(x):
            return x
        padded = batch_innermost(xp, x.shape[:2] + self.padded_size(x.shape[2:]), x.dtype, value)
        self.crop(padded)[...] = x
        return padded

    def crop(self, padded):
        """The inverse of pad: the part of padded (N, C, *padded_size) that the input covered."""
        inside = tuple(slice(before, n - after) for (before, after), n in zip(self.padding, padded.shape[2:]))
        return padded[(slice(None), slice(None)) + inside]

    def view(self, xp, padded, out_size):
        """All windows of padded (N, C, *padded_size) as a strided view (N, C, *kernel, *out_size):
        no copy; element [n, c, i, j, y, x] is padded[n, c, y·stride + i·dilation, x·stride + j·dilation]."""
        axis_strides = padded.strides[2:]
        strides = (padded.strides[:2] + tuple(s * d for s, d in zip(axis_strides, self.dilation))
                   + tuple(s * t for s, t in zip(axis_strides, self.stride)))
        return xp.lib.stride_tricks.as_strided(padded, padded.shape[:2] + self.kernel + out_size, strides)

    def columns_view(self, xp, padded, out_size):
        """The windows of a batch-innermost padded (N, C, *padded_size) in the order of the columns,
        (C, *kernel, *out_size, N): still no copy."""
        return xp.moveaxis(self.view(xp, padded, out_size), 0, -1)

    def unfold(self, xp, x, out_size):
        """im2col: x (N, C, *spatial) -> the windows as columns (C, *kernel, *out_size, N)."""
        return self.copy_columns(xp, self.columns_view(xp, self.pad(xp, x), out_size))

    def copy_columns(self, xp, windows):
        """The columns of windows (a columns_view, or a band of one) as a new array, one copy per kernel offset."""
        cols = xp.empty(windows.shape, dtype=windows.dtype)
        for offset in self.offsets():
            index = (slice(None),) + offset
            xp.copyto(cols[index], windows[index])
        return cols

    def fold(self, xp, cols, windows):
        """col2im, unfold's adjoint: cols (C, *kernel, *out_size, N) added onto the pixels each window
        came from, through windows, a columns_view (or a band of one) of the padded gradient."""
        for offset in self.offsets():
            index = (slice(None),) + offset
            target = windows[index]  # one offset's pixels are distinct, so adding cannot collide
            xp.add(target, cols[index], out=target)


def batch_innermost(xp, shape, dtype, fill):
    """A new array of shape (N, C, *spatial) filled with `fill`, laid out in memory as (C, *spatial, N)."""
    return xp.moveaxis(xp.full(shape[1:] + shape[:1], fill, dtype=dtype), -1, 0)


def batch_to_end(y):
    """(N, C, *spatial) seen as (C, *spatial, N), no copy."""
    return y.transpose(tuple(range(1, y.ndim)) + (0,))


def is_batch_innermost(y):
    return batch_to_end(y).flags.c_contiguous


def grouped_columns(xp, x, window, groups, out_size):
    """The windows of x (N, C, *spatial) as columns, grouped: (groups, C/groups·K, L·N)."""
    rows = x.shape[1] // groups * math.prod(window.kernel)
    return window.unfold(xp, x, out_size).reshape(groups, rows, math.prod(out_size) * x.shape[0])


def filter_product(xp, weight, cols, groups, out_size, bias=None):
    """All filters on all windows at once: weight (O, C/groups, *kernel) @ cols (groups, C/groups·K, L·N)
    -> (N, O, *out_size), one matrix product per group, plus the bias per channel.

    The product comes out batch-innermost, (O, L·N), and stays so: the result is a view of it, not a
    transposed copy."""
    out_channels = weight.shape[0]
    out = xp.matmul(weight.reshape(groups, out_channels // groups, -1), cols)   # (groups, O/groups, L·N)
    out = xp.moveaxis(out.reshape((out_channels,) + out_size + (-1,)), -1, 0)
    return out if bias is None else add_bias_in_place(out, bias)


def banded_filter_product(xp, weight, padded, window, groups, out_size):
    """filter_product∘unfold of padded (N, C, *padded_size) -> (N, O, *out_size), in bands of output rows:
    each band's columns are made, multiplied and dropped while still in the processor's cache, so the
    unfolded input (kh·kw times as large as the input) never exists whole."""
    out_channels, n = weight.shape[0], padded.shape[0]
    w = weight.reshape(groups, out_channels // groups, -1)                        # (groups, O/groups, C/groups·K)
    windows = window.columns_view(xp, padded, out_size)                          # (C, *kernel, *out_size, N)
    per_row = math.prod(out_size[1:]) * n                                        # columns per output row
    out = xp.empty((groups, out_channels // groups, math.prod(out_size) * n), padded.dtype)
    for rows in row_bands(xp, out_size[0], per_row * groups * w.shape[2] * padded.itemsize):
        cols = window.copy_columns(xp, windows[window_band(window, rows)])
        xp.matmul(w, cols.reshape(groups, w.shape[2], -1), out=out[..., rows.start * per_row:rows.stop * per_row])
    return xp.moveaxis(out.reshape((out_channels,) + out_size + (n,)), -1, 0)


def banded_weight_grad(xp, y_cols, padded, window, out_size, weight_shape):
    """weight_grad with the columns of padded (N, C, *padded_size) made band by band of output rows, as
    banded_filter_product makes them: y_cols (groups, O/groups, L·N) -> dW of weight_shape."""
    groups = y_cols.shape[0]
    windows = window.columns_view(xp, padded, out_size)
    per_row = y_cols.shape[-1] // out_size[0]
    column = windows.shape[0] * math.prod(window.kernel)  # numbers in one column: C·K
    grad = None
    for rows in row_bands(xp, out_size[0], per_row * column * padded.itemsize):
        cols = window.copy_columns(xp, windows[window_band(window, rows)]).reshape(groups, column // groups, -1)
        part = weight_grad(xp, y_cols[..., rows.start * per_row:rows.stop * per_row], cols, weight_shape)
        grad = part if grad is None else xp.add(grad, part, out=grad)
    return grad


def window_band(window, rows):
    """The index of a band of output rows (a slice) in a columns_view (C, *kernel, *out_size, N)."""
    return (slice(None),) * (1 + len(window.kernel)) + (rows,)


def add_bias_in_place(out, bias):
    """out (N, C, *spatial), a fresh result of this module, plus a bias per channel (C,)."""
    out += bias.reshape((-1,) + (1,) * (out.ndim - 2))
    return out


def as_columns(y, groups):
    """(N, O, *spatial) -> (groups, O/groups, L·N), for the matrix products: a view when y is
    batch-innermost, as filter_product's results and their gradients are; else a copy."""
    return batch_to_end(y).reshape(groups, y.shape[1] // groups, -1)


def weight_grad(xp, y_cols, cols, weight_shape):
    """dW = y_cols @ colsᵀ per group: each filter's gradient, summed over every window it saw.

    The sum runs over all L·N windows, a long inner dimension for a small result, which OpenBLAS does
    poorly in two ways. Its threads split a product well only along its first (row) side, so the
    longer side goes first: (cols @ y_colsᵀ)ᵀ when a filter has more numbers than there are filters
    (several times faster on a busy machine, where the threads otherwise wait on each other). And on a
    thin result (few filters of few numbers, as in a first layer) it runs 2 to 5 times faster on
    products of at most 2¹⁹ multiply-adds than on one long one, so there the sum goes in blocks of
    windows of that size (measured with OpenBLAS 0.3.31: LeNet's first layer 0.68 -> 0.26 ms)."""
    groups, filters, windows = y_cols.shape
    block = (1 << 19) // (filters * cols.shape[1])
    on_cpu = backend.is_cpu(xp)  # a GPU gains nothing from blocks, only kernel launches
    if on_cpu and 1024 <= block < windows:
        grad = y_cols[..., :block] @ cols[..., :block].swapaxes(1, 2)
        for start in range(block, windows, block):
            grad += y_cols[..., start:start + block] @ cols[..., start:start + block].swapaxes(1, 2)
    elif cols.shape[1] > filters:
        grad = (cols @ y_cols.swapaxes(1, 2)).swapaxes(1, 2)
    else:
        grad = y_cols @ cols.swapaxes(1, 2)
    return grad.reshape(weight_shape)


def filter_product_transpose(xp, y_cols, y_size, weight, window, groups, shape):
    """Wᵀ @ y_cols folded back into images: the gradient of filter_product∘unfold with respect to its
    input, and a transposed convolution's forward. y_cols (groups, O/groups, L·N) of maps of size
    y_size, weight (O, C/groups, *kernel) -> (N, C, *spatial) for shape = (N, C, *spatial).

    It runs in bands of output rows, each band's columns small enough to stay in the processor's
    cache from the product that makes them to the additions that fold them: all the columns at once
    (as large as the unfolded input) would go out to memory and back."""
    w_t = weight.reshape(groups, weight.shape[0] // groups, -1).swapaxes(1, 2)   # (groups, C/groups·K, O/groups)
    padded = batch_innermost(xp, shape[:2] + window.padded_size(shape[2:]), y_cols.dtype, 0)
    windows = window.columns_view(xp, padded, y_size)                            # (C, *kernel, *y_size, N)
    per_row = y_cols.shape[-1] // y_size[0]                                      # columns per output row
    for rows in row_bands(xp, y_size[0], per_row * w_t.shape[0] * w_t.shape[1] * y_cols.itemsize):
        cols = xp.matmul(w_t, y_cols[..., rows.start * per_row:rows.stop * per_row])
        band = window_band(window, rows)
        window.fold(xp, cols.reshape(windows[band].shape), windows[band])
    return window.crop(padded)


def row_bands(xp, rows, bytes_per_row):
    """The output rows in bands (slices) whose columns fill at most backend.cache_bytes(xp), one row at least."""
    limit = backend.cache_bytes(xp)
    step = rows if limit is None or bytes_per_row == 0 else max(1, limit // bytes_per_row)
    return [slice(start, min(rows, start + step)) for start in range(0, rows, step)]


class Conv(Function):
    """out[n, o] = Σ_c W[o, c] ⋆ x[n, c] + b[o] (⋆: slide and take dot products), for 1-D, 2-D and 3-D
    inputs: x (N, C, *spatial), weight (O, C/groups, *kernel), bias (O,) or None -> (N, O, *out).

    With groups g, the channels split into g independent convolutions (g = C: depthwise). The
    padded input is kept for backward when the weight needs a gradient, and unfolded again there,
    band by band: never the whole unfolded input (kh·kw times as large) at once.
    """

    def forward(ctx, x, weight, bias, *, window, groups):
        out_size = window.output_size(x.shape[2:])
        padded = window.pad(ctx.xp, x)
        ctx.window, ctx.groups, ctx.x_shape, ctx.out_size = window, groups, x.shape, out_size
        ctx.save_for_backward(weight, padded if ctx.needs_input_grad[1] else None)
        out = banded_filter_product(ctx.xp, weight, padded, window, groups, out_size)
        return out if bias is None else add_bias_in_place(out, bias)

    def backward(ctx, grad):
        weight, padded = ctx.saved
        grad_cols = as_columns(grad, ctx.groups)
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_w = banded_weight_grad(ctx.xp, grad_cols, padded, ctx.window, ctx.out_size, weight.shape)
        if ctx.needs_input_grad[0]:
            grad_x = filter_product_transpose(ctx.xp, grad_cols, grad.shape[2:], weight, ctx.window, ctx.groups,
                                              ctx.x_shape)
        if ctx.needs_input_grad[2]:
            grad_b = grad_cols.reshape(grad.shape[1], -1).sum(axis=1)
        return grad_x, grad_w, grad_b


class ConvTranspose(Function):
    """The adjoint of a convolution (sometimes called deconvolution): each input pixel spreads its
    value, weighted by the filter, over a kernel-sized patch of a larger output; where patches
    overlap they add. Upsamples feature maps in decoders and GANs.

    x (N, C_in, *spatial), weight (C_in, C_out/groups, *kernel), bias (C_out,) -> (N, C_out, *out).
    Forward is a convolution's input gradient; backward is a convolution (for x) and its weight gradient.
    """

    def forward(ctx, x, weight, bias, *, window, groups, out_size):
        x_cols = as_columns(x, groups)
        shape = (x.shape[0], weight.shape[1] * groups) + out_size
        ctx.window, ctx.groups, ctx.in_size = window, groups, x.shape[2:]
        ctx.save_for_backward(weight, x_cols if ctx.needs_input_grad[1] else None)
        out = filter_product_transpose(ctx.xp, x_cols, x.shape[2:], weight, window, groups, shape)
        return out if bias is None else add_bias_in_place(out, bias)

    def backward(ctx, grad):
        weight, x_cols = ctx.saved
        grad_cols = grouped_columns(ctx.xp, grad, ctx.window, ctx.groups, ctx.in_size)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = filter_product(ctx.xp, weight, grad_cols, ctx.groups, ctx.in_size)
        if ctx.needs_input_grad[1]:
            grad_w = weight_grad(ctx.xp, x_cols, grad_cols, weight.shape)
        grad_b = grad.sum(axis=(0,) + tuple(range(2, grad.ndim))) if ctx.needs_input_grad[2] else None
        return grad_x, grad_w, grad_b


# ---------------------------------------------------------------------------------------------
# im2col and col2im as ops of their own (F.unfold, F.fold): PyTorch's layout of the columns, one per window.

def as_blocks(xp, cols, window):
    """Columns (C, *kernel, *out_size, N), as Window.unfold gives them, in PyTorch's layout (N, C·K, L):
    row c·K + k of column l is kernel offset k of channel c in the l-th window (row by row)."""
    per_window = math.prod(cols.shape[:1 + len(window.kernel)])
    windows = math.prod(cols.shape[1 + len(window.kernel):-1])
    return xp.moveaxis(cols, -1, 0).reshape(cols.shape[-1], per_window, windows)


def from_blocks(xp, blocks, window, shape):
    """col2im: blocks (N, C·K, L) added onto an image of shape (N, C, *spatial), each column onto the
    pixels of its window; where windows overlap, their numbers add."""
    out_size = window.output_size(shape[2:])
    cols = xp.moveaxis(blocks.reshape(shape[:2] + window.kernel + out_size), 0, -1)
    padded = batch_innermost(xp, shape[:2] + window.padded_size(shape[2:]), blocks.dtype, 0)
    window.fold(xp, cols, window.columns_view(xp, padded, out_size))
    return window.crop(padded)


class Im2col(Function):
    """The windows of x (N, C, *spatial) as the columns of a matrix: (N, C·K, L), K numbers per window
    (the kernel's size times C), L windows. Backward is col2im: each column's gradient goes back onto
    the pixels its window came from."""

    def forward(ctx, x, window):
        ctx.window, ctx.shape = window, x.shape
        return as_blocks(ctx.xp, window.unfold(ctx.xp, x, window.output_size(x.shape[2:])), window)

    def backward(ctx, grad):
        return from_blocks(ctx.xp, grad, ctx.window, ctx.shape)


class Col2im(Function):
    """im2col's adjoint: blocks (N, C·K, L) summed into an image (N, C, *spatial) where their windows lie.
    Backward is im2col of the gradient."""

    def forward(ctx, blocks, window, shape):
        ctx.window = window
        return from_blocks(ctx.xp, blocks, window, shape)

    def backward(ctx, grad):
        window = ctx.window
        return as_blocks(ctx.xp, window.unfold(ctx.xp, grad, window.output_size(grad.shape[2:])), window)


# ---------------------------------------------------------------------------------------------
# The functions users call (F.conv1d ... F.conv_transpose3d, F.unfold, F.fold): arguments checked, then the op.

SPATIAL_NAMES = {1: "L", 2: "H, W", 3: "D, H, W"}
KERNEL_NAMES = {1: "k", 2: "kh, kw", 3: "kd, kh, kw"}


def ints(value, n, what, name, minimum=0):
    """An int, or a sequence of n ints, as a tuple of n ints ≥ minimum (stride, padding, kernel_size...)."""
    values = (value,) * n if isinstance(value, int) else tuple(value) if isinstance(value, (tuple, list)) else None
    if (values is None or len(values) != n or any(isinstance(v, bool) or not isinstance(v, int) for v in values)
            or any(v < minimum for v in values)):
        raise InputError(f"{name}: {what} must be an int ≥ {minimum} or a tuple of {n} of them, got {value!r}")
    return values


def check_input(x, channels, spatial_dims, who):
    """x must be (N, channels, *spatial) or one unbatched (channels, *spatial); who names the caller."""
    if x.ndim not in (spatial_dims + 1, spatial_dims + 2) or x.shape[-spatial_dims - 1] != channels:
        raise InputError(f"{who}: expected input (N, {channels}, {SPATIAL_NAMES[spatial_dims]}), got {tuple(x.shape)}")


def check_fits(window, spatial, name):
    padded = window.padded_size(spatial)
    if any(p < s for p, s in zip(padded, window.span())):
        raise InputError(f"{name}: the input {tuple(spatial)} padded to {padded} is smaller than the kernel "
                         f"{window.kernel} (spanning {window.span()} with dilation {window.dilation})")


def _check_tensors(name, x, weight, bias, spatial_dims, weight_layout):
    if weight.ndim != spatial_dims + 2:
        raise InputError(f"{name}: expected a weight ({weight_layout}, {KERNEL_NAMES[spatial_dims]}), got "
                         f"{tuple(weight.shape)}")
    if backend.kind_of(x.dtype) != "f" or x.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise InputError(f"{name}: input, weight and bias must have one floating point dtype, got input {x.dtype}, "
                         f"weight {weight.dtype}" + ("" if bias is None else f", bias {bias.dtype}"))


def _check_groups(name, groups, channels, what):
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1 or channels % groups:
        raise InputError(f"{name}: groups must be a positive int that divides {what} ({channels}), got {groups!r}")


def _check_bias(name, bias, channels):
    if bias is not None and tuple(bias.shape) != (channels,):
        raise InputError(f"{name}: expected a bias of shape ({channels},), got {tuple(bias.shape)}")


def conv_padding(padding, kernel, stride, dilation, name):
    """The (before, after) padding of each spatial axis: from ints, or 'valid' (none) or 'same' (the
    output as large as the input; an odd total puts the extra pixel after, as PyTorch)."""
    if padding == "valid":
        return ((0, 0),) * len(kernel)
    if padding == "same":
        if any(s != 1 for s in stride):
            raise InputError(f"{name}: padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise InputError(f"{name}: padding must be 'valid', 'same', an int or a tuple of ints, got {padding!r}")
    return tuple((p, p) for p in ints(padding, len(kernel), "padding", name))


def batched(x, spatial_dims, run):
    """run(x) on a batch: an unbatched (C, *spatial) input goes through as a batch of one (and each
    tensor run returns loses that batch axis again)."""
    if x.ndim == spatial_dims + 2:
        return run(x)
    result = run(x.unsqueeze(0))
    return tuple(r.squeeze(0) for r in result) if isinstance(result, tuple) else result.squeeze(0)


def conv(x, weight, bias, stride, padding, dilation, groups, spatial_dims, name):
    """A convolution over spatial_dims (1, 2 or 3) axes, its arguments checked; see conv2d."""
    _check_tensors(name, x, weight, bias, spatial_dims, "out_channels, in_channels/groups")
    _check_groups(name, groups, weight.shape[0], "out_channels")
    check_input(x, weight.shape[1] * groups, spatial_dims, name)
    _check_bias(name, bias, weight.shape[0])
    stride = ints(stride, spatial_dims, "stride", name, minimum=1)
    dilation = ints(dilation, spatial_dims, "dilation", name, minimum=1)
    window = Window(weight.shape[2:], stride, conv_padding(padding, weight.shape[2:], stride, dilation, name),
                    dilation)
    check_fits(window, x.shape[2:], name)
    return batched(x, spatial_dims, lambda x: Conv.apply(x, weight, bias, window=window, groups=groups))


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution: input (N, C_in, L) or (C_in, L), weight (C_out, C_in/groups, k), bias (C_out,)
    -> (N, C_out, L_out). padding: an int, a 1-tuple, 'valid' or 'same'."""
    return conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D convolution: input (N, C_in, H, W) or (C_in, H, W), weight (C_out, C_in/groups, kh, kw),
    bias (C_out,) -> (N, C_out, H_out, W_out), H_out = ⌊(H + 2·padding - dilation·(kh - 1) - 1) / stride⌋ + 1.
    stride, padding and dilation are ints or (h, w) pairs; padding may be 'valid' or 'same' too."""
    return conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """3-D convolution, over volumes or clips of video: input (N, C_in, D, H, W) or (C_in, D, H, W),
    weight (C_out, C_in/groups, kd, kh, kw), bias (C_out,) -> (N, C_out, D_out, H_out, W_out), each side
    as in conv2d."""
    return conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_transpose(x, weight, bias, stride, padding, output_padding, groups, dilation, spatial_dims, name):
    """A transposed convolution over spatial_dims (1, 2 or 3) axes, its arguments checked; see conv_transpose2d."""
    _check_tensors(name, x, weight, bias, spatial_dims, "in_channels, out_channels/groups")
    _check_groups(name, groups, weight.shape[0], "in_channels")
    check_input(x, weight.shape[0], spatial_dims, name)
    _check_bias(name, bias, weight.shape[1] * groups)
    stride = ints(stride, spatial_dims, "stride", name, minimum=1)
    dilation = ints(dilation, spatial_dims, "dilation", name, minimum=1)
    pads = ints(padding, spatial_dims, "padding", name)
    extra = ints(output_padding, spatial_dims, "output_padding", name)
    if any(e >= s and e >= d for e, s, d in zip(extra, stride, dilation)):
        raise InputError(f"{name}: output_padding {extra} must be smaller than either stride {stride} or "
                         f"dilation {dilation}")
    kernel = weight.shape[2:]
    out_size = tuple((n - 1) * s - 2 * p + d * (k - 1) + e + 1
                     for n, s, p, d, k, e in zip(x.shape[-spatial_dims:], stride, pads, dilation, kernel, extra))
    if any(n < 1 for n in out_size):
        raise InputError(f"{name}: the output size {out_size} for input {tuple(x.shape)} is too small")
    window = Window(kernel, stride, tuple((p, p) for p in pads), dilation)
    return batched(x, spatial_dims, lambda x: ConvTranspose.apply(x, weight, bias, window=window, groups=groups,
                                                                   out_size=out_size))


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """1-D transposed convolution: input (N, C_in, L) or (C_in, L), weight (C_in, C_out/groups, k), bias
    (C_out,) -> (N, C_out, L_out), L_out = (L - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1."""
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                          "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """2-D transposed convolution: input (N, C_in, H, W) or (C_in, H, W), weight (C_in, C_out/groups,
    kh, kw), bias (C_out,) -> (N, C_out, H_out, W_out) with
    H_out = (H - 1)·stride - 2·padding + dilation·(kh - 1) + output_padding + 1.
    output_padding (smaller than stride or dilation) picks among the output sizes that a stride-s
    convolution would map to the same H."""
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                          "conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """3-D transposed convolution: input (N, C_in, D, H, W) or (C_in, D, H, W), weight (C_in, C_out/groups,
    kd, kh, kw), bias (C_out,) -> (N, C_out, D_out, H_out, W_out), each side as in conv_transpose2d."""
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3,
                          "conv_transpose3d")


def conv_tbc(input, weight, bias, pad=0):  # noqa: A002
    """A 1-D convolution of sequences laid out time first: input (T, N, C_in), weight (k, C_in, C_out),
    bias (C_out,), pad zeros at both ends of time -> (T + 2·pad - k + 1, N, C_out)."""
    if input.ndim != 3 or weight.ndim != 3:
        raise RuntimeError(f"conv_tbc: expected input (T, N, C_in) and weight (k, C_in, C_out), got input "
                           f"{tuple(input.shape)} and weight {tuple(weight.shape)}")
    return conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad).permute(2, 0, 1)


def _window_2d(kernel_size, dilation, padding, stride, name):
    """The Window of F.unfold and F.fold (2-D, the same padding on both sides)."""
    return Window(ints(kernel_size, 2, "kernel_size", name, minimum=1), ints(stride, 2, "stride", name, minimum=1),
                  tuple((p, p) for p in ints(padding, 2, "padding", name)),
                  ints(dilation, 2, "dilation", name, minimum=1))


def _check_images(x, ndims, layout, name):
    """F.unfold's and F.fold's input: a floating point tensor of one of ndims dimensions, laid out as layout says."""
    if x.ndim not in ndims:
        raise RuntimeError(f"{name}: expected input {layout}, got {tuple(x.shape)}")
    if 0 in x.shape[x.ndim - min(ndims):]:
        raise RuntimeError(f"{name}: expected input {layout} with sides of at least 1 (the batch's aside), got "
                           f"{tuple(x.shape)}")
    if backend.kind_of(x.dtype) != "f":
        raise InputError(f"{name} needs a floating point tensor, got {x.dtype}")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """im2col as a function: the kh×kw windows of input (N, C, H, W) or (C, H, W) as columns, (N, C·kh·kw, L),
    L the number of windows (row by row). A convolution is this followed by one matrix product."""
    name = "unfold"
    _check_images(input, (3, 4), "(N, C, H, W) or (C, H, W)", name)
    window = _window_2d(kernel_size, dilation, padding, stride, name)
    check_fits(window, input.shape[-2:], name)
    return batched(input, 2, lambda x: Im2col.apply(x, window=window))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """col2im as a function, unfold's adjoint: blocks (N, C·kh·kw, L) or (C·kh·kw, L), one column per window
    of an image of output_size (h, w), summed into that image (N, C, h, w) where the windows overlap."""
    name = "fold"
    _check_images(input, (2, 3), "(N, C·kh·kw, L) or (C·kh·kw, L)", name)
    window = _window_2d(kernel_size, dilation, padding, stride, name)
    size = ints(output_size, 2, "output_size", name, minimum=1)
    check_fits(window, size, name)
    per_window, blocks = math.prod(window.kernel), math.prod(window.output_size(size))
    if input.shape[-2] % per_window or input.shape[-1] != blocks:
        raise RuntimeError(f"{name}: expected input (N, C·{per_window}, {blocks}) for output_size {size} and "
                           f"kernel_size {window.kernel}, got {tuple(input.shape)}")
    # (N, C·K, L) has one axis after its channels, as a batch of 1-D signals: batched() reads it so.
    return batched(input, 1, lambda x: Col2im.apply(
        x, window=window, shape=(x.shape[0], x.shape[1] // per_window) + size))


# ---------------------------------------------------------------------------------------------
# The readable twin: the lesson's formula composed from primitives, whose gradients autograd derives.
# Tested equal to the fused op above, forward and backward; slower, and written to be read.

def conv2d_composed(x, weight, bias=None, stride=1, padding=0):
    """A 2-D convolution as im2col and one matrix product, from pad, slicing, stack and matmul: Conv's twin.
    x (N, C, H, W), weight (O, C, kh, kw), bias (O,) or None, int stride and padding -> (N, O, H_out, W_out)."""
    n, channels, height, width = x.shape
    filters, _, kh, kw = weight.shape
    x = pad(x, (padding,) * 4)
    h_out, w_out = (height + 2 * padding - kh) // stride + 1, (width + 2 * padding - kw) // stride + 1
    # im2col: for each kernel offset (i, j), the pixel it covers in every window; stacked, each window is one
    # column of C·kh·kw numbers: cols (N, C·kh·kw, H_out·W_out).
    taps = [x[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride] for i in range(kh) for j in range(kw)]
    cols = stack(taps, dim=2).reshape(n, channels * kh * kw, h_out * w_out)
    out = weight.reshape(filters, -1) @ cols  # every filter on every window: (N, O, H_out·W_out)
    if bias is not None:
        out = out + bias.reshape(filters, 1)
    return out.reshape(n, filters, h_out, w_out)
