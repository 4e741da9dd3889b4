"""ember's ops and layers as ONNX nodes: one converter per Function (and per layer exported whole).

A converter gets the Graph and one record of the trace (its inputs, settings and outputs) and adds the
ONNX nodes that compute the same outputs, returning their names. Where ONNX has the op, it is one node
(Relu, Conv, LayerNormalization); otherwise a few (SiLU is x · Sigmoid(x); GELU below opset 20 is
0.5 x (1 + erf(x / √2))). Recurrent layers become ONNX's RNN, LSTM and GRU nodes, whose weights stack
the gates in another order than PyTorch's: LSTM i f g o becomes i o f c, GRU r z n becomes z r h.
"""

import math

import numpy as np

from .. import backend
from ..nn.positional import _Positional
from ..nn.rnn import GRU, LSTM, RNN
from ..ops import (activation, attention, conv, elementwise, embedding, indexing, layout, linalg, normalization,
                   padding, pointwise, pooling, reduce, resample, shape)
from ..tensor import Tensor


class ExportError(RuntimeError):
    """A model, an op or an argument that ember cannot export to ONNX."""


def elem_type(onnx, dtype):
    """ONNX's element type number of an ember dtype."""
    if dtype.name == "bfloat16":
        return onnx.TensorProto.BFLOAT16
    return onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


def tensor_proto(onnx, name, array):
    """An ONNX TensorProto of a NumPy (or CuPy) array."""
    array = np.ascontiguousarray(backend.to_device(array, backend.CPU))
    if array.dtype.name == "bfloat16":
        proto = onnx.TensorProto(name=name, data_type=onnx.TensorProto.BFLOAT16, dims=array.shape)
        proto.raw_data = array.view(np.uint16).astype("<u2").tobytes()
        return proto
    return onnx.numpy_helper.from_array(array, name)


class Graph:
    """The ONNX graph being built: nodes, initializers, and the ONNX name of every traced tensor."""

    def __init__(self, onnx, opset, named, dynamic):
        self.onnx, self.opset, self.dynamic = onnx, opset, dynamic
        self.nodes, self.inputs, self.outputs, self.initializers = [], [], [], []
        self.names = {}  # id(tensor) or id(array) -> its ONNX name
        self.labels = {}  # the traced size of a dynamic input axis -> its label
        self.state = {}  # the same for parameters and buffers, made initializers when first used
        for name, t in named.items():
            self.state.setdefault(id(t), (name, t.array))
            self.state.setdefault(id(t.array), (name, t.array))
        self.count = 0

    def fresh(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def bind(self, tensor, name):
        self.names[id(tensor)] = self.names[id(tensor.array)] = name

    def value(self, x, like=None):
        """The ONNX name of an input: a traced tensor, a parameter or buffer, another tensor or array (a
        constant), or a number (a constant of like's dtype)."""
        key = id(x)
        if isinstance(x, Tensor) and key not in self.names and id(x.array) in self.names:
            key = id(x.array)
        if key in self.names:
            return self.names[key]
        if isinstance(x, Tensor) or backend.is_array(x):
            array = x.array if isinstance(x, Tensor) else x
            name, array = self.state.get(key, (self.fresh("constant"), array))
            self.initializers.append(tensor_proto(self.onnx, name, array))
            self.names[key] = name
            return name
        dtype = like.dtype if like is not None else backend.float32
        return self.constant(np.asarray(x, dtype=dtype))

    def constant(self, array, hint="constant"):
        name = self.fresh(hint)
        self.initializers.append(tensor_proto(self.onnx, name, np.asarray(array)))
        return name

    def ints(self, values):
        """An int64 constant (the shapes, axes and sizes that ONNX takes as inputs)."""
        return self.constant(np.asarray(values, dtype=np.int64), "ints")

    def add(self, op_type, inputs, count=1, **attributes):
        """A node; returns its output name (or the list of names when count > 1)."""
        outputs = [self.fresh(op_type.lower()) for _ in range(count)]
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), outputs, **attributes))
        return outputs[0] if count == 1 else outputs

    def value_info(self, name, dims, dtype):
        return self.onnx.helper.make_tensor_value_info(name, elem_type(self.onnx, dtype), dims)

    def add_input(self, name, tensor):
        dims = [self.dynamic.get(name, {}).get(axis, n) for axis, n in enumerate(tensor.shape)]
        self.inputs.append(self.value_info(name, dims, tensor.dtype))
        self.bind(tensor, name)
        self.labels.update({n: dims[axis] for axis, n in enumerate(tensor.shape) if isinstance(dims[axis], str)})

    def add_output(self, name, tensor):
        """An output; its axes are named as in dynamic_axes, or else after the dynamic input axis of the
        same traced size (the batch of the input is the batch of the output)."""
        named = self.dynamic.get(name, {})
        dims = [named.get(axis, self.labels.get(n, n)) for axis, n in enumerate(tensor.shape)]
        self.nodes.append(self.onnx.helper.make_node("Identity", [self.value(tensor)], [name]))
        self.outputs.append(self.value_info(name, dims, tensor.dtype))

    def convert(self, kind, what, inputs, attrs, outputs, where):
        """Add the nodes of one record of the trace."""
        if kind == "op":
            converter, name = OPS.get(what), what.__name__
        else:
            converter = next((c for layer_type, c in LAYERS if isinstance(what, layer_type)), None)
            name = type(what).__name__
        if converter is None:
            raise ExportError(f"ember.onnx.export: {name} (in {where}) has no ONNX form in ember yet")
        try:
            names = converter(self, Record(inputs, attrs, outputs))
        except ExportError as e:
            raise ExportError(f"ember.onnx.export: {name} (in {where}): {e}") from None
        for tensor, onnx_name in zip(outputs, [names] if isinstance(names, str) else names):
            self.bind(tensor, onnx_name)

    def model(self, name):
        onnx = self.onnx
        graph = onnx.helper.make_graph(self.nodes, name, self.inputs, self.outputs, self.initializers)
        opsets = [onnx.helper.make_opsetid("", self.opset)]
        return onnx.helper.make_model(graph, producer_name="ember", opset_imports=opsets)


