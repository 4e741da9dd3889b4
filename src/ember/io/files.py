"""Writing files atomically: a crash, a full disk or an exception mid-write never leaves half a file
where a good one stood, and the temporary files of writes that a crash cut short are cleaned up."""

import contextlib
import os
import re
import stat
import uuid

# The temporary file of a write to FOLDER/NAME: FOLDER/.NAME.<process id>-<12 hex digits>.tmp
TEMPORARY = re.compile(r"\..+\.(\d+)-[0-9a-f]{12}\.tmp")


@contextlib.contextmanager
def atomic_write(path):
    """`with atomic_write(path) as f:` writes to a temporary file beside path; when the block ends
    without an error, the file is flushed, fsynced and renamed over path (a rename is atomic, so path
    holds either the old file or the whole new one); on any error the temporary file is removed.

    A path that is a symbolic link writes the file it points to; a file that is replaced keeps its
    permissions. The temporary files that earlier writes in the folder left behind when their process
    was killed are removed first."""
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    remove_stale_temporaries(folder)
    temp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions of a new file, as for a plain open().
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _keep_permissions(path, temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise
    _sync_folder(folder)


def _keep_permissions(path, temp):
    """Give temp the permission bits of the file it replaces (a 0600 checkpoint stays 0600)."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))


def remove_stale_temporaries(folder):
    """Remove the temporary files of atomic writes in folder whose process has ended (killed mid-write).
    Only files named as atomic_write names them are touched; those of running processes are left."""
    for name in os.listdir(folder):
        match = TEMPORARY.fullmatch(name)
        if match and not _process_exists(int(match[1])):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))


def _process_exists(pid):
    """Whether a process with this id runs on this machine (elsewhere than on POSIX: assumed so)."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)  # signal 0 sends nothing: it only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _sync_folder(folder):
    """Make the rename itself durable (POSIX keeps directory entries in the folder's own data)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
