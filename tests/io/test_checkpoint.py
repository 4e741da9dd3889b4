import io
import json
import os
import pickle
import zlib

import numpy as np
import pytest
import safetensors
import safetensors.numpy
import safetensors.torch
import torch

import ember
from ember.io import CheckpointError
from ember.io import safetensors as ember_safetensors
from helpers import DEVICES, raises, to_numpy

ARRAYS = {
    "f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
    "f64": np.linspace(-1, 1, 5),
    "f16": np.array([0.5, -2.0], np.float16),
    "i64": np.array([[1, -2], [3, 2**40]], np.int64),
    "i32": np.array([7], np.int32),
    "i16": np.array([-300], np.int16),
    "i8": np.array([-5, 5], np.int8),
    "u8": np.arange(250, 256, dtype=np.uint8),
    "mask": np.array([True, False, True]),
    "scalar": np.array(3.25, np.float32),
    "empty": np.zeros((0, 4), np.float32),
}


def tensors():
    return {name: ember.tensor(array) for name, array in ARRAYS.items()}


def assert_same(loaded, expected):
    """loaded (ember Tensors) equals expected (Tensors or arrays) in values, dtypes and shapes."""
    assert isinstance(loaded, ember.Tensor)
    expected = to_numpy(expected) if isinstance(expected, ember.Tensor) else expected
    assert loaded.dtype == expected.dtype and loaded.shape == expected.shape
    np.testing.assert_array_equal(to_numpy(loaded), expected)


def test_flat_dict_round_trips_every_dtype_in_order(tmp_path):
    path = tmp_path / "flat.safetensors"
    ember.save(tensors(), path)
    loaded = ember.load(path)
    assert list(loaded) == list(ARRAYS)
    for name, array in ARRAYS.items():
        assert_same(loaded[name], array)
        assert not loaded[name].requires_grad


def nested_state():
    weight = ember.randn(3, 2, requires_grad=True)
    return {
        "model": {"fc.weight": weight, "fc.bias": ember.zeros(3), "bn.num_batches_tracked": ember.tensor(7)},
        "optimizer": {
            "state": {0: {"momentum_buffer": ember.ones(3, 2), "step": 4}, 1: {"momentum_buffer": None}},
            "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "nesterov": False, "name": "all"}],
        },
        "epoch": 3,
        "history": [0.5, float("inf"), np.float32(0.25)],
        "extra": np.array([1, 2], np.uint8),
        "pairs": [(ember.tensor([1.0]), "a")],
    }


