"""striate.onnx.export: one eval-mode forward, written out as an ONNX graph with onnx.helper.

How a model is seen. Built-in modules (C++ layers, containers, merge blocks, zoo models) are
emitted from their structure by the per-type emitters of _modules.py. A Python-subclassed module
has no known structure, so its forward runs once under a call observer (striate._C._nn, the one
striate.summary uses): every module it calls is heard on entry and exit and emitted by type, and
the Python-level ops between the calls (F.* functions, st.cat / st.add / st.flatten, Tensor
operators and view / reshape / flatten) are recorded by temporary shims (_trace.py). Tensors are
matched to graph values by identity (storage address, shape, strides, dtype), all of them held
alive during the trace so that no address is reused.
"""

import os
import tempfile
from contextlib import contextmanager

from . import _layers, _zoo  # noqa: F401  (register the other layers' and the zoo's emitters)
from ._graph import GraphBuilder, OnnxExportError, OnnxUnsupportedError, _Value
from ._layers import NO_ONNX
from ._modules import EMITTERS

_Module = None


def _module_base():
    global _Module
    if _Module is None:
        from .. import _C

        _Module = _C._nn.Module
    return _Module


_BOUND = None


def is_builtin(module):
    """Whether module's class is a bound C++ class (not a Python subclass of one)."""
    global _BOUND
    if _BOUND is None:
        from .. import _C

        base = _module_base()
        _BOUND = {cls for namespace in (_C._nn, _C._models) for cls in vars(namespace).values()
                  if isinstance(cls, type) and issubclass(cls, base)}
    return type(module) in _BOUND


def is_striate_layer(module):
    """Whether module is one of striate's own layers: a bound C++ class, or a layer striate
    composes in Python (nn/modules/_composed.py, SyncBatchNorm, ...) that export knows by name,
    never a user's subclass. Other Python modules of striate.nn (DistributedDataParallel, say)
    are traced through as a user's are."""
    if is_builtin(module):
        return True
    name = type(module).__name__
    return type(module).__module__.split(".")[:2] == ["striate", "nn"] and (
        name in EMITTERS or name in NO_ONNX or name.endswith("Loss"))


def no_onnx_reason(name):
    """Why striate's layer `name` cannot be exported, or None when it has an emitter."""
    if name in EMITTERS:
        return None
    if name in NO_ONNX:
        return NO_ONNX[name]
    if name.endswith("Loss"):
        return "a loss takes the target as a second input; export the model without it"
    return "no ONNX export is written for it"


def unsupported(name, path):
    return OnnxUnsupportedError(
        f"onnx export: {name}" + (f" at '{path}'" if path else "") + " has no ONNX equivalent: "
        + no_onnx_reason(name))


class _Exporter:
    def __init__(self, opset):
        self.g = GraphBuilder(opset)
        self.busy = 0  # > 0 while the exporter itself computes values: observers and shims ignore
        self.tracers = []

    @contextmanager
    def quiet(self):
        self.busy += 1
        try:
            yield
        finally:
            self.busy -= 1

    def run(self, module, x):
        """module's eager output on x's value, unheard by the trace."""
        with self.quiet():
            return module(x.tensor)

    def apply(self, fn):
        with self.quiet():
            return fn()

    def module(self, module, x, path):
        name = type(module).__name__
        if is_striate_layer(module):
            if name in EMITTERS:
                return EMITTERS[name](self, module, x, path)
            raise unsupported(name, path)
        if type(module).forward is not _module_base().forward:
            from ._trace import trace_python

            return trace_python(self, module, x, path)
        raise OnnxUnsupportedError(
            f"onnx export: unsupported module {name}" + (f" at '{path}'" if path else "")
            + f" (it has no forward); supported: striate's layers ({', '.join(sorted(EMITTERS))}) "
            "and Python-defined modules built from them")


def _check_input(example_input):
    from .. import Tensor

    if not isinstance(example_input, Tensor):
        raise TypeError("onnx.export: expected example_input to be a striate Tensor, got "
                        f"{type(example_input).__name__}")
    if example_input.dim() < 1:
        raise ValueError("onnx.export: expected example_input with a batch dimension, got a "
                         "0-d tensor")
    dtype = str(example_input.dtype)
    if "float32" not in dtype and "float64" not in dtype:
        raise ValueError(f"onnx.export: expected a float32 or float64 input, got {dtype}")


