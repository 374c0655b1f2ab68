"""striate.summary: rows, output shapes, parameter and multiply-add counts, memory, and that the
model's state (training flags, BatchNorm statistics) is left as it was."""

import pytest
import striate as st
from helpers import SqueezeExcite
from striate import _C, nn


def all_modules(model):
    # Walked by hand, holding every module: Module.modules() dedups by id() of Python objects
    # that C++ children get afresh, so it can skip modules (reported to the lead).
    found = [model]
    for child in model.children():
        found += all_modules(child)
    return found


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.BatchNorm2d(6), nn.Flatten(), nn.Linear(6 * 14 * 14, 10))


class PythonResidual(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 3, 3, padding=1, groups=3), nn.ReLU())
        self.fc = nn.Linear(3 * 8 * 8, 4)

    def forward(self, x):
        return self.fc((self.body(x) + x).flatten(1))


def test_sequential_rows_shapes_params_and_mult_adds(capsys):
    model = lenet()
    result = st.summary(model, (1, 28, 28), batch_size=2)
    rows = {row.name: row for row in result.rows}
    assert [row.type for row in result.rows] == [
        "Sequential", "Conv2d", "ReLU", "MaxPool2d", "BatchNorm2d", "Flatten", "Linear"]
    assert rows["0"].output_shape == (2, 6, 28, 28)
    assert rows["2"].output_shape == (2, 6, 14, 14)
    assert rows["5"].output_shape == (2, 10)
    assert rows["0"].params == 6 * 26 and rows["5"].params == 1176 * 10 + 10
    # conv: out.numel * C_in/groups * R*S; linear: out.numel * in_features; BN: out.numel
    assert rows["0"].mult_adds == 2 * 6 * 28 * 28 * 25
    assert rows["5"].mult_adds == 2 * 10 * 1176
    assert rows["3"].mult_adds == 2 * 6 * 14 * 14
    assert rows["1"].mult_adds == 0 and rows["2"].mult_adds == 0
    assert result.total_mult_adds == 2 * 6 * 28 * 28 * 25 + 2 * 10 * 1176 + 2 * 6 * 14 * 14
    assert result.total_params == model.num_parameters() == 156 + 12 + 11770
    assert result.trainable_params == result.total_params
    assert result.param_bytes == 4 * result.total_params
    assert result.buffer_bytes == sum(b.numel() * b.element_size() for b in model.buffers())
    leaf_outputs = [2 * 6 * 28 * 28, 2 * 6 * 28 * 28, 2 * 6 * 14 * 14, 2 * 6 * 14 * 14, 2 * 1176,
                    2 * 10]
    assert result.activation_bytes == 4 * sum(leaf_outputs)
    printed = capsys.readouterr().out
    assert "Total params: 11,938" in printed and "Conv2d" in printed and "[2, 6, 28, 28]" in printed
    assert str(result) in printed


def test_python_module_children_are_seen_and_grouped_conv_counted():
    result = st.summary(PythonResidual(), (3, 8, 8), print_table=False)
    names = [row.name for row in result.rows]
    assert names == ["", "body", "body.0", "body.1", "fc"]
    conv = result.rows[2]
    assert conv.depth == 2 and conv.output_shape == (1, 3, 8, 8)
    assert conv.mult_adds == 3 * 8 * 8 * 1 * 9  # groups=3: one input channel per output
    assert result.total_params == 3 * 10 + 192 * 4 + 4
    assert result.mult_adds_complete


def test_locally_connected_and_transposed_conv_mult_adds():
    model = nn.Sequential(nn.LocallyConnected2d(2, 3, 5, 3), nn.ConvTranspose2d(3, 4, 2, stride=2))
    rows = st.summary(model, (2, 5, 5), batch_size=2, print_table=False).rows
    assert rows[1].output_shape == (2, 3, 3, 3) and rows[2].output_shape == (2, 4, 6, 6)
    assert rows[1].mult_adds == 2 * 3 * 3 * 3 * 2 * 9   # per output element: C_in * R*S
    assert rows[2].mult_adds == 2 * 3 * 3 * 3 * 4 * 4   # per input element: K * R*S


def test_frozen_parameters_count_as_non_trainable():
    model = lenet()
    model[0].requires_grad_(False)
    result = st.summary(model, (1, 28, 28), print_table=False)
    assert result.trainable_params == result.total_params - 156


def test_model_state_is_restored():
    model = lenet()
    model.train()
    batchnorm = list(model.children())[3]
    before = batchnorm.running_mean.clone()
    st.summary(model, (1, 28, 28), batch_size=3, print_table=False)
    assert all(module.training for module in all_modules(model))
    assert (batchnorm.running_mean - before).abs().max().item() == 0
    model.eval()
    st.summary(model, (1, 28, 28), print_table=False)
    assert not any(module.training for module in all_modules(model))


