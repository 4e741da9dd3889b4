"""DistributedDataParallel and fit() on 2 ranks against one process on the whole batches (run by ranks.py).

Each rank trains its DistributedSampler share of every global batch; the same rank also trains a copy of the
model alone on the whole global batches (the union of both ranks' shares), and the two must end equal.
"""

import io
import os
import tempfile

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.data import DataLoader, DistributedSampler, TensorDataset
from ember.models.gpt import GPT
from ember.nn.parallel import DistributedDataParallel as DDP
from ranks import run_checks

TOLERANCE = {ember.float64: 1e-9, ember.float32: 1e-5}


def mlp():
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))


def gpt():
    return GPT(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16)


def sequence_loss(logits, targets):
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def dataset(kind, n, dtype):
    rng = np.random.default_rng(5)
    if kind == "tokens":
        tokens = rng.integers(0, 11, (n, 9))
        return TensorDataset(ember.tensor(tokens[:, :-1]), ember.tensor(tokens[:, 1:]))
    shape = (n, 6) if kind == "vectors" else (n, 1, 8, 8)
    return TensorDataset(ember.tensor(rng.standard_normal(shape), dtype=dtype), ember.tensor(rng.integers(0, 3, n)))


def largest_difference(a, b):
    return max(float((x.double() - y.double()).abs().max()) for x, y in zip(a.state_dict().values(),
                                                                             b.state_dict().values()))