def _name_graph_output(graph, value, output_name):
    """Makes the node that computes `value` write the graph output `output_name` (a name no
    node uses yet), renaming its consumers too. An Identity node is added only where no node
    computes the value: a model that returns its input or a constant."""
    from onnx import helper

    if not any(value in node.output for node in graph.nodes):
        graph.nodes.append(helper.make_node("Identity", [value], [output_name],
                                            name=graph.unique("output/Identity")))
        return
    for node in graph.nodes:
        for names in (node.input, node.output):
            for i, name in enumerate(names):
                if name == value:
                    names[i] = output_name


def build_model(model, example_input, opset=17, dynamic_batch=True, input_name="input",
                output_name="output", check=True):
    """The onnx.ModelProto for model on example_input (see export)."""
    import onnx
    from onnx import helper

    from .. import no_grad

    if not isinstance(model, _module_base()):
        raise TypeError(f"onnx.export: expected an nn.Module, got {type(model).__name__}")
    _check_input(example_input)
    if not isinstance(opset, int) or not 13 <= opset <= 21:
        raise ValueError(f"onnx.export: expected opset to be an int in [13, 21], got {opset!r}")
    modes = [(module, module.training) for module in model.modules()]
    ex = _Exporter(opset)
    ex.g._keep_double = "float64" in str(example_input.dtype)
    x = _Value(input_name, example_input)
    ex.g._used.update((input_name, output_name))
    try:
        model.eval()
        with no_grad():
            out = ex.module(model, x, "")
    finally:
        for module, mode in modes:
            module.training = mode
    if not isinstance(out, _Value):
        raise OnnxExportError("onnx export: the model's forward must return one tensor")
    _name_graph_output(ex.g, out.name, output_name)
    elem = onnx.TensorProto.DOUBLE if ex.g._keep_double else onnx.TensorProto.FLOAT
    in_shape = list(example_input.shape)
    out_shape = list(out.shape)
    if dynamic_batch:
        in_shape[0] = "batch"
        if out_shape:
            out_shape[0] = "batch"
    graph = helper.make_graph(
        ex.g.nodes, "striate_model",
        [helper.make_tensor_value_info(input_name, elem, in_shape)],
        [helper.make_tensor_value_info(output_name, elem, out_shape)],
        initializer=ex.g.initializers)
    from .. import __version__

    opsets = [helper.make_opsetid("", opset)]
    proto = helper.make_model(graph, producer_name="striate", producer_version=__version__,
                              opset_imports=opsets)
    # The oldest IR version the opset allows, so that older runtimes read the file too.
    proto.ir_version = helper.find_min_ir_version_for(opsets)
    if check:
        onnx.checker.check_model(proto)
    return proto


def export(model, example_input, path, opset=17, dynamic_batch=True, input_names=None,
           output_names=None):
    """Writes model as an ONNX file at path (atomically) and returns the onnx.ModelProto.

    model runs once in eval mode on example_input (its training flags are restored afterwards);
    dynamic_batch makes the first dimension of the input and output symbolic ("batch").
    Raises OnnxExportError naming the module or op that ONNX cannot express.

    Args:
        model (Module): The model (built-in modules, or a Python model built from them).
        example_input (Tensor): An input batch.
        path (str or PathLike): The file to write.
        opset (int): The ONNX opset. Default: 17.
        dynamic_batch (bool): Make the batch dimension symbolic. Default: True.
        input_names (list of str, optional): Default: None (``['input']``).
        output_names (list of str, optional): Default: None (``['output']``).

    Returns:
        onnx.ModelProto: The exported model.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "mlp.onnx")
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
        >>> proto = st.onnx.export(model, st.randn(2, 4), path)
        >>> [node.op_type for node in proto.graph.node]
        ['Gemm', 'Relu']
    """
    import onnx

    input_name = (input_names or ["input"])[0]
    output_name = (output_names or ["output"])[0]
    proto = build_model(model, example_input, opset, dynamic_batch, input_name, output_name,
                        check=False)
    data = proto.SerializeToString()  # once: checked and written from the same bytes
    onnx.checker.check_model(data)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(prefix=".onnx-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return proto
