"""ember.cpu (torch.cpu): the CPU's device functions, which generic code calls through torch.get_device_module."""


def is_available():
    """True: ember always computes on the CPU (NumPy)."""
    return True


def device_count():
    """1: ember sees the CPU as one device."""
    return 1


def current_device():
    return "cpu"


def synchronize(device=None):
    """Wait for the CPU's work to finish: it already has, as NumPy's ops return when done."""


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.cpu", name)
