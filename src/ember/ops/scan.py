"""Scans: running totals along one dimension (cumsum, cumprod, cummax, cummin, logcumsumexp), and what is
built on them: differences (diff) and areas under sampled curves by the trapezoidal rule.

Each output i of a scan depends on the inputs 0..i, so backward runs the other way: from the end back."""

import numpy as np

from .. import backend
from ..autograd import Function
from .elementwise import to_float
from .logical import ne
from .indexing import gather, getitem
from .reduce import accumulating, check_floating, discrete, scalar_result, sum, values_indices
from .shape import cat, normalize_dim, numpy_names, reshape


def _accumulate(xp, scan, a, axis, backwards=False):
    """scan (xp.cumsum or xp.cumprod) along axis, from the end with backwards. float32 on the CPU keeps a
    float64 running total, as PyTorch's CPU kernels do: [1e8, 1, -1e8] sums to [1e8, 1e8, 1] (in float32 steps
    the last is 0), and a product that passes through a subnormal number keeps its digits."""
    if backwards:
        return xp.flip(_accumulate(xp, scan, xp.flip(a, axis), axis), axis)
    if a.dtype == backend.float32 and backend.is_cpu(xp):
        with np.errstate(over="ignore"):  # a total beyond float32's range is inf, as in PyTorch
            return scan(a, axis=axis, dtype=backend.float64).astype(a.dtype)
    return scan(a, axis=axis)


def _from_the_end(xp, scan, a, axis):
    """A scan run backwards along axis (each element combines itself and the ones after it)."""
    return xp.flip(scan(xp.flip(a, axis), axis), axis)


def running(xp, op, a, axis):
    """op's running total along axis (a₀, op(a₀, a₁), op(op(a₀, a₁), a₂), ...) for an associative op, in
    log₂ n whole-array steps: at step s every element takes in the one s places before it (s = 1, 2, 4, ...).
    (NumPy's op.accumulate does it too, but CuPy has accumulate only for add and multiply.)"""
    out = a.copy()
    shift = 1
    while shift < a.shape[axis]:
        before = (slice(None),) * axis + (slice(None, -shift),)
        after = (slice(None),) * axis + (slice(shift, None),)
        out[after] = op(out[before], out[after])
        shift *= 2
    return out


class CumSum(Function):
    """outᵢ = Σ_{k≤i} xₖ along an axis; xₖ's gradient is the sum of the gradients of outₖ, outₖ₊₁, ..."""

    def forward(ctx, x, axis):
        ctx.axis = axis
        return _accumulate(ctx.xp, ctx.xp.cumsum, x, axis)

    def backward(ctx, grad):
        return _accumulate(ctx.xp, ctx.xp.cumsum, grad, ctx.axis, backwards=True)


class CumProd(Function):
    """outᵢ = Π_{k≤i} xₖ along an axis. d outⱼ/dxᵢ (j ≥ i) is outⱼ without its factor xᵢ, so before the first
    zero xᵢ's gradient is Σ_{j≥i} gradⱼ·outⱼ / xᵢ; at the first zero it is the same sum with that zero taken
    as 1 (the products after it are not 0 for it); after the first zero every product still holds it: 0.
    A product that holds a zero other than xᵢ is 0 for xᵢ, even beside an inf or NaN (0, not 0·NaN, as in
    PyTorch), so each sum stops at the next zero.
    Along an axis of one element the product is the element: the gradient passes unchanged (no inf / inf)."""

    def forward(ctx, x, axis):
        ctx.axis = axis
        out = _accumulate(ctx.xp, ctx.xp.cumprod, x, axis)  # 1e-38 · 1.19e-7 · 1e38 is 1.19e-7 (float32 steps: 1.40e-7)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        xp, axis = ctx.xp, ctx.axis
        x, out = ctx.saved
        if x.shape[axis] == 1:
            return grad
        zeros_so_far = xp.cumsum(x == 0, axis=axis)
        before_zero = zeros_so_far == 0
        first_zero = (zeros_so_far == 1) & (x == 0)
        to_the_end = _accumulate(xp, xp.cumsum, xp.where(before_zero, grad * out, 0), axis, backwards=True)
        grad_before = to_the_end / xp.where(before_zero, x, 1)
        without_it = _accumulate(xp, xp.cumprod, xp.where(first_zero, 1, x), axis)
        grad_at_zero = _accumulate(xp, xp.cumsum, xp.where(zeros_so_far == 1, grad * without_it, 0), axis,
                                   backwards=True)
        return xp.where(before_zero, grad_before, xp.where(first_zero, grad_at_zero, 0))


