"""ONNX emitters for the layers beyond the zoo's core set: convolutions and pooling of any rank,
ConvTranspose1d/2d/3d, the other normalizations, activations and shape layers (PReLU, CELU, the
shrinks, PixelShuffle, padding, Upsample, ...), the recurrent layers (ONNX RNN) and FractalNet.
Registered in _modules.EMITTERS like the others. NO_ONNX lists the layers without an ONNX
equivalent, with the reason export gives (an OnnxUnsupportedError, a NotImplementedError)."""

import numpy as np

from ._graph import OnnxExportError, OnnxUnsupportedError, _Value
from ._modules import (
    EMITTERS,
    child,
    emit_adaptive_pool,
    emit_batch_norm,
    emit_linear,
    emit_reduce,
    emit_reshape,
    emitter,
    sub,
)

# Layers that ONNX cannot express as a one-input graph, and why.
NO_ONNX = {
    "FractionalMaxPool2d": "its windows are drawn at random on every call",
    "MaxUnpool2d": "it takes the indices of a max pooling as a second input",
    "LocallyConnected2d": "ONNX has no convolution with unshared weights",
    "CosineSimilarity": "it takes two inputs",
    "PairwiseDistance": "it takes two inputs",
}


def _tuple(value, rank):
    if isinstance(value, (tuple, list)):
        values = tuple(int(v) for v in value)
        return values * rank if len(values) == 1 else values
    return (int(value),) * rank


