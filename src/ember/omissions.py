"""The API ledger's omissions: the PyTorch names ember leaves out, each with its reason.

Two parts, per PyTorch namespace:

- OUT_OF_SCOPE: families (glob patterns) that a student's or practitioner's program on a CPU or an NVIDIA
  GPU would not reasonably use: sparse, quantized, complex and nested tensors, TorchScript and dispatch
  internals, backend kernels, symbolic shapes, storages, deprecated names PyTorch warns about. They are
  left out of the coverage count.
- OMITTED: single names a user might want, which ember leaves out on purpose, with the reason. They count
  as not implemented.

Every other PyTorch name is implemented by ember, or missing: tests/test_api_coverage.py checks that
the ledger and ember agree. A program that touches a name ember lacks gets an error naming it, with the
reason given here (message(), used by the module __getattr__ of ember's packages and by Tensor).
"""

import fnmatch

_STORAGE = "storages: ember's tensors hold NumPy or CuPy arrays, not PyTorch storages"
_SPARSE = "sparse tensors are out of ember's scope"
_QUANTIZED = "quantized tensors (integer inference kernels) are out of ember's scope"
_COMPLEX = "complex numbers are out of ember's scope: its dtypes are real"
_NESTED = "nested (ragged) tensors are out of ember's scope"
_JIT = "TorchScript (PyTorch's JIT compiler) and its internals: ember runs Python eagerly"
_DISPATCH = "PyTorch's dispatcher and operator internals"
_COMPILE = "symbolic shapes and control flow of torch.compile and torch.export tracing"
_KERNEL = "a backend kernel, or the ATen op behind an nn layer: use the layer or its torch.nn.functional function"
_DEVICES = "devices ember has no backend for (IPU, XPU, XLA, MAIA, MTIA, MKL-DNN, Vulkan)"
_DTYPES = "sub-byte and 8-bit float dtypes of quantized kernels: NumPy has none"
_BUILD = "flags of how PyTorch's own binary was built"
_DEPRECATED = "deprecated: PyTorch warns and names its replacement"
_REMOVED = "removed from PyTorch (calling it raises)"
_DATAPIPES = "DataPipes, deprecated in PyTorch and moved out of it (torchdata)"
_INTERNAL = "an internal of PyTorch's module, not API"
_LEGACY = "a relic of PyTorch's first distributed package (THD), always False in PyTorch"

