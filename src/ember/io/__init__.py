"""ember.io: checkpoints saved as safetensors files and loaded from them or from PyTorch's .pt files (read
without running any code), and the ONNX export."""

from .checkpoint import load, save
from .files import atomic_write
from .safetensors import CheckpointError

__all__ = ["CheckpointError", "atomic_write", "load", "save"]
