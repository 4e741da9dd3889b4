"""A model's parameters as one long vector and back: what second-order methods, or averaging and
comparing whole models, work on."""

from ...ops.shape import cat
from ...tensor import Tensor


def parameters_to_vector(parameters):
    """Every parameter flattened and joined, in order, into one vector (gradients flow back to them)."""
    parameters = list(parameters)
    if len({p.device for p in parameters}) > 1:
        raise TypeError("parameters_to_vector: the parameters are on different devices "
                        f"({', '.join(sorted({str(p.device) for p in parameters}))}); put them on one first")
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """The other way: each parameter takes its numbers from the next slice of vec (a view of vec's memory,
    outside the graph, as PyTorch's `param.data = ...`)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vec).__name__}")
    parameters = list(parameters)
    needed = sum(p.numel() for p in parameters)
    if vec.ndim != 1 or vec.numel() != needed:
        raise RuntimeError(f"vector_to_parameters: the vector has shape {vec.shape}, the parameters need ({needed},)")
    start = 0
    for param in parameters:
        param.data = vec[start:start + param.numel()].view_as(param).data
        start += param.numel()