class Record:
    """One op or layer of the trace: its inputs (tensors, numbers, None), settings and output tensors."""

    def __init__(self, inputs, attrs, outputs):
        self.inputs, self.attrs, self.outputs = inputs, attrs, outputs

    @property
    def x(self):
        return self.inputs[0]

    @property
    def out(self):
        return self.outputs[0]


def _tensor_of(record):
    """The first tensor input: the dtype that numbers in the op take."""
    return next(x for x in record.inputs if isinstance(x, Tensor))


# ---------------------------------------------------------------------------------------------
# Elementwise math.

def _unary(op_type):
    return lambda g, r: g.add(op_type, [g.value(r.x)])


def _binary(op_type):
    def convert(g, r):
        like = _tensor_of(r)
        return g.add(op_type, [g.value(r.inputs[0], like), g.value(r.inputs[1], like)])
    return convert


def _add_or_sub(op_type):
    def convert(g, r):
        like = _tensor_of(r)
        a, b = g.value(r.inputs[0], like), g.value(r.inputs[1], like)
        alpha = r.attrs.get("alpha", 1)
        if alpha != 1:
            b = g.add("Mul", [b, g.value(alpha, like)])
        return g.add(op_type, [a, b])
    return convert


def _clamp(g, r):
    like = _tensor_of(r)
    low, high = r.inputs[1:3]
    return g.add("Clip", [g.value(r.x), "" if low is None else g.value(low, like), "" if high is None else
                          g.value(high, like)])


def _where(g, r):
    like = next((x for x in r.inputs[1:] if isinstance(x, Tensor)), r.out)
    return g.add("Where", [g.value(r.inputs[0]), g.value(r.inputs[1], like), g.value(r.inputs[2], like)])


def _cast(g, r):
    return g.add("Cast", [g.value(r.x)], to=elem_type(g.onnx, r.out.dtype))


def _copy(g, r):
    return g.add("Identity", [g.value(r.x)])


# ---------------------------------------------------------------------------------------------
# Activations.

def _leaky_relu(g, r):
    if not isinstance(r.attrs["slope"], float):
        raise ExportError("a random slope (RReLU in training) cannot be exported")
    return g.add("LeakyRelu", [g.value(r.x)], alpha=r.attrs["slope"])


def _hardtanh(g, r):
    return _clip(g, g.value(r.x), r.x, r.attrs["low"], r.attrs["high"])


def _clip(g, name, like, low, high):
    return g.add("Clip", [name, g.value(low, like), g.value(high, like)])


