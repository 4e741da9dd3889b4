"""ember.backends.cudnn (torch.backends.cudnn): PyTorch's cuDNN switches, which ember keeps but does not use.

ember's convolutions are its own (im2col and a matrix product on NumPy or CuPy), not cuDNN's, so
`benchmark`, `deterministic`, `allow_tf32` and `enabled` change nothing: they hold what a program sets,
with PyTorch's defaults. ember's ops give the same results run after run on the CPU.
"""

benchmark = False
deterministic = False
allow_tf32 = True
enabled = True


def is_available():
    """False: ember does not use cuDNN."""
    return False


def version():
    """None, as PyTorch answers where cuDNN is not available."""
    return None


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.backends.cudnn", name)
