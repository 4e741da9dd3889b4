"""Reshaping layers: between a convolutional stack's (N, C, H, W) maps and a Linear's (N, features).

The math is in ember/ops/shape.py.
"""

from ..ops.shape import normalize_dim, reshape
from .module import Module


class Flatten(Module):
    """Joins dimensions start_dim..end_dim into one: (N, C, H, W) -> (N, C·H·W) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        return self.run_checked(x, lambda: x.flatten(self.start_dim, self.end_dim))

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dimension dim into unflattened_size: Unflatten(1, (C, H, W)) turns (N, C·H·W) into (N, C, H, W)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or not all(isinstance(n, int) for n in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, x):
        try:
            dim = normalize_dim(self.dim, x.ndim)
            return reshape(x, x.shape[:dim] + tuple(self.unflattened_size) + x.shape[dim + 1:])
        except (IndexError, RuntimeError) as error:
            raise type(error)(f"{self._describe()}: cannot split dimension {self.dim} of an input of shape "
                              f"{tuple(x.shape)} into {tuple(self.unflattened_size)}") from None

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
