"""striate.optim.lr_scheduler: learning-rate schedules with torch.optim.lr_scheduler's names,
arguments and values. Each class is a thin subclass of the C++ schedule (striate::optim,
cpp/include/striate/optim/lr_scheduler.h, bound as _C._optim.*): the schedule runs in C++ and
writes the lrs (and OneCycleLR/CyclicLR's momentum or beta1) into the optimizer's C++ groups,
which ``param_groups`` shows. This file holds torch's argument handling and the ``param_groups``
keys torch records (``initial_lr``, OneCycleLR's and CyclicLR's anchors, ``swa_lr``).

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    for epoch in range(100):
        train_one_epoch(opt)
        sched.step()

Like torch's, each schedule updates the group's current lr from the previous one (so schedules
chain: SequentialLR, ChainedScheduler, or two schedules stepping one optimizer); creating one
sets ``initial_lr`` in every group and takes the first step (epoch 0). A subclass of LRScheduler
that defines get_lr() is a schedule of its own, as in torch.
"""

import types

from .. import _C
from . import Optimizer

__all__ = [
    "LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR",
    "LinearLR", "ExponentialLR", "InverseTimeLR", "PolynomialLR", "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "ReduceLROnPlateau", "SequentialLR",
    "ChainedScheduler",
]

_native = _C._optim

LRScheduler = _native.LRScheduler
LRScheduler.__module__ = __name__
_native_init = LRScheduler.__init__


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _base_lrs(optimizer, last_epoch):
    """The lrs a schedule starts from: each group's initial_lr, or its lr when none is recorded;
    resuming (last_epoch >= 0) needs initial_lr, as in torch."""
    _check_optimizer(optimizer)
    groups = optimizer.param_groups
    if last_epoch != -1:
        for index, group in enumerate(groups):
            if "initial_lr" not in group:
                raise KeyError(f"param 'initial_lr' is not specified in param_groups[{index}] "
                               "when resuming a scheduler with last_epoch >= 0")
    return [group["initial_lr"] if "initial_lr" in group else group["lr"] for group in groups]


def _started(scheduler, optimizer):
    """Keeps the optimizer on the schedule and records initial_lr where no schedule did yet."""
    scheduler.optimizer = optimizer
    for group, base in zip(optimizer.param_groups, scheduler.base_lrs):
        if "initial_lr" not in group:
            group["initial_lr"] = base


def _per_group(owner, name, optimizer, value):
    """value repeated for every group, or a list/tuple with one value per group."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"{owner}: expected {groups} values for {name}, got {len(value)}")
        return list(value)
    return [value] * groups


def _whole(value, message):
    """value as an int; ValueError(message) when it is not a whole number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise ValueError(f"{message}, got {value}")
    return int(value)


# ---- LRScheduler: the bound C++ base, with torch's Python face ----------------------------


def _attach(fn):
    # Dunder methods are written with a leading "_scheduler" and attached under their real names.
    name = fn.__name__.removeprefix("_scheduler")
    fn.__name__ = name
    fn.__qualname__ = f"LRScheduler.{name}"
    setattr(LRScheduler, name, fn)
    return fn


LRScheduler._unsaved_attributes = ("optimizer",)


@_attach
def _scheduler__init__(self, optimizer, last_epoch=-1):
    """For subclasses that define get_lr(): starts the schedule as torch's LRScheduler does
    (the built-in schedules have constructors of their own)."""
    base_lrs = _base_lrs(optimizer, last_epoch)
    _native_init(self, optimizer._impl, last_epoch, base_lrs)
    _started(self, optimizer)
    self._initial_step()


@_attach
def state_dict(self):
    """torch's layout: the schedule's fields (last_epoch, base_lrs, _step_count, _last_lr and its
    own, such as gamma or T_cur) and the attributes a Python subclass added; not the optimizer.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> sched.step()
        >>> state = sched.state_dict()
        >>> state["last_epoch"], state["gamma"], state["base_lrs"]
        (1, 0.5, [1.0])
    """
    state = {key: value for key, value in self.__dict__.items()
             if key not in self._unsaved_attributes}
    state.update(self._state_dict())
    return state


