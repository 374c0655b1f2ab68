"""Every model of striate.models end to end: at its native input size on a batch of 2, a training
forward gives (2, num_classes), the loss's backward gives every trainable parameter a finite,
non-zero gradient, one SGD step changes every parameter, and the eval forward after it is finite
(GoogLeNet also in eval mode, where its auxiliary heads are not run and get no gradient).
The zoo is found by introspection (models.list_models()): a new constructor without an entry in
NATIVE fails here. Heads use num_classes=10 (the parameter counts, with the default 1000, are
asserted in test_models_classic.py / test_models_resnet.py)."""

import numpy as np
import pytest
import striate as st
from striate import models, optim

CLASSES = 10

# constructor -> (keyword arguments, input channels, native input side)
NATIVE = {
    "lenet5": ({}, 1, 28),  # the modern variant (default)
    "convnetjs_mnist": ({}, 1, 24),
    "convnetjs_cifar10": ({}, 3, 32),
    "alexnet": ({}, 3, 224),
    "vgg11": ({}, 3, 224),
    "vgg11_lrn": ({}, 3, 224),
    "vgg13": ({}, 3, 224),
    "vgg16": ({}, 3, 224),
    "vgg19": ({}, 3, 224),
    "nin": ({}, 3, 32),
    "googlenet": ({}, 3, 224),  # training mode: (logits, aux1, aux2)
    "squeezenet1_0": ({}, 3, 224),
    "squeezenet1_1": ({}, 3, 224),
    "densenet121": ({}, 3, 224),
    "densenet161": ({}, 3, 224),
    "densenet169": ({}, 3, 224),
    "densenet201": ({}, 3, 224),
    "densenet_bc": ({}, 3, 32),  # depth 100, growth 12
    "fractalnet": ({}, 3, 32),
    "resnet18": ({}, 3, 224),
    "resnet34": ({}, 3, 224),
    "resnet50": ({}, 3, 224),
    "resnet101": ({}, 3, 224),
    "resnet152": ({}, 3, 224),
    "resnext50_32x4d": ({}, 3, 224),
    "se_resnet50": ({}, 3, 224),
    "resnet20": ({}, 3, 32),
    "resnet32": ({}, 3, 32),
    "resnet44": ({}, 3, 32),
    "resnet56": ({}, 3, 32),
    "resnet110": ({}, 3, 32),
    "preact_resnet18": ({}, 3, 32),
    "wide_resnet": ({"depth": 16, "k": 2}, 3, 32),
    "wide_resnet28_10": ({}, 3, 32),
}

# id -> (constructor, keyword arguments, input channels, side, mode)
VARIANTS = {
    "lenet5_classic": ("lenet5", {"variant": "classic"}, 1, 32, "train"),
    "googlenet_eval": ("googlenet", {}, 3, 224, "eval"),
    "googlenet_no_aux": ("googlenet", {"aux_logits": False}, 3, 224, "train"),
    "vgg11_bn": ("vgg11", {"batch_norm": True}, 3, 224, "train"),
    "vgg13_bn": ("vgg13", {"batch_norm": True}, 3, 224, "train"),
    "vgg16_bn": ("vgg16", {"batch_norm": True}, 3, 224, "train"),
    "vgg19_bn": ("vgg19", {"batch_norm": True}, 3, 224, "train"),
    "wide_resnet_16_2_dropout": ("wide_resnet", {"depth": 16, "k": 2, "dropout": 0.3}, 3, 32,
                                 "train"),
}

CASES = sorted(models.list_models()) + sorted(VARIANTS)


def to_np(tensor):
    return np.array(tensor.detach().numpy(), copy=True)


def case(case_id):
    if case_id in VARIANTS:
        return VARIANTS[case_id]
    assert case_id in NATIVE, f"{case_id}: add its native input size (and arguments) to NATIVE"
    kwargs, channels, side = NATIVE[case_id]
    return case_id, kwargs, channels, side, "train"


def gradient_problems(model, skipped):
    problems = []
    for name, param in model.named_parameters():
        if not param.requires_grad or name.startswith(skipped):
            continue
        if param.grad is None:
            problems.append(f"{name}: no gradient")
            continue
        # Summed in C++ (VGG's 100M+ gradients are slow to copy out): a NaN or inf makes the sum
        # non-finite, an all-zero gradient makes it 0.
        norm = param.grad.abs().sum().item()
        if not np.isfinite(norm):
            problems.append(f"{name}: non-finite gradient")
        elif norm == 0:
            problems.append(f"{name}: zero gradient")
    return problems


@pytest.mark.parametrize("case_id", CASES)
def test_native_forward_backward_and_sgd_step(case_id):
    constructor, kwargs, channels, side, mode = case(case_id)
    st.manual_seed(0)
    model = getattr(models, constructor)(num_classes=CLASSES, **kwargs)
    x = st.tensor(np.random.default_rng(0).standard_normal((2, channels, side, side))
                  .astype(np.float32))
    target = st.tensor(np.array([1, 7]))
    before = {name: param.detach().clone() for name, param in model.named_parameters()}

    model.train(mode == "train")
    output = model(x)
    outputs = output if isinstance(output, tuple) else (output,)
    assert [tuple(o.shape) for o in outputs] == [(2, CLASSES)] * len(outputs)
    # GoogLeNet with aux heads returns (logits, aux1, aux2) in training only, as torchvision.
    with_aux = constructor == "googlenet" and kwargs.get("aux_logits", True) and mode == "train"
    assert len(outputs) == (3 if with_aux else 1)
    loss = (models.googlenet_loss(output, target) if with_aux
            else st.nn.functional.cross_entropy(output, target))

    optimizer = optim.SGD(model.parameters(), lr=0.1)
    optimizer.zero_grad()
    loss.backward()
    # In eval GoogLeNet's auxiliary heads are not run, so they (only they) get no gradient.
    skipped = ("aux1.", "aux2.") if constructor == "googlenet" and mode == "eval" else ()
    problems = gradient_problems(model, skipped)
    assert problems == [], f"{case_id}: parameters without a usable gradient: {problems}"
    if skipped:
        assert all(param.grad is None for name, param in model.named_parameters()
                   if name.startswith(skipped))

    optimizer.step()
    unchanged = [name for name, param in model.named_parameters()
                 if (param.detach() - before[name]).abs().max().item() == 0]
    if mode == "train":
        assert unchanged == [], f"{case_id}: parameters the SGD step did not change: {unchanged}"
    else:
        # Eval BatchNorm divides by the initial running variance (1), not the batch's: GoogLeNet's
        # N(0, 0.01) weights then shrink the signal layer by layer and most gradients fall below
        # float32's resolution of the weights. The step still leaves the aux heads alone.
        assert set(unchanged) >= {name for name, _ in model.named_parameters()
                                  if name.startswith(skipped)}

    model.eval()
    with st.no_grad():
        evaluated = model(x)
    assert tuple(evaluated.shape) == (2, CLASSES) and np.isfinite(to_np(evaluated)).all()


def test_every_constructor_has_a_native_size():
    # The parametrization above covers list_models(); this names any constructor it would miss.
    missing = [name for name in models.list_models() if name not in NATIVE]
    assert missing == [], f"add the native input size of {missing} to NATIVE"
    public = [name for name in dir(models) if not name.startswith("_") and name[0].islower()
              and callable(getattr(models, name))
              and name not in ("list_models", "googlenet_loss", "from_torchvision",
                               "torchvision_state_dict")]
    assert sorted(public) == sorted(models.list_models())
