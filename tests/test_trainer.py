"""The Trainer: fitting, metrics, evaluation/prediction, callbacks, exact resume, plots,
fine-tuning and random search, on small real models and synthetic data."""

import csv
import os

import numpy as np
import pytest

import striate as st
from striate import data, nn, optim
from striate.train import (CSVLogger, EMA, Accuracy, ConfusionMatrix, EarlyStopping, LRMonitor,
                           LogUniform, ModelCheckpoint, TopK, Trainer, Choice, finetune, plots,
                           random_search)


def blobs(n=256, classes=3, features=8, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, size=(classes, features)).astype(np.float32)
    labels = rng.integers(0, classes, size=n)
    points = centers[labels] + rng.normal(0, 1, size=(n, features)).astype(np.float32)
    return st.tensor(points), st.tensor(labels.astype(np.int64))


def mlp(features=8, classes=3, dropout=0.0, batchnorm=False):
    norm = [nn.BatchNorm1d(16)] if batchnorm else []
    return nn.Sequential(nn.Linear(features, 16), *norm, nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(16, classes))


def loaders(seed=3, batch_size=32):
    x, y = blobs()
    train = data.DataLoader(data.TensorDataset(x[:192], y[:192]), batch_size=batch_size,
                            shuffle=True, seed=seed)
    val = data.DataLoader(data.TensorDataset(x[192:], y[192:]), batch_size=64)
    return train, val


def make_trainer(seed=0, callbacks=(), dropout=0.3, scheduler=True, batchnorm=False, **kwargs):
    st.manual_seed(seed)
    model = mlp(dropout=dropout, batchnorm=batchnorm)
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    schedule = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5) if scheduler else None
    return Trainer(model, optimizer, nn.CrossEntropyLoss(), scheduler=schedule,
                   callbacks=list(callbacks), progress="none", **kwargs)


def test_fit_learns_and_records_history():
    train, val = loaders()
    trainer = make_trainer(metrics=("accuracy", "top2"))
    history = trainer.fit(train, val, epochs=4)
    assert [entry["epoch"] for entry in history] == [1, 2, 3, 4]
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert history[-1]["val_accuracy"] > 0.9
    assert history[-1]["val_top2"] >= history[-1]["val_accuracy"]
    # the lr logged for an epoch is the one used during it (StepLR halves after epochs 2 and 4)
    assert [entry["lr"] for entry in history] == pytest.approx([0.1, 0.1, 0.05, 0.05])
    assert trainer.epoch == 4 and trainer.step == 4 * len(train)
    for key in ("time", "images_per_s", "val_loss"):
        assert key in history[0]


def test_evaluate_and_predict_match_a_manual_pass():
    train, val = loaders()
    trainer = make_trainer(dropout=0.5)
    trainer.fit(train, epochs=1)
    trainer.model.train()
    results = trainer.evaluate(val)
    assert trainer.model.training  # mode restored
    x, y = blobs()
    trainer.model.eval()
    with st.no_grad():
        logits = trainer.model(x[192:])
    trainer.model.train()
    expected_loss = float(nn.functional.cross_entropy(logits, y[192:]).item())
    expected_accuracy = float((logits.numpy().argmax(1) == y[192:].numpy()).mean())
    assert results["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert results["accuracy"] == pytest.approx(expected_accuracy)
    predicted = trainer.predict(val)
    np.testing.assert_allclose(predicted.numpy(), logits.numpy(), rtol=1e-5, atol=1e-6)
    probabilities = trainer.predict(val, softmax=True).numpy()
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)


def test_metrics_against_numpy():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(50, 6)).astype(np.float32)
    labels = rng.integers(0, 6, size=50)
    top3 = TopK(3)
    accuracy = Accuracy()
    confusion = ConfusionMatrix(6)
    for start in (0, 20):
        stop = start + (20 if start == 0 else 30)
        batch_scores, batch_labels = st.tensor(scores[start:stop]), st.tensor(labels[start:stop])
        for metric in (top3, accuracy, confusion):
            metric.update(batch_scores, batch_labels)
    ranks = np.argsort(-scores, axis=1)
    assert top3.compute() == pytest.approx(np.mean([labels[i] in ranks[i, :3] for i in range(50)]))
    assert accuracy.compute() == pytest.approx(np.mean(ranks[:, 0] == labels))
    expected = np.zeros((6, 6), dtype=np.int64)
    for true, predicted in zip(labels, ranks[:, 0]):
        expected[true, predicted] += 1
    np.testing.assert_array_equal(confusion.compute(), expected)
    # soft targets (Mixup) count as their argmax class
    soft = Accuracy()
    soft.update(st.tensor(scores), st.tensor(np.eye(6, dtype=np.float32)[labels] * 0.7 + 0.05))
    assert soft.compute() == accuracy.compute()


