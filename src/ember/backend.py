"""Devices, array modules, dtypes and random generators.

A tensor's numbers live in an array of an *array module* (`xp`): NumPy on the CPU, CuPy on an
NVIDIA GPU. Every op is written once against `xp`, so the same code runs on both. This is the only
file that knows CuPy and SciPy (the special functions: erf, lgamma, digamma, ...) exist.
"""

import ctypes
import math
import mmap
import os
import warnings

import numpy as np

# ---------------------------------------------------------------------------------------------
# Memory. Every op's result is a new NumPy array. glibc's malloc hands big ones (from 128 KiB, a
# threshold that adapts up to 32 MiB) straight from the operating system and gives them back when
# they are freed, so each training step would have the kernel map and zero fresh pages for its big
# arrays all over again: a third of a small CNN's step on the CPU, and more time than the arithmetic
# of some ops in the gpt benchmark. Letting freed blocks of up to 128 MiB stay in the process for
# reuse, as the caching allocators of deep learning frameworks do, removes that cost; the price is
# that the process keeps up to its peak memory. `import ember` makes that choice (without it LeNet's CPU
# training step took 3 times as long, PyTorch's none longer); setting MALLOC_MMAP_THRESHOLD_ or
# MALLOC_TRIM_THRESHOLD_ in the environment keeps glibc's own behaviour.

