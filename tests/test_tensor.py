"""Tensor: creation, dtypes, views without copies, broadcasting, indexing, repr."""

import numpy as np
import pytest
import striate as st


def test_creation_shapes_and_dtypes():
    assert st.zeros(2, 3).shape == (2, 3)
    assert st.zeros((2, 3)).dtype == st.float32
    assert st.ones(4, dtype=st.float64).dtype == st.float64
    assert st.full((2, 2), 7).dtype == st.int64
    assert st.full((2, 2), 7.5).numpy().tolist() == [[7.5, 7.5], [7.5, 7.5]]
    assert st.empty(0, 3).numel() == 0
    assert st.zeros(2, 0).shape == (2, 0) and (st.ones(0, 3) * 2).numel() == 0
    assert st.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert st.arange(5).dtype == st.int64
    np.testing.assert_allclose(st.arange(0, 1, 0.25).numpy(), [0, 0.25, 0.5, 0.75])
    np.testing.assert_allclose(st.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5), rtol=1e-6)
    np.testing.assert_array_equal(st.eye(3, 4).numpy(), np.eye(3, 4, dtype=np.float32))
    assert st.zeros_like(st.ones(2, dtype=st.float64)).dtype == st.float64
    assert st.tensor([1, 2]).dtype == st.int64
    assert st.tensor([1.5, 2]).dtype == st.float32
    assert st.tensor([True, False]).dtype == st.bool
    assert st.tensor(np.zeros(3, dtype=np.uint8)).dtype == st.uint8
    assert st.tensor(np.zeros(3)).dtype == st.float64


def test_random_is_seeded():
    st.manual_seed(123)
    a = st.randn(4, 5).numpy().copy()
    b = st.rand(3).numpy().copy()
    c = st.randint(0, 10, (6,)).numpy().copy()
    st.manual_seed(123)
    np.testing.assert_array_equal(a, st.randn(4, 5).numpy())
    np.testing.assert_array_equal(b, st.rand(3).numpy())
    np.testing.assert_array_equal(c, st.randint(0, 10, (6,)).numpy())
    assert c.min() >= 0 and c.max() < 10
    big = st.randn(20000).numpy()
    assert abs(big.mean()) < 0.05 and abs(big.std() - 1) < 0.05
    u = st.rand(20000).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.02


def test_views_share_storage():
    x = st.arange(24).reshape(2, 3, 4)
    for v in [x.view(6, 4), x.permute(2, 0, 1), x.transpose(0, 2), x[0], x[:, 1:],
              x.narrow(2, 1, 2),
              x.unsqueeze(0), x.flatten(), x[0].t(), x.select(1, 2)]:
        assert v._same_storage(x)
    e = st.ones(3, 1).expand(3, 4)
    assert e.stride() == (1, 0)
    np.testing.assert_array_equal(x.permute(2, 0, 1).numpy(),
                                  np.arange(24).reshape(2, 3, 4).transpose(2, 0, 1))
    np.testing.assert_array_equal(x.transpose(0, 2).contiguous().numpy(),
                                  np.arange(24).reshape(2, 3, 4).transpose(2, 1, 0))
    assert x.unsqueeze(1).shape == (2, 1, 3, 4)
    assert x.unsqueeze(1).squeeze(1).shape == (2, 3, 4)
    assert st.zeros(1, 3, 1).squeeze().shape == (3,)
    assert x.flatten(1).shape == (2, 12)
    assert x.reshape(-1, 4).shape == (6, 4)
    c = x.transpose(0, 1)
    assert not c.is_contiguous() and c.contiguous().is_contiguous()
    assert not c.contiguous()._same_storage(x)
    cl = x.clone()
    assert not cl._same_storage(x)
    cl[0, 0, 0] = 100
    assert x[0, 0, 0].item() == 0


