"""ember.nn: neural-network building blocks. `ember.nn.functional` is `ember.functional`."""

import sys

from .. import functional

sys.modules[__name__ + ".functional"] = functional  # `import ember.nn.functional as F` works, as in PyTorch

from . import utils  # noqa: E402,F401
