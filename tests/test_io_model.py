"""Model files (.striate: architecture JSON + weights) and checkpoints on safetensors: round trips
of zoo models and hand-built trees without any Python class, the architecture JSON, Python
subclasses refused by name, bad files (every truncation, unknown modules, bad arguments, a
directory, a missing file, a FIFO), files of the old pickle format refused with the conversion
command, no unpickling anywhere, C++'s checkpoint reader continuing a Python run, and saves killed
at random moments."""

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import striate as st
from striate import _C, models, nn, optim


def _outputs(model, x):
    model.eval()
    with st.no_grad():
        return model(x).numpy()


@pytest.mark.parametrize("build, shape", [
    (lambda: models.lenet5(), (2, 1, 28, 28)),
    (lambda: models.lenet5("classic"), (2, 1, 32, 32)),
    (lambda: models.resnet20(), (2, 3, 32, 32)),
    (lambda: models.densenet_bc(16, 4), (2, 3, 32, 32)),
    (lambda: models.squeezenet1_1(num_classes=10), (1, 3, 64, 64)),
    (lambda: models.googlenet(num_classes=10), (1, 3, 64, 64)),
    (lambda: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False),
                           nn.BatchNorm2d(8, eps=1e-3), nn.GELU(approximate="tanh"),
                           nn.Residual(nn.Sequential(nn.Conv2d(8, 8, 1), nn.ELU(0.5))),
                           nn.Concat(nn.Identity(), nn.MaxPool2d(3, stride=1, padding=1)),
                           nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Dropout(0.25),
                           nn.Linear(64, 5)), (2, 3, 16, 16)),
], ids=["lenet5", "lenet5-classic", "resnet20", "densenet_bc", "squeezenet1_1", "googlenet",
        "hand-built"])
def test_model_file_round_trip_rebuilds_without_python_classes(tmp_path, build, shape):
    st.manual_seed(0)
    model = build()
    x = st.randn(*shape)
    path = tmp_path / "model.striate"
    st.save(model, path)
    loaded = st.load(path)
    assert isinstance(loaded, nn.Module) and type(loaded).__name__ == type(model).__name__
    assert _C._io.module_config(loaded) == _C._io.module_config(model)
    assert list(loaded.state_dict()) == list(model.state_dict())
    np.testing.assert_array_equal(_outputs(loaded, x), _outputs(model, x))
    metadata = st.io.load_metadata(path)
    assert metadata["format"] == "striate.model" and metadata["format_version"] == "1"
    assert metadata["striate_version"] == st.__version__
    assert json.loads(metadata["architecture"]) == json.loads(_C._io.module_config(model))


def test_model_file_is_a_safetensors_file_other_tools_read(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    model = models.lenet5()
    st.save(model, tmp_path / "m.striate")
    arrays = safetensors_numpy.load_file(str(tmp_path / "m.striate"))
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(arrays[name], value.numpy())


def test_architecture_json_names_types_and_arguments():
    config = json.loads(_C._io.module_config(nn.Sequential(nn.Conv2d(1, 6, 5, padding=2),
                                                           nn.ReLU(), nn.Linear(4, 2))))
    assert config["type"] == "Sequential"
    (name0, conv), (_, relu), (_, linear) = config["children"]
    assert name0 == "0" and conv["type"] == "Conv2d"
    assert conv["args"]["in_channels"] == 1 and conv["args"]["kernel_size"] == [5, 5]
    assert conv["args"]["padding"] == [2, 2]
    assert relu == {"type": "ReLU", "args": {"inplace": False}}
    assert linear["args"] == {"in_features": 4, "out_features": 2, "bias": True}
    assert json.loads(_C._io.module_config(models.resnet18()))["args"]["layers"] == [2, 2, 2, 2]
    rebuilt = _C._io.module_from_config(_C._io.module_config(models.resnet20()))
    assert sum(p.numel() for p in rebuilt.parameters()) == models.resnet20().num_parameters()


def test_python_subclass_saves_weights_and_refuses_architecture_by_name(tmp_path):
    class TinyNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x)

    with pytest.raises(TypeError, match=r"the model is a .*TinyNet \(a Python-defined Module "
                                        r"subclass.*striate\.io\.save_state_dict"):
        st.save(TinyNet(), tmp_path / "tiny.striate")
    with pytest.raises(TypeError, match=r"submodule '1' is a .*TinyNet.*save_state_dict"):
        st.save(nn.Sequential(nn.ReLU(), TinyNet()), tmp_path / "tiny.striate")
    assert not (tmp_path / "tiny.striate").exists()
    # Its weights save and load as a state dict.
    net = TinyNet()
    st.io.save_state_dict(net, tmp_path / "tiny.safetensors")
    other = TinyNet()
    other.load_state_dict(st.io.load_state_dict(tmp_path / "tiny.safetensors"))
    np.testing.assert_array_equal(other.fc.weight.detach().numpy(), net.fc.weight.detach().numpy())


