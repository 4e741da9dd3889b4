"""ember against PyTorch at the edges, op by op (the tester is tests/differential.py): each row of TABLE is
one op (the elementwise ops and reductions here, the other families' rows in tests/edge_rows/), drawn over
edge values, empty and 0-d tensors, broadcasting and dtypes. CI draws a fixed, seeded sample;
EMBER_HYPOTHESIS=thorough draws many more. A deliberate difference is listed in DIFFERENCES."""

import inspect
import math
import pathlib
import re

import numpy as np
import pytest
from hypothesis import given

import ember

from differential import (EDGES, FLOATS, HUGE_LESS, INTEGERS, NAN_LESS, Op, cases, compare, either, function,
                          functional, inexact_float64, method, overflow_beside_inf, tiny_float32, tiny_float32_input,
                          without)
from edge_rows import convolution, layers, linalg, tensors

FAMILIES = (convolution, layers, linalg, tensors)

UNARY = """abs acos acosh asin asinh atan atanh ceil cos cosh deg2rad digamma erf erfc erfinv exp exp2 expm1 fix
floor frac lgamma log log10 log1p log2 logit i0 nan_to_num neg positive rad2deg reciprocal round rsqrt sigmoid
sign sgn signbit sin sinc sinh sqrt square tan tanh trunc relu isnan isinf isfinite isposinf isneginf isreal
logical_not""".split()

BINARY = """add sub mul div true_divide floor_divide remainder fmod pow float_power atan2 hypot maximum minimum fmax
fmin copysign nextafter xlogy ldexp logaddexp logaddexp2 heaviside eq ne lt le gt ge logical_and logical_or
logical_xor""".split()

FLOAT_BINARY = {"atan2", "hypot", "copysign", "nextafter", "logaddexp", "logaddexp2", "ldexp", "xlogy"}

REDUCTIONS = "sum mean prod std var amax amin logsumexp nansum nanmean cumsum cumprod count_nonzero".split()
INDEXED_REDUCTIONS = "max min argmax argmin median nanmedian cummax cummin logcumsumexp all any".split()

ACTIVATIONS = """relu relu6 elu selu celu gelu silu mish softplus softsign tanhshrink hardtanh hardsigmoid hardswish
hardshrink softshrink leaky_relu logsigmoid sigmoid tanh""".split()


NO_BOOL = FLOATS + INTEGERS[:3]
NORMAL_LESS = (1e38, -1e38, 1e-38, -1e-38)
NORMAL = without(*NORMAL_LESS)

