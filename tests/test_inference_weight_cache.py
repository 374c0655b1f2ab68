"""Inference keeps what the CPU convolutions derive from a folded Conv+BN weight (Winograd's
transformed weights, the direct kernels' packing) between calls, and a ResNet block's residual add
and ReLU run in place on the folded convolution's output. Both must equal the unfused eval model
(1e-5 relative, float32) on every algorithm and ISA path, and any change to a source tensor
(in place, load_state_dict) must show in the next call."""

import numpy as np
import pytest
import torch

import striate as st
from striate import nn

from helpers import randomize_state


@pytest.fixture(params=["auto", "winograd", "direct", "im2col_gemm"])
def algorithm(request):
    previous = st.backends.cpu.set_conv_algorithm(request.param)
    yield request.param
    st.backends.cpu.set_conv_algorithm(previous)


def unfused(model, x):
    with st.no_grad():
        return model(x).numpy()


def fused(model, x):
    with st.inference_mode():
        y = model(x)
    assert not y.requires_grad
    return y.numpy()


def assert_close(reference, ours, rtol=1e-5):
    scale = np.abs(reference).max()
    error = np.abs(reference - ours).max()
    assert error <= rtol * scale + 1e-12, error / scale


@pytest.mark.parametrize("stride", [1, 2])
def test_cached_forms_follow_every_change(isa, algorithm, stride):
    conv, bn = nn.Conv2d(16, 24, 3, padding=1, stride=stride, bias=True), nn.BatchNorm2d(24)
    model = randomize_state(nn.Sequential(conv, bn), weights=True).eval()
    # Two image sizes: Winograd picks F(4x4) for one and F(2x2) for the other, two cached forms.
    inputs = [st.randn(1, 16, 13, 11), st.randn(2, 16, 6, 6)]
    for x in inputs:
        first = fused(model, x)
        assert_close(unfused(model, x), first)
        np.testing.assert_array_equal(fused(model, x), first)  # the second call reads the cache
    other = nn.Sequential(nn.Conv2d(16, 24, 3, padding=1, stride=stride), nn.BatchNorm2d(24))
    other = randomize_state(other, seed=7, weights=True)
    changes = [
        lambda: conv.weight.mul_(1.5),
        lambda: conv.weight[3, 2, 1, 0].fill_(4.0),  # one element: a view's in-place write
        lambda: conv.bias.add_(0.25),
        lambda: bn.running_mean.add_(0.5),
        lambda: bn.running_var.mul_(2.0),
        lambda: bn.weight.mul_(-1.0),
        lambda: bn.bias.sub_(0.75),
        lambda: model.load_state_dict(other.state_dict()),
    ]
    for change in changes:
        before = fused(model, inputs[0])
        with st.no_grad():
            change()
        for x in inputs:
            ours = fused(model, x)
            assert_close(unfused(model, x), ours)
        assert not np.array_equal(before, fused(model, inputs[0]))


def test_repointed_weight_is_refolded(isa):
    conv, bn = nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
    model = randomize_state(nn.Sequential(conv, bn), weights=True).eval()
    x = st.randn(1, 16, 12, 12)
    fused(model, x)
    conv.weight.data = st.randn(16, 16, 3, 3)  # a new storage
    assert_close(unfused(model, x), fused(model, x))


@pytest.mark.parametrize("shape", [(1, 3, 32, 32), (2, 3, 17, 23), (1, 3, 8, 8)])
def test_resnet20_equals_unfused_and_torch(isa, shape):
    model = randomize_state(st.models.resnet20(num_classes=10), weights=True).eval()
    x = st.randn(*shape)
    reference = unfused(model, x)
    first = fused(model, x)
    assert_close(reference, first)
    np.testing.assert_array_equal(fused(model, x), first)
    from striate.benchmark.nets import NETS

    twin = NETS["resnet20"].build_twin(model).eval()
    with torch.inference_mode():
        theirs = twin(torch.tensor(x.numpy())).numpy()
    assert_close(theirs, first)


@pytest.mark.parametrize("in_channels, out_channels, stride, shortcut", [
    (16, 16, 1, "A"), (16, 32, 2, "A"), (8, 24, 2, "B"), (12, 12, 1, "B"),
])
def test_basic_block_tail_equals_unfused(
    isa, algorithm, in_channels, out_channels, stride, shortcut
):
    block = nn.BasicBlock(in_channels, out_channels, stride=stride, shortcut=shortcut)
    block = randomize_state(block, weights=True).eval()
    for shape in [(1, in_channels, 9, 7), (3, in_channels, 16, 16)]:
        x = st.randn(*shape)
        assert_close(unfused(block, x), fused(block, x))


def test_basic_block_tail_keeps_nan():
    block = randomize_state(nn.BasicBlock(8, 8), weights=True).eval()
    x = st.randn(1, 8, 6, 6)
    x[0, 0, 2, 3] = float("nan")
    reference, ours = unfused(block, x), fused(block, x)
    np.testing.assert_array_equal(np.isnan(reference), np.isnan(ours))
    assert np.isnan(ours).any()
    keep = ~np.isnan(reference)
    assert_close(reference[keep], ours[keep])


def test_hooked_batch_norm_output_is_not_changed_in_place():
    block = randomize_state(nn.BasicBlock(8, 8), weights=True).eval()
    x = st.randn(1, 8, 6, 6)
    with st.no_grad():
        expected = block.bn2(block.conv2(block.relu(block.bn1(block.conv1(x))))).numpy()
    seen = []
    block.bn2.register_forward_hook(lambda module, inputs, output: seen.append(output))
    with st.inference_mode():
        out = block(x)
    assert len(seen) == 1
    assert_close(expected, seen[0].numpy())
    assert_close(unfused(block, x), out.numpy())


def test_block_relu_hook_and_replacement_still_apply():
    block = randomize_state(nn.BasicBlock(8, 8), weights=True).eval()
    x = st.randn(1, 8, 6, 6)
    calls = []
    handle = block.relu.register_forward_hook(lambda module, inputs, output: calls.append(1))
    fused(block, x)
    assert len(calls) == 2  # after bn1 and after the add
    handle.remove()
    block.relu = nn.LeakyReLU(0.5)
    reference = unfused(block, x)
    assert (reference < 0).any()
    assert_close(reference, fused(block, x))


@pytest.mark.parametrize("in_channels, out_channels, stride", [(8, 8, 1), (8, 16, 2)])
def test_profiled_block_equals_unfused(in_channels, out_channels, stride):
    """Under the profiler a shortcut module runs after the convolution (torch's order), and the add
    and ReLU run in place on its output."""
    block = nn.BasicBlock(in_channels, out_channels, stride=stride)
    block = randomize_state(block, weights=True).eval()
    x = st.randn(1, in_channels, 10, 10)
    with st.profiler.profile():
        ours = fused(block, x)
    assert_close(unfused(block, x), ours)
