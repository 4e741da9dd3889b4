"""Normalization layers: keep each layer's inputs at a standard spread, so deep networks train stably.

The math is in ember/ops/normalization.py.
"""

from .. import functional as F
from ..creation import ones, zeros
from ..ops.normalization import check_normalized_shape
from .module import Module
from .parameter import Parameter


# ---------------------------------------------------------------------------------------------
# Layer normalization (Transformers).

class LayerNorm(Module):
    """Normalizes each example over its last axes (normalized_shape) to mean 0 and variance 1, then
    scales by a learned weight and shifts by a learned bias (elementwise_affine; bias=False drops
    the shift). Input (*, *normalized_shape), output the same shape. Weight starts at 1, bias at 0.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        where = dict(device=device, dtype=dtype)
        affine = elementwise_affine
        self.register_parameter("weight", Parameter(ones(self.normalized_shape, **where)) if affine else None)
        self.register_parameter("bias", Parameter(zeros(self.normalized_shape, **where)) if affine and bias else None)

    def forward(self, x):
        check_normalized_shape(x, self.normalized_shape, self._describe())
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """Divides each example by the root mean square of its last axes (normalized_shape) and scales by
    a learned weight (elementwise_affine): LayerNorm without centering or bias. eps=None uses the
    dtype's machine epsilon. Input (*, *normalized_shape), output the same shape."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        weight = Parameter(ones(self.normalized_shape, device=device, dtype=dtype)) if elementwise_affine else None
        self.register_parameter("weight", weight)

    def forward(self, x):
        check_normalized_shape(x, self.normalized_shape, self._describe())
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"

