"""The torch names added for the 95% API coverage (issue 15), composed in Python from striate's
ops: rounding, log1p, rsqrt, isclose/allclose, prod, cumsum, norm, sort/argsort/topk,
scatter/scatter_/scatter_add_, nonzero, roll, repeat_interleave (functions and Tensor methods),
and nn.functional unfold/fold, lp_pool2d, adaptive_avg/max_pool3d, upsample with their modules and
InstanceNorm3d. Each: parity with torch (forward and every gradient), float64 gradcheck where
differentiable, and bad inputs."""

import inspect

import numpy as np
import pytest
import striate as st
import striate.nn as nn
from helpers import check_parity, gradcheck

torch = pytest.importorskip("torch")
tF = torch.nn.functional
F = st.nn.functional


def arrays(seed, *shapes, scale=1.0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(s) * scale).astype(np.float32) for s in shapes]


# name: (call taking (lib, *tensors), input shapes, differentiable?, input scale)
ELEMENTWISE = {
    "floor": (lambda m, x: m.floor(x), True, 3.0),
    "ceil": (lambda m, x: m.ceil(x), True, 3.0),
    "round": (lambda m, x: m.round(x), True, 3.0),
    "round_decimals": (lambda m, x: m.round(x, decimals=2), True, 3.0),
    "trunc": (lambda m, x: m.trunc(x), True, 3.0),
    "floor_method": (lambda m, x: x.floor(), True, 3.0),
    "ceil_method": (lambda m, x: x.ceil(), True, 3.0),
    "round_method": (lambda m, x: x.round(), True, 3.0),
    "log1p": (lambda m, x: m.log1p(x.abs()), True, 1.0),
    "rsqrt": (lambda m, x: m.rsqrt(x.abs() + 0.1), True, 1.0),
    "prod_all": (lambda m, x: m.prod(x), True, 1.0),
    "prod_dim": (lambda m, x: m.prod(x, 1), True, 1.0),
    "prod_keepdim": (lambda m, x: x.prod(0, keepdim=True), True, 1.0),
    "cumsum": (lambda m, x: m.cumsum(x, 1), True, 1.0),
    "cumsum_method": (lambda m, x: x.cumsum(0), True, 1.0),
    "norm": (lambda m, x: m.norm(x), True, 1.0),
    "norm_dim": (lambda m, x: x.norm(dim=1), True, 1.0),
    "norm_p1": (lambda m, x: m.norm(x, p=1, dim=0, keepdim=True), True, 1.0),
    "norm_p3": (lambda m, x: m.norm(x, p=3, dim=1), True, 1.0),
    "norm_inf": (lambda m, x: m.norm(x, p=float("inf"), dim=1), True, 1.0),
    "sort_values": (lambda m, x: m.sort(x, 1)[0], True, 1.0),
    "sort_descending": (lambda m, x: x.sort(0, descending=True).values, True, 1.0),
    "topk_values": (lambda m, x: m.topk(x, 3).values, True, 1.0),
    "topk_smallest": (lambda m, x: x.topk(2, dim=0, largest=False)[0], True, 1.0),
    "roll": (lambda m, x: m.roll(x, 2, 1), True, 1.0),
    "roll_dims": (lambda m, x: m.roll(x, (1, -2), (0, 1)), True, 1.0),
    "roll_flat": (lambda m, x: m.roll(x, 3), True, 1.0),
    "repeat_interleave": (lambda m, x: m.repeat_interleave(x, 2, dim=0), True, 1.0),
    "repeat_interleave_flat": (lambda m, x: m.repeat_interleave(x, 2), True, 1.0),
    "diag": (lambda m, x: m.diag(x), True, 1.0),
    "diag_above": (lambda m, x: x.diag(2), True, 1.0),
    "diag_below": (lambda m, x: m.diag(x, -1), True, 1.0),
    "diag_of_vector": (lambda m, x: m.diag(x[0]), True, 1.0),
    "diag_of_vector_offset": (lambda m, x: x[1].diag(-2), True, 1.0),
}


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_parity_with_torch(name):
    call, _, scale = ELEMENTWISE[name]
    (x,) = arrays(1, (4, 5), scale=scale)
    check_parity(lambda t: call(st, t), lambda t: call(torch, t), [x])


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if "round" not in n and "floor" not in n
                                  and "ceil" not in n and "trunc" not in n])