def test_truncated_model_files_raise_naming_the_file(tmp_path):
    path = tmp_path / "small.striate"
    st.save(nn.Sequential(nn.Linear(2, 3)), path)
    data = path.read_bytes()
    cut = tmp_path / "cut.striate"
    for size in range(len(data)):
        cut.write_bytes(data[:size])
        with pytest.raises(OSError, match=str(cut)):
            st.load(cut)


def _forged(path, architecture, tensors=None):
    st.io.save_file(tensors or {}, path, metadata={"format": "striate.model",
                                                   "format_version": "1",
                                                   "architecture": architecture})


@pytest.mark.parametrize("architecture, message", [
    ('{"type": "Transformer", "args": {}}', "unknown module type 'Transformer'"),
    ('{"type": "Linear", "args": {"in_features": 2}}', "missing argument 'out_features'"),
    ('{"type": "Linear", "args": {"in_features": 2, "out_features": 2.5}}',
     "argument 'out_features': expected an integer, got a number"),
    ('{"type": "Linear", "args": {"in_features": 2, "out_features": 3, "x": 1}}',
     "unknown argument 'x'"),
    ('{"type": "Conv2d", "args": {"in_channels": 1, "out_channels": 2, "kernel_size": [3]}}',
     "argument 'kernel_size': expected 2 integers, got 1"),
    ('{"type": "Linear", "args": {"in_features": -1, "out_features": 3}}',
     "the arguments were refused"),
    ('{"type": "Sequential", "args": {}, "children": [["0", {"type": "Nope"}]]}',
     r"children\[0\]: unknown module type 'Nope'"),
    ('{"type": "Linear", "args": {"in_features": 2, "out_features": 3}}',
     "the weights do not match the architecture"),
    ('[1, 2', "invalid JSON"),
    ('{"type": "CifarResNet", "args": {"depth": 1000000000, "num_classes": 10, '
     '"in_channels": 3}}', "argument 'depth' must be in"),
])
def test_bad_architectures_raise_naming_the_file_and_problem(tmp_path, architecture, message):
    path = tmp_path / "forged.striate"
    _forged(path, architecture)
    with pytest.raises(OSError, match=f"{path}.*{message}"):
        st.load(path)


def _config(module, **changes):
    config = json.loads(_C._io.module_config(module))
    config["args"].update(changes)
    return json.dumps(config)


