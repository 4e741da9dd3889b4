"""ember.nn: neural-network building blocks. `ember.nn.functional` is `ember.functional`."""

import sys

from .. import functional
from .containers import ModuleDict, ModuleList, Sequential
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss
from .module import Module
from .parameter import Parameter

sys.modules[__name__ + ".functional"] = functional  # `import ember.nn.functional as F` works, as in PyTorch
