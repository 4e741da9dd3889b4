"""ember.accelerator (torch.accelerator): which accelerator this machine has, if any (for ember: CUDA or none)."""

from . import backend


def is_available():
    """True when a GPU ember can use is there (CuPy sees an NVIDIA GPU)."""
    return backend.cuda_available()


def current_accelerator(check_available=False):
    """ember.device("cuda") when a GPU is there, else None (as PyTorch answers on a machine without one)."""
    return backend.Device("cuda") if backend.cuda_available() else None


def device_count():
    """How many GPUs ember can use (0 without one)."""
    return backend.cuda_device_count()


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.accelerator", name)
