"""ember.nn.parallel (torch.nn.parallel): one model trained by several processes at once.

DistributedDataParallel (DDP) is data parallelism across processes: every rank holds the same model and
runs it on its own share of each batch; before the optimizer step, the gradients of all ranks are
averaged, so that every rank takes the same step and the copies stay equal. That is one process training
on the whole batch: the gradient of the mean loss over N·B samples is the mean of the N ranks' gradients.

Averaging costs time, so it overlaps the backward pass. The parameters are split into buckets (the first
of 1 MiB, then of bucket_cap_mb, 25 MiB by default), last layers first, since backward reaches them
first. As soon as every gradient of a bucket is complete (a post-accumulate-grad hook on each parameter),
its nonblocking all-reduce starts, while backward goes on through the earlier layers. MPI moves such an
all-reduce on only while the process is inside an MPI call, so each later gradient hook tests the ones
under way. Buckets start in the same order on every rank, as collectives must; when the last has started,
DDP waits for them all and makes the averages the .grad arrays. No step allocates: each gradient is divided
by the world size straight into its bucket, and the all-reduce sums these shares in place.

DataParallel splits each batch across the GPUs of one process; on one device PyTorch's simply calls the
module, and so does ember's, on every machine: splitting across GPUs is not in ember.
"""

import contextlib

from .. import backend, distributed
from ..autograd import Function, is_grad_enabled, no_grad
from ..tensor import Tensor
from .module import Module

FIRST_BUCKET_BYTES = 1 << 20  # a small first bucket, so that the first all-reduce starts early


