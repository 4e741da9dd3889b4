"""Matrix products: where almost all of a network's arithmetic happens (on BLAS, or cuBLAS).

MatMul and Linear are the two ops; every other product PyTorch names is written with them: of matrices
and batches (mm, bmm, the scaled sums addmm, baddbmm, addbmm, addmv, addr), of vectors (dot, inner,
outer), of tensors (tensordot, kron), of a chain of matrices in the cheapest order (multi_dot), and the
cross product and the distances between two sets of points (cdist). einsum is in ops/einsum.py.
"""

import math

from .. import backend
from ..autograd import Function, InputError
from .decompositions import no_out, warn_deprecated
from .diagonal import diagonal
from .elementwise import into_out, promote
from .pointwise import sqrt
from .reduce import unread, vector_norm
from .shape import (broadcast_shapes, common_dtype, normalize_dim, numpy_names, permute, reshape, stack, transpose,
                    unbind, unsqueeze)


class MatMul(Function):
    """a @ b with NumPy's rules: 1-D operands are vectors, leading axes are batch axes that broadcast.

    For C = A B: dL/dA = dL/dC Bᵀ and dL/dB = Aᵀ dL/dC.
    """

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.matmul(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved
        xp = ctx.xp
        # Treat a vector a as a 1×n matrix and a vector b as an n×1 one, as forward did.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if b.ndim == 1:
            grad = grad[..., None]
        if a.ndim == 1:
            grad = grad[..., None, :]
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = xp.matmul(grad, xp.swapaxes(b2, -1, -2))
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
        if ctx.needs_input_grad[1]:
            if b2.ndim == 2 and a2.ndim > 2:
                # A batch of inputs times one weight matrix: one big product instead of a
                # batch of products that would then be summed.
                rows = math.prod(a2.shape[:-1])  # not -1, which an empty batch leaves undetermined
                grad_b = xp.matmul(a2.reshape(rows, a2.shape[-1]).T, grad.reshape(rows, grad.shape[-1]))
            else:
                grad_b = xp.matmul(xp.swapaxes(a2, -1, -2), grad)
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
        return grad_a, grad_b


def _rows(a):
    """a (..., n) as the matrix (rows, n) of its last axis: empty ones too (n = 0, where -1 is ambiguous)."""
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


class Linear(Function):
    """y = x Wᵀ + b, the fully connected layer: every output is a neuron's weighted sum Σ wᵢxᵢ + b.

    x is (..., in), W is (out, in), b is (out,) or None. The leading axes are folded into one so that each
    direction is a single matrix product: dL/dx = dL/dy W, dL/dW = dL/dyᵀ x, dL/db = Σ dL/dy.
    """

    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        x2 = _rows(x)
        if x2.shape[0] < weight.shape[0] < x2.shape[1] // 4:
            # Few, long rows into more neurons (a CNN's first Linear: 64 × 12544 -> 128). OpenBLAS's
            # threads split such a product well only along its first side, so the longer side goes
            # first: (W xᵀ)ᵀ, the same numbers, several times faster on a busy machine.
            out = (weight @ x2.T).T
        else:
            out = x2 @ weight.T
        if bias is not None:
            out += bias
        return out.reshape(x.shape[:-1] + (weight.shape[0],))

    def backward(ctx, grad):
        x, weight = ctx.saved
        grad2 = _rows(grad)
        x2 = _rows(x)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            # In x's memory order: x flattened from a conv layer's batch-innermost maps is a transposed
            # view, and its gradient, reshaped back, then reaches those layers in their own layout.
            grad_x = (weight.T @ grad2.T).T if x2.T.flags.c_contiguous else grad2 @ weight
            grad_x = grad_x.reshape(x.shape)
        if ctx.needs_input_grad[1]:
            grad_w = grad2.T @ x2
        return grad_x, grad_w, (grad2.sum(axis=0) if ctx.needs_input_grad[2] else None)


def matmul(a, b, *, out=None):
    """The matrix product a @ b, with NumPy's rules: vectors, matrices, and batches that broadcast."""
    return into_out("matmul", _matrix_product(a, b), out, exact_dtype=True)


def _matrix_product(a, b):
    a, b = promote(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise InputError("matmul: both arguments need at least one dimension; use * for a scalar")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise InputError(f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied ({k_a} != {k_b})")
    return MatMul.apply(a, b)


def check_features(x, in_features, who):
    """The last axis of x must hold in_features numbers; who (e.g. "Linear 'encoder.0'") names the caller."""
    if x.ndim == 0 or x.shape[-1] != in_features:
        raise InputError(f"{who}: expected input (..., {in_features}), got {tuple(x.shape)}")


def linear(x, weight, bias=None):
    """x Wᵀ + b: x (..., in), weight (out, in), bias (out,) or None."""
    check_features(x, weight.shape[-1], "linear")
    return Linear.apply(*promote(x, weight, bias))


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1ᵀ W_k x2 + b_k: each output a quadratic form in the two inputs. input1 (*, in1), input2
    (*, in2) with the same leading axes, weight (out, in1, in2), bias (out,) or None -> (*, out).
    Computed as one matrix product, x1 times W laid out as (in1, out·in2), then a sum against x2."""
    name = "bilinear"
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"{name}: input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"{name}: input batch dimensions do not match: got {tuple(input1.shape)} and "
                           f"{tuple(input2.shape)}")
    if weight.ndim != 3:
        raise RuntimeError(f"{name}: expected a 3-D weight (out, in1, in2), got shape {tuple(weight.shape)}")
    out, in1, in2 = weight.shape
    for what, size, expected in (("input1", input1.shape[-1], in1), ("input2", input2.shape[-1], in2)):
        if size != expected:
            raise RuntimeError(f"{name}: {what} size does not match weight size: got {size} but expected {expected}")
    if bias is not None and tuple(bias.shape) != (out,):
        raise RuntimeError(f"{name}: expected bias of shape ({out},), got {tuple(bias.shape)}")
    dtypes = {t.dtype for t in (input1, input2, weight, bias) if t is not None}
    if len(dtypes) > 1:
        raise RuntimeError(f"{name}: all tensors must have the same dtype, got {sorted(str(d) for d in dtypes)}")
    x1_w = matmul(input1, reshape(permute(weight, 1, 0, 2), (in1, out * in2)))
    y = (reshape(x1_w, (*input1.shape[:-1], out, in2)) * input2.unsqueeze(-2)).sum(-1)
    return y if bias is None else y + bias


# ---------------------------------------------------------------------------------------------
# Products of matrices, vectors and batches, as PyTorch names them. Unlike matmul, they take operands of
# one dtype only, and each of the dimensions its name says.

def _check_same_dtype(name, *tensors):
    dtypes = sorted({str(t.dtype) for t in tensors})
    if len(dtypes) > 1:
        raise RuntimeError(f"{name}: expected tensors of one dtype, got {' and '.join(dtypes)}")


def _check_one_dtype_not_bool(name, *tensors):
    """The operands of a matrix product: of one dtype, and not bool (PyTorch has no product of bool matrices)."""
    _check_same_dtype(name, *tensors)
    if tensors[0].dtype == backend.bool_:
        raise RuntimeError(f"{name}: expected numbers, got bool tensors")


def _check_ndim(name, **operands):
    """Each operand, given as name=(tensor, its number of dimensions), must have that many dimensions."""
    for what, (x, ndim) in operands.items():
        if x.ndim != ndim:
            raise RuntimeError(f"{name}: expected {what} to have {ndim} dimension{'s' * (ndim > 1)}, "
                               f"got shape {x.shape}")


def _product(name, out, **operands):
    """The matrix product of two operands, given as name=(tensor, its number of dimensions), after checking
    those dimensions, that they are of one dtype and that the first's columns are the second's rows."""
    no_out(name, out)
    _check_ndim(name, **operands)
    (a, _), (b, _) = operands.values()
    _check_one_dtype_not_bool(name, a, b)
    rows = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != rows or (a.ndim == b.ndim == 3 and a.shape[0] != b.shape[0]):
        raise RuntimeError(f"{name}: shapes {a.shape} and {b.shape} cannot be multiplied")
    return MatMul.apply(a, b)


def mm(input, mat2, *, out=None):  # noqa: A002 (PyTorch's argument names)
    """The matrix product of input (n, m) and mat2 (m, p): (n, p)."""
    return _product("mm", out, input=(input, 2), mat2=(mat2, 2))


def bmm(input, mat2, *, out=None):  # noqa: A002
    """The matrix products of two batches of as many matrices: (b, n, m) @ (b, m, p) -> (b, n, p)."""
    return _product("bmm", out, input=(input, 3), mat2=(mat2, 3))


def mv(input, vec, *, out=None):  # noqa: A002
    """The product of a matrix (n, m) and a vector (m,): (n,)."""
    return _product("mv", out, input=(input, 2), vec=(vec, 1))


def dot(input, tensor, *, out=None):  # noqa: A002
    """Σ xᵢ yᵢ of two vectors of one size: a 0-d tensor."""
    return _product("dot", out, input=(input, 1), tensor=(tensor, 1))


vdot = dot  # vdot conjugates its first argument, which changes nothing for real numbers


def inner(input, other, *, out=None):  # noqa: A002
    """Σ over the last dimension of both: (..., k) and (..., k) -> input's leading shape + other's (a 0-d
    operand multiplies instead)."""
    no_out("inner", out)
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    _check_same_dtype("inner", input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner: the last dimensions must match, got shapes {input.shape} and {other.shape}")
    return tensordot(input, other, ([-1], [-1]))


def outer(input, vec2, *, out=None):  # noqa: A002
    """xᵢ yⱼ for vectors x (n,) and y (m,): the matrix (n, m)."""
    no_out("outer", out)
    _check_ndim("outer", input=(input, 1), vec2=(vec2, 1))
    return unsqueeze(input, 1) * vec2


ger = outer


def _scaled_sum(name, input, product, beta, alpha):
    """beta · input + alpha · product, input broadcast to the product's shape; with beta = 0 input is not
    read (NaN in it does not spread) and its gradient is 0, as in PyTorch."""
    _check_same_dtype(name, input, product)
    fits = input.ndim <= product.ndim and all(n in (1, m) for n, m in zip(input.shape[::-1], product.shape[::-1]))
    if not fits:
        raise RuntimeError(f"{name}: input of shape {input.shape} does not broadcast to the product's shape "
                           f"{product.shape}")
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:
        return unread(input, scaled)
    return (input if beta == 1 else input * beta) + scaled


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """beta · input + alpha · (mat1 @ mat2), for matrices (n, m) and (m, p), input broadcast to (n, p)."""
    no_out("addmm", out)
    return _scaled_sum("addmm", input, mm(mat1, mat2), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """beta · input + alpha · bmm(batch1, batch2), input broadcast to (b, n, p)."""
    no_out("baddbmm", out)
    return _scaled_sum("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """beta · input + alpha · Σ_b batch1[b] @ batch2[b], input broadcast to (n, p). The sum of products is
    one product: the batches side by side, (n, b·m) @ (b·m, p)."""
    no_out("addbmm", out)
    _check_ndim("addbmm", batch1=(batch1, 3), batch2=(batch2, 3))
    (b, n, m), p = batch1.shape, batch2.shape[-1]
    if batch2.shape[:2] != (b, m):
        raise RuntimeError(f"addbmm: shapes {batch1.shape} and {batch2.shape} cannot be multiplied")
    side_by_side = reshape(permute(batch1, 1, 0, 2), (n, b * m))
    return _scaled_sum("addbmm", input, mm(side_by_side, reshape(batch2, (b * m, p))), beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):  # noqa: A002
    """beta · input + alpha · (mat @ vec), input broadcast to (n,)."""
    no_out("addmv", out)
    return _scaled_sum("addmv", input, mv(mat, vec), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """beta · input + alpha · outer(vec1, vec2), input broadcast to (n, m); unlike the other products, of
    operands of any dtypes, promoted (a 0-d input counts as much as the vectors, as in PyTorch)."""
    no_out("addr", out)
    input, vec1, vec2 = common_dtype([input, vec1, vec2])
    if input.dtype == backend.bool_:  # of bools, beta and alpha are truth values, as in PyTorch
        beta, alpha = bool(beta), bool(alpha)
    return _scaled_sum("addr", input, outer(vec1, vec2), beta, alpha)


def adjoint(input):  # noqa: A002
    """The transpose of each matrix of input (the last two dimensions; for real numbers, the conjugate
    transpose is the transpose); a 0-d tensor is its own."""
    if input.ndim == 0:
        return input
    if input.ndim < 2:
        raise RuntimeError(f"adjoint: expected matrices or batches of matrices, got shape {input.shape}")
    return transpose(input, -2, -1)


def trace(input):  # noqa: A002
    """The sum of a matrix's diagonal (integers sum to int64; bools are refused, as in PyTorch)."""
    _check_ndim("trace", input=(input, 2))
    if input.dtype == backend.bool_:
        raise RuntimeError("trace: expected numbers, got a bool tensor")
    return diagonal(input).sum()


@numpy_names
def vecdot(x, y, *, dim=-1, out=None):
    """Σ xᵢ yᵢ along dim of two floating point tensors that broadcast."""
    no_out("linalg.vecdot", out)
    for t in (x, y):
        if t.dtype.kind != "f":
            raise RuntimeError(f"linalg.vecdot: expected floating point tensors, got {t.dtype}")
    _check_same_dtype("linalg.vecdot", x, y)
    return (x * y).sum(dim)


# ---------------------------------------------------------------------------------------------
# Products of tensors.

def _contracted_dims(name, a, b, dims):
    """tensordot's dims as two lists of non-negative dimensions of a and b: an int n (a's last n with b's
    first n), a pair of lists, or a tensor of either kind."""
    if hasattr(dims, "tolist"):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"{name}: expected dims >= 0, got {dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"{name}: dims {dims} is more than the dimensions of {a.shape} or {b.shape}")
        return list(range(a.ndim - dims, a.ndim)), list(range(dims))
    first, second = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(first) != len(second):
        raise RuntimeError(f"{name}: expected two lists of dimensions of one length, got {dims}")
    return [normalize_dim(d, a.ndim) for d in first], [normalize_dim(d, b.ndim) for d in second]


def tensordot(a, b, dims=2, out=None):
    """Σ over dims of a paired with dims of b (see _contracted_dims) of a·b: a's other dimensions, then b's.
    A contracted dimension of size 1 broadcasts against its partner, which is summed to size 1 first.
    Both are permuted and reshaped into matrices, for one matrix product."""
    no_out("tensordot", out)
    _check_one_dtype_not_bool("tensordot", a, b)
    dims_a, dims_b = _contracted_dims("tensordot", a, b, dims)
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db] and a.shape[da] != 1 and b.shape[db] != 1:
            raise RuntimeError(f"tensordot: contracted dimensions must match, got size {a.shape[da]} (dim {da}) "
                               f"and {b.shape[db]} (dim {db})")
        if a.shape[da] == 1 and b.shape[db] != 1:
            b = b.sum(db, keepdim=True, dtype=b.dtype)
        elif b.shape[db] == 1 and a.shape[da] != 1:
            a = a.sum(da, keepdim=True, dtype=a.dtype)
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    shape_a, shape_b = [a.shape[d] for d in free_a], [b.shape[d] for d in free_b]
    size = math.prod(a.shape[d] for d in dims_a)
    rows = reshape(permute(a, *free_a, *dims_a), (math.prod(shape_a), size))
    columns = reshape(permute(b, *dims_b, *free_b), (size, math.prod(shape_b)))
    return reshape(MatMul.apply(rows, columns), shape_a + shape_b)


def kron(input, other, *, out=None):  # noqa: A002
    """The Kronecker product: every element of input times the whole of other, the blocks laid out as
    input's elements; of shape input.shape[i] · other.shape[i] (the shorter shape padded with leading 1s)."""
    no_out("kron", out)
    ndim = max(input.ndim, other.ndim)
    a_shape = (1,) * (ndim - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (ndim - other.ndim) + tuple(other.shape)
    spread_a = reshape(input, [n for size in a_shape for n in (size, 1)])
    spread_b = reshape(other, [n for size in b_shape for n in (1, size)])
    return reshape(spread_a * spread_b, [p * q for p, q in zip(a_shape, b_shape)])


# ---------------------------------------------------------------------------------------------
# A chain of matrix products, in the cheapest order.

def _cheapest_order(sizes):
    """Where to split each sub-chain of the matrices i..j (matrix i is sizes[i] × sizes[i + 1]) so that the
    chain costs the fewest multiplications: the textbook dynamic programme."""
    n = len(sizes) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min((cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1], k)
                                          for k in range(i, j))
    return split


def _chain(matrices, split, i, j):
    if i == j:
        return matrices[i]
    k = split[i][j]
    return MatMul.apply(_chain(matrices, split, i, k), _chain(matrices, split, k + 1, j))


def multi_dot(tensors, *, out=None):
    """The product of two or more matrices in the order that costs the fewest multiplications; the first
    may be a row vector (n,) and the last a column vector (n,), whose dimension the result then drops."""
    name = "linalg.multi_dot"
    no_out(name, out)
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"{name}: expected at least 2 tensors, got {len(tensors)}")
    _check_one_dtype_not_bool(name, *tensors)
    for i, t in enumerate(tensors):
        ends = i in (0, len(tensors) - 1)
        if t.ndim != 2 and not (ends and t.ndim == 1):
            raise RuntimeError(f"{name}: tensor {i} must be 2-D{' (or 1-D)' if ends else ''}, got shape {t.shape}")
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    matrices = [unsqueeze(tensors[0], 0)] if first else [tensors[0]]
    matrices += tensors[1:-1] + [unsqueeze(tensors[-1], 1) if last else tensors[-1]]
    for i, (a, b) in enumerate(zip(matrices, matrices[1:])):
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"{name}: tensors {i} and {i + 1} of shapes {tensors[i].shape} and "
                               f"{tensors[i + 1].shape} cannot be multiplied")
    sizes = [m.shape[0] for m in matrices] + [matrices[-1].shape[1]]
    result = _chain(matrices, _cheapest_order(sizes), 0, len(matrices) - 1)
    return reshape(result, [n for n, dropped in zip(result.shape, (first, last)) if not dropped])