# The deliberate differences, each row's by its name: what the row leaves out of its draws, and why.
DIFFERENCES = {
    "pow": "bool exponents: PyTorch's backward of a float base to a bool tensor fails (it subtracts 1 from a bool); "
           "a float64 base to a float32 exponent: PyTorch's gradient of the base takes b - 1 in float32, which "
           "float64's tolerance sees (relative 1.7e-6 at 1e-38 ** 1e-7), ember's in float64",
    "x ** y": "as pow",
    "x ** 0.5": "-0.0 and -inf: PyTorch computes x ** 0.5 as sqrt, whose gradient is -inf at -0.0 and NaN at -inf; "
                "ember's pow rule gives +inf and 0",
    "x % -2": "uint8: PyTorch wraps -2 to 254; NumPy 2 refuses a Python int out of the dtype's range (OverflowError)",
    "x // -2": "as x % -2",
    "clamp(-1, 1)": "as x % -2",
    "threshold": "as x % -2",
    "clamp(x, y, z)": "bounds that broadcast x to a larger shape: PyTorch refuses them when recording the graph, "
                      "ember broadcasts all three as where does",
    "lerp": "mixed float dtypes: PyTorch takes a 0-d weight of another float dtype (as a number), ember refuses it; "
            "±inf: PyTorch's end - (end - start)·(1 - weight) for weight ≥ 0.5 gives NaN where ember's start + "
            "weight·(end - start) gives inf; ±1e38 in float32: PyTorch's gradient overflows to inf, ember's does not",
    "addcmul": "shapes that broadcast: ember multiplies tensor1·tensor2 before broadcasting to input's shape, so the "
               "gradient of a broadcast operand sums the upstream gradient first and then multiplies (inf·Σg is "
               "±inf), where PyTorch multiplies each term and sums (inf - inf is NaN), in float32 in another order",
    "addcdiv": "as addcmul, dividing (an empty result's 0-d zero divisor gets 0/0, NaN, where PyTorch sums no "
               "elements); mixed float32 and float64 with a subnormal divisor: PyTorch's backward divides in float32; "
               "±1e38, and float32 divisors below 1e-17 (±1e-38 among them): PyTorch's gradient of tensor2 divides "
               "by its square, which overflows (underflows) float32, ember divides twice",
    "prod": "±inf and NaN: PyTorch's gradient divides the product by each element (inf/inf is NaN); ember "
            "multiplies the others; ±1e38 beside a zero in float32: ember's running products of the others "
            "overflow before they meet the zero (inf·0 is NaN), PyTorch takes zeros apart", "prod all": "as prod",
    "cumprod": "±inf beside a zero: both gradients divide by the elements, ember's and PyTorch's in other places",
    "amax": "NaN: PyTorch shares the gradient among the elements equal to the result, and none equals NaN (0/0); "
            "ember gives it to the NaN", "amin": "as amax", "amax all": "as amax", "amin all": "as amax",
    "nanmean": "NaN: a slice of NaNs only, whose mean is 0/0: PyTorch's gradient there is inf·0 (NaN), ember's 0 "
               "(NaNs get no gradient)",
    "sum all": "±1e38 beside small numbers: PyTorch's order of summation loses the small ones (1e38 - 1e38 + 4 gives "
               "2), NumPy's pairwise sum keeps them", "sum": "as sum all", "nansum": "as sum all",
    "nansum all": "as sum all", "mean": "as sum all", "mean all": "as sum all",
    "median": "bool: PyTorch has no median of bools ('median_out' not implemented), after its dim checks",
    "nanmedian": "as median",
    "median all": "integers: PyTorch's median of an empty integer tensor is an uninitialized number, ember's NaN",
    "cummax": "empty tensors: PyTorch skips the dim check on them, ember checks dim always",
    "cummin": "as cummax",
    "std": "±1e38, ±1e-38 and float32 elements below 1e-17: ember's variance squares the deviations, which overflow "
           "(underflow) float32; PyTorch's Welford sums do not",
    "var": "as std; and NaN, as var_mean", "std all": "as std", "var all": "as std", "std unbiased": "as std",
    "std_mean": "as std; ±inf as var_mean; a constant float32 slice (0.9937719 three times): the float32 mean "
                "rounds off the number (0.99377185), and std is rounding noise (7.3e-8) in both, whose gradient, "
                "±(x - mean)/(2·std) of that noise, ember's backward follows (0.415) and PyTorch's does not (0.274)",
    "var_mean": "NaN: PyTorch's gradient of a single NaN with no degrees of freedom is inf, ember's NaN; ±inf: "
                "PyTorch's one-pass mean of infinities is NaN, ember's ±inf",
    "logcumsumexp": "±1e38: in float32 the log-domain sum of the gradient loses log|grad| next to 1e38; NaN: "
                    "PyTorch's gradient at a lone NaN is the upstream one, ember's NaN; 0-d tensors: PyTorch passes "
                    "the gradient of a 0-d ±inf on, ember's e^(x - out) is NaN",
    "rsqrt": "float32 inputs from about 1.4e-26 to 2.1e-26: PyTorch's gradient -out³/2 takes out³ first, which "
             "overflows to -inf, ember's -out/2·out·out gives the finite value (-2.2e38 at 1.75e-26)",
    "digamma": "poles (0, -1, -2, and -1e38, an integer as every float beyond 2^53 is) and -inf: PyTorch's derivative "
               "there is a large finite number (NaN at -inf), ember's inf; float32 within 0.01 of a pole: PyTorch's "
               "float32 derivative loses its precision there (1.63e13 at -1.9999998, where ψ' is ember's 1.76e13)",
    "logit": "-0.0: the sign of the infinite gradient",
    "atan2": "mixed float32 and float64 near float32's smallest normal number: PyTorch's gradient of the float32 "
             "input is computed in float32, where y² underflows; float32 numbers below 1e-17, whose squares "
             "underflow: PyTorch's gradient takes 1/(a² + b²) first, which overflows float32 (inf) where ember's "
             "g/(a² + b²) need not (-6.9e18 at a = b = 2.4e-20)",
    "hypot": "mixed float32 and float64 near float32's smallest normal number: as atan2",
    "ldexp": "±inf: inf·0 in the gradient of other, summed in another order; ±1e38: PyTorch's gradient of other "
             "is grad·out·ln 2, inf where out overflows, ember's grad·input·2^other·ln 2 stays finite; empty results: ember makes 2^other at "
             "other's shape, so a 0-d other of 1e38 gets the gradient 0·inf (NaN) where PyTorch sums no elements (0); "
             "a float64 input by a float32 other: both compute 2^other in float32, NumPy's power within an ulp of "
             "PyTorch's, which float64's tolerance sees",
    "norm": "±1e38, ±1e-38 and float32 elements below 1e-17: ember's 2-norm squares the elements, which overflow "
            "(underflow) float32; PyTorch's kernel scales them", "dist": "as norm",
    "cosine_similarity": "as norm; and float32 inputs with a slice of norm below 0.1: where the exact gradient is 0 "
                         "(a 0-d x1, on whose scale the cosine does not depend) both give float32 rounding noise "
                         "times 1/‖x‖, beyond float32's tolerance, each its own; mixed float32 and float64: "
                         "PyTorch computes part of it in float32; norms within eps (1e-8): PyTorch's gradient of "
                         "the clamped norm is another (5e7 at a 0-d x2 of 5e-9, ember's 1/eps is 1e8)",
    "normalize": "as norm; and float32 slices of norm below 0.1: PyTorch's gradient is its rounding error times 1/‖x‖ "
                 "(256 for a lone 9.4e-11), ember's the exact 0",
    "F.gelu": "+inf in float32: PyTorch's vectorized kernel gives NaN (its scalar one and the formula give inf)",
    "F.hardtanh": "NaN: PyTorch's vectorized backward gives 0 there, its scalar one (for the last elements) passes "
                  "the gradient on, as ember does",
    "F.relu6": "as F.hardtanh", "hardtanh(-2, 2)": "as F.hardtanh", "F.hardshrink": "as F.hardtanh", "F.softshrink": "as F.hardtanh",
    "F.elu": "NaN: PyTorch's vectorized backward gives NaN there, its scalar one passes the gradient on, as ember does",
    "F.selu": "as F.elu", "F.celu": "as F.elu",
    "cat": "1-D empty tensors: PyTorch skips them before it checks dim (a rule kept for old code), ember checks dim",
    "F.hardswish": "±1e38: PyTorch computes x·(x + 3)/6, which overflows float32 to inf; ember gives x. NaN: as "
                 "hardsigmoid, of which ember composes it",
    "F.hardsigmoid": "NaN: ember's hardsigmoid is hardtanh(x + 3)/6, whose gradient passes NaN on as PyTorch's "
                   "hardtanh does; PyTorch's hardsigmoid gives 0 there",
    "l1_loss": "NaN and ±inf: PyTorch's gradient at a NaN difference (inf - inf too) is 0, ember's NaN",
    "huber_loss": "mixed float32 and float64: PyTorch's backward refuses them",
    "mse_loss": "shapes that differ: ember refuses them (PyTorch broadcasts, with a warning that the result is "
                "likely wrong)",
    "smooth_l1_loss": "shapes that differ, as mse_loss",
    "matmul": "mixed float32 and float64: PyTorch refuses, ember promotes; float64 operands holding ±1e38 or ±1e-38 "
              "(not exact in float32's 24 bits, so their products round): NumPy's BLAS keeps a product's rounding "
              "error through fused multiply-adds (1e38·1e38 - 1e38·1e38 gives -6.9e59), PyTorch's kernel gives 0; "
              "float32 ±1e38 beside ±inf: NumPy's BLAS adds 1e38·1e38 to a running -inf in one fused multiply-add "
              "(-inf), PyTorch's sums it rounded to inf (inf - inf, NaN)",
    **convolution.DIFFERENCES, **layers.DIFFERENCES, **linalg.DIFFERENCES, **tensors.DIFFERENCES,
}



