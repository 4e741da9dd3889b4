"""Reading PyTorch's .pt/.pth files without running their code.

torch.save writes a pickle: a little program that Python's unpickler runs to rebuild the objects, and
that may call any function it names (os.system included). ember reads these files with an unpickler
whose find_class hands out only a short allow-list of harmless stand-ins (the tensor-rebuilding
functions, OrderedDict, torch.Size, the dtypes), as torch.load(weights_only=True) does; any other
global is refused before anything runs. The tensors' numbers are not in the pickle: it names each
storage by a key, and the storage's bytes are read from the file.

Two layouts:

    zip (torch >= 1.6)   ARCHIVE/data.pkl         the pickle
                         ARCHIVE/data/KEY         each storage's bytes, raw
                         ARCHIVE/byteorder        'little' or 'big'
    legacy               five pickles back to back (a magic number, the protocol, system info, the
                         object, the storage keys), then each storage as an 8-byte element count
                         followed by its bytes
"""

import collections
import io
import pickle
import zipfile

import numpy as np

from .. import backend
from ..nn.parameter import Parameter
from ..tensor import Tensor
from .safetensors import CheckpointError

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001

# The storage classes of torch.save's persistent ids and the dtypes of their elements.
STORAGE_DTYPES = {"DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16",
                  "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
                  "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
                  "UntypedStorage": "uint8"}
