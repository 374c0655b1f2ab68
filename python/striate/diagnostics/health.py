"""Layer health, cheap enough to leave on: every N training steps, for each layer, the mean and
standard deviation of its output, the fraction of dead units of each ReLU (units that are zero
for every sample of the batch), the gradient norm, and the update/weight ratio
``||w_after - w_before|| / ||w_before||`` of the optimizer step (Karpathy's rule of thumb: about
1e-3; far below 1e-4 the layer barely learns, above 1e-1 it is thrown around).

Off the sampled steps the forward hooks return at once, so the cost is one Python call per
watched layer per step; on a sampled step the outputs are summarized and the weights copied.
"""

import csv
import io
import math
import os
import sys

import numpy as np

from ..train.callbacks import Callback

__all__ = ["LayerHealth"]

UPDATE_RATIO_RANGE = (1e-4, 1e-1)
DEAD_RELU_LIMIT = 0.9
_RELUS = ("ReLU", "ReLU6")


class _Output:
    """The summary of one layer's outputs over one step (all its forward calls)."""

    def __init__(self):
        self.count, self.total, self.squares = 0, 0.0, 0.0
        self.alive = None  # per unit: nonzero for some sample

    def add(self, array, relu):
        array = array.astype(np.float64, copy=False)
        self.count += array.size
        self.total += float(array.sum())
        self.squares += float((array * array).sum())
        if relu and array.ndim >= 2:
            alive = (array.reshape(array.shape[0], -1) != 0).any(axis=0)
            self.alive = alive if self.alive is None or self.alive.shape != alive.shape \
                else self.alive | alive

    def stats(self):
        mean = self.total / max(self.count, 1)
        variance = max(self.squares / max(self.count, 1) - mean * mean, 0.0)
        result = {"act_mean": mean, "act_std": math.sqrt(variance)}
        if self.alive is not None:
            result["dead_fraction"] = float(1.0 - self.alive.mean())
        return result


def host_numpy(tensor):
    """The tensor's values as a NumPy array on the host (16-bit floats widened to float32)."""
    tensor = tensor.detach()
    if tensor.device.type != "cpu":
        tensor = tensor.cpu()
    return tensor.float().numpy() if tensor.dtype.itemsize == 2 else tensor.numpy()


def _norm(tensors):
    return math.sqrt(sum(float((host_numpy(t).astype(np.float64) ** 2).sum()) for t in tensors))