def keep_freed_memory(largest=128 << 20):
    """Ask glibc's malloc to serve blocks up to `largest` bytes from its heap and to keep up to four
    times that freed before returning memory to the system. True if it did (Linux with glibc, and
    no MALLOC_* thresholds set in the environment)."""
    if {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"} & set(os.environ):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return False  # not glibc (macOS, Windows, musl): the system allocator decides
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(mallopt(m_mmap_threshold, largest)) and bool(mallopt(m_trim_threshold, 4 * largest))


def in_shared_memory(array):
    """Whether a NumPy array's memory is an anonymous shared mapping (made by to_shared_memory)."""
    while isinstance(array, np.ndarray):
        array = array.base
    return isinstance(array, memoryview) and isinstance(array.obj, mmap.mmap)


def to_shared_memory(array):
    """A copy of a NumPy array in an anonymous shared mapping, which processes forked later share."""
    shared = np.frombuffer(mmap.mmap(-1, max(array.nbytes, 1)), array.dtype, array.size).reshape(array.shape)
    shared[...] = array
    return shared


def data_address(array):
    """The address of an array's first element."""
    return array.ctypes.data if type(array) is np.ndarray else array.data.ptr


# ---------------------------------------------------------------------------------------------
# dtypes: ember's dtypes are NumPy's, so `t.dtype == numpy.float32` holds. The PyTorch aliases
# (ember.float, ember.long, ember.bool, ...) are made in ember/__init__.py; the rules between dtypes
# (promotion, casting, limits) are in ember/dtypes.py. Complex dtypes are out of ember's scope.
#
# bfloat16 is a storage dtype from the optional ml_dtypes package (pip install 'ember[bfloat16]'),
# imported on first use because it takes a second to load: tensors of it can be made, printed and cast,
# and arithmetic on them computes each element in float32 and rounds the result to bfloat16 (as
# ml_dtypes' NumPy functions do). Gradients need float16, float32 or float64.

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
uint8 = np.dtype(np.uint8)
uint16 = np.dtype(np.uint16)
uint32 = np.dtype(np.uint32)
uint64 = np.dtype(np.uint64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

DTYPES = {d.name: d for d in (float16, float32, float64, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
                              bool_)}
DEFAULT_FLOAT = float32


def bfloat16():
    """The bfloat16 dtype (ml_dtypes'), imported on first use."""
    if "bfloat16" not in DTYPES:
        try:
            import ml_dtypes
        except ImportError:
            raise TypeError("bfloat16 needs the ml_dtypes package: pip install 'ember[bfloat16]'") from None
        DTYPES["bfloat16"] = np.dtype(ml_dtypes.bfloat16)
    return DTYPES["bfloat16"]


def as_dtype(dtype):
    """Turn `ember.float32`, `numpy.float32`, `"float32"` or a Python type into a NumPy dtype.

    As in PyTorch, the Python type float means float64 (ember.float is float32)."""
    if dtype is float:
        return float64
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    if isinstance(dtype, str) and dtype == "bfloat16":
        return bfloat16()
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"not a dtype: {dtype!r}") from None
    if dt in DTYPES.values():  # the common case, decided without dt.name (see is_bfloat16)
        return dt
    if is_bfloat16(dt):
        return bfloat16()
    if dt.name not in DTYPES:
        raise TypeError(f"ember has no dtype {dt.name}; use one of {', '.join(DTYPES)}")
    return dt


def is_bfloat16(dtype):
    """Whether a dtype is ml_dtypes' bfloat16, which NumPy files under kind 'V'. (The kind is read first: a
    dtype's name is computed in Python, 1.5 µs, on every read.)"""
    return dtype.kind == "V" and dtype.name == "bfloat16"


def is_floating(dtype):
    """Whether a dtype holds floating point numbers (bfloat16 too)."""
    return dtype.kind == "f" or is_bfloat16(dtype)


def kind_of(dtype):
    """NumPy's kind letter of a dtype ('b', 'i', 'u', 'f'), with 'f' for bfloat16."""
    return "f" if is_bfloat16(dtype) else dtype.kind


def float_limits(dtype):
    """NumPy's finfo of a floating dtype (ml_dtypes' for bfloat16)."""
    if is_bfloat16(dtype):
        import ml_dtypes
        return ml_dtypes.finfo(dtype)
    return np.finfo(dtype)


def dtype_name(dtype):
    return "ember." + dtype.name


def get_default_dtype():
    """The dtype of floating tensors made from Python floats (float32 unless set_default_dtype changed it)."""
    return DEFAULT_FLOAT


def set_default_dtype(dtype):
    """Make new floating tensors (tensor([1.5]), zeros(3), rand(2), x * 0.5 of an int x) of this dtype."""
    global DEFAULT_FLOAT
    dtype = as_dtype(dtype)
    if not is_floating(dtype):
        raise TypeError(f"set_default_dtype: only floating point dtypes can be the default, got {dtype}")
    DEFAULT_FLOAT = dtype


# ---------------------------------------------------------------------------------------------
# Devices.

class Device:
    """Where a tensor's numbers live: `device("cpu")` or `device("cuda")` (`"cuda:0"`)."""

    __slots__ = ("type", "index")

    def __init__(self, spec="cpu"):
        if isinstance(spec, Device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"a device is 'cpu' or 'cuda[:N]', got {spec!r}")
        kind, _, index = spec.partition(":")
        if kind not in ("cpu", "cuda") or (index and not index.isdigit()) or (kind == "cpu" and index):
            raise ValueError(f"a device is 'cpu' or 'cuda[:N]', got {spec!r}")
        self.type = kind
        self.index = int(index) if index else (0 if kind == "cuda" else None)

    def __eq__(self, other):
        if isinstance(other, str):
            other = Device(other)
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}'" + ("" if self.index is None else f", index={self.index}") + ")"


DeviceLike = str | Device  # what a device= argument takes: "cpu", "cuda:1" or an ember.device
CPU = Device("cpu")
DEFAULT_DEVICE = CPU


def get_default_device():
    """Where creation functions put tensors when no device= is given (the CPU unless set)."""
    return DEFAULT_DEVICE


def set_default_device(device):
    """Make creation functions put new tensors on device ('cpu', 'cuda'); None means the CPU again."""
    global DEFAULT_DEVICE
    DEFAULT_DEVICE = CPU if device is None else Device(device)

_cupy = None


