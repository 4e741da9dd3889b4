"""Parameter: a tensor that a Module learns."""

from ..tensor import Tensor


class Parameter(Tensor):
    """A learnable weight: a tensor that requires grad and that Module.parameters() finds."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data.array if isinstance(data, Tensor) else data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