def chain_matmul(*matrices, out=None):
    """torch.chain_matmul (deprecated): the product of matrices, linalg.multi_dot of them."""
    warn_deprecated("chain_matmul", "linalg.multi_dot, which takes a list")
    no_out("chain_matmul", out)
    if not matrices or any(m.ndim != 2 for m in matrices):
        shapes = [tuple(m.shape) for m in matrices]
        raise RuntimeError(f"chain_matmul: expected one or more 2-D matrices, got shapes {shapes}")
    return matrices[0] if len(matrices) == 1 else multi_dot(matrices)


# ---------------------------------------------------------------------------------------------
# The cross product, and distances between sets of points.

def _cross(a, b, dim):
    """a × b along dim (of size 3): (a₁b₂ - a₂b₁, a₂b₀ - a₀b₂, a₀b₁ - a₁b₀)."""
    a0, a1, a2 = unbind(a, dim)
    b0, b1, b2 = unbind(b, dim)
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim)


@numpy_names
def linalg_cross(input, other, *, dim=-1, out=None):  # noqa: A002
    """The cross product of 3-vectors along dim of two tensors of as many dimensions, which broadcast."""
    name = "linalg.cross"
    no_out(name, out)
    _check_same_dtype(name, input, other)
    if input.ndim != other.ndim:
        raise RuntimeError(f"{name}: expected tensors of as many dimensions, got shapes {input.shape} and "
                           f"{other.shape}")
    axis = normalize_dim(dim, input.ndim)
    if input.shape[axis] != 3 or other.shape[axis] != 3:
        raise RuntimeError(f"{name}: dimension {dim} must have size 3, got shapes {input.shape} and {other.shape}")
    return _cross(input, other, axis)