# The drawn cases a row's DIFFERENCES entry names beyond its edge values (each a differs= predicate).

def near_a_pole(arrays, dim):
    """A float32 input within 0.01 of a pole of digamma (0, -1, -2, ...)."""
    x = arrays[0]
    with np.errstate(invalid="ignore"):
        return x.dtype == np.float32 and bool(((x < 0.01) & (np.abs(x - np.round(x)) < 0.01)).any())


def cube_overflows_float32(arrays, dim):
    """A positive float32 input whose rsqrt cubed, 1/x^1.5, overflows float32 while half of it does not."""
    x = arrays[0]
    if x.dtype != np.float32:
        return False
    with np.errstate(divide="ignore", invalid="ignore"):
        cube = np.abs(x.astype(np.float64)) ** -1.5
    biggest = float(np.finfo(np.float32).max)
    return bool(((x > 0) & (cube > biggest) & (cube / 2 <= biggest)).any())


def constant_float32_slice(arrays, dim):
    """A float32 input with a slice along dim of two or more equal nonzero elements, or tiny_float32_input."""
    x = arrays[0]
    if x.dtype != np.float32 or not -x.ndim <= dim < x.ndim or x.shape[dim] < 2:
        return tiny_float32_input(arrays, dim)
    constant = (x == np.take(x, [0], axis=dim)).all(axis=dim) & (np.take(x, 0, axis=dim) != 0)
    return bool(constant.any()) or tiny_float32_input(arrays, dim)


