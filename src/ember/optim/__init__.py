"""ember.optim: gradient descent and its refinements, and learning-rate schedules (ember.optim.lr_scheduler)."""

from . import lr_scheduler  # noqa: F401
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]


def __getattr__(name):
    from .. import omissions
    raise omissions.missing("torch.optim", name)
