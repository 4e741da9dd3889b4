"""Normalization layers: keep each layer's inputs at a standard spread, so deep networks train stably
(layer and RMS normalization), or make neighbouring channels compete (local response normalization).

The math is in ember/ops/normalization.py.
"""

from .. import functional as F
from ..creation import empty
from ..ops.normalization import check_normalized_shape, cross_map_lrn2d
from . import init
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
        self.register_parameter("weight", Parameter(empty(self.normalized_shape, **where)) if affine else None)
        self.register_parameter("bias", Parameter(empty(self.normalized_shape, **where)) if affine and bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

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
        weight = Parameter(empty(self.normalized_shape, device=device, dtype=dtype)) if elementwise_affine else None
        self.register_parameter("weight", weight)
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x):
        check_normalized_shape(x, self.normalized_shape, self._describe())
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


# ---------------------------------------------------------------------------------------------
# Local response normalization (AlexNet).

class LocalResponseNorm(Module):
    """Each x divided by (k + α · mean of x² over size neighbouring channels)^β, as F.local_response_norm:
    strongly active feature maps damp their neighbours. (N, C, *) -> the same shape."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):  # noqa: A002 (PyTorch's argument name)
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(LocalResponseNorm):
    """PyTorch's legacy local response normalization of (N, C, H, W) maps, with its own window (see
    ops.normalization.cross_map_lrn2d): kept for models that use it."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__(size, alpha, beta, k)

    def forward(self, input):  # noqa: A002
        return cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)