def tiny_float32_divisor(arrays, dim):
    """addcdiv's tensor2 is tiny_float32."""
    return tiny_float32(arrays[2])


def float32_exponent(arrays, dim):
    """A float64 input (or base) and a float32 other (or exponent)."""
    return arrays[0].dtype == np.float64 and arrays[1].dtype == np.float32


def small_norm_or_mixed(arrays, dim):
    """cosine_similarity of float32 and float64 inputs, of a float32 one with a small norm, or of one with a norm
    within its eps (1e-8)."""
    return arrays[0].dtype != arrays[1].dtype or small_float32_norm(arrays, dim) or small_norm(arrays, dim, 1.1e-8)


def small_float32_norm(arrays, dim):
    """A float32 input with a slice along dim (the last when None) of norm in (0, 0.1)."""
    return small_norm([a for a in arrays if a.dtype == np.float32], dim, 0.1)


def small_norm(arrays, dim, bound):
    """One of arrays with a slice along dim (the last when None) of norm in (0, bound)."""
    for a in arrays:
        axis = -1 if dim is None else dim
        if not -max(a.ndim, 1) <= axis < max(a.ndim, 1):
            continue
        norms = np.abs(a) if a.ndim == 0 else np.sqrt(np.square(a.astype(np.float64)).sum(axis=axis))
        if ((norms > 0) & (norms < bound)).any():
            return True
    return False


HUGE = (1e38, -1e38)
EDGES_OF = {"std": NORMAL, "var": without(*NORMAL_LESS, math.nan), "logcumsumexp": without(1e38, -1e38, math.nan),
            "sum": HUGE_LESS, "nansum": HUGE_LESS, "mean": HUGE_LESS, "nanmean": without(math.nan, 1e38, -1e38),
            "prod": without(math.inf, -math.inf, math.nan, 1e38, -1e38), "cumprod": without(math.inf, -math.inf),
            "amax": NAN_LESS, "amin": NAN_LESS, "digamma": without(0.0, -0.0, -1.0, -2.0, -1e38, -math.inf),
            "logit": without(-0.0), "ldexp": without(math.inf, -math.inf, 1e38, -1e38), "gelu": without(math.inf),
            "hardswish": without(1e38, -1e38, math.nan), "hardsigmoid": NAN_LESS, "hardtanh": NAN_LESS,
            "relu6": NAN_LESS, "hardshrink": NAN_LESS, "softshrink": NAN_LESS, "elu": NAN_LESS, "selu": NAN_LESS,
            "celu": NAN_LESS}