@pytest.mark.parametrize("architecture, message", [
    # Absurd sizes in a small file: refused by the allocation budget before the OS is asked.
    (json.dumps({"type": "Sequential", "args": {}, "children": [
        ["features", {"type": "Sequential", "args": {}, "children": [
            ["0", json.loads(_config(nn.ReLU()))],
            ["1", json.loads(_config(nn.Linear(2, 3), in_features=10**6,
                                     out_features=10**6))]]}]]}),
     r"children\[0\].children\[1\] \(Linear\), module 'features.1': a tensor of 4000000000000 "
     r"bytes does not fit in the \d+ bytes left of a budget of \d+ bytes \(twice the 0 bytes of "
     r"the file's tensors \+ 64 MiB; the architecture asks for more memory than its weights fill"),
    (_config(nn.Conv2d(3, 4, 3), out_channels=10**5, in_channels=10**5),
     r"\(Conv2d\), module '<root>': a tensor of 360000000000 bytes does not fit"),
    ('{"type": "CifarResNet", "args": {"depth": 20, "num_classes": 10000000, "in_channels": 3}}',
     r"\(CifarResNet\), module '<root>': a tensor of 2560000000 bytes does not fit"),
    (_config(nn.RNN(4, 8), hidden_size=10**6), r"\(RNN\), module '<root>': a tensor of"),
    # Sizes whose element count overflows int64, and numbers past int64 or not integers.
    (_config(nn.Linear(2, 3), in_features=2**62, out_features=2**62),
     "the arguments were refused: empty: size too large"),
    (_config(nn.Linear(2, 3), in_features=10**20), "argument 'in_features': expected an integer"),
    (_config(nn.Linear(2, 3), in_features=1e300), "argument 'in_features': expected an integer"),
    # Negative and zero sizes, zero strides, bad probabilities.
    (_config(nn.Conv2d(3, 4, 3), kernel_size=[0, 3]), "the arguments were refused"),
    (_config(nn.Conv2d(3, 4, 3), stride=[0, 1]), "the arguments were refused"),
    (_config(nn.Conv2d(3, 4, 3), groups=0), "the arguments were refused"),
    (_config(nn.Conv2d(3, 4, 3), groups=2), "the arguments were refused"),
    (_config(nn.MaxPool2d(2), kernel_size=[0, 2]), "the arguments were refused"),
    (_config(nn.BatchNorm2d(4), num_features=0), "expected num_features > 0, got 0"),
    (_config(nn.BatchNorm2d(4), num_features=-1), "expected num_features > 0, got -1"),
    (_config(nn.RNN(4, 8), hidden_size=-3), "expected hidden_size > 0, got -3"),
    (_config(nn.Dropout(0.5), p=2.0), "expected the probability p to be between 0 and 1"),
    ('{"type": "CifarResNet", "args": {"depth": -2, "num_classes": 10, "in_channels": 3}}',
     r"argument 'depth' must be in \[8, 6146\], got -2"),
    # Malformed trees.
    ('"Linear"', "expected an object"),
    ('{"type": "Sequential", "args": {}}', 'expected an array field "children"'),
    ('{"type": 3}', 'expected a string field "type"'),
])
def test_absurd_and_bad_sizes_raise_before_allocating(tmp_path, architecture, message):
    path = tmp_path / "forged.striate"
    _forged(path, architecture)
    st.backends.cpu.reset_peak_memory_stats()
    with pytest.raises(OSError, match=f"load_model: '{path}'.*{message}"):
        st.load(path)
    # Nothing near the absurd size was ever allocated.
    assert st.backends.cpu.memory_stats()["peak_allocated_bytes"] < 2**27


def test_the_budget_follows_the_files_weights(tmp_path):
    """The budget is twice the file's tensor bytes + 64 MiB: a model whose weights are in the file
    loads whatever its size, and an architecture larger than its weights is refused even when the
    file holds other real tensors."""
    big = nn.Linear(4500, 4000)  # 72 MB of weights: past the margin alone, and loads
    path = tmp_path / "big.striate"
    st.save(big, path)
    assert st.load(path).weight.shape == (4000, 4500)
    small = {"weight": st.zeros(3, 2), "bias": st.zeros(3)}
    _forged(path, _config(nn.Linear(2, 3), in_features=10**5, out_features=10**5), small)
    with pytest.raises(OSError, match="twice the 36 bytes of the file's tensors"):
        st.load(path)


