"""PyTorch twins of the benchmark nets: the same layers, child names, parameter order and shapes
as striate's zoo models (striate.models), so a state dict copies across key for key.

This file imports torch only (never striate): the peak-RSS child process loads it by path to
measure PyTorch alone.

    twin = build("resnet20")             # torch.nn.Module, keys equal to striate.models.resnet20()
"""

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["TWINS", "build"]


def lenet5(num_classes=10, in_channels=1):
    """The zoo's "modern" LeNet-5: indices 0..11 as striate's Sequential."""
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes))


class ZeroPadShortcut(nn.Module):
    """Option-A shortcut: subsample by the stride, zero-pad the new channels evenly around the
    old ones (no parameters)."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.extra = out_channels - in_channels
        self.stride = stride

    def forward(self, x):
        x = x[:, :, ::self.stride, ::self.stride]
        return F.pad(x, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = ZeroPadShortcut(in_channels, out_channels, stride)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        skip = self.downsample(x) if self.downsample is not None else x
        return self.relu(out + skip)


class CifarResNet(nn.Module):
    """ResNet-(6n+2) for CIFAR, option-A shortcuts (He et al. 2016), as striate's CifarResNet."""

    def __init__(self, depth=20, num_classes=10, in_channels=3):
        super().__init__()
        blocks_per_stage = (depth - 2) // 6
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        channels = 16
        for stage in range(3):
            width = 16 << stage
            units = []
            for i in range(blocks_per_stage):
                units.append(BasicBlock(channels, width, 2 if stage > 0 and i == 0 else 1))
                channels = width
            setattr(self, f"layer{stage + 1}", nn.Sequential(*units))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def resnet20(num_classes=10, in_channels=3):
    return CifarResNet(20, num_classes, in_channels)


class DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (4k) - BN-ReLU-3x3 conv (k), torchvision's _DenseLayer names."""

    def __init__(self, in_channels, growth_rate, bn_size=4):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False)

    def forward(self, x):
        return self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))


class DenseBlock(nn.Module):
    """Each layer reads the concatenation of the block input and every earlier layer's output
    (concatenated afresh per layer, as torchvision does)."""

    def __init__(self, num_layers, in_channels, growth_rate):
        super().__init__()
        for i in range(num_layers):
            layer = DenseLayer(in_channels + i * growth_rate, growth_rate)
            self.add_module(f"denselayer{i + 1}", layer)

    def forward(self, x):
        features = [x]
        for layer in self.children():
            features.append(layer(torch.cat(features, 1)))
        return torch.cat(features, 1)


class Transition(nn.Sequential):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU()
        self.conv = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.pool = nn.AvgPool2d(2, 2)


class DenseNet(nn.Module):
    """DenseNet-BC for CIFAR (Huang et al. 2017): 3x3 stem of 2k channels, three bottleneck
    blocks of (depth - 4) / 6 layers, transitions halving the channels, norm5, then ReLU, global
    average pool and the linear classifier, as striate's densenet_bc."""

    def __init__(self, depth=100, growth_rate=12, num_classes=10, in_channels=3):
        super().__init__()
        layers = (depth - 4) // 6
        channels = 2 * growth_rate
        self.features = nn.Sequential()
        stem = nn.Conv2d(in_channels, channels, 3, padding=1, bias=False)
        self.features.add_module("conv0", stem)
        for i in range(3):
            block = DenseBlock(layers, channels, growth_rate)
            self.features.add_module(f"denseblock{i + 1}", block)
            channels += layers * growth_rate
            if i < 2:
                self.features.add_module(f"transition{i + 1}", Transition(channels, channels // 2))
                channels //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(channels))
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(F.relu(self.features(x)), 1)
        return self.classifier(torch.flatten(x, 1))


def densenet_bc(depth=100, growth_rate=12, num_classes=10, in_channels=3):
    return DenseNet(depth, growth_rate, num_classes, in_channels)


class VGG(nn.Module):
    """torchvision's VGG layout: features, a 7x7 adaptive average pool, a 25088-4096-4096-classes
    classifier with dropout (on a 32x32 input the pool repeats the 1x1 map 49 times)."""

    def __init__(self, config, num_classes=1000, in_channels=3):
        super().__init__()
        layers = []
        channels = in_channels
        for width in config:
            if width == 0:
                layers.append(nn.MaxPool2d(2, 2))
                continue
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU()]
            channels = width
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(7)
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 4096),
            nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def vgg11(batch_norm=False, num_classes=1000, in_channels=3):
    if batch_norm:
        raise ValueError("twins.vgg11: the benchmark twin has no batch-norm variant")
    return VGG([64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0], num_classes, in_channels)


# The zoo constructor name -> the twin's constructor, taking the same keyword arguments.
TWINS = {"lenet5": lenet5, "resnet20": resnet20, "densenet_bc": densenet_bc, "vgg11": vgg11}


def build(zoo_name, **kwargs):
    """The PyTorch twin of striate.models.<zoo_name>(**kwargs)."""
    if zoo_name not in TWINS:
        raise ValueError(f"twins.build: no PyTorch twin of {zoo_name!r}; expected one of "
                         f"{', '.join(sorted(TWINS))}")
    return TWINS[zoo_name](**kwargs)
