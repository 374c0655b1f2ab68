"""The classic merge blocks (Fire, Inception, DenseBlock, Transition, MlpConv, FractalBlock,
Subsampling): each compared with the same block built here in PyTorch (weights copied through the
state dict, outputs and every gradient compared), the DenseBlock's shared buffer against its
per-layer-cat path, and bad inputs with their exception type and message."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import torch
import torch.nn as tnn
import torch.nn.functional as TF
from helpers import to_np

rng = np.random.default_rng(44)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


# ---- the PyTorch references, with striate's child names -----------------------------------------

class TorchFire(tnn.Module):
    def __init__(self, inplanes, squeeze, e1, e3):
        super().__init__()
        self.squeeze = tnn.Conv2d(inplanes, squeeze, 1)
        self.expand1x1 = tnn.Conv2d(squeeze, e1, 1)
        self.expand3x3 = tnn.Conv2d(squeeze, e3, 3, padding=1)

    def forward(self, x):
        x = TF.relu(self.squeeze(x))
        return torch.cat([TF.relu(self.expand1x1(x)), TF.relu(self.expand3x3(x))], 1)


class TorchBasicConv2d(tnn.Module):
    def __init__(self, cin, cout, kernel, padding=0):
        super().__init__()
        self.conv = tnn.Conv2d(cin, cout, kernel, padding=padding, bias=False)
        self.bn = tnn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return TF.relu(self.bn(self.conv(x)))


class TorchInception(tnn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, pool_proj):
        super().__init__()
        self.branch1 = TorchBasicConv2d(cin, c1, 1)
        self.branch2 = tnn.Sequential(TorchBasicConv2d(cin, c3r, 1), TorchBasicConv2d(c3r, c3, 3, 1))
        self.branch3 = tnn.Sequential(TorchBasicConv2d(cin, c5r, 1), TorchBasicConv2d(c5r, c5, 3, 1))
        self.branch4 = tnn.Sequential(tnn.MaxPool2d(3, 1, 1, ceil_mode=True), TorchBasicConv2d(cin, pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class TorchDenseLayer(tnn.Module):
    def __init__(self, cin, growth, bn_size):
        super().__init__()
        self.norm1 = tnn.BatchNorm2d(cin)
        self.conv1 = tnn.Conv2d(cin, bn_size * growth, 1, bias=False)
        self.norm2 = tnn.BatchNorm2d(bn_size * growth)
        self.conv2 = tnn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, features):
        x = self.conv1(TF.relu(self.norm1(torch.cat(features, 1))))
        return self.conv2(TF.relu(self.norm2(x)))


class TorchDenseBlock(tnn.Module):
    def __init__(self, num_layers, cin, growth, bn_size=4):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", TorchDenseLayer(cin + i * growth, growth, bn_size))

    def forward(self, x):
        features = [x]
        for layer in self.children():
            features.append(layer(features))
        return torch.cat(features, 1)


def copy_weights(s_module, t_module):
    state = {k: st.tensor(v.detach().numpy().copy()) for k, v in t_module.state_dict().items()}
    s_module.load_state_dict(state, strict=False)


def compare(s_module, t_module, x, rtol=1e-4, atol=1e-5):
    """Forward + backward of a random projection of the output; outputs, the input's gradient and
    every parameter's gradient must agree."""
    copy_weights(s_module, t_module)
    tx = torch.tensor(x, requires_grad=True)
    sx = st.tensor(x, requires_grad=True)
    t_out = t_module(tx)
    s_out = s_module(sx)
    np.testing.assert_allclose(to_np(s_out), t_out.detach().numpy(), rtol=1e-4, atol=1e-5)
    projection = rand(*t_out.shape)
    (t_out * torch.tensor(projection)).sum().backward()
    (s_out * st.tensor(projection)).sum().backward()
    np.testing.assert_allclose(to_np(sx.grad), tx.grad.numpy(), rtol=rtol, atol=atol)
    s_params = dict(s_module.named_parameters())
    t_params = dict(t_module.named_parameters())
    assert set(t_params) <= set(s_params)
    for name, t_param in t_params.items():
        assert s_params[name].grad is not None, name
        np.testing.assert_allclose(to_np(s_params[name].grad), t_param.grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)


# ---- parity ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("config", [(5, 3, 4, 6, (2, 5, 7, 6)), (8, 4, 6, 2, (1, 8, 5, 9))])
def test_fire_matches_torch(config):
    cin, squeeze, e1, e3, shape = config
    s_fire, t_fire = nn.Fire(cin, squeeze, e1, e3), TorchFire(cin, squeeze, e1, e3)
    compare(s_fire, t_fire, rand(*shape))
    assert set(dict(s_fire.named_parameters())) == set(dict(t_fire.named_parameters()))


@pytest.mark.parametrize("shape", [(2, 6, 7, 7), (1, 6, 5, 8)])
def test_inception_matches_torch(shape):
    s_block, t_block = nn.Inception(6, 4, 3, 5, 2, 3, 2), TorchInception(6, 4, 3, 5, 2, 3, 2)
    compare(s_block, t_block, rand(*shape))
    assert s_block.out_channels == 4 + 5 + 3 + 2
    assert set(dict(s_block.state_dict())) == set(dict(t_block.state_dict()))


