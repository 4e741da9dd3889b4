"""The differentiable primitives, one family a file. Users reach them through ember.functional
(also ember.nn.functional), ember.* and Tensor methods."""

from . import (activation, attention, dropout, elementwise, indexing, linalg, loss, normalization,  # noqa: F401
               reduce, shape)
