"""DataLoader: a dataset served in (shuffled) mini-batches, one epoch per `for` loop.

    loader = DataLoader(train_set, batch_size=64, shuffle=True, num_workers=2)
    for epoch in range(10):
        for x, y in loader:        # a new random order each epoch
            ...

A sampler gives the order of the indices, a batch sampler cuts it into batches, and each batch's
samples are read and collated into tensors: in the main process (num_workers=0), or in worker
processes that read the next batches while the main process trains (see worker.py).

Workers start with fork on Linux, as in PyTorch. A forked worker begins as a copy of the main
process: it starts in milliseconds and needs nothing pickled, so a dataset or collate_fn defined in
a notebook or as a lambda works. Fork is safe for what a worker does, which is to run the dataset's
code on the CPU: the parent's threads do not come along, and a worker never touches CUDA, whose
context does not survive fork (a batch holding a GPU array is refused). Elsewhere Python's default
(spawn) is used, as fork is missing (Windows) or unsafe with the system's libraries (macOS);
multiprocessing_context="spawn" or "forkserver" chooses a fresh interpreter per worker anywhere, at
the price of a slower start and a dataset, collate_fn and worker_init_fn that must pickle.
"""

import functools
import itertools
import multiprocessing
import sys

from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .fetch import IterableFetcher, MapFetcher
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, check_positive_int, draw_seed
from .worker import Epoch, Workers, get_worker_info

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]


def default_context():
    """The multiprocessing context that starts workers unless the loader is given one: fork on Linux, Python's
    default elsewhere (see the module docstring)."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


class _Endless(Sampler):
    """The sampler of an iterable-style dataset: None, forever; the dataset's stream decides what comes."""

    def __iter__(self):
        return itertools.repeat(None)


