"""Process-wide settings that PyTorch programs make: CPU threads and the precision of float32 matrix products.

ember keeps what a program sets, so that it reads back what it set; what each setting changes in ember
is said by its function.
"""

import os

PRECISIONS = ("highest", "high", "medium")

_num_threads = None
_num_interop_threads = None
_warn_always = False
_matmul_precision = "highest"


def set_num_threads(n):
    """Record the number of CPU threads a program asks for (torch.set_num_threads).

    ember's math runs in NumPy, whose BLAS library (OpenBLAS or MKL) fixes its thread count when it
    starts: set OMP_NUM_THREADS (or OPENBLAS_NUM_THREADS) in the environment before Python starts to
    change it. This only records n, which get_num_threads() then returns."""
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: expected a positive int, got {n!r}")
    _num_threads = n


def get_num_threads():
    """The number set by set_num_threads, else OMP_NUM_THREADS, else the number of CPU cores."""
    if _num_threads is not None:
        return _num_threads
    return int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count() or 1)


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
