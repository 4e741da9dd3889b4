"""The small PyTorch-facing modules: backends, amp, cuda, accelerator, serialization, distributed, onnx,
compile, inference_mode, settings, random seeds, nn.parallel and tensorboard; each function, compared with
torch 2.13 on this machine where PyTorch answers the same question."""

import importlib
import os
import warnings

import numpy as np
import pytest
import torch

import ember
from helpers import raises

HAS_GPU = ember.cuda.is_available()


# -------------------------------------------------------------------------------------------------
# torch.backends and the settings behind it.

def test_backend_switches_have_pytorchs_defaults_and_keep_what_is_set(monkeypatch):
    cudnn = ember.backends.cudnn
    for name in ("benchmark", "deterministic", "allow_tf32", "enabled"):
        assert getattr(cudnn, name) == getattr(torch.backends.cudnn, name)
        monkeypatch.setattr(cudnn, name, not getattr(cudnn, name))
    assert cudnn.is_available() is False and cudnn.version() is None
    assert ember.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert ember.backends.mps.is_built() is False
    assert ember.backends.cuda.is_built() == HAS_GPU


def test_tf32_and_float32_matmul_precision_are_one_setting(monkeypatch):
    monkeypatch.setattr(ember.settings, "_matmul_precision", "highest")
    matmul = ember.backends.cuda.matmul
    assert ember.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    assert matmul.allow_tf32 is torch.backends.cuda.matmul.allow_tf32 is False
    ember.set_float32_matmul_precision("high")
    assert matmul.allow_tf32 is True and ember.get_float32_matmul_precision() == "high"
    matmul.allow_tf32 = False
    assert ember.get_float32_matmul_precision() == "highest"
    matmul.allow_tf32 = True
    assert ember.get_float32_matmul_precision() == "high"
    with raises(ValueError, "set_float32_matmul_precision: expected one of highest, high, medium, got 'low'"):
        ember.set_float32_matmul_precision("low")


