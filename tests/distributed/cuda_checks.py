"""NCCL with one rank on one GPU, and DistributedDataParallel on CUDA (run by test_cuda.py where a GPU is)."""

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.nn.parallel import DistributedDataParallel as DDP
from ranks import run_checks


def collectives_on_the_gpu():
    assert dist.get_backend() == "nccl"
    x = ember.tensor([1.0, 2.0, 3.0], device="cuda")
    dist.all_reduce(x)
    dist.all_reduce(x, dist.ReduceOp.MAX)
    work = dist.all_reduce(x, dist.ReduceOp.AVG, async_op=True)
    work.wait()
    assert x.cpu().tolist() == [1.0, 2.0, 3.0] and work.is_completed()
    dist.broadcast(x, src=0)
    out = [ember.zeros(3, device="cuda")]
    dist.all_gather(out, x)
    assert out[0].cpu().tolist() == [1.0, 2.0, 3.0]
    scattered = ember.zeros(3, device="cuda")
    dist.reduce_scatter(scattered, [x])
    dist.gather(x, [scattered], dst=0)
    dist.scatter(scattered, [x], src=0)
    assert scattered.cpu().tolist() == [1.0, 2.0, 3.0]
    view = ember.zeros(3, 4, device="cuda")[:, ::2]  # not contiguous: through a copy
    view.array[...] = 2.0
    dist.all_reduce(view)
    assert float(view.sum()) == 12.0
    cpu = ember.ones(2)
    dist.all_reduce(cpu)  # CPU tensors of an nccl group go by MPI
    assert cpu.tolist() == [1.0, 1.0]


def ddp_on_the_gpu_trains_as_one_process():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((16, 5)), device="cuda")
    y = ember.tensor(rng.integers(0, 3, 16), device="cuda")
    ember.manual_seed(0)
    alone = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).cuda()
    ember.manual_seed(0)
    ddp = DDP(nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).cuda(), device_ids=[0])
    for model in (alone, ddp):
        optimizer = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(5):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
    for a, b in zip(alone.parameters(), ddp.module.parameters()):
        assert float((a - b).abs().max()) <= 1e-6


CHECKS = [collectives_on_the_gpu, ddp_on_the_gpu_trains_as_one_process]

if __name__ == "__main__":
    run_checks(CHECKS, backend="nccl")
