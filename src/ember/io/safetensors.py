"""The safetensors file format, read and written with NumPy alone.

A safetensors file has three parts:

    8 bytes    N, the header's length, a little-endian unsigned 64-bit integer
    N bytes    the header, a JSON object: for each tensor
                   name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}
               and optionally "__metadata__": {string: string}; padded with spaces
    the rest   the data: each tensor's elements, little-endian and row-major, back to back;
               a tensor's bytes are data[begin:end]

Unlike a pickle, nothing in it can run code; and a reader checks the header against the file's
size before it reads a byte of data, so a truncated or corrupt file is refused, not half-loaded.
"""

import json
import math
import os

import numpy as np

from .. import backend
from .files import atomic_write

# safetensors' dtype names and the little-endian NumPy dtypes ember has for them. BF16 is read and written
# through its 16-bit patterns (little-endian uint16), bit for bit, and seen as ember.bfloat16.
DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
          "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}
CODES = {np.dtype(numpy_dtype).name: code for code, numpy_dtype in DTYPES.items() if code != "BF16"}
CODES["bfloat16"] = "BF16"
METADATA = "__metadata__"
MAX_HEADER = 100_000_000  # the reference implementation's limit too
ALIGNMENT = 8  # the header is padded so that the data starts at a multiple of 8 bytes


class CheckpointError(ValueError):
    """A file that ember cannot load: truncated, corrupt, or not a safetensors file (a pickle, say)."""


def write(target, arrays, metadata=None):
    """Write {name: NumPy array} (and {str: str} metadata) as a safetensors file to target: a path (written
    atomically) or an open binary file."""
    header = {METADATA: metadata} if metadata else {}
    offset = 0
    # Widest elements first, so that every tensor starts at a multiple of its element size.
    placement = sorted(arrays, key=lambda name: -arrays[name].dtype.itemsize)
    spans = {}
    for name in placement:
        spans[name] = [offset, offset + arrays[name].nbytes]
        offset += arrays[name].nbytes
    for name, array in arrays.items():
        if name == METADATA:
            raise ValueError(f"'{METADATA}' is reserved by the safetensors format; it cannot name a tensor")
        if array.dtype.name not in CODES:
            raise TypeError(f"tensor {name!r} has dtype {array.dtype}, which safetensors files cannot hold")
        header[name] = {"dtype": CODES[array.dtype.name], "shape": list(array.shape), "data_offsets": spans[name]}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % ALIGNMENT)
    if hasattr(target, "write"):
        _write_parts(target, text, [arrays[name] for name in placement])
        return
    with atomic_write(target) as f:
        _write_parts(f, text, [arrays[name] for name in placement])


def _write_parts(f, header, arrays):
    f.write(len(header).to_bytes(8, "little"))
    f.write(header)
    for array in arrays:
        f.write(_raw_bytes(array))


def _raw_bytes(array):
    """The array's elements as little-endian, row-major bytes (a view where no conversion is needed)."""
    if array.dtype.name == "bfloat16":
        array = array.view(np.uint16)  # the bit patterns, written as they are
    little = array.dtype.newbyteorder("<") if array.dtype.itemsize > 1 else array.dtype
    return np.ascontiguousarray(array, dtype=little).reshape(-1).view(np.uint8).data


def read(source):
    """({name: NumPy array}, metadata) from a safetensors file, after checking every part of its header.
    source is a path or an open binary file, read from where it stands to its end."""
    if hasattr(source, "read"):
        return _read_file(source, name_of(source))
    with open(source, "rb") as f:
        return _read_file(f, source)


def name_of(source):
    """How errors name a path or an open file."""
    return getattr(source, "name", f"the {type(source).__name__}") if hasattr(source, "read") else source


def _read_file(f, path):
    """read() of the open file f; path names it in errors."""
    first = f.tell()
    size = f.seek(0, os.SEEK_END) - first
    f.seek(first)
    start = f.read(8)
    header, data_size = _read_header(path, f, start, size)
    metadata = header.pop(METADATA, None)
    _check_metadata(path, metadata)
    entries = {name: _entry(path, name, entry, data_size) for name, entry in header.items()}
    _check_layout(path, entries, data_size)
    data_start = first + size - data_size
    arrays = {}
    for name, (dtype, shape, begin, end) in entries.items():
        array = np.empty(shape, dtype)
        f.seek(data_start + begin)
        if f.readinto(array.reshape(-1).view(np.uint8)) != end - begin:
            raise CheckpointError(f"{path}: the file got shorter while it was being read")
        arrays[name] = _bfloat16(array) if header[name]["dtype"] == "BF16" else array
    f.seek(data_start + data_size)
    return arrays, metadata or {}


