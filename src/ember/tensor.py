"""Tensor: an array of numbers (`.array`), its gradient (`.grad`) and the op that made it (`.grad_fn`).

Every operator and math method hands off to an op in ember.ops, which computes the result and,
when gradients are wanted, records how to send them back. Tensor itself holds no math.
"""

import weakref

import numpy as np

from . import autograd, backend
from .ops import activation, copies, elementwise, indexing, join, layout, linalg, reduce
from .ops import diagonal as diagonal_ops  # the modules named like methods get another name
from .ops import scatter as scatter_ops
from .ops import shape as shape_ops  # not `shape`, which Tensor.shape would hide


class Tensor:
    """An n-dimensional array that can remember how it was computed, for backpropagation.

    `array` is the raw array (numpy.ndarray on the CPU, cupy.ndarray on a GPU); `data` is, as in
    PyTorch, a Tensor of the same memory outside the graph. `grad` is None
    until a backward pass reaches this tensor, then a Tensor of the same shape. Make tensors with
    ember.tensor(), ember.zeros(), ember.randn() and friends; Tensor(array) wraps an array as is.

    In-place methods (add_, zero_, ...) change `array` and raise the tensor's version, so a graph
    that saved the old values notices; they are refused on tensors that need a gradient while
    grad mode is on. `x += y` is in place too, as in PyTorch (`w -= lr * w.grad` under no_grad
    updates w itself), except on a tensor that is part of a graph: there ember, which records no
    in-place ops, computes x + y and rebinds x, which gives the same numbers. `x[index] = value` is
    the exception that PyTorch code leans on: it writes into x's memory and, when value needs a
    gradient or x is in a graph, makes x the result of an op of the graph (gradients then flow to the
    values written and to x's old value elsewhere).
    """

    __slots__ = ("array", "grad", "_requires_grad", "_ctx", "_output_index", "_version", "_hooks", "__weakref__")
    __array_ufunc__ = None  # NumPy defers to Tensor: numpy_array + tensor calls Tensor.__radd__

    def __init__(self, data, requires_grad=False):
        if not backend.is_array(data):
            raise TypeError(f"Tensor() wraps a NumPy or CuPy array, got {type(data).__name__}; "
                            "use ember.tensor(data) to make a tensor from numbers or lists")
        self.array = data
        self.grad = None
        self._ctx = None
        self._output_index = 0
        self._version = 0
        self._hooks = None
        self._requires_grad = False
        self.requires_grad = requires_grad

    @property
    def data(self):
        """The same numbers, in the same memory, as a tensor outside the graph: what PyTorch code
        changes behind autograd's back (`p.data.add_(p.grad, alpha=-lr)`); `.array` is the raw array."""
        return Tensor(self.array)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"tensor.data must be set to a Tensor, got {type(value).__name__}")
        self.array = value.array

    @classmethod
    def _from_op(cls, data, ctx, index):
        """The output of an op (autograd.Function.apply): no checks, it is on the hot path."""
        t = object.__new__(cls)
        t.array = data
        t.grad = None
        t._requires_grad = ctx is not None and data.dtype.kind == "f"
        t._ctx = ctx if t._requires_grad else None
        t._output_index = index
        t._version = 0
        t._hooks = None
        return t

    # -----------------------------------------------------------------------------------------
    # What it is.

    @property
    def shape(self):
        return self.array.shape

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def device(self):
        return backend.device_of(self.array)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def ndim(self):
        return self.array.ndim

    def dim(self):
        return self.array.ndim

    def size(self, dim=None):
        return self.array.shape if dim is None else self.array.shape[shape_ops.normalize_dim(dim, self.ndim)]

    def numel(self):
        return self.array.size

    def element_size(self):
        return self.array.itemsize

    def is_floating_point(self):
        return self.array.dtype.kind == "f"

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.array.shape[0]))

    def __hash__(self):
        return id(self)

    # -----------------------------------------------------------------------------------------
    # Autograd.

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and self.array.dtype.kind != "f":
            raise RuntimeError(f"only tensors of floating point dtype can require gradients, got {self.dtype}")
        if not value and self._ctx is not None:
            raise RuntimeError("requires_grad can be turned off only on a leaf tensor; use detach() instead")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        """A leaf was made by the user, not by an op: backward() fills the .grad of leaves."""
        return self._ctx is None

    @property
    def grad_fn(self):
        """The graph node (the op) that made this tensor, or None for a leaf."""
        return self._ctx

    def backward(self, gradient=None, retain_graph=False):
        """Backpropagate: add d(self)/d(leaf) into .grad of every leaf that requires grad."""
        autograd.backward(self, gradient, retain_graph)

    def detach(self):
        """The same numbers, cut off from the graph (they share memory)."""
        return Tensor(self.array)

    def register_hook(self, hook):
        """Call hook(grad) when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self._ctx is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            if self._ctx._hooks is None:
                self._ctx._hooks = {}
            hooks = self._ctx._hooks.setdefault(self._output_index, [])
        hooks.append(hook)
        return autograd.RemovableHandle(hooks, hook)

    def retain_grad(self):
        """Keep .grad on this non-leaf tensor too (normally only leaves get one)."""
        if self._ctx is None:
            return
        ref = weakref.ref(self)

        def keep(grad):
            t = ref()
            if t is not None:
                t.grad = grad.detach() if t.grad is None else Tensor(t.grad.array + grad.array)
        self.register_hook(keep)

    # -----------------------------------------------------------------------------------------
    # Conversions.

    def item(self):
        if self.array.size != 1:
            raise RuntimeError(f"a tensor with {self.array.size} elements cannot be converted to a Python number")
        return self.array.item()

    def tolist(self):
        return backend.to_device(self.array, backend.CPU).tolist()

    def numpy(self):
        """The data as a NumPy array, sharing memory (CPU tensors that need no gradient only)."""
        if self.requires_grad:
            raise RuntimeError("can't call numpy() on a tensor that requires grad; use tensor.detach().numpy()")
        if self.device.type != "cpu":
            raise TypeError("can't convert a cuda tensor to numpy; use tensor.cpu() first")
        return self.array

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(f"the truth value of a tensor with {self.array.size} elements is ambiguous")
        return bool(self.array)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype.kind not in "iu":
            raise TypeError(f"only integer tensors can be used as an index, got {self.dtype}")
        return int(self.item())

    def to(self, *args, device=None, dtype=None):
        """to(device), to(dtype), to(device, dtype) or to(other_tensor): a copy there (self if nothing changes)."""
        device, dtype = parse_to_args(*args, device=device, dtype=dtype)
        out = self
        if dtype is not None:
            out = elementwise.cast(out, dtype)
        if device is not None:
            out = elementwise.to_device(out, device)
        return out

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self):
        return elementwise.cast(self, backend.float32)

    def double(self):
        return elementwise.cast(self, backend.float64)

    def half(self):
        return elementwise.cast(self, backend.float16)

    def long(self):
        return elementwise.cast(self, backend.int64)

    def int(self):
        return elementwise.cast(self, backend.int32)

    def bool(self):
        return elementwise.cast(self, backend.bool_)

    def type_as(self, other):
        return elementwise.cast(self, other.dtype)

    # Memory layout (ops/layout.py): every ember op takes arrays of any layout; these say which one a
    # tensor has, and make copies in a chosen one.
    clone, contiguous, is_contiguous = layout.clone, layout.contiguous, layout.is_contiguous
    stride, storage_offset = layout.stride, layout.storage_offset

    # -----------------------------------------------------------------------------------------
    # Printing.

    def __repr__(self):
        data = backend.to_device(self.array, backend.CPU)
        # PyTorch's lines hold 80 characters before the trailing comma, which NumPy counts too: hence 81.
        body = np.array2string(data, separator=", ", precision=4, floatmode=_float_mode(data), threshold=1000,
                               edgeitems=3, max_line_width=81, prefix="tensor(")
        extras = []
        if data.size == 0 and data.ndim != 1:
            extras.append(f"size={data.shape}")
        if self.device.type != "cpu":
            extras.append(f"device='{self.device}'")
        if self.dtype not in (backend.float32, backend.int64, backend.bool_):
            extras.append(f"dtype={backend.dtype_name(self.dtype)}")
        if self._ctx is not None:
            extras.append(f"grad_fn={self._ctx!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # -----------------------------------------------------------------------------------------
    # Operators.

    def __add__(self, other):
        return elementwise.add(self, other)

    def __radd__(self, other):
        return elementwise.add(other, self)

    def __sub__(self, other):
        return elementwise.sub(self, other)

    def __rsub__(self, other):
        return elementwise.sub(other, self)

    def __mul__(self, other):
        return elementwise.mul(self, other)

    def __rmul__(self, other):
        return elementwise.mul(other, self)

    def __truediv__(self, other):
        return elementwise.div(self, other)

    def __rtruediv__(self, other):
        return elementwise.div(other, self)

    def __pow__(self, other):
        return elementwise.pow(self, other)

    def __rpow__(self, other):
        return elementwise.pow(other, self)

    def __matmul__(self, other):
        return linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return linalg.matmul(other, self)

    def __neg__(self):
        return elementwise.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return elementwise.abs(self)

    def __eq__(self, other):
        return elementwise.eq(self, other)

    def __ne__(self, other):
        return elementwise.ne(self, other)

    def __lt__(self, other):
        return elementwise.lt(self, other)

    def __le__(self, other):
        return elementwise.le(self, other)

    def __gt__(self, other):
        return elementwise.gt(self, other)

    def __ge__(self, other):
        return elementwise.ge(self, other)

    def __and__(self, other):
        return elementwise.logical_and(self, other)

    def __or__(self, other):
        return elementwise.logical_or(self, other)

    def __xor__(self, other):
        return elementwise.logical_xor(self, other)

    def __invert__(self):
        return elementwise.logical_not(self)

    def _in_graph(self):
        return self._ctx is not None and autograd.is_grad_enabled()

    def __iadd__(self, other):
        return self + other if self._in_graph() else self.add_(other)

    def __isub__(self, other):
        return self - other if self._in_graph() else self.sub_(other)

    def __imul__(self, other):
        return self * other if self._in_graph() else self.mul_(other)

    def __itruediv__(self, other):
        return self / other if self._in_graph() else self.div_(other)

    def __getitem__(self, index):
        return indexing.getitem(self, self._array_index(index))

    def __setitem__(self, index, value):
        """self[index] = value, in self's memory. A value that needs a gradient (or self in a graph) makes
        self the result of an op in the graph, as in PyTorch: the gradient of each written place goes to
        the value, the rest to self's old value."""
        self._check_leaf("setting elements")
        if not isinstance(value, (Tensor, int, float)):
            value = Tensor(backend.xp_of(self.array).asarray(value, dtype=self.dtype))
        self._take_node(indexing.setitem(self, self._array_index(index), value))
        self._version += 1

    def _array_index(self, index):
        """An index with Tensors and lists turned into arrays of this tensor's array module; 0-d integer and
        bool tensors (and arrays) become Python ints and bools, as PyTorch reads them."""
        xp = backend.xp_of(self.array)
        if isinstance(index, list) and any(isinstance(p, (list, tuple, slice, Tensor)) or p is None or p is Ellipsis
                                           for p in index):
            index = tuple(index)  # PyTorch reads a list holding sequences, slices, ... as a tuple
        parts = index if isinstance(index, tuple) else (index,)
        converted = []
        for part in parts:
            if isinstance(part, Tensor):
                if part.dtype.kind not in "iub":
                    raise IndexError(f"tensors used as indices must be integer or bool tensors, got {part.dtype}")
                if type(part.array) is not type(self.array):
                    raise IndexError(f"the index is on {part.device}, the tensor on {self.device}")
                part = part.item() if part.ndim == 0 else part.array
            elif isinstance(part, (list, np.ndarray)):
                part = xp.asarray(part)
                if part.dtype.kind not in "iub":
                    raise IndexError(f"arrays used as indices must be integer or bool, got {part.dtype}")
                if part.ndim == 0:
                    part = part.item()
            elif isinstance(part, float):
                raise IndexError(f"indices must be ints, slices, None, ... or integer/bool tensors; got float {part}")
            converted.append(part)
        return tuple(converted)

    # -----------------------------------------------------------------------------------------
    # In place: these change data, so they are refused where the graph would need the old values.

    def _check_inplace(self, what):
        self._check_leaf(what)
        if self._requires_grad and autograd.is_grad_enabled():
            raise RuntimeError(f"{what}: a tensor that is part of a graph cannot be changed in place; "
                               "use the out-of-place form (x = x + y instead of x.add_(y))")

    def _check_leaf(self, what):
        if self._requires_grad and self._ctx is None and autograd.is_grad_enabled():
            raise RuntimeError(f"{what}: a leaf tensor that requires grad cannot be changed in place; "
                               "do it inside `with ember.no_grad():` (as optimizers do)")

    def _take_node(self, result):
        """Become, in the graph, the op's result whose numbers this tensor now holds."""
        if result._ctx is not None:
            self._ctx, self._output_index, self._requires_grad = result._ctx, result._output_index, True

    def _operand(self, other):
        """The raw array (or number) of an operand of an in-place method, on this tensor's device."""
        if isinstance(other, Tensor):
            if type(other.array) is not type(self.array):
                raise RuntimeError(f"expected a tensor on {self.device}, got one on {other.device}")
            return other.array
        return other

    def _changed(self):
        """Count one more in-place change (a graph that saved the old values will notice); returns self."""
        self._version += 1
        return self

    def add_(self, other, alpha=1):
        self._check_inplace("add_")
        operand = self._operand(other)
        self.array += operand if alpha == 1 else operand * alpha
        return self._changed()

    def sub_(self, other, alpha=1):
        return self.add_(other, alpha=-alpha)

    def mul_(self, other):
        self._check_inplace("mul_")
        self.array *= self._operand(other)
        return self._changed()

    def div_(self, other):
        self._check_inplace("div_")
        self.array /= self._operand(other)
        return self._changed()

    def fill_(self, value):
        self._check_inplace("fill_")
        self.array[...] = self._operand(value)
        return self._changed()

    def zero_(self):
        return self.fill_(0)

    def copy_(self, source):
        self._check_inplace("copy_")
        self.array[...] = backend.to_device(source.array, self.device)
        return self._changed()

    def clamp_(self, min=None, max=None):  # noqa: A002
        self._check_inplace("clamp_")
        backend.xp_of(self.array).clip(self.array, min, max, out=self.array)
        return self._changed()

    def uniform_(self, a=0.0, b=1.0, generator=None):
        """Fill with numbers drawn uniformly from [a, b)."""
        self._check_inplace("uniform_")
        self.array[...] = (generator or backend.default_generator(self.device)).uniform(self.shape, self.dtype, a, b)
        return self._changed()

    def normal_(self, mean=0.0, std=1.0, generator=None):
        """Fill with numbers drawn from the normal distribution N(mean, std²)."""
        self._check_inplace("normal_")
        self.array[...] = (generator or backend.default_generator(self.device)).normal(self.shape, self.dtype, mean,
                                                                                       std)
        return self._changed()

    # In place, by op: the ops of ember.ops computed out of place, their result stored in this tensor.

    def _in_place(self, what, result):
        """The in-place form of an op: its out-of-place result stored into this tensor's memory. ember
        records no in-place ops, so written values that need a gradient are refused too."""
        self._check_inplace(what)
        if result.requires_grad:
            raise RuntimeError(f"{what}: the values written need a gradient, which an in-place op would lose; "
                               f"use the out-of-place form ({what[:-1]})")
        if result.shape != self.shape:
            raise RuntimeError(f"{what}: the result has shape {result.shape}, the tensor changed in place {self.shape}")
        self.array[...] = result.array
        return self._changed()

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return self._in_place("scatter_", scatter_ops.scatter(self, dim, index, src, value=value, reduce=reduce))

    def scatter_add_(self, dim, index, src):
        return self._in_place("scatter_add_", scatter_ops.scatter_add(self, dim, index, src))

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return self._in_place("scatter_reduce_", scatter_ops.scatter_reduce(self, dim, index, src, reduce,
                                                                        include_self=include_self))

    def index_add_(self, dim, index, source, *, alpha=1):
        return self._in_place("index_add_", scatter_ops.index_add(self, dim, index, source, alpha=alpha))

    def index_copy_(self, dim, index, source):
        return self._in_place("index_copy_", scatter_ops.index_copy(self, dim, index, source))

    def index_fill_(self, dim, index, value):
        return self._in_place("index_fill_", scatter_ops.index_fill(self, dim, index, value))

    def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
        return self._in_place("index_reduce_", scatter_ops.index_reduce(self, dim, index, source, reduce,
                                                                    include_self=include_self))

    def index_put_(self, indices, values, accumulate=False):
        return self._in_place("index_put_", indexing.index_put(self, indices, values, accumulate))

    def put_(self, index, source, accumulate=False):
        return self._in_place("put_", indexing.put(self, index, source, accumulate))

    def masked_fill_(self, mask, value):
        return self._in_place("masked_fill_", indexing.masked_fill(self, mask, value))

    def masked_scatter_(self, mask, source):
        return self._in_place("masked_scatter_", indexing.masked_scatter(self, mask, source))

    def tril_(self, diagonal=0):
        return self._in_place("tril_", diagonal_ops.tril(self, diagonal))

    def triu_(self, diagonal=0):
        return self._in_place("triu_", diagonal_ops.triu(self, diagonal))

    # In place, views: the tensor becomes a view of itself (in a graph too: nothing it held changes).

    def _view_in_place(self, what, result):
        self._check_leaf(what)
        self.array = result.array
        self._take_node(result)
        return self._changed()

    def squeeze_(self, dim=None):
        return self._view_in_place("squeeze_", shape_ops.squeeze(self, dim))

    def unsqueeze_(self, dim):
        return self._view_in_place("unsqueeze_", shape_ops.unsqueeze(self, dim))

    def t_(self):
        return self._view_in_place("t_", shape_ops.t(self))

    def transpose_(self, dim0, dim1):
        return self._view_in_place("transpose_", shape_ops.transpose(self, dim0, dim1))

    def swapaxes_(self, axis0, axis1):
        return self._view_in_place("swapaxes_", shape_ops.transpose(self, axis0, axis1))

    def swapdims_(self, dim0, dim1):
        return self._view_in_place("swapdims_", shape_ops.transpose(self, dim0, dim1))

    # -----------------------------------------------------------------------------------------
    # Math, as methods: each is the ember.<name> function, with the tensor as its first argument.

    add, sub, mul, div, pow, neg, abs = (elementwise.add, elementwise.sub, elementwise.mul, elementwise.div,
                                         elementwise.pow, elementwise.neg, elementwise.abs)
    exp, log, sqrt, sin, cos = elementwise.exp, elementwise.log, elementwise.sqrt, elementwise.sin, elementwise.cos
    clamp = clip = elementwise.clamp
    maximum, minimum = elementwise.maximum, elementwise.minimum
    eq, ne, lt, le, gt, ge = elementwise.eq, elementwise.ne, elementwise.lt, elementwise.le, elementwise.gt, elementwise.ge
    relu, sigmoid, tanh = activation.relu, activation.sigmoid, activation.tanh
    softmax, log_softmax = activation.softmax, activation.log_softmax
    matmul = linalg.matmul
    sum, mean, var, std, prod = reduce.sum, reduce.mean, reduce.var, reduce.std, reduce.prod
    max, min, amax, amin, argmax, argmin = reduce.max, reduce.min, reduce.amax, reduce.amin, reduce.argmax, reduce.argmin
    logsumexp = reduce.logsumexp

    def where(self, condition, y):
        """ember.where(condition, self, y)."""
        return elementwise.where(condition, self, y)

    # -----------------------------------------------------------------------------------------
    # Shape, as methods (each the ember.<name> function, as above).

    reshape = view = shape_ops.reshape
    flatten, squeeze, unsqueeze, permute, transpose = (shape_ops.flatten, shape_ops.squeeze, shape_ops.unsqueeze,
                                                       shape_ops.permute, shape_ops.transpose)
    expand, split, chunk, t = shape_ops.expand, shape_ops.split, shape_ops.chunk, shape_ops.t
    unflatten, ravel, movedim, moveaxis = shape_ops.unflatten, shape_ops.ravel, shape_ops.movedim, shape_ops.moveaxis
    swapaxes, swapdims, broadcast_to = shape_ops.swapaxes, shape_ops.swapdims, shape_ops.broadcast_to
    unbind, unfold = shape_ops.unbind, shape_ops.unfold
    fliplr, flipud, roll, rot90 = shape_ops.fliplr, shape_ops.flipud, shape_ops.roll, shape_ops.rot90
    tensor_split, hsplit, vsplit, dsplit = join.tensor_split, join.hsplit, join.vsplit, join.dsplit
    split_with_sizes, unsafe_split_with_sizes = join.split_with_sizes, join.unsafe_split_with_sizes
    unsafe_split, unsafe_chunk = join.unsafe_split, join.unsafe_chunk
    repeat, repeat_interleave = join.repeat, join.repeat_interleave
    narrow, narrow_copy, select = indexing.narrow, copies.narrow_copy, indexing.select
    gather, take, take_along_dim = indexing.gather, indexing.take, indexing.take_along_dim
    index_select = indexing.index_select
    masked_fill, masked_select, masked_scatter = indexing.masked_fill, indexing.masked_select, indexing.masked_scatter
    nonzero, nonzero_static, argwhere = indexing.nonzero, indexing.nonzero_static, indexing.argwhere
    index_put, put = indexing.index_put, indexing.put
    select_scatter, slice_scatter = indexing.select_scatter, indexing.slice_scatter
    scatter, scatter_add, scatter_reduce = scatter_ops.scatter, scatter_ops.scatter_add, scatter_ops.scatter_reduce
    index_add, index_copy = scatter_ops.index_add, scatter_ops.index_copy
    index_fill, index_reduce = scatter_ops.index_fill, scatter_ops.index_reduce
    tril, triu, diag, diagflat = diagonal_ops.tril, diagonal_ops.triu, diagonal_ops.diag, diagonal_ops.diagflat
    diag_embed, diagonal = diagonal_ops.diag_embed, diagonal_ops.diagonal
    diagonal_scatter = diagonal_ops.diagonal_scatter

    def flip(self, *dims):  # x.flip(0, 1) and x.flip([0, 1]), as in PyTorch
        if not dims:
            raise TypeError("flip() missing its dims")
        return shape_ops.flip(self, shape_ops._shape_arg(dims))

    def tile(self, *dims):
        return join.tile(self, shape_ops._shape_arg(dims))

    def view_as(self, other):
        return shape_ops.reshape(self, other.shape)

    reshape_as = view_as

    def expand_as(self, other):
        return shape_ops.expand(self, other.shape)

    @property
    def T(self):  # noqa: N802 (PyTorch's name)
        return shape_ops.permute(self, *reversed(range(self.ndim)))

    @property
    def mT(self):  # noqa: N802
        return shape_ops.transpose(self, -2, -1)


