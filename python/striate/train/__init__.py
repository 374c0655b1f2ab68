"""striate.train: the Trainer (fit/evaluate/predict with metrics, a progress bar, callbacks and
exact-resume checkpoints), training plots, fine-tuning, random hyper-parameter search and the
auxiliary-output loss of multi-output models, ProfileSteps (`striate train --profile N`), the LR
range test (lr_find) and TensorBoardLogger (both from striate.diagnostics)."""

from . import plots
from .callbacks import CSVLogger, EMA, Callback, EarlyStopping, LRMonitor, ModelCheckpoint
from .finetune import classifier_head, finetune
from .losses import AuxiliaryLoss
from .metrics import Accuracy, ConfusionMatrix, Metric, TopK
from .profiling import ProfileSteps
from .search import Choice, IntUniform, LogUniform, Uniform, format_results, random_search
from .trainer import Trainer
from ..diagnostics.lr_find import LRFinderResult, lr_find
from ..diagnostics.tensorboard import TensorBoardLogger

__all__ = [
    "Trainer", "Callback", "EarlyStopping", "ModelCheckpoint", "LRMonitor", "CSVLogger", "EMA",
    "Metric", "Accuracy", "TopK", "ConfusionMatrix", "plots", "finetune", "classifier_head",
    "random_search", "format_results", "LogUniform", "Uniform", "IntUniform", "Choice",
    "AuxiliaryLoss", "ProfileSteps", "lr_find", "LRFinderResult", "TensorBoardLogger",
]
