"""Gradient checking for users: gradcheck (PyTorch's signature) for a function, check_gradients
for a whole model with a per-layer table, and compare_devices for CPU-vs-CUDA differences.

All three compare striate's analytic gradients with central finite differences in float64
(f(x + eps) - f(x - eps)) / (2 eps): a backward that disagrees with its own forward is named with
the input, parameter or layer where it does.
"""

import numpy as np

from .. import _C
from .._C import Tensor

__all__ = ["GradcheckError", "gradcheck", "check_gradients", "GradientCheckReport",
           "compare_devices", "DeviceComparison"]

# Blocks whose forward merges branches (a sum or a concatenation): check_gradients checks the
# gradient at their output as well as at every parameter.
_MERGE_TYPES = {"Residual", "Concat", "Parallel", "BasicBlock", "Bottleneck", "PreActBlock",
                "WideBlock", "DenseBlock", "DenseLayer", "FractalBlock", "Inception", "Fire"}


class GradcheckError(RuntimeError):
    """A gradient check failed. ``report`` holds one dict per differentiated input or parameter:
    name, max_abs_error, max_rel_error, worst_index, analytic and numeric values there, passed.

    Example:
        >>> issubclass(st.autograd.GradcheckError, RuntimeError)
        True
    """

    def __init__(self, message, report):
        super().__init__(message)
        self.report = report


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _compare(name, analytic, numeric, atol, rtol):
    analytic = np.asarray(analytic, dtype=np.float64).reshape(-1)
    numeric = np.asarray(numeric, dtype=np.float64).reshape(-1)
    error = np.abs(analytic - numeric)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), 1e-300)
    relative = np.where(error > 0, error / scale, 0.0)
    bad = ~(error <= atol + rtol * np.abs(numeric))  # NaN counts as bad
    worst = int(np.argmax(np.where(np.isnan(error), np.inf, error))) if error.size else 0
    return {
        "name": name,
        "checked": int(error.size),
        "max_abs_error": float(np.nanmax(error)) if error.size else 0.0,
        "max_rel_error": float(np.nanmax(relative)) if error.size else 0.0,
        "worst_index": worst,
        "analytic": float(analytic[worst]) if error.size else 0.0,
        "numeric": float(numeric[worst]) if error.size else 0.0,
        "passed": not bool(bad.any()),
    }


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Checks the gradients of ``fn(*inputs)`` against float64 central finite differences.

    PyTorch's signature and semantics: every input with ``requires_grad`` must be float64; the
    check passes when, element by element, ``|analytic - numeric| <= atol + rtol * |numeric|``.
    As PyTorch's ``fast_mode``, the outputs are reduced with one fixed random vector ``v``, so each
    input's gradient of ``sum(v * fn(*inputs))`` is compared in full (every element perturbed):
    a wrong backward is caught with probability one.

    Args:
        fn (callable): Takes the inputs, returns a Tensor or a tuple of Tensors.
        inputs (Tensor or tuple): The arguments; tensors with ``requires_grad`` are checked,
            anything else is passed through.
        eps (float): The finite-difference step. Default: 1e-6.
        atol (float): Absolute tolerance. Default: 1e-5.
        rtol (float): Relative tolerance. Default: 1e-3.
        raise_exception (bool): Raise :class:`GradcheckError` on failure (else return False).
            Default: True.

    Returns:
        bool: True when every checked input passes.

    Raises:
        GradcheckError: A gradient disagrees (its message has one line per input).
        ValueError: No input requires grad, or one that does is not float64.

    Example:
        >>> x = st.randn(3, dtype=st.float64, requires_grad=True)
        >>> st.autograd.gradcheck(lambda t: (t * t).tanh(), (x,))
        True
    """
    from .. import float64, from_numpy, no_grad

    inputs = _as_tuple(inputs)
    checked = [i for i, a in enumerate(inputs) if isinstance(a, Tensor) and a.requires_grad]
    if not checked:
        raise ValueError("gradcheck: expected at least one input with requires_grad=True, got none")
    for i in checked:
        if inputs[i].dtype != float64:
            raise ValueError(f"gradcheck: input {i} requires grad and should be float64 (finite "
                             f"differences in lower precision are noise), got {inputs[i].dtype}")
    rng = np.random.default_rng(0)
    leaves = [a.detach().requires_grad_(True) if i in checked else a
              for i, a in enumerate(inputs)]
    outputs = _as_tuple(fn(*leaves))
    vectors = [rng.standard_normal(tuple(o.shape)) for o in outputs]
    differentiable = [(o, v) for o, v in zip(outputs, vectors)
                      if isinstance(o, Tensor) and o.requires_grad]
    analytic = {}
    if differentiable:
        total = None
        for o, v in differentiable:
            term = (o.double() * from_numpy(v).to(o.device)).sum()
            total = term if total is None else total + term
        total.backward()
    for i in checked:
        grad = leaves[i].grad
        analytic[i] = grad.cpu().numpy() if grad is not None else np.zeros(tuple(inputs[i].shape))
    bases = {i: inputs[i].detach().cpu().numpy().astype(np.float64) for i in checked}

    def objective(i, values):
        args = list(inputs)
        args[i] = from_numpy(values.copy()).to(inputs[i].device)
        with no_grad():
            outs = _as_tuple(fn(*args))
        return sum(float(np.sum(o.double().cpu().numpy() * v)) for o, v in zip(outs, vectors)
                   if isinstance(o, Tensor))

    report = []
    for i in checked:
        base = bases[i]
        numeric = np.zeros(base.size)
        for j in range(base.size):
            plus, minus = base.copy(), base.copy()
            plus.reshape(-1)[j] += eps
            minus.reshape(-1)[j] -= eps
            numeric[j] = (objective(i, plus) - objective(i, minus)) / (2 * eps)
        report.append(_compare(f"input {i}", analytic[i], numeric, atol, rtol))
    if all(r["passed"] for r in report):
        return True
    if not raise_exception:
        return False
    lines = [f"  {r['name']} {tuple(inputs[int(r['name'].split()[1])].shape)}: "
             f"{'ok' if r['passed'] else 'MISMATCH'}, max abs error {r['max_abs_error']:.3g}, "
             f"max rel error {r['max_rel_error']:.3g} (at flat index {r['worst_index']}: "
             f"analytic {r['analytic']:.6g}, numeric {r['numeric']:.6g})" for r in report]
    raise GradcheckError("gradcheck: the analytic gradient disagrees with finite differences "
                         f"(atol={atol}, rtol={rtol}):\n" + "\n".join(lines), report)


class GradientCheckReport:
    """What :func:`check_gradients` returns: one row per parameter and per merge-block output.

    Attributes:
        rows (list of dict): ``path``, ``kind`` (``'parameter'`` or ``'merge output'``),
            ``shape``, ``checked`` (elements perturbed), ``max_abs_error``, ``max_rel_error``,
            ``passed``.
        passed (bool): Every row passed.
        failed (list of str): The paths of the rows that did not.

    Example:
        >>> model = nn.Sequential(nn.Linear(3, 2))
        >>> report = st.check_gradients(model, st.randn(4, 3), st.tensor([0, 1, 1, 0]))
        >>> report.passed, [row["path"] for row in report.rows]
        (True, ['0.weight', '0.bias'])
    """

    def __init__(self, rows):
        self.rows = rows

    @property
    def passed(self):
        """True when every row passed."""
        return all(row["passed"] for row in self.rows)

    @property
    def failed(self):
        """The paths of the rows that did not pass, in table order."""
        return [row["path"] for row in self.rows if not row["passed"]]

    def __str__(self):
        width = max([len("layer / parameter")] + [len(row["path"]) for row in self.rows])
        lines = [f"{'layer / parameter':<{width}}  {'kind':<12}  {'checked':>7}  "
                 f"{'max abs err':>11}  {'max rel err':>11}  result"]
        for row in self.rows:
            lines.append(f"{row['path']:<{width}}  {row['kind']:<12}  {row['checked']:>7}  "
                         f"{row['max_abs_error']:>11.3g}  {row['max_rel_error']:>11.3g}  "
                         f"{'pass' if row['passed'] else 'FAIL'}")
        lines.append("all gradients agree" if self.passed else f"FAILED: {', '.join(self.failed)}")
        return "\n".join(lines)

    __repr__ = __str__


def _named_modules(model):
    found, seen = [], set()

    def walk(module, prefix):
        if module._cpp_id in seen:
            return
        seen.add(module._cpp_id)
        found.append((prefix, module))
        for name, child in module.named_children():
            walk(child, f"{prefix}.{name}" if prefix else name)

    walk(model, "")
    return found


class _Float64Copy:
    """The model converted to float64 on the CPU in place, restored exactly on exit (dtype,
    device, parameter and buffer values, gradients, RNG state)."""

    def __init__(self, model):
        self.model = model

    def __enter__(self):
        from .. import get_rng_state

        model = self.model
        params = list(model.parameters())
        self.dtype = params[0].dtype if params else None
        self.device = params[0].device if params else None
        self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self.grads = [(p, p.grad) for p in params]
        self.rng = get_rng_state()
        from .. import float64

        model.to("cpu", float64)
        for p in params:
            p.grad = None
        return model

    def __exit__(self, *exc):
        from .. import set_rng_state

        if self.dtype is not None:
            self.model.to(self.device, self.dtype)
        self.model.load_state_dict(self.state)
        for p, g in self.grads:
            p.grad = g
        set_rng_state(self.rng)
        return False


def check_gradients(model, input, target, loss_fn=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                    max_elements=8, seed=0):
    """Checks a whole model's gradients in float64 against finite differences, layer by layer.

    The model runs in float64 on the CPU (converted in place and restored exactly afterwards:
    dtype, device, values, gradients and the RNG); the RNG is re-seeded before every forward so
    that dropout draws the same masks. Each parameter's analytic gradient of
    ``loss_fn(model(input), target)`` is compared with central differences on up to
    ``max_elements`` of its elements (chosen at random, all of them for small tensors). Merge
    blocks (Residual, Concat, Parallel, the ResNet blocks) get a row too: the gradient at their
    output, checked by adding a zero tensor there and perturbing it.

    Args:
        model (Module): The model (in the mode, train or eval, it should be checked in).
        input (Tensor): A batch (float; a few examples are enough).
        target (Tensor): What ``loss_fn`` compares with.
        loss_fn (callable, optional): ``loss_fn(output, target) -> Tensor``. Default:
            cross-entropy.
        eps (float): The finite-difference step. Default: 1e-6.
        atol (float): Absolute tolerance. Default: 1e-5.
        rtol (float): Relative tolerance. Default: 1e-3.
        max_elements (int): Elements checked per tensor. Default: 8.
        seed (int): For the element choice and the dropout masks. Default: 0.

    Returns:
        GradientCheckReport: The table; ``print(report)`` shows it, ``report.passed`` sums it up.

    Raises:
        ValueError: ``max_elements`` < 1, or the model has no parameters and no merge blocks.

    Example:
        >>> model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))
        >>> report = st.check_gradients(model, st.randn(2, 1, 4, 4), st.tensor([0, 2]))
        >>> report.passed
        True
    """
    from .. import float64, manual_seed, no_grad, zeros
    from ..nn import functional as F

    if max_elements < 1:
        raise ValueError(f"check_gradients: max_elements should be >= 1, got {max_elements}")
    loss_fn = loss_fn or F.cross_entropy
    rng = np.random.default_rng(seed)
    with _Float64Copy(model):
        x = input.detach().to("cpu", float64) if input.is_floating_point() else input.cpu()
        y = target.detach().cpu()
        if y.is_floating_point():
            y = y.to(float64)
        deltas, kinks, handles = {}, {}, []
        for path, module in _named_modules(model):
            if type(module).__name__ not in _MERGE_TYPES:
                continue

            def add_delta(mod, args, output, path=path):
                if not isinstance(output, Tensor):
                    return None
                if path not in deltas:
                    deltas[path] = zeros(*output.shape, dtype=output.dtype).requires_grad_(True)
                    kinks[path] = output.detach().numpy().reshape(-1) == 0
                return output + deltas[path]

            handles.append(module.register_forward_hook(add_delta))
        try:
            def loss_value(grad):
                manual_seed(seed)
                if grad:
                    return loss_fn(model(x), y)
                with no_grad():
                    return float(loss_fn(model(x), y).item())

            loss = loss_value(True)
            modules = dict(_named_modules(model))
            targets = [(name, "parameter", p, None) for name, p in model.named_parameters()
                       if p.requires_grad]
            targets += [(f"{path or '(model)'} ({type(modules[path]).__name__})", "merge output",
                         d, kinks[path]) for path, d in deltas.items()]
            if not targets:
                raise ValueError("check_gradients: the model has no trainable parameters and no "
                                 "merge blocks: nothing to check")
            loss.backward()
            rows = []
            for name, kind, tensor, kink in targets:
                analytic = (tensor.grad.numpy().reshape(-1).copy() if tensor.grad is not None
                            else np.zeros(tensor.numel()))
                values = tensor.detach().numpy().reshape(-1)  # shares the tensor's memory
                # A merge output that is exactly 0 (after a ReLU) may sit at a kink of what
                # follows (a max-pool tie), where the one-sided derivatives differ: avoided.
                pool = np.flatnonzero(~kink) if kink is not None and (~kink).any() \
                    else np.arange(tensor.numel())
                chosen = (pool if len(pool) <= max_elements
                          else np.sort(rng.choice(pool, size=max_elements, replace=False)))
                numeric = np.zeros(len(chosen))
                for k, j in enumerate(chosen):
                    original = values[j]
                    values[j] = original + eps
                    plus = loss_value(False)
                    values[j] = original - eps
                    minus = loss_value(False)
                    values[j] = original
                    numeric[k] = (plus - minus) / (2 * eps)
                result = _compare(name, analytic[chosen], numeric, atol, rtol)
                rows.append({"path": name, "kind": kind, "shape": tuple(tensor.shape),
                             "checked": result["checked"],
                             "max_abs_error": result["max_abs_error"],
                             "max_rel_error": result["max_rel_error"],
                             "passed": result["passed"]})
        finally:
            for handle in handles:
                handle.remove()
    return GradientCheckReport(rows)


class DeviceComparison:
    """What :func:`compare_devices` returns: per layer, the largest difference between its CPU
    and CUDA outputs, and per parameter between the gradients.

    Attributes:
        rows (list of dict): ``path``, ``type``, ``max_abs_diff``, ``max_rel_diff`` (outputs),
            ``grad_max_abs_diff`` (the module's own parameters' gradients; None without).

    Example:
        >>> table = st.diagnostics.DeviceComparison([{"path": "0", "type": "Linear",
        ...     "max_abs_diff": 1e-7, "max_rel_diff": 2e-7, "grad_max_abs_diff": 3e-7}])
        >>> print(table)  # what compare_devices(model, input) prints on a machine with a GPU
        layer  type              max abs diff  max rel diff  grad abs diff
        0      Linear                   1e-07         2e-07          3e-07
    """

    def __init__(self, rows):
        self.rows = rows

    def __str__(self):
        width = max([5] + [len(row["path"]) for row in self.rows])
        lines = [f"{'layer':<{width}}  {'type':<16}  {'max abs diff':>12}  {'max rel diff':>12}  "
                 f"{'grad abs diff':>13}"]
        for row in self.rows:
            grad = row["grad_max_abs_diff"]
            lines.append(f"{row['path']:<{width}}  {row['type']:<16}  "
                         f"{row['max_abs_diff']:>12.3g}  {row['max_rel_diff']:>12.3g}  "
                         f"{'-' if grad is None else format(grad, '.3g'):>13}")
        return "\n".join(lines)

    __repr__ = __str__


class _OutputRecorder(_C._nn.CallObserver):
    def __init__(self, model):
        super().__init__()
        self.names = {module._cpp_id: path for path, module in _named_modules(model)}
        self.outputs = []  # (path, type, output as float64 numpy), in call order

    def enter(self, module, input):
        pass

    def exit(self, module, output):
        if output is not None and output.is_floating_point():
            path = self.names.get(module._cpp_id, f"({type(module).__name__})")
            self.outputs.append((path, type(module).__name__,
                                 output.detach().float().cpu().numpy().astype(np.float64)))


def _run_recorded(model, x):
    recorder = _OutputRecorder(model)
    with _C._nn.ObserveCalls(recorder):
        out = model(x)
    out.float().sum().backward()
    grads = {name: p.grad.float().cpu().numpy() for name, p in model.named_parameters()
             if p.grad is not None}
    return recorder.outputs, grads


def compare_devices(model, input, device="cuda"):
    """Runs the model on the CPU and on a GPU and reports, per layer, how far the outputs (and
    the parameters' gradients of ``output.sum()``) differ: where a CUDA kernel departs from the
    CPU reference.

    The model moves to ``device`` and back to where it was in place, with its values, gradients
    and the RNG restored. Compare in eval mode, or without dropout: each device draws its own masks.

    Args:
        model (Module): The model.
        input (Tensor): A batch.
        device (str): The GPU to compare with the CPU. Default: ``'cuda'``.

    Returns:
        DeviceComparison: The per-layer table.

    Raises:
        RuntimeError: No CUDA device is visible.

    Example:
        >>> if st.cuda.is_available():
        ...     print(st.compare_devices(nn.Linear(2, 2), st.randn(3, 2)))
    """
    from .. import cuda, get_rng_state, set_rng_state

    if not cuda.is_available():
        raise RuntimeError("compare_devices: no CUDA device is visible "
                           "(striate.cuda.is_available() is False); it compares each layer's "
                           "CPU output with its CUDA output, so it needs a GPU and a CUDA build "
                           "of striate")
    params = list(model.parameters())
    home = params[0].device if params else None
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    saved_grads = [(p, p.grad) for p in params]
    rng = get_rng_state()
    try:
        results = []
        for where in ("cpu", device):
            model.to(where)
            model.load_state_dict(state)
            for p in params:
                p.grad = None
            set_rng_state(rng)
            results.append(_run_recorded(model, input.detach().to(where)))
    finally:
        if home is not None:
            model.to(home)
        model.load_state_dict(state)
        for p, g in saved_grads:
            p.grad = g
        set_rng_state(rng)
    (cpu_outputs, cpu_grads), (gpu_outputs, gpu_grads) = results
    rows = []
    for (path, type_name, a), (_, _, b) in zip(cpu_outputs, gpu_outputs):
        diff = np.abs(a - b)
        own = [name for name in cpu_grads
               if name.rsplit(".", 1)[0] == path or (path == "" and "." not in name)]
        grad_diff = max((float(np.max(np.abs(cpu_grads[n] - gpu_grads[n]))) for n in own),
                        default=None)
        rows.append({"path": path or "(model)", "type": type_name,
                     "max_abs_diff": float(diff.max()) if diff.size else 0.0,
                     "max_rel_diff": float((diff / np.maximum(np.abs(a), 1e-12)).max())
                     if diff.size else 0.0,
                     "grad_max_abs_diff": grad_diff})
    return DeviceComparison(rows)
