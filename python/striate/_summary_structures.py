"""The forwards of striate's built-in C++ blocks and models, written again over their children
for striate.summary (see its docstring): run from Python, each child call is seen and gets a row.

Each function is the module's C++ forward (cpp/src/nn/*blocks.cpp, cpp/src/models/*.cpp) in eval
mode (summary's): dropout and drop-path are the identity, GoogLeNet runs no auxiliary head.
Functional glue (relu, cat, +, mean) costs no multiply-adds. summary compares every replay with
the module's true output, so a forward changed in C++ and not here makes an opaque row ("?"),
never a wrong one. A function takes (tracer, module, x); only FractalBlock's needs the tracer.
"""

from . import _C


def _parts(module):
    return dict(module.named_children())


def _plus_shortcut(out, parts, name, x, shortcut_input=None):
    shortcut = parts.get(name)
    if shortcut is None:
        return out + x
    return out + shortcut(x if shortcut_input is None else shortcut_input)


def _residual(tracer, module, x):
    parts = _parts(module)
    out = _plus_shortcut(parts["body"](x), parts, "shortcut", x)
    return parts["post"](out) if "post" in parts else out


def _concat(tracer, module, x):
    return _C.cat([branch(x) for branch in module.children()], module.dim)


def _parallel(tracer, module, x):
    outputs = [branch(x) for branch in module.children()]
    return sum(outputs[1:], outputs[0]) if module.merge == "sum" else _C.cat(outputs, 1)


def _basic_block(tracer, module, x):
    parts = _parts(module)
    out = parts["relu"](parts["bn1"](parts["conv1"](x)))
    out = parts["bn2"](parts["conv2"](out))
    return parts["relu"](_plus_shortcut(out, parts, "downsample", x))


def _bottleneck(tracer, module, x):
    parts = _parts(module)
    out = parts["relu"](parts["bn1"](parts["conv1"](x)))
    out = parts["relu"](parts["bn2"](parts["conv2"](out)))
    out = parts["bn3"](parts["conv3"](out))
    if "se" in parts:
        out = parts["se"](out)
    return parts["relu"](_plus_shortcut(out, parts, "downsample", x))


def _preact_block(tracer, module, x):
    # The projection shortcut reads the pre-activated input; WideBlock adds dropout.
    parts = _parts(module)
    activated = parts["bn1"](x).relu()
    out = parts["bn2"](parts["conv1"](activated)).relu()
    if "dropout" in parts:
        out = parts["dropout"](out)
    return _plus_shortcut(parts["conv2"](out), parts, "shortcut", x, activated)


def _squeeze_excite(tracer, module, x):
    parts = _parts(module)
    return x * parts["fc2"](parts["fc1"](x.mean((2, 3), keepdim=True)).relu()).sigmoid()


def _basic_conv2d(tracer, module, x):
    return module.bn(module.conv(x)).relu()


def _fire(tracer, module, x):
    parts = _parts(module)
    squeezed = parts["squeeze_activation"](parts["squeeze"](x))
    return _C.cat([parts["expand1x1_activation"](parts["expand1x1"](squeezed)),
                   parts["expand3x3_activation"](parts["expand3x3"](squeezed))], 1)


def _inception(tracer, module, x):
    parts = _parts(module)
    return _C.cat([parts[f"branch{index}"](x) for index in range(1, 5)], 1)


def _inception_aux(tracer, module, x):
    from .nn.functional import adaptive_avg_pool2d

    parts = _parts(module)
    out = parts["conv"](adaptive_avg_pool2d(x, (4, 4))).flatten(1)
    return parts["fc2"](parts["dropout"](parts["fc1"](out).relu()))


def _dense_layer(tracer, module, x):
    parts = _parts(module)
    out = parts["conv1"](parts["relu1"](parts["norm1"](x)))
    if "conv2" in parts:
        out = parts["conv2"](parts["relu2"](parts["norm2"](out)))
    return out


def _dense_block(tracer, module, x):
    features = [x]
    for layer in module.children():
        features.append(layer(_C.cat(features, 1)))
    return _C.cat(features, 1)


def _fractal_columns(tracer, module, x):
    # The columns meeting at the block's final join, shallowest first: the deep ones are the
    # columns of deep2 (a row of its own, its join not taken) run on deep1's joined output.
    parts = _parts(module)
    columns = [parts["shallow"](x)]
    if "deep1" in parts:
        middle = parts["deep1"](x)
        deep2 = parts["deep2"]
        columns += tracer.call(deep2, (middle,), {},
                               replay=lambda: _fractal_columns(tracer, deep2, middle))
    return columns


def _fractal_block(tracer, module, x):
    columns = _fractal_columns(tracer, module, x)
    return sum(columns[1:], columns[0]) / len(columns) if len(columns) > 1 else columns[0]


def _head(parts, x):
    return parts["fc"](parts["avgpool"](x).flatten(1))


def _stages(parts, x):
    for name in [name for name in parts if name.startswith("layer")]:
        x = parts[name](x)
    return x


def _resnet(tracer, module, x):
    # ResNet; CifarResNet has no maxpool.
    parts = _parts(module)
    x = parts["relu"](parts["bn1"](parts["conv1"](x)))
    if "maxpool" in parts:
        x = parts["maxpool"](x)
    return _head(parts, _stages(parts, x))


def _preact_resnet(tracer, module, x):
    # PreActResNet and WideResNet: the last unit's output still needs its BN + ReLU.
    parts = _parts(module)
    return _head(parts, parts["relu"](parts["bn1"](_stages(parts, parts["conv1"](x)))))


def _classic_net(tracer, module, x):
    from .nn.functional import adaptive_avg_pool2d

    parts = _parts(module)
    x = parts["features"](x)
    if module.global_pool:
        x = adaptive_avg_pool2d(x.relu(), (1, 1))
    if "avgpool" in parts:
        x = parts["avgpool"](x)
    if module.flatten_last:
        return parts["classifier"](x).flatten(1)
    return parts["classifier"](x.flatten(1))


def _fractal_net(tracer, module, x):
    parts = _parts(module)
    return parts["classifier"](parts["avgpool"](parts["features"](x)).flatten(1))


def _googlenet(tracer, module, x):
    parts = _parts(module)
    for name in ("conv1", "maxpool1", "conv2", "conv3", "maxpool2", "inception3a", "inception3b",
                 "maxpool3", "inception4a", "inception4b", "inception4c", "inception4d",
                 "inception4e", "maxpool4", "inception5a", "inception5b", "avgpool"):
        x = parts[name](x)
    return parts["fc"](parts["dropout"](x.flatten(1)))


STRUCTURES = {
    "Residual": _residual,
    "Concat": _concat,
    "Parallel": _parallel,
    "BasicBlock": _basic_block,
    "Bottleneck": _bottleneck,
    "PreActBlock": _preact_block,
    "WideBlock": _preact_block,
    "SqueezeExcite": _squeeze_excite,
    "BasicConv2d": _basic_conv2d,
    "Fire": _fire,
    "Inception": _inception,
    "InceptionAux": _inception_aux,
    "DenseLayer": _dense_layer,
    "DenseBlock": _dense_block,
    "FractalBlock": _fractal_block,
    "ResNet": _resnet,
    "CifarResNet": _resnet,
    "PreActResNet": _preact_resnet,
    "WideResNet": _preact_resnet,
    "ClassicNet": _classic_net,
    "FractalNet": _fractal_net,
    "GoogLeNet": _googlenet,
}
