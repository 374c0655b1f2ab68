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
    loader = st.data.DataLoader(st.data.TensorDataset(images, labels), batch_size=4,
                                pin_memory=True)
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


# ---- without a GPU: every entry point answers or says why ------------------------------------

no_gpu = pytest.mark.skipif(has_gpu, reason="this checks the behaviour without a GPU")


@no_gpu
def test_show_config_and_unavailable_reason_say_why():
    import contextlib
    import io

    reason = st.cuda.unavailable_reason()
    assert reason, "without a device the reason must not be empty"
    if st.cuda_built:
        assert any(word in reason for word in ("driver", "device")), reason
    else:
        assert "built without" in reason
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        st.show_config()
    assert reason in out.getvalue()


@no_gpu
@pytest.mark.parametrize(
    "call",
    [
        lambda: st.cuda.current_device(),
        lambda: st.cuda.set_device(0),
        lambda: st.cuda.synchronize(),
        lambda: st.cuda.get_device_properties(0),
        lambda: st.cuda.get_device_name(),
        lambda: st.cuda.Stream(),
        lambda: st.cuda.Event(enable_timing=True),
        lambda: st.cuda.current_stream(),
        lambda: st.cuda.default_stream(),
        lambda: st.cuda.mem_get_info(),
    ],
)
def test_device_calls_without_a_device_raise_runtime_error_naming_the_reason(call):
    with pytest.raises(RuntimeError, match="CUDA is not available: .+"):
        call()


@no_gpu
def test_memory_queries_without_a_device_answer_zero():
    assert st.cuda.memory_allocated() == 0
    assert st.cuda.max_memory_allocated() == 0
    assert st.cuda.memory_reserved() == 0
    assert st.cuda.max_memory_reserved() == 0
    assert st.cuda.memory_stats() == {}
    st.cuda.empty_cache()
    st.cuda.reset_peak_memory_stats()
    assert "not available" in st.cuda.memory_summary()
    assert st.cuda.device_count() == 0 and not st.cuda.is_available()


def test_manual_seed_records_the_seed_on_every_machine():
    st.cuda.manual_seed_all(123)
    assert st.cuda.initial_seed() == 123
    st.cuda.manual_seed(7)
    assert st.cuda.initial_seed() == 7
    with pytest.raises((TypeError, ValueError)):
        st.cuda.manual_seed("seven")


@no_gpu
@pytest.mark.parametrize(
    "make",
    [
        lambda: st.zeros(2, 3, device="cuda"),
        lambda: st.ones(2, device="cuda:0"),
        lambda: st.full((2,), 1.5, device="cuda"),
        lambda: st.empty(4, device=st.device("cuda")),
        lambda: st.arange(5, device="cuda"),
        lambda: st.linspace(0, 1, 5, device="cuda"),
        lambda: st.eye(3, device="cuda"),
        lambda: st.tensor([1.0, 2.0], device="cuda"),
        lambda: st.zeros(2, device=0),
        lambda: st.zeros_like(st.ones(2), device="cuda"),
        lambda: st.ones(2).new_zeros(3, device="cuda"),
    ],
)
def test_creation_on_cuda_without_a_device_raises_naming_cuda(make):
    with pytest.raises((NotImplementedError, ValueError, RuntimeError), match="CUDA|cuda"):
        make()


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda: st.rand(2, device="cuda"), "rand"),
        (lambda: st.randn(2, 3, device="cuda:0"), "randn"),
        (lambda: st.randint(0, 5, (3,), device="cuda"), "randint"),
        (lambda: st.randperm(4, device="cuda"), "randperm"),
    ],
)
def test_random_creation_on_cuda_raises_not_implemented_until_a_cuda_generator_exists(make, op):
    with pytest.raises(NotImplementedError, match=f"{op}: random tensors on CUDA"):
        make()


