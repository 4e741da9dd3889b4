"""The differential tester: an op run in ember and in PyTorch on the same drawn inputs must give the same
outputs (values, NaN and infinity positions, dtypes, shapes, whether they need a gradient), the same input
gradients, or raise in both with the same class of exception.

The inputs hold the values where frameworks part ways: 0 and -0.0, ±1 (ties at the kinks of clamp and
hardtanh), ±inf, NaN, the tiny 1e-38 and the huge 1e38; tensors are empty or 0-d as often as not, broadcast,
float32 or float64, and integer or bool where the op is asked to take them. tests/test_differential.py
holds the table of ops; `EMBER_HYPOTHESIS=thorough pytest tests/test_differential.py` runs the full sweep.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import assume, strategies as st
from hypothesis.extra import numpy as hnp

import ember
from helpers import TOLERANCE, to_numpy

EDGES = (0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, math.inf, -math.inf, math.nan, 1e-38, -1e-38, 1e38, -1e38)
FLOATS = ("float64", "float32")
INTEGERS = ("int64", "int32", "uint8", "bool")


@dataclass(frozen=True)
class Op:
    """One row of the table: fn(lib, *tensors) (lib is ember or torch) with arity tensor inputs; dtypes the
    inputs may have; dim: fn takes a dimension too, fn(lib, *tensors, dim), drawn in range and one past it;
    grad: whether to compare input gradients; min_dims, max_dims: the inputs' number of dimensions; one_shape,
    one_dtype: the inputs share their shape, their dtype; edges: the edge values drawn; min_side: the least size
    of a dimension; shapes: the inputs' shapes, one tuple of a shape per input for each call to choose from (for
    ops whose inputs' shapes depend on each other, a convolution's input and weight), drawn instead of shapes
    that broadcast; differs(arrays, dim): true of the drawn cases where ember differs on purpose, which are left
    out (the last five narrow what is drawn where ember differs on purpose, see DIFFERENCES)."""

    name: str
    fn: object
    arity: int = 1
    dtypes: tuple = FLOATS + INTEGERS
    dim: bool = False
    grad: bool = True
    min_dims: int = 0
    max_dims: int = 3
    one_shape: bool = False
    one_dtype: bool = False
    edges: tuple = EDGES
    min_side: int = 0
    shapes: tuple = ()
    differs: object = None

    def __repr__(self):
        return self.name


def method(name, *args, **kwargs):
    """x.name(*args, **kwargs), with the other tensors (if any) before args."""
    return lambda lib, x, *others: getattr(x, name)(*others, *args, **kwargs)


def function(name, *args, **kwargs):
    """lib.name(*tensors, *args, **kwargs)."""
    return lambda lib, *tensors: getattr(lib, name)(*tensors, *args, **kwargs)


def functional(name, *args, **kwargs):
    """lib.nn.functional.name(*tensors, *args, **kwargs)."""
    return lambda lib, *tensors: getattr(lib.nn.functional, name)(*tensors, *args, **kwargs)


def without(*values):
    """The edge values less some (compared by their text, so that -0.0 and NaN can be named)."""
    return tuple(v for v in EDGES if repr(v) not in {repr(x) for x in values})


HUGE_LESS, NAN_LESS = without(1e38, -1e38), without(math.nan)  # the edge values less ±1e38; less NaN
FINITE = tuple(v for v in EDGES if math.isfinite(v))  # the edge values less ±inf and NaN


def either(*predicates):
    """A differs= predicate that holds where any of predicates does."""
    return lambda arrays, dim: any(predicate(arrays, dim) for predicate in predicates)


def huge_float32(arrays, dim):
    """A float32 input holding ±1e38, whose sums and products overflow float32 (a differs= predicate)."""
    return any(a.dtype == np.float32 and bool((np.abs(a) == np.float32(1e38)).any()) for a in arrays)


def overflow_beside_inf(arrays, dim):
    """A float32 operand holding ±1e38 beside an operand holding ±inf (a differs= predicate for products: a
    fused multiply-add adds 1e38·1e38 to a running -inf exactly, -inf, where the product rounded alone is inf,
    and -inf + inf is NaN; which one a BLAS gives depends on its order of summation)."""
    return huge_float32(arrays, dim) and any(bool(np.isinf(a).any()) for a in arrays)


def tiny_float32(array):
    """A float32 array with an element of magnitude in (0, 1e-17), whose square underflows."""
    magnitude = np.abs(array)
    return array.dtype == np.float32 and bool(((magnitude > 0) & (magnitude < 1e-17)).any())


def subnormal_float32(array):
    """A float32 array holding a subnormal number: nonzero, below 2⁻¹²⁶ ≈ 1.18e-38 in magnitude."""
    magnitude = np.abs(array)
    return array.dtype == np.float32 and bool(((magnitude > 0) & (magnitude < np.finfo(np.float32).tiny)).any())


def tiny_float32_input(arrays, dim):
    """An input that is tiny_float32 (one whose square underflows: std, var, the 2-norm; a differs= predicate)."""
    return any(tiny_float32(a) for a in arrays)


def inexact_float64(arrays, dim):
    """A float64 operand holding ±1e38 or ±1e-38, numbers float32's 24 bits do not hold exactly (a differs=
    predicate: NumPy's BLAS keeps the rounding error of their products, PyTorch's kernels do not)."""
    return any(a.dtype == np.float64 and bool(np.isin(np.abs(a), (1e38, 1e-38)).any()) for a in arrays)


# -------------------------------------------------------------------------------------------------
# Drawing inputs.

def _values(dtype, edges):
    """Elements of a tensor of dtype: edge values and ordinary ones for floats, small ints, bools."""
    if dtype == "bool":
        return st.booleans()
    if dtype == "uint8":
        return st.integers(0, 4)
    if dtype.startswith("int"):
        return st.integers(-3, 3)
    # Not -3 (a pole of digamma); no subnormals where 1e-38 is left out, nor an edge value the row leaves out.
    ordinary = st.floats(-3, 3, width=32, exclude_min=True, allow_subnormal=1e-38 in edges)
    left_out = {repr(v) for v in EDGES} - {repr(v) for v in edges}
    return st.one_of(st.sampled_from(edges), ordinary.filter(lambda v: repr(v) not in left_out))


def _shapes(op):
    """The shapes of op's inputs: broadcastable together (empty and 0-d included), or now and then drawn
    each on its own, so that shapes which do not broadcast are tried too; or one of op.shapes."""
    if op.shapes:
        return st.sampled_from(op.shapes)
    sides = dict(min_dims=op.min_dims, max_dims=op.max_dims, min_side=op.min_side, max_side=3)
    if op.one_shape:
        return hnp.array_shapes(**sides).map(lambda shape: (shape,) * op.arity)
    together = hnp.mutually_broadcastable_shapes(num_shapes=op.arity, **sides).map(lambda b: b.input_shapes)
    apart = st.tuples(*[hnp.array_shapes(**sides)] * op.arity)
    return st.one_of(together, together, together, apart)


@st.composite
def cases(draw, op):
    """The NumPy arrays of one call of op (and its dim, or None)."""
    shapes = draw(_shapes(op))
    arrays, dtype = [], draw(st.sampled_from(op.dtypes))
    for shape in shapes:
        dtype = dtype if op.one_dtype else draw(st.sampled_from(op.dtypes))
        arrays.append(draw(hnp.arrays(dtype, shape, elements=_values(dtype, op.edges))))
    dim = None
    if op.dim:
        ndim = max(1, len(shapes[0]))
        dim = draw(st.integers(-ndim - 1, ndim))
    assume(op.differs is None or not op.differs(arrays, dim))
    return arrays, dim


# -------------------------------------------------------------------------------------------------
# Running and comparing.

def _run(lib, op, arrays, dim):
    """op on tensors of lib made from arrays (floating ones require grad): (inputs, outputs or the exception)."""
    inputs = [tensor_of(lib, a) for a in arrays]
    args = inputs if dim is None else [*inputs, dim]
    try:
        return inputs, _flattened(op.fn(lib, *args))
    except Exception as error:  # noqa: BLE001 (whatever PyTorch raises, ember must raise its kind)
        return inputs, error


def tensor_of(lib, array):
    """array as a tensor of lib; a floating one requires grad."""
    floating = array.dtype.kind == "f"
    return lib.tensor(array, requires_grad=floating) if lib is torch else \
        ember.tensor(array, requires_grad=floating)


def _flattened(result):
    if isinstance(result, (tuple, list)):
        return [t for part in result for t in _flattened(part)]
    return [result]


def builtin_kind(error):
    """The built-in exception class that error is, nearest first (torch's LinAlgError is a RuntimeError).
    PyTorch's NotImplementedError for a dtype a kernel lacks ("abs_cpu" not implemented for 'Bool') counts as
    the RuntimeError it subclasses: ember refuses such dtypes as it refuses others."""
    kind = next(cls for cls in type(error).__mro__ if cls.__module__ == "builtins")
    return RuntimeError if kind is NotImplementedError else kind


def _assert_same(ours, theirs, what, computed_in=None):
    """ours and theirs agree in shape, dtype and values, the values within the tolerance of computed_in (the
    dtype they were computed in, if less precise than their own: a float64 input's gradient through a float32
    result is a float32 number)."""
    assert isinstance(ours, ember.Tensor), f"{what}: ember gives {type(ours).__name__}, PyTorch a tensor"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)}, PyTorch's {theirs.shape}"
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), \
        f"{what}: dtype {ours.dtype}, PyTorch's {theirs.dtype}"
    if theirs._is_zerotensor():  # PyTorch's stand-in for a gradient of zeros
        theirs = torch.zeros_like(theirs)
    dtype = np.dtype(str(ours.dtype))
    if computed_in is not None and dtype.kind == computed_in.kind == "f" and computed_in.itemsize < dtype.itemsize:
        dtype = computed_in
    tolerance = TOLERANCE.get(dtype.type, dict(rtol=0, atol=0))
    np.testing.assert_allclose(to_numpy(ours).astype(np.float64), to_numpy(theirs).astype(np.float64),
                               err_msg=what, **tolerance)


def _least_precise(outputs):
    """The floating dtype of least precision among the outputs (None if none is floating)."""
    floating = [np.dtype(str(o.dtype)) for o in outputs if np.dtype(str(o.dtype)).kind == "f"]
    return min(floating, key=lambda d: d.itemsize, default=None)


def _upstream(outputs, seed=1):
    """One upstream gradient per output that needs one (None for the rest), the same for both."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(o.shape).astype(str(o.dtype).removeprefix("torch.")) if o.requires_grad else None
            for o in outputs]


