"""ONNX emitters for the zoo models (striate.models), written out from the structure of their C++
forwards in cpp/src/models/: the ResNets, the ClassicNet family (AlexNet, VGG, SqueezeNet,
DenseNet) and GoogLeNet. Registered in _modules.EMITTERS like the layers' emitters."""

from ._modules import child, emit_adaptive_pool, emit_flatten, emit_relu, emitter, sub


def head(ex, m, x, path):
    """fc(flatten(avgpool(x)))"""
    pooled = sub(ex, m, "avgpool", x, path)
    flat = emit_flatten(ex, pooled, 1, -1, (path + "." if path else "") + "flatten",
                        ex.apply(lambda: pooled.tensor.flatten(1)))
    return sub(ex, m, "fc", flat, path)


@emitter("ResNet", "CifarResNet")
def _resnet(ex, m, x, path):
    out = x
    names = ["conv1", "bn1", "relu"] + (["maxpool"] if child(m, "maxpool") is not None else [])
    for name in names:
        out = sub(ex, m, name, out, path)
    for stage in ("layer1", "layer2", "layer3", "layer4"):
        if child(m, stage) is not None:
            out = sub(ex, m, stage, out, path)
    return head(ex, m, out, path)


@emitter("PreActResNet", "WideResNet")
def _preact_resnet(ex, m, x, path):
    out = sub(ex, m, "conv1", x, path)
    for stage in ("layer1", "layer2", "layer3", "layer4"):
        if child(m, stage) is not None:
            out = sub(ex, m, stage, out, path)
    out = sub(ex, m, "relu", sub(ex, m, "bn1", out, path), path)
    return head(ex, m, out, path)


@emitter("ClassicNet")
def _classic_net(ex, m, x, path):
    from ..nn import functional as F

    prefix = path + "." if path else ""
    out = sub(ex, m, "features", x, path)
    if m.global_pool:
        out = emit_relu(ex, out, prefix + "relu")
        pooled = ex.apply(lambda: F.adaptive_avg_pool2d(out.tensor, (1, 1)))
        out = emit_adaptive_pool(ex, out, (1, 1), "avg", prefix + "pool", pooled)
    if child(m, "avgpool") is not None:
        out = sub(ex, m, "avgpool", out, path)
    if m.flatten_last:
        out = sub(ex, m, "classifier", out, path)
        return emit_flatten(ex, out, 1, -1, prefix + "flatten",
                            ex.apply(lambda: out.tensor.flatten(1)))
    out = emit_flatten(ex, out, 1, -1, prefix + "flatten", ex.apply(lambda: out.tensor.flatten(1)))
    return sub(ex, m, "classifier", out, path)


@emitter("GoogLeNet")
def _googlenet(ex, m, x, path):
    out = x
    for name in ("conv1", "maxpool1", "conv2", "conv3", "maxpool2", "inception3a", "inception3b",
                 "maxpool3", "inception4a", "inception4b", "inception4c", "inception4d",
                 "inception4e", "maxpool4", "inception5a", "inception5b", "avgpool"):
        out = sub(ex, m, name, out, path)
    prefix = path + "." if path else ""
    out = emit_flatten(ex, out, 1, -1, prefix + "flatten", ex.apply(lambda: out.tensor.flatten(1)))
    return sub(ex, m, "fc", sub(ex, m, "dropout", out, path), path)
