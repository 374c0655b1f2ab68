"""Backward nodes as PyTorch shows them: grad_fn.name() and the repr are torch's (MulBackward0,
ConvolutionBackward0, torch::autograd::AccumulateGrad), each loss records ONE named node, and
grad_fn.next_functions walks like torch's. The same small CNNs are walked in both libraries and the
sequences of node names compared; losses keep torch's gradients through their one node."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
from helpers import check_parity, gradcheck

torch = pytest.importorskip("torch")
tnn = torch.nn
tF = torch.nn.functional
F = st.nn.functional


def walk(root):
    """Depth-first, in next_functions order: (name(), input_nr) per visit; a node reached twice
    is listed once, then named again as a back reference."""
    out, seen, kept = [], set(), []

    def visit(node, input_nr):
        if node is None:
            out.append((None, input_nr))
            return
        kept.append(node)  # keeps the ids of the nodes shown for next_functions unique
        if id(node) in seen:
            out.append(("seen " + node.name(), input_nr))
            return
        seen.add(id(node))
        out.append((node.name(), input_nr))
        for child, nr in node.next_functions:
            visit(child, nr)

    visit(root, 0)
    return out


def copy_weights(st_model, torch_model):
    torch_state = torch_model.state_dict()
    st_model.load_state_dict({k: torch_state[k] for k in st_model.state_dict()})


def twin_cnns(batch_norm):
    def build(lib):
        layers = [lib.Conv2d(1, 4, 3, padding=1)]
        if batch_norm:
            layers.append(lib.BatchNorm2d(4))
        layers += [lib.ReLU(), lib.MaxPool2d(2), lib.Conv2d(4, 6, 3), lib.ReLU(), lib.Flatten(),
                   lib.Linear(6 * 2 * 2, 16), lib.ReLU(), lib.Linear(16, 5)]
        return lib.Sequential(*layers)

    torch.manual_seed(0)
    torch_model = build(tnn)
    st_model = build(nn)
    copy_weights(st_model, torch_model)
    return st_model, torch_model


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_log_softmax", "mse_softmax"])
def test_a_small_cnn_walks_like_torch(batch_norm, loss):
    st_model, torch_model = twin_cnns(batch_norm)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 1, 8, 8)).astype(np.float32)
    labels = np.array([0, 4, 2])
    onehot = np.eye(5, dtype=np.float32)[labels]

    def losses(lib_f, out, y, t):
        if loss == "cross_entropy":
            return lib_f.cross_entropy(out, y)
        if loss == "nll_log_softmax":
            return lib_f.nll_loss(lib_f.log_softmax(out, dim=1), y)
        return lib_f.mse_loss(lib_f.softmax(out, dim=1), t)

    st_loss = losses(F, st_model(st.tensor(x)), st.tensor(labels), st.tensor(onehot))
    torch_loss = losses(tF, torch_model(torch.tensor(x)), torch.tensor(labels),
                        torch.tensor(onehot))
    assert walk(st_loss.grad_fn) == walk(torch_loss.grad_fn)
    # the walk is over a graph that still runs: the same loss and the same gradients
    np.testing.assert_allclose(st_loss.item(), torch_loss.item(), rtol=1e-5)
    st_loss.backward()
    torch_loss.backward()
    for (name, p), (_, q) in zip(st_model.named_parameters(), torch_model.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-6,
                                   err_msg=name)


X = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
T = np.random.default_rng(3).standard_normal((4, 3)).astype(np.float32)
P = np.random.default_rng(4).uniform(0.1, 0.9, (4, 3)).astype(np.float32)
Y = np.array([0, 2, 1, 2])

# name: (call(lib functional, x, targets...), the target arrays)
LOSSES = {
    "mse_loss": (lambda f, x, t: f.mse_loss(x, t), [T]),
    "mse_loss_none": (lambda f, x, t: f.mse_loss(x, t, reduction="none"), [T]),
    "mse_loss_sum": (lambda f, x, t: f.mse_loss(x, t, reduction="sum"), [T]),
    "smooth_l1_loss": (lambda f, x, t: f.smooth_l1_loss(x, t, beta=0.5), [T]),
    "huber_loss": (lambda f, x, t: f.huber_loss(x, t, delta=0.7), [T]),
    "l1_loss": (lambda f, x, t: f.l1_loss(x, t), [T]),  # torch composes it too: MeanBackward0
    "binary_cross_entropy": (lambda f, x, p: f.binary_cross_entropy(x.sigmoid(), p), [P]),
    "binary_cross_entropy_with_logits": (
        lambda f, x, p: f.binary_cross_entropy_with_logits(x, p), [P]),
    "cross_entropy": (lambda f, x, y: f.cross_entropy(x, y), [Y]),
    "cross_entropy_sum": (lambda f, x, y: f.cross_entropy(x, y, reduction="sum"), [Y]),
    "nll_loss": (lambda f, x, y: f.nll_loss(x, y), [Y]),
    "multi_margin_loss": (lambda f, x, y: f.multi_margin_loss(x, y), [Y]),
}


def _lib_tensors(lib, arrays):
    return [lib.tensor(a) for a in arrays]


@pytest.mark.parametrize("name", list(LOSSES))
def test_each_loss_records_one_named_node_as_torch(name):
    call, targets = LOSSES[name]
    st_x = st.tensor(X, requires_grad=True)
    torch_x = torch.tensor(X, requires_grad=True)
    st_out = call(F, st_x, *_lib_tensors(st, targets))
    torch_out = call(tF, torch_x, *_lib_tensors(torch, targets))
    assert walk(st_out.grad_fn) == walk(torch_out.grad_fn)


@pytest.mark.parametrize("name", list(LOSSES))
def test_each_loss_keeps_torch_gradients(name):
    call, targets = LOSSES[name]
    check_parity(lambda x, *t: call(F, x, *t), lambda x, *t: call(tF, x, *t), [X] + targets,
                 requires_grad=[True] + [False] * len(targets))


@pytest.mark.parametrize("name", ["mse_loss", "huber_loss", "smooth_l1_loss"])
def test_regression_losses_through_one_node_pass_gradcheck_in_both_inputs(name):
    call, targets = LOSSES[name]
    gradcheck(lambda x, t: call(F, x, t), [X.astype(np.float64), targets[0].astype(np.float64)])


def test_node_names_of_common_ops_match_torch():
    data = np.random.default_rng(5).standard_normal((2, 3, 4, 4)).astype(np.float32)
    calls = {
        "add": lambda m, z: z + 1, "mul": lambda m, z: z * 2, "div": lambda m, z: z / 2,
        "sub": lambda m, z: z - z, "neg": lambda m, z: -z, "exp": lambda m, z: z.exp(),
        "sum": lambda m, z: z.sum(), "sum_dim": lambda m, z: z.sum(1),
        "mean": lambda m, z: z.mean(),
        "mean_dims": lambda m, z: z.mean((2, 3)), "max": lambda m, z: z.max(),
        "max_dim": lambda m, z: z.max(1)[0], "relu": lambda m, z: m.nn.functional.relu(z),
        "sigmoid": lambda m, z: m.sigmoid(z), "tanh": lambda m, z: m.tanh(z),
        "softmax": lambda m, z: m.nn.functional.softmax(z, dim=1),
        "log_softmax": lambda m, z: m.nn.functional.log_softmax(z, dim=1),
        "max_pool2d": lambda m, z: m.nn.functional.max_pool2d(z, 2),
        "avg_pool2d": lambda m, z: m.nn.functional.avg_pool2d(z, 2),
        "adaptive_avg_pool2d": lambda m, z: m.nn.functional.adaptive_avg_pool2d(z, 2),
        "cat": lambda m, z: m.cat([z, z]), "permute": lambda m, z: z.permute(0, 2, 3, 1),
        "flatten": lambda m, z: z.flatten(1), "view": lambda m, z: z.view(2, -1),
        "clamp": lambda m, z: z.clamp(0, 1), "where": lambda m, z: m.where(z > 0, z, z),
        "layer_norm": lambda m, z: m.nn.functional.layer_norm(z, (4,)),
        "group_norm": lambda m, z: m.nn.functional.group_norm(z, 1),
        "gelu": lambda m, z: m.nn.functional.gelu(z), "selu": lambda m, z: m.nn.functional.selu(z),
        "to_double": lambda m, z: z.to(m.float64),
    }
    for name, call in calls.items():
        st_out = call(st, st.tensor(data, requires_grad=True))
        torch_out = call(torch, torch.tensor(data, requires_grad=True))
        assert walk(st_out.grad_fn) == walk(torch_out.grad_fn), name


def test_linear_shows_addmm_mm_and_views_as_torch():
    w = np.random.default_rng(6).standard_normal((5, 3)).astype(np.float32)
    b = np.zeros(5, np.float32)
    for shape in [(4, 3), (2, 4, 3)]:
        x = np.ones(shape, np.float32)
        for bias in (b, None):
            for grads in [(True, True, True), (False, True, True), (True, False, False)]:
                def make(lib):
                    xs = lib.tensor(x, requires_grad=grads[0])
                    ws = lib.tensor(w, requires_grad=grads[1])
                    bs = None if bias is None else lib.tensor(bias, requires_grad=grads[2])
                    return lib.nn.functional.linear(xs, ws, bs)

                assert walk(make(st).grad_fn) == walk(make(torch).grad_fn), \
                    (shape, bias is None, grads)


def test_types_repr_and_leaves():
    x = st.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    node = y.grad_fn
    assert node.name() == "MulBackward0"
    assert isinstance(node, st._C._autograd.Node)
    assert repr(node).startswith("<MulBackward0 object at 0x")
    assert "grad_fn=<MulBackward0>" in repr(y)
    (accumulate, nr), (constant, _) = node.next_functions
    assert nr == 0 and constant is None
    assert accumulate.name() == "torch::autograd::AccumulateGrad"  # as torch names it
    assert repr(accumulate).startswith("<AccumulateGrad object at 0x")  # torch's class name
    assert x.grad_fn is None and y.grad_fn is node  # the same object each time
    assert node._name() == "MulBackward"  # ours, as the profiler records it


def test_python_function_nodes_keep_their_class_name():
    class Square(st.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    y = Square.apply(st.tensor([3.0], requires_grad=True))
    assert y.grad_fn.name() == "SquareBackward"
    assert type(y.grad_fn).__name__ == "SquareBackward"
    assert isinstance(y.grad_fn, st.autograd.Node)


def test_a_loss_node_frees_its_graph_and_says_so_on_a_second_backward():
    x = st.tensor(X, requires_grad=True)
    loss = F.mse_loss(x, st.tensor(T))
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first, rtol=1e-6)
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


def test_loss_inputs_are_still_checked_with_their_messages():
    with pytest.raises(ValueError, match="mse_loss"):
        F.mse_loss(st.zeros(2, 3, requires_grad=True), st.zeros(4, 3))
    with pytest.raises(IndexError, match="cross_entropy: target label 5 is out of range"):
        F.cross_entropy(st.zeros(2, 3, requires_grad=True), st.tensor([0, 5]))
    with pytest.raises(ValueError, match="nll_loss"):
        F.nll_loss(st.zeros(2, 3, requires_grad=True), st.tensor([0, 1, 2]))


def test_in_place_change_of_a_saved_input_is_reported_through_a_loss_node():
    x = st.tensor(X, requires_grad=True)
    h = x * 1
    loss = F.mse_loss(h * h, st.tensor(T))
    with st.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def _types(root):
    """(type name, repr's name) of every node, depth-first in next_functions order."""
    out, seen, kept = [], set(), []

    def visit(node):
        if node is None or id(node) in seen:
            return
        kept.append(node)
        seen.add(id(node))
        out.append((type(node).__name__, repr(node).split(" object at 0x")[0]))
        for child, _ in node.next_functions:
            visit(child)

    visit(root)
    return out


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
def test_node_classes_and_reprs_are_torchs_on_a_small_cnn(batch_norm):
    st_model, torch_model = twin_cnns(batch_norm)
    x = np.random.default_rng(1).standard_normal((3, 1, 8, 8)).astype(np.float32)
    onehot = np.eye(5, dtype=np.float32)[[0, 4, 2]]
    st_loss = F.mse_loss(st_model(st.tensor(x)), st.tensor(onehot))
    torch_loss = tF.mse_loss(torch_model(torch.tensor(x)), torch.tensor(onehot))
    assert type(st_loss.grad_fn).__name__ == type(torch_loss.grad_fn).__name__ == \
        "MseLossBackward0"
    ours, theirs = _types(st_loss.grad_fn), _types(torch_loss.grad_fn)
    assert ours == theirs
    assert ("AccumulateGrad", "<AccumulateGrad") in ours
    for node in _nodes(st_loss.grad_fn):
        assert isinstance(node, st.autograd.Node)
        assert type(node).__module__ == "builtins"  # <class 'MseLossBackward0'>, as torch
        assert repr(type(node)) == f"<class '{node.name().split('::')[-1]}'>"


def _nodes(root):
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        if node is None or any(node is seen for seen in out):
            continue
        out.append(node)
        stack.extend(child for child, _ in node.next_functions)
    return out


def test_one_class_per_name_kept_and_no_attributes_leak():
    a = st.tensor([1.0], requires_grad=True)
    first, second = (a * 2).grad_fn, (a * 3).grad_fn
    assert type(first) is type(second)  # made once, then reused
    assert type(first) is not type((a + 1).grad_fn)
    assert type(first).__mro__[1] is st.autograd.Node
    # a node object dropped and fetched again comes back with its class
    y = a * 4
    del first
    assert type(y.grad_fn).__name__ == "MulBackward0"
    import gc
    import sys

    counts = []
    for _ in range(3):
        for _ in range(200):
            (a * 2).grad_fn.next_functions  # noqa: B018
        gc.collect()
        counts.append(sys.getrefcount(st.autograd.Node))
    assert counts[0] == counts[-1]
