"""An exception on one rank ends every rank, with a message naming the rank and its error, never a hang."""

import os

from ranks import run_job


def test_an_exception_on_rank_1_ends_rank_0_waiting_in_a_collective():
    done = run_job([os.path.join(os.path.dirname(__file__), "failing_rank.py")], timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "ValueError: rank 1 cannot go on" in output  # rank 1's traceback
    assert "ember.distributed: rank 1 of 2 failed (ValueError: rank 1 cannot go on); ending all 2 ranks" in output
    assert "rank 0 went past" not in output
