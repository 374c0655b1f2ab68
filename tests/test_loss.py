"""Losses: cross_entropy / nll_loss (weight, ignore_index, label smoothing, probability
targets), mse_loss, binary cross-entropy (probabilities and logits), l1, smooth_l1, huber,
multi_margin, kl_div, cosine_embedding; the weight penalties; the loss Modules (the bound C++
classes: torch parity on random shapes, attribute writes, weight buffers, subclasses, copies).
PyTorch parity for every reduction (forward and gradients), float64 gradchecks, stability for
logits of +-1e4 and every bad input."""

import copy
import warnings

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

# Device sweep (tests/test_device_dispatch.py): one call per op of this concept, made on
# poisoned cuda:0 tensors: P(*shape, dtype=...) makes one, x() is a 2x3x4x4 float32.
DEVICE_SWEEP = {
    "cross_entropy": "F.cross_entropy(P(2, 3), P(2, dtype='int64'))",
    "nll_loss": "F.nll_loss(P(2, 3), P(2, dtype='int64'))",
    "multi_margin_loss": "F.multi_margin_loss(P(2, 3), P(2, dtype='int64'))",
    "cosine_embedding_loss": "F.cosine_embedding_loss(P(2, 3), P(2, 3), P(2))",
    "binary_cross_entropy": "F.binary_cross_entropy(P(2, 3), P(2, 3))",
    "kl_div": "F.kl_div(P(2, 3), P(2, 3))",
    "mse_loss": "F.mse_loss(P(2, 3), P(2, 3))",
    "huber_loss": "F.huber_loss(P(2, 3), P(2, 3))",
    "smooth_l1_loss": "F.smooth_l1_loss(P(2, 3), P(2, 3))",
    "elastic_net_penalty": "st._C._functional.elastic_net_penalty([P(2, 3)], 0.1, 0.1)",
    "binary_cross_entropy_with_logits": "F.binary_cross_entropy_with_logits(P(2, 3), P(2, 3))",
}

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(0)
REDUCTIONS = ["mean", "sum", "none"]


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def labels(C, *shape):
    return rng.integers(0, C, size=shape).astype(np.int64)


# (input shape, target shape): plain, odd sizes, spatial (N, C, d1, d2), unbatched (C,).
CLASS_CONFIGS = [((4, 3), (4,)), ((7, 11), (7,)), ((2, 5, 3, 4), (2, 3, 4)), ((3, 4, 5), (3, 5)),
                 ((6,), ())]


def _class_arrays(input_shape, target_shape):
    C = input_shape[1] if len(input_shape) > 1 else input_shape[0]
    return [rand(*input_shape), labels(C, *target_shape)]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("input_shape,target_shape", CLASS_CONFIGS)
def test_cross_entropy_parity(reduction, input_shape, target_shape):
    check_parity(lambda x, t: F.cross_entropy(x, t, reduction=reduction),
                 lambda x, t: TF.cross_entropy(x, t, reduction=reduction),
                 _class_arrays(input_shape, target_shape))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("input_shape,target_shape", CLASS_CONFIGS)
def test_cross_entropy_gradcheck(reduction, input_shape, target_shape):
    gradcheck(lambda x, t: F.cross_entropy(x, t, reduction=reduction),
              _class_arrays(input_shape, target_shape))


def test_cross_entropy_on_transposed_logits():
    x, t = rand(5, 4), labels(5, 4)  # logits given as (C, N), fed as a (N, C) view
    check_parity(lambda x, t: F.cross_entropy(x.t(), t), lambda x, t: TF.cross_entropy(x.t(), t),
                 [x, t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_is_stable_for_logits_of_1e4(reduction):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4 - 3.0], [-1e4, -1e4, -1e4 + 0.5],
                  [5e3, -5e3, 1e4]], dtype=np.float32)
    t = np.array([1, 2, 2, 0], dtype=np.int64)
    s, torch_out = check_parity(lambda x, t: F.cross_entropy(x, t, reduction=reduction),
                                lambda x, t: TF.cross_entropy(x, t, reduction=reduction), [x, t])
    assert np.isfinite(to_np(s)).all()
    s_in = st.tensor(x, requires_grad=True)
    F.cross_entropy(s_in, st.tensor(t), reduction=reduction).sum().backward()
    assert np.isfinite(to_np(s_in.grad)).all()


