"""nn.from_spec: builds an nn.Sequential from the declarative layer list of the convnetjs demos,
tracking the shape so every layer's in_channels / in_features is computed for you.

    layer_defs = [
        {"type": "input", "out_sx": 24, "out_sy": 24, "out_depth": 1},
        {"type": "conv", "sx": 5, "filters": 8, "stride": 1, "pad": 2, "activation": "relu"},
        {"type": "pool", "sx": 2, "stride": 2},
        {"type": "softmax", "num_classes": 10},
    ]
    model = nn.from_spec(layer_defs)          # or from_spec(defs_without_input, (1, 24, 24))

Types and keys (convnetjs defaults: sy = sx, conv stride 1 pad 0, pool stride 2 pad 0):
  input    out_sx, out_sy, out_depth          (optional when input_shape is given)
  conv     sx, sy, filters, stride, pad, activation, groups, bias
  pool     sx, sy, stride, pad                (max pooling)
  avgpool  sx, sy, stride, pad
  fc       num_neurons, activation, drop_prob, bias
  relu / sigmoid / tanh / flatten (no keys), dropout drop_prob, bn (eps, momentum)
  softmax  num_classes; regression num_neurons
  residual body (a list of defs), post (an activation name): y = post(body(x) + shortcut(x));
           the shortcut is the identity, or a 1x1 conv (stride) + bn when the shapes differ
  concat   branches (a list of def lists), joined along channels
`activation` is one of relu, sigmoid, tanh. A softmax layer becomes a Linear producing logits
(no Softmax module): train with nn.CrossEntropyLoss, which applies log-softmax itself, as in
PyTorch; apply softmax to the output to read probabilities.
"""

from .. import _C

_nn = _C._nn

_ACTIVATIONS = {"relu": _nn.ReLU, "sigmoid": _nn.Sigmoid, "tanh": _nn.Tanh}

_KEYS = {
    "input": {"out_sx", "out_sy", "out_depth"},
    "conv": {"sx", "sy", "filters", "stride", "pad", "activation", "groups", "bias"},
    "pool": {"sx", "sy", "stride", "pad"},
    "avgpool": {"sx", "sy", "stride", "pad"},
    "fc": {"num_neurons", "activation", "drop_prob", "bias"},
    "relu": set(), "sigmoid": set(), "tanh": set(), "flatten": set(),
    "dropout": {"drop_prob"},
    "bn": {"eps", "momentum"},
    "softmax": {"num_classes"},
    "regression": {"num_neurons"},
    "residual": {"body", "post"},
    "concat": {"branches"},
}

_REQUIRED = {
    "conv": ("sx", "filters"), "pool": ("sx",), "avgpool": ("sx",), "fc": ("num_neurons",),
    "softmax": ("num_classes",), "regression": ("num_neurons",), "residual": ("body",),
    "concat": ("branches",), "input": ("out_sx", "out_sy", "out_depth"),
}


def _fail(where, message):
    raise ValueError(f"from_spec: layer {where}: {message}")


def _positive_int(where, layer, key, default=None):
    value = layer.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        _fail(where, f"expected '{key}' to be a positive int, got {value!r}")
    return value


def _non_negative_int(where, layer, key, default):
    value = layer.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        _fail(where, f"expected '{key}' to be a non-negative int, got {value!r}")
    return value


def _probability(where, layer, key):
    value = layer.get(key, 0.5)
    if not isinstance(value, (int, float)) or not 0 <= value < 1:
        _fail(where, f"expected '{key}' to be a probability in [0, 1), got {value!r}")
    return float(value)


def _activation(where, layer):
    name = layer.get("activation")
    if name is None:
        return []
    if name not in _ACTIVATIONS:
        _fail(where, f"unknown activation {name!r} (expected one of {', '.join(_ACTIVATIONS)})")
    return [_ACTIVATIONS[name]()]


def _spatial(where, shape, kind):
    if len(shape) != 3:
        _fail(where, f"'{kind}' needs an input of shape (C, H, W), got {shape}")
    return shape


def _window_output(where, size, kernel, stride, pad):
    out = (size + 2 * pad - kernel) // stride + 1
    if out < 1:
        _fail(where, f"window {kernel} (stride {stride}, pad {pad}) does not fit an input of "
                     f"size {size}")
    return out


def _flatten_if_needed(shape, modules):
    if len(shape) > 1:
        modules.append(_nn.Flatten())
        features = 1
        for size in shape:
            features *= size
        return (features,)
    return shape


