"""ember.load of PyTorch's .pt files (zip and legacy), read without running code; BF16 safetensors."""

import collections
import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import safetensors.torch
import torch

import ember
from ember.io import CheckpointError
from ember.io.pytorch import UnsafePickleError
from helpers import raises, to_numpy

LAYOUTS = {"zip": True, "legacy": False}
TORCH_DTYPES = [torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32, torch.int16,
                torch.int8, torch.uint8, torch.bool, torch.uint16, torch.uint32, torch.uint64]


def saved(obj, tmp_path, zipped=True):
    path = tmp_path / "file.pt"
    torch.save(obj, path, _use_new_zipfile_serialization=zipped)
    return path


def assert_same(ours, theirs):
    """An ember tensor equal to a torch tensor bit for bit, in dtype and shape too."""
    assert isinstance(ours, ember.Tensor) and ours.shape == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    if theirs.dtype == torch.bfloat16:
        np.testing.assert_array_equal(to_numpy(ours).view(np.uint16), theirs.view(torch.int16).numpy().view(np.uint16))
    else:
        np.testing.assert_array_equal(to_numpy(ours), theirs.numpy())


def sample(dtype):
    values = torch.tensor([[0, 1, -3], [2, 5, 127]]).to(dtype) if dtype != torch.bool else torch.tensor([[1, 0, 1]]) > 0
    if dtype.is_floating_point:
        values = values / 7 + torch.tensor(1e-3, dtype=dtype)
    return values


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=str)
def test_a_tensor_of_every_dtype_loads_bit_for_bit(tmp_path, layout, dtype):
    if not LAYOUTS[layout] and dtype in (torch.uint16, torch.uint32, torch.uint64):
        pytest.skip("PyTorch's legacy format cannot hold uint16/32/64")
    tensor = sample(dtype)
    assert_same(ember.load(saved(tensor, tmp_path, LAYOUTS[layout])), tensor)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_views_non_contiguous_tensors_and_shared_storages(tmp_path, layout):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    obj = {"t": base.t(), "offset": base[1:3, 2:5], "strided": base[:, ::3], "base": base, "row": base[2]}
    loaded = ember.load(saved(obj, tmp_path, LAYOUTS[layout]))
    for name, tensor in obj.items():
        assert_same(loaded[name], tensor)
    loaded["base"][2, 0] = -1.0  # one storage in the file: one memory in ember, as in PyTorch
    assert loaded["row"][0].item() == -1.0 and loaded["t"][0, 2].item() == -1.0


@pytest.mark.parametrize("layout", LAYOUTS)
def test_nested_containers_numbers_and_parameters(tmp_path, layout):
    weight = torch.nn.Parameter(torch.randn(3, 2))
    obj = {"model": collections.OrderedDict(w=weight, steps=torch.tensor(7)), "epoch": 3, "lr": 0.5, "name": "run",
           "nothing": None, "pairs": [(torch.ones(2), "a"), {1: torch.zeros(1)}], "shape": torch.Size([2, 3]),
           "dtype": torch.bfloat16, "tags": {"x", "y"}, "blob": b"\x00\xff"}
    loaded = ember.load(saved(obj, tmp_path, LAYOUTS[layout]))
    assert isinstance(loaded["model"], collections.OrderedDict) and list(loaded["model"]) == ["w", "steps"]
    assert isinstance(loaded["model"]["w"], ember.nn.Parameter) and loaded["model"]["w"].requires_grad
    assert_same(loaded["model"]["w"], weight.detach())
    assert_same(loaded["model"]["steps"], obj["model"]["steps"])
    assert (loaded["epoch"], loaded["lr"], loaded["name"], loaded["nothing"]) == (3, 0.5, "run", None)
    assert_same(loaded["pairs"][0][0], torch.ones(2))
    assert loaded["pairs"][0][1] == "a" and list(loaded["pairs"][1]) == [1]
    assert loaded["shape"] == (2, 3) and loaded["dtype"] == ember.bfloat16
    assert loaded["tags"] == {"x", "y"} and loaded["blob"] == b"\x00\xff"


