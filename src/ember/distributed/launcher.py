"""Where a process stands in a job, as its launcher says: rank, world size and local rank.

A launcher starts the N processes of a job and tells each, in environment variables, which one it is:
`mpiexec` (MPICH's PMI_RANK and PMI_SIZE, Open MPI's OMPI_COMM_WORLD_RANK and _SIZE), and torchrun-style
launchers RANK, WORLD_SIZE and LOCAL_RANK, which PyTorch programs read themselves. Under mpiexec ember
sets the torchrun variables too (export_torch_variables), so such a program runs unchanged; reading them
here starts nothing (MPI itself starts at init_process_group).
"""

import os
import shutil
import sys

# (rank, size, local rank, local size) variables of each MPI launcher.
_MPI_VARIABLES = [("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),  # MPICH (Hydra)
                  ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
                   "OMPI_COMM_WORLD_LOCAL_SIZE")]  # Open MPI


def mpi_launch():
    """(rank, size, local rank, local size) that an MPI launcher gave this process, or None without one."""
    for names in _MPI_VARIABLES:
        if names[0] in os.environ and names[1] in os.environ:
            rank, size = int(os.environ[names[0]]), int(os.environ[names[1]])
            local = (int(os.environ.get(names[2], rank)), int(os.environ.get(names[3], size)))
            return (rank, size) + local
    return None


def world_size():
    """How many processes the job has: the MPI launcher's count, else WORLD_SIZE, else 1."""
    launch = mpi_launch()
    return launch[1] if launch else int(os.environ.get("WORLD_SIZE", 1))


def export_torch_variables():
    """Under an MPI launcher, set RANK, WORLD_SIZE, LOCAL_RANK and LOCAL_WORLD_SIZE (those not set yet)."""
    launch = mpi_launch()
    if launch is not None:
        for name, value in zip(("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"), launch):
            os.environ.setdefault(name, str(value))


def mpiexec():
    """The path of mpiexec: the one installed beside this Python (pip install mpich), else the one on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")
    if found is None:
        raise RuntimeError("no mpiexec was found (beside this Python or on PATH): pip install 'ember[distributed]' "
                           "installs MPICH's")
    return found


def command(nproc, argv):
    """The command that runs argv (a Python command line without the interpreter) on nproc processes."""
    return [mpiexec(), "-n", str(nproc), sys.executable, *argv]
