"""Rank 1 raises while rank 0 waits in an all-reduce for it (run by test_failures.py)."""

import sys

import ember
import ember.distributed as dist

dist.init_process_group("gloo")
if dist.get_rank() == 1:
    raise ValueError("rank 1 cannot go on")
dist.all_reduce(ember.ones(3))
print("rank 0 went past the all-reduce", flush=True)
sys.exit(0)
