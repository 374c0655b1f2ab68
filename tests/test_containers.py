"""ModuleList, ModuleDict, ParameterList and ParameterDict: the same names, order, state dict keys,
list/dict behaviour and errors as torch.nn's, and their entries are trained."""

import numpy as np
import pytest
import striate as st
import striate.nn as nn

torch = pytest.importorskip("torch")


def build(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = lib.nn.ModuleList([lib.nn.Linear(4, 4) for _ in range(3)])
            self.heads = lib.nn.ModuleDict({"cls": lib.nn.Linear(4, 2), "aux": lib.nn.Linear(4, 3)})
            self.scales = lib.nn.ParameterList([lib.ones(4), lib.full((4,), 0.5)])
            self.offsets = lib.nn.ParameterDict({"out": lib.zeros(2)})

        def forward(self, x):
            for block, scale in zip(self.blocks, self.scales):
                x = block(x).relu() * scale
            return self.heads["cls"](x) + self.offsets["out"]

    return Net()


def test_same_state_dict_keys_and_training_as_torch():
    s, t = build(st), build(torch)
    assert list(s.state_dict()) == list(t.state_dict())
    s.load_state_dict({k: v.detach() for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    s_out, t_out = s(st.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(s_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    s_out.sum().backward()
    t_out.sum().backward()
    s_grads = {k: None if p.grad is None else p.grad.numpy() for k, p in s.named_parameters()}
    for k, p in t.named_parameters():
        if p.grad is None:
            assert s_grads.get(k) is None or not s_grads[k].any(), k
        else:
            np.testing.assert_allclose(s_grads[k], p.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert len(list(s.parameters())) == len(list(t.parameters())) == 13
    shared = st.nn.ReLU()
    twice = nn.ModuleList([shared, shared])  # one module in two slots, as torch allows
    assert len(twice) == 2 and twice[1] is shared


def test_module_list_behaves_as_a_list():
    for lib in (st, torch):
        layers = lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.Tanh()])
        layers.append(lib.nn.Sigmoid()).extend([lib.nn.Identity()])
        layers.insert(1, lib.nn.Linear(2, 2))
        assert [type(m).__name__ for m in layers] == [
            "ReLU",
            "Linear",
            "Tanh",
            "Sigmoid",
            "Identity",
        ]
        assert type(layers[-1]).__name__ == "Identity" and len(layers[1:3]) == 2
        del layers[0]
        assert [name for name, _ in layers.named_children()] == ["0", "1", "2", "3"]
        assert type(layers.pop(0)).__name__ == "Linear" and len(layers) == 3
        layers[0] = lib.nn.ELU()
        assert type(layers[0]).__name__ == "ELU"
        assert len(layers + lib.nn.ModuleList([lib.nn.ReLU()])) == 4
    with pytest.raises(IndexError, match="ModuleList: index 3 is out of range for 3 entries"):
        nn.ModuleList([nn.ReLU()] * 3)[3]
    with pytest.raises(TypeError, match="ModuleList indices must be integers or slices, got str"):
        nn.ModuleList()["a"]
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        nn.ModuleList([1])
    with pytest.raises(NotImplementedError, match="ModuleList has no forward"):
        nn.ModuleList()(st.ones(1))


def test_module_dict_and_parameter_containers_behave_as_dicts_and_lists():
    heads = nn.ModuleDict([("a", nn.ReLU()), ("b", nn.Tanh())])
    heads["c"] = nn.Sigmoid()
    assert heads.keys() == ["a", "b", "c"] and "b" in heads and len(heads) == 3
    assert type(heads.pop("b")).__name__ == "Tanh" and list(heads) == ["a", "c"]
    with pytest.raises(KeyError):
        heads["missing"]
    with pytest.raises(TypeError, match="ModuleDict.update: expected a mapping"):
        heads.update([1])
    heads.clear()
    assert len(heads) == 0
    params = nn.ParameterList([st.ones(2)])
    params.append(st.zeros(3))
    assert isinstance(params[1], nn.Parameter) and params[1].requires_grad and len(params) == 2
    assert "(1): Parameter containing: [striate.float32 of size 3]" in repr(params)
    named = nn.ParameterDict({"w": st.ones(2, 2)})
    named["b"] = st.zeros(2)
    assert named.keys() == ["w", "b"] and isinstance(named["b"], nn.Parameter)
    del named["w"]
    assert list(named) == ["b"]
    optimizer = st.optim.SGD(params.parameters(), lr=0.5)
    (params[0] * 2).sum().backward()
    optimizer.step()
    np.testing.assert_allclose(params[0].detach().numpy(), [0.0, 0.0])
