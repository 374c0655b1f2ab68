"""Mixup and CutMix run on the images' device (kernels/mix.h): the draws are made on the host from
the augmentation generator, the CPU and CUDA kernels mix with the same arithmetic, so one seed
gives the same bits on both devices. The CPU half checks the kernels against a NumPy mix rebuilt
from the targets (which carry lambda and the partner of every example); the CUDA half (skipped
without a GPU; tools/gpu_session.sh lists this file) compares the devices."""

import numpy as np
import pytest
import striate as st
from striate.data import transforms as T

needs_gpu = pytest.mark.skipif(not st.cuda.is_available(), reason="no CUDA device on this machine")
N, C, H, W = 6, 3, 7, 9


def images(dtype, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == np.uint8:
        return rng.integers(0, 256, (N, C, H, W), dtype=np.uint8)
    return rng.normal(0, 1, (N, C, H, W)).astype(dtype)


def normal(shape, seed):
    return np.random.default_rng(seed).normal(0, 1, shape).astype(np.float32)


def partner_and_lambda(targets):
    """One-hot labels 0..N-1 mixed: row n is lambda at n and 1 - lambda at its partner."""
    t = targets.cpu().double().numpy()
    lam = t[np.arange(N), np.arange(N)]
    off = t.copy()
    off[np.arange(N), np.arange(N)] = 0
    partner = np.where(off.max(axis=1) > 0, np.nanargmax(off, axis=1), np.arange(N))
    return partner, lam[0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cpu_mixup_is_the_lambda_blend_of_each_image_and_its_partner(dtype):
    x = images(dtype)
    st.manual_seed(3)
    mixed, targets = T.Mixup(alpha=0.7, num_classes=N)(st.from_numpy(x), st.arange(N))
    partner, lam = partner_and_lambda(targets)
    want = (lam * x.astype(np.float64) + (1.0 - lam) * x[partner].astype(np.float64)).astype(dtype)
    assert mixed.dtype == st.from_numpy(x).dtype
    if dtype == np.float64:  # float64 targets carry lambda exactly: the same bits
        np.testing.assert_array_equal(mixed.numpy(), want)
    else:  # float32 targets carry lambda rounded
        np.testing.assert_allclose(mixed.numpy(), want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_cpu_cutmix_pastes_one_box_from_each_partner(dtype):
    x = images(dtype)
    st.manual_seed(4)
    mixed, targets = T.CutMix(alpha=1.0, num_classes=N)(st.from_numpy(x), st.arange(N))
    partner, lam = partner_and_lambda(targets)
    got = mixed.numpy()
    changed = (got != x).any(axis=(0, 1))  # the box: where some image took its partner's pixels
    from_partner = np.isclose(got, x[partner]).all(axis=(0, 1))
    if changed.any():
        rows, cols = np.nonzero(changed)
        box = np.zeros((H, W), bool)
        box[np.amin(rows) : rows.max() + 1, np.amin(cols) : cols.max() + 1] = True
        assert from_partner[box].all()
        np.testing.assert_array_equal(got[:, :, ~box], x[:, :, ~box])
        assert 1.0 - box.sum() / (H * W) >= lam - 1e-6  # the box is at most the exact-lambda area
    else:
        np.testing.assert_array_equal(got, x)


def test_cpu_soft_labels_and_non_contiguous_images():
    x = images(np.float32)
    view = st.from_numpy(np.ascontiguousarray(x.transpose(0, 1, 3, 2))).transpose(2, 3)  # strided
    soft = st.softmax(st.from_numpy(normal((N, 4), 1)), 1)
    st.manual_seed(5)
    mixed, targets = T.Mixup(alpha=1.0, num_classes=4)(view, soft)
    st.manual_seed(5)
    again, targets_again = T.Mixup(alpha=1.0, num_classes=4)(st.from_numpy(x), soft)
    np.testing.assert_array_equal(mixed.numpy(), again.numpy())
    np.testing.assert_array_equal(targets.numpy(), targets_again.numpy())
    np.testing.assert_allclose(targets.numpy().sum(axis=1), 1.0, rtol=1e-6)


# ---- CUDA (tools/gpu_session.sh lists this file) ------------------------------------------------


def both_devices(transform, x, labels, seed, labels_on_device=True):
    results = []
    for device in ("cpu", "cuda"):
        st.manual_seed(seed)
        y = labels.to(device) if labels_on_device else labels
        results.append(transform(st.from_numpy(x).to(device), y))
    return results


@needs_gpu
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("labels_on_device", [True, False])
def test_cuda_mixup_equals_the_cpu(dtype, labels_on_device):
    for seed in range(3):
        (cpu, cpu_t), (gpu, gpu_t) = both_devices(
            T.Mixup(alpha=0.4, num_classes=N),
            images(dtype, seed),
            st.arange(N),
            seed,
            labels_on_device,
        )
        assert gpu.device.type == "cuda" and gpu_t.device.type == "cuda"
        np.testing.assert_array_equal(gpu.cpu().numpy(), cpu.numpy())
        np.testing.assert_array_equal(gpu_t.cpu().numpy(), cpu_t.numpy())


@needs_gpu
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_cuda_cutmix_equals_the_cpu(dtype):
    for seed in range(3):
        cutmix = T.CutMix(alpha=1.0, num_classes=N)
        (cpu, cpu_t), (gpu, gpu_t) = both_devices(cutmix, images(dtype, seed), st.arange(N), seed)
        assert gpu.device.type == "cuda" and gpu.dtype == cpu.dtype
        np.testing.assert_array_equal(gpu.cpu().numpy(), cpu.numpy())
        np.testing.assert_array_equal(gpu_t.cpu().numpy(), cpu_t.numpy())


@needs_gpu
def test_cuda_mix_of_a_large_batch_and_soft_labels_equals_the_cpu():
    x = np.random.default_rng(8).normal(0, 1, (64, 3, 32, 32)).astype(np.float32)  # many blocks
    soft = st.softmax(st.from_numpy(normal((64, 10), 9)), 1)
    for transform in (T.Mixup(alpha=1.0, num_classes=10), T.CutMix(alpha=1.0, num_classes=10)):
        outs = []
        for device in ("cpu", "cuda"):
            st.manual_seed(12)
            outs.append(transform(st.from_numpy(x).to(device), soft.to(device)))
        np.testing.assert_array_equal(outs[1][0].cpu().numpy(), outs[0][0].numpy())
        np.testing.assert_array_equal(outs[1][1].cpu().numpy(), outs[0][1].numpy())
