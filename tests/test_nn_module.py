"""nn.Module and the built-in layers: registration and nesting (C++ layers inside Python modules and
back), state dicts, train/eval, zero_grad, parameter identity, repr, default initialization, forward
and backward parity with torch.nn, and the layers' bad arguments."""

import math

import numpy as np
import pytest
import striate as st
import torch
from striate import nn


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def copy_from_torch(st_module, torch_module):
    state = torch_module.state_dict()
    st_module.load_state_dict({name: st.tensor(value.numpy()) for name, value in state.items()})


class Affine(nn.Module):
    """A user module with a Parameter, a buffer, a C++ child and a plain attribute."""

    def __init__(self, features):
        super().__init__()
        self.linear = nn.Linear(features, features)
        self.scale = nn.Parameter(st.ones(features))
        self.register_buffer("calls", st.zeros(1))
        self.note = "plain attributes stay Python attributes"

    def forward(self, x):
        self.calls += 1
        return self.linear(x) * self.scale


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.left = nn.Linear(3, 2)
        self.right = nn.Linear(4, 2)

    def forward(self, a, b, scale=1.0):
        return (self.left(a) + self.right(b)) * scale


# ---- registration and nesting -------------------------------------------------------


def test_attributes_register_parameters_children_and_buffers_in_order():
    m = Affine(3)
    assert [name for name, _ in m.named_parameters()] == ["scale", "linear.weight", "linear.bias"]
    assert [name for name, _ in m.named_buffers()] == ["calls"]
    assert [name for name, _ in m.named_children()] == ["linear"]
    assert m.note == "plain attributes stay Python attributes"
    assert "note" in m.__dict__ and "linear" not in m.__dict__
    assert m.num_parameters() == 3 + 9 + 3
    assert sorted(set(dir(m)) & {"linear", "scale", "calls"}) == ["calls", "linear", "scale"]


def test_python_module_inside_sequential_calls_python_forward():
    inner = Affine(4)
    model = nn.Sequential(nn.Linear(5, 4), inner, nn.ReLU(),
                          nn.Sequential(nn.Linear(4, 2), nn.Tanh()))
    x = st.randn(6, 5)
    y = model(x)
    assert tuple(y.shape) == (6, 2)
    assert inner.calls.item() == 1  # the C++ Sequential called the Python forward
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.scale", "1.linear.weight", "1.linear.bias",
                     "3.0.weight", "3.0.bias"]
    F = torch.nn.functional

    def t(tensor):
        return torch.tensor(to_np(tensor))

    hidden = F.linear(t(x), t(model[0].weight), t(model[0].bias))
    hidden = F.linear(hidden, t(inner.linear.weight), t(inner.linear.bias)) * t(inner.scale)
    hidden = torch.relu(hidden)
    expected = torch.tanh(F.linear(hidden, t(model[3][0].weight), t(model[3][0].bias)))
    np.testing.assert_allclose(to_np(y), expected.numpy(), rtol=1e-5, atol=1e-6)


def test_python_module_in_sequential_survives_losing_its_python_reference():
    model = nn.Sequential(Affine(2))
    import gc

    gc.collect()
    y = model(st.ones(1, 2))
    assert tuple(y.shape) == (1, 2)
    assert type(model[0]) is Affine and model[0].note.startswith("plain")


def test_cpp_forward_releases_the_gil():
    import threading
    import time

    layers = []
    for _ in range(4):
        layers += [nn.Linear(1024, 1024), nn.ReLU()]
    model = nn.Sequential(*layers)
    x = st.randn(256, 1024)
    done = threading.Event()
    wakeups = [0]

    def sleeper():
        # Each wake-up needs the GIL back; a forward that held it would starve this thread.
        while not done.is_set():
            time.sleep(0.001)
            wakeups[0] += 1

    threads = st.get_num_threads()
    st.set_num_threads(1)  # leave a core to the sleeper
    try:
        with st.no_grad():
            model(x)  # warm up (allocations)
            thread = threading.Thread(target=sleeper)
            thread.start()
            calls = 0
            start = time.perf_counter()
            while time.perf_counter() - start < 0.5:
                model(x)
                calls += 1
            done.set()
            thread.join()
    finally:
        done.set()
        st.set_num_threads(threads)
    # Between two forwards the sleeper gets the GIL a couple of times at most; during them it
    # runs freely only when the forward released it.
    assert wakeups[0] > 3 * calls + 20, (wakeups[0], calls)


