"""The GEMM under every SIMD path this CPU runs (generic, AVX2, AVX-512): matmul, linear and conv2d
parity, selected at run time with striate._C._set_cpu_isa and at start-up with STRIATE_CPU_ISA."""

import os
import subprocess
import sys

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import SUPPORTED_ISAS, check_parity, to_np

rng = np.random.default_rng(7)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# Sizes straddle every register tile (4..12 rows, 8..32 columns) and cache block (K > 256).
GEMM_SHAPES = [
    (1, 1, 1),
    (5, 3, 7),
    (13, 37, 300),
    (29, 70, 513),
    (64, 64, 64),
    (7, 333, 20),
    (250, 96, 270),
    # One output row or column: the matrix-vector path (partial sums of 16, blocks of 256).
    (1, 700, 300),
    (1, 5, 1000),
    (333, 1, 513),
    (300, 1, 15),
    # A small side (<= 16 rows or columns, K >= 64): unpacked dot products, groups of 4 rows
    # and 4 (AVX-512) or 2 vectors, K in blocks of 1024 with a scalar tail.
    (16, 300, 1000),
    (300, 7, 130),
    (5, 64, 64),
    (3, 50, 2053),
    (200, 16, 2053),
    (17, 40, 100),
    # Packed tiles whose last row tile has 1..11 rows and whose last column tile ends inside its
    # first or second vector (one instantiation per short row count), K split into equal depth
    # blocks (513 = 2 x 257, 1100 = 3 x 367 under blocks of 512).
    (25, 17, 513),
    (35, 49, 1100),
    (47, 95, 70),
    (61, 1030, 20),
    (133, 33, 257),
]