class LayerHealth(Callback):
    """Records every ``every`` training steps, per layer: output mean and std, dead-ReLU
    fraction, gradient norm and update/weight ratio; keeps them in ``records``, puts each epoch's
    last record per layer in the history entry (``logs["health"]``), writes ``health.csv`` and
    ``health.png`` to ``out_dir`` when given, and warns when a layer's update/weight ratio
    leaves [1e-4, 1e-1] or a ReLU is more than 90% dead (once per layer and kind per epoch).

    Watched layers: the modules with parameters of their own (convolutions, linear layers,
    norms) and the ReLU modules, named as ``model.named_modules()`` names them.

    Args:
        every (int): Steps between records (the first step is recorded). Default: 100.
        out_dir (str or PathLike, optional): Folder for health.csv and health.png. Default: None.
        warn (bool): Print the warnings (to the trainer's file, or stderr). Default: True.

    Raises:
        ValueError: ``every`` is not a positive int.

    Example:
        >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> health = st.diagnostics.LayerHealth(every=1, warn=False)
        >>> loader = st.data.DataLoader(st.data.TensorDataset(st.randn(32, 4, 4),
        ...                             st.randint(0, 2, (32,))), batch_size=8)
        >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
        ...                            F.cross_entropy, callbacks=[health], progress="none")
        >>> _ = trainer.fit(loader, epochs=1)
        >>> sorted(health.records[0]["layers"])
        ['1', '2', '3']
    """

    def __init__(self, every=100, out_dir=None, warn=True):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"LayerHealth: every must be a positive int, got {every!r}")
        self.every = every
        self.out_dir = None if out_dir is None else os.fspath(out_dir)
        self.warn = bool(warn)
        self.records = []
        self.warnings = []
        self._handles = []
        self._active = False
        self._outputs = {}
        self._before = {}
        self._warned = set()

    # ---- the trainer's hooks

    def on_fit_begin(self, trainer):
        """Hooks the watched layers of the trainer's model.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(st.randn(16, 4, 4),
            ...                             st.randint(0, 2, (16,))), batch_size=8)
            >>> health = st.diagnostics.LayerHealth(every=1, warn=False)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, callbacks=[health], progress="none")
            >>> _ = trainer.fit(loader, epochs=1)
            >>> sorted(health.records[0]["layers"])  # the watched layers: Linear, ReLU, Linear
            ['1', '2', '3']
        """
        self._remove_hooks()
        self._layers = {}
        for name, module in trainer.module.named_modules():
            own = [p for _, p in module.named_parameters(recurse=False) if p.requires_grad]
            relu = type(module).__name__ in _RELUS
            if name and (own or relu):
                self._layers[name] = (module, own, relu)
                self._handles.append(module.register_forward_hook(self._hook(name, relu)))
        self._arm(trainer)

    def on_epoch_begin(self, trainer, epoch):
        """Forgets the warnings given last epoch (each may be given once per epoch).

        Args:
            trainer (Trainer): The running trainer.
            epoch (int): The epoch's index.

        Example:
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(st.randn(16, 4, 4),
            ...                             st.randint(0, 2, (16,))), batch_size=8)
            >>> health = st.diagnostics.LayerHealth(every=1, warn=False)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, callbacks=[health], progress="none")
            >>> _ = trainer.fit(loader, epochs=2)
            >>> [record["epoch"] for record in health.records]
            [1, 1, 2, 2]
        """
        self._warned.clear()

    def on_batch_end(self, trainer, batch, logs):
        """After a recorded step: computes the layers' figures; then arms the next one.

        Args:
            trainer (Trainer): The running trainer.
            batch (int): The batch index in the epoch.
            logs (dict): The batch's loss and lr.

        Example:
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(st.randn(16, 4, 4),
            ...                             st.randint(0, 2, (16,))), batch_size=8)
            >>> health = st.diagnostics.LayerHealth(every=2, warn=False)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, callbacks=[health], progress="none")
            >>> _ = trainer.fit(loader, epochs=2)
            >>> [record["step"] for record in health.records]
            [1, 3]
            >>> sorted(health.records[0]["layers"]["1"])
            ['act_mean', 'act_std', 'grad_norm', 'kind', 'update_ratio']
        """
        if self._active:
            self._record(trainer)
        self._arm(trainer)

    def on_epoch_end(self, trainer, epoch, logs):
        """Puts the epoch's last record per layer in ``logs["health"]`` and writes the files.

        Args:
            trainer (Trainer): The running trainer.
            epoch (int): The epoch's index.
            logs (dict): The epoch's history entry.

        Example:
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(st.randn(16, 4, 4),
            ...                             st.randint(0, 2, (16,))), batch_size=8)
            >>> health = st.diagnostics.LayerHealth(every=1, warn=False)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, callbacks=[health], progress="none")
            >>> history = trainer.fit(loader, epochs=1)
            >>> sorted(history[0]["health"])
            ['1', '2', '3']
        """
        last = {}
        for record in self.records:
            if record["epoch"] == epoch + 1:
                last.update(record["layers"])
        logs["health"] = last
        if self.out_dir is not None and getattr(trainer, "is_main_process", True):
            self.write(self.out_dir)

    def on_fit_end(self, trainer):
        """Removes the hooks.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
            >>> loader = st.data.DataLoader(st.data.TensorDataset(st.randn(16, 4, 4),
            ...                             st.randint(0, 2, (16,))), batch_size=8)
            >>> health = st.diagnostics.LayerHealth(every=1, warn=False)
            >>> trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1),
            ...                            F.cross_entropy, callbacks=[health], progress="none")
            >>> _ = trainer.fit(loader, epochs=1)
            >>> count = len(health.records)
            >>> _ = model(st.randn(2, 4, 4))
            >>> len(health.records) == count
            True
        """
        self._remove_hooks()

    # ---- recording

    def _hook(self, name, relu):
        def hook(module, inputs, output):
            if not self._active or not module.training:
                return None
            if isinstance(output, (tuple, list)):
                output = output[0]
            self._outputs.setdefault(name, _Output()).add(host_numpy(output), relu)
            return None

        return hook

    def _arm(self, trainer):
        self._active = trainer.step % self.every == 0
        self._outputs = {}
        self._before = {}
        if self._active:
            for name, (_, own, _) in self._layers.items():
                if own:
                    self._before[name] = [p.detach().clone() for p in own]

    def _record(self, trainer):
        layers = {}
        for name, (_, own, relu) in self._layers.items():
            figures = self._outputs[name].stats() if name in self._outputs else {}
            if own:
                grads = [p.grad for p in own if p.grad is not None]
                figures["grad_norm"] = _norm(grads) if grads else 0.0
                before = self._before.get(name)
                if before is not None:
                    weight = _norm(before)
                    delta = _norm([p.detach() - b for p, b in zip(own, before)])
                    figures["update_ratio"] = delta / weight if weight > 0 else float("inf")
            if figures:
                figures["kind"] = type(self._layers[name][0]).__name__
                layers[name] = figures
                self._check(trainer, name, figures)
        self.records.append({"step": trainer.step, "epoch": trainer.epoch + 1,
                             "layers": layers})
        self._active = False
        self._before = {}
        self._outputs = {}

    def _check(self, trainer, name, figures):
        low, high = UPDATE_RATIO_RANGE
        ratio = figures.get("update_ratio")
        messages = []
        if ratio is not None and not low <= ratio <= high:
            side = "below" if ratio < low else "above"
            bound = low if ratio < low else high
            messages.append(("ratio", f"layer {name}: update/weight ratio {ratio:.2e} is {side} "
                                      f"{bound:g} at step {trainer.step} (the layer "
                                      f"{'barely learns' if ratio < low else 'is thrown around'};"
                                      f" check the learning rate)"))
        dead = figures.get("dead_fraction")
        if dead is not None and dead > DEAD_RELU_LIMIT:
            messages.append(("dead", f"layer {name}: {dead:.0%} of its ReLU units are dead at "
                                     f"step {trainer.step} (zero for every sample of the batch)"))
        for kind, message in messages:
            self.warnings.append(message)
            if self.warn and (name, kind) not in self._warned and \
                    getattr(trainer, "is_main_process", True):
                self._warned.add((name, kind))
                print(f"warning: {message}", file=trainer.file or sys.stderr, flush=True)

    def _remove_hooks(self):
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # ---- files

    def write(self, out_dir):
        """Writes ``health.csv`` (one row per record and layer) and ``health.png`` to out_dir.

        Args:
            out_dir (str or PathLike): The folder (created).

        Returns:
            tuple: The two paths.

        Example:
            >>> import tempfile
            >>> st.diagnostics.LayerHealth().write(tempfile.mkdtemp())[0].endswith("health.csv")
            True
        """
        from ..serialization import atomic_write

        out_dir = os.fspath(out_dir)
        os.makedirs(out_dir, exist_ok=True)
        columns = ["step", "epoch", "layer", "kind", "act_mean", "act_std", "dead_fraction",
                   "grad_norm", "update_ratio"]
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(columns)
        for record in self.records:
            for layer, figures in record["layers"].items():
                row = {"step": record["step"], "epoch": record["epoch"], "layer": layer,
                       **figures}
                writer.writerow([row.get(c, "") for c in columns])
        csv_path = os.path.join(out_dir, "health.csv")
        atomic_write(csv_path, lambda f: f.write(text.getvalue().encode()))
        return csv_path, plot_health(self.records, os.path.join(out_dir, "health.png"))


