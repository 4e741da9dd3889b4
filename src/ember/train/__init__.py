"""ember.train: the training loop (fit), its callbacks, and tools to see overfitting happen,
a model's summary and the learning-rate range test."""

from .callbacks import Callback, EarlyStopping, ModelCheckpoint, ProgressBar, SchedulerStep
from .diagnostics import Diagnosis, diagnose
from .history import History
from .loop import DivergenceError, evaluate, fit
from .lr_finder import LRFinderResult, lr_finder
from .plots import plot_history
from .state import FitState
from .summary import ModelSummary, summary

__all__ = ["Callback", "Diagnosis", "DivergenceError", "EarlyStopping", "FitState", "History", "LRFinderResult",
           "ModelCheckpoint", "ModelSummary", "ProgressBar", "SchedulerStep", "diagnose", "evaluate", "fit",
           "lr_finder", "plot_history", "summary"]
