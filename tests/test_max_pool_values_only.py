"""Max pooling without autograd and without returned indices (inference): the CPU kernel then
keeps no indices, and 2x2 stride-2 windows over an even width run whole planes through
vector_math's max_pool_2x2. The values (and the sign of zero on ties, and NaN) must be those of
the indexed path and PyTorch's, on every ISA path, in float32 and float64, at 1 and 2 threads."""

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import to_np

rng = np.random.default_rng(5)


def awkward(shape, dtype):
    """Random values with ties, signed zeros, infinities and NaNs in known places."""
    x = rng.standard_normal(shape).astype(dtype)
    x[0, 0, 0, :] = 0.5  # ties along a row
    x[0, 0, 2, 0::2] = -0.0  # signed-zero ties inside windows
    x[0, 0, 2, 1::2] = 0.0
    x[0, 0, 3, 1::2] = -0.0
    x[0, 0, 3, 0::2] = 0.0
    x[-1, -1, 1, 3] = np.nan
    x[-1, 0, 4, :2] = -np.inf
    x[-1, 0, 5, 2] = np.inf
    return x


def same_bits(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_array_equal(a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}"))


# (height, width): even widths take the whole-plane path (odd heights drop the last row), odd
# widths the general row kernel without indices; widths around the vector lengths (8, 16 lanes).
SIZES = [(28, 28), (10, 10), (9, 32), (8, 40), (7, 34), (6, 6), (9, 7), (12, 33)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{h}x{w}" for h, w in SIZES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_only_equal_the_indexed_path_and_torch(isa, size, dtype):
    x = awkward((3, 4, *size), dtype)
    with st.no_grad():
        fast = to_np(F.max_pool2d(st.tensor(x), 2))
    indexed, _ = F.max_pool2d(st.tensor(x), 2, return_indices=True)
    same_bits(fast, to_np(indexed))
    np.testing.assert_array_equal(fast, TF.max_pool2d(torch.tensor(x), 2).numpy())


@pytest.mark.parametrize(
    "kwargs",
    [dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=2, stride=1),
     dict(kernel_size=2, stride=2, ceil_mode=True), dict(kernel_size=2, stride=2, dilation=2)],
)
def test_other_windows_without_indices(isa, kwargs):
    x = awkward((2, 3, 11, 14), np.float32)
    with st.no_grad():
        fast = to_np(F.max_pool2d(st.tensor(x), **kwargs))
    indexed, _ = F.max_pool2d(st.tensor(x), return_indices=True, **kwargs)
    same_bits(fast, to_np(indexed))


def test_module_at_inference_and_in_training():
    pool = st.nn.MaxPool2d(2)
    x = awkward((4, 6, 28, 28), np.float32)
    with st.inference_mode():
        fast = to_np(pool(st.tensor(x)))
    # With autograd the indices are kept, and the gradient lands on the maxima.
    t = st.tensor(np.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0), requires_grad=True)
    y = pool(t)
    y.sum().backward()
    reference = torch.tensor(to_np(t.detach()), requires_grad=True)
    TF.max_pool2d(reference, 2).sum().backward()
    np.testing.assert_array_equal(to_np(t.grad), reference.grad.numpy())
    np.testing.assert_array_equal(fast, TF.max_pool2d(torch.tensor(x), 2).numpy())


def test_same_bits_at_one_and_two_threads():
    x = awkward((8, 16, 28, 28), np.float32)
    previous = st.get_num_threads()
    try:
        outputs = []
        for threads in (1, 2):
            st.set_num_threads(threads)
            with st.no_grad():
                outputs.append(to_np(F.max_pool2d(st.tensor(x), 2)))
    finally:
        st.set_num_threads(previous)
    same_bits(outputs[0], outputs[1])
