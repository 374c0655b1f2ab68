"""docs/ops.md is generated from the op registry: it lists every registered op with the kernels it
runs and where they run, so an op added without regenerating it (python3 tools/gen_ops_md.py)
fails here."""

import importlib.util
import os

import striate as st

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_ops_md", os.path.join(ROOT, "tools", "gen_ops_md.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def without_cuda_column(text):
    # The CUDA column depends on whether this build has the CUDA backend; the rest does not.
    return [
        line.split(" | ")[:4] + line.split(" | ")[5:] if line.startswith("| ") else line
        for line in text.splitlines()
    ]


def test_ops_doc_is_generated_from_the_registry():
    with open(os.path.join(ROOT, "docs", "ops.md"), encoding="utf-8") as f:
        written = f.read()
    expected = load_generator().render(st)
    if st.cuda_built:
        assert written == expected, "docs/ops.md is stale: run python3 tools/gen_ops_md.py"
    else:
        assert without_cuda_column(written) == without_cuda_column(expected)


def test_every_registered_op_has_a_row():
    with open(os.path.join(ROOT, "docs", "ops.md"), encoding="utf-8") as f:
        rows = {
            line.split(" | ")[0][2:]
            for line in f
            if line.startswith("| ") and not line.startswith("| op ")
        }
    assert set(st.backends.registered_ops()) <= rows