@_attach
def load_state_dict(self, state_dict):
    """Restores the schedule from :meth:`state_dict`'s dict (the optimizer is not in it).

    Args:
        state_dict (dict): A dict from :meth:`state_dict`.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> sched = st.optim.lr_scheduler.StepLR(st.optim.SGD([w], lr=1.0), step_size=1)
        >>> sched.step()
        >>> fresh = st.optim.lr_scheduler.StepLR(st.optim.SGD([w], lr=1.0), step_size=1)
        >>> fresh.load_state_dict(sched.state_dict())
        >>> fresh.last_epoch
        1
    """
    native = self._state_dict()
    self._load_state_dict({key: value for key, value in state_dict.items() if key in native})
    self.__dict__.update({key: value for key, value in state_dict.items()
                          if key not in native and key not in self._unsaved_attributes})


@_attach
def _scheduler__getattr__(self, name):
    # Every field of the C++ schedule (gamma, T_max, best, ...) reads as an attribute, as in torch.
    if not name.startswith("__"):
        try:
            state = self._state_dict()
        except Exception:  # the C++ schedule is not built yet
            state = {}
        if name in state:
            return state[name]
    raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


@_attach
def _scheduler__repr__(self):
    return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self.get_last_lr()})"


# ---- the schedules ------------------------------------------------------------------------


def _lambdas(name, optimizer, lr_lambda):
    _check_optimizer(optimizer)
    if isinstance(lr_lambda, (list, tuple)) and len(lr_lambda) != len(optimizer.param_groups):
        raise ValueError(f"{name}: expected {len(optimizer.param_groups)} lr_lambdas, got "
                         f"{len(lr_lambda)}")
    lambdas = _per_group(name, "lr_lambda", optimizer, lr_lambda)
    for index, function in enumerate(lambdas):
        if not callable(function):
            raise TypeError(f"{name}: lr_lambda {index} should be callable, got "
                            f"{type(function).__name__}")
    return lambdas


