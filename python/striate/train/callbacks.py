"""Trainer callbacks: hooks called at the start/end of fit, epochs, batches and validation.
A callback with state (the best score so far, EMA weights) also implements state_dict() and
load_state_dict() so that a checkpoint resumes it exactly.

    trainer = Trainer(model, optimizer, loss,
                      callbacks=[EarlyStopping("val_loss", patience=3), ModelCheckpoint("runs/a"),
                                 CSVLogger("runs/a/history.csv")])
"""

import csv
import io
import math
import os

from .. import no_grad
from ..serialization import atomic_write

__all__ = ["Callback", "EarlyStopping", "ModelCheckpoint", "LRMonitor", "CSVLogger", "EMA"]


class Callback:
    """Base class of the Trainer's callbacks: override the hooks you need (each does nothing here).

    The Trainer calls, in order: ``on_fit_begin``; per epoch ``on_epoch_begin``, ``on_batch_end``
    after every optimizer step, ``on_validation_begin`` / ``on_validation_end`` around the
    validation pass, ``on_epoch_end``; and ``on_fit_end``. A callback with state implements
    ``state_dict`` / ``load_state_dict`` so that a checkpoint resumes it exactly.

    Example:
        >>> from striate.train import Callback
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, trainer, epoch, logs):
        ...         print(epoch, round(logs["train_loss"], 1) >= 0)
        >>> PrintLoss().state_dict()
        {}
    """
    def on_fit_begin(self, trainer):
        """Called once when ``fit`` starts.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class Hello(st.train.Callback):
            ...     def on_fit_begin(self, trainer):
            ...         print("fit begins at epoch", trainer.epoch)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[Hello()])
            >>> _ = trainer.fit(loader, epochs=1)
            fit begins at epoch 0
        """
        pass

    def on_epoch_begin(self, trainer, epoch):
        """Called at the start of every epoch.

        Args:
            trainer (Trainer): The running trainer.
            epoch (int): The epoch's index (from 0).

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class Announce(st.train.Callback):
            ...     def on_epoch_begin(self, trainer, epoch):
            ...         print("epoch", epoch)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[Announce()])
            >>> _ = trainer.fit(loader, epochs=2)
            epoch 0
            epoch 1
        """
        pass

    def on_batch_end(self, trainer, batch, logs):
        """After the optimizer step; logs holds the batch's "loss" and "lr".

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class CountSteps(st.train.Callback):
            ...     def __init__(self):
            ...         self.losses = []
            ...     def on_batch_end(self, trainer, batch, logs):
            ...         self.losses.append(logs["loss"])
            >>> counter = CountSteps()
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[counter])
            >>> _ = trainer.fit(loader, epochs=2)
            >>> len(counter.losses), trainer.step
            (4, 4)
        """

    def on_validation_begin(self, trainer):
        """Called before the validation pass of an epoch.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class Mode(st.train.Callback):
            ...     def on_validation_begin(self, trainer):
            ...         print("validation begins")
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[Mode()])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=1)
            validation begins
        """
        pass

    def on_validation_end(self, trainer):
        """Called after the validation pass of an epoch.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class Done(st.train.Callback):
            ...     def on_validation_end(self, trainer):
            ...         print("validation done")
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[Done()])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=2)
            validation done
            validation done
        """
        pass

    def on_epoch_end(self, trainer, epoch, logs):
        """logs is the epoch's history entry (train_loss, val_accuracy, lr, ...).

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class StopAtOne(st.train.Callback):
            ...     def on_epoch_end(self, trainer, epoch, logs):
            ...         print(epoch, sorted(k for k in logs if k.startswith("val")))
            ...         trainer.stop_training = epoch >= 1
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[StopAtOne()])
            >>> history = trainer.fit(loader, val_loader=loader, epochs=5)
            0 ['val_accuracy', 'val_loss']
            1 ['val_accuracy', 'val_loss']
            >>> len(history)
            2
        """

    def on_fit_end(self, trainer):
        """Called once when ``fit`` ends (also after early stopping).

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class Summary(st.train.Callback):
            ...     def on_fit_end(self, trainer):
            ...         print("trained", trainer.epoch, "epochs,", trainer.step, "steps")
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[Summary()])
            >>> _ = trainer.fit(loader, epochs=3)
            trained 3 epochs, 6 steps
        """
        pass

    def state_dict(self):
        """The callback's state, saved in the trainer's checkpoints (here: an empty dict).

        Returns:
            dict: Picklable state.

        Example:
            >>> class Counter(st.train.Callback):
            ...     def __init__(self):
            ...         self.batches = 0
            ...     def on_batch_end(self, trainer, batch, logs):
            ...         self.batches += 1
            ...     def state_dict(self):
            ...         return {"batches": self.batches}
            ...     def load_state_dict(self, state):
            ...         self.batches = state["batches"]
            >>> st.train.Callback().state_dict()
            {}
            >>> counter = Counter()
            >>> counter.batches = 7
            >>> counter.state_dict()
            {'batches': 7}
        """
        return {}

    def load_state_dict(self, state):
        """Restores the state from :meth:`state_dict` when a checkpoint is loaded.

        Args:
            state (dict): A dict from :meth:`state_dict`.

        Example:
            >>> class Counter(st.train.Callback):
            ...     def __init__(self):
            ...         self.batches = 0
            ...     def state_dict(self):
            ...         return {"batches": self.batches}
            ...     def load_state_dict(self, state):
            ...         self.batches = state["batches"]
            >>> resumed = Counter()
            >>> resumed.load_state_dict({"batches": 12})
            >>> resumed.batches
            12
        """
        pass