UNARY_DIFFERS = {"digamma": near_a_pole, "rsqrt": cube_overflows_float32}
BINARY_DIFFERS = {"ldexp": float32_exponent, "pow": float32_exponent, "atan2": tiny_float32_input}

TABLE = [
    *[Op(name, function(name), edges=EDGES_OF.get(name, EDGES), differs=UNARY_DIFFERS.get(name)) for name in UNARY],
    *[Op(name, function(name), arity=2, dtypes=FLOATS if name in FLOAT_BINARY else NO_BOOL if name == "pow" else Op.dtypes,
        edges=EDGES_OF.get(name, EDGES), one_dtype=name in ("atan2", "hypot"), min_side=int(name == "ldexp"),
        differs=BINARY_DIFFERS.get(name))
      for name in BINARY],
    Op("x + y * 2", lambda lib, x, y: x + y * 2, arity=2),
    Op("x % y", lambda lib, x, y: x % y, arity=2),
    Op("x // y", lambda lib, x, y: x // y, arity=2),
    Op("x ** y", lambda lib, x, y: x ** y, arity=2, dtypes=NO_BOOL, differs=float32_exponent),
    Op("x ** 0.0", lambda lib, x: x ** 0.0),
    Op("x ** -1", lambda lib, x: x ** -1),
    Op("x ** 0.5", lambda lib, x: x ** 0.5, edges=without(-0.0, -math.inf)),
    Op("0.0 ** x", lambda lib, x: 0.0 ** x),
    Op("2 ** x", lambda lib, x: 2 ** x),
    Op("x / 0", lambda lib, x: x / 0),
    Op("x % 1.5", lambda lib, x: x % 1.5),
    Op("x % -2", lambda lib, x: x % -2, dtypes=FLOATS + ("int64", "int32")),
    Op("x // -2", lambda lib, x: x // -2, dtypes=FLOATS + ("int64", "int32")),
    Op("div trunc", function("div", rounding_mode="trunc"), arity=2),
    Op("div floor", function("div", rounding_mode="floor"), arity=2),
    Op("x * 0.5", lambda lib, x: x * 0.5),
    Op("x - True", lambda lib, x: x - True, dtypes=FLOATS + ("int64", "uint8")),
    Op("clamp(-1, 1)", method("clamp", -1, 1), dtypes=FLOATS + ("int64", "int32")),
    Op("clamp(min=0)", method("clamp", min=0)),
    Op("clamp(x, y, z)", function("clamp"), arity=3, dtypes=FLOATS, one_shape=True),
    Op("where", lambda lib, c, x, y: lib.where(c > 0, x, y), arity=3),
    Op("lerp", function("lerp"), arity=3, dtypes=FLOATS, one_dtype=True, edges=without(math.inf, -math.inf, *HUGE)),
    Op("addcmul", function("addcmul"), arity=3, dtypes=FLOATS, one_shape=True),
    Op("addcdiv", function("addcdiv"), arity=3, dtypes=FLOATS, one_shape=True, one_dtype=True, edges=NORMAL,
       differs=tiny_float32_divisor),
    *[Op(name, function(name), dim=True, edges=EDGES_OF.get(name, EDGES),
         differs=tiny_float32_input if name in ("std", "var") else None) for name in REDUCTIONS],
    *[Op(name, function(name), dim=True, dtypes=NO_BOOL if "median" in name else Op.dtypes, edges=EDGES_OF.get(name, EDGES),
        min_side=1 if name in ("cummax", "cummin") else 0, min_dims=int(name == "logcumsumexp"))
      for name in INDEXED_REDUCTIONS],
    *[Op(f"{name} all", function(name), dtypes=FLOATS if "median" in name else Op.dtypes, edges=EDGES_OF.get(name, EDGES),
         differs=tiny_float32_input if name in ("std", "var") else None)
      for name in REDUCTIONS[:9] + ["max", "min", "median", "all", "any"]],
    Op("sum keepdim", method("sum", 0, keepdim=True)),
    Op("sum axis", method("sum", axis=-1)),
    Op("std unbiased", method("std", 0, correction=0), edges=NORMAL, differs=tiny_float32_input),
    Op("var_mean", function("var_mean"), dim=True, dtypes=FLOATS, edges=without(math.nan, math.inf, -math.inf)),
    Op("std_mean", function("std_mean"), dim=True, dtypes=FLOATS, edges=without(*NORMAL_LESS, math.inf, -math.inf),
       differs=constant_float32_slice),
    Op("aminmax", lambda lib, x, d: lib.aminmax(x, dim=d)),
    Op("norm", function("norm"), edges=NORMAL, differs=tiny_float32_input),
    Op("norm 1", method("norm", 1)),
    Op("norm inf", method("norm", float("inf"))),
    Op("dist", function("dist"), arity=2, dtypes=FLOATS, edges=NORMAL, differs=tiny_float32_input),
    *[Op(f"F.{name}", functional(name), dtypes=FLOATS, edges=EDGES_OF.get(name, EDGES)) for name in ACTIVATIONS],
    Op("threshold", functional("threshold", 0.5, -1.0), dtypes=FLOATS + ("int64", "int32")),
    Op("hardtanh(-2, 2)", functional("hardtanh", -2.0, 2.0), dtypes=FLOATS, edges=NAN_LESS),
    Op("softmax", functional("softmax"), dim=True, dtypes=FLOATS),
    Op("log_softmax", functional("log_softmax"), dim=True, dtypes=FLOATS),
    Op("softmin", functional("softmin"), dim=True, dtypes=FLOATS),
    Op("normalize", lambda lib, x, d: lib.nn.functional.normalize(x, dim=d), dim=True, dtypes=FLOATS, edges=NORMAL,
       differs=small_float32_norm),
    Op("glu", functional("glu"), dim=True, dtypes=FLOATS),
    Op("flip", lambda lib, x, d: x.flip(d), dim=True),
    Op("sort", function("sort"), dim=True),
    Op("argsort", function("argsort"), dim=True),
    Op("topk 1", lambda lib, x, d: x.topk(1, d), dim=True),
    Op("unsqueeze", function("unsqueeze"), dim=True),
    Op("squeeze", function("squeeze"), dim=True),
    Op("transpose", lambda lib, x, d: x.transpose(d, 0), dim=True),
    Op("flatten", function("flatten")),
    Op("reshape -1", method("reshape", -1)),
    Op("t", method("t"), max_dims=2),
    Op("diff", function("diff"), dim=True),
    Op("cat", lambda lib, x, y, d: lib.cat([x, y], d), arity=2, dim=True, min_side=1),
    Op("stack", lambda lib, x, y, d: lib.stack([x, y], d), arity=2, dim=True),
    Op("matmul", function("matmul"), arity=2, dtypes=FLOATS, one_dtype=True,
       differs=either(inexact_float64, overflow_beside_inf)),
    Op("dot", function("dot"), arity=2, dtypes=FLOATS, min_dims=1, max_dims=1),
    Op("outer", function("outer"), arity=2, dtypes=FLOATS, min_dims=1, max_dims=1),
    Op("x[0]", lambda lib, x: x[0]),
    Op("x[..., -1]", lambda lib, x: x[..., -1]),
    Op("x[x > 0]", lambda lib, x: x[x > 0]),
    Op("mse_loss", functional("mse_loss"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("l1_loss", functional("l1_loss"), arity=2, dtypes=FLOATS, one_shape=True,
       edges=without(math.nan, math.inf, -math.inf)),
    Op("smooth_l1_loss", functional("smooth_l1_loss"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("huber_loss", functional("huber_loss"), arity=2, dtypes=FLOATS, one_shape=True, one_dtype=True),
    Op("cosine_similarity", lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y, dim=-1), arity=2,
       dtypes=FLOATS, edges=NORMAL, differs=small_norm_or_mixed),
    *[op for family in FAMILIES for op in family.ROWS],
]

# ember's public functions (ember.* and, as F.*, ember.nn.functional.*; in-place forms aside) that TABLE has no
# row of (a row covers each name of its function: ember.celu is F.celu), each under its reason: a new export gets a
# row or a place here.
NO_ROW = {
    "creates tensors or draws random numbers: nothing to differentiate": """
    arange as_tensor asarray bartlett_window bernoulli binomial blackman_window empty empty_like empty_permuted
    empty_strided eye from_file from_numpy frombuffer full full_like hamming_window hann_window kaiser_window
    linspace load logspace multinomial normal ones ones_like poisson rand rand_like randint randint_like randn
    randn_like randperm range save scalar_tensor tensor tril_indices triu_indices zeros zeros_like""",
    "settings, queries and dtype rules": """
    are_deterministic_algorithms_enabled as_torch can_cast compile fork_rng get_autocast_dtype get_default_device
    get_default_dtype get_deterministic_debug_mode get_device get_device_module get_float32_matmul_precision
    get_num_interop_threads get_num_threads get_rng_state initial_seed is_anomaly_check_nan_enabled
    is_anomaly_enabled is_autocast_available is_autocast_cache_enabled is_autocast_enabled is_complex
    is_deterministic_algorithms_warn_only_enabled is_floating_point is_grad_enabled is_inference
    is_inference_mode_enabled is_nonzero is_same_size is_signed is_tensor is_warn_always_enabled manual_seed numel
    promote_types result_type seed set_autocast_cache_enabled set_autocast_dtype set_autocast_enabled
    set_default_device set_default_dtype set_deterministic_debug_mode set_float32_matmul_precision
    set_num_interop_threads set_num_threads set_printoptions set_rng_state set_warn_always summary
    thread_safe_generator typename use_deterministic_algorithms""",
    "not differentiable: integers, truth values, indices, shapes, a detached copy": """
    F.one_hot allclose argwhere bincount bitwise_and bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift
    bitwise_xor broadcast_shapes bucketize detach equal gcd hash_tensor histc histogram histogramdd isclose isin lcm
    nonzero nonzero_static searchsorted unique unique_consecutive unravel_index""",
}


@pytest.mark.parametrize("op", TABLE, ids=repr)
def test_op_agrees_with_pytorch_at_the_edges(op):
    @given(cases(op))
    def agree(case):
        arrays, dim = case
        compare(op, arrays, dim)
    agree()


def test_the_table_names_each_op_once_and_each_difference_names_a_row():
    names = [op.name for op in TABLE]
    assert len(names) == len(set(names))
    assert set(DIFFERENCES) <= set(names)


PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "from-pytorch.md"


def differences_section():
    """The section of the docs' "from PyTorch" page that lists DIFFERENCES, as it must read."""
    rows = "".join(f"- `{name}`: {reason}\n" for name, reason in DIFFERENCES.items())
    return ("## At the edges\n\n"
            "At edge values (0 and -0.0, ±inf, NaN, 1e-38 and 1e38, empty and 0-d tensors) ember gives PyTorch's\n"
            "values, dtypes, shapes, gradients and error classes, op by op (tests/test_differential.py checks it), but\n"
            "for these deliberate differences, where PyTorch's answer comes from the way its kernels compute:\n\n"
            + rows)


def test_the_from_pytorch_page_lists_the_differences():
    assert differences_section() in PAGE.read_text(encoding="utf-8"), \
        f"docs/from-pytorch.md should hold, before '## Running PyTorch programs':\n{differences_section()}"


def public_functions():
    """ember's public functions and ember.nn.functional's (as F.name), in-place forms aside: {name: function}."""
    def named(module, prefix):
        functions = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")
                     and not name.endswith("_")}
        return {prefix + name: fn for name, fn in functions.items() if callable(fn) and not inspect.isclass(fn)}
    return named(ember, "") | named(ember.nn.functional, "F.")


def test_every_public_function_has_a_row_or_a_reason():
    public = public_functions()
    rows = {re.match(r"[\w.]*", op.name).group() for op in TABLE}
    covered = [public[name] for row in rows for name in (row, "F." + row) if name in public]
    without_row = {name for name, fn in public.items() if name not in rows and name.removeprefix("F.") not in rows
                   and not any(fn is other for other in covered)}
    listed = set(" ".join(NO_ROW.values()).split())
    assert not without_row - listed, f"give these a row in TABLE or a place in NO_ROW: {sorted(without_row - listed)}"
    assert not listed - without_row, f"NO_ROW lists names with a row, or not exported: {sorted(listed - without_row)}"
