"""Tracing a Python-defined forward for the ONNX exporter.

trace_python(ex, module, x, path) runs module(x) once with a call observer installed and the
Python-level ops shimmed. The observer hears each module the forward calls: a module the exporter
knows is emitted whole (the calls inside it are ignored), a Python-defined one is traced through.
The shims (installed only for the trace, removed afterwards) record F.* functions, st.cat /
st.add / st.flatten and Tensor operators and view / reshape / flatten as ONNX nodes. Tensors
are matched to graph values by identity; a tensor that no recorded op produced and that is not
the input is a constant (a parameter read in forward, say) and goes into the graph as a weight.
"""

import functools

import numpy as np

from ._graph import OnnxExportError, _Value
from ._modules import (
    _softmax_dim,
    conv_pads,
    emit_adaptive_pool,
    emit_batch_norm,
    emit_clip,
    emit_conv,
    emit_flatten,
    emit_linear,
    emit_reduce_mean,
    emit_reshape,
    pair,
)


def key(tensor):
    return (tensor.data_ptr(), tuple(tensor.shape), tuple(tensor.stride()), str(tensor.dtype))


class _Tracer:
    def __init__(self, ex, module, path):
        self.ex = ex
        self.path = path
        self.module_type = type(module).__name__
        tensors = list(module.parameters()) + list(module.buffers())
        self.alive = tensors
        self.constants = {key(t) for t in tensors}
        self.names = {}  # key(tensor) -> graph name
        # every tensor seen is held in self.alive, so that no storage address is reused mid-trace
        self.suppress = 0  # > 0 inside a module emitted whole
        self.pending = []
        self.stack = []  # Python-defined modules being traced through
        self.error = None
        self.counter = 0

    def bind(self, tensor, name):
        self.alive.append(tensor)
        self.names[key(tensor)] = name

    def value(self, tensor, consumer):
        from .. import Tensor

        if not isinstance(tensor, Tensor):
            raise OnnxExportError(f"onnx export: {consumer}: expected a tensor input, got "
                                  f"{type(tensor).__name__}")
        name = self.names.get(key(tensor))
        if name is None:
            if key(tensor) not in self.constants:
                raise OnnxExportError(
                    f"onnx export: an input of {consumer} (in {self.module_type}.forward) was "
                    "computed by an op the exporter does not record; recorded: the modules of "
                    "striate.nn and the ops " + ", ".join(sorted(OPS)))
            # A parameter or buffer of the model read in forward: a weight of the graph.
            name = self.ex.g.weight(tensor, f"{self.path_of(consumer)}.const")
            self.bind(tensor, name)
        return _Value(name, tensor)

    def path_of(self, what):
        self.counter += 1
        return f"{self.path + '.' if self.path else ''}{what}_{self.counter}"

    @property
    def active(self):
        return self.ex.busy == 0 and self.suppress == 0 and self.error is None


def _observer_class():
    from .. import _C

    class Observer(_C._nn.CallObserver):
        def __init__(self, tracer, names):
            super().__init__()
            self.tracer = tracer
            self.module_names = names

        def enter(self, module, input):
            from ._export import EMITTERS, is_striate_layer, unsupported

            t = self.tracer
            if t.ex.busy or t.error is not None:
                return
            if t.suppress:
                t.suppress += 1
                return
            if is_striate_layer(module):
                if type(module).__name__ not in EMITTERS:
                    t.error = unsupported(type(module).__name__, self.name_of(module))
                    return
                t.suppress = 1
                t.pending.append((module, input))
            else:
                t.stack.append(module)

        def exit(self, module, output):
            t = self.tracer
            if t.ex.busy or t.error is not None:
                return
            if t.suppress > 1:
                t.suppress -= 1
                return
            if t.suppress == 1:
                t.suppress = 0
                module, input = t.pending.pop()
                try:
                    if input is None or output is None:
                        raise OnnxExportError(
                            f"onnx export: {type(module).__name__} at '{self.name_of(module)}' "
                            "must take and return one tensor")
                    x = t.value(input, type(module).__name__)
                    y = t.ex.module(module, x, self.name_of(module))
                    t.bind(output, y.name)
                except Exception as error:  # noqa: BLE001  (raised after the forward returns)
                    t.error = error
                return
            if t.stack:
                t.stack.pop()

        def name_of(self, module):
            name = self.module_names.get(id(module))
            if name is None:
                return t_path(self.tracer, type(module).__name__)
            return f"{self.tracer.path}.{name}" if self.tracer.path and name else (
                name or self.tracer.path)

    return Observer


