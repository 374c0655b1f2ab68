"""The learning-rate range test (Smith, "Cyclical Learning Rates", 2017; fastai's lr_find): train
for a few hundred steps with the learning rate growing exponentially from tiny to huge, record
the smoothed loss, and suggest the rate where the loss falls fastest.

The model, the optimizer and the RNG are restored afterwards: the test leaves no trace.
"""

import math

import numpy as np

__all__ = ["lr_find", "LRFinderResult"]


class LRFinderResult:
    """What :func:`lr_find` returns.

    Attributes:
        lrs (list of float): The learning rate of each step taken.
        losses (list of float): The smoothed (bias-corrected moving average) loss of each step.
        raw_losses (list of float): The loss of each batch.
        suggested_lr (float or None): Where the smoothed loss falls fastest against log(lr);
            None when the test stopped too early to say.
        stopped_early (bool): The loss diverged (or became non-finite) before the last step.

    Example:
        >>> result = st.train.LRFinderResult([1e-3, 1e-2, 1e-1], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0])
        >>> result.suggested_lr is not None
        True
    """

    def __init__(self, lrs, losses, raw_losses, stopped_early=False):
        self.lrs = list(lrs)
        self.losses = list(losses)
        self.raw_losses = list(raw_losses)
        self.stopped_early = stopped_early
        self.suggested_lr = _steepest(self.lrs, self.losses)

    def plot(self, path):
        """Draws the smoothed loss against the learning rate (log scale) with the suggestion
        marked; writes a PNG atomically and returns its path.

        Args:
            path (str): Where to write the PNG.

        Returns:
            str: ``path``.

        Example:
            >>> import os, tempfile
            >>> loader = st.data.DataLoader(st.data.TensorDataset(st.randn(64, 4),
            ...                             st.randint(0, 2, (64,))), batch_size=16)
            >>> result = st.train.lr_find(nn.Linear(4, 2), loader, num_steps=10)
            >>> os.path.getsize(result.plot(os.path.join(tempfile.mkdtemp(), "lr.png"))) > 0
            True
        """
        from ..train.plots import _pyplot, _save

        plt = _pyplot()
        figure, axes = plt.subplots(figsize=(6, 4))
        axes.plot(self.lrs, self.losses, "-", label="smoothed loss")
        axes.plot(self.lrs, self.raw_losses, ".", alpha=0.3, markersize=3, label="batch loss")
        axes.set_xscale("log")
        axes.set_xlabel("learning rate")
        axes.set_ylabel("loss")
        finite = [v for v in self.losses if math.isfinite(v)]
        if finite:  # from the best loss to a little above the first: divergence goes off the top
            low, top = min(finite), min(max(finite), finite[0] + 0.25 * abs(finite[0]))
            pad = 0.05 * (top - low + 1e-12)
            axes.set_ylim(low - pad, top + pad)
        if self.suggested_lr is not None:
            axes.axvline(self.suggested_lr, color="C3", linestyle="--",
                         label=f"suggested lr {self.suggested_lr:.2g}")
        axes.grid(alpha=0.3)
        axes.legend()
        axes.set_title("LR range test")
        return _save(figure, path)

    def __repr__(self):
        return (f"LRFinderResult(steps={len(self.lrs)}, suggested_lr={self.suggested_lr!r}, "
                f"stopped_early={self.stopped_early})")


def _steepest(lrs, losses):
    """The lr at the most negative slope of loss against log(lr), ignoring the noisy first and
    last tenth of the sweep."""
    if len(lrs) < 3:
        return None
    log_lr = np.log(np.asarray(lrs, dtype=np.float64))
    loss = np.asarray(losses, dtype=np.float64)
    keep = np.isfinite(loss)
    if keep.sum() < 3:
        return None
    log_lr, loss = log_lr[keep], loss[keep]
    slope = np.gradient(loss, log_lr)
    margin = len(slope) // 10
    window = slope[margin: len(slope) - margin] if len(slope) - 2 * margin >= 3 else slope
    index = int(np.argmin(window)) + (margin if window is not slope else 0)
    return float(np.exp(log_lr[index]))


def _split(batch):
    if isinstance(batch, (tuple, list)):
        return batch[0], (batch[1] if len(batch) > 1 else None)
    return batch, None


