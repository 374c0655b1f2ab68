"""Merge blocks of the resnet family (Residual, Concat, Parallel, ZeroPadShortcut, BasicBlock,
Bottleneck incl. grouped and SE, PreActBlock, WideBlock): parity with the same blocks built from
torch.nn layers (weights copied; outputs, input gradients and every parameter gradient), stochastic
depth, and the bad inputs."""

import numpy as np
import pytest
import striate as st
import torch
import torch.nn.functional as F
from striate import nn


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def copy_from_torch(st_module, torch_module):
    state = torch_module.state_dict()
    ours = st_module.state_dict()
    assert list(ours.keys()) == list(state.keys())
    for name, value in state.items():
        assert tuple(ours[name].shape) == tuple(value.shape), name
    st_module.load_state_dict({name: st.tensor(value.numpy()) for name, value in state.items()})


# ---- the same blocks, written with torch.nn layers ---------------------------------------------


def conv(cin, cout, k, stride=1, groups=1):
    return torch.nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False)


class TorchSE(torch.nn.Module):
    def __init__(self, channels, reduction):
        super().__init__()
        self.fc1 = torch.nn.Conv2d(channels, channels // reduction, 1)
        self.fc2 = torch.nn.Conv2d(channels // reduction, channels, 1)

    def forward(self, x):
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3), keepdim=True)))))


