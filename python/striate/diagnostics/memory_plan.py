"""Will it fit: the memory, FLOPs and time of one training step, planned before training.

:func:`plan` measures rather than guesses. It trains a copy of the model for one step at two
small calibration batches on the target device, with the device allocator's peak counter
(``striate.backends.cpu`` or ``striate.cuda``), so the activation memory it reports is what the
ops actually keep for backward (their saved tensors, the workspaces of the chosen convolution
algorithms, the gradients as they are produced). A training step's memory and FLOPs are affine
in the batch size, ``a + c * batch``; the two calibration points give ``a`` and ``c``, and the
plan extrapolates to the batch asked for. Parameters, gradients and optimizer state are counted
from the tensors themselves (the state from a real step of the real optimizer class).
"""

import copy
import gc
import statistics
import time

__all__ = ["Plan", "plan", "max_batch_size"]

_OPTIMIZERS = {
    "sgd": ("SGD", {"lr": 0.01}),
    "sgd_momentum": ("SGD", {"lr": 0.01, "momentum": 0.9}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
    "rmsprop": ("RMSprop", {}),
    "adagrad": ("Adagrad", {}),
    "adadelta": ("Adadelta", {}),
    "adamax": ("Adamax", {}),
    "nadam": ("NAdam", {}),
    "radam": ("RAdam", {}),
}


def _mib(nbytes):
    return f"{nbytes / 2**20:,.1f} MiB"


class Plan:
    """What one training step at ``batch_size`` needs, from :func:`plan`.

    Attributes:
        batch_size (int): The batch planned for.
        input_shape (tuple): One sample's shape.
        device (striate.device): Where the step runs.
        parameters (int): Parameter count.
        parameter_bytes (int): Bytes of the parameters.
        gradient_bytes (int): Bytes of the gradients (parameters that require grad).
        optimizer_state_bytes (int): Bytes of the optimizer's state after a step.
        activation_bytes (int): Peak bytes of the forward and backward beyond the parameters,
            their gradients and the optimizer state (saved tensors, workspaces, the batch).
        peak_bytes (int): ``parameter_bytes + optimizer_state_bytes + gradient_bytes +
            activation_bytes``: the most memory the step holds at once.
        flops (int): Floating-point operations of forward and backward (multiply-add = 2).
        step_time_s (float): Estimated seconds per step (forward, backward, optimizer), from the
            calibration's timings.
        calibration (tuple): The calibration batch sizes.

    Example:
        >>> p = st.plan(nn.Sequential(nn.Flatten(), nn.Linear(64, 10)), (1, 8, 8), 32)
        >>> p.parameters, p.peak_bytes >= p.parameter_bytes
        (650, True)
    """

    def __init__(self, **fields):
        self._fixed = fields.pop("_fixed")
        self._per_sample = fields.pop("_per_sample")
        self.__dict__.update(fields)

    def peak_bytes_at(self, batch_size):
        """The peak bytes of a step at another batch size (the same affine model).

        Args:
            batch_size (int): The batch.

        Returns:
            int: Bytes.

        Example:
            >>> p = st.plan(nn.Sequential(nn.Flatten(), nn.Linear(64, 10)), (1, 8, 8), 32)
            >>> p.peak_bytes_at(64) >= p.peak_bytes
            True
        """
        return int(self._fixed + self._per_sample * batch_size)

    def fits(self, memory_limit):
        """Whether the planned step's peak stays within ``memory_limit`` bytes.

        Args:
            memory_limit (int): Bytes available.

        Returns:
            bool

        Example:
            >>> st.plan(nn.Linear(4, 2), (4,), 8).fits(2**30)
            True
        """
        return self.peak_bytes <= memory_limit

    def __repr__(self):
        rows = [
            ("parameters", f"{self.parameters:,} ({_mib(self.parameter_bytes)})"),
            ("gradients", _mib(self.gradient_bytes)),
            ("optimizer state", _mib(self.optimizer_state_bytes)),
            ("activations (peak)", _mib(self.activation_bytes)),
            ("peak memory", _mib(self.peak_bytes)),
            ("FLOPs per step", f"{self.flops / 1e9:,.3f} GFLOP"),
            ("est. step time", f"{self.step_time_s * 1e3:,.1f} ms"),
        ]
        head = (f"Plan: batch {self.batch_size} of {tuple(self.input_shape)} on {self.device} "
                f"(calibrated at batches {self.calibration[0]} and {self.calibration[1]})")
        width = max(len(name) for name, _ in rows)
        return "\n".join([head] + [f"  {name:<{width}}  {value}" for name, value in rows])


def _memory(device):
    from .. import cuda
    from ..backends import cpu

    if device.type == "cuda":
        index = device.index if device.index is not None else cuda.current_device()
        return (lambda: cuda.memory_allocated(index), lambda: cuda.max_memory_allocated(index),
                lambda: cuda.reset_peak_memory_stats(index), lambda: cuda.synchronize(index))
    return (cpu.memory_allocated, cpu.max_memory_allocated, cpu.reset_peak_memory_stats,
            lambda: None)


def _optimizer(name, params):
    from .. import optim

    if isinstance(name, str):
        key = name.lower()
        if key not in _OPTIMIZERS:
            raise ValueError(f"plan: unknown optimizer {name!r}; expected one of "
                             f"{sorted(_OPTIMIZERS)} or an optim.Optimizer class")
        cls, kwargs = _OPTIMIZERS[key]
        return getattr(optim, cls)(params, **kwargs)
    if isinstance(name, type) and issubclass(name, optim.Optimizer):
        try:
            return name(params)
        except TypeError:
            return name(params, lr=0.01)
    raise TypeError(f"plan: expected optimizer as a name or an optim.Optimizer class, got "
                    f"{type(name).__name__}")


def _default_loss(outputs, targets):
    from ..nn import functional as F

    if outputs.dim() == 2:
        return F.cross_entropy(outputs, targets)
    return (outputs.float() * outputs.float()).mean()


def _targets(outputs):
    from .. import randint, zeros

    if outputs.dim() == 2:
        return randint(0, outputs.shape[1], (outputs.shape[0],), device=outputs.device)
    return zeros(1, device=outputs.device)


def _check_sizes(input_shape, batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"plan: batch_size must be a positive int, got {batch_size!r}")
    try:
        shape = tuple(int(d) for d in input_shape)
    except TypeError:
        raise TypeError(f"plan: expected input_shape as one sample's shape (a sequence of "
                        f"ints, no batch dimension), got {input_shape!r}") from None
    if not shape or any(d < 1 for d in shape):
        raise ValueError(f"plan: input_shape must be one sample's shape with positive sizes "
                         f"(no batch dimension), got {input_shape!r}")
    return shape


class _Calibration:
    """One model copy, its optimizer and loss on the target device, measured at given batches."""

    def __init__(self, model, input_shape, optimizer, device, loss):
        from .. import device as _device

        self.shape = input_shape
        if device is None:
            self.device = _model_device(model)
        else:
            self.device = device if isinstance(device, _device) else _device(str(device))
        self.model = copy.deepcopy(model).to(self.device)
        self.model.train()
        floating = [p.dtype for p in self.model.parameters() if p.dtype.is_floating_point]
        self.dtype = floating[0] if floating else None
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = _optimizer(optimizer, self.params)
        self.loss = loss if loss is not None else _default_loss
        self.allocated, self.peak, self.reset, self.sync = _memory(self.device)
        self.step(1)  # the optimizer's state exists from here on, as in training

    def _forward_backward(self, batch):
        from .. import randn

        x = randn(batch, *self.shape, device=self.device, dtype=self.dtype)
        outputs = self.model(x)
        if isinstance(outputs, (tuple, list)):
            outputs = outputs[0]
        self.loss(outputs, _targets(outputs)).backward()

    def step(self, batch):
        self.optimizer.zero_grad(set_to_none=True)
        self._forward_backward(batch)
        self.optimizer.step()

    def peak_bytes(self, batch):
        """Peak bytes of forward + backward beyond what stays between steps (parameters,
        optimizer state): the activations and the gradients as they appear."""
        self.optimizer.zero_grad(set_to_none=True)
        gc.collect()
        self.sync()
        base = self.allocated()
        self.reset()
        self._forward_backward(batch)
        self.sync()
        peak = self.peak() - base
        self.optimizer.step()
        return peak

    def flops(self, batch):
        from .. import profiler

        self.optimizer.zero_grad(set_to_none=True)
        with profiler.profile() as prof:
            self._forward_backward(batch)
        return sum(e.flops or 0 for e in prof.events() if e.kind == "kernel")

    def seconds(self, batch, repeats=3):
        times = []
        for _ in range(repeats):
            self.sync()
            started = time.perf_counter()
            self.step(batch)
            self.sync()
            times.append(time.perf_counter() - started)
        return statistics.median(times)


def _model_device(model):
    from .. import device

    for p in model.parameters():
        return p.device
    return device("cpu")


def _calibration_batches(batch_size):
    small = max(1, min(8, batch_size // 4))
    return small, 2 * small


def _affine(x1, y1, x2, y2):
    slope = max(0.0, (y2 - y1) / (x2 - x1))
    return y1 - slope * x1, slope


def plan(model, input_shape, batch_size, optimizer="sgd", device=None, loss=None):
    """Plans one training step before training: parameter, gradient, optimizer-state and peak
    activation memory, FLOPs and an estimated step time.

    A copy of ``model`` trains one step at two small calibration batches on ``device`` (the
    model itself is not touched); memory comes from the device allocator's peak counter, so it
    is what the ops actually keep, and is extrapolated to ``batch_size`` along the affine model
    ``a + c * batch`` that a step's memory and work follow.

    Args:
        model (Module): The model.
        input_shape (sequence of int): One sample's shape, without the batch dimension, e.g.
            ``(1, 28, 28)``.
        batch_size (int): The batch to plan for.
        optimizer (str or type): ``'sgd'``, ``'sgd_momentum'``, ``'adam'``, ``'adamw'``,
            ``'rmsprop'``, ``'adagrad'``, ``'adadelta'``, ``'adamax'``, ``'nadam'``,
            ``'radam'``, or an ``optim.Optimizer`` class. Default: ``'sgd'``.
        device (str or device, optional): Where the step will run. Default: None (where the
            model's parameters are).
        loss (callable, optional): ``loss(outputs, targets)``; the targets are random class
            indices for 2-D outputs. Default: None (cross-entropy for 2-D outputs, the mean
            square otherwise).

    Returns:
        Plan: The figures; ``repr`` prints them as a table.

    Raises:
        ValueError: ``batch_size`` is not a positive int, ``input_shape`` is not a sample's
            shape, or the optimizer name is unknown.
        TypeError: ``input_shape`` or ``optimizer`` has the wrong type.

    Example:
        >>> p = st.plan(st.models.lenet5(), (1, 28, 28), 64, optimizer="adam")
        >>> p.optimizer_state_bytes >= 2 * p.parameter_bytes  # exp_avg, exp_avg_sq (+ steps)
        True
    """
    shape = _check_sizes(input_shape, batch_size)
    run = _Calibration(model, shape, optimizer, device, loss)
    small, large = _calibration_batches(batch_size)
    run.peak_bytes(small)  # warm-up: the allocator's caches and the algorithm choices settle
    peak_a, peak_c = _affine(small, run.peak_bytes(small), large, run.peak_bytes(large))
    flop_a, flop_c = _affine(small, run.flops(small), large, run.flops(large))
    time_a, time_c = _affine(small, run.seconds(small), large, run.seconds(large))
    parameter_bytes = sum(p.numel() * p.element_size() for p in run.model.parameters())
    gradient_bytes = sum(p.numel() * p.element_size() for p in run.params)
    state_bytes = _state_bytes(run.optimizer)
    step_peak = peak_a + peak_c * batch_size
    fixed = parameter_bytes + state_bytes + peak_a
    return Plan(
        batch_size=batch_size, input_shape=shape, device=run.device,
        parameters=sum(p.numel() for p in run.model.parameters()),
        parameter_bytes=int(parameter_bytes), gradient_bytes=int(gradient_bytes),
        optimizer_state_bytes=int(state_bytes),
        activation_bytes=int(max(0.0, step_peak - gradient_bytes)),
        peak_bytes=int(fixed + peak_c * batch_size),
        flops=int(round(flop_a + flop_c * batch_size)),
        step_time_s=time_a + time_c * batch_size, calibration=(small, large),
        _fixed=fixed, _per_sample=peak_c)


def _state_bytes(optimizer):
    from .. import Tensor

    total, seen = 0, set()
    for state in optimizer.state.values():
        for value in state.values():
            if isinstance(value, Tensor) and id(value) not in seen:
                seen.add(id(value))
                total += value.numel() * value.element_size()
    return total


def max_batch_size(model, input_shape, memory_limit, optimizer="sgd", device=None, loss=None,
                   upper=None):
    """The largest batch whose training step fits in ``memory_limit`` bytes, from :func:`plan`.

    Args:
        model (Module): The model.
        input_shape (sequence of int): One sample's shape (no batch dimension).
        memory_limit (int): Bytes available for the step (parameters, gradients, optimizer
            state and activations).
        optimizer, device, loss: As for :func:`plan`.
        upper (int, optional): Never more than this. Default: None.

    Returns:
        int: The batch size (at least 1).

    Raises:
        MemoryError: Not even one sample fits; the message gives the bytes it needs.

    Example:
        >>> st.diagnostics.max_batch_size(st.models.lenet5(), (1, 28, 28), 64 * 2**20) > 16
        True
    """
    if isinstance(memory_limit, bool) or not isinstance(memory_limit, int) or memory_limit < 1:
        raise ValueError(f"max_batch_size: memory_limit must be a positive number of bytes, got "
                         f"{memory_limit!r}")
    planned = plan(model, input_shape, 16 if upper is None else max(1, min(upper, 16)),
                   optimizer, device, loss)
    if planned.peak_bytes_at(1) > memory_limit:
        raise MemoryError(f"max_batch_size: one sample of {tuple(planned.input_shape)} needs "
                          f"{planned.peak_bytes_at(1):,} bytes, more than memory_limit "
                          f"{memory_limit:,}")
    if planned._per_sample <= 0:
        best = upper if upper is not None else 2**31 - 1
    else:
        best = int((memory_limit - planned._fixed) // planned._per_sample)
    if upper is not None:
        best = min(best, upper)
    return max(1, best)