def test_exact_resume_is_bit_identical(tmp_path):
    # uninterrupted: 4 epochs
    train, val = loaders()
    full = make_trainer(seed=0, batchnorm=True)
    full.fit(train, val, epochs=4)
    # interrupted after 2 epochs, resumed in fresh objects with other seeds
    train_a, val_a = loaders()
    first = make_trainer(seed=0, batchnorm=True)
    first.fit(train_a, val_a, epochs=2)
    first.save_checkpoint(tmp_path / "ckpt.pt")
    st.manual_seed(1234)
    train_b, val_b = loaders(seed=99)
    second = make_trainer(seed=77, batchnorm=True)  # BatchNorm: buffers, 0-d num_batches_tracked
    second.load_checkpoint(tmp_path / "ckpt.pt", train_loader=train_b)
    second.fit(train_b, val_b, epochs=4)
    assert [e["train_loss"] for e in second.history] == [e["train_loss"] for e in full.history]
    assert [e["val_loss"] for e in second.history] == [e["val_loss"] for e in full.history]
    for (name, a), (_, b) in zip(full.model.state_dict().items(), second.model.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


def test_early_stopping_stops_and_restores_best():
    train, val = loaders()
    trainer = make_trainer(callbacks=[], scheduler=False)
    stopper = EarlyStopping("val_loss", patience=2, restore_best=True)
    trainer.callbacks.append(stopper)
    trainer.fit(train, val, epochs=3)
    # now make every further epoch worse: a huge lr blows the loss up
    best_state = {k: v.numpy().copy() for k, v in trainer.model.state_dict().items()}
    best_loss = trainer.history[-1]["val_loss"]
    assert stopper.best == pytest.approx(min(e["val_loss"] for e in trainer.history))
    for group in trainer.optimizer.param_groups:
        group["lr"] = 50.0
    trainer.fit(train, val, epochs=20)
    assert trainer.epoch < 20, "EarlyStopping did not stop training"
    assert stopper.stopped_epoch == trainer.epoch - 1
    if stopper.best == best_loss:  # the best epoch is still the one before the lr jump
        for name, value in trainer.model.state_dict().items():
            np.testing.assert_array_equal(value.numpy(), best_state[name], err_msg=name)
    assert trainer.evaluate(val)["loss"] == pytest.approx(stopper.best, rel=1e-6)


def test_model_checkpoint_and_csv_logger(tmp_path):
    train, val = loaders()
    trainer = make_trainer(callbacks=[ModelCheckpoint(tmp_path / "run", every=1),
                                      CSVLogger(tmp_path / "run" / "history.csv")])
    trainer.fit(train, val, epochs=3)
    last = st.load(tmp_path / "run" / "last.pt")
    assert last["epoch"] == 3 and len(last["history"]) == 3
    best = st.load(tmp_path / "run" / "best.pt")
    best_epoch = min(range(3), key=lambda i: trainer.history[i]["val_loss"])
    assert best["epoch"] == best_epoch + 1
    with open(tmp_path / "run" / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    assert float(rows[2]["train_loss"]) == trainer.history[2]["train_loss"]
    assert float(rows[0]["val_accuracy"]) == trainer.history[0]["val_accuracy"]
    leftovers = [name for name in os.listdir(tmp_path / "run") if name.endswith(".tmp")]
    assert leftovers == []


def test_lr_monitor_records_every_step():
    train, _ = loaders()
    monitor = LRMonitor()
    trainer = make_trainer(callbacks=[monitor])
    trainer.fit(train, epochs=3)
    assert len(monitor.lrs) == 3 * len(train)
    assert monitor.lrs[0] == [0.1] and monitor.lrs[-1] == [0.05]


def test_ema_matches_a_hand_computed_average():
    train, _ = loaders()
    ema = EMA(decay=0.9, evaluate_with_ema=False)
    trainer = make_trainer(callbacks=[ema], dropout=0.0, scheduler=False)
    start = {k: v.numpy().copy() for k, v in trainer.model.state_dict().items()}
    expected = dict(start)

    class Track:
        def on_batch_end(self, trainer, batch, logs):
            for name, value in trainer.model.state_dict().items():
                expected[name] = 0.9 * expected[name] + 0.1 * value.numpy()

    from striate.train import Callback

    tracker = type("Tracker", (Callback,), {"on_batch_end": Track.on_batch_end})()
    trainer.callbacks.append(tracker)
    trainer.fit(train, epochs=1)
    for name, value in ema.shadow.items():
        np.testing.assert_allclose(value.numpy(), expected[name], rtol=1e-5, atol=1e-6, err_msg=name)


def test_batch_transform_soft_targets_train():
    train, _ = loaders()
    calls = []

    def smooth(inputs, targets):
        calls.append(1)
        soft = np.full((targets.shape[0], 3), 0.05, dtype=np.float32)
        soft[np.arange(targets.shape[0]), targets.numpy()] = 0.9
        return inputs, st.tensor(soft)

    trainer = make_trainer(batch_transform=smooth)
    history = trainer.fit(train, epochs=2)
    assert len(calls) == 2 * len(train)
    assert history[-1]["train_accuracy"] > 0.8


def test_plots_write_png(tmp_path):
    pytest.importorskip("matplotlib")
    train, val = loaders()
    trainer = make_trainer(metrics=("accuracy", ConfusionMatrix(3)))
    history = trainer.fit(train, val, epochs=2)
    conv = nn.Conv2d(3, 8, 3)
    paths = [
        plots.plot_history(history, tmp_path / "curves.png"),
        plots.plot_lr(history, tmp_path / "lr.png"),
        plots.plot_confusion_matrix(history[-1]["val_confusion_matrix"], tmp_path / "cm.png",
                                    classes=["a", "b", "c"]),
        plots.plot_filters(conv.weight, tmp_path / "filters.png"),
        plots.plot_predictions(st.rand(4, 1, 8, 8), st.tensor([0, 1, 2, 0]), st.tensor([0, 1, 1, 0]),
                               tmp_path / "pred.png", classes=["a", "b", "c"]),
    ]
    for path in paths:
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert plots.first_conv_weight(nn.Sequential(nn.Linear(2, 2), conv)) is conv.weight
    with pytest.raises(ValueError, match="plot_history: the history is empty"):
        plots.plot_history([], tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"plot_filters: expected a conv weight \(K, C, R, S\)"):
        plots.plot_filters(st.zeros(3, 3), tmp_path / "x.png")


def test_finetune_replaces_head_and_freezes_bottom():
    from striate import models

    model = models.resnet20(num_classes=10)
    finetune(model, num_classes=4, freeze_until="layer2")
    assert model.fc.out_features == 4 and model.fc.in_features == 64
    frozen = {name for name, p in model.named_parameters() if not p.requires_grad}
    assert "conv1.weight" in frozen and any(name.startswith("layer2.") for name in frozen)
    assert not any(name.startswith(("layer3.", "fc.")) for name in frozen)
    out = model(st.randn(2, 3, 32, 32))
    assert out.shape == (2, 4)
    with pytest.raises(ValueError, match="finetune: num_classes should be a positive int"):
        finetune(model, num_classes=0)
    with pytest.raises(ValueError, match="finetune: .* has no Linear layer"):
        finetune(nn.Sequential(nn.ReLU()), num_classes=2)


def test_random_search_reports_best_first(capsys):
    train, val = loaders()

    def build(lr, width):
        st.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, width), nn.ReLU(), nn.Linear(width, 3))
        return Trainer(model, optim.SGD(model.parameters(), lr=lr), nn.CrossEntropyLoss(),
                       progress="none")

    results = random_search(build, {"lr": LogUniform(1e-4, 1.0), "width": Choice([4, 16])},
                            trials=4, epochs=1, train_loader=train, val_loader=val, seed=1)
    scores = [result["val_accuracy"] for result in results]
    assert scores == sorted(scores, reverse=True) and len(scores) == 4
    assert all(1e-4 <= result["params"]["lr"] <= 1.0 for result in results)
    printed = capsys.readouterr().out
    assert printed.count("val_acc: ") == 4 and "lr: " in printed
    again = random_search(build, {"lr": LogUniform(1e-4, 1.0), "width": Choice([4, 16])},
                          trials=4, epochs=1, train_loader=train, val_loader=val, seed=1,
                          verbose=False)
    assert [r["params"] for r in again] == [r["params"] for r in results]
    with pytest.raises(ValueError, match="LogUniform: expected 0 < low < high"):
        LogUniform(0, 1)
    with pytest.raises(TypeError, match=r"random_search: space\['lr'\] should be a distribution"):
        random_search(build, {"lr": 0.1}, trials=1, epochs=1, train_loader=train, val_loader=val)


