"""cuBLAS / cuDNN loaded at run time, and the CUDA math switches (striate.backends.cuda).

Without a GPU: the loading reports, the switches and their bad inputs, and that the GEMM and
convolution ops claim their CUDA kernels. With a GPU (skipped here): cuBLAS against striate's own
tiled GEMM and NumPy, TF32 off by default, the convolutions on each BLAS path against the CPU."""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap

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


_FAKE_CUBLAS = """
int cublasGetProperty(int type, int* value) {
  *value = type == 0 ? 13 : type == 1 ? 1 : 2;
  return 0;
}
"""
_CUBLAS_SYMBOLS = ["cublasCreate_v2", "cublasSetStream_v2", "cublasSetMathMode", "cublasSgemm_v2",
                   "cublasDgemm_v2", "cublasSgemmStridedBatched", "cublasDgemmStridedBatched"]
_FAKE_CUDNN = "unsigned long cudnnGetVersion(void) { return 91002; }\n"
_CUDNN_SYMBOLS = [
    "cudnnCreate", "cudnnSetStream", "cudnnCreateTensorDescriptor", "cudnnSetTensorNdDescriptor",
    "cudnnDestroyTensorDescriptor", "cudnnCreateFilterDescriptor", "cudnnSetFilterNdDescriptor",
    "cudnnDestroyFilterDescriptor", "cudnnCreateConvolutionDescriptor",
    "cudnnSetConvolutionNdDescriptor", "cudnnSetConvolutionGroupCount",
    "cudnnSetConvolutionMathType", "cudnnDestroyConvolutionDescriptor",
    "cudnnGetConvolutionForwardAlgorithm_v7", "cudnnGetConvolutionBackwardDataAlgorithm_v7",
    "cudnnGetConvolutionBackwardFilterAlgorithm_v7", "cudnnFindConvolutionForwardAlgorithm",
    "cudnnFindConvolutionBackwardDataAlgorithm", "cudnnFindConvolutionBackwardFilterAlgorithm",
    "cudnnGetConvolutionForwardWorkspaceSize", "cudnnGetConvolutionBackwardDataWorkspaceSize",
    "cudnnGetConvolutionBackwardFilterWorkspaceSize", "cudnnConvolutionForward",
    "cudnnConvolutionBackwardData", "cudnnConvolutionBackwardFilter"]


def _fake_library(folder, name, source, symbols, compiler):
    # Stand-ins that export the entry points by name (they are never called: no GPU here).
    folder.mkdir(parents=True)
    c_file = folder / (name + ".c")
    stubs = "".join(f"int {symbol}(void) {{ return 1; }}\n" for symbol in symbols)
    c_file.write_text(source + stubs)
    library = str(folder / name)
    subprocess.run([compiler, "-shared", "-fPIC", "-o", library, str(c_file)], check=True)