def test_forward_with_several_arguments_and_keywords():
    m = TwoInputs()
    a, b = st.randn(2, 3), st.randn(2, 4)
    y = m(a, b, scale=2.0)
    expected = (m.left(a) + m.right(b)) * 2.0
    np.testing.assert_allclose(to_np(y), to_np(expected), rtol=1e-6)


def test_gradients_flow_into_python_and_cpp_parameters():
    m = nn.Sequential(Affine(3), nn.Linear(3, 1))
    m(st.randn(4, 3)).sum().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and tuple(p.grad.shape) == tuple(p.shape), name


def test_parameter_identity_and_isinstance():
    m = Affine(2)
    assert m.linear.weight is m.linear.weight
    assert m.scale is dict(m.named_parameters())["scale"]
    params = list(m.parameters())
    assert params[1] is m.linear.weight
    for p in params:
        assert isinstance(p, nn.Parameter) and isinstance(p, st.Tensor)
        assert p.requires_grad and p.is_leaf
    assert not isinstance(st.ones(2), nn.Parameter)
    frozen = nn.Parameter(st.ones(2), requires_grad=False)
    assert isinstance(frozen, nn.Parameter) and not frozen.requires_grad


def test_parameter_shares_storage_with_its_data():
    data = st.zeros(3)
    p = nn.Parameter(data)
    with st.no_grad():
        p += 1
    np.testing.assert_array_equal(data.numpy(), [1, 1, 1])


def test_shared_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    m = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(m.parameters())) == 2
    assert len(list(m.modules())) == 3  # the Sequential, the Linear (once) and the ReLU


def test_replacing_keeps_order_and_none_clears():
    m = Affine(2)
    m.linear = nn.Linear(2, 2, bias=False)
    assert [n for n, _ in m.named_parameters()] == ["scale", "linear.weight"]
    m.scale = None
    assert [n for n, _ in m.named_parameters()] == ["linear.weight"]
    m.scale = nn.Parameter(st.ones(2))
    assert [n for n, _ in m.named_parameters()] == ["scale", "linear.weight"]
    del m.linear
    assert [n for n, _ in m.named_children()] == []
    with pytest.raises(AttributeError, match="linear"):
        m.linear


def test_assigning_a_plain_tensor_to_a_parameter_raises():
    m = Affine(2)
    with pytest.raises(TypeError, match="parameter 'scale'"):
        m.scale = st.ones(2)
    with pytest.raises(TypeError, match="Parameter"):
        m.linear.weight = st.ones(2, 2)
    with pytest.raises(TypeError, match="child module 'linear'"):
        m.linear = 3


def test_layer_weight_can_be_replaced_by_a_parameter():
    layer = nn.Linear(2, 3)
    new_weight = nn.Parameter(st.ones(3, 2))
    layer.weight = new_weight
    assert layer.weight is new_weight and dict(layer.named_parameters())["weight"] is new_weight
    np.testing.assert_allclose(to_np(layer(st.ones(1, 2))), 2 + to_np(layer.bias)[None], rtol=1e-6)
    layer.bias = None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_registering_before_super_init_raises_attribute_error():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)
            super().__init__()

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Broken()


def test_register_methods_and_bad_names():
    m = nn.Module()
    m.register_parameter("w", nn.Parameter(st.ones(1)))
    m.register_buffer("running", st.zeros(1))
    m.register_buffer("scratch", st.zeros(1), persistent=False)
    m.add_module("child", nn.ReLU())
    assert list(m.state_dict().keys()) == ["w", "running"]
    assert [n for n, _ in m.named_buffers()] == ["running", "scratch"]
    with pytest.raises(ValueError, match="can't contain"):
        m.register_parameter("a.b", nn.Parameter(st.ones(1)))
    with pytest.raises(TypeError, match="parameter 'x'"):
        m.register_parameter("x", st.ones(1))
    with pytest.raises(TypeError, match="is not a Module"):
        m.add_module("bad", 3)
    with pytest.raises(ValueError, match="already exists"):
        m.register_buffer("w", st.zeros(1))


def test_module_without_forward_raises_not_implemented():
    class NoForward(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="NoForward"):
        NoForward()(st.ones(1))
    with pytest.raises(NotImplementedError, match="NoForward"):
        nn.Sequential(NoForward())(st.ones(1))