class _LambdaState:
    """torch's state layout for the lambda schedules: functions are not saved (None in their
    place); a callable object's attributes are."""

    _unsaved_attributes = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        lambdas = _lambdas(type(self).__name__, optimizer, lr_lambda)
        base_lrs = _base_lrs(optimizer, last_epoch)
        super().__init__(optimizer._impl, lambdas, last_epoch, base_lrs)
        self.lr_lambdas = lambdas
        _started(self, optimizer)

    def state_dict(self):
        """The schedule's state; a plain function is saved as None, a callable object's
        attributes as a dict (torch's layout).

        Example:
            >>> w = nn.Parameter(st.zeros(1))
            >>> opt = st.optim.SGD([w], lr=1.0)
            >>> sched = st.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5 ** epoch)
            >>> sched.step()
            >>> state = sched.state_dict()
            >>> state["last_epoch"], state["lr_lambdas"]
            (1, [None])
        """
        state = super().state_dict()
        state["lr_lambdas"] = [None if isinstance(function, types.FunctionType) or
                               not hasattr(function, "__dict__") else dict(function.__dict__)
                               for function in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        """Restores the state and the saved attributes of callable-object lambdas.

        Args:
            state_dict (dict): A dict from :meth:`state_dict`.

        Example:
            >>> w = nn.Parameter(st.zeros(1))
            >>> opt = st.optim.SGD([w], lr=1.0)
            >>> sched = st.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5 ** epoch)
            >>> for _ in range(3):
            ...     sched.step()
            >>> resumed = st.optim.lr_scheduler.LambdaLR(st.optim.SGD([w], lr=1.0),
            ...                                          lambda epoch: 0.5 ** epoch)
            >>> resumed.load_state_dict(sched.state_dict())
            >>> resumed.last_epoch
            3
        """
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", None) or []
        super().load_state_dict(state)
        for function, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                function.__dict__.update(attributes)


class LambdaLR(_LambdaState, _native.LambdaLR):
    """lr = base_lr * lr_lambda(epoch), one function for all groups or one per group.

        warmup = lr_scheduler.LambdaLR(opt, lambda epoch: min(1.0, (epoch + 1) / 5))

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        lr_lambda (callable or list of callables): ``epoch -> factor``, one for all groups or
            one per group.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5 ** epoch)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 0.25, 0.125]
    """


class MultiplicativeLR(_LambdaState, _native.MultiplicativeLR):
    """lr = previous lr * lr_lambda(epoch) after the first step.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        lr_lambda (callable or list of callables): ``epoch -> factor``, one for all groups or
            one per group.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.5)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 0.25, 0.125]
    """


class ConstantLR(_native.ConstantLR):
    """lr = base_lr * factor for the first total_iters epochs, base_lr afterwards.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        factor (float): The multiplier while the warm-up lasts. Default: 1/3.
        total_iters (int): How many epochs it lasts. Default: 5.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 1.0, 1.0]
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        total_iters = _whole(total_iters, "ConstantLR: expected an integer total_iters >= 0")
        super().__init__(optimizer._impl, factor, total_iters, last_epoch, base_lrs)
        _started(self, optimizer)


class PolynomialLR(_native.PolynomialLR):
    """lr = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power: a polynomial decay to 0
    over total_iters epochs.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        total_iters (int): The epochs of the decay. Default: 5.
        power (float): The polynomial's power. Default: 1.0.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.PolynomialLR(opt, total_iters=4)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.75, 0.5, 0.25, 0.0]
    """

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        total_iters = _whole(total_iters, "PolynomialLR: expected a positive integer total_iters")
        super().__init__(optimizer._impl, total_iters, power, last_epoch, base_lrs)
        _started(self, optimizer)


class StepLR(_native.StepLR):
    """lr = base_lr * gamma ** (epoch // step_size).

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        step_size (int): The epochs between decays.
        gamma (float): The decay factor. Default: 0.1.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [1.0, 0.1, 0.1, 0.01]
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        step_size = _whole(step_size, "StepLR: expected a positive integer step_size")
        super().__init__(optimizer._impl, step_size, gamma, last_epoch, base_lrs)
        _started(self, optimizer)


class MultiStepLR(_native.MultiStepLR):
    """lr = base_lr * gamma ** (number of milestones <= epoch); a repeated milestone counts
    twice.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        milestones (list of int): The epochs at which to decay.
        gamma (float): The decay factor. Default: 0.1.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3])
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.1, 0.1, 0.01]
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        super().__init__(optimizer._impl, list(milestones), gamma, last_epoch, base_lrs)
        _started(self, optimizer)


class ExponentialLR(_native.ExponentialLR):
    """lr = base_lr * gamma ** epoch.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        gamma (float): The decay factor per epoch.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 0.25, 0.125]
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        super().__init__(optimizer._impl, gamma, last_epoch, base_lrs)
        _started(self, optimizer)


class InverseTimeLR(_native.InverseTimeLR):
    """The notes' 1/t decay, lr = base_lr / (1 + decay_rate * epoch) (no torch equivalent),
    computed from base_lrs at every step.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        decay_rate (float): The k of ``lr = base_lr / (1 + k * epoch)``.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.InverseTimeLR(opt, decay_rate=1.0)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 0.3333, 0.25]
    """

    def __init__(self, optimizer, decay_rate, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        super().__init__(optimizer._impl, decay_rate, last_epoch, base_lrs)
        _started(self, optimizer)


class LinearLR(_native.LinearLR):
    """Warm-up: the factor of base_lr goes linearly from start_factor to end_factor over
    total_iters steps, then stays.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        start_factor (float): The factor at epoch 0. Default: 1/3.
        end_factor (float): The factor from ``total_iters`` on. Default: 1.0.
        total_iters (int): The epochs of the ramp. Default: 5.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.75, 1.0, 1.0]
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        total_iters = _whole(total_iters, "LinearLR: expected an integer total_iters > 0")
        super().__init__(optimizer._impl, start_factor, end_factor, total_iters, last_epoch,
                         base_lrs)
        _started(self, optimizer)


class CosineAnnealingLR(_native.CosineAnnealingLR):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2, applied as torch
    does, as a ratio to the previous lr (so it composes with other schedules); past T_max the
    cosine goes back up.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        T_max (int): The epochs of a half cosine.
        eta_min (float): The lowest lr. Default: 0.0.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=2)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 0.0, 0.5]
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        T_max = _whole(T_max, "CosineAnnealingLR: expected an integer T_max > 0")
        super().__init__(optimizer._impl, T_max, eta_min, last_epoch, base_lrs)
        _started(self, optimizer)


class CosineAnnealingWarmRestarts(_native.CosineAnnealingWarmRestarts):
    """SGDR: cosine annealing from base_lr to eta_min over T_i steps, then a restart; T_i starts
    at T_0 and is multiplied by T_mult at each restart. step(epoch) accepts fractional epochs.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        T_0 (int): The epochs of the first cycle.
        T_mult (int): The factor by which each cycle grows. Default: 1.
        eta_min (float): The lowest lr. Default: 0.0.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 1.0, 0.5]
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        base_lrs = _base_lrs(optimizer, last_epoch)
        if not isinstance(T_0, int):
            raise ValueError(f"CosineAnnealingWarmRestarts: expected a positive integer T_0, "
                             f"got {T_0}")
        if not isinstance(T_mult, int):
            raise ValueError(f"CosineAnnealingWarmRestarts: expected an integer T_mult >= 1, "
                             f"got {T_mult}")
        super().__init__(optimizer._impl, T_0, T_mult, eta_min, last_epoch, base_lrs)
        _started(self, optimizer)


def _record_momentum_cycle(scheduler, optimizer):
    """The momentum anchors torch keeps in the groups of a fresh cycling schedule."""
    state = scheduler._state_dict()
    for group, top, bottom in zip(optimizer.param_groups, state["max_momentums"],
                                  state["base_momentums"]):
        group["max_momentum"] = top
        group["base_momentum"] = bottom


class CyclicLR(_native.CyclicLR):
    """Cyclical learning rates (Smith 2017): lr goes from base_lr up to max_lr over step_size_up
    steps and back over step_size_down, scaled per cycle by mode "triangular" (1),
    "triangular2" (halved each cycle) or "exp_range" (gamma ** step), or by scale_fn(x) with
    scale_mode "cycle" | "iterations". With cycle_momentum, momentum (or Adam's beta1) cycles
    between max_momentum and base_momentum the other way. Step once per batch.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        base_lr (float or list): The bottom of the cycle (per group or for all).
        max_lr (float or list): The top of the cycle.
        step_size_up (int): Steps from bottom to top. Default: 2000.
        step_size_down (int, optional): Steps from top to bottom. Default: None (= step_size_up).
        mode (str): ``'triangular'``, ``'triangular2'`` or ``'exp_range'``.
            Default: ``'triangular'``.
        gamma (float): The ``'exp_range'`` factor. Default: 1.0.
        scale_fn (callable, optional): A custom amplitude scale; overrides ``mode``. Default: None.
        scale_mode (str): ``'cycle'`` or ``'iterations'``, the argument of scale_fn.
            Default: ``'cycle'``.
        cycle_momentum (bool): Cycle the momentum inversely (needs momentum or betas).
            Default: True.
        base_momentum (float or list): The momentum at the lr's top. Default: 0.8.
        max_momentum (float or list): The momentum at the lr's bottom. Default: 0.9.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.CyclicLR(opt, 0.1, 1.0, step_size_up=2,
        ...                                        cycle_momentum=False)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.55, 1.0, 0.55, 0.1]
    """

    _unsaved_attributes = ("optimizer", "_scale_fn_custom")

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        recorded = _base_lrs(optimizer, last_epoch)
        owner = "CyclicLR"
        bottoms = _per_group(owner, "base_lr", optimizer, base_lr)
        # torch's first step runs from initial_lr, which a fresh CyclicLR records as base_lr.
        base_lrs = [lr if "initial_lr" in group else bottom
                    for group, lr, bottom in zip(optimizer.param_groups, recorded, bottoms)]
        tops = _per_group(owner, "max_lr", optimizer, max_lr)
        momenta = (_per_group(owner, "base_momentum", optimizer, base_momentum),
                   _per_group(owner, "max_momentum", optimizer, max_momentum))
        super().__init__(optimizer._impl, bottoms, tops, step_size_up, step_size_down, mode, gamma,
                         scale_fn, scale_mode, cycle_momentum, *momenta, last_epoch, base_lrs)
        self._scale_fn_custom = scale_fn
        _started(self, optimizer)
        if cycle_momentum and last_epoch == -1:
            _record_momentum_cycle(self, optimizer)

    def state_dict(self):
        """The schedule's state; a custom scale_fn is code, so (as in torch) only a callable
        object's attributes are saved.

        Example:
            >>> w = nn.Parameter(st.zeros(1))
            >>> opt = st.optim.SGD([w], lr=1.0)
            >>> sched = st.optim.lr_scheduler.CyclicLR(opt, 0.1, 1.0, step_size_up=2,
            ...                                        cycle_momentum=False)
            >>> sched.step()
            >>> state = sched.state_dict()
            >>> state["last_epoch"], state["_scale_fn_custom"]
            (1, None)
        """
        state = super().state_dict()
        custom = self._scale_fn_custom
        state["_scale_fn_custom"] = (dict(custom.__dict__) if custom is not None and
                                     not isinstance(custom, types.FunctionType) and
                                     hasattr(custom, "__dict__") else None)
        return state

    def load_state_dict(self, state_dict):
        """Restores the state and a callable-object scale_fn's attributes.

        Args:
            state_dict (dict): A dict from :meth:`state_dict`.

        Example:
            >>> w = nn.Parameter(st.zeros(1))
            >>> def cyclic(opt):
            ...     return st.optim.lr_scheduler.CyclicLR(opt, 0.1, 1.0, step_size_up=2,
            ...                                           cycle_momentum=False)
            >>> sched = cyclic(st.optim.SGD([w], lr=1.0))
            >>> for _ in range(3):
            ...     sched.step()
            >>> opt = st.optim.SGD([w], lr=1.0)
            >>> resumed = cyclic(opt)
            >>> resumed.load_state_dict(sched.state_dict())
            >>> resumed.step()
            >>> round(resumed.get_last_lr()[0], 4)
            0.1
        """
        state = dict(state_dict)
        attributes = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if attributes is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(attributes)


class OneCycleLR(_native.OneCycleLR):
    """The 1cycle policy: lr rises from max_lr / div_factor to max_lr over pct_start of the
    total_steps, then anneals to max_lr / (div_factor * final_div_factor) (three_phase: back to the
    initial lr first); momentum (or Adam's beta1) cycles the other way between max_momentum and
    base_momentum. Step once per batch.

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        max_lr (float or list): The peak lr.
        total_steps (int, optional): The cycle's length; or give epochs and steps_per_epoch.
            Default: None.
        epochs (int, optional): With steps_per_epoch, total_steps = epochs * steps_per_epoch.
            Default: None.
        steps_per_epoch (int, optional): Batches per epoch. Default: None.
        pct_start (float): The rising fraction of the cycle. Default: 0.3.
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Default: ``'cos'``.
        cycle_momentum (bool): Cycle the momentum inversely. Default: True.
        base_momentum (float or list): The momentum at the lr's peak. Default: 0.85.
        max_momentum (float or list): The momentum at the start and end. Default: 0.95.
        div_factor (float): initial lr = max_lr / div_factor. Default: 25.
        final_div_factor (float): final lr = initial lr / final_div_factor. Default: 1e4.
        three_phase (bool): Return to the initial lr before the final annealing. Default: False.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Raises:
        ValueError: Neither total_steps nor epochs and steps_per_epoch, or a bad value.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0, momentum=0.9)
        >>> sched = st.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
        >>> round(opt.param_groups[0]["lr"], 4)
        0.04
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        _base_lrs(optimizer, last_epoch)  # resuming needs initial_lr, as in torch
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"OneCycleLR: expected a positive integer total_steps, "
                                 f"got {total_steps}")
        elif epochs is not None and steps_per_epoch is not None:
            for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if not isinstance(value, int) or value <= 0:
                    raise ValueError(f"OneCycleLR: expected a positive integer {name}, "
                                     f"got {value}")
            total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("OneCycleLR: you must define either total_steps OR "
                             "(epochs AND steps_per_epoch)")
        if not isinstance(pct_start, float):
            raise ValueError(f"OneCycleLR: expected a float pct_start between 0 and 1, "
                             f"got {pct_start}")
        owner = "OneCycleLR"
        super().__init__(optimizer._impl, _per_group(owner, "max_lr", optimizer, max_lr),
                         total_steps, pct_start, anneal_strategy, cycle_momentum,
                         _per_group(owner, "base_momentum", optimizer, base_momentum),
                         _per_group(owner, "max_momentum", optimizer, max_momentum), div_factor,
                         final_div_factor, three_phase, last_epoch)
        self.optimizer = optimizer
        if last_epoch == -1:
            state = self._state_dict()
            for group, start, top, end in zip(optimizer.param_groups, self.base_lrs,
                                              state["max_lrs"], state["min_lrs"]):
                group["initial_lr"] = start
                group["max_lr"] = top
                group["min_lr"] = end
            if cycle_momentum:
                _record_momentum_cycle(self, optimizer)


class ReduceLROnPlateau(_native.ReduceLROnPlateau):
    """Multiplies the lrs by factor (never below min_lr) when the metric passed to step(metrics)
    has not improved for more than patience steps; then waits cooldown steps. mode "min"/"max",
    threshold_mode "rel" (better than best * (1 -+ threshold)) or "abs" (best -+ threshold).

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        mode (str): ``'min'`` (a loss) or ``'max'`` (an accuracy). Default: ``'min'``.
        factor (float): The multiplier of a reduction. Default: 0.1.
        patience (int): Epochs without improvement tolerated. Default: 10.
        threshold (float): The least change that counts as improvement. Default: 1e-4.
        threshold_mode (str): ``'rel'`` or ``'abs'``. Default: ``'rel'``.
        cooldown (int): Epochs to wait after a reduction. Default: 0.
        min_lr (float or list): The lowest lr (per group or for all). Default: 0.
        eps (float): Reductions smaller than this are skipped. Default: 1e-8.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> sched = st.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
        >>> for loss in [1.0, 1.0, 1.0, 1.0]:
        ...     sched.step(loss)
        >>> opt.param_groups[0]["lr"]
        0.5
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8):
        _check_optimizer(optimizer)
        per_group = isinstance(min_lr, (list, tuple))
        super().__init__(optimizer._impl, mode, factor, patience, threshold, threshold_mode,
                         cooldown, 0.0 if per_group else min_lr,
                         _per_group("ReduceLROnPlateau", "min_lr", optimizer, min_lr)
                         if per_group else [], eps)
        self.optimizer = optimizer

    def step(self, metrics):
        """Records the epoch's metric; reduces the lrs after ``patience`` epochs without
        improvement.

        Args:
            metrics (float or one-element Tensor): The monitored quantity.

        Example:
            >>> w = nn.Parameter(st.zeros(1))
            >>> opt = st.optim.SGD([w], lr=1.0)
            >>> sched = st.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
            >>> sched.step(1.0)
            >>> sched.step(2.0)
            >>> opt.param_groups[0]["lr"]
            0.5
        """
        super().step(float(metrics))


