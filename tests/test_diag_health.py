"""LayerHealth: per-layer statistics every N steps, the warnings for a dead ReLU layer and for an
update/weight ratio out of range, the history count and health.png; nothing stays installed."""

import io

import pytest

import striate as st
from striate import nn
from striate.nn import functional as F


def fit(model, lr, health, epochs=1):
    st.manual_seed(0)
    images, labels = st.randn(64, 4), st.randint(0, 2, (64,))
    loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=8)
    trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=lr), F.cross_entropy,
                               callbacks=[health], progress="none")
    return trainer.fit(loader, epochs=epochs)


def test_records_every_n_steps_with_the_expected_values(tmp_path):
    st.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    out = io.StringIO()
    health = st.train.LayerHealth(every=3, plot=tmp_path / "health.png", file=out)
    history = fit(model, 0.05, health)
    steps = sorted({r["step"] for r in health.records})
    assert steps == [1, 4, 7]  # the first step, then every 3rd (8 steps in all)
    first = [r for r in health.records if r["step"] == 1]
    assert [r["layer"] for r in first] == ["0", "1", "2"]
    relu = first[1]
    assert relu["type"] == "ReLU" and 0 <= relu["dead_fraction"] <= 1
    assert relu["grad_norm"] is None and relu["update_ratio"] is None
    linear = first[0]
    assert linear["dead_fraction"] is None and linear["grad_norm"] > 0
    # SGD without momentum: the update is lr * grad, so the ratio is lr * |g| / |w|
    assert 0 < linear["update_ratio"] < 1
    assert history[0]["health_warnings"] == len(health.warnings)
    with open(tmp_path / "health.png", "rb") as f:
        assert f.read(4) == b"\x89PNG"
    assert health._handles == []  # the hooks live for the measured batches only


def test_warns_for_a_dead_relu_and_a_frozen_layer():
    st.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    with st.no_grad():
        model[0].bias.fill_(-100.0)  # every unit of the ReLU is zero: dead
    out = io.StringIO()
    health = st.train.LayerHealth(every=2, file=out)
    fit(model, 1e-7, health)  # so small an lr that layer 2 barely moves
    text = out.getvalue()
    assert "layer '1' (ReLU) is 100% dead" in text
    assert "layer '2' (Linear) has an update/weight ratio of" in text and "raise its lr" in text
    assert text.count("layer '1' (ReLU) is 100% dead") == 1  # once per layer


def test_bad_arguments():
    with pytest.raises(ValueError, match="LayerHealth: every should be an int >= 1, got 0"):
        st.train.LayerHealth(every=0)
    with pytest.raises(ValueError, match="LayerHealth: ratio_range should be"):
        st.train.LayerHealth(ratio_range=(0.1, 0.01))
    with pytest.raises(ValueError, match=r"LayerHealth: dead_threshold should be in \(0, 1\]"):
        st.train.LayerHealth(dead_threshold=1.5)


def test_cli_health(tmp_path, capsys):
    from striate import cli

    status = cli.main(["train", "--data-dir", cli.BUNDLED_FASHION_MNIST, "--epochs", "1",
                       "--batch-size", "128", "--quiet", "--health", "10", "--out", str(tmp_path)])
    assert status == 0, capsys.readouterr().err
    with open(tmp_path / "health.png", "rb") as f:
        assert f.read(4) == b"\x89PNG"
    with open(tmp_path / "history.csv") as f:
        assert "health_warnings" in f.readline()