def _build_layer(where, layer, shape):
    """Returns (modules, output shape) for one def."""
    kind = layer["type"]
    if kind in ("conv", "pool", "avgpool"):
        channels, height, width = _spatial(where, shape, kind)
        kernel_x = _positive_int(where, layer, "sx")
        kernel_y = _positive_int(where, layer, "sy", kernel_x)
        stride = _positive_int(where, layer, "stride", 1 if kind == "conv" else 2)
        pad = _non_negative_int(where, layer, "pad", 0)
        out_h = _window_output(where, height, kernel_y, stride, pad)
        out_w = _window_output(where, width, kernel_x, stride, pad)
        if kind == "conv":
            filters = _positive_int(where, layer, "filters")
            groups = _positive_int(where, layer, "groups", 1)
            if channels % groups or filters % groups:
                _fail(where, f"groups={groups} must divide both the input channels ({channels}) "
                             f"and filters ({filters})")
            conv = _nn.Conv2d(channels, filters, (kernel_y, kernel_x), stride=stride,
                              padding=pad, groups=groups, bias=bool(layer.get("bias", True)))
            return [conv] + _activation(where, layer), (filters, out_h, out_w)
        pool_class = _nn.MaxPool2d if kind == "pool" else _nn.AvgPool2d
        return [pool_class((kernel_y, kernel_x), stride=stride, padding=pad)], (channels, out_h,
                                                                                out_w)
    if kind in ("fc", "softmax", "regression"):
        modules = []
        shape = _flatten_if_needed(shape, modules)
        key = "num_classes" if kind == "softmax" else "num_neurons"
        out_features = _positive_int(where, layer, key)
        modules.append(_nn.Linear(shape[0], out_features, bias=bool(layer.get("bias", True))))
        if kind == "fc":
            modules += _activation(where, layer)
            if "drop_prob" in layer:
                modules.append(_nn.Dropout(_probability(where, layer, "drop_prob")))
        return modules, (out_features,)
    if kind in _ACTIVATIONS:
        return [_ACTIVATIONS[kind]()], shape
    if kind == "flatten":
        modules = []
        return modules, _flatten_if_needed(shape, modules)
    if kind == "dropout":
        return [_nn.Dropout(_probability(where, layer, "drop_prob"))], shape
    if kind == "bn":
        options = {key: float(layer[key]) for key in ("eps", "momentum") if key in layer}
        if len(shape) == 3:
            return [_nn.BatchNorm2d(shape[0], **options)], shape
        return [_nn.BatchNorm1d(shape[0], **options)], shape
    if kind == "residual":
        return _build_residual(where, layer, shape)
    return _build_concat(where, layer, shape)


def _sub_list(where, defs, key):
    if not isinstance(defs, (list, tuple)) or not defs:
        _fail(where, f"expected '{key}' to be a non-empty list of layer defs, got {defs!r}")
    return defs


def _build_residual(where, layer, shape):
    body, body_shape = _build_list(_sub_list(where, layer["body"], "body"), shape,
                                   f"{where}.body")
    shortcut = None
    if body_shape != shape:
        if len(shape) != 3 or len(body_shape) != 3 or shape[1] % body_shape[1]:
            _fail(where, f"the body maps {shape} to {body_shape}; a shortcut can only project "
                         "between (C, H, W) shapes whose sizes divide")
        stride = shape[1] // body_shape[1]
        if shape[2] // stride != body_shape[2]:
            _fail(where, f"the body maps {shape} to {body_shape}, which no strided 1x1 "
                         "projection matches")
        shortcut = _nn.Sequential(_nn.Conv2d(shape[0], body_shape[0], 1, stride=stride,
                                             bias=False), _nn.BatchNorm2d(body_shape[0]))
    post = None
    if "post" in layer:
        post = _activation(where, {"activation": layer["post"]})[0]
    return [_residual_module(body, shortcut, post)], body_shape


def _build_concat(where, layer, shape):
    branches_defs = _sub_list(where, layer["branches"], "branches")
    branches, shapes = [], []
    for index, defs in enumerate(branches_defs):
        branch, branch_shape = _build_list(_sub_list(where, defs, f"branches[{index}]"), shape,
                                           f"{where}.branches[{index}]")
        branches.append(branch)
        shapes.append(branch_shape)
    if any(len(s) != len(shapes[0]) or s[1:] != shapes[0][1:] for s in shapes):
        _fail(where, f"branches must agree on all but the channel size to concatenate, got "
                     f"{', '.join(str(s) for s in shapes)}")
    channels = sum(s[0] for s in shapes)
    return [_concat_module(branches)], (channels,) + tuple(shapes[0][1:])


