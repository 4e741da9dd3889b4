"""The MPI engine: collectives between processes on NumPy arrays, through mpi4py.

MPI (the Message Passing Interface) is how the processes of a cluster job talk: `mpiexec -n 4 python
train.py` starts four copies of the program, each of which learns its rank (0 to 3) and the size of
the job from the launcher, and every collective (all-reduce, broadcast, ...) is called by every rank
in the same order. Each call here starts a nonblocking collective on a contiguous NumPy array, in
place, and returns a request (its Wait() finishes it, its Test() asks whether it has).

MPI moves a nonblocking collective on only while the process is inside some MPI call: a caller that
computes meanwhile tests the request now and then (as DistributedDataParallel's gradient hooks do). A
helper thread polling MPI instead was measured slower: it competes with the computation for Python's
lock and for the cores, and MPI's lock between threads slows every call.
"""

import numpy as np

from .. import backend

_REDUCTIONS = {"sum": "SUM", "product": "PROD", "max": "MAX", "min": "MIN"}  # ReduceOp value -> MPI's name


def load_mpi():
    """mpi4py's MPI module (which starts MPI in this process), or an error saying how to install it."""
    try:
        from mpi4py import MPI
    except ImportError:
        raise RuntimeError("ember.distributed needs MPI, through mpi4py: pip install 'ember[distributed]' "
                           "(mpi4py and MPICH from PyPI)") from None
    return MPI


class MPIEngine:
    """Collectives over every process of the MPI job (its own copy of MPI_COMM_WORLD)."""

    name = "mpi"

    def __init__(self):
        self.MPI = load_mpi()
        self.comm = self.MPI.COMM_WORLD.Dup()
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()

    def buffer_for(self, array):
        """array itself when MPI can work on it in place (a C-contiguous NumPy array of a type MPI reduces),
        else a copy that it can: in host memory, bool as uint8, bfloat16 as float32."""
        dtype = {"bool": np.uint8, "bfloat16": np.float32}.get(array.dtype.name, array.dtype)
        if type(array) is np.ndarray and array.flags.c_contiguous and dtype == array.dtype:
            return array
        return np.ascontiguousarray(backend.to_device(array, backend.CPU), dtype=dtype)

    def _op(self, op):
        return getattr(self.MPI, _REDUCTIONS[op])

    def all_reduce(self, buffer, op):
        return self.comm.Iallreduce(self.MPI.IN_PLACE, buffer, self._op(op))

    def broadcast(self, buffer, src):
        return self.comm.Ibcast(buffer, root=src)

    def reduce(self, buffer, dst, op):
        if self.rank == dst:
            return self.comm.Ireduce(self.MPI.IN_PLACE, buffer, self._op(op), root=dst)
        return self.comm.Ireduce(buffer, None, self._op(op), root=dst)

    def all_gather(self, out, buffer):
        """out (size, *buffer.shape) gets every rank's buffer, in rank order."""
        return self.comm.Iallgather(buffer, out)

    def reduce_scatter(self, out, buffer, op):
        """buffer (size, *out.shape): rank r's out gets the reduction of every rank's buffer[r]."""
        return self.comm.Ireduce_scatter_block(buffer, out, self._op(op))

    def gather(self, out, buffer, dst):
        """On dst, out (size, *buffer.shape) gets every rank's buffer (out is None elsewhere)."""
        return self.comm.Igather(buffer, out, root=dst)

    def scatter(self, out, buffer, src):
        """out gets buffer[rank] of src's buffer (size, *out.shape) (buffer is None elsewhere)."""
        return self.comm.Iscatter(buffer, out, root=src)

    def barrier(self):
        return self.comm.Ibarrier()

    def abort(self, status):
        """End every process of the job now (the launcher kills the others)."""
        self.MPI.COMM_WORLD.Abort(status)

    def close(self):
        self.comm.Free()