def test_directories_missing_files_and_fifos(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.striate"):
        st.load(tmp_path / "missing.striate")
    with pytest.raises(OSError, match="is not a regular file"):
        st.load(tmp_path)
    fifo = tmp_path / "pipe.striate"
    os.mkfifo(fifo)
    child = subprocess.run([sys.executable, "-c", "import sys, striate as st\n"
                            "try:\n    st.load(sys.argv[1])\n"
                            "except OSError as e:\n    print(e)\n", str(fifo)],
                           capture_output=True, text=True, timeout=120)
    assert "is not a regular file" in child.stdout, child.stdout + child.stderr


def test_old_pickle_files_are_refused_with_the_conversion_command(tmp_path):
    old = tmp_path / "old.pt"
    state = {"model": nn.Linear(3, 2).state_dict(), "epoch": 4, "tags": {"a", "b"}}
    with open(old, "wb") as f:
        f.write(b"STRIATE1")
        pickle.dump(state, f, protocol=4)  # Tensor pickles through serialization._reduce_tensor
    with pytest.raises(ValueError, match=r"old pickle-based format.*striate convert .*old.pt NEW"):
        st.load(old)
    from striate.cli import main

    assert main(["convert", str(old), str(tmp_path / "new.pt")]) == 0
    converted = st.load(tmp_path / "new.pt")
    assert converted["epoch"] == 4 and converted["tags"] == ["a", "b"]
    np.testing.assert_array_equal(converted["model"]["weight"].numpy(),
                                  state["model"]["weight"].numpy())

    class Payload:
        def __reduce__(self):
            return (print, ("owned",))

    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as f:
        f.write(b"STRIATE1")
        pickle.dump(Payload(), f)
    assert main(["convert", str(evil), str(tmp_path / "evil2.pt")]) == 2
    assert not (tmp_path / "evil2.pt").exists()


def test_nothing_unpickles_on_load(tmp_path, monkeypatch):
    from striate.train import Trainer

    model = models.lenet5()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    trainer = Trainer(model, opt, nn.CrossEntropyLoss(), progress="none")
    x, y = st.randn(8, 1, 28, 28), st.randint(0, 10, (8,))
    trainer.fit([(x, y)], epochs=1)
    trainer.save_checkpoint(tmp_path / "ckpt.pt")
    st.save(model, tmp_path / "m.striate")

    def refuse(*args, **kwargs):
        raise AssertionError("something unpickled")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    st.load(tmp_path / "m.striate")
    fresh = models.lenet5()
    Trainer(fresh, optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9), nn.CrossEntropyLoss(),
            progress="none").load_checkpoint(tmp_path / "ckpt.pt")


def test_checkpoint_tree_holds_non_tensor_state_as_json(tmp_path):
    state = {"epoch": 3, "best": float("inf"), "nan": float("nan"), "betas": (0.9, 0.999),
             "by_index": {0: st.ones(2), 1: None}, "array": np.arange(5, dtype=np.uint32),
             "raw": b"\x00\x01", "np_scalar": np.float32(1.5)}
    path = tmp_path / "c.ckpt"
    st.save(state, path)
    tree = json.loads(st.io.load_metadata(path)["tree"])
    assert tree["epoch"] == 3 and tree["best"] == {"__float__": "inf"}
    loaded = st.load(path)
    assert loaded["best"] == float("inf") and np.isnan(loaded["nan"])
    assert loaded["betas"] == (0.9, 0.999) and loaded["by_index"][1] is None
    np.testing.assert_array_equal(loaded["by_index"][0].numpy(), [1, 1])
    assert loaded["array"].dtype == np.uint32 and list(loaded["array"]) == [0, 1, 2, 3, 4]
    assert loaded["raw"] == b"\x00\x01" and loaded["np_scalar"] == 1.5
    st.save({"__tensor__": "not a tag", 3: "int key"}, path)  # keys that look like tags
    assert st.load(path) == {"__tensor__": "not a tag", 3: "int key"}
    with pytest.raises(TypeError, match="cannot save thing of type object"):
        st.save({"thing": object()}, tmp_path / "bad.ckpt")
    assert not (tmp_path / "bad.ckpt").exists()


def test_damaged_checkpoint_trees_raise_value_errors(tmp_path):
    path = tmp_path / "c.ckpt"
    for tree, message in [('{"w": {"__tensor__": "nope"}}', "refers to tensor 'nope'"),
                          ('{"x": {"__float__": "huge"}}', "unknown special float"),
                          ('{"x": {"__what__": 1}}', "unknown tag '__what__'"),
                          ('{"x": {"__dict__": [1]}}', r"\[key, value\] pairs"),
                          ('{"x": ', "not valid JSON")]:
        st.io.save_file({}, path, metadata={"format": "striate.checkpoint",
                                            "format_version": "1", "tree": tree})
        with pytest.raises(ValueError, match=message):
            st.load(path)
    st.io.save_file({}, path, metadata={"format": "striate.checkpoint", "format_version": "9"})
    with pytest.raises(ValueError, match="format_version '9'"):
        st.load(path)


