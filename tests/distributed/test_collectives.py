"""ember.distributed's collectives on 2 MPI ranks, each against NumPy (the checks: collectives_checks.py)."""

import pytest

import collectives_checks
from ranks import job_results



@pytest.fixture(scope="module")
def results():
    return job_results("collectives_checks.py")


@pytest.mark.parametrize("check", [check.__name__ for check in collectives_checks.CHECKS])
def test_on_two_ranks(results, check):
    assert results[check] == "ok", results[check]
