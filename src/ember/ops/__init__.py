"""The differentiable primitives, one family a file. Users reach them through ember.functional
(also ember.nn.functional), ember.* and Tensor methods."""

from . import (activation, attention, conv, dropout, elementwise, indexing, layout, linalg, loss,  # noqa: F401
               normalization, pooling, reduce, scatter, shape)