def test_cross_entropy_equals_nll_of_log_softmax():
    x, t = rand(6, 5), labels(5, 6)
    a = F.cross_entropy(st.tensor(x), st.tensor(t))
    b = F.nll_loss(F.log_softmax(st.tensor(x), dim=1), st.tensor(t))
    np.testing.assert_allclose(float(a), float(b), rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("input_shape,target_shape", CLASS_CONFIGS)
def test_nll_loss_parity(reduction, input_shape, target_shape):
    check_parity(lambda x, t: F.nll_loss(x, t, reduction=reduction),
                 lambda x, t: TF.nll_loss(x, t, reduction=reduction),
                 _class_arrays(input_shape, target_shape))


@pytest.mark.parametrize("input_shape,target_shape", CLASS_CONFIGS[:3])
def test_nll_loss_gradcheck(input_shape, target_shape):
    gradcheck(lambda x, t: F.nll_loss(F.log_softmax(x, dim=0 if x.ndim == 1 else 1), t),
              _class_arrays(input_shape, target_shape))


def test_cross_entropy_of_empty_batch_matches_torch():
    x, t = np.zeros((0, 3), np.float32), np.zeros((0,), np.int64)
    assert np.isnan(float(F.cross_entropy(st.tensor(x), st.tensor(t))))
    assert float(F.cross_entropy(st.tensor(x), st.tensor(t), reduction="sum")) == 0.0


@pytest.mark.parametrize("op", ["cross_entropy", "nll_loss"])
def test_all_targets_ignored_give_zero_gradients_like_torch(op):
    x, t = rand(3, 4), np.array([-100, -100, -100])
    ours, theirs = st.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    getattr(F, op)(ours, st.tensor(t)).backward()
    getattr(TF, op)(theirs, torch.tensor(t)).backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    assert not np.isnan(ours.grad.numpy()).any()


# ---- mse_loss ------------------------------------------------------------------------------------

MSE_CONFIGS = [((5,), (5,)), ((3, 4), (3, 4)), ((2, 3, 4, 5), (2, 3, 4, 5))]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("input_shape,target_shape", MSE_CONFIGS)
def test_mse_loss_parity_and_gradcheck(reduction, input_shape, target_shape):
    arrays = [rand(*input_shape), rand(*target_shape)]
    check_parity(lambda x, t: F.mse_loss(x, t, reduction=reduction),
                 lambda x, t: TF.mse_loss(x, t, reduction=reduction), arrays)
    gradcheck(lambda x, t: F.mse_loss(x, t, reduction=reduction), arrays)


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_mse_loss_broadcasts_with_torchs_warning():
    arrays = [rand(3, 4), rand(4)]
    with pytest.warns(UserWarning, match="target size .* different to the input size"):
        check_parity(lambda x, t: F.mse_loss(x, t), lambda x, t: TF.mse_loss(x, t), arrays)


# ---- bad inputs ----------------------------------------------------------------------------

@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
def test_float_target_raises_type_error(loss):
    name = loss.__name__
    with pytest.raises(TypeError, match=f"{name}: expected 'target' to hold int64 class indices.*"
                       "got dtype float32 and shape \\[3\\]"):
        loss(st.tensor(rand(3, 4)), st.tensor(rand(3)))
    with pytest.raises(TypeError, match=f"{name}: expected 'target' .* got dtype uint8"):
        loss(st.tensor(rand(3, 4)), st.tensor(np.array([0, 1, 2], dtype=np.uint8)))


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
def test_label_out_of_range_raises_index_error(loss):
    name = loss.__name__
    with pytest.raises(IndexError, match=f"{name}: target label 4 is out of range for 4 classes"):
        loss(st.tensor(rand(3, 4)), st.tensor(np.array([0, 4, 1])))
    with pytest.raises(IndexError, match=f"{name}: target label -1 is out of range for 4 classes"):
        loss(st.tensor(rand(3, 4)), st.tensor(np.array([0, -1, 1])))
    with pytest.raises(IndexError, match="label -100 .* or ignore_index=0"):
        loss(st.tensor(rand(3, 4)), st.tensor(np.array([0, -100, 1])), ignore_index=0)


def test_cross_entropy_non_float_input_raises_type_error():
    with pytest.raises(TypeError, match="cross_entropy: expected a floating-point 'input'.*int64"):
        F.cross_entropy(st.tensor(np.arange(6).reshape(2, 3)), st.tensor(np.array([0, 1])))


def test_cross_entropy_wrong_ranks_raise_value_error():
    with pytest.raises(ValueError, match="cross_entropy: expected 'input' of shape .* got a 0-d "
                       "tensor"):
        F.cross_entropy(st.tensor(np.array(1.0, dtype=np.float32)), st.tensor(np.array(0)))
    with pytest.raises(ValueError, match=r"cross_entropy: expected 'target' of shape \[3\] .* got "
                       r"\[3, 1\]"):
        F.cross_entropy(st.tensor(rand(3, 4)), st.tensor(np.zeros((3, 1), dtype=np.int64)))
    with pytest.raises(ValueError, match=r"unbatched 'input' of shape \[4\] expects a 0-d"):
        F.cross_entropy(st.tensor(rand(4)), st.tensor(np.array([1])))
    with pytest.raises(ValueError, match=r"expected 'target' of shape \[2, 3\] for 'input' of "
                       r"shape \[2, 5, 3\]"):
        F.cross_entropy(st.tensor(rand(2, 5, 3)), st.tensor(np.zeros((2, 4), dtype=np.int64)))


def test_batch_size_mismatch_raises_value_error():
    with pytest.raises(ValueError, match=r"cross_entropy: expected 'input' batch size \(3\) to "
                       r"match 'target' "
                                         r"batch size \(2\)"):
        F.cross_entropy(st.tensor(rand(3, 4)), st.tensor(np.array([0, 1])))


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss, F.mse_loss])
def test_unknown_reduction_raises_value_error(loss):
    name = loss.__name__
    target = st.tensor(np.array([0, 1])) if loss is not F.mse_loss else st.tensor(rand(2, 3))
    with pytest.raises(ValueError, match=f"{name}: reduction must be 'none', 'mean' or 'sum', got "
                       "'avg'"):
        loss(st.tensor(rand(2, 3)), target, reduction="avg")


@pytest.mark.parametrize("kwargs,fragment", [
    (dict(size_average=True), "size_average"),
    (dict(reduce=False), "reduce"),
])
def test_cross_entropy_unsupported_arguments_raise_not_implemented(kwargs, fragment):
    with pytest.raises(NotImplementedError, match=f"cross_entropy: {fragment}.* not supported"):
        F.cross_entropy(st.tensor(rand(2, 3)), st.tensor(np.array([0, 1])), **kwargs)


def test_mse_loss_bad_inputs():
    with pytest.raises(TypeError, match="mse_loss: expected 'input' and 'target' of the same "
                       "dtype, got float32 and "
                                        "float64"):
        F.mse_loss(st.tensor(rand(3)), st.tensor(rand(3, dtype=np.float64)))
    with pytest.raises(TypeError, match="mse_loss: expected floating-point 'input' and 'target'"):
        F.mse_loss(st.tensor(rand(3)), st.tensor(np.arange(3)))
    message = r"mse_loss: shapes \[3, 4\] and \[3\] cannot be broadcast"
    with pytest.raises(ValueError, match=message), pytest.warns(UserWarning):
        F.mse_loss(st.tensor(rand(3, 4)), st.tensor(rand(3)))


# ---- cross_entropy / nll_loss options ----------------------------------------------------------


def probabilities(*shape, dim=1, dtype=np.float32):
    e = np.exp(rng.standard_normal(shape))
    return (e / e.sum(axis=dim, keepdims=True)).astype(dtype)


# (input shape, target shape): odd sizes, spatial (N, C, d1, d2), unbatched (C,).
OPTION_CLASS_CONFIGS = [((7, 5), (7,)), ((2, 5, 3, 4), (2, 3, 4)), ((3, 5, 4), (3, 4)), ((5,), ())]
CE_OPTIONS = [
    dict(weight=True),
    dict(ignore_index=1),
    dict(label_smoothing=0.2),
    dict(weight=True, ignore_index=2, label_smoothing=0.1),
]


def _class_arrays_ignoring(input_shape, target_shape, ignore=None):
    C = input_shape[1] if len(input_shape) > 1 else input_shape[0]
    t = labels(C, *target_shape)
    if ignore is not None and t.ndim > 0:
        t.reshape(-1)[::3] = ignore  # some targets are skipped
    if ignore is not None and (t == ignore).all():
        # Not all: the mean over no targets is NaN, where finite differences mean nothing (the
        # all-ignored case has its own test against torch's gradients).
        t.reshape(-1)[0] = (ignore + 1) % C
    return [rand(*input_shape), t], C


