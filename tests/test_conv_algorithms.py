"""The CPU convolution engine: every algorithm (forced with striate.backends.cpu.set_conv_algorithm)
against PyTorch, forward and both gradients, on random shapes; the batched-samples GEMM at 1 and 2
threads; the rule reported by conv_algorithm; and its bad inputs."""

import numpy as np
import pytest
import torch

import striate as st
import striate.nn.functional as F
import torch.nn.functional as TF
from helpers import check_parity, gradcheck

cpu = st.backends.cpu


@pytest.fixture
def algorithm(request):
    previous = cpu.set_conv_algorithm(request.param)
    yield request.param
    cpu.set_conv_algorithm(previous)


@pytest.fixture(params=[1, 2])
def threads(request):
    previous = st.get_num_threads()
    st.set_num_threads(request.param)
    yield request.param
    st.set_num_threads(previous)


def random_conv(seed):
    """A random conv2d: shapes, stride, padding, dilation, groups."""
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 1, 1, 2, 3]))
    C = groups * int(rng.integers(1, 6))
    K = groups * int(rng.integers(1, 6))
    R, S = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
    H = int(rng.integers((R - 1) * dilation[0] + 1, 12))
    W = int(rng.integers((S - 1) * dilation[1] + 1, 12))
    N = int(rng.integers(1, 20))
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    w = (rng.standard_normal((K, C // groups, R, S)) / np.sqrt(C // groups * R * S)).astype(
        np.float32
    )
    b = rng.standard_normal(K).astype(np.float32)
    return x, w, b, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


def parity(x, w, b, kwargs, rtol=1e-4, atol=1e-4):
    check_parity(
        lambda x, w, b: F.conv2d(x, w, b, **kwargs),
        lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kwargs),
        [x, w, b],
        fwd_rtol=rtol,
        fwd_atol=atol,
        grad_rtol=rtol,
        grad_atol=atol,
    )


@pytest.mark.parametrize(
    "algorithm",
    ["auto", "im2col_gemm", "gemm_1x1", "winograd", "direct", "depthwise"],
    indirect=True,
)
@pytest.mark.parametrize("seed", range(12))
def test_random_convolutions_match_torch(algorithm, seed, threads):
    x, w, b, kwargs = random_conv(seed)
    parity(x, w, b, kwargs)


# Shapes that run several samples through one GEMM (small outputs) and shapes whose sample count
# does not divide evenly into those batches or the threads.
BATCHED = [
    ((9, 8, 4, 4), (6, 8, 3, 3), dict(padding=1)),
    ((17, 5, 8, 8), (7, 5, 3, 3), dict(padding=1)),
    ((33, 16, 2, 2), (8, 16, 1, 1), {}),
    ((13, 6, 5, 5), (4, 6, 1, 1), dict(stride=2)),
    ((11, 4, 6, 6), (6, 2, 3, 3), dict(groups=2, padding=(1, 0))),
    ((5, 3, 1, 1), (2, 3, 1, 1), {}),
]


@pytest.mark.parametrize("algorithm", ["auto", "im2col_gemm"], indirect=True)
@pytest.mark.parametrize("x_shape,w_shape,kwargs", BATCHED)
def test_samples_batched_into_one_gemm_match_torch(algorithm, threads, x_shape, w_shape, kwargs):
    rng = np.random.default_rng(len(x_shape) + x_shape[0])
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = (rng.standard_normal(w_shape) * 0.3).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    parity(x, w, b, kwargs)


@pytest.mark.parametrize("algorithm", ["im2col_gemm", "gemm_1x1"], indirect=True)
@pytest.mark.parametrize("x_shape,w_shape,kwargs", [BATCHED[0], BATCHED[2], BATCHED[4]])
def test_fallback_gradcheck_float64(algorithm, x_shape, w_shape, kwargs):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3,) + x_shape[1:])
    w = rng.standard_normal(w_shape) * 0.3
    b = rng.standard_normal(w_shape[0])
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b])


