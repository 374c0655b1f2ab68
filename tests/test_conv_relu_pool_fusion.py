"""Inference-time fusion of Conv2d -> ReLU -> MaxPool2d(2) (one kernel writing the pooled maps:
kernels/cpu/conv_direct_pool.cpp) and of Linear -> ReLU (the ReLU in place) inside a Sequential.
The fused results must equal the unfused modules' exactly (the same sums; bias + ReLU before the
window's max) and PyTorch's within float32 rounding, on every ISA path, at 1 and 2 threads, on
shapes with odd sizes, padding, stride 2, batch 1 and odd batches, with and without bias."""

import os
import subprocess
import sys

import numpy as np
import pytest
import striate as st
import torch
from striate import nn

from helpers import unfused_and_fused

@pytest.fixture(params=[1, 2])
def threads(request):
    previous = st.get_num_threads()
    st.set_num_threads(request.param)
    yield request.param
    st.set_num_threads(previous)


def torch_twin(model, layers):
    twin = torch.nn.Sequential(*layers)
    twin.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()})
    return twin.eval()


def check_conv_relu_pool(C, K, size, kernel, stride, padding, bias, batch, seed=0):
    st.manual_seed(seed)
    H, W = size
    conv = dict(stride=stride, padding=padding, bias=bias)
    model = nn.Sequential(nn.Conv2d(C, K, kernel, **conv), nn.ReLU(), nn.MaxPool2d(2))
    twin = torch_twin(model, [torch.nn.Conv2d(C, K, kernel, **conv), torch.nn.ReLU(),
                              torch.nn.MaxPool2d(2)])
    x = np.random.default_rng(seed).standard_normal((batch, C, H, W)).astype(np.float32)
    reference, fused = unfused_and_fused(model, st.tensor(x))
    np.testing.assert_array_equal(fused, reference)
    with torch.inference_mode():
        theirs = twin(torch.tensor(x)).numpy()
    assert fused.shape == theirs.shape
    scale = max(1.0, float(np.abs(theirs).max()))
    np.testing.assert_allclose(fused, theirs, rtol=1e-4, atol=1e-5 * scale)


# LeNet-5's two layers, then edges: C_in 1..8, K below, at and past a vector, odd maps (a dropped
# last row / column), padding 0..2, stride 2, 3x3 and 1x5 kernels.
SHAPES = [
    # C, K, (H, W), kernel, stride, padding
    (1, 6, (28, 28), 5, 1, 2),
    (6, 16, (14, 14), 5, 1, 0),
    (1, 1, (9, 7), 3, 1, 0),
    (2, 3, (11, 13), 5, 1, 1),
    (3, 8, (10, 10), 3, 2, 1),
    (4, 17, (12, 9), 3, 1, 2),
    (5, 9, (8, 15), (1, 5), 1, 0),
    (8, 33, (7, 7), 3, 1, 1),
    (7, 16, (13, 12), 5, 2, 2),
    (6, 32, (5, 5), 3, 1, 0),  # a 3x3 conv map: one pooled pixel
]


def shape_id(shape):
    return f"{shape[0]}x{shape[1]}@{shape[2][0]}x{shape[2][1]}"


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch", [1, 3])
def test_conv_relu_pool_equals_unfused_and_torch(isa, threads, shape, bias, batch):
    C, K, size, kernel, stride, padding = shape
    check_conv_relu_pool(C, K, size, kernel, stride, padding, bias, batch)


def test_conv_relu_pool_larger_batches():
    for batch in (5, 64):
        check_conv_relu_pool(1, 6, (28, 28), 5, 1, 2, True, batch, seed=batch)
        check_conv_relu_pool(6, 16, (14, 14), 5, 1, 0, True, batch, seed=batch)


def test_float64_and_other_windows_run_unfused_and_match_torch():
    st.manual_seed(1)
    x = np.random.default_rng(1).standard_normal((2, 3, 11, 11))
    windows = [dict(kernel_size=2), dict(kernel_size=3, stride=2),
               dict(kernel_size=2, ceil_mode=True), dict(kernel_size=2, padding=1)]
    for window in windows:
        for dtype in (np.float32, np.float64):
            pool, twin_pool = nn.MaxPool2d(**window), torch.nn.MaxPool2d(**window)
            model = nn.Sequential(nn.Conv2d(3, 5, 3), nn.ReLU(), pool)
            if dtype == np.float64:
                for module in model.modules():
                    for name, tensor in list(module.named_parameters(recurse=False)):
                        setattr(module, name, nn.Parameter(tensor.detach().double()))
            twin = torch_twin(model, [torch.nn.Conv2d(3, 5, 3), torch.nn.ReLU(), twin_pool])
            if dtype == np.float64:
                twin.double()
            reference, fused = unfused_and_fused(model, st.tensor(x.astype(dtype)))
            np.testing.assert_array_equal(fused, reference)
            with torch.inference_mode():
                theirs = twin(torch.tensor(x.astype(dtype))).numpy()
            np.testing.assert_allclose(fused, theirs, rtol=1e-5, atol=1e-5)


