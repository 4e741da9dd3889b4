"""DataLoader worker processes: order, errors, shutdown, seeding, sharding, persistence, prefetch, timeout."""

import gc
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

import ember
from ember.data import BatchSampler, DataLoader, Dataset, IterableDataset, SequentialSampler, TensorDataset, \
    get_worker_info
from helpers import DEVICES, raises

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; workers fork on Linux")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def running(pid):
    """Whether process pid exists and has not ended (a zombie has ended, though it is not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def live(pids):
    multiprocessing.active_children()  # reaps the workers that have ended
    return [pid for pid in pids if running(pid)]


class Numbered(Dataset):
    """Sample i is (i, the pid of the process that read it); the first `slow` samples take a while, so that
    later batches come back from the workers first."""

    def __init__(self, n, slow=0):
        self.n, self.slow = n, slow

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i < self.slow:
            time.sleep(0.1)
        return i, os.getpid()


def indices_and_pids(loader):
    batches = [(x.tolist(), set(pid.tolist())) for x, pid in loader]
    return [x for x, _ in batches], set().union(*(pids for _, pids in batches))


@pytest.mark.parametrize("batch_size, drop_last", [(1, False), (3, False), (3, True), (4, False)])
def test_batches_come_back_in_order(batch_size, drop_last):
    dataset = Numbered(14, slow=batch_size)
    expected, (main,) = indices_and_pids(DataLoader(dataset, batch_size=batch_size, drop_last=drop_last))
    got, pids = indices_and_pids(DataLoader(dataset, batch_size=batch_size, drop_last=drop_last, num_workers=2))
    assert got == expected
    assert len(pids) == 2 and main not in pids
    assert live(pids) == []


def test_out_of_order_batches_with_in_order_false():
    got, pids = indices_and_pids(DataLoader(Numbered(12, slow=3), batch_size=3, num_workers=2, in_order=False))
    assert sorted(got) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert live(pids) == []


def test_a_shuffled_order_repeats_with_a_seeded_generator():
    dataset = TensorDataset(ember.arange(20))
    orders = [[y.tolist() for y, in DataLoader(dataset, batch_size=6, shuffle=True, num_workers=2,
                                                generator=ember.Generator(seed=5))] for _ in range(2)]
    assert orders[0] == orders[1]
    assert sorted(sum(orders[0], [])) == list(range(20)) and sum(orders[0], []) != list(range(20))


def test_len_and_batches_without_automatic_batching():
    loader = DataLoader(Numbered(5), batch_size=None, num_workers=2)
    samples = list(loader)
    assert len(loader) == 5 and [i for i, _ in samples] == [0, 1, 2, 3, 4]


# -------------------------------------------------------------------------------------------------
# Errors in workers.

class Broken(Dataset):
    def __init__(self, error):
        self.error = error

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise self.error
        return i, os.getpid()


class NeedsTwoArguments(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


def test_an_exception_in_a_worker_is_raised_again_with_the_workers_traceback():
    pids = set()
    with pytest.raises(ValueError) as caught:
        for _, pid in DataLoader(Broken(ValueError("sample 5 is broken")), batch_size=2, num_workers=2):
            pids |= set(pid.tolist())
    message = str(caught.value)
    assert message.startswith("Caught ValueError in DataLoader worker process 0. The worker's traceback:\n"
                              "Traceback (most recent call last):")
    assert "test_workers.py" in message and "in __getitem__" in message
    assert message.endswith("ValueError: sample 5 is broken\n")
    assert pids and live(pids) == []


def test_a_key_error_shows_its_message_and_an_unmakeable_type_becomes_runtime_error():
    with pytest.raises(KeyError) as caught:
        list(DataLoader(Broken(KeyError("no such key")), batch_size=2, num_workers=2))
    # shown as it is, not as the repr of a string (quoted, with its newlines escaped)
    assert str(caught.value).startswith("Caught KeyError in DataLoader worker process 0. The worker's traceback:\n")
    with raises(RuntimeError, "Caught NeedsTwoArguments in DataLoader worker process 0."):
        list(DataLoader(Broken(NeedsTwoArguments(1, 2)), batch_size=2, num_workers=2))


def failing_init(worker_id):
    raise OSError(f"worker {worker_id} cannot open its file")


def test_an_exception_in_worker_init_fn_is_raised_again():
    with raises(OSError, "cannot open its file"):
        list(DataLoader(Numbered(6), batch_size=2, num_workers=2, worker_init_fn=failing_init))


def test_a_batch_that_cannot_be_pickled_is_an_error_not_a_hang():
    with pytest.raises(Exception, match="Caught .* in DataLoader worker process 0") as caught:
        list(DataLoader(range(4), batch_size=2, num_workers=2, collate_fn=lambda samples: (lambda: samples)))
    assert "pickle" in str(caught.value)


class Dies(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 4:
            os._exit(3)
        return i


def test_a_worker_that_dies_is_reported():
    with raises(RuntimeError, "DataLoader worker 0 (pid"):
        list(DataLoader(Dies(), batch_size=2, num_workers=2))
    assert multiprocessing.active_children() == []


class Sleepy(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(1)
        return i


def test_timeout_raises_a_clear_error():
    with raises(RuntimeError, "DataLoader timed out after 0.2 seconds waiting for a batch from its workers"):
        next(iter(DataLoader(Sleepy(), num_workers=2, timeout=0.2)))
    assert multiprocessing.active_children() == []


# -------------------------------------------------------------------------------------------------
# Workers end: early break, exceptions, garbage collection, Ctrl-C, a dead main process.

def test_breaking_off_an_epoch_leaves_no_live_worker():
    pids = set()
    for _, pid in DataLoader(Numbered(40), batch_size=2, num_workers=2):
        pids |= set(pid.tolist())
        if len(pids) == 2:
            break
    assert len(pids) == 2 and live(pids) == []


def test_an_exception_in_the_loop_body_ends_the_workers():
    pids = set()
    with pytest.raises(ZeroDivisionError):
        for _, pid in DataLoader(Numbered(40), batch_size=2, num_workers=2):
            pids |= set(pid.tolist())
            1 / 0
    assert pids and live(pids) == []


def test_a_dropped_iterator_and_a_collected_loader_end_their_workers():
    iterator = iter(DataLoader(Numbered(40), batch_size=2, num_workers=2))
    _, pids = next(iterator)
    del iterator
    assert live(set(pids.tolist())) == []
    loader = DataLoader(Numbered(8), batch_size=2, num_workers=2, persistent_workers=True)
    _, pids = indices_and_pids(loader)
    assert len(live(pids)) == 2  # persistent: alive between epochs
    del loader
    gc.collect()
    assert live(pids) == []


CTRL_C_SCRIPT = """
import os, signal, sys, time
from ember.data import DataLoader, Dataset

