"""ember.distributed (torch.distributed): processes that train one model together, and their collectives.

Data-parallel training runs N copies of one program (ranks 0 to N-1), each on its own share of every
batch. They stay one model by collectives, operations that every rank calls in the same order:
broadcast (rank 0's weights to all), all_reduce (every rank's gradients summed or averaged, the result
on all), all_gather, reduce_scatter, gather, scatter, reduce and barrier.

    mpiexec -n 2 python train.py           # or: ember train --nproc 2, mpiexec -n 2 ember run train.py

    import ember.distributed as dist
    dist.init_process_group("mpi")         # "gloo" (PyTorch's CPU backend) runs on MPI too; "nccl" for GPUs
    rank, world = dist.get_rank(), dist.get_world_size()
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)   # in place, on every rank

The engine under CPU tensors is MPI (mpi4py and MPICH: `pip install 'ember[distributed]'`), under CUDA
tensors NCCL (CuPy's bindings) with backend "nccl", or MPI through host memory otherwise. Rank and size
come from the launcher (mpiexec; RANK and WORLD_SIZE, if set, must agree). async_op=True returns a Work
whose wait() finishes the collective: the caller computes meanwhile (DistributedDataParallel overlaps
the backward pass with its all-reduces so). Once a group is set up, an exception that escapes a rank
ends every rank, with a message naming the rank and its error, instead of leaving the others waiting.
"""

import enum
import json
import os
import sys
import time

import numpy as np

from .. import backend as arrays
from . import launcher
from .mpi import MPIEngine
from .nccl import NCCLEngine


class ReduceOp(enum.Enum):
    """How all_reduce, reduce and reduce_scatter combine the ranks' values, elementwise."""

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"


reduce_op = ReduceOp  # PyTorch's old name


class Backend(str):
    """The name of a process group's engine: Backend.MPI, Backend.GLOO (which ember runs on MPI), Backend.NCCL."""

    UNDEFINED, GLOO, NCCL, MPI = "undefined", "gloo", "nccl", "mpi"

    def __new__(cls, name):
        if not isinstance(name, str) or name.lower() not in (cls.GLOO, cls.NCCL, cls.MPI):
            raise ValueError(f"init_process_group: unknown backend {name!r}; ember has 'mpi', 'gloo' (on MPI) and "
                             "'nccl' (GPUs)")
        return super().__new__(cls, name.lower())


class ProcessGroup:
    """The processes that train together: rank(), size(), the backend named, and the engines that carry
    the collectives (MPI always; NCCL for CUDA arrays with backend "nccl", made at its first collective,
    on the GPU that is current then, as PyTorch makes its communicators)."""

    def __init__(self, backend_name, mpi):
        self.backend_name, self.mpi, self.nccl = backend_name, mpi, None

    def rank(self):
        return self.mpi.rank

    def size(self):
        return self.mpi.size

    def engine_for(self, array):
        if type(array) is np.ndarray or self.backend_name != Backend.NCCL:
            return self.mpi
        if self.nccl is None:
            self.nccl = NCCLEngine(self.mpi)
        return self.nccl


class group:  # noqa: N801 (PyTorch's name)
    """group.WORLD: the default process group, every rank (None before init_process_group)."""

    WORLD = None


GroupMember = group
_previous_excepthook = None
ABORT_GRACE_SECONDS = 0.5  # how long a failing rank lets mpiexec forward its last output before ending the job


def is_available():
    """True: ember.distributed is there (its engines, MPI and NCCL, are asked for at init_process_group)."""
    return True


def is_mpi_available():
    """Whether mpi4py can be imported (the MPI engine of backends "mpi" and "gloo")."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


is_gloo_available = is_mpi_available  # ember's "gloo" is MPI


def is_nccl_available():
    """Whether CuPy with its NCCL bindings is installed."""
    try:
        arrays.nccl()
    except RuntimeError:
        return False
    return True


def is_torchelastic_launched():
    """False: ember's processes are started by MPI launchers, not by torchrun."""
    return False


