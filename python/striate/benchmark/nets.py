"""The benchmark nets: which zoo model each one is, its input, its batch sizes and its FLOPs, and
how its PyTorch twin gets the same weights.

    net = NETS["resnet20"]
    model = net.build()                          # striate.models.resnet20()
    twin = net.build_twin(model)                 # torch twin holding the same weights
"""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["NETS", "BenchNet", "copy_weights", "make_batch", "max_relative_difference"]


@dataclass(frozen=True)
class BenchNet:
    name: str                 # the key in NETS and in the results
    label: str                # for the table
    zoo: str                  # the constructor in striate.models
    kwargs: dict = field(default_factory=dict)
    input_shape: tuple = (3, 32, 32)
    train_batches: tuple = (64,)
    classes: int = 10

    def build(self):
        """A fresh striate model from the zoo (random initial weights)."""
        from .. import models

        return getattr(models, self.zoo)(**self.kwargs)

    def build_twin(self, model):
        """The PyTorch twin of ``model``, holding a copy of its weights and buffers."""
        from . import twins

        twin = twins.build(self.zoo, **self.kwargs)
        copy_weights(model, twin)
        return twin

    def forward_flops(self, model=None):
        """FLOPs of one image's forward pass: 2 x the multiply-adds striate.summary counts
        (convolutions, linear layers, normalization's scale and shift) for ``model`` (default: a
        fresh one)."""
        from ..summary import summary

        model = model if model is not None else self.build()
        result = summary(model, self.input_shape, batch_size=1, print_table=False)
        return 2 * int(result.total_mult_adds)


# The four nets of issue 11. VGG-11 is the zoo's (torchvision's layout: 7x7 adaptive pool and a
# 25088-4096-4096-10 classifier) on 32x32 images.
NETS = {
    "lenet5": BenchNet("lenet5", "LeNet-5", "lenet5", {}, (1, 28, 28), (64, 256)),
    "resnet20": BenchNet("resnet20", "ResNet-20", "resnet20", {}, (3, 32, 32), (128,)),
    "densenet40": BenchNet("densenet40", "DenseNet-BC-40 k=12", "densenet_bc",
                           {"depth": 40, "growth_rate": 12}, (3, 32, 32), (64,)),
    "vgg11": BenchNet("vgg11", "VGG-11 32x32", "vgg11", {"num_classes": 10}, (3, 32, 32), (64,)),
}


def copy_weights(model, twin):
    """Copies every parameter and buffer of the striate ``model`` into the torch ``twin``;
    raises ValueError naming the first key or shape that differs (a twin out of step)."""
    import torch

    ours = model.state_dict()
    theirs = twin.state_dict()
    if list(ours) != list(theirs):
        missing = [key for key in ours if key not in theirs]
        extra = [key for key in theirs if key not in ours]
        raise ValueError(f"benchmark twin of {type(model).__name__}: state dict keys differ "
                         f"(only in striate: {missing[:3]}, only in torch: {extra[:3]}, or order)")
    copied = {}
    for key, value in ours.items():
        array = value.numpy()
        if tuple(array.shape) != tuple(theirs[key].shape):
            raise ValueError(f"benchmark twin: {key} has shape {tuple(array.shape)} in striate "
                             f"and {tuple(theirs[key].shape)} in torch")
        copied[key] = torch.tensor(array)
    twin.load_state_dict(copied)


def make_batch(net, batch, seed=0):
    """The same images (standard normal) and labels for every library, as numpy arrays."""
    rng = np.random.default_rng(seed)
    images = rng.standard_normal((batch, *net.input_shape), dtype=np.float32)
    labels = rng.integers(0, net.classes, batch).astype(np.int64)
    return images, labels


def max_relative_difference(ours, reference):
    """max |ours - reference| / max |reference| of two arrays."""
    scale = float(np.max(np.abs(reference))) or 1.0
    return float(np.max(np.abs(np.asarray(ours) - np.asarray(reference)))) / scale
