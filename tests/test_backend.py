import platform

import ember


def test_freed_memory_is_kept_for_reuse_where_malloc_is_glibcs(monkeypatch):
    """On Linux with glibc, big freed arrays stay in the process for the next step (no fresh pages),
    unless the user set glibc's own thresholds."""
    assert ember.backend.keep_freed_memory() == (platform.libc_ver()[0] == "glibc")
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert ember.backend.keep_freed_memory() is False