def _float_mode(data):
    """How PyTorch prints floats: with 4 decimals ("1.5000", "1.0000e-05"), except that whole
    numbers not needing scientific notation get none ("2.")."""
    if data.dtype.kind != "f":
        return "maxprec"
    magnitudes = np.abs(data[np.isfinite(data) & (data != 0)])
    if magnitudes.size == 0:
        return "maxprec"
    whole = (magnitudes == np.floor(magnitudes)).all()
    largest, smallest = float(magnitudes.max()), float(magnitudes.min())  # Python floats: no float16 overflow
    plain = largest < 1e8 and largest <= 1000 * smallest
    return "maxprec" if whole and plain else "fixed"


def parse_to_args(*args, device=None, dtype=None):
    """The (device, dtype) that .to(...) asks for, each None when not given: arguments may be a
    device ('cuda', ember.device), a dtype, or a tensor (meaning its device and dtype)."""
    for arg in args:
        if isinstance(arg, Tensor):
            device, dtype = arg.device, arg.dtype
        elif isinstance(arg, backend.Device) or (isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda")):
            device = arg
        else:
            dtype = arg
    return (None if device is None else backend.Device(device)), (None if dtype is None else backend.as_dtype(dtype))


autograd.set_tensor_type(Tensor)  # the engine makes its results, gradients and hook arguments of this type
