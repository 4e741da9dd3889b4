"""A model's summary, as torchinfo prints one: the layer tree with each layer's output shape, parameters
and multiply-adds, and the memory that a forward and backward pass needs.

    print(ember.summary(model, input_size=(32, 1, 28, 28)))

A row's parameters and multiply-adds include those of the layers inside it. A parameter that two
layers share (a GPT's tied embedding and output weights) is counted once, in the first layer that
holds it. Multiply-adds count one per weight per place it is applied: a Linear layer's weight is used
once per input row, a convolution's once per output position, a recurrent layer's once per step;
products between activations (attention's QKᵀ) and lookups (Embedding) are not counted.
"""

from dataclasses import dataclass

from .. import nn
from ..autograd import no_grad
from ..backend import get_default_dtype
from ..creation import zeros
from ..tensor import Tensor

ROW_WEIGHTS = (nn.Linear, nn.Bilinear)            # a weight used once per row of the output
CONVOLUTIONS = (nn.Conv1d, nn.Conv2d)              # a weight used once per output position
TRANSPOSED_CONVOLUTIONS = (nn.ConvTranspose2d,)    # ... once per input position
RECURRENT = (nn.RNNBase, nn.RNNCellBase)           # ... once per step of each sequence
MB = 1e6


@dataclass
class LayerRow:
    """One row of the summary: a layer, its place in the tree and what it holds and computes."""

    name: str               # dotted name in the model ("" for the model itself)
    type: str               # the layer's class name
    depth: int              # 0 for the model, 1 for its children, ...
    output_shape: tuple     # the shape of its (first) output tensor; None if it never ran
    params: int             # parameters in it and its sublayers
    trainable_params: int   # those of them that require a gradient
    mult_adds: int          # multiply-adds of one forward pass, it and its sublayers


class ModelSummary:
    """What summary() found: rows (LayerRow, depth first), the totals of parameters and multiply-adds,
    and memory in bytes: input_bytes, forward_backward_bytes (every layer's output, kept for the
    backward pass, and its gradient), params_bytes, buffers_bytes, total_bytes. str() is the table."""

    def __init__(self, rows, input_bytes, forward_backward_bytes, params_bytes, buffers_bytes, depth):
        self.rows, self.depth = rows, depth
        self.total_params, self.trainable_params = rows[0].params, rows[0].trainable_params
        self.non_trainable_params = self.total_params - self.trainable_params
        self.total_mult_adds = rows[0].mult_adds
        self.input_bytes, self.forward_backward_bytes = input_bytes, forward_backward_bytes
        self.params_bytes, self.buffers_bytes = params_bytes, buffers_bytes
        self.total_bytes = input_bytes + forward_backward_bytes + params_bytes + buffers_bytes

    def __str__(self):
        shown = [row for row in self.rows if row.depth <= self.depth]
        labels = [_label(row) for row in shown]
        width = max(len("Layer (type)"), *map(len, labels)) + 2
        header = f"{'Layer (type)':<{width}}{'Output shape':<22}{'Param #':>12}{'Mult-adds':>16}"
        rule = "=" * len(header)
        lines = [rule, header, rule]
        for label, row in zip(labels, shown):
            shape = "--" if row.output_shape is None else str(list(row.output_shape))
            lines.append(f"{label:<{width}}{shape:<22}{row.params:>12,}{row.mult_adds:>16,}")
        lines += [rule, f"Total params: {self.total_params:,}", f"Trainable params: {self.trainable_params:,}",
                  f"Non-trainable params: {self.non_trainable_params:,}",
                  f"Total mult-adds (M): {self.total_mult_adds / 1e6:.2f}", rule,
                  f"Input size (MB): {self.input_bytes / MB:.2f}",
                  f"Forward/backward pass size (MB): {self.forward_backward_bytes / MB:.2f}",
                  f"Params size (MB): {self.params_bytes / MB:.2f}",
                  f"Buffers size (MB): {self.buffers_bytes / MB:.2f}",
                  f"Estimated total size (MB): {self.total_bytes / MB:.2f}", rule]
        return "\n".join(lines)

    __repr__ = __str__


def _label(row):
    """The tree drawn in front of a row: '├─0 (Conv2d)', indented by depth."""
    if row.depth == 0:
        return row.type
    return "│ " * (row.depth - 1) + f"├─{row.name.rsplit('.', 1)[-1]} ({row.type})"


