"""Shared test helpers: float64 finite-difference gradcheck and PyTorch parity (forward and every
gradient, by the vector-Jacobian trick (out * dout).sum().backward()), on every available device.

Op-family test modules set ``PER_DEVICE = True``; conftest then runs each of their tests once per
device in DEVICES (the CPU, and CUDA where a GPU is visible), and gradcheck / check_parity place
their inputs on that device. An op without a kernel on the device skips there with the registry's
reason (GPU machines only; the CPU runs every op)."""

import re

import numpy as np
import pytest
import striate as st
import torch

#: The CPU kernels' SIMD paths, narrowest first, and those this CPU runs; the ``isa`` fixture
#: (conftest.py) runs a test once on each.
ALL_ISAS = ["generic", "avx2", "avx512"]
SUPPORTED_ISAS = ALL_ISAS[: ALL_ISAS.index(st._C._supported_cpu_isa()) + 1]

#: The devices the op-family tests run on here.
DEVICES = ["cpu"] + (["cuda"] if st.cuda.is_available() else [])
_current_device = "cpu"


def set_device(device):
    """Places the inputs of the following gradcheck / check_parity calls on `device` (conftest)."""
    global _current_device
    _current_device = device


def current_device():
    return _current_device


def to_np(t):
    if hasattr(t, "detach"):
        t = t.detach()
        if str(t.device) != "cpu":
            t = t.cpu()
        return np.array(t.numpy(), copy=True)
    return np.array(t, copy=True)


def unfused_and_fused(model, x):
    """(the eval output under no_grad: module by module, the eval output under inference_mode:
    fused), as NumPy arrays, for comparing the inference-mode fusions with the modules they
    replace."""
    model.eval()
    with st.no_grad():
        reference = model(x).numpy()
    with st.inference_mode():
        fused = model(x)
    assert not fused.requires_grad
    return reference, fused.numpy()


def randomize_state(model, seed=0, weights=False):
    """Running statistics, BatchNorm affine parameters and every bias far from their initial
    values (and, with weights=True, every other weight drawn again at He scale), float32 or
    float64 as each tensor is, so that a fold or a cache that ignored or kept a stale copy of any
    of them shows in the output. Returns the model."""
    rng = np.random.default_rng(seed)
    with st.no_grad():
        for name, tensor in list(model.named_buffers()) + list(model.named_parameters()):
            if tensor.dtype not in (st.float32, st.float64):
                continue
            shape = tuple(tensor.shape)
            if name.endswith("running_var") or (name.endswith("weight") and len(shape) == 1):
                value = rng.random(shape) + 0.5
            elif name.endswith("running_mean") or name.endswith("bias"):
                value = rng.standard_normal(shape) * 0.2
            elif weights:
                value = rng.standard_normal(shape) * np.sqrt(2.0 / max(1, np.prod(shape[1:])))
            else:
                continue
            dtype = np.float64 if tensor.dtype == st.float64 else np.float32
            tensor.copy_(st.tensor(value.astype(dtype)))
    return model


def _make(array, requires_grad, device):
    """A leaf tensor holding `array` on `device`."""
    if device == "cpu":
        return st.tensor(array, requires_grad=requires_grad)
    t = st.tensor(array).to(device)
    return t.requires_grad_(requires_grad) if requires_grad else t


def _run_on_device(fn, device):
    """Runs fn(); off the CPU, an op without a kernel there skips with the registry's reason."""
    try:
        return fn()
    except NotImplementedError as error:
        if device != "cpu" and re.search(r"no \w+ kernel", str(error)):
            pytest.skip(f"{error} (see striate.backends.unsupported_ops)")
        raise


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def gradcheck(fn, arrays, requires_grad=None, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, device=None):
    """Compares striate's analytic gradients of fn(*tensors) with central differences, in float64.

    arrays: numpy arrays (floats are cast to float64; integer arrays are passed through and never
    differentiated). requires_grad: optional list of bools, default True for floating arrays.
    device: where the inputs live (default: the device conftest selected, see set_device).
    """
    device = device or _current_device
    return _run_on_device(
        lambda: _gradcheck(fn, arrays, requires_grad, eps, atol, rtol, seed, device), device
    )