def test_progress_bar_and_log_modes(capsys):
    train, val = loaders()
    trainer = make_trainer()
    trainer.progress = "log"
    trainer.fit(train, val, epochs=1)
    out = capsys.readouterr().out
    assert "epoch 1/1" in out and "train_loss" in out and "img/s" in out
    trainer = make_trainer()
    trainer.progress = "bar"
    trainer.fit(train, epochs=1)
    err = capsys.readouterr().err
    assert "epoch 1/1" in err and "loss=" in err and "lr=" in err


def test_bad_arguments():
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match="Trainer: unknown metric 'f1'"):
        Trainer(model, opt, loss, metrics=("f1",))
    with pytest.raises(ValueError, match="Trainer: progress should be one of"):
        Trainer(model, opt, loss, progress="loud")
    with pytest.raises(TypeError, match="Trainer: loss should be callable"):
        Trainer(model, opt, "cross_entropy")
    with pytest.raises(ValueError, match="Trainer: scheduler_interval should be"):
        Trainer(model, opt, loss, scheduler_interval="batch")
    with pytest.raises(ValueError, match="confusion_matrix' metric needs num_classes"):
        Trainer(model, opt, loss, metrics=("confusion_matrix",))
    trainer = Trainer(model, opt, loss, progress="none")
    train, _ = loaders()
    with pytest.raises(ValueError, match="Trainer.fit: epochs should be a non-negative int"):
        trainer.fit(train, epochs=-1)
    with pytest.raises(ValueError, match="Trainer.load_state_dict: expected a trainer checkpoint"):
        trainer.load_state_dict({"model": {}})
    with pytest.raises(ValueError, match="EarlyStopping: monitor 'val_loss' is not in the epoch's logs"):
        Trainer(model, opt, loss, progress="none", callbacks=[EarlyStopping()]).fit(train, epochs=1)
    with pytest.raises(ValueError, match="ModelCheckpoint: every should be a positive int"):
        ModelCheckpoint("x", every=0)
    with pytest.raises(ValueError, match="EMA: decay should lie in"):
        EMA(decay=1.5)
    with pytest.raises(ValueError, match="TopK: k should be a positive int"):
        TopK(0)