def cupy():
    """The CuPy module, imported on first use (it is slow to import)."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp
        except ImportError:
            raise RuntimeError("CUDA needs CuPy: pip install 'ember[gpu]'") from None
        _cupy = cp
    return _cupy


def nccl():
    """CuPy's bindings of NCCL (cupy.cuda.nccl), which moves data between GPUs: for ember.distributed."""
    cupy()
    try:
        from cupy.cuda import nccl as bindings
    except ImportError:
        raise RuntimeError("the nccl backend needs CuPy built with NCCL: pip install 'ember[gpu]' (CuPy and the "
                           "nvidia-nccl-cu12 wheel)") from None
    return bindings


def cuda_available():
    try:
        return cupy().cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, no driver or no device: all mean "no"
        return False


def cuda_device_count():
    return cupy().cuda.runtime.getDeviceCount() if cuda_available() else 0


def array_module(dev):
    """The array module for a device: numpy for 'cpu', cupy for 'cuda'."""
    if dev.type == "cpu":
        return np
    if not cuda_available():
        raise RuntimeError("CUDA is not available: no GPU was found (ember.cuda.is_available() is False)")
    return cupy()


def is_cpu(xp):
    """Whether an array module is NumPy's (the CPU's)."""
    return xp is np


def cache_bytes(xp):
    """How many bytes of temporaries an op should make at a time, so that they are still in the
    processor's cache when it reads them back: a few MiB on a CPU. None on a GPU, whose memory is fast
    and where each extra step is a kernel launch."""
    return 2 << 20 if xp is np else None


def xp_of(array):
    """The array module an array belongs to."""
    return np if type(array) is np.ndarray else cupy()


def is_array(value):
    """A NumPy or CuPy array (what a Tensor's data is)."""
    return type(value) is np.ndarray or (_cupy is not None and isinstance(value, _cupy.ndarray))


def as_array(value):
    """NumPy reductions return scalars (numpy.float32) for 0-d results: make them 0-d arrays."""
    return np.asarray(value) if isinstance(value, np.generic) else value


def device_of(array):
    if type(array) is np.ndarray:
        return CPU
    return Device(f"cuda:{array.device.id}")


def to_device(array, dev):
    """Copy an array to a device (no copy if it is already there)."""
    if dev.type == "cpu":
        return array if type(array) is np.ndarray else array.get()
    cp = array_module(dev)
    with cp.cuda.Device(dev.index):
        return cp.asarray(array)


# ---------------------------------------------------------------------------------------------
# Random numbers: one default generator per device type, reseeded by ember.manual_seed.

SEED_MASK = (1 << 64) - 1  # seeds are 64-bit; a negative one wraps around, as in PyTorch
_tensor_type = None


def set_tensor_type(cls):
    """tensor.py hands over the Tensor type once: Generator.get_state returns its state as a tensor."""
    global _tensor_type
    _tensor_type = cls


