"""The differentiable primitives, one family a file. Users reach them through ember.functional
(also ember.nn.functional), ember.* and Tensor methods."""

from . import (activation, attention, conv, copies, diagonal, distance, dropout, elementwise, embedding, indexing,  # noqa: F401
               join, layout, linalg, loss, normalization, padding, pooling, reduce, resample, sampling, scan, scatter,
               shape, shuffle, sorting, statistics)
