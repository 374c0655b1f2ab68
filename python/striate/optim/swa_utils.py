"""striate.optim.swa_utils: weight averaging and snapshot ensembles, with
torch.optim.swa_utils's names. AveragedModel keeps a running average of a model's weights (the
plain mean of stochastic weight averaging, or an exponential moving average: Polyak averaging
with decay 0.995 as in the notes); the averaging itself runs in C++ (optim::AveragedModel).
update_bn recomputes BatchNorm statistics for averaged weights; SnapshotEnsemble keeps the model
at each SGDR restart and averages the softmax of the snapshots' predictions.

    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.995))
    for x, y in loader:
        ...; opt.step(); ema.update_parameters(model)
    swa_utils.update_bn(loader, ema)
"""

import copy
import math

from .. import _C
from .. import nn
from ..autograd import no_grad
from .lr_scheduler import LRScheduler, _check_optimizer

__all__ = ["AveragedModel", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_avg_fn", "update_bn", "SWALR", "SnapshotEnsemble", "is_restart"]


def get_ema_multi_avg_fn(decay=0.999):
    """In place on lists of tensors: averaged = decay * averaged + (1 - decay) * current."""
    decay = float(decay)
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"get_ema_multi_avg_fn: expected 0 <= decay <= 1, got {decay}")

    def ema_update(averaged_param_list, current_param_list, _num_averaged):
        _C._optim._ema_multi_avg_(list(averaged_param_list), list(current_param_list), 0, decay)

    return ema_update


def get_swa_multi_avg_fn():
    """In place on lists of tensors: averaged += (current - averaged) / (num_averaged + 1)."""

    def swa_update(averaged_param_list, current_param_list, num_averaged):
        _C._optim._swa_multi_avg_(list(averaged_param_list), list(current_param_list),
                                  int(num_averaged))

    return swa_update


def get_ema_avg_fn(decay=0.999):
    """One tensor, out of place: decay * averaged + (1 - decay) * current."""
    decay = float(decay)
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"get_ema_avg_fn: expected 0 <= decay <= 1, got {decay}")

    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """One tensor, out of place: averaged + (current - averaged) / (num_averaged + 1)."""

    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (int(num_averaged) + 1)

    return swa_update


def _deepcopy_module(model):
    try:
        return copy.deepcopy(model)
    except TypeError as error:
        raise TypeError(f"AveragedModel: {error}; pass module=<a fresh {type(model).__name__}>") \
            from error


class AveragedModel(nn.Module):
    """A deep copy of ``model`` whose parameters hold an average of the models passed to
    update_parameters: the running mean (SWA) by default, or what ``multi_avg_fn`` (in place on
    lists of tensors, e.g. get_ema_multi_avg_fn(0.995)) or ``avg_fn`` (one tensor, returns the
    new average) computes. Buffers are copied from the latest model unless use_buffers=True,
    which averages them too. ``n_averaged`` is a buffer counting the models averaged so far.

    The copy is copy.deepcopy(model); models that cannot be deep-copied yet (the C++ zoo models,
    whose constructor arguments are not readable) take a freshly built model of the same
    architecture as ``module=`` (its weights are overwritten by the first update).
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False, *,
                 module=None):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("AveragedModel: pass avg_fn or multi_avg_fn, not both")
        if not isinstance(model, nn.Module):
            raise TypeError(f"AveragedModel: expected an nn.Module, got {type(model).__name__}")
        if device is not None:
            raise NotImplementedError("AveragedModel: device is not supported yet (CPU only)")
        if module is not None and not isinstance(module, nn.Module):
            raise TypeError("AveragedModel: module: expected an nn.Module, got "
                            f"{type(module).__name__}")
        self.module = _deepcopy_module(model) if module is None else module
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = bool(use_buffers)
        self._impl = _C._optim.AveragedModel(self.module, self._native_fn(), self.use_buffers)
        self.register_buffer("n_averaged", self._impl.n_averaged)

    def _native_fn(self):
        # The C++ update calls fn(averaged_list, current_list, count); torch's functions take the
        # count as a tensor.
        from .. import tensor as make_tensor

        if self.multi_avg_fn is not None:
            multi_avg_fn = self.multi_avg_fn

            def apply_multi(averaged, current, count):
                multi_avg_fn(averaged, current, make_tensor(count))

            return apply_multi
        if self.avg_fn is not None:
            avg_fn = self.avg_fn

            def apply_each(averaged, current, count):
                number = make_tensor(count)
                for average, value in zip(averaged, current):
                    average.copy_(avg_fn(average, value, number))

            return apply_each
        return None

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Averages ``model`` in: the first call copies it, later ones apply the averaging."""
        with no_grad():
            self._impl.update_parameters(model)


def _batch_norms(model):
    kinds = tuple(getattr(nn, name) for name in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d")
                  if hasattr(nn, name))
    return [module for module in model.modules() if isinstance(module, kinds)]