def test_view_errors():
    x = st.arange(6).reshape(2, 3)
    with pytest.raises(ValueError, match="view: size .* not compatible"):
        x.t().view(6)
    assert x.t().reshape(6).tolist() == [0, 3, 1, 4, 2, 5]
    with pytest.raises(ValueError, match="invalid for input of size 6"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match="only one dimension can be inferred"):
        x.reshape(-1, -1)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        x.transpose(0, 2)
    with pytest.raises(ValueError, match="expanded size"):
        x.expand(3, 3)
    with pytest.raises(IndexError, match="narrow"):
        x.narrow(1, 2, 5)
    with pytest.raises(ValueError, match="repeated dim"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match="size must be non-negative"):
        st.zeros(-1, 2)
    with pytest.raises(TypeError, match="sequence of ints"):
        st.zeros(2.5)


def test_broadcasting_arithmetic_matches_numpy():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 1, 3)).astype(np.float32)
    b = rng.standard_normal((5, 1)).astype(np.float32)
    A, B = st.tensor(a), st.tensor(b)
    np.testing.assert_allclose((A + B).numpy(), a + b, rtol=1e-6)
    np.testing.assert_allclose((A - B).numpy(), a - b, rtol=1e-6)
    np.testing.assert_allclose((A * B).numpy(), a * b, rtol=1e-6)
    np.testing.assert_allclose((A / B).numpy(), a / b, rtol=1e-6)
    np.testing.assert_allclose((A * 2 + 1).numpy(), a * 2 + 1, rtol=1e-6)
    np.testing.assert_allclose((1 - A).numpy(), 1 - a, rtol=1e-6)
    np.testing.assert_allclose((2 / (A.abs() + 1)).numpy(), 2 / (np.abs(a) + 1), rtol=1e-6)
    np.testing.assert_allclose((A.abs() ** 0.5).numpy(), np.abs(a) ** 0.5, rtol=1e-6)
    np.testing.assert_allclose(st.maximum(A, B).numpy(), np.maximum(a, b))
    np.testing.assert_allclose(st.where(A > 0, A, B).numpy(), np.where(a > 0, a, b))
    np.testing.assert_array_equal((A > B).numpy(), a > b)
    np.testing.assert_array_equal((A <= 0).numpy(), a <= 0)
    with pytest.raises(ValueError,
                       match=r"add: shapes \[4, 1, 3\] and \[2, 2\] cannot be broadcast"):
        A + st.zeros(2, 2)


def test_type_promotion():
    i = st.arange(3)
    f = st.ones(3)
    assert (i + f).dtype == st.float32
    assert (i + 1).dtype == st.int64
    assert (i + 1.5).dtype == st.float32
    assert (i / 2).dtype == st.float32
    assert (f + st.ones(3, dtype=st.float64)).dtype == st.float64
    assert (f + st.tensor(1.0, dtype=st.float64)).dtype == st.float32  # 0-d doesn't widen
    assert (st.tensor([True]) + st.tensor([True])).dtype == st.bool


def test_inplace_ops():
    x = st.zeros(2, 3)
    x += 1
    x *= st.tensor([1.0, 2.0, 3.0])
    x.sub_(0.5)
    np.testing.assert_allclose(x.numpy(), [[0.5, 1.5, 2.5]] * 2)
    x.clamp_(min=1.0)
    np.testing.assert_allclose(x.numpy(), [[1.0, 1.5, 2.5]] * 2)
    with pytest.raises(ValueError, match="doesn't match the broadcast shape"):
        x.add_(st.zeros(4, 2, 3))
    i = st.arange(3)
    with pytest.raises(TypeError, match="can't be cast"):
        i.add_(1.5)


def test_reductions_basic():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = st.tensor(a)
    assert x.sum().item() == a.sum()
    np.testing.assert_allclose(x.sum(dim=1).numpy(), a.sum(1))
    np.testing.assert_allclose(x.mean(dim=(0, 2), keepdim=True).numpy(),
                               a.mean((0, 2), keepdims=True))
    np.testing.assert_allclose(x.var(dim=2).numpy(), a.var(2, ddof=1), rtol=1e-5)
    np.testing.assert_allclose(x.std().numpy(), a.std(ddof=1), rtol=1e-5)
    values, indices = x.max(dim=2)
    np.testing.assert_array_equal(values.numpy(), a.max(2))
    np.testing.assert_array_equal(indices.numpy(), a.argmax(2))
    assert x.argmax().item() == 23