def _elu(g, r):
    alpha, scale, input_scale = r.attrs["alpha"], r.attrs["scale"], r.attrs["input_scale"]
    x = g.value(r.x)
    if input_scale != 1:
        x = g.add("Mul", [x, g.value(input_scale, r.x)])
    out = g.add("Elu", [x], alpha=float(alpha))
    return out if scale == 1 else g.add("Mul", [out, g.value(scale, r.x)])


def _gelu(g, r):
    """GELU: one node from opset 20; before it, 0.5 x (1 + erf(x/√2)) or the tanh approximation
    0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))."""
    x, like, approximate = g.value(r.x), r.x, r.attrs["approximate"]
    if g.opset >= 20:
        return g.add("Gelu", [x], approximate=approximate)
    if approximate == "tanh":
        cube = g.add("Mul", [g.add("Mul", [x, x]), x])
        inner = g.add("Add", [x, g.add("Mul", [cube, g.value(0.044715, like)])])
        core = g.add("Tanh", [g.add("Mul", [inner, g.value(math.sqrt(2 / math.pi), like)])])
    else:
        core = g.add("Erf", [g.add("Mul", [x, g.value(1 / math.sqrt(2), like)])])
    half_x = g.add("Mul", [x, g.value(0.5, like)])
    return g.add("Mul", [half_x, g.add("Add", [core, g.value(1.0, like)])])


def _silu(g, r):
    x = g.value(r.x)
    return g.add("Mul", [x, g.add("Sigmoid", [x])])


def _softplus(g, r):
    beta, x = r.attrs["beta"], g.value(r.x)
    if beta == 1:
        return g.add("Softplus", [x])
    scaled = g.add("Softplus", [g.add("Mul", [x, g.value(beta, r.x)])])
    return g.add("Div", [scaled, g.value(beta, r.x)])


def _along_axis(op_type):
    return lambda g, r: g.add(op_type, [g.value(r.x)], axis=r.attrs["axis"])


# ---------------------------------------------------------------------------------------------
# Products, convolutions, pooling, normalization, embeddings, attention.

def _linear(g, r):
    x, weight, bias = r.inputs
    out = g.add("MatMul", [g.value(x), g.add("Transpose", [g.value(weight)], perm=[1, 0])])
    return out if bias is None else g.add("Add", [out, g.value(bias)])


def _window_attributes(window):
    pads = [before for before, _ in window.padding] + [after for _, after in window.padding]
    return {"kernel_shape": list(window.kernel), "strides": list(window.stride), "pads": pads,
            "dilations": list(window.dilation)}


def _conv(g, r):
    x, weight, bias = r.inputs
    inputs = [g.value(x), g.value(weight)] + ([] if bias is None else [g.value(bias)])
    return g.add("Conv", inputs, group=r.attrs["groups"], **_window_attributes(r.attrs["window"]))


def _conv_transpose(g, r):
    """ONNX's ConvTranspose makes s·(in - 1) + span - pads + output_padding along each axis: the padding of
    ember's window, and output_padding for the rest of the output size asked for."""
    x, weight, bias = r.inputs
    window, out_size = r.attrs["window"], r.attrs["out_size"]
    made = [s * (n - 1) + span - before - after for s, n, span, (before, after)
            in zip(window.stride, x.shape[2:], window.span(), window.padding)]
    inputs = [g.value(x), g.value(weight)] + ([] if bias is None else [g.value(bias)])
    return g.add("ConvTranspose", inputs, group=r.attrs["groups"], **_window_attributes(window),
                 output_padding=[n - m for n, m in zip(out_size, made)])


def _max_pool(g, r):
    if r.attrs["return_indices"]:
        raise ExportError("return_indices=True cannot be exported")
    return g.add("MaxPool", [g.value(r.x)], **_window_attributes(r.attrs["window"]))


def _avg_pool(g, r):
    window, divisor = r.attrs["window"], r.attrs["divisor"]
    if backend.is_array(divisor) or divisor != math.prod(window.kernel) or any(
            before != after for before, after in window.padding):
        raise ExportError("only average pooling that divides every window by the kernel's size, with even padding "
                          "(no ceil_mode overhang, count_include_pad=True) can be exported")
    attributes = _window_attributes(window)
    del attributes["dilations"]
    return g.add("AveragePool", [g.value(r.x)], count_include_pad=1, **attributes)


