"""Every model of the zoo (striate.models) goes out to ONNX and back: export, onnx.checker,
onnxruntime's outputs equal ours within 1e-4 (relative to the output's scale), and
striate.onnx.load of the exported file computes the same outputs again. The table must name every
model constructor of the zoo, so a new model cannot go unexported silently. Inputs are the
smallest images each net takes, so that the walk stays quick; nets run at batch 1 (the dynamic
batch dimension is tested at two sizes in test_onnx_export.py). The 400 MB classifiers of VGG and
AlexNet (Linear 25088 -> 4096 -> 4096) are narrowed to 64 features, same layers and same graph,
since serializing them takes minutes; vgg11's full export is in test_onnx_export.py."""

import numpy as np
import onnx
import onnxruntime
import pytest
import striate as st
from striate import models

# name -> (constructor arguments, input shape without the batch)
ZOO = {
    "alexnet": ({"num_classes": 10}, (3, 63, 63)),
    "convnetjs_cifar10": ({}, (3, 32, 32)),
    "convnetjs_mnist": ({}, (1, 24, 24)),
    "densenet121": ({"num_classes": 10}, (3, 32, 32)),
    "densenet161": ({"num_classes": 10}, (3, 32, 32)),
    "densenet169": ({"num_classes": 10}, (3, 32, 32)),
    "densenet201": ({"num_classes": 10}, (3, 32, 32)),
    "densenet_bc": ({"depth": 40, "growth_rate": 12}, (3, 32, 32)),
    "fractalnet": ({"num_columns": 3, "num_blocks": 3}, (3, 32, 32)),
    "googlenet": ({"num_classes": 10}, (3, 64, 64)),
    "lenet5": ({}, (1, 28, 28)),
    "nin": ({}, (3, 32, 32)),
    "preact_resnet18": ({}, (3, 16, 16)),
    "resnet101": ({"num_classes": 10}, (3, 16, 16)),
    "resnet110": ({}, (3, 16, 16)),
    "resnet152": ({"num_classes": 10}, (3, 16, 16)),
    "resnet18": ({"num_classes": 10}, (3, 16, 16)),
    "resnet20": ({}, (3, 16, 16)),
    "resnet32": ({}, (3, 16, 16)),
    "resnet34": ({"num_classes": 10}, (3, 16, 16)),
    "resnet44": ({}, (3, 16, 16)),
    "resnet50": ({"num_classes": 10}, (3, 16, 16)),
    "resnet56": ({}, (3, 16, 16)),
    "resnext50_32x4d": ({"num_classes": 10}, (3, 16, 16)),
    "se_resnet50": ({"num_classes": 10}, (3, 16, 16)),
    "squeezenet1_0": ({"num_classes": 10}, (3, 64, 64)),
    "squeezenet1_1": ({"num_classes": 10}, (3, 64, 64)),
    "vgg11": ({"num_classes": 10}, (3, 32, 32)),
    "vgg11_lrn": ({"num_classes": 10}, (3, 32, 32)),
    "vgg13": ({"num_classes": 10, "batch_norm": True}, (3, 32, 32)),
    "vgg16": ({"num_classes": 10}, (3, 32, 32)),
    "vgg19": ({"num_classes": 10, "batch_norm": True}, (3, 32, 32)),
    "wide_resnet": ({"depth": 16, "k": 2, "num_classes": 10}, (3, 16, 16)),
    "wide_resnet28_10": ({}, (3, 16, 16)),
}
NARROWED = {"alexnet", "vgg11", "vgg11_lrn", "vgg13", "vgg16", "vgg19"}
# The zoo's entries that are not model constructors.
NOT_MODELS = {"from_torchvision", "torchvision", "torchvision_state_dict", "googlenet_loss",
              "functools", "list_models"}


def relative_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / max(np.max(np.abs(expected)), 1e-12))


def _narrow_classifier(model, width=64):
    """The classifier's Linear layers with `width` hidden features (first input, last output
    kept); the other layers as they are."""
    from striate import nn

    layers = list(model.classifier.children())
    linears = [i for i, layer in enumerate(layers) if isinstance(layer, nn.Linear)]
    narrowed = []
    for i, layer in enumerate(layers):
        if isinstance(layer, nn.Linear):
            narrowed.append(nn.Linear(layer.in_features if i == linears[0] else width,
                                      layer.out_features if i == linears[-1] else width))
        else:
            narrowed.append(layer)
    model.classifier = nn.Sequential(*narrowed)


def test_the_table_names_every_model_of_the_zoo():
    assert set(models.list_models()) - NOT_MODELS == set(ZOO)


@pytest.mark.parametrize("name", sorted(ZOO))
def test_zoo_model_exports_runs_in_onnxruntime_and_imports_back(tmp_path, name):
    kwargs, shape = ZOO[name]
    st.manual_seed(0)
    model = getattr(models, name)(**kwargs)
    if name in NARROWED:
        _narrow_classifier(model)
    rng = np.random.default_rng(0)
    with st.no_grad():  # BatchNorm statistics away from 0 / 1, so that they are checked for real
        for key, tensor in model.state_dict().items():
            if key.endswith("running_mean"):
                tensor.copy_(st.tensor(rng.normal(0, 0.1, tensor.shape).astype(np.float32)))
            elif key.endswith("running_var"):
                tensor.copy_(st.tensor(rng.uniform(0.5, 1.5, tensor.shape).astype(np.float32)))
    model.eval()
    x = st.randn(1, *shape)
    with st.no_grad():
        ours = np.array(model(x))
    path = tmp_path / f"{name}.onnx"
    st.onnx.export(model, x, path)
    onnx.checker.check_model(str(path))
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    theirs = session.run(None, {"input": np.array(x)})[0]
    assert theirs.shape == ours.shape
    assert relative_error(theirs, ours) <= 1e-4, relative_error(theirs, ours)
    loaded = st.onnx.load(path)
    with st.no_grad():
        again = np.array(loaded(x))
    assert relative_error(again, ours) <= 1e-4, relative_error(again, ours)