class TorchBasicBlock(torch.nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1, self.bn1 = conv(cin, cout, 3, stride), torch.nn.BatchNorm2d(cout)
        self.relu = torch.nn.ReLU()
        self.conv2, self.bn2 = conv(cout, cout, 3), torch.nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = torch.nn.Sequential(conv(cin, cout, 1, stride), torch.nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


class TorchBottleneck(torch.nn.Module):
    def __init__(self, cin, planes, stride=1, groups=1, base_width=64, se_reduction=0):
        super().__init__()
        width = planes * base_width // 64 * groups
        self.conv1, self.bn1 = conv(cin, width, 1), torch.nn.BatchNorm2d(width)
        self.conv2, self.bn2 = conv(width, width, 3, stride, groups), torch.nn.BatchNorm2d(width)
        self.conv3, self.bn3 = conv(width, planes * 4, 1), torch.nn.BatchNorm2d(planes * 4)
        self.se = TorchSE(planes * 4, se_reduction) if se_reduction else None
        self.relu = torch.nn.ReLU()
        self.downsample = None
        if stride != 1 or cin != planes * 4:
            self.downsample = torch.nn.Sequential(conv(cin, planes * 4, 1, stride), torch.nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.se is not None:
            out = self.se(out)
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


class TorchPreAct(torch.nn.Module):
    """PreActBlock, or WideBlock (dropout 0) when wide: the same computation, WRN's child order."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.bn1, self.conv1 = torch.nn.BatchNorm2d(cin), conv(cin, cout, 3, stride)
        self.bn2, self.conv2 = torch.nn.BatchNorm2d(cout), conv(cout, cout, 3)
        self.shortcut = conv(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        activated = F.relu(self.bn1(x))
        skip = self.shortcut(activated) if self.shortcut is not None else x
        return self.conv2(F.relu(self.bn2(self.conv1(activated)))) + skip


class TorchResidual(torch.nn.Module):
    def __init__(self, body, shortcut=None, post=None):
        super().__init__()
        self.body = body
        if shortcut is not None:
            self.shortcut = shortcut
        if post is not None:
            self.post = post

    def forward(self, x):
        out = self.body(x) + (self.shortcut(x) if hasattr(self, "shortcut") else x)
        return self.post(out) if hasattr(self, "post") else out


class TorchBranches(torch.nn.Module):
    def __init__(self, *branches, merge="cat", dim=1):
        super().__init__()
        for i, branch in enumerate(branches):
            self.add_module(str(i), branch)
        self.merge, self.dim = merge, dim

    def forward(self, x):
        outputs = [branch(x) for branch in self.children()]
        return torch.cat(outputs, self.dim) if self.merge == "cat" else sum(outputs)


def check_block_parity(ours, theirs, shape, train=True, seed=0):
    """Copies torch's weights into ours, runs both on the same input, compares the output, the
    input gradient and every parameter gradient."""
    torch.manual_seed(seed)
    for module in theirs.modules():  # non-trivial BN affine parameters and running statistics
        if isinstance(module, torch.nn.BatchNorm2d):
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
    copy_from_torch(ours, theirs)
    ours.train(train)
    theirs.train(train)
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    x_st = st.tensor(x, requires_grad=True)
    x_torch = torch.tensor(x, requires_grad=True)
    y_st, y_torch = ours(x_st), theirs(x_torch)
    np.testing.assert_allclose(to_np(y_st), y_torch.detach().numpy(), rtol=1e-4, atol=1e-4)
    dout = np.random.default_rng(seed + 1).standard_normal(tuple(y_torch.shape)).astype(np.float32)
    (y_st * st.tensor(dout)).sum().backward()
    (y_torch * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(to_np(x_st.grad), x_torch.grad.numpy(), rtol=1e-3, atol=1e-4)
    their_params = dict(theirs.named_parameters())
    our_params = dict(ours.named_parameters())
    assert list(our_params) == list(their_params)
    for name, param in our_params.items():
        assert param.grad is not None, f"{name} has no gradient"
        np.testing.assert_allclose(to_np(param.grad), their_params[name].grad.numpy(), rtol=1e-3, atol=1e-4,
                                   err_msg=name)
    return y_st


@pytest.mark.parametrize("cin,cout,stride,shape", [
    (8, 8, 1, (2, 8, 7, 7)),       # identity shortcut
    (6, 10, 2, (2, 6, 9, 9)),      # projection, odd size
    (4, 12, 1, (3, 4, 5, 6)),      # projection for channels only
])
def test_basic_block_parity(cin, cout, stride, shape):
    check_block_parity(nn.BasicBlock(cin, cout, stride), TorchBasicBlock(cin, cout, stride), shape)


def test_basic_block_parity_eval_uses_running_statistics():
    check_block_parity(nn.BasicBlock(6, 8, 2), TorchBasicBlock(6, 8, 2), (2, 6, 8, 8), train=False)


@pytest.mark.parametrize("cin,planes,stride,groups,base_width,se,shape", [
    (16, 4, 1, 1, 64, 0, (2, 16, 6, 6)),     # identity shortcut
    (8, 4, 2, 1, 64, 0, (2, 8, 9, 9)),       # v1.5: stride on the 3x3
    (16, 16, 2, 4, 8, 0, (2, 16, 7, 7)),      # ResNeXt grouped bottleneck (width 16 * 8 / 64 * 4 = 8)
    (16, 8, 1, 1, 64, 4, (2, 16, 5, 5)),     # SE after bn3
])
def test_bottleneck_parity(cin, planes, stride, groups, base_width, se, shape):
    ours = nn.Bottleneck(cin, planes, stride, groups=groups, base_width=base_width, se_reduction=se)
    theirs = TorchBottleneck(cin, planes, stride, groups, base_width, se)
    check_block_parity(ours, theirs, shape)


def test_bottleneck_layout_is_torchvisions():
    block = nn.Bottleneck(64, 64, stride=2)
    assert nn.Bottleneck.expansion == 4 and nn.BasicBlock.expansion == 1
    assert tuple(block.conv2.weight.shape) == (64, 64, 3, 3)
    assert tuple(block.conv1.weight.shape) == (64, 64, 1, 1)
    assert tuple(block.conv3.weight.shape) == (256, 64, 1, 1)
    grouped = nn.Bottleneck(256, 128, groups=32, base_width=4)
    assert tuple(grouped.conv2.weight.shape) == (256, 8, 3, 3)  # width 128 * 4 / 64 * 32


@pytest.mark.parametrize("cin,cout,stride,shape", [(8, 8, 1, (2, 8, 6, 6)), (4, 8, 2, (2, 4, 7, 7)),
                                                   (5, 7, 1, (3, 5, 4, 5))])
def test_preact_block_parity(cin, cout, stride, shape):
    check_block_parity(nn.PreActBlock(cin, cout, stride), TorchPreAct(cin, cout, stride), shape)


@pytest.mark.parametrize("cin,cout,stride,shape", [(8, 8, 1, (2, 8, 6, 6)), (4, 16, 2, (2, 4, 9, 9)),
                                                   (6, 12, 1, (2, 6, 5, 5))])
def test_wide_block_parity(cin, cout, stride, shape):
    check_block_parity(nn.WideBlock(cin, cout, stride), TorchPreAct(cin, cout, stride), shape)


def test_wide_block_dropout_between_the_convs():
    block = nn.WideBlock(4, 4, dropout=0.3)
    assert [name for name, _ in block.named_children()] == ["bn1", "conv1", "dropout", "bn2", "conv2"]
    assert block.dropout.p == pytest.approx(0.3)
    x = st.tensor(np.random.default_rng(0).standard_normal((2, 4, 5, 5)).astype(np.float32))
    block.eval()
    np.testing.assert_array_equal(to_np(block(x)), to_np(block(x)))  # no dropout in eval


@pytest.mark.parametrize("with_shortcut,with_post", [(False, False), (True, True), (True, False)])
def test_residual_parity(with_shortcut, with_post):
    body = nn.Sequential(nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.Conv2d(6, 6, 3, padding=1))
    torch_body = torch.nn.Sequential(torch.nn.Conv2d(4, 6, 3, padding=1), torch.nn.BatchNorm2d(6), torch.nn.ReLU(),
                                     torch.nn.Conv2d(6, 6, 3, padding=1))
    if not with_shortcut:  # identity shortcut needs matching shapes
        body = nn.Sequential(nn.Conv2d(6, 6, 3, padding=1), nn.ReLU())
        torch_body = torch.nn.Sequential(torch.nn.Conv2d(6, 6, 3, padding=1), torch.nn.ReLU())
    shortcut = nn.Conv2d(4, 6, 1) if with_shortcut else None
    torch_shortcut = torch.nn.Conv2d(4, 6, 1) if with_shortcut else None
    post = nn.ReLU() if with_post else None
    torch_post = torch.nn.ReLU() if with_post else None
    ours = nn.Residual(body, shortcut, post)
    theirs = TorchResidual(torch_body, torch_shortcut, torch_post)
    check_block_parity(ours, theirs, (2, 4 if with_shortcut else 6, 5, 7))


@pytest.mark.parametrize("dim,shape", [(1, (2, 3, 6, 6)), (-1, (2, 3, 5, 5)), (2, (1, 3, 4, 7))])
def test_concat_parity(dim, shape):
    if dim == 1:
        ours = nn.Concat(nn.Conv2d(3, 4, 1), nn.Conv2d(3, 5, 3, padding=1), nn.MaxPool2d(3, 1, 1))
        theirs = TorchBranches(torch.nn.Conv2d(3, 4, 1), torch.nn.Conv2d(3, 5, 3, padding=1),
                               torch.nn.MaxPool2d(3, 1, 1))
    else:
        ours = nn.Concat(nn.Conv2d(3, 4, 3, padding=1), nn.Conv2d(3, 4, 1), dim=dim)
        theirs = TorchBranches(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.Conv2d(3, 4, 1), dim=dim)
    y = check_block_parity(ours, theirs, shape)
    assert ours.dim == dim and y.shape[dim] == (4 + 5 + 3 if dim == 1 else shape[dim] * 2)


@pytest.mark.parametrize("merge", ["cat", "sum"])
def test_parallel_parity(merge):
    ours = nn.Parallel(nn.Conv2d(3, 4, 1), nn.Conv2d(3, 4, 3, padding=1), merge=merge)
    theirs = TorchBranches(torch.nn.Conv2d(3, 4, 1), torch.nn.Conv2d(3, 4, 3, padding=1), merge=merge)
    y = check_block_parity(ours, theirs, (2, 3, 5, 6))
    assert y.shape[1] == (8 if merge == "cat" else 4)


@pytest.mark.parametrize("cin,cout,stride,shape", [(16, 32, 2, (2, 16, 8, 8)), (4, 4, 1, (1, 4, 3, 3)),
                                                   (3, 8, 2, (2, 3, 7, 7))])
def test_zero_pad_shortcut_matches_slicing_and_padding(cin, cout, stride, shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    extra = cout - cin
    expected = F.pad(torch.tensor(x)[:, :, ::stride, ::stride], (0, 0, 0, 0, extra // 2, extra - extra // 2))
    shortcut = nn.ZeroPadShortcut(cin, cout, stride)
    x_st = st.tensor(x, requires_grad=True)
    y = shortcut(x_st)
    np.testing.assert_array_equal(to_np(y), expected.numpy())
    assert list(shortcut.parameters()) == []
    y.sum().backward()
    expected_grad = np.zeros_like(x)
    expected_grad[:, :, ::stride, ::stride] = 1
    np.testing.assert_array_equal(to_np(x_st.grad), expected_grad)


def test_basic_block_option_a_has_no_shortcut_parameters():
    block = nn.BasicBlock(16, 32, 2, shortcut="A")
    assert type(block.downsample).__name__ == "ZeroPadShortcut"
    assert sum(p.numel() for p in block.parameters()) == 16 * 32 * 9 + 32 * 32 * 9 + 4 * 32


def test_residual_drop_path_is_stochastic_depth_on_the_body():
    body = nn.Conv2d(3, 3, 1)
    block = nn.Residual(body, drop_path=0.5)
    x = st.tensor(np.random.default_rng(0).standard_normal((64, 3, 2, 2)).astype(np.float32))
    with st.no_grad():
        body_out = to_np(body(x))
        block.train()
        y = to_np(block(x))
        block.eval()
        y_eval = to_np(block(x))
    xs = to_np(x)
    np.testing.assert_allclose(y_eval, xs + body_out, rtol=1e-6, atol=1e-6)
    dropped = np.all(np.isclose(y, xs, atol=1e-6), axis=(1, 2, 3))
    kept = np.all(np.isclose(y, xs + body_out / 0.5, atol=1e-5), axis=(1, 2, 3))
    assert np.all(dropped | kept) and dropped.any() and kept.any()
    assert block.drop_path == 0.5


# ---- bad inputs ----------------------------------------------------------------------------------


def test_residual_shape_mismatch_names_both_shapes():
    block = nn.Residual(nn.Conv2d(3, 4, 1))
    with pytest.raises(ValueError, match=r"Residual: cannot add .*\[2, 4, 5, 5\].*\[2, 3, 5, 5\]"):
        block(st.zeros(2, 3, 5, 5))


def test_residual_bad_arguments():
    with pytest.raises(TypeError, match="Residual: expected body to be a Module"):
        nn.Residual(None)
    with pytest.raises(ValueError, match=r"Residual: expected drop_path in \[0, 1\)"):
        nn.Residual(nn.ReLU(), drop_path=1.5)


def test_parallel_spatial_mismatch_is_a_clear_error():
    block = nn.Parallel(nn.Conv2d(3, 4, 1), nn.Conv2d(3, 4, 3))
    with pytest.raises(ValueError, match=r"Parallel: branch outputs cannot be merged.*\[2, 4, 6, 6\].*\[2, 4, 4, 4\]"):
        block(st.zeros(2, 3, 6, 6))
    summed = nn.Parallel(nn.Conv2d(3, 4, 1), nn.Conv2d(3, 5, 1), merge="sum")
    with pytest.raises(ValueError, match=r"Parallel: branch outputs cannot be merged"):
        summed(st.zeros(2, 3, 6, 6))


def test_concat_mismatch_and_bad_branches():
    block = nn.Concat(nn.Conv2d(3, 4, 1), nn.Conv2d(3, 4, 3))
    with pytest.raises(ValueError, match=r"Concat: branch outputs cannot be merged"):
        block(st.zeros(1, 3, 5, 5))
    with pytest.raises(TypeError, match=r"Concat: expected branch 1 to be a striate.nn.Module, got int"):
        nn.Concat(nn.ReLU(), 3)
    with pytest.raises(ValueError, match=r"Concat: expected at least one branch"):
        nn.Concat()
    with pytest.raises(IndexError, match=r"Concat: dim 4 is out of range"):
        nn.Concat(nn.ReLU(), dim=4)(st.zeros(1, 2, 3, 3))


def test_parallel_bad_merge():
    with pytest.raises(ValueError, match=r"Parallel: expected merge to be 'cat' or 'sum', got 'mean'"):
        nn.Parallel(nn.ReLU(), merge="mean")


def test_unit_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match=r"BasicBlock: expected stride > 0, got 0"):
        nn.BasicBlock(4, 4, 0)
    with pytest.raises(ValueError, match=r"BasicBlock: expected shortcut 'A' or 'B', got 'C'"):
        nn.BasicBlock(4, 8, 1, shortcut="C")
    with pytest.raises(ValueError, match=r"Bottleneck: expected groups > 0, got -1"):
        nn.Bottleneck(4, 4, groups=-1)
    with pytest.raises(ValueError, match=r"WideBlock: expected dropout in \[0, 1\)"):
        nn.WideBlock(4, 4, dropout=1.0)
    with pytest.raises(ValueError, match=r"ZeroPadShortcut: expected out_channels >= in_channels"):
        nn.ZeroPadShortcut(8, 4)
    with pytest.raises(ValueError, match=r"BasicBlock: expected input of shape \(N, 4, H, W\), "
                                         r"got shape \[2, 3, 5, 5\]"):
        nn.BasicBlock(4, 4)(st.zeros(2, 3, 5, 5))
    with pytest.raises(ValueError, match=r"PreActBlock: expected input of shape \(N, 4, H, W\)"):
        nn.PreActBlock(4, 4)(st.zeros(4, 5, 5))


def test_residual_runs_a_python_module_body():
    class Double(nn.Module):
        def forward(self, x):
            return x * 2

    block = nn.Residual(Double(), post=nn.ReLU())
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(to_np(block(st.tensor(x))), np.maximum(3 * x, 0), rtol=1e-6)
