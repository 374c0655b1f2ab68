"""BatchNorm -> ReLU fused into one op (ops/normalization.h batch_norm_relu; nn/fusion.h): the
modules' fused path against the two ops run apart and against PyTorch, forward, every gradient
and the running statistics, in training and evaluation; float64 gradcheck; the runs it must
leave alone (hooks, subclasses, non-ReLU activations); and the blocks that take it."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

bn_relu = st._C._functional._batch_norm_relu

rng = np.random.default_rng(11)

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
        lambda x, w, b: bn_relu(x, s_mean, s_var, w, b, training, 0.2, 1e-4),
        lambda x, w, b: TF.relu(TF.batch_norm(x, t_mean, t_var, w, b, training, 0.2, 1e-4)),
        [rand(*shape) * 2 + 0.5, rand(C), rand(C)],
    )
    np.testing.assert_allclose(to_np(s_mean), t_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(s_var), t_var.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_fused_op_gradcheck_float64(shape):
    C = shape[1]
    gradcheck(lambda x, w, b: bn_relu(x, None, None, w, b, True), [rand(*shape), rand(C), rand(C)])
    gradcheck(
        lambda x, m, v, w, b: bn_relu(x, m, v, w, b, False),
        [rand(*shape), rand(C), rand(C) ** 2 + 0.5, rand(C), rand(C)],
        requires_grad=[True, False, False, True, True],
    )


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_fused_op_equals_the_two_ops(shape):
    C = shape[1]
    arrays = [rand(*shape), rand(C), rand(C), rand(*shape)]

    def run(fn):
        x, w, b = (st.tensor(a, requires_grad=True) for a in arrays[:3])
        y = fn(x, w, b)
        y.backward(st.tensor(arrays[3]))
        return [to_np(t) for t in (y, x.grad, w.grad, b.grad)]

    fused = run(lambda x, w, b: bn_relu(x, None, None, w, b, True))
    apart = run(lambda x, w, b: F.relu(F.batch_norm(x, None, None, w, b, training=True)))
    for a, b in zip(fused, apart):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 4, 9, 7), (5, 2, 2, 3), (6, 3)], ids=["rows", "short", "NC"])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_fused_backward_mask_is_the_forwards_bit_for_bit(isa, shape, training, affine):
    # The fused backward makes the ReLU's mask again from x instead of reading the output: it
    # must pick exactly the elements the forward kept, also those that land on 0 exactly (x equal
    # to the mean, with no shift) and those next to it, and NaN (masked out, as relu(NaN) > 0 is
    # false). Every gradient equals the two ops' bit for bit.
    C = shape[1]
    x = rand(*shape)
    flat = x.reshape(shape[0], C, -1)
    mean, var = rand(C), (rng.random(C) + 0.5).astype(np.float32)
    flat[0, :, 0] = mean  # (x - mean) * scale + 0 == 0 exactly in eval mode
    flat[1, :, -1] = np.nextafter(mean, np.float32(np.inf))
    if not training:
        flat[2, 0, 0] = np.nan
    weight = rand(C) if affine else None
    bias = np.zeros(C, np.float32) if affine else None
    dz = rand(*shape)

    def run(fn):
        xs = st.tensor(x, requires_grad=True)
        params = [None if a is None else st.tensor(a, requires_grad=True) for a in (weight, bias)]
        m, v = (st.tensor(mean.copy()), st.tensor(var.copy())) if not training else (None, None)
        y = fn(xs, m, v, *params)
        y.backward(st.tensor(dz))
        return [to_np(y), to_np(xs.grad)] + [to_np(p.grad) for p in params if p is not None]

    fused = run(lambda x, m, v, w, b: bn_relu(x, m, v, w, b, training))
    apart = run(lambda x, m, v, w, b: F.relu(F.batch_norm(x, m, v, w, b, training=training)))
    for a, b in zip(fused, apart):
        np.testing.assert_array_equal(a, b)


def test_fused_op_without_affine_and_gradients_not_needed():
    x = st.tensor(rand(2, 3, 6, 6), requires_grad=True)
    y = bn_relu(x, None, None, None, None, True)
    expected = F.relu(F.batch_norm(x.detach(), None, None, None, None, training=True))
    np.testing.assert_allclose(to_np(y), to_np(expected), rtol=1e-5, atol=1e-6)
    y.sum().backward()
    assert x.grad is not None
    with st.no_grad():
        assert bn_relu(x, None, None, None, None, True).grad_fn is None


def test_fused_op_bad_inputs_name_the_fused_op():
    with pytest.raises(ValueError, match=r"batch_norm_relu: expected weight of shape \(3\)"):
        bn_relu(st.ones(2, 3, 4, 4), None, None, st.ones(4), None, True)
    with pytest.raises(ValueError, match="batch_norm_relu: expected more than 1 value per channel"):
        bn_relu(st.ones(1, 3), None, None, None, None, True)
    with pytest.raises(TypeError, match="batch_norm_relu: expected a floating-point input"):
        bn_relu(st.ones(2, 3, dtype=st.int64), None, None, None, None, True)


def test_second_backward_through_the_fused_node_raises():
    x = st.tensor(rand(2, 3, 6, 6), requires_grad=True)
    y = bn_relu(x, None, None, None, None, True)
    assert y.grad_fn._name() == "BatchNormReluBackward"
    y.sum().backward()
    with pytest.raises(RuntimeError, match="BatchNormReluBackward"):
        y.sum().backward()


# ---- the modules take the fused path ------------------------------------------------------


def copy_into_torch(model, twin):
    state = model.state_dict()
    twin.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in state.items()})


@pytest.mark.parametrize("momentum", [0.1, None])
def test_sequential_training_steps_match_torch(momentum):
    st.manual_seed(3)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8, momentum=momentum), nn.ReLU(),
        nn.Conv2d(8, 4, 3), nn.BatchNorm2d(4), nn.ReLU(inplace=True), nn.Flatten(),
        nn.Linear(144, 5),
    )
    twin = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8, momentum=momentum),
        torch.nn.ReLU(), torch.nn.Conv2d(8, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(144, 5),
    )
    copy_into_torch(model, twin)
    ours = st.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)
    x, y = rand(6, 3, 8, 8), rng.integers(0, 5, 6)
    for _ in range(3):
        ours.zero_grad()
        out = model(st.tensor(x))
        assert out.grad_fn is not None
        F.cross_entropy(out, st.tensor(y)).backward()
        ours.step()
        theirs.zero_grad()
        TF.cross_entropy(twin(torch.tensor(x)), torch.tensor(y)).backward()
        theirs.step()
    for (name, value), (_, expected) in zip(model.state_dict().items(), twin.state_dict().items()):
        np.testing.assert_allclose(
            to_np(value), expected.numpy(), rtol=2e-4, atol=2e-5, err_msg=name
        )
    model.eval()
    twin.eval()
    with torch.no_grad():
        expected = twin(torch.tensor(x)).numpy()
    np.testing.assert_allclose(to_np(model(st.tensor(x))), expected, rtol=1e-4, atol=1e-5)


def graph_names(t):
    # _name(): our node names (name() is torch's); `kept` holds the nodes shown only for
    # next_functions, so that their ids stay unique while walking.
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


def test_sequential_fuses_only_plain_batch_norm_and_relu():
    fused = nn.Sequential(nn.BatchNorm2d(3), nn.ReLU())
    x = st.tensor(rand(2, 3, 4, 4), requires_grad=True)
    assert "BatchNormReluBackward" in graph_names(fused(x))
    # Another activation, a hook on either module: the modules run one by one.
    others = (
        nn.Sequential(nn.BatchNorm2d(3), nn.ReLU6()),
        nn.Sequential(nn.BatchNorm2d(3), nn.ReLU()),
    )
    for model in others:
        if isinstance(model[1], nn.ReLU):
            model[1].register_forward_hook(lambda m, i, o: None)
        names = graph_names(model(x))
        assert "BatchNormReluBackward" not in names and "BatchNormBackward" in names
    hooked = nn.Sequential(nn.BatchNorm2d(3), nn.ReLU())
    calls = []
    hooked[0].register_forward_hook(lambda m, i, o: calls.append(tuple(o.shape)))
    assert "BatchNormReluBackward" not in graph_names(hooked(x))
    assert calls == [(2, 3, 4, 4)]


def test_fused_modules_are_still_seen_by_summary():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten())
    text = str(st.summary(model, (1, 6, 6)))
    assert "BatchNorm2d" in text and "ReLU" in text


def test_resnet20_training_takes_the_fused_path_and_matches_the_unfused_blocks():
    st.manual_seed(0)
    model = st.models.resnet20(num_classes=10)
    x = st.tensor(rand(2, 3, 16, 16))
    out = model(x)
    names = graph_names(out)
    assert "BatchNormReluBackward" in names
    # The same forward with every ReLU hooked (so nothing fuses) gives the same output.
    st.manual_seed(0)
    reference = st.models.resnet20(num_classes=10)
    reference.load_state_dict(model.state_dict())
    for module in reference.modules():
        if isinstance(module, nn.ReLU):
            module.register_forward_hook(lambda m, i, o: None)
    expected = reference(x)
    assert "BatchNormReluBackward" not in graph_names(expected)
    np.testing.assert_allclose(to_np(out), to_np(expected), rtol=1e-5, atol=1e-5)


def test_densenet_layers_fuse_and_match_the_unfused_layers():
    """DenseLayer runs norm -> relu as one op in training, and conv1 -> norm2 -> relu2 as one
    folded convolution under inference_mode; both agree with the layers run one by one."""
    st.manual_seed(5)
    model = st.models.densenet_bc(depth=16, growth_rate=4, num_classes=10)
    reference = st.models.densenet_bc(depth=16, growth_rate=4, num_classes=10)
    reference.load_state_dict(model.state_dict())
    for module in reference.modules():
        if isinstance(module, nn.ReLU):
            module.register_forward_hook(lambda m, i, o: None)
    x = st.tensor(rand(2, 3, 16, 16))
    out, expected = model(x), reference(x)
    names = graph_names(out)
    assert names.count("BatchNormReluBackward") > 6  # two per dense layer, and the transitions
    assert "BatchNormReluBackward" not in graph_names(expected)
    np.testing.assert_allclose(to_np(out), to_np(expected), rtol=1e-5, atol=1e-5)
    out.sum().backward()
    expected.sum().backward()
    for (name, p), (_, q) in zip(model.named_parameters(), reference.named_parameters()):
        np.testing.assert_allclose(to_np(p.grad), to_np(q.grad), rtol=1e-4, atol=1e-5,
                                   err_msg=name)
    model.eval()
    reference.eval()
    with st.inference_mode():
        folded = model(x)
    with st.no_grad():
        plain = reference(x)
    np.testing.assert_allclose(to_np(folded), to_np(plain), rtol=1e-5, atol=1e-5)
