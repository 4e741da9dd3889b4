"""ember.backends.cuda (torch.backends.cuda): the TF32 switch of float32 matrix products on NVIDIA GPUs.

`torch.backends.cuda.matmul.allow_tf32` and `torch.set_float32_matmul_precision` are two views of one
setting (ember.settings): "highest" is allow_tf32 False, "high" and "medium" are allow_tf32 True. ember
records it; its GPU matrix products are CuPy's, which use TF32 only when CuPy was started with the
environment variable CUPY_TF32=1, so ember's float32 products stay full float32 whatever is set here.
"""

from .. import backend, settings


class _Matmul:
    """torch.backends.cuda.matmul: `allow_tf32` reads and sets ember.settings' float32 matmul precision."""

    @property
    def allow_tf32(self):
        return settings.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        settings.set_float32_matmul_precision("high" if value else "highest")


matmul = _Matmul()


def is_built():
    """Whether ember can use CUDA here: CuPy is installed and sees a GPU."""
    return backend.cuda_available()


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.backends.cuda", name)
