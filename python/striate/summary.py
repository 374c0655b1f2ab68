"""striate.summary(model, input_shape): a per-layer table of a model (name, type, output shape,
parameters, multiply-adds), its totals, and the memory its parameters and activations take.

    >>> st.summary(model, (3, 32, 32), batch_size=8)

How layers are seen. The model runs once on random input (eval mode, no_grad; every module's
training flag is restored afterwards, so BatchNorm statistics do not move). While it runs,
Module.__call__ is replaced, so every module called *from Python* is seen: Python subclasses, and
everything they call. Built-in C++ modules call their children in C++, out of Python's sight, so:
  - a Sequential is run child by child from Python (each child gets a row);
  - every block and model of the zoo has its forward written again over its children in
    _summary_structures.py (the order of the children, the merges between them), run from
    Python so each child gets its row. The replay must reproduce the module's true output: the outermost
    replayed module is also run whole and compared (inner ones are trusted, which keeps the cost
    at two forwards); on a mismatch each inner module is checked alone;
  - another C++ module with children is run whole for its true output, then its children are
    run in registration order (a child that fails is retried on the flattened input, as a
    classifier head wants, then skipped);
  - a module none of these reproduces is one opaque row: its parameters are counted, its
    multiply-adds are unknown (shown as "?", left out of the total, and `mult_adds_complete`
    is False).

Multiply-adds rule (for the whole batch): a convolution (and a locally connected layer) costs
one multiply-add per output element per weight it reads, out.numel * C_in/groups * R*S, counted
as if fully connected across channels even with a connection table; transposed convolutions count
per input element, in.numel * K/groups * R*S; Linear costs out.numel * in_features;
normalization layers one per output element (the scale and shift); everything else
(activations, pooling, dropout, reshapes, merges, recurrent layers) counts 0.
"""

import inspect
from dataclasses import dataclass, field

from . import _C
from ._summary_structures import STRUCTURES as _STRUCTURES

_Module = _C._nn.Module
_Sequential = _C._nn.Sequential


@dataclass
class LayerRow:
    """One module's line in the table. `depth` is its nesting under the model (0 = the model);
    `params` counts the parameters it owns itself, plus its descendants' when it has no rows
    for them (a leaf or an opaque module)."""

    name: str
    type: str
    output_shape: tuple
    params: int
    mult_adds: object  # int, or None when unknown (opaque C++ composite)
    depth: int
    has_child_rows: bool = False
    output_bytes: int = 0


@dataclass
class ModelSummary:
    rows: list
    input_shape: tuple
    total_params: int
    trainable_params: int
    total_mult_adds: int
    mult_adds_complete: bool
    param_bytes: int
    buffer_bytes: int
    input_bytes: int
    activation_bytes: int
    notes: list = field(default_factory=list)

    def __str__(self):
        return _format_table(self)

    __repr__ = __str__


# ---- tracing ---------------------------------------------------------------------------------


def _has_python_forward(module):
    # A Python subclass's forward calls its children through Module.__call__, which we can see.
    for klass in type(module).__mro__:
        forward = klass.__dict__.get("forward")
        if forward is not None:
            return inspect.isfunction(forward)
    return False


def _output_tensor(output):
    # Multi-output modules (aux heads) are described by their first tensor.
    while isinstance(output, (tuple, list)) and output:
        output = output[0]
    return output if isinstance(output, _C.Tensor) else None


