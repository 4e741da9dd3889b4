"""Sampling the next token from a language model's scores: temperature and top-k."""

import numpy as np

from .. import backend
from ..creation import tensor


def sample_next(logits, temperature=1.0, top_k=None):
    """One token id per row of logits (batch, vocab), drawn from softmax(logits / temperature), as an
    int64 tensor (batch, 1) on the logits' device.

    A temperature below 1 sharpens the distribution (safer, more repetitive text), above 1 flattens
    it (more surprising, more mistakes). top_k keeps only the k most likely tokens. The draw uses
    ember's default CPU generator, so ember.manual_seed makes it repeat.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    scores = backend.to_device(logits.detach().data, backend.CPU).astype(np.float64) / temperature
    if top_k is not None:
        if not isinstance(top_k, int) or top_k < 1:
            raise ValueError(f"top_k must be a positive int, got {top_k!r}")
        if top_k < scores.shape[-1]:
            kth = np.partition(scores, -top_k, axis=-1)[:, -top_k, None]
            scores = np.where(scores < kth, -np.inf, scores)
    probabilities = np.exp(scores - scores.max(axis=-1, keepdims=True))
    cumulative = np.cumsum(probabilities, axis=-1)
    draw = backend.default_generator(backend.CPU).uniform((len(scores), 1), backend.float64) * cumulative[:, -1:]
    ids = np.minimum((cumulative <= draw).sum(axis=-1, keepdims=True), scores.shape[-1] - 1)
    return tensor(ids, device=logits.device)