class _Monitor:
    """Tracks the best value of one logged quantity; mode "min", "max" or "auto" (max for
    accuracies, min otherwise)."""

    def __init__(self, owner, monitor, mode, min_delta=0.0):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{owner}: mode should be 'auto', 'min' or 'max', got {mode!r}")
        if mode == "auto":
            mode = "max" if ("acc" in monitor or monitor.startswith(("top", "val_top"))) else "min"
        self.owner = owner
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(float(min_delta))
        self.best = math.inf if mode == "min" else -math.inf

    def value(self, logs):
        if self.monitor not in logs:
            available = ", ".join(sorted(key for key, value in logs.items()
                                         if isinstance(value, (int, float))))
            raise ValueError(f"{self.owner}: monitor {self.monitor!r} is not in the epoch's logs "
                             f"(available: {available})")
        return float(logs[self.monitor])

    def improved(self, value):
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


def _clone_state(module):
    return {name: tensor.detach().clone() for name, tensor in module.state_dict().items()}


class EarlyStopping(Callback):
    """Stops training when `monitor` has not improved by more than min_delta for `patience`
    epochs; restore_best puts back the weights of the best epoch when training ends.

    Args:
        monitor (str): The history key to watch. Default: ``'val_loss'``.
        patience (int): Epochs without improvement before stopping. Default: 5.
        mode (str): ``'min'``, ``'max'`` or ``'auto'`` (max for accuracies). Default: ``'auto'``.
        min_delta (float): The least change that counts as improvement. Default: 0.0.
        restore_best (bool): Put back the best epoch's weights at the end. Default: True.

    Raises:
        ValueError: A negative patience or a bad mode.

    Example:
        >>> data = st.data.TensorDataset(st.randn(32, 4), st.randint(0, 2, (32,)))
        >>> loader = st.data.DataLoader(data, batch_size=16)
        >>> model = nn.Linear(4, 2)
        >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
        >>> stop = st.train.EarlyStopping("val_loss", patience=1)
        >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
        ...                            callbacks=[stop])
        >>> history = trainer.fit(loader, val_loader=loader, epochs=3)
        >>> stop.best_epoch is not None
        True
    """

    def __init__(self, monitor="val_loss", patience=5, mode="auto", min_delta=0.0,
                 restore_best=True):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience should be a non-negative int, "
                             f"got {patience!r}")
        self._monitor = _Monitor("EarlyStopping", monitor, mode, min_delta)
        self.patience = patience
        self.restore_best = restore_best
        self.wait = 0
        self.best_epoch = None
        self.stopped_epoch = None
        self._best_state = None

    @property
    def best(self):
        """The best value of the monitored quantity so far (inf / -inf before the first epoch)."""
        return self._monitor.best

    def on_epoch_end(self, trainer, epoch, logs):
        """Records the monitored value; stops the trainer after ``patience`` epochs without gain.

        Args:
            trainer (Trainer): The running trainer.
            epoch (int): The epoch's index.
            logs (dict): The epoch's history entry.

        Raises:
            ValueError: ``monitor`` is not in the logs.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> stop = st.train.EarlyStopping("val_loss", patience=2)
            >>> for epoch, loss in enumerate([0.9, 0.7, 0.8, 0.75]):
            ...     stop.on_epoch_end(trainer, epoch, {"val_loss": loss})
            >>> stop.best, stop.best_epoch, stop.wait, trainer.stop_training
            (0.7, 1, 2, True)
        """
        value = self._monitor.value(logs)
        if self._monitor.improved(value):
            self._monitor.best = value
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best:
                self._best_state = _clone_state(trainer.model)
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            trainer.stop_training = True

    def on_fit_end(self, trainer):
        """Puts back the best epoch's weights (``restore_best``).

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> stop = st.train.EarlyStopping("val_loss", patience=1, restore_best=True)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[stop])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=3)
            >>> best = trainer.history[stop.best_epoch]["val_loss"]
            >>> abs(trainer.evaluate(loader)["loss"] - best) < 1e-5
            True
        """
        if self.restore_best and self._best_state is not None:
            trainer.model.load_state_dict(self._best_state)

    def state_dict(self):
        """The best value, the epochs waited, the best epoch and its weights.

        Returns:
            dict: The state.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> stop = st.train.EarlyStopping("val_accuracy", patience=3)
            >>> stop.on_epoch_end(trainer, 0, {"val_accuracy": 0.5})
            >>> state = stop.state_dict()
            >>> state["best"], state["wait"], state["best_epoch"], sorted(state["best_state"])
            (0.5, 0, 0, ['bias', 'weight'])
        """
        return {"best": self._monitor.best, "wait": self.wait, "best_epoch": self.best_epoch,
                "stopped_epoch": self.stopped_epoch, "best_state": self._best_state}

    def load_state_dict(self, state):
        """Restores :meth:`state_dict`'s state.

        Args:
            state (dict): A dict from :meth:`state_dict`.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> stop = st.train.EarlyStopping("val_loss", patience=3)
            >>> stop.on_epoch_end(trainer, 0, {"val_loss": 0.4})
            >>> resumed = st.train.EarlyStopping("val_loss", patience=3)
            >>> resumed.load_state_dict(stop.state_dict())
            >>> resumed.best, resumed.best_epoch
            (0.4, 0)
        """
        self._monitor.best = state["best"]
        self.wait = state["wait"]
        self.best_epoch = state["best_epoch"]
        self.stopped_epoch = state["stopped_epoch"]
        self._best_state = state["best_state"]


