"""Merge blocks, bound from C++: the generic Residual / Concat / Parallel combinators, the ResNets'
residual units, and the blocks of the classic CNNs (SqueezeNet's Fire, GoogLeNet's Inception and
InceptionAux with BasicConv2d, NiN's MlpConv, DenseNet's DenseLayer / DenseBlock / Transition,
FractalNet's FractalBlock, LeNet-5's trainable Subsampling and ScaledTanh)."""

from ._bound import _nn, public

__all__ = [
    "Residual",
    "Concat",
    "Parallel",
    "ZeroPadShortcut",
    "BasicBlock",
    "Bottleneck",
    "PreActBlock",
    "WideBlock",
    "BasicConv2d",
    "Fire",
    "Inception",
    "InceptionAux",
    "MlpConv",
    "DenseLayer",
    "DenseBlock",
    "Transition",
    "FractalBlock",
    "Subsampling",
    "ScaledTanh",
]

# generic combinators
Residual = _nn.Residual
Concat = _nn.Concat
Parallel = _nn.Parallel
ZeroPadShortcut = _nn.ZeroPadShortcut
# ResNet units
BasicBlock = _nn.BasicBlock
Bottleneck = _nn.Bottleneck
PreActBlock = _nn.PreActBlock
WideBlock = _nn.WideBlock
# classic CNN blocks
BasicConv2d = _nn.BasicConv2d
Fire = _nn.Fire
Inception = _nn.Inception
InceptionAux = _nn.InceptionAux
MlpConv = _nn.MlpConv
DenseLayer = _nn.DenseLayer
DenseBlock = _nn.DenseBlock
Transition = _nn.Transition
FractalBlock = _nn.FractalBlock
Subsampling = _nn.Subsampling
ScaledTanh = _nn.ScaledTanh

public(Residual, Concat, Parallel, ZeroPadShortcut, BasicBlock, Bottleneck, PreActBlock, WideBlock,
       BasicConv2d, Fire, Inception, InceptionAux, MlpConv, DenseLayer, DenseBlock, Transition,
       FractalBlock, Subsampling, ScaledTanh)
