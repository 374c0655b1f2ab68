"""striate.optim.swa_utils: weight averaging and snapshot ensembles, with
torch.optim.swa_utils's names. AveragedModel keeps a running average of a model's weights (the
plain mean of stochastic weight averaging, or an exponential moving average: Polyak averaging
with decay 0.995 as in the notes); update_bn recomputes BatchNorm statistics for averaged weights;
SWALR anneals the lr for SWA; SnapshotEnsemble keeps the model at each SGDR restart and averages
the softmax of the snapshots' predictions. All of it runs in C++ (striate::optim, swa_utils.h,
bound as _C._optim.*); this file holds torch's signatures and the Module that carries the average.

    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.995))
    for x, y in loader:
        ...; opt.step(); ema.update_parameters(model)
    swa_utils.update_bn(loader, ema)
"""

import copy

from .. import _C
from .. import nn
from .lr_scheduler import _base_lrs, _per_group, _started

__all__ = ["AveragedModel", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_avg_fn", "update_bn", "SWALR", "SnapshotEnsemble", "is_restart"]

_native = _C._optim


def get_ema_multi_avg_fn(decay=0.999):
    """In place on lists of tensors: averaged = decay * averaged + (1 - decay) * current.

    Args:
        decay (float): The weight of the running average. Default: 0.999.

    Returns:
        callable: For :class:`AveragedModel`'s ``multi_avg_fn``.

    Example:
        >>> model = nn.Linear(2, 1)
        >>> ema = st.optim.swa_utils.AveragedModel(
        ...     model, multi_avg_fn=st.optim.swa_utils.get_ema_multi_avg_fn(0.9))
        >>> ema.update_parameters(model)
    """
    return _native.ema_multi_avg_fn(float(decay))


def get_swa_multi_avg_fn():
    """In place on lists of tensors: averaged += (current - averaged) / (num_averaged + 1).

    Returns:
        callable: For :class:`AveragedModel`'s ``multi_avg_fn``.

    Example:
        >>> fn = st.optim.swa_utils.get_swa_multi_avg_fn()
        >>> callable(fn)
        True
    """
    return _native.swa_multi_avg_fn()


def get_ema_avg_fn(decay=0.999):
    """One tensor, out of place: decay * averaged + (1 - decay) * current.

    Args:
        decay (float): The weight of the running average. Default: 0.999.

    Returns:
        callable: For :class:`AveragedModel`'s ``avg_fn``.

    Example:
        >>> fn = st.optim.swa_utils.get_ema_avg_fn(0.5)
        >>> callable(fn)
        True
    """
    return _native.ema_avg_fn(float(decay))


def get_swa_avg_fn():
    """One tensor, out of place: averaged + (current - averaged) / (num_averaged + 1).

    Returns:
        callable: For :class:`AveragedModel`'s ``avg_fn``.

    Example:
        >>> callable(st.optim.swa_utils.get_swa_avg_fn())
        True
    """
    return _native.swa_avg_fn()


def _with_tensor_count(fn):
    """A user's averaging function as C++ calls it (the count as an int); torch passes the count
    as a tensor. The rules above are C++ already and are passed as they are."""
    if fn is None or isinstance(fn, (_native._MultiAveragingRule, _native._AveragingRule)):
        return fn
    from .. import tensor as make_tensor

    def call(averaged, current, count):
        return fn(averaged, current, make_tensor(count))

    return call


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

    Args:
        model (Module): The model to average.
        device: Must be None (CPU only). Default: None.
        avg_fn (callable, optional): ``(averaged, current, num_averaged) -> Tensor``. Default: None.
        multi_avg_fn (callable, optional): In place on lists of tensors. Default: None.
        use_buffers (bool): Average the buffers too. Default: False.
        module (Module, optional): A fresh copy to use instead of ``copy.deepcopy(model)``
            (keyword only). Default: None.

    Raises:
        ValueError: Both avg_fn and multi_avg_fn.
        TypeError: ``model`` is not a Module.

    Example:
        >>> model = nn.Linear(2, 1)
        >>> swa = st.optim.swa_utils.AveragedModel(model)
        >>> swa.update_parameters(model)
        >>> swa(st.zeros(3, 2)).shape
        striate.Size([3, 1])
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
        self._impl = _native.AveragedModel(self.module, _with_tensor_count(multi_avg_fn),
                                           _with_tensor_count(avg_fn), self.use_buffers)
        self.register_buffer("n_averaged", self._impl.n_averaged)

    def forward(self, *args, **kwargs):
        """Runs the averaged copy of the model on the arguments.

        Args:
            *args: The model's inputs.
            **kwargs: The model's keyword inputs.

        Returns:
            The averaged model's output.

        Example:
            >>> model = nn.Linear(2, 1)
            >>> swa = st.optim.swa_utils.AveragedModel(model)
            >>> swa.update_parameters(model)
            >>> x = st.ones(4, 2)
            >>> bool((swa(x) == model(x)).all())
            True
        """
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Averages ``model`` in: the first call copies it, later ones apply the averaging.

        Args:
            model (Module): The model whose current weights to average in.

        Example:
            >>> model = nn.Linear(1, 1, bias=False)
            >>> swa = st.optim.swa_utils.AveragedModel(model)
            >>> with st.no_grad():
            ...     for value in [1.0, 2.0, 6.0]:
            ...         _ = model.weight.fill_(value)
            ...         swa.update_parameters(model)
            >>> swa.module.weight.item(), swa.n_averaged.item()
            (3.0, 3)
        """
        self._impl.update_parameters(model)


def update_bn(loader, model, device=None):
    """Recomputes the running statistics of every BatchNorm in ``model`` with one pass over
    ``loader`` (batches, or tuples whose first item is the input): the statistics are reset and
    accumulated as a cumulative average (momentum None), as torch.optim.swa_utils.update_bn;
    each layer's momentum and each module's mode are restored afterwards.

    Args:
        loader (iterable): Batches, or tuples whose first item is the input.
        model (Module): The model.
        device: Must be None (CPU only). Default: None.

    Example:
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        >>> st.optim.swa_utils.update_bn([st.randn(8, 2)], model)
        >>> int(model[1].num_batches_tracked)
        1
    """
    if device is not None:
        raise NotImplementedError("update_bn: device is not supported yet (CPU only)")

    def run_batches():
        for batch in loader:
            model(batch[0] if isinstance(batch, (list, tuple)) else batch)

    _native.update_bn(model, run_batches)


class SWALR(_native.SWALR):
    """Anneals each group's lr to swa_lr over anneal_epochs steps ("cos" or "linear"), then holds
    it, with torch.optim.swa_utils.SWALR's formula.

    Args:
        optimizer (Optimizer): The optimizer.
        swa_lr (float or list): The lr to anneal to (per group or for all).
        anneal_epochs (int): The epochs of the annealing. Default: 10.
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Default: ``'cos'``.
        last_epoch (int): The last epoch when resuming. Default: -1.

    Raises:
        ValueError: A bad anneal_epochs or strategy.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=2,
        ...                                  anneal_strategy="linear")
        >>> for _ in range(3):
        ...     sched.step()
        >>> round(opt.param_groups[0]["lr"], 4)
        0.1
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        if not isinstance(anneal_epochs, int):
            raise ValueError(f"SWALR: anneal_epochs must be an int >= 0, got {anneal_epochs!r}")
        super().__init__(optimizer._impl, _per_group("SWALR", "swa_lr", optimizer, swa_lr),
                         anneal_epochs, anneal_strategy,
                         last_epoch, base_lrs)
        _started(self, optimizer)
        for group, value in zip(optimizer.param_groups, self._state_dict()["swa_lrs"]):
            group["swa_lr"] = value


