"""Reverse-mode automatic differentiation: Function, the backward engine, grad modes and hooks.

Every differentiable op is a `Function` subclass with a `forward` and a `backward` on raw arrays.
Calling `Op.apply(*inputs)` runs forward and, when gradients are wanted, records one graph node:
the Function instance itself, which is also the `ctx` its forward and backward receive. The node
remembers where each input's gradient must go (its *edges*) and whatever backward needs.

`backward()` then visits the nodes from the output back to the leaves in topological order, with
an explicit stack rather than recursion, summing the gradient that reaches each tensor from all of
its uses (the multivariate chain rule) before passing it on.

A subclass written in PyTorch's style, with static forward(ctx, *args) and backward(ctx, *grads) on
Tensors (a torch.autograd.Function), is run by the adapter of ember/autograd_function.py, which sits
above tensor.py and hands its apply() to this module at import.
"""

import functools
import os
import traceback
import warnings
import weakref

from . import backend


class InputError(ValueError, RuntimeError):
    """Tensors of shapes or dtypes an op cannot take: a RuntimeError, as PyTorch raises, and a ValueError, as
    NumPy raises, so that neither kind of `except` misses it."""

# ---------------------------------------------------------------------------------------------
# Grad modes.

_grad_enabled = True
_inference_enabled = False


def is_grad_enabled():
    """Whether ops record the graph for backward now (off under no_grad and inference_mode)."""
    return _grad_enabled


