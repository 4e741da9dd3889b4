"""ember.random (torch.random): the default random number generators, their seeds and their states.

manual_seed(n) makes a run repeat exactly; seed() reseeds at random and returns the seed, so that the
run can be repeated later; get_rng_state() / set_rng_state() save and restore the CPU generator's
stream; fork_rng() runs a block whose draws leave the streams outside it as they were.
"""

import contextlib

from . import backend
from .backend import manual_seed  # noqa: F401 (part of torch.random)

default_generator = backend.default_generator(backend.CPU)
"""The CPU's default generator (torch.default_generator)."""


def seed():
    """Reseed the default generators from a fresh random seed, and return it."""
    number = default_generator.seed()  # a fresh seed for the CPU's generator...
    backend.manual_seed(number)  # ...and the same for every other device's
    return number


def initial_seed():
    """The seed the default CPU generator started from."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default CPU generator's state, as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Continue the default CPU generator's stream from a state that get_rng_state() returned."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, device_type="cuda"):
    """A block whose random draws do not change the streams after it: the CPU generator's state, and the
    GPU's when devices (GPU numbers; None: all) ask for it and one is in use, are restored on leaving."""
    if not enabled:
        yield
        return
    generators = [default_generator]
    if device_type == "cuda" and devices != [] and backend.cuda_available():
        generators.append(backend.default_generator(backend.Device("cuda")))
    states = [gen.get_state() for gen in generators]
    try:
        yield
    finally:
        for gen, state in zip(generators, states):
            gen.set_state(state)


def thread_safe_generator():
    """The generator of the DataLoader thread worker that calls it, for transforms to draw from: None here, as
    PyTorch answers in the main process and in process workers (ember's workers are processes, each drawing
    from its own default generator, which None stands for)."""
    return None
