"""ember.train: the training loop (fit), its callbacks, and tools to see overfitting happen."""

from .callbacks import Callback, EarlyStopping, ModelCheckpoint, ProgressBar, SchedulerStep
from .diagnostics import Diagnosis, diagnose
from .history import History
from .loop import DivergenceError, evaluate, fit
from .state import FitState
from .plots import plot_history

__all__ = ["Callback", "Diagnosis", "DivergenceError", "EarlyStopping", "FitState", "History", "ModelCheckpoint",
           "ProgressBar", "SchedulerStep", "diagnose", "evaluate", "fit", "plot_history"]