class ModelCheckpoint(Callback):
    """Writes the full trainer checkpoint (model, optimizer, scheduler, RNG states, epoch, step,
    history) to DIR/last.pt every `every` epochs, and to DIR/best.pt whenever `monitor` improves
    (keep_best). Writes are atomic: an interrupted run never leaves a torn file.

    Args:
        directory (str or PathLike): Where ``last.pt`` and ``best.pt`` go.
        every (int): Epochs between writes of ``last.pt``. Default: 1.
        keep_best (bool): Also write ``best.pt``. Default: True.
        monitor (str): The history key that decides the best. Default: ``'val_loss'``.
        mode (str): ``'min'``, ``'max'`` or ``'auto'``. Default: ``'auto'``.

    Raises:
        ValueError: ``every`` is not a positive int.

    Example:
        >>> data = st.data.TensorDataset(st.randn(32, 4), st.randint(0, 2, (32,)))
        >>> loader = st.data.DataLoader(data, batch_size=16)
        >>> model = nn.Linear(4, 2)
        >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
        ...                            callbacks=[st.train.ModelCheckpoint(folder)])
        >>> _ = trainer.fit(loader, val_loader=loader, epochs=1)
        >>> sorted(os.listdir(folder))
        ['best.pt', 'last.pt']
    """

    def __init__(self, directory, every=1, keep_best=True, monitor="val_loss", mode="auto"):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"ModelCheckpoint: every should be a positive int, got {every!r}")
        self.directory = os.fspath(directory)
        self.every = every
        self.keep_best = keep_best
        self._monitor = _Monitor("ModelCheckpoint", monitor, mode)
        self.last_path = os.path.join(self.directory, "last.pt")
        self.best_path = os.path.join(self.directory, "best.pt")

    def on_epoch_end(self, trainer, epoch, logs):
        """Writes ``best.pt`` when the monitored value improved, ``last.pt`` every ``every`` epochs.

        Args:
            trainer (Trainer): The running trainer.
            epoch (int): The epoch's index.
            logs (dict): The epoch's history entry.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> import os, tempfile
            >>> folder = tempfile.mkdtemp()
            >>> checkpoint = st.train.ModelCheckpoint(folder, every=2)
            >>> checkpoint.on_epoch_end(trainer, 0, {"val_loss": 0.5})
            >>> sorted(os.listdir(folder))
            ['best.pt']
            >>> checkpoint.on_epoch_end(trainer, 1, {"val_loss": 0.6})
            >>> sorted(os.listdir(folder))
            ['best.pt', 'last.pt']
        """
        if self.keep_best and self._monitor.monitor in logs:
            value = self._monitor.value(logs)
            if self._monitor.improved(value):
                self._monitor.best = value
                trainer.save_checkpoint(self.best_path)
        if (epoch + 1) % self.every == 0:
            trainer.save_checkpoint(self.last_path)

    def state_dict(self):
        """The best monitored value so far.

        Returns:
            dict: The state.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> import tempfile
            >>> checkpoint = st.train.ModelCheckpoint(tempfile.mkdtemp(), monitor="val_accuracy")
            >>> checkpoint.state_dict()
            {'best': -inf}
            >>> checkpoint.on_epoch_end(trainer, 0, {"val_accuracy": 0.75})
            >>> checkpoint.state_dict()
            {'best': 0.75}
        """
        return {"best": self._monitor.best}

    def load_state_dict(self, state):
        """Restores the best monitored value.

        Args:
            state (dict): A dict from :meth:`state_dict`.

        Example:
            >>> import tempfile
            >>> checkpoint = st.train.ModelCheckpoint(tempfile.mkdtemp())
            >>> checkpoint.load_state_dict({"best": 0.25})
            >>> checkpoint.state_dict()
            {'best': 0.25}
        """
        self._monitor.best = state["best"]


