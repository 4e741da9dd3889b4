"""ember.io: checkpoints saved and loaded as safetensors files (ember never loads pickles)."""

from .checkpoint import load, save
from .files import atomic_write
from .safetensors import CheckpointError

__all__ = ["CheckpointError", "atomic_write", "load", "save"]