def _resample(g, r):
    """Adaptive average pooling and interpolation over one or two axes: out = A_h · x · A_wᵀ (two MatMuls)."""
    matrices = [taps.matrix(np, r.x.dtype) for taps in r.attrs["taps"]]
    if len(matrices) > 2:
        raise ExportError("resampling over three spatial axes (3-D adaptive pooling, interpolate) cannot be exported")
    out = g.value(r.x)
    if len(matrices) == 2:
        out = g.add("MatMul", [g.constant(backend.to_device(matrices[0], backend.CPU)), out])
    return g.add("MatMul", [out, g.constant(backend.to_device(matrices[-1], backend.CPU).T)])


def _ones_or(g, tensor, size, like):
    return g.value(tensor) if tensor is not None else g.constant(np.ones(size, like.dtype))


def _zeros_or(g, tensor, size, like):
    return g.value(tensor) if tensor is not None else g.constant(np.zeros(size, like.dtype))


def _batch_norm(g, r):
    x, weight, bias = r.inputs
    if r.attrs["training"] or r.attrs["running"] is None:
        raise ExportError("batch statistics (training mode, or track_running_stats=False) cannot be exported; "
                          "call model.eval() first")
    mean, var = r.attrs["running"]
    channels = x.shape[1]
    return g.add("BatchNormalization", [g.value(x), _ones_or(g, weight, channels, x), _zeros_or(g, bias, channels, x),
                                        g.value(mean), g.value(var)], epsilon=r.attrs["eps"])


def _layer_norm(g, r):
    x, weight, bias = r.inputs
    shape_ = tuple(r.attrs["normalized_shape"])
    return g.add("LayerNormalization", [g.value(x), _ones_or(g, weight, shape_, x), _zeros_or(g, bias, shape_, x)],
                 axis=-len(shape_), epsilon=r.attrs["eps"])


def _embedding(g, r):
    return g.add("Gather", [g.value(r.x), g.value(r.attrs["indices"])], axis=0)


def _attention(g, r):
    """softmax(Q Kᵀ · scale + mask) V; the causal mask is made from the scores' shape, so the sequence
    length may vary."""
    q, k, v, mask = r.inputs
    if r.attrs["dropout_p"] > 0:
        raise ExportError("attention dropout cannot be exported; call model.eval() first")
    rank = k.ndim
    key_t = g.add("Transpose", [g.value(k)], perm=list(range(rank - 2)) + [rank - 1, rank - 2])
    scores = g.add("Mul", [g.add("MatMul", [g.value(q), key_t]), g.value(r.attrs["scale"], q)])
    if mask is not None:
        scores = g.add("Add", [scores, g.value(mask)])
    if r.attrs["keep"] is not None:
        scores = g.add("Where", [g.value(r.attrs["keep"]), scores, g.value(-math.inf, q)])
    if r.attrs["causal"]:
        square = g.add("Shape", [scores], start=-2)
        ones = g.add("ConstantOfShape", [square], value=tensor_proto(g.onnx, "one", np.ones(1, np.float32)))
        lower = g.add("Cast", [g.add("Trilu", [ones], upper=0)], to=g.onnx.TensorProto.BOOL)
        scores = g.add("Where", [lower, scores, g.value(-math.inf, q)])
    weights = g.add("Softmax", [scores], axis=-1)
    out = g.add("MatMul", [weights, g.value(v)])
    return [out, weights] if r.attrs["need_weights"] else out


# ---------------------------------------------------------------------------------------------
# Shapes and indexing.

def _reshape(g, r):
    """A reshape whose target keeps (0) the leading axes it shares with the input and infers (-1) a
    single remaining one, so that a dynamic batch or length passes through."""
    before, after = r.x.shape, r.out.shape
    same = 0
    while same < min(len(before), len(after)) - 1 and before[same] == after[same]:
        same += 1
    target = [0] * same + list(after[same:])
    if len(after) - same == 1:
        target[-1] = -1
    return g.add("Reshape", [g.value(r.x), g.ints(target)])


def _permute(g, r):
    return g.add("Transpose", [g.value(r.x)], perm=list(r.attrs["axes"]))


def _expand(g, r):
    """Expand, with 1 (broadcast: keep the input's size) where the input already has the target's size."""
    target, given = list(r.attrs["shape"]), r.x.shape
    offset = len(target) - len(given)
    target = [1 if i >= offset and given[i - offset] == n else n for i, n in enumerate(target)]
    return g.add("Expand", [g.value(r.x), g.ints(target)])


