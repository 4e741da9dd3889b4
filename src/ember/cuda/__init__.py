"""ember.cuda: is a GPU there, and how many."""

from . import backend


def is_available():
    """True when CuPy is installed and sees an NVIDIA GPU."""
    return backend.cuda_available()


def device_count():
    return backend.cuda_device_count()


def synchronize():
    """Wait until the GPU has finished all queued work (for timing)."""
    if is_available():
        backend.cupy().cuda.Device().synchronize()
