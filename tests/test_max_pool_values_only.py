"""2x2 stride-2 max pooling over an even width runs whole planes through vector_math's
max_pool_2x2, with indices (training, return_indices) or without (inference: the CPU kernel then
keeps none); other windows run the general row kernel. The values (and the sign of zero on ties,
and NaN), the indices and the gradient must be those of the general kernel and PyTorch's, on every
ISA path, in float32 and float64, at 1 and 2 threads."""

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


def general_kernel(x, dtype):
    """The same 2x2 pooling through the general row kernel: one column of -inf appended makes an
    even width odd, and its windows (past the last output column) are never read."""
    if x.shape[3] % 2:
        values, indices = F.max_pool2d(st.tensor(x), 2, return_indices=True)
        return to_np(values), to_np(indices)
    padded = np.concatenate([x, np.full(x.shape[:3] + (1,), -np.inf, dtype)], axis=3)
    values, indices = F.max_pool2d(st.tensor(padded), 2, return_indices=True)
    width = x.shape[3]
    indices = to_np(indices)
    return to_np(values), indices // (width + 1) * width + indices % (width + 1)


@pytest.mark.parametrize("size", SIZES, ids=[f"{h}x{w}" for h, w in SIZES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_indices_equal_the_general_kernel_and_torch(isa, size, dtype):
    x = awkward((3, 4, *size), dtype)
    values, indices = F.max_pool2d(st.tensor(x), 2, return_indices=True)
    general_values, general_indices = general_kernel(x, dtype)
    same_bits(to_np(values), general_values)
    np.testing.assert_array_equal(to_np(indices), general_indices)
    t_values, t_indices = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(to_np(values), t_values.numpy())
    np.testing.assert_array_equal(to_np(indices), t_indices.numpy())



@pytest.mark.parametrize("size", SIZES, ids=[f"{h}x{w}" for h, w in SIZES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_lands_where_torch_puts_it(isa, size, dtype):
    # Training keeps no indices for a plain 2x2 pooling: the backward finds each window's pick
    # again in the input (ties: the first in window order; NaN: the last NaN). With and without
    # indices kept (return_indices), the gradient must be PyTorch's, -0.0 gradients included.
    x = awkward((3, 4, *size), dtype)
    weights = rng.standard_normal((3, 4, size[0] // 2, size[1] // 2)).astype(dtype)
    weights[0, 0, 0, :] = -0.0
    t_input = torch.tensor(x, requires_grad=True)
    (TF.max_pool2d(t_input, 2) * torch.tensor(weights)).sum().backward()
    for return_indices in (False, True):
        s_input = st.tensor(x, requires_grad=True)
        out = F.max_pool2d(s_input, 2, return_indices=return_indices)
        out = out[0] if return_indices else out
        (out * st.tensor(weights)).sum().backward()
        same_bits(to_np(s_input.grad), t_input.grad.numpy())


def test_pool_then_in_place_relu_trains_and_a_changed_input_is_reported():
    # The plain 2x2 backward keeps the input, not the output: MaxPool2d -> ReLU(inplace=True)
    # stays legal (as in PyTorch), and writing into the pooled input is reported (as in PyTorch).
    x = awkward((2, 3, 8, 8), np.float32)
    x = np.nan_to_num(x, nan=0.0)
    s_input = st.tensor(x, requires_grad=True)
    F.relu(F.max_pool2d(s_input * 1.0, 2), inplace=True).sum().backward()
    t_input = torch.tensor(x, requires_grad=True)
    TF.relu(TF.max_pool2d(t_input * 1.0, 2), inplace=True).sum().backward()
    np.testing.assert_array_equal(to_np(s_input.grad), t_input.grad.numpy())
    pooled_input = st.tensor(x, requires_grad=True) * 1.0
    out = F.max_pool2d(pooled_input, 2)
    with st.no_grad():
        pooled_input.add_(1.0)
    with pytest.raises(RuntimeError, match="MaxPool2dBackward"):
        out.sum().backward()


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
            values, indices = F.max_pool2d(st.tensor(x), 2, return_indices=True)
            outputs += [to_np(values), to_np(indices)]
    finally:
        st.set_num_threads(previous)
    for single, double in zip(outputs[:3], outputs[3:]):
        same_bits(single, double)
