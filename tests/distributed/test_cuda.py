"""NCCL with one rank on one GPU, and the CUDA path of DistributedDataParallel (skipped without a GPU)."""

import pytest

import cuda_checks
import ember
from ranks import job_results

pytestmark = [pytest.mark.cuda, pytest.mark.skipif(not ember.cuda.is_available(), reason="no CUDA GPU (CuPy) here")]


@pytest.fixture(scope="module")
def results():
    return job_results("cuda_checks.py", ranks=1)


@pytest.mark.parametrize("check", [check.__name__ for check in cuda_checks.CHECKS])
def test_on_one_gpu(results, check):
    assert results[check] == "ok", results[check]
