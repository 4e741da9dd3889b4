"""The rows of the ops that move, select, copy, split and join elements (gather, scatter, index_*, masked_*,
narrow, split, stack, the *_copy forms, ...) and the special functions left (polygamma, igamma, quantile, ...)."""

import math

import numpy as np

from differential import (EDGES, FINITE, FLOATS, HUGE_LESS, NAN_LESS, Op, either, function, huge_float32, method,
                          subnormal_float32)


def each(*shapes):
    """The shapes= of a one-input row: one call for each shape."""
    return tuple((shape,) for shape in shapes)


def index(lib, values):
    """An int64 index tensor of lib, the same in both frameworks."""
    return lib.tensor(values, dtype=lib.int64)


def along(name, *args, **kwargs):
    """lib.name(x, dim, *args, **kwargs), dim drawn."""
    return lambda lib, x, dim: getattr(lib, name)(x, dim, *args, **kwargs)


def sized(name, *args, **kwargs):
    """lib.name(x, *args, dim=dim, **kwargs), dim drawn (for the ops whose dim comes after a size)."""
    return lambda lib, x, dim: getattr(lib, name)(x, *args, dim=dim, **kwargs)


def reduced(name, reduce, **kwargs):
    """lib.name(x, 1, index, source, reduce) with repeated indices along dim 1 (scatter_reduce's index)."""
    return lambda lib, x, source: getattr(lib, name)(x, 1, index(lib, [[0, 0, 2], [1, 1, 1]]), source, reduce, **kwargs)


def indexed(name, reduce, **kwargs):
    """lib.name(x, 0, index, source, reduce) with a repeated index (index_reduce's index)."""
    return lambda lib, x, source: getattr(lib, name)(x, 0, index(lib, [0, 2, 0]), source, reduce, **kwargs)


def joined(name):
    """lib.name([x, y])."""
    return lambda lib, x, y: getattr(lib, name)([x, y])


def quantiles(lib, x):
    """The quantiles 0, 0.3 and 1 as a tensor of x's dtype (PyTorch asks for it)."""
    return lib.tensor([0.0, 0.3, 1.0], dtype=x.dtype)


# The drawn cases a row's DIFFERENCES entry names beyond its edge values (each a differs= predicate).

def at_a_pole(*shifts):
    """Whether an input less a shift is at a pole of ψ and its derivatives (0, -1, -2, ...), or a float32 one
    within 0.01 of one."""
    def at(arrays, dim):
        x = arrays[0]
        near = 0.01 if x.dtype == np.float32 else 0
        for shift in shifts:
            y = x.astype(np.float64) - shift
            with np.errstate(invalid="ignore"):
                if ((y < 0.01) & (np.abs(y - np.round(y)) <= near)).any():
                    return True
        return False
    return at


def nan_beside_a_special_case(arrays, dim):
    """igamma's input NaN where its other is 0 or +inf, or its other NaN where input is +inf (broadcast)."""
    a, x = arrays
    try:
        return bool((np.isnan(a) & ((x == 0) | (x == math.inf)) | (a == math.inf) & np.isnan(x)).any())
    except ValueError:  # shapes that do not broadcast
        return False


def subnormal_float32_self(arrays, dim):
    """A float32 self (the first input) holding a subnormal number."""
    return subnormal_float32(arrays[0])


def kth_tied(k):
    """Whether a slice along dim holds its k-th smallest value more than once (0 and -0.0 are equal, NaNs too)."""
    def tied(arrays, dim):
        x = arrays[0].astype(np.float64)
        if x.ndim == 0 or not -x.ndim <= dim < x.ndim or not k <= x.shape[dim]:
            return False
        kth = np.take(np.sort(x, axis=dim), [k - 1], axis=dim)
        equal = (x == kth) | (np.isnan(x) & np.isnan(kth))
        return bool((equal.sum(axis=dim) > 1).any())
    return tied