class _Tracer:
    """Runs a model while watching every module call; records rows (and, for viz, the autograd
    nodes around each row module, so the graph can be drawn from them)."""

    def __init__(self, model):
        self.modules = _all_modules(model)  # held, so each module keeps one Python object and id
        self.names = {}
        for name, module in self.modules:
            self.names.setdefault(id(module), name)
        self.rows = []
        self.depth = 0
        self.layer_calls = []  # (row index, input node, output node, whether run whole (opaque))
        self.trusted = False  # inside a structure replay that is compared with the true output
        self.original_call = _Module.__call__

    def run(self, model, x):
        tracer = self

        def traced_call(module, *args, **kwargs):
            return tracer.call(module, args, kwargs)

        _Module.__call__ = traced_call
        try:
            return model(x)
        finally:
            _Module.__call__ = self.original_call

    def call(self, module, args, kwargs, replay=None):
        """Records a row for `module` and runs it; `replay` (optional) computes its output from
        its children instead (a FractalBlock's inner columns, which are not one call)."""
        row_index = len(self.rows)
        row = LayerRow(self._name(module), type(module).__name__, (), 0, 0, self.depth)
        self.rows.append(row)
        self.depth += 1
        try:
            if replay is not None:
                output = replay()
                row.has_child_rows = True
            elif type(module) is _Sequential or (isinstance(module, _Sequential)
                                                 and not _has_python_forward(module)):
                output = args[0]
                for child in module.children():
                    output = child(output)
                row.has_child_rows = True
            elif _has_python_forward(module) or not list(module.children()):
                input_node = _input_node(args)
                output = module.forward(*args, **kwargs)
                row.has_child_rows = len(self.rows) > row_index + 1
                if not row.has_child_rows:
                    self.layer_calls.append((row_index, input_node, _node_of(output), False))
            else:
                output = self._composite(module, row, row_index, args, kwargs)
        finally:
            self.depth -= 1
        self._fill(row, module, args, output)
        return output

    def _composite(self, module, row, row_index, args, kwargs):
        structure = _STRUCTURES.get(type(module).__name__)
        single_input = len(args) == 1 and not kwargs
        if structure is not None and single_input and self.trusted:
            # Inside a replay that is checked as a whole.
            row.has_child_rows = True
            return structure(self, module, args[0])
        input_node = _input_node(args)
        true_output = module.forward(*args, **kwargs)
        true_tensor = _output_tensor(true_output)
        if single_input and isinstance(true_output, _C.Tensor):
            replays = [self._run_children]
            if structure is not None:
                replays = [self._trusting(structure), structure] + replays
            saved_calls = len(self.layer_calls)
            for replay in replays:
                try:
                    output = replay(self, module, args[0])
                except Exception:  # noqa: BLE001 — the children do not fit this replay
                    output = None
                if (isinstance(output, _C.Tensor) and tuple(output.shape) == tuple(true_tensor.shape)
                        and _same_values(output, true_tensor)):
                    row.has_child_rows = True
                    return output
                del self.rows[row_index + 1:]
                del self.layer_calls[saved_calls:]
        row.mult_adds = None
        self.layer_calls.append((row_index, input_node, _node_of(true_output), True))
        return true_output

    def _trusting(self, structure):
        def replay(tracer, module, x):
            trusted, self.trusted = self.trusted, True
            try:
                return structure(tracer, module, x)
            finally:
                self.trusted = trusted
        return replay

    @staticmethod
    def _run_children(tracer, module, output):
        # Each child gets the previous one's output; one that raises is retried on the input
        # flattened (the flatten of a classifier head), then skipped (an auxiliary head unused
        # in eval). Only the caller's comparison with the true output makes the result count.
        for child in module.children():
            for attempt in (output, output.flatten(1) if output.dim() > 2 else None):
                if attempt is None:
                    continue
                rows, calls = len(tracer.rows), len(tracer.layer_calls)
                try:
                    result = child(attempt)
                except Exception:  # noqa: BLE001 — a failure only means "not this way"
                    del tracer.rows[rows:]
                    del tracer.layer_calls[calls:]
                    continue
                if isinstance(result, _C.Tensor):
                    output = result
                    break
                del tracer.rows[rows:]
                del tracer.layer_calls[calls:]
        return output

    def _name(self, module):
        return self.names.get(id(module), f"({type(module).__name__})")

    def _fill(self, row, module, args, output):
        tensor = _output_tensor(output)
        row.output_shape = tuple(tensor.shape) if tensor is not None else ()
        row.output_bytes = tensor.numel() * tensor.element_size() if tensor is not None else 0
        if row.has_child_rows:
            row.params = _count(module.parameters(recurse=False))
            row.mult_adds = 0
        else:
            row.params = _count(module.parameters())
            if row.mult_adds is not None:
                row.mult_adds = _mult_adds(module, args, tensor)


