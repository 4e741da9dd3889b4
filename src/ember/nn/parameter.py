"""Parameter: a tensor that a Module learns; Buffer: a tensor that a Module keeps but does not learn."""

from ..creation import empty
from ..tensor import Tensor


class Parameter(Tensor):
    """A learnable weight: a tensor that requires grad and that Module.parameters() finds."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data.array if isinstance(data, Tensor) else data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """State that a module keeps but does not learn (BatchNorm's running mean): assigned as a Module
    attribute, it is registered as a buffer (`self.count = nn.Buffer(ember.zeros(()))`), moved by to()
    and saved in state_dict unless persistent=False. It shares data's memory; data=None is empty."""

    __slots__ = ("persistent",)

    def __init__(self, data=None, *, persistent=True):
        data = empty(0) if data is None else data
        super().__init__(data.array, requires_grad=data.requires_grad)
        self.persistent = persistent