def _ce(module, weight, options, reduction):
    kwargs = {k: v for k, v in options.items() if k != "weight"}
    return lambda x, t: module.cross_entropy(x, t, weight=weight, reduction=reduction, **kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", CE_OPTIONS, ids=lambda o: "-".join(o))
@pytest.mark.parametrize("input_shape,target_shape", OPTION_CLASS_CONFIGS)
def test_cross_entropy_options_parity_and_gradcheck(reduction, options, input_shape, target_shape):
    arrays, C = _class_arrays_ignoring(input_shape, target_shape, options.get("ignore_index"))
    w = rng.uniform(0.2, 2.0, C).astype(np.float32) if options.get("weight") else None
    check_parity(_ce(F, st.tensor(w) if w is not None else None, options, reduction),
                 _ce(TF, torch.tensor(w) if w is not None else None, options, reduction), arrays)
    w64 = st.tensor(w.astype(np.float64)) if w is not None else None
    gradcheck(_ce(F, w64, options, reduction), arrays)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [dict(), dict(weight=True), dict(label_smoothing=0.3),
                                     dict(weight=True, label_smoothing=0.1)],
                         ids=["plain", "weight", "smoothing", "weight-smoothing"])
@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4, 5), (5,)])
def test_cross_entropy_probability_targets(reduction, options, shape):
    dim = 1 if len(shape) > 1 else 0
    C = shape[dim]
    arrays = [rand(*shape), probabilities(*shape, dim=dim)]
    w = rng.uniform(0.2, 2.0, C).astype(np.float32) if options.get("weight") else None
    check_parity(_ce(F, st.tensor(w) if w is not None else None, options, reduction),
                 _ce(TF, torch.tensor(w) if w is not None else None, options, reduction), arrays)
    w64 = st.tensor(w.astype(np.float64)) if w is not None else None
    gradcheck(_ce(F, w64, options, reduction), arrays)


def test_cross_entropy_all_targets_ignored_gives_nan_mean_like_torch():
    x, t = rand(3, 4), np.full(3, -100, dtype=np.int64)
    s = F.cross_entropy(st.tensor(x), st.tensor(t))
    assert np.isnan(float(s)) and torch.isnan(TF.cross_entropy(torch.tensor(x), torch.tensor(t)))
    assert float(F.cross_entropy(st.tensor(x), st.tensor(t), reduction="sum")) == 0.0


@pytest.mark.parametrize("options", CE_OPTIONS + [dict()], ids=lambda o: "-".join(o) or "plain")
def test_cross_entropy_options_are_stable_for_logits_of_1e4(options):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [0.0, 1e4, -1e4]], dtype=np.float32)
    t = np.array([1, 2, 0])
    w = np.array([0.5, 1.0, 2.0], dtype=np.float32) if options.get("weight") else None
    s_x, t_x = st.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    s = _ce(F, st.tensor(w) if w is not None else None, options, "mean")(s_x, st.tensor(t))
    e = _ce(TF, torch.tensor(w) if w is not None else None, options, "mean")(t_x, torch.tensor(t))
    s.backward()
    e.backward()
    assert np.isfinite(float(s)) and np.all(np.isfinite(to_np(s_x.grad)))
    np.testing.assert_allclose(float(s), float(e.detach()), rtol=1e-5)
    np.testing.assert_allclose(to_np(s_x.grad), t_x.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_cross_entropy_probability_targets_stable_for_logits_of_1e4():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 3.0, 1e4]], dtype=np.float32)
    p = probabilities(2, 3)
    s = F.cross_entropy(st.tensor(x), st.tensor(p), label_smoothing=0.1)
    e = TF.cross_entropy(torch.tensor(x), torch.tensor(p), label_smoothing=0.1)
    np.testing.assert_allclose(float(s), float(e), rtol=1e-5)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("input_shape,target_shape", OPTION_CLASS_CONFIGS)
def test_nll_loss_weight_and_ignore_index(reduction, input_shape, target_shape):
    arrays, C = _class_arrays_ignoring(input_shape, target_shape, ignore=0)
    w = rng.uniform(0.2, 2.0, C).astype(np.float32)
    check_parity(lambda x, t: F.nll_loss(x, t, weight=st.tensor(w), ignore_index=0,
                                         reduction=reduction),
                 lambda x, t: TF.nll_loss(x, t, weight=torch.tensor(w), ignore_index=0,
                                          reduction=reduction), arrays)
    gradcheck(lambda x, t: F.nll_loss(x, t, weight=st.tensor(w.astype(np.float64)), ignore_index=0,
                                      reduction=reduction), arrays)


def test_class_loss_bad_inputs():
    x = st.tensor(rand(3, 4))
    t = st.tensor(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"cross_entropy: expected 'weight' of shape \(4\) \(one "
                       r"weight per class\), got \[3\]"):
        F.cross_entropy(x, t, weight=st.ones(3))
    with pytest.raises(TypeError, match="nll_loss: expected 'weight' of the input's dtype float32"):
        F.nll_loss(x, t, weight=st.tensor(np.ones(4)))
    with pytest.raises(ValueError, match=r"cross_entropy: expected label_smoothing in \[0, 1\], "
                       "got 1.5"):
        F.cross_entropy(x, t, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"ignore_index \(3\) is not supported with "
                       "class-probability targets"):
        F.cross_entropy(x, st.tensor(probabilities(3, 4)), ignore_index=3)
    with pytest.raises(TypeError, match="expected class-probability 'target' of the input's dtype "
                       "float32, got float64"):
        F.cross_entropy(x, st.tensor(probabilities(3, 4, dtype=np.float64)))
    with pytest.raises(TypeError, match=r"int64 class indices or float class probabilities of "
                       r"the input's shape \[3, 4\], got dtype float32 and shape \[3, 5\]"):
        F.cross_entropy(x, st.tensor(rand(3, 5)))
    with pytest.raises(NotImplementedError, match="gradients with respect to 'weight'"):
        F.cross_entropy(x, t, weight=st.ones(4, requires_grad=True))


# ---- multi_margin_loss ---------------------------------------------------------------------------

MARGIN_CONFIGS = [((6, 5), dict()), ((7, 3), dict(p=2)), ((4, 6), dict(margin=0.5, weight=True)),
                  ((5,), dict(p=2, margin=2.0, weight=True))]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape,options", MARGIN_CONFIGS)
