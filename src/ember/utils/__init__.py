"""ember.utils: `ember.utils.data` is `ember.data`, found where PyTorch code looks (torch.utils.data);
ember.utils.tensorboard has SummaryWriter (it needs the tensorboard package, so it is imported on demand)."""

import sys

from .. import data

sys.modules[__name__ + ".data"] = data  # `from ember.utils.data import DataLoader` works, as in PyTorch


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.utils", name)
