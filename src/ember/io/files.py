"""Writing files atomically: a crash, a full disk or an exception mid-write never leaves half a file
where a good one stood."""

import contextlib
import os
import uuid


@contextlib.contextmanager
def atomic_write(path):
    """`with atomic_write(path) as f:` writes to a temporary file beside path; when the block ends
    without an error, the file is flushed, fsynced and renamed over path (a rename is atomic, so path
    holds either the old file or the whole new one); on any error the temporary file is removed."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as for a plain open().
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise
    _sync_folder(folder)


def _sync_folder(folder):
    """Make the rename itself durable (POSIX keeps directory entries in the folder's own data)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