class LRMonitor(Callback):
    """Records the learning rate of every parameter group after each optimizer step
    (`lrs`: one list per group), for plots of warm-up and restarts.

    Example:
        >>> data = st.data.TensorDataset(st.randn(32, 4), st.randint(0, 2, (32,)))
        >>> loader = st.data.DataLoader(data, batch_size=16)
        >>> model = nn.Linear(4, 2)
        >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
        >>> monitor = st.train.LRMonitor()
        >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
        ...                            callbacks=[monitor])
        >>> _ = trainer.fit(loader, epochs=1)
        >>> monitor.lrs
        [[0.1], [0.1]]
    """

    def __init__(self):
        self.lrs = []
        self.steps = []

    def on_batch_end(self, trainer, batch, logs):
        """Appends the step and every group's lr.

        Args:
            trainer (Trainer): The running trainer.
            batch (int): The batch's index in the epoch.
            logs (dict): The batch's loss and lr.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> sched = st.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
            >>> monitor = st.train.LRMonitor()
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, scheduler=sched,
            ...                            progress="none", callbacks=[monitor])
            >>> _ = trainer.fit(loader, epochs=2)
            >>> monitor.steps, monitor.lrs
            ([1, 2, 3, 4], [[0.1], [0.1], [0.05], [0.05]])
        """
        self.steps.append(trainer.step)
        self.lrs.append([group["lr"] for group in trainer.optimizer.param_groups])

    def state_dict(self):
        """The recorded steps and lrs.

        Returns:
            dict: The state.

        Example:
            >>> monitor = st.train.LRMonitor()
            >>> monitor.steps, monitor.lrs = [1, 2], [[0.1], [0.05]]
            >>> monitor.state_dict()
            {'lrs': [[0.1], [0.05]], 'steps': [1, 2]}
        """
        return {"lrs": list(self.lrs), "steps": list(self.steps)}

    def load_state_dict(self, state):
        """Restores the recorded steps and lrs.

        Args:
            state (dict): A dict from :meth:`state_dict`.

        Example:
            >>> monitor = st.train.LRMonitor()
            >>> monitor.load_state_dict({"lrs": [[0.1]], "steps": [1]})
            >>> monitor.lrs, monitor.steps
            ([[0.1]], [1])
        """
        self.lrs = list(state["lrs"])
        self.steps = list(state["steps"])


