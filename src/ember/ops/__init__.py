"""The differentiable primitives, one family a file. Users reach them through ember.functional
(also ember.nn.functional), ember.* and Tensor methods."""

from . import activation, dropout, elementwise, indexing, linalg, loss, reduce, shape  # noqa: F401