def test_nan_loss_is_reported():
    train, _ = loaders()
    trainer = make_trainer(scheduler=False)
    for group in trainer.optimizer.param_groups:
        group["lr"] = 1e30
    with pytest.raises(FloatingPointError, match="Trainer: the loss became"):
        trainer.fit(train, epochs=3)


def test_exact_resume_with_augmentation_and_workers(tmp_path):
    from striate.data import transforms as T

    rng = np.random.default_rng(5)
    images = st.tensor(rng.random((96, 1, 8, 8), dtype=np.float32))
    labels = st.tensor(rng.integers(0, 3, size=96).astype(np.int64))
    augment = T.Compose([T.RandomCrop(8, padding=2), T.RandomHorizontalFlip(),
                         T.Normalize((0.5,), (0.25,))])

    def build(seed):
        st.manual_seed(seed)
        model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Dropout(0.2),
                              nn.Flatten(), nn.Linear(4 * 8 * 8, 3))
        optimizer = optim.Adam(model.parameters(), lr=1e-2)
        loader = data.DataLoader(data.TensorDataset(images, labels, transform=augment),
                                 batch_size=16, shuffle=True, seed=11, num_workers=2)
        trainer = Trainer(model, optimizer, nn.CrossEntropyLoss(), progress="none",
                          scheduler=optim.lr_scheduler.CosineAnnealingLR(optimizer, 4))
        return trainer, loader

    full, loader = build(0)
    full.fit(loader, epochs=4)
    first, loader_a = build(0)
    first.fit(loader_a, epochs=2)
    first.save_checkpoint(tmp_path / "ckpt.pt")
    second, loader_b = build(42)
    second.load_checkpoint(tmp_path / "ckpt.pt", train_loader=loader_b)
    second.fit(loader_b, epochs=4)
    assert [e["train_loss"] for e in second.history] == [e["train_loss"] for e in full.history]
    for (name, a), (_, b) in zip(full.model.state_dict().items(), second.model.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


class TwoHeads(nn.Module):
    """A main and an auxiliary classifier on a shared trunk; (main, aux) in training mode."""

    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(8, 16)
        self.head = nn.Linear(16, 3)
        self.aux = nn.Linear(16, 3)

    def forward(self, x):
        hidden = nn.functional.relu(self.trunk(x))
        return (self.head(hidden), self.aux(hidden)) if self.training else self.head(hidden)


def test_auxiliary_loss_sums_weighted_heads_and_trains_them():
    from striate.train import AuxiliaryLoss

    x, y = blobs(n=32)
    st.manual_seed(0)
    model = TwoHeads()
    criterion = nn.CrossEntropyLoss()
    main, aux = model(x)
    expected = criterion(main, y).item() + 0.3 * criterion(aux, y).item()
    assert AuxiliaryLoss(criterion)((main, aux), y).item() == pytest.approx(expected, rel=1e-6)
    assert AuxiliaryLoss(criterion, aux_weight=[0.5])((main, aux), y).item() == pytest.approx(
        criterion(main, y).item() + 0.5 * criterion(aux, y).item(), rel=1e-6)
    assert AuxiliaryLoss(criterion)(main, y).item() == pytest.approx(criterion(main, y).item())
    # the auxiliary head gets gradient through the summed loss, scaled by its weight
    AuxiliaryLoss(criterion, aux_weight=0.0)((main, aux), y).backward()
    assert np.abs(model.aux.weight.grad.numpy()).max() == 0
    model.zero_grad()
    main, aux = model(x)
    AuxiliaryLoss(criterion)((main, aux), y).backward()
    assert np.abs(model.aux.weight.grad.numpy()).max() > 0
    # Trainer: metrics read the main output; the aux head learns too
    train, val = loaders()
    model = TwoHeads()
    before = model.aux.weight.detach().numpy().copy()
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), AuxiliaryLoss(criterion),
                      progress="none")
    history = trainer.fit(train, val, epochs=3)
    assert history[-1]["val_accuracy"] > 0.9 and history[-1]["train_accuracy"] > 0.8
    assert not np.array_equal(model.aux.weight.detach().numpy(), before)


