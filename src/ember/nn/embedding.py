"""Embedding: a learned vector for each token id, the input layer of language models.

The math (a lookup of rows, whose gradient adds into the rows looked up) is in ember/ops/indexing.py.
"""

from .. import functional as F
from ..autograd import no_grad
from ..creation import empty
from ..ops.indexing import checked_padding_idx
from . import init
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """A table of num_embeddings learned vectors of size embedding_dim; input ids (...) pick rows,
    giving (..., embedding_dim). Equivalent to a one-hot vector times a weight matrix, without the
    multiplication. Starts as PyTorch's: N(0, 1), the padding_idx row zero (and never trained)."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, device=None, dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = None if padding_idx is None else checked_padding_idx(padding_idx, num_embeddings)
        self.weight = Parameter(empty(num_embeddings, embedding_dim, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0

    def forward(self, input):  # noqa: A002
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
