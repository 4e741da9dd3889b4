"""ember.amp (torch.amp): automatic mixed precision's autocast and GradScaler, as PyTorch has them on the CPU.

Mixed precision runs the matrix products of a model in a 16-bit float type (float16 or bfloat16) to go
faster on GPUs, and scales the loss so that small float16 gradients do not round to zero. ember accepts
the code that asks for it and computes in float32: its CPU math is NumPy's, which has no bfloat16 and
whose float16 is slower than float32, so `autocast` leaves dtypes as they are and `GradScaler` passes
through (there is nothing to unscale). Real CUDA mixed precision is for a later GPU change.
"""

import functools
import warnings

from . import backend

DEVICE_TYPES = ("cpu", "cuda")

_enabled = {"cpu": False, "cuda": False}
_dtypes = {"cpu": None, "cuda": None}
_cache_enabled = {"on": True}


def _is_16_bit_float(dtype):
    return getattr(dtype, "name", str(dtype)).removeprefix("torch.") in ("float16", "bfloat16")


class autocast:  # noqa: N801 (PyTorch's name)
    """`with autocast("cpu", dtype=torch.bfloat16):` (also `@autocast("cuda")`): a region where PyTorch would
    compute in 16 bits. In ember ops keep their inputs' dtypes (float32): ember has no bfloat16 math.

    As in PyTorch, a dtype other than float16 or bfloat16, or "cuda" where no GPU is found, disables it
    with a warning."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        _check_device_type("autocast", device_type)
        if enabled and device_type == "cuda" and not backend.cuda_available():
            warnings.warn("autocast: CUDA is not available, so autocast is disabled", UserWarning, stacklevel=2)
            enabled = False
        if enabled and dtype is not None and not _is_16_bit_float(dtype):
            warnings.warn(f"autocast: the target dtype {dtype} is not float16 or bfloat16, so autocast is disabled",
                          UserWarning, stacklevel=2)
            enabled = False
        self.device_type, self.dtype, self.enabled = device_type, dtype, bool(enabled)

    def __enter__(self):
        self._previous = _enabled[self.device_type]
        _enabled[self.device_type] = self.enabled
        return self

    def __exit__(self, *exc_info):
        _enabled[self.device_type] = self._previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def in_autocast(*args, **kwargs):
            with autocast(self.device_type, self.dtype, self.enabled):
                return fn(*args, **kwargs)
        return in_autocast


def is_autocast_enabled(device_type="cuda"):
    """Whether code runs inside an enabled autocast region for device_type."""
    _check_device_type("is_autocast_enabled", device_type)
    return _enabled[device_type]


def _check_device_type(name, device_type):
    if device_type not in DEVICE_TYPES:
        raise RuntimeError(f"{name}: expected device_type 'cpu' or 'cuda', got {device_type!r}")


def set_autocast_enabled(device_type, enabled):
    """Turn autocast on or off for device_type outside a `with autocast(...)` block."""
    _check_device_type("set_autocast_enabled", device_type)
    _enabled[device_type] = bool(enabled)


def get_autocast_dtype(device_type):
    """The 16-bit type an autocast region of device_type names: bfloat16 on the CPU and float16 on CUDA unless
    set (ember still computes in the inputs' dtypes)."""
    _check_device_type("get_autocast_dtype", device_type)
    return _dtypes[device_type] or (backend.bfloat16() if device_type == "cpu" else backend.float16)


def set_autocast_dtype(device_type, dtype):
    """Set the 16-bit dtype (float16 or bfloat16) that autocast uses on device_type."""
    _check_device_type("set_autocast_dtype", device_type)
    if not _is_16_bit_float(dtype):
        raise RuntimeError(f"set_autocast_dtype: expected float16 or bfloat16, got {dtype}")
    _dtypes[device_type] = dtype


def is_autocast_cache_enabled():
    """Whether autocast keeps the 16-bit copies of weights it made (True unless set): ember makes none."""
    return _cache_enabled["on"]


def set_autocast_cache_enabled(enabled):
    """Turn autocast's cache of cast weights on or off (a setting only: ember keeps no cache)."""
    _cache_enabled["on"] = bool(enabled)


def is_autocast_available(device_type):
    """Whether autocast accepts device_type ("cpu" and "cuda" in ember)."""
    return device_type in DEVICE_TYPES


class GradScaler:
    """PyTorch's loss scaler for float16 training, passing through as PyTorch's does when disabled:
    scale(loss) returns the loss, step(optimizer) calls optimizer.step(), update() does nothing.

    ember computes in float32 under autocast, whose gradients need no scaling, so it is never enabled
    (is_enabled() is False, get_scale() 1.0); on "cuda" without a GPU it warns, as PyTorch does."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        if device not in DEVICE_TYPES:
            raise RuntimeError(f"GradScaler: expected device 'cpu' or 'cuda', got {device!r}")
        if enabled and device == "cuda" and not backend.cuda_available():
            warnings.warn("GradScaler is enabled, but CUDA is not available: disabling it", UserWarning, stacklevel=2)
        self.device = device
        self._init_scale, self._growth_factor, self._backoff_factor = init_scale, growth_factor, backoff_factor
        self._growth_interval = growth_interval

    def is_enabled(self):
        return False

    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer):
        pass

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        pass

    def get_scale(self):
        return 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def state_dict(self):
        """{} as PyTorch's disabled scaler gives: there is no scale to save."""
        return {}

    def load_state_dict(self, state_dict):
        pass


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.amp", name)