def _conv_pads_nd(padding, kernel, dilation):
    """ONNX pads (all begins, then all ends) for a conv's padding: ints or 'same' / 'valid'."""
    rank = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return [0] * 2 * rank
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        if padding == "same":
            begin = [t // 2 for t in totals]
            return begin + [t - b for t, b in zip(totals, begin)]
        raise OnnxExportError(f"onnx export: unknown conv padding {padding!r}")
    padding = _tuple(padding, rank)
    if len(padding) != rank:
        raise OnnxExportError(f"onnx export: per-side conv padding {padding} of a {rank}-d conv")
    return list(padding) * 2


_PAD_MODES = {"reflect": "reflect", "replicate": "edge"}


def _mode_padding(ex, m, x, pads, path):
    """A conv's non-zero padding_mode as a Pad node before it; returns (input, conv pads)."""
    mode = getattr(m, "padding_mode", "zeros")
    if mode == "zeros" or not any(pads):
        return x, pads
    if mode not in _PAD_MODES:
        raise OnnxUnsupportedError(f"onnx export: {path}: {type(m).__name__} with padding_mode "
                                   f"{mode!r} has no ONNX equivalent")
    rank = len(pads) // 2
    full = [0, 0] + pads[:rank] + [0, 0] + pads[rank:]
    padded = ex.g.node("Pad", [x.name, ex.g.ints(full, path + ".pads")], path + ".pad",
                       mode=_PAD_MODES[mode])
    return _Value(padded, None), [0] * 2 * rank


def _conv_any(ex, m, x, path):
    kernel = tuple(int(k) for k in m.kernel_size)
    rank = len(kernel)
    dilation, stride = _tuple(m.dilation, rank), _tuple(m.stride, rank)
    pads = _conv_pads_nd(m.padding, kernel, dilation)
    source, pads = _mode_padding(ex, m, x, pads, path)
    inputs = [source.name, ex.g.weight(m.weight, path + ".weight")]
    if m.bias is not None:
        inputs.append(ex.g.weight(m.bias, path + ".bias"))
    return _Value(ex.g.node("Conv", inputs, path, kernel_shape=list(kernel), strides=list(stride),
                            pads=pads, dilations=list(dilation), group=int(m.groups)),
                  ex.run(m, x))


EMITTERS["Conv1d"] = EMITTERS["Conv3d"] = _conv_any
_conv2d_plain = EMITTERS["Conv2d"]


@emitter("Conv2d")
def _conv2d(ex, m, x, path):
    if getattr(m, "padding_mode", "zeros") == "zeros" or m.connection_table is not None:
        return _conv2d_plain(ex, m, x, path)
    return _conv_any(ex, m, x, path)


@emitter("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
def _conv_transpose_any(ex, m, x, path):
    rank = m.weight.dim() - 2
    kernel = _tuple(m.kernel_size, rank)
    padding = _tuple(m.padding, rank)
    inputs = [x.name, ex.g.weight(m.weight, path + ".weight")]
    if m.bias is not None:
        inputs.append(ex.g.weight(m.bias, path + ".bias"))
    return _Value(ex.g.node("ConvTranspose", inputs, path, kernel_shape=list(kernel),
                            strides=list(_tuple(m.stride, rank)), pads=list(padding) * 2,
                            dilations=list(_tuple(m.dilation, rank)), group=int(m.groups),
                            output_padding=list(_tuple(m.output_padding, rank))), ex.run(m, x))


def _pool_any(kind, rank):
    def emit(ex, m, x, path):
        if getattr(m, "return_indices", False):
            raise OnnxUnsupportedError(f"onnx export: {path}: {type(m).__name__} with "
                                       "return_indices is not supported")
        if getattr(m, "divisor_override", None) is not None:
            raise OnnxUnsupportedError(f"onnx export: {path}: {type(m).__name__} with "
                                       "divisor_override has no ONNX equivalent")
        kernel = _tuple(m.kernel_size, rank)
        stride = _tuple(m.stride if m.stride is not None else m.kernel_size, rank)
        attrs = {"kernel_shape": list(kernel), "strides": list(stride),
                 "pads": list(_tuple(m.padding, rank)) * 2, "ceil_mode": int(bool(m.ceil_mode))}
        if kind == "max":
            attrs["dilations"] = list(_tuple(m.dilation, rank))
            return _Value(ex.g.node("MaxPool", [x.name], path, **attrs), ex.run(m, x))
        return _Value(ex.g.node("AveragePool", [x.name], path, **attrs,
                                count_include_pad=int(bool(m.count_include_pad))), ex.run(m, x))

    return emit


for _rank in (1, 3):
    EMITTERS[f"MaxPool{_rank}d"] = _pool_any("max", _rank)
    EMITTERS[f"AvgPool{_rank}d"] = _pool_any("avg", _rank)


@emitter("AdaptiveAvgPool1d", "AdaptiveMaxPool1d")
def _adaptive_pool1d(ex, m, x, path):
    """As the 2-d pooling of (N, C, L, 1) to (output_size, 1)."""
    if getattr(m, "return_indices", False):
        raise OnnxUnsupportedError(f"onnx export: {path}: AdaptiveMaxPool1d with return_indices "
                                   "is not supported")
    from .. import Tensor

    size = m.output_size
    size = int(size[0] if isinstance(size, (tuple, list)) else size)
    last = ex.g.ints([-1], path + ".axis")
    value = ex.run(m, x)
    tall = _Value(ex.g.node("Unsqueeze", [x.name, last], path + ".unsqueeze"),
                  ex.apply(lambda: Tensor.unsqueeze(x.tensor, -1)))
    kind = "avg" if "Avg" in type(m).__name__ else "max"
    pooled = emit_adaptive_pool(ex, tall, (size, 1), kind, path + ".pool", None)
    return _Value(ex.g.node("Squeeze", [pooled.name, last], path), value)


@emitter("BatchNorm3d", "SyncBatchNorm")
def _batch_norm_any(ex, m, x, path):
    return EMITTERS["BatchNorm2d"](ex, m, x, path)


def _ones(ex, count, path):
    return ex.g.const(np.ones(count), path)  # float64 here: const stores the export's dtype


def _zeros(ex, count, path):
    return ex.g.const(np.zeros(count), path)


@emitter("InstanceNorm1d", "InstanceNorm2d")
def _instance_norm(ex, m, x, path):
    channels = x.shape[1]
    if m.track_running_stats:  # eval mode normalizes by the running statistics, as BatchNorm
        return emit_batch_norm(ex, x, m.running_mean, m.running_var,
                               m.weight if m.affine else None, m.bias if m.affine else None,
                               m.eps, path, ex.run(m, x))
    scale = ex.g.weight(m.weight, path + ".weight") if m.affine else _ones(ex, channels, path)
    bias = ex.g.weight(m.bias, path + ".bias") if m.affine else _zeros(ex, channels, path)
    return _Value(ex.g.node("InstanceNormalization", [x.name, scale, bias], path,
                            epsilon=float(m.eps)), ex.run(m, x))


@emitter("LayerNorm")
def _layer_norm(ex, m, x, path):
    if ex.g.opset < 17:
        raise OnnxExportError(f"onnx export: {path}: LayerNorm needs opset >= 17 "
                              f"(LayerNormalization), got opset {ex.g.opset}")
    shape = tuple(int(s) for s in m.normalized_shape)
    weight = getattr(m, "weight", None)
    bias = getattr(m, "bias", None)
    scale = (ex.g.weight(weight, path + ".weight") if weight is not None
             else ex.g.const(np.ones(shape), path + ".weight"))
    inputs = [x.name, scale] + ([ex.g.weight(bias, path + ".bias")] if bias is not None else [])
    return _Value(ex.g.node("LayerNormalization", inputs, path, axis=-len(shape),
                            epsilon=float(m.eps)), ex.run(m, x))


def _channel_shape(rank):
    """(C, 1, ..., 1): a per-channel tensor broadcast against (N, C, *) of this rank."""
    return lambda array: array.reshape((-1,) + (1,) * (rank - 2))


@emitter("GroupNorm")
def _group_norm(ex, m, x, path):
    """InstanceNormalization of x viewed as (N, groups, -1), then the per-channel affine."""
    groups, rank = int(m.num_groups), len(x.shape)
    grouped = ex.g.node("Reshape", [x.name, ex.g.ints([0, groups, -1], path + ".groups")],
                        path + ".grouped")
    normed = ex.g.node("InstanceNormalization", [grouped, _ones(ex, groups, path + ".one"),
                                                 _zeros(ex, groups, path + ".zero")],
                       path + ".norm", epsilon=float(m.eps))
    out = ex.g.node("Reshape", [normed, ex.g.node("Shape", [x.name], path + ".shape")],
                    path + ".back")
    if m.affine:
        out = ex.g.node("Mul", [out, ex.g.weight(m.weight, path + ".weight",
                                                 _channel_shape(rank))], path + ".scale")
        out = ex.g.node("Add", [out, ex.g.weight(m.bias, path + ".bias", _channel_shape(rank))],
                        path)
    return _Value(out, ex.run(m, x))


# ---- activations --------------------------------------------------------------------------------


@emitter("PReLU")
def _prelu(ex, m, x, path):
    rank = len(x.shape)
    count = int(m.num_parameters)
    if count == 1 or rank < 2:
        slope = ex.g.weight(m.weight, path + ".weight", lambda a: a.reshape(-1))
    else:
        slope = ex.g.weight(m.weight, path + ".weight", _channel_shape(rank))
    return _Value(ex.g.node("PRelu", [x.name, slope], path), ex.run(m, x))


def _chain(*ops):
    """An emitter applying single-input ONNX ops in turn ((op, attrs) pairs)."""

    def emit(ex, m, x, path):
        out = x.name
        for i, (op, attrs) in enumerate(ops):
            attrs = attrs(m) if callable(attrs) else attrs
            out = ex.g.node(op, [out], path if i == len(ops) - 1 else f"{path}.{op}", **attrs)
        return _Value(out, ex.run(m, x))

    return emit


EMITTERS["CELU"] = _chain(("Celu", lambda m: {"alpha": float(m.alpha)}))
EMITTERS["Hardsigmoid"] = _chain(("HardSigmoid", {"alpha": 1.0 / 6.0, "beta": 0.5}))
EMITTERS["Softsign"] = _chain(("Softsign", {}))
EMITTERS["AbsTanh"] = _chain(("Tanh", {}), ("Abs", {}))
EMITTERS["LogSigmoid"] = _chain(("Neg", {}), ("Softplus", {}), ("Neg", {}))  # -softplus(-x)
EMITTERS["Hardshrink"] = _chain(("Shrink", lambda m: {"lambd": float(m.lambd), "bias": 0.0}))
EMITTERS["Softshrink"] = _chain(("Shrink", lambda m: {"lambd": float(m.lambd),
                                                      "bias": float(m.lambd)}))
EMITTERS["Softmax2d"] = _chain(("Softmax", {"axis": -3}))


@emitter("Softmin")
def _softmin(ex, m, x, path):
    from ._modules import _softmax_dim

    negated = ex.g.node("Neg", [x.name], path + ".neg")
    return _Value(ex.g.node("Softmax", [negated], path,
                            axis=_softmax_dim(m.dim, len(x.shape))), ex.run(m, x))


@emitter("Mish")
def _mish(ex, m, x, path):  # x tanh(softplus(x))
    soft = ex.g.node("Softplus", [x.name], path + ".softplus")
    return _Value(ex.g.node("Mul", [x.name, ex.g.node("Tanh", [soft], path + ".tanh")], path),
                  ex.run(m, x))


@emitter("Tanhshrink")
def _tanhshrink(ex, m, x, path):  # x - tanh(x)
    return _Value(ex.g.node("Sub", [x.name, ex.g.node("Tanh", [x.name], path + ".tanh")], path),
                  ex.run(m, x))


@emitter("Threshold")
def _threshold(ex, m, x, path):  # x where x > threshold, else value
    above = ex.g.node("Greater", [x.name, ex.g.const(float(m.threshold), path + ".th")],
                      path + ".above")
    value = ex.g.const(float(m.value), path + ".value")
    return _Value(ex.g.node("Where", [above, x.name, value], path), ex.run(m, x))


# ---- shape layers -------------------------------------------------------------------------------


@emitter("PixelShuffle")
def _pixel_shuffle(ex, m, x, path):
    if len(x.shape) != 4:
        raise OnnxUnsupportedError(f"onnx export: {path}: PixelShuffle of a {len(x.shape)}-d "
                                   "input (DepthToSpace takes (N, C, H, W))")
    return _Value(ex.g.node("DepthToSpace", [x.name], path, blocksize=int(m.upscale_factor),
                            mode="CRD"), ex.run(m, x))


@emitter("PixelUnshuffle")
def _pixel_unshuffle(ex, m, x, path):
    """(N, C, H, W) -> (N, C, H/r, r, W/r, r) -> (N, C, r, r, H/r, W/r) -> (N, C r r, H/r, W/r):
    torch's channel order (SpaceToDepth's differs)."""
    if len(x.shape) != 4:
        raise OnnxUnsupportedError(f"onnx export: {path}: PixelUnshuffle of a "
                                   f"{len(x.shape)}-d input")
    r = int(m.downscale_factor)
    _, c, h, w = x.shape
    split = ex.g.node("Reshape", [x.name, ex.g.ints([0, c, h // r, r, w // r, r],
                                                    path + ".split")], path + ".split")
    moved = ex.g.node("Transpose", [split], path + ".move", perm=[0, 1, 3, 5, 2, 4])
    return _Value(ex.g.node("Reshape", [moved, ex.g.ints([0, c * r * r, h // r, w // r],
                                                         path + ".shape")], path), ex.run(m, x))


@emitter("ChannelShuffle")
def _channel_shuffle(ex, m, x, path):
    groups = int(m.groups)
    shape = list(x.shape)
    split = [0, groups, shape[1] // groups] + shape[2:]
    out = ex.g.node("Reshape", [x.name, ex.g.ints(split, path + ".split")], path + ".split")
    perm = [0, 2, 1] + list(range(3, len(split)))
    out = ex.g.node("Transpose", [out], path + ".swap", perm=perm)
    return _Value(ex.g.node("Reshape", [out, ex.g.ints([0] + shape[1:], path + ".shape")], path),
                  ex.run(m, x))


@emitter("ChannelMaxPool")
def _channel_max_pool(ex, m, x, path):  # max over groups of kernel_size adjacent channels
    k = int(m.kernel_size)
    shape = list(x.shape)
    grouped = ex.g.node("Reshape", [x.name, ex.g.ints([0, shape[1] // k, k] + shape[2:],
                                                      path + ".groups")], path + ".grouped")
    return _Value(emit_reduce(ex, "ReduceMax", grouped, [2], False, path), ex.run(m, x))


@emitter("Unflatten")
def _unflatten(ex, m, x, path):
    value = ex.run(m, x)
    return emit_reshape(ex, x, tuple(value.shape), path, value)


def _pad_emitter(mode):
    def emit(ex, m, x, path):
        rank = len(x.shape)
        amounts = m.padding
        sides = int(type(m).__name__[-2]) * 2  # 1d: 2 amounts, 2d: 4, 3d: 6 (last dim first)
        amounts = [int(amounts)] * sides if isinstance(amounts, int) else [int(a) for a in amounts]
        begins, ends = [0] * rank, [0] * rank
        for i in range(len(amounts) // 2):
            begins[rank - 1 - i], ends[rank - 1 - i] = amounts[2 * i], amounts[2 * i + 1]
        inputs = [x.name, ex.g.ints(begins + ends, path + ".pads")]
        if mode == "constant":
            inputs.append(ex.g.const(float(getattr(m, "value", 0.0)), path + ".value"))
        return _Value(ex.g.node("Pad", inputs, path, mode=mode), ex.run(m, x))

    return emit


for _d in (1, 2, 3):
    EMITTERS[f"ZeroPad{_d}d"] = EMITTERS[f"ConstantPad{_d}d"] = _pad_emitter("constant")
    EMITTERS[f"ReflectionPad{_d}d"] = _pad_emitter("reflect")
    EMITTERS[f"ReplicationPad{_d}d"] = _pad_emitter("edge")


@emitter("Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d")
def _upsample(ex, m, x, path):
    """Resize with torch's coordinate rules: nearest = asymmetric + floor, bilinear =
    pytorch_half_pixel or align_corners. Given sizes, the output size is exact (a Concat of the
    input's (N, C) with them); given scale factors, Resize uses them as torch does."""
    name = type(m).__name__
    mode = {"UpsamplingNearest2d": "nearest", "UpsamplingBilinear2d": "bilinear"}.get(
        name, getattr(m, "mode", "nearest"))
    corners = True if name == "UpsamplingBilinear2d" else bool(getattr(m, "align_corners", False))
    if mode == "nearest":
        attrs = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric",
                 "nearest_mode": "floor"}
    elif mode == "bilinear":
        attrs = {"mode": "linear", "coordinate_transformation_mode":
                 "align_corners" if corners else "pytorch_half_pixel"}
    else:
        raise OnnxUnsupportedError(f"onnx export: {path}: {name} mode {mode!r}")
    value = ex.run(m, x)
    scale = getattr(m, "scale_factor", None)
    size = getattr(m, "size", None)
    if scale is not None and size is None:
        scale = list(scale) if isinstance(scale, (tuple, list)) else [scale, scale]
        scales = ex.g.const(np.array([1.0, 1.0] + [float(s) for s in scale], np.float32),
                            path + ".scales")
        return _Value(ex.g.node("Resize", [x.name, "", scales], path, **attrs), value)
    lead = ex.g.node("Slice", [ex.g.node("Shape", [x.name], path + ".shape"),
                               ex.g.ints([0], path + ".start"), ex.g.ints([2], path + ".end")],
                     path + ".lead")
    sizes = ex.g.node("Concat", [lead, ex.g.ints(list(value.shape[2:]), path + ".size")],
                      path + ".sizes", axis=0)
    return _Value(ex.g.node("Resize", [x.name, "", "", sizes], path, **attrs), value)


@emitter("Dropout1d", "Dropout3d")
def _dropout_eval(ex, m, x, path):
    return x  # eval mode: the identity


@emitter("DropConnect")
def _drop_connect(ex, m, x, path):
    return sub(ex, m, "linear", x, path)  # eval mode: the plain linear layer


# ---- recurrent layers ---------------------------------------------------------------------------


@emitter("RNN")
def _rnn(ex, m, x, path):
    """One ONNX RNN node per layer (direction 'bidirectional' when asked); Y (L, D, N, H) is
    brought to (L, N, D H) for the next layer and the output. batch_first transposes around it;
    an unbatched (L, input) sequence gets a batch of one."""
    value = ex.run(m, x)
    value = value[0] if isinstance(value, tuple) else value  # (output, h_n) from Python
    hidden = int(m.hidden_size)
    dirs = 2 if m.bidirectional else 1
    act = "Relu" if m.nonlinearity == "relu" else "Tanh"
    params = dict(m.named_parameters())
    out = x.name
    unbatched = len(x.shape) == 2
    if unbatched:
        out = ex.g.node("Unsqueeze", [out, ex.g.ints([1], path + ".batch_axis")], path + ".batch")
    elif m.batch_first:
        out = ex.g.node("Transpose", [out], path + ".seq_first", perm=[1, 0, 2])
    for layer in range(int(m.num_layers)):
        suffixes = [f"_l{layer}"] + ([f"_l{layer}_reverse"] if dirs == 2 else [])
        def gather(kind, suffixes=suffixes):
            return [params[f"{kind}{s}"] for s in suffixes]

        w = ex.g.const(np.stack([np.array(t.detach()) for t in gather("weight_ih")]),
                       f"{path}.weight_ih_l{layer}")
        r = ex.g.const(np.stack([np.array(t.detach()) for t in gather("weight_hh")]),
                       f"{path}.weight_hh_l{layer}")
        inputs = [out, w, r]
        if m.bias:
            b = np.stack([np.concatenate([np.array(i.detach()), np.array(h.detach())])
                       for i, h in zip(gather("bias_ih"), gather("bias_hh"))])
            inputs.append(ex.g.const(b, f"{path}.bias_l{layer}"))
        y, _ = ex.g.node("RNN", inputs, f"{path}.l{layer}", num_outputs=2, hidden_size=hidden,
                         activations=[act] * dirs,
                         direction="bidirectional" if dirs == 2 else "forward")
        y = ex.g.node("Transpose", [y], f"{path}.l{layer}.t", perm=[0, 2, 1, 3])
        out = ex.g.node("Reshape", [y, ex.g.ints([0, 0, -1], f"{path}.l{layer}.shape")],
                        f"{path}.l{layer}.out")
    if unbatched:
        out = ex.g.node("Squeeze", [out, ex.g.ints([1], path + ".unbatch_axis")], path)
    elif m.batch_first:
        out = ex.g.node("Transpose", [out], path, perm=[1, 0, 2])
    return _Value(out, value)


@emitter("RNNCell")
def _rnn_cell(ex, m, x, path):
    """act(x W_ih^T + b_ih + b_hh): the hidden state starts at zero in a one-input call."""
    value = ex.run(m, x)
    bias = None
    if m.bias:
        bias = ex.g.const(np.array(m.bias_ih.detach()) + np.array(m.bias_hh.detach()),
                          path + ".bias")
    pre = emit_linear(ex, x, ex.g.weight(m.weight_ih, path + ".weight_ih"), bias, path + ".ih",
                      None)
    act = "Relu" if m.nonlinearity == "relu" else "Tanh"
    return _Value(ex.g.node(act, [pre.name], path), value)


# ---- FractalNet ---------------------------------------------------------------------------------


def _fractal_columns(ex, m, x, path):
    """The outputs of every column of a FractalBlock in eval mode: the shallow conv-bn-relu, and
    deep2's columns run on deep1's joined output."""
    columns = [sub(ex, m, "shallow", x, path)]
    if child(m, "deep1") is not None:
        middle = _fractal_join(ex, child(m, "deep1"), x, f"{path}.deep1")
        columns += _fractal_columns(ex, child(m, "deep2"), middle, f"{path}.deep2")
    return columns


def _fractal_join(ex, m, x, path):
    """The eval-mode join: the mean of the columns (summed in order, divided by the count)."""
    columns = _fractal_columns(ex, m, x, path)
    value = ex.run(m, x)
    if len(columns) == 1:
        return _Value(columns[0].name, value)
    total = columns[0].name
    for i, column in enumerate(columns[1:]):
        total = ex.g.node("Add", [total, column.name], f"{path}.sum{i}")
    count = ex.g.const(float(len(columns)), path + ".count")
    return _Value(ex.g.node("Div", [total, count], path + ".join"), value)


EMITTERS["FractalBlock"] = _fractal_join


@emitter("FractalNet")
def _fractal_net(ex, m, x, path):
    from ._modules import emit_flatten

    prefix = path + "." if path else ""
    out = sub(ex, m, "avgpool", sub(ex, m, "features", x, path), path)
    out = emit_flatten(ex, out, 1, -1, prefix + "flatten", ex.apply(lambda: out.tensor.flatten(1)))
    return sub(ex, m, "classifier", out, path)