def test_gradcheck_float64(name):
    call, _, scale = ELEMENTWISE[name]
    (x,) = arrays(2, (3, 4), scale=scale)
    gradcheck(lambda t: call(st, t), [x.astype(np.float64)])


def test_rounding_keeps_huge_nan_and_inf_values_and_halves_to_even():
    values = np.array([2.0 ** 60, -2.0 ** 53 - 2, np.nan, np.inf, -np.inf, 0.5, 1.5, 2.5, -2.5,
                       -0.3, 1e-30], np.float64)
    for name in ("floor", "ceil", "round", "trunc"):
        ours = getattr(st, name)(st.tensor(values)).numpy()
        np.testing.assert_array_equal(ours, getattr(torch, name)(torch.tensor(values)).numpy())
    ints = st.tensor([3, -4])
    assert st.floor(ints).tolist() == [3, -4] and st.floor(ints).dtype == st.int64


def test_log1p_is_accurate_for_tiny_inputs():
    tiny = np.array([1e-10, -1e-12, 3e-8], np.float32)
    np.testing.assert_allclose(st.log1p(st.tensor(tiny)).numpy(), np.log1p(tiny), rtol=1e-6)


def test_prod_counts_zeros_in_its_gradient():
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 4.0]], np.float32)
    check_parity(lambda t: st.prod(t, 1), lambda t: torch.prod(t, 1), [x])
    check_parity(lambda t: st.prod(t), lambda t: torch.prod(t), [x[0]])


def test_integer_prod_and_cumsum_promote_as_torch():
    b = np.array([[True, False], [True, True]])
    assert st.tensor(b).cumsum(0).tolist() == torch.tensor(b).cumsum(0).tolist()
    assert st.tensor(b).cumsum(0).dtype == st.int64
    u = np.array([3, 4, 5], np.uint8)
    assert st.prod(st.tensor(u)).item() == 60 and st.prod(st.tensor(u)).dtype == st.int64


def test_isclose_and_allclose_match_torch():
    a = np.array([1.0, np.nan, np.inf, -np.inf, 1e-9, 2.0], np.float64)
    b = np.array([1.0 + 1e-6, np.nan, np.inf, np.inf, 0.0, 2.1], np.float64)
    for equal_nan in (False, True):
        ours = st.isclose(st.tensor(a), st.tensor(b), equal_nan=equal_nan).tolist()
        theirs = torch.isclose(torch.tensor(a), torch.tensor(b), equal_nan=equal_nan).tolist()
        assert ours == theirs
    assert st.allclose(st.tensor(a[:1]), st.tensor(b[:1])) is True
    assert st.tensor([1, 2]).isclose(st.tensor([1, 3])).tolist() == [True, False]
    with pytest.raises(TypeError, match="isclose: expected input and other of one dtype"):
        st.isclose(st.tensor([1.0]), st.tensor([1]))
    with pytest.raises(ValueError, match="isclose: expected non-negative rtol"):
        st.isclose(st.tensor([1.0]), st.tensor([1.0]), rtol=-1)


