"""The LR range test: striate.train.lr_find (exponential sweep, smoothed loss, steepest-descent
suggestion, plot, nothing left changed) and `striate train --lr-find` on the bundled sample."""

import numpy as np
import pytest

import striate as st
from striate import cli, nn


def separable_loader(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((256, 8)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    dataset = st.data.TensorDataset(st.from_numpy(x), st.from_numpy(y))
    return st.data.DataLoader(dataset, batch_size=32, shuffle=True, seed=seed)


def test_sweep_suggestion_and_restoration(tmp_path):
    st.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    optimizer = st.optim.SGD(model.parameters(), lr=0.123, momentum=0.9)
    nn.functional.cross_entropy(model(st.randn(4, 8)), st.tensor([0, 1, 1, 0])).backward()
    optimizer.step()  # a momentum buffer to restore
    optimizer_before = optimizer.state_dict()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    rng_before = st.get_rng_state()
    result = st.train.lr_find(model, separable_loader(), optimizer=optimizer, start_lr=1e-5,
                              end_lr=100.0, num_steps=60, plot=tmp_path / "lr.png")
    lrs = np.array(result.lrs)
    assert lrs[0] == pytest.approx(1e-5)
    ratios = lrs[1:] / lrs[:-1]
    assert np.allclose(ratios, (100.0 / 1e-5) ** (1 / 59))  # exponential
    assert len(result.losses) == len(result.raw_losses) == len(lrs)
    # lr 100 with momentum diverges: the test stops early
    assert result.stopped_early and len(lrs) < 60
    # the suggestion lies where the loss falls, well below the divergence
    assert 1e-4 < result.suggested_lr < lrs[-1] / 10
    index = int(np.argmin(np.abs(lrs - result.suggested_lr)))
    assert result.losses[index + 1] < result.losses[0]
    # nothing changed: weights, optimizer lr and state, RNG
    for key, value in model.state_dict().items():
        assert np.array_equal(value.numpy(), before[key].numpy()), key
    assert optimizer.param_groups[0]["lr"] == 0.123
    after = optimizer.state_dict()["state"]
    assert after.keys() == optimizer_before["state"].keys()
    for key in after:
        assert np.array_equal(after[key]["momentum_buffer"].numpy(),
                              optimizer_before["state"][key]["momentum_buffer"].numpy())
    assert st.get_rng_state() == rng_before
    with open(tmp_path / "lr.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "suggested_lr=" in repr(result)


def test_bad_arguments():
    model, loader = nn.Linear(8, 2), separable_loader()
    with pytest.raises(ValueError, match="lr_find: expected 0 < start_lr < end_lr, got "
                                         "start_lr=1.0, end_lr=0.1"):
        st.train.lr_find(model, loader, start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="lr_find: num_steps should be an int >= 3, got 2"):
        st.train.lr_find(model, loader, num_steps=2)
    with pytest.raises(ValueError, match=r"lr_find: smoothing should be in \[0, 1\), got 1"):
        st.train.lr_find(model, loader, smoothing=1)
    with pytest.raises(ValueError, match="lr_find: the loader gave no batches"):
        st.train.lr_find(model, [], num_steps=5)


def test_cli_lr_find_on_the_bundled_sample(tmp_path, capsys):
    status = cli.main(["train", "--data-dir", cli.BUNDLED_FASHION_MNIST, "--lr-find",
                       "--batch-size", "64", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert status == 0
    line = next(line for line in printed.splitlines() if line.startswith("lr range test"))
    suggested = float(line.split("suggested lr (steepest descent of the loss): ")[1].split(";")[0])
    assert 1e-5 < suggested < 10
    with open(tmp_path / "lr_find.png", "rb") as f:
        assert f.read(4) == b"\x89PNG"
    assert not (tmp_path / "last.pt").exists()  # no training happened
