"""Making tensors: from data, filled with a constant, ranges, and random numbers.

Every function takes dtype= (float32 by default for floating values), device= ("cpu" or "cuda")
and requires_grad=, as in PyTorch.
"""

import numpy as np

from . import backend
from .ops.shape import _shape_arg
from .tensor import Tensor


def _finish(array, dtype, device, requires_grad):
    """Cast and move a NumPy/CuPy array as asked, and wrap it."""
    if dtype is not None:
        array = array.astype(backend.as_dtype(dtype), copy=False)
    if device is not None:
        array = backend.to_device(array, backend.Device(device))
    return Tensor(array, requires_grad=requires_grad)


def _xp(device):
    return backend.array_module(backend.Device(device if device is not None else "cpu"))


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of data (a number, a nested list, a NumPy/CuPy array or a Tensor).

    Python floats become float32 and ints int64; an array keeps its dtype.
    """
    if isinstance(data, Tensor):
        data = data.array
    if backend.is_array(data):
        array = data.copy()
        if device is None:
            device = backend.device_of(data)
    else:
        array = np.array(data)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"tensor(): expected numbers, got {array.dtype} data")
        if array.dtype == np.float64 and dtype is None and not isinstance(data, np.generic):
            array = array.astype(backend.DEFAULT_FLOAT)
    return _finish(array, dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy/CuPy array or Tensor when nothing has to change."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (device or dtype) else data
    if backend.is_array(data):
        return _finish(data, dtype, device, False)
    return tensor(data, dtype, device)


def from_numpy(array):
    """A tensor sharing memory with a NumPy array: a change to one shows in the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy() expects a numpy.ndarray, got {type(array).__name__}")
    backend.as_dtype(array.dtype)  # a clear error for dtypes ember lacks
    return Tensor(array)


def _dtype_for(number):
    """The dtype PyTorch gives a Python number: bool, int64, or the default float."""
    if isinstance(number, bool):
        return backend.bool_
    return backend.int64 if isinstance(number, int) else backend.DEFAULT_FLOAT


def _filled(fill, size, dtype, device, requires_grad):
    dtype = backend.as_dtype(dtype) if dtype is not None else _dtype_for(fill)
    return Tensor(_xp(device).full(_shape_arg(size), fill, dtype=dtype), requires_grad=requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0.0, size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _filled(1.0, size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """Memory for a tensor, not yet set (here: zeros)."""
    return _filled(0.0, size, dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    return _filled(fill_value, (size,), dtype, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """start, start + step, ... up to (not including) end; arange(n) is 0, 1, ..., n - 1."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    inferred = backend.int64 if all(isinstance(n, int) for n in (start, end, step)) else backend.DEFAULT_FLOAT
    array = _xp(device).arange(start, end, step, dtype=np.float64 if inferred.kind == "f" else inferred)
    return Tensor(array.astype(backend.as_dtype(dtype) if dtype is not None else inferred), requires_grad=requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """steps numbers evenly spaced from start to end, both included."""
    if not isinstance(steps, int) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative int, got {steps!r}")
    array = _xp(device).linspace(start, end, steps)
    return Tensor(array.astype(backend.as_dtype(dtype) if dtype is not None else backend.DEFAULT_FLOAT),
                  requires_grad=requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n×m identity matrix (ones on the diagonal)."""
    return Tensor(_xp(device).eye(n, m, dtype=backend.as_dtype(dtype) if dtype is not None else backend.DEFAULT_FLOAT),
                  requires_grad=requires_grad)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) coordinates of the lower triangle of a row×col matrix, from the offset-th
    diagonal down, as a (2, count) tensor in row-major order."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, lower=True)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) coordinates of the upper triangle of a row×col matrix, from the offset-th
    diagonal up, as a (2, count) tensor in row-major order."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, lower=False)


def _triangle_indices(name, row, col, offset, dtype, device, lower):
    if row < 0 or col < 0:
        raise RuntimeError(f"{name}: row and col must not be negative, got {row} and {col}")
    dtype = backend.as_dtype(dtype) if dtype is not None else backend.int64
    if dtype.kind not in "iu":
        raise NotImplementedError(f"{name}: the indices are integers, not {dtype}")
    xp = _xp(device)
    rows, columns = (xp.tril_indices if lower else xp.triu_indices)(row, offset, col)
    return Tensor(xp.stack([rows, columns]).astype(dtype))


def _generator(generator, device):
    return generator or backend.default_generator(backend.Device(device if device is not None else "cpu"))


def _float_dtype(dtype):
    dtype = backend.as_dtype(dtype) if dtype is not None else backend.DEFAULT_FLOAT
    if dtype.kind != "f":
        raise TypeError(f"random floats need a floating point dtype, got {dtype}")
    return dtype


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Numbers drawn uniformly from [0, 1)."""
    array = _generator(generator, device).uniform(_shape_arg(size), _float_dtype(dtype))
    return Tensor(array, requires_grad=requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Numbers drawn from the standard normal distribution N(0, 1)."""
    array = _generator(generator, device).normal(_shape_arg(size), _float_dtype(dtype))
    return Tensor(array, requires_grad=requires_grad)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None):
    """Integers drawn uniformly from [low, high); randint(high, size) starts at 0."""
    if high is None:
        low, high = 0, low
    elif size is None and not isinstance(high, int):
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: give a size, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    dtype = backend.as_dtype(dtype) if dtype is not None else backend.int64
    return Tensor(_generator(generator, device).integers(low, high, _shape_arg((size,)), dtype))


def randperm(n, generator=None, dtype=None, device=None):
    """0, 1, ..., n - 1 in a random order."""
    dtype = backend.as_dtype(dtype) if dtype is not None else backend.int64
    array = _generator(generator, device).permutation(n).astype(dtype)
    return Tensor(array)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return zeros(t.shape, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    return ones(t.shape, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    return zeros_like(t, dtype, device, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    return rand(t.shape, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    return randn(t.shape, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def randint_like(t, low, high=None, dtype=None, device=None):
    return randint(low, high, t.shape, dtype=dtype or t.dtype, device=device or t.device)
