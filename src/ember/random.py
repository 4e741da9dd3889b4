"""ember.random (torch.random): the seed of the default random number generator.

manual_seed(n) makes runs repeat exactly; seed() picks a fresh seed at random and returns it;
initial_seed() tells the seed the CPU generator started from.
"""

import secrets

from . import backend
from .backend import manual_seed  # noqa: F401


def seed():
    """Seed every default generator with a random 63-bit number, and return it (to repeat the run later)."""
    number = secrets.randbits(63)
    backend.manual_seed(number)
    return number


def initial_seed():
    """The seed the default CPU generator started from: the one given to manual_seed (or seed()), or,
    if it was never seeded, the entropy NumPy drew for it from the operating system."""
    generator = backend.default_generator(backend.CPU)
    if generator.initial_seed is not None:
        return generator.initial_seed
    return generator.rng.bit_generator.seed_seq.entropy


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.random", name)