class DataParallel(Module):
    """Wraps module (kept as .module, as in PyTorch, so its state_dict keys start with "module.") and
    calls it on the whole batch, on the device where module is."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


class _Bucket:
    """Parameters whose gradients are all-reduced together: one flat array of their dtype and device, made
    once, and a view of it shaped as each parameter (which becomes its .grad's array once averaged)."""

    def __init__(self, params, world_size):
        self.params, self.world_size = params, world_size
        self.flat = _xp(params[0]).empty(sum(p.numel() for p in params), dtype=params[0].array.dtype)
        self.tensor = Tensor(self.flat)
        self.views, start = [], 0
        for p in params:
            self.views.append(self.flat[start:start + p.numel()].reshape(p.shape))
            start += p.numel()
        self.reset()

    def reset(self):
        """Before a backward pass: no gradient is in yet."""
        self.ready = [False] * len(self.params)
        self.pending = len(self.params)

    def put(self, position, grad):
        """One parameter's gradient (zeros for None) divided by the world size, into its view, in one pass:
        the all-reduce then sums the ranks' shares into their average."""
        view = self.views[position]
        if grad is None:
            view[...] = 0
        else:
            _xp(grad).divide(grad.array, self.world_size, out=view)
        self.ready[position] = True
        self.pending -= 1


def _xp(tensor):
    return backend.xp_of(tensor.array)


def _buckets(params, cap_bytes):
    """params in reverse order, in buckets of one dtype and device, each closed once it holds cap_bytes
    (FIRST_BUCKET_BYTES for the first)."""
    buckets, current, size = [], [], 0
    for p in reversed(params):
        if current and (p.dtype != current[0].dtype or p.device != current[0].device):
            buckets.append(current)
            current, size = [], 0
        current.append(p)
        size += p.numel() * p.element_size()
        if size >= (FIRST_BUCKET_BYTES if not buckets else cap_bytes):
            buckets.append(current)
            current, size = [], 0
    return buckets + ([current] if current else [])


class DistributedDataParallel(Module):
    """module trained by every rank of the default process group, with its gradients averaged over them
    in backward (see this file's docstring). Call it as the module; its state_dict keys start with
    "module." (save ddp.module.state_dict() for one that loads without it).

    At construction the parameters and buffers of rank 0 are broadcast to all ranks; before each forward
    (broadcast_buffers) the buffers too, as PyTorch does (BatchNorm's running statistics are then rank 0's;
    SyncBatchNorm makes them the whole batch's). find_unused_parameters: parameters that a forward did not
    use get zeros in the average rather than stalling it. device_ids, for a GPU module, is [its GPU].
    check_reduction, gradient_as_bucket_view and static_graph are accepted: they change no result (the averaged
    gradients are always views of the buckets, as with gradient_as_bucket_view=True).
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False):
        super().__init__()
        if not distributed.is_initialized():
            raise RuntimeError("DistributedDataParallel: call ember.distributed.init_process_group() first (and "
                               "launch the program with mpiexec -n N)")
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: module must be an nn.Module, got {type(module).__name__}")
        self.module = module
        self.process_group = process_group
        self.world_size = distributed.get_world_size(process_group)
        self._check_devices(device_ids)
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.broadcast_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * (1 << 20))
        params = [p for p in module.parameters() if p.requires_grad]
        self._names = {id(p): name for name, p in module.named_parameters()}
        self._buckets = [_Bucket(b, self.world_size) for b in _buckets(params, self.bucket_bytes_cap)]
        self._place = {id(p): (b, i) for b, bucket in enumerate(self._buckets) for i, p in enumerate(bucket.params)}
        for p in params:
            p.register_post_accumulate_grad_hook(self._gradient_ready)
        self._syncing = self._started = False
        self._sync_buffers_next = True
        self._works, self._next_bucket, self._used, self._used_work = [], 0, None, None
        if init_sync:
            self._check_same_model(params)
            self._broadcast(module.state_dict().values())

    def _check_devices(self, device_ids):
        devices = {p.device for p in self.module.parameters()}
        if len(devices) > 1:
            raise ValueError(f"DistributedDataParallel: the module's parameters are on several devices "
                             f"({', '.join(sorted(map(str, devices)))}); put it on one")
        device = next(iter(devices), None)
        on_gpu = device is not None and device.type == "cuda"
        if device_ids is not None and (not on_gpu or list(device_ids) not in ([device.index], [device])):
            raise ValueError(f"DistributedDataParallel: device_ids must be None for a module on the CPU, or "
                             f"[its GPU] for one on a GPU; got device_ids {device_ids} for a module on {device}")

    def _check_same_model(self, params):
        """Every rank must wrap the same model: the same number of parameters and of numbers in them."""
        if not params:
            return
        mine = Tensor(_xp(params[0]).asarray([len(params), sum(p.numel() for p in params)]))
        lowest, highest = mine.clone(), mine.clone()
        distributed.all_reduce(lowest, distributed.ReduceOp.MIN, self.process_group)
        distributed.all_reduce(highest, distributed.ReduceOp.MAX, self.process_group)
        if lowest.tolist() != highest.tolist():
            raise RuntimeError(f"DistributedDataParallel: the ranks' models differ (this rank's has {len(params)} "
                               f"parameters holding {mine.tolist()[1]} numbers; across the ranks these range "
                               f"from {lowest.tolist()} to {highest.tolist()}): build the same model on every rank")

    def _broadcast(self, tensors):
        """Rank 0's values of tensors, on every rank."""
        with no_grad():
            for t in tensors:
                distributed.broadcast(t, 0, self.process_group)

    # -----------------------------------------------------------------------------------------
    # Forward: sync the buffers, and get the buckets ready for the backward pass to come.

    def forward(self, *inputs, **kwargs):
        buffers = list(self.module.buffers())
        if self.broadcast_buffers and buffers and self._sync_buffers_next:
            self._broadcast(buffers)
        syncing = is_grad_enabled() and self.require_backward_grad_sync
        if syncing:
            self._prepare_backward()
        output = self.module(*inputs, **kwargs)
        self._sync_buffers_next = syncing
        if syncing and self.find_unused_parameters:
            self._mark_unused(output)
        return output

    def _prepare_backward(self):
        if self._started:
            missing = [self._names[id(p)] for bucket in self._buckets for p, ready in zip(bucket.params, bucket.ready)
                       if not ready]
            raise RuntimeError("DistributedDataParallel: the last backward pass did not finish averaging the "
                               "gradients: some parameters got no gradient (unused in the forward pass: "
                               f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}). Pass "
                               "find_unused_parameters=True, or use every parameter in computing the loss")
        for bucket in self._buckets:
            bucket.reset()
        self._works, self._next_bucket, self._syncing = [], 0, True

    def _mark_unused(self, output):
        """Parameters that output does not depend on are ready now (with zeros); which parameters any rank
        used is all-reduced, so that those no rank used keep their .grad untouched."""
        reached = _leaves_reached(output)
        used = [id(p) in reached for bucket in self._buckets for p in bucket.params]
        self._used = Tensor(_xp(self._buckets[0].params[0]).asarray(used, dtype="uint8")) if used else None
        if self._used is not None:
            self._used_work = distributed.all_reduce(self._used, distributed.ReduceOp.MAX, self.process_group,
                                                     async_op=True)
        for bucket in self._buckets:
            for i, p in enumerate(bucket.params):
                if id(p) not in reached:
                    if p.grad is not None and p.grad.array is bucket.views[i]:
                        p.grad.array = p.grad.array.copy()  # no rank may use it: its .grad must stay as it is
                    bucket.put(i, p.grad)
        self._start_ready_buckets()

    # -----------------------------------------------------------------------------------------
    # Backward: each complete gradient goes into its bucket; full buckets are all-reduced, in order.

    def _gradient_ready(self, param):
        if not self._syncing:
            return  # no_sync(), or a forward without grad: the gradient stays this rank's
        self._started = True
        for work in self._works:
            work.is_completed()  # MPI moves a nonblocking collective on only inside MPI calls, such as this test
        b, i = self._place[id(param)]
        self._buckets[b].put(i, param.grad)
        self._start_ready_buckets()

    def _start_ready_buckets(self):
        while self._next_bucket < len(self._buckets) and self._buckets[self._next_bucket].pending == 0:
            tensor = self._buckets[self._next_bucket].tensor
            self._works.append(distributed.all_reduce(tensor, distributed.ReduceOp.SUM, self.process_group,
                                                      async_op=True))
            self._next_bucket += 1
        if self._next_bucket == len(self._buckets) and self._started:
            self._finish()

    def _finish(self):
        """Wait for every bucket's all-reduce and make the averages the arrays of .grad (views of the buckets,
        as PyTorch's gradient_as_bucket_view: a .grad kept from one step changes in the next)."""
        for work in self._works:
            work.wait()
        used = None
        if self._used is not None:
            self._used_work.wait()
            used = iter(self._used.tolist())
        for bucket in self._buckets:
            for p, view in zip(bucket.params, bucket.views):
                if used is not None and not next(used):
                    continue  # no rank used it: its .grad stays as it was
                if p.grad is None:
                    p.grad = Tensor(view)
                else:
                    p.grad.array = view
        self._syncing = self._started = False

    @contextlib.contextmanager
    def no_sync(self):
        """Within it, forward and backward passes leave gradients on this rank (accumulated in .grad); the
        first backward after it averages everything accumulated. Gradient accumulation over k batches,
        with one all-reduce instead of k."""
        previous, self.require_backward_grad_sync = self.require_backward_grad_sync, False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def extra_repr(self):
        return f"world_size={self.world_size}, buckets={len(self._buckets)}"


def _leaves_reached(output):
    """The ids of the leaf tensors that the tensors in output (a tensor, or lists, tuples, dicts of them)
    were computed from, by walking their graph."""
    stack = [t._ctx for t in _tensors_in(output) if t._ctx is not None]
    seen, leaves = set(), {id(t) for t in _tensors_in(output) if t._ctx is None}
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for edge in node.edges or ():
            if edge is None:
                continue
            if isinstance(edge[0], Function):
                stack.append(edge[0])
            else:
                leaves.add(id(edge[0]))
    return leaves


def _tensors_in(output):
    if isinstance(output, Tensor):
        return [output]
    if isinstance(output, dict):
        output = list(output.values())
    if isinstance(output, (list, tuple)):
        return [t for item in output for t in _tensors_in(item)]
    return []