class LogCumSumExp(Function):
    """outᵢ = log Σ_{k≤i} e^xₖ along an axis, as a running logaddexp (exact where the xₖ differ widely).
    d outⱼ/dxᵢ = e^(xᵢ - outⱼ), so xᵢ's gradient is Σ_{j≥i} gradⱼ e^(xᵢ - outⱼ), summed in the log domain too:
    for the positive and the negative parts of grad apart, e^(xᵢ + log Σ_{j≥i} e^(log|gradⱼ| - outⱼ))."""

    def forward(ctx, x, axis):
        ctx.axis = axis
        out = running(ctx.xp, ctx.xp.logaddexp, x, axis)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        xp, axis = ctx.xp, ctx.axis
        x, out = ctx.saved

        def part(magnitude):  # Σ_{j≥i} magnitudeⱼ e^(xᵢ - outⱼ), for magnitude ≥ 0
            with_log = xp.log(xp.where(magnitude > 0, magnitude, 1)) - out
            logs = xp.where(magnitude > 0, with_log, -xp.inf)
            scanned = _from_the_end(xp, lambda a, ax: running(xp, xp.logaddexp, a, ax), logs, axis)
            return xp.exp(x + scanned)
        return part(xp.maximum(grad, 0)) - part(xp.maximum(-grad, 0))


def _along(name, input, dim):
    """The axis of a scan along dim (which PyTorch requires)."""
    if dim is None:
        raise TypeError(f"{name}() missing its dim argument")
    return normalize_dim(dim, input.ndim)


def _scan(op, x, axis):
    """A scan op on x, with a 0-d tensor seen as one element (its own running total)."""
    if x.ndim == 0:
        return reshape(op.apply(reshape(x, 1), axis=0), ())
    return op.apply(x, axis=axis)


@numpy_names
def cumsum(input, dim=None, *, dtype=None):  # noqa: A002 (PyTorch's names)
    """Running sums along dim; integers and bools are summed as int64."""
    return _scan(CumSum, accumulating(input, dtype), _along("cumsum", input, dim))


@numpy_names
def cumprod(input, dim=None, *, dtype=None):  # noqa: A002
    """Running products along dim (zeros are fine for the gradient); integers and bools as int64."""
    return _scan(CumProd, accumulating(input, dtype), _along("cumprod", input, dim))


@numpy_names
def logcumsumexp(input, dim=None):  # noqa: A002
    """log of the running sums of e^x along dim, computed without overflow."""
    axis = _along("logcumsumexp", input, dim)
    check_floating("logcumsumexp", input)
    return _scan(LogCumSumExp, input, axis)


def _running_extreme(name, input, dim, largest):
    """(values, indices) of the running max (min) along dim: on ties and NaNs the index is the latest one."""
    axis = _along(name, input, dim)
    if input.ndim == 0:
        return scalar_result(_running_extreme(name, reshape(input, 1), 0, largest))

    def latest(xp, a):
        best = running(xp, xp.maximum if largest else xp.minimum, a, axis)
        positions = xp.arange(a.shape[axis]).reshape([-1 if d == axis else 1 for d in range(a.ndim)])
        new = (a == best) | (a != a)  # a new best, a tie, or a NaN (which wins from then on)
        return running(xp, xp.maximum, xp.where(new, positions, 0), axis)
    indices = discrete(latest, input)
    return values_indices(gather(input, axis, indices), indices)


@numpy_names
def cummax(input, dim=None):  # noqa: A002
    """(values, indices) of the running maximum along dim; the gradient goes to the element each value is."""
    return _running_extreme("cummax", input, dim, largest=True)