def test_sequential_indexing_iteration_and_ordered_dict():
    from collections import OrderedDict

    layers = [nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1)]
    m = nn.Sequential(*layers)
    assert len(m) == 3 and m[0] is layers[0] and m[-1] is layers[2]
    assert list(m) == layers
    assert list(m[1:]) == layers[1:]
    with pytest.raises(IndexError, match="out of range"):
        m[3]
    named = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU())]))
    assert [n for n, _ in named.named_children()] == ["conv", "act"]
    m.append(nn.Sigmoid())
    assert len(m) == 4 and type(m[3]) is nn.Sigmoid
    with pytest.raises(TypeError, match="argument 1 is not a Module"):
        nn.Sequential(nn.ReLU(), "relu")


def test_modules_children_apply_and_get_submodule():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
    assert [n for n, _ in m.named_modules()] == ["", "0", "1", "1.0", "1.1"]
    assert [type(c) for c in m.children()] == [nn.Linear, nn.Sequential]
    assert m.get_submodule("1.1") is m[1][1]
    seen = []
    assert m.apply(lambda module: seen.append(type(module).__name__)) is m
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]


# ---- modes, gradients, state dict --------------------------------------------------------


def test_train_eval_reach_every_descendant():
    m = nn.Sequential(Affine(2), nn.Sequential(nn.ReLU()))
    assert m.training and m[1][0].training
    assert m.eval() is m
    assert not any(module.training for module in m.modules())
    m.train()
    assert all(module.training for module in m.modules())
    m[0].training = False
    assert not m[0].training and m[0].linear.training
    with pytest.raises(ValueError, match="bool"):
        m.train("yes")


def test_zero_grad_to_none_and_to_zero():
    m = nn.Sequential(nn.Linear(3, 2), Affine(2))
    m(st.randn(4, 3)).sum().backward()
    m.zero_grad(set_to_none=False)
    for p in m.parameters():
        assert p.grad is not None and not np.any(to_np(p.grad))
    m(st.randn(4, 3)).sum().backward()
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_state_dict_round_trip():
    st.manual_seed(0)
    source = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), Affine(2 * 3 * 3))
    source[3].calls += 5
    target = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), Affine(2 * 3 * 3))
    state = source.state_dict()
    assert list(state.keys()) == ["0.weight", "0.bias", "3.scale", "3.calls", "3.linear.weight",
                                  "3.linear.bias"]
    assert all(not t.requires_grad for t in state.values())
    result = target.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = st.randn(2, 1, 5, 5)
    np.testing.assert_array_equal(to_np(source(x)), to_np(target(x)))
    assert target[3].calls.item() == 6  # 5 copied from source, then one call
    # the values are copied: the two models stay independent
    with st.no_grad():
        source[0].weight += 1
    assert not np.array_equal(to_np(source[0].weight), to_np(target[0].weight))


def test_state_dict_shares_memory_with_the_parameters():
    m = nn.Linear(2, 2)
    weight = m.state_dict()["weight"]
    with st.no_grad():
        m.weight.fill_(3.0)
    np.testing.assert_array_equal(weight.numpy(), np.full((2, 2), 3.0, np.float32))


def test_load_state_dict_strict_errors_and_non_strict_result():
    m = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    state = m.state_dict()
    del state["1.bias"]
    state["extra"] = st.zeros(1)
    with pytest.raises(ValueError, match=r'missing key\(s\): "1.bias"'):
        m.load_state_dict(state)
    with pytest.raises(ValueError, match=r'unexpected key\(s\): "extra"'):
        m.load_state_dict(state)
    missing, unexpected = m.load_state_dict(state, strict=False)
    assert missing == ["1.bias"] and unexpected == ["extra"]
    bad = m.state_dict()
    bad["0.weight"] = st.zeros(2, 2)
    with pytest.raises(ValueError, match=r"size mismatch for 0.weight: .*\[2, 2\].*\[3, 2\]"):
        m.load_state_dict(bad, strict=False)
    with pytest.raises(TypeError, match="expected a Tensor for key '0.weight'"):
        m.load_state_dict({"0.weight": np.zeros((3, 2))}, strict=False)


