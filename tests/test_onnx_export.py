"""striate.onnx.export: the zoo's models and a Python-subclassed one go out to ONNX; onnx.checker
passes and onnxruntime's outputs equal ours within 1e-4 (relative to the output's scale), at two
batch sizes (the batch dimension is dynamic). Unsupported modules and ops raise clear errors."""

import numpy as np
import onnx
import onnxruntime
import pytest
import striate as st
from striate import models, nn
from striate.nn import functional as F


def relative_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / max(np.max(np.abs(expected)), 1e-12))


def randomize_statistics(model, seed=0):
    """BatchNorm running statistics and affine parameters away from their 0 / 1 init, so that the
    exported BatchNormalization nodes are checked for real."""
    rng = np.random.default_rng(seed)
    with st.no_grad():
        for name, tensor in list(model.state_dict().items()):
            n = tensor.shape[0] if tensor.dim() else 0
            if name.endswith("running_mean"):
                tensor.copy_(st.tensor(rng.normal(0, 0.1, n).astype(np.float32)))
            elif name.endswith("running_var"):
                tensor.copy_(st.tensor(rng.uniform(0.5, 1.5, n).astype(np.float32)))
    return model




def check_export(model, sample_shape, tmp_path, batches=(2, 3), rtol=1e-4):
    model.eval()
    st.manual_seed(1)
    path = tmp_path / "model.onnx"
    proto = st.onnx.export(model, st.randn(batches[0], *sample_shape), path)
    onnx.checker.check_model(str(path))  # export checks too; this reads the file written
    assert proto.opset_import[0].version == 17
    batch_dim = proto.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch_dim.dim_param == "batch"
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for batch in batches:
        x = st.randn(batch, *sample_shape)
        with st.no_grad():
            ours = np.array(model(x))
        theirs = session.run(None, {"input": np.array(x)})[0]
        assert theirs.shape == ours.shape
        assert relative_error(theirs, ours) <= rtol, (batch, relative_error(theirs, ours))
    return proto


def op_types(proto):
    return {node.op_type for node in proto.graph.node}


def test_lenet5_modern_and_classic(tmp_path):
    check_export(models.lenet5(), (1, 28, 28), tmp_path)
    # The 1998 net: connection table, Subsampling (pool + per-channel scale + sigmoid), scaled tanh.
    proto = check_export(models.lenet5("classic"), (1, 32, 32), tmp_path)
    assert {"Conv", "AveragePool", "Sigmoid", "Tanh", "Gemm"} <= op_types(proto)


def test_resnet20(tmp_path):
    # Option-A shortcuts: strided Slice and channel Pad.
    proto = check_export(randomize_statistics(models.resnet20()), (3, 32, 32), tmp_path)
    assert {"Slice", "Pad", "Add", "BatchNormalization", "GlobalAveragePool"} <= op_types(proto)


def test_resnet18(tmp_path):
    check_export(randomize_statistics(models.resnet18(num_classes=10)), (3, 64, 64), tmp_path)


def test_densenet_bc_small(tmp_path):
    proto = check_export(randomize_statistics(models.densenet_bc(depth=10, growth_rate=6)),
                         (3, 16, 16), tmp_path)
    assert "Concat" in op_types(proto)


def test_googlenet_eval(tmp_path):
    model = randomize_statistics(models.googlenet(num_classes=10))
    proto = check_export(model, (3, 64, 64), tmp_path)
    model.train()
    st.onnx.export(model, st.randn(1, 3, 64, 64), tmp_path / "again.onnx")
    assert model.training and all(m.training for m in model.modules())
    assert "MaxPool" in op_types(proto)


def test_squeezenet1_1(tmp_path):
    check_export(models.squeezenet1_1(num_classes=10), (3, 64, 64), tmp_path)


def test_vgg11(tmp_path):
    # 32x32 input: the features end at 1x1 and the 7x7 adaptive pool replicates them (the
    # constant-matrix form of adaptive average pooling).
    proto = check_export(models.vgg11(num_classes=10), (3, 32, 32), tmp_path, batches=(1, 2))
    assert "MatMul" in op_types(proto)


@pytest.mark.parametrize("build,shape", [
    (lambda: models.preact_resnet18(num_classes=10), (3, 16, 16)),
    (lambda: models.wide_resnet(10, 2, 0.3, num_classes=10), (3, 16, 16)),
    # se_resnet50's and resnext50's blocks, small: squeeze-excite and grouped 3x3 convs.
    (lambda: nn.Sequential(nn.Conv2d(3, 64, 3, padding=1),
                           nn.Bottleneck(64, 16, stride=2, se_reduction=4),
                           nn.Bottleneck(64, 16, groups=4, base_width=32)), (3, 8, 8)),
    (lambda: models.nin(num_classes=10), (3, 16, 16)),
], ids=["preact_resnet18", "wide_resnet", "se_and_resnext_blocks", "nin"])
def test_more_zoo_models(tmp_path, build, shape):
    check_export(randomize_statistics(build()), shape, tmp_path)


