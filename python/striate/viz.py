"""striate.viz.graph(model, input_shape, path): draws a network as a Graphviz picture. We write
the DOT text ourselves; the `dot` binary (Debian package graphviz) renders .svg / .png.

    st.viz.graph(model, (3, 32, 32), "net.svg")     # .dot, .svg or .png, by the suffix

The model runs once on random input (eval mode, as in summary()) with autograd recording. Each layer
that summary() gives a row with nothing below it becomes a box (name, type, output shape). The
edges come from the autograd graph: walking back from the output, a layer's box links to the
layers that produced its input; an autograd node that joins two or more computed tensors is a
merge, drawn as its own node ("+" for a sum as in Residual / Parallel(merge="sum"), "concat"
for a concatenation as in Concat / DenseBlock / Inception / Fire, the op's name otherwise).
Functional ops called between layers (a relu or flatten in a Python forward) are small
ellipses. A C++ block whose children cannot be run one after the other (see summary()) is drawn
through its own autograd graph inside a dashed box named after it: its ops are ellipses and its
merges (the sum of a C++ Residual or BasicBlock, the concatenation of Concat, Inception, Fire,
DenseBlock) still show as merges.
"""

import os
import shutil
import subprocess
import sys

from .summary import _trace

_MERGE_LABELS = {"Add": "+", "Cat": "concat", "Stack": "stack", "Mul": "×", "Sub": "−"}


def _op_name(node):
    return node._name().removesuffix("Backward")  # ours: name() is torch's ("AddBackward0")


class _GraphBuilder:
    def __init__(self, tracer):
        self.lines = []
        self.memo = {}
        self.op_count = 0
        self.layers_by_node = {}
        self.blocks_by_node = {}
        self.pass_from = {}
        self.clusters = {}  # cluster id -> (label, [node ids]) for blocks drawn through autograd
        self.block_stack = []
        self.edges = set()
        self.input_node = None
        self.keep_alive = []  # holding the nodes keeps their ids (the dict keys) unique
        for row_index, input_node, output_node, opaque in tracer.layer_calls:
            self.keep_alive += [input_node, output_node]
            row = tracer.rows[row_index]
            title = f"{row.name}\\n{row.type}" if row.name else row.type
            shape = "×".join(str(size) for size in row.output_shape)
            if output_node is None:
                continue
            key = id(output_node)
            if opaque and output_node is not input_node:
                self.blocks_by_node[key] = (f"cluster{row_index}", f"{title}\\n{shape}")
                continue
            layer_id = f"layer{row_index}"
            self.lines.append(f'  {layer_id} [shape=box, style="rounded,filled", '
                              f'fillcolor="#dbe8f6", label="{title}\\n{shape}"];')
            if output_node is input_node or key in self.layers_by_node:
                # A layer passing its input through (Identity, Dropout in eval) or editing it in
                # place: it follows whatever produced that node before.
                self.pass_from[layer_id] = self.layers_by_node.get(key)
            self.layers_by_node[key] = (layer_id, input_node, output_node)

    def sources(self, node):
        """Graph node ids feeding the tensor whose autograd node is `node`."""
        if node is None or node is self.input_node:
            return ["input"]
        key = id(node)
        if key in self.layers_by_node:
            return [self.layer(self.layers_by_node[key])]
        if key in self.blocks_by_node and ("op", key) not in self.memo:
            cluster_id, label = self.blocks_by_node[key]
            self.clusters.setdefault(cluster_id, (label, []))
            self.block_stack.append(cluster_id)
            try:
                return self.op(node)
            finally:
                self.block_stack.pop()
        return self.op(node)

    def layer(self, entry):
        layer_id, input_node, output_node = entry
        if layer_id in self.memo:
            return layer_id
        self.memo[layer_id] = True
        if layer_id in self.pass_from:
            before = self.pass_from[layer_id]
            feeds = [self.layer(before)] if before is not None else self.op(output_node)
        else:
            feeds = self.sources(input_node)
        for feed in feeds:
            self.edges.add((feed, layer_id))
        return layer_id

    def op(self, node):
        key = ("op", id(node))
        if key in self.memo:
            return self.memo[key]
        self.keep_alive.append(node)
        name = _op_name(node)
        self.memo[key] = []  # a parameter's AccumulateGrad stays [], i.e. not drawn
        if name == "AccumulateGrad":
            return []
        computed = []
        for next_node, _ in node._next_functions:  # our graph, not torch's presentation
            if next_node is not None:
                feed = self.sources(next_node)
                if feed:
                    computed.append(feed)
        node_id = f"op{self.op_count}"
        self.op_count += 1
        if len(computed) >= 2:
            label = _MERGE_LABELS.get(name, name.lower())
            line = (f'{node_id} [shape=circle, style=filled, fillcolor="#f6e0b5", '
                    f'label="{label}", merge="{name.lower()}"];')
        else:
            line = f'{node_id} [shape=ellipse, fontsize=10, label="{name.lower()}"];'
        if self.block_stack:
            self.clusters[self.block_stack[-1]][1].append(line)
        else:
            self.lines.append("  " + line)
        for feed in computed:
            for source in feed:
                self.edges.add((source, node_id))
        if not computed:
            self.edges.add(("input", node_id))
        self.memo[key] = [node_id]
        return [node_id]

    def cluster_lines(self):
        lines = []
        for cluster_id, (label, members) in self.clusters.items():
            lines.append(f'  subgraph {cluster_id} {{')
            lines.append(f'    label="{label}"; style="rounded,dashed"; color="#7f7f7f";')
            lines += [f"    {member}" for member in members]
            lines.append("  }")
        return lines