class CSVLogger(Callback):
    """Rewrites `path` (atomically) with the whole history after every epoch: one row per
    epoch, one column per scalar (epoch, train_loss, train_accuracy, val_loss, ..., lr, time).

    Args:
        path (str or PathLike): The CSV file.

    Example:
        >>> data = st.data.TensorDataset(st.randn(32, 4), st.randint(0, 2, (32,)))
        >>> loader = st.data.DataLoader(data, batch_size=16)
        >>> model = nn.Linear(4, 2)
        >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "history.csv")
        >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
        ...                            callbacks=[st.train.CSVLogger(path)])
        >>> _ = trainer.fit(loader, epochs=2)
        >>> len(open(path).read().splitlines())
        3
    """

    def __init__(self, path):
        self.path = os.fspath(path)

    def on_epoch_end(self, trainer, epoch, logs):
        """Rewrites the CSV file with the whole history (rank 0 only when distributed).

        Args:
            trainer (Trainer): The running trainer.
            epoch (int): The epoch's index.
            logs (dict): The epoch's history entry.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> import csv, os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "history.csv")
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[st.train.CSVLogger(path)])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=2)
            >>> rows = list(csv.DictReader(open(path)))
            >>> len(rows), rows[-1]["epoch"], "val_loss" in rows[0]
            (2, '2', True)
        """
        if getattr(trainer, "is_main_process", True):  # distributed: rank 0 writes
            write_history_csv(trainer.history, self.path)


def write_history_csv(history, path):
    """Writes a trainer history as CSV, atomically: one row per epoch, one column per scalar.

    Args:
        history (list of dict): ``Trainer.history``.
        path (str or PathLike): The file to write.
    """
    columns = []
    for entry in history:
        for key, value in entry.items():
            if key not in columns and isinstance(value, (int, float)):
                columns.append(key)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    for entry in history:
        writer.writerow([_format_cell(entry.get(key)) for key in columns])
    atomic_write(path, lambda f: f.write(text.getvalue().encode()))


def _format_cell(value):
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else value