def test_cpp_load_checkpoint_continues_a_python_run(tmp_path):
    from striate.train import Trainer

    st.manual_seed(0)
    batches = [(st.randn(8, 1, 28, 28), st.randint(0, 10, (8,))) for _ in range(3)]

    def make():
        model = models.lenet5()
        return model, optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True,
                                weight_decay=1e-3)

    model, opt = make()
    trainer = Trainer(model, opt, nn.CrossEntropyLoss(), progress="none")
    trainer.fit(batches, epochs=1)
    trainer.save_checkpoint(tmp_path / "run.pt")

    resumed, resumed_opt = make()
    resumed_opt.param_groups[0]["lr"] = 0.5  # overwritten by the checkpoint
    epoch, step = _C._io.load_checkpoint(str(tmp_path / "run.pt"), resumed, resumed_opt._impl)
    assert (epoch, step) == (1, 3)
    assert resumed_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    loss = nn.CrossEntropyLoss()
    for m, o in ((model, opt), (resumed, resumed_opt)):
        m.train()
        o.zero_grad()
        loss(m(batches[0][0]), batches[0][1]).backward()
        o.step()
    for (name, a), b in zip(model.state_dict().items(), resumed.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


_KILL_CHILD = textwrap.dedent("""
    import sys, striate as st
    path = sys.argv[1]
    i = 0
    while True:
        i += 1
        st.save({"i": i, "w": st.full((64, 64), float(i))}, path)
""")


def test_saves_killed_at_random_moments_lose_nothing_and_leave_no_temp_files(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "ckpt.pt"
    st.save({"i": 0, "w": st.full((64, 64), 0.0)}, path)
    for run in range(20):
        child = subprocess.Popen([sys.executable, "-c", _KILL_CHILD, str(path)])
        try:
            # Until the child has written at least once (import time varies), then a random delay.
            before = os.stat(path).st_mtime_ns
            deadline = 200
            while os.stat(path).st_mtime_ns == before and deadline > 0 and child.poll() is None:
                subprocess.run(["sleep", "0.05"])
                deadline -= 1
            subprocess.run(["sleep", f"{rng.uniform(0, 0.05):.4f}"])
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        loaded = st.load(path)  # the last complete save, whatever the moment of the kill
        np.testing.assert_array_equal(loaded["w"].numpy(), np.full((64, 64), loaded["i"]))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "ckpt.pt"]
    st.save({"i": -1, "w": st.zeros(1)}, path)
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"], leftovers


# One instance of every built-in layer, block, container and loss, with non-default arguments
# where it has them (a field read back wrongly shows as a config that does not rebuild the same).
_EVERY_LAYER = [
    nn.AbsTanh(), nn.AdaptiveAvgPool2d((2, 3)), nn.AdaptiveMaxPool2d(3), nn.AlphaDropout(0.3),
    nn.AvgPool1d(3, stride=2, padding=1), nn.AvgPool2d(3, stride=2, ceil_mode=True),
    nn.AvgPool3d(2), nn.BasicBlock(8, 16, stride=2, shortcut="A"), nn.BasicConv2d(3, 8, 3),
    nn.BatchNorm1d(4, momentum=None), nn.BatchNorm2d(4, eps=1e-3, affine=False),
    nn.BatchNorm3d(4, track_running_stats=False), nn.Bottleneck(16, 4, stride=2, groups=2),
    nn.ChannelMaxPool(2), nn.Concat(nn.Identity(), nn.ReLU(), dim=1),
    nn.Conv1d(2, 4, 3, stride=2, padding=1, groups=2),
    nn.Conv2d(4, 8, (3, 5), padding="same", dilation=2, bias=False),
    nn.Conv2d(4, 8, 3, stride=(1, 2), padding=(1, 2), groups=2),
    nn.Conv3d(2, 4, 3, padding=1), nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1),
    nn.DenseBlock(2, 8, 4, drop_rate=0.1), nn.DenseLayer(8, 4, True, 2, 0.2),
    nn.DropConnect(nn.Linear(4, 3), p=0.2), nn.DropPath(0.1), nn.Dropout(0.3),
    nn.Dropout2d(0.2), nn.ELU(0.7), nn.Fire(8, 2, 4, 4), nn.Flatten(0, 2),
    nn.FractalBlock(3, 8, 2), nn.FractionalMaxPool2d(2, output_ratio=(0.5, 0.5)), nn.GELU(),
    nn.GlobalAvgPool2d(flatten=True), nn.GlobalMaxPool2d(), nn.GroupNorm(2, 8, eps=1e-4),
    nn.Hardswish(), nn.Hardtanh(-2.0, 3.0), nn.Identity(), nn.Inception(8, 2, 2, 4, 2, 4, 2),
    nn.InceptionAux(8, 5), nn.InstanceNorm1d(4, affine=True), nn.InstanceNorm2d(4),
    nn.LayerNorm([4, 5], elementwise_affine=True, bias=False), nn.LeakyReLU(0.2),
    nn.Linear(4, 3, bias=False), nn.LocalResponseNorm(5, alpha=2e-4),
    nn.LocallyConnected2d(2, 3, (6, 6), 3, stride=1), nn.LogSoftmax(dim=1),
    nn.MaxPool1d(2), nn.MaxPool2d(3, stride=2, padding=1, dilation=1), nn.MaxPool3d(2),
    nn.MaxUnpool2d(2), nn.MlpConv(3, [8, 8], 3, padding=1), nn.PReLU(4, 0.1),
    nn.Parallel(nn.Identity(), nn.Sigmoid(), merge="sum"), nn.PixelShuffle(2),
    nn.PixelUnshuffle(2), nn.PreActBlock(8, 16, 2), nn.RNN(4, 8, num_layers=2),
    nn.RNNCell(4, 8, nonlinearity="relu"), nn.ReLU(inplace=True), nn.ReLU6(),
    nn.Residual(nn.Conv2d(4, 4, 1), shortcut=nn.Identity()), nn.SELU(), nn.ScaledTanh(),
    nn.Sequential(nn.Linear(2, 2), nn.Tanh()), nn.SiLU(), nn.Sigmoid(), nn.Softmax(dim=0),
    nn.Softmin(), nn.Softplus(beta=2.0), nn.SqueezeExcite(16, 4), nn.Subsampling(4),
    nn.Tanh(), nn.Transition(8, 4), nn.Unflatten(1, (2, 3)),
    nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
    nn.WideBlock(8, 16, 2, dropout=0.3), nn.ZeroPadShortcut(8, 16, 2),
    nn.BCELoss(weight=st.ones(3)), nn.BCEWithLogitsLoss(pos_weight=st.ones(3)),
    nn.CosineEmbeddingLoss(margin=0.5), nn.CrossEntropyLoss(label_smoothing=0.1),
    nn.HuberLoss(delta=2.0), nn.KLDivLoss(reduction="sum", log_target=True), nn.L1Loss(),
    nn.MSELoss(reduction="none"), nn.MultiMarginLoss(p=2), nn.NLLLoss(ignore_index=3),
    nn.SmoothL1Loss(beta=0.5),
]