def update_bn(loader, model, device=None):
    """Recomputes the running statistics of every BatchNorm in ``model`` with one pass over
    ``loader`` (batches, or tuples whose first item is the input): the statistics are reset and
    accumulated as a cumulative average (momentum None), as torch.optim.swa_utils.update_bn."""
    if device is not None:
        raise NotImplementedError("update_bn: device is not supported yet (CPU only)")
    norms = _batch_norms(model)
    if not norms:
        return
    momenta = []
    for module in norms:
        module.reset_running_stats()
        momenta.append((module, module.momentum))
        module.momentum = None
    was_training = model.training
    model.train()
    try:
        with no_grad():
            for batch in loader:
                if isinstance(batch, (list, tuple)):
                    batch = batch[0]
                model(batch)
    finally:
        for module, momentum in momenta:
            module.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's lr to swa_lr over anneal_epochs steps ("cos" or "linear"), then holds
    it, with torch.optim.swa_utils.SWALR's formula."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        _check_optimizer(optimizer)
        swa_lrs = list(swa_lr) if isinstance(swa_lr, (list, tuple)) else \
            [swa_lr] * len(optimizer.param_groups)
        if len(swa_lrs) != len(optimizer.param_groups):
            raise ValueError(f"SWALR: expected {len(optimizer.param_groups)} values for swa_lr, "
                             f"got {len(swa_lrs)}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("SWALR: anneal_strategy must be one of 'cos' or 'linear', "
                             f"got {anneal_strategy!r}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"SWALR: anneal_epochs must be an int >= 0, got {anneal_epochs!r}")
        for group, value in zip(optimizer.param_groups, swa_lrs):
            group["swa_lr"] = value
        self.anneal_epochs = anneal_epochs
        self.anneal_strategy = anneal_strategy
        super().__init__(optimizer, last_epoch)

    def _anneal(self, t):
        if self.anneal_strategy == "cos":
            return (1 - math.cos(math.pi * t)) / 2
        return t

    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self._anneal(prev_t)
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self._anneal(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)


def is_restart(scheduler):
    """True when the last step() of a CosineAnnealingWarmRestarts (SGDR) scheduler began a new
    cycle, i.e. the model has just finished a cycle at its lowest learning rate: the moment to
    take a snapshot. Valid for whole-epoch steps; with fractional epochs use
    SnapshotEnsemble.on_scheduler_step."""
    if not hasattr(scheduler, "T_cur"):
        raise TypeError("is_restart: expected a CosineAnnealingWarmRestarts scheduler, got "
                        f"{type(scheduler).__name__}")
    return scheduler.last_epoch > 0 and scheduler.T_cur == 0


class SnapshotEnsemble:
    """Snapshot ensembles (Huang et al.): the model is saved at the end of each SGDR cycle and the
    ensemble predicts the mean of the snapshots' softmax outputs.

        ensemble = SnapshotEnsemble(model)
        scheduler = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=10)
        for epoch in range(epochs):
            train_one_epoch(model, opt)
            scheduler.step()
            ensemble.on_scheduler_step(scheduler)     # snapshots at each restart
        probabilities = ensemble.predict(x)

    Snapshots are copies of the state dict; predict() loads each into the model in eval mode and
    restores the model's own weights and mode afterwards, so the model needs no deep copy.
    """

    def __init__(self, model):
        if not isinstance(model, nn.Module):
            raise TypeError(f"SnapshotEnsemble: expected an nn.Module, got {type(model).__name__}")
        self.model = model
        self.snapshots = []
        self._last_t_cur = None

    def __len__(self):
        return len(self.snapshots)

    def snapshot(self):
        """Stores a copy of the model's current state; returns the number of snapshots."""
        self.snapshots.append(_copy_state(self.model))
        return len(self.snapshots)

    def on_scheduler_step(self, scheduler):
        """Call after each scheduler.step() of a CosineAnnealingWarmRestarts scheduler: takes a
        snapshot when that step began a new cycle (T_cur went back). Returns whether it did."""
        if not hasattr(scheduler, "T_cur"):
            raise TypeError("SnapshotEnsemble.on_scheduler_step: expected a "
                            "CosineAnnealingWarmRestarts scheduler, got "
                            f"{type(scheduler).__name__}")
        previous, self._last_t_cur = self._last_t_cur, scheduler.T_cur
        restarted = scheduler.T_cur < previous if previous is not None else is_restart(scheduler)
        if restarted:
            self.snapshot()
        return restarted

    def predict(self, x):
        """The mean over snapshots of softmax(model(x)) along dim 1, computed in eval mode."""
        if not self.snapshots:
            raise ValueError("SnapshotEnsemble.predict: no snapshot taken yet (call snapshot())")
        current = _copy_state(self.model)
        was_training = self.model.training
        total = None
        try:
            self.model.eval()
            with no_grad():
                for state in self.snapshots:
                    self.model.load_state_dict(state)
                    probabilities = nn.functional.softmax(self.model(x), dim=1)
                    total = probabilities if total is None else total + probabilities
        finally:
            self.model.load_state_dict(current)
            self.model.train(was_training)
        return total / len(self.snapshots)


def _copy_state(model):
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
