"""DataLoader workers: processes that read batches while the main process trains on the last ones.

The main process sends each worker tasks (task id, the indices of one batch) on the worker's own
queue; the workers send back (task id, the batch, pickled) on one shared result queue. Each worker
has its own copy of the dataset and its own random generators, seeded from one base seed that the
loader draws for each epoch (as PyTorch seeds its workers), so random augmentation differs between
workers and repeats under ember.manual_seed. Workers make CPU batches only: a CUDA context does not
survive fork, so a batch that holds a GPU array is refused with an error that says why.

Workers stop when the main process sends None, when the main process has died (they check every
CHECK_INTERVAL seconds), or on Ctrl-C (which reaches them too). The main process stops them when an
epoch ends, breaks off or fails, and when a loader with persistent workers is garbage collected or
the program exits; a worker that does not stop within JOIN_TIMEOUT seconds is killed.
"""

import collections
import dataclasses
import io
import math
import os
import pickle
import queue
import random
import sys
import time
import traceback
import weakref

import numpy as np

from .. import backend

CHECK_INTERVAL = 1.0  # seconds between checks that the workers (or, in a worker, the main process) still run
JOIN_TIMEOUT = 5.0  # seconds that stopping workers get to finish what they are doing
NEW_EPOCH = "new epoch"  # to persistent workers: start the dataset over; and their answer that they did


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """What a DataLoader worker process knows about itself: its id (0 to num_workers - 1), the number of
    workers, the seed of its random generators, and its own copy of the dataset."""
    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info = None


def get_worker_info():
    """This worker process's WorkerInfo, in a dataset's code or a worker_init_fn; None in the main process."""
    return _worker_info


def seed_worker(base_seed, worker_id):
    """Seed this worker's random generators as PyTorch does: ember's default CPU generator and Python's
    random module with base_seed + worker_id, NumPy's global generator with a hash of both. Returns the seed."""
    seed = base_seed + worker_id
    backend.default_generator(backend.CPU).manual_seed(seed)  # only the CPU's: CUDA is not for workers
    random.seed(seed)
    np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
    return seed


# -------------------------------------------------------------------------------------------------
# The worker's side.

@dataclasses.dataclass(frozen=True)
class EndOfData:
    """A worker's answer when its copy of an iterable-style dataset has run out."""
    worker_id: int


class _KeyErrorMessage(str):
    """A KeyError's message shown as it is (KeyError shows the repr of its argument)."""

    def __repr__(self):
        return str(self)


class WorkerError:
    """An exception raised in a worker, carried to the main process with the worker's traceback as text."""

    def __init__(self, worker_id):
        kind, error, trace = sys.exc_info()
        self.kind = kind if _picklable(kind) else RuntimeError
        self.message = (f"Caught {kind.__name__} in DataLoader worker process {worker_id}. The worker's traceback:\n"
                        + "".join(traceback.format_exception(kind, error, trace)))

    def reraise(self):
        """Raise the exception in this process: of the worker's exception type where that type can be made
        from one message (else RuntimeError), with the worker's traceback in the message."""
        message = _KeyErrorMessage(self.message) if issubclass(self.kind, KeyError) else self.message
        try:
            error = self.kind(message)
        except Exception:
            error = RuntimeError(self.message)
        raise error


def _picklable(obj):
    try:
        pickle.dumps(obj)
    except Exception:
        return False
    return True


class _CPUPickler(pickle.Pickler):
    """Pickles what a worker sends back, refusing GPU arrays: a worker must not use CUDA."""

    def reducer_override(self, obj):
        if backend.is_array(obj) and backend.device_of(obj).type != "cpu":
            raise RuntimeError("a DataLoader worker must make CPU tensors only (CUDA does not survive the fork "
                               "that starts a worker); keep the dataset on the CPU and move each batch in the "
                               "training loop, x = x.to('cuda')")
        return NotImplemented


