"""striate.onnx.load: an ONNX file as a striate Module (OnnxModule) that runs the graph's nodes with
striate ops, its float weights registered as parameters (so it can be fine-tuned) and BatchNorm
statistics as buffers.

The op set is the exporter's, plus what torch.onnx.export writes for the same networks: shape
arithmetic (Shape, Gather, Unsqueeze, Concat of sizes, Constant) is evaluated on int64 numpy arrays
beside the tensors. An op outside the set raises OnnxImportError naming the op and the node; a
file that is not a readable ONNX model raises OnnxImportError naming the file.
"""

import os

import numpy as np

from ._graph import OnnxExportError
from ._import_ops import MoreOps


class OnnxImportError(ValueError):
    """An ONNX file that striate cannot read or run.

    Example:
        >>> issubclass(st.onnx.OnnxImportError, ValueError)
        True
    """


def _attrs(node):
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _is_tensor(value):
    from .. import Tensor

    return isinstance(value, Tensor)


def _tensor(value, like=None):
    """value as a striate tensor (numpy constants become float tensors of like's dtype)."""
    from .. import from_numpy

    if _is_tensor(value):
        return value
    array = np.asarray(value)
    if like is not None and "float64" in str(like.dtype) and array.dtype.kind == "f":
        array = array.astype(np.float64)
    elif array.dtype == np.float64:
        array = array.astype(np.float32)
    return from_numpy(np.ascontiguousarray(array))


def _ints(value):
    if _is_tensor(value):
        value = np.array(value)
    return [int(v) for v in np.asarray(value).reshape(-1)]


