"""nn.utils.clip_grad_norm_ and clip_grad_value_: parity with torch.nn.utils for several norm types
and clipping/non-clipping cases, the returned total norm, non-finite norms, and bad inputs."""

import math

import numpy as np
import pytest
import striate as st
import torch
from striate import nn


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def params_with_grads(seed, scale=1.0, shapes=((4, 3), (5,), (2, 3, 2)), without_grad=()):
    rng = np.random.default_rng(seed)
    ours, theirs = [], []
    for index, shape in enumerate(shapes):
        value = rng.standard_normal(shape).astype(np.float32)
        grad = (scale * rng.standard_normal(shape)).astype(np.float32)
        p, q = nn.Parameter(st.tensor(value)), torch.nn.Parameter(torch.tensor(value))
        if index not in without_grad:
            (p * st.tensor(grad)).sum().backward()
            q.grad = torch.tensor(grad)
        ours.append(p)
        theirs.append(q)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm,scale", [(1.0, 1.0), (100.0, 1.0), (0.5, 10.0), (2.0, 0.01)])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, scale):
    ours, theirs = params_with_grads(0, scale)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=float(norm_type))
    their_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=float(norm_type))
    assert tuple(total.shape) == ()
    assert total.item() == pytest.approx(their_total.item(), rel=1e-5)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(to_np(p.grad), q.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_values():
    p = nn.Parameter(st.zeros(2))
    (p * st.tensor([3.0, 4.0])).sum().backward()
    total = nn.utils.clip_grad_norm_(p, max_norm=1.0)  # a single tensor is accepted
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(to_np(p.grad), [0.6, 0.8], rtol=1e-5)
    # below the limit: unchanged up to the 1e-6 guard
    total = nn.utils.clip_grad_norm_([p], max_norm=10.0, norm_type=math.inf)
    assert total.item() == pytest.approx(0.8, rel=1e-5)
    np.testing.assert_allclose(to_np(p.grad), [0.6, 0.8], rtol=1e-5)


def test_clip_grad_norm_skips_parameters_without_grad_and_empty_lists():
    ours, theirs = params_with_grads(1, without_grad=(1,))
    total = nn.utils.clip_grad_norm_(ours, 0.5)
    their_total = torch.nn.utils.clip_grad_norm_(theirs, 0.5)
    assert total.item() == pytest.approx(their_total.item(), rel=1e-5)
    assert ours[1].grad is None
    assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0
    assert nn.utils.clip_grad_norm_([nn.Parameter(st.ones(2))], 1.0).item() == 0.0


def test_clip_grad_norm_non_finite():
    p = nn.Parameter(st.zeros(3))
    (p * st.tensor([1.0, float("inf"), 2.0])).sum().backward()
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(to_np(p.grad), [1.0, float("inf"), 2.0])  # untouched
    total = nn.utils.clip_grad_norm_([p], 1.0)
    q = torch.nn.Parameter(torch.zeros(3))
    q.grad = torch.tensor([1.0, float("inf"), 2.0])
    their_total = torch.nn.utils.clip_grad_norm_([q], 1.0)
    assert math.isinf(total.item()) and math.isinf(their_total.item())
    np.testing.assert_array_equal(np.isnan(to_np(p.grad)), np.isnan(q.grad.numpy()))


def test_clip_grad_value_matches_torch():
    for clip in (0.1, 0.5, 3.0):
        ours, theirs = params_with_grads(2)
        nn.utils.clip_grad_value_(ours, clip)
        torch.nn.utils.clip_grad_value_(theirs, clip)
        for p, q in zip(ours, theirs):
            np.testing.assert_array_equal(to_np(p.grad), q.grad.numpy())
        assert max(np.abs(to_np(p.grad)).max() for p in ours) <= clip


def test_clipped_gradients_feed_the_optimizer():
    ours, theirs = params_with_grads(3, scale=5.0)
    our_opt = st.optim.SGD(ours, lr=0.1)
    their_opt = torch.optim.SGD(theirs, lr=0.1)
    nn.utils.clip_grad_norm_(ours, 1.0)
    torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    our_opt.step()
    their_opt.step()
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_clip_bad_arguments():
    p = nn.Parameter(st.ones(2))
    with pytest.raises(ValueError, match="clip_grad_norm_: expected norm_type >= 0"):
        nn.utils.clip_grad_norm_([p], 1.0, norm_type=-1.0)
    with pytest.raises(ValueError, match="clip_grad_value_: expected clip_value >= 0"):
        nn.utils.clip_grad_value_([p], -1.0)
    with pytest.raises(TypeError, match="expected Tensors"):
        nn.utils.clip_grad_norm_([p, 3.0], 1.0)