class _CompositeState:
    """state_dict of a schedule made of others (self._schedulers): its own fields and each inner
    schedule's state, torch's layout."""

    _unsaved_attributes = ("optimizer", "_schedulers")

    def state_dict(self):
        """This schedule's fields and each inner schedule's state dict (torch's layout).

        Example:
            >>> from striate.optim import lr_scheduler
            >>> w = nn.Parameter(st.zeros(1))
            >>> opt = st.optim.SGD([w], lr=1.0)
            >>> warmup = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
            >>> decay = lr_scheduler.ExponentialLR(opt, gamma=0.9)
            >>> sched = lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[2])
            >>> sched.step()
            >>> state = sched.state_dict()
            >>> state["last_epoch"], len(state["_schedulers"])
            (1, 2)
        """
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        """Restores this schedule and each inner one.

        Args:
            state_dict (dict): A dict from :meth:`state_dict`.

        Example:
            >>> from striate.optim import lr_scheduler
            >>> w = nn.Parameter(st.zeros(1))
            >>> def schedule(opt):
            ...     warmup = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
            ...     decay = lr_scheduler.ExponentialLR(opt, gamma=0.5)
            ...     return lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[2])
            >>> sched = schedule(st.optim.SGD([w], lr=1.0))
            >>> for _ in range(3):
            ...     sched.step()
            >>> resumed = schedule(st.optim.SGD([w], lr=1.0))
            >>> resumed.load_state_dict(sched.state_dict())
            >>> resumed.last_epoch
            3
        """
        state = dict(state_dict)
        saved = state.pop("_schedulers", [])
        super().load_state_dict(state)
        for scheduler, entry in zip(self._schedulers, saved):
            scheduler.load_state_dict(entry)