def test_module_call_is_restored_after_an_error():
    call = nn.Module.__call__
    with pytest.raises(ValueError):
        st.summary(lenet(), (3, 28, 28), print_table=False)  # conv expects 1 channel
    assert nn.Module.__call__ is call
    # The failed run's observer is gone: the next summary sees exactly its own calls.
    result = st.summary(lenet(), (1, 28, 28), print_table=False)
    assert [row.name for row in result.rows] == ["", "0", "1", "2", "3", "4", "5"]
    assert [row.depth for row in result.rows] == [0, 1, 1, 1, 1, 1, 1]


def test_squeeze_excite_children_are_seen():
    model = nn.Sequential(nn.Conv2d(3, 8, 1), nn.SqueezeExcite(8, 2))
    result = st.summary(model, (3, 4, 4), batch_size=2, print_table=False)
    rows = {row.name: row for row in result.rows}
    assert [row.name for row in result.rows] == ["", "0", "1", "1.fc1", "1.fc2"]
    assert rows["1"].output_shape == (2, 8, 4, 4) and rows["1.fc1"].output_shape == (2, 4, 1, 1)
    assert rows["1.fc1"].mult_adds == 2 * 4 * 8 and rows["1.fc2"].mult_adds == 2 * 8 * 4
    assert result.mult_adds_complete
    assert result.total_mult_adds == 2 * 8 * 16 * 3 + 2 * 4 * 8 + 2 * 8 * 4


def test_module_whose_children_run_unseen_is_one_opaque_row():
    # The Python SqueezeExcite above runs fc1 and fc2 by their forward methods: no rows for them.
    block = SqueezeExcite(8, 2)
    model = nn.Sequential(nn.Conv2d(3, 8, 1), block)
    result = st.summary(model, (3, 4, 4), print_table=False)
    row = result.rows[-1]
    assert row.type == "SqueezeExcite" and row.output_shape == (1, 8, 4, 4)
    assert row.params == block.num_parameters()
    assert row.mult_adds is None and not result.mult_adds_complete
    assert "?" in str(result) and "known layers only" in str(result)
    assert "SqueezeExcite" in result.notes[0]


def test_an_opaque_module_makes_an_opaque_row_and_only_that_one():
    # Inside C++ blocks (a Residual's body, a Sequential) only the module whose children run
    # unseen is opaque; everything around it keeps its rows and counts.
    body = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), SqueezeExcite(8, 2))
    model = nn.Sequential(nn.Conv2d(3, 8, 1), nn.Residual(body))
    result = st.summary(model, (3, 6, 6), print_table=False)
    names = {row.name: row for row in result.rows}
    assert list(names) == ["", "0", "1", "1.body", "1.body.0", "1.body.1"]
    assert names["1.body.1"].mult_adds is None and names["1"].has_child_rows
    assert names["1.body.0"].mult_adds == 8 * 36 * 8 * 9
    assert not result.mult_adds_complete


def test_inception_fire_and_dense_block_rows():
    inception = st.summary(nn.Inception(8, 4, 3, 5, 2, 3, 6), (8, 5, 5), print_table=False)
    rows = {row.name: row for row in inception.rows}
    assert rows[""].output_shape == (1, 4 + 5 + 3 + 6, 5, 5)
    assert rows["branch2.1.conv"].output_shape == (1, 5, 5, 5)
    assert rows["branch2.1.conv"].mult_adds == 5 * 25 * 3 * 9
    assert rows["branch4.0"].type == "MaxPool2d" and inception.mult_adds_complete
    fire = st.summary(nn.Fire(6, 2, 3, 4), (6, 4, 4), print_table=False)
    assert [row.name for row in fire.rows] == [
        "", "squeeze", "squeeze_activation", "expand1x1", "expand1x1_activation", "expand3x3",
        "expand3x3_activation"]
    assert fire.total_mult_adds == 16 * (2 * 6 + 3 * 2 + 4 * 2 * 9)
    dense = st.summary(nn.DenseBlock(2, 4, 3), (4, 5, 5), print_table=False)
    rows = {row.name: row for row in dense.rows}
    assert rows[""].output_shape == (1, 4 + 2 * 3, 5, 5)
    assert rows["denselayer2.norm1"].output_shape == (1, 7, 5, 5)  # reads the 4 + 3 channels so far
    assert rows["denselayer2.conv2"].mult_adds == 3 * 25 * 12 * 9 and dense.mult_adds_complete


