"""Making tensors: from data, filled with a constant, ranges, windows, index pairs, and random numbers.

Every function takes dtype=, device= ("cpu" or "cuda"; ember.get_default_device() when left out) and
requires_grad=, as in PyTorch. Floating values get the default dtype (float32 unless
ember.set_default_dtype changed it), Python ints int64 and bools bool.
"""

import builtins
import math
import os
import warnings

import numpy as np

from . import backend
from .backend import DeviceLike
from .ops import elementwise, sampling
from .ops.shape import shape_arg, stack
from .tensor import Tensor


def _device(device):
    return backend.Device(device) if device is not None else backend.get_default_device()


def _xp(device):
    return backend.array_module(_device(device))


def _finish(array, dtype, device, requires_grad):
    """Cast and move a NumPy/CuPy array as asked, and wrap it."""
    if dtype is not None:
        array = array.astype(backend.as_dtype(dtype), copy=False)
    if device is not None:
        array = backend.to_device(array, backend.Device(device))
    return Tensor(array, requires_grad=requires_grad)


def _dtype_for(number):
    """The dtype PyTorch gives a Python number: bool, int64, or the default float."""
    if isinstance(number, bool):
        return backend.bool_
    return backend.int64 if isinstance(number, int) else backend.get_default_dtype()


def _number(value):
    """A Python number from a number or a one-element tensor (arange(torch.tensor(5)) works in PyTorch)."""
    return value.item() if isinstance(value, Tensor) else value


# ---------------------------------------------------------------------------------------------
# From data.

def _numbers(data):
    """Nested lists with one-element tensors in them, as nested lists of numbers."""
    if isinstance(data, Tensor):
        if data.numel() != 1:
            raise ValueError(f"tensor(): only one-element tensors can be elements of a list, got one of shape "
                             f"{tuple(data.shape)}")
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_numbers(item) for item in data]
    return data


