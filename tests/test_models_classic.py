"""The classic model zoo (striate.models from LeNet-5 to DenseNet and FractalNet): exact parameter
counts against the reference implementations, forward at the native input size on a batch of 2,
one backward + SGD step changing every trainable parameter, GoogLeNet's train/eval outputs and
loss, and bad arguments. vgg13/16/19 (and the BN / LRN variants) are count-checked only; vgg11
runs forward at 224 (and is count-checked there)."""

import numpy as np
import pytest
import striate as st
import striate.models as models
import striate.nn as nn
import torch
import torch.nn.functional as TF
from helpers import to_np
from striate.models._classic_family import googlenet_loss

rng = np.random.default_rng(4)


def images(batch, channels, size):
    return st.tensor(rng.standard_normal((batch, channels, size, size)).astype(np.float32))


# ---- parameter counts (torchvision's where torchvision has the model) -----------------------------

COUNTS = {
    "lenet5_modern": (lambda: models.lenet5("modern"), 61_706),
    # C3's weight is stored dense (16, 6, 5, 5) with the 36 unconnected 5x5 kernels held at zero
    # by the connection mask: 61,750 stored, 60,850 effective.
    "lenet5_classic": (lambda: models.lenet5("classic"), 61_750),
    "convnetjs_mnist": (models.convnetjs_mnist, 5_994),
    "convnetjs_cifar10": (models.convnetjs_cifar10, 22_466),
    "alexnet": (models.alexnet, 61_100_840),
    "vgg11_lrn": (models.vgg11_lrn, 132_863_336),
    "vgg13": (models.vgg13, 133_047_848),
    "vgg16": (models.vgg16, 138_357_544),
    "vgg16_bn": (lambda: models.vgg16(batch_norm=True), 138_365_992),
    "vgg19": (models.vgg19, 143_667_240),
    "nin": (models.nin, 966_986),
    "squeezenet1_0": (models.squeezenet1_0, 1_248_424),
    "squeezenet1_1": (models.squeezenet1_1, 1_235_496),
    "googlenet_no_aux": (lambda: models.googlenet(aux_logits=False), 6_624_904),
    "googlenet": (models.googlenet, 13_004_888),
    "densenet121": (models.densenet121, 7_978_856),
    "densenet161": (models.densenet161, 28_681_000),
    "densenet169": (models.densenet169, 14_149_480),
    "densenet201": (models.densenet201, 20_013_928),
    "densenet_bc_100_12": (models.densenet_bc, 769_162),
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_parameter_count(name):
    build, expected = COUNTS[name]
    model = build()
    assert model.num_parameters() == expected
    assert sum(p.numel() for p in model.parameters()) == expected


def test_counts_follow_num_classes_and_in_channels():
    assert models.alexnet(num_classes=10).num_parameters() == 61_100_840 - 4097 * 990
    assert models.squeezenet1_1(in_channels=1).num_parameters() == 1_235_496 - 2 * 9 * 64
    assert models.lenet5(num_classes=2).num_parameters() == 61_706 - 85 * 8


def test_state_dict_keys_follow_torchvision():
    keys = list(models.densenet121().state_dict())
    assert keys[0] == "features.conv0.weight"
    assert "features.denseblock1.denselayer1.norm1.running_mean" in keys
    assert "features.transition1.conv.weight" in keys and keys[-1] == "classifier.bias"
    keys = list(models.googlenet().state_dict())
    assert "inception3a.branch2.1.conv.weight" in keys and "aux1.fc2.bias" in keys and keys[-1] == "fc.bias"
    keys = list(models.squeezenet1_1().state_dict())
    assert "features.3.expand3x3.weight" in keys and "classifier.1.weight" in keys


def test_docstrings_cite_papers():
    for name in models._classic_family.__all__:
        doc = getattr(models, name).__doc__
        assert any(str(year) in doc for year in range(1998, 2018)), name


# ---- forward at the native input size, batch 2 ------------------------------------------------------

FORWARD = {
    "lenet5_modern": (lambda: models.lenet5("modern"), 1, 28, 10),
    "lenet5_classic": (lambda: models.lenet5("classic"), 1, 32, 10),
    "convnetjs_mnist_24": (models.convnetjs_mnist, 1, 24, 10),
    "convnetjs_mnist_28": (models.convnetjs_mnist, 1, 28, 10),
    "convnetjs_cifar10": (models.convnetjs_cifar10, 3, 32, 10),
    "alexnet": (models.alexnet, 3, 224, 1000),
    "vgg11": (models.vgg11, 3, 224, 1000),
    "nin": (models.nin, 3, 32, 10),
    "squeezenet1_0": (models.squeezenet1_0, 3, 224, 1000),
    "squeezenet1_1": (models.squeezenet1_1, 3, 224, 1000),
    "googlenet": (models.googlenet, 3, 224, 1000),
    "densenet121": (models.densenet121, 3, 224, 1000),
    "densenet_bc": (models.densenet_bc, 3, 32, 10),
    "fractalnet": (models.fractalnet, 3, 32, 10),
}


# Counted here rather than in COUNTS, to build these slow-to-initialize models once.
FORWARD_COUNTS = {"vgg11": 132_863_336}


@pytest.mark.parametrize("name", sorted(FORWARD))
def test_forward_native_size(name):
    build, channels, size, classes = FORWARD[name]
    model = build()
    model.eval()
    with st.no_grad():
        out = model(images(2, channels, size))
    assert out.shape == (2, classes)
    assert np.isfinite(to_np(out)).all()
    if name in FORWARD_COUNTS:
        assert model.num_parameters() == FORWARD_COUNTS[name]


# ---- one backward + SGD step changes every trainable parameter -------------------------------------

def train_step(model, x, classes, loss_fn=None):
    before = {name: to_np(p).copy() for name, p in model.named_parameters()}
    model.train()
    optimizer = st.optim.SGD(model.parameters(), lr=0.1)
    optimizer.zero_grad()
    target = st.tensor(np.arange(x.shape[0]) % classes)
    out = model(x)
    loss = loss_fn(out, target) if loss_fn else nn.functional.cross_entropy(out, target)
    loss.backward()
    no_grad = [name for name, p in model.named_parameters() if p.grad is None]
    assert no_grad == [], f"parameters without a gradient: {no_grad}"
    optimizer.step()
    unchanged = [name for name, p in model.named_parameters() if np.array_equal(to_np(p), before[name])]
    assert unchanged == [], f"parameters the step did not change: {unchanged}"


TRAIN = {
    "lenet5_modern": (lambda: models.lenet5("modern"), 1, 28),
    "lenet5_classic": (lambda: models.lenet5("classic"), 1, 32),
    "convnetjs_mnist": (models.convnetjs_mnist, 1, 24),
    "convnetjs_cifar10": (models.convnetjs_cifar10, 3, 32),
    "nin": (models.nin, 3, 32),
    "squeezenet1_1": (lambda: models.squeezenet1_1(num_classes=10), 3, 224),
    "densenet_bc_40": (lambda: models.densenet_bc(depth=40), 3, 32),
    "fractalnet_2_columns": (lambda: models.fractalnet(num_columns=2), 3, 32),
}


@pytest.mark.parametrize("name", sorted(TRAIN))
def test_train_step_changes_every_parameter(name):
    st.manual_seed(0)
    build, channels, size = TRAIN[name]
    train_step(build(), images(2, channels, size), 10)


def test_googlenet_train_step_changes_every_parameter_including_aux_heads():
    st.manual_seed(0)
    model = models.googlenet(num_classes=10)
    train_step(model, images(2, 3, 224), 10, loss_fn=googlenet_loss)


def test_lenet5_classic_keeps_unconnected_c3_weights_at_zero():
    st.manual_seed(0)
    model = models.lenet5("classic")
    train_step(model, images(2, 1, 32), 10)
    weight = to_np(model.c3.weight)
    table = to_np(nn.lenet5_c3_table())
    assert (weight[~table] == 0).all() and (weight[table] != 0).all()


# ---- GoogLeNet: auxiliary heads in training, logits in eval ------------------------------------------

def test_googlenet_train_and_eval_outputs():
    model = models.googlenet(num_classes=7)
    x = images(2, 3, 224)
    outputs = model(x)
    assert isinstance(outputs, tuple) and len(outputs) == 3
    assert all(o.shape == (2, 7) for o in outputs)
    model.eval()
    logits = model(x)
    assert isinstance(logits, st.Tensor) and logits.shape == (2, 7)
    no_aux = models.googlenet(aux_logits=False, num_classes=7)
    assert isinstance(no_aux(x), st.Tensor) and not hasattr(no_aux, "aux1")


def test_googlenet_loss_weights_aux_heads_as_the_paper():
    arrays = [rng.standard_normal((3, 5)).astype(np.float32) for _ in range(3)]
    target = np.array([0, 3, 4])
    expected = sum(w * TF.cross_entropy(torch.tensor(a), torch.tensor(target)).item()
                   for w, a in zip((1.0, 0.3, 0.3), arrays))
    loss = googlenet_loss(tuple(st.tensor(a) for a in arrays), st.tensor(target))
    assert abs(loss.item() - expected) < 1e-5
    assert abs(googlenet_loss(st.tensor(arrays[0]), st.tensor(target)).item()
               - TF.cross_entropy(torch.tensor(arrays[0]), torch.tensor(target)).item()) < 1e-6


def test_densenet_shared_buffer_matches_per_layer_cat():
    model = models.densenet_bc(depth=16, growth_rate=4)
    model.train()
    x = to_np(images(2, 3, 16))
    grads = []
    for shared in (True, False):
        for module in model.modules():
            if isinstance(module, nn.DenseBlock):
                module.shared_buffer = shared
        model.zero_grad()
        sx = st.tensor(x, requires_grad=True)
        out = model(sx)
        out.sum().backward()
        grads.append((to_np(out), to_np(sx.grad), to_np(model.features.conv0.weight.grad)))
    for shared_value, cat_value in zip(*grads):
        np.testing.assert_allclose(shared_value, cat_value, rtol=1e-4, atol=1e-5)


# ---- bad arguments ----------------------------------------------------------------------------------

def test_lenet5_rejects_unknown_variant():
    with pytest.raises(ValueError, match='lenet5: expected variant "classic" or "modern", got "rbf"'):
        models.lenet5("rbf")


def test_models_reject_nonpositive_sizes():
    with pytest.raises(ValueError, match="alexnet: expected num_classes to be positive, got 0"):
        models.alexnet(num_classes=0)
    with pytest.raises(ValueError, match="squeezenet1_1: expected in_channels to be positive, got -3"):
        models.squeezenet1_1(in_channels=-3)


def test_densenet_bc_rejects_bad_depth():
    with pytest.raises(ValueError, match=r"densenet_bc: expected depth = 6n \+ 4 with n >= 1, got 41"):
        models.densenet_bc(depth=41)


def test_googlenet_rejects_bad_input_rank():
    with pytest.raises(ValueError, match="googlenet: expected a 4-d input"):
        models.googlenet()(images(1, 3, 64)[0])


def test_googlenet_loss_rejects_wrong_tuple():
    with pytest.raises(ValueError, match="googlenet_loss: expected outputs .logits, aux1, aux2., got a tuple of 2"):
        googlenet_loss((st.tensor(np.zeros((1, 2), np.float32)),) * 2, st.tensor(np.array([0])))
