// Docstrings of the learning-rate schedules and SWA helpers bound in bind_lr_scheduler.cpp and
// bind_swa_utils.cpp (striate.optim.lr_scheduler, striate.optim.swa_utils; Google style).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kLRScheduler =
    R"doc(Base class of the learning-rate schedules (torch.optim.lr_scheduler.LRScheduler).

A schedule writes each parameter group's ``lr`` when :meth:`step` is called, usually once per
epoch (per batch for CyclicLR and OneCycleLR). Creating one records ``initial_lr`` in every
group and takes the first step (epoch 0). A Python subclass that defines ``get_lr()`` is a
schedule of its own, as in torch.

Args:
    optimizer (Optimizer): The optimizer whose groups' ``lr`` the schedule sets.
    last_epoch (int): The index of the last epoch when resuming; -1 starts fresh. Default: -1.

Example:
    >>> from striate.optim import lr_scheduler
    >>> w = nn.Parameter(st.zeros(1))
    >>> opt = st.optim.SGD([w], lr=1.0)
    >>> class Halving(lr_scheduler.LRScheduler):
    ...     def get_lr(self):
    ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
    >>> sched = Halving(opt)
    >>> sched.step()
    >>> sched.get_last_lr()
    [0.5]
)doc";

inline constexpr const char* kLRSchedulerStep =
    R"doc(Advances the schedule one epoch (or batch) and writes the new lrs into the optimizer.

Call it after ``optimizer.step()``.

Example:
    >>> w = nn.Parameter(st.zeros(1))
    >>> opt = st.optim.SGD([w], lr=1.0)
    >>> sched = st.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
    >>> sched.step()
    >>> opt.param_groups[0]["lr"]
    0.1
)doc";

inline constexpr const char* kLRSchedulerGetLr =
    R"doc(Computes the lrs of the current epoch from the schedule's rule (without writing them).

Returns:
    list of float: One lr per parameter group.

Example:
    >>> from striate.optim import lr_scheduler
    >>> w = nn.Parameter(st.zeros(1))
    >>> class Halving(lr_scheduler.LRScheduler):
    ...     def get_lr(self):
    ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
    >>> sched = Halving(st.optim.SGD([w], lr=1.0))
    >>> sched.step()
    >>> sched.get_lr()
    [0.5]
)doc";

inline constexpr const char* kLRSchedulerGetLastLr = R"doc(The lrs the last :meth:`step` wrote, one per parameter group.

Returns:
    list of float: The current lrs.

Example:
    >>> w = nn.Parameter(st.zeros(1))
    >>> sched = st.optim.lr_scheduler.ExponentialLR(st.optim.SGD([w], lr=1.0), gamma=0.5)
    >>> sched.step()
    >>> sched.get_last_lr()
    [0.5]
)doc";

inline constexpr const char* kLRSchedulerLastEpoch =
    R"doc(The index of the last step taken (0 right after construction). Settable.)doc";

inline constexpr const char* kLRSchedulerBaseLrs =
    R"doc(The lrs the schedule starts from: each group's ``initial_lr``. Settable.)doc";

inline constexpr const char* kWarmRestartsStep =
    R"doc(Advances the schedule: by one step, or to ``epoch`` (fractions allowed, e.g. per batch).

Args:
    epoch (float, optional): The (fractional) epoch to move to. Default: None (one step on).

Example:
    >>> w = nn.Parameter(st.zeros(1))
    >>> opt = st.optim.SGD([w], lr=1.0)
    >>> sched = st.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
    >>> sched.step(1.0)
    >>> round(opt.param_groups[0]["lr"], 4)
    0.5
)doc";

inline constexpr const char* kWarmRestartsTCur = R"doc(The (fractional) number of epochs since the last restart.)doc";

inline constexpr const char* kWarmRestartsTI =
    R"doc(The length of the current cycle in epochs (T_0 times T_mult per restart).)doc";