def is_initialized():
    """Whether init_process_group has set up the default group (and destroy_process_group not ended it)."""
    return group.WORLD is not None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the job's processes into the default process group, over MPI (backend "mpi", "gloo" or None) or
    NCCL ("nccl", for CUDA tensors). Rank and size are the MPI launcher's; world_size and rank, if given, and
    the RANK and WORLD_SIZE variables, if set, must agree with them. init_method, store and timeout are
    PyTorch's ways to find the other processes, which MPI's launcher already did: they are accepted, unused."""
    global _previous_excepthook
    if is_initialized():
        raise RuntimeError("trying to initialize the default process group twice!")
    name = Backend.MPI if backend is None else _backend_name(backend)
    mpi = MPIEngine()
    _check_launch(mpi, world_size, rank)
    if name == Backend.NCCL and device_id is not None:
        arrays.cupy().cuda.Device(device_id.index if hasattr(device_id, "index") else device_id).use()
    group.WORLD = ProcessGroup(name, mpi)
    launcher.export_torch_variables()
    _previous_excepthook, sys.excepthook = sys.excepthook, _end_every_rank_hook


def _backend_name(name):
    """PyTorch's "cpu:gloo,cuda:nccl" form names a backend per device type: the CUDA one decides."""
    if isinstance(name, str) and "," in name:
        parts = dict(part.split(":", 1) for part in name.split(",") if ":" in part)
        name = parts.get("cuda", parts.get("cpu", name))
    return Backend(name)


def _check_launch(mpi, world_size, rank):
    """The rank and size that MPI gave must be those the program or the environment expects."""
    expected = {"world_size": world_size, "rank": rank}
    for variable, key in (("WORLD_SIZE", "world_size"), ("RANK", "rank")):
        if expected[key] in (None, -1) and variable in os.environ:
            expected[key] = int(os.environ[variable])
    if expected["world_size"] not in (None, -1) and expected["world_size"] != mpi.size:
        raise RuntimeError(f"init_process_group: world_size {expected['world_size']} was asked for, but MPI started "
                           f"{mpi.size} process{'es' if mpi.size > 1 else ''}: launch the program with "
                           f"`mpiexec -n {expected['world_size']} ...` (ember's processes are started by MPI, "
                           "not by torchrun or multiprocessing.spawn)")
    if expected["rank"] not in (None, -1) and expected["rank"] != mpi.rank:
        raise RuntimeError(f"init_process_group: rank {expected['rank']} was asked for, but MPI made this process "
                           f"rank {mpi.rank}: leave rank to the launcher")


def destroy_process_group(group=None):
    """Leave the default group: its communicators are freed and init_process_group may be called again."""
    global _previous_excepthook
    world = _world("destroy_process_group", group)
    if world.nccl is not None:
        world.nccl.close()
    world.mpi.close()
    GroupMember.WORLD = None
    sys.excepthook, _previous_excepthook = _previous_excepthook, None