def train_both_ways(build, data, loss_fn, optimizer, dtype, convert=lambda m: m, epochs=2, batch=8):
    """(alone, ddp): one model trained alone on the global batches, one on 2 ranks (each a share)."""
    ember.set_default_dtype(dtype)
    try:
        ember.manual_seed(0)
        alone = build()
        ember.manual_seed(dist.get_rank())  # another start on rank 1: DDP begins from rank 0's weights
        ddp = DDP(convert(build()))
        alone_opt, ddp_opt = optimizer(alone), optimizer(ddp)
        samplers = [DistributedSampler(data, 2, rank, seed=3) for rank in range(2)]
        loader = DataLoader(data, batch_size=batch // 2, sampler=samplers[dist.get_rank()])
        for epoch in range(epochs):
            for sampler in samplers:
                sampler.set_epoch(epoch)
            shares = [list(sampler) for sampler in samplers]
            for start, (x, y) in zip(range(0, len(shares[0]), batch // 2), loader):
                whole = [i for share in shares for i in share[start:start + batch // 2]]
                for model, opt, (inputs, targets) in ((alone, alone_opt, data[whole]), (ddp, ddp_opt, (x, y))):
                    opt.zero_grad()
                    loss_fn(model(inputs), targets).backward()
                    opt.step()
        return alone, ddp
    finally:
        ember.set_default_dtype(ember.float32)


def check_equal(alone, ddp, dtype):
    difference = largest_difference(alone, ddp.module)
    assert difference <= TOLERANCE[dtype], f"{dtype}: weights differ by {difference}"


def sgd(model):
    return ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def adamw(model):
    return ember.optim.AdamW(model.parameters(), lr=1e-2)


def mlp_as_one_process():
    for dtype in (ember.float64, ember.float32):
        alone, ddp = train_both_ways(mlp, dataset("vectors", 40, dtype), nn.CrossEntropyLoss(), sgd, dtype)
        check_equal(alone, ddp, dtype)


def cnn_with_sync_batchnorm_as_one_process():
    for dtype in (ember.float64, ember.float32):
        alone, ddp = train_both_ways(cnn, dataset("images", 32, dtype), nn.CrossEntropyLoss(), sgd, dtype,
                                     convert=nn.SyncBatchNorm.convert_sync_batchnorm)
        assert isinstance(ddp.module[1], nn.SyncBatchNorm)
        check_equal(alone, ddp, dtype)  # the running statistics too: the state_dicts hold them


def gpt_as_one_process():
    for dtype in (ember.float64, ember.float32):
        alone, ddp = train_both_ways(gpt, dataset("tokens", 24, dtype), sequence_loss, adamw, dtype, epochs=1)
        check_equal(alone, ddp, dtype)


def no_sync_accumulation_is_one_big_batch():
    ember.set_default_dtype(ember.float64)
    try:
        data, rank, micro = dataset("vectors", 24, ember.float64), dist.get_rank(), 3
        ember.manual_seed(0)
        alone = mlp()
        ember.manual_seed(0)
        ddp = DDP(mlp())
        alone_opt, ddp_opt = sgd(alone), sgd(ddp)
        x, y = data[list(range(24))]
        alone_opt.zero_grad()
        nn.functional.cross_entropy(alone(x), y).backward()
        alone_opt.step()
        mine = [list(range(12 * rank + 4 * m, 12 * rank + 4 * m + 4)) for m in range(micro)]
        ddp_opt.zero_grad()
        with ddp.no_sync():
            for indices in mine[:-1]:
                (nn.functional.cross_entropy(ddp(data[indices][0]), data[indices][1]) / micro).backward()
        local = ddp.module[0].weight.grad.clone()
        (nn.functional.cross_entropy(ddp(data[mine[-1]][0]), data[mine[-1]][1]) / micro).backward()
        ddp_opt.step()
        check_equal(alone, ddp, ember.float64)
        everyone = [ember.zeros_like(local) for _ in range(2)]
        dist.all_gather(everyone, local)
        assert not np.allclose(everyone[0].numpy(), everyone[1].numpy()), "no_sync averaged the gradients"
    finally:
        ember.set_default_dtype(ember.float32)


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body, self.a, self.b, self.never = nn.Linear(4, 4), nn.Linear(4, 2), nn.Linear(4, 2), nn.Linear(4, 2)

    def forward(self, x, use_b):
        h = self.body(x).tanh()
        return self.a(h) + self.b(h) if use_b else self.a(h)


def unused_parameters_are_found_or_named():
    rank = dist.get_rank()
    x = ember.tensor(np.random.default_rng(rank).standard_normal((5, 4)), dtype=ember.float32)
    ember.manual_seed(0)
    reference = TwoHeads()
    ember.manual_seed(0)
    ddp = DDP(TwoHeads(), find_unused_parameters=True)
    ddp(x, use_b=rank == 0).sum().backward()
    grads = {}
    for r in range(2):  # what each rank's gradient is, computed here without DDP
        reference.zero_grad()
        reference(ember.tensor(np.random.default_rng(r).standard_normal((5, 4)), dtype=ember.float32),
                  use_b=r == 0).sum().backward()
        grads[r] = {name: None if p.grad is None else p.grad.numpy().copy() for name, p in reference.named_parameters()}
    for name, p in ddp.module.named_parameters():
        if name.startswith("never"):
            assert p.grad is None, f"{name}: no rank used it, yet it got a gradient"
            continue
        expected = sum(g[name] if g[name] is not None else 0 for g in grads.values()) / 2
        np.testing.assert_allclose(p.grad.numpy(), expected, rtol=1e-5, atol=1e-6)
    b = ddp.module.b.weight
    b.grad.mul_(1 + rank)  # the ranks' gradients of b differ now
    kept = b.grad.numpy().copy()
    ddp(x, use_b=False).sum().backward()  # no rank uses b: its .grad (a view of a bucket) must stay as it was
    np.testing.assert_array_equal(b.grad.numpy(), kept)
    strict = DDP(TwoHeads())
    strict(x, use_b=False).sum().backward()  # b and never get no gradient, on both ranks
    try:
        strict(x, use_b=False)
    except RuntimeError as error:
        assert "some parameters got no gradient" in str(error) and "b.weight" in str(error) \
            and "find_unused_parameters=True" in str(error), str(error)
    else:
        raise AssertionError("a backward pass that left parameters without gradients went unnoticed")


def buffers_and_weights_are_rank_0s():
    ember.manual_seed(dist.get_rank())
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    ddp = DDP(model)
    weights = [ember.zeros_like(model[0].weight) for _ in range(2)]
    dist.all_gather(weights, model[0].weight.detach())
    assert np.array_equal(weights[0].numpy(), weights[1].numpy())
    ddp(ember.randn(6, 3) + dist.get_rank())  # each rank's own running statistics
    ddp.eval()
    with ember.no_grad():
        ddp(ember.randn(2, 3))  # which this forward first replaces by rank 0's
    means = [ember.zeros(4) for _ in range(2)]
    dist.all_gather(means, model[1].running_mean)
    assert np.array_equal(means[0].numpy(), means[1].numpy()) and means[0].abs().sum().item() > 0
    assert list(ddp.state_dict())[:2] == ["module.0.weight", "module.0.bias"]


def different_models_are_refused():
    try:
        DDP(nn.Linear(3, 3 + dist.get_rank()))
    except RuntimeError as error:
        assert "DistributedDataParallel: the ranks' models differ" in str(error), str(error)
    else:
        raise AssertionError("two different models were wrapped without an error")


def fit_on_two_ranks_writes_on_rank_0_and_reduces_the_metrics():
    from ember.train import ModelCheckpoint, ProgressBar, evaluate, fit
    rank = dist.get_rank()
    folder = [tempfile.mkdtemp() if rank == 0 else None]
    dist.broadcast_object_list(folder, src=0)
    path = os.path.join(folder[0], "best.safetensors")
    train, val = dataset("vectors", 48, ember.float32), dataset("vectors", 16, ember.float32)
    ember.manual_seed(0)
    ddp = DDP(mlp())
    shown = io.StringIO()
    history = fit(ddp, nn.CrossEntropyLoss(), sgd(ddp), DataLoader(train, 6, sampler=DistributedSampler(train)),
                  DataLoader(val, 4, sampler=DistributedSampler(val, shuffle=False)), epochs=2,
                  callbacks=[ModelCheckpoint(path, save_best_only=False), ProgressBar(shown)])
    records = [None, None]
    dist.all_gather_object(records, [{k: v for k, v in r.items() if k != "seconds"} for r in history.records])
    assert records[0] == records[1], "the ranks' histories differ"
    whole = evaluate(ddp.module, nn.CrossEntropyLoss(), DataLoader(val, 16))
    assert abs(history.records[-1]["val_loss"] - whole["loss"]) < 1e-6
    assert (shown.getvalue().count("epoch 2/2") == 1) == (rank == 0), shown.getvalue()
    saved = ember.load(path)
    assert list(saved) == list(mlp().state_dict()) and largest_difference(ddp.module, _loaded(saved)) == 0
    try:
        fit(mlp(), nn.CrossEntropyLoss(), sgd(ddp), DataLoader(train, 6), epochs=1, progress=False)
    except ValueError as error:
        assert "fit: this process is one of 2 ranks; wrap the model in nn.parallel.DistributedDataParallel" \
            in str(error), str(error)
    else:
        raise AssertionError("fit trained an unwrapped model on 2 ranks")


class Crash(Exception):
    pass


def fit_on_two_ranks(folder, crash_at=None, resume=False):
    """A DDP MLP with dropout, each rank drawing its own masks (seeded by rank) and its share of a shuffled epoch,
    saving a training checkpoint every 2 steps; stopped by an exception after step crash_at on both ranks, or
    resumed from the checkpoint. Its weights, or None when it crashed."""
    from ember.train import Callback, ModelCheckpoint, fit

    class CrashAt(Callback):
        def on_batch_end(self, state):
            if state.step == crash_at:
                raise Crash

    train, val = dataset("vectors", 48, ember.float32), dataset("vectors", 16, ember.float32)
    ember.manual_seed(0)
    ddp = DDP(nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Dropout(0.3), nn.Linear(16, 3)))
    ember.manual_seed(10 + dist.get_rank())  # the ranks' dropout masks differ
    checkpoint = ModelCheckpoint(os.path.join(folder, "best.safetensors"), save_last=True, every_n_steps=2)
    try:
        fit(ddp, nn.CrossEntropyLoss(), adamw(ddp), DataLoader(train, 6, sampler=DistributedSampler(train, seed=3)),
            DataLoader(val, 4, sampler=DistributedSampler(val, shuffle=False)), epochs=3, progress=False,
            callbacks=[checkpoint, CrashAt()], resume_from=os.path.join(folder, "last.safetensors") if resume else None)
    except Crash:
        return None
    return ddp.module


def fit_on_two_ranks_resumes_exactly():
    rank = dist.get_rank()
    folders = [[tempfile.mkdtemp(), tempfile.mkdtemp()] if rank == 0 else None]
    dist.broadcast_object_list(folders, src=0)
    whole, broken = folders[0]
    uninterrupted = fit_on_two_ranks(whole)
    assert fit_on_two_ranks(broken, crash_at=7) is None  # mid-epoch 2 (4 steps an epoch), after the save of step 6
    saved = ember.load(os.path.join(broken, "last.safetensors"))
    assert saved["position"]["step"] == 6 and len(saved["ranks"]) == 2
    assert saved["ranks"][0]["rng"]["cpu"].tolist() != saved["ranks"][1]["rng"]["cpu"].tolist()
    resumed = fit_on_two_ranks(broken, resume=True)
    assert largest_difference(resumed, uninterrupted) == 0, "the resumed run ends with other weights"


def _loaded(state):
    model = mlp()
    model.load_state_dict(state)
    return model


CHECKS = [mlp_as_one_process, cnn_with_sync_batchnorm_as_one_process, gpt_as_one_process,
          no_sync_accumulation_is_one_big_batch, unused_parameters_are_found_or_named, buffers_and_weights_are_rank_0s,
          different_models_are_refused, fit_on_two_ranks_writes_on_rank_0_and_reduces_the_metrics,
          fit_on_two_ranks_resumes_exactly]

if __name__ == "__main__":
    run_checks(CHECKS)
