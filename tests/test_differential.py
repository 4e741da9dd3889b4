"""ember against PyTorch at the edges, op by op (the tester is tests/differential.py): each row of TABLE is
one op, drawn over edge values, empty and 0-d tensors, broadcasting and dtypes. CI draws a fixed, seeded
sample; EMBER_HYPOTHESIS=thorough draws many more. A deliberate difference is listed in DIFFERENCES."""

import pytest
from hypothesis import given

from differential import FLOATS, Op, cases, compare, function, functional, method

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

TABLE = [
    *[Op(name, function(name)) for name in UNARY],
    *[Op(name, function(name), arity=2, dtypes=FLOATS if name in FLOAT_BINARY else Op.dtypes) for name in BINARY],
    Op("x + y * 2", lambda lib, x, y: x + y * 2, arity=2),
    Op("x % y", lambda lib, x, y: x % y, arity=2),
    Op("x // y", lambda lib, x, y: x // y, arity=2),
    Op("x ** y", lambda lib, x, y: x ** y, arity=2),
    Op("x ** 0.0", lambda lib, x: x ** 0.0),
    Op("x ** -1", lambda lib, x: x ** -1),
    Op("x ** 0.5", lambda lib, x: x ** 0.5),
    Op("0.0 ** x", lambda lib, x: 0.0 ** x),
    Op("2 ** x", lambda lib, x: 2 ** x),
    Op("x / 0", lambda lib, x: x / 0),
    Op("x % 1.5", lambda lib, x: x % 1.5),
    Op("x % -2", lambda lib, x: x % -2),
    Op("x // -2", lambda lib, x: x // -2),
    Op("div trunc", function("div", rounding_mode="trunc"), arity=2),
    Op("div floor", function("div", rounding_mode="floor"), arity=2),
    Op("x * 0.5", lambda lib, x: x * 0.5),
    Op("x - True", lambda lib, x: x - True, dtypes=FLOATS + ("int64", "uint8")),
    Op("clamp(-1, 1)", method("clamp", -1, 1)),
    Op("clamp(min=0)", method("clamp", min=0)),
    Op("clamp(x, y, z)", function("clamp"), arity=3, dtypes=FLOATS),
    Op("where", lambda lib, c, x, y: lib.where(c > 0, x, y), arity=3),
    Op("lerp", function("lerp"), arity=3, dtypes=FLOATS),
    Op("addcmul", function("addcmul"), arity=3, dtypes=FLOATS),
    Op("addcdiv", function("addcdiv"), arity=3, dtypes=FLOATS),
    *[Op(name, function(name), dim=True) for name in REDUCTIONS],
    *[Op(name, function(name), dim=True) for name in INDEXED_REDUCTIONS],
    *[Op(f"{name} all", function(name)) for name in REDUCTIONS[:9] + ["max", "min", "median", "all", "any"]],
    Op("sum keepdim", method("sum", 0, keepdim=True)),
    Op("sum axis", method("sum", axis=-1)),
    Op("std unbiased", method("std", 0, correction=0)),
    Op("var_mean", function("var_mean"), dim=True, dtypes=FLOATS),
    Op("std_mean", function("std_mean"), dim=True, dtypes=FLOATS),
    Op("aminmax", lambda lib, x, d: lib.aminmax(x, dim=d)),
    Op("norm", function("norm")),
    Op("norm 1", method("norm", 1)),
    Op("norm inf", method("norm", float("inf"))),
    Op("dist", function("dist"), arity=2, dtypes=FLOATS),
    *[Op(name, functional(name), dtypes=FLOATS) for name in ACTIVATIONS],
    Op("threshold", functional("threshold", 0.5, -1.0)),
    Op("hardtanh(-2, 2)", functional("hardtanh", -2.0, 2.0), dtypes=FLOATS),
    Op("softmax", functional("softmax"), dim=True, dtypes=FLOATS),
    Op("log_softmax", functional("log_softmax"), dim=True, dtypes=FLOATS),
    Op("softmin", functional("softmin"), dim=True, dtypes=FLOATS),
    Op("normalize", lambda lib, x, d: lib.nn.functional.normalize(x, dim=d), dim=True, dtypes=FLOATS),
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
    Op("cat", lambda lib, x, y, d: lib.cat([x, y], d), arity=2, dim=True),
    Op("stack", lambda lib, x, y, d: lib.stack([x, y], d), arity=2, dim=True),
    Op("matmul", function("matmul"), arity=2, dtypes=FLOATS, one_dtype=True),
    Op("dot", function("dot"), arity=2, dtypes=FLOATS, min_dims=1, max_dims=1),
    Op("outer", function("outer"), arity=2, dtypes=FLOATS, min_dims=1, max_dims=1),
    Op("x[0]", lambda lib, x: x[0]),
    Op("x[..., -1]", lambda lib, x: x[..., -1]),
    Op("x[x > 0]", lambda lib, x: x[x > 0]),
    Op("mse_loss", functional("mse_loss"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("l1_loss", functional("l1_loss"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("smooth_l1_loss", functional("smooth_l1_loss"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("huber_loss", functional("huber_loss"), arity=2, dtypes=FLOATS, one_shape=True),
    Op("cosine_similarity", lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y, dim=-1), arity=2,
       dtypes=FLOATS),
]

# Deliberate differences: {op name: reason}; those rows are not compared.
DIFFERENCES = {}


@pytest.mark.parametrize("op", [op for op in TABLE if op.name not in DIFFERENCES], ids=repr)
def test_op_agrees_with_pytorch_at_the_edges(op):
    @given(cases(op))
    def agree(case):
        arrays, dim = case
        compare(op, arrays, dim)
    agree()


def test_the_table_names_each_op_once():
    names = [op.name for op in TABLE]
    assert len(names) == len(set(names))
