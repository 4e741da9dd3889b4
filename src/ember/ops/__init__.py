"""The differentiable primitives, one family a file. Users reach them through ember.functional
(also ember.nn.functional), ember.* and Tensor methods."""

from . import (activation, attention, conv, copies, decompositions, diagonal, distance, dropout,  # noqa: F401
               einsum, elementwise, embedding, indexing, join, layout, linalg, loss, normalization, padding, pooling,
               reduce, resample, sampling, scan, scatter, shape, shuffle, solvers, sorting, statistics)