def test_multi_margin_loss_parity_and_gradcheck(reduction, shape, options):
    C = shape[-1]
    x = rand(*shape)
    t = labels(C, *shape[:-1])
    w = rng.uniform(0.2, 2.0, C).astype(np.float32) if options.get("weight") else None
    kwargs = {k: v for k, v in options.items() if k != "weight"}
    s_w = st.tensor(w) if w is not None else None
    t_w = torch.tensor(w) if w is not None else None
    check_parity(lambda a, b: F.multi_margin_loss(a, b, weight=s_w, reduction=reduction, **kwargs),
                 lambda a, b: TF.multi_margin_loss(a, b, weight=t_w, reduction=reduction, **kwargs),
                 [x, t])
    w64 = st.tensor(w.astype(np.float64)) if w is not None else None
    gradcheck(lambda a, b: F.multi_margin_loss(a, b, weight=w64, reduction=reduction, **kwargs),
              [x, t])


def test_multi_margin_loss_bad_inputs():
    x = st.tensor(rand(3, 4))
    with pytest.raises(ValueError, match="multi_margin_loss: expected p to be 1 or 2, got 3"):
        F.multi_margin_loss(x, st.tensor(np.array([0, 1, 2])), p=3)
    with pytest.raises(IndexError, match="multi_margin_loss: target label 4 is out of range for 4 "
                       r"classes \(expected 0 <= label < 4\)"):
        F.multi_margin_loss(x, st.tensor(np.array([0, 4, 2])))
    with pytest.raises(ValueError, match=r"multi_margin_loss: expected 'input' of shape \(N, C\) "
                       r"or \(C\), got \[2, 3, 4\]"):
        F.multi_margin_loss(st.tensor(rand(2, 3, 4)), st.tensor(np.array([0, 1])))
    with pytest.raises(ValueError, match=r"expected 'target' of shape \[3\] for 'input' of shape"):
        F.multi_margin_loss(x, st.tensor(np.array([0, 1])))
    with pytest.raises(TypeError, match="multi_margin_loss: expected 'target' to hold int64"):
        F.multi_margin_loss(x, st.tensor(rand(3)))


# ---- binary cross-entropy ------------------------------------------------------------------------

BINARY_SHAPES = [(7,), (3, 5), (2, 3, 4)]


def _probs(*shape, dtype=np.float32):
    return rng.uniform(0.05, 0.95, shape).astype(dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", BINARY_SHAPES)
@pytest.mark.parametrize("with_weight", [False, True])
def test_binary_cross_entropy_parity_and_gradcheck(reduction, shape, with_weight):
    arrays = [_probs(*shape), _probs(*shape)]
    if with_weight:
        arrays.append(rng.uniform(0.5, 2.0, shape[-1:]).astype(np.float32))
        fn = lambda x, t, w: F.binary_cross_entropy(x, t, weight=w, reduction=reduction)  # noqa
        tfn = lambda x, t, w: TF.binary_cross_entropy(x, t, weight=w, reduction=reduction)  # noqa
        grads = [True, True, False]
    else:
        fn = lambda x, t: F.binary_cross_entropy(x, t, reduction=reduction)  # noqa
        tfn = lambda x, t: TF.binary_cross_entropy(x, t, reduction=reduction)  # noqa
        grads = [True, True]
    check_parity(fn, tfn, arrays, requires_grad=grads)
    gradcheck(fn, arrays, requires_grad=grads)


def test_binary_cross_entropy_at_0_and_1_matches_torch_clamp():
    x = np.array([0.0, 1.0, 0.0, 1.0, 1e-30, 0.5], dtype=np.float32)
    t = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.5], dtype=np.float32)
    s_x, t_x = st.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    s = F.binary_cross_entropy(s_x, st.tensor(t), reduction="none")
    e = TF.binary_cross_entropy(t_x, torch.tensor(t), reduction="none")
    np.testing.assert_allclose(to_np(s), e.detach().numpy(), rtol=1e-6)
    s.sum().backward()
    e.sum().backward()
    np.testing.assert_allclose(to_np(s_x.grad), t_x.grad.numpy(), rtol=1e-5)


LOGIT_CONFIGS = [((7,), dict()), ((3, 5), dict(weight=True)), ((2, 3, 4), dict(pos_weight=True)),
                 ((4, 6), dict(weight=True, pos_weight=True))]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape,options", LOGIT_CONFIGS)
def test_binary_cross_entropy_with_logits_parity_and_gradcheck(reduction, shape, options):
    arrays = [rand(*shape) * 3, _probs(*shape)]
    names = []
    for name in ("weight", "pos_weight"):
        if options.get(name):
            arrays.append(rng.uniform(0.5, 3.0, shape[-1:]).astype(np.float32))
            names.append(name)

    def call(module):
        return lambda x, t, *rest: getattr(module, "binary_cross_entropy_with_logits")(
            x, t, reduction=reduction, **dict(zip(names, rest)))

    grads = [True, True] + [False] * len(names)
    check_parity(call(F), call(TF), arrays, requires_grad=grads)
    gradcheck(call(F), arrays, requires_grad=grads)


def test_binary_cross_entropy_with_logits_is_stable_for_logits_of_1e4():
    x = np.array([1e4, -1e4, 1e4, -1e4, 30.0, -30.0, 0.0], dtype=np.float32)
    t = np.array([1.0, 0.0, 0.0, 1.0, 0.3, 0.7, 0.5], dtype=np.float32)
    pw = np.float32(3.0)
    for kwargs, tkwargs in [({}, {}), ({"pos_weight": st.tensor(np.array([pw]))},
                                        {"pos_weight": torch.tensor([pw])})]:
        s_x, t_x = st.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        s = F.binary_cross_entropy_with_logits(s_x, st.tensor(t), reduction="none", **kwargs)
        e = TF.binary_cross_entropy_with_logits(t_x, torch.tensor(t), reduction="none", **tkwargs)
        assert np.all(np.isfinite(to_np(s)))
        np.testing.assert_allclose(to_np(s), e.detach().numpy(), rtol=1e-5, atol=1e-6)
        s.sum().backward()
        e.sum().backward()
        assert np.all(np.isfinite(to_np(s_x.grad)))
        np.testing.assert_allclose(to_np(s_x.grad), t_x.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_binary_losses_bad_inputs():
    with pytest.raises(ValueError, match=r"binary_cross_entropy: expected every element of 'input' "
                       r"to be a probability in \[0, 1\], got 1.5"):
        F.binary_cross_entropy(st.tensor(np.array([0.5, 1.5], dtype=np.float32)), st.zeros(2))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: expected 'target' of the input's "
                       r"shape \[3\], got \[3, 1\]"):
        F.binary_cross_entropy(st.tensor(_probs(3)), st.tensor(_probs(3, 1)))
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: expected 'target' of "
                       r"the input's shape \[2, 3\], got \[3\]"):
        F.binary_cross_entropy_with_logits(st.tensor(rand(2, 3)), st.tensor(_probs(3)))
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits: shapes .* cannot be "
                       "broadcast"):
        F.binary_cross_entropy_with_logits(st.tensor(rand(2, 3)), st.tensor(_probs(2, 3)),
                                           pos_weight=st.ones(4))
    with pytest.raises(TypeError, match="binary_cross_entropy: expected floating-point 'input' and "
                       "'target'"):
        F.binary_cross_entropy(st.tensor(_probs(3)), st.tensor(np.array([0, 1, 1])))


