"""cuBLAS / cuDNN loaded at run time, and the CUDA math switches (striate.backends.cuda).

Without a GPU: the loading reports, the switches and their bad inputs, and that the GEMM and
convolution ops claim their CUDA kernels. With a GPU (skipped here): cuBLAS against striate's own
tiled GEMM and NumPy, TF32 off by default, the convolutions on each BLAS path against the CPU."""

import contextlib
import io

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
from striate.backends import cuda as backend_cuda

has_gpu = st.cuda.is_available()
needs_gpu = pytest.mark.skipif(not has_gpu, reason="no CUDA device on this machine")
needs_cuda_build = pytest.mark.skipif(not st.cuda.is_built(), reason="built without CUDA")


@pytest.fixture
def blas_library():
    """Restores the BLAS preference and the TF32 switch after a test that changes them."""
    previous = backend_cuda.preferred_blas_library()
    allow = backend_cuda.matmul.allow_tf32
    yield
    backend_cuda.preferred_blas_library(previous)
    backend_cuda.matmul.allow_tf32 = allow


# ---- no GPU needed -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [backend_cuda.cublas_status, backend_cuda.cudnn_status])
def test_library_status_reports_loaded_or_why_not(status):
    report = status()
    assert set(report) == {"loaded", "path", "version", "reason"}
    if report["loaded"]:
        assert report["path"] and report["version"].count(".") == 2 and not report["reason"]
    else:
        assert report["reason"] and not report["path"]
        if not st.cuda.is_built():
            assert "built without the CUDA backend" in report["reason"]


@needs_cuda_build
def test_show_config_names_the_libraries():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        st.show_config()
    text = out.getvalue()
    for name, report in (("cuBLAS", backend_cuda.cublas_status()),
                         ("cuDNN", backend_cuda.cudnn_status())):
        line = next(line for line in text.splitlines() if line.strip().startswith(name + ":"))
        assert ("loaded (" in line) == report["loaded"]
        assert (report["path"] if report["loaded"] else "not found") in line


def test_wheel_folders_are_registered(tmp_path, monkeypatch):
    folder = tmp_path / "nvidia" / "cublas" / "lib"
    folder.mkdir(parents=True)
    monkeypatch.setattr("sys.path", [str(tmp_path)])
    backend_cuda._register_wheel_folders()
    assert str(folder) in backend_cuda.library_directories()


def test_allow_tf32_is_off_by_default_and_switches(blas_library):
    assert backend_cuda.matmul.allow_tf32 is False
    backend_cuda.matmul.allow_tf32 = True
    assert backend_cuda.matmul.allow_tf32 is True
    assert st.backends.cuda.matmul.allow_tf32 is True
    backend_cuda.matmul.allow_tf32 = False
    assert backend_cuda.matmul.allow_tf32 is False


def test_allow_tf32_bad_inputs():
    with pytest.raises(TypeError, match="allow_tf32: expected a bool, got int"):
        backend_cuda.matmul.allow_tf32 = 1
    with pytest.raises(AttributeError):
        backend_cuda.matmul.allow_fp16 = True


def test_preferred_blas_library_switches(blas_library):
    assert backend_cuda.preferred_blas_library() == "cublas"
    assert backend_cuda.preferred_blas_library("striate") == "striate"
    assert backend_cuda.preferred_blas_library() == "striate"
    assert backend_cuda.preferred_blas_library("default") == "cublas"
    with pytest.raises(ValueError, match="preferred_blas_library: expected one of .*got 'mkl'"):
        backend_cuda.preferred_blas_library("mkl")


@needs_cuda_build
@pytest.mark.parametrize("op", ["matmul", "conv1d", "conv2d", "conv3d", "locally_connected2d"])
def test_gemm_and_conv_ops_have_cuda_kernels(op):
    assert op in st.backends.supported_ops("cuda")


@needs_cuda_build
@pytest.mark.skipif(has_gpu, reason="checks the error raised without a GPU")
def test_cuda_conv_algorithm_without_a_device_raises():
    with pytest.raises((ValueError, RuntimeError), match="cuda"):
        st.backends.cpu.conv_algorithm((2, 3, 8, 8), (4, 3, 3, 3), device="cuda")


