"""The differentiable primitives, one family a file. Users reach them through ember.functional
(also ember.nn.functional), ember.* and Tensor methods."""

from . import (activation, conv, dropout, elementwise, indexing, linalg, loss, normalization,  # noqa: F401
               pooling, reduce, shape)