def test_like_and_new_functions_keep_the_source_device_and_dtype():
    x = st.ones(2, 3, dtype=st.float64)
    for y in (st.zeros_like(x), st.ones_like(x), st.empty_like(x), st.full_like(x, 2.0),
              st.rand_like(x), st.randn_like(x), x.new_zeros(4), x.new_ones(4),
              x.new_full((4,), 1.0), x.new_tensor([1.0])):
        assert str(y.device) == "cpu" and y.dtype == st.float64
    assert x.new_zeros(2, requires_grad=True).requires_grad
    assert str(st.zeros_like(x, device="cpu").device) == "cpu"


def test_like_functions_of_a_cuda_tensor_stay_on_cuda_or_refuse():
    fake = st.backends._registry._poisoned_device_tensor([2, 3], "float32", "cuda:0")
    if has_gpu:
        pytest.skip("a poisoned tensor is only a stand-in without a GPU")
    with pytest.raises((NotImplementedError, ValueError, RuntimeError), match="CUDA|cuda"):
        st.zeros_like(fake)
    with pytest.raises(NotImplementedError, match="randn: random tensors on CUDA"):
        st.randn_like(fake)


def test_non_blocking_to_on_the_cpu_is_a_no_op():
    x = st.ones(3)
    assert x.to("cpu", non_blocking=True) is x
    assert x.to("cpu", st.float32, True) is x
    assert x.cpu() is x


@no_gpu
def test_module_to_cuda_without_a_device_raises_and_keeps_the_module_on_the_cpu():
    model = st.nn.Sequential(st.nn.Linear(3, 2), st.nn.BatchNorm1d(2))
    with pytest.raises((NotImplementedError, ValueError, RuntimeError), match="CUDA|cuda"):
        model.to("cuda")
    assert all(str(p.device) == "cpu" for p in model.parameters())
    assert all(str(b.device) == "cpu" for b in model.buffers())


# ---- on a GPU: the allocator, streams, events, copies, modules and optimizers -----------------


@needs_gpu
def test_device_queries():
    assert st.cuda.device_count() >= 1
    st.cuda.set_device(0)
    assert st.cuda.current_device() == 0
    props = st.cuda.get_device_properties(0)
    assert props.name and props.total_memory > 0 and props.major >= 7
    assert st.cuda.get_device_name() == props.name
    assert st.cuda.get_device_capability() == (props.major, props.minor)
    free, total = st.cuda.mem_get_info()
    assert 0 < free <= total
    with st.cuda.device(0):
        assert st.cuda.current_device() == 0
    with pytest.raises(ValueError, match="out of range"):
        st.cuda.set_device(st.cuda.device_count())


@needs_gpu
def test_caching_allocator_counts_reuses_and_empties():
    st.cuda.synchronize()
    st.cuda.empty_cache()
    st.cuda.reset_peak_memory_stats()
    base = st.cuda.memory_allocated()
    x = st.zeros(1000, device="cuda")  # 4000 bytes, rounded to 4096
    assert st.cuda.memory_allocated() == base + 4096
    assert st.cuda.memory_reserved() >= st.cuda.memory_allocated()
    ptr_stats = st.cuda.memory_stats()
    del x
    assert st.cuda.memory_allocated() == base
    y = st.zeros(1000, device="cuda")  # served from the cache
    after = st.cuda.memory_stats()
    assert after["segment.all.allocated"] == ptr_stats["segment.all.allocated"]
    assert after["num_cache_hits"] > ptr_stats["num_cache_hits"]
    assert st.cuda.max_memory_allocated() >= base + 4096
    del y
    big = st.zeros(4 << 20, device="cuda")  # 16 MiB: a large block
    assert st.cuda.max_memory_allocated() >= base + (16 << 20)
    del big
    st.cuda.reset_peak_memory_stats()
    assert st.cuda.max_memory_allocated() == st.cuda.memory_allocated()
    reserved = st.cuda.memory_reserved()
    st.cuda.empty_cache()
    assert st.cuda.memory_reserved() < reserved
    text = st.cuda.memory_summary()
    assert "allocated (tensors)" in text and "cudaMalloc calls" in text


