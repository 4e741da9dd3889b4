"""Embedding: a learned vector for each token id, the input layer of language models; EmbeddingBag:
the vectors of a bag of ids summed, averaged or maxed into one.

The math (a lookup of rows, whose gradient adds into the rows looked up) is in ember/ops/embedding.py.
"""

from .. import functional as F
from ..autograd import no_grad
from ..creation import empty
from ..ops.embedding import checked_padding_idx
from . import init
from .module import Module
from .parameter import Parameter


class _Table(Module):
    """What Embedding and EmbeddingBag share: a table weight (num_embeddings, embedding_dim) of learned
    vectors, started as PyTorch's: N(0, 1), the padding_idx row zero (and never trained); or the given
    _weight itself. max_norm, norm_type and scale_grad_by_freq are as in F.embedding."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                 _weight, device, dtype):
        super().__init__()
        if sparse:
            raise NotImplementedError(f"{type(self).__name__}: sparse=True is not supported; ember's gradients are "
                                      "dense tensors")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = None if padding_idx is None else checked_padding_idx(padding_idx, num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(empty(num_embeddings, embedding_dim, device=device, dtype=dtype))
            self.reset_parameters()
        elif tuple(_weight.shape) != (num_embeddings, embedding_dim):
            raise ValueError(f"{type(self).__name__}: the weight must have shape ({num_embeddings}, {embedding_dim}), "
                             f"got {tuple(_weight.shape)}")
        else:
            self.weight = Parameter(_weight)

    def reset_parameters(self):
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0

    @classmethod
    def _pretrained(cls, embeddings, freeze, **options):
        """A layer whose table is embeddings itself (shared, not copied), trained unless freeze."""
        if embeddings.ndim != 2:
            raise ValueError(f"{cls.__name__}.from_pretrained: embeddings must be 2-D (num_embeddings, dim), got shape "
                             f"{tuple(embeddings.shape)}")
        layer = cls(*embeddings.shape, _weight=embeddings, **options)
        layer.weight.requires_grad = not freeze
        return layer

    def _options_repr(self):
        text = f", max_norm={self.max_norm!r}" if self.max_norm is not None else ""
        text += f", norm_type={self.norm_type!r}" if self.norm_type != 2 else ""
        return text + (f", scale_grad_by_freq={self.scale_grad_by_freq!r}" if self.scale_grad_by_freq else "")


class Embedding(_Table):
    """A table of num_embeddings learned vectors of size embedding_dim; input ids (...) pick rows,
    giving (..., embedding_dim). Equivalent to a one-hot vector times a weight matrix, without the
    multiplication."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                         _weight, device, dtype)
        self.weight.requires_grad = not _freeze

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        return cls._pretrained(embeddings, freeze, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                               scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)

    def forward(self, input):  # noqa: A002
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        padding = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        return f"{self.num_embeddings}, {self.embedding_dim}" + padding + self._options_repr()


class EmbeddingBag(_Table):
    """The vectors of each bag of ids combined into one, by mode 'sum', 'mean' or 'max', without making
    the (bag, id, dim) tensor of their embeddings first: a bag-of-words encoder. forward(input, offsets,
    per_sample_weights) as F.embedding_bag: the bags are the rows of a 2-D input (B, L), or the runs of a
    1-D input that offsets (B,) start. out (B, embedding_dim)."""

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None,
                 dtype=None):
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                         _weight, device, dtype)
        self.mode, self.include_last_offset = mode, include_last_offset

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None):
        return cls._pretrained(embeddings, freeze, max_norm=max_norm, norm_type=norm_type,
                               scale_grad_by_freq=scale_grad_by_freq, mode=mode, sparse=sparse,
                               include_last_offset=include_last_offset, padding_idx=padding_idx)

    def forward(self, input, offsets=None, per_sample_weights=None):  # noqa: A002
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                               self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        padding = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        return f"{self.num_embeddings}, {self.embedding_dim}" + self._options_repr() + f", mode={self.mode!r}" + padding
