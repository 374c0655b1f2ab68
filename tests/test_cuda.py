"""The CUDA backend: tensors move to and from the GPU and the first kernel runs there. Without a
GPU the moves raise a clear error (tested); the GPU tests skip."""

import numpy as np
import pytest
import striate as st

has_gpu = st.cuda.is_available()
needs_gpu = pytest.mark.skipif(not has_gpu, reason="no CUDA device on this machine")


def test_show_config_reports_cuda():
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        st.show_config()
    text = out.getvalue()
    assert "CUDA backend: built" in text if st.cuda_built else "CUDA backend: not built" in text
    assert "CPU ISA path" in text and "OpenMP threads" in text


@pytest.mark.skipif(has_gpu, reason="this checks the error raised without a GPU")
def test_moving_to_cuda_without_a_device_raises():
    x = st.ones(3)
    expected = (NotImplementedError, ValueError)
    with pytest.raises(expected, match="CUDA|cuda"):
        x.to("cuda")


@needs_gpu
def test_roundtrip_and_add_on_gpu():
    a = np.random.default_rng(0).standard_normal((257, 33)).astype(np.float32)
    x = st.tensor(a).cuda()
    assert x.device.type == "cuda" and x.is_cuda
    np.testing.assert_array_equal(x.cpu().numpy(), a)
    y = (x + x).cpu()
    np.testing.assert_allclose(y.numpy(), a + a, rtol=1e-6)
    z = st.zeros(5, device="cuda")
    np.testing.assert_array_equal(z.cpu().numpy(), np.zeros(5, np.float32))


@pytest.mark.skipif(has_gpu, reason="this checks the error raised without a GPU")
def test_pin_memory_without_a_device_raises():
    x = st.ones(3)
    assert not x.is_pinned()
    with pytest.raises((NotImplementedError, ValueError), match="CUDA"):
        x.pin_memory()


@needs_gpu
def test_pinned_tensors_and_loader_batches():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = st.tensor(a).transpose(0, 2)
    pinned = x.pin_memory()
    assert pinned.is_pinned() and not x.is_pinned() and pinned.is_contiguous()
    np.testing.assert_array_equal(pinned.numpy(), x.numpy())
    assert pinned.pin_memory() is pinned or pinned.pin_memory().is_pinned()
    np.testing.assert_array_equal(pinned.cuda().cpu().numpy(), x.numpy())
    images = st.randn(10, 1, 4, 4)
    labels = st.arange(10)
    loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=4, pin_memory=True)
    batches = list(loader)
    assert all(t.is_pinned() for batch in batches for t in batch)
    np.testing.assert_array_equal(st.cat([b[0] for b in batches]).numpy(), images.numpy())


@needs_gpu
def test_save_load_keeps_the_device_and_map_location_moves_it(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    st.save({"x": st.tensor(a).cuda()}, tmp_path / "gpu.pt")
    back = st.load(tmp_path / "gpu.pt")["x"]
    assert back.is_cuda
    np.testing.assert_array_equal(back.cpu().numpy(), a)
    on_cpu = st.load(tmp_path / "gpu.pt", map_location="cpu")["x"]
    assert str(on_cpu.device) == "cpu"
    np.testing.assert_array_equal(on_cpu.numpy(), a)
    remapped = st.load(tmp_path / "gpu.pt", map_location={"cuda": "cpu"})["x"]
    assert str(remapped.device) == "cpu"