def test_nested_state_dict_round_trips(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    state = nested_state()
    ember.save(state, path)
    loaded = ember.load(path)
    assert list(loaded) == list(state)
    for name, t in state["model"].items():
        assert_same(loaded["model"][name], t)
    assert list(loaded["optimizer"]["state"]) == [0, 1]  # int keys stay ints
    assert_same(loaded["optimizer"]["state"][0]["momentum_buffer"], state["optimizer"]["state"][0]["momentum_buffer"])
    assert loaded["optimizer"]["state"][0]["step"] == 4 and loaded["optimizer"]["state"][1] == {"momentum_buffer": None}
    assert loaded["optimizer"]["param_groups"] == [
        {"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "nesterov": False, "name": "all"}]
    assert type(loaded["optimizer"]["param_groups"][0]["betas"]) is tuple  # tuples stay tuples
    assert loaded["epoch"] == 3 and loaded["history"] == [0.5, float("inf"), 0.25]
    assert type(loaded["extra"]) is np.ndarray and loaded["extra"].dtype == np.uint8  # arrays stay arrays
    np.testing.assert_array_equal(loaded["extra"], state["extra"])
    assert type(loaded["pairs"][0]) is tuple and loaded["pairs"][0][1] == "a"
    assert_same(loaded["pairs"][0][0], state["pairs"][0][0])


def test_files_written_by_ember_load_with_the_safetensors_package(tmp_path):
    flat, nested = tmp_path / "flat.safetensors", tmp_path / "nested.safetensors"
    ember.save(tensors(), flat)
    theirs = safetensors.numpy.load_file(flat)
    assert sorted(theirs) == sorted(ARRAYS)
    for name, array in ARRAYS.items():
        assert theirs[name].dtype == array.dtype
        np.testing.assert_array_equal(theirs[name], array)
    with safetensors.safe_open(flat, "np") as f:  # plain safetensors: the tensors, and ember's checksums
        assert sorted(f.metadata()) == ["ember.crc32", "ember.header_crc32"]
        assert json.loads(f.metadata()["ember.crc32"]) == {
            name: f"{zlib.crc32(np.ascontiguousarray(array).tobytes()):08x}" for name, array in ARRAYS.items()}
    ember.save(nested_state(), nested)
    theirs = safetensors.numpy.load_file(nested)
    assert sorted(theirs) == ["extra", "model.bn.num_batches_tracked", "model.fc.bias", "model.fc.weight",
                              "optimizer.state.0.momentum_buffer", "pairs.0.0"]


def test_files_written_by_the_safetensors_package_load_in_ember(tmp_path):
    path = tmp_path / "theirs.safetensors"
    safetensors.numpy.save_file(dict(ARRAYS), path, metadata={"format": "np"})
    loaded = ember.load(path)
    assert sorted(loaded) == sorted(ARRAYS)
    for name, array in ARRAYS.items():
        assert_same(loaded[name], array)
    linear = torch.nn.Linear(3, 2)
    safetensors.torch.save_file(linear.state_dict(), tmp_path / "linear.safetensors")
    loaded = ember.load(tmp_path / "linear.safetensors")
    np.testing.assert_array_equal(loaded["weight"].numpy(), linear.weight.detach().numpy())


@pytest.mark.parametrize("device", DEVICES)
def test_map_location_puts_tensors_on_the_device(tmp_path, device):
    path = tmp_path / "ckpt.safetensors"
    ember.save({"model": {"w": ember.ones(2)}, "step": 1}, path)
    loaded = ember.load(path, map_location=device)
    assert loaded["model"]["w"].device == ember.device(device)
    ember.save(loaded, tmp_path / "again.safetensors")  # and saving from the device works
    assert_same(ember.load(tmp_path / "again.safetensors")["model"]["w"], np.ones(2, np.float32))


def test_save_errors(tmp_path):
    path = tmp_path / "x.safetensors"
    with raises(TypeError, "ember.save: cannot store a object at 'model.thing'; a checkpoint holds tensors"):
        ember.save({"model": {"thing": object()}}, path)
    with raises(TypeError, "ember.save: dict keys must be str or int, got 1.5 in 'model'"):
        ember.save({"model": {1.5: ember.ones(1)}}, path)
    with raises(ValueError, "two tensors would be stored under the key 'a.b'"):
        ember.save({"a.b": ember.ones(1), "a": {"b": ember.ones(1)}}, path)
    with raises(ValueError, "'__metadata__' is reserved by the safetensors format"):
        ember.save({"__metadata__": ember.ones(1)}, path)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    ember.save({"w": ember.ones(3)}, path)
    good = path.read_bytes()
    written = []

    def fail_on_the_second_tensor(array):
        if written:
            raise OSError("disk full")
        written.append(array)
        return array.tobytes()
    monkeypatch.setattr(ember_safetensors, "_raw_bytes", fail_on_the_second_tensor)
    with raises(OSError, "disk full"):
        ember.save({"a": ember.zeros(1000), "b": ember.zeros(1000)}, path)
    assert written and path.read_bytes() == good
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]
    monkeypatch.undo()

    def no_fsync(fd):
        raise OSError("fsync failed")
    monkeypatch.setattr(os, "fsync", no_fsync)
    with raises(OSError, "fsync failed"):
        ember.save({"w": ember.zeros(3)}, path)
    with raises(OSError, "fsync failed"):
        ember.save({"w": ember.zeros(3)}, tmp_path / "new.safetensors")
    assert path.read_bytes() == good and os.listdir(tmp_path) == ["ckpt.safetensors"]


def raw_file(header, data=b"", length=None):
    """A safetensors file from its parts: header (a dict, or raw bytes) and data."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return (len(text) if length is None else length).to_bytes(8, "little") + text + data


def good_file():
    return raw_file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                     "b": {"dtype": "I64", "shape": [1], "data_offsets": [8, 16]}}, bytes(16))


def entry(dtype="F32", shape=(2,), offsets=(0, 8)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


CORRUPT = {
    "shorter than 8 bytes": (b"\x10\x00\x00", "truncated: 3 bytes, but a safetensors file starts with an 8-byte "
                                              "header length"),
    "cut in the header": (good_file()[:40], "bad header length"),
    "cut in the data": (good_file()[:-3], "tensor 'b' lies at bytes [8, 16) of the data, but the file holds only 13 "
                                          "bytes of data (truncated, or offsets out of range)"),
    "huge header length": (raw_file({}, length=2**60), "bad header length 1152921504606846976: only 2 bytes follow"),
    "bad JSON": (raw_file(b"{not json"), "the header is not valid JSON"),
    "not UTF-8": (raw_file(b"{\xff}"), "the header is not valid JSON"),
    "JSON but not an object": (raw_file(b"[1, 2]"), "the header is JSON but not an object of tensors"),
    "offsets out of range": (raw_file({"a": entry(offsets=(8, 16))}, bytes(8)),
                             "tensor 'a' lies at bytes [8, 16) of the data, but the file holds only 8 bytes"),
    "offsets reversed": (raw_file({"a": entry(offsets=(8, 0))}, bytes(8)), "tensor 'a': bad data_offsets [8, 0]"),
    "overlapping tensors": (raw_file({"a": entry(offsets=(0, 8)), "b": entry(offsets=(4, 12))}, bytes(12)),
                            "tensors 'a' and 'b' overlap in the data"),
    "a gap": (raw_file({"a": entry(offsets=(4, 12))}, bytes(12)), "no tensor holds bytes [0, 4) of the data"),
    "stray bytes": (raw_file({"a": entry()}, bytes(10)), "2 stray bytes after the last tensor"),
    "size mismatch": (raw_file({"a": entry(shape=(3,))}, bytes(8)), "tensor 'a': shape [3] of F32 needs 12 bytes, "
                                                                    "but its data_offsets [0, 8) hold 8"),
    "unknown dtype": (raw_file({"a": entry(dtype="C64", shape=(1,))}, bytes(8)),
                      "tensor 'a' has dtype 'C64', which ember cannot read (it reads F64, F32, F16, BF16"),
    "missing fields": (raw_file({"a": {"dtype": "F32"}}), "tensor 'a': a header entry needs dtype, shape and "
                                                          "data_offsets"),
    "negative shape": (raw_file({"a": entry(shape=(-2,))}, bytes(8)), "tensor 'a': bad shape [-2]"),
    "bad metadata": (raw_file({"__metadata__": {"k": 1}}), "'__metadata__' must map strings to strings"),
    "corrupt structure": (raw_file({"__metadata__": {"ember.structure": "{oops"}}),
                          "the 'ember.structure' metadata is not valid JSON"),
    "missing tensor": (raw_file({"__metadata__": {"ember.structure": '{"dict": [["w", {"tensor": "w"}]]}'}}),
                       "the 'ember.structure' metadata is corrupt (KeyError"),
    "a pickle": (pickle.dumps({"w": [1.0, 2.0]}, protocol=4), "a pickle, but not a PyTorch file (no torch.save "
                                                              "magic number)"),
}


@pytest.mark.parametrize("case", CORRUPT)
def test_corrupt_files_are_refused_with_the_file_and_the_problem(tmp_path, case):
    data, message = CORRUPT[case]
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    with raises(CheckpointError, f"{path}: {message}"):
        ember.load(path)
    assert path.read_bytes() == data


def test_the_good_file_of_the_corrupt_cases_loads(tmp_path):
    path = tmp_path / "good.safetensors"
    path.write_bytes(good_file())
    assert [t.dtype for t in ember.load(path).values()] == [ember.float32, ember.int64]


def test_checkpoint_error_is_a_value_error_and_save_load_are_exported():
    assert issubclass(CheckpointError, ValueError)
    assert ember.save is ember.io.save and ember.load is ember.io.load


# -------------------------------------------------------------------------------------------------
# torch.save / torch.load as programs call them: any checkpoint value, paths or open files.

def test_save_and_load_through_file_objects():
    state = nested_state()
    buffer = io.BytesIO()
    ember.save(state, buffer)
    buffer.seek(0)
    loaded = ember.load(buffer)
    assert_same(loaded["model"]["fc.weight"], state["model"]["fc.weight"])
    assert loaded["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    flat = io.BytesIO()
    ember.save(tensors(), flat)
    assert safetensors.numpy.load(flat.getvalue()).keys() == ARRAYS.keys()  # still plain safetensors


def test_load_reads_from_where_an_open_file_stands(tmp_path):
    path = tmp_path / "two.bin"
    with open(path, "wb") as f:
        f.write(b"header of some other format")
        ember.save({"epoch": 2, "w": ember.ones(2)}, f)
    with open(path, "rb") as f:
        f.seek(len(b"header of some other format"))
        loaded = ember.load(f, weights_only=True)
    assert loaded["epoch"] == 2
    assert_same(loaded["w"], np.ones(2, np.float32))


@pytest.mark.parametrize("obj", [ember.arange(4), [ember.ones(2), 3, "x"], (1, (2.5, None)), {"a": []}, {}, 7, None,
                                 {"lengths": (ember.tensor([1, 2]), np.arange(3))}])
def test_any_checkpoint_value_round_trips(tmp_path, obj):
    ember.save(obj, tmp_path / "x.safetensors")
    assert_equal_structure(ember.load(tmp_path / "x.safetensors"), obj)


def assert_equal_structure(loaded, expected):
    assert type(loaded) is type(expected)
    if isinstance(expected, ember.Tensor):
        assert_same(loaded, expected)
    elif isinstance(expected, np.ndarray):
        assert loaded.dtype == expected.dtype
        np.testing.assert_array_equal(loaded, expected)
    elif isinstance(expected, dict):
        assert list(loaded) == list(expected)
        for key in expected:
            assert_equal_structure(loaded[key], expected[key])
    elif isinstance(expected, (list, tuple)):
        assert len(loaded) == len(expected)
        for a, b in zip(loaded, expected):
            assert_equal_structure(a, b)
    else:
        assert loaded == expected


def test_a_real_optimizer_state_dict_round_trips(tmp_path):
    model = ember.nn.Linear(3, 2)
    optimizer = ember.optim.Adam(model.parameters(), lr=0.01)
    model(ember.randn(4, 3)).sum().backward()
    optimizer.step()
    ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, tmp_path / "ckpt.pt")
    loaded = ember.load(tmp_path / "ckpt.pt")
    assert_equal_structure(loaded["optimizer"], optimizer.state_dict())
    fresh = ember.optim.Adam(ember.nn.Linear(3, 2).parameters(), lr=0.5)
    fresh.load_state_dict(loaded["optimizer"])
    assert fresh.param_groups[0]["lr"] == 0.01 and fresh.param_groups[0]["betas"] == (0.9, 0.999)


def test_saving_a_whole_module_or_optimizer_is_refused(tmp_path):
    model = ember.nn.Linear(2, 2)
    with raises(TypeError, "ember.save: cannot store a whole Linear; save its .state_dict() instead"):
        ember.save(model, tmp_path / "m.pt")
    with raises(TypeError, "ember.save: cannot store a whole SGD at 'optimizer'; save its .state_dict()"):
        ember.save({"optimizer": ember.optim.SGD(model.parameters(), lr=0.1)}, tmp_path / "m.pt")
    assert list(tmp_path.iterdir()) == []


def test_map_location_must_be_a_device_a_dict_or_a_function(tmp_path):
    ember.save({"w": ember.ones(1)}, tmp_path / "w.pt")
    assert ember.load(tmp_path / "w.pt", map_location=ember.device("cpu"))["w"].device == ember.device("cpu")
    with raises(TypeError, "ember.load: map_location must be a device ('cpu', 'cuda:0', ember.device), a dict or a "
                           "function (storage, location), got int"):
        ember.load(tmp_path / "w.pt", map_location=5)
    with raises(TypeError, "ember.load: map_location(storage, location) must return a tensor (the one it is given"):
        ember.load(tmp_path / "w.pt", map_location=lambda storage, location: None)


@pytest.mark.parametrize("device", DEVICES)
def test_map_location_as_pytorchs_dict_or_function(tmp_path, device):
    ember.save({"model": {"w": ember.ones(2)}, "steps": (ember.zeros(1),), "step": 3}, tmp_path / "c.pt")
    by_dict = ember.load(tmp_path / "c.pt", map_location={"cpu": device, "cuda:1": "cpu"})
    assert by_dict["model"]["w"].device == ember.device(device)
    kept = ember.load(tmp_path / "c.pt", map_location=lambda storage, loc: storage)  # the examples' idiom
    assert kept["model"]["w"].device == ember.device("cpu") and kept["step"] == 3
    assert_same(kept["model"]["w"], np.ones(2, np.float32))
    locations = []
    moved = ember.load(tmp_path / "c.pt", map_location=lambda storage, loc: locations.append(loc) or storage.to(device))
    assert isinstance(moved["steps"], tuple) and moved["steps"][0].device == ember.device(device)
    assert locations == ["cpu", "cpu"]
    torch.save(torch.nn.Linear(2, 3).state_dict(), tmp_path / "linear.pt")  # a file of PyTorch's too
    theirs = torch.load(tmp_path / "linear.pt", map_location=lambda storage, loc: storage)
    ours = ember.load(tmp_path / "linear.pt", map_location=lambda storage, loc: storage)
    assert list(ours) == list(theirs)
    assert_same(ours["weight"], theirs["weight"].numpy())