class _GradMode:
    """Base of the grad-mode switches: a context manager, and a decorator when called with a function."""

    mode = True

    def __enter__(self):
        global _grad_enabled
        self._previous = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def with_mode(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return with_mode


class no_grad(_GradMode):
    """Record no graph inside: for evaluation and for updating weights (`with ember.no_grad():`)."""

    mode = False


class inference_mode(_GradMode):
    """PyTorch's inference mode, which in ember is no_grad (`with inference_mode():`, `@inference_mode()`,
    `@inference_mode`); inference_mode(False) leaves the grad mode as it is."""

    def __new__(cls, mode=True):
        if callable(mode):  # @inference_mode, without parentheses
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.inference = bool(mode)

    @property
    def mode(self):
        return False if self.inference else _grad_enabled

    def __enter__(self):
        global _inference_enabled
        self._previous_inference = _inference_enabled
        _inference_enabled = self.inference
        super().__enter__()

    def __exit__(self, *exc_info):
        global _inference_enabled
        super().__exit__(*exc_info)
        _inference_enabled = self._previous_inference

    def __call__(self, fn):
        inference = self.inference

        @functools.wraps(fn)
        def in_mode(*args, **kwargs):
            with inference_mode(inference):
                return fn(*args, **kwargs)
        return in_mode


def is_inference_mode_enabled():
    """Whether code runs inside `with inference_mode():`."""
    return _inference_enabled


class enable_grad(_GradMode):
    """Record the graph again inside a `no_grad` block."""

    mode = True


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` turns recording off now; as a context manager, until the block ends."""

    def __init__(self, mode):
        global _grad_enabled
        self.mode = bool(mode)
        self._previous = _grad_enabled
        _grad_enabled = self.mode

    def __enter__(self):
        pass  # the mode was already set by __init__

    def __call__(self, fn):
        global _grad_enabled
        _grad_enabled = self._previous  # as a decorator it switches the mode only while fn runs
        return super().__call__(fn)


# ---------------------------------------------------------------------------------------------
# The tracer: while a model is exported to ONNX (ember.io.onnx_export), every op that runs is told to it.

_tracer = None


def set_tracer(tracer):
    """Have tracer.record(cls, inputs, attrs, outputs) called for every op that runs (None: stop)."""
    global _tracer
    _tracer = tracer


# ---------------------------------------------------------------------------------------------
# Function: one op, and (its instance) one node of the graph.

class Function:
    """A differentiable operation: `forward(ctx, *arrays, **attrs)` and `backward(ctx, *grads)`.

    Both work on raw arrays of the inputs' array module `ctx.xp` (NumPy or CuPy), never on Tensors.
    forward returns an array (or a tuple of arrays); backward gets the gradient of the loss with
    respect to each output and returns one gradient per input (None where none is needed; it may
    return a broadcast shape, which the engine sums back to the input's shape). An optional tensor
    input that was left out is passed as None: forward receives None, backward returns None for it.
    backward must not
    modify the gradients it is given. Arrays that backward needs go through
    `ctx.save_for_backward(...)`, so that an in-place change to them is caught; anything else
    (shapes, axes) is kept as a plain attribute of ctx.
    """

    # Low precision: NumPy has no bfloat16 arithmetic of its own, and its float16 rounds every step of a
    # sum or a product. So an op whose floating tensors are all bfloat16 (or float16 on the CPU) computes
    # on float32 copies of them, backward too, and rounds its floating results back to nearest, ties to
    # even, as PyTorch does on the CPU. An op that only moves numbers (a view, a copy, indexing, a
    # cast) sets moves_data and works on the 16-bit arrays themselves.
    moves_data = False
    low_precision = None  # per node: the 16-bit dtype its float32 results were rounded to

    # Defaults, shadowed per node by apply(); a node whose graph was freed falls back to them.
    edges = None        # per input: None, or (leaf tensor or parent node, output index, shape, dtype)
    saved = ()          # the arrays saved for backward
    _versions = ()      # (weak reference to a tensor whose data was saved, its version then)
    _hooks = None       # {output index: [hook, ...]} for gradient hooks on non-leaf outputs
    n_outputs = 1
    materialize_grads = True  # backward gets zeros for an output that no gradient reached (False: None)

    def forward(ctx, *arrays, **attrs):
        raise NotImplementedError

    def backward(ctx, *grads):
        raise NotImplementedError

    def save_for_backward(ctx, *arrays):
        ctx.saved = arrays

    def __repr__(self):
        return f"<{type(self).__name__}Backward>"

    @property
    def next_functions(self):
        """Per input, (the node its gradient goes to, that node's output index): the op that made the input,
        an AccumulateGrad for a leaf that requires grad, (None, 0) for a constant."""
        return tuple((None, 0) if edge is None else
                     ((edge[0], edge[1]) if isinstance(edge[0], Function) else (AccumulateGrad(edge[0]), 0))
                     for edge in self.edges or ())

    def __init_subclass__(cls, **kwargs):
        """A subclass with a static forward is in PyTorch's style (see the module's docstring)."""
        super().__init_subclass__(**kwargs)
        if isinstance(vars(cls).get("forward"), staticmethod):
            cls.apply = classmethod(_apply_pytorch_style)

    @classmethod
    def apply(cls, *inputs, **attrs):
        """Run forward on the inputs (Tensors; Python numbers and None as constants) and record the node."""
        arrays, needs_grad, first, sixteen_bits = [], [], None, False
        for x in inputs:
            if isinstance(x, Tensor):
                data = x.array
                if first is None:
                    first = data
                elif type(data) is not type(first):
                    raise RuntimeError(f"{cls.__name__}: expected all tensors on one device, found "
                                       f"{backend.device_of(first)} and {backend.device_of(data)}")
                arrays.append(data)
                needs_grad.append(x._requires_grad)
                sixteen_bits = sixteen_bits or data.dtype.itemsize == 2
            elif x is None or isinstance(x, (int, float)):
                arrays.append(x)  # an optional input left out (None) or a number: a constant
                needs_grad.append(False)
            else:
                raise TypeError(f"{cls.__name__}: expected Tensors, numbers or None, got {type(x).__name__}")
        recording = _grad_enabled and True in needs_grad
        ctx = cls()
        ctx.xp = backend.xp_of(first)
        ctx.needs_input_grad = tuple(needs_grad) if recording else (False,) * len(needs_grad)
        if sixteen_bits and not cls.moves_data:
            ctx.low_precision = _low_precision(ctx.xp, arrays)
        try:
            if ctx.low_precision is None:
                out = ctx.forward(*arrays, **attrs)
            else:
                out = _rounded(ctx.forward(*_widened(arrays, ctx.low_precision), **attrs), ctx.low_precision)
        except ValueError as error:  # NumPy's shape errors (shapes that do not broadcast) are PyTorch's RuntimeError
            if isinstance(error, InputError):
                raise
            raise InputError(f"{cls.__name__}: {error}") from error

        node = ctx if recording else None
        if type(out) is tuple:
            results = tuple(Tensor._from_op(backend.as_array(o), node, i) for i, o in enumerate(out))
        else:
            results = (Tensor._from_op(backend.as_array(out), node, 0),)
        if _tracer is not None:
            _tracer.record(cls, inputs, attrs, results)
        if recording:
            ctx.n_outputs = len(results)
            ctx.edges = [_edge(x) if needed else None for x, needed in zip(inputs, needs_grad)]
            if ctx.saved:
                ctx._versions = [(weakref.ref(t), t._version) for t in (*inputs, *results)
                                 if isinstance(t, Tensor) and any(t.array is s for s in ctx.saved)]
            if len(results) > 1:
                ctx.output_meta = [(r.array.shape, r.array.dtype) for r in results]
            if _anomaly[0]:
                _watch_forward(ctx, inputs, results)
        return results if type(out) is tuple else results[0]


class AccumulateGrad:
    """The graph's end at a leaf that requires grad: its gradient is added into variable.grad."""

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()

    def __repr__(self):
        return "<AccumulateGrad>"


def _low_precision(xp, arrays):
    """bfloat16 (or, on the CPU, float16) when it is the dtype of every floating array, else None."""
    floating = {a.dtype for a in arrays if backend.is_array(a) and backend.is_floating(a.dtype)}
    if len(floating) != 1:
        return None
    dtype, = floating
    return dtype if dtype.name == "bfloat16" or (dtype == backend.float16 and backend.is_cpu(xp)) else None


def _widened(arrays, dtype):
    """The arrays of dtype as float32 copies (None, numbers and other dtypes as they are)."""
    return [a.astype(backend.float32) if backend.is_array(a) and a.dtype == dtype else a for a in arrays]


def _rounded(out, dtype):
    """forward's float32 result(s) rounded to dtype (to nearest, ties to even)."""
    if type(out) is tuple:
        return tuple(_rounded(o, dtype) for o in out)
    out = backend.as_array(out)
    return out.astype(dtype) if out.dtype == backend.float32 else out


def _edge(t):
    """Where the gradient for input tensor t goes: its own .grad (a leaf) or its maker's node."""
    target = t if t._ctx is None else t._ctx
    return (target, t._output_index, t.array.shape, t.array.dtype)


# ---------------------------------------------------------------------------------------------
# The backward engine.

def _topological_order(roots):
    """Every node reachable from the roots, each before the nodes that made its inputs, and how many of
    their edges reach each leaf that has post-accumulate hooks ({id(leaf): [leaf, count]})."""
    finished, visited, waiting = [], set(), {}
    stack = [(node, False) for node in roots]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            finished.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for edge in node.edges or ():
            if edge is not None and isinstance(edge[0], Function) and edge[0] not in visited:
                stack.append((edge[0], False))
        _count_leaf_edges(node.edges or (), waiting)
    finished.reverse()
    return finished, waiting


def _count_leaf_edges(edges, waiting):
    for edge in edges:
        if edge is not None and not isinstance(edge[0], Function) and edge[0]._post_hooks:
            waiting.setdefault(id(edge[0]), [edge[0], 0])[1] += 1


def _count_down(edges, waiting, sink):
    """These edges have been sent (or gave nothing): a leaf whose edges are all done has its whole gradient."""
    for edge in edges:
        entry = waiting.get(id(edge[0])) if edge is not None else None
        if entry is not None:
            entry[1] -= 1
            if entry[1] == 0:
                sink.leaf_done(entry[0])


def _unbroadcast(grad, shape, node):
    """Sum grad over the axes that broadcasting added or stretched, giving it the input's shape."""
    extra = grad.ndim - len(shape)
    stretched = tuple(extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1) \
        if extra >= 0 else ()
    if extra < 0 or any(n != 1 and grad.shape[extra + i] != n for i, n in enumerate(shape)):
        raise RuntimeError(f"{type(node).__name__}.backward returned a gradient of shape {grad.shape} "
                           f"for an input of shape {shape}")
    grad = backend.as_array(grad.sum(axis=tuple(range(extra)) + stretched, keepdims=True))
    return grad.reshape(shape)


def _check_versions(node):
    for ref, version in node._versions:
        t = ref()
        if t is not None and t._version != version:
            raise RuntimeError(
                f"a tensor of shape {t.shape} that {type(node).__name__} saved for backward was changed "
                f"by an in-place operation (it is at version {t._version}; the graph needs version "
                f"{version}). Use the out-of-place form (x.add_(y) -> x + y), or clone() it first.")


def _run_hooks(hooks, grad):
    for hook in hooks:
        result = hook(Tensor(grad))
        if result is not None:
            grad = result.array
    return grad


def run_backward(roots, root_grads, retain_graph=False, sink=None):
    """Backpropagate root_grads (arrays) from roots (tensors) to the leaves: into every leaf's .grad,
    or into `sink` (a Capture: what autograd.grad collects instead). Returns the sink."""
    sink = IntoGrad(root_grads) if sink is None else sink
    slots = {}  # node -> [summed gradient of each of its outputs]
    order, waiting = _topological_order([r._ctx for r in roots if r._ctx is not None])
    root_edges = [_edge(root) for root in roots]
    _count_leaf_edges(root_edges, waiting)
    for edge, grad in zip(root_edges, root_grads):
        _send(edge, grad, None, slots, sink)
    _count_down(root_edges, waiting, sink)
    for node in order:
        grads = slots.pop(node, None)
        if grads is None:
            if waiting:
                _count_down(node.edges, waiting, sink)
            continue
        edges = node.edges
        for edge, grad in zip(edges, _node_backward(node, grads, sink)):
            if edge is not None and grad is not None:
                _send(edge, grad, node, slots, sink)
        if waiting:
            _count_down(edges, waiting, sink)
        if not retain_graph:
            vars(node).clear()  # frees the saved arrays; node.edges is None from now on
    return sink


def _send(edge, grad, node, slots, sink):
    """Pass a gradient along an edge: summed into the slot of the node that made the input, or to the sink
    for a leaf. It is first given the input's shape (undoing broadcasting) and dtype."""
    target, index, shape, dtype = edge
    grad = backend.as_array(grad)  # NumPy gives scalars, not 0-d arrays, for 0-d results
    if grad.shape != shape:
        grad = _unbroadcast(grad, shape, node)
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    if isinstance(target, Function):
        slot = slots.get(target)
        if slot is None:
            slot = slots[target] = [None] * target.n_outputs
        slot[index] = grad if slot[index] is None else backend.as_array(slot[index] + grad)
    else:
        sink.leaf(target, grad)


def _node_backward(node, grads, sink):
    """One node's input gradients from its outputs' summed gradients (after its hooks)."""
    if node.edges is None:
        raise RuntimeError(
            f"trying to backward through the graph a second time: {type(node).__name__}'s saved "
            "arrays were freed by the first backward(). Pass retain_graph=True to the first call "
            "if you need to backward twice.")
    _check_versions(node)
    if node._hooks:
        grads = [_run_hooks(node._hooks.get(i, ()), g) if g is not None else g for i, g in enumerate(grads)]
    sink.node(node, grads)
    if node.n_outputs > 1 and node.materialize_grads:
        grads = [node.xp.zeros(shape, dtype) if g is None else g for g, (shape, dtype) in zip(grads, node.output_meta)]
    if node.low_precision is not None:
        grads = _widened(grads, node.low_precision)
    input_grads = node.backward(*grads)
    if not isinstance(input_grads, tuple):
        input_grads = (input_grads,)
    if len(input_grads) != len(node.edges):
        raise RuntimeError(f"{type(node).__name__}.backward returned {len(input_grads)} gradients "
                           f"for {len(node.edges)} inputs")
    if _anomaly[0] and _anomaly[1]:
        _check_backward(node, input_grads)
    return input_grads


class IntoGrad:
    """Where backward() puts gradients: each leaf's is added into its .grad, after its hooks; given inputs, only
    those tensors' (leaves or not) are. Once a leaf's gradient is whole, its post-accumulate hooks are called."""

    def __init__(self, root_grads, inputs=None):
        self.given = {id(g) for g in root_grads}  # arrays that a new .grad must not share
        self.borrowed = set()  # arrays a .grad took as they came, which may still be on their way to other nodes
        self.inputs = None if inputs is None else {_slot(t): t for t in inputs}
        self.reached = set()  # ids of the leaves that got a gradient

    def leaf(self, leaf, grad):
        if self.inputs is not None and (id(leaf), 0) not in self.inputs:
            return
        if leaf._hooks:
            grad = _run_hooks(leaf._hooks, grad)
        self.reached.add(id(leaf))
        self._accumulate(leaf, grad)

    def node(self, node, grads):
        if not self.inputs:
            return  # without inputs, only leaves get a .grad
        for index, grad in enumerate(grads):
            t = self.inputs.get((id(node), index))
            if t is not None and grad is not None:
                self._accumulate(t, grad)

    def _accumulate(self, t, grad):
        if t.grad is None:
            if grad.base is not None or id(grad) in self.given:
                grad = grad.copy()
            else:
                self.borrowed.add(id(grad))
            self.given.add(id(grad))
            t.grad = Tensor(grad)
        elif id(t.grad.array) in self.borrowed:  # (x + y, say, sends one array to x and on to y's node)
            self.borrowed.discard(id(t.grad.array))
            t.grad.array = backend.as_array(t.grad.array + grad)
        else:
            t.grad.array += grad

    def leaf_done(self, leaf):
        if id(leaf) in self.reached:
            for hook in list(leaf._post_hooks):
                hook(leaf)


def _slot(t):
    """Where a tensor's gradient shows up in the engine: (id of its node, or of itself for a leaf; output index)."""
    return (id(t._ctx if t._ctx is not None else t), t._output_index)


class Capture:
    """What autograd.grad collects instead: the gradient that reaches each of some tensors, leaves or
    not, by position (`grads[i]` for tensors[i]); .grad is left alone."""

    def __init__(self, tensors):
        self.wanted = {_slot(t): i for i, t in enumerate(tensors)}
        self.grads = {}

    def leaf(self, leaf, grad):
        i = self.wanted.get((id(leaf), 0))
        if i is not None:
            self.grads[i] = grad if i not in self.grads else backend.as_array(self.grads[i] + grad)

    def node(self, node, grads):
        for index, grad in enumerate(grads):
            i = self.wanted.get((id(node), index))
            if i is not None and grad is not None:
                self.grads[i] = grad

    def leaf_done(self, leaf):
        pass  # no .grad was accumulated


def _check_roots(tensors, grads):
    """The gradient arrays to start from: given ones checked, or 1 for a scalar output."""
    if grads is None:
        grads = [None] * len(tensors)
    if len(grads) != len(tensors):
        raise ValueError(f"got {len(grads)} gradients for {len(tensors)} tensors")
    arrays = []
    for t, g in zip(tensors, grads):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward() needs Tensors, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError("this tensor does not require grad and has no grad_fn: nothing that "
                               "made it requires grad (set requires_grad=True on the inputs), or it "
                               "was made under no_grad()")
        if g is None:
            if t.array.size != 1:
                raise RuntimeError(f"backward() on a tensor of shape {t.shape} needs a gradient argument: "
                                   "a gradient can be made up only for a scalar (one-element) output, "
                                   "such as a loss")
            arrays.append(backend.xp_of(t.array).ones_like(t.array))
        else:
            g = g.array if isinstance(g, Tensor) else backend.xp_of(t.array).asarray(g, dtype=t.dtype)
            if g.shape != t.shape:
                raise RuntimeError(f"the gradient has shape {g.shape}, the tensor has shape {t.shape}")
            arrays.append(g)
    return arrays


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Add d(tensors)/d(leaf) · grad_tensors into every leaf's .grad, or only into the .grad of inputs (leaves
    or not). Tensor.backward calls this; grad_variables is PyTorch's old name of grad_tensors."""
    _first_order("backward", create_graph)
    grad_tensors = grad_variables if grad_tensors is None else grad_tensors
    if isinstance(tensors, Tensor):
        tensors = [tensors]
        grad_tensors = None if grad_tensors is None else [grad_tensors]
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        if not inputs:
            raise RuntimeError("backward: inputs, if given, must not be empty")
    roots = _check_roots(tensors, grad_tensors)
    run_backward(tensors, roots, bool(retain_graph), IntoGrad(roots, inputs))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of outputs with respect to inputs, returned as a tuple; .grad is left alone. An input
    that the outputs do not depend on is an error, or gets None (allow_unused) or zeros (materialize_grads)."""
    _first_order("autograd.grad", create_graph)
    if is_grads_batched:
        raise NotImplementedError("autograd.grad: is_grads_batched=True (a batch of grad_outputs at once) is not "
                                  "in ember; call grad once per grad_output")
    if materialize_grads and allow_unused is False:
        raise ValueError("autograd.grad: materialize_grads=True gives zeros for unused inputs, so allow_unused "
                         "must be True or left out")
    allow_unused = materialize_grads or bool(allow_unused)
    single_output = isinstance(outputs, Tensor)
    outputs = [outputs] if single_output else list(outputs)
    if grad_outputs is not None and (single_output or isinstance(grad_outputs, Tensor)):
        grad_outputs = [grad_outputs]
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("autograd.grad: one of the inputs does not require grad")
    captured = run_backward(outputs, _check_roots(outputs, grad_outputs), bool(retain_graph), Capture(inputs)).grads
    result = []
    for i, t in enumerate(inputs):
        if i in captured:
            result.append(Tensor(captured[i]))
        elif not allow_unused:
            raise RuntimeError(f"autograd.grad: input {i} (shape {t.shape}) was not used to compute "
                               "the outputs; pass allow_unused=True to get None for it")
        else:
            result.append(Tensor(backend.xp_of(t.array).zeros_like(t.array)) if materialize_grads else None)
    return tuple(result)


def _first_order(what, create_graph):
    if create_graph:
        raise NotImplementedError(f"{what}(create_graph=True): ember's gradients are first order, so a gradient "
                                  "cannot be differentiated again (no gradient penalties, Hessians or double "
                                  "backward); leave create_graph=False")


# ---------------------------------------------------------------------------------------------
# Anomaly detection: name the first op that makes a NaN or an infinity, its module and where it was created.
#
# While it is on, every op that records a node notes the module whose forward made it and the lines of code
# that called it. An op whose forward makes a NaN that its inputs did not hold raises at once. One that makes
# an infinity only notes it (masks of -inf before a softmax are meant), and whatever the infinity leads to
# names it: a NaN made from it, a loss that fit() finds infinite. backward() raises at the first op whose
# gradient holds a NaN or an infinity.

_anomaly = (False, True)  # (detecting, checking for NaN and infinities)
_modules = []  # while detecting: how errors name the modules whose forward is running, innermost last
# The files whose lines are left out of "created at": the engine, the tensor and op machinery, Module.__call__.
_MACHINERY = tuple(os.path.join(os.path.dirname(__file__), *name.split("/"))
                   for name in ("autograd.py", "tensor.py", "ops/", "functional.py", "nn/module.py"))


def is_anomaly_enabled():
    """Whether anomaly detection is on (set_detect_anomaly, detect_anomaly)."""
    return _anomaly[0]


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection also checks each backward result for NaN."""
    return _anomaly[0] and _anomaly[1]


class detect_anomaly:  # noqa: N801 (PyTorch's name)
    """`with detect_anomaly():` (or as a decorator): errors at the first op that makes a NaN or an
    infinity, naming it, the module path of its layer, the shape, and the lines that created it. For
    debugging: every op checks its results. check_nan=False only notes where ops were created."""

    def __init__(self, check_nan=True):
        self.mode = (True, bool(check_nan))
        warnings.warn("anomaly detection is on: every op checks its results for NaN and infinities, which "
                      "is slow; use it to debug", UserWarning, stacklevel=2)

    def __enter__(self):
        global _anomaly
        self._previous, _anomaly = _anomaly, self.mode

    def __exit__(self, *exc_info):
        global _anomaly
        _anomaly = self._previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def detecting(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return detecting


class set_detect_anomaly(detect_anomaly):  # noqa: N801
    """`set_detect_anomaly(True)` turns anomaly detection on now (False: off); as a context manager,
    until the block ends."""

    def __init__(self, mode, check_nan=True):
        global _anomaly
        self._previous, _anomaly = _anomaly, (bool(mode), bool(check_nan))

    def __enter__(self):
        pass  # the mode was already set by __init__


def in_module(description, run):
    """run(), with the ops it makes named as made in the module described ("Linear 'encoder.0'");
    `Module.__call__` runs forward through it while anomaly detection is on."""
    _modules.append(description)
    try:
        return run()
    finally:
        _modules.pop()


def anomaly_origin(t):
    """Where the infinity that tensor t holds was first made (a sentence), or None: known only for tensors
    made while anomaly detection was on."""
    return None if t._ctx is None else getattr(t._ctx, "inf_origin", None)


def _watch_forward(ctx, inputs, results):
    """Note where ctx was created; raise if its forward made a NaN, note it if it made an infinity."""
    ctx.created_in = _modules[-1] if _modules else None
    ctx.created_at = [frame for frame in traceback.extract_stack() if not frame.filename.startswith(_MACHINERY)][-4:]
    if not _anomaly[1]:
        return
    xp = ctx.xp
    tensors = [x for x in inputs if isinstance(x, Tensor) and _inexact(x.array.dtype)]
    origins = [origin for origin in map(anomaly_origin, tensors) if origin is not None]
    for i, result in enumerate(results):
        if not _inexact(result.array.dtype):
            continue
        if xp.isnan(result.array).any() and not any(xp.isnan(x.array).any() for x in tensors):
            cause = f"; an input held an infinity, first made by {origins[0]}" if origins else ""
            raise RuntimeError(f"anomaly detection: {_op(ctx)} made NaN in its output {i} of shape "
                               f"{tuple(result.shape)}, from inputs without NaN{cause}{_created(ctx)}")
        if xp.isinf(result.array).any():
            last = ctx.created_at[-1] if ctx.created_at else None
            ctx.inf_origin = origins[0] if origins else _op(ctx) + (f" ({last.filename}, line {last.lineno})"
                                                                   if last else "")


def _inexact(dtype):
    """Whether a dtype can hold NaN and infinities (floating point, bfloat16 included, or complex)."""
    return backend.is_floating(dtype) or dtype.kind == "c"


def _check_backward(node, grads):
    for i, grad in enumerate(grads):
        if grad is not None and _inexact(grad.dtype) and not bool(node.xp.isfinite(grad).all()):
            what = "nan" if bool(node.xp.isnan(grad).any()) else "inf"
            module = getattr(node, "created_in", None)
            raise RuntimeError(f"Function '{repr(node)[1:-1]}' returned {what} values in its {i}th output (found by "
                               f"anomaly detection){f' in {module}' if module else ''}: the gradient of its input "
                               f"{i}, of shape {tuple(grad.shape)}{_created(node)}")


def _op(node):
    """The op of a node and the module that made it: "Log in Linear 'encoder.0'"."""
    module = getattr(node, "created_in", None)
    return type(node).__name__ + (f" in {module}" if module else "")


def _created(node):
    """The lines of code that created node's op (noted while anomaly detection was on), for an error."""
    frames = getattr(node, "created_at", None)
    return "\nthe op was created at:\n" + "".join(traceback.format_list(frames)).rstrip() if frames else ""


# ---------------------------------------------------------------------------------------------
# Hooks.

class RemovableHandle:
    """Returned by register_hook; `handle.remove()` takes the hook away, as does the end of a `with` block."""

    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()


# ---------------------------------------------------------------------------------------------
# The type of the tensors the engine makes. tensor.py, which sits above this module, hands it over
# once at import (set_tensor_type), so that the engine never imports upward.

Tensor = None


def set_tensor_type(cls):
    """Hand the engine the Tensor class, once, from tensor.py (the engine imports nothing above it)."""
    global Tensor
    Tensor = cls


# The apply() of Functions in PyTorch's style, handed over by ember/autograd_function.py at import.

_pytorch_style = None


def set_pytorch_style_apply(apply):
    """Hand the engine the apply of PyTorch-style Functions (autograd_function.py sits above it)."""
    global _pytorch_style
    _pytorch_style = apply


def _apply_pytorch_style(cls, *args, **kwargs):
    return _pytorch_style(cls, *args, **kwargs)


def rebase(tensor, node, index):
    """Make tensor output `index` of node: a tensor that a Function in PyTorch's style changed in place and
    returned (ctx.mark_dirty), whose history now goes through that node."""
    tensor._ctx, tensor._output_index, tensor._requires_grad = node, index, True


def Variable(data, requires_grad=False, volatile=False):  # noqa: N802 (PyTorch's name)
    """What tensors were called before PyTorch 0.4, kept for old code: a tensor with data's numbers (the same
    memory), outside any graph, that requires grad if asked."""
    return Tensor(data.array, requires_grad=requires_grad)


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.autograd", name)