def lr_find(model, loader, loss_fn=None, optimizer=None, start_lr=1e-7, end_lr=10.0,
            num_steps=100, smoothing=0.98, diverge_factor=4.0, device=None, plot=None):
    """The learning-rate range test: the suggested learning rate for training ``model``.

    Trains for ``num_steps`` batches (cycling over ``loader`` as needed) with the learning rate
    growing exponentially from ``start_lr`` to ``end_lr``, keeps a bias-corrected moving average
    of the loss, and stops once it exceeds ``diverge_factor`` times its best. The suggestion is
    the rate where the smoothed loss falls fastest (steepest descent against log lr): a good
    maximum rate for OneCycleLR or a starting rate for SGD. The model's parameters and buffers,
    the optimizer's state and the RNG are restored afterwards.

    Args:
        model (Module): The model (trained in train mode during the test).
        loader (iterable): Batches of ``(inputs, targets)``.
        loss_fn (callable, optional): ``loss_fn(outputs, targets)``. Default: cross-entropy.
        optimizer (Optimizer, optional): Its learning rate is overridden each step; its
            state is put back afterwards with ``load_state_dict``. Default: a new SGD with
            momentum 0.9 over the model's parameters.
        start_lr (float): The first learning rate. Default: 1e-7.
        end_lr (float): The last one. Default: 10.
        num_steps (int): Steps of the sweep (>= 3). Default: 100.
        smoothing (float): The moving average's factor in [0, 1). Default: 0.98.
        diverge_factor (float): Stop when the smoothed loss exceeds this times its best.
            Default: 4.
        device (str or device, optional): Where batches go (the model must be there).
            Default: None (as they come).
        plot (str, optional): Write the plot (PNG) there too. Default: None.

    Returns:
        LRFinderResult: ``lrs``, ``losses``, ``suggested_lr``, and ``plot(path)``.

    Raises:
        ValueError: A bad range, step count or smoothing, or an empty loader.

    Example:
        >>> images, labels = st.randn(64, 4), st.randint(0, 2, (64,))
        >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=8)
        >>> result = st.train.lr_find(nn.Linear(4, 2), loader, num_steps=20)
        >>> len(result.lrs) <= 20 and result.suggested_lr > 0
        True
    """
    from .. import get_rng_state, set_rng_state
    from ..nn import functional as F
    from ..optim import SGD

    if not (0 < start_lr < end_lr):
        raise ValueError(f"lr_find: expected 0 < start_lr < end_lr, got start_lr={start_lr}, "
                         f"end_lr={end_lr}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 3:
        raise ValueError(f"lr_find: num_steps should be an int >= 3, got {num_steps!r}")
    if not (0 <= smoothing < 1):
        raise ValueError(f"lr_find: smoothing should be in [0, 1), got {smoothing}")
    if not diverge_factor > 1:
        raise ValueError(f"lr_find: diverge_factor should be > 1, got {diverge_factor}")
    loss_fn = loss_fn or F.cross_entropy
    optimizer = optimizer or SGD(model.parameters(), lr=start_lr, momentum=0.9)
    model_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    optimizer_state = optimizer.state_dict()
    group_lrs = [group["lr"] for group in optimizer.param_groups]
    rng = get_rng_state()
    was_training = model.training
    lrs, smoothed, raw = [], [], []
    average, best, stopped = 0.0, math.inf, False
    factor = (end_lr / start_lr) ** (1.0 / (num_steps - 1))
    try:
        model.train()
        step = 0
        while step < num_steps and not stopped:
            seen = False
            for batch in loader:
                seen = True
                inputs, targets = _split(batch)
                if device is not None:
                    inputs = inputs.to(device)
                    targets = targets.to(device) if targets is not None else None
                lr = start_lr * factor ** step
                for group in optimizer.param_groups:
                    group["lr"] = lr
                loss = loss_fn(model(inputs), targets)
                value = float(loss.item())
                optimizer.zero_grad(set_to_none=True)
                if math.isfinite(value):
                    loss.backward()
                    optimizer.step()
                average = smoothing * average + (1 - smoothing) * value
                current = average / (1 - smoothing ** (step + 1))
                lrs.append(lr)
                raw.append(value)
                smoothed.append(current)
                step += 1
                if not math.isfinite(current) or current > diverge_factor * best:
                    stopped = True
                    break
                best = min(best, current)
                if step >= num_steps:
                    break
            if not seen:
                raise ValueError("lr_find: the loader gave no batches")
    finally:
        model.load_state_dict(model_state)
        optimizer.load_state_dict(optimizer_state)
        for group, lr in zip(optimizer.param_groups, group_lrs):
            group["lr"] = lr
        set_rng_state(rng)
        model.train(was_training)
    result = LRFinderResult(lrs, smoothed, raw, stopped_early=stopped)
    if plot is not None:
        result.plot(plot)
    return result
