"""Shapes that reach every launch shape of the reduction, loss, indexing and normalization kernels
(the per-family tests use small tensors): long reduced axes (the CUDA kernels' block-per-output
path, R >= 256) next to short ones (thread-per-output), NaNs and ties along a long axis, many
classes, odd row widths in bytes (the row copies' narrow-word paths), repeated indices, large
masks, big normalization groups and bit-identical repeats. PyTorch parity on every device."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, current_device, to_np

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(11)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def on_device(array):
    return st.tensor(array).to(current_device())


# ---- reductions ---------------------------------------------------------------------------

# (shape, dim): a long innermost axis, a long middle axis with few outputs, a short axis with
# many outputs, and everything.
LONG = [((3, 1000), 1), ((2, 700, 3), 1), ((600, 4), 0), ((4, 300, 5), (0, 2)), ((2, 3, 50), None)]


@pytest.mark.parametrize("name", ["sum", "mean", "var", "std"])
@pytest.mark.parametrize("shape,dim", LONG)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_long_axis_sums_match_torch(name, shape, dim, dtype):
    def fn(x):
        return getattr(x, name)() if dim is None else getattr(x, name)(dim=dim)

    tol = 1e-5 if dtype == np.float32 else 1e-10
    check_parity(fn, fn, [rand(*shape, dtype=dtype) + 3], fwd_rtol=tol, grad_rtol=max(tol, 1e-4))


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("shape,dim", [((3, 1000), 1), ((2, 700, 3), 1), ((600, 4), 0)])
def test_long_axis_extremes_match_torch(name, shape, dim):
    def fn(x):
        return getattr(x, name)(dim=dim)[0]

    check_parity(fn, fn, [rand(*shape)])


def test_long_axis_argmax_ties_and_nans_pick_the_first():
    x = np.round(rand(4, 900)).astype(np.float32)  # many ties
    x[1, 500] = np.nan
    x[1, 700] = np.nan
    x[2, 899] = np.nan
    for name in ["argmax", "argmin"]:
        got = to_np(getattr(st, name)(on_device(x), dim=1))
        want = getattr(torch, name)(torch.tensor(x), dim=1).numpy()
        np.testing.assert_array_equal(got, want)
    values, indices = st.max(on_device(x), dim=1)
    t_values, t_indices = torch.max(torch.tensor(x), dim=1)
    np.testing.assert_array_equal(to_np(indices), t_indices.numpy())
    np.testing.assert_array_equal(to_np(values), t_values.numpy())


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.bool_])
def test_long_axis_integer_sums_and_extremes(dtype):
    x = rng.integers(0, 3, size=(3, 800)).astype(dtype)
    np.testing.assert_array_equal(to_np(st.sum(on_device(x), dim=1)), x.sum(axis=1, dtype=np.int64))
    if dtype != np.bool_:
        np.testing.assert_array_equal(
            to_np(st.argmax(on_device(x), dim=1)), torch.argmax(torch.tensor(x), dim=1).numpy()
        )


def test_reductions_repeat_bit_for_bit():
    x = on_device(rand(5, 50000))
    first = to_np(st.sum(x, dim=1))
    for _ in range(3):
        np.testing.assert_array_equal(to_np(st.sum(x, dim=1)), first)
    np.testing.assert_array_equal(to_np(st.var(x, dim=1)), to_np(st.var(x, dim=1)))


# ---- losses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs", [dict(), dict(ignore_index=3), dict(label_smoothing=0.1), dict(reduction="sum")]
)
def test_cross_entropy_many_classes_matches_torch(kwargs):
    C = 1000
    target = rng.integers(0, C, size=(6,)).astype(np.int64)
    target[2] = 3
    weight = rng.uniform(0.5, 2.0, size=(C,)).astype(np.float32)

    def fn(mod):
        return lambda x, t, w: mod.cross_entropy(x, t, weight=w, **kwargs)

    arrays = [rand(6, C) * 10, target, weight]
    check_parity(fn(F), fn(TF), arrays, requires_grad=[True, False, False])


def test_cross_entropy_spatial_large_logits_matches_torch():
    target = rng.integers(0, 5, size=(2, 7, 9)).astype(np.int64)
    target[0, 0, :4] = -100
    check_parity(
        lambda x, t: F.cross_entropy(x, t),
        lambda x, t: TF.cross_entropy(x, t),
        [rand(2, 5, 7, 9) * 200, target],
    )


def test_nll_and_multi_margin_many_rows_match_torch():
    target = rng.integers(0, 12, size=(300,)).astype(np.int64)
    check_parity(
        lambda x, t: F.nll_loss(F.log_softmax(x, dim=1), t),
        lambda x, t: TF.nll_loss(TF.log_softmax(x, dim=1), t),
        [rand(300, 12), target],
    )
    check_parity(
        lambda x, t: F.multi_margin_loss(x, t, p=2),
        lambda x, t: TF.multi_margin_loss(x, t, p=2),
        [rand(300, 12), target],
    )


def test_binary_cross_entropy_and_kl_div_at_the_edges_match_torch():
    x = rng.uniform(0, 1, size=(500,)).astype(np.float32)
    x[:3] = [0.0, 1.0, 0.5]
    t = rng.uniform(0, 1, size=(500,)).astype(np.float32)
    bce, t_bce = F.binary_cross_entropy, TF.binary_cross_entropy
    check_parity(bce, t_bce, [x, t], requires_grad=[True, False])
    # The target's gradient is infinite at x = 0 or 1 in PyTorch (its logs are not clamped there).
    check_parity(
        F.binary_cross_entropy, TF.binary_cross_entropy, [x[3:], t[3:]], requires_grad=[False, True]
    )
    log_p = np.log(rng.uniform(0.01, 1, size=(500,))).astype(np.float32)
    t[:5] = 0.0
    check_parity(
        lambda a, b: F.kl_div(a, b, reduction="sum"),
        lambda a, b: TF.kl_div(a, b, reduction="sum"),
        [log_p, t],
        requires_grad=[True, False],  # d/dt at t = 0: striate 0 (the limit), PyTorch NaN
    )


# ---- indexing -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.uint8, np.int64, np.float64, np.float32])
def test_cat_and_index_select_odd_widths_keep_every_byte(dtype):
    pieces = [rng.integers(0, 250, size=(5, w, 3)).astype(dtype) for w in (1, 2, 5)]
    got = to_np(st.cat([on_device(p) for p in pieces], dim=1))
    np.testing.assert_array_equal(got, np.concatenate(pieces, axis=1))
    x = rng.integers(0, 250, size=(7, 3)).astype(dtype)
    index = np.array([6, 0, 0, 3, 6], dtype=np.int64)
    got = to_np(st.index_select(on_device(x), 0, on_device(index)))
    np.testing.assert_array_equal(got, x[index])


def test_index_select_repeated_indices_gradient_matches_torch():
    index = rng.integers(0, 40, size=(500,)).astype(np.int64)
    check_parity(
        lambda x, i: st.index_select(x, 1, i),
        lambda x, i: torch.index_select(x, 1, i),
        [rand(3, 40, 2), index],
    )


def test_gather_long_dim_on_a_transposed_view_matches_torch():
    index = rng.integers(0, 300, size=(4, 500)).astype(np.int64)
    check_parity(
        lambda x, i: st.gather(x.transpose(0, 1), 1, i),
        lambda x, i: torch.gather(x.transpose(0, 1), 1, i),
        [rand(300, 4), index],
    )


def test_large_masks_select_fill_and_scatter_match_torch():
    mask = rng.uniform(size=(3000,)) < 0.3
    x = rand(3000, 3)
    check_parity(lambda a, m: a[m] * 2, lambda a, m: a[m] * 2, [x, mask])

    def fill(a, m):
        y = a * 1
        y[m] = 0.5
        return y * y

    check_parity(fill, fill, [x, mask])

    def scatter(a, m, v):
        y = a * 1
        y[m] = v
        return y * y

    check_parity(scatter, scatter, [x, mask, rand(int(mask.sum()), 3)])


def test_index_put_repeated_indices_last_write_wins():
    x = np.zeros((6, 2), dtype=np.float32)
    index = np.array([1, 4, 1, -2, 1], dtype=np.int64)
    values = np.arange(10, dtype=np.float32).reshape(5, 2)
    y = on_device(x)
    y[on_device(index)] = on_device(values)
    want = x.copy()
    for k, i in enumerate(index):
        want[i] = values[k]
    np.testing.assert_array_equal(to_np(y), want)


# ---- normalization --------------------------------------------------------------------------


def test_batch_norm_training_and_running_stats_match_torch():
    shape = (4, 3, 20, 20)
    s_bn, t_bn = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    if current_device() != "cpu":
        s_bn.to(current_device())
    for step in range(2):
        x = rand(*shape) * 2 + step
        check_parity(s_bn, t_bn, [x])
    np.testing.assert_allclose(
        to_np(s_bn.running_mean), t_bn.running_mean.numpy(), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        to_np(s_bn.running_var), t_bn.running_var.numpy(), rtol=1e-5, atol=1e-6
    )
    s_bn.eval()
    t_bn.eval()
    check_parity(s_bn, t_bn, [rand(*shape)])


@pytest.mark.parametrize("groups", [1, 2, 6])
def test_group_norm_big_groups_match_torch(groups):
    weight, bias = rand(6), rand(6)
    check_parity(
        lambda x, w, b: F.group_norm(x, groups, w, b),
        lambda x, w, b: TF.group_norm(x, groups, w, b),
        [rand(2, 6, 15, 15), weight, bias],
    )


def test_layer_norm_and_lrn_wide_rows_match_torch():
    check_parity(
        lambda x, w, b: F.layer_norm(x, [700], w, b),
        lambda x, w, b: TF.layer_norm(x, [700], w, b),
        [rand(3, 700), rand(700), rand(700)],
    )
    check_parity(
        lambda x: F.local_response_norm(x, 5),
        lambda x: TF.local_response_norm(x, 5),
        [rand(2, 9, 6, 6)],
    )


def test_backward_without_the_first_input_gradient_does_not_crash():
    # The backward nodes once took the device of an undefined dx (no gradient for input 0).
    x = rng.uniform(0.05, 0.95, size=(40,)).astype(np.float32)
    t = rng.uniform(0.05, 0.95, size=(40,)).astype(np.float32)
    check_parity(F.kl_div, TF.kl_div, [np.log(x), t], requires_grad=[False, True])
    w, b = rand(6), rand(6)
    check_parity(
        lambda a, w, b: F.group_norm(a, 2, w, b),
        lambda a, w, b: TF.group_norm(a, 2, w, b),
        [rand(2, 6, 5), w, b],
        requires_grad=[False, True, True],
    )
    check_parity(
        lambda a, w, b: F.batch_norm(a, None, None, w, b, training=True),
        lambda a, w, b: TF.batch_norm(a, None, None, w, b, training=True),
        [rand(4, 6, 5), w, b],
        requires_grad=[False, True, True],
    )


def test_index_mask_and_weight_on_another_device_raise_naming_both():
    # A kernel handed a pointer of another device would fault (or read host memory on the GPU):
    # the op refuses first. The poisoned cuda:0 tensor is never touched.
    from striate.backends import _registry

    def poisoned(*shape, dtype="float32"):
        return _registry._poisoned_device_tensor(list(shape), dtype, "cuda:0")

    x = st.ones(4, 3)
    calls = {
        "index": lambda: st.index_select(x, 0, poisoned(2, dtype="int64")),
        "index ": lambda: st.gather(x, 1, poisoned(4, 3, dtype="int64")),
        "mask": lambda: st.masked_select(x, poisoned(4, 3, dtype="bool")),
        "mask ": lambda: x.masked_fill_(poisoned(4, 3, dtype="bool"), 0.0),
        "weight": lambda: F.cross_entropy(x, st.tensor(np.array([0, 1, 2, 0])), weight=poisoned(3)),
    }
    for name, call in calls.items():
        with pytest.raises(ValueError, match=rf"{name.strip()}.*cuda:0|cuda:0.*{name.strip()}"):
            call()
