"""ember.backends.mps (torch.backends.mps): Apple's Metal GPUs, which ember does not support."""


def is_available():
    """False: ember runs on the CPU (NumPy) and on NVIDIA GPUs (CuPy), not on Metal."""
    return False


def is_built():
    """False: ember has no Metal backend."""
    return False


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.backends.mps", name)