def test_fractal_block_rows_cover_every_column():
    result = st.summary(nn.FractalBlock(3, 4, 3), (3, 8, 8), batch_size=2, print_table=False)
    convs = [row for row in result.rows if row.type == "Conv2d"]
    assert len(convs) == 7  # 1 + 2 + 4 convs in columns 0, 1, 2
    assert sum(row.mult_adds for row in convs) == 2 * 4 * 64 * 9 * (3 * 3 + 4 * 4)
    assert "deep2.deep1.shallow.0" in [row.name for row in result.rows]
    assert result.mult_adds_complete


# torchvision's published figures (GFLOPS column of its model docs, which are multiply-adds):
# resnet18 1.81, resnet50 4.09, vgg11 7.61, alexnet 0.71, googlenet 1.50, squeezenet1_0 0.82,
# densenet121 2.83 (2.87 with BatchNorm, as ptflops counts it). Ours count BatchNorm as one
# multiply-add per output element, which adds 0.2-0.7 %.
ZOO_MULT_ADDS = [
    ("resnet18", 1.81e9, 1.83e9),
    ("resnet50", 4.09e9, 4.11e9),
    ("vgg11", 7.60e9, 7.62e9),
    ("alexnet", 0.71e9, 0.72e9),
    ("densenet121", 2.83e9, 2.88e9),
    ("googlenet", 1.49e9, 1.51e9),
    ("squeezenet1_0", 0.81e9, 0.83e9),
]


@pytest.mark.parametrize("name, low, high", ZOO_MULT_ADDS,
                         ids=[name for name, _, _ in ZOO_MULT_ADDS])
def test_zoo_mult_adds_match_published_figures(name, low, high):
    from striate import models

    result = st.summary(getattr(models, name)(), (3, 224, 224), print_table=False)
    assert result.mult_adds_complete
    assert low <= result.total_mult_adds <= high


@pytest.mark.parametrize("build, size", [
    (lambda models: models.wide_resnet(16, 2, 0.3), 32),
    (lambda models: models.preact_resnet18(), 32),
    (lambda models: models.se_resnet50(), 64),  # adaptive pooling: any size runs every layer
    (lambda models: models.resnext50_32x4d(), 64),
    (lambda models: models.densenet_bc(depth=40), 32),
    (lambda models: models.fractalnet(num_columns=2), 32),
], ids=["wide_resnet_16_2", "preact_resnet18", "se_resnet50", "resnext50_32x4d", "densenet_bc_40",
        "fractalnet_2"])
def test_zoo_blocks_have_no_unknown_rows(build, size):
    from striate import models

    model = build(models)
    result = st.summary(model, (3, size, size), print_table=False)
    assert result.mult_adds_complete and "?" not in str(result)
    assert result.total_params == model.num_parameters()
    convs = sum(1 for module in all_modules(model) if isinstance(module, nn.Conv2d))
    assert sum(1 for row in result.rows if row.type == "Conv2d") == convs


@pytest.mark.parametrize("shape, batch, match", [
    ((), 1, "input_shape to be a non-empty tuple"),
    ((3, 0, 4), 1, "input_shape to be a non-empty tuple"),
    ("3x4", 1, "input_shape to be a non-empty tuple"),
    ((1, 28, 28), 0, "batch_size to be a positive int"),
])
def test_bad_arguments(shape, batch, match):
    with pytest.raises(ValueError, match=match):
        st.summary(lenet(), shape, batch_size=batch, print_table=False)


def test_not_a_module():
    with pytest.raises(TypeError, match="expected an nn.Module, got int"):
        st.summary(3, (1, 2))


def test_cpp_residual_block_rows_come_from_its_forward():
    block = nn.Residual(nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4)),
                        post=nn.ReLU())
    model = nn.Sequential(nn.Conv2d(3, 4, 1), block)
    result = st.summary(model, (3, 6, 6), batch_size=2, print_table=False)
    names = [row.name for row in result.rows]
    assert names == ["", "0", "1", "1.body", "1.body.0", "1.body.1", "1.post"]
    assert result.mult_adds_complete
    assert result.total_mult_adds == 2 * 4 * 36 * 3 + 2 * 4 * 36 * 4 * 9 + 2 * 4 * 36


