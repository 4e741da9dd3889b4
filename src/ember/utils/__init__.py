"""ember.utils: `ember.utils.data` is `ember.data`, found where PyTorch code looks (torch.utils.data)."""

import sys

from .. import data
from ..data import dataloader, dataset, distributed, sampler

# `from ember.utils.data import DataLoader` and `from ember.utils.data.sampler import Sampler` find the
# very modules of ember.data, as PyTorch code expects, not second copies of them.
sys.modules[__name__ + ".data"] = data
sys.modules[__name__ + ".data.dataloader"] = dataloader
sys.modules[__name__ + ".data.dataset"] = dataset
sys.modules[__name__ + ".data.distributed"] = distributed
sys.modules[__name__ + ".data.sampler"] = sampler
