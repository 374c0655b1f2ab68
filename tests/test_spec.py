"""nn.from_spec: the convnetjs layer_defs lists build, run, count their parameters, and reject
unknown types and keys with the layer index in the message."""

import pytest
import striate as st
from striate import nn

MNIST_DEFS = [
    {"type": "input", "out_sx": 24, "out_sy": 24, "out_depth": 1},
    {"type": "conv", "sx": 5, "filters": 8, "stride": 1, "pad": 2, "activation": "relu"},
    {"type": "pool", "sx": 2, "stride": 2},
    {"type": "conv", "sx": 5, "filters": 16, "stride": 1, "pad": 2, "activation": "relu"},
    {"type": "pool", "sx": 3, "stride": 3},
    {"type": "softmax", "num_classes": 10},
]

CIFAR_DEFS = [
    {"type": "input", "out_sx": 32, "out_sy": 32, "out_depth": 3},
    {"type": "conv", "sx": 5, "filters": 16, "stride": 1, "pad": 2, "activation": "relu"},
    {"type": "pool", "sx": 2, "stride": 2},
    {"type": "conv", "sx": 5, "filters": 20, "stride": 1, "pad": 2, "activation": "relu"},
    {"type": "pool", "sx": 2, "stride": 2},
    {"type": "conv", "sx": 5, "filters": 20, "stride": 1, "pad": 2, "activation": "relu"},
    {"type": "pool", "sx": 2, "stride": 2},
    {"type": "softmax", "num_classes": 10},
]


def test_convnetjs_mnist_builds_runs_and_counts():
    model = nn.from_spec(MNIST_DEFS)
    # conv 8*(1*25+1) + conv 16*(8*25+1) + fc (16*4*4)*10+10
    assert model.num_parameters() == 8 * 26 + 16 * 201 + 256 * 10 + 10 == 5994
    out = model(st.randn(2, 1, 24, 24))
    assert out.shape == (2, 10)


def test_convnetjs_cifar10_builds_runs_and_counts():
    model = nn.from_spec(CIFAR_DEFS)
    expected = 16 * (3 * 25 + 1) + 20 * (16 * 25 + 1) + 20 * (20 * 25 + 1) + (20 * 4 * 4) * 10 + 10
    assert model.num_parameters() == expected == 22466
    out = model(st.randn(2, 3, 32, 32))
    assert out.shape == (2, 10)
    out.sum().backward()
    assert all(param.grad is not None for param in model.parameters())


def test_input_shape_argument_replaces_the_input_layer():
    model = nn.from_spec(MNIST_DEFS[1:], (1, 24, 24))
    assert model.num_parameters() == 5994
    assert nn.from_spec(MNIST_DEFS, (1, 24, 24)).num_parameters() == 5994


def test_softmax_gives_logits_and_fc_options():
    model = nn.from_spec([{"type": "fc", "num_neurons": 7, "activation": "tanh", "drop_prob": 0.5},
                          {"type": "softmax", "num_classes": 3}], (5,))
    kinds = [type(module).__name__ for module in model.children()]
    assert kinds == ["Linear", "Tanh", "Dropout", "Linear"]
    assert model.num_parameters() == 5 * 7 + 7 + 7 * 3 + 3


def test_avgpool_flatten_sigmoid_bn1d_and_regression():
    model = nn.from_spec([{"type": "avgpool", "sx": 2, "sy": 3, "stride": 1},
                          {"type": "sigmoid"}, {"type": "flatten"}, {"type": "bn"},
                          {"type": "regression", "num_neurons": 2}], (2, 4, 5))
    kinds = [type(module).__name__ for module in model.children()]
    assert kinds == ["AvgPool2d", "Sigmoid", "Flatten", "BatchNorm1d", "Linear"]
    assert model(st.randn(3, 2, 4, 5)).shape == (3, 2)  # pooled to 2 x 2 x 4 = 16 features
    assert model.num_parameters() == 2 * 16 + 16 * 2 + 2