def summary(model, input_size=None, input_data=None, dtypes=None, device=None, depth=3, verbose=1):
    """Run model once on a batch, in eval mode and without a graph, and return (and with verbose=1
    print) its ModelSummary.

    input_size: the shape of one input batch, batch dimension first, e.g. (16, 1, 28, 28), or a list of
    shapes for a model of several inputs; they are filled with zeros of dtypes (one per input; default
    the default dtype; give ember.long for token ids) on device (default: the model's). input_data: the
    input tensor (or a list of them) instead. depth: how many levels of the tree the table shows.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"summary: expected an ember.nn.Module, got {type(model).__name__}")
    if not isinstance(depth, int) or depth < 0:
        raise ValueError(f"summary: depth must be a non-negative int, got {depth!r}")
    if verbose not in (0, 1):
        raise ValueError(f"summary: verbose is 0 (quiet) or 1 (print the table), got {verbose!r}")
    inputs = _inputs(model, input_size, input_data, dtypes, device)
    result = _summarize(model, inputs, _calls(model, inputs), depth)
    if verbose:
        print(result)
    return result


def _inputs(model, input_size, input_data, dtypes, device):
    """The tensors to run the model on, from input_size (zeros) or input_data."""
    if (input_size is None) == (input_data is None):
        raise ValueError("summary: give either input_size (the shape of a batch, e.g. (16, 1, 28, 28)) or "
                         "input_data (a tensor), " + ("not both" if input_size is not None else "got neither"))
    if input_data is not None:
        inputs = list(input_data) if isinstance(input_data, (list, tuple)) else [input_data]
        if not all(isinstance(x, Tensor) for x in inputs):
            raise TypeError(f"summary: input_data must be a Tensor or a list of Tensors, got "
                            f"{type(input_data).__name__}")
        return inputs
    shapes = [input_size] if all(isinstance(n, int) for n in input_size) else list(input_size)
    for shape in shapes:
        if not isinstance(shape, (list, tuple)) or not all(isinstance(n, int) and n > 0 for n in shape):
            raise ValueError(f"summary: input_size must be a shape of positive ints, batch first, such as "
                             f"(16, 1, 28, 28), or a list of shapes; got {input_size!r}")
    dtypes = [get_default_dtype()] * len(shapes) if dtypes is None else list(dtypes)
    if len(dtypes) != len(shapes):
        raise ValueError(f"summary: {len(dtypes)} dtypes for {len(shapes)} inputs")
    if device is None:
        device = next((p.device for p in model.parameters()), None)
    return [zeros(*shape, dtype=dtype, device=device) for shape, dtype in zip(shapes, dtypes)]


def _calls(model, inputs):
    """Run the model on inputs: {id(layer): [(its inputs, its output) at each call]} for every layer."""
    calls = {}

    def record(module, args, output):
        calls.setdefault(id(module), []).append((args, output))

    hooks = [module.register_forward_hook(record) for _, module in model.named_modules()]
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            model(*inputs)
    except Exception as problem:
        shapes = ", ".join(str(tuple(x.shape)) for x in inputs)
        raise RuntimeError(f"summary: {type(model).__name__} failed on inputs of shape {shapes}: "
                           f"{problem}") from problem
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    return calls


def _summarize(model, inputs, calls, depth):
    parameters = list(model.named_parameters())      # each shared parameter once, under its first name
    rows, activations = [], 0
    for name, module in model.named_modules():
        held = _held_by(name, parameters)
        made = [out for _, out in calls.get(id(module), [])]
        if not list(module.children()):
            activations += sum(_first_tensor(out).array.nbytes for out in made if _first_tensor(out) is not None)
        rows.append(LayerRow(name=name, type=type(module).__name__, depth=name.count(".") + 1 if name else 0,
                             output_shape=_shape(made[-1]) if made else None, params=sum(p.numel() for p in held),
                             trainable_params=sum(p.numel() for p in held if p.requires_grad),
                             mult_adds=sum(_mult_adds(m, calls.get(id(m), [])) for m in module.modules())))
    return ModelSummary(rows, input_bytes=sum(x.array.nbytes for x in inputs), forward_backward_bytes=2 * activations,
                        params_bytes=sum(p.array.nbytes for _, p in parameters),
                        buffers_bytes=sum(b.array.nbytes for _, b in model.named_buffers()), depth=depth)


def _held_by(name, parameters):
    """The parameters whose dotted names put them in the module called name (all of them for the model)."""
    prefix = name + "." if name else ""
    return [p for path, p in parameters if path.startswith(prefix)]


def _first_tensor(output):
    """The first Tensor in a layer's output (a Tensor, or tuples of them as an LSTM returns); None if none."""
    if isinstance(output, Tensor):
        return output
    if isinstance(output, (tuple, list)):  # a PackedSequence is a tuple too, its data first
        return next((t for t in map(_first_tensor, output) if t is not None), None)
    return None


def _shape(output):
    first = _first_tensor(output)
    return None if first is None else tuple(first.shape)


def _mult_adds(module, calls):
    """The multiply-adds of module's own weights over its calls: each weight element times the number of
    places it is applied (see the module docstring)."""
    weights = sum(p.numel() for p in module.parameters(recurse=False) if p.ndim >= 2)
    return weights * sum(_uses(module, args, output) for args, output in calls) if weights else 0


def _uses(module, args, output):
    """How many times one call applies each weight of module: once per row, position or step."""
    if isinstance(module, ROW_WEIGHTS):
        return _first_tensor(output).numel() // module.out_features
    if isinstance(module, CONVOLUTIONS):
        return _first_tensor(output).numel() // module.out_channels
    if isinstance(module, TRANSPOSED_CONVOLUTIONS):
        return _first_tensor(args).numel() // module.in_channels
    if isinstance(module, RECURRENT):
        return _first_tensor(args).numel() // module.input_size
    return 0
