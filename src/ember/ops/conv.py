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
gradient.

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
from ..autograd import Function
from .shape import pad, stack


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
        """im2col: x (N, C, *spatial) -> the windows as columns (C, *kernel, *out_size, N), one copy
        per kernel offset."""
        windows = self.columns_view(xp, self.pad(xp, x), out_size)
        cols = xp.empty(windows.shape, dtype=x.dtype)
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


def unfold(xp, x, window, groups, out_size):
    """The windows of x (N, C, *spatial) as columns, grouped: (groups, C/groups·K, L·N)."""
    return window.unfold(xp, x, out_size).reshape(groups, -1, math.prod(out_size) * x.shape[0])


def filter_product(xp, weight, cols, groups, out_size, bias=None):
    """All filters on all windows at once: weight (O, C/groups, *kernel) @ cols (groups, C/groups·K, L·N)
    -> (N, O, *out_size), one matrix product per group, plus the bias per channel.

    The product comes out batch-innermost, (O, L·N), and stays so: the result is a view of it, not a
    transposed copy."""
    out_channels = weight.shape[0]
    out = xp.matmul(weight.reshape(groups, out_channels // groups, -1), cols)   # (groups, O/groups, L·N)
    out = xp.moveaxis(out.reshape((out_channels,) + out_size + (-1,)), -1, 0)
    return out if bias is None else add_bias_in_place(out, bias)


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
        band = (slice(None),) * (1 + len(window.kernel)) + (rows,)
        window.fold(xp, cols.reshape(windows[band].shape), windows[band])
    return window.crop(padded)


def row_bands(xp, rows, bytes_per_row):
    """The output rows in bands (slices) whose columns fill at most backend.cache_bytes(xp), one row at least."""
    limit = backend.cache_bytes(xp)
    step = rows if limit is None else max(1, limit // bytes_per_row)
    return [slice(start, min(rows, start + step)) for start in range(0, rows, step)]


class Conv(Function):
    """out[n, o] = Σ_c W[o, c] ⋆ x[n, c] + b[o] (⋆: slide and take dot products), for 1-D and 2-D
    inputs: x (N, C, *spatial), weight (O, C/groups, *kernel), bias (O,) or None -> (N, O, *out).

    With groups g, the channels split into g independent convolutions (g = C: depthwise).
    The unfolded input is kept for backward only when the weight needs a gradient.
    """

    def forward(ctx, x, weight, bias, *, window, groups):
        out_size = window.output_size(x.shape[2:])
        cols = unfold(ctx.xp, x, window, groups, out_size)
        ctx.window, ctx.groups, ctx.x_shape = window, groups, x.shape
        ctx.save_for_backward(weight, cols if ctx.needs_input_grad[1] else None)
        return filter_product(ctx.xp, weight, cols, groups, out_size, bias)

    def backward(ctx, grad):
        weight, cols = ctx.saved
        grad_cols = as_columns(grad, ctx.groups)
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_w = weight_grad(ctx.xp, grad_cols, cols, weight.shape)
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
        grad_cols = unfold(ctx.xp, grad, ctx.window, ctx.groups, ctx.in_size)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = filter_product(ctx.xp, weight, grad_cols, ctx.groups, ctx.in_size)
        if ctx.needs_input_grad[1]:
            grad_w = weight_grad(ctx.xp, x_cols, grad_cols, weight.shape)
        grad_b = grad.sum(axis=(0,) + tuple(range(2, grad.ndim))) if ctx.needs_input_grad[2] else None
        return grad_x, grad_w, grad_b


# ---------------------------------------------------------------------------------------------
# The functions users call (F.conv1d, F.conv2d, F.conv_transpose2d): arguments checked, then the op.

SPATIAL_NAMES = {1: "L", 2: "H, W"}


def ints(value, n, what, name, minimum=0):
    """An int, or a sequence of n ints, as a tuple of n ints ≥ minimum (stride, padding, kernel_size...)."""
    values = (value,) * n if isinstance(value, int) else tuple(value) if isinstance(value, (tuple, list)) else None
    if (values is None or len(values) != n or any(isinstance(v, bool) or not isinstance(v, int) for v in values)
            or any(v < minimum for v in values)):
        raise ValueError(f"{name}: {what} must be an int ≥ {minimum} or a tuple of {n} of them, got {value!r}")
    return values


def check_input(x, channels, spatial_dims, who):
    """x must be (N, channels, *spatial) or one unbatched (channels, *spatial); who names the caller."""
    if x.ndim not in (spatial_dims + 1, spatial_dims + 2) or x.shape[-spatial_dims - 1] != channels:
        raise ValueError(f"{who}: expected input (N, {channels}, {SPATIAL_NAMES[spatial_dims]}), got {tuple(x.shape)}")


def check_fits(window, spatial, name):
    padded = window.padded_size(spatial)
    if any(p < s for p, s in zip(padded, window.span())):
        raise ValueError(f"{name}: the input {tuple(spatial)} padded to {padded} is smaller than the kernel "
                         f"{window.kernel} (spanning {window.span()} with dilation {window.dilation})")


def _check_tensors(name, x, weight, bias, spatial_dims, weight_layout):
    if weight.ndim != spatial_dims + 2:
        kernel = "k" if spatial_dims == 1 else "kh, kw"
        raise ValueError(f"{name}: expected a weight ({weight_layout}, {kernel}), got {tuple(weight.shape)}")
    if backend.kind_of(x.dtype) != "f" or x.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise TypeError(f"{name}: input, weight and bias must have one floating point dtype, got input {x.dtype}, "
                        f"weight {weight.dtype}" + ("" if bias is None else f", bias {bias.dtype}"))


def _check_groups(name, groups, channels, what):
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1 or channels % groups:
        raise ValueError(f"{name}: groups must be a positive int that divides {what} ({channels}), got {groups!r}")


def _check_bias(name, bias, channels):
    if bias is not None and tuple(bias.shape) != (channels,):
        raise ValueError(f"{name}: expected a bias of shape ({channels},), got {tuple(bias.shape)}")


def conv_padding(padding, kernel, stride, dilation, name):
    """The (before, after) padding of each spatial axis: from ints, or 'valid' (none) or 'same' (the
    output as large as the input; an odd total puts the extra pixel after, as PyTorch)."""
    if padding == "valid":
        return ((0, 0),) * len(kernel)
    if padding == "same":
        if any(s != 1 for s in stride):
            raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise ValueError(f"{name}: padding must be 'valid', 'same', an int or a tuple of ints, got {padding!r}")
    return tuple((p, p) for p in ints(padding, len(kernel), "padding", name))


def batched(x, spatial_dims, run):
    """run(x) on a batch: an unbatched (C, *spatial) input goes through as a batch of one (and each
    tensor run returns loses that batch axis again)."""
    if x.ndim == spatial_dims + 2:
        return run(x)
    result = run(x.unsqueeze(0))
    return tuple(r.squeeze(0) for r in result) if isinstance(result, tuple) else result.squeeze(0)


def conv(x, weight, bias, stride, padding, dilation, groups, spatial_dims, name):
    """A convolution over spatial_dims (1 or 2) axes, its arguments checked; see conv2d."""
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


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """2-D transposed convolution: input (N, C_in, H, W) or (C_in, H, W), weight (C_in, C_out/groups,
    kh, kw), bias (C_out,) -> (N, C_out, H_out, W_out) with
    H_out = (H - 1)·stride - 2·padding + dilation·(kh - 1) + output_padding + 1.
    output_padding (smaller than stride or dilation) picks among the output sizes that a stride-s
    convolution would map to the same H."""
    name = "conv_transpose2d"
    _check_tensors(name, input, weight, bias, 2, "in_channels, out_channels/groups")
    _check_groups(name, groups, weight.shape[0], "in_channels")
    check_input(input, weight.shape[0], 2, name)
    _check_bias(name, bias, weight.shape[1] * groups)
    stride = ints(stride, 2, "stride", name, minimum=1)
    dilation = ints(dilation, 2, "dilation", name, minimum=1)
    pads = ints(padding, 2, "padding", name)
    extra = ints(output_padding, 2, "output_padding", name)
    if any(e >= s and e >= d for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"{name}: output_padding {extra} must be smaller than either stride {stride} or "
                         f"dilation {dilation}")
    kernel = weight.shape[2:]
    out_size = tuple((n - 1) * s - 2 * p + d * (k - 1) + e + 1
                     for n, s, p, d, k, e in zip(input.shape[-2:], stride, pads, dilation, kernel, extra))
    if any(n < 1 for n in out_size):
        raise ValueError(f"{name}: the output size {out_size} for input {tuple(input.shape)} is too small")
    window = Window(kernel, stride, tuple((p, p) for p in pads), dilation)
    return batched(input, 2, lambda x: ConvTranspose.apply(x, weight, bias, window=window, groups=groups,
                                                            out_size=out_size))


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