def _cat(g, r):
    return g.add("Concat", [g.value(x) for x in r.inputs], axis=r.attrs["axis"])


def _stack(g, r):
    axis = g.ints([r.attrs["axis"]])
    return g.add("Concat", [g.add("Unsqueeze", [g.value(x), axis]) for x in r.inputs], axis=r.attrs["axis"])


def _split(g, r):
    sizes = list(r.attrs["sizes"])
    return g.add("Split", [g.value(r.x), g.ints(sizes)], count=len(sizes), axis=r.attrs["axis"])


def _pad(g, r):
    widths = r.attrs["widths"]
    pads = [before for before, _ in widths] + [after for _, after in widths]
    return g.add("Pad", [g.value(r.x), g.ints(pads), g.value(r.attrs["value"], r.x)], mode="constant")


def _get_item(g, r):
    """x[index] for ints, slices, None and ...: one Slice, then Squeeze (ints) and Unsqueeze (None)."""
    index = r.attrs["index"]
    index = index if isinstance(index, tuple) else (index,)
    if any(not (isinstance(i, (int, slice)) or i is None or i is Ellipsis) or isinstance(i, bool) for i in index):
        raise ExportError("only indexing with ints, slices, None and ... can be exported")
    if Ellipsis in index:
        at = index.index(Ellipsis)
        rest = sum(i is not None for i in index) - 1
        index = index[:at] + (slice(None),) * (r.x.ndim - rest) + index[at + 1:]
    slices, squeeze, unsqueeze, axis, out_axis = [], [], [], 0, 0  # slices: (axis, start, end, step)
    last = np.iinfo(np.int64).max
    for i in index:
        if i is None:
            unsqueeze.append(out_axis)
            out_axis += 1
            continue
        if isinstance(i, int):
            slices.append((axis, i, last if i == -1 else i + 1, 1))
            squeeze.append(axis)
        else:
            if i.step is not None and i.step < 0:
                raise ExportError("slices with a negative step cannot be exported")
            if i != slice(None):
                slices.append((axis, i.start or 0, last if i.stop is None else i.stop, i.step or 1))
            out_axis += 1
        axis += 1
    out = g.value(r.x)
    if slices:
        axes, starts, ends, steps = zip(*slices)
        out = g.add("Slice", [out, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)])
    if squeeze:
        out = g.add("Squeeze", [out, g.ints(squeeze)])
    if unsqueeze:
        out = g.add("Unsqueeze", [out, g.ints(unsqueeze)])
    return out if out != g.value(r.x) else g.add("Identity", [out])


def _reduce(op_type):
    def convert(g, r):
        axes, keep = list(r.attrs["axes"]), int(r.attrs["keepdims"])
        if op_type == "ReduceSum" or g.opset >= 18:
            return g.add(op_type, [g.value(r.x), g.ints(axes)], keepdims=keep)
        return g.add(op_type, [g.value(r.x)], axes=axes, keepdims=keep)
    return convert


OPS = {
    elementwise.Add: _add_or_sub("Add"), elementwise.Sub: _add_or_sub("Sub"), elementwise.Mul: _binary("Mul"),
    elementwise.Div: _binary("Div"), elementwise.Pow: _binary("Pow"), elementwise.Maximum: _binary("Max"),
    elementwise.Minimum: _binary("Min"), elementwise.Neg: _unary("Neg"), elementwise.Clamp: _clamp,
    elementwise.Where: _where, elementwise.Cast: _cast, layout.Copy: _copy,
    pointwise.Abs: _unary("Abs"), pointwise.Exp: _unary("Exp"), pointwise.Log: _unary("Log"),
    pointwise.Sqrt: _unary("Sqrt"), pointwise.Reciprocal: _unary("Reciprocal"),
    activation.ReLU: _unary("Relu"), activation.Sigmoid: _unary("Sigmoid"), activation.Tanh: _unary("Tanh"),
    activation.LeakyReLU: _leaky_relu, activation.Hardtanh: _hardtanh, activation.ELU: _elu,
    activation.GELU: _gelu, activation.SiLU: _silu, activation.Softplus: _softplus,
    activation.Softmax: _along_axis("Softmax"), activation.LogSoftmax: _along_axis("LogSoftmax"),
    linalg.MatMul: _binary("MatMul"), linalg.Linear: _linear, conv.Conv: _conv,
    conv.ConvTranspose: _conv_transpose,
    pooling.MaxPool: _max_pool, pooling.AvgPool: _avg_pool, resample.Resample: _resample,
    normalization.BatchNorm: _batch_norm, normalization.LayerNorm: _layer_norm, embedding.Embedding: _embedding,
    attention.ScaledDotProductAttention: _attention,
    shape.Reshape: _reshape, shape.Permute: _permute, shape.Expand: _expand, shape.Cat: _cat, shape.Stack: _stack,
    shape.Split: _split, padding.ConstantPad: _pad, indexing.GetItem: _get_item,
    reduce.Sum: _reduce("ReduceSum"), reduce.Mean: _reduce("ReduceMean"),
}