def test_sort_argsort_and_topk_indices_match_torch_including_nan_and_ties():
    x = np.array([[3.0, np.nan, 1.0, 3.0, -2.0], [0.0, 5.0, 5.0, np.nan, 1.0]], np.float32)
    for descending in (False, True):
        ours = st.sort(st.tensor(x), dim=1, descending=descending, stable=True)
        theirs = torch.sort(torch.tensor(x), dim=1, descending=descending, stable=True)
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(
            st.argsort(st.tensor(x), dim=1, descending=descending, stable=True).numpy(),
            torch.argsort(torch.tensor(x), dim=1, descending=descending, stable=True).numpy())
    ints = np.array([4, -1, 7, 7, 0])
    for descending in (False, True):
        assert st.tensor(ints).sort(descending=descending, stable=True).indices.tolist() == \
            torch.tensor(ints).sort(descending=descending, stable=True).indices.tolist()
    values, indices = st.topk(st.tensor([1.0, 9.0, 4.0]), 2)
    assert values.tolist() == [9.0, 4.0] and indices.tolist() == [1, 2]
    with pytest.raises(IndexError,
                       match=r"topk: k \(4\) is out of range for dimension 0 of size 3"):
        st.topk(st.tensor([1.0, 2.0, 3.0]), 4)
    with pytest.raises(IndexError, match="sort: dim 2 is out of range"):
        st.sort(st.zeros(2, 2), 2)


SCATTER_INDEX = np.array([[0, 1, 2, 0], [1, 2, 0, 1]])


@pytest.mark.parametrize("reduce", [None, "add"])
def test_scatter_matches_torch_on_values_and_gradients(reduce):
    base, src = arrays(3, (3, 5), (2, 4))

    def ours(b, s):
        return st.scatter(b, 0, st.tensor(SCATTER_INDEX), s, reduce=reduce)

    def theirs(b, s):
        idx = torch.tensor(SCATTER_INDEX)
        return b.scatter_add(0, idx, s) if reduce else torch.scatter(b, 0, idx, s)

    check_parity(ours, theirs, [base, src])
    gradcheck(ours, [base.astype(np.float64), src.astype(np.float64)])


def test_scatter_in_place_methods_and_the_one_hot_idiom():
    index = np.array([[2, 0], [1, 1]])
    src = np.arange(4, dtype=np.float32).reshape(2, 2)
    ours = st.zeros(2, 3).scatter_add_(1, st.tensor(index), st.tensor(src))
    theirs = torch.zeros(2, 3).scatter_add_(1, torch.tensor(index), torch.tensor(src))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours = st.zeros(2, 3).scatter_(1, st.tensor(index[:, :1]), st.tensor(src))
    theirs = torch.zeros(2, 3).scatter_(1, torch.tensor(index[:, :1]), torch.tensor(src))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    onehot = st.zeros(10, dtype=st.float32).scatter_(0, st.tensor(7), value=1)
    assert onehot.tolist() == torch.zeros(10).scatter_(0, torch.tensor(7), value=1).tolist()
    x = st.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        x.scatter_(0, st.tensor([0]), value=1.0)


def test_scatter_bad_inputs():
    base = st.zeros(3, 4)
    with pytest.raises(TypeError,
                       match="scatter: expected index as an int64 tensor, got striate.float32"):
        base.scatter_(0, st.zeros(2, 2), value=1.0)
    with pytest.raises(IndexError, match="scatter: index 3 is out of bounds for dim 0 with size 3"):
        st.scatter(base, 0, st.tensor([[3]]), value=1.0)
    with pytest.raises(ValueError, match="scatter: expected index with as many dims as input"):
        st.scatter(base, 0, st.tensor([0]), value=1.0)
    with pytest.raises(TypeError, match="scatter: expected exactly one of src"):
        st.scatter(base, 0, st.tensor([[0]]))
    with pytest.raises(ValueError, match="scatter: reduce must be None or 'add'"):
        st.scatter(base, 0, st.tensor([[0]]), st.ones(1, 1), reduce="multiply")


def test_nonzero_matches_torch():
    x = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], np.float32)
    np.testing.assert_array_equal(st.nonzero(st.tensor(x)).numpy(),
                                  torch.nonzero(torch.tensor(x)).numpy())
    for ours, theirs in zip(st.tensor(x).nonzero(as_tuple=True),
                            torch.tensor(x).nonzero(as_tuple=True)):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert st.nonzero(st.zeros(2, 2)).shape == (0, 2)


