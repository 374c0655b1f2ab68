"""The ONNX graph under construction: nodes, weights (initializers) and unique names, built with
onnx.helper. Values flowing through the exporter are _Value(name, tensor): the graph name of a
result and the striate tensor the eager forward computed for it (its shape drives the attributes
that depend on sizes, such as adaptive pooling's windows)."""

import numpy as np


class OnnxExportError(ValueError):
    """A model, module or op the ONNX exporter cannot express.

    Example:
        >>> issubclass(st.onnx.OnnxExportError, ValueError)
        True
    """


class OnnxUnsupportedError(OnnxExportError, NotImplementedError):
    """A layer or option without an ONNX equivalent (both a NotImplementedError and, as every
    export error, a ValueError); the message names the layer and the reason.

    Example:
        >>> issubclass(st.onnx.OnnxUnsupportedError, NotImplementedError)
        True
        >>> try:
        ...     raise st.onnx.OnnxUnsupportedError("export: LSTM(proj_size=2) has no ONNX form")
        ... except ValueError as error:
        ...     print(type(error).__name__, error)
        OnnxUnsupportedError export: LSTM(proj_size=2) has no ONNX form
    """


class _Value:
    __slots__ = ("name", "tensor")

    def __init__(self, name, tensor):
        self.name = name
        self.tensor = tensor

    @property
    def shape(self):
        return tuple(self.tensor.shape)


def to_numpy(tensor):
    """A numpy view (or copy, when not contiguous) of a striate tensor's values, detached."""
    return np.ascontiguousarray(tensor.detach().numpy())


class GraphBuilder:
    def __init__(self, opset):
        import onnx  # imported here: onnx is an optional dependency of striate

        self.onnx = onnx
        self.opset = opset
        self.nodes = []
        self.initializers = []
        self._used = set()
        self._weights = {}  # (data_ptr, shape, strides, dtype) of a weight tensor -> its name

    def unique(self, hint):
        hint = (hint or "v").replace("/", ".")
        name, i = hint, 1
        while name in self._used:
            name = f"{hint}_{i}"
            i += 1
        self._used.add(name)
        return name

    def const(self, array, hint):
        """An initializer holding `array` (numpy, or a Python number / list as float32)."""
        array = np.asarray(array)
        if array.dtype == np.float64 and not self._keep_double:
            array = array.astype(np.float32)
        name = self.unique(hint)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    _keep_double = False

    def ints(self, values, hint):
        return self.const(np.asarray(values, dtype=np.int64), hint)

    def weight(self, tensor, hint, transform=None):
        """The initializer of a module's parameter or buffer; one per tensor, so a weight shared by
        two layers is stored once."""
        key = (tensor.data_ptr(), tuple(tensor.shape), tuple(tensor.stride()), str(tensor.dtype),
               transform)
        if key not in self._weights:
            array = to_numpy(tensor)
            if transform is not None:
                array = transform(array)
            self._weights[key] = self.const(array, hint)
        return self._weights[key]

    def node(self, op_type, inputs, hint, num_outputs=1, **attrs):
        """Appends one node; returns its output name (or names when num_outputs > 1)."""
        outputs = [self.unique(f"{hint}" if num_outputs == 1 else f"{hint}.{i}")
                   for i in range(num_outputs)]
        attrs = {key: value for key, value in attrs.items() if value is not None}
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), outputs,
                                                     name=self.unique(f"{hint}/{op_type}"),
                                                     **attrs))
        return outputs[0] if num_outputs == 1 else outputs