def _bfloat16(patterns):
    """Little-endian uint16 bit patterns as the bfloat16 numbers they encode."""
    return patterns.astype(np.uint16, copy=False).view(backend.bfloat16())


def _read_header(path, f, start, size):
    """The header as a dict, and how many bytes of data follow it."""
    if len(start) < 8:
        _not_safetensors(path, start, f"truncated: {size} bytes, but a safetensors file starts with "
                                      "an 8-byte header length")
    length = int.from_bytes(start, "little")
    if length > min(size - 8, MAX_HEADER):
        _not_safetensors(path, start, f"bad header length {length}: only {size - 8} bytes follow it "
                                      "(a truncated file, or not a safetensors file)")
    text = f.read(length)
    try:
        header = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        _not_safetensors(path, start, f"the header is not valid JSON ({e})")
    if not isinstance(header, dict):
        raise CheckpointError(f"{path}: the header is JSON but not an object of tensors")
    return header, size - 8 - length


def _not_safetensors(path, start, problem):
    """Raise the error for a file that is not safetensors, naming the likely culprit: a PyTorch file."""
    if start.startswith(b"PK\x03\x04") or (start[:1] == b"\x80" and start[1:2] in b"\x02\x03\x04\x05"):
        problem = "looks like a PyTorch file (a zip or a pickle), not safetensors: read it with ember.load"
    raise CheckpointError(f"{path}: {problem}")


def _check_metadata(path, metadata):
    if metadata is not None and not (isinstance(metadata, dict) and
                                     all(isinstance(v, str) for v in metadata.values())):
        raise CheckpointError(f"{path}: '{METADATA}' must map strings to strings, got {metadata!r:.200}")


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _entry(path, name, entry, data_size):
    """(dtype, shape, begin, end) of one tensor's header entry, checked."""
    if not (isinstance(entry, dict) and {"dtype", "shape", "data_offsets"} <= entry.keys()):
        raise CheckpointError(f"{path}: tensor {name!r}: a header entry needs dtype, shape and data_offsets, "
                              f"got {entry!r:.200}")
    code, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if code not in DTYPES:
        raise CheckpointError(f"{path}: tensor {name!r} has dtype {code!r}, which ember cannot read "
                              f"(it reads {', '.join(DTYPES)})")
    if not (isinstance(shape, list) and all(_is_count(n) for n in shape)):
        raise CheckpointError(f"{path}: tensor {name!r}: bad shape {shape!r:.200}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(n) for n in offsets)
            and offsets[0] <= offsets[1]):
        raise CheckpointError(f"{path}: tensor {name!r}: bad data_offsets {offsets!r:.200}")
    dtype = np.dtype(DTYPES[code])
    begin, end = offsets
    if end > data_size:
        raise CheckpointError(f"{path}: tensor {name!r} lies at bytes [{begin}, {end}) of the data, but the "
                              f"file holds only {data_size} bytes of data (truncated, or offsets out of range)")
    needed = math.prod(shape) * dtype.itemsize
    if end - begin != needed:
        raise CheckpointError(f"{path}: tensor {name!r}: shape {shape} of {code} needs {needed} bytes, "
                              f"but its data_offsets [{begin}, {end}) hold {end - begin}")
    return dtype, tuple(shape), begin, end


def _check_layout(path, entries, data_size):
    """The tensors must tile the data exactly: no overlaps, no gaps, nothing after the last one."""
    position, previous = 0, None
    for begin, end, name in sorted((begin, end, name) for name, (_, _, begin, end) in entries.items()):
        if begin < position:
            raise CheckpointError(f"{path}: tensors {previous!r} and {name!r} overlap in the data")
        if begin > position:
            raise CheckpointError(f"{path}: no tensor holds bytes [{position}, {begin}) of the data (corrupt)")
        position, previous = end, name
    if position != data_size:
        raise CheckpointError(f"{path}: {data_size - position} stray bytes after the last tensor (corrupt)")
