"""Module.freeze/unfreeze: which parameters stop training (whole model, up to a child, dotted
names into nested children), that frozen parameters get no .grad and optimizers leave them alone,
BatchNorm statistics in frozen parts, Python subclasses, and unknown names."""

import numpy as np
import pytest
import striate as st
from striate import models, nn, optim
from striate.nn import functional as F


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def snapshot(model):
    return {name: to_np(p) for name, p in model.named_parameters()}


def top_level(name):
    return name.split(".")[0]


def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_freeze_until_layer2_on_resnet18(opt_name):
    st.manual_seed(0)
    model = models.resnet18(num_classes=10)
    assert model.freeze(until="layer2") is model
    frozen_tops = {"conv1", "bn1", "layer1", "layer2"}
    for name, param in model.named_parameters():
        assert param.requires_grad == (top_level(name) not in frozen_tops), name
    before = snapshot(model)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9) if opt_name == "SGD" \
        else optim.Adam(model.parameters(), lr=1e-3)
    x, y = st.randn(2, 3, 32, 32), st.tensor(np.array([1, 7]))
    train_step(model, opt, x, y)
    for name, param in model.named_parameters():
        if top_level(name) in frozen_tops:
            assert param.grad is None, name
            np.testing.assert_array_equal(to_np(param), before[name], err_msg=name)
        elif name.startswith(("layer3", "layer4", "fc")) and name.endswith("weight"):
            assert not np.array_equal(to_np(param), before[name]), name


def test_dotted_names_reach_into_nested_children():
    model = models.resnet18(num_classes=10)
    model.freeze(until="layer2.0")
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert not any(name.startswith(("conv1", "bn1", "layer1", "layer2.0")) for name in trainable)
    assert any(name.startswith("layer2.1") for name in trainable)
    assert any(name.startswith("layer3") for name in trainable)


def test_freeze_all_and_unfreeze():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    model(st.randn(2, 4)).sum().backward()
    model.freeze()
    assert all(not p.requires_grad and p.grad is None for p in model.parameters())
    model.unfreeze()
    assert all(p.requires_grad for p in model.parameters())


def test_sequential_children_by_index_and_python_subclass():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))
            self.head = nn.Linear(4, 2)

        def forward(self, x):
            return self.head(self.features(x))

    net = Net()
    net.freeze(until="features.0")
    assert [p.requires_grad for p in net.parameters()] == [False, False, True, True, True, True]
    net.unfreeze().freeze(until="features")
    assert [p.requires_grad for p in net.parameters()] == [False, False, False, False, True, True]
    x = st.randn(3, 4)
    net(x).sum().backward()
    assert [p.grad is None for p in net.parameters()] == [True] * 4 + [False] * 2


def test_frozen_batchnorm_keeps_training_statistics_unless_eval():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                          nn.Linear(4 * 6 * 6, 2))
    model.freeze(until="1")
    bn = model[1]
    mean_before = to_np(bn.running_mean)
    model(st.randn(4, 3, 8, 8))
    assert not np.array_equal(to_np(bn.running_mean), mean_before)
    bn.eval()
    mean_eval = to_np(bn.running_mean)
    model(st.randn(4, 3, 8, 8))
    np.testing.assert_array_equal(to_np(bn.running_mean), mean_eval)


def test_unknown_child_name_lists_the_children():
    model = models.resnet18(num_classes=10)
    with pytest.raises(ValueError,
                       match=r"\"layer9\" is not one of the children of .*conv1, bn1, .*layer4"):
        model.freeze(until="layer9")
    with pytest.raises(ValueError, match=r"until=\"layer2.7\" names no child: \"7\""):
        model.freeze(until="layer2.7")
    with pytest.raises(ValueError, match="expected the name of a child in until"):
        model.freeze(until="")
    with pytest.raises(TypeError, match="freeze: until: expected a child's name or None"):
        model.freeze(until=3)
    # Nothing was frozen by the failed calls.
    assert all(p.requires_grad for p in model.parameters())
