"""ember.cuda.amp (torch.cuda.amp): the older spelling of ember.amp's autocast and GradScaler for "cuda".

PyTorch deprecates it in favour of torch.amp.autocast("cuda") and torch.amp.GradScaler("cuda"), and
warns (FutureWarning); so does ember.
"""

import warnings

from .. import amp


class autocast(amp.autocast):  # noqa: N801 (PyTorch's name)
    """torch.cuda.amp.autocast(enabled, dtype, cache_enabled): amp.autocast("cuda", ...)."""

    def __init__(self, enabled=True, dtype="float16", cache_enabled=True):
        warnings.warn("torch.cuda.amp.autocast(...) is deprecated; use torch.amp.autocast('cuda', ...)", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", dtype, enabled, cache_enabled)


class GradScaler(amp.GradScaler):
    """torch.cuda.amp.GradScaler(...): amp.GradScaler("cuda", ...)."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000, enabled=True):
        warnings.warn("torch.cuda.amp.GradScaler(...) is deprecated; use torch.amp.GradScaler('cuda', ...)",
                      FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.cuda.amp", name)