def test_indexing_reads():
    a = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    x = st.tensor(a)
    cases = [
        (1,), (-1,), (slice(None, None, 2),), (Ellipsis, 1), (None, 0), (1, slice(1, 3), -1),
        (slice(None), None, slice(1, None)), (Ellipsis,), (0, Ellipsis, slice(None, None, 3)),
    ]
    for idx in cases:
        np.testing.assert_array_equal(x[idx].numpy(), a[idx], err_msg=str(idx))
    np.testing.assert_array_equal(x[st.tensor([2, 0, 2])].numpy(), a[[2, 0, 2]])
    np.testing.assert_array_equal(x[[1, 0]].numpy(), a[[1, 0]])
    np.testing.assert_array_equal(x[:, st.tensor([3, 1])].numpy(), a[:, [3, 1]])
    mask = a[:, :, 0] > 20
    np.testing.assert_array_equal(x[st.tensor(mask)].numpy(), a[mask])
    full_mask = a > 30
    np.testing.assert_array_equal(x[st.tensor(full_mask)].numpy(), a[full_mask])
    assert x[1, 2, 3].item() == a[1, 2, 3]


def test_indexing_errors():
    x = st.zeros(3, 4)
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 0 with size 3"):
        x[3]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="out of range|out of bounds"):
        x[st.tensor([0, 7])]
    with pytest.raises(IndexError, match="valid indices"):
        x["a"]
    with pytest.raises(IndexError, match="shape of the mask"):
        x[st.tensor([True, False])]


def test_setitem():
    a = np.zeros((3, 4), dtype=np.float32)
    x = st.tensor(a)
    x[0] = 1.0
    a[0] = 1.0
    x[:, 1:3] = st.tensor([[5.0, 6.0]])
    a[:, 1:3] = [[5.0, 6.0]]
    x[x > 5.5] = -1.0
    a[a > 5.5] = -1.0
    x[st.tensor([2])] = st.tensor([[7.0, 8.0, 9.0, 10.0]])
    a[[2]] = [[7.0, 8.0, 9.0, 10.0]]
    np.testing.assert_array_equal(x.numpy(), a)
    m = x > 7.5
    x[m] = st.tensor([0.5, 0.25, 0.125])
    a[a > 7.5] = [0.5, 0.25, 0.125]
    np.testing.assert_array_equal(x.numpy(), a)


def test_repr_and_scalars():
    x = st.tensor([[1.0, 2.5], [3.0, 4.0]])
    assert repr(x) == "tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])"
    assert repr(st.tensor([1.0, -2.0])) == "tensor([ 1., -2.])"
    assert repr(st.tensor([[-0.5, 0.25]])) == "tensor([[-0.5000,  0.2500]])"
    assert "dtype" not in repr(x)
    assert "dtype=striate.float64" in repr(x.double())
    y = st.ones(2, requires_grad=True)
    assert "requires_grad=True" in repr(y)
    assert "grad_fn=<MulBackward0>" in repr(y * 2)
    assert float(st.tensor(2.5)) == 2.5
    assert int(st.tensor(3)) == 3
    assert st.tensor([1, 2, 3]).tolist() == [1, 2, 3]
    assert len(st.zeros(5, 2)) == 5
    assert [t.item() for t in st.arange(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="cannot be converted to a scalar"):
        st.zeros(2).item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(st.zeros(2))


def test_to_dtype_and_device():
    x = st.tensor([1.7, -2.2])
    assert x.to(st.int64).tolist() == [1, -2]
    assert x.long().dtype == st.int64
    assert x.double().dtype == st.float64
    assert x.to("cpu") is x
    assert str(x.device) == "cpu"
    assert x.to(st.zeros(1, dtype=st.float64)).dtype == st.float64
    with pytest.raises(ValueError, match="expected 'cpu', 'cuda' or 'cuda:N'"):
        x.to("tpu")
    with pytest.raises(TypeError, match="unsupported dtype"):
        x._to_dtype("complex64")


def test_top_level_flatten_unflatten():
    x = st.arange(24).reshape(2, 3, 4)
    assert st.flatten(x, 1).shape == (2, 12)
    assert st.unflatten(st.flatten(x, 1), 1, (3, 4)).tolist() == x.tolist()
