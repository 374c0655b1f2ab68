"""cross_entropy, nll_loss and mse_loss: parity with PyTorch for every reduction (forward and
gradients), float64 gradchecks, stability for logits of +-1e4, and every bad input."""

import numpy as np
import pytest
import striate as st
import striate.nn.functional as F
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np

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
