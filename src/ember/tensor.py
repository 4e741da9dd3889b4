"""Tensor: an array of numbers (`.array`), its gradient (`.grad`) and the op that made it (`.grad_fn`).

Every operator and math method hands off to an op in ember.ops, which computes the result and,
when gradients are wanted, records how to send them back. Tensor itself holds no math.
"""

import math
import weakref
from collections.abc import Callable, Sequence

import numpy as np

from . import autograd, backend, dtypes, printing
from .ops import (activation, copies, decompositions, diagonal as diagonal_ops, elementwise, indexing, join,
                  linalg, logical, pointwise, reduce, sampling, scan, scatter as scatter_ops, solvers, sorting, special,
                  statistics, trig)
from .ops import layout as layout_ops  # not `layout`, which Tensor.layout would hide
from .ops import shape as shape_ops  # not `shape`, which Tensor.shape would hide


def _in_place(fn):
    """The in-place method of a math function (exp_ of exp): fn(self, ...) computed, then stored into self."""
    name = fn.__name__ + "_"

    def method(self, *args, **kwargs):
        return self._store(name, fn, self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"{fn.__name__} in place: self becomes {fn.__name__}(self, ...), under the same autograd rules."
    return method


class Tensor:
    """An n-dimensional array that can remember how it was computed, for backpropagation.

    `array` is the raw array (numpy.ndarray on the CPU, cupy.ndarray on a GPU); `data` is, as in
    PyTorch, a Tensor of the same memory outside the graph. `grad` is None
    until a backward pass reaches this tensor, then a Tensor of the same shape. Make tensors with
    ember.tensor(), ember.zeros(), ember.randn() and friends; Tensor(array) wraps an array as is.
    PyTorch's legacy constructor works too: Tensor([1, 2]) copies data into a float32 tensor, and
    Tensor(2, 3) makes an uninitialized float32 tensor of that size.

    In-place methods (add_, zero_, ...) change `array` and raise the tensor's version, so a graph
    that saved the old values notices; they are refused on tensors that need a gradient while
    grad mode is on. `x += y` is in place too, as in PyTorch (`w -= lr * w.grad` under no_grad
    updates w itself), except on a tensor that is part of a graph: there ember, which records no
    in-place ops, computes x + y and rebinds x, which gives the same numbers. `x[index] = value` is
    the exception that PyTorch code leans on: it writes into x's memory and, when value needs a
    gradient or x is in a graph, makes x the result of an op of the graph (gradients then flow to the
    values written and to x's old value elsewhere).
    """

    __slots__ = ("array", "grad", "_requires_grad", "_ctx", "_output_index", "_version", "_hooks", "_post_hooks",
                 "_retains_grad", "__weakref__")
    __array_ufunc__ = None  # NumPy defers to Tensor: numpy_array + tensor calls Tensor.__radd__

    def __init__(self, data=None, *sizes: int, requires_grad: bool = False):
        if sizes or not backend.is_array(data):
            data = legacy_array(() if data is None else (data, *sizes), "Tensor")
        self.array = data
        self.grad = None
        self._ctx = None
        self._output_index = 0
        self._version = 0
        self._hooks = None
        self._post_hooks = None
        self._retains_grad = False
        self._requires_grad = False
        self.requires_grad = requires_grad

    @property
    def data(self) -> "Tensor":
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
        t._requires_grad = ctx is not None and backend.kind_of(data.dtype) == "f"
        t._ctx = ctx if t._requires_grad else None
        t._output_index = index
        t._version = 0
        t._hooks = None
        t._post_hooks = None
        t._retains_grad = False
        return t

    # -----------------------------------------------------------------------------------------
    # What it is.

    @property
    def shape(self) -> "Size":
        """The size of each dim, as an ember.Size (a tuple)."""
        return Size(self.array.shape)

    @property
    def dtype(self) -> np.dtype:
        """The type of the elements (ember.float32, ember.int64, ...)."""
        return self.array.dtype

    @property
    def device(self) -> backend.Device:
        """Where the numbers live: an ember.device, cpu or cuda:N."""
        return backend.device_of(self.array)

    @property
    def is_cuda(self) -> bool:
        """Whether the tensor lives on a GPU."""
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        """Whether the tensor lives on the CPU."""
        return self.device.type == "cpu"

    @property
    def is_meta(self) -> bool:
        """Whether the tensor is on PyTorch's "meta" device (shapes without numbers), which ember lacks."""
        return self.device.type == "meta"

    @property
    def is_mps(self) -> bool:
        """Whether the tensor is on Apple's GPU ("mps"), which ember has no backend for."""
        return self.device.type == "mps"

    @property
    def layout(self):
        """How the numbers are laid out: ember.strided, a dense array with strides (ember's only layout)."""
        return layout_ops.strided

    def get_device(self) -> int:
        """The GPU's number for a CUDA tensor, -1 for a CPU tensor."""
        return -1 if self.is_cpu else self.device.index

    def is_inference(self) -> bool:
        """False: ember's inference_mode is no_grad, whose results are ordinary tensors (PyTorch's "inference
        tensors", which refuse later use in autograd, do not exist in ember)."""
        return False

    @property
    def ndim(self) -> int:
        """The number of dims."""
        return self.array.ndim

    def dim(self) -> int:
        """The number of dims (ndim)."""
        return self.array.ndim

    ndimension = dim

    def size(self, dim: int | None = None) -> "Size | int":
        """The shape, or with dim the size of that one dim."""
        return self.shape if dim is None else self.array.shape[shape_ops.normalize_dim(dim, self.ndim)]

    def is_same_size(self, other: "Tensor") -> bool:
        """Whether other has the same shape."""
        return self.shape == other.shape

    def numel(self) -> int:
        """The number of elements."""
        return self.array.size

    nelement = numel

    def element_size(self) -> int:
        """The bytes of one element."""
        return self.array.itemsize

    @property
    def itemsize(self) -> int:
        """The bytes of one element."""
        return self.array.itemsize

    @property
    def nbytes(self) -> int:
        """The bytes of all the elements."""
        return self.array.nbytes

    def data_ptr(self):
        """The address of the first element in memory."""
        return backend.data_address(self.array)

    const_data_ptr = data_ptr

    def dim_order(self):
        """The dimensions from the outermost in memory to the innermost (largest stride first)."""
        return tuple(sorted(range(self.ndim), key=lambda d: -abs(self.array.strides[d])))

    def is_floating_point(self) -> bool:
        """Whether the dtype is a floating one (float16, bfloat16, float32, float64)."""
        return backend.is_floating(self.array.dtype)

    def is_complex(self) -> bool:
        """False: ember has no complex dtypes."""
        return False

    def is_signed(self) -> bool:
        """Whether the dtype holds negative numbers (floating dtypes and intN; not uint8 or bool)."""
        return self.is_floating_point() or self.array.dtype.kind == "i"

    def is_nonzero(self) -> bool:
        """The truth of a one-element tensor."""
        if self.array.size != 1:
            raise RuntimeError(f"is_nonzero: the truth value of a tensor with {self.array.size} elements is "
                               "ambiguous (one element is needed)")
        return bool(self.array.item())

    # -----------------------------------------------------------------------------------------
    # Memory: pinned memory is a CUDA notion ember leaves to CuPy; shared memory is for worker processes.

    def is_pinned(self):
        """False: ember allocates no page-locked memory."""
        return False

    def pin_memory(self):
        """Page-locked memory for fast copies to a GPU: PyTorch needs a GPU for it, and so does ember, which
        has none to offer (its CPU arrays are NumPy's), so this returns self where a GPU is present."""
        if not backend.cuda_available():
            raise RuntimeError("pin_memory: pinned memory needs a CUDA GPU, and none is available")
        return self

    def is_shared(self):
        """Whether the numbers live in memory shared with child processes (share_memory_; CUDA tensors always)."""
        return self.is_cuda or backend.in_shared_memory(self.array)

    def share_memory_(self):
        """Move the numbers into shared memory, which child processes forked later (DataLoader workers) see
        and change along with this process; returns self."""
        if not self.is_shared():
            self.array = backend.to_shared_memory(self.array)
        return self

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
    def requires_grad(self) -> bool:
        """Whether backward computes a gradient for this tensor (settable on leaves)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and backend.kind_of(self.array.dtype) != "f":
            raise RuntimeError(f"only tensors of floating point dtype can require gradients, got {self.dtype}")
        if not value and self._ctx is not None:
            raise RuntimeError("requires_grad can be turned off only on a leaf tensor; use detach() instead")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set requires_grad (a leaf only); returns self."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """A leaf was made by the user, not by an op: backward() fills the .grad of leaves."""
        return self._ctx is None

    @property
    def grad_fn(self) -> "autograd.Function | None":
        """The graph node (the op) that made this tensor, or None for a leaf."""
        return self._ctx

    def backward(self, gradient: "Tensor | None" = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: "Sequence[Tensor] | None" = None) -> None:
        """Backpropagate: add d(self)/d(leaf) into .grad of every leaf that requires grad (of inputs only, if given)."""
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> "Tensor":
        """The same numbers, cut off from the graph (they share memory)."""
        return Tensor(self.array)

    def detach_(self) -> "Tensor":
        """Cut this tensor itself off from the graph: it becomes a leaf that does not require grad."""
        self._ctx, self._output_index, self._requires_grad = None, 0, False
        return self

    def as_subclass(self, cls):
        """This tensor as an instance of cls, a subclass of Tensor: the same memory and the same place in
        the graph (gradients flow through it as through self)."""
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError(f"as_subclass: expected a subclass of Tensor, got {cls!r}")
        view = shape_ops.Reshape.apply(self, shape=self.shape)  # a node of the graph when self needs a gradient
        return cls._from_op(view.array, view._ctx, view._output_index)

    def register_hook(self, hook: Callable) -> autograd.RemovableHandle:
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

    def register_post_accumulate_grad_hook(self, hook: Callable) -> autograd.RemovableHandle:
        """Call hook(self) once backward has accumulated this leaf's whole gradient into .grad (what
        DistributedDataParallel starts its all-reduces from)."""
        if self._ctx is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return autograd.RemovableHandle(self._post_hooks, hook)

    def retain_grad(self) -> None:
        """Keep .grad on this non-leaf tensor too (normally only leaves get one)."""
        if self._ctx is None or self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def keep(grad):
            t = ref()
            if t is not None:
                t.grad = grad.detach() if t.grad is None else Tensor(t.grad.array + grad.array)
        self.register_hook(keep)

    @property
    def retains_grad(self) -> bool:
        """Whether retain_grad() was called on this non-leaf tensor."""
        return self._retains_grad

    # -----------------------------------------------------------------------------------------
    # Conversions.

    def item(self) -> int | float | bool:
        """The value of a one-element tensor as a Python number."""
        if self.array.size != 1:
            raise RuntimeError(f"a tensor with {self.array.size} elements cannot be converted to a Python number")
        return self.array.item()

    def tolist(self) -> list | int | float | bool:
        """The elements as nested Python lists of numbers (a number for a 0-d tensor)."""
        return backend.to_device(self.array, backend.CPU).tolist()

    def numpy(self) -> np.ndarray:
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

    def to(self, *args, device: backend.DeviceLike | None = None, dtype: np.dtype | None = None) -> "Tensor":
        """to(device), to(dtype), to(device, dtype) or to(other_tensor): a copy there (self if nothing changes)."""
        device, dtype = parse_to_args(*args, device=device, dtype=dtype)
        out = self
        if dtype is not None:
            out = elementwise.cast(out, dtype)
        if device is not None:
            out = elementwise.to_device(out, device)
        return out

    def cpu(self) -> "Tensor":
        """This tensor on the CPU (self if it is there already)."""
        return self.to("cpu")

    def cuda(self, device: int | backend.DeviceLike | None = None) -> "Tensor":
        """This tensor on a GPU (device: its number or a device; the current one by default)."""
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self) -> "Tensor":
        """A float32 copy (self if it is float32 already)."""
        return elementwise.cast(self, backend.float32)

    def double(self) -> "Tensor":
        """A float64 copy (self if it is float64 already)."""
        return elementwise.cast(self, backend.float64)

    def half(self) -> "Tensor":
        """A float16 copy (self if it is float16 already)."""
        return elementwise.cast(self, backend.float16)

    def bfloat16(self) -> "Tensor":
        """A bfloat16 copy (self if it is bfloat16 already)."""
        return elementwise.cast(self, backend.bfloat16())

    def byte(self) -> "Tensor":
        """A uint8 copy (self if it is uint8 already)."""
        return elementwise.cast(self, backend.uint8)

    def char(self) -> "Tensor":
        """An int8 copy (self if it is int8 already)."""
        return elementwise.cast(self, backend.int8)

    def short(self) -> "Tensor":
        """An int16 copy (self if it is int16 already)."""
        return elementwise.cast(self, backend.int16)

    def long(self) -> "Tensor":
        """An int64 copy (self if it is int64 already)."""
        return elementwise.cast(self, backend.int64)

    def int(self) -> "Tensor":
        """An int32 copy (self if it is int32 already)."""
        return elementwise.cast(self, backend.int32)

    def bool(self) -> "Tensor":
        """A bool copy (self if it is bool already)."""
        return elementwise.cast(self, backend.bool_)

    def type_as(self, other: "Tensor") -> "Tensor":
        """self cast to other's dtype."""
        return elementwise.cast(self, other.dtype)

    def type(self, dtype=None, non_blocking=False):
        """type(): PyTorch's name of this tensor's type ('torch.FloatTensor', 'torch.cuda.LongTensor');
        type(dtype), type('torch.DoubleTensor') or type(DoubleTensor): the tensor cast to that type."""
        if dtype is None:
            device = "cuda." if self.is_cuda else ""
            return f"torch.{device}{dtypes.legacy_name(self.dtype)}"
        if isinstance(dtype, _TensorType):
            return self.to(dtype.dtype)
        if isinstance(dtype, str) and dtype.startswith("torch."):
            name = dtype.removeprefix("torch.")
            device = "cuda" if name.startswith("cuda.") else "cpu"
            by_name = {cls.__name__: cls for cls in _LEGACY_TYPES.values()}
            if name.removeprefix("cuda.") not in by_name:
                raise ValueError(f"type(): invalid type {dtype!r}; expected one like 'torch.FloatTensor'")
            return self.to(device, by_name[name.removeprefix("cuda.")].dtype)
        return self.to(dtype)

    # Memory layout (ops/layout.py): every ember op takes arrays of any layout; these say which one a
    # tensor has, and make copies in a chosen one.
    clone, contiguous, is_contiguous = layout_ops.clone, layout_ops.contiguous, layout_ops.is_contiguous
    stride, storage_offset = layout_ops.stride, layout_ops.storage_offset

    # -----------------------------------------------------------------------------------------
    # New tensors, of this tensor's dtype and on its device unless dtype= or device= say otherwise.

    def new_tensor(self, data, *, dtype: np.dtype | None = None, device: backend.DeviceLike | None = None,
                   requires_grad=False) -> "Tensor":
        """A copy of data (numbers, nested lists, an array or a tensor)."""
        array = data.array if isinstance(data, Tensor) else np.asarray(data)
        dtype = self.dtype if dtype is None else backend.as_dtype(dtype)
        device = self.device if device is None else backend.Device(device)
        return Tensor(backend.to_device(array.astype(dtype), device), requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        """A tensor of size filled with fill_value, of self's dtype and device unless given."""
        dtype = self.dtype if dtype is None else backend.as_dtype(dtype)
        xp = backend.array_module(self.device if device is None else backend.Device(device))
        return Tensor(xp.full(shape_ops.shape_arg((size,)), fill_value, dtype=dtype), requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        """A tensor of zeros of size, of self's dtype and device unless given."""
        return self.new_full(shape_ops.shape_arg(size), 0, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        """A tensor of ones of size, of self's dtype and device unless given."""
        return self.new_full(shape_ops.shape_arg(size), 1, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        """Memory for a new tensor, not yet set (here: zeros)."""
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def new(self, *data):
        """The legacy constructor (torch.Tensor(...)) in this tensor's dtype and on its device: new(2, 3) makes
        an uninitialized (2, 3) tensor, new([1, 2]) a copy of the numbers, new() an empty tensor."""
        array = legacy_array(data, "new", self.dtype)
        return Tensor(backend.to_device(array.astype(self.dtype, copy=False), self.device))

    # -----------------------------------------------------------------------------------------
    # Printing.

    def __format__(self, spec):
        """format(t, ".4f") of a 0-d tensor formats its number, as in PyTorch; f"{t}" prints the tensor."""
        if self.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError(f"format(tensor, {spec!r}): only a 0-d tensor (one number) takes a format spec, "
                            f"got one of shape {tuple(self.array.shape)}; format tensor.item() or each element")
        return repr(self)

    def __repr__(self):
        data = backend.to_device(self.array, backend.CPU)
        if data.dtype.name == "bfloat16":
            data = data.astype(backend.float32)  # NumPy prints ml_dtypes' bfloat16 without its own float format
        body = np.array2string(data, separator=", ", prefix="tensor(", **printing.array2string_options(data))
        extras = []
        if data.size == 0 and data.ndim != 1:
            extras.append(f"size={data.shape}")
        if self.device.type != "cpu":
            extras.append(f"device='{self.device}'")
        if self.dtype not in (backend.get_default_dtype(), backend.int64, backend.bool_):
            extras.append(f"dtype={backend.dtype_name(self.dtype)}")
        if self._ctx is not None:
            extras.append(f"grad_fn={self._ctx!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return printing.with_extras("tensor(" + body, extras) + ")"

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
        return pointwise.abs(self)

    def __floordiv__(self, other):
        return elementwise.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return elementwise.floor_divide(other, self)

    def __mod__(self, other):
        return elementwise.remainder(self, other)

    def __rmod__(self, other):
        return elementwise.remainder(other, self)

    def __eq__(self, other):
        return logical.eq(self, other)

    def __ne__(self, other):
        return logical.ne(self, other)

    def __lt__(self, other):
        return logical.lt(self, other)

    def __le__(self, other):
        return logical.le(self, other)

    def __gt__(self, other):
        return logical.gt(self, other)

    def __ge__(self, other):
        return logical.ge(self, other)

    def __and__(self, other):
        return logical.bitwise_and(self, other)

    def __rand__(self, other):
        return logical.bitwise_and(other, self)

    def __or__(self, other):
        return logical.bitwise_or(self, other)

    def __ror__(self, other):
        return logical.bitwise_or(other, self)

    def __xor__(self, other):
        return logical.bitwise_xor(self, other)

    def __rxor__(self, other):
        return logical.bitwise_xor(other, self)

    def __invert__(self):
        return logical.bitwise_not(self)

    def __lshift__(self, other):
        return logical.bitwise_left_shift(self, other)

    def __rlshift__(self, other):
        return logical.bitwise_left_shift(other, self)

    def __rshift__(self, other):
        return logical.bitwise_right_shift(self, other)

    def __rrshift__(self, other):
        return logical.bitwise_right_shift(other, self)

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

    def __ifloordiv__(self, other):
        return self // other if self._in_graph() else self.floor_divide_(other)

    def __imod__(self, other):
        return self % other if self._in_graph() else self.remainder_(other)

    def __ipow__(self, other):
        return self ** other if self._in_graph() else self.pow_(other)

    def __iand__(self, other):
        return self.bitwise_and_(other)

    def __ior__(self, other):
        return self.bitwise_or_(other)

    def __ixor__(self, other):
        return self.bitwise_xor_(other)

    def __ilshift__(self, other):
        return self.bitwise_left_shift_(other)

    def __irshift__(self, other):
        return self.bitwise_right_shift_(other)

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

    def add_(self, other, *, alpha=1):
        """self += alpha · other, in place; returns self."""
        self._check_inplace("add_")
        operand = self._operand(other)
        self.array += operand if alpha == 1 else operand * alpha
        return self._changed()

    def sub_(self, other, *, alpha=1):
        """self -= alpha · other, in place; returns self."""
        return self.add_(other, alpha=-alpha)

    def mul_(self, other):
        """self *= other, in place; returns self."""
        self._check_inplace("mul_")
        self.array *= self._operand(other)
        return self._changed()

    def div_(self, other, *, rounding_mode=None):
        """self /= other, in place (rounding_mode 'trunc' or 'floor' as div); returns self."""
        if rounding_mode is not None or self.dtype.kind != "f":
            return self._store("div_", elementwise.div, self, other, rounding_mode=rounding_mode)
        self._check_inplace("div_")
        self.array /= self._operand(other)
        return self._changed()

    def fill_(self, value):
        """Set every element to value, in place; returns self."""
        self._check_inplace("fill_")
        self.array[...] = self._operand(value)
        return self._changed()

    def zero_(self) -> "Tensor":
        """Set every element to 0, in place; returns self."""
        return self.fill_(0)

    def fill_diagonal_(self, fill_value, wrap=False):
        """Set the main diagonal (x[i, i, ...]) to fill_value; all dimensions must be equal, except that a
        tall matrix (rows > columns) with wrap=True starts the diagonal again every columns + 1 rows."""
        self._check_inplace("fill_diagonal_")
        if self.ndim < 2 or (self.ndim > 2 and len(set(self.shape)) > 1):
            raise RuntimeError(f"fill_diagonal_: expected a matrix or a tensor with all dimensions equal, got "
                               f"shape {tuple(self.shape)}")
        backend.xp_of(self.array).fill_diagonal(self.array, fill_value, wrap=wrap)
        return self._changed()

    def resize_(self, *sizes, memory_format=None):
        """Give the tensor the shape sizes, in place: its numbers in row-major order are kept as far as they
        go, and new elements are zeros (PyTorch leaves them uninitialized)."""
        if self._requires_grad:
            raise RuntimeError("resize_: cannot resize a tensor that requires grad")
        shape = shape_ops.shape_arg(sizes)
        if any(n < 0 for n in shape):
            raise RuntimeError(f"resize_: sizes must not be negative, got {list(shape)}")
        flat = self.array.reshape(-1)
        resized = backend.xp_of(flat).zeros(math.prod(shape), self.dtype)
        kept = min(flat.size, resized.size)
        resized[:kept] = flat[:kept]
        self.array = resized.reshape(shape)
        return self._changed()

    def resize_as_(self, other, memory_format=None):
        """resize_ to other's shape."""
        return self.resize_(other.shape)

    def copy_(self, source: "Tensor") -> "Tensor":
        """Copy source's numbers into self (broadcast to self's shape, cast to its dtype); returns self."""
        self._check_inplace("copy_")
        self.array[...] = backend.to_device(source.array, self.device)
        return self._changed()

    # -----------------------------------------------------------------------------------------
    # In place, random: each draws out of place (ember.ops.sampling), then stores into self.

    def _fill_random(self, name, draw):
        """Store the numbers draw(generator) made into self (in place); returns self."""
        self._check_inplace(name)
        self.array[...] = draw
        return self._changed()

    def _generator(self, generator):
        return sampling.generator_for(generator, self)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        """Fill with numbers drawn uniformly from [a, b)."""
        if a > b:
            raise RuntimeError(f"uniform_: expected from <= to, got from={a} > to={b}")
        return self._fill_random("uniform_", self._generator(generator).uniform(self.shape, self.dtype, a, b))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fill with numbers drawn from the normal distribution N(mean, std²)."""
        if std < 0:
            raise RuntimeError(f"normal_: expected std >= 0, got {std}")
        return self._fill_random("normal_", self._generator(generator).normal(self.shape, self.dtype, mean, std))

    def exponential_(self, lambd=1.0, *, generator=None):
        """Fill with numbers drawn from the exponential distribution of rate lambd, in place; returns self."""
        return self._fill_random("exponential_", sampling.exponential(self._generator(generator), self.shape,
                                                                      self.dtype, lambd))

    def geometric_(self, p, *, generator=None):
        """Fill with draws of the geometric distribution (trials to the first success at probability p); self."""
        return self._fill_random("geometric_", sampling.geometric(self._generator(generator), self.shape,
                                                                  self.dtype, p))

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        """Fill with numbers drawn from the Cauchy distribution (median, sigma), in place; returns self."""
        return self._fill_random("cauchy_", sampling.cauchy(self._generator(generator), self.shape, self.dtype,
                                                            median, sigma))

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        """Fill with numbers whose log is normal (mean, std), in place; returns self."""
        return self._fill_random("log_normal_", sampling.log_normal(self._generator(generator), self.shape,
                                                                    self.dtype, mean, std))

    def random_(self, low=0, high=None, *, generator=None):
        """random_(high): integers from [0, high); random_(low, high); random_(): any the dtype holds exactly."""
        return self._fill_random("random_", sampling.integers(self._generator(generator), self.shape, self.dtype,
                                                              low, high))

    def bernoulli_(self, p=0.5, *, generator=None):
        """Fill with 1 with probability p (a number or a tensor of probabilities), else 0."""
        return self._fill_random("bernoulli_", sampling.bernoulli_fill(self._generator(generator), self.shape,
                                                                       self.dtype, p))

    def _store(self, name, fn, *args, **kwargs):
        """What the in-place math methods do: compute fn(*args, **kwargs) out of place, then write it into self,
        which keeps its shape and dtype (a result of a higher kind, a float into an integer tensor, is refused)."""
        self._check_inplace(name)
        if autograd.is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args):
            raise RuntimeError(f"{name}: an operand needs a gradient, which an in-place op would lose; use the "
                               f"out-of-place form")
        with autograd.no_grad():
            result = fn(*args, **kwargs)
        if result.shape != self.shape:
            raise RuntimeError(f"{name}: the result has shape {result.shape}, which does not fit in place into "
                               f"shape {self.shape}")
        if not dtypes.can_cast(result.dtype, self.dtype):
            raise RuntimeError(f"{name}: the result has dtype {result.dtype}, which cannot be stored in place into "
                               f"a {self.dtype} tensor")
        self.array[...] = result.array
        return self._changed()

    def float_power_(self, exponent):
        """self ** exponent in float64, in place (self must be float64); returns self."""
        if self.dtype != backend.float64:
            raise RuntimeError(f"float_power_: the result is float64, so the tensor must be float64, got {self.dtype}")
        return self._store("float_power_", elementwise.float_power, self, exponent)

    def polygamma_(self, n):
        """polygamma(n) in place; returns self."""
        return self._store("polygamma_", special.polygamma, n, self)

    @shape_ops.numpy_names
    def cumsum_(self, dim=None, *, dtype=None):
        """cumsum along dim, in place; returns self."""
        return self._store("cumsum_", scan.cumsum, self, dim, dtype=dtype)

    @shape_ops.numpy_names
    def cumprod_(self, dim=None, *, dtype=None):
        """cumprod along dim, in place; returns self."""
        return self._store("cumprod_", scan.cumprod, self, dim, dtype=dtype)

    @shape_ops.numpy_names
    def renorm_(self, p, dim, maxnorm):
        """renorm in place: each slice along dim rescaled to a p-norm of at most maxnorm; returns self."""
        return self._store("renorm_", reduce.renorm, self, p, dim, maxnorm)

    # The in-place forms of the math functions (see _in_place).
    neg_, abs_, sign_, pow_, square_ = (_in_place(elementwise.neg), _in_place(pointwise.abs), _in_place(pointwise.sign),
                                        _in_place(elementwise.pow), _in_place(pointwise.square))
    fmod_, remainder_, floor_divide_ = (_in_place(elementwise.fmod), _in_place(elementwise.remainder),
                                        _in_place(elementwise.floor_divide))
    lerp_, addcmul_, addcdiv_ = (_in_place(elementwise.lerp), _in_place(elementwise.addcmul),
                                 _in_place(elementwise.addcdiv))
    clamp_, clamp_min_, clamp_max_ = (_in_place(elementwise.clamp), _in_place(elementwise.clamp_min),
                                      _in_place(elementwise.clamp_max))
    exp_, exp2_, expm1_ = _in_place(pointwise.exp), _in_place(pointwise.exp2), _in_place(pointwise.expm1)
    log_, log2_, log10_, log1p_ = (_in_place(pointwise.log), _in_place(pointwise.log2), _in_place(pointwise.log10),
                                   _in_place(pointwise.log1p))
    sqrt_, rsqrt_, reciprocal_ = _in_place(pointwise.sqrt), _in_place(pointwise.rsqrt), _in_place(pointwise.reciprocal)
    floor_, ceil_, trunc_, round_, frac_ = (_in_place(pointwise.floor), _in_place(pointwise.ceil),
                                            _in_place(pointwise.trunc), _in_place(pointwise.round),
                                            _in_place(pointwise.frac))
    copysign_, heaviside_, nextafter_, ldexp_ = (_in_place(pointwise.copysign), _in_place(pointwise.heaviside),
                                                 _in_place(pointwise.nextafter), _in_place(pointwise.ldexp))
    nan_to_num_ = _in_place(pointwise.nan_to_num)
    sin_, cos_, tan_, asin_, acos_, atan_ = (_in_place(trig.sin), _in_place(trig.cos), _in_place(trig.tan),
                                             _in_place(trig.asin), _in_place(trig.acos), _in_place(trig.atan))
    sinh_, cosh_, asinh_, acosh_, atanh_ = (_in_place(trig.sinh), _in_place(trig.cosh), _in_place(trig.asinh),
                                            _in_place(trig.acosh), _in_place(trig.atanh))
    atan2_, hypot_ = _in_place(trig.atan2), _in_place(trig.hypot)
    deg2rad_, rad2deg_ = _in_place(trig.deg2rad), _in_place(trig.rad2deg)
    erf_, erfc_, erfinv_ = _in_place(special.erf), _in_place(special.erfc), _in_place(special.erfinv)
    lgamma_, digamma_, mvlgamma_ = _in_place(special.lgamma), _in_place(special.digamma), _in_place(special.mvlgamma)
    i0_, igamma_, igammac_ = _in_place(special.i0), _in_place(special.igamma), _in_place(special.igammac)
    sinc_, logit_, xlogy_ = _in_place(special.sinc), _in_place(special.logit), _in_place(special.xlogy)
    relu_, sigmoid_, tanh_ = _in_place(activation.relu), _in_place(activation.sigmoid), _in_place(activation.tanh)
    eq_, ne_, lt_, le_, gt_, ge_ = (_in_place(logical.eq), _in_place(logical.ne), _in_place(logical.lt),
                                    _in_place(logical.le), _in_place(logical.gt), _in_place(logical.ge))
    logical_and_, logical_or_, logical_xor_, logical_not_ = (
        _in_place(logical.logical_and), _in_place(logical.logical_or), _in_place(logical.logical_xor),
        _in_place(logical.logical_not))
    bitwise_and_, bitwise_or_, bitwise_xor_, bitwise_not_ = (
        _in_place(logical.bitwise_and), _in_place(logical.bitwise_or), _in_place(logical.bitwise_xor),
        _in_place(logical.bitwise_not))
    bitwise_left_shift_, bitwise_right_shift_ = (_in_place(logical.bitwise_left_shift),
                                                 _in_place(logical.bitwise_right_shift))
    gcd_, lcm_ = _in_place(logical.gcd), _in_place(logical.lcm)
    # PyTorch's other names for them.
    absolute_, negative_, multiply_, subtract_, divide_, true_divide_ = abs_, neg_, mul_, sub_, div_, div_
    clip_, fix_, sgn_ = clamp_, trunc_, sign_
    arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_
    greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_

    # The in-place forms of the indexing, scattering and triangle ops (see _in_place).
    scatter_, scatter_add_, scatter_reduce_ = (_in_place(scatter_ops.scatter), _in_place(scatter_ops.scatter_add),
                                               _in_place(scatter_ops.scatter_reduce))
    index_add_, index_copy_, index_fill_, index_reduce_ = (_in_place(scatter_ops.index_add),
                                                           _in_place(scatter_ops.index_copy),
                                                           _in_place(scatter_ops.index_fill),
                                                           _in_place(scatter_ops.index_reduce))
    index_put_, put_ = _in_place(indexing.index_put), _in_place(indexing.put)
    masked_fill_, masked_scatter_ = _in_place(indexing.masked_fill), _in_place(indexing.masked_scatter)
    tril_, triu_ = _in_place(diagonal_ops.tril), _in_place(diagonal_ops.triu)

    # The in-place forms of the scaled products (see _in_place).
    addmm_, addbmm_, baddbmm_ = _in_place(linalg.addmm), _in_place(linalg.addbmm), _in_place(linalg.baddbmm)
    addmv_, addr_ = _in_place(linalg.addmv), _in_place(linalg.addr)

    # In place, views: the tensor becomes a view of itself (in a graph too: nothing it held changes).

    def _view_in_place(self, what, result):
        self._check_leaf(what)
        self.array = result.array
        self._take_node(result)
        return self._changed()

    @shape_ops.numpy_names
    def squeeze_(self, dim=None):
        """squeeze in place; returns self."""
        return self._view_in_place("squeeze_", shape_ops.squeeze(self, dim))

    @shape_ops.numpy_names
    def unsqueeze_(self, dim):
        """unsqueeze in place; returns self."""
        return self._view_in_place("unsqueeze_", shape_ops.unsqueeze(self, dim))

    def t_(self):
        """t in place; returns self."""
        return self._view_in_place("t_", shape_ops.t(self))

    def transpose_(self, dim0, dim1):
        """transpose in place; returns self."""
        return self._view_in_place("transpose_", shape_ops.transpose(self, dim0, dim1))

    def swapaxes_(self, axis0, axis1):
        """swapaxes in place; returns self."""
        return self._view_in_place("swapaxes_", shape_ops.transpose(self, axis0, axis1))

    def swapdims_(self, dim0, dim1):
        """swapdims in place; returns self."""
        return self._view_in_place("swapdims_", shape_ops.transpose(self, dim0, dim1))

    # -----------------------------------------------------------------------------------------
    # Math, as methods: each is the ember.<name> function, with the tensor as its first argument.

    add, sub, mul, div, pow, neg = (elementwise.add, elementwise.sub, elementwise.mul, elementwise.div,
                                    elementwise.pow, elementwise.neg)
    multiply, subtract, divide, true_divide, negative = (elementwise.mul, elementwise.sub, elementwise.div,
                                                         elementwise.true_divide, elementwise.neg)
    floor_divide, fmod, remainder = elementwise.floor_divide, elementwise.fmod, elementwise.remainder
    float_power, positive = elementwise.float_power, elementwise.positive
    lerp, addcmul, addcdiv = elementwise.lerp, elementwise.addcmul, elementwise.addcdiv
    maximum, minimum, fmax, fmin = elementwise.maximum, elementwise.minimum, elementwise.fmax, elementwise.fmin
    clamp = clip = elementwise.clamp
    clamp_min, clamp_max = elementwise.clamp_min, elementwise.clamp_max
    abs, absolute, sign, sgn = pointwise.abs, pointwise.abs, pointwise.sign, pointwise.sign
    exp, exp2, expm1 = pointwise.exp, pointwise.exp2, pointwise.expm1
    log, log2, log10, log1p = pointwise.log, pointwise.log2, pointwise.log10, pointwise.log1p
    sqrt, rsqrt, reciprocal, square = pointwise.sqrt, pointwise.rsqrt, pointwise.reciprocal, pointwise.square
    floor, ceil, trunc, fix, round, frac = (pointwise.floor, pointwise.ceil, pointwise.trunc, pointwise.trunc,
                                            pointwise.round, pointwise.frac)
    copysign, heaviside, nextafter = pointwise.copysign, pointwise.heaviside, pointwise.nextafter
    ldexp, frexp, nan_to_num = pointwise.ldexp, pointwise.frexp, pointwise.nan_to_num
    logaddexp, logaddexp2 = pointwise.logaddexp, pointwise.logaddexp2
    sin, cos, tan, asin, acos, atan = trig.sin, trig.cos, trig.tan, trig.asin, trig.acos, trig.atan
    arcsin, arccos, arctan = trig.asin, trig.acos, trig.atan
    sinh, cosh, asinh, acosh, atanh = trig.sinh, trig.cosh, trig.asinh, trig.acosh, trig.atanh
    arcsinh, arccosh, arctanh = trig.asinh, trig.acosh, trig.atanh
    atan2 = arctan2 = trig.atan2
    hypot, deg2rad, rad2deg = trig.hypot, trig.deg2rad, trig.rad2deg
    erf, erfc, erfinv = special.erf, special.erfc, special.erfinv
    lgamma, digamma, mvlgamma, i0 = special.lgamma, special.digamma, special.mvlgamma, special.i0
    igamma, igammac, sinc, logit, xlogy = special.igamma, special.igammac, special.sinc, special.logit, special.xlogy
    eq, ne, lt, le, gt, ge = logical.eq, logical.ne, logical.lt, logical.le, logical.gt, logical.ge
    greater, greater_equal, less, less_equal, not_equal = logical.gt, logical.ge, logical.lt, logical.le, logical.ne
    logical_and, logical_or = logical.logical_and, logical.logical_or
    logical_xor, logical_not = logical.logical_xor, logical.logical_not
    bitwise_and, bitwise_or, bitwise_xor, bitwise_not = (logical.bitwise_and, logical.bitwise_or,
                                                         logical.bitwise_xor, logical.bitwise_not)
    bitwise_left_shift, bitwise_right_shift = logical.bitwise_left_shift, logical.bitwise_right_shift
    gcd, lcm = logical.gcd, logical.lcm
    isnan, isinf, isfinite, isposinf, isneginf = (logical.isnan, logical.isinf, logical.isfinite, logical.isposinf,
                                                  logical.isneginf)
    isreal, signbit = logical.isreal, logical.signbit
    relu, sigmoid, tanh = activation.relu, activation.sigmoid, activation.tanh
    hardshrink, prelu = activation.hardshrink, activation.prelu
    matmul, mm, bmm, mv, dot, vdot = linalg.matmul, linalg.mm, linalg.bmm, linalg.mv, linalg.dot, linalg.vdot
    inner, outer, ger, kron, cross = linalg.inner, linalg.outer, linalg.ger, linalg.kron, linalg.cross
    addmm, addbmm, baddbmm, addmv, addr = linalg.addmm, linalg.addbmm, linalg.baddbmm, linalg.addmv, linalg.addr
    trace, adjoint = linalg.trace, linalg.adjoint
    det, logdet, slogdet, inverse, pinverse = solvers.det, solvers.logdet, solvers.slogdet, solvers.inverse, \
        solvers.pinverse
    matrix_exp, matrix_power = solvers.matrix_exp, solvers.matrix_power
    cholesky, qr, svd, lu = decompositions.cholesky, decompositions.qr, decompositions.svd, decompositions.torch_lu
    cholesky_inverse, cholesky_solve = solvers.cholesky_inverse, solvers.cholesky_solve
    lu_solve, triangular_solve = solvers.torch_lu_solve, solvers.triangular_solve
    orgqr = decompositions.householder_product
    bernoulli, multinomial = sampling.bernoulli, sampling.multinomial
    sum, mean, var, std, prod = reduce.sum, reduce.mean, reduce.var, reduce.std, reduce.prod
    nansum, nanmean, sum_to_size = reduce.nansum, reduce.nanmean, reduce.sum_to_size
    max, min, amax, amin = reduce.max, reduce.min, reduce.amax, reduce.amin
    argmax, argmin = reduce.argmax, reduce.argmin
    aminmax, logsumexp = reduce.aminmax, reduce.logsumexp
    all, any, count_nonzero = reduce.all, reduce.any, reduce.count_nonzero
    hash_tensor = reduce.hash_tensor
    norm, dist, renorm = reduce.norm, reduce.dist, reduce.renorm
    equal, allclose, isclose = reduce.equal, reduce.allclose, reduce.isclose
    cumsum, cumprod, cummax, cummin = scan.cumsum, scan.cumprod, scan.cummax, scan.cummin
    logcumsumexp, diff = scan.logcumsumexp, scan.diff
    sort, argsort, msort, topk, kthvalue = sorting.sort, sorting.argsort, sorting.msort, sorting.topk, sorting.kthvalue
    unique, unique_consecutive = sorting.unique, sorting.unique_consecutive
    median, nanmedian, mode = statistics.median, statistics.nanmedian, statistics.mode
    quantile, nanquantile = statistics.quantile, statistics.nanquantile
    cov, corrcoef = statistics.cov, statistics.corrcoef
    bincount, histc, histogram = statistics.bincount, statistics.histc, statistics.histogram

    def polygamma(self, n):
        """The n-th derivative of the digamma function, elementwise."""
        return special.polygamma(n, self)

    softmax, log_softmax = activation.torch_softmax, activation.torch_log_softmax

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
        """The elements in reverse order along each of dims."""
        if not dims:
            raise TypeError("flip() missing its dims")
        return shape_ops.flip(self, shape_ops.shape_arg(dims))

    def tile(self, *dims):
        """self repeated along each dim as many times as dims says (dims shorter than ndim count from the right)."""
        return join.tile(self, shape_ops.shape_arg(dims))

    def view_as(self, other: "Tensor") -> "Tensor":
        """self reshaped to other's shape."""
        return shape_ops.reshape(self, other.shape)

    reshape_as = view_as

    def expand_as(self, other: "Tensor") -> "Tensor":
        """self expanded to other's shape (a view, as expand)."""
        return shape_ops.expand(self, other.shape)

    @property
    def T(self) -> "Tensor":  # noqa: N802 (PyTorch's name)
        """The dims in reverse order (the transpose of a matrix)."""
        return shape_ops.permute(self, *reversed(range(self.ndim)))

    @property
    def mT(self) -> "Tensor":  # noqa: N802
        """The last two dims swapped: the transpose of each matrix of a batch (adjoint's, for real numbers)."""
        return linalg.adjoint(self)

    @property
    def mH(self):  # noqa: N802 (the conjugate transpose, which for real numbers is mT)
        """The conjugate transpose of the last two dims: their transpose, since ember's dtypes are real."""
        return linalg.adjoint(self)

    @property
    def H(self):  # noqa: N802
        """The conjugate transpose of a matrix: its transpose, since ember's dtypes are real."""
        if self.ndim != 2:
            raise RuntimeError(f"tensor.H: expected a matrix (2-D tensor), got shape {self.shape}; for batches of "
                               "matrices use tensor.mH")
        return shape_ops.transpose(self, 0, 1)

    # -----------------------------------------------------------------------------------------
    # What ember lacks.

    def __getattr__(self, name):
        """Called only when normal lookup fails (so it costs the rest nothing): a PyTorch method that
        ember lacks raises an error that names it, with the reason when ember leaves it out on purpose."""
        if name.startswith("__") or hasattr(type(self), name):
            # Python's own probes (copy asks for __deepcopy__) and a property that raised: Python's own error.
            return object.__getattribute__(self, name)
        from . import omissions
        raise omissions.missing("torch.Tensor", name)


class Size(tuple):
    """A tensor's shape, as PyTorch's torch.Size: a tuple of ints (Size([2, 3])) with numel(); print() and
    repr() show torch.Size([2, 3]) as PyTorch does, while in f-strings (ember's error messages) it reads
    (2, 3). It adds no `__new__` to tuple's, so that `.shape` costs little: NumPy refuses a non-int size
    where the shape is used."""

    __slots__ = ()

    def numel(self):
        """The number of elements of a tensor of this shape."""
        return math.prod(self)

    def __repr__(self):
        return f"torch.Size({[int(n) for n in self]})"

    def __format__(self, spec):
        return format(tuple(self), spec)

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        return Size(super().__add__(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, times):
        return Size(super().__mul__(times))

    __rmul__ = __mul__


# ---------------------------------------------------------------------------------------------
# PyTorch's legacy constructors: Tensor(data) / Tensor(*sizes), and the typed FloatTensor, LongTensor, ...

def legacy_array(data, name, dtype=backend.float32):
    """The array that PyTorch's legacy constructor `name(*data)` makes: sizes give an uninitialized array,
    a sequence gives a copy of its numbers as dtype, a tensor its own array."""
    if not data:  # Tensor(): an empty tensor
        return np.empty(0, dtype)
    if len(data) == 1 and isinstance(data[0], Tensor):
        if name != "Tensor" and data[0].dtype != dtype:
            raise TypeError(f"{name}(): expected a tensor of dtype {dtype}, got one of {data[0].dtype}")
        return data[0].array
    sizes = tuple(data[0]) if len(data) == 1 and isinstance(data[0], Size) else data
    if all(isinstance(n, int) and not isinstance(n, bool) for n in sizes):
        if any(n < 0 for n in sizes):
            raise RuntimeError(f"{name}(): sizes must not be negative, got {list(sizes)}")
        return np.empty(sizes, dtype)
    if len(data) > 1:
        raise TypeError(f"{name}() takes sizes (ints) or one sequence of numbers, got {data!r:.200}")
    if not isinstance(data[0], (list, tuple, np.ndarray)):
        raise TypeError(f"{name}(): data must be a sequence of numbers, got {type(data[0]).__name__}")
    array = np.array(data[0])
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name}(): expected numbers, got {array.dtype} data")
    return array.astype(dtype)


class _TensorType(type):
    """The type of PyTorch's legacy typed constructors: FloatTensor([1, 2]) or FloatTensor(2, 3) makes a
    float32 tensor, and isinstance(t, FloatTensor) asks whether t is a float32 tensor on the CPU."""

    def __call__(cls, *data):
        return Tensor(legacy_array(data, cls.__name__, cls.dtype))

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and not obj.is_cuda


class FloatTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of float32 tensors: FloatTensor([1, 2]) or FloatTensor(2, 3)."""
    dtype = backend.float32


class DoubleTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of float64 tensors: DoubleTensor([1, 2]) or DoubleTensor(2, 3)."""
    dtype = backend.float64


class HalfTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of float16 tensors: HalfTensor([1, 2]) or HalfTensor(2, 3)."""
    dtype = backend.float16


class LongTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of int64 tensors: LongTensor([1, 2]) or LongTensor(2, 3)."""
    dtype = backend.int64


class IntTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of int32 tensors: IntTensor([1, 2]) or IntTensor(2, 3)."""
    dtype = backend.int32


class ShortTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of int16 tensors: ShortTensor([1, 2]) or ShortTensor(2, 3)."""
    dtype = backend.int16


class CharTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of int8 tensors: CharTensor([1, 2]) or CharTensor(2, 3)."""
    dtype = backend.int8


class ByteTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of uint8 tensors: ByteTensor([1, 2]) or ByteTensor(2, 3)."""
    dtype = backend.uint8


class BoolTensor(metaclass=_TensorType):
    """PyTorch's legacy constructor of bool tensors: BoolTensor([True, False]) or BoolTensor(2, 3)."""
    dtype = backend.bool_


_LEGACY_TYPES = {cls.dtype: cls for cls in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,
                                            CharTensor, ByteTensor, BoolTensor)}


def parse_to_args(*args, device=None, dtype=None):
    """The (device, dtype) that .to(...) asks for, each None when not given: arguments may be a
    device ('cuda', ember.device), a dtype, or a tensor (meaning its device and dtype)."""
    for arg in args:
        if isinstance(arg, Tensor):
            device, dtype = arg.device, arg.dtype
        elif isinstance(arg, backend.Device) or (isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda")):
            device = arg
        elif isinstance(arg, str) and arg not in np.sctypeDict:
            raise TypeError(f"not a device or dtype: {arg!r}")
        else:
            dtype = arg
    return (None if device is None else backend.Device(device)), (None if dtype is None else backend.as_dtype(dtype))


autograd.set_tensor_type(Tensor)  # the engine makes its results, gradients and hook arguments of this type
backend.set_tensor_type(Tensor)  # Generator.get_state returns one
