"""Module hooks as PyTorch has them: forward pre-hooks and forward hooks (argument tuples,
replacements, prepend, with_kwargs, removal), full backward hooks and backward pre-hooks (the
module's own share of the gradients, replacements) — on Python modules called from Python and on
built-in children that C++ forwards call (Sequential, the zoo), compared with the same hooks on
the same network in PyTorch; inference-mode fusion never skips a hooked module; bad hooks."""

import copy

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import torch
from helpers import to_np

rng = np.random.default_rng(0)


def twins():
    """The same small CNN in striate and torch, with equal weights."""
    ours = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(4 * 5 * 5, 6),
    )
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 5 * 5, 6),
    )
    for name, tensor in theirs.state_dict().items():
        value = rng.standard_normal(tuple(tensor.shape)).astype(np.float32)
        if "running_var" in name:
            value = np.abs(value) + 0.5
        if "num_batches" in name:
            continue
        tensor.copy_(torch.tensor(value))
        ours.state_dict()[name].copy_(st.tensor(value))
    return ours, theirs


def run_both(ours, theirs, x, backward=False):
    xs = st.tensor(x, requires_grad=backward)
    xt = torch.tensor(x, requires_grad=backward)
    ys, yt = ours(xs), theirs(xt)
    if backward:
        ys.sum().backward()
        yt.sum().backward()
    return ys, yt, xs, xt


def assert_close(a, b, tol=1e-5):
    a = to_np(a) if isinstance(a, st.Tensor) else a
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_forward_hook_on_a_child_of_a_cpp_container_sees_and_replaces_like_torch():
    ours, theirs = twins()
    ours.eval(), theirs.eval()
    seen = {}
    for model, key in ((ours, "st"), (theirs, "torch")):
        model[2].register_forward_hook(
            lambda m, args, out, key=key: seen.update({key: (args, out)})
        )
        model[1].register_forward_hook(lambda m, args, out: out * 0.5)
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    ys, yt, _, _ = run_both(ours, theirs, x)
    assert_close(ys, yt)
    (args_s, out_s), (args_t, out_t) = seen["st"], seen["torch"]
    assert isinstance(args_s, tuple) and len(args_s) == 1
    assert_close(args_s[0], args_t[0])
    assert_close(out_s, out_t)
    assert float(to_np(out_s).min()) >= 0.0  # the ReLU's own output


def test_forward_pre_hook_replaces_the_input_and_prepend_orders_hooks():
    ours, theirs = twins()
    order = []
    for model in (ours, theirs):
        model[0].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        model[0].register_forward_pre_hook(lambda m, args: order.append("second") or None)
        model[0].register_forward_pre_hook(
            lambda m, args: order.append("first") or None, prepend=True
        )
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    ys, yt, _, _ = run_both(ours, theirs, x)
    assert_close(ys, yt, 1e-4)
    assert order == ["first", "second"] * 2


def test_removed_hooks_stop_and_the_handle_is_a_context_manager():
    layer = nn.ReLU()
    calls = []
    handle = layer.register_forward_hook(lambda m, a, o: calls.append(1))
    layer(st.ones(2))
    handle.remove()
    handle.remove()  # a second remove does nothing
    layer(st.ones(2))
    assert calls == [1] and not layer._has_hooks
    with layer.register_forward_pre_hook(lambda m, a: calls.append(2)):
        nn.Sequential(layer)(st.ones(2))
    nn.Sequential(layer)(st.ones(2))
    assert calls == [1, 2] and not layer._has_hooks


def test_hooks_on_a_python_module_with_several_arguments_and_kwargs():
    class Mix(nn.Module):
        def forward(self, a, b, scale=1.0):
            return (a + b) * scale

    class TorchMix(torch.nn.Module):
        def forward(self, a, b, scale=1.0):
            return (a + b) * scale

    results = []
    for module, lib in ((Mix(), st), (TorchMix(), torch)):
        module.register_forward_pre_hook(
            lambda m, args, kwargs: ((args[1], args[0]), {"scale": kwargs["scale"] * 3}),
            with_kwargs=True,
        )
        module.register_forward_hook(
            lambda m, args, kwargs, out: out + kwargs["scale"], with_kwargs=True
        )
        a = lib.tensor(np.array([1.0, 2.0], np.float32))
        b = lib.tensor(np.array([10.0, 20.0], np.float32))
        results.append(module(a, b, scale=2.0))
    assert_close(results[0], results[1])
    assert_close(results[0], np.array([72.0, 138.0], np.float32))