def test_bn_residual_and_concat():
    defs = [
        {"type": "conv", "sx": 3, "filters": 4, "pad": 1},
        {"type": "bn"},
        {"type": "residual", "body": [{"type": "conv", "sx": 3, "filters": 4, "pad": 1,
                                       "activation": "relu"}, {"type": "bn"}], "post": "relu"},
        {"type": "residual", "body": [{"type": "conv", "sx": 3, "filters": 6, "pad": 1,
                                       "stride": 2}]},
        {"type": "concat", "branches": [[{"type": "conv", "sx": 1, "filters": 2}],
                                        [{"type": "conv", "sx": 3, "pad": 1, "filters": 3},
                                         {"type": "relu"}]]},
        {"type": "fc", "num_neurons": 2},
    ]
    model = nn.from_spec(defs, (3, 8, 8))
    expected = ((4 * 28 + 8) + (4 * 37 + 8) + (6 * 37 + 6 * 4 + 12) + (2 * 7 + 3 * 55)
                + (5 * 16 * 2 + 2))
    assert model.num_parameters() == expected
    model.eval()
    x = st.randn(2, 3, 8, 8)
    out = model(x)
    assert out.shape == (2, 2)
    # The identity residual really adds its input: with the body's last BN zeroed, the block
    # is relu(0 + x).
    block = list(model.children())[2]
    body_bn = list(block.body.children())[-1]
    with st.no_grad():
        body_bn.weight.fill_(0.0)
        body_bn.bias.fill_(0.0)
    before = st.randn(2, 4, 8, 8)
    after = block(before)
    assert (after - before.clamp(min=0)).abs().max().item() < 1e-6


@pytest.mark.parametrize("defs, match", [
    ([{"type": "convolution", "sx": 3}], r"layer 0: unknown type 'convolution'"),
    ([{"type": "conv", "sx": 3, "filters": 2, "kernel": 3}], r"layer 0: unknown key\(s\) 'kernel'"),
    ([{"type": "relu"}, {"type": "pool", "sx": 2, "size": 2}], r"layer 1: unknown key\(s\) 'size'"),
    ([{"type": "conv", "filters": 2}], r"layer 0: type 'conv' needs key\(s\) 'sx'"),
    ([{"type": "conv", "sx": 3, "filters": 2, "activation": "swish"}],
     r"unknown activation 'swish'"),
    ([{"type": "conv", "sx": 9, "filters": 2}], r"layer 0: window 9"),
    ([{"type": "conv", "sx": 3, "filters": 0}], r"'filters' to be a positive int"),
    ([{"type": "dropout", "drop_prob": 1.5}], r"'drop_prob' to be a probability"),
    ([{"type": "residual", "body": [{"type": "conv", "sx": 3, "filters": 2, "bad": 1}]}],
     r"layer 0.body\[0\]: unknown key"),
    ([{"type": "concat", "branches": [[{"type": "conv", "sx": 1, "filters": 2}],
                                      [{"type": "conv", "sx": 3, "filters": 2}]]}],
     r"branches must agree"),
    (["conv"], r"layer 0: expected a dict"),
    ([], r"non-empty list"),
])
def test_bad_defs_raise_value_error_naming_the_layer(defs, match):
    with pytest.raises(ValueError, match=match):
        nn.from_spec(defs, (3, 8, 8))


def test_input_shape_errors():
    with pytest.raises(ValueError, match="no input shape"):
        nn.from_spec([{"type": "relu"}])
    with pytest.raises(ValueError, match="disagrees with the input layer"):
        nn.from_spec(MNIST_DEFS, (3, 24, 24))
    with pytest.raises(ValueError, match="layer 1: 'input' may only be the first layer"):
        nn.from_spec([{"type": "relu"}, {"type": "input", "out_sx": 2, "out_sy": 2,
                                         "out_depth": 1}], (1, 2, 2))
    with pytest.raises(ValueError, match=r"'conv' needs an input of shape \(C, H, W\)"):
        nn.from_spec([{"type": "conv", "sx": 1, "filters": 1}], (4,))