# ---- on a GPU ------------------------------------------------------------------------------------

rng = np.random.default_rng(77)


def _cuda(array):
    return st.tensor(array).cuda()


@needs_gpu
@pytest.mark.parametrize("library", ["cublas", "striate"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1, 1), (17, 33, 9), (70, 129, 200), (3, 1000, 5)])
@pytest.mark.parametrize("transpose_a, transpose_b", [(False, False), (True, False), (False, True),
                                                      (True, True)])
def test_gemm_matches_numpy(blas_library, library, dtype, shape, transpose_a, transpose_b):
    backend_cuda.preferred_blas_library(library)
    M, N, K = shape
    a = rng.standard_normal((K, M) if transpose_a else (M, K)).astype(dtype)
    b = rng.standard_normal((N, K) if transpose_b else (K, N)).astype(dtype)
    sa, sb = _cuda(a), _cuda(b)
    out = (sa.t() if transpose_a else sa) @ (sb.t() if transpose_b else sb)
    expected = (a.T if transpose_a else a).astype(np.float64) @ (b.T if transpose_b else b)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.cpu().numpy(), expected, rtol=tol, atol=tol * np.sqrt(K))


@needs_gpu
def test_batched_matmul_on_both_libraries(blas_library):
    a = rng.standard_normal((4, 3, 20, 30)).astype(np.float32)
    b = rng.standard_normal((3, 30, 10)).astype(np.float32)
    results = []
    for library in ("cublas", "striate"):
        backend_cuda.preferred_blas_library(library)
        results.append((_cuda(a) @ _cuda(b)).cpu().numpy())
    np.testing.assert_allclose(results[0], a @ b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(results[1], a @ b, rtol=1e-5, atol=1e-5)


@needs_gpu
def test_float32_gemm_keeps_full_precision_without_tf32(blas_library):
    # TF32 keeps 10 mantissa bits: a K = 2048 product would be off by ~1e-3 relative.
    a = rng.standard_normal((64, 2048)).astype(np.float32)
    b = rng.standard_normal((2048, 64)).astype(np.float32)
    out = (_cuda(a) @ _cuda(b)).cpu().numpy()
    expected = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=2e-4)


CONVS = {
    "plain": ((2, 3, 9, 7), (4, 3, 3, 3), {}),
    "strided_padded_dilated": ((3, 4, 12, 11), (6, 4, 3, 2), {"stride": (2, 1), "padding": (1, 2),
                                                              "dilation": (2, 1)}),
    "groups": ((2, 6, 8, 8), (9, 2, 3, 3), {"groups": 3, "padding": 1}),
    "depthwise": ((2, 5, 7, 7), (10, 1, 3, 3), {"groups": 5}),
    "pointwise": ((3, 8, 5, 6), (4, 8, 1, 1), {}),
}


@needs_gpu
@pytest.mark.parametrize("library", ["cublas", "striate"])
@pytest.mark.parametrize("name", list(CONVS))
def test_conv2d_on_each_blas_library_matches_the_cpu(blas_library, library, name):
    backend_cuda.preferred_blas_library(library)
    x_shape, w_shape, kwargs = CONVS[name]
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    results = {}
    for device in ("cpu", "cuda"):
        tensors = [st.tensor(v).to(device).requires_grad_() for v in (x, w, b)]
        out = F.conv2d(*tensors, **kwargs)
        (out * out).sum().backward()
        results[device] = [out.detach().cpu().numpy()] + [t.grad.cpu().numpy() for t in tensors]
    for cpu, gpu in zip(results["cpu"], results["cuda"]):
        np.testing.assert_allclose(gpu, cpu, rtol=1e-4, atol=1e-4)


@needs_gpu
def test_cuda_conv_algorithm_reports_the_lowering():
    algorithms = st.backends.cpu.conv_algorithm((2, 3, 8, 8), (4, 3, 3, 3), device="cuda")
    assert set(algorithms.values()) == {"im2col_gemm"}
    pointwise = st.backends.cpu.conv_algorithm((2, 3, 8, 8), (4, 3, 1, 1), device="cuda")
    assert set(pointwise.values()) == {"gemm_1x1"}
