"""Joining and indexing ops on float16 / bfloat16 tensors, in their own dtype (no float32 detour):
cat / stack / split / chunk / unbind / narrow, index_select / take, gather, scatter /
scatter_add, masked_fill / masked_select / masked_scatter / where, integer-tensor indexing and
index_put. Forward values are moved, not computed, so they equal torch's bit for bit; gradients
(index_add / scatter_add of 16-bit values, each sum in float32 rounded once as torch's CPU
kernels do) are compared with torch's. With a GPU (tools/gpu_session.sh lists this file) the
CUDA kernels are compared with the CPU's."""

import numpy as np
import pytest
import striate as st
import torch

LOW = [st.float16, st.bfloat16]
TORCH = {st.float16: torch.float16, st.bfloat16: torch.bfloat16}
# One 16-bit rounding apart.
SUM_TOL = {st.float16: dict(rtol=2e-3, atol=1e-3), st.bfloat16: dict(rtol=1.6e-2, atol=8e-3)}
needs_gpu = pytest.mark.skipif(not st.cuda.is_available(), reason="no CUDA device on this machine")


def values(t):
    return t.detach().cpu().double().numpy()


def rand(shape, seed):
    return np.random.default_rng(seed).normal(0, 1, shape).astype(np.float32)


def index(*arrays):
    return [np.asarray(a, dtype=np.int64) for a in arrays]


GI = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])  # gather / scatter index along dim 0 of (3, 4)
GU = np.array([[0, 2, 1, 0], [2, 1, 0, 1]])  # no repeats in a column: scatter's winner is defined
MASK = rand((3, 4), 9) > 0

# name -> (callable(lib, tensors...), float inputs (shapes), differentiable)
CASES = {
    "cat": (lambda m, a, b: m.cat([a, b], 0), [(3, 4), (2, 4)], True),
    "cat_dim1": (lambda m, a, b: m.cat([a, b.t()], 1), [(3, 4), (2, 3)], True),
    "stack": (lambda m, a, b: m.stack([a, b], 1), [(3, 4), (3, 4)], True),
    "split": (lambda m, a: m.split(a, 2, 0)[1] * 1, [(5, 4)], True),
    "chunk": (lambda m, a: m.chunk(a, 2, 1)[0] * 1, [(5, 4)], True),
    "unbind": (lambda m, a: m.unbind(a, 1)[2] * 1, [(5, 4)], True),
    "narrow": (lambda m, a: a.narrow(0, 1, 3) * 1, [(5, 4)], True),
    "index_select": (lambda m, a: m.index_select(a, 0, m.tensor([2, 0, 2, 1])), [(3, 4)], True),
    "index_select_dim1": (lambda m, a: m.index_select(a, 1, m.tensor([3, 3, 0])), [(3, 4)], True),
    "integer_index": (lambda m, a: a[m.tensor([1, 1, 0])], [(3, 4)], True),
    "gather": (lambda m, a: m.gather(a, 0, m.tensor(GI)), [(3, 4)], True),
    "gather_dim1": (lambda m, a: m.gather(a, 1, m.tensor(GI.T[:3, :2].copy())), [(3, 4)], True),
    "scatter": (lambda m, a, s: a.clone().scatter_(0, m.tensor(GU), s), [(3, 4), (2, 4)], False),
    "scatter_add": (lambda m, a, s: a.scatter_add(0, m.tensor(GI), s), [(3, 4), (2, 4)], True),
    "masked_fill": (lambda m, a: a.masked_fill(m.tensor(MASK), -2.5), [(3, 4)], True),
    "masked_select": (lambda m, a: m.masked_select(a, m.tensor(MASK)), [(3, 4)], True),
    "bool_index": (lambda m, a: a[m.tensor(MASK)], [(3, 4)], True),
    "where": (lambda m, a, b: m.where(m.tensor(MASK), a, b), [(3, 4), (3, 4)], True),
    "masked_scatter": (
        lambda m, a, s: _masked_scatter(m, a.clone(), m.tensor(MASK), s),
        [(3, 4), (3, 4)],
        False,
    ),
    "index_put": (lambda m, a, s: _index_put(a, m.tensor([2, 0]), s), [(3, 4), (2, 4)], True),
}