@pytest.mark.parametrize("M,N,K", GEMM_SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gemm_parity_with_numpy(isa, M, N, K, dtype):
    a, b = rand(M, K, dtype=dtype), rand(K, N, dtype=dtype)
    expected = a.astype(np.float64) @ b.astype(np.float64)
    tolerance = 1e-4 if dtype == np.float32 else 1e-11
    sa, sb = st.tensor(a), st.tensor(b)
    for x, y in [
        (sa, sb),
        (st.tensor(np.ascontiguousarray(a.T)).t(), sb),
        (sa, st.tensor(np.ascontiguousarray(b.T)).t()),
        (st.tensor(np.ascontiguousarray(a.T)).t(), st.tensor(np.ascontiguousarray(b.T)).t()),
    ]:
        np.testing.assert_allclose(
            to_np(st.matmul(x, y)), expected, rtol=tolerance, atol=tolerance * np.sqrt(K)
        )


@pytest.mark.parametrize("rows", [1, 4])
def test_linear_with_one_sample_matches_torch(isa, rows):
    # Batch-1 inference through a wide classifier runs the matrix-vector path.
    # Sums of 1030 float32 terms of size ~1: rounding differs from torch's order by ~1e-5.
    tolerances = dict(fwd_rtol=1e-4, fwd_atol=1e-4, grad_rtol=1e-4, grad_atol=1e-4)
    local = np.random.default_rng(rows)  # its own draws: other tests' data stay as they were
    inputs = [
        local.standard_normal(shape).astype(np.float32)
        for shape in [(rows, 1030), (300, 1030), (300,)]
    ]
    check_parity(lambda *t: F.linear(*t), lambda *t: TF.linear(*t), inputs, **tolerances)
    inputs = [local.standard_normal(shape).astype(np.float32) for shape in [(37, 1030), (1, 1030)]]
    check_parity(lambda *t: F.linear(*t), lambda *t: TF.linear(*t), inputs, **tolerances)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_batch_linear_rows_equal_one_sample_at_a_time(isa, dtype):
    # Up to 16 samples run the unpacked dot products: each output's sum has the same order
    # whatever the batch, so a sample's logits are bit for bit those of its batch-1 call.
    local = np.random.default_rng(5)
    x = local.standard_normal((13, 1111)).astype(dtype)
    w = st.tensor(local.standard_normal((77, 1111)).astype(dtype))
    b = st.tensor(local.standard_normal(77).astype(dtype))
    whole = to_np(F.linear(st.tensor(x), w, b))
    single = np.concatenate([to_np(F.linear(st.tensor(x[i : i + 1]), w, b)) for i in range(13)])
    np.testing.assert_array_equal(whole, single)
    expected = x.astype(np.float64) @ to_np(w).astype(np.float64).T + to_np(b)
    tolerance = 1e-4 if dtype == np.float32 else 1e-11
    np.testing.assert_allclose(whole, expected, rtol=tolerance, atol=tolerance * 40)


def test_batched_matmul_and_linear_parity(isa):
    check_parity(st.matmul, torch.matmul, [rand(3, 1, 17, 40), rand(2, 40, 19)])
    # Sums of 70 terms of size ~1 can cancel to ~0.04: an absolute tolerance of float32 rounding.
    check_parity(
        lambda *t: F.linear(*t),
        lambda *t: TF.linear(*t),
        [rand(33, 70), rand(45, 70), rand(45)],
        fwd_atol=1e-5,
    )


@pytest.mark.parametrize(
    "kwargs", [{"padding": 1}, {"stride": 2, "groups": 2, "dilation": 2, "padding": 2}]
)
def test_conv2d_parity(isa, kwargs):
    arrays = [rand(3, 4, 13, 11), rand(8, 4 // kwargs.get("groups", 1), 3, 3), rand(8)]
    check_parity(
        lambda *t: F.conv2d(*t, **kwargs), lambda *t: TF.conv2d(*t, **kwargs), arrays, fwd_atol=1e-5
    )


def test_every_path_gives_the_same_result_within_rounding():
    a, b = rand(37, 300), rand(300, 45)
    previous = st._C._get_cpu_isa()
    results = []
    try:
        for name in SUPPORTED_ISAS:
            st._C._set_cpu_isa(name)
            results.append(to_np(st.matmul(st.tensor(a), st.tensor(b))))
    finally:
        st._C._set_cpu_isa(previous)
    for result in results[1:]:
        np.testing.assert_allclose(result, results[0], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", SUPPORTED_ISAS)
def test_environment_variable_selects_the_path(name):
    script = (
        "import numpy as np, striate as st\n"
        "print(st._C._get_cpu_isa())\n"
        "a = np.arange(12, dtype=np.float32).reshape(3, 4)\n"
        "print(float((st.tensor(a) @ st.tensor(a.T)).sum().item()))\n"
    )
    env = dict(os.environ, STRIATE_CPU_ISA=name)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    reported, total = result.stdout.split()
    a = np.arange(12, dtype=np.float64).reshape(3, 4)
    assert reported == name
    assert float(total) == pytest.approx((a @ a.T).sum())


def test_set_cpu_isa_rejects_unknown_names():
    with pytest.raises(
        ValueError, match="_set_cpu_isa: expected 'generic', 'avx2' or 'avx512', got 'sse9'"
    ):
        st._C._set_cpu_isa("sse9")


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gemm_split_over_threads_matches_numpy(isa, threads, dtype):
    # Large enough for the thread split: rectangles of whole tiles, cut along M or N by the cost
    # of the packing each cut duplicates (wide, tall and square products, transposed operands).
    previous = st.get_num_threads()
    st.set_num_threads(threads)
    tolerance = 1e-4 if dtype == np.float32 else 1e-11
    try:
        for M, N, K in [(300, 70, 200), (40, 900, 130), (257, 263, 129)]:
            a, b = rand(M, K, dtype=dtype), rand(K, N, dtype=dtype)
            expected = a.astype(np.float64) @ b.astype(np.float64)
            transposed_a = st.tensor(np.ascontiguousarray(a.T)).t()
            transposed_b = st.tensor(np.ascontiguousarray(b.T)).t()
            for x, y in [(st.tensor(a), st.tensor(b)), (transposed_a, transposed_b)]:
                np.testing.assert_allclose(
                    to_np(st.matmul(x, y)), expected, rtol=tolerance, atol=tolerance * np.sqrt(K)
                )
    finally:
        st.set_num_threads(previous)


def test_linear_with_bias_on_a_strided_input_matches_torch(isa):
    # beta = 1 (the bias is copied into y first) over a column slice of a wider input, whose
    # rows are longer than the product's K.
    wide = rand(37, 90)
    check_parity(
        lambda x, w, b: F.linear(x[:, 5:75], w, b),
        lambda x, w, b: TF.linear(x[:, 5:75], w, b),
        [wide, rand(29, 70), rand(29)],
        fwd_atol=1e-5,
    )