def test_a_state_dict_loads_into_an_ember_layer_and_open_files_and_map_location_work(tmp_path):
    layer = torch.nn.Linear(4, 3)
    buffer = io.BytesIO()
    torch.save(layer.state_dict(), buffer)
    buffer.seek(0)
    ours = ember.nn.Linear(4, 3)
    ours.load_state_dict(ember.load(buffer, map_location="cpu", weights_only=True))
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    assert_same(ours.weight, layer.weight.detach())
    np.testing.assert_allclose(to_numpy(ours(ember.tensor(x))), layer(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)


# -------------------------------------------------------------------------------------------------
# Files that try to run code are refused before anything runs.

class RunsCommand:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


class EvalsCode:
    def __reduce__(self):
        import builtins
        return builtins.eval, ("__import__('os').getcwd()",)


def zip_with_pickle(path, data):
    """The torch.save zip at path (a new one where there is none) with its data.pkl replaced by data."""
    if not path.exists():
        torch.save({"w": torch.ones(2)}, path)
    with zipfile.ZipFile(path) as original:
        entries = {name: original.read(name) for name in original.namelist()}
    with zipfile.ZipFile(path, "w") as forged:
        for name, content in entries.items():
            forged.writestr(name, data if name.endswith("data.pkl") else content)


@pytest.mark.parametrize("layout", ["zip", "bare pickle"])
def test_os_system_through_reduce_is_refused_without_running(tmp_path, layout):
    marker = tmp_path / "ran"
    data = pickle.dumps({"w": RunsCommand(f"touch {marker}")}, protocol=2)
    path = tmp_path / "evil.pt"
    zip_with_pickle(path, data) if layout == "zip" else path.write_bytes(data)
    with raises(UnsafePickleError, f"{path}: the pickle asks for posix.system, which ember does not load"):
        ember.load(path)
    assert not marker.exists()


def test_globals_of_builtins_are_refused(tmp_path):
    path = tmp_path / "evil.pt"
    zip_with_pickle(path, pickle.dumps([EvalsCode()], protocol=4))
    with raises(UnsafePickleError, "the pickle asks for builtins.eval"):
        ember.load(path)
    zip_with_pickle(path, b"\x80\x02cbuiltins\ngetattr\nq\x00.")
    with raises(pickle.UnpicklingError, "the pickle asks for builtins.getattr"):  # what PyTorch code catches
        ember.load(path)


def test_a_payload_nested_inside_a_tensor_rebuild_is_refused(tmp_path):
    marker = tmp_path / "ran"
    stolen = torch.ones(2)

    class Nested:
        def __reduce__(self):
            return torch._utils._rebuild_tensor_v2, (RunsCommand(f"touch {marker}"), 0, (2,), (1,), False, None)

    path = tmp_path / "evil.pt"
    zip_with_pickle(path, pickle.dumps({"w": Nested(), "ok": stolen}, protocol=2))
    with raises(UnsafePickleError, "posix.system"):
        ember.load(path)
    assert not marker.exists()


def test_forged_rebuild_arguments_are_refused(tmp_path):
    path = tmp_path / "evil.pt"

    class FakeStorage:
        def __reduce__(self):
            return torch._utils._rebuild_tensor_v2, ("not a storage", 0, (2,), (1,), False, None)

    zip_with_pickle(path, pickle.dumps(FakeStorage(), protocol=2))
    with raises(UnsafePickleError, "a tensor must be rebuilt from a storage of the file, got str"):
        ember.load(path)
    calls_storage = b"\x80\x02ctorch\nFloatStorage\nq\x00(K\x03tR."
    zip_with_pickle(path, calls_storage)
    with raises(CheckpointError, "not a readable PyTorch file (TypeError"):
        ember.load(path)


def test_a_tensor_reaching_past_its_storage_is_refused(tmp_path):
    path = saved({"w": torch.ones(4)}, tmp_path)
    with zipfile.ZipFile(path) as original:
        data = original.read("file/data.pkl")
    zip_with_pickle(path, data.replace(b"K\x04\x85", b"K\x09\x85", 1))  # size (4,) -> (9,)
    with raises(CheckpointError, "a tensor of size (9,), stride (1,) and offset 0 reaches element 8 of a storage of 4"):
        ember.load(path)


def test_truncated_files_are_refused(tmp_path):
    path = saved({"w": torch.ones(1000)}, tmp_path, zipped=False)
    path.write_bytes(path.read_bytes()[:-100])
    with raises(CheckpointError, "storage '"):
        ember.load(path)


def test_ember_save_still_writes_safetensors(tmp_path):
    path = tmp_path / "ours.pt"
    ember.save({"w": ember.ones(2)}, path)
    assert safetensors.torch.load_file(path)["w"].tolist() == [1.0, 1.0]


# -------------------------------------------------------------------------------------------------
# BF16 safetensors, bit for bit with PyTorch's.

def test_bf16_safetensors_are_bit_exact_both_ways(tmp_path):
    values = torch.randn(5, 7).bfloat16()
    values[0, :4] = torch.tensor([float("inf"), float("-inf"), float("nan"), -0.0])
    theirs, ours = tmp_path / "theirs.safetensors", tmp_path / "ours.safetensors"
    safetensors.torch.save_file({"w": values}, theirs)
    loaded = ember.load(theirs)["w"]
    assert_same(loaded, values)
    ember.save({"w": loaded}, ours)
    assert ours.read_bytes() == theirs.read_bytes()
    again = safetensors.torch.load_file(ours)["w"]
    assert again.dtype == torch.bfloat16 and torch.equal(again.view(torch.int16), values.view(torch.int16))
