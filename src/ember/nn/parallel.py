"""ember.nn.parallel (torch.nn.parallel): running one model on several GPUs.

DataParallel splits each batch across the GPUs of one process; on one device PyTorch's simply calls the
module, and so does ember's, on every machine: splitting across GPUs is not in ember yet.
DistributedDataParallel needs a process group (ember.distributed), which ember cannot set up yet.
"""

from ..distributed import DistributedNotInEmber
from .module import Module


class DataParallel(Module):
    """Wraps module (kept as .module, as in PyTorch, so its state_dict keys start with "module.") and
    calls it on the whole batch, on the device where module is."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


class DistributedDataParallel(Module):
    """Not in ember yet: making one raises an error saying so."""

    def __init__(self, module, *args, **kwargs):
        raise DistributedNotInEmber("DistributedDataParallel: distributed training is not in ember yet "
                                    "(run the program as one process, without DDP)")


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.nn.parallel", name)