# ---- regression losses ---------------------------------------------------------------------------

REGRESSION = [
    ("l1", lambda m, r: (lambda x, t: m.l1_loss(x, t, reduction=r))),
    ("smooth_l1", lambda m, r: (lambda x, t: m.smooth_l1_loss(x, t, reduction=r))),
    ("smooth_l1_beta", lambda m, r: (lambda x, t: m.smooth_l1_loss(x, t, reduction=r, beta=0.4))),
    ("smooth_l1_beta0", lambda m, r: (lambda x, t: m.smooth_l1_loss(x, t, reduction=r, beta=0.0))),
    ("huber", lambda m, r: (lambda x, t: m.huber_loss(x, t, reduction=r))),
    ("huber_delta", lambda m, r: (lambda x, t: m.huber_loss(x, t, reduction=r, delta=2.5))),
]


def _regression_pair(shape, dtype=np.float32):
    x = rng.standard_normal(shape) * 2
    d = rng.standard_normal(shape) * 2
    # keep |d| away from the kinks 0, 0.4, 1, 2.5
    for k in (0.0, 0.4, 1.0, 2.5):
        near = np.abs(np.abs(d) - k) < 0.05
        d[near] += 0.2 * np.sign(d[near] + 1e-9)
    return [x.astype(dtype), (x - d).astype(dtype)]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,make", REGRESSION, ids=[r[0] for r in REGRESSION])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4)])
def test_regression_losses_parity_and_gradcheck(reduction, name, make, shape):
    arrays = _regression_pair(shape)
    check_parity(make(F, reduction), make(TF, reduction), arrays)
    gradcheck(make(F, reduction), arrays)


def test_regression_losses_broadcast_with_torchs_warning():
    x, t = rand(3, 4), rand(4)
    for name in ("l1_loss", "smooth_l1_loss", "huber_loss"):
        with pytest.warns(UserWarning, match="different to the input size"):
            s = getattr(F, name)(st.tensor(x), st.tensor(t))
        with pytest.warns(UserWarning):
            e = getattr(TF, name)(torch.tensor(x), torch.tensor(t))
        np.testing.assert_allclose(float(s), float(e), rtol=1e-5)


def test_regression_losses_bad_inputs():
    x = st.tensor(rand(3))
    with pytest.raises(ValueError, match="smooth_l1_loss: expected beta >= 0, got -1"):
        F.smooth_l1_loss(x, x, beta=-1.0)
    with pytest.raises(ValueError, match="huber_loss: expected delta > 0, got 0"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(TypeError, match="l1_loss: expected 'input' and 'target' of the same dtype"):
        F.l1_loss(x, st.tensor(rand(3, dtype=np.float64)))
    with pytest.raises(ValueError, match=r"l1_loss: shapes \[3\] and \[4\] cannot be broadcast"), \
            pytest.warns(UserWarning):
        F.l1_loss(x, st.tensor(rand(4)))
    with pytest.raises(ValueError, match="l1_loss: reduction must be 'none', 'mean' or 'sum'"):
        F.l1_loss(x, x, reduction="batchmean")
    with pytest.raises(NotImplementedError, match="l1_loss: weight not supported"):
        F.l1_loss(x, x, weight=x)


# ---- kl_div --------------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", ["none", "mean", "batchmean", "sum"])
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4), (7,)])
def test_kl_div_parity_and_gradcheck(reduction, log_target, shape):
    dim = 1 if len(shape) > 1 else 0
    x = np.log(probabilities(*shape, dim=dim))
    t = probabilities(*shape, dim=dim)
    if log_target:
        t = np.log(t)
    else:
        t.reshape(-1)[::4] = 0.0  # zero-probability targets contribute 0, not NaN
    fn = lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=log_target)  # noqa
    check_parity(fn, lambda a, b: TF.kl_div(a, b, reduction=reduction, log_target=log_target),
                 [x, t], requires_grad=[True, log_target])
    gradcheck(fn, [x, t], requires_grad=[True, log_target])


def test_kl_div_target_gradient_where_target_positive():
    x = np.log(probabilities(3, 4, dtype=np.float64))
    t = probabilities(3, 4, dtype=np.float64)
    gradcheck(lambda a, b: F.kl_div(a, b, reduction="batchmean"), [x, t])


@pytest.mark.parametrize("reduction", ["none", "sum"])
def test_kl_div_negative_and_nan_targets_give_nan_like_torch(reduction):
    x = np.log(probabilities(2, 3))
    t = np.array([[-0.5, 0.5, 0.0], [np.nan, 0.2, 0.8]], dtype=np.float32)
    ours = F.kl_div(st.tensor(x), st.tensor(t), reduction=reduction).numpy()
    theirs = TF.kl_div(torch.tensor(x), torch.tensor(t), reduction=reduction).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, equal_nan=True)
    assert np.isnan(ours).any()


def test_kl_div_bad_inputs():
    x = st.tensor(rand(3, 4))
    with pytest.raises(ValueError, match="kl_div: reduction must be 'none', 'mean', 'batchmean' "
                       "or 'sum', got 'avg'"):
        F.kl_div(x, x, reduction="avg")
    with pytest.raises(ValueError, match=r"kl_div: expected 'target' of the input's shape "
                       r"\[3, 4\]"):
        F.kl_div(x, st.tensor(rand(4)), reduction="sum")
    with pytest.warns(UserWarning, match="'mean' divides the total loss by both"):
        F.kl_div(x, x)


# ---- weight penalties ----------------------------------------------------------------------------

PENALTY_SHAPES = [[(3, 4)], [(5,), (2, 3, 3)], [(4, 3), (3,), (1, 2, 2, 2)]]


