"""Damaged files are refused, never loaded changed: ember's checkpoints carry a CRC-32 of each tensor and of
the header; every malformed file is a CheckpointError naming it, with the header's size, nesting and
number of values bounded before it is parsed. Writes are atomic, keep permissions, follow symbolic links
and clean up after killed writes."""

import io
import json
import os
import stat
import subprocess
import sys
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
from ember.io import CheckpointError, atomic_write
from ember.io import safetensors as ember_safetensors
from ember.train import History
from helpers import raises

CHECKPOINT = {"model": {"fc.weight": ember.arange(12.0).reshape(3, 4), "fc.bias": ember.tensor([0.5, -1.0, 2.0])},
              "optimizer": {"state": {0: {"step": 3, "exp_avg": ember.ones(3, 4)}}, "param_groups": [{"lr": 0.001}]},
              "epoch": 7, "mask": np.array([True, False])}


@pytest.fixture(scope="module")
def checkpoint_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "ckpt.safetensors"
    ember.save(CHECKPOINT, path)
    return path.read_bytes()


def flip(data, bit):
    """data with one bit flipped."""
    damaged = bytearray(data)
    damaged[bit // 8] ^= 1 << (bit % 8)
    return bytes(damaged)


def load_bytes(tmp_path, data):
    path = tmp_path / "damaged.safetensors"
    path.write_bytes(data)
    return ember.load(path), path


def same_checkpoint(a, b):
    """Whether two loaded checkpoints hold the same values."""
    if isinstance(a, ember.Tensor) or isinstance(a, np.ndarray):
        return type(a) is type(b) and a.dtype == b.dtype and np.array_equal(np.asarray(a.tolist()),
                                                                            np.asarray(b.tolist()))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same_checkpoint(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same_checkpoint, a, b))
    return a == b


def test_a_flipped_bit_in_a_tensor_is_refused_naming_the_tensor(checkpoint_bytes, tmp_path):
    data_start = 8 + int.from_bytes(checkpoint_bytes[:8], "little")
    header = json.loads(checkpoint_bytes[8:data_start])
    begin = header["model.fc.bias"]["data_offsets"][0]
    with raises(CheckpointError, "tensor 'model.fc.bias' is damaged: its bytes do not match the checksum saved with "
                                 "them (a flipped bit on the disk, or the file was changed)"):
        load_bytes(tmp_path, flip(checkpoint_bytes, 8 * (data_start + begin) + 3))


def test_a_changed_number_in_the_header_is_refused(checkpoint_bytes, tmp_path):
    damaged = checkpoint_bytes.replace(b'\\"epoch\\",7', b'\\"epoch\\",9')
    assert damaged != checkpoint_bytes
    with raises(CheckpointError, f"{tmp_path / 'damaged.safetensors'}: the header is damaged: it does not match the "
                                 "checksum saved with it"):
        load_bytes(tmp_path, damaged)


def test_every_flipped_bit_is_refused(checkpoint_bytes):
    for bit in range(8 * len(checkpoint_bytes)):
        with pytest.raises(CheckpointError):
            ember.load(io.BytesIO(flip(checkpoint_bytes, bit)))


@given(bits=st.lists(st.integers(min_value=0), min_size=2, max_size=8))
def test_flipped_bits_are_refused_or_change_nothing(checkpoint_bytes, bits):
    damaged = checkpoint_bytes
    for bit in bits:
        damaged = flip(damaged, bit % (8 * len(checkpoint_bytes)))
    try:
        loaded = ember.load(io.BytesIO(damaged))
    except CheckpointError:
        return
    assert same_checkpoint(loaded, CHECKPOINT)  # flips that undo each other


@given(data=st.binary(max_size=300))
def test_any_bytes_load_or_are_a_checkpoint_error(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    try:
        load_bytes(folder, data)
    except CheckpointError as error:
        assert str(folder / "damaged.safetensors") in str(error)


json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) |
                           st.text(max_size=5), lambda inner: st.lists(inner, max_size=3) |
                           st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=12)
entries = st.fixed_dictionaries({"dtype": st.sampled_from(["F32", "I64", "BOOL", "F16", "X"]) | json_values,
                                 "shape": st.lists(st.integers(-1, 5), max_size=3) | json_values,
                                 "data_offsets": st.lists(st.integers(-1, 24), min_size=2, max_size=2) | json_values})
headers = st.dictionaries(st.text(max_size=6), entries | json_values, max_size=3).map(json.dumps).map(str.encode)
structures = json_values.map(json.dumps) | st.just('{"dict": [["w", {"tensor": "a"}]]}')


@given(header=headers, structure=structures, data=st.binary(max_size=24))
def test_any_header_loads_or_is_a_checkpoint_error(tmp_path_factory, header, structure, data):
    folder = tmp_path_factory.mktemp("header")
    variants = [header, json.dumps({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                    "__metadata__": {"ember.structure": structure}}).encode()]
    for text in variants:
        try:
            load_bytes(folder, len(text).to_bytes(8, "little") + text + data)
        except CheckpointError:
            pass


def raw_file(text, data=b""):
    return len(text).to_bytes(8, "little") + text + data


def metadata_only(**metadata):
    """A header of metadata alone, with the header checksum ember writes: a CRC-32 of the header without it,
    as JSON with sorted keys and no spaces."""
    canonical = json.dumps({"__metadata__": metadata}, sort_keys=True, separators=(",", ":")).encode()
    return json.dumps({"__metadata__": {**metadata, "ember.header_crc32": f"{zlib.crc32(canonical):08x}"}}).encode()


