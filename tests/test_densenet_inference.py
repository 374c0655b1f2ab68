"""DenseNet at inference (eval + striate.inference_mode): each dense layer runs as one fused chain
(BatchNorm -> ReLU -> 1x1 conv with the second BatchNorm folded -> ReLU -> 3x3 conv, a few samples
at a time) writing into the block's buffer, and each transition pools before its 1x1 conv. Compared
with PyTorch (running statistics and affine parameters randomized, so a fold that dropped any of
them would show), and with the same striate model unfused (no_grad, module by module); the fused
path must step aside for hooks, training and replaced children, and leave training untouched."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import torch
import torch.nn as tnn
import torch.nn.functional as TF
from helpers import to_np, unfused_and_fused

rng = np.random.default_rng(811)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


class TorchDenseLayer(tnn.Module):
    def __init__(self, cin, growth, bn_size, bottleneck=True):
        super().__init__()
        self.norm1 = tnn.BatchNorm2d(cin)
        if bottleneck:
            self.conv1 = tnn.Conv2d(cin, bn_size * growth, 1, bias=False)
            self.norm2 = tnn.BatchNorm2d(bn_size * growth)
            self.conv2 = tnn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)
        else:
            self.conv1 = tnn.Conv2d(cin, growth, 3, padding=1, bias=False)
        self.bottleneck = bottleneck

    def forward(self, x):
        x = self.conv1(TF.relu(self.norm1(x)))
        return self.conv2(TF.relu(self.norm2(x))) if self.bottleneck else x


class TorchDenseBlock(tnn.Module):
    def __init__(self, num_layers, cin, growth, bn_size=4, bottleneck=True):
        super().__init__()
        for i in range(num_layers):
            layer = TorchDenseLayer(cin + i * growth, growth, bn_size, bottleneck)
            self.add_module(f"denselayer{i + 1}", layer)

    def forward(self, x):
        for layer in self.children():
            x = torch.cat([x, layer(x)], 1)
        return x


def torch_transition(cin, cout):
    block = tnn.Sequential()
    block.add_module("norm", tnn.BatchNorm2d(cin))
    block.add_module("relu", tnn.ReLU())
    block.add_module("conv", tnn.Conv2d(cin, cout, 1, bias=False))
    block.add_module("pool", tnn.AvgPool2d(2))
    return block


def randomize(t_module, seed):
    """Running statistics and affine parameters away from their initial values."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in t_module.modules():
            if isinstance(module, tnn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(torch.randn(c, generator=g) * 0.3)
                module.running_var.copy_(torch.rand(c, generator=g) + 0.5)
                module.weight.copy_(torch.rand(c, generator=g) + 0.5)
                module.bias.copy_(torch.randn(c, generator=g) * 0.2)
    return t_module.eval()


def copy_weights(s_module, t_module):
    state = {k: st.tensor(v.detach().numpy().copy()) for k, v in t_module.state_dict().items()}
    s_module.load_state_dict(state, strict=False)
    return s_module.eval()


def to_float64(model):
    """The model's parameters and buffers converted to float64 in place."""
    for module in model.modules():
        for name, tensor in list(module.named_parameters(recurse=False)):
            setattr(module, name, nn.Parameter(tensor.detach().double()))
        for name, tensor in list(module.named_buffers(recurse=False)):
            if tensor.dtype == st.float32:
                setattr(module, name, tensor.double())
    return model


def check(s_module, t_module, x, rtol=1e-4, atol=1e-5):
    """Fused (inference_mode) against PyTorch and against the same module unfused (no_grad)."""
    with torch.no_grad():
        expected = t_module(torch.tensor(x)).numpy()
    unfused, fused = unfused_and_fused(s_module, st.tensor(x))
    scale = np.max(np.abs(expected))
    np.testing.assert_allclose(fused, expected, rtol=rtol, atol=atol * scale)
    np.testing.assert_allclose(fused, unfused, rtol=1e-5, atol=1e-5 * scale)
    return fused


# Channels not multiples of the vector width, odd and tiny maps, batch 1, batches that do not
# divide into the fused path's chunks of samples (1024 pixels: 1 sample at 32x32, 4 at 16x16,
# 16 at 8x8, 41 at 5x5).
@pytest.mark.parametrize("config", [
    (3, 5, 3, (2, 5, 7, 6)),
    (4, 3, 2, (1, 3, 5, 7)),
    (2, 24, 12, (3, 24, 32, 32)),
    (3, 48, 12, (5, 48, 16, 16)),
    (2, 60, 12, (17, 60, 8, 8)),
    (2, 7, 5, (45, 7, 5, 5)),
    (2, 6, 4, (3, 6, 1, 1)),
    (1, 17, 9, (2, 17, 3, 11)),
])
def test_dense_block_inference_matches_torch(config):
    num_layers, cin, growth, shape = config
    t_block = randomize(TorchDenseBlock(num_layers, cin, growth), seed=num_layers * 100 + cin)
    s_block = copy_weights(nn.DenseBlock(num_layers, cin, growth), t_block)
    check(s_block, t_block, rand(*shape))


def test_dense_block_inference_without_bottleneck():
    t_block = randomize(TorchDenseBlock(3, 5, 4, bottleneck=False), seed=3)
    s_block = copy_weights(nn.DenseBlock(3, 5, 4, bottleneck=False), t_block)
    check(s_block, t_block, rand(3, 5, 9, 7))


def test_dense_block_inference_float64():
    t_block = randomize(TorchDenseBlock(2, 6, 4), seed=5).double()
    s_block = to_float64(copy_weights(nn.DenseBlock(2, 6, 4), t_block))
    x = rand(3, 6, 7, 9, dtype=np.float64)
    with torch.no_grad():
        expected = t_block(torch.tensor(x)).numpy()
    with st.inference_mode():
        fused = to_np(s_block(st.tensor(x)))
    assert fused.dtype == np.float64
    np.testing.assert_allclose(fused, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shape", [(2, 6, 6, 7), (1, 8, 9, 9), (5, 12, 32, 32), (3, 20, 2, 3),
                                   (4, 9, 17, 16)])
