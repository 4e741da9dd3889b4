"""Exporting a model to ONNX: one forward pass traced, each op written as ONNX nodes.

ONNX is a file format for a computation graph that other runtimes (onnxruntime, TensorRT, browsers)
run without Python. ember gets the graph the way its autograd does: by running the model once. While
export runs, every Function that runs is recorded with its inputs, its settings and its outputs (the
trace); recurrent layers and positional embeddings, whose ops depend on the sequence length, are
recorded whole, as one layer each. Then each record becomes ONNX nodes (ember/io/onnx_ops.py), the
parameters and buffers become the graph's initializers under their state_dict names, and any other
tensor the forward made (a constant) becomes an initializer of its own.

The trace records one pass, with the shapes of that pass. Axes named in dynamic_axes may take other
sizes in the exported graph: reshapes keep the axes they copy from their input (0 in ONNX's Reshape)
and infer the last one (-1), and the ops that need the sequence length read it from the tensor.
"""

from .. import autograd
from ..autograd import no_grad
from ..nn import Module
from ..tensor import Tensor
from .files import atomic_write
from .onnx_ops import WHOLE_LAYERS, ExportError, Graph

OPSETS = range(17, 22)
_exporting = False


def is_exporting():
    """Whether an export is tracing a model now (torch.onnx.is_in_onnx_export)."""
    return _exporting


class Trace:
    """What one forward pass ran: a list of records (kind, what, inputs, attrs, outputs, module), kind
    being "op" (what is the Function class) or "layer" (what is the module, recorded whole)."""

    def __init__(self, whole_layers):
        self.records, self.whole_layers, self.path, self.inside_layer = [], whole_layers, [], 0
        self.keep = []  # every traced tensor stays alive, so that no two share an id()

    def record(self, cls, inputs, attrs, outputs):
        """Called by Function.apply for each op that runs."""
        if not self.inside_layer:
            self.records.append(("op", cls, inputs, attrs, outputs, self.where()))
            self.keep.append((inputs, attrs, outputs))

    def where(self):
        """The module running now, as errors name it: Linear 'encoder.0'."""
        return self.path[-1][1] if self.path else "the model"

    def enter(self, module, args):
        self.path.append((module, module._describe()))
        if isinstance(module, self.whole_layers) and not self.inside_layer:
            self.inside_layer = id(module)

    def leave(self, module, args, output):
        self.path.pop()
        if self.inside_layer == id(module):
            self.inside_layer = 0
            self.records.append(("layer", module, list(args), {"module": module}, _tensors(output),
                                 module._describe()))
            self.keep.append((args, output))


def _tensors(value):
    """The tensors of a forward's output (a tensor, or tuples and lists of them, nested), in order."""
    if isinstance(value, Tensor):
        return (value,)
    if isinstance(value, (tuple, list)):
        return tuple(t for v in value for t in _tensors(v))
    if value is None:
        return ()
    raise ExportError(f"ember.onnx.export: the model returned a {type(value).__name__}; it must return tensors, "
                      "or tuples and lists of them")


def trace(model, args, whole_layers):
    """The Trace of model(*args) in no_grad mode, and its outputs."""
    global _exporting
    trace = Trace(whole_layers)
    handles = []
    for module in model.modules():
        handles.append(module.register_forward_pre_hook(trace.enter))
        handles.append(module.register_forward_hook(trace.leave))
    autograd.set_tracer(trace)
    _exporting = True
    try:
        with no_grad():
            outputs = _tensors(model(*args))
    finally:
        autograd.set_tracer(None)
        _exporting = False
        for handle in handles:
            handle.remove()
    return trace, outputs


def _as_args(args):
    """export's args as a tuple of the forward's positional arguments."""
    if isinstance(args, Tensor):
        return (args,)
    if isinstance(args, tuple):
        return args
    if isinstance(args, list):
        return tuple(args)
    raise ExportError(f"ember.onnx.export: args must be a tensor or a tuple of the forward's arguments, got "
                      f"{type(args).__name__}")