@pytest.mark.parametrize("text, message", [
    (b"[" * 100_000 + b"]" * 100_000, "the header is JSON nested more than the 64 deep that ember reads"),
    (b'{"a": "' + b'[\\"' * 1000 + b'"}', "tensor 'a': a header entry needs dtype"),  # brackets in a string: no nesting
    (b"[" + b"0," * 1_000_000 + b"0]", "the header holds more than the 1000000 JSON values that ember reads"),
    (json.dumps({"a": {"dtype": "F32", "shape": [1] * 65, "data_offsets": [0, 4]}}).encode(),
     "tensor 'a': bad shape [1, 1, 1"),
    (json.dumps({"a": {"dtype": "F32", "shape": [0, 2**62], "data_offsets": [0, 0]}}).encode(),
     "tensor 'a': bad shape [0, 4611686018427387904] (at most 64 sizes, each an int >= 0, of at most 2**63 bytes"),
    (json.dumps({"a": {"dtype": ["F32"], "shape": [1], "data_offsets": [0, 4]}}).encode(),
     "tensor 'a' has dtype ['F32'], which ember cannot read"),
    (metadata_only(**{"ember.structure": "[" * 1000 + "]" * 1000}),
     "the 'ember.structure' metadata is JSON nested more than the 64 deep"),
    (metadata_only(**{"ember.crc32": "[]"}), "the 'ember.crc32' metadata is corrupt: expected the CRC-32 of each "
                                             "tensor, got '[]'"),
    (metadata_only(**{"ember.structure": "\ud800"}), "the 'ember.structure' metadata is not valid JSON"),
])
def test_malformed_headers_are_checkpoint_errors_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(raw_file(text, bytes(4) if b'"a"' in text else b""))
    with raises(CheckpointError, f"{path}: "):
        ember.load(path)
    with raises(CheckpointError, message):
        ember.load(path)


def test_a_huge_header_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "junk.safetensors"
    length = ember_safetensors.MAX_HEADER + 1
    with open(path, "wb") as f:
        f.write(length.to_bytes(8, "little"))
        f.truncate(8 + length + 8)  # a sparse file: nothing is really there to read
    reads = []

    class Counting:
        def __init__(self, f):
            self.f, self.name = f, str(path)

        def __getattr__(self, name):
            return getattr(self.f, name)

        def read(self, n=-1):
            reads.append(n)
            return self.f.read(n)
    with open(path, "rb") as f, raises(CheckpointError, f"a header of {length} bytes is more than the "
                                                        f"{ember_safetensors.MAX_HEADER} that ember reads"):
        ember.load(Counting(f))
    assert set(reads) == {8}  # the 8-byte length (read by the sniffing for a PyTorch file too), nothing more


# -------------------------------------------------------------------------------------------------
# Writing: atomic, with the old file's permissions, through symbolic links, cleaning up killed writes.

def test_a_replaced_file_keeps_its_permissions_and_a_new_one_gets_the_umask(tmp_path):
    path = tmp_path / "private.safetensors"
    ember.save({"w": ember.ones(2)}, path)
    os.chmod(path, 0o600)
    ember.save({"w": ember.zeros(2)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    umask = os.umask(0o022)
    os.umask(umask)
    ember.save({"w": ember.zeros(2)}, tmp_path / "new.safetensors")
    assert stat.S_IMODE(os.stat(tmp_path / "new.safetensors").st_mode) == 0o666 & ~umask


def test_a_save_through_a_symbolic_link_writes_its_target(tmp_path):
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / "v1.safetensors"
    ember.save({"w": ember.ones(2)}, target)
    link = tmp_path / "latest.safetensors"
    link.symlink_to(target)
    ember.save({"w": ember.zeros(2)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert ember.load(target)["w"].tolist() == [0.0, 0.0]
    assert sorted(os.listdir(tmp_path / "store")) == ["v1.safetensors"]


def dead_process_id():
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_the_next_write_removes_the_temporary_files_of_killed_writes_only(tmp_path):
    dead = dead_process_id()
    stale = tmp_path / f".best.safetensors.{dead}-0123456789ab.tmp"
    running = tmp_path / f".last.safetensors.{os.getpid()}-0123456789ab.tmp"  # a write of this process, under way
    mine = [tmp_path / ".notes.txt.tmp", tmp_path / f".x.{dead}-nothex.tmp", tmp_path / "data.tmp"]
    for path in [stale, running, *mine]:
        path.write_bytes(b"x" * 100)
    with atomic_write(tmp_path / "metrics.json") as f:
        f.write(b"{}")
    assert not stale.exists() and running.exists() and all(path.exists() for path in mine)
    assert (tmp_path / "metrics.json").read_bytes() == b"{}"


def test_history_files_are_written_atomically(tmp_path, monkeypatch):
    history = History([{"epoch": 1, "train_loss": 0.5}])
    history.to_csv(tmp_path / "m.csv")
    history.to_json(tmp_path / "m.json")

    def no_fsync(fd):
        raise OSError("disk full")
    monkeypatch.setattr(os, "fsync", no_fsync)
    history.append({"epoch": 2, "train_loss": 0.25})
    for write, name in ((history.to_csv, "m.csv"), (history.to_json, "m.json")):
        with raises(OSError, "disk full"):
            write(tmp_path / name)
    monkeypatch.undo()
    assert (tmp_path / "m.csv").read_text().splitlines() == ["epoch,train_loss", "1,0.5"]
    assert json.loads((tmp_path / "m.json").read_text())["records"] == [{"epoch": 1, "train_loss": 0.5}]
    assert sorted(os.listdir(tmp_path)) == ["m.csv", "m.json"]