def pickled(answer, worker_id):
    """answer as bytes for the result queue. Pickling here rather than in the queue's thread is what lets an
    answer that cannot be pickled (or holds a GPU array) reach the main process, as the WorkerError why."""
    try:
        buffer = io.BytesIO()
        _CPUPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(answer)
        return buffer.getvalue()
    except Exception:
        return pickle.dumps(WorkerError(worker_id))


class _Reader:
    """A worker's reading: its copy of the dataset, the fetcher of this epoch, and whether its stream ended."""

    def __init__(self, worker_id, dataset, make_fetcher, init_fn):
        self.worker_id = worker_id
        self.dataset = dataset
        self.make_fetcher = make_fetcher
        self.failure = None  # a WorkerError of the set-up, the answer to every task from then on
        try:
            if init_fn is not None:
                init_fn(worker_id)
        except Exception:
            self.failure = WorkerError(worker_id)
        self.restart()

    def restart(self):
        """A fresh fetcher, for a new epoch (an iterable-style dataset starts its stream again)."""
        self.ended = False
        if self.failure is None:
            try:
                self.fetch = self.make_fetcher(self.dataset)
            except Exception:
                self.failure = WorkerError(self.worker_id)

    def answer(self, task):
        """The batch of a task; EndOfData when the dataset's stream has run out; or the WorkerError."""
        if self.failure is not None:
            return self.failure
        try:
            return self.fetch(task)
        except StopIteration:
            self.ended = True
            return EndOfData(self.worker_id)
        except Exception:
            return WorkerError(self.worker_id)


def _next_task(tasks, parent):
    """The next task from the main process; None (stop) also when the main process has died."""
    while True:
        try:
            return tasks.get(timeout=CHECK_INTERVAL)
        except queue.Empty:
            if os.getppid() != parent:
                return None


def worker_loop(worker_id, num_workers, base_seed, dataset, make_fetcher, init_fn, tasks, results):
    """The body of a worker process: seed, set up (worker_init_fn, then make_fetcher(dataset)), then answer
    each task until told to stop. Tasks of an iterable-style dataset that has run out get no answer."""
    global _worker_info
    try:
        _worker_info = WorkerInfo(worker_id, num_workers, seed_worker(base_seed, worker_id), dataset)
        reader = _Reader(worker_id, dataset, make_fetcher, init_fn)
        parent = os.getppid()
        while (task := _next_task(tasks, parent)) is not None:
            if task == NEW_EPOCH:
                reader.restart()
                results.put((NEW_EPOCH, pickle.dumps(None)))
            elif not reader.ended:
                task_id, indices = task
                results.put((task_id, pickled(reader.answer(indices), worker_id)))
        results.cancel_join_thread()  # nobody reads the answers not yet sent: do not wait to send them
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches every process of the terminal; the main process reports it


# -------------------------------------------------------------------------------------------------
# The main process's side.

def stop_workers(processes, task_queues, results):
    """Ask each worker to stop, wait up to JOIN_TIMEOUT seconds for all of them, kill those still running."""
    for tasks in task_queues:
        tasks.put(None)
    deadline = time.monotonic() + JOIN_TIMEOUT
    for process in processes:
        process.join(max(deadline - time.monotonic(), 0))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
    for q in task_queues + [results]:
        q.close()