class _Runner(MoreOps):
    """Runs one node: ops[op_type](module, node, attrs, *inputs) -> its output (a tuple when the
    node has several); the ops of the zoo's core set here, the others in MoreOps."""

    def __init__(self):
        self.ops = {name[3:]: getattr(self, name) for name in dir(self) if name.startswith("op_")}

    # elementwise
    def op_Relu(self, m, node, a, x):
        from ..nn import functional as F

        return F.relu(x)

    def op_Sigmoid(self, m, node, a, x):
        from ..nn import functional as F

        return F.sigmoid(x)

    def op_Tanh(self, m, node, a, x):
        from ..nn import functional as F

        return F.tanh(x)

    def op_Erf(self, m, node, a, x):
        # Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7), from differentiable striate ops.
        from .. import abs as absolute
        from .. import exp, sign

        t = 1.0 / (absolute(x) * 0.3275911 + 1.0)
        poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                          + t * 1.061405429))))
        return sign(x) * (1.0 - poly * exp(-(x * x)))

    def op_LeakyRelu(self, m, node, a, x):
        from ..nn import functional as F

        return F.leaky_relu(x, a.get("alpha", 0.01))

    def op_Elu(self, m, node, a, x):
        from ..nn import functional as F

        return F.elu(x, a.get("alpha", 1.0))

    def op_Selu(self, m, node, a, x):
        from ..nn import functional as F

        return F.selu(x)

    def op_HardSwish(self, m, node, a, x):
        from ..nn import functional as F

        return F.hardswish(x)

    def op_Softplus(self, m, node, a, x):
        from ..nn import functional as F

        return F.softplus(x)

    def op_Clip(self, m, node, a, x, low=None, high=None):
        from .. import clamp

        low = a.get("min") if low is None else float(np.asarray(_np(low)).reshape(-1)[0])
        high = a.get("max") if high is None else float(np.asarray(_np(high)).reshape(-1)[0])
        return clamp(x, low, high)

    def _binary(self, fn, a, b):
        if not _is_tensor(a) and not _is_tensor(b):
            return fn(np.asarray(a), np.asarray(b))
        like = a if _is_tensor(a) else b
        return fn(_tensor(a, like), _tensor(b, like))

    def op_Add(self, m, node, a, x, y):
        return self._binary(lambda p, q: p + q, x, y)

    def op_Sub(self, m, node, a, x, y):
        return self._binary(lambda p, q: p - q, x, y)

    def op_Mul(self, m, node, a, x, y):
        return self._binary(lambda p, q: p * q, x, y)

    def op_Div(self, m, node, a, x, y):
        if not _is_tensor(x) and not _is_tensor(y):
            return np.asarray(x) // np.asarray(y) if np.asarray(x).dtype.kind == "i" else \
                np.asarray(x) / np.asarray(y)
        return self._binary(lambda p, q: p / q, x, y)

    def op_MatMul(self, m, node, a, x, y):
        from .. import matmul

        return matmul(_tensor(x, y if _is_tensor(y) else None), _tensor(y, x if _is_tensor(x)
                                                                      else None))

    def op_Gemm(self, m, node, a, x, w, b=None):
        from .. import matmul

        if a.get("transA", 0):
            x = x.t() if _is_tensor(x) else np.asarray(x).T
        x, w = _tensor(x), _tensor(w, x if _is_tensor(x) else None)
        out = matmul(x, w.t() if a.get("transB", 0) else w)
        if a.get("alpha", 1.0) != 1.0:
            out = out * a["alpha"]
        if b is not None:
            bias = _tensor(b, out)
            out = out + (bias * a["beta"] if a.get("beta", 1.0) != 1.0 else bias)
        return out

    # pooling (any rank: MoreOps._pool), normalization
    def op_MaxPool(self, m, node, a, x):
        if len(node.output) > 1 and node.output[1]:
            raise OnnxImportError(f"onnx load: node '{node.name}' (MaxPool): the indices output "
                                  "is not supported")
        return self._pool(node, a, x, "max")

    def op_AveragePool(self, m, node, a, x):
        return self._pool(node, a, x, "avg")

    def op_GlobalAveragePool(self, m, node, a, x):
        from ..nn import functional as F

        return F.adaptive_avg_pool2d(x, (1, 1))

    def op_GlobalMaxPool(self, m, node, a, x):
        from ..nn import functional as F

        return F.adaptive_max_pool2d(x, (1, 1))

    def op_BatchNormalization(self, m, node, a, x, scale, bias, mean, var):
        from ..nn import functional as F

        if a.get("training_mode", 0):
            raise OnnxImportError(f"onnx load: node '{node.name}' (BatchNormalization): "
                                  "training_mode is not supported")
        return F.batch_norm(x, _tensor(mean, x), _tensor(var, x), _tensor(scale, x),
                            _tensor(bias, x), False, 0.1, a.get("epsilon", 1e-5))

    def op_LRN(self, m, node, a, x):
        from ..nn import functional as F

        return F.local_response_norm(x, a["size"], a.get("alpha", 1e-4), a.get("beta", 0.75),
                                     a.get("bias", 1.0))

    def op_Dropout(self, m, node, a, x, *rest):
        return x

    def op_Identity(self, m, node, a, x):
        return x

    def op_Softmax(self, m, node, a, x):
        from ..nn import functional as F

        return F.softmax(x, a.get("axis", -1))

    def op_LogSoftmax(self, m, node, a, x):
        from ..nn import functional as F

        return F.log_softmax(x, a.get("axis", -1))

    def op_ReduceMean(self, m, node, a, x, axes=None):
        from .. import mean

        axes = a.get("axes") if axes is None else _ints(axes)
        keep = bool(a.get("keepdims", 1))
        if axes is None:
            axes = list(range(x.dim()))
        return mean(x, tuple(int(v) for v in axes), keep)

    def op_ReduceMax(self, m, node, a, x, axes=None):
        from .. import max as maximum

        axes = a.get("axes") if axes is None else _ints(axes)
        keep = bool(a.get("keepdims", 1))
        axes = list(range(x.dim())) if axes is None else [v % x.dim() for v in axes]
        for axis in sorted(axes, reverse=True):
            x = maximum(x, axis, keep).values
        return x

    # shapes
    def op_Flatten(self, m, node, a, x):
        axis = a.get("axis", 1)
        if not _is_tensor(x):
            arr = np.asarray(x)
            return arr.reshape(int(np.prod(arr.shape[:axis])), -1)
        axis = axis + x.dim() if axis < 0 else axis
        lead = 1
        for size in x.shape[:axis]:
            lead *= size
        return x.reshape(lead, -1)

    def op_Reshape(self, m, node, a, x, shape):
        shape = _ints(shape)
        dims = list(x.shape) if _is_tensor(x) else list(np.asarray(x).shape)
        shape = [dims[i] if s == 0 and not a.get("allowzero", 0) else s
                 for i, s in enumerate(shape)]
        return x.reshape(*shape) if _is_tensor(x) else np.asarray(x).reshape(shape)

    def op_Transpose(self, m, node, a, x):
        perm = a.get("perm")
        if not _is_tensor(x):
            return np.transpose(np.asarray(x), perm)
        perm = perm if perm is not None else list(reversed(range(x.dim())))
        return x.permute(*perm)

    def op_Concat(self, m, node, a, *values):
        from .. import cat

        axis = a["axis"]
        if not any(_is_tensor(v) for v in values):
            return np.concatenate([np.asarray(v) for v in values], axis=axis)
        like = next(v for v in values if _is_tensor(v))
        return cat([_tensor(v, like) for v in values], axis)

    def op_Shape(self, m, node, a, x):
        dims = np.asarray(list(x.shape) if _is_tensor(x) else np.asarray(x).shape, np.int64)
        return dims[a.get("start", 0):a.get("end", len(dims))]

    def op_Gather(self, m, node, a, x, indices):
        if _is_tensor(x):
            return self._unsupported(node, "gathering from a tensor")
        return np.take(np.asarray(x), np.asarray(_np(indices)), axis=a.get("axis", 0))

    def op_Unsqueeze(self, m, node, a, x, axes=None):
        axes = a.get("axes") if axes is None else _ints(axes)
        if _is_tensor(x):
            for axis in sorted(axes):
                x = x.unsqueeze(axis)
            return x
        return np.expand_dims(np.asarray(x), tuple(axes))

    def op_Squeeze(self, m, node, a, x, axes=None):
        axes = a.get("axes") if axes is None else _ints(axes)
        if _is_tensor(x):
            dims = sorted(axes or [i for i, s in enumerate(x.shape) if s == 1], reverse=True)
            for axis in dims:
                x = x.squeeze(axis)
            return x
        return np.squeeze(np.asarray(x), tuple(axes) if axes else None)

    def op_Constant(self, m, node, a):
        from onnx import numpy_helper

        if "value" in a:
            return numpy_helper.to_array(a["value"])
        for key in ("value_float", "value_int"):
            if key in a:
                return np.asarray(a[key])
        for key in ("value_floats", "value_ints"):
            if key in a:
                return np.asarray(list(a[key]))
        return self._unsupported(node, "this kind of Constant")

    def op_Cast(self, m, node, a, x):
        from onnx import helper

        dtype = helper.tensor_dtype_to_np_dtype(a["to"])
        if _is_tensor(x):
            if np.dtype(dtype).kind != "f":
                return self._unsupported(node, "casting a tensor to a non-float type")
            return x
        return np.asarray(x).astype(dtype)

    def op_Slice(self, m, node, a, x, starts, ends, axes=None, steps=None):
        starts, ends = _ints(starts), _ints(ends)
        rank = x.dim() if _is_tensor(x) else np.asarray(x).ndim
        axes = _ints(axes) if axes is not None else list(range(len(starts)))
        steps = _ints(steps) if steps is not None else [1] * len(starts)
        index = [slice(None)] * rank
        for start, end, axis, step in zip(starts, ends, axes, steps):
            size = x.shape[axis] if _is_tensor(x) else np.asarray(x).shape[axis]
            index[axis] = slice(max(min(start, size), -size), max(min(end, size), -size - 1)
                                if end < 0 else min(end, size), step)
        if _is_tensor(x):
            return x[tuple(index)].contiguous()
        return np.asarray(x)[tuple(index)]

    def op_Pad(self, m, node, a, x, pads=None, value=None, axes=None):
        from ..nn import functional as F

        mode = a.get("mode", b"constant")
        mode = {"constant": "constant", "reflect": "reflect", "edge": "replicate"}.get(
            mode.decode() if isinstance(mode, bytes) else mode)
        if mode is None:
            return self._unsupported(node, f"padding mode {a.get('mode')!r}")
        pads = _ints(pads) if pads is not None else list(a["pads"])
        rank = x.dim()
        if axes is not None:
            return self._unsupported(node, "Pad with axes")
        fill = 0.0 if value is None else float(np.asarray(_np(value)).reshape(-1)[0])
        amounts = []
        for axis in reversed(range(rank)):
            amounts += [pads[axis], pads[axis + rank]]
        while len(amounts) > 2 and amounts[-2:] == [0, 0]:
            amounts = amounts[:-2]
        if mode != "constant":
            return F.pad(x, amounts, mode)
        return F.pad(x, amounts, "constant", fill)

    def _unsupported(self, node, what=None):
        raise OnnxImportError(
            f"onnx load: unsupported op {node.op_type} in node '{node.name}'"
            + (f" ({what})" if what else ""))