def _gradcheck(fn, arrays, requires_grad, eps, atol, rtol, seed, device):
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a) for a in arrays]
    arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in arrays]
    if requires_grad is None:
        requires_grad = [a.dtype.kind == "f" for a in arrays]
    tensors = [_make(a, bool(rg), device) for a, rg in zip(arrays, requires_grad)]
    out = _first(fn(*tensors))
    dout = rng.standard_normal(tuple(out.shape))
    (out * _make(dout, False, device)).sum().backward()

    def objective(values):
        with st.no_grad():
            o = _first(fn(*[_make(v, False, device) for v in values]))
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
        np.testing.assert_allclose(
            analytic,
            numeric,
            atol=atol,
            rtol=rtol,
            err_msg=f"gradcheck: gradient of input {i} differs",
        )


def check_parity(
    st_fn,
    torch_fn,
    arrays,
    requires_grad=None,
    fwd_rtol=1e-5,
    fwd_atol=1e-6,
    grad_rtol=1e-4,
    grad_atol=1e-5,
    seed=0,
    device=None,
):
    """Runs st_fn and torch_fn on the same inputs; compares outputs and the gradients of every
    input that requires grad. Returns (st_out, torch_out) for further checks. striate's inputs live
    on `device` (default: the device conftest selected); torch's stay on the CPU."""
    device = device or _current_device
    return _run_on_device(
        lambda: _check_parity(
            st_fn,
            torch_fn,
            arrays,
            requires_grad,
            fwd_rtol,
            fwd_atol,
            grad_rtol,
            grad_atol,
            seed,
            device,
        ),
        device,
    )


def _check_parity(
    st_fn, torch_fn, arrays, requires_grad, fwd_rtol, fwd_atol, grad_rtol, grad_atol, seed, device
):
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a) for a in arrays]
    if requires_grad is None:
        requires_grad = [a.dtype.kind == "f" for a in arrays]
    s_in = [_make(a, bool(rg), device) for a, rg in zip(arrays, requires_grad)]
    t_in = [torch.tensor(a, requires_grad=bool(rg)) for a, rg in zip(arrays, requires_grad)]
    s_out = _first(st_fn(*s_in))
    t_out = _first(torch_fn(*t_in))
    assert tuple(s_out.shape) == tuple(t_out.shape), (
        f"shape {tuple(s_out.shape)} vs torch {tuple(t_out.shape)}"
    )
    np.testing.assert_allclose(
        to_np(s_out),
        t_out.detach().numpy(),
        rtol=fwd_rtol,
        atol=fwd_atol,
        err_msg="forward differs from PyTorch",
    )
    if any(requires_grad) and t_out.requires_grad:
        dout = rng.standard_normal(tuple(t_out.shape)).astype(
            arrays[0].dtype if arrays[0].dtype.kind == "f" else np.float32
        )
        (s_out * _make(dout, False, device)).sum().backward()
        (t_out * torch.tensor(dout)).sum().backward()
        for i, rg in enumerate(requires_grad):
            if not rg:
                continue
            tg = t_in[i].grad
            sg = s_in[i].grad
            if tg is None:
                assert sg is None or np.all(to_np(sg) == 0), (
                    f"input {i}: striate has a gradient, torch has none"
                )
                continue
            assert sg is not None, f"input {i}: torch has a gradient, striate has none"
            np.testing.assert_allclose(
                to_np(sg),
                tg.numpy(),
                rtol=grad_rtol,
                atol=grad_atol,
                err_msg=f"gradient of input {i} differs from PyTorch",
            )
    return s_out, t_out


class SqueezeExcite(st.nn.Module):
    """A squeeze-excite gate whose forward runs its children's forward methods directly, not as
    module calls: its children run unseen (summary cannot count them; viz draws it through
    autograd)."""

    def __init__(self, channels=8, squeezed=2):
        super().__init__()
        self.fc1 = st.nn.Conv2d(channels, squeezed, 1)
        self.fc2 = st.nn.Conv2d(squeezed, channels, 1)

    def forward(self, x):
        gate = self.fc2.forward(self.fc1.forward(x.mean((2, 3), keepdim=True)).relu()).sigmoid()
        return x * gate
