"""ember.utils: `ember.utils.data` is `ember.data`, found where PyTorch code looks (torch.utils.data)."""

import sys

from .. import data

sys.modules[__name__ + ".data"] = data  # `from ember.utils.data import DataLoader` works, as in PyTorch