TORCH_DTYPES = {"float64": "float64", "double": "float64", "float32": "float32", "float": "float32",
                "float16": "float16", "half": "float16", "bfloat16": "bfloat16", "int64": "int64", "long": "int64",
                "int32": "int32", "int": "int32", "int16": "int16", "short": "int16", "int8": "int8",
                "uint8": "uint8", "bool": "bool", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64"}


class UnsafePickleError(CheckpointError, pickle.UnpicklingError):
    """A pickle that asks for something other than tensors and containers of them: refused unrun."""


def is_pytorch_file(start):
    """Whether a file's first bytes are those of torch.save's zip or of a pickle."""
    return start.startswith(b"PK\x03\x04") or (start[:1] == b"\x80" and start[1:2] in b"\x02\x03\x04\x05")


def load(f, device, path):
    """The object that torch.save wrote to the open binary file f, its tensors on device; path names f
    in errors."""
    start = f.read(4)
    f.seek(-len(start), io.SEEK_CUR)
    obj = _load_zip(f, path) if start.startswith(b"PK\x03\x04") else _load_legacy(f, path)
    return _to_device(obj, device)


# ---------------------------------------------------------------------------------------------
# Storages and tensors.

class Storage:
    """One storage of a file: its bytes (a uint8 array, filled now or later) and its element dtype."""

    def __init__(self, raw, dtype):
        self.raw, self.dtype = raw, dtype

    def elements(self, dtype, big_endian):
        """The bytes seen as elements of dtype (a copy in native order for a big-endian file)."""
        if self.raw.size % dtype.itemsize:
            raise CheckpointError(f"a storage of {self.raw.size} bytes does not hold whole {dtype} elements")
        if big_endian and dtype.itemsize > 1:
            return self.raw.view(dtype.newbyteorder(">")).astype(dtype)
        return self.raw.view(dtype)


def _as_count(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CheckpointError(f"{what} must be a non-negative int, got {value!r:.100}")
    return value


def _strided(elements, offset, size, stride, where):
    """The tensor of size and stride (in elements) that starts offset elements into a storage, as a
    view of it, after checking that every element it reaches lies inside the storage."""
    if not (isinstance(size, tuple) and isinstance(stride, tuple) and len(size) == len(stride)):
        raise CheckpointError(f"{where}: a tensor's size and stride must be tuples of one length, got "
                              f"{size!r:.100} and {stride!r:.100}")
    offset = _as_count(offset, f"{where}: a storage offset")
    size = tuple(_as_count(n, f"{where}: a size") for n in size)
    stride = tuple(_as_count(n, f"{where}: a stride") for n in stride)
    if 0 in size:
        return np.empty(size, elements.dtype)
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= elements.size:
        raise CheckpointError(f"{where}: a tensor of size {size}, stride {stride} and offset {offset} reaches "
                              f"element {last} of a storage of {elements.size} (corrupt)")
    itemsize = elements.dtype.itemsize
    return np.lib.stride_tricks.as_strided(elements[offset:], size, tuple(s * itemsize for s in stride))


class Reader(pickle.Unpickler):
    """An unpickler that builds only tensors, parameters and containers (see ALLOWED)."""

    def __init__(self, file, path, storages, big_endian=False):
        super().__init__(file)
        self.path, self.storages, self.big_endian = path, storages, big_endian

    def find_class(self, module, name):
        module = "builtins" if module == "__builtin__" else module  # protocol 2's name for it
        if (module, name) in REBUILDERS:
            return self.rebuild
        allowed = ALLOWED.get((module, name))
        if allowed is None and module in ("torch", "torch.storage") and name in STORAGE_DTYPES:
            allowed = StorageType(name)
        if allowed is None and module == "torch" and name in TORCH_DTYPES:
            allowed = backend.as_dtype(TORCH_DTYPES[name])
        if allowed is None:
            raise UnsafePickleError(
                f"{self.path}: the pickle asks for {module}.{name}, which ember does not load: it reads only "
                "tensors, parameters, and dicts, lists and tuples of them (as torch.load(weights_only=True)), "
                "and never runs code from a file. If you trust the file, load it in PyTorch and save its "
                "state_dict() again")
        return allowed

    def persistent_load(self, pid):
        """The Storage that a persistent id ('storage', type, key, location, numel[, view]) names."""
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"
                and isinstance(pid[1], StorageType) and isinstance(pid[2], str)):
            raise CheckpointError(f"{self.path}: unknown persistent id {pid!r:.200}")
        if len(pid) == 6 and pid[5] is not None:
            raise CheckpointError(f"{self.path}: storage views (PyTorch before 0.4) are not supported")
        dtype = backend.as_dtype(STORAGE_DTYPES[pid[1].name])
        numel = _as_count(pid[4], f"{self.path}: a storage's size")
        return self.storages(pid[2], dtype, numel)

    def rebuild(self, storage, offset, size, stride, requires_grad=False, hooks=None, dtype=None, metadata=None):
        """A Tensor viewing storage: _rebuild_tensor_v2's arguments, with v3's dtype (None: the storage's)."""
        if not isinstance(storage, Storage):
            raise UnsafePickleError(f"{self.path}: a tensor must be rebuilt from a storage of the file, got "
                                    f"{type(storage).__name__}")
        dtype = storage.dtype if dtype is None else dtype
        if not isinstance(dtype, np.dtype):
            raise CheckpointError(f"{self.path}: a tensor's dtype must be a torch dtype, got {dtype!r:.100}")
        return Tensor(_strided(storage.elements(dtype, self.big_endian), offset, size, stride, self.path))


class StorageType:
    """What find_class gives for torch.FloatStorage and its kin: a name, usable only in persistent ids."""

    def __init__(self, name):
        self.name = name


def _rebuild_parameter(data, requires_grad=True, hooks=None, state=None):
    """A Parameter around a rebuilt tensor (torch._utils._rebuild_parameter[_with_state])."""
    if not isinstance(data, Tensor):
        raise UnsafePickleError(f"a Parameter must hold a tensor, got {type(data).__name__}")
    return Parameter(data, requires_grad=bool(requires_grad) and backend.is_floating(data.dtype))


def _latin1_bytes(text, encoding="latin1"):
    """_codecs.encode as protocol 2 pickles bytes: a str in latin-1, turned into bytes."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise UnsafePickleError("_codecs.encode is allowed only to turn a str into latin-1 bytes")
    return text.encode("latin-1")


# (module, name) -> the stand-in a pickle gets, besides the tensor rebuilders (Reader.rebuild), the
# storage classes (StorageType) and the dtypes.
ALLOWED = {("collections", "OrderedDict"): collections.OrderedDict, ("torch", "Size"): tuple,
           ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
           ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
           ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("_codecs", "encode"): _latin1_bytes}
REBUILDERS = {("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor_v3")}


def _unpickle(data, path, storages, big_endian=False):
    """The object pickled in the binary file data, read by Reader."""
    try:
        return Reader(data, path, storages, big_endian).load()
    except CheckpointError:
        raise
    except (pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError, IndexError, KeyError) as e:
        raise CheckpointError(f"{path}: not a readable PyTorch file ({type(e).__name__}: {e})") from None


# ---------------------------------------------------------------------------------------------
# The two layouts.

def _load_zip(f, path):
    try:
        archive = zipfile.ZipFile(f)
    except zipfile.BadZipFile as e:
        raise CheckpointError(f"{path}: a zip file that cannot be read ({e})") from None
    with archive:
        pickles = [name for name in archive.namelist() if name.endswith("data.pkl") and name.count("/") == 1]
        if len(pickles) != 1:
            raise CheckpointError(f"{path}: a zip file, but not one torch.save wrote (no ARCHIVE/data.pkl)")
        folder = pickles[0][:-len("data.pkl")]
        names = set(archive.namelist())
        big_endian = folder + "byteorder" in names and archive.read(folder + "byteorder").strip() == b"big"
        cache = {}

        def storage(key, dtype, numel):
            if key not in cache:
                entry = f"{folder}data/{key}"
                if entry not in names:
                    raise CheckpointError(f"{path}: the pickle names storage {key!r}, which the archive lacks")
                raw = np.frombuffer(bytearray(archive.read(entry)), np.uint8)
                if raw.size != numel * dtype.itemsize:
                    raise CheckpointError(f"{path}: storage {key!r} holds {raw.size} bytes, but {numel} elements of "
                                          f"{dtype} need {numel * dtype.itemsize} (corrupt)")
                cache[key] = Storage(raw, dtype)
            return cache[key]

        return _unpickle(io.BytesIO(archive.read(pickles[0])), path, storage, big_endian)


def _load_legacy(f, path):
    no_storages = _refuse_storages(path)
    if _unpickle(f, path, no_storages) != LEGACY_MAGIC:
        raise CheckpointError(f"{path}: a pickle, but not a PyTorch file (no torch.save magic number)")
    if _unpickle(f, path, no_storages) != LEGACY_PROTOCOL:
        raise CheckpointError(f"{path}: a PyTorch file of an unknown legacy protocol")
    info = _unpickle(f, path, no_storages)
    big_endian = isinstance(info, dict) and info.get("little_endian") is False
    storages = {}

    def storage(key, dtype, numel):  # the bytes come after the pickle; the tensors view them meanwhile
        if key not in storages:
            storages[key] = Storage(np.empty(numel * dtype.itemsize, np.uint8), dtype)
        return storages[key]

    obj = _unpickle(f, path, storage, big_endian)
    keys = _unpickle(f, path, no_storages)
    if not (isinstance(keys, list) and sorted(keys) == sorted(storages)):
        raise CheckpointError(f"{path}: the list of storages does not match the pickle's (corrupt)")
    for key in keys:
        raw = storages[key].raw
        numel = int.from_bytes(f.read(8), "big" if big_endian else "little")
        if numel * storages[key].dtype.itemsize != raw.size or f.readinto(raw) != raw.size:
            raise CheckpointError(f"{path}: storage {key!r} is truncated or of the wrong size (corrupt)")
    return obj


def _refuse_storages(path):
    def storage(key, dtype, numel):
        raise CheckpointError(f"{path}: a storage where the legacy format has none (corrupt)")
    return storage


def _to_device(obj, device):
    """obj with every tensor moved to device (containers rebuilt, the rest as it is)."""
    if isinstance(obj, Tensor):
        moved = Tensor(backend.to_device(obj.array, device))
        return Parameter(moved, obj.requires_grad) if isinstance(obj, Parameter) else moved
    if isinstance(obj, dict):
        return type(obj)((k, _to_device(v, device)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_device(v, device) for v in obj)
    return obj