@numpy_names
def cross(input, other, dim=None, *, out=None):  # noqa: A002
    """torch.cross: linalg.cross along dim; without dim (deprecated, PyTorch warns) along the first dimension
    of size 3."""
    if dim is None:
        warn_deprecated("cross without dim", "linalg.cross, or give dim")
        shape = broadcast_shapes(input.shape, other.shape)
        if 3 not in shape:
            raise RuntimeError(f"cross: no dimension of size 3 in shapes {input.shape} and {other.shape}")
        dim = shape.index(3)
    return linalg_cross(input, other, dim=dim, out=out)


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 (..., P, M) and each row of x2 (..., R, M): (..., P, R),
    batches broadcast. For p = 2 and more than 25 rows (or compute_mode 'use_mm_for_euclid_dist') it is
    √(‖a‖² + ‖b‖² - 2 a·b), one matrix product, faster but less exact for close points."""
    name = "cdist"
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{name}: {compute_mode!r} is not a compute_mode; expected one of {', '.join(_CDIST_MODES)}")
    for what, x in (("x1", x1), ("x2", x2)):
        if x.ndim < 2 or x.dtype.kind != "f":
            raise RuntimeError(f"{name}: expected {what} to be a floating point tensor of at least 2 dimensions, "
                               f"got {x.dtype} of shape {x.shape}")
    _check_same_dtype(name, x1, x2)
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"{name}: x1 and x2 must have as many columns, got {x1.shape[-1]} and {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"{name}: p must be non-negative, got {p}")
    many = max(x1.shape[-2], x2.shape[-2]) > 25
    if p == 2 and (compute_mode == _CDIST_MODES[1] or (compute_mode == _CDIST_MODES[0] and many)):
        return _euclidean_by_product(x1, x2)
    differences = unsqueeze(x1, -2) - unsqueeze(x2, -3)
    if x1.shape[-1] == 0:  # points of no coordinates are all at distance 0, whatever p
        return differences.sum(-1)
    return vector_norm(differences, p, dim=-1)


def _euclidean_by_product(x1, x2):
    """‖a - b‖ = √(‖a‖² + ‖b‖² - 2 a·b) for every pair of rows, clamped above 0 (rounding can take it below)."""
    squares = (x1 * x1).sum(-1, keepdim=True) + unsqueeze((x2 * x2).sum(-1), -2) - 2 * (x1 @ x2.mT)
    return sqrt(squares.clamp(min=1e-30))
