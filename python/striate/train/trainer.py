"""Trainer: the training loop users would otherwise write by hand — epochs of forward, loss,
backward, optimizer step and LR schedule, metrics, a tqdm bar, validation, callbacks, and
checkpoints that resume bit for bit on CPU.

    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
                      nn.CrossEntropyLoss(), scheduler=..., metrics=("accuracy", "top5"))
    history = trainer.fit(train_loader, val_loader, epochs=10)
    trainer.evaluate(test_loader)   # {"loss": 0.27, "accuracy": 0.905, "top5": 0.998}
"""

import contextlib
import math
import random
import sys
import time

import numpy as np

from .. import Tensor, cat, get_rng_state, no_grad, set_rng_state
from .. import load as _load
from .. import save as _save
from ..optim.lr_scheduler import ReduceLROnPlateau
from .metrics import resolve_metrics

__all__ = ["Trainer"]

_CHECKPOINT_FORMAT = "striate.trainer/1"
_PROGRESS_MODES = ("bar", "log", "none")


def _split_batch(batch):
    if isinstance(batch, (tuple, list)):
        if len(batch) == 1:
            return batch[0], None
        return batch[0], batch[1]
    return batch, None


def _to_device(value, device):
    """A batch (a tensor, or tuples/lists/dicts of them) on `device`; non-blocking, so a copy from
    pinned memory overlaps the work already queued on a GPU."""
    if device is None:
        return value
    if isinstance(value, Tensor):
        return value.to(device, non_blocking=True)
    if isinstance(value, (tuple, list)):
        return type(value)(_to_device(item, device) for item in value)
    if isinstance(value, dict):
        return {key: _to_device(item, device) for key, item in value.items()}
    return value


def _main_output(outputs):
    # Multi-output models (GoogLeNet's auxiliary heads) report metrics on the first output.
    main = outputs[0] if isinstance(outputs, (tuple, list)) else outputs
    if main.dtype.is_floating_point and main.dtype.itemsize == 2:  # autocast: metrics in float32
        main = main.float()
    return main


def _batch_size(inputs):
    return int(inputs.shape[0])


def _available_memory(device):
    """Bytes a step may use when no memory_limit is given: the free device memory on CUDA,
    MemAvailable (Linux) on the CPU."""
    if device.type == "cuda":
        from .. import cuda

        return cuda.mem_get_info(device)[0]
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


