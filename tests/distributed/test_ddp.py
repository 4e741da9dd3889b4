"""DistributedDataParallel, SyncBatchNorm, DistributedSampler and fit() on 2 MPI ranks against one process
(the checks: ddp_checks.py)."""

import pytest

import ddp_checks
from ranks import job_results


@pytest.fixture(scope="module")
def results():
    return job_results("ddp_checks.py")


@pytest.mark.parametrize("check", [check.__name__ for check in ddp_checks.CHECKS])
def test_on_two_ranks(results, check):
    assert results[check] == "ok", results[check]