@needs_cuda_build
@pytest.mark.skipif(has_gpu, reason="stand-in libraries would shadow the real ones")
@pytest.mark.parametrize("cudnn_complete", [True, False])
def test_libraries_load_from_the_wheel_folders(tmp_path, cudnn_complete):
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.fail("a C compiler (cc or gcc) is needed to build the stand-in libraries")
    _fake_library(tmp_path / "nvidia" / "cublas" / "lib", "libcublas.so.13", _FAKE_CUBLAS,
                  _CUBLAS_SYMBOLS, compiler)
    symbols = _CUDNN_SYMBOLS if cudnn_complete else _CUDNN_SYMBOLS[:-1]  # one missing: unusable
    _fake_library(tmp_path / "nvidia" / "cudnn" / "lib", "libcudnn.so.9", _FAKE_CUDNN, symbols,
                  compiler)
    script = textwrap.dedent(f"""
        import sys
        sys.path.append({str(tmp_path)!r})
        import striate as st
        st.backends.cuda._register_wheel_folders()
        print(st.backends.cuda.cublas_status())
        print(st.backends.cuda.cudnn_status())
        print(st.backends.cudnn.is_available(), st.backends.cudnn.version())
        st.show_config()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(os.environ), check=True).stdout
    cublas_line, cudnn_line, available_line = out.splitlines()[:3]
    cublas, cudnn = eval(cublas_line), eval(cudnn_line)  # dict reprs printed just above
    assert cublas["loaded"] and cublas["version"] == "13.1.2"
    assert cublas["path"] == str(tmp_path / "nvidia" / "cublas" / "lib" / "libcublas.so.13")
    assert cudnn["version"] == "9.10.2" and "cuBLAS: loaded (13.1.2, " in out
    if cudnn_complete:
        assert cudnn["loaded"] and available_line == "True 91002"
        assert "cuDNN: loaded (9.10.2, " in out
    else:
        assert not cudnn["loaded"] and available_line == "False None"
        assert "symbol cudnnConvolutionBackwardFilter is missing" in cudnn["reason"]
        assert "cuDNN: symbol cudnnConvolutionBackwardFilter is missing" in out


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
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-3)  # TF32: ~2e-2 off


CONVS = {
    "plain": ((2, 3, 9, 7), (4, 3, 3, 3), {}),
    "strided_padded_dilated": ((3, 4, 12, 11), (6, 4, 3, 2), {"stride": (2, 1), "padding": (1, 2),
                                                              "dilation": (2, 1)}),
    "groups": ((2, 6, 8, 8), (9, 2, 3, 3), {"groups": 3, "padding": 1}),
    "depthwise": ((2, 5, 7, 7), (10, 1, 3, 3), {"groups": 5}),
    "pointwise": ((3, 8, 5, 6), (4, 8, 1, 1), {}),
    "asymmetric_same": ((2, 3, 8, 8), (4, 3, 2, 2), {"padding": "same"}),  # cuDNN cannot: ours
    "conv3d": ((2, 3, 5, 6, 4), (4, 3, 3, 2, 3), {"stride": (1, 2, 1), "padding": (1, 0, 1)}),
}

# (conv algorithm preference, BLAS library, cuDNN settings): cuDNN by heuristics, by benchmark,
# deterministic only; our lowering on cuBLAS and on our own GEMM.
PATHS = {
    "cudnn": ("auto", "cublas", {}),
    "cudnn_benchmark": ("auto", "cublas", {"benchmark": True}),
    "cudnn_deterministic": ("auto", "cublas", {"deterministic": True}),
    "lowering_cublas": ("im2col_gemm", "cublas", {}),
    "lowering_striate": ("im2col_gemm", "striate", {}),
}


@pytest.fixture
def conv_path(request, blas_library):
    algorithm, library, settings = PATHS[request.param]
    previous_algorithm = st.backends.cpu.set_conv_algorithm(algorithm)
    backend_cuda.preferred_blas_library(library)
    previous = {name: getattr(st.backends.cudnn, name) for name in settings}
    for name, value in settings.items():
        setattr(st.backends.cudnn, name, value)
    yield request.param
    for name, value in previous.items():
        setattr(st.backends.cudnn, name, value)
    st.backends.cpu.set_conv_algorithm(previous_algorithm)


@needs_gpu
@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel lengths")
@pytest.mark.parametrize("conv_path", list(PATHS), indirect=True)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CONVS))
def test_conv_on_each_path_matches_the_cpu(conv_path, dtype, name):
    x_shape, w_shape, kwargs = CONVS[name]
    conv = F.conv3d if len(x_shape) == 5 else F.conv2d
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype)
    results = {}
    for device in ("cpu", "cuda"):
        tensors = [st.tensor(v).to(device).requires_grad_() for v in (x, w, b)]
        out = conv(*tensors, **kwargs)
        (out * out).sum().backward()
        results[device] = [out.detach().cpu().numpy()] + [t.grad.cpu().numpy() for t in tensors]
    tol = 1e-4 if dtype == np.float32 else 1e-10
    for cpu, gpu in zip(results["cpu"], results["cuda"]):
        # Scale-relative: a weight gradient summed over a batch may cancel to near zero.
        np.testing.assert_allclose(gpu, cpu, rtol=tol, atol=tol * np.abs(cpu).max())


@needs_gpu
def test_cudnn_deterministic_gives_identical_bits():
    previous = st.backends.cudnn.deterministic
    st.backends.cudnn.deterministic = True
    try:
        x = _cuda(rng.standard_normal((8, 16, 12, 12)).astype(np.float32)).requires_grad_()
        w = _cuda(rng.standard_normal((32, 16, 3, 3)).astype(np.float32)).requires_grad_()
        runs = []
        for _ in range(2):
            x.grad = w.grad = None
            F.conv2d(x, w, padding=1).sum().backward()
            runs.append((x.grad.cpu().numpy(), w.grad.cpu().numpy()))
        np.testing.assert_array_equal(runs[0][0], runs[1][0])
        np.testing.assert_array_equal(runs[0][1], runs[1][1])
    finally:
        st.backends.cudnn.deterministic = previous


@needs_gpu
def test_cuda_conv_algorithm_reports_the_path():
    expected = "cudnn" if st.backends.cudnn.is_available() else "im2col_gemm"
    algorithms = st.backends.cpu.conv_algorithm((2, 3, 8, 8), (4, 3, 3, 3), device="cuda")
    assert set(algorithms.values()) == {expected}
    previous = st.backends.cudnn.enabled
    st.backends.cudnn.enabled = False
    try:
        assert set(st.backends.cpu.conv_algorithm(
            (2, 3, 8, 8), (4, 3, 3, 3), device="cuda").values()) == {"im2col_gemm"}
        assert set(st.backends.cpu.conv_algorithm(
            (2, 3, 8, 8), (4, 3, 1, 1), device="cuda").values()) == {"gemm_1x1"}
    finally:
        st.backends.cudnn.enabled = previous


def test_cudnn_switches_read_back_and_reject_non_bools():
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")
    previous = {name: getattr(st.backends.cudnn, name) for name in names}
    assert previous == {"enabled": True, "benchmark": False, "deterministic": False,
                        "allow_tf32": False}
    try:
        for name in names:
            setattr(st.backends.cudnn, name, not previous[name])
            assert getattr(st.backends.cudnn, name) is (not previous[name])
        with pytest.raises(TypeError, match="backends.cudnn.benchmark: expected a bool, got int"):
            st.backends.cudnn.benchmark = 1
    finally:
        for name, value in previous.items():
            setattr(st.backends.cudnn, name, value)