def _np(value):
    return np.array(value) if _is_tensor(value) else value


_RUNNER = None


def _runner():
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = _Runner()
    return _RUNNER


SUPPORTED_OPS = None


def supported_ops():
    """The ONNX operator types :func:`striate.onnx.load` can run, sorted.

    Returns:
        list of str: Operator names such as ``'Conv'`` and ``'Relu'``.

    Example:
        >>> from striate.onnx._import import supported_ops
        >>> 'Conv' in supported_ops()
        True
    """
    return sorted(_runner().ops)


def _safe(name, used):
    base = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "w"
    if base[0].isdigit():
        base = "w_" + base
    safe, i = base, 1
    while safe in used:
        safe = f"{base}_{i}"
        i += 1
    used.add(safe)
    return safe


def _build_class():
    from .. import nn

    class OnnxModule(nn.Module):
        """An ONNX graph run with striate ops. Float initializers are parameters (attribute
        names: the ONNX names with '.' and other symbols replaced by '_'), except BatchNorm
        running statistics, which are buffers. `onnx_names` maps attribute names back."""

        def __init__(self, proto, source):
            super().__init__()
            from onnx import numpy_helper

            from .. import from_numpy

            graph = proto.graph
            self._graph = graph
            self._source = source
            runner = _runner()
            unknown = [n for n in graph.node if n.op_type not in runner.ops or
                       (n.domain not in ("", "ai.onnx"))]
            if unknown:
                node = unknown[0]
                raise OnnxImportError(
                    f"onnx load: {source}: unsupported op {node.op_type} in node '{node.name}' "
                    f"(domain '{node.domain or 'ai.onnx'}'); supported: "
                    + ", ".join(supported_ops()))
            stats = set()
            for node in graph.node:
                if node.op_type == "BatchNormalization":
                    stats.update(node.input[3:5])
            used = set()
            self._constants = {}  # ONNX name -> attribute name, or a numpy array for ints
            self.onnx_names = {}
            for init in graph.initializer:
                array = numpy_helper.to_array(init)
                if array.dtype.kind != "f":
                    self._constants[init.name] = array
                    continue
                array = np.ascontiguousarray(array.astype(
                    np.float64 if array.dtype == np.float64 else np.float32))
                attr = _safe(init.name, used)
                tensor = from_numpy(array.copy())
                if init.name in stats:
                    self.register_buffer(attr, tensor)
                else:
                    setattr(self, attr, nn.Parameter(tensor))
                self._constants[init.name] = attr
                self.onnx_names[attr] = init.name
            names = {init.name for init in graph.initializer}
            self._inputs = [i.name for i in graph.input if i.name not in names]
            if len(self._inputs) != 1:
                raise OnnxImportError(f"onnx load: {source}: expected a graph with one input, got "
                                      f"{len(self._inputs)}")
            self._outputs = [o.name for o in graph.output]
            defined = names | set(self._inputs) | {""}
            for node in graph.node:
                missing = [name for name in node.input if name not in defined]
                if missing:
                    raise OnnxImportError(f"onnx load: {source}: node '{node.name}' "
                                          f"({node.op_type}) reads '{missing[0]}', which no "
                                          "earlier node, input or initializer defines")
                defined.update(node.output)
            if not self._outputs or any(name not in defined for name in self._outputs):
                raise OnnxImportError(f"onnx load: {source}: the graph's outputs are not all "
                                      "computed by its nodes")
            self._nodes = [(node, _attrs(node)) for node in graph.node]

        def forward(self, x):
            runner = _runner()
            env = {self._inputs[0]: x, "": None}
            for name, value in self._constants.items():
                env[name] = getattr(self, value) if isinstance(value, str) else value
            for node, attrs in self._nodes:
                args = [env[name] if name else None for name in node.input]
                while args and args[-1] is None:
                    args.pop()
                try:
                    out = runner.ops[node.op_type](self, node, attrs, *args)
                except (OnnxImportError, OnnxExportError):
                    raise
                except Exception as error:
                    raise OnnxImportError(f"onnx load: node '{node.name}' ({node.op_type}) "
                                          f"failed: {error}") from error
                if isinstance(out, tuple):
                    env.update(zip(node.output, out))
                else:
                    env[node.output[0]] = out
            outputs = [_tensor(env[name]) for name in self._outputs]
            return outputs[0] if len(outputs) == 1 else tuple(outputs)

        def extra_repr(self):
            return f"{getattr(self, '_source', '?')}, {len(getattr(self, '_nodes', []))} nodes"

    return OnnxModule


_CLASS = None


def load(path):
    """The ONNX model at path as an OnnxModule (a striate nn.Module), in eval mode.

    Args:
        path (str or PathLike): An ONNX file (ours or ``torch.onnx.export``'s).

    Returns:
        OnnxModule: A module running the graph with striate ops; its initializers are parameters.

    Raises:
        OnnxImportError: An operator striate cannot run, or a malformed file.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "mlp.onnx")
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.ReLU()).eval()
        >>> _ = st.onnx.export(model, st.randn(2, 4), path)
        >>> x = st.randn(5, 4)
        >>> bool(((st.onnx.load(path)(x) - model(x)).abs() < 1e-6).all())
        True
    """
    import onnx

    global _CLASS
    source = os.fspath(path)
    if not os.path.isfile(source):
        raise OnnxImportError(f"onnx load: {source}: no such file" if not os.path.exists(source)
                              else f"onnx load: {source}: not a regular file")
    try:
        proto = onnx.load(source)
        onnx.checker.check_model(proto)
    except Exception as error:
        raise OnnxImportError(f"onnx load: {source}: not a valid ONNX model ({error})") from error
    if _CLASS is None:
        _CLASS = _build_class()
    module = _CLASS(proto, source)
    module.eval()
    return module
