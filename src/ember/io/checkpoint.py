"""ember.save and ember.load: checkpoints as safetensors files, never pickles.

A checkpoint is a state dict: a dict, maybe nested, whose leaves are tensors, NumPy arrays, numbers,
strings, None, or lists and tuples of those:

    ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3}, "ckpt.safetensors")

The tensors go into the file's data under flattened keys ("model.fc.weight",
"optimizer.state.0.momentum_buffer"); everything else (the nesting, the numbers, the strings) goes
into the header's metadata as JSON, under "ember.structure", where each tensor appears as
{"tensor": key}. A flat {name: tensor} dict needs no structure and is written as plain safetensors,
which every safetensors reader (PyTorch, JAX, ...) loads as it is.
"""

import json

import numpy as np

from .. import backend
from ..tensor import Tensor
from .safetensors import CheckpointError, read, write

STRUCTURE = "ember.structure"


def save(obj, path):
    """Write a state dict to path as a safetensors file, atomically (a crash never leaves half a file)."""
    if not isinstance(obj, dict):
        raise TypeError(f"ember.save: expected a dict (a state dict), got {type(obj).__name__}")
    if all(isinstance(key, str) and _is_tensor(value) for key, value in obj.items()):
        write(path, {key: _host_array(value) for key, value in obj.items()})
        return
    arrays = {}
    structure = _encode(obj, "", arrays)
    write(path, arrays, {STRUCTURE: json.dumps(structure, separators=(",", ":"))})


def load(path, map_location=None):
    """The state dict saved in path, with Tensors on map_location ("cpu" by default, or "cuda").

    Dicts come back with their keys (int keys stay ints); tuples come back as lists. A safetensors
    file written by another tool loads as a flat {name: tensor} dict.
    """
    device = backend.Device(map_location if map_location is not None else "cpu")
    backend.array_module(device)  # fail now, before reading, when that device is missing
    arrays, metadata = read(path)
    tensors = {key: Tensor(backend.to_device(array, device)) for key, array in arrays.items()}
    if STRUCTURE not in metadata:
        return tensors
    try:
        return _decode(json.loads(metadata[STRUCTURE]), tensors)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        raise CheckpointError(f"{path}: the '{STRUCTURE}' metadata is corrupt ({type(e).__name__}: {e})") from None


def _is_tensor(value):
    return isinstance(value, Tensor) or backend.is_array(value)


def _host_array(value):
    """The NumPy array of a Tensor or NumPy/CuPy array (copied off the GPU)."""
    return backend.to_device(value.array if isinstance(value, Tensor) else value, backend.CPU)


def _encode(value, key, arrays):
    """The JSON form of value, whose place in the state dict is key; its tensors go into arrays."""
    if _is_tensor(value):
        if key in arrays:
            raise ValueError(f"ember.save: two tensors would be stored under the key {key!r}; rename one")
        arrays[key] = _host_array(value)
        return {"tensor": key}
    if isinstance(value, dict):
        pairs = []
        for k, v in value.items():
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise TypeError(f"ember.save: dict keys must be str or int, got {k!r} in {key or 'the top dict'!r}")
            pairs.append([k, _encode(v, f"{key}.{k}" if key else str(k), arrays)])
        return {"dict": pairs}
    if isinstance(value, (list, tuple)):
        return [_encode(v, f"{key}.{i}", arrays) for i, v in enumerate(value)]
    if isinstance(value, (np.number, np.bool_)):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"ember.save: cannot store a {type(value).__name__} at {key!r}; a checkpoint holds tensors, "
                    "NumPy arrays, numbers, strings, None, and dicts, lists and tuples of them")


def _decode(node, tensors):
    """The value that _encode turned into node."""
    if isinstance(node, list):
        return [_decode(n, tensors) for n in node]
    if isinstance(node, dict):
        if "tensor" in node:
            return tensors[node["tensor"]]
        return {k: _decode(v, tensors) for k, v in node["dict"]}
    return node
