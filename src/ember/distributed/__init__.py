"""ember.distributed (torch.distributed): training on several processes, which is not in ember yet.

It can be imported, so that programs written for one or many GPUs (nanoGPT's `ddp = int(os.environ.get(
"RANK", -1)) != -1`) run on one process: is_available() and is_initialized() are False, as PyTorch's are
in a single process that set up no process group; whatever would start or use one raises an error
saying that distributed training is not in ember yet.
"""


def is_available():
    """False: ember has no process groups yet."""
    return False


def is_initialized():
    """False: no process group was set up (ember cannot set one up yet)."""
    return False


class DistributedNotInEmber(RuntimeError):
    """What every call that needs a process group raises."""


def _not_yet(name):
    """The function torch.distributed.name, which in ember raises DistributedNotInEmber."""
    def unavailable(*args, **kwargs):
        raise DistributedNotInEmber(f"torch.distributed.{name}: distributed training is not in ember yet "
                                    "(run the program as one process)")
    unavailable.__name__ = unavailable.__qualname__ = name
    return unavailable


init_process_group = _not_yet("init_process_group")
destroy_process_group = _not_yet("destroy_process_group")
get_rank = _not_yet("get_rank")
get_world_size = _not_yet("get_world_size")
barrier = _not_yet("barrier")
all_reduce = _not_yet("all_reduce")
all_gather = _not_yet("all_gather")
broadcast = _not_yet("broadcast")
reduce = _not_yet("reduce")
new_group = _not_yet("new_group")


def __getattr__(name):
    raise AttributeError(f"ember has no torch.distributed.{name}: distributed training is not in ember yet")
