"""ONNX emitters for striate's built-in modules, one function per type, registered by class name.

Each emitter gets (ex, module, x, path), with x a _Value, adds its nodes to ex.g and returns the
output _Value. Leaf layers read their PyTorch-named attributes (stride, padding, eps, ...) and
weights; merge blocks and zoo models are written out from their known structure (the C++ forwards
of cpp/src/nn/blocks*.cpp and cpp/src/models/), calling ex.module on their children, so a child
replaced from Python is exported as what it now is. Values are computed eagerly beside the graph:
ex.run(module, x) or ex.apply(fn, x) gives the striate tensor each node stands for.
"""

import numpy as np

from ._graph import OnnxExportError, _Value

EMITTERS = {}


def emitter(*type_names):
    def register(fn):
        for name in type_names:
            EMITTERS[name] = fn
        return fn

    return register


def pair(value):
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]), int(value[0]))
        return tuple(int(v) for v in value)
    return (int(value), int(value))


def child(module, name):
    found = dict(module.named_children()).get(name)
    return found


# ---- shared node helpers ------------------------------------------------------------------------


def conv_pads(padding, kernel, dilation):
    """ONNX pads (top, left, bottom, right) for a conv's padding attribute: (ph, pw), F.pad's
    (left, right, top, bottom), or 'same' / 'valid' / 'full'."""
    if isinstance(padding, str):
        if padding == "valid":
            return [0, 0, 0, 0]
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        if padding == "full":
            return totals + totals
        if padding == "same":
            begin = [t // 2 for t in totals]
            return begin + [t - b for t, b in zip(totals, begin)]
        raise OnnxExportError(f"onnx export: unknown conv padding {padding!r}")
    padding = tuple(int(p) for p in padding) if isinstance(padding, (tuple, list)) else padding
    if isinstance(padding, tuple) and len(padding) == 4:
        left, right, top, bottom = padding
        return [top, left, bottom, right]
    ph, pw = pair(padding)
    return [ph, pw, ph, pw]


def emit_conv(ex, x, weight_name, bias_name, kernel, stride, pads, dilation, groups, path, value):
    inputs = [x.name, weight_name] + ([bias_name] if bias_name else [])
    name = ex.g.node("Conv", inputs, path, kernel_shape=list(kernel), strides=list(stride),
                     pads=list(pads), dilations=list(dilation), group=int(groups))
    return _Value(name, value)


def emit_linear(ex, x, weight_name, bias_name, path, value):
    if len(x.shape) == 2:
        inputs = [x.name, weight_name] + ([bias_name] if bias_name else [])
        return _Value(ex.g.node("Gemm", inputs, path, transB=1), value)
    transposed = ex.g.node("Transpose", [weight_name], path + ".weight_t", perm=[1, 0])
    out = ex.g.node("MatMul", [x.name, transposed], path)
    if bias_name:
        out = ex.g.node("Add", [out, bias_name], path + ".bias")
    return _Value(out, value)


def emit_adaptive_pool(ex, x, output_size, kind, path, value):
    """Adaptive average/max pooling to output_size over the trailing two dims. Whole-map windows
    are Global*Pool, evenly dividing windows a plain pool; other average windows are two constant
    matrix products (each output cell the mean of its torch window), other max windows one
    Slice + ReduceMax per output cell."""
    in_h, in_w = x.shape[-2:]
    out_h, out_w = output_size
    out_h = in_h if out_h is None else int(out_h)
    out_w = in_w if out_w is None else int(out_w)
    op = "Average" if kind == "avg" else "Max"
    if (out_h, out_w) == (1, 1):
        return _Value(ex.g.node(f"Global{op}Pool", [x.name], path), value)
    if (out_h, out_w) == (in_h, in_w):
        return _Value(ex.g.node("Identity", [x.name], path), value)
    if in_h % out_h == 0 and in_w % out_w == 0:
        kernel = [in_h // out_h, in_w // out_w]
        return _Value(ex.g.node(f"{op}Pool", [x.name], path, kernel_shape=kernel, strides=kernel),
                      value)
    if kind != "avg":
        return _Value(_adaptive_max_windows(ex, x, in_h, in_w, out_h, out_w, path), value)

    def averaging(size_in, size_out):
        matrix = np.zeros((size_out, size_in), dtype=np.float32)
        for i in range(size_out):
            start, end = _window(i, size_in, size_out)
            matrix[i, start:end] = 1.0 / (end - start)
        return matrix

    rows = ex.g.const(averaging(in_h, out_h), path + ".rows")
    cols = ex.g.const(averaging(in_w, out_w).T.copy(), path + ".cols")
    out = ex.g.node("MatMul", [x.name, cols], path + ".w")
    return _Value(ex.g.node("MatMul", [rows, out], path), value)


def _window(i, size_in, size_out):
    """torch's adaptive window of output cell i: [floor(i*in/out), ceil((i+1)*in/out))."""
    return (i * size_in) // size_out, -((-(i + 1) * size_in) // size_out)


def _adaptive_max_windows(ex, x, in_h, in_w, out_h, out_w, path):
    """Adaptive max pooling with uneven windows: each output cell a Slice and a ReduceMax, the
    cells joined by Concat (along W for a row, then the rows along H)."""
    axes = ex.g.ints([2, 3], path + ".axes")
    rows = []
    for i in range(out_h):
        top, bottom = _window(i, in_h, out_h)
        cells = []
        for j in range(out_w):
            left, right = _window(j, in_w, out_w)
            cell = ex.g.node("Slice", [x.name, ex.g.ints([top, left], path + ".starts"),
                                       ex.g.ints([bottom, right], path + ".ends"), axes],
                             f"{path}.cell{i}_{j}")
            cells.append(emit_reduce(ex, "ReduceMax", cell, [2, 3], True, f"{path}.max{i}_{j}"))
        rows.append(ex.g.node("Concat", cells, f"{path}.row{i}", axis=3))
    return ex.g.node("Concat", rows, path, axis=2)


def emit_reduce(ex, op, name, axes, keepdims, path):
    """A Reduce* node over axes (an attribute before opset 18, an input from 18 on)."""
    if ex.g.opset >= 18:
        return ex.g.node(op, [name, ex.g.ints(axes, path + ".axes")], path,
                         keepdims=int(keepdims))
    return ex.g.node(op, [name], path, axes=list(axes), keepdims=int(keepdims))


def emit_reduce_mean(ex, x, axes, keepdims, path, value):
    return _Value(emit_reduce(ex, "ReduceMean", x.name, axes, keepdims, path), value)


def emit_flatten(ex, x, start_dim, end_dim, path, value):
    rank = len(x.shape)
    start = start_dim + rank if start_dim < 0 else start_dim
    end = end_dim + rank if end_dim < 0 else end_dim
    if end == rank - 1:
        return _Value(ex.g.node("Flatten", [x.name], path, axis=int(start)), value)
    return emit_reshape(ex, x, tuple(value.shape), path, value)


def emit_reshape(ex, x, shape, path, value):
    """Reshape to `shape`, keeping the batch dimension dynamic: a leading size equal to the input's
    batch becomes 0 (ONNX: copy the input's size)."""
    shape = [int(s) for s in shape]
    if shape and x.shape and shape[0] == x.shape[0]:
        shape[0] = 0
    return _Value(ex.g.node("Reshape", [x.name, ex.g.ints(shape, path + ".shape")], path), value)


def emit_scale_shift(ex, x, scale, shift, path, value):
    out = x.name
    if scale is not None:
        out = ex.g.node("Mul", [out, ex.g.const(np.float32(scale), path + ".scale")], path + ".mul")
    if shift is not None:
        out = ex.g.node("Add", [out, ex.g.const(np.float32(shift), path + ".shift")], path + ".add")
    return _Value(out, value)


def emit_batch_norm(ex, x, mean, var, weight, bias, eps, path, value):
    channels = mean.shape[0]
    scale = (ex.g.weight(weight, path + ".weight") if weight is not None
             else ex.g.const(np.ones(channels, np.float32), path + ".weight"))
    shift = (ex.g.weight(bias, path + ".bias") if bias is not None
             else ex.g.const(np.zeros(channels, np.float32), path + ".bias"))
    inputs = [x.name, scale, shift, ex.g.weight(mean, path + ".running_mean"),
              ex.g.weight(var, path + ".running_var")]
    return _Value(ex.g.node("BatchNormalization", inputs, path, epsilon=float(eps)), value)


def unary(op, **attrs):
    def emit(ex, module, x, path):
        return _Value(ex.g.node(op, [x.name], path, **attrs), ex.run(module, x))

    return emit


# ---- leaf layers --------------------------------------------------------------------------------


@emitter("Conv2d")
def _conv2d(ex, m, x, path):
    kernel, dilation = pair(m.kernel_size), pair(m.dilation)
    transform = None
    table = m.connection_table
    if table is not None:
        mask = (np.array(table.detach()) != 0).astype(np.float32)[:, :, None, None]

        def transform(array, mask=mask):
            return array * mask
    weight = ex.g.weight(m.weight, path + ".weight", transform)
    bias = ex.g.weight(m.bias, path + ".bias") if m.bias is not None else None
    return emit_conv(ex, x, weight, bias, kernel, pair(m.stride),
                     conv_pads(m.padding, kernel, dilation), dilation, m.groups, path, ex.run(m, x))


@emitter("Linear")
def _linear(ex, m, x, path):
    bias = ex.g.weight(m.bias, path + ".bias") if m.bias is not None else None
    return emit_linear(ex, x, ex.g.weight(m.weight, path + ".weight"), bias, path, ex.run(m, x))


@emitter("BatchNorm2d", "BatchNorm1d")
def _batch_norm(ex, m, x, path):
    if not m.track_running_stats:
        raise OnnxExportError(f"onnx export: {path}: BatchNorm without running statistics "
                              "normalizes by batch statistics even in eval mode; ONNX cannot")
    return emit_batch_norm(ex, x, m.running_mean, m.running_var,
                           m.weight if m.affine else None, m.bias if m.affine else None, m.eps,
                           path, ex.run(m, x))


def _pool_attrs(m, kind):
    kernel = pair(m.kernel_size)
    stride = pair(m.stride if m.stride is not None else m.kernel_size)
    ph, pw = pair(m.padding)
    attrs = {"kernel_shape": list(kernel), "strides": list(stride), "pads": [ph, pw, ph, pw],
             "ceil_mode": int(bool(m.ceil_mode))}
    if kind == "max":
        attrs["dilations"] = list(pair(m.dilation))
    return attrs


@emitter("MaxPool2d")
def _max_pool2d(ex, m, x, path):
    if m.return_indices:
        raise OnnxExportError(f"onnx export: {path}: MaxPool2d with return_indices is not "
                              "supported")
    return _Value(ex.g.node("MaxPool", [x.name], path, **_pool_attrs(m, "max")), ex.run(m, x))


@emitter("AvgPool2d")
def _avg_pool2d(ex, m, x, path):
    if m.divisor_override is not None:
        raise OnnxExportError(f"onnx export: {path}: AvgPool2d with divisor_override has no ONNX "
                              "equivalent")
    return _Value(ex.g.node("AveragePool", [x.name], path, **_pool_attrs(m, "avg"),
                            count_include_pad=int(bool(m.count_include_pad))), ex.run(m, x))


@emitter("AdaptiveAvgPool2d", "AdaptiveMaxPool2d")
def _adaptive_pool2d(ex, m, x, path):
    if getattr(m, "return_indices", False):
        raise OnnxExportError(f"onnx export: {path}: AdaptiveMaxPool2d with return_indices is not "
                              "supported")
    size = m.output_size
    size = (size, size) if not isinstance(size, (tuple, list)) else tuple(size)
    kind = "avg" if type(m).__name__ == "AdaptiveAvgPool2d" else "max"
    return emit_adaptive_pool(ex, x, size, kind, path, ex.run(m, x))


@emitter("GlobalAvgPool2d", "GlobalMaxPool2d")
def _global_pool2d(ex, m, x, path):
    op = "GlobalAveragePool" if type(m).__name__ == "GlobalAvgPool2d" else "GlobalMaxPool"
    out = _Value(ex.g.node(op, [x.name], path), None)
    value = ex.run(m, x)
    if m.flatten:
        out = _Value(ex.g.node("Flatten", [out.name], path + ".flatten", axis=1), value)
    out.tensor = value
    return out


@emitter("LocalResponseNorm")
def _lrn(ex, m, x, path):
    return _Value(ex.g.node("LRN", [x.name], path, size=int(m.size), alpha=float(m.alpha),
                            beta=float(m.beta), bias=float(m.k)), ex.run(m, x))


@emitter("Dropout", "Dropout2d", "AlphaDropout", "DropPath", "Identity")
def _identity(ex, m, x, path):
    return x  # eval mode: the identity (ex.export checks that the model is in eval mode)


@emitter("Flatten")
def _flatten(ex, m, x, path):
    return emit_flatten(ex, x, m.start_dim, m.end_dim, path, ex.run(m, x))


EMITTERS["ReLU"] = unary("Relu")
EMITTERS["Sigmoid"] = unary("Sigmoid")
EMITTERS["Tanh"] = unary("Tanh")
EMITTERS["SELU"] = unary("Selu")
EMITTERS["Hardswish"] = unary("HardSwish")


@emitter("LeakyReLU")
def _leaky_relu(ex, m, x, path):
    return _Value(ex.g.node("LeakyRelu", [x.name], path, alpha=float(m.negative_slope)),
                  ex.run(m, x))


@emitter("ELU")
def _elu(ex, m, x, path):
    return _Value(ex.g.node("Elu", [x.name], path, alpha=float(m.alpha)), ex.run(m, x))


def emit_clip(ex, x, low, high, path, value):
    inputs = [x.name, ex.g.const(np.float32(low), path + ".min"),
              ex.g.const(np.float32(high), path + ".max")]
    return _Value(ex.g.node("Clip", inputs, path), value)


@emitter("ReLU6")
def _relu6(ex, m, x, path):
    return emit_clip(ex, x, 0.0, 6.0, path, ex.run(m, x))


@emitter("Hardtanh")
def _hardtanh(ex, m, x, path):
    return emit_clip(ex, x, m.min_val, m.max_val, path, ex.run(m, x))


@emitter("SiLU")
def _silu(ex, m, x, path):
    gate = ex.g.node("Sigmoid", [x.name], path + ".gate")
    return _Value(ex.g.node("Mul", [x.name, gate], path), ex.run(m, x))


@emitter("GELU")
def _gelu(ex, m, x, path):
    value = ex.run(m, x)
    if m.approximate == "tanh":
        # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        cube = ex.g.node("Mul", [x.name, ex.g.node("Mul", [x.name, x.name], path + ".sq")],
                         path + ".cube")
        inner = ex.g.node("Add", [x.name, ex.g.node("Mul", [
            cube, ex.g.const(np.float32(0.044715), path + ".c")], path + ".cc")], path + ".in")
        inner = ex.g.node("Mul", [inner, ex.g.const(np.float32(np.sqrt(2 / np.pi)), path + ".k")],
                          path + ".ink")
        gate = ex.g.node("Tanh", [inner], path + ".tanh")
    else:
        scaled = ex.g.node("Div", [x.name, ex.g.const(np.float32(np.sqrt(2.0)), path + ".r2")],
                           path + ".scaled")
        gate = ex.g.node("Erf", [scaled], path + ".erf")
    gate = ex.g.node("Add", [gate, ex.g.const(np.float32(1.0), path + ".one")], path + ".gate")
    half = ex.g.node("Mul", [x.name, ex.g.const(np.float32(0.5), path + ".half")], path + ".hx")
    return _Value(ex.g.node("Mul", [half, gate], path), value)


@emitter("Softplus")
def _softplus(ex, m, x, path):
    value = ex.run(m, x)
    if float(m.beta) == 1.0:
        return _Value(ex.g.node("Softplus", [x.name], path), value)
    beta = ex.g.const(np.float32(m.beta), path + ".beta")
    scaled = ex.g.node("Mul", [x.name, beta], path + ".scaled")
    return _Value(ex.g.node("Div", [ex.g.node("Softplus", [scaled], path + ".sp"), beta], path),
                  value)


def _softmax_dim(dim, rank):
    if dim is None:  # torch's legacy implicit dim
        return 0 if rank in (0, 1, 3) else 1
    return int(dim)


@emitter("Softmax", "LogSoftmax")
def _softmax(ex, m, x, path):
    op = "Softmax" if type(m).__name__ == "Softmax" else "LogSoftmax"
    return _Value(ex.g.node(op, [x.name], path, axis=_softmax_dim(m.dim, len(x.shape))),
                  ex.run(m, x))


@emitter("ScaledTanh")
def _scaled_tanh(ex, m, x, path):
    inner = emit_scale_shift(ex, x, m.slope, None, path + ".in", None)
    out = _Value(ex.g.node("Tanh", [inner.name], path + ".tanh"), None)
    return emit_scale_shift(ex, out, m.amplitude, None, path, ex.run(m, x))


@emitter("Subsampling")
def _subsampling(ex, m, x, path):
    # sigmoid(avg_pool2d(x, 2) * w + b), w and b per channel
    pooled = ex.g.node("AveragePool", [x.name], path + ".pool", kernel_shape=[2, 2],
                       strides=[2, 2])
    shape = (1, m.channels, 1, 1)
    w = ex.g.weight(m.weight, path + ".weight", lambda a: a.reshape(shape))
    b = ex.g.weight(m.bias, path + ".bias", lambda a: a.reshape(shape))
    out = ex.g.node("Add", [ex.g.node("Mul", [pooled, w], path + ".mul"), b], path + ".add")
    return _Value(ex.g.node("Sigmoid", [out], path), ex.run(m, x))


# ---- containers and merge blocks ----------------------------------------------------------------


def chain(ex, m, x, path, names=None):
    for name, layer in m.named_children():
        if names is None or name in names:
            x = ex.module(layer, x, f"{path}.{name}" if path else name)
    return x


@emitter("Sequential", "MlpConv", "Transition")
def _sequential(ex, m, x, path):
    return chain(ex, m, x, path)


def emit_add(ex, a, b, path, value=None):
    return _Value(ex.g.node("Add", [a.name, b.name], path), value)


def emit_concat(ex, values, axis, path):
    from .. import cat

    tensor = ex.apply(lambda: cat([v.tensor for v in values], axis))
    return _Value(ex.g.node("Concat", [v.name for v in values], path, axis=int(axis)), tensor)


def emit_relu(ex, x, path):
    from ..nn import functional as F

    return _Value(ex.g.node("Relu", [x.name], path), ex.apply(lambda: F.relu(x.tensor)))


def sum_values(ex, a, b, path):
    return emit_add(ex, a, b, path, ex.apply(lambda: a.tensor + b.tensor))


def sub(ex, m, name, x, path):
    return ex.module(child(m, name), x, f"{path}.{name}" if path else name)


def activate(ex, m, x, path):
    """A block's final activation: its child 'relu' when it has one, else a plain ReLU."""
    if child(m, "relu") is not None:
        return sub(ex, m, "relu", x, path)
    return emit_relu(ex, x, path + ".relu")


@emitter("Residual")
def _residual(ex, m, x, path):
    branch = sub(ex, m, "body", x, path)
    skip = sub(ex, m, "shortcut", x, path) if child(m, "shortcut") is not None else x
    out = sum_values(ex, branch, skip, path + ".add")
    return sub(ex, m, "post", out, path) if child(m, "post") is not None else out


@emitter("Concat", "Parallel")
def _branches(ex, m, x, path):
    outputs = [ex.module(branch, x, f"{path}.{name}") for name, branch in m.named_children()]
    if type(m).__name__ == "Parallel" and m.merge == "sum":
        total = outputs[0]
        for i, other in enumerate(outputs[1:]):
            total = sum_values(ex, total, other, f"{path}.sum{i}")
        return total
    axis = m.dim if type(m).__name__ == "Concat" else 1
    return emit_concat(ex, outputs, axis, path)


@emitter("ZeroPadShortcut")
def _zero_pad_shortcut(ex, m, x, path):
    value = ex.run(m, x)
    out = x.name
    if m.stride != 1:
        big = np.iinfo(np.int64).max
        out = ex.g.node("Slice", [out, ex.g.ints([0, 0], path + ".starts"),
                                  ex.g.ints([big, big], path + ".ends"),
                                  ex.g.ints([2, 3], path + ".axes"),
                                  ex.g.ints([m.stride, m.stride], path + ".steps")],
                        path + ".slice")
    extra = m.out_channels - m.in_channels
    if extra:
        pads = [0, extra // 2, 0, 0, 0, extra - extra // 2, 0, 0]
        out = ex.g.node("Pad", [out, ex.g.ints(pads, path + ".pads")], path, mode="constant")
    return _Value(out, value)


@emitter("BasicBlock", "Bottleneck")
def _resnet_block(ex, m, x, path):
    convs = ["conv1", "conv2"] + (["conv3"] if child(m, "conv3") is not None else [])
    out = x
    for i, conv in enumerate(convs):
        out = sub(ex, m, conv, out, path)
        out = sub(ex, m, f"bn{i + 1}", out, path)
        if i + 1 < len(convs):
            out = activate(ex, m, out, path + f".act{i + 1}")
    if child(m, "se") is not None:
        out = sub(ex, m, "se", out, path)
    skip = sub(ex, m, "downsample", x, path) if child(m, "downsample") is not None else x
    return activate(ex, m, sum_values(ex, out, skip, path + ".add"), path)


@emitter("PreActBlock", "WideBlock")
def _preact_block(ex, m, x, path):
    activated = emit_relu(ex, sub(ex, m, "bn1", x, path), path + ".relu1")
    skip = sub(ex, m, "shortcut", activated, path) if child(m, "shortcut") is not None else x
    out = sub(ex, m, "conv1", activated, path)
    out = emit_relu(ex, sub(ex, m, "bn2", out, path), path + ".relu2")
    if child(m, "drop") is not None:  # WideBlock's dropout
        out = sub(ex, m, "drop", out, path)
    out = sub(ex, m, "conv2", out, path)
    return sum_values(ex, out, skip, path + ".add")


@emitter("SqueezeExcite")
def _squeeze_excite(ex, m, x, path):
    from .. import mean

    squeezed = emit_reduce_mean(ex, x, [2, 3], True, path + ".squeeze",
                                ex.apply(lambda: mean(x.tensor, (2, 3), True)))
    hidden = emit_relu(ex, sub(ex, m, "fc1", squeezed, path), path + ".relu")
    scale = sub(ex, m, "fc2", hidden, path)
    gate = ex.g.node("Sigmoid", [scale.name], path + ".gate")
    return _Value(ex.g.node("Mul", [x.name, gate], path), ex.run(m, x))


@emitter("BasicConv2d")
def _basic_conv2d(ex, m, x, path):
    out = sub(ex, m, "bn", sub(ex, m, "conv", x, path), path)
    return emit_relu(ex, out, path + ".relu")


@emitter("Fire")
def _fire(ex, m, x, path):
    squeezed = sub(ex, m, "squeeze_activation", sub(ex, m, "squeeze", x, path), path)
    left = sub(ex, m, "expand1x1_activation", sub(ex, m, "expand1x1", squeezed, path), path)
    right = sub(ex, m, "expand3x3_activation", sub(ex, m, "expand3x3", squeezed, path), path)
    return emit_concat(ex, [left, right], 1, path + ".cat")


@emitter("Inception")
def _inception(ex, m, x, path):
    branches = [sub(ex, m, f"branch{i}", x, path) for i in range(1, 5)]
    return emit_concat(ex, branches, 1, path + ".cat")


@emitter("InceptionAux")
def _inception_aux(ex, m, x, path):
    from ..nn import functional as F

    pooled = emit_adaptive_pool(ex, x, (4, 4), "avg", path + ".pool",
                                ex.apply(lambda: F.adaptive_avg_pool2d(x.tensor, (4, 4))))
    out = sub(ex, m, "conv", pooled, path)
    out = emit_flatten(ex, out, 1, -1, path + ".flatten", ex.apply(lambda: out.tensor.flatten(1)))
    out = emit_relu(ex, sub(ex, m, "fc1", out, path), path + ".relu")
    return sub(ex, m, "fc2", sub(ex, m, "dropout", out, path), path)


@emitter("DenseLayer")
def _dense_layer(ex, m, x, path):
    names = ["norm1", "relu1", "conv1"]
    if child(m, "conv2") is not None:
        names += ["norm2", "relu2", "conv2"]
    return chain(ex, m, x, path, names)  # dropout (drop_rate) is the identity in eval


@emitter("DenseBlock")
def _dense_block(ex, m, x, path):
    pieces = [x]
    for name, layer in m.named_children():
        joined = pieces[0] if len(pieces) == 1 else emit_concat(ex, pieces, 1, f"{path}.{name}.in")
        pieces.append(ex.module(layer, joined, f"{path}.{name}"))
    return emit_concat(ex, pieces, 1, path + ".cat")