def tied_at_a_quantile(arrays, dim):
    """A value that the quantiles of quantiles() interpolate, held more than once in the flattened input
    (NaNs aside): the ranks 0, the two around 0.3·(n - 1), and n - 1; or, for quantile, two NaNs or more, one
    of which its NaN results take the gradient from."""
    return tied_number_at_a_quantile(arrays, dim) or int(np.isnan(arrays[0].astype(np.float64)).sum()) > 1


def tied_number_at_a_quantile(arrays, dim):
    """tied_at_a_quantile for nanquantile, which leaves NaNs out."""
    x = np.sort(arrays[0][~np.isnan(arrays[0].astype(np.float64))].astype(np.float64))
    ranks = {0, math.floor(0.3 * (x.size - 1)), math.ceil(0.3 * (x.size - 1)), x.size - 1}
    return x.size > 0 and any(np.count_nonzero(x == x[rank]) > 1 for rank in ranks)


def past_the_last_dim(arrays, dim):
    """dim one past the last dimension."""
    return dim == max(arrays[0].ndim, 1)



def x_unlike_y(arrays, dim):
    """trapezoid's x is 0-d or has more dimensions than y; or both are uint8; or one is huge_float32."""
    y, x = arrays
    both_uint8 = x.dtype == y.dtype == np.uint8
    return x.ndim == 0 or x.ndim > y.ndim or both_uint8 or huge_float32(arrays, dim)


INFINITY_LESS = tuple(v for v in EDGES if not math.isinf(v))
# The scatter and index reductions' edge values: sums less ±1e38, extremes less NaN (see DIFFERENCES).
REDUCED_EDGES = {"sum": HUGE_LESS, "mean": HUGE_LESS, "amax": NAN_LESS, "amin": NAN_LESS}
# Samples y and where they lie, x: along y's last dim, the same shape, empty, one sample, a batch of x, sizes that
# differ, a longer x, and x of more dimensions than y or 0-d (these two as x_unlike_y says).
SAMPLES_AT = (((3,), (3,)), ((2, 3), (3,)), ((2, 3), (2, 3)), ((0,), (0,)), ((2, 1), (1,)), ((2, 3), (1, 3)),
              ((3,), (2,)), ((2, 3), (4,)), ((3,), (2, 3)), ((3,), ()))
MATRICES = each((2, 3), (3, 4), (0, 3), (1, 1), (3,), (2, 3, 2))
ALONG_1 = (((2, 3), (2, 3)), ((3, 3), (2, 3)), ((2, 0), (2, 0)), ((2, 3), (1, 2)), ((2, 2), (2, 3)))
ALONG_0 = (((3, 2), (3, 2)), ((4, 1), (3, 1)), ((3, 0), (3, 0)), ((1, 2), (3, 2)), ((3, 2), (2, 2)))

