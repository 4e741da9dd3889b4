"""Sampling the next token from a language model's scores: temperature and top-k."""

import math

from .. import backend
from ..tensor import Tensor


def sample_next(logits, temperature=1.0, top_k=None, generator=None):
    """One token id per row of logits (batch, vocab), drawn from softmax(logits / temperature), as an
    int64 tensor (batch, 1) on the logits' device.

    A temperature below 1 sharpens the distribution (safer, more repetitive text), above 1 flattens
    it (more surprising, more mistakes); 0 always takes the likeliest token (greedy). top_k keeps
    only the k likeliest tokens. The draw comes from generator, or the default generator of the
    logits' device, so ember.manual_seed makes it repeat.
    """
    if not temperature >= 0:
        raise ValueError(f"temperature must be positive (or 0 for the likeliest token), got {temperature}")
    if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a positive int, got {top_k!r}")
    scores = logits.detach().array
    xp = backend.xp_of(scores)
    if temperature == 0:
        return Tensor(scores.argmax(axis=-1)[:, None].astype(backend.int64))
    scores = scores / temperature
    if top_k is not None and top_k < scores.shape[-1]:
        kth = xp.partition(scores, -top_k, axis=-1)[:, -top_k, None]
        scores = xp.where(scores < kth, -math.inf, scores)
    cumulative = xp.exp(scores - scores.max(axis=-1, keepdims=True)).cumsum(axis=-1)
    generator = generator or backend.default_generator(logits.device)
    draw = generator.uniform((len(scores), 1), cumulative.dtype) * cumulative[:, -1:]
    ids = xp.minimum((cumulative <= draw).sum(axis=-1, keepdims=True), scores.shape[-1] - 1)
    return Tensor(ids.astype(backend.int64))