OUT_OF_SCOPE = {
    "torch": {
        "*Storage": _STORAGE, "is_storage": _STORAGE,
        "sparse_*": _SPARSE, "*_indices_copy": _SPARSE, "indices_copy": _SPARSE, "values_copy": _SPARSE,
        "dsmm": _SPARSE, "hsmm": _SPARSE, "hspmm": _SPARSE, "smm": _SPARSE, "spmm": _SPARSE, "saddmm": _SPARSE,
        "sspaddmm": _SPARSE, "resize_as_sparse_": _SPARSE,
        "quantize_*": _QUANTIZED, "quantized_*": _QUANTIZED, "dequantize": _QUANTIZED, "q_*": _QUANTIZED,
        "qint*": _QUANTIZED, "quint*": _QUANTIZED, "qscheme": _QUANTIZED, "fake_quantize_*": _QUANTIZED,
        "fused_moving_avg_obs_fake_quant": _QUANTIZED, "choose_qparams_optimized": _QUANTIZED,
        "empty_quantized": _QUANTIZED, "int_repr": _QUANTIZED,
        "complex*": _COMPLEX, "cfloat": _COMPLEX, "cdouble": _COMPLEX, "chalf": _COMPLEX, "polar": _COMPLEX,
        "view_as_complex*": _COMPLEX, "view_as_real*": _COMPLEX, "conj": _COMPLEX, "conj_physical*": _COMPLEX,
        "resolve_conj": _COMPLEX, "resolve_neg": _COMPLEX, "is_conj": _COMPLEX, "is_neg": _COMPLEX,
        "is_complex": _COMPLEX, "angle": _COMPLEX, "real": _COMPLEX, "imag": _COMPLEX,
        "Script*": _JIT, "*Type": _JIT, "Graph": _JIT, "Node": _JIT, "Block": _JIT, "Value": _JIT, "Use": _JIT,
        "Code": _JIT, "CompilationUnit": _JIT, "ConcreteModuleType*": _JIT, "FunctionSchema": _JIT,
        "Argument": _JIT, "ArgumentSpec": _JIT, "CompleteArgumentSpec": _JIT, "ExecutionPlan": _JIT,
        "GraphExecutorState": _JIT, "Gradient": _JIT, "ErrorReport": _JIT, "FileCheck": _JIT, "IODescriptor": _JIT,
        "JITException": _JIT, "LiteScriptModule": _JIT, "LockingLogger": _JIT, "NoopLogger": _JIT,
        "AliasDb": _JIT, "OperatorInfo": _JIT, "PyTorchFileReader": _JIT, "PyTorchFileWriter": _JIT,
        "StaticModule": _JIT, "TracingState": _JIT, "DeepCopyMemoTable": _JIT,
        "DeserializationStorageContext": _JIT, "SerializationStorageContext": _JIT, "CallStack": _JIT,
        "Capsule": _JIT, "AggregationType": _JIT, "AVG": _JIT, "SUM": _JIT, "BenchmarkConfig": _JIT,
        "BenchmarkExecutionStats": _JIT, "ThroughputBenchmark": _JIT, "import_ir_module*": _JIT, "parse_ir": _JIT,
        "parse_schema": _JIT, "parse_type_comment": _JIT, "merge_type_from_type_comment": _JIT,
        "unify_type_list": _JIT, "fork": _JIT, "wait": _JIT, "Future": _JIT, "ModuleDict": _JIT,
        "ParameterDict": _JIT, "BufferDict": _JIT, "FatalError": _JIT,
        "DispatchKey": _DISPATCH, "DispatchKeySet": _DISPATCH, "ExcludeDispatchKeyGuard": _DISPATCH,
        "DisableTorchFunction*": _DISPATCH, "Tag": _DISPATCH, "autocast_*crement_nesting": _DISPATCH,
        "clear_autocast_cache": _DISPATCH, "init_num_threads": _DISPATCH, "slice_inverse": _DISPATCH,
        "Sym*": _COMPILE, "sym_*": _COMPILE, "cond": _COMPILE,
        "cudnn_*": _KERNEL, "miopen_*": _KERNEL, "mkldnn_*": _KERNEL, "fbgemm_*": _KERNEL, "native_*": _KERNEL,
        "*_backward*": _KERNEL, "batch_norm_*": _KERNEL, "constant_pad_nd": _KERNEL,
        "convolution": _KERNEL, "grid_sampler*": _KERNEL, "affine_grid_generator": _KERNEL,
        "embedding_renorm_": _KERNEL, "norm_except_dim": _KERNEL,
        "lstm": _KERNEL, "gru": _KERNEL, "rnn_tanh": _KERNEL, "rnn_relu": _KERNEL, "lstm_cell": _KERNEL,
        "gru_cell": _KERNEL, "rnn_tanh_cell": _KERNEL, "rnn_relu_cell": _KERNEL,
        "*autocast_cpu*": _DEPRECATED, "*autocast_gpu*": _DEPRECATED, "*autocast_ipu*": _DEVICES,
        "*autocast_xla*": _DEVICES, "is_vulkan_available": _DEVICES,
        "float8_*": _DTYPES, "float4_*": _DTYPES, "bits*": _DTYPES, "bit": _DTYPES, "int[1-7]": _DTYPES,
        "uint[1-7]": _DTYPES,
        "has_*": _BUILD,
        "range": _DEPRECATED, "set_default_tensor_type": _DEPRECATED,
        "is_distributed": _LEGACY,
    },
    "torch.Tensor": {
        "storage": _STORAGE, "storage_type": _STORAGE, "untyped_storage": _STORAGE, "is_set_to": _STORAGE,
        "set_": _STORAGE,
        "to_sparse*": _SPARSE, "to_dense": _SPARSE, "coalesce": _SPARSE, "is_coalesced": _SPARSE,
        "indices": _SPARSE, "values": _SPARSE, "crow_indices": _SPARSE, "col_indices": _SPARSE,
        "ccol_indices": _SPARSE, "row_indices": _SPARSE, "sparse_*": _SPARSE, "dense_dim": _SPARSE,
        "is_sparse*": _SPARSE, "smm": _SPARSE, "sspaddmm": _SPARSE, "resize_as_sparse_": _SPARSE,
        "q_*": _QUANTIZED, "qscheme": _QUANTIZED, "int_repr": _QUANTIZED, "dequantize": _QUANTIZED,
        "is_quantized": _QUANTIZED,
        "conj": _COMPLEX, "conj_physical*": _COMPLEX, "resolve_conj": _COMPLEX, "resolve_neg": _COMPLEX,
        "is_conj": _COMPLEX, "is_neg": _COMPLEX, "imag": _COMPLEX, "real": _COMPLEX, "angle": _COMPLEX,
        "cfloat": _COMPLEX, "cdouble": _COMPLEX, "chalf": _COMPLEX, "is_complex": _COMPLEX,
        "is_nested": _NESTED, "to_padded_tensor": _NESTED,
        "ipu": _DEVICES, "is_ipu": _DEVICES, "xpu": _DEVICES, "is_xpu": _DEVICES, "is_xla": _DEVICES,
        "is_maia": _DEVICES, "mtia": _DEVICES, "is_mtia": _DEVICES, "is_mkldnn": _DEVICES, "to_mkldnn": _DEVICES,
        "is_vulkan": _DEVICES,
        "module_load": _INTERNAL, "output_nr": _INTERNAL,
        "eig": _REMOVED, "lstsq": _REMOVED, "symeig": _REMOVED, "solve": _REMOVED, "reinforce": _REMOVED,
        "volatile": _REMOVED, "resize": _DEPRECATED, "resize_as": _DEPRECATED,
        "is_distributed": _LEGACY, "slice_inverse": _DISPATCH, "name": _INTERNAL,
        "index": "first-class dimensions (functorch.dim), an experimental way of naming dimensions",
    },
    "torch.nn": {
        "Container": _DEPRECATED, "factory_kwargs": _INTERNAL,
    },
    "torch.nn.functional": {
        "BroadcastingList*": _JIT, "boolean_dispatch": _JIT, "DType": _INTERNAL, "TYPE_CHECKING": _INTERNAL,
        "Tensor": "torch.Tensor, counted in torch", "GRID_SAMPLE_*": _INTERNAL, "assert_int_or_pair": _INTERNAL,
        "*_notes": "a fragment of PyTorch's docstrings", "handle_torch_function": _DISPATCH,
        "has_torch_function*": _DISPATCH, "native_channel_shuffle": _KERNEL,
        "multi_head_attention_forward": _KERNEL, "ScalingType": _DTYPES, "SwizzleType": _DTYPES,
        "scaled_mm": _DTYPES, "scaled_grouped_mm": _DTYPES,
    },
    "torch.utils.data": {
        "*DataPipe": _DATAPIPES, "DataChunk": _DATAPIPES, "functional_datapipe": _DATAPIPES,
        "guaranteed_datapipes_determinism": _DATAPIPES, "non_deterministic": _DATAPIPES,
        "runtime_validation*": _DATAPIPES, "argument_validation": _DATAPIPES, "_DatasetKind": _INTERNAL,
    },
    "torch.autograd": {
        "NestedIOFunction": _INTERNAL, "variable": _REMOVED, "set_multithreading_enabled": _INTERNAL,
        "enforce_grad_layout_policy": _INTERNAL,
    },
    "torch.linalg": {
        "common_notes": "a fragment of PyTorch's docstrings",
    },
}

