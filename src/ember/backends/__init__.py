"""ember.backends (torch.backends): the switches PyTorch programs set for the libraries under a framework.

`torch.backends.cudnn.benchmark = True`, `torch.backends.cuda.matmul.allow_tf32 = True` and
`torch.backends.mps.is_available()` are found here. ember runs on NumPy and CuPy, not on cuDNN or
Metal: the switches are kept, so programs that set and read them run, and each says what it does in ember.
Not to be confused with ember.backend (one word), which holds ember's devices and array modules.
"""

from . import cuda, cudnn, mps


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.backends", name)