def _masked_scatter(m, a, mask, s):
    # torch's masked_scatter_ takes source's first mask-count values; striate's _masked_scatter_
    # (a[mask] = values) takes exactly those.
    if m is torch:
        return a.masked_scatter_(mask, s)
    return st._C._masked_scatter_(a, mask, s.reshape(-1)[: int(MASK.sum())])


def _index_put(a, idx, s):
    out = a * 1
    out[idx] = s
    return out


def run(lib, name, dtype, device="cpu"):
    fn, shapes, differentiable = CASES[name]
    if lib is torch:
        inputs = [torch.tensor(rand(s, i)).to(TORCH[dtype]) for i, s in enumerate(shapes)]
        inputs = [x.requires_grad_(differentiable) for x in inputs]
        out = fn(torch, *inputs)
    else:
        inputs = [st.tensor(rand(s, i)).to(dtype).to(device) for i, s in enumerate(shapes)]
        inputs = [x.requires_grad_(differentiable) for x in inputs]
        out = fn(_OnDevice(device), *inputs)
    grads = []
    if differentiable:
        seed = np.random.default_rng(42).normal(0, 1, tuple(out.shape)).astype(np.float32)
        if lib is torch:
            upstream = torch.tensor(seed).to(TORCH[dtype])
        else:
            upstream = st.tensor(seed).to(dtype).to(device)
        out.backward(upstream)
        grads = [x.grad for x in inputs]
    return out, grads


class _OnDevice:
    """striate's namespace with st.tensor placing index / mask tensors on the device."""

    def __init__(self, device):
        self.device = device

    def tensor(self, data):
        return st.tensor(data).to(self.device)

    def __getattr__(self, name):
        return getattr(st, name)


@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("name", list(CASES))
def test_16_bit_index_ops_match_torch(name, dtype):
    ours, our_grads = run(st, name, dtype)
    theirs, their_grads = run(torch, name, dtype)
    assert ours.dtype == dtype
    if name == "scatter_add":  # sums of three 16-bit values: torch may add them in another order
        np.testing.assert_allclose(values(ours), values(theirs), **SUM_TOL[dtype])
    else:
        np.testing.assert_array_equal(values(ours), values(theirs))
    for g, h in zip(our_grads, their_grads):
        assert g.dtype == dtype
        # Sums of at most three 16-bit values, each rounded.
        np.testing.assert_allclose(values(g), values(h), **SUM_TOL[dtype])


@pytest.mark.parametrize("dtype", LOW)
def test_sort_and_topk_on_16_bit_tensors_match_torch(dtype):
    x = rand((4, 9), 3)
    ours_sorted = st.tensor(x).to(dtype).sort(dim=1)
    theirs_sorted = torch.tensor(x).to(TORCH[dtype]).sort(dim=1)
    np.testing.assert_array_equal(values(ours_sorted[0]), values(theirs_sorted[0]))
    ours_top = st.tensor(x).to(dtype).topk(3, dim=1)
    theirs_top = torch.tensor(x).to(TORCH[dtype]).topk(3, dim=1)
    np.testing.assert_array_equal(values(ours_top[0]), values(theirs_top[0]))


def test_16_bit_gather_bad_inputs_name_the_op():
    x = st.zeros(3, 4, dtype=st.bfloat16)
    with pytest.raises(IndexError, match="gather"):
        st.gather(x, 0, st.tensor([[5, 0, 0, 0]]))
    with pytest.raises(TypeError, match="gather"):
        st.gather(x, 0, st.tensor([[0.0, 1.0, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="masked_fill_"):
        x.masked_fill_(st.zeros(5, dtype=st.bool), 1.0)


# ---- CUDA (tools/gpu_session.sh lists this file) ------------------------------------------------


@needs_gpu
@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize("name", list(CASES))
def test_cuda_16_bit_index_ops_equal_the_cpu(name, dtype):
    cpu, cpu_grads = run(st, name, dtype)
    gpu, gpu_grads = run(st, name, dtype, device="cuda")
    assert gpu.device.type == "cuda" and gpu.dtype == dtype
    np.testing.assert_array_equal(values(gpu), values(cpu))
    for g, h in zip(gpu_grads, cpu_grads):
        np.testing.assert_array_equal(values(g), values(h))