class SequentialLR(_CompositeState, _native.SequentialLR):
    """Runs schedulers one after the other: schedulers[i] from milestones[i - 1] on, each
    restarting from its own epoch 0 (e.g. LinearLR warm-up, then CosineAnnealingLR).

    Args:
        optimizer (Optimizer): The optimizer whose groups' lr it sets.
        schedulers (list of LRScheduler): The schedules, in order, all of ``optimizer``.
        milestones (list of int): The epochs at which the next schedule takes over.
        last_epoch (int): The last epoch when resuming; -1 starts fresh. Default: -1.

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> from striate.optim.lr_scheduler import ConstantLR, ExponentialLR
        >>> warmup = ConstantLR(opt, factor=0.5, total_iters=2)
        >>> decay = ExponentialLR(opt, gamma=0.5)
        >>> sched = st.optim.lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[2])
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.5, 1.0, 0.5]
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_optimizer(optimizer)
        schedulers = list(schedulers)
        super().__init__(optimizer._impl, schedulers, list(milestones), last_epoch)
        self._schedulers = schedulers
        self.optimizer = optimizer


class ChainedScheduler(_CompositeState, _native.ChainedScheduler):
    """Steps several schedules of one optimizer together at every step() (their effects
    multiply, e.g. ConstantLR warm-up over ExponentialLR decay).

    Args:
        schedulers (list of LRScheduler): The schedules, all of one optimizer.
        optimizer (Optimizer, optional): That optimizer. Default: None (the schedules').

    Example:
        >>> w = nn.Parameter(st.zeros(1))
        >>> opt = st.optim.SGD([w], lr=1.0)
        >>> from striate.optim.lr_scheduler import ConstantLR, ExponentialLR
        >>> warmup = ConstantLR(opt, factor=0.5, total_iters=2)
        >>> decay = ExponentialLR(opt, gamma=0.5)
        >>> sched = st.optim.lr_scheduler.ChainedScheduler([warmup, decay])
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
        >>> lrs
        [0.25, 0.25, 0.125]
    """

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        if optimizer is not None:
            _check_optimizer(optimizer)
        super().__init__(schedulers, None if optimizer is None else optimizer._impl)
        self._schedulers = schedulers
        self.optimizer = optimizer if optimizer is not None else schedulers[0].optimizer

    def __repr__(self):
        inner = ", ".join(type(scheduler).__name__ for scheduler in self._schedulers)
        return f"ChainedScheduler([{inner}], lr={self.get_last_lr()})"
