"""Each collective of ember.distributed on 2 ranks, against the same computation in NumPy (run by ranks.py)."""

import os

import numpy as np

import ember
import ember.distributed as dist
from ranks import run_checks

SHAPE = (3, 4)
REDUCE = {dist.ReduceOp.SUM: np.sum, dist.ReduceOp.AVG: np.mean, dist.ReduceOp.PRODUCT: np.prod,
          dist.ReduceOp.MIN: np.min, dist.ReduceOp.MAX: np.max}


def data(rank, dtype=np.float64, shape=SHAPE, offset=0):
    """Rank rank's numbers: the same on every rank that asks, so each can compute the reference."""
    values = np.random.default_rng(rank + 10 * offset).uniform(0.5, 2.0, shape)
    return (values * 10).astype(dtype) if np.dtype(dtype).kind in "iu" else values.astype(dtype)


def every(dtype=np.float64, shape=SHAPE, offset=0):
    return np.stack([data(r, dtype, shape, offset) for r in range(dist.get_world_size())])


def mine(dtype=np.float64, shape=SHAPE, offset=0):
    return ember.tensor(data(dist.get_rank(), dtype, shape, offset))


def same(tensor, expected, rtol=1e-12):
    np.testing.assert_allclose(tensor.numpy().astype(np.float64), np.asarray(expected, np.float64), rtol=rtol)


def all_reduce_each_op_and_dtype():
    for op, reference in REDUCE.items():
        for dtype in (np.float64, np.float32, np.int64):
            if op is dist.ReduceOp.AVG and dtype == np.int64:
                continue
            t = mine(dtype)
            dist.all_reduce(t, op)
            same(t, reference(every(dtype), axis=0).astype(dtype), rtol=1e-6)
            assert t.numpy().dtype == dtype


def all_reduce_of_a_view_writes_through():
    base = ember.zeros(4, 6, dtype=ember.float64)
    view = base[:, ::2]
    view.array[...] = data(dist.get_rank(), shape=(4, 3))
    dist.all_reduce(view)
    same(base[:, ::2], every(shape=(4, 3)).sum(axis=0))
    assert float(base[:, 1::2].abs().sum()) == 0.0


def all_reduce_bool_float16_bfloat16():
    flags = ember.tensor([dist.get_rank() == 0, False, True])
    dist.all_reduce(flags, dist.ReduceOp.MAX)
    assert flags.tolist() == [True, False, True]
    for dtype in (ember.float16, ember.bfloat16):
        t = ember.ones(3, dtype=dtype) * (dist.get_rank() + 1)
        dist.all_reduce(t)
        assert t.dtype == dtype and t.float().tolist() == [3.0, 3.0, 3.0]


def async_work_waits_and_reports_completion():
    t = mine()
    work = dist.all_reduce(t, async_op=True)
    assert work.wait() is True and work.is_completed()
    same(t, every().sum(axis=0))
    assert dist.barrier(async_op=True).wait() is True and dist.barrier() is None


def broadcast_from_each_rank():
    for src in range(dist.get_world_size()):
        t = mine(np.float32)
        dist.broadcast(t, src=src)
        same(t, data(src, np.float32))


def reduce_to_one_rank():
    t = mine()
    dist.reduce(t, dst=1, op=dist.ReduceOp.SUM)
    same(t, every().sum(axis=0) if dist.get_rank() == 1 else data(dist.get_rank()))


def all_gather_in_rank_order():
    outputs = [ember.zeros(*SHAPE, dtype=ember.float64) for _ in range(dist.get_world_size())]
    dist.all_gather(outputs, mine())
    for r, out in enumerate(outputs):
        same(out, data(r))
    whole = ember.zeros(dist.get_world_size() * SHAPE[0], SHAPE[1], dtype=ember.float64)
    dist.all_gather_into_tensor(whole, mine())
    same(whole, every().reshape(-1, SHAPE[1]))


def reduce_scatter_blocks():
    size = dist.get_world_size()
    inputs = [mine(offset=block) for block in range(size)]
    out = ember.zeros(*SHAPE, dtype=ember.float64)
    dist.reduce_scatter(out, inputs, op=dist.ReduceOp.MAX)
    same(out, every(offset=dist.get_rank()).max(axis=0))
    whole = mine(shape=(size * 2, 5))
    out = ember.zeros(2, 5, dtype=ember.float64)
    dist.reduce_scatter_tensor(out, whole)
    rank = dist.get_rank()
    same(out, every(shape=(size * 2, 5)).sum(axis=0)[2 * rank:2 * rank + 2])


