"""The classic model zoo (striate.models from LeNet-5 to DenseNet and FractalNet): exact parameter
counts against the reference implementations, torchvision's state-dict keys, GoogLeNet's train/eval
outputs and loss, the dense block's shared buffer, FractalNet's drop-path, and bad arguments.
Forward at the native size, backward and an SGD step for every model: test_models_zoo.py."""

import numpy as np
import pytest
import striate as st
import striate.models as models
import striate.nn as nn
import torch
import torch.nn.functional as TF
from helpers import check_parity, gradcheck, to_np
from striate.models._classic import googlenet_loss

rng = np.random.default_rng(4)


def images(batch, channels, size):
    return st.tensor(rng.standard_normal((batch, channels, size, size)).astype(np.float32))


# ---- parameter counts (torchvision's where torchvision has the model) ----------------------------

COUNTS = {
    "lenet5_modern": (lambda: models.lenet5("modern"), 61_706),
    # C3's weight is stored dense (16, 6, 5, 5) with the 36 unconnected 5x5 kernels held at zero
    # by the connection mask: 61,750 stored, 60,850 effective.
    "lenet5_classic": (lambda: models.lenet5("classic"), 61_750),
    "convnetjs_mnist": (models.convnetjs_mnist, 5_994),
    "convnetjs_cifar10": (models.convnetjs_cifar10, 22_466),
    "alexnet": (models.alexnet, 61_100_840),
    "vgg11": (models.vgg11, 132_863_336),
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
    assert (
        "inception3a.branch2.1.conv.weight" in keys
        and "aux1.fc2.bias" in keys
        and keys[-1] == "fc.bias"
    )
    keys = list(models.squeezenet1_1().state_dict())
    assert "features.3.expand3x3.weight" in keys and "classifier.1.weight" in keys


def test_docstrings_cite_papers():
    for name in models._classic.__all__:
        doc = getattr(models, name).__doc__
        assert any(str(year) in doc for year in range(1998, 2018)), name


# ---- LeNet-5's connection table under training ---------------------------------------------------


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
    unchanged = [
        name for name, p in model.named_parameters() if np.array_equal(to_np(p), before[name])
    ]
    assert unchanged == [], f"parameters the step did not change: {unchanged}"


def test_lenet5_classic_keeps_unconnected_c3_weights_at_zero():
    st.manual_seed(0)
    model = models.lenet5("classic")
    train_step(model, images(2, 1, 32), 10)
    weight = to_np(model.c3.weight)
    table = to_np(nn.lenet5_c3_table())
    assert (weight[~table] == 0).all() and (weight[table] != 0).all()


def test_scaled_tanh_is_lecuns_squashing_function():
    layer = nn.ScaledTanh()
    arrays = [rng.standard_normal((3, 4, 5)) * 2]
    check_parity(
        layer, lambda x: 1.7159 * torch.tanh(2 * x / 3), [a.astype(np.float32) for a in arrays]
    )
    gradcheck(layer, arrays)
    ones = to_np(layer(st.tensor(np.array([1.0, -1.0], np.float32))))
    np.testing.assert_allclose(ones, [1.0, -1.0], atol=1e-4)  # A and S are chosen so f(+-1) = +-1


def test_lenet5_classic_squashes_with_the_scaled_tanh():
    model = models.lenet5("classic")
    names = [name for name, child in model.named_children() if type(child).__name__ == "ScaledTanh"]
    assert names == ["c1_activation", "c3_activation", "c5_activation", "f6_activation"]


# ---- GoogLeNet: auxiliary heads in training, logits in eval --------------------------------------


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


# ---- bad arguments -------------------------------------------------------------------------------


def test_lenet5_rejects_unknown_variant():
    with pytest.raises(
        ValueError, match='lenet5: expected variant "classic" or "modern", got "rbf"'
    ):
        models.lenet5("rbf")


def test_models_reject_nonpositive_sizes():
    with pytest.raises(ValueError, match="alexnet: expected num_classes to be positive, got 0"):
        models.alexnet(num_classes=0)
    with pytest.raises(
        ValueError, match="squeezenet1_1: expected in_channels to be positive, got -3"
    ):
        models.squeezenet1_1(in_channels=-3)


def test_densenet_bc_rejects_bad_depth():
    with pytest.raises(
        ValueError, match=r"densenet_bc: expected depth = 6n \+ 4 with n >= 1, got 41"
    ):
        models.densenet_bc(depth=41)


def test_googlenet_rejects_bad_input_rank():
    with pytest.raises(ValueError, match="googlenet: expected a 4-d input"):
        models.googlenet()(images(1, 3, 64)[0])


def test_googlenet_loss_rejects_wrong_tuple():
    with pytest.raises(
        ValueError, match="googlenet_loss: expected outputs .logits, aux1, aux2., got a tuple of 2"
    ):
        googlenet_loss((st.tensor(np.zeros((1, 2), np.float32)),) * 2, st.tensor(np.array([0])))


# ---- FractalNet drop-path (Larsson et al. 2017, section 3.1) -------------------------------------


def conv_params_with_grad(model):
    # The convs (each "....shallow.0.weight") that received a gradient, by their block path.
    return frozenset(("." + name).removesuffix(".shallow.0.weight").lstrip(".")
                     for name, p in model.named_parameters()
                     if name.endswith("shallow.0.weight") and p.grad is not None)


def test_fractal_drop_path_is_off_in_eval_and_equals_no_drop():
    st.manual_seed(0)
    dropping = nn.FractalBlock(3, 4, 3, local_drop=0.5, global_drop=0.5)
    plain = nn.FractalBlock(3, 4, 3)
    plain.load_state_dict(dropping.state_dict())
    dropping.eval()
    plain.eval()
    x = images(2, 3, 8)
    with st.no_grad():
        outputs = [to_np(dropping(x)) for _ in range(3)]
        expected = to_np(plain(x))
    for output in outputs:
        np.testing.assert_array_equal(output, expected)


def test_fractal_local_drop_one_keeps_exactly_one_input_per_join():
    # Two columns: the join sees shallow(x) and deep2(deep1(x)); with p = 1 exactly one survives
    # (BatchNorm in training uses batch statistics, so each column can be recomputed alone).
    block = nn.FractalBlock(3, 4, 2, local_drop=1.0)
    block.train()
    x = images(2, 3, 8)
    shallow = to_np(block.shallow(x))
    deep = to_np(block.deep2(block.deep1(x)))
    seen = set()
    for seed in range(12):
        st.manual_seed(seed)
        out = to_np(block(x))
        matches = [name for name, column in (("shallow", shallow), ("deep", deep))
                   if np.allclose(out, column, rtol=1e-5, atol=1e-6)]
        assert len(matches) == 1, f"seed {seed}: the output is not a single column"
        seen.add(matches[0])
    assert seen == {"shallow", "deep"}


def test_fractal_local_drop_gradients_flow_only_through_kept_paths():
    # Three columns, p = 1: one path from input to output, so the convs that get a gradient are
    # exactly one of these (the deep columns read deep1's join, itself one of its two columns).
    block = nn.FractalBlock(3, 4, 3, local_drop=1.0)
    block.train()
    x = images(2, 3, 4)
    paths = {
        frozenset(path)
        for path in (
            {""},
            {"deep1", "deep2"},
            {"deep1.deep1", "deep1.deep2", "deep2"},
            {"deep1", "deep2.deep1", "deep2.deep2"},
            {"deep1.deep1", "deep1.deep2", "deep2.deep1", "deep2.deep2"},
        )
    }
    seen = set()
    for seed in range(20):
        st.manual_seed(seed)
        block.zero_grad()
        block(x).sum().backward()
        used = conv_params_with_grad(block)
        assert used in paths, f"seed {seed}: gradient reached {sorted(used)}"
        seen.add(used)
    assert len(seen) >= 3


def test_fractal_local_drop_keeps_each_input_with_probability_one_minus_p():
    block = nn.FractalBlock(1, 1, 2, local_drop=0.5)
    block.train()
    x = images(2, 1, 2)
    both = 0
    for seed in range(200):
        st.manual_seed(seed)
        block.zero_grad()
        block(x).sum().backward()
        both += conv_params_with_grad(block) == {"", "deep1", "deep2"}
    # P(both kept) = (1 - p)^2 = 0.25; 200 draws: 50 +- 3 standard deviations (18).
    assert 32 <= both <= 68


def test_fractal_global_drop_runs_one_column_in_every_block():
    model = models.fractalnet(num_columns=3, num_blocks=2, global_drop=1.0)
    model.train()
    x = images(2, 3, 8)
    columns = {
        0: {""},
        1: {"deep1", "deep2"},
        2: {"deep1.deep1", "deep1.deep2", "deep2.deep1", "deep2.deep2"},
    }
    seen = set()
    for seed in range(12):
        st.manual_seed(seed)
        model.zero_grad()
        out = model(x)
        out.sum().backward()
        used = conv_params_with_grad(model)
        per_block = [frozenset(name.removeprefix(f"features.{index}").lstrip(".")
                               for name in used if name.startswith(f"features.{index}"))
                     for index in (0, 2)]
        assert per_block[0] == per_block[1], f"seed {seed}: the blocks ran different columns"
        column = next(c for c, path in columns.items() if per_block[0] == path)
        seen.add(column)
        # The same column run alone in each block, through forward_column, gives the output.
        features = model.features
        y = features[1](features[0].forward_column(x, column))
        y = features[3](features[2].forward_column(y, column))
        expected = model.classifier(model.avgpool(y).flatten(1))
        np.testing.assert_allclose(to_np(out), to_np(expected), rtol=1e-5, atol=1e-6)
    assert seen == {0, 1, 2}


def test_fractal_global_drop_on_a_block_equals_forward_column():
    block = nn.FractalBlock(3, 4, 3, global_drop=1.0)
    block.train()
    x = images(2, 3, 8)
    candidates = [to_np(block.forward_column(x, column)) for column in range(3)]
    for seed in range(6):
        st.manual_seed(seed)
        out = to_np(block(x))
        assert sum(np.allclose(out, c, rtol=1e-5, atol=1e-6) for c in candidates) == 1


def test_fractal_drop_path_is_seeded_by_the_default_generator():
    model = models.fractalnet(num_columns=3, num_blocks=2, local_drop=0.15, global_drop=0.5)
    model.train()
    x = images(2, 3, 8)
    runs = []
    for _ in range(2):
        st.manual_seed(7)
        runs.append([to_np(model(x)) for _ in range(4)])
    for first, second in zip(*runs):
        np.testing.assert_array_equal(first, second)
    assert model.global_drop == 0.5 and model.features[0].local_drop == 0.15


def test_fractal_drop_path_bad_arguments():
    with pytest.raises(ValueError, match=r"FractalBlock: expected local_drop in \[0, 1\], got 1.5"):
        nn.FractalBlock(3, 4, 2, local_drop=1.5)
    with pytest.raises(
        ValueError, match=r"FractalBlock: expected global_drop in \[0, 1\], got -0.1"
    ):
        nn.FractalBlock(3, 4, 2, global_drop=-0.1)
    with pytest.raises(ValueError, match=r"fractalnet: expected global_drop in \[0, 1\], got 2"):
        models.fractalnet(global_drop=2.0)
    with pytest.raises(IndexError, match=r"FractalBlock: expected column in \[0, 2\), got 2"):
        nn.FractalBlock(3, 4, 2).forward_column(images(1, 3, 4), 2)
