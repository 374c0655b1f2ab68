"""The type stubs of the compiled module (tools/gen_stubs.py, run by CMake after each link and
shipped in the wheel as striate/_C/*.pyi): present beside the extension, valid Python, and
naming what editors need (Tensor and its methods, the bound layers with their arguments)."""

import ast
import os

import pytest
import striate as st


def stub_dir():
    installed = os.path.join(os.path.dirname(st._C.__file__), "_C")
    if os.path.isfile(os.path.join(installed, "__init__.pyi")):
        return installed
    built = os.path.join(os.path.dirname(st._C.__file__), "stubs", "_C")  # a dev build's tree
    if os.path.isfile(os.path.join(built, "__init__.pyi")):
        return built
    pytest.skip("this build has no stubs (pybind11-stubgen was not importable when it was built)")


def parse(path):
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read(), path)


def class_names(tree):
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def test_stubs_parse_and_name_the_core_types():
    root = stub_dir()
    stubs = [os.path.join(d, f) for d, _, files in os.walk(root) for f in files
             if f.endswith(".pyi")]
    assert len(stubs) >= 8
    for path in stubs:
        parse(path)  # a syntax error would break every editor that reads them
    core = class_names(parse(os.path.join(root, "__init__.pyi")))
    assert "Tensor" in core
    methods = {n.name for n in core["Tensor"].body if isinstance(n, ast.FunctionDef)}
    assert {"detach", "numel", "contiguous", "requires_grad_"} <= methods
    nn = class_names(parse(os.path.join(root, "_nn", "__init__.pyi")))
    conv_init = next(n for n in nn["Conv2d"].body
                     if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    assert [a.arg for a in conv_init.args.args][:4] == ["self", "in_channels", "out_channels",
                                                        "kernel_size"]


def test_the_package_is_marked_typed():
    assert os.path.isfile(os.path.join(os.path.dirname(st.__file__), "py.typed"))