def _names(given, count, prefix, what):
    if given is None:
        return [f"{prefix}{i}" if count > 1 else prefix for i in range(count)]
    given = list(given)
    if len(given) != count or not all(isinstance(n, str) for n in given) or len(set(given)) != count:
        raise ExportError(f"ember.onnx.export: {what} must be {count} distinct strings (one per {what[:-6]}), "
                          f"got {given!r}")
    return given


def _dynamic(dynamic_axes, names, shapes):
    """{value name: {axis: symbolic name}} from PyTorch's dynamic_axes ({name: {axis: label} or [axes]})."""
    dynamic_axes = dynamic_axes or {}
    if not isinstance(dynamic_axes, dict):
        raise ExportError(f"ember.onnx.export: dynamic_axes must be a dict, got {type(dynamic_axes).__name__}")
    result = {}
    for name, axes in dynamic_axes.items():
        if name not in shapes:
            raise ExportError(f"ember.onnx.export: dynamic_axes names {name!r}, which is neither an input nor an "
                              f"output name ({', '.join(names)})")
        axes = axes if isinstance(axes, dict) else {axis: f"{name}_dynamic_axes_{i + 1}" for i, axis in enumerate(axes)}
        ndim = len(shapes[name])
        for axis in axes:
            if not isinstance(axis, int) or not -ndim <= axis < ndim:
                raise ExportError(f"ember.onnx.export: dynamic_axes[{name!r}] has axis {axis!r}, but {name} has "
                                  f"{ndim} dimensions")
        result[name] = {axis % ndim: str(label) for axis, label in axes.items()}
    return result


def export(model, args=(), f=None, *, input_names=None, output_names=None, dynamic_axes=None, opset_version=17,
           **unsupported):
    """Write model (an nn.Module, run once on args in eval mode as it is) to f (a path or a binary file) as
    an ONNX model, checked by onnx.checker. input_names and output_names name the graph's inputs (the
    tensors in args) and outputs; dynamic_axes, {name: {axis: "label"}} or {name: [axes]}, lets those
    axes vary (a batch, a sequence length). Returns None, as torch.onnx.export."""
    onnx = _onnx()
    if unsupported:
        raise ExportError(f"ember.onnx.export: ember does not support the option(s) {', '.join(sorted(unsupported))}")
    if not isinstance(model, Module):
        raise ExportError(f"ember.onnx.export: expected an nn.Module, got {type(model).__name__}")
    if opset_version not in OPSETS:
        raise ExportError(f"ember.onnx.export: opset_version must be in {OPSETS.start}..{OPSETS.stop - 1}, got "
                          f"{opset_version!r}")
    if f is None:
        raise ExportError("ember.onnx.export: f, the file to write, is missing")
    args = _as_args(args)
    inputs = [a for a in args if isinstance(a, Tensor)]
    recorded, outputs = trace(model, args, WHOLE_LAYERS)
    input_names = _names(input_names, len(inputs), "input", "input_names")
    output_names = _names(output_names, len(outputs), "output", "output_names")
    shapes = dict(zip(input_names + output_names, [t.shape for t in inputs + list(outputs)]))
    graph = Graph(onnx, opset_version, dict(model.state_dict(keep_vars=True)), _dynamic(dynamic_axes,
                  input_names + output_names, shapes))
    for name, tensor in zip(input_names, inputs):
        graph.add_input(name, tensor)
    for kind, what, node_inputs, attrs, node_outputs, where in recorded.records:
        graph.convert(kind, what, node_inputs, attrs, node_outputs, where)
    for name, tensor in zip(output_names, outputs):
        graph.add_output(name, tensor)
    proto = graph.model(type(model).__name__)
    onnx.checker.check_model(proto, full_check=True)
    data = proto.SerializeToString()
    if hasattr(f, "write"):
        f.write(data)
        return None
    with atomic_write(f) as file:
        file.write(data)
    return None


def _onnx():
    try:
        import onnx
    except ImportError:
        raise ImportError("ember.onnx.export needs the onnx package: pip install 'ember[onnx]'") from None
    return onnx