@pytest.mark.parametrize("shapes", PENALTY_SHAPES)
def test_penalties_match_numpy_and_gradcheck(shapes):
    arrays = [rand(*s, dtype=np.float64) for s in shapes]
    l1 = sum(np.abs(a).sum() for a in arrays)
    l2 = sum((a ** 2).sum() for a in arrays)
    tensors = [st.tensor(a) for a in arrays]
    np.testing.assert_allclose(float(F.l1_penalty(tensors)), l1, rtol=1e-12)
    np.testing.assert_allclose(float(F.l2_penalty(tensors)), l2, rtol=1e-12)
    np.testing.assert_allclose(float(F.elastic_net_penalty(tensors, alpha=0.3, l1_ratio=0.25)),
                               0.3 * (0.25 * l1 + 0.75 / 2 * l2), rtol=1e-12)
    gradcheck(lambda *ps: F.l1_penalty(ps), arrays)
    gradcheck(lambda *ps: F.l2_penalty(ps), arrays)
    gradcheck(lambda *ps: F.elastic_net_penalty(ps, alpha=0.7, l1_ratio=0.6), arrays)


def test_penalties_over_model_parameters():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = F.l2_penalty(model.parameters())
    loss.backward()
    for p in model.parameters():
        np.testing.assert_allclose(to_np(p.grad), 2 * to_np(p), rtol=1e-6)
    assert float(F.l1_penalty([])) == 0.0


def test_penalties_bad_inputs():
    with pytest.raises(ValueError, match=r"elastic_net_penalty: expected l1_ratio in \[0, 1\], "
                       "got 1.5"):
        F.elastic_net_penalty([st.ones(2)], l1_ratio=1.5)
    with pytest.raises(ValueError, match="elastic_net_penalty: expected alpha >= 0, got -1"):
        F.elastic_net_penalty([st.ones(2)], alpha=-1.0)
    with pytest.raises(TypeError, match=r"l1_penalty: expected floating-point parameters, got "
                       r"int64 at params\[1\]"):
        F.l1_penalty([st.ones(2), st.tensor(np.arange(3))])


# ---- loss modules --------------------------------------------------------------------------------

def _module_cases():
    C = 4
    w = rng.uniform(0.5, 2.0, C).astype(np.float32)
    x, t = rand(5, C), labels(C, 5)
    p, q = _probs(5, C), _probs(5, C)
    return [
        (nn.CrossEntropyLoss(weight=st.tensor(w), label_smoothing=0.1, ignore_index=2),
         torch.nn.CrossEntropyLoss(weight=torch.tensor(w), label_smoothing=0.1, ignore_index=2),
         x, t),
        (nn.NLLLoss(reduction="sum"), torch.nn.NLLLoss(reduction="sum"), x, t),
        (nn.BCELoss(weight=st.tensor(w)), torch.nn.BCELoss(weight=torch.tensor(w)), p, q),
        (nn.BCEWithLogitsLoss(pos_weight=st.tensor(w)),
         torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w)), x, q),
        (nn.MSELoss(), torch.nn.MSELoss(), x, p),
        (nn.L1Loss(reduction="none"), torch.nn.L1Loss(reduction="none"), x, p),
        (nn.SmoothL1Loss(beta=0.5), torch.nn.SmoothL1Loss(beta=0.5), x, p),
        (nn.HuberLoss(delta=0.7), torch.nn.HuberLoss(delta=0.7), x, p),
        (nn.MultiMarginLoss(p=2, margin=0.8), torch.nn.MultiMarginLoss(p=2, margin=0.8), x, t),
        (nn.KLDivLoss(reduction="batchmean"), torch.nn.KLDivLoss(reduction="batchmean"),
         np.log(p), q),
    ]


@pytest.mark.parametrize("case", range(10))
def test_loss_modules_match_torch(case):
    layer, torch_layer, x, t = _module_cases()[case]
    check_parity(layer, torch_layer, [x, t], requires_grad=[True, False])
    assert type(layer).__module__ == "striate.nn"


def test_loss_module_buffers_are_in_the_state_dict():
    w = st.tensor(np.array([1.0, 2.0, 3.0], dtype=np.float32))
    layer = nn.CrossEntropyLoss(weight=w)
    assert list(layer.state_dict().keys()) == ["weight"]
    assert list(layer.parameters()) == []
    other = nn.CrossEntropyLoss(weight=st.ones(3))
    other.load_state_dict(layer.state_dict())
    np.testing.assert_array_equal(to_np(other.weight), [1.0, 2.0, 3.0])
    assert sorted(nn.BCEWithLogitsLoss(pos_weight=st.ones(2)).state_dict().keys()) == ["pos_weight"]


