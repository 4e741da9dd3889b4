"""Samplers: the order in which a DataLoader visits a dataset, an iterable of indices with a len."""

from ..creation import randint, randperm


class Sampler:
    """The order in which a DataLoader visits a dataset: an iterable of indices, with a len."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Every index once, in a new random order each time it is iterated (each epoch); or, with
    replacement=True, num_samples indices drawn independently (a language model's random windows).

    The order comes from generator, or ember's default generator, so ember.manual_seed makes it repeat.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"RandomSampler: num_samples must be a positive int, got {num_samples!r}")
        if num_samples is not None and not replacement and num_samples > len(data_source):
            raise ValueError(f"RandomSampler: {num_samples} samples without replacement from "
                             f"{len(data_source)}; pass replacement=True")
        self.data_source = data_source
        self.replacement = replacement
        self.num_samples = len(data_source) if num_samples is None else num_samples
        self.generator = generator

    def __iter__(self):
        if self.replacement:
            return iter(randint(0, len(self.data_source), (self.num_samples,), generator=self.generator).tolist())
        return iter(randperm(len(self.data_source), generator=self.generator)[:self.num_samples].tolist())

    def __len__(self):
        return self.num_samples
