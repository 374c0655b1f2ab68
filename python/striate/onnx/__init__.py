"""striate.onnx: models out to ONNX and back in, through the `onnx` package (pip install onnx).

    striate.onnx.export(model, st.randn(1, 3, 32, 32), "model.onnx")   # opset 17, dynamic batch
    model = striate.onnx.load("model.onnx")   # a Module: runs with striate ops, fine-tunable

export covers every model of the zoo and every layer of striate.nn that has an ONNX equivalent
(convolutions and pooling of 1 to 3 dims, ConvTranspose1d/2d/3d, the normalizations, activations,
padding, Upsample, PixelShuffle, RNN, merges and containers), in built-in modules and in
Python-subclassed models built from them; a layer without one (FractionalMaxPool2d, MaxUnpool2d,
LocallyConnected2d, two-input modules, losses) raises OnnxUnsupportedError, a
NotImplementedError naming it. load reads the same op set, from our files and from
torch.onnx.export's. See docs/interop.md.
"""

from ._export import export
from ._graph import OnnxExportError, OnnxUnsupportedError
from ._import import OnnxImportError, load

__all__ = ["OnnxExportError", "OnnxImportError", "OnnxUnsupportedError", "export", "load"]
