"""ember.save and ember.load (torch.save and torch.load): checkpoints written as safetensors files, never
pickles; ember.load also reads PyTorch's .pt/.pth files, through a reader that never runs their code.

A checkpoint is what people save: a tensor, or a dict, maybe nested, whose leaves are tensors, NumPy
arrays, numbers, strings, None, or lists and tuples of those:

    ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3}, "ckpt.safetensors")

It goes to a path or to an open binary file (io.BytesIO too). The tensors and arrays go into the file's
data under flattened keys ("model.fc.weight", "optimizer.state.0.momentum_buffer"); everything else (the
nesting, the numbers, the strings) goes into the header's metadata as JSON, under "ember.structure",
where a tensor appears as {"tensor": key}, a NumPy array as {"array": key}, a tuple as {"tuple": [...]}
and a dict as {"dict": [[key, value], ...]} (so int keys stay ints). A flat {name: tensor} dict needs
no structure and is written as plain safetensors, which every safetensors reader (PyTorch, JAX, ...)
loads as it is.
"""

import io
import json
import os
from typing import Any, BinaryIO

import numpy as np

from .. import backend
from ..tensor import Tensor
from . import pytorch
from .safetensors import CheckpointError, name_of, parse_json, read, write

STRUCTURE = "ember.structure"


def save(obj: Any, f: str | os.PathLike | BinaryIO) -> None:
    """Write obj to f (a path, written atomically, or an open binary file) as a safetensors file.

    A whole nn.Module (or optimizer) is refused: save its state_dict(), which holds only numbers."""
    if isinstance(obj, dict) and obj and all(isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items()):
        write(f, {key: _host_array(value) for key, value in obj.items()})
        return
    arrays = {}
    structure = _encode(obj, "", arrays)
    write(f, arrays, {STRUCTURE: json.dumps(structure, separators=(",", ":"))})


def load(f: str | os.PathLike | BinaryIO, map_location: backend.DeviceLike | None = None,
         weights_only: bool | None = None) -> Any:
    """What save wrote to f (a path or an open binary file), with its tensors on map_location ("cpu" by
    default, or "cuda"); NumPy arrays come back as NumPy arrays. A safetensors file written by another
    tool loads as a flat {name: tensor} dict; a .pt/.pth file that torch.save wrote loads as the tensors
    and containers it holds, read without running any of its code (ember.io.pytorch). weights_only is
    accepted for PyTorch's sake: every load is weights-only.

    map_location may also be PyTorch's dict from saved locations to devices, or its function (storage,
    location) -> storage: tensors are read onto the host ("cpu"), so the dict's "cpu" entry applies, and
    the function is called with each tensor and "cpu" (`lambda storage, loc: storage` keeps it there)."""
    if isinstance(map_location, dict):
        map_location = map_location.get("cpu")
    elif callable(map_location):
        return _map_tensors(load(f), lambda t: _mapped(map_location, t))
    if map_location is not None and not isinstance(map_location, (str, backend.Device)):
        raise TypeError(f"ember.load: map_location must be a device ('cpu', 'cuda:0', ember.device), a dict or a "
                        f"function (storage, location), got {type(map_location).__name__}")
    device = backend.Device(map_location if map_location is not None else "cpu")
    backend.array_module(device)  # fail now, before reading, when that device is missing
    if hasattr(f, "read"):
        return _load_file(f, name_of(f), device)
    with open(f, "rb") as file:
        return _load_file(file, f, device)


def _load_file(f, path, device):
    """load() of the open binary file f, which path names in errors."""
    start = f.read(8)
    f.seek(-len(start), io.SEEK_CUR)
    if pytorch.is_pytorch_file(start):
        return pytorch.load(f, device, path)
    arrays, metadata = read(f)
    if STRUCTURE not in metadata:
        return {key: Tensor(backend.to_device(array, device)) for key, array in arrays.items()}
    what = f"{name_of(f)}: the '{STRUCTURE}' metadata"
    structure = parse_json(metadata[STRUCTURE].encode("utf-8", "surrogatepass"), what)
    try:
        return _decode(structure, arrays, device)
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(f"{what} is corrupt ({type(e).__name__}: {e})") from None


def _mapped(map_location, tensor):
    """map_location(tensor, "cpu"), which must be a Tensor."""
    result = map_location(tensor, "cpu")
    if not isinstance(result, Tensor):
        raise TypeError(f"ember.load: map_location(storage, location) must return a tensor (the one it is given, or "
                        f"it moved to a device), got {type(result).__name__}")
    return result


def _map_tensors(value, fn):
    """value with fn applied to each Tensor inside its dicts, lists and tuples."""
    if isinstance(value, Tensor):
        return fn(value)
    if isinstance(value, dict):
        return type(value)((k, _map_tensors(v, fn)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(_map_tensors(v, fn) for v in value)
    return value


def _host_array(value):
    """The NumPy array of a Tensor or NumPy/CuPy array (copied off the GPU)."""
    return backend.to_device(value.array if isinstance(value, Tensor) else value, backend.CPU)


def _store(value, key, arrays):
    """Put value's array into arrays under key (the place of value in the checkpoint)."""
    key = key or "tensor"
    if key in arrays:
        raise ValueError(f"ember.save: two tensors would be stored under the key {key!r}; rename one")
    arrays[key] = _host_array(value)
    return key


def _encode(value, key, arrays):
    """The JSON form of value, whose place in the checkpoint is key; its tensors go into arrays."""
    if isinstance(value, Tensor) or (backend.is_array(value) and not isinstance(value, np.ndarray)):
        return {"tensor": _store(value, key, arrays)}
    if isinstance(value, np.ndarray):
        return {"array": _store(value, key, arrays)}
    if isinstance(value, dict):
        pairs = []
        for k, v in value.items():
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise TypeError(f"ember.save: dict keys must be str or int, got {k!r} in {key or 'the top dict'!r}")
            pairs.append([k, _encode(v, f"{key}.{k}" if key else str(k), arrays)])
        return {"dict": pairs}
    if isinstance(value, (list, tuple)):
        items = [_encode(v, f"{key}.{i}" if key else str(i), arrays) for i, v in enumerate(value)]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, (np.number, np.bool_)):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    where = f" at {key!r}" if key else ""
    if hasattr(value, "state_dict"):
        raise TypeError(f"ember.save: cannot store a whole {type(value).__name__}{where}; save its .state_dict() "
                        "instead (and load it into a new one with load_state_dict): a checkpoint holds numbers, "
                        "not code")
    raise TypeError(f"ember.save: cannot store a {type(value).__name__}{where}; a checkpoint holds tensors, "
                    "NumPy arrays, numbers, strings, None, and dicts, lists and tuples of them")


def _decode(node, arrays, device):
    """The value that _encode turned into node."""
    if isinstance(node, list):
        return [_decode(n, arrays, device) for n in node]
    if isinstance(node, dict):
        if "tensor" in node:
            return Tensor(backend.to_device(arrays[node["tensor"]], device))
        if "array" in node:
            return arrays[node["array"]]
        if "tuple" in node:
            return tuple(_decode(n, arrays, device) for n in node["tuple"])
        return {k: _decode(v, arrays, device) for k, v in node["dict"]}
    return node