class Workers:
    """A DataLoader's worker processes, seen from the main process: each with its own task queue, all
    answering on one result queue. shutdown() stops them; so does garbage collection, and the exit."""

    def __init__(self, context, count, base_seed, dataset, make_fetcher, init_fn):
        self.count = count
        self.running = [True] * count  # False for a worker whose iterable-style dataset ran out this epoch
        self.results = context.Queue()
        self.task_queues = [context.Queue() for _ in range(count)]
        self.processes = []
        self.shutdown = weakref.finalize(self, stop_workers, self.processes, self.task_queues, self.results)
        for worker_id, tasks in enumerate(self.task_queues):
            tasks.cancel_join_thread()  # never wait at exit to send tasks that no worker will read
            process = context.Process(target=worker_loop, name=f"DataLoader worker {worker_id}", daemon=True,
                                      args=(worker_id, count, base_seed, dataset, make_fetcher, init_fn, tasks,
                                            self.results))
            process.start()
            self.processes.append(process)

    def send(self, worker_id, task_id, task):
        self.task_queues[worker_id].put((task_id, task))

    def receive(self, timeout):
        """The next (task id, answer) from any worker. Waits at most timeout seconds (0: as long as it takes)
        and raises if a worker has died meanwhile."""
        deadline = time.monotonic() + timeout if timeout else math.inf
        while True:
            try:
                task_id, data = self.results.get(timeout=min(CHECK_INTERVAL, max(deadline - time.monotonic(), 0)))
            except queue.Empty:
                self.check_alive()
                if time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds waiting for a batch from its "
                                       "workers") from None
                continue
            return task_id, pickle.loads(data)

    def check_alive(self):
        dead = [p for p in self.processes if not p.is_alive()]
        if dead:
            raise RuntimeError("; ".join(f"{p.name} (pid {p.pid}) exited unexpectedly with exit code {p.exitcode}"
                                         for p in dead))

    def alive(self):
        return all(p.is_alive() for p in self.processes)

    def new_epoch(self, timeout):
        """Persistent workers, before another epoch: each starts its dataset over; answers still on their
        way from the last epoch (broken off early) are dropped."""
        for tasks in self.task_queues:
            tasks.put(NEW_EPOCH)
        self.running = [True] * self.count
        ready = 0
        while ready < self.count:
            task_id, _ = self.receive(timeout)
            ready += task_id == NEW_EPOCH


class Epoch:
    """One pass over the data with worker processes, an iterator of batches. Each task goes to the least busy
    running worker, with at most prefetch_factor tasks per worker in flight; the batches come back in the
    order of the tasks (in_order), or as they arrive."""

    def __init__(self, workers, tasks, prefetch_factor, in_order, timeout):
        self.workers = workers
        self.tasks = tasks
        self.limit = prefetch_factor * workers.count
        self.in_order = in_order
        self.timeout = timeout
        self.owner = {}  # task id -> its worker, for each task sent whose batch has not been handed out
        self.early = {}  # task id -> a batch that arrived before the batches it must follow
        self.sent = 0
        self.tasks_left = True
        self.fill()

    def fill(self):
        """Send tasks until limit are in flight, the index sampler has run out, or no worker is running."""
        while len(self.owner) < self.limit and self.tasks_left:
            running = [w for w in range(self.workers.count) if self.workers.running[w]]
            if not running:
                return
            try:
                task = next(self.tasks)
            except StopIteration:
                self.tasks_left = False
                return
            load = collections.Counter(self.owner.values())
            worker = min(running, key=lambda w: load[w])
            self.workers.send(worker, self.sent, task)
            self.owner[self.sent] = worker
            self.sent += 1

    def __iter__(self):
        return self

    def __next__(self):
        while self.owner:
            wanted = min(self.owner) if self.in_order else None
            if wanted in self.early:
                return self.hand_out(wanted, self.early.pop(wanted))
            task_id, answer = self.workers.receive(self.timeout)
            if isinstance(answer, EndOfData):
                self.worker_ended(answer.worker_id)
            elif wanted is None or task_id == wanted:
                return self.hand_out(task_id, answer)
            else:
                self.early[task_id] = answer
        raise StopIteration

    def worker_ended(self, worker):
        """worker's copy of an iterable-style dataset has run out: its tasks still waiting get no batch."""
        self.workers.running[worker] = False
        for task_id in [t for t, w in self.owner.items() if w == worker and t not in self.early]:
            del self.owner[task_id]
        self.fill()

    def hand_out(self, task_id, answer):
        del self.owner[task_id]
        self.fill()
        if isinstance(answer, WorkerError):
            answer.reraise()
        return answer
