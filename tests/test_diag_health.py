"""diagnostics.LayerHealth (Trainer callback, `striate train --health N`): its figures against
the same quantities computed by hand on a replayed step, the warnings it must give (dead ReLUs,
update/weight ratios out of range), its records, files and bad arguments."""

import copy
import io
import os
import subprocess
import sys

import numpy as np
import pytest
import striate as st
from striate import cli, nn
from striate.nn import functional as F


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    x = st.tensor(rng.standard_normal((64, 1, 6, 6)).astype(np.float32))
    y = st.tensor(rng.integers(0, 3, 64))
    return x, y


def _model(seed=0):
    st.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(64, 3))


def _fit(model, health, lr=0.1, epochs=1, batch_size=16):
    x, y = _problem()
    loader = st.data.DataLoader(st.data.TensorDataset(x, y), batch_size=batch_size)
    trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=lr), F.cross_entropy,
                               callbacks=[health], progress="none", file=io.StringIO())
    trainer.fit(loader, epochs=epochs)
    return trainer


def test_figures_equal_a_replayed_step():
    model = _model()
    replay = copy.deepcopy(model)
    health = st.diagnostics.LayerHealth(every=1000, warn=False)
    _fit(model, health)
    assert [r["step"] for r in health.records] == [1]  # the first step only
    layers = health.records[0]["layers"]
    assert set(layers) == {"0", "1", "3"} and layers["1"]["kind"] == "ReLU"

    x, y = _problem()
    before = {n: p.detach().numpy().copy() for n, p in replay.named_parameters()}
    conv = replay[0](x[:16])
    relu = replay[1](conv)
    out = replay[3](replay[2](relu))
    F.cross_entropy(out, y[:16]).backward()
    grads = {n: p.grad.numpy().copy() for n, p in replay.named_parameters()}
    for name, array in (("0", conv), ("1", relu), ("3", out)):
        values = array.detach().numpy().astype(np.float64)
        assert layers[name]["act_mean"] == pytest.approx(values.mean(), rel=1e-6, abs=1e-9)
        assert layers[name]["act_std"] == pytest.approx(values.std(), rel=1e-5)
    units = relu.detach().numpy().reshape(16, -1)
    assert layers["1"]["dead_fraction"] == pytest.approx(1 - (units != 0).any(0).mean())
    for layer in ("0", "3"):
        names = [f"{layer}.weight", f"{layer}.bias"]
        grad = np.sqrt(sum((grads[n].astype(np.float64) ** 2).sum() for n in names))
        weight = np.sqrt(sum((before[n].astype(np.float64) ** 2).sum() for n in names))
        update = 0.1 * grad  # one SGD step: w - lr * g
        assert layers[layer]["grad_norm"] == pytest.approx(grad, rel=1e-5)
        assert layers[layer]["update_ratio"] == pytest.approx(update / weight, rel=1e-4)


def test_dead_relus_and_wild_updates_are_warned_once_per_epoch():
    model = _model()
    with st.no_grad():
        model[0].bias.fill_(-100.0)  # every conv output negative: the ReLU is dead
    health = st.diagnostics.LayerHealth(every=1)
    trainer = _fit(model, health, lr=1e-9, epochs=2)
    printed = trainer.file.getvalue()
    assert "warning: layer 1: 100% of its ReLU units are dead" in printed
    assert "warning: layer 3: update/weight ratio" in printed and "is below 0.0001" in printed
    # 4 steps an epoch, 2 epochs: recorded 8 times, printed once per layer and kind per epoch
    assert len(health.records) == 8
    assert printed.count("layer 1: 100% of its ReLU units are dead") == 2
    assert sum("layer 1:" in w for w in health.warnings) == 8


def test_a_large_learning_rate_is_warned():
    health = st.diagnostics.LayerHealth(every=1, warn=False)
    _fit(_model(), health, lr=50.0)
    assert any("is above 0.1" in w and "thrown around" in w for w in health.warnings)


def test_records_history_and_files(tmp_path):
    model = _model()
    health = st.diagnostics.LayerHealth(every=3, out_dir=tmp_path, warn=False)
    trainer = _fit(model, health, epochs=2)
    assert [r["step"] for r in health.records] == [1, 4, 7]
    assert [r["epoch"] for r in health.records] == [1, 1, 2]
    assert set(trainer.history[0]["health"]) == {"0", "1", "3"}
    with open(tmp_path / "health.csv") as f:
        rows = f.read().splitlines()
    assert rows[0].startswith("step,epoch,layer,kind,act_mean") and len(rows) == 1 + 3 * 3
    with open(tmp_path / "health.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert health._handles == []  # the hooks are gone after fit
    model(st.randn(2, 1, 6, 6))
    assert len(health.records) == 3


@pytest.mark.parametrize("every", [0, -1, 2.5, True])
def test_bad_every(every):
    with pytest.raises(ValueError, match="LayerHealth: every must be a positive int"):
        st.diagnostics.LayerHealth(every=every)


def test_cli_health(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "striate", "train", "--data-dir",
                           cli.BUNDLED_FASHION_MNIST, "--epochs", "1", "--quiet", "--health",
                           "10", "--out", str(out)], capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert os.path.getsize(out / "health.png") > 1000
    with open(out / "health.csv") as f:
        assert len(f.read().splitlines()) > 10
    bad = subprocess.run([sys.executable, "-m", "striate", "train", "--health", "-1", "--out",
                          str(tmp_path / "bad")], capture_output=True, text=True, timeout=300,
                         stdin=subprocess.DEVNULL)
    assert bad.returncode == 2 and "--health must be >= 0" in bad.stderr
