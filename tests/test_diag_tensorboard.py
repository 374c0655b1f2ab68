"""TensorBoardLogger and `striate train --tensorboard`: the event files are read back record by
record (TFRecord framing, tensorboardX's Event proto) and hold the run's scalars and histograms."""

import os
import struct
import sys

import pytest

import striate as st
from striate import cli, nn
from striate.nn import functional as F

# tensorboardX is the optional `tensorboard` extra; CI installs it, so this file runs there in full.


def read_events(folder):
    """Every Event of the event files in folder, parsed from the TFRecord framing: u64 length,
    u32 CRC of it, the record, u32 CRC of the record."""
    from tensorboardX.proto.event_pb2 import Event

    events = []
    for name in sorted(os.listdir(folder)):
        if not name.startswith("events.out.tfevents"):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        offset = 0
        while offset < len(data):
            (length,) = struct.unpack_from("<Q", data, offset)
            record = data[offset + 12: offset + 12 + length]
            assert len(record) == length, "torn record"
            events.append(Event.FromString(record))
            offset += 12 + length + 4
    return events


def scalars(events):
    found = {}
    for event in events:
        for value in event.summary.value:
            if value.HasField("simple_value"):
                found.setdefault(value.tag, []).append((event.step, value.simple_value))
    return found


def histogram_tags(events):
    return {value.tag for event in events for value in event.summary.value
            if value.HasField("histo")}


def test_logger_writes_scalars_and_histograms(tmp_path):
    st.manual_seed(0)
    images, labels = st.randn(48, 4), st.randint(0, 3, (48,))
    loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=8)
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    logger = st.train.TensorBoardLogger(tmp_path, log_every_n_steps=2)
    trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1), F.cross_entropy,
                               callbacks=[logger], progress="none")
    history = trainer.fit(loader, val_loader=loader, epochs=2)
    found = scalars(read_events(tmp_path))
    train_loss = found["epoch/train_loss"]
    assert [step for step, _ in train_loss] == [1, 2]
    assert [value for _, value in train_loss] == pytest.approx(
        [entry["train_loss"] for entry in history], rel=1e-6)
    assert [v for _, v in found["epoch/val_accuracy"]] == pytest.approx(
        [entry["val_accuracy"] for entry in history], rel=1e-6)
    assert [step for step, _ in found["batch/loss"]] == [2, 4, 6, 8, 10, 12]
    assert all(value == pytest.approx(0.1) for _, value in found["batch/lr"])
    tags = histogram_tags(read_events(tmp_path))
    assert {"weights/0.weight", "weights/2.bias", "grads/0.weight", "grads/2.bias"} <= tags
    assert logger.writer is None  # closed at the end of fit


def test_bad_arguments_and_missing_package(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="TensorBoardLogger: histogram_every should be an int >= "
                                         "0, got -1"):
        st.train.TensorBoardLogger(tmp_path, histogram_every=-1)
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match=r"pip install 'striate\[tensorboard\]'"):
        st.train.TensorBoardLogger(tmp_path)


def test_cli_tensorboard(tmp_path, capsys):
    status = cli.main(["train", "--data-dir", cli.BUNDLED_FASHION_MNIST, "--epochs", "1",
                       "--batch-size", "128", "--quiet", "--tensorboard", "--out", str(tmp_path)])
    assert status == 0, capsys.readouterr().err
    found = scalars(read_events(tmp_path / "tensorboard"))
    assert len(found["epoch/train_loss"]) == 1 and len(found["epoch/val_accuracy"]) == 1
    assert found["batch/loss"]


def test_layer_health_records_become_scalars(tmp_path):
    st.manual_seed(0)
    images, labels = st.randn(48, 4), st.randint(0, 3, (48,))
    loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=8)
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    health = st.diagnostics.LayerHealth(every=2, warn=False)
    logger = st.train.TensorBoardLogger(tmp_path, log_every_n_steps=4, histogram_every=0)
    trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1), F.cross_entropy,
                               callbacks=[logger, health], progress="none")
    trainer.fit(loader, epochs=2)
    found = scalars(read_events(tmp_path))
    assert [r["step"] for r in health.records] == [1, 3, 5, 7, 9, 11]
    for layer, key in (("0", "update_ratio"), ("0", "grad_norm"), ("1", "dead_fraction"),
                       ("2", "act_std")):
        written = found[f"health/{layer}/{key}"]
        expected = [(r["step"], r["layers"][layer][key]) for r in health.records]
        assert [step for step, _ in written] == [step for step, _ in expected]
        assert [v for _, v in written] == pytest.approx([v for _, v in expected], rel=1e-6)