class EMA(Callback):
    """Keeps an exponential moving average of the weights, shadow = decay * shadow + (1 - decay)
    * weight after every step (Polyak averaging; decay 0.995 as in the notes); buffers (BN
    statistics) are copied. With evaluate_with_ema the validation runs on the averaged weights;
    apply_at_end leaves them in the model when fit ends.

    Args:
        decay (float): The weight of the average, in [0, 1]. Default: 0.995.
        evaluate_with_ema (bool): Validate on the averaged weights. Default: True.
        apply_at_end (bool): Leave the averaged weights in the model. Default: False.

    Raises:
        ValueError: ``decay`` outside [0, 1].

    Example:
        >>> data = st.data.TensorDataset(st.randn(32, 4), st.randint(0, 2, (32,)))
        >>> loader = st.data.DataLoader(data, batch_size=16)
        >>> model = nn.Linear(4, 2)
        >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
        >>> ema = st.train.EMA(decay=0.9)
        >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
        ...                            callbacks=[ema])
        >>> _ = trainer.fit(loader, epochs=1)
        >>> sorted(ema.shadow)
        ['bias', 'weight']
    """

    def __init__(self, decay=0.995, evaluate_with_ema=True, apply_at_end=False):
        if not 0.0 <= decay <= 1.0:
            raise ValueError(f"EMA: decay should lie in [0, 1], got {decay}")
        self.decay = float(decay)
        self.evaluate_with_ema = evaluate_with_ema
        self.apply_at_end = apply_at_end
        self.shadow = None
        self._saved = None

    def _initialize(self, model):
        if self.shadow is None:
            self.shadow = _clone_state(model)

    def on_fit_begin(self, trainer):
        """Copies the model's weights into the shadow (unless resumed).

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> ema = st.train.EMA(decay=0.9)
            >>> ema.shadow is None
            True
            >>> ema.on_fit_begin(st.train.Trainer(model, opt, F.cross_entropy, progress="none"))
            >>> bool((ema.shadow["weight"] == model.weight).all())
            True
        """
        self._initialize(trainer.model)

    def on_batch_end(self, trainer, batch, logs):
        """Updates ``shadow = decay * shadow + (1 - decay) * weight``; buffers are copied.

        Args:
            trainer (Trainer): The running trainer.
            batch (int): The batch's index.
            logs (dict): The batch's loss and lr.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> ema = st.train.EMA(decay=0.5)
            >>> ema.on_fit_begin(trainer)
            >>> with st.no_grad():
            ...     _ = model.bias.fill_(2.0)
            >>> ema.shadow["bias"] = st.zeros(2)
            >>> ema.on_batch_end(trainer, 0, {})
            >>> ema.shadow["bias"]
            tensor([1., 1.])
        """
        with no_grad():
            parameters = dict(trainer.model.named_parameters())
            for name, tensor in trainer.model.state_dict().items():
                if name in parameters and tensor.is_floating_point():
                    self.shadow[name].mul_(self.decay).add_(tensor.detach() * (1.0 - self.decay))
                else:
                    self.shadow[name].copy_(tensor)

    def copy_to(self, model):
        """Loads the averaged weights into `model`.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> ema = st.train.EMA(decay=0.9)
            >>> ema.on_fit_begin(trainer)
            >>> copy = nn.Linear(4, 2)
            >>> ema.copy_to(copy)
            >>> bool((copy.weight == model.weight).all())
            True
        """
        model.load_state_dict(self.shadow)

    def on_validation_begin(self, trainer):
        """Swaps the averaged weights in for validation (``evaluate_with_ema``).

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> class Peek(st.train.Callback):
            ...     def on_validation_begin(self, trainer):
            ...         print("validating on the EMA weights:",
            ...               bool((trainer.model.weight == ema.shadow["weight"]).all()))
            >>> ema = st.train.EMA(decay=0.9, evaluate_with_ema=True)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[ema, Peek()])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=1)
            validating on the EMA weights: True
        """
        if self.evaluate_with_ema and self.shadow is not None:
            self._saved = _clone_state(trainer.model)
            self.copy_to(trainer.model)

    def on_validation_end(self, trainer):
        """Puts the trained weights back after validation.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> ema = st.train.EMA(decay=0.9)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[ema])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=1)
            >>> bool((model.weight == ema.shadow["weight"]).all())  # the trained weights are back
            False
        """
        if self._saved is not None:
            trainer.model.load_state_dict(self._saved)
            self._saved = None

    def on_fit_end(self, trainer):
        """Leaves the averaged weights in the model (``apply_at_end``).

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> ema = st.train.EMA(decay=0.9, apply_at_end=True)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[ema])
            >>> _ = trainer.fit(loader, epochs=1)
            >>> bool((model.weight == ema.shadow["weight"]).all())
            True
        """
        if self.apply_at_end and self.shadow is not None:
            self.copy_to(trainer.model)

    def state_dict(self):
        """The shadow weights and the decay.

        Returns:
            dict: The state.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> ema = st.train.EMA(decay=0.99)
            >>> ema.on_fit_begin(trainer)
            >>> state = ema.state_dict()
            >>> state["decay"], sorted(state["shadow"])
            (0.99, ['bias', 'weight'])
        """
        return {"shadow": self.shadow, "decay": self.decay}

    def load_state_dict(self, state):
        """Restores the shadow weights and the decay.

        Args:
            state (dict): A dict from :meth:`state_dict`.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> ema = st.train.EMA(decay=0.99)
            >>> ema.on_fit_begin(trainer)
            >>> resumed = st.train.EMA()
            >>> resumed.load_state_dict(ema.state_dict())
            >>> resumed.decay, sorted(resumed.shadow)
            (0.99, ['bias', 'weight'])
        """
        self.shadow = state["shadow"]
        self.decay = state["decay"]
