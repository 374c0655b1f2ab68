"""PyTorch's tensor functions composed from striate's ops (striate/_tensor_compose.py): each
checked against torch (forward and the gradient of every input, on random shapes), by float64
finite differences where it is differentiable, and on its bad inputs."""

import numpy as np
import pytest
import striate as st
from helpers import check_parity, gradcheck

torch = pytest.importorskip("torch")

PER_DEVICE = True  # every test runs once per available device (conftest.py)


def weighted(pieces, lib):
    """One tensor from a tuple of pieces, each weighted differently (so every piece's gradient
    is checked, and a swapped piece is caught)."""
    return lib.cat([p.reshape(-1) * (i + 1) for i, p in enumerate(pieces)])


DIFFERENTIABLE = {
    "split_int": (lambda lib: lambda x: weighted(lib.split(x, 2, dim=1), lib), [(3, 5, 2)]),
    "split_sections": (lambda lib: lambda x: weighted(x.split([1, 0, 3], 0), lib), [(4, 3)]),
    "chunk": (lambda lib: lambda x: weighted(x.chunk(3, dim=-1), lib), [(2, 7)]),
    "chunk_fewer": (lambda lib: lambda x: weighted(lib.chunk(x, 4, 0), lib), [(3, 2)]),
    "unbind": (lambda lib: lambda x: weighted(x.unbind(1), lib), [(2, 3, 4)]),
    "flip": (lambda lib: lambda x: lib.flip(x, [0, 2]) * lib.arange(5.0), [(3, 2, 5)]),
    "flip_method": (lambda lib: lambda x: x.flip(-1) * lib.arange(4.0), [(2, 4)]),
    "repeat": (lambda lib: lambda x: x.repeat(2, 1, 3) * lib.arange(12.0), [(2, 4)]),
    "tile": (lambda lib: lambda x: lib.tile(x, (2,)) * lib.arange(6.0), [(2, 3)]),
    "broadcast_to": (lambda lib: lambda x: lib.broadcast_to(x, (4, 3)) * lib.arange(3.0), [(1, 3)]),
    "mm": (lambda lib: lambda a, b: lib.mm(a, b), [(3, 4), (4, 5)]),
    "bmm": (lambda lib: lambda a, b: a.bmm(b), [(2, 3, 4), (2, 4, 2)]),
    "dot": (lambda lib: lambda a, b: lib.dot(a, b), [(6,), (6,)]),
    "outer": (lambda lib: lambda a, b: lib.outer(a, b), [(3,), (4,)]),
    "clip": (lambda lib: lambda x: lib.clip(x, -0.5, 0.7), [(3, 4)]),
    "concatenate": (lambda lib: lambda a, b: lib.concatenate([a, b], 1), [(2, 3), (2, 1)]),
    "movedim": (lambda lib: lambda x: lib.movedim(x, 0, 2) * lib.arange(4.0), [(4, 3, 2)]),
    "narrow": (lambda lib: lambda x: lib.narrow(x, 1, 1, 2), [(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
@pytest.mark.parametrize("seed", [0, 1])
def test_parity_with_torch_and_gradcheck(name, seed):
    make, shapes = DIFFERENTIABLE[name]
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    check_parity(make(st), make(torch), arrays)
    gradcheck(make(st), [a.astype(np.float64) for a in arrays])


def test_pieces_are_views_with_torchs_shapes():
    x = np.arange(24.0, dtype=np.float32).reshape(4, 6)
    for call in (
        lambda lib, t: lib.split(t, 4, 1),
        lambda lib, t: lib.chunk(t, 4, 1),
        lambda lib, t: t.chunk(5, 0),
        lambda lib, t: lib.unbind(t, 0),
        lambda lib, t: t.split([2, 2], 0),
    ):
        ours, theirs = call(st, st.tensor(x)), call(torch, torch.tensor(x))
        assert [tuple(p.shape) for p in ours] == [tuple(p.shape) for p in theirs]
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_predicates_and_reductions_match_torch(dtype):
    values = np.array([[0.0, 1.5, -np.inf], [np.nan, 2.0, np.inf], [0.0, 0.0, 3.0]])
    if dtype in ("int64", "bool"):
        values = np.nan_to_num(values, posinf=7, neginf=-7)
    array = values.astype(dtype)
    s, t = st.tensor(array), torch.tensor(array)
    for name in ("isnan", "isinf", "isfinite"):
        np.testing.assert_array_equal(getattr(st, name)(s).numpy(), getattr(torch, name)(t).numpy())
        np.testing.assert_array_equal(getattr(s, name)().numpy(), getattr(t, name)().numpy())
    for name in ("all", "any"):
        assert getattr(st, name)(s).item() == getattr(torch, name)(t).item()
        for dim in (0, 1, -1):
            for keepdim in (False, True):
                np.testing.assert_array_equal(
                    getattr(s, name)(dim=dim, keepdim=keepdim).numpy(),
                    getattr(t, name)(dim=dim, keepdim=keepdim).numpy(),
                )


def test_comparisons_match_torch():
    rng = np.random.default_rng(3)
    a = rng.integers(-2, 3, (4, 5)).astype(np.float32)
    b = rng.integers(-2, 3, (1, 5)).astype(np.float32)
    for name in ("ne", "lt", "le", "gt", "ge"):
        np.testing.assert_array_equal(
            getattr(st, name)(st.tensor(a), st.tensor(b)).numpy(),
            getattr(torch, name)(torch.tensor(a), torch.tensor(b)).numpy(),
        )
        np.testing.assert_array_equal(
            getattr(st.tensor(a), name)(0.5).numpy(), getattr(torch.tensor(a), name)(0.5).numpy()
        )


def test_delegations_and_creation():
    x = st.randn(2, 1, 3)
    assert st.reshape(x, (3, 2)).shape == (3, 2) and st.squeeze(x).shape == (2, 3)
    assert st.squeeze(x, 1).shape == (2, 3) and st.unsqueeze(x, 0).shape == (1, 2, 1, 3)
    assert st.transpose(x, 0, 2).shape == (3, 1, 2) and st.permute(x, (2, 0, 1)).shape == (3, 2, 1)
    assert st.concat([x, x], 1).shape == (2, 2, 3)
    assert st.as_tensor(x) is x and st.as_tensor(x, dtype=st.float64).dtype == st.float64
    assert st.as_tensor([1, 2]).dtype == st.int64
    assert x.new_empty((4,)).shape == (4,) and x.nbytes == 24
    y = st.empty(1000)
    y.uniform_(-2, 3, generator=st.Generator().manual_seed(1))
    assert -2 <= y.min().item() and y.max().item() < 3 and 0 < y.mean().item() < 1
    y.normal_(5.0, 0.1)
    assert abs(y.mean().item() - 5.0) < 0.05 and 0.05 < y.std().item() < 0.2
    first = st.seed()
    a = st.rand(3)
    st.manual_seed(first)
    np.testing.assert_array_equal(st.rand(3).numpy(), a.numpy())


def test_bad_inputs_name_the_op_and_argument():
    x = st.randn(3, 4)
    cases = [
        (lambda: st.split(x, 0, 1), ValueError, "split: split_size must be positive, got 0"),
        (
            lambda: x.split([1, 2], 1),
            ValueError,
            r"split: section sizes \[1, 2\] must be non-negative and add up to the size of "
            r"dim 1, 4",
        ),
        (lambda: x.chunk(0), ValueError, "chunk: chunks must be positive, got 0"),
        (
            lambda: x.chunk(2, dim=2),
            IndexError,
            "chunk: dim 2 is out of range for a tensor of 2 "
            r"dimensions \(expected a value in \[-2, 1\]\)",
        ),
        (lambda: x.unbind(-3), IndexError, "unbind: dim -3 is out of range"),
        (lambda: st.flip(x, [0, -2]), ValueError, r"flip: dim 0 appears more than once"),
        (lambda: x.repeat(2), ValueError, "repeat: expected at least 2 repeat counts"),
        (lambda: x.repeat(2, -1), ValueError, "repeat: repeat counts must be non-negative"),
        (
            lambda: x.repeat(2, 1.5),
            TypeError,
            "repeat: expected each repeat count as an int, got float",
        ),
        (lambda: st.mm(x, st.randn(4)), ValueError, "mm: expected mat2 as a 2-D matrix, got 1-D"),
        (
            lambda: st.bmm(st.randn(2, 3, 4), st.randn(3, 4, 2)),
            ValueError,
            "bmm: expected one batch size, got 2 and 3",
        ),
        (
            lambda: st.dot(st.randn(3), st.randn(4)),
            ValueError,
            "dot: expected tensors of one length, got 3 and 4",
        ),
        (lambda: st.outer(x, st.randn(2)), ValueError, "outer: expected input as a 1-D tensor"),
        (
            lambda: st.split([1, 2], 1),
            TypeError,
            "split: expected tensor as a striate.Tensor, got list",
        ),
        (lambda: x.any(dim=True), TypeError, "any: expected dim as an int, got bool"),
        (
            lambda: st.zeros(3, dtype=st.int64).uniform_(),
            TypeError,
            "uniform_: expected a floating-point tensor, got striate.int64",
        ),
        (lambda: st.zeros(3).normal_(0, -1), ValueError, "normal_: expected std >= 0, got -1"),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()
