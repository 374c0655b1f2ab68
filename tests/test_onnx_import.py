"""striate.onnx.load: our exported files round-trip, and the files torch.onnx.export writes for the
same networks load and run with outputs equal to torch's within 1e-4 (relative to the output's
scale). The loaded Module's weights are parameters (trainable). Unsupported ops and malformed
files raise clear errors."""

import numpy as np
import onnx
import pytest
import striate as st
import test_onnx_export
import torch
import torch_twins
from onnx import TensorProto, helper
from striate import models, nn


def relative_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / max(np.max(np.abs(expected)), 1e-12))


def run(model, x):
    with st.no_grad():
        return np.array(model(st.from_numpy(np.ascontiguousarray(x))))


@pytest.mark.parametrize("build,shape", [
    (lambda: models.lenet5("classic"), (1, 32, 32)),
    (lambda: models.resnet20(), (3, 32, 32)),
    (lambda: models.squeezenet1_1(num_classes=10), (3, 64, 64)),
    (lambda: models.densenet_bc(depth=10, growth_rate=6), (3, 16, 16)),
    (lambda: models.googlenet(num_classes=10), (3, 64, 64)),
    (lambda: test_onnx_export.Mixed(), (3, 16, 16)),
], ids=["lenet5_classic", "resnet20", "squeezenet1_1", "densenet_bc", "googlenet", "python_model"])
def test_round_trip_of_our_exports(tmp_path, build, shape):
    model = build().eval()
    path = tmp_path / "model.onnx"
    st.onnx.export(model, st.randn(2, *shape), path)
    loaded = st.onnx.load(path)
    assert isinstance(loaded, nn.Module) and not loaded.training
    for batch in (2, 3):
        x = np.random.default_rng(batch).standard_normal((batch, *shape)).astype(np.float32)
        assert relative_error(run(loaded, x), run(model, x)) <= 1e-4


def torch_export(model, shape, path):
    x = torch.randn(2, *shape)
    torch.onnx.export(model, (x,), str(path), input_names=["input"], output_names=["output"],
                      opset_version=17, dynamo=False,
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


SMALL_DENSENET = "densenet (2 blocks of 2 layers)"


# alexnet is left out: torch's exporter refuses its 6x6 adaptive pooling unless the input is 224.
@pytest.mark.parametrize("name,size", [("resnet18", 32), ("squeezenet1_1", 32),
                                       ("googlenet", 32), (SMALL_DENSENET, 16)])
def test_files_torch_onnx_export_writes(tmp_path, name, size):
    if name == SMALL_DENSENET:  # densenet121's layout at a size torch exports in a moment
        twin = torch_twins.DenseNet(8, (2, 2), 16, num_classes=10)
        name = "densenet"
    else:
        twin = torch_twins.BUILDERS[name](num_classes=10)
    twin = torch_twins.randomize(twin)
    path = tmp_path / f"{name}.onnx"
    torch_export(twin, (3, size, size), path)
    loaded = st.onnx.load(path)
    for batch in (2, 3):
        x = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(batch))
        with torch.no_grad():
            expected = twin(x).numpy()
        assert relative_error(run(loaded, x.numpy()), expected) <= 1e-4


def test_torch_export_of_a_vgg_style_net(tmp_path):
    # vgg11 at 224 would be slow; a small VGG-style net with the same ops is enough here. (torch
    # writes LocalResponseNorm as a pad / pool / pow composition, so LRN is left out.)
    twin = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
        torch.nn.AvgPool2d(2, ceil_mode=True),
        torch.nn.Flatten(), torch.nn.Dropout(), torch.nn.Linear(128, 5), torch.nn.Softmax(dim=1))
    twin = torch_twins.randomize(twin)
    path = tmp_path / "vggish.onnx"
    torch_export(twin, (3, 16, 16), path)
    loaded = st.onnx.load(path)
    x = torch.randn(3, 3, 16, 16)
    with torch.no_grad():
        expected = twin(x).numpy()
    assert relative_error(run(loaded, x.numpy()), expected) <= 1e-4


def test_round_trip_of_activations_and_uneven_adaptive_pooling(tmp_path):
    model = nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=(1, 0)), nn.GELU(), nn.AdaptiveMaxPool2d((4, 3)), nn.ELU(),
        nn.AdaptiveAvgPool2d((3, 2)), nn.Flatten(), nn.Linear(36, 8), nn.SiLU(), nn.Hardtanh(),
        nn.Linear(8, 4), nn.LogSoftmax(dim=1)).eval()
    path = tmp_path / "acts.onnx"
    st.onnx.export(model, st.randn(2, 3, 7, 8), path)
    loaded = st.onnx.load(path)
    x = np.random.default_rng(0).standard_normal((3, 3, 7, 8)).astype(np.float32)
    assert relative_error(run(loaded, x), run(model, x)) <= 1e-4


def test_loaded_model_fine_tunes(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                          nn.Linear(4 * 6 * 6, 3)).eval()
    path = tmp_path / "small.onnx"
    st.onnx.export(model, st.randn(2, 1, 8, 8), path)
    loaded = st.onnx.load(path)
    params = list(loaded.parameters())
    assert len(params) == 6 and all(p.requires_grad for p in params)  # conv, bn affine, linear
    assert len(list(loaded.buffers())) == 2  # the BatchNorm statistics
    optimizer = st.optim.SGD(loaded.parameters(), lr=0.1)
    x, target = st.randn(4, 1, 8, 8), st.tensor([0, 1, 2, 0])
    before = float(nn.functional.cross_entropy(loaded(x), target))
    for _ in range(5):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(loaded(x), target)
        loss.backward()
        optimizer.step()
    assert float(nn.functional.cross_entropy(loaded(x), target)) < before


def write_graph(path, op_type, node_name="weird_node"):
    node = helper.make_node(op_type, ["input"], ["output"], name=node_name)
    graph = helper.make_graph([node], "g",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_unsupported_op_is_named(tmp_path):
    path = tmp_path / "hardmax.onnx"
    write_graph(path, "Hardmax")
    with pytest.raises(st.onnx.OnnxImportError,
                       match="unsupported op Hardmax in node 'weird_node'"):
        st.onnx.load(path)


@pytest.mark.parametrize("content", [b"", b"not an onnx file at all",
                                     b"\x08\x07\x12" + b"\xff" * 40])
def test_malformed_file_is_named(tmp_path, content):
    path = tmp_path / "bad.onnx"
    path.write_bytes(content)
    with pytest.raises(st.onnx.OnnxImportError, match="bad.onnx"):
        st.onnx.load(path)


def test_truncated_export_is_named(tmp_path):
    path = tmp_path / "model.onnx"
    st.onnx.export(nn.Sequential(nn.Linear(8, 4), nn.ReLU()), st.randn(1, 8), path)
    data = path.read_bytes()
    for cut in (1, len(data) // 3, len(data) // 2, len(data) - 1):
        (tmp_path / "cut.onnx").write_bytes(data[:cut])
        with pytest.raises(st.onnx.OnnxImportError, match="cut.onnx"):
            st.onnx.load(tmp_path / "cut.onnx")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(st.onnx.OnnxImportError, match="no such file"):
        st.onnx.load(tmp_path / "missing.onnx")
    with pytest.raises(st.onnx.OnnxImportError, match="not a regular file"):
        st.onnx.load(tmp_path)