class Generator:
    """A seeded stream of random numbers on one device, as torch.Generator: NumPy's PCG64 generator
    on the CPU, CuPy's XORWOW on a GPU. A new generator starts from a fresh random seed, or from seed=
    (ember's shorthand for Generator(device).manual_seed(seed))."""

    def __init__(self, device="cpu", seed=None):
        self.device = Device(device)
        if seed is None:
            self.seed()
        else:
            self.manual_seed(seed)

    def manual_seed(self, seed):
        """Restart the stream from seed (an int); returns the generator."""
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"a seed is an int, got {type(seed).__name__}")
        self._seed = seed & SEED_MASK
        if self.device.type == "cpu":
            self.rng = np.random.default_rng(self._seed)
        else:
            self.rng = array_module(self.device).random.default_rng(self._seed)
        return self

    def seed(self):
        """Restart the stream from a fresh seed drawn from the operating system's entropy; returns it."""
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        """The seed the stream started from."""
        return self._seed

    def get_state(self):
        """The generator's whole state as a uint8 tensor on the CPU: set_state(it) continues the stream
        exactly from here. On the CPU it is the seed and PCG64's state (45 bytes), on a GPU the seed and
        the bytes of CuPy's per-thread cuRAND states."""
        return _tensor_type(np.frombuffer(self._seed.to_bytes(8, "little") + self._stream_bytes(), np.uint8).copy())

    def set_state(self, state):
        """Continue the stream from a state that get_state() returned."""
        expected = 8 + len(self._stream_bytes())
        if not isinstance(state, _tensor_type) or state.dtype != uint8:
            raise TypeError(f"Generator.set_state: expected a uint8 tensor (from get_state()), got {state!r:.60}")
        if state.shape != (expected,):
            raise RuntimeError(f"Generator.set_state: expected the {expected} bytes of a {self.device.type} "
                               f"generator's state, got a tensor of shape {tuple(state.shape)}")
        raw = to_device(state.array, CPU).tobytes()
        self._seed = int.from_bytes(raw[:8], "little")
        self._set_stream_bytes(raw[8:])
        return self

    def _stream_bytes(self):
        if self.device.type != "cpu":
            return self.rng.bit_generator._state.get().tobytes()  # CuPy keeps it as a private device array
        state = self.rng.bit_generator.state
        return (state["state"]["state"].to_bytes(16, "little") + state["state"]["inc"].to_bytes(16, "little")
                + bytes([state["has_uint32"]]) + state["uinteger"].to_bytes(4, "little"))

    def _set_stream_bytes(self, raw):
        if self.device.type != "cpu":
            self.rng.bit_generator._state[...] = cupy().asarray(np.frombuffer(raw, np.int8))
            return
        self.rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(raw[:16], "little"), "inc": int.from_bytes(raw[16:32], "little")},
            "has_uint32": raw[32], "uinteger": int.from_bytes(raw[33:37], "little")}

    def uniform(self, shape, dtype, low=0.0, high=1.0):
        """An array of numbers drawn uniformly from [low, high)."""
        if not is_floating(dtype):
            raise TypeError(f"uniform numbers need a floating point dtype, got {dtype}")
        out = self.rng.random(shape, dtype=_draw_dtype(dtype))
        return as_array((out * (high - low) + low).astype(dtype, copy=False))  # shape () gives a scalar

    def normal(self, shape, dtype, mean=0.0, std=1.0):
        """An array of numbers drawn from the normal distribution N(mean, std²)."""
        if not is_floating(dtype):
            raise TypeError(f"normal numbers need a floating point dtype, got {dtype}")
        out = self.rng.standard_normal(shape, dtype=_draw_dtype(dtype))
        return as_array((out * std + mean).astype(dtype, copy=False))

    def exponential(self, shape, dtype):
        """An array of numbers drawn from the exponential distribution of rate 1."""
        return as_array(self.rng.standard_exponential(shape, dtype=_draw_dtype(dtype)).astype(dtype, copy=False))

    def integers(self, low, high, shape, dtype):
        """An array of integers drawn uniformly from [low, high)."""
        return as_array(self.rng.integers(low, high, size=shape).astype(dtype, copy=False))

    def poisson(self, rates):
        """Counts drawn from Poisson distributions of the given rates (an array), as float64."""
        return self.rng.poisson(rates, size=rates.shape).astype(float64)

    def binomial(self, counts, probabilities):
        """Successes in counts trials of probability probabilities (arrays of one shape), as float64."""
        return self.rng.binomial(counts, probabilities, size=counts.shape).astype(float64)

    def geometric(self, p, shape):
        """The number of trials up to and including the first success, each of probability p."""
        return as_array(self.rng.geometric(p, size=shape))

    def permutation(self, n):
        """0, ..., n-1 in a random order (CuPy's generator has no permutation: the order that sorts
        n uniform numbers is one)."""
        if self.device.type == "cpu":
            return self.rng.permutation(n)
        return self.rng.random(n).argsort()


def _draw_dtype(dtype):
    """The dtype the generators draw a dtype's numbers in: float16 and bfloat16 come from float64."""
    return dtype if dtype in (float32, float64) else float64