def test_loss_module_bad_arguments():
    with pytest.raises(ValueError, match="MSELoss: reduction must be 'none', 'mean' or 'sum', got "
                       "'avg'"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(NotImplementedError, match="L1Loss: size_average and reduce are not "
                       "supported"):
        nn.L1Loss(size_average=True)
    with pytest.raises(ValueError, match="MultiMarginLoss: expected p to be 1 or 2, got 3"):
        nn.MultiMarginLoss(p=3)
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"


# ---- the loss modules are the C++ classes ------------------------------------------------------

LOSS_NAMES = ["CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss",
              "SmoothL1Loss", "HuberLoss", "MultiMarginLoss", "KLDivLoss", "CosineEmbeddingLoss"]


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_modules_are_the_bound_cpp_classes(name):
    cls = getattr(nn, name)
    assert cls is getattr(st._C._nn, name)
    assert issubclass(cls, nn.Module) and cls.__module__ == "striate.nn"
    layer = cls()
    assert repr(layer) == f"{name}()" and repr(cls(reduction="sum")) == f"{name}(reduction='sum')"
    assert list(layer.parameters()) == [] and layer.reduction == "mean"
    assert layer.state_dict() == {}


def _class_shape(r, spatial_ok=True, batch_of_8=False):
    """(input shape, target shape, C): batched, unbatched or (with spatial_ok) spatial."""
    if batch_of_8:
        return (8, 5), (8,), 5
    N, C = int(r.integers(1, 6)), int(r.integers(2, 6))
    kinds = ["batched", "unbatched"] + (["spatial"] if spatial_ok else [])
    kind = kinds[int(r.integers(len(kinds)))]
    if kind == "unbatched":
        return (C,), (), C
    if kind == "spatial":
        d = int(r.integers(1, 4))
        return (N, C, d), (N, d), C
    return (N, C), (N,), C


def _module_case(name, seed, batch_of_8=False):
    """(constructor kwargs with weights as arrays, input arrays, which of them require grad) for
    one loss module on shapes drawn from `seed` (or of shape (8, 5) with batch_of_8)."""
    r = np.random.default_rng(seed)
    if name in ("CrossEntropyLoss", "NLLLoss", "MultiMarginLoss"):
        margin = name == "MultiMarginLoss"
        input_shape, target_shape, C = _class_shape(r, spatial_ok=not margin, batch_of_8=batch_of_8)
        kwargs = dict(weight=r.uniform(0.5, 2.0, C).astype(np.float32))
        kwargs.update({"CrossEntropyLoss": dict(ignore_index=1, label_smoothing=0.1),
                       "NLLLoss": dict(ignore_index=0),
                       "MultiMarginLoss": dict(p=2, margin=0.8)}[name])
        t = r.integers(0, C, size=target_shape).astype(np.int64)
        ignored = kwargs.get("ignore_index")
        if (t == ignored).all():  # all ignored: a NaN 'mean' whose gradient differs from torch's
            t[...] = (ignored + 1) % C
        return kwargs, [r.standard_normal(input_shape).astype(np.float32), t], [True, False]
    shape = tuple(int(n) for n in r.integers(1, 5, size=int(r.integers(1, 4))))
    if batch_of_8:
        shape = (8, 5)
    if name == "CosineEmbeddingLoss":
        x1, x2 = (r.standard_normal(shape[-2:]).astype(np.float32) for _ in range(2))
        y = r.choice([1, -1], size=x1.shape[:-1]).astype(np.int64)
        return dict(margin=0.3), [x1, x2, y], [True, True, False]
    if name in ("BCELoss", "BCEWithLogitsLoss"):
        weights = {"weight": r.uniform(0.5, 2.0, shape[-1:]).astype(np.float32)}
        if name == "BCELoss":
            x = r.uniform(0.05, 0.95, shape).astype(np.float32)
        else:
            weights["pos_weight"] = r.uniform(0.5, 3.0, shape[-1:]).astype(np.float32)
            x = (r.standard_normal(shape) * 3).astype(np.float32)
        return weights, [x, r.uniform(0.05, 0.95, shape).astype(np.float32)], [True, True]
    if name == "KLDivLoss":
        x = np.log(probabilities(*shape, dim=0)).astype(np.float32)
        return dict(log_target=False), [x, probabilities(*shape, dim=0)], [True, True]
    kwargs = {"SmoothL1Loss": dict(beta=0.4), "HuberLoss": dict(delta=2.5)}.get(name, {})
    return kwargs, _regression_pair(shape), [True, True]


def _module_pair(name, kwargs):
    """The striate module and its torch twin, built with the same arguments."""
    ours = {k: st.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    theirs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    return getattr(nn, name)(**ours), getattr(torch.nn, name)(**theirs)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_modules_match_torch_on_random_shapes(name, seed):
    kwargs, arrays, requires_grad = _module_case(name, seed)
    for reduction in REDUCTIONS + (["batchmean"] if name == "KLDivLoss" else []):
        ours, theirs = _module_pair(name, dict(kwargs, reduction=reduction))
        check_parity(ours, theirs, arrays, requires_grad=requires_grad)


# (module, attribute, new value): each write must change what the next forward computes.
ATTRIBUTE_WRITES = [
    ("CrossEntropyLoss", "reduction", "sum"),
    ("CrossEntropyLoss", "label_smoothing", 0.3),
    ("CrossEntropyLoss", "ignore_index", 2),
    ("NLLLoss", "ignore_index", 1),
    ("NLLLoss", "reduction", "none"),
    ("BCELoss", "reduction", "sum"),
    ("BCEWithLogitsLoss", "reduction", "none"),
    ("MSELoss", "reduction", "sum"),
    ("L1Loss", "reduction", "none"),
    ("SmoothL1Loss", "beta", 2.5),
    ("HuberLoss", "delta", 0.4),
    ("MultiMarginLoss", "p", 1),
    ("MultiMarginLoss", "margin", 0.5),
    ("KLDivLoss", "reduction", "batchmean"),
    ("KLDivLoss", "log_target", True),
    ("CosineEmbeddingLoss", "margin", -0.2),
]


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("name,attribute,value", ATTRIBUTE_WRITES,
                         ids=[f"{n}.{a}" for n, a, _ in ATTRIBUTE_WRITES])
def test_loss_module_attribute_writes_take_effect(name, attribute, value):
    kwargs, arrays, requires_grad = _module_case(name, seed=5, batch_of_8=True)
    ours, theirs = _module_pair(name, kwargs)
    before = to_np(ours(*[st.tensor(a) for a in arrays]))
    setattr(ours, attribute, value)
    setattr(theirs, attribute, value)
    assert getattr(ours, attribute) == value
    s, _ = check_parity(ours, theirs, arrays, requires_grad=requires_grad)
    assert before.shape != to_np(s).shape or not np.allclose(before, to_np(s))


def test_loss_module_assigned_reduction_is_checked_at_forward():
    layer = nn.MSELoss()
    layer.reduction = "avg"
    with pytest.raises(ValueError, match="mse_loss: reduction must be 'none', 'mean' or 'sum', got "
                       "'avg'"):
        layer(st.ones(2), st.ones(2))


def test_loss_module_weight_buffers_are_read_at_each_forward():
    x, t = rand(6, 3), labels(3, 6)
    w1 = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    w2 = np.array([0.5, 4.0, 1.0], dtype=np.float32)
    layer = nn.CrossEntropyLoss(weight=st.tensor(w1))
    layer.weight = st.tensor(w2)
    assert list(layer.state_dict()) == ["weight"]
    np.testing.assert_array_equal(to_np(layer.state_dict()["weight"]), w2)
    check_parity(layer, torch.nn.CrossEntropyLoss(weight=torch.tensor(w2)), [x, t],
                 requires_grad=[True, False])
    layer.weight = None
    assert layer.weight is None and layer.state_dict() == {}
    check_parity(layer, torch.nn.CrossEntropyLoss(), [x, t], requires_grad=[True, False])
    with pytest.raises(TypeError, match="cannot assign 'list' as buffer 'weight'"):
        layer.weight = [1.0, 2.0, 3.0]

    logits = nn.BCEWithLogitsLoss(weight=st.ones(3), pos_weight=st.tensor(w1))
    assert list(logits.state_dict()) == ["weight", "pos_weight"]
    assert [name for name, _ in logits.named_buffers()] == ["weight", "pos_weight"]
    logits.load_state_dict({"weight": st.tensor(w2), "pos_weight": st.tensor(w2)})
    np.testing.assert_array_equal(to_np(logits.pos_weight), w2)
    p, q = rand(4, 3), _probs(4, 3)
    check_parity(logits, torch.nn.BCEWithLogitsLoss(weight=torch.tensor(w2),
                                                    pos_weight=torch.tensor(w2)), [p, q])


def test_loss_module_keeps_the_weight_tensor_it_was_given():
    w = st.tensor(np.array([1.0, 2.0], dtype=np.float32))
    assert nn.NLLLoss(weight=w).weight is w
    assert nn.BCEWithLogitsLoss(pos_weight=w).pos_weight is w
    assert nn.BCEWithLogitsLoss(pos_weight=w).weight is None


def test_loss_module_deepcopy_copies_the_weights():
    w = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    layer = nn.BCEWithLogitsLoss(weight=st.tensor(w), pos_weight=st.tensor(w), reduction="sum")
    twin = copy.deepcopy(layer)
    assert type(twin) is nn.BCEWithLogitsLoss and twin.reduction == "sum"
    assert twin.weight is not layer.weight and twin.pos_weight is not layer.pos_weight
    with st.no_grad():
        twin.weight.mul_(st.tensor(2.0))
    np.testing.assert_array_equal(to_np(layer.weight), w)
    smoothing = copy.deepcopy(nn.CrossEntropyLoss(ignore_index=3, label_smoothing=0.2))
    assert (smoothing.ignore_index, smoothing.label_smoothing, smoothing.weight) == (3, 0.2, None)
    assert copy.deepcopy(nn.HuberLoss(delta=0.5)).delta == 0.5


def test_python_subclass_of_a_loss_module():
    class ScaledCrossEntropy(nn.CrossEntropyLoss):
        def __init__(self, scale, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def forward(self, input, target):
            return super().forward(input, target) * self.scale

    w = rng.uniform(0.5, 2.0, 4).astype(np.float32)
    layer = ScaledCrossEntropy(3.0, weight=st.tensor(w), label_smoothing=0.1)
    assert isinstance(layer, nn.CrossEntropyLoss) and layer.label_smoothing == 0.1
    assert repr(layer) == "ScaledCrossEntropy()" and list(layer.state_dict()) == ["weight"]
    theirs = torch.nn.CrossEntropyLoss(weight=torch.tensor(w), label_smoothing=0.1)
    check_parity(layer, lambda x, t: theirs(x, t) * 3.0, [rand(5, 4), labels(4, 5)],
                 requires_grad=[True, False])

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.criterion = layer

    assert [name for name, _ in Net().named_buffers()] == ["criterion.weight"]


def test_loss_modules_reject_bad_constructor_arguments():
    for name in LOSS_NAMES:
        cls = getattr(nn, name)
        with pytest.raises(ValueError, match=f"{name}: reduction must be 'none', 'mean' or 'sum', "
                           "got 'avg'"):
            cls(reduction="avg")
        if name == "HuberLoss":  # torch's HuberLoss has no size_average / reduce either
            with pytest.raises(TypeError):
                cls(size_average=True)
            continue
        assert cls().size_average is None and cls().reduce is None
        for legacy in (dict(size_average=True), dict(reduce=False), dict(size_average=False)):
            with pytest.raises(NotImplementedError, match=f"{name}: size_average and reduce "
                               r"are not supported \(use reduction=\)"):
                cls(**legacy)
        if name != "KLDivLoss":
            with pytest.raises(ValueError, match="got 'batchmean'"):
                cls(reduction="batchmean")
    with pytest.raises(ValueError, match="MultiMarginLoss: expected p to be 1 or 2, got 0"):
        nn.MultiMarginLoss(p=0)
    with pytest.raises(TypeError):
        nn.CrossEntropyLoss(ignore_index=1.5)
    with pytest.raises(TypeError):
        nn.MSELoss(reduction=None)
    with pytest.raises(TypeError):
        nn.MSELoss()(st.ones(2))  # forward takes (input, target)


@pytest.mark.parametrize("name,op", [("MSELoss", "mse_loss"), ("L1Loss", "l1_loss"),
                                     ("SmoothL1Loss", "smooth_l1_loss"),
                                     ("HuberLoss", "huber_loss")])
def test_regression_loss_modules_warn_at_the_callers_line_when_broadcasting(name, op):
    x, t = st.tensor(rand(3, 4)), st.tensor(rand(4))
    message = (rf"{op}: using a target size \(\(4,\)\) that is different to the input size "
               r"\(\(3, 4\)\)")
    with pytest.warns(UserWarning, match=message) as record:
        getattr(nn, name)()(x, t)
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match=message) as record:
        getattr(F, op)(x, t)
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        getattr(nn, name)()(x, x)


def test_kl_div_loss_module_warns_for_mean_only():
    x = st.tensor(np.log(probabilities(3, 4)))
    with pytest.warns(UserWarning, match="'mean' divides the total loss by both") as record:
        nn.KLDivLoss()(x, x)
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.KLDivLoss(reduction="batchmean")(x, x)


# ---- cosine_embedding_loss -----------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape,margin", [((6, 5), 0.0), ((7, 3), 0.3), ((4,), -0.2),
                                          ((1, 9), 0.5)])