def test_repeat_interleave_with_counts_and_bad_inputs():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    counts = np.array([1, 0, 3])
    np.testing.assert_array_equal(
        st.repeat_interleave(st.tensor(x), st.tensor(counts), dim=0).numpy(),
        torch.repeat_interleave(torch.tensor(x), torch.tensor(counts), dim=0).numpy())
    with pytest.raises(ValueError, match="repeat_interleave: expected repeats as an int or 3"):
        st.repeat_interleave(st.tensor(x), st.tensor([1, 2]), dim=0)
    with pytest.raises(ValueError, match="repeat_interleave: repeats must be non-negative"):
        st.repeat_interleave(st.tensor(x), st.tensor([1, -1, 2]), dim=0)
    with pytest.raises(ValueError, match="roll: expected as many shifts as dims"):
        st.roll(st.tensor(x), (1, 2), 0)


def test_float_only_functions_name_themselves():
    with pytest.raises(TypeError, match="log1p: expected a floating-point input"):
        st.log1p(st.tensor([1, 2]))
    with pytest.raises(TypeError, match="norm: expected a floating-point input"):
        st.tensor([1, 2]).norm()
    with pytest.raises(ValueError, match="norm: expected p as a number or 'fro'"):
        st.norm(st.ones(2), p="nuc")


# ---- nn.functional and modules ---------------------------------------------------------------

UNFOLD_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=(2, 1)),
    dict(kernel_size=3, padding=2, stride=3),
]


