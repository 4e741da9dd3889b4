import platform
import subprocess
import sys

import pytest

import ember

GLIBC = platform.libc_ver()[0] == "glibc"

# A step's worth of big arrays made and freed 20 times over; it prints the fresh pages (minor faults) that took.
REUSE = """
import resource, sys
import numpy as np
if sys.argv[1] == "ember":
    import ember
def step():
    blocks = [np.ones(1 << 19) for _ in range(8)]  # 8 arrays of 4 MiB
    del blocks
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def fresh_pages(*argv):
    return int(subprocess.run([sys.executable, "-c", REUSE, *argv], capture_output=True, text=True, check=True).stdout)


def test_freed_memory_is_kept_for_reuse_where_malloc_is_glibcs(monkeypatch):
    """On Linux with glibc, big freed arrays stay in the process for the next step (no fresh pages),
    unless the user set glibc's own thresholds."""
    assert ember.backend.keep_freed_memory() == GLIBC
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert ember.backend.keep_freed_memory() is False


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator only")
def test_import_ember_keeps_big_freed_arrays_for_the_next_step():
    """With NumPy alone, glibc maps and zeroes much of each step's 32 MiB afresh (here about 4,000 pages of 4 KiB a
    step); after import ember, the steps reuse the first one's memory (here no fresh page at all)."""
    assert fresh_pages("numpy") > 20 * 1000
    assert fresh_pages("ember") < 20 * 10