@pytest.mark.parametrize("kwargs, outputs, message", [
    (dict(criterion=3), None, "criterion should be callable"),
    (dict(aux_weight=-1.0), None, "aux_weight should be a number >= 0"),
    (dict(aux_weight="0.3"), None, "aux_weight should be a number >= 0"),
    (dict(aux_weight=[0.3, 0.3]), 2, "2 aux weights for 1 auxiliary outputs"),
    (dict(), 0, "expected the model's outputs, got an empty sequence"),
])
def test_auxiliary_loss_bad_arguments(kwargs, outputs, message):
    from striate.train import AuxiliaryLoss

    kwargs = {"criterion": nn.CrossEntropyLoss(), **kwargs}
    error = TypeError if "callable" in message else ValueError
    if outputs is None:
        with pytest.raises(error, match=message):
            AuxiliaryLoss(**kwargs)
        return
    loss = AuxiliaryLoss(**kwargs)
    scores = st.randn(4, 3)
    with pytest.raises(error, match=message):
        loss(tuple([scores] * outputs), st.tensor(np.array([0, 1, 2, 0])))


def test_resuming_with_another_setup_says_so_before_restoring(tmp_path):
    train, val = loaders()
    first = make_trainer(seed=0)
    first.fit(train, val, epochs=1)
    first.save_checkpoint(tmp_path / "ckpt.pt")
    other = make_trainer(seed=1)
    other.optimizer = optim.Adam(other.model.parameters(), lr=1e-3)
    before = {k: v.numpy().copy() for k, v in other.model.state_dict().items()}
    with pytest.raises(ValueError, match="written with optimizer SGD, this trainer has Adam"):
        other.load_checkpoint(tmp_path / "ckpt.pt")
    for name, value in other.model.state_dict().items():  # nothing was restored
        np.testing.assert_array_equal(value.numpy(), before[name])
    with pytest.raises(ValueError, match="written with scheduler StepLR, this trainer has None"):
        make_trainer(scheduler=False).load_checkpoint(tmp_path / "ckpt.pt")
    with pytest.raises(ValueError, match="state of 0 callbacks, this trainer has 1"):
        make_trainer(callbacks=[LRMonitor()]).load_checkpoint(tmp_path / "ckpt.pt")