signal.signal(signal.SIGINT, signal.default_int_handler)  # as started from a terminal (a background job ignores it)

class Slow(Dataset):
    def __len__(self):
        return 10_000

    def __getitem__(self, i):
        time.sleep(0.02)
        return os.getpid()

for pids in DataLoader(Slow(), batch_size=2, num_workers=2, persistent_workers=PERSISTENT):
    print(*pids.tolist(), flush=True)
"""


def start_script(persistent):
    """The script above in a process group of its own; returns it and the pids of its two workers."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    script = subprocess.Popen([sys.executable, "-c", CTRL_C_SCRIPT.replace("PERSISTENT", str(persistent))], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    pids = set()
    while len(pids) < 2:
        pids |= {int(pid) for pid in script.stdout.readline().split()}
    return script, pids


@pytest.mark.parametrize("persistent", [False, True])
def test_ctrl_c_ends_the_main_process_and_its_workers(persistent):
    script, pids = start_script(persistent)
    os.killpg(script.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: every process of the group gets it
    _, stderr = script.communicate(timeout=60)
    assert script.returncode != 0
    assert stderr.count("Traceback") == 1 and stderr.rstrip().endswith("KeyboardInterrupt")  # the main one only
    assert live(pids) == []


def test_workers_end_when_the_main_process_is_killed():
    script, pids = start_script(persistent=False)
    script.kill()
    script.communicate(timeout=60)
    deadline = time.monotonic() + 60
    while live(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live(pids) == []


# -------------------------------------------------------------------------------------------------
# Seeds, worker_init_fn, get_worker_info.

class RandomDraws(Dataset):
    """Sample i: draws from the worker's generators (numpy's, ember's, Python's), its seed and its id."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        return np.random.rand(), ember.rand(1).item(), random.random(), info.seed, info.id


def draws(loader):
    return [tuple(sample) for sample in loader]  # default_convert leaves Python numbers as they are


def test_workers_are_seeded_differently_from_the_loaders_generator():
    loader = DataLoader(RandomDraws(), batch_size=None, num_workers=2)
    ember.manual_seed(0)
    first = draws(loader)
    ember.manual_seed(0)
    assert draws(loader) == first  # repeats under ember.manual_seed
    assert draws(loader) != first  # a new seed each epoch
    seeds = {(seed, worker) for *_, seed, worker in first}
    assert len(seeds) == 2 and len({seed - worker for seed, worker in seeds}) == 1  # base seed + worker id
    for numpy_draw, ember_draw, python_draw, seed, worker in first[:2]:  # the first draw of each worker
        assert ember_draw == ember.rand(1, generator=ember.Generator(seed=int(seed))).item()
        assert python_draw == random.Random(int(seed)).random()
    assert len({numpy_draw for numpy_draw, *_ in first}) == 4
    seeded = [draws(DataLoader(RandomDraws(), batch_size=None, num_workers=2, generator=ember.Generator(seed=3)))
              for _ in range(2)]
    assert seeded[0] == seeded[1] != first


class Offsets(Dataset):
    offset = 0

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return self.offset + i


def set_offset(worker_id):
    info = get_worker_info()
    assert info.id == worker_id and info.num_workers == 2
    info.dataset.offset = 100 * (worker_id + 1)  # the worker's own copy of the dataset


def test_worker_init_fn_sets_up_each_workers_copy_of_the_dataset():
    dataset = Offsets()
    batches = [b.tolist() for b in DataLoader(dataset, batch_size=2, num_workers=2, worker_init_fn=set_offset)]
    assert batches == [[100, 101], [202, 203], [104, 105], [206, 207]]  # batch k from worker k % 2
    assert dataset.offset == 0 and get_worker_info() is None


class Shard(IterableDataset):
    """range(n), each worker yielding every num_workers-th number from its id on."""
    worker_info = staticmethod(get_worker_info)

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = self.worker_info()
        return iter(range(info.id, self.n, info.num_workers))


class TorchShard(Shard, torch.utils.data.IterableDataset):
    """Shard in PyTorch."""
    worker_info = staticmethod(torch.utils.data.get_worker_info)


def as_lists(batches):
    return [b if isinstance(b, int) else b.tolist() for b in batches]


@pytest.mark.parametrize("batch_size, drop_last", [(None, False), (1, False), (2, False), (3, False), (3, True)])
def test_an_iterable_dataset_sharded_with_get_worker_info_as_pytorch(batch_size, drop_last):
    ours = DataLoader(Shard(11), batch_size=batch_size, drop_last=drop_last, num_workers=2)
    theirs = torch.utils.data.DataLoader(TorchShard(11), batch_size=batch_size, drop_last=drop_last, num_workers=2)
    assert as_lists(ours) == as_lists(theirs)


class PidStream(IterableDataset):
    def __iter__(self):
        info = get_worker_info()
        return ((i, os.getpid()) for i in range(info.id, 8, info.num_workers))


def test_persistent_workers_serve_every_epoch_with_the_same_processes():
    loader = DataLoader(Numbered(10), batch_size=3, num_workers=2, persistent_workers=True)
    epochs = [indices_and_pids(loader) for _ in range(3)]
    assert [x for x, _ in epochs] == [[[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]] * 3
    assert epochs[0][1] == epochs[1][1] == epochs[2][1]
    for _ in loader:
        break  # an epoch broken off: its batches still on the way must not reach the next one
    assert indices_and_pids(loader) == epochs[0]
    stream = DataLoader(PidStream(), batch_size=2, num_workers=2, persistent_workers=True)
    assert [indices_and_pids(stream)[0] for _ in range(2)] == [[[0, 2], [1, 3], [4, 6], [5, 7]]] * 2
    transient = DataLoader(Numbered(10), batch_size=3, num_workers=2)
    assert not indices_and_pids(transient)[1] & indices_and_pids(transient)[1]


class Recording(BatchSampler):
    """A batch sampler that counts the batches of indices drawn from it."""

    def __iter__(self):
        self.drawn = 0
        for batch in super().__iter__():
            self.drawn += 1
            yield batch


@pytest.mark.parametrize("prefetch_factor", [1, 3])
def test_prefetch_factor_batches_in_flight_per_worker(prefetch_factor):
    sampler = Recording(SequentialSampler(range(40)), batch_size=2, drop_last=False)
    iterator = iter(DataLoader(Numbered(40), batch_sampler=sampler, num_workers=2, prefetch_factor=prefetch_factor))
    for handed_out in (1, 2):
        next(iterator)
        assert sampler.drawn - handed_out == prefetch_factor * 2
    del iterator


def test_workers_can_be_spawned():
    loader = DataLoader(TensorDataset(ember.arange(6)), batch_size=2, num_workers=2, multiprocessing_context="spawn")
    assert [y.tolist() for y, in loader] == [[0, 1], [2, 3], [4, 5]]


@pytest.mark.parametrize("device", [p for p in DEVICES if p.id == "cuda"])
def test_a_dataset_on_the_gpu_is_refused_by_the_workers(device):
    loader = DataLoader(TensorDataset(ember.arange(6, device=device)), batch_size=2, num_workers=2, timeout=60)
    with pytest.raises(Exception, match="DataLoader worker") as caught:
        list(loader)
    assert "CUDA" in str(caught.value)
    assert multiprocessing.active_children() == []