# 3x3 stride-1 float32 layers with >= 8 channels: the rule picks Winograd for all three passes.
WINOGRAD = [
    ((2, 16, 13, 11), (24, 16, 3, 3), dict(padding=1)),
    ((3, 8, 5, 7), (8, 8, 3, 3), dict(padding=(2, 0))),
    ((4, 32, 16, 16), (32, 32, 3, 3), dict(padding=1)),
    ((8, 12, 3, 3), (9, 12, 3, 3), {}),
    ((3, 8, 1, 9), (16, 8, 3, 3), dict(padding=(1, 2))),
]
# (Winograd is the rule's choice only over at least 8 tiles in all, hence the batch sizes of the
# last two: a 1x1 output and a single row of tiles.)


@pytest.mark.parametrize("x_shape,w_shape,kwargs", WINOGRAD)
def test_winograd_layers_match_torch_relative_to_their_scale(threads, x_shape, w_shape, kwargs):
    chosen = cpu.conv_algorithm(x_shape, w_shape, **kwargs)
    assert set(chosen.values()) == {"winograd"}, chosen
    rng = np.random.default_rng(x_shape[1] * 7 + w_shape[0])
    x = rng.standard_normal(x_shape).astype(np.float32)
    fan_in = w_shape[1] * 9
    w = (rng.standard_normal(w_shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    dy = rng.standard_normal(
        tuple(TF.conv2d(torch.tensor(x), torch.tensor(w), **kwargs).shape)
    ).astype(np.float32)
    ours, theirs = [], []
    for lib, fn in ((st, F.conv2d), (torch, TF.conv2d)):
        X, W, B = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        y = fn(X, W, B, **kwargs)
        (y * lib.tensor(dy)).sum().backward()
        grads = [t.grad.numpy() for t in (X, W, B)]
        (ours if lib is st else theirs).append([y.detach().numpy()] + grads)
    for name, a, e in zip(["output", "dinput", "dweight", "dbias"], ours[0], theirs[0]):
        error = np.abs(a - e).max() / np.abs(e).max()
        assert error < 1e-4, f"{name}: {error:.2e} relative to its largest magnitude"


def scale_relative_parity(x_shape, w_shape, kwargs, seed, dtype=np.float32, tolerance=1e-4):
    """Output and all three gradients against PyTorch, max error relative to each one's scale."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape).astype(dtype)
    fan_in = w_shape[1] * w_shape[2] * w_shape[3]
    w = (rng.standard_normal(w_shape) * np.sqrt(2.0 / fan_in)).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype)
    dy = rng.standard_normal(
        tuple(TF.conv2d(torch.tensor(x), torch.tensor(w), **kwargs).shape)
    ).astype(dtype)
    ours, theirs = [], []
    for lib, fn in ((st, F.conv2d), (torch, TF.conv2d)):
        X, W, B = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        y = fn(X, W, B, **kwargs)
        (y * lib.tensor(dy)).sum().backward()
        grads = [t.grad.numpy() for t in (X, W, B)]
        (ours if lib is st else theirs).append([y.detach().numpy()] + grads)
    for name, a, e in zip(["output", "dinput", "dweight", "dbias"], ours[0], theirs[0]):
        error = np.abs(a - e).max() / np.abs(e).max()
        assert error < tolerance, f"{name}: {error:.2e} relative to its largest magnitude"


# Direct convolution: strides 1 to 3, 1x1 to 7x7, dilation, padding, channel counts that fill no
# vector, batch 1 and more (forced where the rule would pick another algorithm).
DIRECT = [
    ((3, 16, 32, 32), (32, 16, 3, 3), dict(stride=2, padding=1)),
    ((2, 32, 16, 16), (64, 32, 3, 3), dict(stride=2, padding=1)),
    ((4, 1, 28, 28), (6, 1, 5, 5), dict(padding=2)),
    ((1, 6, 14, 14), (16, 6, 5, 5), {}),
    ((2, 3, 19, 17), (10, 3, 7, 7), dict(stride=3, padding=3)),
    ((2, 5, 13, 12), (7, 5, 3, 3), dict(dilation=2, padding=(2, 1))),
    ((1, 4, 11, 9), (33, 4, 1, 1), dict(stride=(2, 1))),
    ((3, 2, 6, 5), (3, 2, 2, 4), dict(stride=(1, 2), padding=(0, 3))),
]


@pytest.mark.parametrize("algorithm", ["direct"], indirect=True)
@pytest.mark.parametrize("x_shape,w_shape,kwargs", DIRECT)
def test_direct_layers_match_torch(algorithm, threads, x_shape, w_shape, kwargs):
    assert set(cpu.conv_algorithm(x_shape, w_shape, **kwargs).values()) == {"direct"}
    scale_relative_parity(x_shape, w_shape, kwargs, seed=x_shape[1] * 7 + w_shape[0])


# At most 4 input channels, stride 1 along the rows: the weight gradient runs vectorized over
# output columns (register blocks of channels x taps, channels split evenly; full vectors, then a
# masked last one), on every ISA path. Widths below, at and past a vector, channel counts past a
# block, a stride along the height, dilation and padding; a stride along the width, or 5 input
# channels, take the channel-blocked path.
FEW_CHANNELS = [
    ((4, 1, 28, 28), (6, 1, 5, 5), dict(padding=2)),
    ((3, 1, 40, 37), (9, 1, 3, 7), dict(stride=(2, 1), padding=(1, 3), dilation=(1, 2))),
    ((2, 1, 9, 33), (1, 1, 2, 2), {}),
    ((5, 1, 16, 16), (13, 1, 5, 5), dict(padding=2)),
    ((2, 1, 7, 5), (3, 1, 1, 1), {}),
    ((3, 3, 32, 32), (16, 3, 3, 3), dict(padding=1)),
    ((2, 4, 12, 20), (5, 4, 3, 5), dict(padding=(0, 2), dilation=(2, 1))),
    ((2, 1, 20, 20), (5, 1, 3, 3), dict(stride=2)),
    ((2, 5, 10, 18), (7, 5, 3, 3), dict(padding=1)),
]


@pytest.mark.parametrize("algorithm", ["direct"], indirect=True)
@pytest.mark.parametrize("x_shape,w_shape,kwargs", FEW_CHANNELS)
def test_few_input_channels_weight_gradient_matches_torch(algorithm, isa, threads, x_shape, w_shape,
                                                          kwargs):
    scale_relative_parity(x_shape, w_shape, kwargs, seed=w_shape[0] * 11 + x_shape[3])


# Depthwise (groups == C, channel multiplier 1 or more): the rule picks it in float32 and float64.
DEPTHWISE = [
    ((4, 32, 16, 16), (32, 1, 3, 3), dict(padding=1, groups=32)),
    ((2, 16, 15, 13), (16, 1, 3, 3), dict(stride=2, padding=1, groups=16)),
    ((3, 4, 9, 11), (8, 1, 5, 5), dict(padding=2, groups=4)),
    ((1, 6, 12, 10), (18, 1, 3, 3), dict(dilation=(2, 1), padding=(2, 0), stride=(1, 3), groups=6)),
    ((2, 3, 7, 7), (3, 1, 7, 7), dict(padding=3, groups=3)),
]


@pytest.mark.parametrize("x_shape,w_shape,kwargs", DEPTHWISE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_depthwise_layers_match_torch(threads, x_shape, w_shape, kwargs, dtype):
    st_dtype = st.float32 if dtype == np.float32 else st.float64
    chosen = cpu.conv_algorithm(x_shape, w_shape, dtype=st_dtype, **kwargs)
    assert set(chosen.values()) == {"depthwise"}, chosen
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    scale_relative_parity(
        x_shape, w_shape, kwargs, seed=x_shape[1], dtype=dtype, tolerance=tolerance
    )


@pytest.mark.parametrize("x_shape,w_shape,kwargs", [DEPTHWISE[1], DEPTHWISE[3]])
def test_depthwise_gradcheck_float64(x_shape, w_shape, kwargs):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2,) + x_shape[1:])
    w = rng.standard_normal(w_shape) * 0.3
    b = rng.standard_normal(w_shape[0])
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b])


@pytest.mark.parametrize("algorithm", ["direct", "depthwise"], indirect=True)
def test_direct_and_depthwise_fused_relu_epilogue(algorithm):
    # inference_mode folds Conv2d -> BatchNorm2d -> ReLU into one conv with the fused ReLU.
    groups = 8 if algorithm == "depthwise" else 1
    st.manual_seed(5)
    model = st.nn.Sequential(
        st.nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=groups),
        st.nn.BatchNorm2d(8),
        st.nn.ReLU(),
    ).eval()
    x = st.randn(2, 8, 9, 9)
    with st.no_grad():
        reference = model(x).numpy()
    with st.inference_mode():
        fused = model(x).numpy()
    assert (fused == 0).any() and (fused > 0).any()
    assert np.abs(fused - reference).max() <= 1e-4 * np.abs(reference).max()


@pytest.mark.parametrize("algorithm", ["im2col_gemm", "winograd", "direct"], indirect=True)
def test_results_do_not_depend_on_how_samples_are_batched(algorithm):
    # One sample at a time against the whole batch: the same per-sample products, for each
    # algorithm (the rule itself may pick another one for a single sample: Winograd needs 8 tiles).
    rng = np.random.default_rng(3)
    x = st.tensor(rng.standard_normal((12, 8, 8, 8)).astype(np.float32))
    w = st.tensor(rng.standard_normal((16, 8, 3, 3)).astype(np.float32))
    whole = F.conv2d(x, w, padding=1).numpy()
    single = np.concatenate([F.conv2d(x[i : i + 1], w, padding=1).numpy() for i in range(12)])
    np.testing.assert_allclose(whole, single, rtol=1e-5, atol=1e-5)


def test_conv_algorithm_reports_the_rule():
    assert set(cpu.conv_algorithm((8, 16, 8, 8), (32, 16, 3, 3), padding=1).values()) == {
        "winograd"
    }
    # An RGB stem (3 channels fill no vector): direct where it sums over output channels, the
    # general path for the input gradient; float64: the general path.
    assert cpu.conv_algorithm((8, 3, 8, 8), (16, 3, 3, 3), padding=1) == {
        "forward": "direct",
        "backward_input": "im2col_gemm",
        "backward_weight": "direct",
    }
    f64 = cpu.conv_algorithm((8, 16, 8, 8), (32, 16, 3, 3), dtype=st.float64)
    assert set(f64.values()) == {"im2col_gemm"}
    # Stride 2 (ResNet-20's downsampling layers) and LeNet-5's 5x5 layers: direct, except the
    # input gradient (direct only when forced).
    assert cpu.conv_algorithm((8, 16, 8, 8), (32, 16, 3, 3), stride=2, padding=1) == {
        "forward": "direct",
        "backward_input": "im2col_gemm",
        "backward_weight": "direct",
    }
    assert cpu.conv_algorithm((8, 6, 14, 14), (16, 6, 5, 5)) == {
        "forward": "direct",
        "backward_input": "im2col_gemm",
        "backward_weight": "direct",
    }
    # A stem with many outputs and a short channel sum (C R S < 64): the general path, except
    # the weight gradient, which runs vectorized over output columns with at most 4 input channels
    # at stride 1 along the rows (and on the general path with stride 2 there).
    assert cpu.conv_algorithm((8, 3, 32, 32), (64, 3, 3, 3), padding=1) == {
        "forward": "im2col_gemm",
        "backward_input": "im2col_gemm",
        "backward_weight": "direct",
    }
    assert set(cpu.conv_algorithm((8, 3, 32, 32), (64, 3, 3, 3), stride=2).values()) == {
        "im2col_gemm"
    }
    assert cpu.conv_algorithm((8, 5, 32, 32), (64, 5, 3, 3), padding=1)["backward_weight"] == (
        "im2col_gemm"
    )
    # Depthwise (groups == C) in float32 and float64; other grouped layers: the general path.
    for dtype in (st.float32, st.float64):
        chosen = cpu.conv_algorithm((8, 16, 8, 8), (32, 1, 3, 3), groups=16, dtype=dtype)
        assert set(chosen.values()) == {"depthwise"}
    assert set(cpu.conv_algorithm((8, 16, 8, 8), (32, 8, 3, 3), groups=2).values()) == {
        "im2col_gemm"
    }
    pointwise = cpu.conv_algorithm((8, 16, 8, 8), (32, 16, 1, 1))
    assert pointwise == {
        "forward": "gemm_1x1",
        "backward_input": "gemm_1x1",
        "backward_weight": "gemm_1x1",
    }
    strided = cpu.conv_algorithm((8, 16, 8, 8), (32, 16, 1, 1), stride=2)
    assert set(strided.values()) == {"im2col_gemm"}
    assert set(cpu.conv_algorithm((2, 3, 9, 9), (4, 3, 5, 5), dtype=st.float64).values()) == {
        "im2col_gemm"
    }


@pytest.mark.parametrize("algorithm", ["im2col_gemm"], indirect=True)
def test_forced_algorithm_shows_in_the_report(algorithm):
    assert cpu.get_conv_algorithm() == "im2col_gemm"
    assert set(cpu.conv_algorithm((8, 16, 8, 8), (32, 16, 1, 1)).values()) == {"im2col_gemm"}


def test_set_conv_algorithm_returns_the_previous_setting():
    assert cpu.get_conv_algorithm() == "auto"
    assert cpu.set_conv_algorithm("im2col_gemm") == "auto"
    assert cpu.set_conv_algorithm("auto") == "im2col_gemm"


def test_log_prints_each_choice_once(tmp_path):
    import subprocess
    import sys
    import os

    script = (
        "import striate as st, striate.nn.functional as F\n"
        "x = st.randn(2, 3, 6, 6, requires_grad=True)\n"
        "w = st.randn(4, 3, 3, 3, requires_grad=True)\n"
        "for _ in range(3): F.conv2d(x, w, padding=1).sum().backward()\n"
    )
    env = dict(os.environ, STRIATE_LOG_CONV_ALGORITHM="1")
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("striate: conv2d")]
    assert len(lines) == 3, result.stderr
    assert {line.split()[2] for line in lines} == {"forward", "backward_input", "backward_weight"}
    assert all("N=2 C=3 H=6 W=6 K=4 R=3 S=3" in line for line in lines)


@pytest.mark.skipif(st.cuda.is_available(), reason="checks the error raised without a GPU")
def test_cuda_conv_algorithm_without_a_gpu_raises():
    # Built with CUDA the kernel exists and refuses the missing device; built without, it is absent.
    expected = (ValueError, RuntimeError) if st.cuda.is_built() else NotImplementedError
    refusal = "no CUDA kernel|cuda(.set_device)?: device index 0 is not available"
    with pytest.raises(expected, match=refusal):
        cpu.conv_algorithm((1, 3, 8, 8), (4, 3, 3, 3), device="cuda")


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda: cpu.set_conv_algorithm("fft"), ValueError, "set_conv_algorithm: expected one of"),
        (
            lambda: cpu.conv_algorithm((1, 3, 8, 8), (4, 2, 3, 3)),
            ValueError,
            "conv_algorithm: expected input",
        ),
        (
            lambda: cpu.conv_algorithm((1, 3, 2, 2), (4, 3, 3, 3)),
            ValueError,
            "larger than the padded input",
        ),
        (lambda: cpu.conv_algorithm((1, 3, 8, 8), (4, 3, 3)), ValueError, "weight of shape"),
        (
            lambda: cpu.conv_algorithm((1, 3, 8, 8), (4, 3, 3, 3), stride=0),
            ValueError,
            "stride > 0",
        ),
        (
            lambda: cpu.conv_algorithm((1, 3, 8, 8), (4, 3, 3, 3), dtype=st.int64),
            TypeError,
            "expected a floating-point",
        ),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
    assert cpu.get_conv_algorithm() == "auto"


# Batch-1 layers on tiny maps (VGG-11 on 32x32 images: 512 channels on 4x4 and 2x2): the
# forward is a GEMM with at most 16 columns (the unpacked dot products), and Winograd, which
# would transform the whole (large) weight for 1-4 tiles, is not chosen.
TINY = [
    ((1, 128, 2, 2), (130, 128, 3, 3), dict(padding=1)),
    ((1, 160, 4, 4), (110, 160, 3, 3), dict(padding=1)),
    ((2, 144, 2, 3), (130, 144, 3, 3), dict(padding=1)),
    ((1, 32, 4, 4), (33, 32, 1, 1), {}),
]


@pytest.mark.parametrize("x_shape,w_shape,kwargs", TINY)
def test_tiny_output_layers_match_torch(threads, x_shape, w_shape, kwargs):
    chosen = cpu.conv_algorithm(x_shape, w_shape, **kwargs)
    assert chosen["forward"] in ("im2col_gemm", "gemm_1x1"), chosen
    assert "winograd" not in chosen.values(), chosen
    scale_relative_parity(x_shape, w_shape, kwargs, seed=x_shape[1], tolerance=1e-5)
    scale_relative_parity(x_shape, w_shape, kwargs, seed=1, dtype=np.float64, tolerance=1e-12)


def test_winograd_needs_enough_tiles():
    # A large weight (K C >= 16384): 16 tiles of 4x4 at batch 1 (a 16x16 map) keep Winograd; 4
    # tiles (8x8) do not, 8 (two images) do.
    def forward(x_shape):
        return cpu.conv_algorithm(x_shape, (256, 128, 3, 3), padding=1)["forward"]

    assert forward((1, 128, 16, 16)) == "winograd"
    assert forward((1, 128, 8, 8)) != "winograd"
    assert forward((2, 128, 8, 8)) == "winograd"
    # Smaller weights (ResNet-20's 64 -> 64, DenseNet's 48 -> 12) keep it at any tile count.
    assert cpu.conv_algorithm((1, 64, 8, 8), (64, 64, 3, 3), padding=1)["forward"] == "winograd"
    assert cpu.conv_algorithm((1, 48, 8, 8), (12, 48, 3, 3), padding=1)["forward"] == "winograd"


# The direct weight gradient's tasks (channel block x run of taps) and bias sums are split for
# balance by the thread count, but each sum has one owner that adds the samples in order: the
# weight and bias gradients are the same bits at 1, 2 and 3 threads, on every ISA path, and
# agree with PyTorch. Shapes: LeNet-5's two layers (1 block x 25 taps, the case whose runs are
# rounded up to a multiple of the threads; 150 taps), odd batches, output channels that fill
# no block (6, 33) and a stride.
DIRECT_WEIGHT_SPLITS = [
    ((7, 1, 28, 28), (6, 1, 5, 5), dict(padding=2)),
    ((5, 6, 14, 14), (16, 6, 5, 5), {}),
    ((3, 4, 11, 13), (33, 4, 3, 3), dict(stride=2, padding=1)),
    ((9, 2, 9, 9), (5, 2, 3, 5), dict(padding=(1, 2))),
]
ALL_ISAS = ["generic", "avx2", "avx512"]
SUPPORTED_ISAS = ALL_ISAS[: ALL_ISAS.index(st._C._supported_cpu_isa()) + 1]


@pytest.mark.parametrize("algorithm", ["direct"], indirect=True)
@pytest.mark.parametrize("isa", SUPPORTED_ISAS)
@pytest.mark.parametrize("x_shape,w_shape,kwargs", DIRECT_WEIGHT_SPLITS)
def test_direct_weight_gradient_is_the_same_at_every_thread_count(algorithm, isa, x_shape,
                                                                  w_shape, kwargs):
    rng = np.random.default_rng(w_shape[0] * 11 + x_shape[0])
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = (rng.standard_normal(w_shape) / np.sqrt(np.prod(w_shape[1:]))).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    previous_isa, previous_threads = st._C._get_cpu_isa(), st.get_num_threads()
    results = []
    try:
        st._C._set_cpu_isa(isa)
        assert set(cpu.conv_algorithm(x_shape, w_shape, **kwargs).values()) == {"direct"}
        for threads in (1, 2, 3):
            st.set_num_threads(threads)
            wt, bt = st.tensor(w, requires_grad=True), st.tensor(b, requires_grad=True)
            y = F.conv2d(st.tensor(x), wt, bt, **kwargs)
            g = np.random.default_rng(1).standard_normal(tuple(y.shape)).astype(np.float32)
            y.backward(st.tensor(g))
            results.append((wt.grad.numpy(), bt.grad.numpy()))
    finally:
        st._C._set_cpu_isa(previous_isa)
        st.set_num_threads(previous_threads)
    for dw, db in results[1:]:
        assert np.array_equal(dw, results[0][0]) and np.array_equal(db, results[0][1])
    wt, bt = torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)
    torch.nn.functional.conv2d(torch.tensor(x), wt, bt, **kwargs).backward(torch.tensor(g))
    dw, db = results[0]
    assert np.abs(dw - wt.grad.numpy()).max() <= 1e-4 * np.abs(wt.grad.numpy()).max()
    assert np.abs(db - bt.grad.numpy()).max() <= 1e-4 * np.abs(bt.grad.numpy()).max()