def t_path(tracer, what):
    return tracer.path_of(what)


def trace_python(ex, module, x, path):
    from .. import _C

    tracer = _Tracer(ex, module, path)
    tracer.bind(x.tensor, x.name)
    modules = list(module.named_modules())  # held, so ids stay unique while compared
    names = {id(m): name for name, m in modules}
    observer = _observer_class()(tracer, names)
    saved_busy = ex.busy
    ex.busy = 0
    ex.tracers.append(tracer)
    try:
        with _shims(ex), _C._nn.ObserveCalls(observer):
            output = module(x.tensor)
    finally:
        ex.tracers.pop()
        ex.busy = saved_busy
    if tracer.error is not None:
        raise tracer.error
    from .. import Tensor

    if not isinstance(output, Tensor):
        raise OnnxExportError(f"onnx export: {type(module).__name__}.forward must return one "
                              f"tensor, got {type(output).__name__}")
    name = tracer.names.get(key(output))
    if name is None:
        raise OnnxExportError(
            f"onnx export: the output of {type(module).__name__}.forward was computed by an op "
            "the exporter does not record; recorded: modules of striate.nn, "
            + ", ".join(sorted(OPS)))
    return _Value(name, output)


# ---- the recorded ops ---------------------------------------------------------------------------
# Each takes the tracer, the original call's arguments and its result, and returns the result's
# graph name.

OPS = {}


def op(name):
    def register(fn):
        OPS[name] = fn
        return fn

    return register


def _unary(onnx_op, **attrs):
    def emit(t, out, input, *args, **kwargs):
        x = t.value(input, onnx_op)
        return t.ex.g.node(onnx_op, [x.name], t.path_of(onnx_op), **attrs)

    return emit


for _name, _op in (("relu", "Relu"), ("sigmoid", "Sigmoid"), ("tanh", "Tanh")):
    OPS[_name] = _unary(_op)


@op("softmax")
def _softmax(t, out, input, dim=None, *args, **kwargs):
    x = t.value(input, "softmax")
    return t.ex.g.node("Softmax", [x.name], t.path_of("softmax"),
                       axis=_softmax_dim(dim, len(x.shape)))


@op("log_softmax")
def _log_softmax(t, out, input, dim=None, *args, **kwargs):
    x = t.value(input, "log_softmax")
    return t.ex.g.node("LogSoftmax", [x.name], t.path_of("log_softmax"),
                       axis=_softmax_dim(dim, len(x.shape)))


@op("relu6")
def _relu6(t, out, input, inplace=False):
    return emit_clip(t.ex, t.value(input, "relu6"), 0.0, 6.0, t.path_of("relu6"), out).name


@op("leaky_relu")
def _leaky_relu(t, out, input, negative_slope=0.01, inplace=False):
    return t.ex.g.node("LeakyRelu", [t.value(input, "leaky_relu").name],
                       t.path_of("leaky_relu"), alpha=float(negative_slope))


def _pool_common(kernel_size, stride, padding):
    kernel = pair(kernel_size)
    stride = pair(stride if stride not in (None, ()) else kernel_size)
    ph, pw = pair(padding)
    return {"kernel_shape": list(kernel), "strides": list(stride), "pads": [ph, pw, ph, pw]}


@op("max_pool2d")
def _max_pool2d(t, out, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                return_indices=False):
    if return_indices:
        raise OnnxExportError("onnx export: max_pool2d with return_indices is not supported")
    x = t.value(input, "max_pool2d")
    return t.ex.g.node("MaxPool", [x.name], t.path_of("max_pool2d"),
                       **_pool_common(kernel_size, stride, padding),
                       dilations=list(pair(dilation)), ceil_mode=int(bool(ceil_mode)))