def _backward(lib, outputs, upstream):
    """Backpropagate the upstream gradients: None, or the exception it raises."""
    pairs = [(o, lib.tensor(g)) for o, g in zip(outputs, upstream) if g is not None]
    try:
        lib.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
    except RuntimeError as error:  # a derivative that neither framework has
        return error
    return None


def _assert_both_raise(ours, theirs):
    """theirs, PyTorch's exception (or None), and ours, ember's, are of the same kind."""
    if theirs is None:
        if ours is not None:
            raise AssertionError(f"ember raises where PyTorch does not: {type(ours).__name__}: {ours}") from ours
        return
    assert ours is not None, f"PyTorch raises {type(theirs).__name__}: {theirs}; ember does not"
    assert isinstance(ours, builtin_kind(theirs)), \
        f"PyTorch raises {builtin_kind(theirs).__name__} ({theirs}); ember {type(ours).__name__}: {ours}"


def compare(op, arrays, dim=None):
    """Run op in both and assert that they agree (see the module's docstring)."""
    our_inputs, ours = _run(ember, op, arrays, dim)
    their_inputs, theirs = _run(torch, op, arrays, dim)
    if isinstance(theirs, Exception) or isinstance(ours, Exception):
        _assert_both_raise(ours if isinstance(ours, Exception) else None,
                           theirs if isinstance(theirs, Exception) else None)
        return
    assert len(ours) == len(theirs), f"{len(ours)} outputs, PyTorch gives {len(theirs)}"
    for i, (o, t) in enumerate(zip(ours, theirs)):
        _assert_same(o, t, f"output {i}")
        assert o.requires_grad == t.requires_grad, f"output {i}: requires_grad {o.requires_grad}, PyTorch's not"
    upstream = _upstream(theirs)
    if not op.grad or all(g is None for g in upstream):
        return
    failures = _backward(ember, ours, upstream), _backward(torch, theirs, upstream)
    if failures != (None, None):
        _assert_both_raise(*failures)
        return
    for i, (e, t) in enumerate(zip(our_inputs, their_inputs)):
        if t.grad is None or t.grad.numel() == 0:  # an empty gradient is none
            assert e.grad is None or not to_numpy(e.grad).any(), f"input {i}: PyTorch gives no gradient"
        elif e.requires_grad:
            assert e.grad is not None, f"input {i}: no gradient, PyTorch gives one"
            _assert_same(e.grad, t.grad, f"gradient of input {i}", computed_in=_least_precise(ours))