def test_cpp_model_with_classifier_head_gets_rows():
    # AlexNet's forward flattens between avgpool and classifier.
    from striate import models

    result = st.summary(models.alexnet(), (3, 224, 224), print_table=False)
    rows = {row.name: row for row in result.rows}
    assert rows["features.0"].output_shape == (1, 64, 55, 55)
    assert rows["classifier.6"].output_shape == (1, 1000)
    assert result.mult_adds_complete
    convs = [(64, 3, 11, 55), (192, 64, 5, 27), (384, 192, 3, 13), (256, 384, 3, 13),
             (256, 256, 3, 13)]
    expected = sum(k * c * r * r * p * p for k, c, r, p in convs)
    expected += 9216 * 4096 + 4096 * 4096 + 4096 * 1000
    assert result.total_mult_adds == expected == 714_188_480


def test_cifar_resnet20_block_rows_and_mult_adds():
    from striate import models

    model = models.resnet20()
    result = st.summary(model, (3, 32, 32), print_table=False)
    assert result.mult_adds_complete
    # every conv and BN at its stage's resolution (32, 16, 8 for 16, 32, 64 channels)
    side = {16: 32, 32: 16, 64: 8}
    expected = 10 * 64
    for module in all_modules(model):
        if isinstance(module, nn.Conv2d):
            size = side[module.out_channels]
            expected += module.out_channels * module.in_channels * 9 * size * size
        elif isinstance(module, nn.BatchNorm2d):
            expected += module.num_features * side[module.num_features] ** 2
    assert result.total_mult_adds == expected
    assert result.total_params == model.num_parameters() == 269_722


class Scaled(nn.Module):
    """A Python layer with a parameter of its own and a child."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.scale = nn.Parameter(st.ones(4, 1, 1))

    def forward(self, x):
        return self.conv(x) * self.scale


class CountedScaled(Scaled):
    def mult_adds(self, input_shape, output_shape):
        count = 1
        for size in output_shape:
            count *= size
        return count  # one multiply per output element


def test_python_module_inside_cpp_blocks_has_its_rows():
    # Called by C++ forwards (a Sequential inside a Residual), the Python module's forward still
    # reports the calls of its children, at their depth under it.
    inner = nn.Residual(nn.Sequential(PythonResidual().body, nn.Identity()))
    model = nn.Sequential(inner, PythonResidual())
    result = st.summary(model, (3, 8, 8), batch_size=2, print_table=False)
    rows = [(row.name, row.type, row.depth) for row in result.rows]
    assert rows == [("", "Sequential", 0), ("0", "Residual", 1), ("0.body", "Sequential", 2),
                    ("0.body.0", "Sequential", 3), ("0.body.0.0", "Conv2d", 4),
                    ("0.body.0.1", "ReLU", 4), ("0.body.1", "Identity", 3),
                    ("1", "PythonResidual", 1), ("1.body", "Sequential", 2),
                    ("1.body.0", "Conv2d", 3), ("1.body.1", "ReLU", 3), ("1.fc", "Linear", 2)]
    assert result.mult_adds_complete
    assert result.total_mult_adds == 2 * (2 * 3 * 64 * 9) + 2 * 4 * 192


def test_python_module_with_own_parameter_and_no_mult_adds_is_unknown():
    result = st.summary(Scaled(), (3, 5, 5), print_table=False)
    top, conv = result.rows
    assert top.type == "Scaled" and top.has_child_rows and top.params == 4
    assert top.mult_adds is None and conv.mult_adds == 4 * 25 * 3 * 9
    assert not result.mult_adds_complete and result.total_mult_adds == conv.mult_adds
    assert "?" in str(result) and "Scaled" in result.notes[0]


def test_python_module_reports_its_own_mult_adds():
    result = st.summary(CountedScaled(), (3, 5, 5), batch_size=2, print_table=False)
    assert result.rows[0].mult_adds == 2 * 4 * 25
    assert result.mult_adds_complete
    assert result.total_mult_adds == 2 * 4 * 25 + 2 * 4 * 25 * 3 * 9


def test_call_observer_hears_python_and_cpp_calls():
    heard = []

    class Recorder(_C._nn.CallObserver):
        def enter(self, module, input):
            heard.append(("enter", type(module).__name__, tuple(input.shape)))

        def exit(self, module, output):
            heard.append(("exit", type(module).__name__, tuple(output.shape)))

    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    with _C._nn.ObserveCalls(Recorder()):
        model(st.randn(2, 4))
    assert heard == [("enter", "Sequential", (2, 4)), ("enter", "Linear", (2, 4)),
                     ("exit", "Linear", (2, 3)), ("enter", "ReLU", (2, 3)),
                     ("exit", "ReLU", (2, 3)), ("exit", "Sequential", (2, 3))]
    model(st.randn(2, 4))  # outside the block: nobody listens
    assert len(heard) == 6
    with pytest.raises(TypeError, match="ObserveCalls: expected a CallObserver, got int"):
        _C._nn.ObserveCalls(3)