def plot_health(records, path):
    """Four panels over the recorded steps, one line per layer: output std, dead-ReLU fraction,
    gradient norm and update/weight ratio (the [1e-4, 1e-1] band shaded)."""
    from ..train.plots import _pyplot, _save

    plt = _pyplot()
    figure, axes = plt.subplots(2, 2, figsize=(10, 6.5))
    panels = [("act_std", "output std", False), ("dead_fraction", "dead ReLU fraction", False),
              ("grad_norm", "gradient norm", True), ("update_ratio", "update / weight", True)]
    layers, kinds = [], {}
    for record in records:
        for name, figures in record["layers"].items():
            if name not in layers:
                layers.append(name)
                kinds[name] = figures.get("kind", "")
    colors = {name: plt.cm.tab20(i % 20) for i, name in enumerate(layers)}
    for axis, (key, title, log) in zip(axes.flat, panels):
        for name in layers:
            points = [(r["step"], r["layers"][name][key]) for r in records
                      if key in r["layers"].get(name, {}) and
                      math.isfinite(r["layers"][name][key]) and
                      (not log or r["layers"][name][key] > 0)]
            if points:
                steps, values = zip(*points)
                axis.plot(steps, values, marker=".", color=colors[name], linewidth=1)
        if key == "update_ratio":
            axis.axhspan(*UPDATE_RATIO_RANGE, color="green", alpha=0.08)
        if log and axis.lines:
            axis.set_yscale("log")
        axis.set_title(title, fontsize=9)
        axis.set_xlabel("step", fontsize=8)
        axis.tick_params(labelsize=7)
    figure.tight_layout(rect=(0, 0, 0.84, 1))
    if layers:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=colors[n], marker=".") for n in layers[:40]]
        figure.legend(handles, [f"{n} {kinds[n]}" for n in layers[:40]], loc="center right",
                      fontsize=7, title="layer", title_fontsize=8)
    return _save(figure, path)
