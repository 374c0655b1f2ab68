"""F.conv_transpose1d / conv_transpose3d and nn.ConvTranspose1d / ConvTranspose3d against torch:
forward and every gradient (input, weight, bias) over stride, padding, output_padding, groups,
dilation, bias and unbatched inputs; float64 gradcheck; the modules' parameters, init bounds,
repr and output_size; bad arguments. (conv_transpose2d: tests/test_conv.py; ONNX:
tests/test_onnx_layers.py.)"""

import math

import numpy as np
import pytest
import striate as st
from helpers import check_parity, gradcheck

torch = pytest.importorskip("torch")
F = st.nn.functional
nn = st.nn
tF = torch.nn.functional

# (nd, input shape, weight shape, kwargs)
CASES = [
    (1, (2, 4, 5), (4, 3, 3), {}),
    (1, (2, 4, 5), (4, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    (1, (2, 4, 6), (4, 3, 3), {"stride": 3, "padding": 2, "output_padding": 1, "dilation": 2,
                               "groups": 2}),
    (1, (4, 5), (4, 3, 3), {"stride": (2,), "padding": (1,)}),
    (1, (1, 2, 1), (2, 2, 4), {"padding": 1}),
    (3, (2, 4, 3, 4, 5), (4, 3, 3, 2, 3), {}),
    (3, (2, 4, 3, 4, 5), (4, 3, 3, 2, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    (3, (2, 4, 3, 4, 5), (4, 2, 3, 2, 3), {"stride": (2, 1, 3), "padding": (1, 0, 2),
                                           "output_padding": (1, 0, 2), "dilation": (1, 2, 1),
                                           "groups": 2}),
    (3, (4, 3, 4, 5), (4, 3, 2, 2, 2), {"stride": 2, "dilation": 2, "padding": 3}),
    (3, (1, 2, 1, 1, 1), (2, 3, 3, 3, 3), {"padding": 1}),
    (3, (2, 6, 2, 3, 2), (6, 1, 2, 2, 2), {"stride": 2, "groups": 6}),
]
IDS = [f"{c[0]}d-{i}" for i, c in enumerate(CASES)]


def _arrays(case, bias, dtype=np.float32, seed=0):
    nd, x_shape, w_shape, kwargs = case
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(x_shape).astype(dtype),
              rng.standard_normal(w_shape).astype(dtype)]
    if bias:
        arrays.append(rng.standard_normal(w_shape[1] * kwargs.get("groups", 1)).astype(dtype))
    return arrays


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_functional_parity(case, bias):
    nd, _, _, kwargs = case
    st_fn = getattr(F, f"conv_transpose{nd}d")
    torch_fn = getattr(tF, f"conv_transpose{nd}d")
    st_out, torch_out = check_parity(
        lambda x, w, b=None: st_fn(x, w, b, **kwargs),
        lambda x, w, b=None: torch_fn(x, w, b, **kwargs),
        _arrays(case, bias),
    )
    assert tuple(st_out.shape) == tuple(torch_out.shape)


@pytest.mark.parametrize("case", CASES[::2], ids=IDS[::2])
def test_gradcheck_float64(case):
    nd, _, _, kwargs = case
    fn = getattr(F, f"conv_transpose{nd}d")
    gradcheck(lambda x, w, b: fn(x, w, b, **kwargs), _arrays(case, True, np.float64, seed=1))


@pytest.mark.parametrize("nd,args,kwargs,shape", [
    (1, (4, 6, 3), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}, (2, 4, 7)),
    (1, (3, 2, 4), {"bias": False, "dilation": 2}, (3, 5)),
    (3, (4, 2, (2, 3, 2)), {"stride": (2, 1, 2), "dilation": (1, 2, 1), "bias": False},
     (2, 4, 3, 4, 3)),
    (3, (2, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1}, (1, 2, 2, 3, 2)),
])
def test_module_parity_with_torch_weights(nd, args, kwargs, shape):
    torch_layer = getattr(torch.nn, f"ConvTranspose{nd}d")(*args, **kwargs).double()
    layer = getattr(nn, f"ConvTranspose{nd}d")(*args, **kwargs)
    assert repr(layer) == repr(torch_layer)
    assert [n for n, _ in layer.named_parameters()] == \
        [n for n, _ in torch_layer.named_parameters()]
    layer.double()
    layer.load_state_dict(torch_layer.state_dict())
    x = np.random.default_rng(2).standard_normal(shape)
    tx = torch.tensor(x, requires_grad=True)
    sx = st.tensor(x, requires_grad=True)
    t_out, s_out = torch_layer(tx), layer(sx)
    np.testing.assert_allclose(s_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    t_out.sum().backward()
    s_out.sum().backward()
    np.testing.assert_allclose(sx.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (name, p), (_, tp) in zip(layer.named_parameters(), torch_layer.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)


@pytest.mark.parametrize("nd", [1, 3])
def test_module_init_is_torchs(nd):
    st.manual_seed(0)
    layer = getattr(nn, f"ConvTranspose{nd}d")(8, 6, 3, groups=2)
    assert tuple(layer.weight.shape) == (8, 3) + (3,) * nd
    assert tuple(layer.bias.shape) == (6,)
    bound = 1 / math.sqrt(3 * 3 ** nd)
    for p in (layer.weight, layer.bias):
        values = p.detach().numpy()
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.5 * bound
    assert layer.weight.requires_grad and layer.transposed
    assert layer.padding_mode == "zeros"


def test_output_size_picks_output_padding():
    layer = nn.ConvTranspose1d(4, 2, 3, stride=2)
    torch_layer = torch.nn.ConvTranspose1d(4, 2, 3, stride=2)
    for size in ([11], [12], [1, 2, 12]):
        assert tuple(layer(st.randn(1, 4, 5), output_size=size).shape) == \
            tuple(torch_layer(torch.randn(1, 4, 5), output_size=size).shape)
    layer3 = nn.ConvTranspose3d(2, 2, 2, stride=(2, 3, 2))
    assert tuple(layer3(st.randn(1, 2, 2, 2, 2), output_size=(4, 7, 5)).shape) == (1, 2, 4, 7, 5)
    with pytest.raises(ValueError, match="ConvTranspose1d: requested an output size of \\[14\\], "
                                         "but valid sizes range from 11 to 12"):
        layer(st.randn(1, 4, 5), output_size=[14])
    with pytest.raises(ValueError, match="expected output_size with 1"):
        layer(st.randn(1, 4, 5), output_size=[3, 3])


def test_the_module_moves_with_to_and_trains():
    layer = nn.ConvTranspose3d(2, 3, 2, stride=2)
    optimizer = st.optim.SGD(layer.parameters(), lr=0.1)
    x = st.randn(2, 2, 2, 2, 2)
    before = layer(x).pow(2).mean().item()
    for _ in range(5):
        optimizer.zero_grad()
        loss = layer(x).pow(2).mean()
        loss.backward()
        optimizer.step()
    assert layer(x).pow(2).mean().item() < before
    layer.double()
    assert layer(x.double()).dtype == st.float64


@pytest.mark.parametrize("call,error,message", [
    (lambda: F.conv_transpose1d(st.ones(2, 4, 5, 5), st.ones(4, 3, 3)), ValueError,
     r"conv_transpose1d: expected input of shape \(N, C_in, L\) or \(C_in, L\), got "
     r"\[2, 4, 5, 5\]"),
    (lambda: F.conv_transpose3d(st.ones(2, 4, 5), st.ones(4, 3, 3, 3, 3)), ValueError,
     r"conv_transpose3d: expected input of shape \(N, C_in, D, H, W\)"),
    (lambda: F.conv_transpose3d(st.ones(1, 4, 3, 3, 3), st.ones(4, 3, 3)), ValueError,
     r"conv_transpose3d: expected weight of shape \(C_in, C_out / groups, D, H, W\)"),
    (lambda: F.conv_transpose1d(st.ones(2, 5, 5), st.ones(4, 3, 3)), ValueError,
     "expected input with C_in = weight.size\\(0\\) = 4 channels, got 5"),
    (lambda: F.conv_transpose1d(st.ones(2, 4, 5), st.ones(4, 3, 3), groups=3), ValueError,
     "divisible by groups = 3"),
    (lambda: F.conv_transpose1d(st.ones(2, 4, 5), st.ones(4, 3, 3), st.ones(4)), ValueError,
     r"expected bias of shape \(3,\), got \[4\]"),
    (lambda: F.conv_transpose1d(st.ones(2, 4, 5), st.ones(4, 3, 3), stride=0), ValueError,
     "expected stride > 0"),
    (lambda: F.conv_transpose3d(st.ones(1, 4, 3, 3, 3), st.ones(4, 3, 3, 3, 3), dilation=0),
     ValueError, "expected dilation > 0"),
    (lambda: F.conv_transpose1d(st.ones(2, 4, 5), st.ones(4, 3, 3), padding=-1), ValueError,
     "expected padding >= 0"),
    (lambda: F.conv_transpose1d(st.ones(2, 4, 5), st.ones(4, 3, 3), stride=2, output_padding=2),
     ValueError, "expected 0 <= output_padding < stride or < dilation"),
    (lambda: F.conv_transpose3d(st.ones(1, 4, 3, 3, 3), st.ones(4, 3, 3, 3, 3), stride=(1, 2)),
     TypeError, "conv_transpose3d: expected stride as an int or a tuple of 3 ints"),
    (lambda: F.conv_transpose1d(st.ones(2, 4, 1), st.ones(4, 3, 1), padding=2), ValueError,
     "the output would be empty"),
    (lambda: F.conv_transpose1d(st.ones(2, 4, 5), st.ones(4, 3, 3), groups=0), ValueError,
     "expected groups to be a positive int"),
    (lambda: F.conv_transpose1d([1.0], st.ones(4, 3, 3)), TypeError,
     "expected input to be a Tensor"),
    (lambda: F.conv_transpose3d(st.ones(1, 4, 3, 3, 3), st.ones(4, 3, 3, 3, 3), bias=3),
     TypeError, "expected bias to be a Tensor or None"),
    (lambda: nn.ConvTranspose1d(4, 3, 3, groups=2), ValueError,
     r"ConvTranspose1d: expected in_channels \(4\) and out_channels \(3\) divisible by groups"),
    (lambda: nn.ConvTranspose3d(4, 2, 3, padding_mode="reflect"), ValueError,
     "only padding_mode='zeros'"),
    (lambda: nn.ConvTranspose3d(0, 2, 3), ValueError, "expected in_channels to be a positive"),
    (lambda: nn.ConvTranspose1d(4, 2, 0), ValueError, "expected kernel_size > 0"),
    (lambda: nn.ConvTranspose3d(4, 2, (3, 3)), TypeError, "kernel_size as an int or a tuple of 3"),
])
def test_bad_inputs(call, error, message):
    with pytest.raises(error, match=message):
        call()