def _all_modules(model):
    """(dotted name, module) for model and every descendant, each once. The Python objects of C++
    children are made on demand, so they are all kept in the list while ids are compared."""
    found, seen = [], set()

    def walk(module, prefix):
        found.append((prefix, module))
        if id(module) in seen:
            found.pop()
            return
        seen.add(id(module))
        for name, child in module.named_children():
            walk(child, f"{prefix}.{name}" if prefix else name)

    walk(model, "")
    return found


def _same_values(output, expected):
    # The chain must reproduce the module's true output, not only its shape (a squeeze-excite
    # gate or an identity shortcut keeps the shape but not the values).
    difference = (output.detach() - expected.detach()).abs().max().item()
    return difference <= 1e-4 * (1.0 + expected.detach().abs().max().item())


def _input_node(args):
    return _node_of(args[0]) if args else None


def _node_of(value):
    tensor = _output_tensor(value)
    return tensor.grad_fn if tensor is not None else None


def _count(params):
    return sum(param.numel() for param in params)


def _mult_adds(module, args, output):
    if output is None:
        return 0
    kind = type(module).__name__
    if (("Conv" in kind or "LocallyConnected" in kind) and hasattr(module, "kernel_size")
            and hasattr(module, "in_channels")):
        kernel = 1
        for size in _as_tuple(module.kernel_size):
            kernel *= size
        groups = getattr(module, "groups", 1)
        if "Transpose" in kind:
            inputs = args[0].numel()
            return inputs * module.out_channels // groups * kernel
        return output.numel() * module.in_channels // groups * kernel
    if hasattr(module, "in_features") and hasattr(module, "out_features"):
        return output.numel() * module.in_features
    if "Norm" in kind:
        return output.numel()
    return 0


def _as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


# ---- the public entry point ----------------------------------------------------------------------


