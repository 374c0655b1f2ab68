"""batch_norm, layer_norm, group_norm, instance_norm, local_response_norm and SqueezeExcite:
float64 gradcheck, PyTorch parity (forward and every gradient), the batch-norm modules' running
statistics over several steps, train/eval behaviour, state_dict round trips and bad inputs."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "batch_norm": "F.batch_norm(x(), None, None, training=True)",
    "instance_norm": "F.instance_norm(x())",
    "layer_norm": "F.layer_norm(x(), [4, 4])",
    "group_norm": "F.group_norm(x(), 3)",
    "local_response_norm": "F.local_response_norm(x(), 2)",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(7)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def positive(*shape, dtype=np.float32):
    return (rng.random(shape) + 0.5).astype(dtype)


# ---- batch_norm (functional) -------------------------------------------------------------

BN_SHAPES = {"NC": (5, 3), "NCL_odd": (3, 5, 7), "NCHW": (2, 4, 5, 3), "NCDHW": (2, 3, 3, 2, 3)}


@pytest.mark.parametrize("shape", BN_SHAPES.values(), ids=BN_SHAPES.keys())
def test_batch_norm_training_gradcheck(shape):
    C = shape[1]
    x = rand(*shape) * 2 + 1
    gradcheck(
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [x, rand(C), rand(C)]
    )


@pytest.mark.parametrize("shape", BN_SHAPES.values(), ids=BN_SHAPES.keys())
def test_batch_norm_eval_gradcheck(shape):
    C = shape[1]
    gradcheck(
        lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=False),
        [rand(*shape), rand(C), positive(C), rand(C), rand(C)],
        requires_grad=[True, False, False, True, True],
    )


@pytest.mark.parametrize("shape", BN_SHAPES.values(), ids=BN_SHAPES.keys())
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_parity(shape, training):
    C = shape[1]
    mean, var = rand(C), positive(C)
    s_mean, s_var = st.tensor(mean.copy()), st.tensor(var.copy())
    t_mean, t_var = torch.tensor(mean.copy()), torch.tensor(var.copy())
    check_parity(
        lambda x, w, b: F.batch_norm(
            x, s_mean, s_var, w, b, training=training, momentum=0.3, eps=1e-3
        ),
        lambda x, w, b: TF.batch_norm(
            x, t_mean, t_var, w, b, training=training, momentum=0.3, eps=1e-3
        ),
        [rand(*shape) * 3 + 2, rand(C), rand(C)],
    )
    # Training updates the running statistics (unbiased variance), evaluation leaves them.
    np.testing.assert_allclose(to_np(s_mean), t_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(s_var), t_var.numpy(), rtol=1e-5, atol=1e-6)
    if not training:
        np.testing.assert_array_equal(to_np(s_mean), mean)


def test_batch_norm_closed_form_backward_matches_composed_ops():
    # dx = gamma * invstd / M * (M dy - sum dy - xhat * sum dy xhat), checked against autograd
    # through torch's elementary ops in float64.
    x = torch.tensor(rand(6, 4, 5, dtype=np.float64), requires_grad=True)
    gamma = rand(4, dtype=np.float64)
    dy = rand(6, 4, 5, dtype=np.float64)
    mean = x.mean(dim=(0, 2), keepdim=True)
    var = x.var(dim=(0, 2), unbiased=False, keepdim=True)
    y = (x - mean) / torch.sqrt(var + 1e-5) * torch.tensor(gamma).view(1, 4, 1)
    (y * torch.tensor(dy)).sum().backward()
    sx = st.tensor(x.detach().numpy(), requires_grad=True)
    out = F.batch_norm(sx, None, None, st.tensor(gamma), None, training=True)
    (out * st.tensor(dy)).sum().backward()
    np.testing.assert_allclose(to_np(sx.grad), x.grad.numpy(), rtol=1e-9, atol=1e-10)


def test_batch_norm_non_contiguous_input():
    x = rand(5, 4, 3)
    check_parity(
        lambda a: F.batch_norm(a.transpose(0, 2), None, None, training=True),
        lambda a: TF.batch_norm(a.transpose(0, 2), None, None, training=True),
        [x],
    )


# ---- BatchNorm modules ----------------------------------------------------------------------

MODULES = [
    (nn.BatchNorm1d, torch.nn.BatchNorm1d, (8, 3)),
    (nn.BatchNorm1d, torch.nn.BatchNorm1d, (4, 3, 5)),
    (nn.BatchNorm2d, torch.nn.BatchNorm2d, (3, 3, 4, 5)),
    (nn.BatchNorm3d, torch.nn.BatchNorm3d, (2, 3, 3, 2, 3)),
]


def copy_params(s_module, t_module):
    with torch.no_grad():
        for name, value in t_module.named_parameters():
            value.copy_(torch.tensor(rand(*value.shape)))
    s_module.load_state_dict({k: st.tensor(v.numpy()) for k, v in t_module.state_dict().items()})


@pytest.mark.parametrize("s_cls,t_cls,shape", MODULES, ids=["1d_NC", "1d_NCL", "2d", "3d"])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_module_running_stats_over_steps(s_cls, t_cls, shape, momentum):
    s_bn, t_bn = s_cls(3, momentum=momentum), t_cls(3, momentum=momentum)
    copy_params(s_bn, t_bn)
    for step in range(4):
        x = rand(*shape) * (step + 1) + step
        sx, tx = st.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        s_out, t_out = s_bn(sx), t_bn(tx)
        np.testing.assert_allclose(to_np(s_out), t_out.detach().numpy(), rtol=1e-5, atol=1e-5)
        dy = rand(*shape)
        (s_out * st.tensor(dy)).sum().backward()
        (t_out * torch.tensor(dy)).sum().backward()
        np.testing.assert_allclose(to_np(sx.grad), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        to_np(s_bn.weight.grad), t_bn.weight.grad.numpy(), rtol=1e-4, atol=1e-4
    )
    np.testing.assert_allclose(to_np(s_bn.bias.grad), t_bn.bias.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        to_np(s_bn.running_mean), t_bn.running_mean.numpy(), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        to_np(s_bn.running_var), t_bn.running_var.numpy(), rtol=1e-5, atol=1e-6
    )
    assert int(s_bn.num_batches_tracked.item()) == 4
    s_bn.eval()
    t_bn.eval()
    x = rand(*shape)
    check_parity(lambda a: s_bn(a), lambda a: t_bn(a), [x])
    before = to_np(s_bn.running_mean)
    s_bn(st.tensor(x))
    np.testing.assert_array_equal(to_np(s_bn.running_mean), before)


def test_batch_norm_no_tracking_uses_batch_stats_in_eval():
    s_bn, t_bn = (
        nn.BatchNorm2d(3, track_running_stats=False),
        torch.nn.BatchNorm2d(3, track_running_stats=False),
    )
    assert s_bn.running_mean is None and "running_mean" not in s_bn.state_dict()
    s_bn.eval()
    t_bn.eval()
    check_parity(lambda a: s_bn(a), lambda a: t_bn(a), [rand(2, 3, 4, 4) * 2 + 1])


def test_batch_norm_without_affine():
    s_bn, t_bn = nn.BatchNorm1d(4, affine=False), torch.nn.BatchNorm1d(4, affine=False)
    assert s_bn.weight is None and len(list(s_bn.parameters())) == 0
    check_parity(lambda a: s_bn(a), lambda a: t_bn(a), [rand(6, 4, 3)])
    np.testing.assert_allclose(to_np(s_bn.running_var), t_bn.running_var.numpy(), rtol=1e-5)


def test_batch_norm_state_dict_round_trip_and_torch_keys():
    s_bn, t_bn = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    for _ in range(2):
        s_bn(st.tensor(rand(2, 3, 4, 4) + 2))
    state = s_bn.state_dict()
    assert list(state.keys()) == list(t_bn.state_dict().keys())
    fresh = nn.BatchNorm2d(3)
    fresh.load_state_dict(state)
    for key in state:
        np.testing.assert_array_equal(to_np(fresh.state_dict()[key]), to_np(state[key]))
    fresh.eval()
    s_bn.eval()
    x = st.tensor(rand(2, 3, 4, 4))
    np.testing.assert_array_equal(to_np(fresh(x)), to_np(s_bn(x)))
    # torch's trained state loads into striate and gives torch's evaluation output.
    for _ in range(3):
        t_bn(torch.tensor(rand(2, 3, 4, 4) * 2))
    t_bn.eval()
    fresh.load_state_dict({k: st.tensor(v.numpy()) for k, v in t_bn.state_dict().items()})
    x = rand(2, 3, 4, 4)
    np.testing.assert_allclose(
        to_np(fresh(st.tensor(x))), t_bn(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6
    )


def test_batch_norm_repr_and_reset():
    bn = nn.BatchNorm2d(4, momentum=None)
    assert (
        repr(bn)
        == "BatchNorm2d(4, eps=1e-05, momentum=None, affine=True, track_running_stats=True)"
    )
    bn(st.tensor(rand(2, 4, 3, 3) + 5))
    bn.reset_running_stats()
    np.testing.assert_array_equal(to_np(bn.running_mean), np.zeros(4, np.float32))
    assert int(bn.num_batches_tracked.item()) == 0


# ---- layer_norm, group_norm, instance_norm ----------------------------------------------------

LN_CONFIGS = {
    "last_dim": ((3, 5), (5,)),
    "two_dims_odd": ((2, 3, 5, 3), (5, 3)),
    "whole": ((4, 7), (4, 7)),
}


@pytest.mark.parametrize("shape,normalized", LN_CONFIGS.values(), ids=LN_CONFIGS.keys())
def test_layer_norm(shape, normalized):
    args = [rand(*shape) * 2 + 1, rand(*normalized), rand(*normalized)]
    gradcheck(lambda x, w, b: F.layer_norm(x, normalized, w, b, eps=1e-5), args)
    check_parity(
        lambda x, w, b: F.layer_norm(x, normalized, w, b),
        lambda x, w, b: TF.layer_norm(x, normalized, w, b),
        args,
    )
    check_parity(
        lambda x: F.layer_norm(x, normalized), lambda x: TF.layer_norm(x, normalized), args[:1]
    )


def test_layer_norm_module():
    s_ln, t_ln = nn.LayerNorm([4, 3]), torch.nn.LayerNorm([4, 3])
    copy_params(s_ln, t_ln)
    assert list(s_ln.state_dict().keys()) == ["weight", "bias"]
    check_parity(lambda a: s_ln(a), lambda a: t_ln(a), [rand(2, 5, 4, 3)])
    s_ln.weight.grad = None
    assert tuple(s_ln.weight.shape) == (4, 3)
    assert nn.LayerNorm(6, elementwise_affine=False).weight is None
    assert nn.LayerNorm(6, bias=False).bias is None


GN_CONFIGS = {
    "NCL_G3": ((2, 6, 5), 3),
    "NCHW_G2_odd": ((3, 4, 3, 5), 2),
    "G1": ((2, 5, 3, 3), 1),
    "G_eq_C": ((2, 4, 7), 4),
}


@pytest.mark.parametrize("shape,groups", GN_CONFIGS.values(), ids=GN_CONFIGS.keys())
def test_group_norm(shape, groups):
    C = shape[1]
    args = [rand(*shape) * 2 - 1, rand(C), rand(C)]
    gradcheck(lambda x, w, b: F.group_norm(x, groups, w, b), args)
    check_parity(
        lambda x, w, b: F.group_norm(x, groups, w, b),
        lambda x, w, b: TF.group_norm(x, groups, w, b),
        args,
    )
    s_gn, t_gn = nn.GroupNorm(groups, C), torch.nn.GroupNorm(groups, C)
    copy_params(s_gn, t_gn)
    check_parity(lambda a: s_gn(a), lambda a: t_gn(a), args[:1])


IN_CONFIGS = {
    "1d": ((2, 3, 7), 3, nn.InstanceNorm1d, torch.nn.InstanceNorm1d),
    "2d_odd": ((2, 3, 5, 3), 3, nn.InstanceNorm2d, torch.nn.InstanceNorm2d),
    "2d_unbatched": ((4, 5, 3), 4, nn.InstanceNorm2d, torch.nn.InstanceNorm2d),
    "1d_unbatched": ((4, 6), 4, nn.InstanceNorm1d, torch.nn.InstanceNorm1d),
}


@pytest.mark.parametrize("shape,C,s_cls,t_cls", IN_CONFIGS.values(), ids=IN_CONFIGS.keys())
@pytest.mark.parametrize("affine", [False, True])
def test_instance_norm(shape, C, s_cls, t_cls, affine):
    s_in, t_in = s_cls(C, affine=affine), t_cls(C, affine=affine)
    if affine:
        copy_params(s_in, t_in)
    else:
        assert len(list(s_in.parameters())) == 0
    x = rand(*shape) * 2 + 1
    check_parity(lambda a: s_in(a), lambda a: t_in(a), [x])
    s_in.eval()
    t_in.eval()
    check_parity(lambda a: s_in(a), lambda a: t_in(a), [x])


@pytest.mark.parametrize("shape", [(2, 3, 7), (2, 3, 5, 3), (1, 2, 3, 2, 2)])
def test_instance_norm_functional(shape):
    C = shape[1]
    args = [rand(*shape) * 2 + 1, rand(C), rand(C)]
    gradcheck(lambda a, w, b: F.instance_norm(a, weight=w, bias=b), args)
    check_parity(
        lambda a, w, b: F.instance_norm(a, weight=w, bias=b),
        lambda a, w, b: TF.instance_norm(a, weight=w, bias=b),
        args,
    )


@pytest.mark.parametrize(
    "s_cls,t_cls,shape",
    [
        (nn.InstanceNorm1d, torch.nn.InstanceNorm1d, (3, 4, 6)),
        (nn.InstanceNorm2d, torch.nn.InstanceNorm2d, (2, 4, 5, 3)),
        (nn.InstanceNorm2d, torch.nn.InstanceNorm2d, (4, 3, 5)),
    ],
    ids=["1d", "2d", "2d_unbatched"],
)
def test_instance_norm_running_stats(s_cls, t_cls, shape):
    s_in, t_in = (
        s_cls(4, affine=True, track_running_stats=True),
        t_cls(4, affine=True, track_running_stats=True),
    )
    assert list(s_in.state_dict().keys()) == list(t_in.state_dict().keys())
    copy_params(s_in, t_in)
    for step in range(3):
        check_parity(lambda a: s_in(a), lambda a: t_in(a), [rand(*shape) * (step + 1) + step])
    np.testing.assert_allclose(
        to_np(s_in.running_mean), t_in.running_mean.numpy(), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        to_np(s_in.running_var), t_in.running_var.numpy(), rtol=1e-5, atol=1e-6
    )
    s_in.eval()
    t_in.eval()
    check_parity(lambda a: s_in(a), lambda a: t_in(a), [rand(*shape)])


def test_instance_norm_functional_running_stats():
    x, mean, var = rand(3, 2, 5) + 1, rand(2), positive(2)
    for use_input_stats in (True, False):
        s_mean, s_var = st.tensor(mean.copy()), st.tensor(var.copy())
        t_mean, t_var = torch.tensor(mean.copy()), torch.tensor(var.copy())
        check_parity(
            lambda a, w: F.instance_norm(a, s_mean, s_var, w, None, use_input_stats, momentum=0.2),
            lambda a, w: TF.instance_norm(a, t_mean, t_var, w, None, use_input_stats, momentum=0.2),
            [x, rand(2)],
        )
        np.testing.assert_allclose(to_np(s_mean), t_mean.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(to_np(s_var), t_var.numpy(), rtol=1e-5, atol=1e-6)
    gradcheck(
        lambda a, w, b: F.instance_norm(
            a,
            st.tensor(mean.astype(np.float64)),
            st.tensor(var.astype(np.float64)),
            w,
            b,
            use_input_stats=False,
        ),
        [x, rand(2), rand(2)],
    )


# ---- local_response_norm ------------------------------------------------------------------------

LRN_CONFIGS = {
    "odd_size": ((2, 7, 4, 3), dict(size=3, alpha=1e-2, beta=0.75, k=1.0)),
    "even_size_3d": ((2, 6, 5), dict(size=4, alpha=0.5, beta=0.5, k=2.0)),
    "5d_size_larger_than_C": ((1, 3, 3, 2, 2), dict(size=5, alpha=0.3, beta=1.2, k=1.5)),
    "defaults": ((2, 5, 3, 3), dict(size=2)),
}


@pytest.mark.parametrize("shape,kwargs", LRN_CONFIGS.values(), ids=LRN_CONFIGS.keys())
def test_local_response_norm(shape, kwargs):
    x = rand(*shape) * 2
    gradcheck(lambda a: F.local_response_norm(a, **kwargs), [x])
    check_parity(
        lambda a: F.local_response_norm(a, **kwargs),
        lambda a: TF.local_response_norm(a, **kwargs),
        [x],
    )
    s_lrn, t_lrn = nn.LocalResponseNorm(**kwargs), torch.nn.LocalResponseNorm(**kwargs)
    check_parity(lambda a: s_lrn(a), lambda a: t_lrn(a), [x])


# ---- SqueezeExcite ---------------------------------------------------------------------------


class TorchSqueezeExcite(torch.nn.Module):
    # torchvision.ops.SqueezeExcitation's structure (avgpool, fc1, ReLU, fc2, sigmoid, rescale).
    def __init__(self, channels, squeeze_channels):
        super().__init__()
        self.avgpool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc1 = torch.nn.Conv2d(channels, squeeze_channels, 1)
        self.fc2 = torch.nn.Conv2d(squeeze_channels, channels, 1)

    def forward(self, x):
        scale = torch.sigmoid(self.fc2(torch.relu(self.fc1(self.avgpool(x)))))
        return x * scale


@pytest.mark.parametrize(
    "channels,reduction,shape",
    [(32, 16, (2, 32, 5, 3)), (6, 4, (3, 6, 4, 4)), (3, 16, (1, 3, 7, 2))],
)
def test_squeeze_excite_parity(channels, reduction, shape):
    se = nn.SqueezeExcite(channels, reduction)
    t_se = TorchSqueezeExcite(channels, max(1, channels // reduction))
    assert list(se.state_dict().keys()) == list(t_se.state_dict().keys())
    copy_params(se, t_se)
    check_parity(lambda a: se(a), lambda a: t_se(a), [rand(*shape)])  # input gradient included
    x = st.tensor(rand(*shape))
    se(x).sum().backward()
    t_x = torch.tensor(to_np(x))
    t_se(t_x).sum().backward()
    for name, param in t_se.named_parameters():
        np.testing.assert_allclose(to_np(se.state_dict()[name]), param.detach().numpy())
    np.testing.assert_allclose(
        to_np(se.fc1.weight.grad), t_se.fc1.weight.grad.numpy(), rtol=1e-4, atol=1e-5
    )
    np.testing.assert_allclose(
        to_np(se.fc2.bias.grad), t_se.fc2.bias.grad.numpy(), rtol=1e-4, atol=1e-5
    )


def test_non_contiguous_inputs():
    x = rand(5, 6, 4)
    check_parity(
        lambda a: F.layer_norm(a.transpose(1, 2), (6,)),
        lambda a: TF.layer_norm(a.transpose(1, 2), (6,)),
        [x],
    )
    check_parity(
        lambda a: F.group_norm(a.transpose(0, 2), 2),
        lambda a: TF.group_norm(a.transpose(0, 2), 2),
        [x],
    )
    check_parity(
        lambda a: F.local_response_norm(a.transpose(0, 2), 3),
        lambda a: TF.local_response_norm(a.transpose(0, 2), 3),
        [x],
    )


def test_batch_norm_momentum_attribute_and_replaced_parameter():
    s_bn, t_bn = nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3)
    s_bn.momentum, t_bn.momentum = 0.5, 0.5
    s_bn.weight = nn.Parameter(st.tensor(np.float32([1.0, 2.0, 3.0])))
    with torch.no_grad():
        t_bn.weight.copy_(torch.tensor([1.0, 2.0, 3.0]))
    check_parity(lambda a: s_bn(a), lambda a: t_bn(a), [rand(6, 3) + 1])
    np.testing.assert_allclose(to_np(s_bn.running_mean), t_bn.running_mean.numpy(), rtol=1e-5)


# ---- bad inputs ------------------------------------------------------------------------------


def test_bad_inputs():
    x = st.tensor(rand(4, 3, 5))
    with pytest.raises(ValueError, match="running_mean of shape \\(3\\)"):
        F.batch_norm(x, st.zeros(4), st.ones(3), training=True)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(st.tensor(rand(1, 3)), None, None, training=True)
    with pytest.raises(ValueError, match="running_mean and running_var when training=False"):
        F.batch_norm(x, None, None, training=False)
    with pytest.raises(ValueError, match="weight of shape \\(3\\)"):
        F.batch_norm(x, None, None, st.ones(2), training=True)
    with pytest.raises(TypeError, match="floating-point"):
        F.batch_norm(st.tensor(np.ones((4, 3), np.int64)), None, None, training=True)
    with pytest.raises(TypeError, match="weight of dtype float32"):
        F.group_norm(x, 3, st.tensor(np.ones(3)))
    with pytest.raises(ValueError, match="expected 4D input, got 3D"):
        nn.BatchNorm2d(3)(x)
    with pytest.raises(ValueError, match="expected 3 channels"):
        nn.BatchNorm1d(3)(st.tensor(rand(4, 5)))
    with pytest.raises(ValueError, match="normalized_shape"):
        F.layer_norm(x, (4,))
    with pytest.raises(ValueError, match="weight of shape"):
        F.layer_norm(x, (5,), st.ones(4))
    with pytest.raises(ValueError, match="divisible by num_groups"):
        F.group_norm(x, 2)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(2, 3)
    with pytest.raises(ValueError, match="num_groups > 0"):
        F.group_norm(x, 0)
    with pytest.raises(ValueError, match="running_mean and running_var when use_input_stats=False"):
        F.instance_norm(x, use_input_stats=False)
    with pytest.raises(ValueError, match="running_var of shape \\(3\\)"):
        F.instance_norm(x, st.zeros(3), st.ones(4))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(st.tensor(rand(2, 3, 1)))
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.InstanceNorm1d(3)(st.tensor(rand(2, 3, 4, 4)))
    with pytest.raises(ValueError, match="size > 0"):
        F.local_response_norm(x, 0)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        F.local_response_norm(st.tensor(rand(3, 4)), 2)
    with pytest.raises(ValueError, match="shape \\(N, 8, H, W\\)"):
        nn.SqueezeExcite(8)(st.tensor(rand(2, 4, 3, 3)))