_default_generators = {}


def default_generator(dev):
    gen = _default_generators.get(dev.type)
    if gen is None:
        gen = _default_generators[dev.type] = Generator(dev)
    return gen


def manual_seed(seed):
    """Seed every device's default generator, so that runs repeat exactly; returns the CPU's."""
    default_generator(CPU).manual_seed(seed)
    for gen in _default_generators.values():
        gen.manual_seed(seed)
    if "cuda" not in _default_generators and _cupy is not None and cuda_available():
        default_generator(Device("cuda")).manual_seed(seed)
    return _default_generators["cpu"]


# ---------------------------------------------------------------------------------------------
# Deterministic algorithms: every op of ember gives the same bits on every run on the CPU. On a GPU, adding
# into repeated indices (the backward of indexing, embedding, gather, scatter_add) uses atomic additions, whose
# order, and so whose rounding, varies from run to run: in deterministic mode those refuse (or warn).

DEBUG_MODES = ("default", "warn", "error")
_deterministic = {"enabled": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Make ops without a deterministic algorithm raise RuntimeError (with warn_only, warn) when they run."""
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms: mode must be True or False, got {mode!r}")
    _deterministic.update(enabled=mode, warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled():
    """Whether use_deterministic_algorithms(True) is in force."""
    return _deterministic["enabled"]


def is_deterministic_algorithms_warn_only_enabled():
    """Whether deterministic mode only warns, rather than refusing, a non-deterministic op."""
    return _deterministic["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    """The same switch as a level: 0 or "default" (off), 1 or "warn" (warn only), 2 or "error" (raise)."""
    level = DEBUG_MODES.index(debug_mode) if debug_mode in DEBUG_MODES else debug_mode
    if level not in (0, 1, 2) or isinstance(level, bool):
        raise RuntimeError(f"set_deterministic_debug_mode: expected 0, 1, 2 or one of {', '.join(DEBUG_MODES)}, "
                           f"got {debug_mode!r}")
    use_deterministic_algorithms(level > 0, warn_only=level == 1)


def get_deterministic_debug_mode():
    """Deterministic mode as a number: 0 off, 1 warn only, 2 refuse."""
    if not _deterministic["enabled"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2


def check_deterministic(what):
    """Called by an algorithm whose result may differ between runs: refuse it (or warn) in deterministic mode."""
    if _deterministic["enabled"]:
        message = f"{what} has no deterministic implementation (use_deterministic_algorithms is on)"
        if not _deterministic["warn_only"]:
            raise RuntimeError(message)
        warnings.warn(message, UserWarning, stacklevel=3)


# ---------------------------------------------------------------------------------------------
# The few array functions that NumPy and CuPy spell differently.

def scatter_add(target, index, values):
    """target[index] += values, with repeated indices adding up (in place)."""
    if type(target) is np.ndarray and isinstance(index, tuple) and len(index) == 1 \
            and getattr(index[0], "dtype", None) is not None and index[0].dtype.kind in "iu":
        _add_rows(target, index[0].ravel(), values.reshape((index[0].size,) + target.shape[1:]))
    else:
        if type(target) is not np.ndarray:
            check_deterministic("adding into repeated indices on a GPU (atomic additions)")
        xp_of(target).add.at(target, index, values)


def _add_rows(target, rows, values):
    """target[rows] += values for a 1-D array of row numbers: sort the rows, sum each run of equal rows
    with one reduceat, add each sum once (3 to 5 times faster than np.add.at here)."""
    if rows.size == 0:
        return
    rows = np.where(rows < 0, rows + len(target), rows)
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_rows[1:] != sorted_rows[:-1])))
    target[sorted_rows[starts]] += np.add.reduceat(values[order], starts, axis=0)


def storage_offset(array):
    """How many elements past the start of its block of memory an array (maybe a view) begins."""
    if type(array) is not np.ndarray:
        return (array.data.ptr - array.data.mem.ptr) // array.itemsize
    owner, node = array, array
    while getattr(node, "base", None) is not None:  # views of views; as_strided puts a helper object between
        node = node.base
        if type(node) is np.ndarray:
            owner = node
    return (array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]) // array.itemsize


_scipy_erf = None

# erf(x) ≈ tanh(x·R(x²)), x clipped to [-4.5, 4.5] (where the tanh is ±1, as erf is in float32): R a polynomial
# of degree 6 fitted to atanh(erf(x))/x from SciPy's float64 erf (minimax relative error of erf, by reweighted
# least squares; the constant term is 2/√π, erf's slope at 0). Relative error 1e-7 in exact arithmetic, 2.6e-7
# in float32, in about 17 whole-array operations (NumPy's tanh costs a few multiplications): fewer than half the
# passes over the data of the rational function x·P(x²)/Q(x²) of the same accuracy.
_ERF_R = (1.128379225730896, 0.10277002304792404, -0.00019391377281863242, -0.0006180953932926059,
          8.704147330718115e-05, -5.577120646194089e-06, 1.3693123435132293e-07)


def _erf_float32(x, out):
    """out = erf(x) for a float32 block: tanh(x·R(x²))."""
    x = np.clip(x, -4.5, 4.5)
    u = x * x
    np.multiply(u, _ERF_R[-1], out=out)  # R(u) by Horner's rule
    for c in _ERF_R[-2:0:-1]:
        out += c
        out *= u
    out += _ERF_R[0]
    out *= x
    np.tanh(out, out=out)


def erf(x, out=None):
    """The error function, elementwise, into `out` if given: for float32 (and float16) NumPy arrays, ember's
    approximation (accurate to float32 precision); otherwise SciPy's (or CuPy's), else math.erf per element."""
    global _scipy_erf
    x = as_array(x)  # a 0-d array times a number is a NumPy scalar
    if type(x) is not np.ndarray:
        return special_function(cupy(), "erf")(x, out=out)
    if x.dtype == float32:
        out = np.empty(x.shape, x.dtype) if out is None else out
        blockwise(_erf_float32, x, out)
        return out
    if x.dtype == float16:
        values = erf(x.astype(float32))
    else:
        if _scipy_erf is None:
            try:
                from scipy.special import erf as _scipy_erf
            except ImportError:
                _scipy_erf = np.vectorize(math.erf, otypes=[np.float64])
        values = _scipy_erf(x)
    if out is None:
        return values.astype(x.dtype, copy=False)
    out[...] = values
    return out


def blockwise(f, *arrays):
    """Call f(*blocks) on consecutive 1-D blocks of same-shaped arrays, each block a few hundred KiB, so
    that a chain of NumPy passes over large arrays reads each block back from the cache, not from memory
    (GELU on 393,216 float32: 1.78 ms in whole-array passes, 1.05 ms in blocks). f writes its results into
    the blocks of the arrays that are outputs: these must be C-contiguous. On a GPU f gets whole arrays."""
    flats = [a.reshape(-1) for a in arrays]
    n = flats[0].size
    limit = cache_bytes(xp_of(arrays[0]))
    # about eight blocks, f's arrays and its temporaries, fit in the cache together
    step = max(1, limit // (8 * flats[0].itemsize)) if limit else max(1, n)
    for start in range(0, n, step):
        f(*(a[start:start + step] for a in flats))


def special_function(xp, name):
    """The special function `name` (SciPy's name: erfinv, gammaln, digamma, polygamma, i0, i1, gammainc, ...)
    for arrays of xp: SciPy's on the CPU, CuPy's (cupyx.scipy.special) on a GPU. SciPy is optional."""
    if xp is not np:
        import cupyx.scipy.special
        return getattr(cupyx.scipy.special, name)
    try:
        import scipy.special
    except ImportError:
        raise RuntimeError(f"ember's special functions need SciPy on the CPU (for {name}): pip install scipy") from None
    return getattr(scipy.special, name)