class Trainer:
    """Trains `model` with `optimizer` on `loss(outputs, targets)`.

    scheduler: an lr_scheduler, stepped once per epoch (scheduler_interval="epoch", after
    validation; ReduceLROnPlateau gets val_loss, or train_loss without validation) or after every
    optimizer step ("step", for OneCycleLR and warm-ups). metrics: names ("accuracy", "top5",
    "confusion_matrix") or Metric objects. batch_transform: called on (inputs, targets) of every
    training batch (Mixup/CutMix, which return soft targets). grad_clip_norm: clip the global
    gradient norm before each step. progress: "bar" (a tqdm bar per epoch), "log" (one line per
    epoch, for logs) or "none"; True/False mean "bar"/"none".

    Args:
        model (Module): The model.
        optimizer (Optimizer): Its optimizer.
        loss (callable): ``loss(outputs, targets) -> Tensor``.
        scheduler (LRScheduler, optional): Stepped per epoch or per step. Default: None.
        metrics (sequence): Metric names or Metric objects. Default: ("accuracy",).
        callbacks (sequence of Callback): Default: ().
        scheduler_interval (str): ``'epoch'`` or ``'step'``. Default: ``'epoch'``.
        batch_transform (callable, optional): ``(inputs, targets) -> (inputs, targets)`` on every
            training batch. Default: None.
        grad_clip_norm (float, optional): Clip the global gradient norm. Default: None.
        progress (str or bool): ``'bar'``, ``'log'`` or ``'none'``. Default: ``'bar'``.
        num_classes (int, optional): For the ``'confusion_matrix'`` metric. Default: None.
        file (file, optional): Where progress goes. Default: None (stderr).
        distributed (bool): Wrap the model in DistributedDataParallel (under ``striate run``).
            Default: False.
        device (str or device, optional): Where to train (``'cpu'``, ``'cuda'``, ``'cuda:1'`` or
            a ``striate.device``): the model moves there at once, in place (its Parameter
            objects stay the same, so an optimizer built before keeps working), and every batch
            is copied there before the forward. Default: None (the model and the batches stay
            where they are).
        amp (bool or dtype): Mixed precision, True or a dtype: forward and loss under
            ``striate.autocast`` on the model's device (bfloat16 on the CPU, float16 on CUDA
            unless a dtype is given), backward and step through a ``striate.amp.GradScaler``
            (enabled for float16, whose gradients need the scaling; a pass-through for
            bfloat16). Default: False.
        batch_size (int or str, optional): Micro-batches: each training batch of the loader
            runs forward and backward in chunks of at most this many samples, their gradients
            accumulated (each chunk's loss weighted by its share of the batch, so a mean loss
            gives the whole batch's gradient), then one optimizer step. ``'auto'`` picks the
            largest chunk whose step fits in ``memory_limit`` (:func:`striate.plan`, measured
            on a copy of the model at the first batch). BatchNorm sees each chunk's statistics,
            as with gradient accumulation in PyTorch. Default: None (whole batches).
        memory_limit (int, optional): Bytes a training step may hold, for
            ``batch_size='auto'``. Default: None (the memory available now: MemAvailable on
            the CPU, the free device memory on CUDA).
        nan_guard (bool): Check every training batch's forward and backward for NaN and
            infinity (``striate.autograd.detect_anomaly``): the first one raises
            ``striate.autograd.AnomalyError`` naming the layer path, the op, the statistics of
            its input, the step and the batch index, before the optimizer step. A debugging aid
            that slows training; off, it costs nothing. Default: False.

    Raises:
        TypeError: ``loss`` is not callable.
        ValueError: A bad scheduler_interval, progress or metric name.

    Example:
        >>> images = st.randn(64, 1, 8, 8)
        >>> labels = st.randint(0, 3, (64,))
        >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=16)
        >>> model = nn.Sequential(nn.Flatten(), nn.Linear(64, 3))
        >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
        ...                            F.cross_entropy, progress="none")
        >>> history = trainer.fit(loader, val_loader=loader, epochs=2)
        >>> len(history), "val_accuracy" in history[-1]
        (2, True)
    """

    def __init__(self, model, optimizer, loss, scheduler=None, metrics=("accuracy",),
                 callbacks=(), scheduler_interval="epoch", batch_transform=None,
                 grad_clip_norm=None, progress="bar", num_classes=None, file=None,
                 distributed=False, device=None, amp=False, batch_size=None,
                 memory_limit=None, nan_guard=False):
        if not callable(loss):
            raise TypeError(f"Trainer: loss should be callable (outputs, targets) -> Tensor, "
                            f"got {type(loss).__name__}")
        if scheduler_interval not in ("epoch", "step"):
            raise ValueError(f"Trainer: scheduler_interval should be 'epoch' or 'step', "
                             f"got {scheduler_interval!r}")
        if progress is True:
            progress = "bar"
        elif progress is False:
            progress = "none"
        if progress not in _PROGRESS_MODES:
            raise ValueError(f"Trainer: progress should be one of {_PROGRESS_MODES} or a bool, "
                             f"got {progress!r}")
        if batch_size is not None and batch_size != "auto" and (
                isinstance(batch_size, bool) or not isinstance(batch_size, int) or
                batch_size < 1):
            raise ValueError(f"Trainer: batch_size should be a positive int, 'auto' or None, "
                             f"got {batch_size!r}")
        if memory_limit is not None and (isinstance(memory_limit, bool) or
                                         not isinstance(memory_limit, int) or memory_limit < 1):
            raise ValueError(f"Trainer: memory_limit should be a positive number of bytes, got "
                             f"{memory_limit!r}")
        self.batch_size = batch_size
        self.memory_limit = memory_limit
        self.device = None
        if device is not None:
            from .. import device as _device

            self.device = device if isinstance(device, _device) else _device(device)
            model.to(self.device)
        self.distributed = bool(distributed)
        self.is_main_process = True
        if self.distributed:
            model = self._distribute(model)
            if not self.is_main_process:
                progress = "none"  # one progress bar and one log: rank 0's
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.scheduler = scheduler
        self.scheduler_interval = scheduler_interval
        self.metric_names = tuple(metrics or ())
        self.num_classes = num_classes
        resolve_metrics(self.metric_names, num_classes)  # fail early on a bad name
        self.callbacks = list(callbacks)
        self.batch_transform = batch_transform
        self.grad_clip_norm = grad_clip_norm
        self.nan_guard = bool(nan_guard)
        self._setup_amp(amp)
        self.progress = progress
        self.file = file
        self.history = []
        self.epoch = 0          # epochs completed
        self.step = 0           # optimizer steps taken
        self.stop_training = False
        self._train_loader = None

    def _distribute(self, model):
        """Data-parallel training over the default process group: the model is wrapped in
        DistributedDataParallel (unless it is already), and rank 0 alone prints and writes."""
        from .. import distributed as dist
        from ..nn.parallel import DistributedDataParallel

        if not dist.is_initialized():
            raise RuntimeError("Trainer(distributed=True): call "
                               "striate.distributed.init_process_group() first (under mpirun "
                               "or striate run)")
        self.is_main_process = dist.get_rank() == 0
        if not isinstance(model, DistributedDataParallel):
            model = DistributedDataParallel(model)
        return model

    @property
    def module(self):
        """The model itself (inside DistributedDataParallel when distributed)."""
        from ..nn.parallel import DistributedDataParallel

        return self.model.module if isinstance(self.model, DistributedDataParallel) else \
            self.model

    def _sum_across(self, array):
        """array summed over the processes, in place (a no-op when not distributed)."""
        if self.distributed:
            from .. import from_numpy
            from .. import distributed as dist

            tensor = from_numpy(np.ascontiguousarray(array))
            dist.all_reduce(tensor)
            array[...] = tensor.numpy()
        return array

    def _reduce_epoch(self, loss_sum, count, metrics):
        """The loss sum, example count and metrics of every process together."""
        if not self.distributed:
            return loss_sum, count
        totals = self._sum_across(np.array([loss_sum, count], dtype=np.float64))
        for metric in metrics:
            metric.reduce_across(self._sum_across)
        return float(totals[0]), int(totals[1])

    # ----------------------------------------------------------------------------- the loop

    def fit(self, train_loader, val_loader=None, epochs=1):
        """Trains until `epochs` epochs are complete in total (a resumed trainer continues from
        its epoch); returns the history, one dict per epoch.

        Args:
            train_loader (iterable): Batches of ``(inputs, targets)``.
            val_loader (iterable, optional): Validation batches. Default: None.
            epochs (int): The total number of epochs. Default: 1.

        Returns:
            list of dict: The history, one entry per epoch (losses, metrics, lr, time).

        Raises:
            ValueError: ``epochs`` is not a non-negative int.

        Example:
            >>> images = st.randn(64, 1, 8, 8)
            >>> labels = st.randint(0, 3, (64,))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=16)
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(64, 3))
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> history = trainer.fit(loader, epochs=1)
            >>> "train_loss" in history[0]
            True
        """
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"Trainer.fit: epochs should be a non-negative int, got {epochs!r}")
        self._train_loader = train_loader
        pending = self.__dict__.pop("_pending_loader_state", None)
        if pending is not None:
            train_loader.load_state_dict(pending)
        self.stop_training = False
        self._call("on_fit_begin")
        try:
            while self.epoch < epochs and not self.stop_training:
                self._fit_epoch(train_loader, val_loader, epochs)
        finally:
            self._call("on_fit_end")
        return self.history

    def _fit_epoch(self, train_loader, val_loader, epochs):
        epoch = self.epoch
        self._call("on_epoch_begin", epoch)
        self.model.train()
        sampler = getattr(train_loader, "sampler", None)
        if hasattr(sampler, "set_epoch"):  # DistributedSampler: a new order each epoch
            sampler.set_epoch(epoch)
        metrics = resolve_metrics(self.metric_names, self.num_classes)
        loss_sum, count, started = 0.0, 0, time.perf_counter()
        bar = self._progress_bar(train_loader, f"epoch {epoch + 1}/{epochs}")
        for batch_index, batch in enumerate(train_loader):
            inputs, targets = _split_batch(_to_device(batch, self.device))
            if self.batch_transform is not None:
                inputs, targets = self.batch_transform(inputs, targets)
            self.optimizer.zero_grad(set_to_none=True)
            with self._nan_guard(batch_index):
                outputs, value = self._forward_backward(inputs, targets, epoch,
                                                        batch_index)
            if self.grad_clip_norm is not None:
                from ..nn.utils import clip_grad_norm_

                self.scaler.unscale_(self.optimizer)
                clip_grad_norm_(self.model.parameters(), self.grad_clip_norm)
            self.scaler.step(self.optimizer)
            self.scaler.update()
            self.step += 1
            lr = self.optimizer.param_groups[0]["lr"]
            if self.scheduler is not None and self.scheduler_interval == "step":
                self.scheduler.step()
            size = _batch_size(inputs)
            loss_sum += value * size
            count += size
            main = _main_output(outputs)
            for metric in metrics:
                metric.update(main, targets)
            self._call("on_batch_end", batch_index, {"loss": value, "lr": lr})
            if bar is not None:
                bar.update(1)
                if batch_index % 10 == 0 or batch_index + 1 == getattr(bar, "total", 0):
                    bar.set_postfix(self._postfix(loss_sum / count, metrics, count, started, lr),
                                    refresh=False)
        if bar is not None:
            bar.close()
        loss_sum, count = self._reduce_epoch(loss_sum, count, metrics)
        elapsed = time.perf_counter() - started
        logs = {"epoch": epoch + 1, "train_loss": loss_sum / max(count, 1)}
        for metric in metrics:
            logs["train_" + metric.name] = metric.compute()
        logs["lr"] = self.optimizer.param_groups[0]["lr"]
        logs["time"] = elapsed
        logs["images_per_s"] = count / elapsed if elapsed > 0 else float("nan")
        if val_loader is not None:
            for key, value in self._validate(val_loader).items():
                logs["val_" + key] = value
        if self.scheduler is not None and self.scheduler_interval == "epoch":
            if isinstance(self.scheduler, ReduceLROnPlateau):
                self.scheduler.step(logs.get("val_loss", logs["train_loss"]))
            else:
                self.scheduler.step()
        self.history.append(logs)
        self.epoch += 1
        if self.progress == "log" or (self.progress == "bar" and val_loader is not None):
            self._print(self._epoch_line(logs, epochs))
        self._call("on_epoch_end", epoch, logs)

    def _nan_guard(self, batch_index):
        """Anomaly detection around one training batch when nan_guard is on; nothing otherwise."""
        if not self.nan_guard:
            return contextlib.nullcontext()
        from ..diagnostics.anomaly import _TrainerGuard

        return _TrainerGuard(self.step, batch_index)
    def _forward_backward(self, inputs, targets, epoch, batch_index):
        """Forward, loss and backward of one training batch, in micro-batches when batch_size
        says so: returns the outputs (concatenated) and the batch's loss value."""
        size = _batch_size(inputs)
        chunk = self._micro_batch(inputs) if self.batch_size is not None else size
        if chunk >= size:
            pieces = [(inputs, targets)]
        else:
            pieces = [(inputs[i:i + chunk], targets[i:i + chunk]) for i in range(0, size, chunk)]
        losses, outputs = [], []
        for index, (piece_inputs, piece_targets) in enumerate(pieces):
            # Under DistributedDataParallel only the last micro-batch's backward communicates.
            quiet = self.distributed and index + 1 < len(pieces)
            with self.model.no_sync() if quiet else contextlib.nullcontext():
                with self._autocast():
                    piece_outputs = self.model(piece_inputs)
                    loss = self.loss(piece_outputs, piece_targets)
                # Checked before backward and step: a non-finite loss must not reach the
                # weights, the gradients or the optimizer's state, so the model stays as the
                # last good step left it (earlier micro-batches' gradients go with the batch).
                value = float(loss.item())
                if not math.isfinite(value):
                    self.optimizer.zero_grad(set_to_none=True)
                    raise FloatingPointError(
                        f"Trainer: the loss became {value} at epoch {epoch + 1}, batch "
                        f"{batch_index}; lower the lr or clip gradients (grad_clip_norm=); the "
                        "model and optimizer are left as they were before this batch")
                share = _batch_size(piece_inputs) / size
                self.scaler.scale(loss if len(pieces) == 1 else loss * share).backward()
            losses.append(value * share)
            outputs.append(_main_output(piece_outputs).detach() if len(pieces) > 1 else
                           piece_outputs)
        if len(pieces) == 1:
            return outputs[0], losses[0]
        return cat(outputs), sum(losses)

    def _micro_batch(self, inputs):
        if self.batch_size != "auto":
            return self.batch_size
        if getattr(self, "_auto_batch", None) is None:
            from ..diagnostics import max_batch_size

            limit = self.memory_limit if self.memory_limit is not None else \
                _available_memory(inputs.device)
            self._auto_batch = max_batch_size(
                self.module, tuple(inputs.shape[1:]), int(limit),
                optimizer=type(self.optimizer), device=inputs.device,
                upper=_batch_size(inputs))
        return self._auto_batch

    def _validate(self, loader):
        self._call("on_validation_begin")
        try:
            return self.evaluate(loader)
        finally:
            self._call("on_validation_end")

    @staticmethod
    def _postfix(loss, metrics, count, started, lr):
        postfix = {"loss": f"{loss:.4f}"}
        for metric in metrics:
            if metric.name == "accuracy":
                postfix["acc"] = f"{metric.compute():.4f}"
        elapsed = time.perf_counter() - started
        postfix["img/s"] = f"{count / elapsed:.0f}" if elapsed > 0 else "-"
        postfix["lr"] = f"{lr:.3g}"
        return postfix

    def _epoch_line(self, logs, epochs):
        parts = [f"epoch {logs['epoch']}/{epochs}"]
        for key, value in logs.items():
            if key in ("epoch",) or not isinstance(value, (int, float)):
                continue
            if key == "lr":
                parts.append(f"lr {value:.4g}")
            elif key == "time":
                parts.append(f"{value:.1f}s")
            elif key == "images_per_s":
                parts.append(f"{value:.0f} img/s")
            else:
                parts.append(f"{key} {value:.4f}")
        return "  ".join(parts)

    def _progress_bar(self, loader, description):
        if self.progress != "bar":
            return None
        from tqdm.auto import tqdm

        try:
            total = len(loader)
        except TypeError:
            total = None
        return tqdm(total=total, desc=description, unit="batch", leave=True,
                    file=self.file or sys.stderr, dynamic_ncols=True)

    def _print(self, line):
        if self.is_main_process:
            print(line, file=self.file or sys.stdout, flush=True)

    # ------------------------------------------------------------------ mixed precision

    def _setup_amp(self, amp):
        from .. import float16
        from ..amp import GradScaler, autocast

        if amp is False or amp is None:
            self.amp_dtype = None
            self.scaler = GradScaler("cpu", enabled=False)
            return
        params = list(self.model.parameters())
        device = params[0].device.type if params else "cpu"
        dtype = None if amp is True else amp
        self.amp_dtype = autocast(device, dtype).fast_dtype  # validates the dtype
        self._amp_device = device
        self.scaler = GradScaler(device, enabled=self.amp_dtype == float16)

    def _autocast(self):
        from ..amp import autocast

        if self.amp_dtype is None:
            return autocast("cpu", enabled=False)
        return autocast(self._amp_device, self.amp_dtype)

    # ------------------------------------------------------------------ evaluation/prediction

    def evaluate(self, loader, metrics=None):
        """Loss and metrics over `loader` in eval mode without gradients; the model's mode is
        restored afterwards. metrics defaults to the trainer's.

        Args:
            loader (iterable): Batches of ``(inputs, targets)``.
            metrics (sequence, optional): Metric names or objects. Default: None (the trainer's).

        Returns:
            dict: ``{"loss": ..., "accuracy": ...}``.

        Example:
            >>> images = st.randn(64, 1, 8, 8)
            >>> labels = st.randint(0, 3, (64,))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=16)
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(64, 3))
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> sorted(trainer.evaluate(loader))
            ['accuracy', 'loss']
        """
        names = self.metric_names if metrics is None else tuple(metrics)
        resolved = resolve_metrics(names, self.num_classes)
        was_training = self.model.training
        self.model.eval()
        loss_sum, count = 0.0, 0
        try:
            with no_grad():
                for batch in loader:
                    inputs, targets = _split_batch(_to_device(batch, self.device))
                    if targets is None:
                        raise ValueError("Trainer.evaluate: the loader's batches need targets "
                                         "(inputs, targets)")
                    with self._autocast():
                        outputs = self.model(inputs)
                        loss = self.loss(outputs, targets)
                    loss_sum += float(loss.item()) * _batch_size(inputs)
                    count += _batch_size(inputs)
                    for metric in resolved:
                        metric.update(_main_output(outputs), targets)
        finally:
            self.model.train(was_training)
        # Distributed: each process's share (or each the whole set: the means are unchanged).
        loss_sum, count = self._reduce_epoch(loss_sum, count, resolved)
        results = {"loss": loss_sum / count if count else float("nan")}
        for metric in resolved:
            results[metric.name] = metric.compute()
        return results

    def predict(self, loader, softmax=False):
        """The model's outputs for every input in `loader` (batches of inputs, or (inputs, ...)),
        concatenated into one (N, classes) tensor; softmax=True gives probabilities.

        Args:
            loader (iterable): Batches of inputs, or of ``(inputs, ...)``.
            softmax (bool): Return probabilities. Default: False.

        Returns:
            Tensor: (N, classes).

        Example:
            >>> images = st.randn(64, 1, 8, 8)
            >>> labels = st.randint(0, 3, (64,))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=16)
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(64, 3))
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> trainer.predict(loader, softmax=True).shape
            striate.Size([64, 3])
        """
        from ..nn.functional import softmax as softmax_fn

        was_training = self.model.training
        self.model.eval()
        outputs = []
        try:
            with no_grad():
                for batch in loader:
                    inputs, _ = _split_batch(_to_device(batch, self.device))
                    result = _main_output(self.model(inputs))
                    outputs.append(softmax_fn(result, dim=1) if softmax else result)
        finally:
            self.model.train(was_training)
        if not outputs:
            raise ValueError("Trainer.predict: the loader yielded no batches")
        return cat(outputs, 0)

    # ------------------------------------------------------------------------- checkpoints

    def state_dict(self):
        """Everything a resumed run needs to continue exactly: model, optimizer, scheduler,
        callbacks, the default generator, Python's and NumPy's RNGs, the training loader's
        sampler, epoch, step and history.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> _ = trainer.fit(loader, epochs=1)
            >>> state = trainer.state_dict()
            >>> state["epoch"], state["step"], state["optimizer_type"]
            (1, 2, 'SGD')
            >>> sorted(state["model"])
            ['bias', 'weight']
        """
        loader_state = None
        if self._train_loader is not None and hasattr(self._train_loader, "state_dict"):
            loader_state = self._train_loader.state_dict()
        return {
            "format": _CHECKPOINT_FORMAT,
            "model": self.module.state_dict(),  # without DDP's "module." prefix: portable
            "optimizer": self.optimizer.state_dict(),
            "optimizer_type": type(self.optimizer).__name__,
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "scheduler_type": None if self.scheduler is None else type(self.scheduler).__name__,
            "callbacks": [callback.state_dict() if hasattr(callback, "state_dict") else {}
                          for callback in self._checkpointed_callbacks()],
            "rng": {"striate": get_rng_state(), "python": _python_rng_state(),
                    "numpy": _numpy_rng_state(), "cuda": self._cuda_rng_states()},
            "train_loader": loader_state,
            "epoch": self.epoch,
            "step": self.step,
            "history": [dict(entry) for entry in self.history],
        }

    def load_state_dict(self, state, train_loader=None):
        """Restores a checkpoint from :meth:`state_dict`, so that ``fit`` continues exactly.

        Args:
            state (dict): A trainer checkpoint (:meth:`state_dict`, or ``striate.load`` of a file
                written by :meth:`save_checkpoint`).
            train_loader (DataLoader, optional): The training loader whose sampler position to
                restore. Default: None.

        Raises:
            ValueError: ``state`` is not a trainer checkpoint, or it was written for another model,
                optimizer or schedule.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> _ = trainer.fit(loader, epochs=1)
            >>> state = trainer.state_dict()
            >>> model2 = nn.Linear(4, 2)
            >>> resumed = st.train.Trainer(model2, st.optim.SGD(model2.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> resumed.load_state_dict(state)
            >>> resumed.epoch, bool((model2.weight == model.weight).all())
            (1, True)
            >>> _ = resumed.fit(loader, epochs=2)
            >>> resumed.epoch
            2
        """
        if not isinstance(state, dict) or state.get("format") != _CHECKPOINT_FORMAT:
            found = state.get("format") if isinstance(state, dict) else type(state).__name__
            raise ValueError("Trainer.load_state_dict: expected a trainer checkpoint "
                             f"(format {_CHECKPOINT_FORMAT!r}), got {found!r}")
        self._check_same_setup(state)
        self.module.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.scheduler is not None and state["scheduler"] is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        for callback, callback_state in zip(self._checkpointed_callbacks(), state["callbacks"]):
            if hasattr(callback, "load_state_dict"):
                callback.load_state_dict(callback_state)
        set_rng_state(state["rng"]["striate"])
        if state["rng"].get("cuda") and self._on_cuda():
            from .. import cuda

            cuda.set_rng_state_all(state["rng"]["cuda"])
        random.setstate(_tuple_state(state["rng"]["python"]))
        np.random.set_state(_tuple_state(state["rng"]["numpy"]))
        loader = train_loader if train_loader is not None else self._train_loader
        if state["train_loader"] is not None:
            if loader is None:
                self._pending_loader_state = state["train_loader"]
            else:
                loader.load_state_dict(state["train_loader"])
        if train_loader is not None:
            self._train_loader = train_loader
        self.epoch = state["epoch"]
        self.step = state["step"]
        self.history = [dict(entry) for entry in state["history"]]

    def _check_same_setup(self, state):
        # An exact resume needs the optimizer and schedule the checkpoint was written with; say
        # so before anything is restored rather than failing half-way through.
        ours = {"optimizer": type(self.optimizer).__name__,
                "scheduler": None if self.scheduler is None else type(self.scheduler).__name__}
        for what, key in (("optimizer", "optimizer_type"), ("scheduler", "scheduler_type")):
            if key not in state:  # checkpoints written before the types were recorded
                continue
            if state[key] != ours[what]:
                raise ValueError(f"Trainer.load_state_dict: the checkpoint was written with "
                                 f"{what} {state[key]}, this trainer has {ours[what]}")
        checkpointed = self._checkpointed_callbacks()
        if len(state["callbacks"]) != len(checkpointed):
            raise ValueError(f"Trainer.load_state_dict: the checkpoint holds the state of "
                             f"{len(state['callbacks'])} callbacks, this trainer has "
                             f"{len(checkpointed)}")

    def _on_cuda(self):
        return self.device is not None and self.device.type == "cuda"

    def _cuda_rng_states(self):
        # Dropout masks drawn on a GPU come from its Philox generator: an exact resume needs it.
        if not self._on_cuda():
            return None
        from .. import cuda

        return cuda.get_rng_state_all()

    def _checkpointed_callbacks(self):
        # A callback with `checkpointed = False` (ProfileSteps) is not part of the run's state.
        return [callback for callback in self.callbacks if getattr(callback, "checkpointed", True)]

    def save_checkpoint(self, path, **extra):
        """Writes state_dict() (plus `extra` entries, e.g. the model's name) atomically; in a
        distributed run only rank 0 writes (the replicas are identical).

        Args:
            path (str or PathLike): The file to write.
            **extra: More entries to save with the state.

        Example:
            >>> images = st.randn(64, 1, 8, 8)
            >>> labels = st.randint(0, 3, (64,))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=16)
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(64, 3))
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> import os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "last.pt")
            >>> trainer.save_checkpoint(path, name="mlp")
            >>> trainer.load_checkpoint(path)["name"]
            'mlp'
        """
        if not self.is_main_process:
            return
        state = self.state_dict()
        state.update(extra)
        _save(state, path)

    def load_checkpoint(self, path, train_loader=None):
        """Restores a checkpoint written by save_checkpoint; returns the whole saved dict.
        Pass the training loader (or call fit with it afterwards) to restore its sampler.

        Args:
            path (str or PathLike): A file from :meth:`save_checkpoint`.
            train_loader (DataLoader, optional): The training loader whose sampler to restore.
                Default: None.

        Returns:
            dict: The saved dict (with the ``extra`` entries).

        Raises:
            ValueError: Not a trainer checkpoint, or one of another setup.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none")
            >>> import os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "last.pt")
            >>> _ = trainer.fit(loader, epochs=1)
            >>> trainer.save_checkpoint(path, note="first run")
            >>> model2 = nn.Linear(4, 2)
            >>> resumed = st.train.Trainer(model2, st.optim.SGD(model2.parameters(), lr=0.1),
            ...                            F.cross_entropy, progress="none")
            >>> resumed.load_checkpoint(path, train_loader=loader)["note"]
            'first run'
            >>> resumed.epoch, resumed.step
            (1, 2)
        """
        state = _load(path)
        self.load_state_dict(state, train_loader)
        return state

    def _call(self, hook, *args):
        for callback in self.callbacks:
            getattr(callback, hook)(self, *args)


def _python_rng_state():
    version, internal, gauss = random.getstate()
    return [version, list(internal), gauss]


def _numpy_rng_state():
    name, keys, position, has_gauss, cached = np.random.get_state()
    return [name, keys.astype(np.int64).tolist(), int(position), int(has_gauss), float(cached)]


def _tuple_state(state):
    if len(state) == 3:
        return (state[0], tuple(state[1]), state[2])
    name, keys, position, has_gauss, cached = state
    return (name, np.asarray(keys, dtype=np.uint32), position, has_gauss, cached)