def test_a_hooked_layer_is_not_fused_at_inference():
    ours, _ = twins()
    ours.eval()
    x = st.tensor(rng.standard_normal((2, 3, 5, 5)).astype(np.float32))
    with st.inference_mode():
        plain = ours(x)
    seen = []
    ours[1].register_forward_hook(lambda m, a, o: seen.append(tuple(o.shape)))
    with st.inference_mode():
        hooked = ours(x)
    assert seen == [(2, 4, 5, 5)]
    assert_close(hooked, plain, 1e-5)


def test_full_backward_hook_sees_the_modules_own_gradients_like_torch():
    ours, theirs = twins()
    ours.train(), theirs.train()
    seen = {}
    for model, key in ((ours, "st"), (theirs, "torch")):
        model[4].register_full_backward_hook(
            lambda m, gin, gout, key=key: seen.update({key: (gin, gout)})
        )
        # grad_input of the conv scaled by 0.5: upstream (the input's .grad) sees it.
        model[0].register_full_backward_hook(lambda m, gin, gout: (gin[0] * 0.5,))
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    ys, yt, xs, xt = run_both(ours, theirs, x, backward=True)
    (gin_s, gout_s), (gin_t, gout_t) = seen["st"], seen["torch"]
    assert len(gin_s) == 1 and len(gout_s) == 1
    assert_close(gin_s[0], gin_t[0], 1e-4)
    assert_close(gout_s[0], gout_t[0], 1e-4)
    assert_close(xs.grad, xt.grad, 1e-4)
    assert_close(ours[0].weight.grad, theirs[0].weight.grad, 1e-4)


def test_backward_pre_hook_replaces_grad_output_and_inputs_without_grad_see_none():
    results = []
    for lin, lib in ((nn.Linear(3, 2), st), (torch.nn.Linear(3, 2), torch)):
        with st.no_grad() if lib is st else torch.no_grad():
            lin.weight.copy_(lib.tensor(np.arange(6, dtype=np.float32).reshape(2, 3)))
            lin.bias.fill_(0.0)
        seen = []
        lin.register_full_backward_pre_hook(lambda m, gout: (gout[0] * 10,))
        lin.register_full_backward_hook(lambda m, gin, gout, seen=seen: seen.append(gin))
        x = lib.tensor(np.ones((4, 3), np.float32))  # does not require grad
        lin(x).sum().backward()
        assert len(seen) == 1 and seen[0] == (None,)
        results.append(lin.weight.grad)
    assert_close(results[0], results[1])
    assert_close(results[0], np.full((2, 3), 40.0, np.float32))


def test_hooks_reach_into_the_zoo_and_survive_deepcopy():
    model = st.models.resnet20(num_classes=10)
    model.eval()
    features = []
    model.layer2.register_forward_hook(lambda m, a, out: features.append(tuple(out.shape)))
    x = st.randn(2, 3, 32, 32)
    model(x)
    clone = copy.deepcopy(model)
    clone(x)
    assert features == [(2, 32, 16, 16)] * 2


def test_bad_hooks_raise_clear_errors():
    layer = nn.ReLU()
    with pytest.raises(TypeError, match="ReLU.register_forward_hook: expected a callable hook"):
        layer.register_forward_hook(3)
    with pytest.raises(NotImplementedError, match="always_call=True"):
        layer.register_forward_hook(lambda *a: None, always_call=True)
    layer.register_forward_hook(lambda m, a, o: "text")
    with pytest.raises(
        TypeError, match="forward hook: a hook must return None or a Tensor, got str"
    ):
        nn.Sequential(layer)(st.ones(2))

    def boom(m, a):
        raise KeyError("from the hook")

    other = nn.ReLU()
    other.register_forward_pre_hook(boom)
    with pytest.raises(KeyError, match="from the hook"):
        nn.Sequential(other)(st.ones(2))
