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

ember adds two entries to the metadata, which other safetensors readers pass over: "ember.crc32", the
CRC-32 of each tensor's bytes, and "ember.header_crc32", that of the rest of the header. A reader checks
them, so a flipped bit anywhere in the file is refused rather than loaded as a changed number. Before
parsing any JSON, it bounds its size, nesting and number of values, so that a hostile header can neither
exhaust the memory nor the stack.
"""

import json
import math
import os
import re
import zlib

import numpy as np

from .. import backend
from .files import atomic_write

# safetensors' dtype names and the little-endian NumPy dtypes ember has for them. BF16 is read and written
# through its 16-bit patterns (little-endian uint16), bit for bit, and seen as ember.bfloat16.
DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
          "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}
CODES = {np.dtype(numpy_dtype).name: code for code, numpy_dtype in DTYPES.items() if code != "BF16"}
CODES["bfloat16"] = "BF16"
DTYPE_SIZES = {code: np.dtype(numpy_dtype).itemsize for code, numpy_dtype in DTYPES.items()}
METADATA = "__metadata__"
CHECKSUMS = "ember.crc32"  # metadata: JSON {tensor name: CRC-32 of its bytes, as 8 hex digits}
HEADER_CHECKSUM = "ember.header_crc32"  # metadata: the CRC-32 of the canonical JSON of the header without it
MAX_HEADER = 16 * 2**20  # bytes: a real header holds about 100 bytes a tensor
MAX_DEPTH = 64  # nesting of JSON arrays and objects
MAX_VALUES = 1_000_000  # values in one JSON text
MAX_DIMS = 64  # NumPy's limit
ALIGNMENT = 8  # the header is padded so that the data starts at a multiple of 8 bytes
JSON_MARKS = re.compile(rb'[][{},"\\]')  # what a scan of JSON's nesting looks at


class CheckpointError(ValueError):
    """A file that ember cannot load: truncated, corrupt, or not a safetensors file (a pickle, say)."""


def write(target, arrays, metadata=None):
    """Write {name: NumPy array} (and {str: str} metadata) as a safetensors file to target: a path (written
    atomically) or an open binary file. The metadata gets the checksums of the tensors and of the header."""
    for name, array in arrays.items():
        if name == METADATA:
            raise ValueError(f"'{METADATA}' is reserved by the safetensors format; it cannot name a tensor")
        if array.dtype.name not in CODES:
            raise TypeError(f"tensor {name!r} has dtype {array.dtype}, which safetensors files cannot hold")
    # Widest elements first, so that every tensor starts at a multiple of its element size.
    placement = sorted(arrays, key=lambda name: -arrays[name].dtype.itemsize)
    raw = {name: _raw_bytes(arrays[name]) for name in placement}
    spans, offset = {}, 0
    for name in placement:
        spans[name] = [offset, offset + raw[name].nbytes]
        offset += raw[name].nbytes
    checksums = {name: crc32(raw[name]) for name in arrays}
    metadata = {**(metadata or {}), CHECKSUMS: json.dumps(checksums, separators=(",", ":"))}
    header = {METADATA: metadata}
    for name, array in arrays.items():
        header[name] = {"dtype": CODES[array.dtype.name], "shape": list(array.shape), "data_offsets": spans[name]}
    metadata[HEADER_CHECKSUM] = crc32(_canonical(header))
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % ALIGNMENT)
    if hasattr(target, "write"):
        _write_parts(target, text, raw.values())
        return
    with atomic_write(target) as f:
        _write_parts(f, text, raw.values())


def crc32(data):
    """The CRC-32 of bytes (or of a buffer) as 8 hex digits: any flipped bit, and any burst of up to 32, changes it."""
    return f"{zlib.crc32(data):08x}"


def _canonical(header):
    """The header as JSON in one spelling (sorted keys, no spaces), which its checksum is taken of."""
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _write_parts(f, header, raw_arrays):
    f.write(len(header).to_bytes(8, "little"))
    f.write(header)
    for raw in raw_arrays:
        f.write(raw)


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
    metadata = metadata or {}
    _check_header_checksum(path, header, metadata)
    entries = {name: _entry(path, name, entry, data_size) for name, entry in header.items()}
    _check_layout(path, entries, data_size)
    checksums = _checksums(path, metadata, entries)
    data_start = first + size - data_size
    arrays = {}
    for name, (dtype, shape, begin, end) in entries.items():
        array = np.empty(shape, dtype)
        f.seek(data_start + begin)
        if f.readinto(array.reshape(-1).view(np.uint8)) != end - begin:
            raise CheckpointError(f"{path}: the file got shorter while it was being read")
        if checksums and crc32(array.reshape(-1).view(np.uint8)) != checksums[name]:
            raise CheckpointError(f"{path}: tensor {name!r} is damaged: its bytes do not match the checksum saved "
                                  "with them (a flipped bit on the disk, or the file was changed)")
        arrays[name] = _bfloat16(array) if header[name]["dtype"] == "BF16" else array
    f.seek(data_start + data_size)
    return arrays, metadata


def _bfloat16(patterns):
    """Little-endian uint16 bit patterns as the bfloat16 numbers they encode."""
    return patterns.astype(np.uint16, copy=False).view(backend.bfloat16())


def _read_header(path, f, start, size):
    """The header as a dict, and how many bytes of data follow it."""
    if len(start) < 8:
        _not_safetensors(path, start, f"truncated: {size} bytes, but a safetensors file starts with "
                                      "an 8-byte header length")
    length = int.from_bytes(start, "little")
    if length > size - 8:
        _not_safetensors(path, start, f"bad header length {length}: only {size - 8} bytes follow it "
                                      "(a truncated file, or not a safetensors file)")
    if length > MAX_HEADER:
        _not_safetensors(path, start, f"a header of {length} bytes is more than the {MAX_HEADER} that ember "
                                      "reads (not a safetensors file, or a corrupt one)")
    try:
        header = parse_json(f.read(length), "the header")
    except CheckpointError as e:
        _not_safetensors(path, start, str(e))
    if not isinstance(header, dict):
        raise CheckpointError(f"{path}: the header is JSON but not an object of tensors")
    return header, size - 8 - length


def parse_json(text, what):
    """The value of the JSON bytes text, after checking, before parsing it, that it is at most MAX_DEPTH
    arrays and objects deep and holds at most MAX_VALUES values; CheckpointError ("{what} is ...") if not,
    or if it is not valid UTF-8 JSON."""
    depth, values = _json_shape(text)
    if depth > MAX_DEPTH:
        raise CheckpointError(f"{what} is JSON nested more than the {MAX_DEPTH} deep that ember reads")
    if values > MAX_VALUES:
        raise CheckpointError(f"{what} holds more than the {MAX_VALUES} JSON values that ember reads")
    try:
        return json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise CheckpointError(f"{what} is not valid JSON ({e})") from None


def _json_shape(text):
    """(the deepest nesting of arrays and objects, the number of values) of the JSON text, from its brackets,
    commas and quotes (those inside strings left out) without parsing it; the scan stops past the limits."""
    depth = deepest = values = 0
    in_string, escaped = False, -1
    for mark in JSON_MARKS.finditer(text):
        char, where = mark[0], mark.start()
        if in_string:
            if char == b"\\" and where != escaped:
                escaped = where + 1  # the character after a backslash is not a mark
            elif char == b'"' and where != escaped:
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in b"[{":
            depth, values = depth + 1, values + 1
            deepest = max(deepest, depth)
        elif char in b"]}":
            depth -= 1
        else:  # a comma
            values += 1
        if deepest > MAX_DEPTH or values > MAX_VALUES:
            break
    return deepest, values


def _check_header_checksum(path, header, metadata):
    """The header (here without its metadata) against the checksum in the metadata, where ember wrote one
    (ember writes both checksums: a file with the tensors' alone lost the header's to damage)."""
    if HEADER_CHECKSUM not in metadata and CHECKSUMS not in metadata:
        return  # not written by ember
    rest = {key: value for key, value in metadata.items() if key != HEADER_CHECKSUM}
    if crc32(_canonical({METADATA: rest, **header})) != metadata.get(HEADER_CHECKSUM):
        raise CheckpointError(f"{path}: the header is damaged: it does not match the checksum saved with it "
                              "(a flipped bit on the disk, or the file was changed)")


def _checksums(path, metadata, entries):
    """{tensor name: its CRC-32} from the metadata ({} where the file has none: not written by ember)."""
    if CHECKSUMS not in metadata:
        return {}
    checksums = parse_json(metadata[CHECKSUMS].encode("utf-8", "surrogatepass"), f"{path}: the '{CHECKSUMS}' metadata")
    if not (isinstance(checksums, dict) and checksums.keys() == entries.keys()
            and all(isinstance(value, str) for value in checksums.values())):
        raise CheckpointError(f"{path}: the '{CHECKSUMS}' metadata is corrupt: expected the CRC-32 of each tensor, "
                              f"got {metadata[CHECKSUMS]!r:.200}")
    return checksums


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
    if not (isinstance(code, str) and code in DTYPES):
        raise CheckpointError(f"{path}: tensor {name!r} has dtype {code!r}, which ember cannot read "
                              f"(it reads {', '.join(DTYPES)})")
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMS and all(_is_count(n) for n in shape)
            and math.prod(n for n in shape if n) * DTYPE_SIZES[code] < 2**63):
        raise CheckpointError(f"{path}: tensor {name!r}: bad shape {shape!r:.200} (at most {MAX_DIMS} sizes, "
                              "each an int >= 0, of at most 2**63 bytes in all)")
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
