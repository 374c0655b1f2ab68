"""PyTorch weights in: torchvision-layout state dicts (torch tensors) load into the zoo and give the
same eval logits (<= 1e-4 relative to the logits' scale). The torch side is tests/torch_twins.py:
torchvision's architectures and parameter names, with random weights and BatchNorm statistics."""

import numpy as np
import pytest
import striate as st
import torch
import torch_twins
from striate import models, nn


def relative_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / max(np.max(np.abs(expected)), 1e-12))


# (name, input size): the smallest sizes that keep every layer's output non-empty, for speed.
CASES = [("resnet18", 32), ("resnet50", 32), ("vgg16", 32), ("vgg16_bn", 32),
         ("densenet121", 32), ("alexnet", 63), ("squeezenet1_1", 32), ("googlenet", 32)]


@pytest.mark.parametrize("name,size", CASES, ids=[case[0] for case in CASES])
def test_torchvision_state_dict_gives_the_same_logits(name, size):
    twin = torch_twins.randomize(torch_twins.BUILDERS[name](num_classes=10))
    state = twin.state_dict()
    model = models.from_torchvision(name, state)
    assert not model.training
    # The names are torchvision's: the state dict also loads as it is.
    assert set(model.state_dict()) == set(state)
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = twin(x).numpy()
    with st.no_grad():
        ours = np.array(model(st.from_numpy(x.numpy())))
    assert ours.shape == expected.shape == (2, 10)
    assert relative_error(ours, expected) <= 1e-4


def test_load_state_dict_takes_torch_tensors_directly():
    twin = torch.nn.Conv2d(3, 4, 3)
    layer = nn.Conv2d(3, 4, 3)
    layer.load_state_dict(twin.state_dict())  # parameters requiring grad: detached, via DLPack
    np.testing.assert_array_equal(np.array(layer.weight.detach()), twin.weight.detach().numpy())
    layer.load_state_dict({"weight": torch.zeros(4, 3, 3, 3), "bias": torch.ones(4)})
    assert float(layer.bias.sum()) == 4.0


def test_load_state_dict_still_names_a_bad_value():
    with pytest.raises(TypeError, match="expected a Tensor for key 'weight'"):
        nn.Linear(2, 2).load_state_dict({"weight": "zeros", "bias": st.zeros(2)})


def test_from_torchvision_bad_inputs():
    with pytest.raises(ValueError, match="unknown model 'resnet7'"):
        models.from_torchvision("resnet7", {})
    with pytest.raises(ValueError, match="no 'fc.weight'"):
        models.from_torchvision("resnet18", {"conv1.weight": torch.zeros(64, 3, 7, 7)})
    with pytest.raises(TypeError, match="state dict"):
        models.from_torchvision("resnet18", [1, 2])
    twin = torch_twins.resnet18(num_classes=10)
    state = twin.state_dict()
    state["fc.weight"] = torch.zeros(10, 256)
    with pytest.raises(Exception, match="fc.weight"):
        models.from_torchvision("resnet18", state)


def test_legacy_densenet_names_are_mapped():
    state = torch_twins.densenet121(num_classes=4).state_dict()
    legacy = {k.replace("norm1.", "norm.1.").replace("conv2.", "conv.2."): v
              for k, v in state.items()}
    assert legacy != state
    mapped = models.torchvision_state_dict("densenet121", legacy)
    assert list(mapped) == list(state)