@pytest.mark.parametrize("options", UNFOLD_CASES, ids=["plain", "dilated", "strided"])
def test_unfold_and_fold_match_torch(options):
    (x,) = arrays(4, (2, 3, 7, 6))
    check_parity(lambda t: F.unfold(t, **options), lambda t: tF.unfold(t, **options), [x])
    columns = tF.unfold(torch.tensor(x), **options).numpy()
    check_parity(lambda t: F.fold(t, (7, 6), **options), lambda t: tF.fold(t, (7, 6), **options),
                 [columns])
    gradcheck(lambda t: F.fold(t, (7, 6), **options), [columns.astype(np.float64)])
    gradcheck(lambda t: F.unfold(t, **options), [x[:1, :2].astype(np.float64)])
    module = nn.Unfold(**options)
    np.testing.assert_allclose(module(st.tensor(x)).numpy(), columns, rtol=1e-6)
    folded = nn.Fold((7, 6), **options)(st.tensor(columns)).numpy()
    np.testing.assert_allclose(folded, tF.fold(torch.tensor(columns), (7, 6), **options).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_unfold_fold_bad_inputs():
    with pytest.raises(ValueError, match=r"unfold: expected input of shape \(N, C, H, W\)"):
        F.unfold(st.zeros(2, 3), 2)
    with pytest.raises(ValueError, match="unfold: the kernel"):
        F.unfold(st.zeros(1, 1, 2, 2), 3)
    with pytest.raises(ValueError, match=r"fold: expected input.size\(2\) = 4 blocks"):
        F.fold(st.zeros(1, 4, 5), (3, 3), 2)
    with pytest.raises(ValueError, match="fold: expected input.size.1. = 6 divisible"):
        F.fold(st.zeros(1, 6, 4), (3, 3), 2)
    with pytest.raises(TypeError, match="unfold: expected kernel_size as an int or a pair"):
        F.unfold(st.zeros(1, 1, 4, 4), "3")


@pytest.mark.parametrize("norm_type", [1, 2, 3.5])
def test_lp_pool2d_matches_torch(norm_type):
    (x,) = arrays(5, (2, 3, 6, 7))
    x = np.abs(x) + 0.1
    check_parity(lambda t: F.lp_pool2d(t, norm_type, 2), lambda t: tF.lp_pool2d(t, norm_type, 2),
                 [x])
    check_parity(lambda t: nn.LPPool2d(norm_type, (2, 3), stride=1)(t),
                 lambda t: torch.nn.LPPool2d(norm_type, (2, 3), stride=1)(t), [x])
    gradcheck(lambda t: F.lp_pool2d(t, norm_type, 2), [x[:1, :1].astype(np.float64)])
    with pytest.raises(ValueError, match="lp_pool2d: expected norm_type > 0"):
        F.lp_pool2d(st.tensor(x), 0, 2)


@pytest.mark.parametrize("size", [(2, 3, 4), 1, (None, 2, 5)])
def test_adaptive_pool3d_matches_torch(size):
    (x,) = arrays(6, (2, 3, 5, 7, 6))
    check_parity(lambda t: F.adaptive_avg_pool3d(t, size),
                 lambda t: tF.adaptive_avg_pool3d(t, size), [x])
    check_parity(lambda t: nn.AdaptiveMaxPool3d(size)(t),
                 lambda t: torch.nn.AdaptiveMaxPool3d(size)(t), [x])
    check_parity(lambda t: nn.AdaptiveAvgPool3d(size)(t[0]),
                 lambda t: torch.nn.AdaptiveAvgPool3d(size)(t[0]), [x])
    gradcheck(lambda t: F.adaptive_avg_pool3d(t, size), [x[:1, :1, :3, :4, :3].astype(np.float64)])
    with pytest.raises(ValueError, match=r"adaptive_avg_pool3d: expected input of shape"):
        F.adaptive_avg_pool3d(st.zeros(2, 3), size)
    with pytest.raises(NotImplementedError, match="return_indices=True is not supported"):
        F.adaptive_max_pool3d(st.tensor(x), size, return_indices=True)


def test_upsample_warns_and_interpolates():
    (x,) = arrays(7, (1, 2, 3, 3))
    with pytest.warns(UserWarning, match="upsample is deprecated"):
        ours = F.upsample(st.tensor(x), scale_factor=2, mode="nearest")
    np.testing.assert_array_equal(ours.numpy(),
                                  tF.interpolate(torch.tensor(x), scale_factor=2).numpy())


@pytest.mark.parametrize("affine", [False, True])
def test_instance_norm3d_matches_torch(affine):
    (x,) = arrays(8, (2, 3, 4, 3, 5))
    ours, theirs = nn.InstanceNorm3d(3, affine=affine), torch.nn.InstanceNorm3d(3, affine=affine)
    if affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            theirs.bias.uniform_(-0.5, 0.5)
        ours.load_state_dict(theirs.state_dict())
    check_parity(ours, theirs, [x])
    check_parity(lambda t: ours(t[0]), lambda t: theirs(t[0]), [x])
    if affine:
        names = sorted(n for n, _ in ours.named_parameters())
        assert names == ["bias", "weight"]
    assert repr(ours) == repr(theirs)
    with pytest.raises(ValueError, match="InstanceNorm3d: expected 3 channels, got 2"):
        ours(st.zeros(1, 2, 2, 2, 2))
    with pytest.raises(NotImplementedError, match="track_running_stats=True"):
        nn.InstanceNorm3d(3, track_running_stats=True)


def test_signatures_follow_torch():
    pairs = [(st.topk, None), (F.unfold, tF.unfold), (F.fold, tF.fold),
             (F.lp_pool2d, tF.lp_pool2d), (F.adaptive_avg_pool3d, tF.adaptive_avg_pool3d),
             (nn.InstanceNorm3d.__init__, torch.nn.InstanceNorm3d.__init__)]
    for ours, theirs in pairs:
        if theirs is None:
            continue
        mine = inspect.signature(ours).parameters
        for name, parameter in inspect.signature(theirs).parameters.items():
            assert name in mine, (ours, name)
            assert mine[name].default == parameter.default, (ours, name)
