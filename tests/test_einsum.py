"""striate.einsum against torch.einsum: forward and every operand's gradient on 28 equations
(implicit and explicit outputs, '...', repeated subscripts, broadcasting sizes of 1, empty
sizes, the list and sublist forms), float64 gradcheck, and bad equations and operands."""

import numpy as np
import pytest
import striate as st
from helpers import check_parity, gradcheck

torch = pytest.importorskip("torch")

CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("bij,bjk->bik", [(1, 2, 3), (5, 3, 4)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij->ji", [(2, 3)]),
    ("...ij->...ji", [(5, 2, 3)]),
    ("...ij->ij", [(2, 3, 4)]),
    ("i...->...", [(2, 3)]),
    ("...,...->...", [(2, 3), (3,)]),
    ("a...b,b...c->...ac", [(2, 3, 4), (4, 3, 5)]),
    ("i,i", [(3,), (3,)]),
    ("i,i", [(3,), (1,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,ij->", [(2, 3), (2, 3)]),
    ("ij,kl->ijkl", [(2, 1), (3, 2)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("iJ->Ji", [(2, 3)]),
    ("Ba,aB", [(2, 3), (3, 2)]),
    ("bchw,oc->bohw", [(2, 3, 4, 5), (6, 3)]),
    ("ijk,ikl->jl", [(2, 3, 4), (2, 4, 5)]),
    ("ijk", [(2, 3, 4)]),
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 4)]),
    ("i->", [(0,)]),
    ("ij,jk->ik", [(2, 0), (0, 3)]),
]


def _arrays(shapes, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("equation,shapes", CASES, ids=[f"{i}:{c[0]}" for i, c in enumerate(CASES)])
def test_parity_with_torch(equation, shapes):
    st_out, torch_out = check_parity(
        lambda *ops: st.einsum(equation, *ops),
        lambda *ops: torch.einsum(equation, *ops),
        _arrays(shapes),
    )
    assert tuple(st_out.shape) == tuple(torch_out.shape)


@pytest.mark.parametrize("equation,shapes", [c for c in CASES if 0 not in sum(c[1], ())][::2],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_gradcheck_float64(equation, shapes):
    gradcheck(lambda *ops: st.einsum(equation, *ops), _arrays(shapes, seed=1, dtype=np.float64))


def test_list_and_sublist_forms():
    a, b = _arrays([(2, 3), (3, 4)])
    sa, sb = st.tensor(a), st.tensor(b)
    np.testing.assert_allclose(st.einsum("ij,jk", [sa, sb]).numpy(), a @ b, rtol=1e-5)
    np.testing.assert_allclose(st.einsum(sa, [0, 1], sb, [1, 2], [0, 2]).numpy(), a @ b,
                               rtol=1e-5)
    np.testing.assert_allclose(st.einsum(sa, [0, 1], sb, [1, 2]).numpy(), a @ b, rtol=1e-5)
    x = st.tensor(_arrays([(5, 2, 3)])[0])
    expected = torch.einsum(torch.tensor(x.numpy()), [Ellipsis, 0, 1], [Ellipsis, 1, 0])
    np.testing.assert_allclose(st.einsum(x, [Ellipsis, 0, 1], [Ellipsis, 1, 0]).numpy(),
                               expected.numpy())
    # the implicit output is alphabetical, capitals first (as torch)
    t = torch.einsum(torch.tensor(a), [27, 0])
    assert tuple(st.einsum(sa, [27, 0]).shape) == tuple(t.shape) == (3, 2)


def test_contraction_is_one_matrix_product_per_pair():
    # a batched contraction goes through matmul: the graph holds one matmul node per pair
    a, b = (st.randn(4, 2, 3, requires_grad=True), st.randn(4, 3, 5, requires_grad=True))
    out = st.einsum("bij,bjk->bik", a, b)
    names = []

    def walk(node):
        if node is None:
            return
        names.append(node._name())
        for child, _ in node._next_functions:
            walk(child)

    walk(out.grad_fn)
    assert sum("Matmul" in n or "Bmm" in n or "MatMul" in n for n in names) == 1, names


@pytest.mark.parametrize("call,error,message", [
    (lambda: st.einsum("ij,jk", st.ones(2, 3)), ValueError, "2 operand term"),
    (lambda: st.einsum("ii->i", st.ones(2, 3)), ValueError, "sizes must match"),
    (lambda: st.einsum("i->j", st.ones(2)), ValueError, "output subscript j"),
    (lambda: st.einsum("ij->ii", st.ones(2, 2)), ValueError, "more than once"),
    (lambda: st.einsum("ij", st.ones(2)), ValueError, "names 2 dimension"),
    (lambda: st.einsum("i1", st.ones(2, 2)), ValueError, "invalid subscript '1'"),
    (lambda: st.einsum("i..j", st.ones(2, 2)), ValueError, "'...'"),
    (lambda: st.einsum("...i...", st.ones(2, 2)), ValueError, "at most one '...'"),
    (lambda: st.einsum("ijk...", st.ones(2, 2)), ValueError, "fewer than the 3 subscripts"),
    (lambda: st.einsum("i,i", st.ones(2), st.ones(3)), ValueError, "does not broadcast"),
    (lambda: st.einsum("ij,jk", st.ones(2, 3), st.ones(3, 4, dtype=st.float64)), TypeError,
     "dtype"),
    (lambda: st.einsum("i", 3), TypeError, "operand 0 to be a Tensor"),
    (lambda: st.einsum(3, st.ones(2)), TypeError, "equation as a str"),
    (lambda: st.einsum(), TypeError, "no arguments"),
    (lambda: st.einsum("->"), ValueError, "at least one operand"),
    (lambda: st.einsum(st.ones(2), [60]), ValueError, "[0, 52)"),
])
def test_bad_inputs(call, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace(")", r"\)")
                       .replace("(", r"\(").replace(".", r"\.")):
        call()