def _check_input_shape(input_shape, batch_size):
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    if (not isinstance(input_shape, (tuple, list)) or not input_shape
            or not all(isinstance(size, int) and size > 0 for size in input_shape)):
        raise ValueError("summary: expected input_shape to be a non-empty tuple of positive ints "
                         f"(one sample's shape, without the batch), got {input_shape!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"summary: expected batch_size to be a positive int, got {batch_size!r}")
    return tuple(input_shape)


def _trace(model, input_shape, batch_size, dtype=None, grad=False):
    """Runs model on random input of shape (batch_size, *input_shape) in eval mode and returns the
    tracer and the output. With grad, the input requires grad so autograd nodes are recorded."""
    if not isinstance(model, _Module):
        raise TypeError(f"summary: expected an nn.Module, got {type(model).__name__}")
    from . import autograd, get_rng_state, manual_seed, randn, set_rng_state

    input_shape = _check_input_shape(input_shape, batch_size)
    modes = [(module, module.training) for _, module in _all_modules(model)]
    tracer = _Tracer(model)
    # Random (not zero) input, so a C++ block's children can be checked against its true output;
    # the global random state is left as it was.
    rng_state = get_rng_state()
    manual_seed(0)
    x = randn(batch_size, *input_shape) if dtype is None else randn(batch_size, *input_shape,
                                                                     dtype=dtype)
    set_rng_state(rng_state)
    try:
        model.eval()
        if grad:
            # Fed through one op so the input has an autograd node of its own to point at.
            with autograd.enable_grad():
                x = x.requires_grad_(True).clone()
                output = tracer.run(model, x)
        else:
            with autograd.no_grad():
                output = tracer.run(model, x)
    finally:
        for module, mode in modes:
            module.training = mode
    return tracer, x, output


def summary(model, input_shape, batch_size=1, print_table=True, dtype=None):
    """Runs model once on random input of shape (batch_size, *input_shape) and returns a
    ModelSummary: `.rows` (LayerRow per module call), `.total_params`, `.trainable_params`,
    `.total_mult_adds` (for the whole batch), `.param_bytes` (parameters; buffers apart in
    `.buffer_bytes`) and `.activation_bytes` (the outputs of the layers that have no rows below
    them, for the batch: what one forward keeps for backward, roughly). str() of it is the
    table; print_table prints it."""
    tracer, x, _ = _trace(model, input_shape, batch_size, dtype)
    params = list(model.parameters())
    buffers = list(model.buffers())
    leaf_rows = [row for row in tracer.rows if not row.has_child_rows]
    complete = all(row.mult_adds is not None for row in tracer.rows)
    notes = []
    if not complete:
        opaque = [f"{row.name} ({row.type})" if row.name else row.type
                  for row in tracer.rows if row.mult_adds is None]
        notes.append("multiply-adds of C++ blocks run whole are unknown (\"?\"): "
                     + ", ".join(opaque))
    result = ModelSummary(
        rows=tracer.rows,
        input_shape=tuple(x.shape),
        total_params=_count(params),
        trainable_params=_count(param for param in params if param.requires_grad),
        total_mult_adds=sum(row.mult_adds or 0 for row in tracer.rows),
        mult_adds_complete=complete,
        param_bytes=sum(param.numel() * param.element_size() for param in params),
        buffer_bytes=sum(buffer.numel() * buffer.element_size() for buffer in buffers),
        input_bytes=x.numel() * x.element_size(),
        activation_bytes=sum(row.output_bytes for row in leaf_rows),
        notes=notes,
    )
    if print_table:
        print(result)
    return result


# ---- the table ---------------------------------------------------------------------------------


def _megabytes(size):
    return f"{size / 2**20:.2f} MB"


def _format_table(result):
    header = ("Layer (type)", "Output shape", "Param #", "Mult-adds")
    lines = []
    for row in result.rows:
        label = "  " * row.depth + (f"{row.name} ({row.type})" if row.name else row.type)
        shape = "[" + ", ".join(str(size) for size in row.output_shape) + "]"
        mult_adds = "?" if row.mult_adds is None else f"{row.mult_adds:,}"
        lines.append((label, shape, f"{row.params:,}", mult_adds))
    widths = [max(len(line[column]) for line in lines + [header]) for column in range(4)]

    def render(line):
        return (line[0].ljust(widths[0]) + "  " + line[1].ljust(widths[1]) + "  "
                + line[2].rjust(widths[2]) + "  " + line[3].rjust(widths[3]))

    rule = "=" * len(render(header))
    out = [rule, render(header), rule] + [render(line) for line in lines] + [rule]
    total_bytes = (result.input_bytes + result.activation_bytes + result.param_bytes
                   + result.buffer_bytes)
    mult_adds_total = f"{result.total_mult_adds:,}" + ("" if result.mult_adds_complete
                                                       else " (known layers only)")
    out += [
        f"Total params: {result.total_params:,}",
        f"Trainable params: {result.trainable_params:,}",
        f"Non-trainable params: {result.total_params - result.trainable_params:,}",
        f"Total mult-adds: {mult_adds_total}",
        rule,
        f"Input size: {_megabytes(result.input_bytes)}",
        f"Activations (forward, batch {result.input_shape[0]}): "
        f"{_megabytes(result.activation_bytes)}",
        f"Params size: {_megabytes(result.param_bytes)}",
        f"Buffers size: {_megabytes(result.buffer_bytes)}",
        f"Estimated total: {_megabytes(total_bytes)}",
        rule,
    ]
    out += [f"Note: {note}" for note in result.notes]
    return "\n".join(out)
