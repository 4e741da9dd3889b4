"""The NCCL engine: collectives between GPUs, on CuPy arrays, through CuPy's NCCL bindings (cupy.cuda.nccl).

NCCL moves GPU memory between GPUs directly (NVLink, PCIe, InfiniBand) without copying it to the host.
Its communicator is made from a unique id that rank 0 creates and every other rank receives, here over
MPI, which also starts the processes. Each collective is queued on a stream of its own, after the work
already queued on the current stream (which made its input); its request is a CUDA event: Wait() makes
the current stream wait for it, Test() asks whether the GPU has got there.
"""

import numpy as np

from .. import backend

_REDUCTIONS = {"sum": "NCCL_SUM", "product": "NCCL_PROD", "max": "NCCL_MAX", "min": "NCCL_MIN"}
_TYPES = {"int8": "NCCL_INT8", "uint8": "NCCL_UINT8", "bool": "NCCL_UINT8", "int32": "NCCL_INT32",
          "uint32": "NCCL_UINT32", "int64": "NCCL_INT64", "uint64": "NCCL_UINT64", "float16": "NCCL_FLOAT16",
          "float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64"}


class Event:
    """A collective queued on the GPU: Wait() orders the current stream after it, Test() says if it is done."""

    def __init__(self, event):
        self.event = event

    def Wait(self):  # noqa: N802 (the name of MPI's requests, which the caller treats alike)
        backend.cupy().cuda.get_current_stream().wait_event(self.event)

    def Test(self):  # noqa: N802
        return self.event.done


class NCCLEngine:
    """Collectives between the GPUs of every rank (one GPU per process: the current device when it is made)."""

    name = "nccl"

    def __init__(self, mpi):
        nccl = self.nccl = backend.nccl()
        unique_id = np.zeros(128, np.int8)  # NCCL_UNIQUE_ID_BYTES
        if mpi.rank == 0:
            unique_id[:] = np.frombuffer(bytes(b % 256 for b in nccl.get_unique_id()), np.int8)
        mpi.broadcast(unique_id, 0).Wait()
        try:  # CuPy 13 takes the id as a tuple of ints, later CuPy as bytes
            self.comm = nccl.NcclCommunicator(mpi.size, tuple(int(b) for b in unique_id), mpi.rank)
        except TypeError:
            self.comm = nccl.NcclCommunicator(mpi.size, unique_id.tobytes(), mpi.rank)
        self.rank, self.size = mpi.rank, mpi.size
        self.stream = backend.cupy().cuda.Stream(non_blocking=True)

    def buffer_for(self, array):
        """array itself when NCCL can work on it in place (C-contiguous, of a type NCCL knows), else a
        contiguous copy on the GPU (bfloat16 as float32)."""
        if array.flags.c_contiguous and array.dtype.name in _TYPES:
            return array
        dtype = array.dtype if array.dtype.name in _TYPES else np.float32
        return backend.cupy().ascontiguousarray(array, dtype=dtype)

    def _queue(self, call, *arrays):
        """Run call(pointers..., stream) on the communication stream, after the current stream's work."""
        cupy = backend.cupy()
        self.stream.wait_event(cupy.cuda.get_current_stream().record())
        call(*[None if a is None else a.data.ptr for a in arrays], self.stream.ptr)
        return Event(self.stream.record())

    def _type(self, array):
        return getattr(self.nccl, _TYPES[array.dtype.name])

    def _op(self, op):
        return getattr(self.nccl, _REDUCTIONS[op])

    def all_reduce(self, buffer, op):
        return self._queue(lambda p, s: self.comm.allReduce(p, p, buffer.size, self._type(buffer), self._op(op), s),
                           buffer)

    def broadcast(self, buffer, src):
        return self._queue(lambda p, s: self.comm.bcast(p, buffer.size, self._type(buffer), src, s), buffer)

    def reduce(self, buffer, dst, op):
        return self._queue(lambda p, s: self.comm.reduce(p, p, buffer.size, self._type(buffer), self._op(op), dst, s),
                           buffer)

    def all_gather(self, out, buffer):
        return self._queue(lambda o, p, s: self.comm.allGather(p, o, buffer.size, self._type(buffer), s), out, buffer)

    def reduce_scatter(self, out, buffer, op):
        return self._queue(lambda o, p, s: self.comm.reduceScatter(p, o, out.size, self._type(out), self._op(op), s),
                           out, buffer)

    def gather(self, out, buffer, dst):
        def call(o, p, s):
            self.nccl.groupStart()
            self.comm.send(p, buffer.size, self._type(buffer), dst, s)
            if self.rank == dst:
                for rank in range(self.size):
                    self.comm.recv(o + rank * buffer.nbytes, buffer.size, self._type(buffer), rank, s)
            self.nccl.groupEnd()
        return self._queue(call, out, buffer)

    def scatter(self, out, buffer, src):
        def call(o, p, s):
            self.nccl.groupStart()
            if self.rank == src:
                for rank in range(self.size):
                    self.comm.send(p + rank * out.nbytes, out.size, self._type(out), rank, s)
            self.comm.recv(o, out.size, self._type(out), src, s)
            self.nccl.groupEnd()
        return self._queue(call, out, buffer)

    def close(self):
        self.comm.destroy()
