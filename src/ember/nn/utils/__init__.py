"""ember.nn.utils: helpers around training (gradient clipping) and, in ember.nn.utils.rnn, batches of
sequences of different lengths."""

from . import rnn
from .clip_grad import clip_grad_norm_, clip_grad_value_

__all__ = ["clip_grad_norm_", "clip_grad_value_", "rnn"]


def __getattr__(name):
    from ... import omissions
    raise omissions.missing("torch.nn.utils", name)