@needs_gpu
def test_out_of_memory_names_the_bytes_and_the_process_stays_usable():
    _, total = st.cuda.mem_get_info()
    n = total // 4 * 2  # float32 elements: twice the device's bytes
    with pytest.raises(MemoryError, match=r"tried to allocate \d+ bytes .* free of \d+ total"):
        st.empty(int(n), device="cuda")
    stats = st.cuda.memory_stats()
    assert stats["num_ooms"] >= 1 and stats["num_alloc_retries"] >= 1
    x = st.ones(10, device="cuda")
    np.testing.assert_array_equal(x.cpu().numpy(), np.ones(10, np.float32))


@needs_gpu
def test_streams_context_and_events():
    default = st.cuda.current_stream()
    assert default == st.cuda.default_stream()
    s = st.cuda.Stream()
    assert s != default
    with st.cuda.stream(s):
        assert st.cuda.current_stream() == s
        a = st.tensor(np.arange(1 << 16, dtype=np.float32), device="cuda")
        b = a + a
    assert st.cuda.current_stream() == default
    s.synchronize()
    assert s.query()
    np.testing.assert_array_equal(b.cpu().numpy(), 2 * np.arange(1 << 16, dtype=np.float32))
    start, end = st.cuda.Event(enable_timing=True), st.cuda.Event(enable_timing=True)
    start.record()
    c = b + b
    end.record()
    end.synchronize()
    assert end.query() and start.elapsed_time(end) >= 0
    other = st.cuda.Stream()
    other.wait_stream(st.cuda.current_stream())
    e = other.record_event()
    e.wait()
    c.record_stream(other)
    del c
    st.cuda.synchronize()
    with pytest.raises(ValueError, match="enable_timing"):
        st.cuda.Event().elapsed_time(st.cuda.Event())
    with st.cuda.stream(None):
        pass


@needs_gpu
def test_non_blocking_copies_from_pinned_memory():
    a = np.random.default_rng(1).standard_normal((64, 1024)).astype(np.float32)
    pinned = st.tensor(a).pin_memory()
    on_gpu = pinned.to("cuda", non_blocking=True)
    back = on_gpu.to("cpu", non_blocking=True)
    assert back.is_pinned()
    st.cuda.synchronize()
    np.testing.assert_array_equal(back.numpy(), a)
    np.testing.assert_array_equal(pinned.cuda(non_blocking=True).cpu().numpy(), a)


@needs_gpu
def test_loader_pinned_batches_copied_non_blocking_on_a_side_stream():
    images = st.tensor(np.arange(40 * 4, dtype=np.float32).reshape(40, 4))
    loader = st.data.DataLoader(st.data.TensorDataset(images), batch_size=8, pin_memory=True)
    copy_stream = st.cuda.Stream()
    outs = []
    for (batch,) in loader:
        with st.cuda.stream(copy_stream):
            gpu = batch.to("cuda", non_blocking=True)
        st.cuda.current_stream().wait_stream(copy_stream)
        gpu.record_stream(st.cuda.current_stream())
        outs.append((gpu + gpu).cpu())  # add: the CUDA kernel every build has
    np.testing.assert_array_equal(st.cat(outs).numpy(), images.numpy() * 2)


@needs_gpu
def test_creation_functions_on_cuda():
    for t, ref in [
        (st.zeros(2, 3, device="cuda"), np.zeros((2, 3), np.float32)),
        (st.ones(4, device="cuda:0"), np.ones(4, np.float32)),
        (st.full((2,), 1.5, device="cuda"), np.full(2, 1.5, np.float32)),
        (st.arange(5, device="cuda"), np.arange(5)),
        (st.linspace(0, 1, 5, device="cuda"), np.linspace(0, 1, 5, dtype=np.float32)),
        (st.eye(3, device="cuda"), np.eye(3, dtype=np.float32)),
        (st.tensor([1.0, 2.0], device="cuda"), np.array([1.0, 2.0], np.float32)),
        (st.zeros_like(st.ones(3), device="cuda"), np.zeros(3, np.float32)),
        (st.ones(2, device="cuda").new_ones(3), np.ones(3, np.float32)),
    ]:
        assert t.is_cuda
        np.testing.assert_allclose(t.cpu().numpy(), ref)
    z = st.zeros(2, device="cuda", requires_grad=True)
    assert z.is_cuda and z.requires_grad and z.is_leaf
    assert st.ones_like(z).is_cuda


