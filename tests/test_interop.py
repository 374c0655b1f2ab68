"""NumPy and DLPack interop: zero-copy in both directions, NumPy 2's __array__ protocol."""

import numpy as np
import pytest
import striate as st
import torch


def test_numpy_zero_copy_both_ways():
    arr = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = st.from_numpy(arr)
    arr[0, 0] = 42
    assert t[0, 0].item() == 42
    back = t.numpy()
    back[1, 1] = -1
    assert arr[1, 1] == -1
    assert np.shares_memory(back, arr)
    tt = t.t()
    np.testing.assert_array_equal(tt.numpy(), arr.T)
    assert np.shares_memory(tt.numpy(), arr)


def test_from_numpy_keeps_array_alive_and_strided():
    t = st.from_numpy(np.arange(10, dtype=np.float64)[::2])
    import gc

    gc.collect()
    assert t.tolist() == [0, 2, 4, 6, 8]
    assert t.stride() == (2,)


def test_from_numpy_errors():
    with pytest.raises(TypeError, match="float64, float32, float16, int64, uint8 and bool"):
        st.from_numpy(np.zeros(3, dtype=np.complex64))
    with pytest.raises(ValueError, match="negative"):
        st.from_numpy(np.arange(4.0)[::-1])
    with pytest.raises(TypeError, match="expected a numpy.ndarray"):
        st.from_numpy([1, 2])


def test_numpy_requires_grad_error():
    x = st.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    np.testing.assert_array_equal(np.asarray(x.detach()), [1, 1])


def test_array_protocol():
    t = st.arange(6).reshape(2, 3)
    a = np.asarray(t)
    assert a.dtype == np.int64 and np.shares_memory(a, t.numpy())
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    c = t.__array__(copy=True)
    assert not np.shares_memory(c, t.numpy())
    with pytest.raises(ValueError, match="copy=False"):
        t.__array__(dtype=np.float32, copy=False)
    assert np.array(t, copy=False).base is not None


def test_buffer_protocol():
    t = st.tensor([[1.0, 2.0], [3.0, 4.0]])
    m = memoryview(t)
    assert m.format == "f" and m.shape == (2, 2) and m.strides == (8, 4)
    b = st.tensor([True, False])
    assert memoryview(b).format == "?"


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8, np.bool_])
def test_dlpack_numpy_roundtrip(dtype):
    arr = (np.arange(12) % 3).astype(dtype).reshape(3, 4)
    t = st.from_dlpack(arr)
    assert t.shape == (3, 4)
    np.testing.assert_array_equal(t.numpy(), arr)
    assert np.shares_memory(t.numpy(), arr)
    back = np.from_dlpack(t)
    np.testing.assert_array_equal(back, arr)
    assert np.shares_memory(back, arr)


def test_dlpack_torch_roundtrip():
    tt = torch.arange(12, dtype=torch.float32).reshape(3, 4).t()
    s = st.from_dlpack(tt)
    assert s.shape == (4, 3) and s.stride() == tt.stride()
    tt[0, 0] = 99
    assert s[0, 0].item() == 99
    back = torch.from_dlpack(s)
    assert back.data_ptr() == tt.data_ptr()
    torch.testing.assert_close(back, tt)
    st_t = st.randn(2, 5)
    tor = torch.from_dlpack(st_t)
    np.testing.assert_array_equal(tor.numpy(), st_t.numpy())
    assert st_t.__dlpack_device__() == (1, 0)


def test_dlpack_capsule_consumed_once():
    cap = st.ones(3).__dlpack__()
    st.from_dlpack(cap)
    with pytest.raises(TypeError, match="unconsumed DLPack capsule"):
        st.from_dlpack(cap)