def _world(name, given=None):
    """The default group, for the function `name`: an error before init_process_group, or for another group."""
    if not is_initialized():
        raise ValueError(f"{name}: Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    if given is not None and given is not group.WORLD:
        raise ValueError(f"{name}: ember has one process group, the default one (group.WORLD); new_group and "
                         "subgroups are not in ember")
    return group.WORLD


def get_rank(group=None):
    """This process's number in the group, 0 to get_world_size() - 1."""
    return _world("get_rank", group).rank()


def get_world_size(group=None):
    """How many processes the group has."""
    return _world("get_world_size", group).size()


def get_backend(group=None):
    """The backend the group was set up with: "mpi", "gloo" or "nccl"."""
    return _world("get_backend", group).backend_name


def get_node_local_rank(fallback_rank=None):
    """This process's number among those of its machine (LOCAL_RANK), or fallback_rank where it is not set."""
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is None:
        raise RuntimeError("get_node_local_rank: LOCAL_RANK is not set (launch with mpiexec and call "
                           "init_process_group, or pass fallback_rank)")
    return fallback_rank


def end_every_rank(error):
    """After an error that ends this rank (its traceback already shown): say so and end every rank of the job,
    so that none waits forever in a collective. Nothing without a process group."""
    world = group.WORLD
    if world is None or world.size() == 1:
        return
    print(f"ember.distributed: rank {world.rank()} of {world.size()} failed ({type(error).__name__}: {error}); "
          f"ending all {world.size()} ranks", file=sys.stderr, flush=True)
    sys.stdout.flush()
    time.sleep(ABORT_GRACE_SECONDS)  # mpiexec forwards what the rank wrote; its abort could cut that short
    world.mpi.abort(1)


def _end_every_rank_hook(kind, error, traceback):
    """sys.excepthook while a group is set up: Python's report of the exception, then end_every_rank."""
    _previous_excepthook(kind, error, traceback)
    if not issubclass(kind, KeyboardInterrupt):
        end_every_rank(error)


# ---------------------------------------------------------------------------------------------
# Collectives. Each works in place on its tensors' arrays, through a buffer the engine can use (the array
# itself where it can), and returns a Work; the call waits for it unless async_op is True.

class Work:
    """A collective under way: wait() blocks until it is done and its results are in their tensors."""

    def __init__(self, request, finish=()):
        self._request, self._finish, self._done = request, list(finish), False

    def wait(self, timeout=None):
        if not self._done:
            self._request.Wait()
            for step in self._finish:
                step()
            self._done = True
        return True

    def is_completed(self):
        """Whether it has finished (if it just has, its results are put in place now)."""
        if not self._done and self._request.Test():
            self.wait()
        return self._done


def _array(tensor, name, what="tensor"):
    array = getattr(tensor, "array", None)
    if not arrays.is_array(array):
        raise TypeError(f"{name}: {what} must be a Tensor, got {type(tensor).__name__}")
    return array


def _tensor_list(tensors, name, what, size, like):
    """The arrays of a list of size tensors shaped and typed as like (all_gather's, scatter's lists)."""
    if not isinstance(tensors, (list, tuple)) or len(tensors) != size:
        got = f"{len(tensors)} tensors" if isinstance(tensors, (list, tuple)) else type(tensors).__name__
        raise ValueError(f"{name}: {what} must be a list of {size} tensors (one per rank), got {got}")
    arrays = [_array(t, name, f"each of {what}") for t in tensors]
    for a in arrays:
        if a.shape != like.shape or a.dtype != like.dtype:
            raise ValueError(f"{name}: every tensor of {what} must have shape {like.shape} and dtype {like.dtype}, "
                             f"got {a.shape} {a.dtype}")
    return arrays


def _rank_arg(name, what, value, world):
    if value is None or isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < world.size():
        raise ValueError(f"{name}: {what} must be a rank from 0 to {world.size() - 1}, got {value!r}")
    return value


def _reduction(name, op, array):
    """The engine's reduction for op ("sum" for AVG, whose division comes after), checked against array."""
    if not isinstance(op, ReduceOp):
        raise ValueError(f"{name}: op must be a ReduceOp (SUM, AVG, PRODUCT, MIN, MAX), got {op!r}")
    if op is ReduceOp.AVG and array.dtype.kind not in "fc":
        raise TypeError(f"{name}: ReduceOp.AVG needs a floating-point tensor, got {array.dtype}")
    return "sum" if op is ReduceOp.AVG else op.value


def _write_back(array, buffer):
    """A step that puts the result in buffer into array (nothing when the engine worked on array itself)."""
    def step():
        if buffer is not array:
            array[...] = arrays.to_device(buffer, arrays.device_of(array)).astype(array.dtype, copy=False)
    return step


def _divide(buffer, size, op):
    def step():
        if op is ReduceOp.AVG:
            buffer[...] /= size
    return step


def _run(request, finish, async_op):
    work = Work(request, finish)
    if async_op:
        return work
    work.wait()
    return None


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """tensor, on every rank, becomes the reduction (op) of all ranks' tensors."""
    world, array = _world("all_reduce", group), _array(tensor, "all_reduce")
    reduction = _reduction("all_reduce", op, array)
    engine = world.engine_for(array)
    buffer = engine.buffer_for(array)
    return _run(engine.all_reduce(buffer, reduction), [_divide(buffer, world.size(), op), _write_back(array, buffer)],
                async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """tensor, on every rank, becomes rank src's tensor."""
    world, array = _world("broadcast", group), _array(tensor, "broadcast")
    src = _rank_arg("broadcast", "src", src if group_src is None else group_src, world)
    engine = world.engine_for(array)
    buffer = engine.buffer_for(array)
    return _run(engine.broadcast(buffer, src), [_write_back(array, buffer)], async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """tensor on rank dst becomes the reduction (op) of all ranks' tensors (the others' are left as they are)."""
    world, array = _world("reduce", group), _array(tensor, "reduce")
    dst = _rank_arg("reduce", "dst", dst if group_dst is None else group_dst, world)
    reduction = _reduction("reduce", op, array)
    engine = world.engine_for(array)
    buffer = engine.buffer_for(array)
    finish = [_divide(buffer, world.size(), op), _write_back(array, buffer)] if world.rank() == dst else []
    return _run(engine.reduce(buffer, dst, reduction), finish, async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """tensor_list[r], on every rank, becomes rank r's tensor."""
    world, array = _world("all_gather", group), _array(tensor, "all_gather")
    outputs = _tensor_list(tensor_list, "all_gather", "tensor_list", world.size(), array)
    engine = world.engine_for(array)
    buffer, gathered = engine.buffer_for(array), engine.buffer_for(arrays.xp_of(array).stack(outputs))
    return _run(engine.all_gather(gathered, buffer), [_write_back(out, gathered[r]) for r, out in enumerate(outputs)],
                async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """output_tensor (world_size · n, ...) or (world_size, n, ...) becomes every rank's input_tensor (n, ...),
    in rank order."""
    world = _world("all_gather_into_tensor", group)
    array, out = _array(input_tensor, "all_gather_into_tensor"), _array(output_tensor, "all_gather_into_tensor")
    if out.size != array.size * world.size() or out.dtype != array.dtype:
        raise ValueError(f"all_gather_into_tensor: output_tensor must hold world_size ({world.size()}) times "
                         f"input_tensor's {array.size} elements of {array.dtype}, got {out.shape} {out.dtype}")
    engine = world.engine_for(array)
    buffer, gathered = engine.buffer_for(array), engine.buffer_for(out)
    return _run(engine.all_gather(gathered.reshape((world.size(),) + array.shape), buffer),
                [_write_back(out, gathered)], async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """output, on rank r, becomes the reduction (op) of every rank's input_list[r]."""
    world, array = _world("reduce_scatter", group), _array(output, "reduce_scatter", "output")
    inputs = _tensor_list(input_list, "reduce_scatter", "input_list", world.size(), array)
    reduction = _reduction("reduce_scatter", op, array)
    engine = world.engine_for(array)
    buffer, stacked = engine.buffer_for(array), engine.buffer_for(arrays.xp_of(array).stack(inputs))
    return _run(engine.reduce_scatter(buffer, stacked, reduction),
                [_divide(buffer, world.size(), op), _write_back(array, buffer)], async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):  # noqa: A002 (PyTorch's)
    """output (n, ...), on rank r, becomes the reduction (op) of rank r's block of every rank's input
    (world_size · n, ...)."""
    world, array = _world("reduce_scatter_tensor", group), _array(output, "reduce_scatter_tensor", "output")
    whole = _array(input, "reduce_scatter_tensor", "input")
    if whole.size != array.size * world.size() or whole.dtype != array.dtype:
        raise ValueError(f"reduce_scatter_tensor: input must hold world_size ({world.size()}) times output's "
                         f"{array.size} elements of {array.dtype}, got {whole.shape} {whole.dtype}")
    reduction = _reduction("reduce_scatter_tensor", op, array)
    engine = world.engine_for(array)
    buffer, blocks = engine.buffer_for(array), engine.buffer_for(whole)
    return _run(engine.reduce_scatter(buffer, blocks.reshape((world.size(),) + array.shape), reduction),
                [_divide(buffer, world.size(), op), _write_back(array, buffer)], async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """gather_list[r], on rank dst, becomes rank r's tensor (the other ranks pass no gather_list)."""
    world, array = _world("gather", group), _array(tensor, "gather")
    dst = _rank_arg("gather", "dst", dst if group_dst is None else group_dst, world)
    engine = world.engine_for(array)
    buffer, gathered, finish = engine.buffer_for(array), None, []
    if world.rank() == dst:
        outputs = _tensor_list(gather_list, "gather", "gather_list (on rank dst)", world.size(), array)
        gathered = engine.buffer_for(arrays.xp_of(array).stack(outputs))
        finish = [_write_back(out, gathered[r]) for r, out in enumerate(outputs)]
    elif gather_list is not None:
        raise ValueError(f"gather: only rank dst ({dst}) passes gather_list; this is rank {world.rank()}")
    return _run(engine.gather(gathered, buffer, dst), finish, async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """tensor, on rank r, becomes scatter_list[r] of rank src (the other ranks pass no scatter_list)."""
    world, array = _world("scatter", group), _array(tensor, "scatter")
    src = _rank_arg("scatter", "src", src if group_src is None else group_src, world)
    engine = world.engine_for(array)
    buffer, stacked = engine.buffer_for(array), None
    if world.rank() == src:
        inputs = _tensor_list(scatter_list, "scatter", "scatter_list (on rank src)", world.size(), array)
        stacked = engine.buffer_for(arrays.xp_of(array).stack(inputs))
    elif scatter_list is not None:
        raise ValueError(f"scatter: only rank src ({src}) passes scatter_list; this is rank {world.rank()}")
    return _run(engine.scatter(buffer, stacked, src), [_write_back(array, buffer)], async_op)


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank has called barrier."""
    return _run(_world("barrier", group).mpi.barrier(), [], async_op)


# Python objects, which PyTorch sends as pickles, travel here as JSON (ember never unpickles): None, bools,
# numbers, strings, and lists and dicts of them.

def _bytes_array(obj, name):
    try:
        return np.frombuffer(json.dumps(obj).encode(), np.uint8).copy()
    except TypeError as problem:
        raise TypeError(f"{name}: ember sends objects as JSON (None, bools, numbers, strings, lists, dicts): "
                        f"{problem}") from None


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """object_list's items, on every rank, become rank src's (in place)."""
    world = _world("broadcast_object_list", group)
    src = _rank_arg("broadcast_object_list", "src", src if group_src is None else group_src, world)
    encoded = _bytes_array(list(object_list), "broadcast_object_list") if world.rank() == src else None
    length = np.array([0 if encoded is None else encoded.size], np.int64)
    world.mpi.broadcast(length, src).Wait()
    encoded = np.empty(length[0], np.uint8) if encoded is None else encoded
    world.mpi.broadcast(encoded, src).Wait()
    object_list[:] = json.loads(encoded.tobytes().decode())


def all_gather_object(object_list, obj, group=None):
    """object_list[r], on every rank, becomes rank r's obj."""
    world = _world("all_gather_object", group)
    if not isinstance(object_list, list) or len(object_list) != world.size():
        raise ValueError(f"all_gather_object: object_list must be a list of {world.size()} items (one per rank)")
    encoded = _bytes_array(obj, "all_gather_object")
    lengths = np.zeros(world.size(), np.int64)
    world.mpi.all_gather(lengths, np.array([encoded.size], np.int64)).Wait()
    padded = np.zeros((world.size(), lengths.max()), np.uint8)
    world.mpi.all_gather(padded, np.pad(encoded, (0, lengths.max() - encoded.size))).Wait()
    object_list[:] = [json.loads(row[:n].tobytes().decode()) for row, n in zip(padded, lengths)]


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """Only the group of every rank: new_group() of all ranks gives the default group."""
    world = _world("new_group")
    if ranks is not None and sorted(ranks) != list(range(world.size())):
        raise ValueError("new_group: ember has one process group, of every rank; subgroups are not in ember")
    return world


def __getattr__(name):
    raise AttributeError(f"ember has no torch.distributed.{name}: ember.distributed has the process group, "
                         "its collectives and DistributedDataParallel")