def _defined_in_python(cls):
    import types

    return any(isinstance(vars(k).get("forward"), types.FunctionType) for k in cls.__mro__)


# The layers striate composes in Python from other ops (nn/modules/_composed.py, the containers
# that hold entries for a user's own forward, channel dropout): a model holding one saves its
# weights, not its architecture (test below). Moving them to C++ lifts that; the list is exact.
PYTHON_LAYERS = {
    "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "CELU", "Mish", "Hardsigmoid",
    "Softsign", "LogSigmoid", "Tanhshrink", "Hardshrink", "Softshrink", "Threshold", "Softmax2d",
    "MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
    "TripletMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss", "CosineSimilarity",
    "PairwiseDistance", "Dropout1d", "Dropout3d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d",
    "ChannelShuffle", "UpsamplingNearest2d", "UpsamplingBilinear2d", "SyncBatchNorm",
    "Unfold", "Fold", "LPPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "InstanceNorm3d",
    "ConvTranspose1d", "ConvTranspose3d",
} | {f"{kind}Pad{d}d" for kind in ("Zero", "Constant", "Reflection", "Replication")
     for d in (1, 2, 3)}


def test_python_composed_layers_save_their_weights_and_say_so():
    public = {name for name in dir(nn) if isinstance(getattr(nn, name), type)
              and issubclass(getattr(nn, name), nn.Module)} - {"Module"}
    assert {name for name in public if _defined_in_python(getattr(nn, name))} == PYTHON_LAYERS
    model = nn.Sequential(nn.Linear(2, 2), nn.Mish())
    with pytest.raises(TypeError, match="module '1' is a Mish, which is not a built-in striate "
                                        "module, so the architecture cannot be saved"):
        _C._io.module_config(model)