@op("avg_pool2d")
def _avg_pool2d(t, out, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                count_include_pad=True, divisor_override=None):
    if divisor_override is not None:
        raise OnnxExportError("onnx export: avg_pool2d with divisor_override is not supported")
    x = t.value(input, "avg_pool2d")
    return t.ex.g.node("AveragePool", [x.name], t.path_of("avg_pool2d"),
                       **_pool_common(kernel_size, stride, padding),
                       ceil_mode=int(bool(ceil_mode)),
                       count_include_pad=int(bool(count_include_pad)))


def _adaptive(kind):
    def emit(t, out, input, output_size, return_indices=False):
        if return_indices:
            raise OnnxExportError("onnx export: adaptive pooling with return_indices is not "
                                  "supported")
        size = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
        x = t.value(input, f"adaptive_{kind}_pool2d")
        return emit_adaptive_pool(t.ex, x, tuple(size), kind,
                                  t.path_of(f"adaptive_{kind}_pool2d"), out).name

    return emit


OPS["adaptive_avg_pool2d"] = _adaptive("avg")
OPS["adaptive_max_pool2d"] = _adaptive("max")


def _dropout(name):
    def emit(t, out, input, p=0.5, training=True, inplace=False):
        if training:
            raise OnnxExportError(f"onnx export: {name} with training=True is random; pass "
                                  "training=self.training so that the eval-mode export is the "
                                  "identity")
        return t.value(input, name).name

    return emit


for _name in ("dropout", "dropout2d", "alpha_dropout"):
    OPS[_name] = _dropout(_name)


@op("linear")
def _linear(t, out, input, weight, bias=None):
    x = t.value(input, "linear")
    w = t.value(weight, "linear").name
    b = t.value(bias, "linear").name if bias is not None else None
    return emit_linear(t.ex, x, w, b, t.path_of("linear"), out).name


