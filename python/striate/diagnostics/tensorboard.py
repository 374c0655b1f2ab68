"""TensorBoardLogger: a Trainer callback writing a run's scalars and the histograms of its weights
and gradients as TensorBoard event files, through the maintained tensorboardX writer (the
optional ``tensorboard`` extra: ``pip install 'striate[tensorboard]'``).

    trainer = Trainer(model, optimizer, loss, callbacks=[TensorBoardLogger("runs/a/tensorboard")])
    # then: tensorboard --logdir runs/a/tensorboard
"""

import math
import numbers
import os

import numpy as np

from ..train.callbacks import Callback
from .health import host_numpy

__all__ = ["TensorBoardLogger"]


def _summary_writer():
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise ImportError("TensorBoardLogger needs tensorboardX: "
                          "pip install 'striate[tensorboard]' (or pip install tensorboardX)") \
            from None
    return SummaryWriter


class TensorBoardLogger(Callback):
    """Writes the training run to TensorBoard event files in ``log_dir``.

    Scalars: ``batch/loss`` and ``batch/lr`` every ``log_every_n_steps`` optimizer steps, and at
    every epoch's end each number of the history entry (``epoch/train_loss``,
    ``epoch/val_accuracy``, ``epoch/lr``, ...) at the epoch's number. Histograms, every
    ``histogram_every`` epochs (0: never): each parameter's values (``weights/<path>``) and its
    gradient of the last step (``grads/<path>``). With a :class:`LayerHealth` callback on the same
    trainer, each of its records becomes scalars ``health/<layer>/<figure>`` (``act_mean``,
    ``act_std``, ``dead_fraction``, ``grad_norm``, ``update_ratio``) at the record's step. Only
    the main process writes in distributed training.

    Args:
        log_dir (str): The folder of the event files (created when missing).
        log_every_n_steps (int): Batch scalars every this many steps (0: none). Default: 10.
        histogram_every (int): Histograms every this many epochs (0: none). Default: 1.
        flush_secs (int): How often the writer flushes to disk. Default: 30.

    Raises:
        ImportError: tensorboardX is not installed.
        ValueError: A negative interval.

    Example:
        >>> import os, tempfile
        >>> images, labels = st.randn(32, 4), st.randint(0, 2, (32,))
        >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=8)
        >>> model = nn.Linear(4, 2)
        >>> folder = tempfile.mkdtemp()
        >>> logger = st.train.TensorBoardLogger(folder)
        >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
        ...                            F.cross_entropy, callbacks=[logger], progress="none")
        >>> _ = trainer.fit(loader, epochs=1)
        >>> any(name.startswith("events.out.tfevents") for name in os.listdir(folder))
        True
    """

    def __init__(self, log_dir, log_every_n_steps=10, histogram_every=1, flush_secs=30):
        for name, value in (("log_every_n_steps", log_every_n_steps),
                            ("histogram_every", histogram_every)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"TensorBoardLogger: {name} should be an int >= 0, got {value!r}")
        self._writer_class = _summary_writer()
        self.log_dir = os.fspath(log_dir)
        self.log_every_n_steps = log_every_n_steps
        self.histogram_every = histogram_every
        self.flush_secs = flush_secs
        self.writer = None
        self._health_written = {}  # id(LayerHealth) -> records written

    def _open(self, trainer):
        if self.writer is None and getattr(trainer, "is_main_process", True):
            os.makedirs(self.log_dir, exist_ok=True)
            self.writer = self._writer_class(logdir=self.log_dir, flush_secs=self.flush_secs)
        return self.writer

    def on_fit_begin(self, trainer):
        """Opens the writer (the main process only).

        Example:
            >>> import tempfile
            >>> logger = st.train.TensorBoardLogger(tempfile.mkdtemp())
            >>> model = nn.Linear(4, 2)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> logger.on_fit_begin(trainer)
        """
        self._open(trainer)

    def on_batch_end(self, trainer, batch, logs):
        """Writes the batch's loss and lr every ``log_every_n_steps`` steps.

        Example:
            >>> import tempfile
            >>> logger = st.train.TensorBoardLogger(tempfile.mkdtemp())
            >>> model = nn.Linear(4, 2)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> logger.on_batch_end(trainer, 0, {"loss": 0.5, "lr": 0.1})
        """
        writer = self._open(trainer)
        if writer is None or not self.log_every_n_steps or trainer.step % self.log_every_n_steps:
            return
        for key in ("loss", "lr"):
            value = logs.get(key)
            if _loggable(value):
                writer.add_scalar(f"batch/{key}", float(value), trainer.step)
        self._write_health(trainer, writer)

    def _write_health(self, trainer, writer):
        """The records of the trainer's LayerHealth callbacks not written yet, as scalars."""
        from .health import LayerHealth

        for callback in getattr(trainer, "callbacks", ()):
            if not isinstance(callback, LayerHealth):
                continue
            start = self._health_written.get(id(callback), 0)
            for record in callback.records[start:]:
                for layer, figures in record["layers"].items():
                    for key, value in figures.items():
                        if _loggable(value):
                            writer.add_scalar(f"health/{layer}/{key}", float(value),
                                              record["step"])
            self._health_written[id(callback)] = len(callback.records)

    def on_epoch_end(self, trainer, epoch, logs):
        """Writes the epoch's numbers, and the weight and gradient histograms when due.

        Example:
            >>> import tempfile
            >>> logger = st.train.TensorBoardLogger(tempfile.mkdtemp())
            >>> model = nn.Linear(4, 2)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> logger.on_epoch_end(trainer, 0, {"epoch": 1, "train_loss": 0.5})
        """
        writer = self._open(trainer)
        if writer is None:
            return
        self._write_health(trainer, writer)
        number = logs.get("epoch", epoch + 1)
        for key, value in logs.items():
            if key != "epoch" and isinstance(value, numbers.Real) and not isinstance(value, bool):
                writer.add_scalar(f"epoch/{key}", float(value), number)
        if self.histogram_every and number % self.histogram_every == 0:
            for name, parameter in trainer.module.named_parameters():
                writer.add_histogram(f"weights/{name}", _values(parameter), number)
                if parameter.grad is not None:
                    writer.add_histogram(f"grads/{name}", _values(parameter.grad), number)
        writer.flush()

    def on_fit_end(self, trainer):
        """Flushes and closes the event file.

        Example:
            >>> import tempfile
            >>> logger = st.train.TensorBoardLogger(tempfile.mkdtemp())
            >>> model = nn.Linear(4, 2)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> logger.on_fit_end(trainer)
        """
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _values(tensor):
    """A histogram's input: the tensor's values, flat, in float64."""
    return host_numpy(tensor).astype(np.float64).reshape(-1)


def _loggable(value):
    """Whether a per-step entry is a finite real number (an epoch's numbers are written even
    when not finite: a NaN loss is worth seeing there)."""
    return isinstance(value, numbers.Real) and math.isfinite(value)