class DataLoader:
    """Batches of a dataset: `for x, y in DataLoader(dataset, batch_size=64, shuffle=True)`.

    Each epoch visits the sampler's indices (a new random order with shuffle=True) in batches of
    batch_size (the last one smaller unless drop_last=True drops it), or a batch_sampler's batches;
    batch_size=None hands out the samples one by one. collate_fn turns a list of samples into a batch
    (default_collate; default_convert without batching). An iterable-style dataset is read as its
    stream comes, with no sampler. Batches are on the device of the dataset's tensors.

    num_workers > 0 reads batches in that many worker processes, prefetch_factor (default 2) batches
    in flight per worker, which come back in order (in_order=False: as they are ready). Each worker
    runs worker_init_fn(worker_id) first. Its random generators are seeded from one seed that the
    loader draws from generator (or ember's default generator) as it starts the workers: each epoch,
    unless persistent_workers keeps the workers from one epoch to the next. (PyTorch draws that seed
    with num_workers=0 too; ember does not, so that loading in the main process keeps its random
    orders, and a shuffled order with workers differs from the one without.) timeout > 0 raises if a
    batch takes longer than that many seconds. pin_memory and pin_memory_device are accepted and
    change nothing yet: on the CPU there is nothing to pin, and batches in page-locked memory for fast
    copies to a GPU are still to come.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = _checked_context(multiprocessing_context, num_workers)
        self.in_order = in_order
        self.generator = generator
        self.persistent_workers = persistent_workers
        self._iterable = isinstance(dataset, IterableDataset)
        shuffle = _check_order_options(self._iterable, shuffle, sampler, batch_sampler, batch_size, drop_last)
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        if sampler is None:
            sampler = _default_sampler(dataset, self._iterable, shuffle, generator)
        if batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self._workers = None  # persistent workers, once started

    @property
    def _index_sampler(self):
        """What yields the tasks: the batch sampler's lists of indices, or the sampler's indices without batching."""
        return self.sampler if self.batch_sampler is None else self.batch_sampler

    def __len__(self):
        """The number of batches in one epoch (of samples, with batch_size=None); for an iterable-style
        dataset, as len(dataset) says."""
        if not self._iterable:
            return len(self._index_sampler)
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        return self._batches() if self.num_workers == 0 else self._batches_from_workers()

    def _fetcher_maker(self):
        """What makes the reader of the dataset (in the main process or in a worker): make_fetcher(dataset)."""
        auto_collation = self.batch_sampler is not None
        if self._iterable:
            return functools.partial(IterableFetcher, auto_collation=auto_collation, collate_fn=self.collate_fn,
                                     drop_last=self.drop_last)
        return functools.partial(MapFetcher, auto_collation=auto_collation, collate_fn=self.collate_fn)

    def _batches(self):
        """One epoch of batches read in the main process."""
        fetch = self._fetcher_maker()(self.dataset)
        for task in self._index_sampler:
            try:
                batch = fetch(task)
            except StopIteration:  # an iterable-style dataset has run out
                return
            yield batch

    def _batches_from_workers(self):
        """One epoch of batches read by worker processes: new ones, or the persistent ones of the last epoch."""
        workers = self._workers
        if workers is None:
            workers = Workers(self.multiprocessing_context or default_context(), self.num_workers,
                              draw_seed(self.generator), self.dataset, self._fetcher_maker(), self.worker_init_fn)
        else:
            workers.new_epoch(self.timeout)
        self._workers = workers if self.persistent_workers else None
        try:
            yield from Epoch(workers, iter(self._index_sampler), self.prefetch_factor, self.in_order, self.timeout)
        finally:
            if not (self.persistent_workers and workers.alive()):
                workers.shutdown()
                self._workers = None


def _default_sampler(dataset, iterable, shuffle, generator):
    if iterable:
        return _Endless()
    return RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers):
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
        raise ValueError(f"DataLoader: num_workers must be an int >= 0 (0 reads the data in the main process), "
                         f"got {num_workers!r}")
    if timeout < 0:
        raise ValueError(f"DataLoader: timeout must be >= 0 seconds (0 waits as long as it takes), got {timeout!r}")
    if prefetch_factor is not None and num_workers == 0:
        raise ValueError("DataLoader: prefetch_factor counts the batches in flight per worker process; with "
                         "num_workers=0 leave it None")
    if prefetch_factor is not None:
        check_positive_int("DataLoader", "prefetch_factor", prefetch_factor)
    if persistent_workers and num_workers == 0:
        raise ValueError("DataLoader: persistent_workers=True needs num_workers > 0")


def _checked_context(context, num_workers):
    """The multiprocessing context that starts the workers, from a start method's name or a context; None: the
    default."""
    if context is None:
        return None
    if num_workers == 0:
        raise ValueError(f"DataLoader: multiprocessing_context starts worker processes, but num_workers=0 "
                         f"(got multiprocessing_context={context!r})")
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(f"DataLoader: multiprocessing_context must be one of {methods}, got {context!r}")
        return multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(f"DataLoader: multiprocessing_context must be a start method's name or a multiprocessing "
                        f"context, got {type(context).__name__}")
    return context


def _check_order_options(iterable, shuffle, sampler, batch_sampler, batch_size, drop_last):
    """Refuse the mixtures of options that set the order and the batches that PyTorch refuses; shuffle as a bool."""
    if iterable:
        given = {"shuffle": shuffle if shuffle not in (None, False) else None, "sampler": sampler,
                 "batch_sampler": batch_sampler}
        for name, value in given.items():
            if value is not None:
                raise ValueError(f"DataLoader with an IterableDataset: expected no {name} option, got "
                                 f"{name}={value!r} (the dataset's stream sets the order)")
    shuffle = bool(shuffle)
    if sampler is not None and shuffle:
        raise ValueError("DataLoader: give shuffle=True or a sampler, not both (the sampler sets the order)")
    if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
        raise ValueError("DataLoader: batch_sampler is mutually exclusive with batch_size, shuffle, sampler and "
                         "drop_last (it makes the batches itself)")
    if batch_size is None and drop_last:
        raise ValueError("DataLoader: batch_size=None turns automatic batching off, so drop_last=True has no "
                         "batch to drop")
    if batch_size is not None:
        check_positive_int("DataLoader", "batch_size", batch_size)
    return shuffle