def gather_and_scatter_through_one_rank():
    size, rank = dist.get_world_size(), dist.get_rank()
    gathered = [ember.zeros(*SHAPE, dtype=ember.float64) for _ in range(size)] if rank == 1 else None
    dist.gather(mine(), gathered, dst=1)
    if rank == 1:
        for r, out in enumerate(gathered):
            same(out, data(r))
    pieces = [ember.tensor(data(r, offset=7)) for r in range(size)] if rank == 0 else None
    out = ember.zeros(*SHAPE, dtype=ember.float64)
    dist.scatter(out, pieces, src=0)
    same(out, data(rank, offset=7))


def objects_travel_as_json():
    gathered = [None] * dist.get_world_size()
    dist.all_gather_object(gathered, {"rank": dist.get_rank(), "name": "é"})
    assert gathered == [{"rank": r, "name": "é"} for r in range(dist.get_world_size())]
    objects = [dist.get_rank(), "from"] if dist.get_rank() == 1 else [None, None]
    dist.broadcast_object_list(objects, src=1)
    assert objects == [1, "from"]


def the_group_and_the_launcher_agree():
    assert dist.is_initialized() and dist.get_backend() == "gloo" and dist.get_world_size() == 2
    assert os.environ["RANK"] == str(dist.get_rank()) and os.environ["WORLD_SIZE"] == "2"
    assert dist.get_node_local_rank() == int(os.environ["LOCAL_RANK"]) == dist.get_rank()
    assert dist.new_group() is dist.group.WORLD


def errors_name_the_call_and_what_came():
    def raises(kind, text, call):
        try:
            call()
        except kind as error:
            assert text in str(error), f"{error!r} does not say {text!r}"
        else:
            raise AssertionError(f"no {kind.__name__} ({text})")
    raises(RuntimeError, "trying to initialize the default process group twice!", dist.init_process_group)
    raises(TypeError, "all_reduce: tensor must be a Tensor, got list", lambda: dist.all_reduce([1.0]))
    raises(ValueError, "all_reduce: op must be a ReduceOp (SUM, AVG, PRODUCT, MIN, MAX), got 'sum'",
           lambda: dist.all_reduce(mine(), op="sum"))
    raises(TypeError, "all_reduce: ReduceOp.AVG needs a floating-point tensor, got int64",
           lambda: dist.all_reduce(mine(np.int64), dist.ReduceOp.AVG))
    raises(ValueError, "broadcast: src must be a rank from 0 to 1, got 2", lambda: dist.broadcast(mine(), src=2))
    raises(ValueError, "broadcast: src must be a rank from 0 to 1, got None", lambda: dist.broadcast(mine()))
    raises(ValueError, "all_gather: tensor_list must be a list of 2 tensors (one per rank), got 1 tensors",
           lambda: dist.all_gather([mine()], mine()))
    raises(ValueError, "all_gather: every tensor of tensor_list must have shape (3, 4) and dtype float64, got (2,)",
           lambda: dist.all_gather([ember.zeros(2), ember.zeros(2)], mine()))
    if dist.get_rank() == 1:  # refused before anything is sent, so rank 0 waits for nothing
        raises(ValueError, "gather: only rank dst (0) passes gather_list; this is rank 1",
               lambda: dist.gather(mine(), [mine(), mine()], dst=0))
    raises(ValueError, "get_rank: ember has one process group, the default one (group.WORLD)",
           lambda: dist.get_rank(group="other"))
    raises(ValueError, "new_group: ember has one process group, of every rank", lambda: dist.new_group([0]))
    raises(TypeError, "all_gather_object: ember sends objects as JSON (None, bools, numbers, strings, lists, dicts)",
           lambda: dist.all_gather_object([None, None], object()))


CHECKS = [all_reduce_each_op_and_dtype, all_reduce_of_a_view_writes_through, all_reduce_bool_float16_bfloat16,
          async_work_waits_and_reports_completion, broadcast_from_each_rank, reduce_to_one_rank,
          all_gather_in_rank_order, reduce_scatter_blocks, gather_and_scatter_through_one_rank,
          objects_travel_as_json, the_group_and_the_launcher_agree, errors_name_the_call_and_what_came]

if __name__ == "__main__":
    run_checks(CHECKS)
