"""RNNCell and RNN: PyTorch parity after copying weights (outputs, h_n, and the gradients of the
input, the initial state and every parameter, i.e. backpropagation through time with shared
weights), torch's parameter names in the state dict, float64 gradcheck through time, dropout
between layers, and bad inputs."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import torch
from helpers import gradcheck, to_np

PER_DEVICE = True  # every test runs once per available device (conftest.py)

rng = np.random.default_rng(21)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def copy_from_torch(s_module, t_module, dtype=np.float32):
    state = {
        k: st.tensor(v.detach().numpy().astype(dtype)) for k, v in t_module.state_dict().items()
    }
    if dtype == np.float32:
        s_module.load_state_dict(state)
    else:  # float64 parameters replace the float32 ones
        for name, value in state.items():
            setattr(s_module, name, nn.Parameter(value))


def compare_grads(s_module, t_module, rtol=1e-4, atol=1e-5):
    s_params = dict(s_module.named_parameters())
    for name, t_param in t_module.named_parameters():
        np.testing.assert_allclose(
            to_np(s_params[name].grad),
            t_param.grad.numpy(),
            rtol=rtol,
            atol=atol,
            err_msg=f"gradient of {name}",
        )


def run_both(s_module, t_module, x, hx):
    sx = st.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    sh = st.tensor(hx, requires_grad=True) if hx is not None else None
    th = torch.tensor(hx, requires_grad=True) if hx is not None else None
    return sx, tx, sh, th, s_module(sx, sh), t_module(tx, th)


# ---- RNNCell --------------------------------------------------------------------------------

CELL_CONFIGS = {
    "tanh": dict(input_size=4, hidden_size=5, bias=True, nonlinearity="tanh", batch=3, with_h=True),
    "relu_no_h": dict(
        input_size=3, hidden_size=7, bias=True, nonlinearity="relu", batch=2, with_h=False
    ),
    "no_bias": dict(
        input_size=6, hidden_size=3, bias=False, nonlinearity="tanh", batch=4, with_h=True
    ),
    "unbatched": dict(
        input_size=5, hidden_size=4, bias=True, nonlinearity="tanh", batch=None, with_h=True
    ),
}


@pytest.mark.parametrize("cfg", CELL_CONFIGS.values(), ids=CELL_CONFIGS.keys())
def test_rnn_cell_parity(cfg):
    s_cell = nn.RNNCell(
        cfg["input_size"], cfg["hidden_size"], bias=cfg["bias"], nonlinearity=cfg["nonlinearity"]
    )
    t_cell = torch.nn.RNNCell(
        cfg["input_size"], cfg["hidden_size"], bias=cfg["bias"], nonlinearity=cfg["nonlinearity"]
    )
    assert list(s_cell.state_dict().keys()) == list(t_cell.state_dict().keys())
    copy_from_torch(s_cell, t_cell)
    lead = () if cfg["batch"] is None else (cfg["batch"],)
    x = rand(*lead, cfg["input_size"])
    hx = rand(*lead, cfg["hidden_size"]) if cfg["with_h"] else None
    sx, tx, sh, th, s_out, t_out = run_both(s_cell, t_cell, x, hx)
    np.testing.assert_allclose(to_np(s_out), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    dy = rand(*t_out.shape)
    (s_out * st.tensor(dy)).sum().backward()
    (t_out * torch.tensor(dy)).sum().backward()
    np.testing.assert_allclose(to_np(sx.grad), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    if hx is not None:
        np.testing.assert_allclose(to_np(sh.grad), th.grad.numpy(), rtol=1e-4, atol=1e-5)
    compare_grads(s_cell, t_cell)


def test_rnn_cell_unrolled_bptt_gradcheck():
    cell = nn.RNNCell(3, 4)
    copy_from_torch(cell, torch.nn.RNNCell(3, 4), dtype=np.float64)

    def unroll(x, h):
        for t in range(x.shape[0]):
            h = cell(x[t], h)
        return h

    gradcheck(unroll, [rand(5, 2, 3), rand(2, 4)])


# ---- RNN ------------------------------------------------------------------------------------

RNN_CONFIGS = {
    "one_layer_tanh": dict(kwargs=dict(input_size=4, hidden_size=5), L=6, N=3, with_h=True),
    "two_layers_relu_batch_first": dict(
        kwargs=dict(
            input_size=3, hidden_size=4, num_layers=2, nonlinearity="relu", batch_first=True
        ),
        L=5,
        N=2,
        with_h=True,
    ),
    "bidirectional_two_layers": dict(
        kwargs=dict(input_size=5, hidden_size=3, num_layers=2, bidirectional=True),
        L=4,
        N=3,
        with_h=True,
    ),
    "no_bias_no_h": dict(
        kwargs=dict(input_size=2, hidden_size=6, bias=False), L=7, N=1, with_h=False
    ),
    "unbatched_three_layers": dict(
        kwargs=dict(input_size=3, hidden_size=3, num_layers=3), L=5, N=None, with_h=True
    ),
}


def rnn_inputs(cfg):
    kwargs = cfg["kwargs"]
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    L, N, I, H = cfg["L"], cfg["N"], kwargs["input_size"], kwargs["hidden_size"]
    if N is None:
        x, hx = rand(L, I), rand(layers, H)
    elif kwargs.get("batch_first"):
        x, hx = rand(N, L, I), rand(layers, N, H)
    else:
        x, hx = rand(L, N, I), rand(layers, N, H)
    return x, (hx if cfg["with_h"] else None)


@pytest.mark.parametrize("cfg", RNN_CONFIGS.values(), ids=RNN_CONFIGS.keys())
def test_rnn_parity(cfg):
    s_rnn, t_rnn = nn.RNN(**cfg["kwargs"]), torch.nn.RNN(**cfg["kwargs"])
    assert list(s_rnn.state_dict().keys()) == list(t_rnn.state_dict().keys())
    copy_from_torch(s_rnn, t_rnn)
    x, hx = rnn_inputs(cfg)
    sx, tx, sh, th, (s_out, s_hn), (t_out, t_hn) = run_both(s_rnn, t_rnn, x, hx)
    assert tuple(s_out.shape) == tuple(t_out.shape) and tuple(s_hn.shape) == tuple(t_hn.shape)
    np.testing.assert_allclose(to_np(s_out), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(s_hn), t_hn.detach().numpy(), rtol=1e-5, atol=1e-6)
    d_out, d_hn = rand(*t_out.shape), rand(*t_hn.shape)
    ((s_out * st.tensor(d_out)).sum() + (s_hn * st.tensor(d_hn)).sum()).backward()
    ((t_out * torch.tensor(d_out)).sum() + (t_hn * torch.tensor(d_hn)).sum()).backward()
    np.testing.assert_allclose(to_np(sx.grad), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    if hx is not None:
        np.testing.assert_allclose(to_np(sh.grad), th.grad.numpy(), rtol=1e-4, atol=1e-5)
    compare_grads(s_rnn, t_rnn)


@pytest.mark.parametrize(
    "name", ["one_layer_tanh", "two_layers_relu_batch_first", "bidirectional_two_layers"]
)
def test_rnn_gradcheck(name):
    cfg = RNN_CONFIGS[name]
    rnn = nn.RNN(**cfg["kwargs"])
    copy_from_torch(rnn, torch.nn.RNN(**cfg["kwargs"]), dtype=np.float64)
    x, hx = rnn_inputs(cfg)
    gradcheck(lambda a, h: rnn(a, h)[0], [x, hx])
    gradcheck(lambda a, h: rnn(a, h)[1], [x, hx])


def test_rnn_dropout_between_layers():
    kwargs = dict(input_size=3, hidden_size=8, num_layers=2, dropout=0.5)
    s_rnn, t_rnn = nn.RNN(**kwargs), torch.nn.RNN(**kwargs)
    copy_from_torch(s_rnn, t_rnn)
    x = rand(4, 2, 3)
    st.manual_seed(0)
    a = to_np(s_rnn(st.tensor(x))[0])
    st.manual_seed(0)
    np.testing.assert_array_equal(to_np(s_rnn(st.tensor(x))[0]), a)
    t_rnn.eval()
    assert not np.allclose(a, t_rnn(torch.tensor(x))[0].detach().numpy(), atol=1e-4)
    s_rnn.eval()  # no dropout in evaluation: torch's output
    np.testing.assert_allclose(
        to_np(s_rnn(st.tensor(x))[0]),
        t_rnn(torch.tensor(x))[0].detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )


def test_rnn_state_dict_round_trip_and_repr():
    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True)
    fresh = nn.RNN(3, 4, num_layers=2, bidirectional=True)
    fresh.load_state_dict(rnn.state_dict())
    x = st.tensor(rand(5, 2, 3))
    np.testing.assert_array_equal(to_np(fresh(x)[0]), to_np(rnn(x)[0]))
    assert repr(rnn) == "RNN(3, 4, num_layers=2, bidirectional=True)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"
    bound = 1 / np.sqrt(4)
    assert all(np.abs(to_np(p)).max() <= bound for p in rnn.parameters())


def test_bad_inputs():
    with pytest.raises(ValueError, match="nonlinearity 'tanh' or 'relu', got 'sigmoid'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNNCell(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="dropout=1.5"):
        nn.RNN(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="num_layers > 0"):
        nn.RNN(3, 4, num_layers=0)
    with pytest.raises(ValueError, match="hidden_size > 0"):
        nn.RNNCell(3, 0)
    rnn = nn.RNN(3, 4, num_layers=2)
    with pytest.raises(ValueError, match="expected input of shape \\(L, N, 3\\)"):
        rnn(st.ones(5, 2, 4))
    with pytest.raises(ValueError, match="expected input of shape"):
        rnn(st.ones(5))
    with pytest.raises(ValueError, match="expected hx of shape \\(2, 2, 4\\)"):
        rnn(st.ones(5, 2, 3), st.ones(1, 2, 4))
    with pytest.raises(ValueError, match="at least one step"):
        rnn(st.ones(0, 2, 3))
    cell = nn.RNNCell(3, 4)
    with pytest.raises(ValueError, match="expected input of shape \\(N, 3\\)"):
        cell(st.ones(2, 5))
    with pytest.raises(ValueError, match="expected hx of shape \\(2, 4\\)"):
        cell(st.ones(2, 3), st.ones(3, 4))