@op("conv2d")
def _conv2d(t, out, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x = t.value(input, "conv2d")
    w = t.value(weight, "conv2d")
    b = t.value(bias, "conv2d").name if bias is not None else None
    kernel = tuple(w.shape[2:])
    dilation = pair(dilation)
    return emit_conv(t.ex, x, w.name, b, kernel, pair(stride), conv_pads(padding, kernel, dilation),
                     dilation, groups, t.path_of("conv2d"), out).name


@op("batch_norm")
def _batch_norm(t, out, input, running_mean, running_var, weight=None, bias=None, training=False,
                momentum=0.1, eps=1e-5):
    if training or running_mean is None:
        raise OnnxExportError("onnx export: batch_norm must use running statistics "
                              "(training=False)")
    x = t.value(input, "batch_norm")
    return emit_batch_norm(t.ex, x, running_mean, running_var, weight, bias, eps,
                           t.path_of("batch_norm"), out).name


@op("local_response_norm")
def _lrn(t, out, input, size, alpha=1e-4, beta=0.75, k=1.0):
    x = t.value(input, "local_response_norm")
    return t.ex.g.node("LRN", [x.name], t.path_of("local_response_norm"), size=int(size),
                       alpha=float(alpha), beta=float(beta), bias=float(k))


@op("cat")
def _cat(t, out, tensors, dim=0):
    values = [t.value(tensor, "cat") for tensor in tensors]
    rank = len(values[0].shape)
    return emit_concat_named(t, values, dim + rank if dim < 0 else dim)


def emit_concat_named(t, values, axis):
    return t.ex.g.node("Concat", [v.name for v in values], t.path_of("cat"), axis=int(axis))


def _operand(t, other, like, what):
    from .. import Tensor

    if isinstance(other, Tensor):
        return t.value(other, what).name
    dtype = np.float64 if "float64" in str(like.dtype) else np.float32
    return t.ex.g.const(np.asarray(other, dtype=dtype), t.path_of(what + ".scalar"))


def _binary(onnx_op, reflected=False):
    def emit(t, out, a, b, *args, **kwargs):
        if args or kwargs.get("alpha", 1) != 1:
            raise OnnxExportError(f"onnx export: {onnx_op.lower()} with alpha is not supported")
        from .. import Tensor

        like = a if isinstance(a, Tensor) else b
        left, right = _operand(t, a, like, onnx_op), _operand(t, b, like, onnx_op)
        if reflected:
            left, right = right, left
        return t.ex.g.node(onnx_op, [left, right], t.path_of(onnx_op))

    return emit


for _name, _op in (("add", "Add"), ("sub", "Sub"), ("mul", "Mul"), ("div", "Div")):
    OPS[_name] = _binary(_op)
    OPS["r" + _name] = _binary(_op, reflected=True)
OPS["matmul"] = _binary("MatMul")


@op("flatten")
def _flatten(t, out, input, start_dim=0, end_dim=-1):
    x = t.value(input, "flatten")
    return emit_flatten(t.ex, x, start_dim, end_dim, t.path_of("flatten"), out).name


def _reshape(t, out, input, *shape):
    x = t.value(input, "reshape")
    return emit_reshape(t.ex, x, tuple(out.shape), t.path_of("reshape"), out).name


OPS["view"] = _reshape
OPS["reshape"] = _reshape


@op("mean")
def _mean(t, out, input, dim=None, keepdim=False, *args, **kwargs):
    x = t.value(input, "mean")
    rank = len(x.shape)
    if dim is None:
        dims = list(range(rank))
    else:
        dims = [dim] if isinstance(dim, int) else list(dim)
        dims = [d + rank if d < 0 else d for d in dims]
    return emit_reduce_mean(t.ex, x, dims, keepdim, t.path_of("mean"), out).name


# ---- the shims ----------------------------------------------------------------------------------


def _shim(ex, name, original):
    emit = OPS[name]

    @functools.wraps(original)
    def shim(*args, **kwargs):
        tracer = ex.tracers[-1] if ex.tracers else None
        if tracer is None or not tracer.active:
            return original(*args, **kwargs)
        with ex.quiet():
            out = original(*args, **kwargs)
        from .. import Tensor

        if not isinstance(out, Tensor):
            tracer.error = OnnxExportError(f"onnx export: {name} returned a "
                                           f"{type(out).__name__}; only single-tensor ops are "
                                           "recorded")
            return out
        try:
            tracer.bind(out, emit(tracer, out, *args, **kwargs))
        except Exception as error:  # noqa: BLE001  (raised after the forward returns)
            tracer.error = error
        return out

    return shim


_FUNCTIONAL = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "relu6", "leaky_relu",
               "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
               "dropout", "dropout2d", "alpha_dropout", "linear", "conv2d", "batch_norm",
               "local_response_norm"]
_TOP = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "cat", "add", "sub", "mul", "div",
        "flatten", "matmul", "mean"]
_METHODS = {"__add__": "add", "__radd__": "radd", "__sub__": "sub", "__rsub__": "rsub",
            "__mul__": "mul", "__rmul__": "rmul", "__truediv__": "div", "__rtruediv__": "rdiv",
            "__matmul__": "matmul", "view": "view", "reshape": "reshape", "flatten": "flatten",
            "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax",
            "mean": "mean", "add": "add", "mul": "mul", "sub": "sub"}


class _shims:
    """Context manager: the shims replace the originals while it is open (nested use is a
    no-op)."""

    depth = 0
    saved = None  # (owner, attribute, original) of each shim installed

    def __init__(self, ex):
        self.ex = ex

    def __enter__(self):
        import striate
        from striate import Tensor
        from striate.nn import functional

        cls = type(self)
        cls.depth += 1
        if cls.depth > 1:
            return self
        cls.saved = []
        targets = [(functional, name, name) for name in _FUNCTIONAL]
        targets += [(striate, name, name) for name in _TOP]
        targets += [(Tensor, attr, name) for attr, name in _METHODS.items()]
        for owner, attr, name in targets:
            original = owner.__dict__.get(attr) if isinstance(owner, type) else \
                getattr(owner, attr, None)
            if original is None:
                continue
            cls.saved.append((owner, attr, original))
            setattr(owner, attr, _shim(self.ex, name, original))
        return self

    def __exit__(self, *exc):
        cls = type(self)
        cls.depth -= 1
        if cls.depth == 0:
            for owner, attr, original in reversed(cls.saved):
                setattr(owner, attr, original)
            cls.saved = []
        return False
