"""striate.inference_mode: no graph, and Conv2d -> BatchNorm2d (-> ReLU) folded into one
convolution in eval mode (Sequential, the ResNet blocks and stems), equal to the unfused model."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

import striate as st
from striate import nn

from helpers import randomize_state, unfused_and_fused


def to_float64(model):
    """The model's parameters and buffers converted to float64 in place (Module.double() is
    part of the PyTorch-compatibility issue)."""
    for module in model.modules():
        for name, tensor in list(module.named_parameters(recurse=False)):
            setattr(module, name, nn.Parameter(tensor.detach().double()))
        for name, tensor in list(module.named_buffers(recurse=False)):
            if tensor.dtype == st.float32:
                setattr(module, name, tensor.double())
    return model


def assert_close(reference, fused, rtol):
    scale = np.abs(reference).max()
    assert np.abs(reference - fused).max() <= rtol * scale + 1e-12, (
        np.abs(reference - fused).max() / scale
    )


def fused_convolutions(script):
    """The conv2d forward lines a child process logs (STRIATE_LOG_CONV_ALGORITHM=1)."""
    env = dict(os.environ, STRIATE_LOG_CONV_ALGORITHM="1")
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return [
        line for line in result.stderr.splitlines() if line.startswith("striate: conv2d forward")
    ]


# ---- the mode itself ------------------------------------------------------------------------


def test_inference_mode_turns_grad_off_and_restores_both_flags():
    assert st.is_grad_enabled() and not st.is_inference_mode_enabled()
    with st.inference_mode():
        assert st.is_inference_mode_enabled() and not st.is_grad_enabled()
        y = st.ones(2, requires_grad=True) * 2
        assert not y.requires_grad
        with st.inference_mode(False):
            assert not st.is_inference_mode_enabled()
            assert not st.is_grad_enabled()
        assert st.is_inference_mode_enabled()
    assert st.is_grad_enabled() and not st.is_inference_mode_enabled()


def test_inference_mode_as_decorator_and_after_an_exception():
    @st.inference_mode()
    def run():
        return st.is_inference_mode_enabled(), st.is_grad_enabled()

    assert run() == (True, False)
    with pytest.raises(RuntimeError):
        with st.inference_mode():
            raise RuntimeError("boom")
    assert st.is_grad_enabled() and not st.is_inference_mode_enabled()


def test_inference_mode_is_per_thread():
    seen = []
    with st.inference_mode():
        worker = threading.Thread(target=lambda: seen.append(st.is_inference_mode_enabled()))
        worker.start()
        worker.join()
    assert seen == [False]


# ---- folding ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype,rtol", [(st.float32, 1e-5), (st.float64, 1e-12)])
@pytest.mark.parametrize(
    "bias,affine,relu",
    [(True, True, True), (False, True, True), (True, False, False), (False, False, True)],
)
@pytest.mark.parametrize("batch", [1, 7])
def test_sequential_conv_bn_relu_equals_unfused(dtype, rtol, bias, affine, relu, batch):
    layers = [
        nn.Conv2d(5, 12, 3, padding=1, stride=2, bias=bias),
        nn.BatchNorm2d(12, affine=affine),
    ]
    if relu:
        layers.append(nn.ReLU())
    layers += [nn.Conv2d(12, 4, 1), nn.BatchNorm2d(4)]
    model = randomize_state(nn.Sequential(*layers))
    if dtype == st.float64:
        model = to_float64(model)
    x = st.randn(batch, 5, 9, 11, dtype=dtype)
    reference, fused = unfused_and_fused(model, x)
    assert_close(reference, fused, rtol)


def test_sequential_matches_torch_in_inference_mode():
    model = randomize_state(
        nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
    )
    twin = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU()
    )
    twin.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()})
    model.eval()
    twin.eval()
    x = np.random.default_rng(1).standard_normal((4, 3, 10, 10)).astype(np.float32)
    with st.inference_mode():
        ours = model(st.tensor(x)).numpy()
    with torch.inference_mode():
        theirs = twin(torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "make", [lambda: st.models.resnet20(num_classes=10), lambda: st.models.resnet18(num_classes=10)]
)
def test_resnets_equal_unfused(make):
    model = randomize_state(make())
    x = st.randn(3, 3, 32, 32)
    reference, fused = unfused_and_fused(model, x)
    assert_close(reference, fused, 1e-5)


def test_bottleneck_block_equals_unfused():
    block = randomize_state(nn.Bottleneck(16, 4, stride=2))
    reference, fused = unfused_and_fused(block, st.randn(2, 16, 8, 8))
    assert_close(reference, fused, 1e-5)


def test_resnet20_runs_fused_convolutions():
    lines = fused_convolutions(
        "import striate as st\n"
        "m = st.models.resnet20(num_classes=10).eval()\n"
        "with st.inference_mode(): m(st.randn(2, 3, 32, 32))\n"
    )
    relu_lines = [line for line in lines if "+relu" in line]
    # The stem and every block's first conv end in ReLU: six distinct geometries in ResNet-20.
    assert len(relu_lines) == 6, lines


def test_no_fusion_without_inference_mode_or_in_training():
    lines = fused_convolutions(
        "import striate as st\n"
        "m = st.models.resnet20(num_classes=10)\n"
        "with st.inference_mode(): m(st.randn(2, 3, 32, 32))\n"  # training mode: batch statistics
        "m.eval()\n"
        "with st.no_grad(): m(st.randn(2, 3, 32, 32))\n"
    )
    assert lines and not [line for line in lines if "+relu" in line]


def test_training_mode_inside_inference_mode_uses_batch_statistics():
    model = randomize_state(nn.Sequential(nn.Conv2d(3, 6, 3), nn.BatchNorm2d(6), nn.ReLU()))
    x = st.randn(4, 3, 8, 8)
    with st.no_grad():
        reference = model(x).numpy()
    with st.inference_mode():
        ours = model(x).numpy()
    np.testing.assert_allclose(ours, reference, rtol=1e-6, atol=1e-6)


def test_folded_weights_follow_changes_to_any_tensor():
    conv, bn = nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4)
    model = randomize_state(nn.Sequential(conv, bn)).eval()
    x = st.randn(2, 3, 6, 6)
    with st.inference_mode():
        model(x)  # fills the cache
    changes = [
        lambda: conv.weight.mul_(1.5),
        lambda: conv.bias.add_(0.25),
        lambda: bn.running_mean.add_(0.5),
        lambda: bn.running_var.mul_(2.0),
        lambda: bn.weight.mul_(-1.0),
        lambda: bn.bias.sub_(0.75),
    ]
    for change in changes:
        with st.no_grad():
            change()
            reference = model(x).numpy()
        with st.inference_mode():
            fused = model(x).numpy()
        assert_close(reference, fused, 1e-5)
    bn.eps = 0.5  # a plain attribute the fold reads on every call
    with st.no_grad():
        reference = model(x).numpy()
    with st.inference_mode():
        assert_close(reference, model(x).numpy(), 1e-5)


def test_python_subclass_overriding_forward_is_not_fused():
    class Shifted(nn.Conv2d):
        def forward(self, x):
            return super().forward(x) + 100.0

    model = randomize_state(nn.Sequential(Shifted(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU()))
    reference, fused = unfused_and_fused(model, st.randn(2, 3, 6, 6))
    assert_close(reference, fused, 1e-6)


def test_non_relu_activation_after_batch_norm_still_applies():
    model = randomize_state(nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Tanh()))
    reference, fused = unfused_and_fused(model, st.randn(2, 3, 6, 6))
    assert_close(reference, fused, 1e-5)
    assert fused.min() < 0  # tanh, not a ReLU


def test_threads_sharing_a_model_get_the_same_result():
    model = randomize_state(st.models.resnet20(num_classes=10)).eval()
    x = st.randn(2, 3, 32, 32)
    with st.inference_mode():
        expected = model(x).numpy()
    results = [None] * 4

    def work(i):
        with st.inference_mode():
            results[i] = model(x).numpy()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for r in results:
        np.testing.assert_array_equal(r, expected)


def test_gradients_still_flow_outside_inference_mode_after_a_fused_call():
    model = randomize_state(
        nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    ).eval()
    x = st.randn(2, 3, 6, 6, requires_grad=True)
    with st.inference_mode():
        model(x)
    model(x).sum().backward()
    assert x.grad is not None and model[0].weight.grad is not None


# ---- Conv2d -> ReLU without a BatchNorm (VGG, LeNet) -------------------------------------------


@pytest.mark.parametrize("dtype", [st.float32, st.float64])
@pytest.mark.parametrize("bias", [True, False])
def test_sequential_conv_relu_equals_unfused_and_torch(dtype, bias):
    st.manual_seed(3)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=bias), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, bias=bias), nn.ReLU())
    if dtype == st.float64:
        to_float64(model)
    twin = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1, bias=bias), torch.nn.ReLU(),
                               torch.nn.MaxPool2d(2), torch.nn.Conv2d(8, 16, 3, bias=bias),
                               torch.nn.ReLU())
    twin.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()})
    if dtype == st.float64:
        twin.double()
    np_dtype = np.float64 if dtype == st.float64 else np.float32
    x = np.random.default_rng(2).standard_normal((3, 3, 12, 12)).astype(np_dtype)
    reference, fused = unfused_and_fused(model, st.tensor(x))
    np.testing.assert_array_equal(fused, reference)  # the same sums, ReLU applied on writing
    assert (fused == 0).any() and (fused > 0).any()
    with torch.inference_mode():
        theirs = twin.eval()(torch.tensor(x)).numpy()
    tolerance = 1e-5 if dtype == st.float32 else 1e-12
    np.testing.assert_allclose(fused, theirs, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("c, k, kernel, stride, groups, size, batch", [
    (3, 8, 3, 1, 1, 12, 2),     # direct
    (16, 16, 3, 1, 1, 16, 4),   # Winograd-sized
    (8, 8, 1, 1, 1, 9, 3),      # 1x1 as GEMM
    (8, 8, 3, 1, 8, 10, 2),     # depthwise
    (4, 6, 5, 2, 1, 13, 2),     # strided, im2col
    (64, 64, 3, 1, 1, 4, 1),    # batch 1, few pixels
])
def test_fused_conv_relu_keeps_nan_as_torch(c, k, kernel, stride, groups, size, batch):
    # relu(NaN) is NaN in PyTorch and in the relu op; the ReLU fused into a convolution's
    # epilogue must agree on every algorithm (a `y > 0 ? y : 0` epilogue turned NaN into 0).
    st.manual_seed(5)
    model = nn.Sequential(nn.Conv2d(c, k, kernel, stride=stride, padding=kernel // 2,
                                    groups=groups), nn.ReLU())
    twin = torch.nn.Sequential(torch.nn.Conv2d(c, k, kernel, stride=stride,
                                               padding=kernel // 2, groups=groups),
                               torch.nn.ReLU())
    twin.load_state_dict({key: torch.tensor(v.numpy()) for key, v in model.state_dict().items()})
    x = np.random.default_rng(6).standard_normal((batch, c, size, size)).astype(np.float32)
    x[0, 0, size // 2, size // 2] = np.nan
    # unfused: the relu op after the same conv
    reference, fused = unfused_and_fused(model, st.tensor(x))
    with torch.inference_mode():
        theirs = twin.eval()(torch.tensor(x)).numpy()
    assert np.isnan(theirs).any()
    np.testing.assert_array_equal(np.isnan(fused), np.isnan(reference))
    # Every NaN torch's direct sums produce is ours too (a Winograd tile spreads one further).
    assert np.isnan(fused)[np.isnan(theirs)].all()
    finite = ~np.isnan(fused)
    np.testing.assert_allclose(fused[finite], theirs[finite], rtol=1e-4, atol=1e-4)


def test_vgg_and_lenet_run_fused_conv_relu():
    lines = fused_convolutions(
        "import striate as st\n"
        "for m, shape in ((st.models.vgg11(num_classes=10), (1, 3, 32, 32)),\n"
        "                 (st.models.lenet5(), (2, 1, 28, 28))):\n"
        "    m.eval()\n"
        "    with st.inference_mode(): m(st.randn(*shape))\n"
    )
    # VGG-11's 8 convolutions (7 geometries) and LeNet-5's 2, each followed by a ReLU.
    assert len([line for line in lines if "+relu" in line]) == 9, lines
    assert len(lines) == 9, lines


@pytest.mark.parametrize("make, shape", [(lambda: st.models.vgg11(num_classes=10), (2, 3, 32, 32)),
                                         (lambda: st.models.lenet5(), (3, 1, 28, 28))])
def test_vgg_and_lenet_equal_unfused(make, shape):
    st.manual_seed(4)
    model = make()
    reference, fused = unfused_and_fused(model, st.randn(*shape))
    assert_close(reference, fused, 1e-5)


def test_hooked_or_training_conv_relu_is_not_fused():
    seen = []
    model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU())
    model[1].register_forward_hook(lambda module, args, output: seen.append(output))
    model.eval()
    with st.inference_mode():
        out = model(st.randn(1, 2, 5, 5))
    assert len(seen) == 1 and np.array_equal(seen[0].numpy(), out.numpy())
    lines = fused_convolutions(
        "import striate as st\n"
        "m = st.nn.Sequential(st.nn.Conv2d(2, 4, 3), st.nn.ReLU())\n"
        "with st.inference_mode(): m(st.randn(1, 2, 5, 5))\n"  # training mode
        "m.eval()\n"
        "with st.no_grad(): m(st.randn(1, 2, 5, 5))\n"  # no inference mode
    )
    assert lines and not [line for line in lines if "+relu" in line]