def test_every_built_in_module_has_a_config_that_rebuilds_it():
    covered = {type(layer).__name__ for layer in _EVERY_LAYER}
    public = {name for name in dir(nn) if isinstance(getattr(nn, name), type)
              and issubclass(getattr(nn, name), nn.Module)} - {"Module"}
    assert public - covered - PYTHON_LAYERS == set()
    for layer in _EVERY_LAYER:
        config = _C._io.module_config(layer)
        rebuilt = _C._io.module_from_config(config)
        assert type(rebuilt) is type(layer)
        assert _C._io.module_config(rebuilt) == config, type(layer).__name__
        assert {k: tuple(v.shape) for k, v in rebuilt.state_dict().items()} == \
            {k: tuple(v.shape) for k, v in layer.state_dict().items()}, type(layer).__name__
    # A loss's class weight comes back through the state dict.
    weighted = nn.CrossEntropyLoss(weight=st.tensor([1.0, 2.0, 3.0]))
    rebuilt = _C._io.module_from_config(_C._io.module_config(weighted))
    rebuilt.load_state_dict(weighted.state_dict())
    logits, target = st.randn(4, 3), st.tensor([0, 1, 2, 1])
    assert rebuilt(logits, target).item() == weighted(logits, target).item()


def test_a_model_loaded_from_a_file_deep_copies(tmp_path):
    """Its constructor arguments are not readable from the C++ object; its architecture is
    (module_config), so deepcopy rebuilds from that and copies every tensor."""
    import copy

    path = tmp_path / "r20.striate"
    st.save(st.models.resnet20(num_classes=10), path)
    loaded = st.load(path)
    twin = copy.deepcopy(loaded)
    assert type(twin) is type(loaded) and twin is not loaded
    x = st.randn(2, 3, 32, 32)
    loaded.eval()
    twin.eval()
    np.testing.assert_array_equal(twin(x).detach().numpy(), loaded(x).detach().numpy())
    with st.no_grad():
        twin.conv1.weight.fill_(0.0)
    assert loaded.conv1.weight.detach().abs().sum().item() > 0  # no shared storage


class _Payload:
    """Pickled, it asks the unpickler to call os.system: a file that would run code if loaded by a
    plain unpickler."""

    def __reduce__(self):
        return (os.system, ("echo owned > /dev/null",))


@pytest.mark.parametrize("weights_only", [True, False, None])
def test_weights_only_is_accepted_and_no_file_runs_code(tmp_path, monkeypatch, weights_only):
    """weights_only is accepted for torch compatibility and changes nothing: model files and
    checkpoints load the same, and a pickle naming code (a PyTorch file, an old striate file) is
    refused before anything runs, whatever the flag says."""
    import torch

    from striate import _restricted_pickle

    assert not hasattr(_restricted_pickle, "unrestricted_load")  # no unrestricted path exists
    torch_file = tmp_path / "evil.pt"
    torch.save({"weights": torch.ones(2), "payload": _Payload()}, torch_file)
    old = tmp_path / "old.pt"
    with open(old, "wb") as f:
        f.write(b"STRIATE1")
        pickle.dump(_Payload(), f)
    ran = []
    monkeypatch.setattr(os, "system", lambda *args: ran.append(args))  # after pickling the payload
    model_path = tmp_path / "m.striate"
    st.save(nn.Sequential(nn.Linear(2, 3)), model_path)
    assert isinstance(st.load(model_path, weights_only=weights_only), nn.Sequential)
    checkpoint = tmp_path / "c.ckpt"
    st.save({"epoch": 3, "w": st.ones(2)}, checkpoint)
    assert st.load(checkpoint, weights_only=weights_only)["epoch"] == 3
    with pytest.raises(pickle.UnpicklingError, match="system"):
        st.load(torch_file, weights_only=weights_only)
    with pytest.raises(ValueError, match="old pickle-based format"):
        st.load(old, weights_only=weights_only)
    assert ran == []
