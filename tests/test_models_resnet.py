"""The resnet family of the model zoo: exact parameter counts, torchvision-layout state dicts
(checked against a ResNet-18 / SE-ResNet-50 built here from torch.nn layers, since torchvision is
not installed), initialization, num_classes / in_channels, and the bad arguments. Forward at the
native size, backward and an SGD step for every model: test_models_zoo.py."""

import numpy as np
import pytest
import striate as st
import torch
from striate import models

from test_blocks_resnet import TorchBasicBlock, TorchBottleneck


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def count(model):
    return sum(p.numel() for p in model.parameters())


def images(n, channels, size, seed=0):
    return st.tensor(np.random.default_rng(seed).standard_normal((n, channels, size, size)).astype(np.float32))


class TorchResNet(torch.nn.Module):
    """torchvision's ResNet layout from torch.nn layers (block: "basic" or "bottleneck")."""

    def __init__(self, block, layers, groups=1, width_per_group=64, se_reduction=0, num_classes=1000):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(64)
        self.relu = torch.nn.ReLU()
        self.maxpool = torch.nn.MaxPool2d(3, stride=2, padding=1)
        channels = 64
        for stage, blocks in enumerate(layers):
            planes = 64 << stage
            units = []
            for i in range(blocks):
                stride = 2 if stage > 0 and i == 0 else 1
                if block == "basic":
                    units.append(TorchBasicBlock(channels, planes, stride))
                    channels = planes
                else:
                    units.append(TorchBottleneck(channels, planes, stride, groups, width_per_group, se_reduction))
                    channels = planes * 4
            setattr(self, f"layer{stage + 1}", torch.nn.Sequential(*units))
        self.avgpool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(channels, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


EXPECTED_COUNTS = {
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
    "resnext50_32x4d": 25_028_904,
    "resnet20": 269_722,  # option A shortcuts (parameter-free)
}


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_parameter_counts(name):
    assert count(getattr(models, name)()) == EXPECTED_COUNTS[name]


def test_se_resnet50_count_equals_the_torch_built_model():
    theirs = TorchResNet("bottleneck", [3, 4, 6, 3], se_reduction=16)
    ours = models.se_resnet50()
    assert count(ours) == sum(p.numel() for p in theirs.parameters()) == 28_088_024
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}


def test_cifar_and_wide_counts():
    # 6n + 2 layers, option A: counts grow by the 3x3 convs + BN of each added block pair.
    assert count(models.resnet32()) == 464_154
    assert count(models.resnet44()) == 658_586
    assert count(models.resnet56()) == 853_018
    assert count(models.resnet110()) == 1_727_962
    assert count(models.wide_resnet28_10()) == 36_479_194
    assert count(models.wide_resnet(16, 2)) == 691_674
    assert count(models.preact_resnet18()) == 11_172_170  # with the final bn1 (1,024)


def test_resnet18_loads_a_torch_built_state_and_matches_in_eval():
    torch.manual_seed(0)
    theirs = TorchResNet("basic", [2, 2, 2, 2])
    for module in theirs.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
    ours = models.resnet18()
    their_state = theirs.state_dict()
    our_state = ours.state_dict()
    assert list(our_state.keys()) == list(their_state.keys())
    assert all(tuple(our_state[k].shape) == tuple(v.shape) for k, v in their_state.items())
    ours.load_state_dict({k: st.tensor(v.numpy()) for k, v in their_state.items()})
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(1).standard_normal((2, 3, 224, 224)).astype(np.float32)
    with st.no_grad():
        y = to_np(ours(st.tensor(x)))
    with torch.no_grad():
        expected = theirs(torch.tensor(x)).numpy()
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


def test_child_names_are_torchvisions():
    names = [name for name, _ in models.resnet50().named_children()]
    assert names == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"]
    cifar = [name for name, _ in models.resnet20().named_children()]
    assert cifar == ["conv1", "bn1", "relu", "layer1", "layer2", "layer3", "avgpool", "fc"]
    assert type(models.resnet50().layer1[0]).__name__ == "Bottleneck"
    assert type(models.resnet20().layer2[0].downsample).__name__ == "ZeroPadShortcut"


def test_initialization_is_torchvisions():
    model = models.resnet50()
    conv = to_np(model.layer3[0].conv2.weight)  # 256 out channels, 3x3: fan_out = 2304
    assert abs(conv.std() - np.sqrt(2.0 / (256 * 9))) < 0.05 * np.sqrt(2.0 / (256 * 9))
    assert (to_np(model.bn1.weight) == 1).all() and (to_np(model.bn1.bias) == 0).all()


def test_num_classes_and_in_channels():
    for build, size in [(models.resnet18, 64), (models.resnet20, 32), (models.preact_resnet18, 32),
                        (lambda **kw: models.wide_resnet(10, 1, **kw), 32), (models.se_resnet50, 64)]:
        model = build(num_classes=7, in_channels=1)
        model.eval()
        with st.no_grad():
            assert tuple(model(images(2, 1, size)).shape) == (2, 7)


def test_docstrings_cite_the_papers():
    assert "He et al. 2016" in models.resnet18.__doc__
    assert "Xie et al. 2017" in models.resnext50_32x4d.__doc__
    assert "Hu et al. 2018" in models.se_resnet50.__doc__
    assert "Zagoruyko" in models.wide_resnet.__doc__
    assert "Identity Mappings" in models.preact_resnet18.__doc__


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match=r"ResNet: expected num_classes > 0, got 0"):
        models.resnet18(num_classes=0)
    with pytest.raises(ValueError, match=r"WideResNet: expected depth = 6n \+ 4 with n >= 1, got 27"):
        models.wide_resnet(27, 2)
    with pytest.raises(ValueError, match=r"CifarResNet: expected in_channels > 0, got -3"):
        models.resnet20(in_channels=-3)
    with pytest.raises(ValueError, match=r"CifarResNet: expected input of shape \(N, 3, H, W\), "
                                         r"got shape \[2, 1, 32, 32\]"):
        models.resnet20()(images(2, 1, 32))
    with pytest.raises(ValueError, match=r"ResNet: expected input of shape \(N, 3, H, W\), got shape \[3, 64, 64\]"):
        models.resnet18()(st.zeros(3, 64, 64))
