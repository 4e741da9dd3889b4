"""The core stays small enough to read: its size is a decision, not a drift.

Each part of the core has a budget of non-blank lines, a little above its size when the budget was
last set. A change that outgrows one raises the budget here, in the same commit, saying why.
"""

import pathlib

import ember

SOURCE = pathlib.Path(ember.__file__).parent

BUDGETS = {  # part of src/ember -> the most non-blank lines it may have
    "backend.py": 480,  # issue 12: dtypes uint16-64, bfloat16, the default dtype and device, torch.Generator,
    # storage_offset, deterministic mode (use_deterministic_algorithms); issue 19: blockwise, erf into `out`
    "autograd.py": 629,  # issue 11: grad_fn.next_functions and AccumulateGrad (the blitz prints them);
    # torch.autograd's arguments of grad and backward, anomaly detection (issue 15: naming the
    # op, its layer's module path and the lines that created it, forward and backward), InputError (issue 21:
    # NumPy's shape errors in a forward raised as it), and Functions in
    # PyTorch's style handed to autograd_function.py (issue 12); bfloat16/float16 computed in float32 and the
    # ONNX export's tracer (issue 16); post-accumulate-grad hooks, which DistributedDataParallel starts its
    # all-reduces from (issue 14); is_inference_mode_enabled
    "tensor.py": 1080,  # issues 11 and 12: the PyTorch methods of every op family and their in-place forms, the
    # legacy typed constructors, Size, new_*, the memory and dtype questions, x[i] = v in a graph; the last of the
    # ledger's Tensor names (detach_, as_subclass, retains_grad, fill_diagonal_, resize_, new, layout); issue 20:
    # a one-line docstring on each public method and property (the API reference)
    "ops": 9612,  # issue 19: GELU's passes in cache-sized blocks (+10); issue 21: float32 cumsum and cumprod in
    # float64 (+9),
    # the differential tester's rows and the fixes they found: the tensor family's (+83:
    # PyTorch's checks of 0-d and empty tensors in the splits, unflatten, repeat_interleave, roll, permute,
    # kthvalue, gradient, trapezoid; fills that overflow an integer dtype or need a gradient; bool sums in the puts;
    # index errors of both kinds); the convolutions' (+72): interpolate and adaptive average pooling read their
    # taps as PyTorch does (Taps), max pooling's padding never wins, the last NaN of adaptive and fractional
    # windows, the pools', unfold's, fold's and pad's refusals of empty sides, pad's value range, grid_sample's zero
    # pixel; linear algebra's (+42): addmm's input at beta = 0 in the graph (unread), addr's promotion and bools,
    # tensordot's contracted sides of 1, bool products refused, trace of bools, einsum's int64 sums, block_diag's
    # promotion, cov's weights and bools, cholesky_inverse's singular factor, torch.lu of singular matrices,
    # matrix_power's n = 0 and bools, orgqr's empty tau; the layers' and losses' (+44): dropout's mask after its
    # shortcuts, embedding_bag's max and padding, attention's -inf and NaN scores, batch_norm's checks and eps,
    # renorm's and rrelu's NaN, the margin kernels' hinge, the losses' ignored targets, zero total weights and
    # dtypes, cdist of no coordinates, pairwise_distance of 0-d inputs; axis=/keepdims= on the indexing, scatter,
    # norm and distance functions too, and
    # torch.softmax/log_softmax (dim required, dtype third) apart from F's, sinc's derivative in PyTorch's form,
    # the regression losses' slope with the upstream factor first; binary_cross_entropy_with_logits's target
    # gradient without cancelling (+3); scatter's products multiplied in PyTorch's order on the CPU (+7);
    # the class losses' mean over weights that cancel, ±inf, and cumprod's gradient stopping at the next zero (+6);
    # issue 19: the recurrences' inference without saved activations, zero_where, im2col in bands, max pooling's
    # pick of the last NaN, attention on transposed scores, the norms' in-place inference, promote's one-dtype
    # check; issue 11: out= of add, sub, mul, div and matmul (the blitz's tensors page); issue 21: PyTorch's edge
    # semantics the differential tester checks; issue 20: a one-line docstring on each public function (the API
    # reference); issue 12:
    # torch.*'s math, reductions, scans, sorting, statistics, sampling, activations, norms,
    # distances, indexing, scatter, joins, diagonals, layout and the *_copy views; the linear algebra of torch.* and
    # torch.linalg (products, einsum, factorizations, solvers); every loss of torch.nn (CTC, margin, distribution);
    # 3-D and transposed convolutions, fold/unfold, every pooling, padding in four modes, interpolate's modes,
    # grid_sample, affine_grid; SyncBatchNorm across processes (issue 14); gradient, histogramdd, hash_tensor,
    # torch.batch_norm and friends
    "nn": 4909,  # issue 12: the layers of the activations, dropouts, norms, lazy layers, parameter containers;
    # nn.Module's whole API (hooks, state-dict hooks), all of nn.init and of nn.utils with its parametrizations;
    # every loss module of torch.nn; the convolution (lazy too), pooling, padding, folding and upsampling layers;
    # issue 14: DistributedDataParallel (its buckets views of the gradients) and SyncBatchNorm across processes;
    # issue 21: Linear's and the recurrences' input errors of PyTorch's classes (InputError, +2)
    "optim": 1900,  # every optimizer and scheduler of torch.optim, and swa_utils (issue 11)
}


def non_blank_lines(path):
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    return sum(1 for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip())


def test_the_core_stays_within_its_line_budgets():
    sizes = {part: non_blank_lines(SOURCE / part) for part in BUDGETS}
    over = {part: f"{sizes[part]} lines, budget {budget}" for part, budget in BUDGETS.items() if sizes[part] > budget}
    assert not over, f"over budget (raise it in tests/test_size.py if the growth is meant): {over}"