def test_nan_and_infinity_match_the_unfused_modules():
    st.manual_seed(2)
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
    x = np.random.default_rng(2).standard_normal((2, 1, 28, 28)).astype(np.float32)
    x[0, 0, 3, 4] = np.nan
    x[1, 0, 10, 10] = np.inf
    x[1, 0, 20, 20] = -np.inf
    reference, fused = unfused_and_fused(model, st.tensor(x))
    np.testing.assert_array_equal(fused, reference)


def test_hooks_training_and_autograd_keep_the_modules_unfused():
    st.manual_seed(3)
    x = st.randn(2, 2, 9, 9)
    for hooked in (1, 2):
        seen = []
        model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        model[hooked].register_forward_hook(lambda m, args, output: seen.append(output.numpy()))
        reference, fused = unfused_and_fused(model, x)
        np.testing.assert_array_equal(fused, reference)
        assert len(seen) == 2  # once per forward: the hooked module ran on its own
        assert seen[1].shape == ((2, 4, 7, 7) if hooked == 1 else (2, 4, 3, 3))
    # Training mode inside inference mode, and gradients outside it, go module by module.
    model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
    with st.inference_mode():
        a = model(x).numpy()
    y = model(x)
    y.sum().backward()
    assert model[0].weight.grad is not None
    np.testing.assert_array_equal(a, y.detach().numpy())


def test_call_observers_see_each_module_output():
    # striate.summary watches every module call: inside inference mode too, it must see the
    # convolution's own (N, 6, 28, 28) output, not the pooled one.
    model = st.models.lenet5()
    model.eval()
    with st.inference_mode():
        result = st.summary(model, (1, 28, 28), batch_size=2, print_table=False)
    shapes = [tuple(row.output_shape) for row in result.rows]
    assert shapes[1:4] == [(2, 6, 28, 28), (2, 6, 28, 28), (2, 6, 14, 14)], shapes


def test_lenet5_equals_unfused_and_torch_at_batches_1_and_odd(threads):
    st.manual_seed(4)
    model = st.models.lenet5()
    from striate.benchmark.nets import NETS

    twin = NETS["lenet5"].build_twin(model).eval()
    for batch in (1, 7):
        x = np.random.default_rng(batch).standard_normal((batch, 1, 28, 28)).astype(np.float32)
        reference, fused = unfused_and_fused(model, st.tensor(x))
        scale = np.abs(reference).max()
        assert np.abs(fused - reference).max() <= 1e-5 * scale
        with torch.inference_mode():
            theirs = twin(torch.tensor(x)).numpy()
        np.testing.assert_allclose(fused, theirs, rtol=1e-4, atol=1e-5 * scale)


def test_lenet5_logs_and_profiles_the_fused_kernel():
    env = dict(os.environ, STRIATE_LOG_CONV_ALGORITHM="1")
    script = (
        "import striate as st\n"
        "m = st.models.lenet5(); m.eval()\n"
        "with st.inference_mode(): m(st.randn(2, 1, 28, 28))\n"
        "with st.profiler.profile() as prof:\n"
        "    with st.inference_mode(): m(st.randn(2, 1, 28, 28))\n"
        "calls = {row.name: row.calls for row in prof.key_averages() if row.kind == 'kernel'}\n"
        "print(calls.get('conv2d_relu_max_pool2x2_forward'), calls.get('relu_forward'),\n"
        "      calls.get('max_pool2d_forward'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines()
             if line.startswith("striate: conv2d forward")]
    assert len(lines) == 2 and all("+relu +max_pool2x2 -> direct" in line for line in lines), lines
    # The kernel for both layers, no pooling pass; ReLU passes only for the two linear layers'.
    assert result.stdout.split() == ["2", "2", "None"], result.stdout


# ---- Linear -> ReLU ---------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [1, 5])
def test_linear_relu_equals_unfused_and_torch(batch):
    st.manual_seed(5)
    model = nn.Sequential(nn.Linear(7, 9), nn.ReLU(), nn.Linear(9, 4), nn.ReLU())
    twin = torch_twin(model, [torch.nn.Linear(7, 9), torch.nn.ReLU(), torch.nn.Linear(9, 4),
                              torch.nn.ReLU()])
    x = np.random.default_rng(batch).standard_normal((batch, 7)).astype(np.float32)
    reference, fused = unfused_and_fused(model, st.tensor(x))
    np.testing.assert_array_equal(fused, reference)
    assert (fused == 0).any()
    with torch.inference_mode():
        theirs = twin(torch.tensor(x)).numpy()
    np.testing.assert_allclose(fused, theirs, rtol=1e-5, atol=1e-6)


def test_linear_relu_hooks_see_their_own_outputs():
    seen = []
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    model[0].register_forward_hook(lambda module, args, output: seen.append(output.numpy().copy()))
    model.eval()
    x = st.randn(6, 3)
    with st.inference_mode():
        out = model(x).numpy()
    assert (seen[0] < 0).any()  # the linear output before the ReLU
    np.testing.assert_array_equal(out, np.maximum(seen[0], 0))