def to_dot(model, input_shape, batch_size=1):
    """The DOT text of model's graph (see the module doc).

    Args:
        model (Module): The model.
        input_shape (tuple): One example's shape, without the batch.
        batch_size (int): The batch of the traced run. Default: 1.

    Returns:
        str: The DOT source.

    Example:
        >>> dot = st.viz.to_dot(nn.Sequential(nn.Linear(4, 2), nn.ReLU()), (4,))
        >>> dot.startswith("digraph")
        True
    """
    tracer, x, output = _trace(model, input_shape, batch_size, grad=True)
    builder = _GraphBuilder(tracer)
    builder.input_node = x.grad_fn
    # The walk recurses once per autograd node along the longest path (deep ResNets: thousands).
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    outputs = output if isinstance(output, (tuple, list)) else (output,)
    shape = "×".join(str(size) for size in x.shape)
    header = [f"digraph {_quote(type(model).__name__)} {{", "  rankdir=TB;",
              '  graph [fontname="Helvetica"];', '  node [fontname="Helvetica"];',
              f'  input [shape=box, style=filled, fillcolor="#e0e0e0", label="input\\n{shape}"];']
    for index, tensor in enumerate(outputs):
        for source in builder.sources(tensor.grad_fn):
            builder.edges.add((source, f"output{index}"))
        out_shape = "×".join(str(size) for size in tensor.shape)
        builder.lines.append(f'  output{index} [shape=box, style=filled, fillcolor="#e0e0e0", '
                             f'label="output\\n{out_shape}"];')
    # Layers the walk never reached (not on the path to the output) are left out.
    reached = {target for _, target in builder.edges} | {source for source, _ in builder.edges}
    body = [line for line in builder.lines if line.split(" ", 3)[2] in reached]
    edges = [f"  {source} -> {target};" for source, target in sorted(builder.edges)]
    return "\n".join(header + body + builder.cluster_lines() + edges + ["}"]) + "\n"


def _quote(text):
    return '"' + text.replace('"', "'") + '"'


def graph(model, input_shape, path, batch_size=1):
    """Writes model's graph to path: .dot writes the DOT text; .svg / .png also run Graphviz's
    `dot` (the DOT text is written beside, as path with .dot). Returns path.

    Args:
        model (Module): The model.
        input_shape (tuple): One example's shape, without the batch.
        path (str or PathLike): ``.dot``, ``.svg`` or ``.png``.
        batch_size (int): The batch of the traced run. Default: 1.

    Returns:
        str: ``path``.

    Raises:
        RuntimeError: Graphviz's ``dot`` is missing for .svg / .png.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "mlp.dot")
        >>> st.viz.graph(nn.Sequential(nn.Linear(4, 2)), (4,), path) == path
        True
    """
    path = os.fspath(path)
    root, suffix = os.path.splitext(path)
    suffix = suffix.lower()
    if suffix not in (".dot", ".gv", ".svg", ".png"):
        raise ValueError(f"viz.graph: expected a path ending in .dot, .gv, .svg or .png, got "
                         f"{path!r}")
    dot_text = to_dot(model, input_shape, batch_size)
    dot_path = path if suffix in (".dot", ".gv") else root + ".dot"
    with open(dot_path, "w", encoding="utf-8") as file:
        file.write(dot_text)
    if suffix in (".dot", ".gv"):
        return path
    dot_binary = shutil.which("dot")
    if dot_binary is None:
        raise RuntimeError(f"viz.graph: cannot render {suffix[1:]}: the Graphviz 'dot' program "
                           f"is not installed (Debian/Ubuntu: apt-get install graphviz); the DOT "
                           f"text was written to {dot_path!r}")
    result = subprocess.run([dot_binary, f"-T{suffix[1:]}", dot_path, "-o", path],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"viz.graph: dot failed ({result.returncode}): {result.stderr.strip()}")
    return path