@pytest.mark.parametrize("shared_buffer", [True, False])
@pytest.mark.parametrize("config", [(3, 5, 4, (2, 5, 6, 6)), (4, 3, 2, (1, 3, 5, 7))])
def test_dense_block_matches_torch(config, shared_buffer):
    num_layers, cin, growth, shape = config
    s_block = nn.DenseBlock(num_layers, cin, growth, shared_buffer=shared_buffer)
    t_block = TorchDenseBlock(num_layers, cin, growth)
    compare(s_block, t_block, rand(*shape))
    assert s_block.out_channels == cin + num_layers * growth
    assert set(dict(s_block.state_dict())) == set(dict(t_block.state_dict()))


def test_dense_block_double_backward_graph_reuse():
    # Two forwards through the shared buffer before one backward: each forward owns its buffer.
    block = nn.DenseBlock(2, 3, 2)
    x = st.tensor(rand(2, 3, 4, 4), requires_grad=True)
    (block(x).sum() + block(x).sum()).backward()
    reference = nn.DenseBlock(2, 3, 2, shared_buffer=False)
    reference.load_state_dict(block.state_dict())
    y = st.tensor(to_np(x), requires_grad=True)
    (reference(y).sum() + reference(y).sum()).backward()
    np.testing.assert_allclose(to_np(x.grad), to_np(y.grad), rtol=1e-4, atol=1e-5)


def test_transition_matches_torch():
    t_block = tnn.Sequential()
    t_block.add_module("norm", tnn.BatchNorm2d(6))
    t_block.add_module("relu", tnn.ReLU())
    t_block.add_module("conv", tnn.Conv2d(6, 3, 1, bias=False))
    t_block.add_module("pool", tnn.AvgPool2d(2))
    compare(nn.Transition(6, 3), t_block, rand(2, 6, 6, 7))


def test_mlpconv_matches_torch():
    t_block = tnn.Sequential(tnn.Conv2d(3, 6, 3, stride=2, padding=1), tnn.ReLU(), tnn.Conv2d(6, 5, 1), tnn.ReLU(),
                             tnn.Conv2d(5, 4, 1), tnn.ReLU())
    s_block = nn.MlpConv(3, [6, 5, 4], 3, stride=2, padding=1)
    compare(s_block, t_block, rand(2, 3, 9, 8))
    assert s_block.out_channels == 4
    assert "MlpConv" in repr(s_block)


def test_subsampling_matches_formula():
    layer = nn.Subsampling(3)
    x = rand(2, 3, 6, 4)
    weight, bias = to_np(layer.weight), to_np(layer.bias)
    pooled = x.reshape(2, 3, 3, 2, 2, 2).mean(axis=(3, 5))
    expected = 1 / (1 + np.exp(-(pooled * weight[None, :, None, None] + bias[None, :, None, None])))
    np.testing.assert_allclose(to_np(layer(st.tensor(x))), expected, rtol=1e-5, atol=1e-6)


def test_fractal_block_joins_columns_by_mean():
    block = nn.FractalBlock(3, 4, 2)
    block.eval()
    x = st.tensor(rand(2, 3, 5, 5))
    # two columns: deep1 -> deep2 (one conv each), and the shallow conv; joined by their mean
    deep = block.deep2.shallow(block.deep1.shallow(x))
    expected = (to_np(deep) + to_np(block.shallow(x))) / 2
    np.testing.assert_allclose(to_np(block(x)), expected, rtol=1e-5, atol=1e-6)
    assert block(x).shape == (2, 4, 5, 5)
    # three columns: 4 + 2 + 1 convs
    assert sum(1 for name, _ in nn.FractalBlock(3, 4, 3).named_parameters() if name.endswith("0.weight")) == 7


def test_c3_table_in_cpp_matches_python():
    np.testing.assert_array_equal(to_np(st._C._nn._lenet5_c3_table_cpp()), to_np(nn.lenet5_c3_table()))


# ---- bad inputs ----------------------------------------------------------------------------------

def test_fire_rejects_wrong_channels():
    with pytest.raises(ValueError, match=r"Fire: expected input of shape \(N, 5, H, W\)"):
        nn.Fire(5, 2, 2, 2)(st.tensor(rand(1, 4, 3, 3)))


def test_fire_rejects_nonpositive_sizes():
    with pytest.raises(ValueError, match="Fire: expected squeeze_channels to be positive, got 0"):
        nn.Fire(5, 0, 2, 2)


def test_inception_rejects_bad_rank():
    with pytest.raises(ValueError, match="Inception: expected a 4-d input"):
        nn.Inception(3, 1, 1, 1, 1, 1, 1)(st.tensor(rand(3, 4, 4)))


def test_dense_block_rejects_bad_arguments():
    with pytest.raises(ValueError, match="DenseBlock: expected growth_rate to be positive, got -1"):
        nn.DenseBlock(2, 3, -1)
    with pytest.raises(ValueError, match=r"DenseBlock: expected drop_rate in \[0, 1\), got 1.5"):
        nn.DenseBlock(2, 3, 2, drop_rate=1.5)
    with pytest.raises(ValueError, match=r"DenseBlock: expected input of shape \(N, 3, H, W\)"):
        nn.DenseBlock(2, 3, 2)(st.tensor(rand(1, 4, 3, 3)))


def test_mlpconv_rejects_empty_channels():
    with pytest.raises(ValueError, match="MlpConv: expected at least one output channel count"):
        nn.MlpConv(3, [], 3)


def test_fractal_block_rejects_bad_columns():
    with pytest.raises(ValueError, match="FractalBlock: expected num_columns to be positive, got 0"):
        nn.FractalBlock(3, 4, 0)