class Mixed(nn.Module):
    """A Python-subclassed model: layers, merge blocks and Python-level ops between them."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.grouped = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=4)
        self.block = nn.BasicBlock(16, 16)
        self.lrn = nn.LocalResponseNorm(3, alpha=1e-3, beta=0.7, k=2.0)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(16 * 3 * 3, 10)
        self.scale = nn.Parameter(st.ones(10) * 0.5)

    def forward(self, x):
        x = F.relu(self.bn(self.stem(x)))
        x = st.cat([x, F.leaky_relu(self.grouped(x), 0.1)], 1)
        x = self.block(x) + x * 0.5
        x = self.pool(self.lrn(x))
        x = F.avg_pool2d(x, 2, stride=2, padding=1, count_include_pad=False)
        x = F.adaptive_avg_pool2d(x, 3)
        x = self.drop(x.view(x.shape[0], -1))
        x = F.dropout(x, 0.2, training=self.training)
        return F.log_softmax(self.fc(x) * self.scale, dim=1)


def test_python_subclassed_model(tmp_path):
    proto = check_export(randomize_statistics(Mixed()), (3, 16, 16), tmp_path)
    assert {"LRN", "LeakyRelu", "Concat", "AveragePool", "Reshape", "LogSoftmax",
            "Mul"} <= op_types(proto)


class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        return F.relu(self.conv(x)) + x


class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 4, 1), Inner(), nn.MaxPool2d(2), Inner())
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.body(x).mean((2, 3)))


def test_python_modules_nested_in_builtin_containers(tmp_path):
    check_export(nn.Sequential(nn.Conv2d(3, 4, 1), Inner()), (3, 6, 6), tmp_path)
    proto = check_export(Outer(), (3, 6, 6), tmp_path)
    assert "ReduceMean" in op_types(proto)


def test_sequential_with_activations_and_softmax(tmp_path):
    model = nn.Sequential(
        nn.Conv2d(3, 6, 3, stride=2, padding=(1, 0)), nn.ELU(), nn.Conv2d(6, 6, 3, padding="same"),
        nn.SiLU(), nn.AdaptiveMaxPool2d((4, 3)), nn.AdaptiveMaxPool2d((2, 2)), nn.Flatten(),
        nn.Linear(24, 12), nn.GELU(),
        nn.Linear(12, 8), nn.Hardtanh(-0.5, 0.5), nn.Linear(8, 5), nn.Tanh(), nn.Softmax(dim=1))
    check_export(model, (3, 12, 14), tmp_path)


def test_unsupported_module_is_named(tmp_path):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.FractionalMaxPool2d(2, output_size=3))
    with pytest.raises(st.onnx.OnnxUnsupportedError, match="FractionalMaxPool2d at '1' has no "
                                                          "ONNX equivalent"):
        st.onnx.export(model, st.randn(1, 3, 8, 8), tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


class Unrecorded(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x.exp())


def test_unrecorded_op_is_reported(tmp_path):
    with pytest.raises(st.onnx.OnnxExportError, match="not record"):
        st.onnx.export(Unrecorded(), st.randn(2, 4), tmp_path / "x.onnx")


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="expected an nn.Module"):
        st.onnx.export("model", st.randn(1, 3), tmp_path / "x.onnx")
    with pytest.raises(TypeError, match="example_input"):
        st.onnx.export(nn.Linear(3, 2), [1.0, 2.0, 3.0], tmp_path / "x.onnx")
    with pytest.raises(ValueError, match="opset"):
        st.onnx.export(nn.Linear(3, 2), st.randn(1, 3), tmp_path / "x.onnx", opset=7)


@pytest.mark.parametrize("opset", [13, 18, 21])
def test_other_opsets(tmp_path, opset):
    # ReduceMean takes its axes as an input from opset 18 on (squeeze-excite uses it).
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.SqueezeExcite(8, 2), nn.Flatten(),
                          nn.Linear(8 * 4 * 4, 3)).eval()
    x = st.randn(2, 3, 6, 6)
    proto = st.onnx.export(model, x, tmp_path / "m.onnx", opset=opset)
    assert proto.opset_import[0].version == opset
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"),
                                           providers=["CPUExecutionProvider"])
    with st.no_grad():
        expected = np.array(model(x))
    assert relative_error(session.run(None, {"input": np.array(x)})[0], expected) <= 1e-4


def test_static_batch(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    proto = st.onnx.export(model, st.randn(4, 3), tmp_path / "s.onnx", dynamic_batch=False)
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_value == 4


def test_graph_output_is_written_by_the_last_node(tmp_path):
    # The last op writes the graph output itself: no trailing Identity node, and a value the
    # output also feeds (the residual sum reads the Linear's output) is renamed everywhere.
    model = nn.Sequential(nn.Linear(4, 4), nn.Residual(nn.ReLU()))
    proto = check_export(model, (4,), tmp_path)
    assert [node.op_type for node in proto.graph.node] == ["Gemm", "Relu", "Add"]
    assert list(proto.graph.node[-1].output) == ["output"]
    proto = check_export(nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU()), (2, 5, 5), tmp_path)
    assert "Identity" not in op_types(proto)
    # A model that returns its input unchanged still gets its one Identity node, and custom
    # input and output names are honoured.
    path = tmp_path / "identity.onnx"
    proto = st.onnx.export(nn.Identity(), st.randn(2, 3), path, input_names=["x"],
                           output_names=["y"])
    assert [(node.op_type, list(node.input), list(node.output)) for node in proto.graph.node] == [
        ("Identity", ["x"], ["y"])]
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(session.run(None, {"x": x})[0], x)
