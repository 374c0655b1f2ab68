"""striate.onnx: models out to ONNX and back in, through the `onnx` package (pip install onnx).

    striate.onnx.export(model, st.randn(1, 3, 32, 32), "model.onnx")   # opset 17, dynamic batch
    model = striate.onnx.load("model.onnx")   # a Module: runs with striate ops, fine-tunable

export covers the zoo's ops: the conv family, max/avg/adaptive pooling, BatchNorm (eval), LRN,
dropout (eval: identity), activations, add/concat merges, flatten/linear and softmax, in
built-in modules and in Python-subclassed models built from them. load reads the same op set,
from our files and from torch.onnx.export's. See docs/interop.md.
"""

from ._export import export
from ._graph import OnnxExportError
from ._import import OnnxImportError, load

__all__ = ["OnnxExportError", "OnnxImportError", "export", "load"]
