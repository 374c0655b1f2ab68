"""LayerHealth: cheap per-layer statistics every N steps (activation mean and std, the fraction of
dead ReLU units, gradient norm, update-to-weight ratio), warnings when a layer stops learning or a
ReLU layer dies, and the health.png plot (`striate train --health N`).

Between measurements nothing is installed: the forward hooks are registered for the one measured
batch and removed after it.
"""

import math
import os
import sys

import numpy as np

from ..train.callbacks import Callback
from .gradcheck import _named_modules

__all__ = ["LayerHealth"]

_RELUS = {"ReLU", "ReLU6"}


def _array(tensor):
    tensor = tensor.detach()
    if tensor.dtype.itemsize == 2:
        tensor = tensor.float()
    return np.asarray(tensor.cpu().numpy(), dtype=np.float64)


class LayerHealth(Callback):
    """Measures every layer's health every ``every`` optimizer steps (the first step included).

    A layer is a module with parameters of its own, or a ReLU. Each measurement appends one record
    per layer to ``records``: ``step``, ``layer`` (dotted path), ``type``, ``act_mean`` and
    ``act_std`` of its output, ``dead_fraction`` (ReLUs: the share of output units that are zero
    for every example of the batch; None otherwise), ``grad_norm`` and ``update_ratio``
    (``||w_after - w_before|| / ||w_before||`` of that step; None without parameters). A warning
    is printed once per layer when its update ratio leaves ``ratio_range`` or a ReLU layer is
    more than ``dead_threshold`` dead; each epoch's history entry gets ``health_warnings``, the
    number of warnings so far.

    Args:
        every (int): Steps between measurements (>= 1). Default: 100.
        ratio_range (tuple): The healthy update/weight ratios. Default: (1e-4, 1e-1).
        dead_threshold (float): The dead-ReLU share that warns. Default: 0.9.
        plot (str, optional): Write health.png there when fit ends. Default: None.
        file (file, optional): Where warnings go. Default: None (stderr).

    Raises:
        ValueError: ``every`` < 1 or a bad range or threshold.

    Example:
        >>> images, labels = st.randn(32, 4), st.randint(0, 2, (32,))
        >>> loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=8)
        >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> health = st.train.LayerHealth(every=2)
        >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
        ...                            F.cross_entropy, callbacks=[health], progress="none")
        >>> _ = trainer.fit(loader, epochs=1)
        >>> sorted({record["layer"] for record in health.records})
        ['0', '1', '2']
    """

    def __init__(self, every=100, ratio_range=(1e-4, 1e-1), dead_threshold=0.9, plot=None,
                 file=None):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"LayerHealth: every should be an int >= 1, got {every!r}")
        low, high = ratio_range
        if not 0 < low < high:
            raise ValueError(f"LayerHealth: ratio_range should be (low, high) with 0 < low < high, "
                             f"got {ratio_range!r}")
        if not 0 < dead_threshold <= 1:
            raise ValueError(f"LayerHealth: dead_threshold should be in (0, 1], got "
                             f"{dead_threshold!r}")
        self.every, self.ratio_range, self.dead_threshold = every, (low, high), dead_threshold
        self.plot_path, self.file = plot, file
        self.records, self.warnings = [], []
        self._handles, self._outputs, self._before, self._warned = [], {}, None, set()

    # ---- arming: hooks and a weight snapshot for the next batch only
    def _layers(self, trainer):
        return [(path, module) for path, module in _named_modules(trainer.module)
                if list(module.parameters(recurse=False)) or type(module).__name__ in _RELUS]

    def _arm(self, trainer):
        self._outputs = {}
        for path, module in self._layers(trainer):
            def hook(mod, args, output, path=path):
                if hasattr(output, "detach"):
                    values = _array(output)
                    dead = None
                    if type(mod).__name__ in _RELUS and values.ndim >= 1 and values.shape[0]:
                        dead = float((values.reshape(values.shape[0], -1) == 0).all(0).mean())
                    self._outputs[path] = (float(values.mean()), float(values.std()), dead)

            self._handles.append(module.register_forward_hook(hook))
        self._before = {name: _array(p) for name, p in trainer.module.named_parameters()}

    def _disarm(self):
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def on_fit_begin(self, trainer):
        """Arms the first measurement when the next step is due."""
        if trainer.step % self.every == 0:
            self._arm(trainer)

    def on_batch_end(self, trainer, batch, logs):
        """Records the measured step, warns, and arms the next measurement when due."""
        if self._handles:
            self._disarm()
            self._record(trainer)
        if trainer.step % self.every == 0:
            self._arm(trainer)

    def _record(self, trainer):
        params = dict(trainer.module.named_parameters())
        for path, module in self._layers(trainer):
            own = [f"{path}.{name}" if path else name
                   for name, _ in module.named_parameters(recurse=False)]
            grads = [params[n].grad for n in own if params[n].grad is not None]
            grad_norm = math.sqrt(sum(float((_array(g) ** 2).sum()) for g in grads)) \
                if grads else None
            ratio = None
            if own:
                change = sum(float(((_array(params[n]) - self._before[n]) ** 2).sum()) for n in own)
                size = sum(float((self._before[n] ** 2).sum()) for n in own)
                ratio = math.sqrt(change / size) if size > 0 else None
            mean, std, dead = self._outputs.get(path, (None, None, None))
            record = {"step": trainer.step, "layer": path or "(model)",
                      "type": type(module).__name__, "act_mean": mean, "act_std": std,
                      "dead_fraction": dead, "grad_norm": grad_norm, "update_ratio": ratio}
            self.records.append(record)
            self._check(record)

    def _check(self, record):
        low, high = self.ratio_range
        ratio, dead, layer = record["update_ratio"], record["dead_fraction"], record["layer"]
        if ratio is not None and not low <= ratio <= high and (layer, "ratio") not in self._warned:
            self._warned.add((layer, "ratio"))
            hint = "it barely learns: raise its lr" if ratio < low else \
                "its updates are large: lower the lr or clip gradients"
            self._warn(f"layer health: layer '{layer}' ({record['type']}) has an update/weight "
                       f"ratio of {ratio:.2g} at step {record['step']}, outside "
                       f"[{low:g}, {high:g}]: {hint}")
        if dead is not None and dead > self.dead_threshold and (layer, "dead") not in self._warned:
            self._warned.add((layer, "dead"))
            self._warn(f"layer health: layer '{layer}' ({record['type']}) is {dead:.0%} dead at "
                       f"step {record['step']} (units zero for the whole batch): lower the lr, "
                       "check the initialization, or try LeakyReLU")

    def _warn(self, message):
        self.warnings.append(message)
        print(message, file=self.file or sys.stderr)

    def on_epoch_end(self, trainer, epoch, logs):
        """Adds ``health_warnings`` (the number of warnings so far) to the epoch's history."""
        logs["health_warnings"] = len(self.warnings)

    def on_fit_end(self, trainer):
        """Removes any hooks left armed and writes the plot when one was asked for."""
        self._disarm()
        if self.plot_path is not None and self.records:
            self.plot(self.plot_path)

    def plot(self, path):
        """health.png: the update/weight ratio (log scale, the healthy band shaded) and the dead
        ReLU share per layer against the step; written atomically.

        Args:
            path (str): Where to write the PNG.

        Returns:
            str: ``path``.
        """
        from ..train.plots import _pyplot, _save

        plt = _pyplot()
        figure, (ratio_axes, dead_axes) = plt.subplots(1, 2, figsize=(11, 4))
        layers = list(dict.fromkeys(record["layer"] for record in self.records))
        for layer in layers:
            rows = [r for r in self.records if r["layer"] == layer]
            ratios = [(r["step"], r["update_ratio"]) for r in rows if r["update_ratio"]]
            if ratios:
                ratio_axes.plot(*zip(*ratios), "-o", markersize=3, label=layer)
            dead = [(r["step"], r["dead_fraction"]) for r in rows
                    if r["dead_fraction"] is not None]
            if dead:
                dead_axes.plot(*zip(*dead), "-o", markersize=3, label=layer)
        ratio_axes.axhspan(*self.ratio_range, color="C2", alpha=0.1)
        ratio_axes.set_yscale("log")
        ratio_axes.set_title("update / weight ratio")
        dead_axes.set_ylim(-0.02, 1.02)
        dead_axes.set_title("dead ReLU units")
        for axes in (ratio_axes, dead_axes):
            axes.set_xlabel("step")
            axes.grid(alpha=0.3)
            if axes.lines:
                axes.legend(fontsize=7)
        return _save(figure, os.fspath(path))
