"""Process-wide settings that PyTorch programs make: CPU threads and the precision of float32 matrix products.

ember keeps what a program sets, so that it reads back what it set; what each setting changes in ember
is said by its function.
"""

import contextlib
import os

PRECISIONS = ("highest", "high", "medium")

_num_threads = None
_num_interop_threads = None
_warn_always = False
_matmul_precision = "highest"


def set_num_threads(n):
    """Use n CPU threads for matrix products (torch.set_num_threads).

    ember's math runs in NumPy, whose BLAS library (OpenBLAS or MKL) starts with OMP_NUM_THREADS (or
    OPENBLAS_NUM_THREADS) threads. With threadpoolctl installed (pip install 'ember[threads]') this sets
    that library's thread count now; without it, n is only recorded (get_num_threads returns it), and the
    environment variables, set before Python starts, are the way to change it."""
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: expected a positive int, got {n!r}")
    _num_threads = n
    controller = _blas_controller()
    if controller is not None:
        controller.limit(limits=n, user_api="blas")  # set now, kept


def get_num_threads():
    """The number set by set_num_threads, else OMP_NUM_THREADS, else the number of CPU cores."""
    if _num_threads is not None:
        return _num_threads
    return int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count() or 1)


@contextlib.contextmanager
def blas_threads(n):
    """Run the block with n BLAS threads (with threadpoolctl installed; else as it is)."""
    controller = _blas_controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=n, user_api="blas"):
        yield


@contextlib.contextmanager
def small_products():
    """Run a loop of small matrix products (a recurrence's steps) on one BLAS thread while other processes
    want the cores, else as set. Threads that share each product meet after every one; with a core taken
    by another process, they wait for each other up to 7 times longer than the product takes alone, but
    on free cores two threads take a quarter less time than one."""
    if cores_are_shared():
        with blas_threads(1):
            yield
    else:
        yield


def cores_are_shared():
    """Whether more threads are ready to run now than this process has cores (Linux counts them, this
    process's own included, in /proc/loadavg); False where that cannot be read."""
    try:
        with open("/proc/loadavg") as f:
            runnable = int(f.read().split()[3].split("/")[0])
        cores = len(os.sched_getaffinity(0))
    except (OSError, AttributeError, ValueError, IndexError):
        return False
    return runnable > cores


_controller = None


def _blas_controller():
    """threadpoolctl's view of the BLAS library that NumPy loaded, made once; None without threadpoolctl."""
    global _controller
    if _controller is None:
        try:
            import threadpoolctl
        except ImportError:
            _controller = False
        else:
            import numpy  # noqa: F401 (its BLAS must be loaded to be found)
            _controller = threadpoolctl.ThreadpoolController()
    return _controller or None


def set_num_interop_threads(n):
    """Record the number of threads a program asks for to run independent ops side by side
    (torch.set_num_interop_threads). ember runs one op after another, so this only records n."""
    global _num_interop_threads
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_interop_threads: expected a positive int, got {n!r}")
    _num_interop_threads = n


def get_num_interop_threads():
    """The number set by set_num_interop_threads, else the number of CPU cores."""
    return _num_interop_threads or os.cpu_count() or 1


def set_warn_always(flag):
    """Whether warnings that PyTorch gives once per process are to be given every time
    (torch.set_warn_always). ember's warnings go through Python's warnings module, whose filters decide how
    often each shows; this records the flag that is_warn_always_enabled() returns."""
    global _warn_always
    _warn_always = bool(flag)


def is_warn_always_enabled():
    """Whether warnings that PyTorch gives once are given every time (set_warn_always)."""
    return _warn_always


def set_float32_matmul_precision(precision):
    """"highest", "high" or "medium" (torch.set_float32_matmul_precision): whether float32 matrix products
    may use a faster, less precise format (TF32 on NVIDIA GPUs). ember records it (it is also
    torch.backends.cuda.matmul.allow_tf32); its products stay full float32 (see ember.backends.cuda)."""
    global _matmul_precision
    if precision not in PRECISIONS:
        raise ValueError(f"set_float32_matmul_precision: expected one of {', '.join(PRECISIONS)}, got {precision!r}")
    _matmul_precision = precision


def get_float32_matmul_precision():
    """The precision last set ("highest" at the start)."""
    return _matmul_precision