def test_load_state_dict_from_torch_names():
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                    torch.nn.Linear(2 * 4 * 4, 3))
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3))
    assert list(model.state_dict().keys()) == list(reference.state_dict().keys())
    copy_from_torch(model, reference)
    x = np.random.default_rng(0).standard_normal((2, 1, 6, 6)).astype(np.float32)
    expected = reference(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(to_np(model(st.tensor(x))), expected, rtol=1e-5, atol=1e-6)


def test_repr_matches_torch():
    def make(lib):
        return lib.nn.Sequential(
            lib.nn.Conv2d(1, 6, 5, padding=2), lib.nn.ReLU(), lib.nn.MaxPool2d(2),
            lib.nn.AvgPool2d(2, stride=1), lib.nn.Flatten(), lib.nn.Linear(400, 120, bias=False),
            lib.nn.Sigmoid(), lib.nn.Tanh(), lib.nn.Identity())

    assert repr(make(st)) == repr(make(torch))
    assert repr(nn.Conv2d(2, 4, (3, 2), stride=2, dilation=2, groups=2, bias=False)) == repr(
        torch.nn.Conv2d(2, 4, (3, 2), stride=2, dilation=2, groups=2, bias=False))
    assert repr(nn.Conv2d(1, 1, 3, padding="same")) == repr(
        torch.nn.Conv2d(1, 1, 3, padding="same"))
    assert repr(Affine(2)) == (
        "Affine(\n  (linear): Linear(in_features=2, out_features=2, bias=True)\n)")


# ---- default initialization --------------------------------------------------------------


@pytest.mark.parametrize("make, fan_in", [
    (lambda: nn.Linear(500, 400), 500),
    (lambda: nn.Conv2d(16, 64, 5), 16 * 25),
    (lambda: nn.Conv2d(8, 32, (3, 5), groups=4), 2 * 15),
])
def test_default_init_is_uniform_with_torch_bound(make, fan_in):
    st.manual_seed(1)
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    weight = to_np(layer.weight).ravel()
    assert np.abs(to_np(layer.bias)).max() <= bound
    assert bound >= np.abs(weight).max() > 0.99 * bound
    # U(-b, b): mean 0 (standard error b / sqrt(3n)), variance b^2 / 3 (relative error
    # sqrt(0.8 / n))
    assert abs(weight.mean()) < 5 * bound / math.sqrt(3 * weight.size)
    assert abs(weight.var() / (bound**2 / 3) - 1) < 5 * math.sqrt(0.8 / weight.size)


def test_init_draws_from_the_default_generator():
    st.manual_seed(3)
    a = nn.Linear(4, 4)
    st.manual_seed(3)
    b = nn.Linear(4, 4)
    np.testing.assert_array_equal(to_np(a.weight), to_np(b.weight))
    np.testing.assert_array_equal(to_np(a.bias), to_np(b.bias))
    assert not np.array_equal(to_np(a.weight), to_np(nn.Linear(4, 4).weight))


# ---- layer parity with torch.nn --------------------------------------------------------------


LAYER_CASES = [
    ("linear", lambda lib: lib.nn.Linear(7, 5), (3, 7)),
    ("linear_no_bias_3d", lambda lib: lib.nn.Linear(4, 6, bias=False), (2, 3, 4)),
    ("conv", lambda lib: lib.nn.Conv2d(3, 4, 3), (2, 3, 7, 6)),
    ("conv_strided_padded",
     lambda lib: lib.nn.Conv2d(2, 5, (3, 2), stride=(2, 1), padding=(1, 2)), (2, 2, 9, 7)),
    ("conv_dilated_groups",
     lambda lib: lib.nn.Conv2d(4, 6, 3, dilation=2, groups=2, bias=False), (1, 4, 9, 9)),
    ("conv_same", lambda lib: lib.nn.Conv2d(2, 3, 4, padding="same"), (2, 2, 6, 5)),
    ("conv_valid", lambda lib: lib.nn.Conv2d(2, 3, 3, padding="valid"), (2, 2, 6, 5)),
    ("max_pool", lambda lib: lib.nn.MaxPool2d(2), (2, 3, 8, 7)),
    ("max_pool_strided_padded",
     lambda lib: lib.nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (2, 2, 9, 8)),
    ("avg_pool", lambda lib: lib.nn.AvgPool2d(2), (2, 3, 8, 6)),
    ("avg_pool_padded",
     lambda lib: lib.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (1, 2, 7, 7)),
    ("relu", lambda lib: lib.nn.ReLU(), (3, 5)),
    ("sigmoid", lambda lib: lib.nn.Sigmoid(), (3, 5)),
    ("tanh", lambda lib: lib.nn.Tanh(), (3, 5)),
    ("flatten", lambda lib: lib.nn.Flatten(), (2, 3, 4, 5)),
    ("flatten_middle", lambda lib: lib.nn.Flatten(1, 2), (2, 3, 4, 5)),
    ("identity", lambda lib: lib.nn.Identity(54, unused="ignored"), (2, 3)),
    ("lenet5", lambda lib: lib.nn.Sequential(
        lib.nn.Conv2d(1, 6, 5, padding=2), lib.nn.ReLU(), lib.nn.MaxPool2d(2),
        lib.nn.Conv2d(6, 16, 5), lib.nn.ReLU(), lib.nn.MaxPool2d(2), lib.nn.Flatten(),
        lib.nn.Linear(400, 120), lib.nn.ReLU(), lib.nn.Linear(120, 84), lib.nn.ReLU(),
        lib.nn.Linear(84, 10)), (4, 1, 28, 28)),
]


@pytest.mark.parametrize("name, make, shape", LAYER_CASES, ids=[case[0] for case in LAYER_CASES])
def test_layer_parity_with_torch(name, make, shape):
    rng = np.random.default_rng(abs(hash(name)) % 1000)
    torch.manual_seed(0)
    reference = make(torch)
    layer = make(st)
    copy_from_torch(layer, reference)
    x = rng.standard_normal(shape).astype(np.float32)
    sx = st.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    sy, ty = layer(sx), reference(tx)
    assert tuple(sy.shape) == tuple(ty.shape)
    np.testing.assert_allclose(to_np(sy), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    dout = rng.standard_normal(tuple(ty.shape)).astype(np.float32)
    (sy * st.tensor(dout)).sum().backward()
    (ty * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(to_np(sx.grad), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    torch_params = dict(reference.named_parameters())
    assert [n for n, _ in layer.named_parameters()] == list(torch_params)
    for param_name, param in layer.named_parameters():
        np.testing.assert_allclose(to_np(param.grad), torch_params[param_name].grad.numpy(),
                                   rtol=1e-4, atol=1e-4, err_msg=param_name)


def test_layer_attributes_match_torch():
    pairs = [
        (nn.Conv2d(4, 6, (3, 5), stride=2, padding=(1, 0), dilation=(1, 2), groups=2),
         torch.nn.Conv2d(4, 6, (3, 5), stride=2, padding=(1, 0), dilation=(1, 2), groups=2),
         ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
          "padding_mode"]),
        (nn.Conv2d(1, 1, 3, padding="same"), torch.nn.Conv2d(1, 1, 3, padding="same"), ["padding"]),
        (nn.Linear(3, 4), torch.nn.Linear(3, 4), ["in_features", "out_features"]),
        (nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
         torch.nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
         ["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"]),
        (nn.AvgPool2d(2, divisor_override=3), torch.nn.AvgPool2d(2, divisor_override=3),
         ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
          "divisor_override"]),
        (nn.Flatten(0, 2), torch.nn.Flatten(0, 2), ["start_dim", "end_dim"]),
        (nn.ReLU(), torch.nn.ReLU(), ["inplace"]),
    ]
    for ours, theirs, attributes in pairs:
        for attribute in attributes:
            expected = getattr(theirs, attribute)
            assert getattr(ours, attribute) == expected, (type(ours).__name__, attribute)
    assert nn.Linear(3, 4, bias=False).bias is None


def test_subclass_of_a_builtin_layer_overrides_forward_inside_sequential():
    class DoubledLinear(nn.Linear):
        def forward(self, x):
            return super().forward(x) * 2

    layer = DoubledLinear(3, 2)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    x = st.randn(4, 3)
    plain = to_np(st.nn.functional.linear(x, layer.weight, layer.bias))
    np.testing.assert_allclose(to_np(nn.Sequential(layer)(x)), 2 * plain, rtol=1e-6)
    assert repr(layer) == "DoubledLinear(in_features=3, out_features=2, bias=True)"


# ---- bad arguments ---------------------------------------------------------------------------


def test_conv2d_bad_arguments():
    with pytest.raises(ValueError, match=r"in_channels \(3\) must be divisible by groups \(2\)"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"out_channels \(3\) must be divisible by groups \(2\)"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match='a pair, a 4-tuple, "same", "valid" or "full", got "circular"'):
        nn.Conv2d(1, 1, 3, padding="circular")
    with pytest.raises(ValueError, match="not supported for strided convolutions"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(TypeError, match=r"kernel_size to be an int or a pair of ints, got \(3, "):
        nn.Conv2d(1, 1, (3, 3, 3))
    with pytest.raises(ValueError, match="positive kernel_size"):
        nn.Conv2d(1, 1, 0)
    with pytest.raises(ValueError, match="positive in_channels and out_channels"):
        nn.Conv2d(0, 1, 3)
    with pytest.raises(ValueError, match="non-negative padding"):
        nn.Conv2d(1, 1, 3, padding=-1)
    with pytest.raises(NotImplementedError, match="padding_mode='reflect'"):
        nn.Conv2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="conv2d"):
        nn.Conv2d(3, 4, 3)(st.randn(1, 2, 5, 5))  # wrong channel count, reported by the op


def test_pool_and_linear_bad_arguments():
    with pytest.raises(ValueError, match="padding should be at most half of the kernel size"):
        nn.MaxPool2d(2, padding=2)
    with pytest.raises(ValueError, match="positive stride"):
        nn.AvgPool2d(2, stride=0)
    with pytest.raises(ValueError, match="divisor_override must be non-zero"):
        nn.AvgPool2d(2, divisor_override=0)
    with pytest.raises(TypeError, match="stride to be an int or a pair of ints"):
        nn.MaxPool2d(2, stride="2")
    with pytest.raises(ValueError, match="non-negative in_features"):
        nn.Linear(-1, 2)
    with pytest.raises(TypeError):
        nn.Linear(2.5, 2)
    with pytest.raises(ValueError, match="linear"):
        nn.Linear(3, 2)(st.randn(4, 5))


# ---- nn.init ---------------------------------------------------------------------------


def test_init_gain_and_fans_match_torch():
    for nonlinearity in ["linear", "conv2d", "sigmoid", "tanh", "relu", "selu"]:
        expected = torch.nn.init.calculate_gain(nonlinearity)
        assert nn.init.calculate_gain(nonlinearity) == pytest.approx(expected)
    expected = torch.nn.init.calculate_gain("leaky_relu", 0.2)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(expected)
    assert nn.init._calculate_fan_in_and_fan_out(st.empty(8, 3, 5, 2)) == (30, 80)
    with pytest.raises(ValueError, match="unsupported nonlinearity \"swish\""):
        nn.init.calculate_gain("swish")
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.kaiming_uniform_(st.empty(5))
    with pytest.raises(ValueError, match="mode \"fan_in\" or \"fan_out\""):
        nn.init.kaiming_normal_(st.empty(5, 5), mode="fan")
    with pytest.raises(TypeError, match="floating-point"):
        nn.init.uniform_(st.zeros(3, dtype=st.int64))


@pytest.mark.parametrize("fill, bound_or_std, kind", [
    (lambda t: nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
     math.sqrt(2) * math.sqrt(3 / 400), "uniform"),
    (lambda t: nn.init.xavier_uniform_(t, gain=2.0), 2 * math.sqrt(6 / 600), "uniform"),
    (lambda t: nn.init.kaiming_normal_(t), math.sqrt(2 / 1.0001) / math.sqrt(200), "normal"),
    (lambda t: nn.init.xavier_normal_(t), math.sqrt(2 / 600), "normal"),
    (lambda t: nn.init.uniform_(t, -0.5, 0.5), 0.5, "uniform"),
    (lambda t: nn.init.normal_(t, 0.0, 0.1), 0.1, "normal"),
])
def test_init_statistics(fill, bound_or_std, kind):
    weight = nn.Parameter(st.empty(400, 200))  # fan_in 200, fan_out 400; in place on a parameter
    assert fill(weight) is weight
    values = to_np(weight).ravel()
    if kind == "uniform":
        assert np.abs(values).max() <= bound_or_std and np.abs(values).max() > 0.99 * bound_or_std
        assert abs(values.std() / (bound_or_std / math.sqrt(3)) - 1) < 0.02
    else:
        assert abs(values.std() / bound_or_std - 1) < 0.02
    assert abs(values.mean()) < 0.02 * bound_or_std * 5


def test_init_constants():
    t = st.empty(2, 3)
    nn.init.constant_(t, 0.5)
    np.testing.assert_array_equal(t.numpy(), np.full((2, 3), 0.5, np.float32))
    nn.init.ones_(t)
    np.testing.assert_array_equal(t.numpy(), np.ones((2, 3), np.float32))
    nn.init.zeros_(t)
    np.testing.assert_array_equal(t.numpy(), np.zeros((2, 3), np.float32))


def test_named_modules_walks_every_cpp_created_child():
    import striate as st

    model = st.models.resnet20()
    convs = [m for m in model.modules() if isinstance(m, st.nn.Conv2d)]
    assert len(convs) == 19  # stem + 9 blocks x 2 (option-A shortcuts have no conv)
    names = [n for n, _ in model.named_modules()]
    assert len(names) == len(set(names))