ROWS = [
    # Gathering and scattering along a dimension by an index tensor.
    Op("gather", lambda lib, x: lib.gather(x, 1, index(lib, [[0, 2], [1, 1]])),
       shapes=each((2, 3), (3, 4), (2, 1), (0, 3), (2, 3, 1))),
    Op("gather empty index", lambda lib, x: lib.gather(x, 0, index(lib, [])), shapes=each((2, 3), (0,), ())),
    Op("scatter", lambda lib, x, src: lib.scatter(x, 1, index(lib, [[0, 2], [1, 0]]), src), arity=2,
       shapes=(((2, 3), (2, 2)), ((3, 3), (2, 2)), ((2, 3), (1, 2)), ((2, 1), (2, 2)), ((2, 3), (2, 2, 1)))),
    Op("scatter value", lambda lib, x: lib.scatter(x, 0, index(lib, [[1, 0, 1]]), value=2.0), shapes=MATRICES),
    Op("scatter reduce=add", lambda lib, x, src: lib.scatter(x, 1, index(lib, [[0, 0], [1, 0]]), src, reduce="add"),
       arity=2, shapes=ALONG_1, edges=HUGE_LESS, grad=False),  # PyTorch has no derivative of scatter with reduce=
    Op("scatter_add", lambda lib, x, src: lib.scatter_add(x, 1, index(lib, [[0, 0, 2], [1, 1, 1]]), src), arity=2,
       shapes=ALONG_1, edges=HUGE_LESS),
    *[Op(f"scatter_reduce {reduce}", reduced("scatter_reduce", reduce), arity=2, shapes=ALONG_1,
         edges=REDUCED_EDGES.get(reduce, EDGES),
         differs=subnormal_float32_self if reduce == "prod" else None)
      for reduce in ("sum", "prod", "mean", "amax", "amin")],
    Op("scatter_reduce mean include_self=False", reduced("scatter_reduce", "mean", include_self=False), arity=2,
       shapes=ALONG_1, edges=HUGE_LESS),
    Op("scatter_reduce amax include_self=False", reduced("scatter_reduce", "amax", include_self=False), arity=2,
       shapes=ALONG_1, edges=NAN_LESS),
    Op("take_along_dim", lambda lib, x: lib.take_along_dim(x, index(lib, [[0], [2]]), 1), shapes=MATRICES),
    Op("take_along_dim flat", lambda lib, x: lib.take_along_dim(x, index(lib, [0, -1, 0])), shapes=MATRICES),

    # Selecting along a dimension by a list of indices.
    Op("index_select", lambda lib, x, dim: lib.index_select(x, dim, index(lib, [1, 0, 1])), dim=True),
    Op("index_add", lambda lib, x, source: lib.index_add(x, 0, index(lib, [0, 2, 0]), source), arity=2,
       shapes=ALONG_0, edges=HUGE_LESS),
    Op("index_add alpha=2", lambda lib, x, source: lib.index_add(x, 0, index(lib, [0, 2, 0]), source, alpha=2),
       arity=2, shapes=ALONG_0, edges=HUGE_LESS),
    Op("index_copy", lambda lib, x, source: lib.index_copy(x, 0, index(lib, [2, 0, 1]), source), arity=2,
       shapes=ALONG_0),
    Op("index_fill", lambda lib, x: lib.index_fill(x, 1, index(lib, [0, 2]), -1.5), shapes=MATRICES),
    Op("index_fill tensor value", lambda lib, x, value: lib.index_fill(x, 1, index(lib, [0, 2]), value), arity=2,
       shapes=(((2, 3), ()), ((0, 3), ()), ((2, 3), (1,)))),
    *[Op(f"index_reduce {reduce}", indexed("index_reduce", reduce), arity=2, shapes=ALONG_0,
         edges=REDUCED_EDGES.get(reduce, EDGES),
         differs=subnormal_float32_self if reduce == "prod" else None)
      for reduce in ("prod", "mean", "amax", "amin")],
    *[Op(f"index_reduce {reduce} include_self=False", indexed("index_reduce", reduce, include_self=False), arity=2,
         shapes=ALONG_0, edges=REDUCED_EDGES[reduce]) for reduce in ("mean", "amin")],
    Op("index_put", lambda lib, x, values: lib.index_put(x, (index(lib, [0, 2]),), values), arity=2,
       shapes=(((3, 2), (2, 2)), ((3, 2), ()), ((3, 0), (2, 0)), ((2, 2), (2, 2)), ((3, 2), (3, 2)))),
    Op("index_put accumulate", lambda lib, x, values: lib.index_put(x, (index(lib, [0, 2, 0]),), values, True),
       arity=2, shapes=(((3, 2), (3, 2)), ((3, 2), (2,)), ((3, 0), (3, 0)), ((2, 2), (3, 2)))),
    Op("put", lambda lib, x, source: lib.put(x, index(lib, [0, -1, 2]), source), arity=2,
       shapes=(((2, 3), (3,)), ((3,), (3,)), ((2,), (3,)), ((2, 3), (2,)))),
    Op("put accumulate", lambda lib, x, source: lib.put(x, index(lib, [0, 0, 1]), source, accumulate=True), arity=2,
       shapes=(((2, 3), (3,)), ((2,), (3,)), ((2, 3), (1, 3)))),
    Op("take", lambda lib, x: lib.take(x, index(lib, [[0, -1], [1, 0]]))),

    # Masks.
    Op("masked_fill", lambda lib, x: lib.masked_fill(x, x > 0, 2.0)),
    Op("masked_fill broadcast mask", lambda lib, x: lib.masked_fill(x, lib.tensor([True, False, True]), -1.0)),
    Op("masked_fill tensor value", lambda lib, x, value: lib.masked_fill(x, lib.tensor([True, False, True]), value),
       arity=2, shapes=(((2, 3), ()), ((0, 3), ()), ((3,), ()), ((2, 3), (1,)))),
    Op("masked_scatter", lambda lib, x, source: lib.masked_scatter(x, lib.tensor([True, False, True]), source),
       arity=2, shapes=(((2, 3), (6,)), ((2, 3), (2, 2)), ((0, 3), (1,)), ((3,), (1,)), ((2, 2), (4,)))),
    Op("masked_select", lambda lib, x: lib.masked_select(x, lib.tensor([True, False, True]))),

    # Slices, single indices and scattering into them.
    Op("narrow", along("narrow", 1, 1), dim=True),
    Op("narrow from the end", along("narrow", -2, 2), dim=True),
    Op("narrow_copy", along("narrow_copy", 1, 1), dim=True, differs=past_the_last_dim),
    Op("select", along("select", -1), dim=True),
    Op("select_copy", along("select_copy", 1), dim=True),
    Op("slice_copy", along("slice_copy", 1, 3, 2), dim=True),
    Op("select_scatter", lambda lib, x, src: lib.select_scatter(x, src, 0, 1), arity=2,
       shapes=(((3, 2), (2,)), ((2, 0), (0,)), ((1, 2), (2,)), ((3, 2), (3,)), ((3,), ()))),
    Op("slice_scatter", lambda lib, x, src: lib.slice_scatter(x, src, 1, 0, 3, 2), arity=2,
       shapes=(((2, 4), (2, 2)), ((2, 3), (2, 2)), ((0, 4), (0, 2)), ((2, 4), (2, 3)), ((2, 1), (2, 1)))),

    # Splitting.
    Op("split", sized("split", 2), dim=True),
    Op("split sections", sized("split", [1, 2]), dim=True),
    Op("split_copy", sized("split_copy", 2), dim=True),
    Op("split_with_sizes", sized("split_with_sizes", [2, 1]), dim=True),
    Op("split_with_sizes_copy", sized("split_with_sizes_copy", [1, 0, 2]), dim=True),
    Op("unsafe_split_with_sizes", sized("unsafe_split_with_sizes", [3]), dim=True),
    Op("chunk", sized("chunk", 2), dim=True),
    Op("tensor_split", sized("tensor_split", 2), dim=True),
    Op("tensor_split indices", sized("tensor_split", [1, 2]), dim=True),
    Op("hsplit", function("hsplit", 2)),
    Op("vsplit", function("vsplit", [1])),
    Op("dsplit", function("dsplit", 1)),
    Op("unbind", sized("unbind"), dim=True),
    Op("unbind_copy", sized("unbind_copy"), dim=True),

    # Joining.
    Op("hstack", joined("hstack"), arity=2),
    Op("vstack", joined("vstack"), arity=2),
    Op("dstack", joined("dstack"), arity=2),
    Op("column_stack", joined("column_stack"), arity=2),
    Op("atleast_1d", function("atleast_1d")),
    Op("atleast_2d", function("atleast_2d"), arity=2),
    Op("atleast_3d", function("atleast_3d")),

    # Broadcasting and repeating.
    Op("broadcast_tensors", function("broadcast_tensors"), arity=2),
    Op("broadcast_to", function("broadcast_to", (2, 3))),
    Op("broadcast_to -1", function("broadcast_to", (2, -1))),
    Op("expand", method("expand", 2, 3)),
    Op("expand -1", method("expand", 2, -1, -1)),
    Op("expand_copy", function("expand_copy", (3, -1))),
    Op("tile", function("tile", (2, 1))),
    Op("tile 0", function("tile", (0, 2, 1))),
    Op("repeat_interleave", sized("repeat_interleave", 2), dim=True),
    Op("repeat_interleave flat", function("repeat_interleave", 3)),
    Op("repeat_interleave tensor", lambda lib, x: lib.repeat_interleave(x, index(lib, [1, 0, 2]), 0),
       shapes=each((3,), (3, 2), (2,), (1, 2), ())),
    Op("roll", lambda lib, x, dim: lib.roll(x, 1, dim), dim=True),
    Op("roll flat", function("roll", -2)),
    Op("roll two dims", function("roll", (1, -1), (0, 1))),
    Op("rot90", function("rot90")),
    Op("rot90 k=2", function("rot90", 2, (1, 0))),
    Op("rot90 k=-1", function("rot90", -1, (-1, 0))),

    # Moving dimensions.
    Op("movedim", lambda lib, x, dim: lib.movedim(x, dim, 0), dim=True),
    Op("movedim two", function("movedim", (0, 1), (-1, 0))),
    Op("permute", function("permute", (1, 0)), shapes=MATRICES),
    Op("permute three", function("permute", (2, 0, 1)), shapes=MATRICES),
    Op("permute_copy", function("permute_copy", (-1, 0)), shapes=MATRICES),
    Op("swapaxes", lambda lib, x, dim: lib.swapaxes(x, dim, 0), dim=True),
    Op("swapdims", lambda lib, x, dim: lib.swapdims(x, -1, dim), dim=True),
    Op("fliplr", function("fliplr")),
    Op("flipud", function("flipud")),

    # The copying forms of views, and the other copies.
    Op("alias_copy", function("alias_copy")),
    Op("detach_copy values", lambda lib, x: lib.detach_copy(x).detach()),
    Op("squeeze_copy", along("squeeze_copy"), dim=True),
    Op("squeeze_copy all", function("squeeze_copy")),
    Op("unsqueeze_copy", along("unsqueeze_copy"), dim=True),
    Op("t_copy", function("t_copy")),
    Op("transpose_copy", lambda lib, x, dim: lib.transpose_copy(x, dim, -1), dim=True),
    Op("view_copy", function("view_copy", (-1,))),
    Op("view_copy 3 by -1", function("view_copy", (3, -1))),
    Op("unfold_copy", along("unfold_copy", 2, 1), dim=True),
    Op("clone", function("clone")),
    Op("fill", function("fill", 1.5)),
    Op("fill tensor value", function("fill"), arity=2, shapes=(((2, 3), ()), ((0,), ()), ((), ()), ((2,), (1,)))),
    Op("ravel", function("ravel")),
    Op("unflatten", along("unflatten", (-1, 1)), dim=True),
    Op("unflatten 1 by 3", along("unflatten", (1, 3)), dim=True),
    Op("msort", function("msort")),
    Op("rsub", function("rsub"), arity=2),
    Op("rsub alpha=2", function("rsub", alpha=2), arity=2),
    Op("rsub 2", function("rsub", 2.0)),
    Op("clamp_max", function("clamp_max", 0.5)),
    Op("clamp_max tensor", function("clamp_max"), arity=2),
    Op("clamp_min", function("clamp_min", -1), dtypes=FLOATS + ("int64", "int32", "bool")),
    Op("clamp_min tensor", function("clamp_min"), arity=2),

    # The special functions.
    *[Op(f"polygamma {n}", lambda lib, x, n=n: lib.polygamma(n, x), edges=INFINITY_LESS,
         differs=at_a_pole(0)) for n in (0, 1, 2, 3)],
    Op("igamma", function("igamma"), arity=2, dtypes=FLOATS,
       differs=either(nan_beside_a_special_case, subnormal_float32_self)),
    Op("igammac", function("igammac"), arity=2, dtypes=FLOATS, differs=nan_beside_a_special_case),
    Op("mvlgamma", function("mvlgamma", 1), edges=INFINITY_LESS, differs=at_a_pole(0)),
    Op("mvlgamma p=3", function("mvlgamma", 3), edges=INFINITY_LESS, differs=at_a_pole(0, 0.5, 1)),
    Op("frexp", function("frexp")),

    # Order statistics.
    Op("quantile", lambda lib, x, dim: lib.quantile(x, 0.25, dim), dim=True, edges=INFINITY_LESS),
    Op("quantile all", lambda lib, x: lib.quantile(x, quantiles(lib, x)), edges=INFINITY_LESS,
       differs=tied_at_a_quantile),
    Op("quantile keepdim", lambda lib, x, dim: lib.quantile(x, quantiles(lib, x), dim, keepdim=True), dim=True,
       edges=INFINITY_LESS),
    *[Op(f"quantile {mode}", lambda lib, x, dim, mode=mode: lib.quantile(x, 0.4, dim, interpolation=mode), dim=True,
         edges=INFINITY_LESS if mode == "midpoint" else EDGES)
      for mode in ("lower", "higher", "nearest", "midpoint")],
    Op("nanquantile", lambda lib, x, dim: lib.nanquantile(x, 0.25, dim), dim=True, edges=INFINITY_LESS),
    Op("nanquantile all", lambda lib, x: lib.nanquantile(x, quantiles(lib, x)), edges=INFINITY_LESS,
       differs=tied_number_at_a_quantile),
    Op("kthvalue", lambda lib, x, dim: lib.kthvalue(x, 1, dim), dim=True, differs=kth_tied(1)),
    Op("kthvalue 2 keepdim", lambda lib, x, dim: lib.kthvalue(x, 2, dim, keepdim=True), dim=True,
       differs=kth_tied(2)),
    Op("mode", lambda lib, x, dim: lib.mode(x, dim), dim=True, edges=NAN_LESS),

    # Integrals and derivatives of samples.
    Op("trapezoid", sized("trapezoid"), dim=True, edges=FINITE, differs=huge_float32),
    Op("trapezoid dx", sized("trapezoid", dx=0.5), dim=True, edges=FINITE, differs=huge_float32),
    Op("trapezoid x", lambda lib, y, x: lib.trapezoid(y, x), arity=2, shapes=SAMPLES_AT, differs=x_unlike_y),
    Op("cumulative_trapezoid", sized("cumulative_trapezoid"), dim=True),
    Op("cumulative_trapezoid x", lambda lib, y, x: lib.cumulative_trapezoid(y, x), arity=2, shapes=SAMPLES_AT,
       differs=x_unlike_y),
    Op("gradient", function("gradient")),
    Op("gradient dim", lambda lib, x, dim: lib.gradient(x, dim=dim), dim=True),
    Op("gradient spacing", function("gradient", spacing=2.0, edge_order=2)),
    Op("gradient coordinates",
       lambda lib, x: lib.gradient(x, spacing=(lib.tensor([0.0, 1.0, 3.0], dtype=x.dtype),), dim=0),
       dtypes=FLOATS, shapes=each((3,), (3, 2), (3, 0), ())),
]

# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
    "scatter": "a src larger than the index: PyTorch's backward fails (its gradient of src has the index's shape), "
               "ember's gradient of src is 0 where nothing was taken from it",
    "scatter_reduce prod": "a subnormal float32 in self: PyTorch's gradient (g·result)/self rounds g·result to 0 "
                           "(0.36·1e-45 underflows), where ember's, g times the product of the place's other "
                           "factors, is g",
    "index_reduce prod": "as scatter_reduce prod",
    "scatter_add": "±1e38 (not drawn): PyTorch adds each value into self in turn, ember sums a place's values and "
                   "adds the sum once (NumPy's add.at is 3 to 5 times slower), so where they cancel, 1e38 + "
                   "(-1e38 + 1) gives ember 0 and PyTorch 1",
    "scatter_reduce sum": "as scatter_add", "scatter_reduce mean": "as scatter_add",
    "scatter_reduce mean include_self=False": "as scatter_add", "scatter reduce=add": "as scatter_add",
    "index_add": "as scatter_add", "index_add alpha=2": "as scatter_add", "index_reduce mean": "as scatter_add",
    "index_reduce mean include_self=False": "as scatter_add",
    "scatter_reduce amax": "NaN, as amax", "scatter_reduce amin": "as scatter_reduce amax",
    "scatter_reduce amax include_self=False": "as scatter_reduce amax", "index_reduce amax": "as scatter_reduce amax",
    "index_reduce amin": "as scatter_reduce amax", "index_reduce amin include_self=False": "as scatter_reduce amax",
    "narrow_copy": "dim one past the last: PyTorch's narrow_copy fails an internal assertion (RuntimeError), ember "
                   "raises narrow's IndexError, as PyTorch does for a dim before the first",
    "detach_copy values": "PyTorch's detach_copy gives a result that requires grad but has no derivative (backward "
                          "raises); ember's, as detach's, is outside the graph: the row compares the values",
    "clamp_min": "as x % -2",
    "polygamma 0": "as digamma, and +inf: PyTorch's polygamma of order 2 or more is NaN there, the limit 0 ember's "
                   "(order 1's gradient is order 2)",
    "polygamma 1": "as polygamma 0", "polygamma 2": "as polygamma 0", "polygamma 3": "as polygamma 0",
    "igamma": "NaN input where other is 0 or +inf, NaN other where input is +inf: PyTorch's kernel looks at those "
              "cases first and gives 0 or 1 (igammac 1 or 0), ember's (SciPy's) NaN; a subnormal float32 input "
              "(1.3e-39) where other is 1: PyTorch's float32 igamma is 0, ember's (SciPy's) 1, the limit as input "
              "goes to 0 (PyTorch's own at 1e-37 and at 0)",
    "igammac": "as igamma, at a NaN beside its special cases",
    "mvlgamma": "as digamma at the poles of its terms ln Γ(x - i/2), where its gradient is ψ's",
    "mvlgamma p=3": "as mvlgamma",
    "quantile": "±inf between the two values interpolated: PyTorch interpolates by its lerp, as lerp",
    "quantile all": "as quantile; and a value interpolated that is tied in the input (two NaNs are, for the NaN "
                    "result's gradient): PyTorch's gradient goes to "
                    "the tied elements where its sort puts them (an unstable one, for more than 16 elements), "
                    "ember's to those a stable sort puts there",
    "quantile keepdim": "as quantile", "quantile midpoint": "as quantile",
    "nanquantile": "as quantile", "nanquantile all": "as quantile all",
    "kthvalue": "a k-th value held more than once in its slice: PyTorch's index (and so the element given the "
                "gradient) is whichever its partial sort leaves there, ember's that of a stable sort",
    "kthvalue 2 keepdim": "as kthvalue",
    "mode": "NaN (not drawn): PyTorch sorts a slice with a comparison that leaves NaN unordered, so its mode of "
            "[nan, 0] is NaN and of [0, nan] is 0; ember's NaNs sort last, each counted once",
    "trapezoid": "±inf and NaN: PyTorch sums y whole and takes (y₀ + yₙ)/2 off, inf - inf (NaN) for an infinite "
                 "end, and NaN for a lone NaN sample, where ember adds up the trapezoids (±inf, and 0 for none); "
                 "±1e38 in float32: PyTorch's sums of y overflow float32 where ember's halved heights do not",
    "trapezoid dx": "as trapezoid",
    "trapezoid x": "an x of more dimensions than y: PyTorch takes y's dim, made non-negative, as a dim of x counted "
                   "from its first; ember counts dim from the last of each (x broadcasts with y); a 0-d x: PyTorch "
                   "takes its differences as an empty tensor (a y of one or two samples integrates to 0), ember "
                   "refuses it as diff does; ±1e38 in float32 (and uint8 x and y): PyTorch multiplies the spacing "
                   "by yᵢ + yᵢ₊₁ before halving, which overflows float32 (wraps around uint8) where ember's "
                   "halved heights in floating point do not",
    "cumulative_trapezoid x": "as trapezoid x",
}