def is_restart(scheduler):
    """True when the last step() of a CosineAnnealingWarmRestarts (SGDR) scheduler began a new
    cycle, i.e. the model has just finished a cycle at its lowest learning rate: the moment to
    take a snapshot. Valid for whole-epoch steps; with fractional epochs use
    SnapshotEnsemble.on_scheduler_step.

    Args:
        scheduler (CosineAnnealingWarmRestarts): The schedule.

    Returns:
        bool

    Raises:
        TypeError: Another kind of schedule.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> sched = st.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        ...     st.optim.SGD([w], lr=1.0), T_0=2)
        >>> restarts = []
        >>> for _ in range(4):
        ...     sched.step()
        ...     restarts.append(st.optim.swa_utils.is_restart(sched))
        >>> restarts
        [False, True, False, True]
    """
    if not isinstance(scheduler, _native.CosineAnnealingWarmRestarts):
        raise TypeError("is_restart: expected a CosineAnnealingWarmRestarts scheduler, got "
                        f"{type(scheduler).__name__}")
    return _native.is_restart(scheduler)


class SnapshotEnsemble(_native.SnapshotEnsemble):
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
    restores the model's own weights and modes afterwards, so the model needs no deep copy.

    Args:
        model (Module): The model whose snapshots to take.

    Raises:
        TypeError: ``model`` is not a Module.

    Example:
        >>> model = nn.Linear(2, 3)
        >>> ensemble = st.optim.swa_utils.SnapshotEnsemble(model)
        >>> ensemble.snapshot()
        1
        >>> len(ensemble), ensemble.predict(st.zeros(4, 2)).shape
        (1, striate.Size([4, 3]))
    """

    def __init__(self, model):
        if not isinstance(model, nn.Module):
            raise TypeError(f"SnapshotEnsemble: expected an nn.Module, got {type(model).__name__}")
        super().__init__(model)
        self.model = model

    def on_scheduler_step(self, scheduler):
        """Call after each scheduler.step() of a CosineAnnealingWarmRestarts scheduler: takes a
        snapshot when that step began a new cycle (T_cur went back). Returns whether it did.

        Args:
            scheduler (CosineAnnealingWarmRestarts): The schedule just stepped.

        Returns:
            bool: Whether a snapshot was taken.

        Raises:
            TypeError: Another kind of schedule.

        Example:
            >>> model = nn.Linear(2, 3)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> sched = st.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
            >>> ensemble = st.optim.swa_utils.SnapshotEnsemble(model)
            >>> taken = []
            >>> for epoch in range(4):
            ...     opt.step()
            ...     sched.step()
            ...     taken.append(ensemble.on_scheduler_step(sched))
            >>> taken, len(ensemble)
            ([False, True, False, True], 2)
        """
        if not isinstance(scheduler, _native.CosineAnnealingWarmRestarts):
            raise TypeError("SnapshotEnsemble.on_scheduler_step: expected a "
                            "CosineAnnealingWarmRestarts scheduler, got "
                            f"{type(scheduler).__name__}")
        return super().on_scheduler_step(scheduler)
