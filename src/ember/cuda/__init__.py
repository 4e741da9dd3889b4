"""ember.cuda (torch.cuda): is a GPU there, how many, which one, its random seed and its memory.

ember reaches NVIDIA GPUs through CuPy. Where no GPU is found, the functions that only report answer as
PyTorch does without CUDA (is_available() False, device_count() 0, memory 0) and those that need a GPU
(set_device, current_device, get_device_name) raise a clear error. Mixed precision is ember.cuda.amp.
"""

from .. import backend
from . import amp  # noqa: F401


def is_available():
    """True when CuPy is installed and sees an NVIDIA GPU."""
    return backend.cuda_available()


def device_count():
    return backend.cuda_device_count()


def _need_cuda(what):
    if not is_available():
        raise RuntimeError(f"torch.cuda.{what}: CUDA is not available (no GPU was found, or CuPy is not installed)")


def _index(device):
    """The GPU number of device: None (the current one), an int, 'cuda:1' or ember.device('cuda:1')."""
    if device is None:
        return backend.cupy().cuda.runtime.getDevice()
    if isinstance(device, int):
        return device
    device = backend.Device(device)
    if device.type != "cuda":
        raise ValueError(f"expected a cuda device, got {device}")
    return device.index


def synchronize(device=None):
    """Wait until the GPU has finished all queued work (for timing)."""
    if is_available():
        backend.cupy().cuda.Device(_index(device)).synchronize()


def set_device(device):
    """Make device (an int, 'cuda:1' or ember.device) the GPU that new CUDA tensors go to."""
    _need_cuda("set_device")
    backend.cupy().cuda.Device(_index(device)).use()


def current_device():
    """The number of the current GPU."""
    _need_cuda("current_device")
    return _index(None)


def get_device_name(device=None):
    """The GPU's name, as its driver reports it ('NVIDIA H100 80GB HBM3')."""
    _need_cuda("get_device_name")
    return backend.cupy().cuda.runtime.getDeviceProperties(_index(device))["name"].decode()


def is_bf16_supported():
    """False: ember has no bfloat16 math (see ember.amp)."""
    return False


def manual_seed(seed):
    """Seed the GPU's default generator (ember has one for all GPUs); nothing to do without a GPU."""
    if is_available():
        backend.default_generator(backend.Device("cuda")).manual_seed(seed)


manual_seed_all = manual_seed


def get_rng_state(device="cuda"):
    """The GPU's default generator's state, as a uint8 tensor on the CPU (set_rng_state continues from it)."""
    _need_cuda("get_rng_state")
    return backend.default_generator(backend.Device("cuda")).get_state()


def set_rng_state(new_state, device="cuda"):
    """Continue the GPU's default generator's stream from a state that get_rng_state() returned."""
    _need_cuda("set_rng_state")
    backend.default_generator(backend.Device("cuda")).set_state(new_state)


def get_rng_state_all():
    """The states of every GPU's default generator (ember has one for all GPUs): a list of one."""
    return [get_rng_state()]


def set_rng_state_all(new_states):
    for state in new_states:
        set_rng_state(state)


def empty_cache():
    """Give the GPU memory that CuPy's pool keeps for reuse back to the driver."""
    if is_available():
        backend.cupy().get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None):
    """Bytes of GPU memory held by tensors now (0 without a GPU)."""
    return backend.cupy().get_default_memory_pool().used_bytes() if is_available() else 0


def memory_reserved(device=None):
    """Bytes of GPU memory CuPy's pool holds: in use, and freed but kept for reuse (0 without a GPU)."""
    return backend.cupy().get_default_memory_pool().total_bytes() if is_available() else 0


def max_memory_allocated(device=None):
    """An upper bound of the peak of memory_allocated(): CuPy keeps no peak, so this is memory_reserved(),
    which is at least the most memory held by tensors at once since the last empty_cache()."""
    return memory_reserved(device)


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.cuda", name)