def blas_thread_counts():
    """The thread count of each BLAS library loaded (NumPy's; PyTorch's own too, if it has one)."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    return [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]


def test_num_threads_are_recorded_and_set(monkeypatch):
    before = blas_thread_counts()
    monkeypatch.setattr(ember.settings, "_num_threads", None)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert ember.get_num_threads() == 3
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        assert set(blas_thread_counts()) == {1}
    finally:
        ember.set_num_threads(before[0])  # as the other tests expect
    for bad in (0, 1.5, True):
        with raises(ValueError, f"set_num_threads: expected a positive int, got {bad!r}"):
            ember.set_num_threads(bad)


def test_blas_threads_holds_only_inside_the_block():
    before = blas_thread_counts()
    with ember.settings.blas_threads(1):
        assert set(blas_thread_counts()) == {1}
    assert blas_thread_counts() == before


@pytest.mark.parametrize("shared", [True, False])
def test_small_products_run_on_one_thread_while_the_cores_are_shared(monkeypatch, shared):
    before = blas_thread_counts()
    if max(before) == 1:
        ember.set_num_threads(2)  # so that one thread differs from the count as set
    try:
        expected = [1] * len(before) if shared else blas_thread_counts()
        monkeypatch.setattr(ember.settings, "cores_are_shared", lambda: shared)
        with ember.settings.small_products():
            assert blas_thread_counts() == expected
    finally:
        ember.set_num_threads(before[0])


def test_cores_are_shared_reads_the_runnable_threads(monkeypatch, tmp_path):
    import builtins
    real_open = builtins.open
    for runnable, shared in ((1, False), (len(os.sched_getaffinity(0)) + 1, True)):
        (tmp_path / "loadavg").write_text(f"0.50 0.40 0.30 {runnable}/300 12345\n")
        monkeypatch.setattr(builtins, "open", lambda path, *a, **k: real_open(
            tmp_path / "loadavg" if path == "/proc/loadavg" else path, *a, **k))
        assert ember.settings.cores_are_shared() is shared


def test_interop_threads_and_warn_always_are_recorded(monkeypatch):
    monkeypatch.setattr(ember.settings, "_num_interop_threads", None)
    monkeypatch.setattr(ember.settings, "_warn_always", False)
    assert ember.get_num_interop_threads() >= 1
    ember.set_num_interop_threads(3)
    assert ember.get_num_interop_threads() == 3
    with raises(ValueError, "set_num_interop_threads: expected a positive int, got 0"):
        ember.set_num_interop_threads(0)
    assert ember.is_warn_always_enabled() is torch.is_warn_always_enabled() is False
    ember.set_warn_always(True)
    assert ember.is_warn_always_enabled() is True


def test_deterministic_algorithms_switch_as_pytorchs(monkeypatch):
    monkeypatch.setattr(ember.backend, "_deterministic", {"enabled": False, "warn_only": False})
    for lib in (ember, torch):
        assert (lib.are_deterministic_algorithms_enabled(), lib.get_deterministic_debug_mode()) == (False, 0)
    for mode, answers in (("warn", (True, True, 1)), (2, (True, False, 2)), ("default", (False, False, 0))):
        ember.set_deterministic_debug_mode(mode)
        assert (ember.are_deterministic_algorithms_enabled(), ember.is_deterministic_algorithms_warn_only_enabled(),
                ember.get_deterministic_debug_mode()) == answers
    with raises(RuntimeError, "set_deterministic_debug_mode: expected 0, 1, 2 or one of default, warn, error"):
        ember.set_deterministic_debug_mode("loud")
    with raises(TypeError, "use_deterministic_algorithms: mode must be True or False, got 1"):
        ember.use_deterministic_algorithms(1)


def test_deterministic_mode_refuses_or_warns_about_an_algorithm_that_varies(monkeypatch):
    monkeypatch.setattr(ember.backend, "_deterministic", {"enabled": False, "warn_only": False})
    ember.backend.check_deterministic("atomic adds")  # nothing happens outside deterministic mode
    ember.use_deterministic_algorithms(True)
    with raises(RuntimeError, "atomic adds has no deterministic implementation (use_deterministic_algorithms is on)"):
        ember.backend.check_deterministic("atomic adds")
    ember.use_deterministic_algorithms(True, warn_only=True)
    with pytest.warns(UserWarning, match="atomic adds has no deterministic implementation"):
        ember.backend.check_deterministic("atomic adds")
    x = ember.ones(3, requires_grad=True)
    x[ember.tensor([0, 0, 1])].sum().backward()  # on the CPU, adding into repeated rows is deterministic
    assert x.grad.tolist() == [2.0, 1.0, 0.0]


def test_the_device_module_and_thread_safe_generator():
    assert ember.get_device_module("cpu") is ember.cpu and ember.get_device_module("cuda") is ember.cuda
    assert ember.get_device_module() is (ember.cuda if HAS_GPU else ember.cpu)
    assert ember.cpu.is_available() and ember.cpu.device_count() == torch.cpu.device_count() == 1
    assert ember.cpu.synchronize() is None and ember.cpu.current_device() == torch.cpu.current_device() == "cpu"
    assert ember.thread_safe_generator() is torch.thread_safe_generator() is None
    with pytest.raises(ember.OutOfMemoryError):
        ember.zeros(2 ** 40, 2 ** 20)  # 4 EiB


@pytest.mark.parametrize("shared", [True, False])
def test_from_file_maps_a_files_numbers(tmp_path, shared):
    results = []
    for lib in (ember, torch):
        path = tmp_path / f"{lib.__name__}.bin"
        np.arange(6, dtype=np.float32).tofile(path)
        t = lib.from_file(str(path), shared=shared, size=4, dtype=lib.float32)
        t[0] = 100.0
        results.append((t.tolist(), np.fromfile(path, np.float32).tolist()))
        if shared:
            assert lib.from_file(str(path), shared=True, size=8).shape == (8,) and path.stat().st_size == 32
    assert results[0] == results[1]
    assert ember.from_file(str(path), size=0).shape == (0,)
    with raises(RuntimeError, "has 24 bytes, fewer than the 80 that 10 elements of float64 need"):
        np.arange(6, dtype=np.float32).tofile(path)
        ember.from_file(str(path), size=10, dtype=ember.float64)


# -------------------------------------------------------------------------------------------------
# Mixed precision: autocast and GradScaler as PyTorch's behave on the CPU.

@pytest.mark.parametrize("dtype", [None, "float16", "bfloat16"])
def test_autocast_on_the_cpu_is_entered_and_leaves_dtypes(dtype):
    asked = None if dtype is None else getattr(ember, dtype, dtype)
    x = ember.ones(2, 2)
    with ember.autocast("cpu", dtype=asked) as region:
        assert ember.is_autocast_enabled("cpu") and not ember.is_autocast_enabled("cuda")
        assert (x @ x).dtype == ember.float32
    assert region.enabled and not ember.is_autocast_enabled("cpu")
    with torch.autocast("cpu", dtype=None if dtype is None else getattr(torch, dtype)):
        assert torch.is_autocast_enabled("cpu")


def test_autocast_as_a_decorator_and_its_errors():
    @ember.amp.autocast("cpu")
    def inside():
        return ember.is_autocast_enabled("cpu")
    assert inside() and not ember.is_autocast_enabled("cpu")
    with pytest.warns(UserWarning, match="is not float16 or bfloat16, so autocast is disabled"):
        region = ember.autocast("cpu", dtype=ember.float64)
    with region:
        assert not ember.is_autocast_enabled("cpu")
    with raises(RuntimeError, "autocast: expected device_type 'cpu' or 'cuda', got 'xyz'"):
        ember.autocast("xyz")
    assert ember.is_autocast_available("cuda") and not ember.is_autocast_available("mps")


@pytest.mark.skipif(HAS_GPU, reason="checks the machine without a GPU")
def test_cuda_autocast_and_grad_scaler_without_a_gpu_warn_and_disable():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        region = ember.autocast("cuda")
    assert not region.enabled
    with pytest.warns(FutureWarning, match="torch.cuda.amp.autocast"), pytest.warns(UserWarning):
        ember.cuda.amp.autocast()
    with pytest.warns(UserWarning, match="GradScaler is enabled, but CUDA is not available"):
        ember.amp.GradScaler()
    with pytest.warns(FutureWarning, match="torch.cuda.amp.GradScaler"), pytest.warns(UserWarning):
        ember.cuda.amp.GradScaler()


def test_autocast_settings_outside_a_region(monkeypatch):
    monkeypatch.setattr(ember.amp, "_enabled", {"cpu": False, "cuda": False})
    monkeypatch.setattr(ember.amp, "_dtypes", {"cpu": None, "cuda": None})
    monkeypatch.setattr(ember.amp, "_cache_enabled", {"on": True})
    for device_type in ("cpu", "cuda"):
        assert str(ember.get_autocast_dtype(device_type)).removeprefix("ember.") == \
            str(torch.get_autocast_dtype(device_type)).removeprefix("torch.")
    ember.set_autocast_dtype("cpu", ember.float16)
    assert ember.get_autocast_dtype("cpu") == ember.float16
    ember.set_autocast_enabled("cpu", True)
    assert ember.is_autocast_enabled("cpu")
    assert ember.is_autocast_cache_enabled() is torch.is_autocast_cache_enabled() is True
    ember.set_autocast_cache_enabled(False)
    assert ember.is_autocast_cache_enabled() is False
    with raises(RuntimeError, "set_autocast_dtype: expected float16 or bfloat16, got float64"):
        ember.set_autocast_dtype("cpu", ember.float64)
    with raises(RuntimeError, "get_autocast_dtype: expected device_type 'cpu' or 'cuda', got 'tpu'"):
        ember.get_autocast_dtype("tpu")


def test_grad_scaler_passes_through_as_pytorchs_disabled_scaler():
    def steps(lib, scaler):
        lib.manual_seed(0)
        w = lib.nn.Parameter(lib.tensor([1.0, -2.0]))
        optimizer = lib.optim.SGD([w], lr=0.1)
        for _ in range(3):
            loss = (w * w).sum()
            optimizer.zero_grad()
            scaled = scaler.scale(loss)
            scaled.backward()
            scaler.unscale_(optimizer)
            scaler.step(optimizer)
            scaler.update()
        return w.detach().numpy().copy(), scaled.item(), scaler.get_scale(), scaler.is_enabled(), scaler.state_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = steps(ember, ember.amp.GradScaler("cpu"))
        theirs = steps(torch, torch.amp.GradScaler("cuda", enabled=False))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert ours[1:] == theirs[1:] == (ours[1], 1.0, False, {})
    assert ember.GradScaler is ember.amp.GradScaler and ember.autocast is ember.amp.autocast


# -------------------------------------------------------------------------------------------------
# torch.cuda and torch.accelerator.

@pytest.mark.skipif(HAS_GPU, reason="checks the machine without a GPU")
def test_cuda_and_accelerator_answer_as_pytorch_without_cuda():
    for lib in (ember, torch):
        assert lib.cuda.is_available() is False and lib.cuda.device_count() == 0
        assert lib.cuda.memory_allocated() == lib.cuda.max_memory_allocated() == 0
        assert lib.cuda.empty_cache() is None and lib.cuda.manual_seed(1) is None and lib.cuda.manual_seed_all(1) is None
        assert lib.accelerator.is_available() is False and lib.accelerator.current_accelerator() is None
        assert lib.accelerator.device_count() == 0
    assert ember.cuda.is_bf16_supported() is False and ember.cuda.memory_reserved() == 0
    ember.cuda.synchronize()
    for name, call in [("set_device", lambda: ember.cuda.set_device(0)), ("current_device", ember.cuda.current_device),
                       ("get_device_name", ember.cuda.get_device_name)]:
        with raises(RuntimeError, f"torch.cuda.{name}: CUDA is not available"):
            call()


@pytest.mark.cuda
@pytest.mark.skipif(not HAS_GPU, reason="no CUDA GPU (CuPy) here")
def test_cuda_functions_on_a_gpu():
    ember.cuda.set_device(0)
    assert ember.cuda.current_device() == 0 and isinstance(ember.cuda.get_device_name(), str)
    before = ember.cuda.memory_allocated()
    x = ember.zeros(1 << 20, device="cuda")
    assert ember.cuda.memory_allocated() >= before + x.numel() * 4 <= ember.cuda.max_memory_allocated()
    ember.cuda.manual_seed(3)
    a = ember.randn(4, device="cuda")
    ember.cuda.manual_seed_all(3)
    np.testing.assert_array_equal(ember.randn(4, device="cuda").cpu().numpy(), a.cpu().numpy())
    assert ember.accelerator.current_accelerator() == ember.device("cuda") and ember.accelerator.device_count() >= 1


# -------------------------------------------------------------------------------------------------
# torch.serialization, torch.distributed, torch.onnx, torch.nn.parallel.

def test_safe_globals_are_kept_as_a_registry():
    class Config:
        pass
    serialization = ember.serialization
    serialization.clear_safe_globals()
    serialization.add_safe_globals([Config, Config])
    assert serialization.get_safe_globals() == [Config]
    with serialization.safe_globals([int]):
        assert serialization.get_safe_globals() == [Config, int]
    assert serialization.get_safe_globals() == [Config]
    serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    assert serialization.save is ember.save and serialization.load is ember.load


def test_distributed_without_a_process_group_answers_as_pytorch():
    dist = ember.distributed
    assert dist.is_available() is torch.distributed.is_available() is True
    assert dist.is_initialized() is torch.distributed.is_initialized() is False
    for call in (dist.get_rank, dist.get_world_size, dist.destroy_process_group, dist.barrier,
                 lambda: dist.all_reduce(ember.ones(2))):
        with raises(ValueError, "Default process group has not been initialized, please make sure to call "
                                "init_process_group."):
            call()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        torch.distributed.get_rank()
    with raises(AttributeError, "ember has no torch.distributed.all_to_all: ember.distributed has the process "
                                "group, its collectives and DistributedDataParallel"):
        dist.all_to_all
    with raises(ValueError, "init_process_group: unknown backend 'ucc'; ember has 'mpi', 'gloo' (on MPI) and 'nccl'"):
        dist.init_process_group("ucc")
    assert dist.Backend("GLOO") == dist.Backend.GLOO == torch.distributed.Backend("GLOO") == "gloo"
    assert [op.name for op in dist.ReduceOp] == ["SUM", "AVG", "PRODUCT", "MIN", "MAX"]
    with raises(RuntimeError, "DistributedDataParallel: call ember.distributed.init_process_group() first"):
        ember.nn.parallel.DistributedDataParallel(ember.nn.Linear(2, 2))


def test_data_parallel_calls_its_module_as_pytorchs_does_on_one_device():
    ember.manual_seed(0)
    inner = ember.nn.Linear(3, 2)
    model = ember.nn.DataParallel(inner)
    x = ember.randn(4, 3)
    assert model.module is inner and np.array_equal(model(x).detach().numpy(), inner(x).detach().numpy())
    theirs = torch.nn.DataParallel(torch.nn.Linear(3, 2))
    assert list(model.state_dict()) == list(theirs.state_dict()) == ["module.weight", "module.bias"]


def test_onnx_is_importable_and_not_exporting_outside_an_export():
    assert ember.onnx.is_in_onnx_export() is torch.onnx.is_in_onnx_export() is False


# -------------------------------------------------------------------------------------------------
# torch.compile, torch.inference_mode, seeds.

def test_compile_returns_its_argument_unchanged():
    model = ember.nn.Linear(2, 2)
    assert ember.compile(model) is model and ember.compile(model, mode="max-autotune", fullgraph=True) is model

    @ember.compile
    def f(x):
        return x + 1

    @ember.compile(dynamic=True)
    def g(x):
        return x * 2
    assert f(1) == 2 and g(2) == 4 and f.__name__ == "f" and g.__name__ == "g"
    assert ember.compiler.compile is ember.compile and ember.compiler.is_compiling() is False
    assert ember.compiler.disable(f) is f and ember.compiler.disable()(g) is g
    with pytest.raises(TypeError):
        ember.compile(model, no_such_option=1)


def test_inference_mode_is_no_grad():
    x = ember.ones(2, requires_grad=True)

    @ember.inference_mode
    def bare():
        return ember.is_grad_enabled()

    @ember.inference_mode()
    def called():
        return (x * 2).requires_grad
    assert bare() is False and called() is False and ember.is_grad_enabled()
    with ember.inference_mode():
        assert not (x * 2).requires_grad
    with ember.inference_mode(False):
        assert (x * 2).requires_grad
    with torch.inference_mode():
        assert not torch.is_grad_enabled()
    for lib in (ember, torch):
        assert not lib.is_inference_mode_enabled()
        with lib.inference_mode():
            assert lib.is_inference_mode_enabled()
            with lib.inference_mode(False):
                assert not lib.is_inference_mode_enabled()
        assert lib.inference_mode()(lib.is_inference_mode_enabled)() is True


def test_seeds():
    assert ember.manual_seed is ember.random.manual_seed
    ember.manual_seed(123)
    assert ember.initial_seed() == 123
    chosen = ember.seed()
    assert ember.initial_seed() == chosen and 0 <= chosen < 2 ** 64
    a = ember.randn(3)
    ember.manual_seed(chosen)
    np.testing.assert_array_equal(ember.randn(3).numpy(), a.numpy())


def test_initial_seed_of_a_generator_never_seeded():
    generator = ember.Generator()
    first = generator.initial_seed()
    a = ember.randn(3, generator=generator)
    generator.manual_seed(first)
    np.testing.assert_array_equal(ember.randn(3, generator=generator).numpy(), a.numpy())  # the seed reproduces it


# -------------------------------------------------------------------------------------------------
# torch.utils.tensorboard.

def test_summary_writer_needs_tensorboard(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "ember.utils.tensorboard", raising=False)
    with raises(ImportError, "torch.utils.tensorboard needs the tensorboard package: pip install tensorboard"):
        importlib.import_module("ember.utils.tensorboard")


def test_summary_writer_writes_scalars_tensorboard_reads(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from ember.utils.tensorboard import SummaryWriter
    with SummaryWriter(tmp_path) as writer:
        for step, loss in enumerate([2.5, 1.25, ember.tensor(0.5)]):
            writer.add_scalar("loss/train", loss, step)
    events = EventAccumulator(str(tmp_path))
    events.Reload()
    assert [(e.step, e.value) for e in events.Scalars("loss/train")] == [(0, 2.5), (1, 1.25), (2, 0.5)]