inline constexpr const char* kCyclicScaleFn =
    R"doc(The amplitude scale of the cycle (or iteration) ``x`` for the schedule's mode.

``'triangular'``: 1; ``'triangular2'``: ``1 / 2 ** (x - 1)``; ``'exp_range'``: ``gamma ** x``;
or the user's ``scale_fn``.

Args:
    x (float): The cycle number (``scale_mode='cycle'``) or the iteration.

Returns:
    float: The scale applied to ``max_lr - base_lr``.

Example:
    >>> w = nn.Parameter(st.zeros(1))
    >>> sched = st.optim.lr_scheduler.CyclicLR(st.optim.SGD([w], lr=1.0), 0.1, 1.0,
    ...                                        mode="triangular2", cycle_momentum=False)
    >>> [sched.scale_fn(cycle) for cycle in (1, 2, 3)]
    [1.0, 0.5, 0.25]
)doc";

inline constexpr const char* kPlateauStep =
    R"doc(Records the epoch's metric and reduces the lrs after ``patience`` epochs without improvement.

Args:
    metrics (float): The monitored quantity (a validation loss, an accuracy, ...).

Example:
    >>> w = nn.Parameter(st.zeros(1))
    >>> opt = st.optim.SGD([w], lr=1.0)
    >>> sched = st.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    >>> sched.step(1.0)
    >>> sched.step(2.0)
    >>> opt.param_groups[0]["lr"]
    0.5
)doc";

inline constexpr const char* kPlateauIsBetter =
    R"doc(Whether metric ``a`` improves on ``best`` under the mode and threshold.

Args:
    a (float): A metric value.
    best (float): The best value so far.

Returns:
    bool: True when ``a`` counts as an improvement.

Example:
    >>> w = nn.Parameter(st.zeros(1))
    >>> sched = st.optim.lr_scheduler.ReduceLROnPlateau(st.optim.SGD([w], lr=1.0),
    ...                                                 mode="min", threshold=0.1)
    >>> sched.is_better(0.85, 1.0), sched.is_better(0.95, 1.0)
    (True, False)
)doc";

inline constexpr const char* kPlateauInCooldown =
    R"doc(True while the cooldown after a reduction lasts (bad epochs are not counted).)doc";

inline constexpr const char* kPlateauBest = R"doc(The best metric seen so far.)doc";

inline constexpr const char* kPlateauNumBadEpochs = R"doc(The number of epochs since the last improvement.)doc";

inline constexpr const char* kSnapshotEnsembleSnapshot =
    R"doc(Stores a copy of the model's current state as one member of the ensemble.

Returns:
    int: The number of snapshots now held.

Example:
    >>> ensemble = st.optim.swa_utils.SnapshotEnsemble(nn.Linear(2, 3))
    >>> ensemble.snapshot()
    1
    >>> ensemble.snapshot()
    2
)doc";

inline constexpr const char* kSnapshotEnsemblePredict =
    R"doc(The mean of the snapshots' outputs on ``input`` (each snapshot run in eval mode).

Args:
    input (Tensor): A batch for the model.

Returns:
    Tensor: The averaged output.

Raises:
    RuntimeError: No snapshot was taken yet.

Example:
    >>> model = nn.Linear(1, 2, bias=False)
    >>> ensemble = st.optim.swa_utils.SnapshotEnsemble(model)
    >>> with st.no_grad():
    ...     _ = model.weight.copy_(st.tensor([[1.0], [0.0]]))
    >>> ensemble.snapshot()
    1
    >>> with st.no_grad():
    ...     _ = model.weight.copy_(st.tensor([[0.0], [1.0]]))
    >>> ensemble.snapshot()
    2
    >>> ensemble.predict(st.ones(1, 1))
    tensor([[0.5000, 0.5000]])
)doc";

inline constexpr const char* kSnapshotEnsembleSnapshots =
    R"doc(The stored snapshots, each a ``{name: tensor}`` dict of the model's state.)doc";

}  // namespace striate::python::docstrings
