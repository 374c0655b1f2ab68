"""striate.viz: the DOT text we write (boxes per layer, merge nodes for sums and concatenations,
edges along the data flow) and its rendering by Graphviz's dot."""

import re
import shutil

import pytest
import striate as st
from helpers import SqueezeExcite
from striate import nn


def parse_dot(text):
    nodes = dict(re.findall(r"^ +(\w+) \[(.*)\];$", text, flags=re.M))
    nodes.pop("node", None)  # the default attribute lines
    nodes.pop("graph", None)
    edges = re.findall(r"^  (\w+) -> (\w+);$", text, flags=re.M)
    return nodes, edges


def label_of(attributes):
    return re.search(r'label="([^"]*)"', attributes).group(1)


def incoming(edges, node):
    return sorted(source for source, target in edges if target == node)


def find(nodes, fragment):
    return [name for name, attributes in nodes.items() if fragment in label_of(attributes)]


class PythonResidual(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 3, 3, padding=1), nn.ReLU())
        self.fc = nn.Linear(3 * 8 * 8, 4)

    def forward(self, x):
        return self.fc((self.body(x) + x).flatten(1))


def test_sequential_is_a_chain_without_merges():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Dropout(0.5), nn.ReLU(), nn.Identity(),
                          nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
    nodes, edges = parse_dot(st.viz.to_dot(model, (1, 8, 8), batch_size=2))
    layers = [name for name in nodes if name.startswith("layer")]
    assert len(layers) == 6 and len(nodes) == 8  # + input, output
    assert not any("merge=" in attributes for attributes in nodes.values())
    assert len(edges) == 7
    chain = ["input"] + [find(nodes, f"{index}\\n{kind}")[0] for index, kind in enumerate(
        ["Conv2d", "Dropout", "ReLU", "Identity", "Flatten", "Linear"])] + ["output0"]
    assert sorted(edges) == sorted(zip(chain, chain[1:]))
    assert "2×4×6×6" in label_of(nodes[chain[1]]) and "2×3" in label_of(nodes["output0"])


def test_python_residual_sum_is_a_merge_node():
    nodes, edges = parse_dot(st.viz.to_dot(PythonResidual(), (3, 8, 8)))
    merges = [name for name, attributes in nodes.items() if 'merge="add"' in attributes]
    assert len(merges) == 1
    relu = find(nodes, "body.1\\nReLU")[0]
    assert incoming(edges, merges[0]) == sorted(["input", relu])
    assert label_of(nodes[merges[0]]) == "+"


def test_spec_residual_and_concat_merges():
    model = nn.from_spec([
        {"type": "conv", "sx": 3, "filters": 4, "pad": 1},
        {"type": "residual", "body": [{"type": "conv", "sx": 3, "filters": 4, "pad": 1}],
         "post": "relu"},
        {"type": "concat", "branches": [[{"type": "conv", "sx": 1, "filters": 2}],
                                        [{"type": "conv", "sx": 3, "pad": 1, "filters": 3}],
                                        [{"type": "pool", "sx": 3, "stride": 1, "pad": 1}]]},
    ], (3, 8, 8))
    nodes, edges = parse_dot(st.viz.to_dot(model, (3, 8, 8)))
    sums = [name for name, attributes in nodes.items() if 'merge="add"' in attributes]
    concats = [name for name, attributes in nodes.items() if 'merge="cat"' in attributes]
    assert len(sums) == 1 and len(concats) == 1
    assert len(incoming(edges, sums[0])) == 2
    assert len(incoming(edges, concats[0])) == 3
    assert label_of(nodes[concats[0]]) == "concat"
    # the three branches all read one node, which the sum feeds
    branch_sources = {tuple(incoming(edges, branch)) for branch in incoming(edges, concats[0])}
    assert len(branch_sources) == 1
    (fork,) = branch_sources.pop()
    assert incoming(edges, fork) == [sums[0]]


def test_opaque_block_is_drawn_through_autograd_with_its_merge():
    # A block whose children run unseen (no rows for them) is drawn through its autograd graph.
    model = nn.Sequential(nn.Conv2d(3, 8, 1), SqueezeExcite(8, 2))
    text = st.viz.to_dot(model, (3, 4, 4))
    nodes, edges = parse_dot(text)
    gates = [name for name, attributes in nodes.items() if 'merge="mul"' in attributes]
    assert len(gates) == 1 and (gates[0], "output0") in edges
    conv = find(nodes, "0\\nConv2d")[0]
    assert conv in incoming(edges, gates[0])  # the input it scales
    assert re.search(r'subgraph cluster\d+ \{\n    label="1\\nSqueezeExcite', text)
    assert len(find(nodes, "conv2d")) == 2 and len(find(nodes, "sigmoid")) == 1


def test_svg_and_png_rendering(tmp_path):
    assert shutil.which("dot"), "Graphviz's dot is needed for this test (apt-get install graphviz)"
    svg = st.viz.graph(PythonResidual(), (3, 8, 8), tmp_path / "net.svg")
    text = open(svg, encoding="utf-8").read()
    assert text.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in text
    assert (tmp_path / "net.dot").exists()
    png = st.viz.graph(PythonResidual(), (3, 8, 8), str(tmp_path / "net.png"))
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    dot = st.viz.graph(PythonResidual(), (3, 8, 8), tmp_path / "only.dot")
    assert open(dot, encoding="utf-8").read().startswith('digraph "PythonResidual"')


def test_missing_dot_writes_dot_text_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="'dot' program is not installed.*apt-get install "
                                           "graphviz"):
        st.viz.graph(PythonResidual(), (3, 8, 8), tmp_path / "net.svg")
    assert (tmp_path / "net.dot").read_text().startswith("digraph")


def test_bad_path_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"viz.graph: expected a path ending in .dot"):
        st.viz.graph(PythonResidual(), (3, 8, 8), tmp_path / "net.jpg")


def test_model_state_is_restored():
    model = PythonResidual()
    call = nn.Module.__call__
    st.viz.to_dot(model, (3, 8, 8))
    assert model.training and nn.Module.__call__ is call
    assert all(param.grad is None for param in model.parameters())