# ---------------------------------------------------------------------------------------------
# Layers exported whole.

def _positional(g, r):
    """x + table[start : start + T], T read from x's shape."""
    x, start = r.inputs[0], (r.inputs[1] if len(r.inputs) > 1 else 0)
    module = r.attrs["module"]
    length = g.add("Shape", [g.value(x)], start=-2, end=-1)
    rows = g.add("Slice", [g.value(module.table()), g.ints([start]), g.add("Add", [length, g.ints([start])]),
                           g.ints([0])])
    return g.add("Add", [g.value(x), rows])


# PyTorch's gate blocks in ONNX's order.
GATE_ORDER = {"LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2], "RNN_TANH": [0], "RNN_RELU": [0]}


def _gates(array, order):
    blocks = np.split(backend.to_device(array, backend.CPU), len(order))
    return np.concatenate([blocks[i] for i in order])


def _recurrent(g, r):
    """RNN, LSTM, GRU: one ONNX node per layer, both directions in it; x (T, B, in) or batch-first."""
    module = r.attrs["module"]
    x, hx = r.inputs[0], (r.inputs[1] if len(r.inputs) > 1 else None)
    if not isinstance(x, Tensor) or x.ndim != 3:
        raise ExportError("only batched, padded input (no PackedSequence, no unbatched input) can be exported")
    mode, directions, hidden = module.mode, 2 if module.bidirectional else 1, module.hidden_size
    states = [] if hx is None else list(hx) if mode == "LSTM" else [hx]
    out = g.value(x)
    if module.batch_first:
        out = g.add("Transpose", [out], perm=[1, 0, 2])
    finals = [[] for _ in range(2 if mode == "LSTM" else 1)]
    for layer in range(module.num_layers):
        weights = [module.all_weights[layer * directions + d] for d in range(directions)]
        w = g.constant(np.stack([_gates(ws[0].array, GATE_ORDER[mode]) for ws in weights]))
        rw = g.constant(np.stack([_gates(ws[1].array, GATE_ORDER[mode]) for ws in weights]))
        bias = "" if not module.bias else g.constant(np.stack([np.concatenate(
            [_gates(ws[2].array, GATE_ORDER[mode]), _gates(ws[3].array, GATE_ORDER[mode])]) for ws in weights]))
        initial = [g.add("Slice", [g.value(state), g.ints([layer * directions]), g.ints([(layer + 1) * directions]),
                                   g.ints([0])]) for state in states]
        attributes = {"hidden_size": hidden, "direction": "bidirectional" if directions == 2 else "forward"}
        if mode == "GRU":
            attributes["linear_before_reset"] = 1  # PyTorch's n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
        if mode.startswith("RNN"):
            attributes["activations"] = ["Tanh" if mode == "RNN_TANH" else "Relu"] * directions
        op_type = {"LSTM": "LSTM", "GRU": "GRU"}.get(mode, "RNN")
        inputs = [out, w, rw, bias, "", *initial] if initial else [out, w, rw, bias]
        results = g.add(op_type, inputs, count=1 + len(finals), **attributes)
        # Y (T, directions, B, hidden) -> (T, B, directions·hidden), the next layer's input
        out = g.add("Reshape", [g.add("Transpose", [results[0]], perm=[0, 2, 1, 3]), g.ints([0, 0, -1])])
        for final, state in zip(finals, results[1:]):
            final.append(state)
    if module.batch_first:
        out = g.add("Transpose", [out], perm=[1, 0, 2])
    return [out] + [g.add("Concat", final, axis=0) if len(final) > 1 else final[0] for final in finals]


LAYERS = [(_Positional, _positional), (RNN, _recurrent), (LSTM, _recurrent), (GRU, _recurrent)]
WHOLE_LAYERS = (_Positional, RNN, LSTM, GRU)