def _residual_module(body, shortcut, post):
    return _nn.Residual(body, shortcut, post)


def _concat_module(branches):
    return _nn.Concat(*branches, dim=1)


def _check_layer(where, layer):
    if not isinstance(layer, dict):
        _fail(where, f"expected a dict with a 'type' key, got {type(layer).__name__}")
    kind = layer.get("type")
    if kind not in _KEYS:
        _fail(where, f"unknown type {kind!r} (expected one of {', '.join(sorted(_KEYS))})")
    unknown = sorted(set(layer) - _KEYS[kind] - {"type"})
    if unknown:
        _fail(where, f"unknown key(s) {', '.join(repr(key) for key in unknown)} for type "
                     f"'{kind}' (allowed: {', '.join(sorted(_KEYS[kind])) or 'none'})")
    missing = [key for key in _REQUIRED.get(kind, ()) if key not in layer]
    if missing:
        _fail(where, f"type '{kind}' needs key(s) {', '.join(repr(key) for key in missing)}")


def _build_list(layer_defs, shape, prefix):
    modules = []
    for index, layer in enumerate(layer_defs):
        where = f"{prefix}[{index}]"
        _check_layer(where, layer)
        if layer["type"] == "input":
            _fail(where, "'input' may only be the first layer of the top-level list")
        layer_modules, shape = _build_layer(where, layer, shape)
        modules += layer_modules
    return _nn.Sequential(*modules), shape


def from_spec(layer_defs, input_shape=None):
    """Builds an nn.Sequential from a convnetjs-style list of layer dicts, tracking the shape
    so that every layer's in_channels / in_features is computed for you (the keys of each type are
    listed in the module docstring, ``striate.nn.spec``).

    Args:
        layer_defs (list of dict): The layers, in order, each with a ``"type"`` key.
        input_shape (tuple, optional): One sample's shape, (C, H, W) or (features,); it may instead
            come from a leading ``{'type': 'input', 'out_sx', 'out_sy', 'out_depth'}`` def (both
            must then agree). Default: None.

    Returns:
        Sequential: The model; a ``softmax`` def becomes a Linear producing logits (train with
        ``nn.CrossEntropyLoss``).

    Raises:
        ValueError: Naming the layer index, for unknown types or keys, impossible shapes, or no
            input shape.

    Example:
        >>> model = nn.from_spec([
        ...     {"type": "input", "out_sx": 24, "out_sy": 24, "out_depth": 1},
        ...     {"type": "conv", "sx": 5, "filters": 8, "pad": 2, "activation": "relu"},
        ...     {"type": "pool", "sx": 2, "stride": 2},
        ...     {"type": "softmax", "num_classes": 10}])
        >>> model(st.randn(2, 1, 24, 24)).shape
        striate.Size([2, 10])
    """
    if not isinstance(layer_defs, (list, tuple)) or not layer_defs:
        raise ValueError(f"from_spec: expected a non-empty list of layer defs, got {layer_defs!r}")
    layer_defs = list(layer_defs)
    first = layer_defs[0]
    if isinstance(first, dict) and first.get("type") == "input":
        _check_layer("0", first)
        declared = (_positive_int("0", first, "out_depth"), _positive_int("0", first, "out_sy"),
                    _positive_int("0", first, "out_sx"))
        if input_shape is not None and tuple(input_shape) != declared:
            raise ValueError(f"from_spec: input_shape {tuple(input_shape)} disagrees with the "
                             f"input layer's (out_depth, out_sy, out_sx) = {declared}")
        input_shape = declared
        layer_defs = layer_defs[1:]
        start = 1
    else:
        start = 0
    if input_shape is None:
        raise ValueError("from_spec: no input shape: pass input_shape or start the list with "
                         "an {'type': 'input', 'out_sx', 'out_sy', 'out_depth'} layer")
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    input_shape = tuple(input_shape)
    if not input_shape or not all(isinstance(size, int) and size > 0 for size in input_shape):
        raise ValueError(f"from_spec: expected input_shape to be a tuple of positive ints, got "
                         f"{input_shape!r}")
    modules = []
    shape = input_shape
    for index, layer in enumerate(layer_defs, start):
        where = str(index)
        _check_layer(where, layer)
        if layer["type"] == "input":
            _fail(where, "'input' may only be the first layer")
        layer_modules, shape = _build_layer(where, layer, shape)
        modules += layer_modules
    if not modules:
        raise ValueError("from_spec: the list defines no layer after the input")
    return _nn.Sequential(*modules)