@numpy_names
def cummin(input, dim=None):  # noqa: A002
    """(values, indices) of the running minimum along dim; the gradient goes to the element each value is."""
    return _running_extreme("cummin", input, dim, largest=False)


# ---------------------------------------------------------------------------------------------
# Differences and the trapezoidal rule.

def _slice(x, axis, start, stop):
    return getitem(x, (slice(None),) * axis + (slice(start, stop),))


def _neighbours(x, axis):
    """(x[1:], x[:-1]) along axis: each element and the one before it."""
    return _slice(x, axis, 1, None), _slice(x, axis, None, -1)


@numpy_names
def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """The n-th forward difference along dim, out[i] = x[i + 1] - x[i] applied n times (for bools, x[i + 1] != x[i]),
    of input with prepend and append (tensors of its dimensions) joined before and after it along dim."""
    if input.ndim == 0:
        raise RuntimeError("diff: expected a tensor of at least one dimension, got a 0-d tensor")
    if n < 0:
        raise RuntimeError(f"diff: the order n must be non-negative, got {n}")
    axis = normalize_dim(dim, input.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    for t in parts:
        if t.ndim != input.ndim or any(a != b for d, (a, b) in enumerate(zip(t.shape, input.shape)) if d != axis):
            raise RuntimeError(f"diff: prepend and append must have the input's shape {input.shape} except along "
                               f"dim {dim}, got {t.shape}")
    if n == 0:
        return input  # as in PyTorch, without prepend and append
    x = cat(parts, axis) if len(parts) > 1 else input
    for _ in range(n):
        later, earlier = _neighbours(x, axis)
        x = ne(later, earlier) if x.dtype.kind == "b" else later - earlier
    return x


def _steps(name, step, n):
    """The n - 1 distances between neighbouring samples along one dimension, as a float64 NumPy array: from a
    number (equal steps) or from a 1-D tensor of the n sample coordinates."""
    if not hasattr(step, "dtype"):
        return np.full(n - 1, float(step))
    if step.ndim != 1 or step.shape[0] != n:
        raise RuntimeError(f"{name}: each coordinate tensor must be 1-D with the size of its dimension ({n}), "
                           f"got shape {tuple(step.shape)}")
    return np.diff(backend.to_device(step.array, backend.CPU).astype(np.float64))


def _derivative(x, axis, h, edge_order, equal_steps):
    """df/dt along axis from samples f = x at distances h: second-order central differences inside,
    one-sided differences of edge_order at the two ends. With equal_steps (a number's), the central difference is
    (fᵢ₊₁ - fᵢ₋₁)/2h, as PyTorch's, without the term of fᵢ (whose coefficient 0 would make an infinite fᵢ NaN)."""
    n = x.shape[axis]

    def stencil(start, coefficients):
        """Σₖ cₖ·x[start + k + i] for the three neighbours k = 0, 1, 2 and i < len(cₖ) (cₖ along axis)."""
        count, shape = len(coefficients[0]), [1] * x.ndim
        shape[axis] = count
        terms = [_slice(x, axis, start + k, start + k + count) * x.new_tensor(c.reshape(shape))
                 for k, c in enumerate(coefficients)]
        return terms[0] + terms[1] + terms[2]

    left, right = h[:-1], h[1:]
    if equal_steps:
        inside = (_slice(x, axis, 2, n) - _slice(x, axis, 0, n - 2)) / float(2 * h[0])
    else:
        inside = stencil(0, (-right / (left * (left + right)), (right - left) / (left * right),
                             left / (right * (left + right))))
    if edge_order == 1:
        first = (_slice(x, axis, 1, 2) - _slice(x, axis, 0, 1)) / float(h[0])
        last = (_slice(x, axis, n - 1, n) - _slice(x, axis, n - 2, n - 1)) / float(h[-1])
    else:
        a, b = h[:1], h[1:2]
        first = stencil(0, (-(2 * a + b) / (a * (a + b)), (a + b) / (a * b), -a / (b * (a + b))))
        a, b = h[-2:-1], h[-1:]
        last = stencil(n - 3, (b / (a * (a + b)), -(a + b) / (a * b), (2 * b + a) / (b * (a + b))))
    return cat([first, inside, last], axis)


def gradient(input, *, spacing=1, dim=None, edge_order=1):  # noqa: A002
    """The derivative of a sampled function along each dim (all by default), one tensor per dim: second-order
    central differences inside, first- or second-order (edge_order) one-sided ones at the edges. spacing is the
    distance between samples (a number, one number per dim, or one 1-D tensor of coordinates per dim)."""
    if input.dtype == backend.uint8:
        raise RuntimeError("gradient: uint8 tensors are not supported (as in PyTorch)")
    if input.ndim == 0 and dim is not None:
        raise IndexError(f"gradient: a 0-d tensor has no dimension {dim}")
    dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    axes = [normalize_dim(d, input.ndim) for d in dims]
    steps = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(axes)
    if len(steps) != len(axes):
        raise RuntimeError(f"gradient: expected spacing to be a number or a list of one per dimension "
                           f"({len(axes)}), got a list of {len(steps)}")
    if edge_order not in (1, 2):
        raise RuntimeError(f"gradient: edge_order must be 1 or 2, got {edge_order!r}")
    if any(input.shape[a] < edge_order + 1 for a in axes):
        raise RuntimeError(f"gradient: expected each dimension size to be at least edge_order + 1 = "
                           f"{edge_order + 1}, got shape {tuple(input.shape)}")
    if input.dtype.kind == "b" and axes:
        raise RuntimeError("gradient: bool tensors have no differences (PyTorch refuses their subtraction)")
    x = to_float(input)
    return tuple(_derivative(x, a, _steps("gradient", step, x.shape[a]), edge_order, not hasattr(step, "dtype"))
                 for a, step in zip(axes, steps))


def _trapezoids(name, y, x, dx, dim):
    """The area of each trapezoid between neighbouring samples of y along dim: (yᵢ + yᵢ₊₁)/2 · (xᵢ₊₁ - xᵢ), with
    the spacing x (1-D along dim, or broadcasting with y) or a constant dx (default 1). Returns (areas, axis)."""
    if y.dtype.kind == "b" or (x is not None and x.dtype.kind == "b"):
        raise RuntimeError(f"{name}: x and y must be number tensors, got bool")
    axis = _sample_axis(name, y, dim)
    if x is not None and dx is not None:
        raise TypeError(f"{name}: give x or dx, not both")
    later, earlier = _neighbours(y, axis)
    heights = to_float(later + earlier) / 2
    if x is None:
        return heights * (1 if dx is None else dx), axis
    if x.ndim == 1:
        if x.shape[0] != y.shape[axis]:
            raise RuntimeError(f"{name}: expected one x for each of the {y.shape[axis]} samples, got {x.shape[0]}")
        widths = reshape(diff(x), [-1 if d == axis else 1 for d in range(y.ndim)])
    else:
        widths = diff(x, dim=dim)
    return heights * widths, axis


def _sample_axis(name, y, dim):
    """The axis along which y holds its samples, after PyTorch's checks."""
    if y.ndim == 0:
        raise IndexError(f"{name}: expected y of at least one dimension, got a 0-d tensor")
    return normalize_dim(dim, y.ndim)


@numpy_names
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """∫ y along dim by the trapezoidal rule, with samples at x (or spaced dx apart; default 1). Over no samples
    it is 0 in y's dtype, outside the graph, whatever x is (as PyTorch's)."""
    axis = _sample_axis("trapezoid", y, dim)
    if y.shape[axis] == 0:
        return discrete(lambda xp, a: a.sum(axis=axis, dtype=a.dtype), y)
    areas, axis = _trapezoids("trapezoid", y, x, dx, dim)
    return sum(areas, axis)


trapz = trapezoid  # PyTorch's older name


@numpy_names
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running ∫ y along dim by the trapezoidal rule: one value fewer than y has along dim."""
    areas, axis = _trapezoids("cumulative_trapezoid", y, x, dx, dim)
    return cumsum(areas, axis)
