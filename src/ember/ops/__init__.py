"""The differentiable primitives, one family a file. Users reach them through ember.functional
(also ember.nn.functional), ember.* and Tensor methods."""

from . import (activation, attention, conv, copies, diagonal, dropout, elementwise, indexing, join,  # noqa: F401
               layout, linalg, loss, normalization, pooling, reduce, sampling, scan, scatter, shape, sorting,
               statistics)