def tensor(data, *, dtype: np.dtype | None = None, device: DeviceLike | None = None,
           requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of data (a number, a nested list, a NumPy/CuPy array or a Tensor).

    Python floats get the default dtype, ints int64 and bools bool; an array keeps its dtype.
    """
    if isinstance(data, Tensor):
        data = data.array
    if backend.is_array(data):
        array = data.copy()
        device = backend.device_of(data) if device is None else device
    else:
        numbers = _numbers(data)
        try:
            array = np.array(numbers)
        except ValueError:
            raise ValueError("tensor(): expected a rectangular nested list (every row of one length)") from None
        if array.dtype.kind not in "biuf":
            raise TypeError(f"tensor(): expected numbers, got {array.dtype} data")
        if array.dtype == np.float64 and dtype is None and not isinstance(data, np.generic):
            array = array.astype(backend.get_default_dtype())
        device = _device(device)
    return _finish(array, dtype, device, requires_grad)


def as_tensor(data, dtype: np.dtype | None = None, device: DeviceLike | None = None) -> Tensor:
    """Like tensor(), but shares memory with a NumPy/CuPy array or Tensor when nothing has to change."""
    if isinstance(data, Tensor):
        return data if device is None and dtype is None else data.to(device=device, dtype=dtype)
    if backend.is_array(data):
        return _finish(data, dtype, device, False)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """obj as a tensor: sharing its memory where it can (copy=None), always copying (copy=True), or
    sharing it or failing (copy=False)."""
    if copy:
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    out = as_tensor(obj, dtype=dtype, device=device)
    source = obj.array if isinstance(obj, Tensor) else obj
    if copy is False and out.array is not source:
        raise ValueError(f"asarray(copy=False): a {type(obj).__name__} with dtype={dtype}, device={device} "
                         "cannot be made a tensor without copying")
    return out.detach().requires_grad_() if requires_grad else out


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (or an ndarray subclass such as np.memmap, seen as a
    plain ndarray): a change to one shows in the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy() expects a numpy.ndarray, got {type(array).__name__}")
    backend.as_dtype(array.dtype)  # a clear error for dtypes ember lacks
    return Tensor(array if type(array) is np.ndarray else array.view(np.ndarray))


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None, pin_memory=False):
    """A 1-D tensor of `size` elements of dtype read from a file's bytes through a memory map: with shared, the
    tensor and the file are one (a change to either shows in the other, and a short file is lengthened); without,
    the tensor starts as the file's numbers and changes only in memory."""
    dtype = backend.get_default_dtype() if dtype is None else backend.as_dtype(dtype)
    if size == 0:
        return Tensor(np.empty(0, dtype))
    needed = size * dtype.itemsize
    present = os.path.getsize(filename)
    if shared and present < needed:
        with open(filename, "r+b") as f:
            f.truncate(needed)
    elif present < needed:
        raise RuntimeError(f"from_file: {filename} has {present} bytes, fewer than the {needed} that {size} "
                           f"elements of {dtype} need")
    mapped = np.memmap(filename, dtype, mode="r+" if shared else "c", shape=(size,))
    t = Tensor(mapped.view(np.ndarray))
    return t if device is None else t.to(device)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing memory with a Python buffer (bytes, bytearray, memoryview, array.array):
    count elements of dtype from byte offset on (count=-1: all of the rest)."""
    dtype = backend.as_dtype(dtype)
    length = memoryview(buffer).nbytes
    if length == 0 or count == 0:
        raise ValueError(f"frombuffer: both the buffer's length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"frombuffer: offset ({offset} bytes) must be in [0, buffer length ({length} bytes))")
    if count < 0 and (length - offset) % dtype.itemsize:
        raise ValueError(f"frombuffer: the buffer's length after offset ({length - offset} bytes) must be a "
                         f"multiple of the element size ({dtype.itemsize})")
    if count > 0 and count * dtype.itemsize > length - offset:
        raise ValueError(f"frombuffer: {count} elements of {dtype.itemsize} bytes after offset ({offset} bytes) "
                         f"do not fit in the buffer ({length} bytes)")
    return Tensor(np.frombuffer(buffer, dtype, count, offset), requires_grad=requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    """A 0-d tensor holding the number s, of the default float dtype unless dtype says otherwise."""
    dtype = backend.get_default_dtype() if dtype is None else backend.as_dtype(dtype)
    return Tensor(_xp(device).asarray(_number(s), dtype=dtype), requires_grad=requires_grad)


# ---------------------------------------------------------------------------------------------
# Filled with a constant.

def _size(name, size):
    """The shape asked for by f(2, 3), f((2, 3)), f([2, 3]) or f(torch.Size([2, 3]))."""
    if not size:
        raise TypeError(f"{name}() missing its size, e.g. {name}(2, 3) or {name}((2, 3))")
    shape = shape_arg(size)
    if any(n < 0 for n in shape):
        raise RuntimeError(f"{name}: sizes must be non-negative, got {shape}")
    return shape


def _filled(fill, shape, dtype, device, requires_grad):
    dtype = backend.as_dtype(dtype) if dtype is not None else _dtype_for(fill)
    return Tensor(_xp(device).full(shape, fill, dtype=dtype), requires_grad=requires_grad)


def zeros(*size: int | tuple[int, ...], dtype: np.dtype | None = None, device: DeviceLike | None = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given size: zeros(2, 3) or zeros((2, 3))."""
    return _filled(0.0, _size("zeros", size), dtype, device, requires_grad)


def ones(*size: int | tuple[int, ...], dtype: np.dtype | None = None, device: DeviceLike | None = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given size: ones(2, 3) or ones((2, 3))."""
    return _filled(1.0, _size("ones", size), dtype, device, requires_grad)


def empty(*size: int | tuple[int, ...], dtype: np.dtype | None = None, device: DeviceLike | None = None,
          requires_grad: bool = False) -> Tensor:
    """Memory for a tensor, not yet set (here: zeros)."""
    return _filled(0.0, _size("empty", size), dtype, device, requires_grad)


def full(size: int | tuple[int, ...], fill_value: float, *, dtype: np.dtype | None = None,
         device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given size filled with fill_value (its dtype inferred from fill_value unless given)."""
    return _filled(_number(fill_value), _size("full", (size,)), dtype, device, requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    """A tensor of shape size whose elements lie stride[d] elements apart along each dimension d (zeros)."""
    shape, stride = _size("empty_strided", (size,)), tuple(stride)
    if len(shape) != len(stride):
        raise RuntimeError(f"empty_strided: size {shape} and stride {stride} must have as many dimensions")
    dtype = backend.get_default_dtype() if dtype is None else backend.as_dtype(dtype)
    xp = _xp(device)
    storage = xp.zeros(1 + sum((n - 1) * s for n, s in zip(shape, stride)) if 0 not in shape else 0, dtype=dtype)
    array = xp.lib.stride_tricks.as_strided(storage, shape, tuple(s * dtype.itemsize for s in stride))
    return Tensor(array, requires_grad=requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, device=None, requires_grad=False):
    """A tensor of shape size laid out in memory with its dimensions in the order physical_layout
    (the outermost first), zeros: empty_permuted((N, C, H, W), (0, 2, 3, 1)) is channels last."""
    shape, layout = _size("empty_permuted", (size,)), tuple(physical_layout)
    if sorted(layout) != list(builtins.range(len(shape))):
        raise RuntimeError(f"empty_permuted: physical_layout {layout} must order the {len(shape)} dimensions "
                           f"of size {shape}")
    dtype = backend.get_default_dtype() if dtype is None else backend.as_dtype(dtype)
    physical = _xp(device).zeros([shape[d] for d in layout], dtype=dtype)
    return Tensor(physical.transpose(np.argsort(layout)), requires_grad=requires_grad)


def zeros_like(input: Tensor, *, dtype: np.dtype | None = None,  # noqa: A002 (PyTorch's name)
               device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of input's shape (and its dtype and device unless given)."""
    return full_like(input, 0, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input: Tensor, *, dtype: np.dtype | None = None, device: DeviceLike | None = None,  # noqa: A002
              requires_grad: bool = False) -> Tensor:
    """A tensor of ones of input's shape (and its dtype and device unless given)."""
    return full_like(input, 1, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input: Tensor, *, dtype: np.dtype | None = None, device: DeviceLike | None = None,  # noqa: A002
               requires_grad: bool = False) -> Tensor:
    """An uninitialized tensor of input's shape (and its dtype and device unless given)."""
    return full_like(input, 0, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: float, *, dtype: np.dtype | None = None,  # noqa: A002
              device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of input's shape filled with fill_value."""
    return _filled(_number(fill_value), input.shape, input.dtype if dtype is None else dtype,
                   input.device if device is None else device, requires_grad)


# ---------------------------------------------------------------------------------------------
# Ranges.

def _range_dtype(dtype, *numbers):
    """The dtype asked for, else int64 when every bound is an int, else the default float."""
    if dtype is not None:
        return backend.as_dtype(dtype)
    return backend.int64 if all(isinstance(n, int) for n in numbers) else backend.get_default_dtype()


def _check_range(name, start, end, step):
    if step == 0:
        raise RuntimeError(f"{name}: step must be nonzero")
    if not all(math.isfinite(n) for n in (start, end)):
        raise RuntimeError(f"{name}: unsupported range {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError(f"{name}: the bounds {start} -> {end} go the other way from step {step}")


def arange(start: float, end: float | None = None, step: float = 1, *, dtype: np.dtype | None = None,
           device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to (not including) end; arange(n) is 0, 1, ..., n - 1."""
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    _check_range("arange", start, end, step)
    dtype = _range_dtype(dtype, start, end, step)
    array = _xp(device).arange(start, end, step, dtype=backend.float64 if backend.is_floating(dtype) else dtype)
    return Tensor(array.astype(dtype, copy=False), requires_grad=requires_grad)


def range(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):  # noqa: A001
    """start, start + step, ... up to and including end, of the default float dtype. Deprecated, as in
    PyTorch: it warns, and arange (which leaves end out, as Python's range does) is the one to use."""
    warnings.warn("ember.range is deprecated, as torch.range is: its end is included, unlike Python's range; "
                  "use ember.arange, which gives [start, end)", UserWarning, stacklevel=2)
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    _check_range("range", start, end, step)
    count = math.floor((end - start) / step) + 1
    array = start + step * _xp(device).arange(count, dtype=backend.float64)
    return _finish(array, backend.get_default_dtype() if dtype is None else dtype, None, requires_grad)


def linspace(start: float, end: float, steps: int, *, dtype: np.dtype | None = None, device: DeviceLike | None = None,
             requires_grad: bool = False) -> Tensor:
    """steps numbers evenly spaced from start to end, both included."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise RuntimeError(f"linspace: steps must be a non-negative int, got {steps!r}")
    array = _xp(device).linspace(_number(start), _number(end), steps)
    return _finish(array, backend.get_default_dtype() if dtype is None else dtype, None, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """steps numbers from base**start to base**end, their exponents evenly spaced."""
    exponents = linspace(start, end, steps, dtype=backend.float64, device=device).array
    return _finish(base ** exponents, backend.get_default_dtype() if dtype is None else dtype, None, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: np.dtype | None = None, device: DeviceLike | None = None,
        requires_grad: bool = False) -> Tensor:
    """The n×m identity matrix (ones on the diagonal)."""
    for name, size in (("n", n), ("m", m)):
        if size is not None and size < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {size}")
    dtype = backend.get_default_dtype() if dtype is None else backend.as_dtype(dtype)
    return Tensor(_xp(device).eye(n, m, dtype=dtype), requires_grad=requires_grad)


# ---------------------------------------------------------------------------------------------
# Windows: tapers of length N for spectral analysis, each a function of x = n / (N - 1), n = 0..N-1.
# A periodic window (the default, for the FFT) is the symmetric window of length N + 1 without its last point.

def _window(name, shape, window_length, periodic, dtype, device, requires_grad):
    if window_length < 0:
        raise RuntimeError(f"{name}: window_length must be non-negative, got {window_length}")
    dtype = backend.get_default_dtype() if dtype is None else backend.as_dtype(dtype)
    if not backend.is_floating(dtype):
        raise RuntimeError(f"{name}: expected a floating point dtype, got {dtype}")
    xp = _xp(device)
    points = window_length + 1 if periodic and window_length > 1 else window_length
    x = xp.arange(points, dtype=backend.float64) / max(points - 1, 1)
    values = shape(xp, x)[:window_length] if window_length > 1 else xp.ones(window_length, dtype=backend.float64)
    return Tensor(values.astype(dtype), requires_grad=requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, device=None, requires_grad=False):
    """½ - ½cos(2πx): a raised cosine, zero at both ends."""
    return _window("hann_window", lambda xp, x: 0.5 - 0.5 * xp.cos(2 * math.pi * x), window_length, periodic, dtype,
                   device, requires_grad)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, device=None,
                   requires_grad=False):
    """α - βcos(2πx): a raised cosine that stays above zero at the ends."""
    return _window("hamming_window", lambda xp, x: alpha - beta * xp.cos(2 * math.pi * x), window_length, periodic,
                   dtype, device, requires_grad)


def blackman_window(window_length, periodic=True, *, dtype=None, device=None, requires_grad=False):
    """0.42 - 0.5cos(2πx) + 0.08cos(4πx)."""
    return _window("blackman_window", lambda xp, x: 0.42 - 0.5 * xp.cos(2 * math.pi * x) + 0.08 * xp.cos(
        4 * math.pi * x), window_length, periodic, dtype, device, requires_grad)


def bartlett_window(window_length, periodic=True, *, dtype=None, device=None, requires_grad=False):
    """1 - |2x - 1|: a triangle."""
    return _window("bartlett_window", lambda xp, x: 1 - xp.abs(2 * x - 1), window_length, periodic, dtype, device,
                   requires_grad)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, device=None, requires_grad=False):
    """I₀(β√(1 - (2x - 1)²)) / I₀(β), with I₀ the modified Bessel function: larger β, narrower window."""
    return _window("kaiser_window", lambda xp, x: xp.i0(beta * xp.sqrt(xp.clip(1 - (2 * x - 1) ** 2, 0, 1)))
                   / xp.i0(beta), window_length, periodic, dtype, device, requires_grad)


# ---------------------------------------------------------------------------------------------
# Matrices of powers and the index pairs of triangles.

def vander(x, N=None, increasing=False):  # noqa: N803 (PyTorch's name)
    """The Vandermonde matrix of a vector x: column j holds x ** (N - 1 - j) (x ** j when increasing).
    Built by repeated products, so gradients flow back to x; integer and bool x give int64."""
    if x.ndim != 1:
        raise RuntimeError(f"vander: x must be a one-dimensional tensor, got {x.ndim}-D")
    n = len(x) if N is None else N
    if n < 0:
        raise RuntimeError(f"vander: N must be non-negative, got {N}")
    x = x if backend.is_floating(x.dtype) else elementwise.cast(x, backend.int64)
    if n == 0:
        return zeros(len(x), 0, dtype=x.dtype, device=x.device)
    powers = [ones_like(x)]
    while len(powers) < n:
        powers.append(powers[-1] * x)
    return stack(powers if increasing else powers[::-1], dim=1)


def _triangle_indices(name, which, row, col, offset, dtype, device):
    for what, size in (("row", row), ("col", col)):
        if size < 0:
            raise RuntimeError(f"{name}: {what} must be non-negative, got {size}")
    rows, cols = which(row, offset, col)
    return Tensor(_xp(device).asarray(np.stack([rows, cols]), dtype=backend.as_dtype(dtype)))


def tril_indices(row, col, offset=0, *, dtype=backend.int64, device=None):
    """The (row, column) indices of the lower triangle of a row×col matrix (on and below diagonal
    offset), as a 2×n tensor, row by row."""
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=backend.int64, device=None):
    """The (row, column) indices of the upper triangle of a row×col matrix (on and above diagonal offset)."""
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device)


# ---------------------------------------------------------------------------------------------
# Random numbers.

def _generator(generator, device):
    return generator if generator is not None else backend.default_generator(_device(device))


def _float_dtype(name, dtype):
    dtype = backend.as_dtype(dtype) if dtype is not None else backend.get_default_dtype()
    if not backend.is_floating(dtype):
        raise TypeError(f"{name}: random floats need a floating point dtype, got {dtype}")
    return dtype


def rand(*size: int | tuple[int, ...], generator: backend.Generator | None = None, dtype: np.dtype | None = None,
         device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """Numbers drawn uniformly from [0, 1)."""
    array = _generator(generator, device).uniform(_size("rand", size), _float_dtype("rand", dtype))
    return Tensor(array, requires_grad=requires_grad)


def randn(*size: int | tuple[int, ...], generator: backend.Generator | None = None, dtype: np.dtype | None = None,
          device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """Numbers drawn from the standard normal distribution N(0, 1)."""
    array = _generator(generator, device).normal(_size("randn", size), _float_dtype("randn", dtype))
    return Tensor(array, requires_grad=requires_grad)


def randint(low: int, high: int | tuple[int, ...] | None = None, size: tuple[int, ...] | None = None, *,
            generator: backend.Generator | None = None, dtype: np.dtype | None = None, device: DeviceLike | None = None,
            requires_grad: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high): randint(low, high, size), or randint(high, size) from 0."""
    if high is None:
        low, high = 0, low
    elif size is None and not isinstance(high, int):
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: give a size, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise RuntimeError(f"randint: high ({high}) must be greater than low ({low})")
    dtype = backend.as_dtype(dtype) if dtype is not None else backend.int64
    array = _generator(generator, device).integers(low, high, _size("randint", (size,)), dtype)
    return Tensor(array, requires_grad=requires_grad)


def randperm(n: int, *, generator: backend.Generator | None = None, dtype: np.dtype = backend.int64,
             device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """0, 1, ..., n - 1 in a random order."""
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    array = _generator(generator, device).permutation(n).astype(backend.as_dtype(dtype))
    return Tensor(array, requires_grad=requires_grad)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Numbers drawn from N(mean, std²). mean and std are tensors that broadcast, or one is a number;
    with two numbers, size (and dtype, device) give the shape. As in PyTorch, no gradient flows back
    to a mean or std tensor (the result is a sample; see ember.ops.sampling.Draw)."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        return sampling.normal(mean, std, generator)
    if size is None:
        raise TypeError("normal: with a number for both mean and std, give a size, e.g. normal(0.0, 1.0, (3,))")
    if std < 0:
        raise RuntimeError(f"normal: expected std >= 0, got {std}")
    array = _generator(generator, device).normal(_size("normal", (size,)), _float_dtype("normal", dtype), mean, std)
    return Tensor(array, requires_grad=requires_grad)


def rand_like(input: Tensor, *, generator: backend.Generator | None = None,  # noqa: A002
              dtype: np.dtype | None = None, device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1) of input's shape."""
    return rand(input.shape, generator=generator, dtype=input.dtype if dtype is None else dtype,
                device=input.device if device is None else device, requires_grad=requires_grad)


def randn_like(input: Tensor, *, generator: backend.Generator | None = None,  # noqa: A002
               dtype: np.dtype | None = None, device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """Standard normal random numbers of input's shape."""
    return randn(input.shape, generator=generator, dtype=input.dtype if dtype is None else dtype,
                 device=input.device if device is None else device, requires_grad=requires_grad)


def randint_like(input, low, high=None, *, generator=None, dtype=None, device=None,  # noqa: A002
                 requires_grad=False):
    """Random integers in [low, high) of input's shape (randint_like(x, high) starts at 0)."""
    low, high = (0, low) if high is None else (low, high)
    return randint(low, high, input.shape, generator=generator, dtype=input.dtype if dtype is None else dtype,
                   device=input.device if device is None else device, requires_grad=requires_grad)
