"""Shared test helpers: float64 finite-difference gradcheck and PyTorch parity (forward and every
gradient, by the vector-Jacobian trick (out * dout).sum().backward())."""

import numpy as np
import striate as st
import torch


def to_np(t):
    return np.array(t.detach().numpy() if hasattr(t, "detach") else t, copy=True)


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def gradcheck(fn, arrays, requires_grad=None, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Compares striate's analytic gradients of fn(*tensors) with central differences, in float64.

    arrays: numpy arrays (floats are cast to float64; integer arrays are passed through and never
    differentiated). requires_grad: optional list of bools, default True for floating arrays.
    """
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a) for a in arrays]
    arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in arrays]
    if requires_grad is None:
        requires_grad = [a.dtype.kind == "f" for a in arrays]
    tensors = [st.tensor(a, requires_grad=bool(rg)) for a, rg in zip(arrays, requires_grad)]
    out = _first(fn(*tensors))
    dout = rng.standard_normal(tuple(out.shape))
    (out * st.tensor(dout)).sum().backward()

    def objective(values):
        with st.no_grad():
            o = _first(fn(*[st.tensor(v) for v in values]))
        return float(np.sum(to_np(o) * dout))

    for i, (a, rg) in enumerate(zip(arrays, requires_grad)):
        if not rg:
            continue
        analytic = to_np(tensors[i].grad) if tensors[i].grad is not None else np.zeros_like(a)
        numeric = np.zeros_like(a)
        flat = numeric.reshape(-1)
        for j in range(a.size):
            plus = [v.copy() for v in arrays]
            minus = [v.copy() for v in arrays]
            plus[i].reshape(-1)[j] += eps
            minus[i].reshape(-1)[j] -= eps
            flat[j] = (objective(plus) - objective(minus)) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, atol=atol, rtol=rtol,
                                   err_msg=f"gradcheck: gradient of input {i} differs")


def check_parity(st_fn, torch_fn, arrays, requires_grad=None, fwd_rtol=1e-5, fwd_atol=1e-6,
                 grad_rtol=1e-4, grad_atol=1e-5, seed=0):
    """Runs st_fn and torch_fn on the same inputs; compares outputs and the gradients of every
    input that requires grad. Returns (st_out, torch_out) for further checks."""
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a) for a in arrays]
    if requires_grad is None:
        requires_grad = [a.dtype.kind == "f" for a in arrays]
    s_in = [st.tensor(a, requires_grad=bool(rg)) for a, rg in zip(arrays, requires_grad)]
    t_in = [torch.tensor(a, requires_grad=bool(rg)) for a, rg in zip(arrays, requires_grad)]
    s_out = _first(st_fn(*s_in))
    t_out = _first(torch_fn(*t_in))
    assert tuple(s_out.shape) == tuple(t_out.shape), f"shape {tuple(s_out.shape)} vs torch {tuple(t_out.shape)}"
    np.testing.assert_allclose(to_np(s_out), t_out.detach().numpy(), rtol=fwd_rtol, atol=fwd_atol,
                               err_msg="forward differs from PyTorch")
    if any(requires_grad) and t_out.requires_grad:
        dout = rng.standard_normal(tuple(t_out.shape)).astype(arrays[0].dtype if arrays[0].dtype.kind == "f" else np.float32)
        (s_out * st.tensor(dout)).sum().backward()
        (t_out * torch.tensor(dout)).sum().backward()
        for i, rg in enumerate(requires_grad):
            if not rg:
                continue
            tg = t_in[i].grad
            sg = s_in[i].grad
            if tg is None:
                assert sg is None or np.all(to_np(sg) == 0), f"input {i}: striate has a gradient, torch has none"
                continue
            assert sg is not None, f"input {i}: torch has a gradient, striate has none"
            np.testing.assert_allclose(to_np(sg), tg.numpy(), rtol=grad_rtol, atol=grad_atol,
                                       err_msg=f"gradient of input {i} differs from PyTorch")
    return s_out, t_out