@needs_gpu
def test_mixing_devices_raises_value_error_naming_both():
    with pytest.raises(ValueError, match=r"cpu.*cuda:0|cuda:0.*cpu"):
        st.ones(3) + st.ones(3, device="cuda")


@needs_gpu
def test_module_to_moves_parameters_buffers_and_grads_and_the_optimizer_follows():
    st.manual_seed(0)
    model = st.nn.Sequential(st.nn.Linear(4, 3), st.nn.BatchNorm1d(3))
    weight = model[0].weight
    opt = st.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(st.randn(5, 4)).sum().backward()
    opt.step()
    state = opt.state_dict()
    model.to("cuda")
    assert model[0].weight is weight and weight.is_cuda and weight.grad.is_cuda
    assert all(b.is_cuda for b in model.buffers())
    fresh = st.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    fresh.load_state_dict(state)  # CPU state onto CUDA parameters
    assert all(v.is_cuda for s in fresh.state.values() for v in s.values()
               if isinstance(v, st.Tensor) and v.dim() > 0)
    x = st.randn(5, 4).cuda()
    model(x).sum().backward()
    fresh.step()
    assert all(v.is_cuda for s in fresh.state.values() for v in s.values()
               if isinstance(v, st.Tensor) and v.dim() > 0)
    model.cpu()
    assert not weight.is_cuda


# ---- the build switch --------------------------------------------------------------------------


def test_striate_cuda_on_fails_loudly_without_nvcc(tmp_path):
    """-DSTRIATE_CUDA=ON on a machine whose PATH has no nvcc stops the configure with a clear
    message (AUTO would quietly build without the backend)."""
    import os
    import shutil
    import subprocess

    cmake = pytest.importorskip("cmake")
    exe = os.path.join(os.path.dirname(cmake.__file__), "data", "bin", "cmake")
    ninja = shutil.which("ninja")
    if not os.path.exists(exe) or ninja is None:
        pytest.skip("cmake or ninja is not installed")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.exists(os.path.join(root, "CMakeLists.txt")):
        pytest.skip("the source tree is not next to the tests")
    env = {k: v for k, v in os.environ.items()
           if k not in ("CUDACXX", "CUDA_PATH", "CUDAToolkit_ROOT")}
    env["PATH"] = "/usr/bin:/bin"
    if shutil.which("nvcc", path=env["PATH"]):
        pytest.skip("nvcc is installed in /usr/bin: no PATH without it to configure with")
    result = subprocess.run(
        [exe, "-S", root, "-B", str(tmp_path / "build"), "-G", "Ninja",
         f"-DCMAKE_MAKE_PROGRAM={ninja}", "-DSTRIATE_CUDA=ON", "-DSTRIATE_BUILD_TESTS=OFF"],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode != 0
    assert "STRIATE_CUDA=ON but no CUDA compiler (nvcc) was found" in result.stdout + result.stderr


# ---- CUDA Graphs -------------------------------------------------------------------------------


@no_gpu
def test_cuda_graph_without_a_device_raises():
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        st.cuda.CUDAGraph()
    assert not st.cuda.is_current_stream_capturing()


@needs_gpu
def test_cuda_graph_replays_the_captured_kernels_on_new_data():
    static_x = st.zeros(1 << 12, device="cuda")
    static_y = static_x + static_x  # warm-up: the kernel is loaded, memory cached
    g = st.cuda.CUDAGraph()
    with pytest.raises(RuntimeError, match="nothing was captured"):
        g.replay()
    with st.cuda.graph(g):
        assert st.cuda.is_current_stream_capturing()
        static_y = static_x + static_x
    assert not st.cuda.is_current_stream_capturing()
    for value in (1.0, 3.5):
        static_x.fill_(value)
        g.replay()
        st.cuda.synchronize()
        expected = np.full(1 << 12, 2 * value, np.float32)
        np.testing.assert_array_equal(static_y.cpu().numpy(), expected)
    g.reset()
