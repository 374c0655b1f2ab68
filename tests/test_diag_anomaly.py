"""First-NaN localization: detect_anomaly / set_detect_anomaly and Trainer(nan_guard=True) name the
layer path, the op, the statistics, the step and the batch of an injected NaN, in forward or only
in backward; with them off nothing is installed."""

import numpy as np
import pytest

import striate as st
from striate import nn
from striate.nn import functional as F


class Log(nn.Module):
    def forward(self, x):
        return x.log()


class Sqrt(nn.Module):
    def forward(self, x):
        return x.sqrt()


def log_model():
    st.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.Sequential(nn.Tanh(), Log()), nn.Linear(6, 3))


def test_forward_nan_names_the_layer_op_and_input_statistics():
    model = log_model()
    x = st.randn(8, 4)
    with pytest.raises(st.autograd.AnomalyError) as info:
        with st.autograd.detect_anomaly():
            model(x)
    error = info.value
    assert (error.phase, error.layer, error.module_type, error.op) == \
        ("forward", "1.1", "Log", "LogBackward0")
    stats = error.stats
    assert stats["input"]["min"] < 0 and stats["input"]["nan"] == 0
    assert stats["output"]["nan"] > 0 and stats["output"]["shape"] == (8, 6)
    assert "layer '1.1' (Log)" in str(error) and "op LogBackward0" in str(error)
    assert isinstance(error, FloatingPointError) and isinstance(error, RuntimeError)
    assert not st.autograd.is_anomaly_enabled()  # left on exception


def test_forward_nan_without_a_graph_names_the_module():
    model = log_model()
    with pytest.raises(st.autograd.AnomalyError) as info:
        with st.no_grad(), st.autograd.detect_anomaly():
            model(st.randn(8, 4))
    assert (info.value.layer, info.value.op) == ("1.1", "Log")


def test_backward_only_nan_names_the_layer_and_op():
    # sqrt(relu(x)) is finite forward, but its gradient at the zeros relu makes is infinite
    st.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), Sqrt(), nn.Linear(6, 3))
    x, y = st.randn(8, 4), st.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    loss = F.cross_entropy(model(x), y)  # fine without anomaly detection
    assert np.isfinite(loss.item())
    with pytest.raises(st.autograd.AnomalyError) as info:
        with st.autograd.detect_anomaly():
            F.cross_entropy(model(x), y).backward()
    error = info.value
    assert (error.phase, error.layer, error.module_type, error.op) == \
        ("backward", "2", "Sqrt", "SqrtBackward0")
    assert error.stats["output"]["inf"] + error.stats["output"]["nan"] > 0
    assert error.stats["input"]["nan"] == 0 and error.stats["input"]["inf"] == 0
    assert "backward of layer '2' (Sqrt)" in str(error)


def test_nan_made_between_module_calls_names_the_enclosing_forward():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 4)
            self.b = nn.Linear(4, 2)

        def forward(self, x):
            return self.b(self.a(x).log())

    st.manual_seed(0)
    with pytest.raises(st.autograd.AnomalyError) as info:
        with st.autograd.detect_anomaly():
            Net()(st.randn(8, 4))
    assert info.value.layer == "" and info.value.op == "LogBackward0"
    assert "between its module calls, before b" in str(info.value)


def test_finite_runs_pass_and_modes_switch():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    with st.autograd.detect_anomaly():
        assert st.autograd.is_anomaly_enabled()
        model(st.randn(2, 4)).sum().backward()
    assert not st.autograd.is_anomaly_enabled()
    with st.autograd.detect_anomaly(check_nan=False):
        assert not st.autograd.is_anomaly_enabled()
    st.autograd.set_detect_anomaly(True)
    try:
        assert st.autograd.is_anomaly_enabled()
    finally:
        st.autograd.set_detect_anomaly(False)
    assert not st.autograd.is_anomaly_enabled()
    with st.autograd.set_detect_anomaly(True):
        assert st.autograd.is_anomaly_enabled()
    assert not st.autograd.is_anomaly_enabled()

    @st.autograd.detect_anomaly()
    def run():
        return st.autograd.is_anomaly_enabled()

    assert run() and not st.autograd.is_anomaly_enabled()
    # off: a NaN passes silently, as without the feature
    out = log_model()(st.randn(8, 4))
    assert np.isnan(out.detach().numpy()).any()


class NanAtCall(nn.Module):
    """log() of a negative number on its `bad_call`-th call; the identity otherwise."""

    def __init__(self, bad_call):
        super().__init__()
        self.calls, self.bad_call = 0, bad_call
        self.seen_anomaly_mode = []

    def forward(self, x):
        self.calls += 1
        self.seen_anomaly_mode.append(st.autograd.is_anomaly_enabled())
        return (x - 100).log() if self.calls == self.bad_call else x


def trainer_for(model, nan_guard):
    images, labels = st.randn(40, 4), st.randint(0, 3, (40,))
    loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=8)
    trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1), F.cross_entropy,
                               progress="none", nan_guard=nan_guard)
    return trainer, loader


def test_trainer_nan_guard_names_layer_step_and_batch():
    st.manual_seed(0)
    bad = NanAtCall(bad_call=8)  # epoch 2 (5 batches each), batch index 2, after 7 steps
    model = nn.Sequential(nn.Linear(4, 6), nn.Sequential(nn.ReLU(), bad), nn.Linear(6, 3))
    trainer, loader = trainer_for(model, nan_guard=True)
    with pytest.raises(st.autograd.AnomalyError) as info:
        trainer.fit(loader, epochs=3)
    error = info.value
    assert (error.layer, error.op, error.step, error.batch_index) == ("1.1", "LogBackward0", 7, 2)
    assert "at step 7, batch 2" in str(error)
    assert trainer.step == 7  # stopped before the optimizer step
    assert all(bad.seen_anomaly_mode)
    assert not st.autograd.is_anomaly_enabled()


def test_trainer_without_nan_guard_installs_nothing():
    st.manual_seed(0)
    bad = NanAtCall(bad_call=3)
    model = nn.Sequential(nn.Linear(4, 6), bad, nn.Linear(6, 3))
    trainer, loader = trainer_for(model, nan_guard=False)
    with pytest.raises(FloatingPointError, match="the loss became nan") as info:
        trainer.fit(loader, epochs=1)
    assert not isinstance(info.value, st.autograd.AnomalyError)
    assert not any(bad.seen_anomaly_mode)


def test_nan_in_the_data_is_named_as_such():
    model = log_model()
    x = st.randn(8, 4)
    x[2, 1] = float("nan")
    with pytest.raises(st.autograd.AnomalyError, match="its input holds it already: it came with "
                                                       "the data") as info:
        with st.autograd.detect_anomaly():
            model(x)
    assert (info.value.layer, info.value.op, info.value.stats["input"]["nan"]) == ("", "input", 1)
