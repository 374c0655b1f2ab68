"""The residual blocks' tail, relu(batch_norm(x) + r), fused into one op (ops/normalization.h
batch_norm_add_relu; nn/fusion.h fused_bn_add_relu): against the three ops run apart and against
PyTorch (forward, every gradient, running statistics), float64 gradcheck, bad inputs, the runs it
must leave alone (hooks, replaced activations, observed calls of a shortcut module), and the blocks
that take it (BasicBlock, Bottleneck, Residual), with ResNet-20 training steps against PyTorch."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

bn_add_relu = st._C._functional._batch_norm_add_relu

DEVICE_SWEEP = {
    "batch_norm_add_relu": (
        "st._C._functional._batch_norm_add_relu(x(), x(), None, None, None, None, True)"
    ),
}

rng = np.random.default_rng(23)

# L = H x W >= 32 takes the vector row sweeps, shorter rows the scalar channel loops.
SHAPES = {"NCHW_rows": (4, 3, 8, 6), "NCHW_short": (5, 2, 2, 3), "NCL": (3, 4, 7), "NC": (6, 3)}


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("training", [True, False])
def test_fused_op_parity_with_torch(shape, training):
    C = shape[1]
    mean, var = rand(C), (rng.random(C) + 0.5).astype(np.float32)
    s_mean, s_var = st.tensor(mean.copy()), st.tensor(var.copy())
    t_mean, t_var = torch.tensor(mean.copy()), torch.tensor(var.copy())
    check_parity(
        lambda x, r, w, b: bn_add_relu(x, r, s_mean, s_var, w, b, training, 0.2, 1e-4),
        lambda x, r, w, b: TF.relu(TF.batch_norm(x, t_mean, t_var, w, b, training, 0.2, 1e-4) + r),
        [rand(*shape) * 2 + 0.5, rand(*shape), rand(C), rand(C)],
    )
    np.testing.assert_allclose(to_np(s_mean), t_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(s_var), t_var.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_fused_op_gradcheck_float64(shape):
    C = shape[1]
    gradcheck(
        lambda x, r, w, b: bn_add_relu(x, r, None, None, w, b, True),
        [rand(*shape), rand(*shape), rand(C), rand(C)],
    )
    gradcheck(
        lambda x, r, m, v, w, b: bn_add_relu(x, r, m, v, w, b, False),
        [rand(*shape), rand(*shape), rand(C), rand(C) ** 2 + 0.5, rand(C), rand(C)],
        requires_grad=[True, True, False, False, True, True],
    )


def run_with_grads(fn, arrays, requires_grad=(True, True, True, True)):
    x, r, w, b = (
        st.tensor(a, requires_grad=g) for a, g in zip(arrays[:4], requires_grad)
    )
    y = fn(x, r, w, b)
    y.backward(st.tensor(arrays[4]))
    return [to_np(y)] + [to_np(t.grad) if t.grad is not None else None for t in (x, r, w, b)]


def unfused(x, r, w, b):
    return F.relu(F.batch_norm(x, None, None, w, b, training=True) + r)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_op_equals_the_three_ops(shape, dtype):
    C = shape[1]
    arrays = [rand(*shape, dtype=dtype), rand(*shape, dtype=dtype), rand(C, dtype=dtype),
              rand(C, dtype=dtype), rand(*shape, dtype=dtype)]
    fused = run_with_grads(lambda x, r, w, b: bn_add_relu(x, r, None, None, w, b, True), arrays)
    apart = run_with_grads(unfused, arrays)
    # The forward and the residual's gradient round the same steps; the rest within 1e-5.
    np.testing.assert_array_equal(fused[0], apart[0])
    np.testing.assert_array_equal(fused[2], apart[2])
    for a, b in zip(fused, apart):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("requires_grad", [(True, False, True, True), (False, True, False, False)])
def test_only_some_inputs_need_gradients(requires_grad):
    shape = (3, 4, 6, 6)
    arrays = [rand(*shape), rand(*shape), rand(4), rand(4), rand(*shape)]
    fused = run_with_grads(
        lambda x, r, w, b: bn_add_relu(x, r, None, None, w, b, True), arrays, requires_grad
    )
    apart = run_with_grads(unfused, arrays, requires_grad)
    for a, b in zip(fused, apart):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_fallbacks_give_the_three_ops():
    # A residual that broadcasts, and a bfloat16 input: the three ops run (no fused node).
    x = st.tensor(rand(2, 3, 6, 6), requires_grad=True)
    r = st.tensor(rand(3, 1, 1))
    y = bn_add_relu(x, r, None, None, None, None, True)
    assert y.grad_fn._name() != "BatchNormAddReluBackward"
    expected = F.relu(F.batch_norm(x.detach(), None, None, training=True) + r)
    np.testing.assert_allclose(to_np(y), to_np(expected), rtol=1e-5, atol=1e-6)
    xb = st.tensor(rand(2, 3, 6, 6)).to(st.bfloat16)
    yb = bn_add_relu(xb, xb, None, None, None, None, True)
    assert yb.dtype == st.bfloat16
    expected = F.relu(F.batch_norm(xb, None, None, training=True) + xb)
    np.testing.assert_array_equal(to_np(yb.float()), to_np(expected.float()))
    # An empty batch: an empty output, as the three ops give.
    empty = st.ones(0, 3, 4, 4)
    assert bn_add_relu(empty, empty, None, None, None, None, True).shape == (0, 3, 4, 4)


def test_bad_inputs_name_the_fused_op():
    x = st.ones(2, 3, 4, 4)
    op = "batch_norm_add_relu: expected"
    with pytest.raises(ValueError, match=f"{op} a residual tensor, got None"):
        bn_add_relu(x, None, None, None, None, None, True)
    with pytest.raises(ValueError, match=rf"{op} weight of shape \(3\)"):
        bn_add_relu(x, x, None, None, st.ones(4), None, True)
    with pytest.raises(ValueError, match=f"{op} more than 1 value per channel"):
        bn_add_relu(st.ones(1, 3), st.ones(1, 3), None, None, None, None, True)
    ints = st.ones(2, 3, dtype=st.int64)
    with pytest.raises(TypeError, match=f"{op} a floating-point input"):
        bn_add_relu(ints, ints, None, None, None, None, True)
    with pytest.raises(ValueError, match=f"{op} running_mean and running_var when"):
        bn_add_relu(x, x, None, None, None, None, False)
    # A residual that cannot broadcast: the add reports it.
    with pytest.raises(ValueError, match="add"):
        bn_add_relu(x, st.ones(2, 5, 4, 4), None, None, None, None, True)


def test_one_node_shown_as_torchs_three():
    x = st.tensor(rand(2, 3, 6, 6), requires_grad=True)
    r = st.tensor(rand(2, 3, 6, 6), requires_grad=True)
    y = bn_add_relu(x, r, None, None, None, None, True)
    assert y.grad_fn._name() == "BatchNormAddReluBackward"
    assert y.grad_fn.name() == "ReluBackward0"
    (add_node, _), = y.grad_fn.next_functions
    assert add_node.name() == "AddBackward0"
    names = [n.name() if n is not None else None for n, _ in add_node.next_functions]
    assert names == ["NativeBatchNormBackward0", "torch::autograd::AccumulateGrad"]
    y.sum().backward()
    with pytest.raises(RuntimeError, match="BatchNormAddReluBackward"):
        y.sum().backward()


# ---- the blocks take the fused path ---------------------------------------------------------


def graph_names(t):
    names, stack, seen, kept = [], [t.grad_fn], set(), []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        kept.append(node)
        names.append(node._name())
        stack.extend(n for n, _ in node.next_functions)
    return names


def unfused_copy(model, factory):
    """The same model with every ReLU hooked, so that nothing fuses."""
    reference = factory()
    reference.load_state_dict(model.state_dict())
    for module in reference.modules():
        if isinstance(module, nn.ReLU):
            module.register_forward_hook(lambda m, i, o: None)
    return reference


def compare_step(model, reference, x):
    """Forward, backward of a fixed weighting of the output, all parameter gradients and the
    running statistics after one training step, fused model against the unfused one."""
    model.zero_grad()
    out = model(x)
    weights = st.tensor(rand(*out.shape))
    (out * weights).sum().backward()
    expected = reference(x)
    (expected * weights).sum().backward()
    np.testing.assert_allclose(to_np(out), to_np(expected), rtol=1e-5, atol=1e-5)
    for (name, p), (_, q) in zip(model.named_parameters(), reference.named_parameters()):
        np.testing.assert_allclose(to_np(p.grad), to_np(q.grad), rtol=1e-4, atol=1e-5, err_msg=name)
    for (name, a), (_, b) in zip(model.named_buffers(), reference.named_buffers()):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-5, atol=1e-6, err_msg=name)
    return out, expected


def test_resnet20_fuses_every_block_tail_and_matches_the_unfused_blocks():
    st.manual_seed(0)

    def factory():
        return st.models.resnet20(num_classes=10)

    model = factory()
    reference = unfused_copy(model, factory)
    x = st.tensor(rand(4, 3, 16, 16))
    out, expected = compare_step(model, reference, x)
    names = graph_names(out)
    assert names.count("BatchNormAddReluBackward") == 9  # every BasicBlock, downsampling ones too
    assert "BatchNormAddReluBackward" not in graph_names(expected)
    # Evaluation (running statistics, no inference mode) fuses too, and agrees.
    model.eval()
    reference.eval()
    with st.no_grad():
        np.testing.assert_allclose(to_np(model(x)), to_np(reference(x)), rtol=1e-5, atol=1e-5)


def test_bottleneck_and_residual_fuse_and_match():
    st.manual_seed(1)

    def bottleneck():
        return nn.Sequential(nn.Bottleneck(8, 4, stride=2), nn.Bottleneck(16, 4))

    model = bottleneck()
    x = st.tensor(rand(2, 8, 8, 8))
    out, _ = compare_step(model, unfused_copy(model, bottleneck), x)
    assert graph_names(out).count("BatchNormAddReluBackward") == 2

    def residual():
        body = nn.Sequential(
            nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
            nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4),
        )
        return nn.Residual(body, nn.Conv2d(4, 4, 1), nn.ReLU())

    st.manual_seed(2)
    model = residual()
    x = st.tensor(rand(2, 4, 6, 6))
    out, _ = compare_step(model, unfused_copy(model, residual), x)
    assert "BatchNormAddReluBackward" in graph_names(out)


def test_resnet20_training_steps_match_torch():
    """Three SGD steps against the PyTorch twin: the losses, the first step's gradients and the
    running statistics. (Weights drift apart by a few 1e-3 after a few steps at this batch of 8
    whether or not the tails fuse: the fused and unfused models give the same bits.)"""
    from striate.benchmark import twins

    st.manual_seed(4)
    model = st.models.resnet20(num_classes=10)
    twin = twins.resnet20(num_classes=10)
    state = model.state_dict()
    twin.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in state.items()})
    ours = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    theirs = torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.9)
    x, y = rand(8, 3, 16, 16), rng.integers(0, 10, 8)
    for step in range(3):
        ours.zero_grad()
        out = model(st.tensor(x))
        assert graph_names(out).count("BatchNormAddReluBackward") == 9
        loss = F.cross_entropy(out, st.tensor(y))
        loss.backward()
        theirs.zero_grad()
        expected = TF.cross_entropy(twin(torch.tensor(x)), torch.tensor(y))
        expected.backward()
        np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-5)
        if step == 0:
            grads = dict(twin.named_parameters())
            for name, p in model.named_parameters():
                g = grads[name].grad.numpy()
                np.testing.assert_allclose(to_np(p.grad), g, rtol=1e-3,
                                           atol=1e-4 * np.abs(g).max(), err_msg=name)
            for name, b in twin.named_buffers():
                if "running" in name:
                    np.testing.assert_allclose(to_np(model.state_dict()[name]), b.numpy(),
                                               rtol=1e-4, atol=1e-6, err_msg=name)
        ours.step()
        theirs.step()


def test_observed_or_hooked_blocks_keep_torchs_call_order():
    """Fusing runs the shortcut before bn2; a block whose shortcut is a module fuses only when
    nobody could see that order, so hooks and summaries list bn2 before the shortcut."""
    block = nn.BasicBlock(4, 8, stride=2)
    x = st.tensor(rand(2, 4, 8, 8))
    order = []
    for name, module in block.named_children():
        module.register_forward_hook(lambda m, i, o, name=name: order.append(name))
    block(x)
    assert order == ["conv1", "bn1", "relu", "conv2", "bn2", "downsample", "relu"]
    # A block without a shortcut module fuses also while hooks listen: they still hear every call.
    block = nn.BasicBlock(4, 4)
    order = []
    for name in ("conv2", "bn2"):
        getattr(block, name).register_forward_hook(lambda m, i, o, name=name: order.append(name))
    block(st.tensor(rand(2, 4, 8, 8)))
    assert order == ["conv2", "bn2"]
    text = str(st.summary(nn.BasicBlock(4, 8, stride=2), (4, 8, 8)))
    assert text.index("bn2") < text.index("downsample")


def test_replaced_activation_or_hooked_batch_norm_runs_the_modules():
    block = nn.BasicBlock(4, 4)
    block.relu = nn.ReLU6()
    x = st.tensor(rand(2, 4, 6, 6), requires_grad=True)
    assert "BatchNormAddReluBackward" not in graph_names(block(x))
    block = nn.BasicBlock(4, 4)
    seen = []
    block.bn2.register_forward_hook(lambda m, i, o: seen.append(float(o.min())))
    assert "BatchNormAddReluBackward" not in graph_names(block(x))
    assert seen and seen[0] < 0  # bn2's own output, before the sum and the ReLU


def test_profiler_sees_the_fused_kernels():
    model = st.models.resnet20(num_classes=10)
    x = st.tensor(rand(2, 3, 16, 16))
    with st.profiler.profile() as prof:
        F.cross_entropy(model(x), st.tensor(rng.integers(0, 10, 2))).backward()
    names = {e.name for e in prof.events()}
    assert {"batch_norm_add_relu_apply", "batch_norm_add_relu_backward"} <= names
