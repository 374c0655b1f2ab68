"""striate.summary(model, input_shape): a per-layer table of a model (name, type, output shape,
parameters, multiply-adds), its totals, and the memory its parameters and activations take.

    >>> st.summary(model, (3, 32, 32), batch_size=8)

How layers are seen. The model runs once on random input (eval mode, no_grad; every module's
training flag is restored afterwards, so BatchNorm statistics do not move) under a call observer
(striate._C._nn.ObserveCalls). Every module call is reported to it on entry and exit, whether
Python makes it (module(x)) or a C++ forward runs its children (nn::Module::call), so each call
gets a row, nested and ordered as the real forward runs them, in C++ or in Python alike.

Multiply-adds (for the whole batch) are each module's own, children excluded, as the module
reports them through Module.mult_adds(input_shape, output_shape): a convolution (and a locally
connected layer) costs one multiply-add per output element per weight it reads, out.numel *
C_in/groups * R*S, counted as if fully connected across channels even with a connection table;
transposed convolutions count per input element, in.numel * K/groups * R*S; Linear costs
out.numel * in_features; normalization layers one per output element (the scale and shift);
everything else (activations, pooling, dropout, reshapes, merges, recurrent layers) counts 0.
A module is unknown ("?", left out of the total, and `mult_adds_complete` is False) when it has
parameters of its own and reports no count (a Python subclass without a mult_adds method), or
when children with parameters ran unseen inside it (its forward did not call them as modules).
"""

from dataclasses import dataclass, field

from . import _C

_Module = _C._nn.Module


@dataclass
class LayerRow:
    """One module call's line in the table. `depth` is its nesting under the model (0 = the
    model); `params` counts the parameters it owns itself, plus its descendants' when it has no
    rows for them (a leaf, or a module whose children ran unseen)."""

    name: str
    type: str
    output_shape: tuple
    params: int
    mult_adds: object  # int, or None when unknown
    depth: int
    has_child_rows: bool = False
    output_bytes: int = 0


@dataclass
class ModelSummary:
    """What :func:`striate.summary` returns: rows, totals and memory estimate; prints as a table.

    Attributes:
        rows (list): One row per module call (name, type, output shape, parameters, mult-adds).
        input_shape (tuple): The shape the model ran on, batch included.
        total_params (int): Parameters of the model.
        trainable_params (int): Those with ``requires_grad``.
        total_mult_adds (int): Multiply-adds of one forward pass.
        mult_adds_complete (bool): False when some layer's count is unknown.
        param_bytes (int): Bytes of the parameters.
        buffer_bytes (int): Bytes of the buffers.
        input_bytes (int): Bytes of the input batch.
        activation_bytes (int): Bytes of the layers' outputs (forward and backward).
        notes (list of str): Remarks printed under the table.

    Example:
        >>> s = st.summary(nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), (1, 2, 2))
        >>> s.total_params
        10
    """
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


class _Recorder(_C._nn.CallObserver):
    """Hears every module call of one forward and records its row; for viz, also the autograd
    nodes around each row that has no rows below it, so the graph can be drawn from them."""

    def __init__(self, model):
        super().__init__()
        self.modules = _all_modules(model)  # held, so each module keeps one Python object and id
        self.names = {}
        for name, module in self.modules:
            self.names.setdefault(id(module), name)
        self.rows = []
        self.open_calls = []  # (row index, input) of each call entered and not yet left
        # (row index, input node, output node, whether children with parameters ran unseen)
        self.layer_calls = []

    def run(self, model, x):
        with _C._nn.ObserveCalls(self):
            return model(x)

    def enter(self, module, input):
        name = self.names.get(id(module), f"({type(module).__name__})")
        self.rows.append(LayerRow(name, type(module).__name__, (), 0, 0, len(self.open_calls)))
        self.open_calls.append((len(self.rows) - 1, input))

    def exit(self, module, output):
        # output is None when the forward returned no tensor, or raised.
        row_index, input = self.open_calls.pop()
        row = self.rows[row_index]
        row.output_shape = tuple(output.shape) if output is not None else ()
        row.output_bytes = output.numel() * output.element_size() if output is not None else 0
        row.has_child_rows = len(self.rows) > row_index + 1
        own = _own_mult_adds(module, input, output)
        if row.has_child_rows:
            row.params = _count(module.parameters(recurse=False))
            row.mult_adds = own
            return
        row.params = _count(module.parameters())
        unseen = any(True for child in module.children() for _ in child.parameters())
        row.mult_adds = None if unseen else own
        self.layer_calls.append((row_index, _node_of(input), _node_of(output), unseen))


def _own_mult_adds(module, input, output):
    if output is None:
        return 0
    input_shape = tuple(input.shape) if input is not None else ()
    return module.mult_adds(input_shape, tuple(output.shape))


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


def _node_of(tensor):
    return tensor.grad_fn if tensor is not None else None


def _count(params):
    return sum(param.numel() for param in params)


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
    tracer = _Recorder(model)
    # Random input, as data would be (a zero input can take other paths); the global random
    # state is left as it was.
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
    table; print_table prints it.

    Args:
        model (Module): The model.
        input_shape (tuple): One example's shape, without the batch.
        batch_size (int): The batch of the run. Default: 1.
        print_table (bool): Print the table. Default: True.
        dtype (dtype, optional): The input's dtype. Default: None (float32).

    Returns:
        ModelSummary: The rows and totals.

    Example:
        >>> s = st.summary(nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten()), (1, 8, 8),
        ...                print_table=False)
        >>> s.total_params, [row.output_shape for row in s.rows]
        (40, [(1, 144), (1, 4, 6, 6), (1, 4, 6, 6), (1, 144)])
    """
    tracer, x, _ = _trace(model, input_shape, batch_size, dtype)
    params = list(model.parameters())
    buffers = list(model.buffers())
    leaf_rows = [row for row in tracer.rows if not row.has_child_rows]
    complete = all(row.mult_adds is not None for row in tracer.rows)
    notes = []
    if not complete:
        opaque = [f"{row.name} ({row.type})" if row.name else row.type
                  for row in tracer.rows if row.mult_adds is None]
        notes.append("multiply-adds unknown (\"?\": parameters of its own and no mult_adds, or "
                     "children with parameters run unseen): " + ", ".join(opaque))
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
