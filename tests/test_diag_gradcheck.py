"""striate.autograd.gradcheck, striate.check_gradients and striate.compare_devices: a wrong backward
is caught and named; correct ops, hand-built merge models and zoo models pass; bad inputs raise."""

import numpy as np
import pytest

import striate as st
from striate import nn
from striate.nn import functional as F


class WrongSquare(st.autograd.Function):
    """x * x with a backward off by a factor 1.5 (3x instead of 2x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x * grad


class WrongSquareLayer(nn.Module):
    def forward(self, x):
        return WrongSquare.apply(x)


def double(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return st.from_numpy(rng.standard_normal(shape)).requires_grad_(True)


def test_gradcheck_passes_on_correct_ops():
    x, w = double(2, 3, 5, 5), double(4, 3, 3, 3, seed=1)
    assert st.autograd.gradcheck(lambda a, b: F.conv2d(a, b, padding=1), (x, w))
    assert st.autograd.gradcheck(lambda a: (a * a).tanh(), double(3))
    # several outputs, a non-tensor argument passed through
    assert st.autograd.gradcheck(lambda a, k: (a * k, a.exp()), (double(4), 2.5))


def test_gradcheck_catches_a_wrong_backward_and_names_the_input():
    good, bad = double(3), double(3, seed=1)
    with pytest.raises(st.autograd.GradcheckError) as info:
        st.autograd.gradcheck(lambda a, b: a.tanh() + WrongSquare.apply(b), (good, bad))
    message = str(info.value)
    assert "input 0 (3,): ok" in message
    assert "input 1 (3,): MISMATCH" in message
    report = info.value.report
    assert [r["passed"] for r in report] == [True, False]
    assert report[1]["max_rel_error"] == pytest.approx(1 / 3, rel=1e-3)  # 3x vs 2x
    assert st.autograd.gradcheck(WrongSquare.apply, (bad,), raise_exception=False) is False


def test_gradcheck_bad_inputs():
    with pytest.raises(ValueError, match="gradcheck: input 0 requires grad and should be float64.*"
                                         "got striate.float32"):
        st.autograd.gradcheck(lambda a: a * 2, st.randn(3, requires_grad=True))
    with pytest.raises(ValueError, match="gradcheck: expected at least one input with "
                                         "requires_grad=True"):
        st.autograd.gradcheck(lambda a: a * 2, st.randn(3, dtype=st.float64))


def merge_model():
    body = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.Conv2d(4, 4, 3, padding=1))
    branches = nn.Concat(nn.Conv2d(4, 2, 1), nn.Sequential(nn.Conv2d(4, 3, 3, padding=1),
                                                           nn.Tanh()), dim=1)
    return nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.Residual(body), branches,
                         nn.Flatten(), nn.Linear(5 * 4 * 4, 3))


def test_check_gradients_table_covers_parameters_and_merge_nodes():
    st.manual_seed(0)
    model = merge_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x, y = st.randn(3, 2, 4, 4), st.tensor([0, 2, 1])
    report = st.check_gradients(model, x, y)
    assert report.passed, str(report)
    paths = [row["path"] for row in report.rows]
    assert "0.weight" in paths and "1.body.0.weight" in paths and "4.bias" in paths
    assert "1 (Residual)" in paths and "2 (Concat)" in paths
    assert {row["kind"] for row in report.rows} == {"parameter", "merge output"}
    text = str(report)
    assert "max abs err" in text and "all gradients agree" in text
    # the model is left exactly as it was: dtype, values (BatchNorm statistics included), grads
    assert model[0].weight.dtype == st.float32
    for key, value in model.state_dict().items():
        assert np.array_equal(value.numpy(), before[key].numpy()), key
    assert all(p.grad is None for p in model.parameters())


def test_check_gradients_names_the_layers_a_wrong_backward_corrupts():
    st.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 5), WrongSquareLayer(), nn.Linear(5, 3))
    report = st.check_gradients(model, st.randn(6, 4), st.tensor([0, 1, 2, 0, 1, 2]))
    assert not report.passed
    # gradients upstream of the wrong layer are wrong, those downstream are right
    assert report.failed == ["0.weight", "0.bias"]
    assert "FAILED: 0.weight, 0.bias" in str(report)


def test_check_gradients_with_dropout_and_a_custom_loss():
    st.manual_seed(1)
    model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    report = st.check_gradients(model, st.randn(5, 4), st.randn(5, 2),
                                loss_fn=lambda out, target: ((out - target) ** 2).mean())
    assert report.passed, str(report)


@pytest.mark.parametrize("name, shape", [("resnet20", (2, 3, 8, 8)),
                                         ("squeezenet1_1", (2, 3, 33, 33))])
def test_check_gradients_passes_on_zoo_models(name, shape):
    st.manual_seed(0)
    model = getattr(st.models, name)(num_classes=4)
    report = st.check_gradients(model, st.randn(*shape), st.tensor([1, 3]), max_elements=2)
    assert report.passed, str(report)
    assert any(row["kind"] == "merge output" for row in report.rows)


def test_check_gradients_bad_inputs():
    with pytest.raises(ValueError, match="check_gradients: max_elements should be >= 1, got 0"):
        st.check_gradients(nn.Linear(2, 2), st.randn(1, 2), st.tensor([0]), max_elements=0)
    with pytest.raises(ValueError, match="check_gradients: the model has no trainable parameters"):
        st.check_gradients(nn.Sequential(nn.ReLU()), st.randn(1, 2), st.tensor([0]))


@pytest.mark.skipif(st.cuda.is_available(), reason="checks the message given without a GPU")
def test_compare_devices_without_a_gpu_raises():
    with pytest.raises(RuntimeError, match="compare_devices: no CUDA device is visible"):
        st.compare_devices(nn.Linear(2, 2), st.randn(3, 2))


@pytest.mark.skipif(not st.cuda.is_available(), reason="needs a CUDA device")
def test_compare_devices_reports_every_layer():
    st.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
    report = st.compare_devices(model, st.randn(2, 3, 8, 8))
    assert [row["path"] for row in report.rows] == ["0", "1", "2", "3", "(model)"]
    assert all(row["max_abs_diff"] < 1e-3 for row in report.rows), str(report)
    assert model[0].weight.device.type == "cpu"