def test_transition_inference_matches_torch(shape):
    cin = shape[1]
    t_block = randomize(torch_transition(cin, cin // 2 + 1), seed=cin)
    s_block = copy_weights(nn.Transition(cin, cin // 2 + 1), t_block)
    check(s_block, t_block, rand(*shape))


def test_transition_inference_too_small_input_raises_as_modules_do():
    block = nn.Transition(4, 2).eval()
    with st.inference_mode(), pytest.raises(ValueError):
        block(st.tensor(rand(1, 4, 1, 5)))


@pytest.mark.parametrize("batch", [1, 3])
def test_densenet_bc_inference_equals_unfused(batch):
    model = st.models.densenet_bc(depth=40, growth_rate=12)
    stats = np.random.default_rng(7)
    with st.no_grad():
        for name, tensor in model.named_buffers():
            shape = tuple(tensor.shape)
            if name.endswith("running_mean"):
                tensor.copy_(st.tensor((stats.standard_normal(shape) * 0.2).astype(np.float32)))
            elif name.endswith("running_var"):
                tensor.copy_(st.tensor((stats.random(shape) + 0.5).astype(np.float32)))
    model.eval()
    x = st.tensor(rand(batch, 3, 32, 32))
    with st.inference_mode():
        fused = to_np(model(x))
    with st.no_grad():
        unfused = to_np(model(x))
    np.testing.assert_allclose(fused, unfused, rtol=1e-5, atol=1e-5 * np.max(np.abs(unfused)))


def test_hooked_layer_runs_its_modules():
    t_block = randomize(TorchDenseBlock(2, 4, 3), seed=9)
    s_block = copy_weights(nn.DenseBlock(2, 4, 3), t_block)
    calls = []
    hook = lambda module, inputs, output: calls.append(output.shape)  # noqa: E731
    s_block.denselayer2.norm1.register_forward_hook(hook)
    x = rand(2, 4, 5, 5)
    check(s_block, t_block, x)
    assert calls == [(2, 7, 5, 5), (2, 7, 5, 5)]  # the fused and the unfused run both called it


def test_replaced_child_runs_its_modules():
    t_block = randomize(TorchDenseBlock(2, 4, 3), seed=10)
    s_block = copy_weights(nn.DenseBlock(2, 4, 3), t_block)
    t_block.denselayer1.conv2 = tnn.Conv2d(12, 3, 3, padding=1, bias=True)
    s_block.denselayer1.conv2 = nn.Conv2d(12, 3, 3, padding=1)
    copy_weights(s_block, t_block)
    check(s_block, t_block, rand(2, 4, 6, 6))


def test_training_mode_and_autograd_unaffected():
    # In train mode (batch statistics) or with autograd on, the modules run: gradients as PyTorch's.
    t_block = randomize(TorchDenseBlock(2, 5, 3), seed=11).train()
    s_block = copy_weights(nn.DenseBlock(2, 5, 3), t_block).train()
    x = rand(3, 5, 6, 6)
    tx, sx = torch.tensor(x, requires_grad=True), st.tensor(x, requires_grad=True)
    t_out, s_out = t_block(tx), s_block(sx)
    np.testing.assert_allclose(to_np(s_out), t_out.detach().numpy(), rtol=1e-4, atol=1e-5)
    t_out.sum().backward()
    s_out.sum().backward()
    np.testing.assert_allclose(to_np(sx.grad), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    # eval without inference_mode keeps the autograd graph through the shared buffer.
    t_block.eval()
    s_block.eval()
    tx, sx = torch.tensor(x, requires_grad=True), st.tensor(x, requires_grad=True)
    t_block(tx).sum().backward()
    s_block(sx).sum().backward()
    np.testing.assert_allclose(to_np(sx.grad), tx.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_densenet_inference_profile_names_the_fused_chain():
    block = nn.DenseBlock(2, 4, 3).eval()
    with st.profiler.profile() as prof, st.inference_mode():
        block(st.tensor(rand(2, 4, 5, 5)))
    table = prof.table(sort_by="self_time")
    assert "conv2d_forward" in table and "batch_norm_relu_apply" in table


def test_dense_block_inference_two_threads():
    # Chunks of samples spread over the threads (4 samples a chunk at 16x16: 3 chunks here).
    t_block = randomize(TorchDenseBlock(2, 9, 5), seed=12)
    s_block = copy_weights(nn.DenseBlock(2, 9, 5), t_block)
    previous = st.get_num_threads()
    st.set_num_threads(2)
    try:
        check(s_block, t_block, rand(9, 9, 16, 16))
    finally:
        st.set_num_threads(previous)