def test_cosine_embedding_loss_parity_and_gradcheck(reduction, shape, margin):
    x1, x2 = rand(*shape), rand(*shape)
    y = rng.choice([1, -1], size=shape[:-1]).astype(np.int64)

    def fn(a, b, t):
        return F.cosine_embedding_loss(a, b, t, margin=margin, reduction=reduction)

    check_parity(fn, lambda a, b, t: TF.cosine_embedding_loss(a, b, t, margin=margin,
                                                              reduction=reduction), [x1, x2, y])
    gradcheck(fn, [x1, x2, y])
    layer, torch_layer = nn.CosineEmbeddingLoss(margin, reduction=reduction), \
        torch.nn.CosineEmbeddingLoss(margin, reduction=reduction)
    check_parity(layer, torch_layer, [x1, x2, y])


def test_cosine_embedding_loss_bad_inputs():
    x = st.tensor(rand(3, 4))
    with pytest.raises(ValueError, match=r"cosine_embedding_loss: expected 'input1' and 'input2' "
                       r"of one shape, got \[3, 4\] and \[3, 5\]"):
        F.cosine_embedding_loss(x, st.tensor(rand(3, 5)), st.ones(3))
    with pytest.raises(ValueError, match=r"cosine_embedding_loss: expected 'target' of shape \[3\] "
                       r"for inputs of shape \[3, 4\], got \[4\]"):
        F.cosine_embedding_loss(x, x, st.ones(4))
    with pytest.raises(ValueError, match=r"expected inputs of shape \(N, D\) or \(D\), got "
                       r"\[1, 3, 4\]"):
        F.cosine_embedding_loss(st.tensor(rand(1, 3, 4)), st.tensor(rand(1, 3, 4)), st.ones(1, 3))
    with pytest.raises(TypeError, match="cosine_embedding_loss: expected floating-point 'input1' "
                       "and 'input2' of one dtype"):
        F.cosine_embedding_loss(x, st.tensor(rand(3, 4, dtype=np.float64)), st.ones(3))
