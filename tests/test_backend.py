import platform

import ember


def test_freed_memory_is_kept_for_reuse_where_malloc_is_glibcs():
    """On Linux with glibc, big freed arrays stay in the process for the next step (no fresh pages)."""
    assert ember.backend.keep_freed_memory() == (platform.libc_ver()[0] == "glibc")