_STFT = "signal processing (FFTs, STFT) needs complex numbers, which ember does not have"
_RAW_LAPACK = "LAPACK's raw factorizations; torch.linalg's qr, cholesky and solve cover their uses"
_LDL = "LAPACK's pivoted LDLᵀ factorization (sytrf), which NumPy and CuPy lack; use cholesky, lu_factor or solve"
_STRIDES = "views built from raw strides can alias memory arbitrarily; ember's arrays choose their own strides"
_STREAMS = "CUDA streams and events: ember runs each op on the GPU's default stream"
_PER_ELEMENT = "a Python function called per element; write it with tensor ops instead"

OMITTED = {
    "torch": {
        "stft": _STFT, "istft": _STFT,
        "vmap": "function transforms (vmap, torch.func) need a batching tracer; ember runs each op as it comes",
        "lobpcg": "an eigensolver for large sparse matrices; use torch.linalg.eigh",
        "geqrf": _RAW_LAPACK, "ormqr": _RAW_LAPACK,
        "as_strided": _STRIDES, "as_strided_": _STRIDES, "as_strided_copy": _STRIDES, "as_strided_scatter": _STRIDES,
        "set_flush_denormal": "NumPy cannot switch how the CPU treats denormal numbers",
        "Event": _STREAMS, "Stream": _STREAMS,
        "AcceleratorError": "ember does not wrap CuPy's errors: a failing CUDA call raises "
                            "cupy.cuda.runtime.CUDARuntimeError",
        "embedding_bag": "the kernel's four internal results; use torch.nn.functional.embedding_bag",
    },
    "torch.Tensor": {
        "apply_": _PER_ELEMENT, "map_": _PER_ELEMENT, "map2_": _PER_ELEMENT,
        "as_strided": _STRIDES, "as_strided_": _STRIDES, "as_strided_scatter": _STRIDES,
        "new_empty_strided": _STRIDES, "record_stream": _STREAMS,
        "stft": _STFT, "istft": _STFT, "geqrf": _RAW_LAPACK, "ormqr": _RAW_LAPACK,
        "grad_dtype": "a gradient always has its tensor's dtype in ember",
    },
    "torch.nn": {
        "LinearCrossEntropyOptions": "chunking settings of PyTorch's memory-saving linear_cross_entropy; ember "
                                     "computes the logits in one piece",
    },
    "torch.nn.functional": {
        "grouped_mm": "mixture-of-experts' grouped product for bfloat16 GPU kernels; use matmul on each group",
    },
    "torch.optim": {
        "SparseAdam": "it needs sparse gradients, and ember has no sparse tensors",
    },
    "torch.autograd": {
        "gradgradcheck": "it checks second derivatives, and ember's backward pass is first order",
    },
    "torch.linalg": {
        "eig": "general eigenvalues are complex numbers, which ember lacks; torch.linalg.eigh covers symmetric "
               "matrices",
        "eigvals": "general eigenvalues are complex numbers, which ember lacks; torch.linalg.eigvalsh covers "
                   "symmetric matrices",
        "ldl_factor": _LDL, "ldl_factor_ex": _LDL, "ldl_solve": _LDL,
    },
}


def out_of_scope(namespace, name):
    """The reason of the first out-of-scope family of namespace whose pattern matches name, or None."""
    for pattern, why in OUT_OF_SCOPE.get(namespace, {}).items():
        if fnmatch.fnmatchcase(name, pattern):
            return why
    return None


def reason(namespace, name):
    """Why ember leaves namespace.name out, or None when the ledger does not list it."""
    return OMITTED.get(namespace, {}).get(name) or out_of_scope(namespace, name)


def message(namespace, name):
    """What an error says of a PyTorch name that ember lacks: 'ember has no torch.nn.Foo', with the reason."""
    why = reason(namespace, name)
    return f"ember has no {namespace}.{name}" + (f": {why}" if why else "")


def missing(namespace, name):
    """The AttributeError for namespace.name, a PyTorch name that ember lacks (see message)."""
    return AttributeError(message(namespace, name))
