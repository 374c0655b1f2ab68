"""The torch.nn layers and functionals striate composes in Python from other ops (activations,
losses, distances, channel dropout, 1-d adaptive pooling, padding, channel shuffle, upsampling):
parity with torch (forward and every gradient) on random shapes, float64 gradcheck, the modules'
signatures and reprs, and bad inputs."""

import inspect

import numpy as np
import pytest
import striate as st
import striate.nn as nn
from helpers import check_parity, gradcheck

torch = pytest.importorskip("torch")
tF = torch.nn.functional
F = st.nn.functional

PER_DEVICE = True

SIGNS = np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])


def rng_arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


# name: (striate call, torch call, shapes, differentiable inputs)
CASES = {
    "celu": (lambda x: F.celu(x, 0.7), lambda x: tF.celu(x, 0.7), [(3, 4)]),
    "mish": (F.mish, tF.mish, [(3, 4)]),
    "hardsigmoid": (F.hardsigmoid, tF.hardsigmoid, [(4, 5)]),
    "softsign": (F.softsign, tF.softsign, [(3, 4)]),
    "logsigmoid": (F.logsigmoid, tF.logsigmoid, [(3, 4)]),
    "tanhshrink": (F.tanhshrink, tF.tanhshrink, [(3, 4)]),
    "hardshrink": (lambda x: F.hardshrink(x, 0.3), lambda x: tF.hardshrink(x, 0.3), [(4, 4)]),
    "softshrink": (lambda x: F.softshrink(x, 0.3), lambda x: tF.softshrink(x, 0.3), [(4, 4)]),
    "threshold": (
        lambda x: F.threshold(x, 0.2, -1.0),
        lambda x: tF.threshold(x, 0.2, -1.0),
        [(3, 4)],
    ),
    "margin_ranking": (
        lambda a, b: F.margin_ranking_loss(a, b, st.tensor(SIGNS), 0.3),
        lambda a, b: tF.margin_ranking_loss(a, b, torch.tensor(SIGNS).float(), 0.3),
        [(6,), (6,)],
    ),
    "hinge_embedding": (
        lambda x: F.hinge_embedding_loss(x, st.tensor(SIGNS), 0.8, "sum"),
        lambda x: tF.hinge_embedding_loss(x, torch.tensor(SIGNS).float(), 0.8, reduction="sum"),
        [(6,)],
    ),
    "soft_margin": (
        lambda x: F.soft_margin_loss(x, st.tensor(SIGNS)),
        lambda x: tF.soft_margin_loss(x, torch.tensor(SIGNS).float()),
        [(6,)],
    ),
    "multilabel_soft_margin": (
        lambda x, y: F.multilabel_soft_margin_loss(x, (y > 0).float(), reduction="none"),
        lambda x, y: tF.multilabel_soft_margin_loss(x, (y > 0).float(), reduction="none"),
        [(4, 5), (4, 5)],
    ),
    "pairwise_distance": (
        lambda a, b: F.pairwise_distance(a, b, 3.0),
        lambda a, b: tF.pairwise_distance(a, b, 3.0),
        [(4, 5), (4, 5)],
    ),
    "cosine_similarity": (F.cosine_similarity, tF.cosine_similarity, [(4, 5), (4, 5)]),
    "triplet_margin": (
        lambda a, p, n: F.triplet_margin_loss(a, p, n, 0.5, swap=True),
        lambda a, p, n: tF.triplet_margin_loss(a, p, n, 0.5, swap=True),
        [(4, 3), (4, 3), (4, 3)],
    ),
    "poisson_nll": (
        lambda x, y: F.poisson_nll_loss(x, y.abs() * 3, full=True),
        lambda x, y: tF.poisson_nll_loss(x, y.abs() * 3, full=True),
        [(5,), (5,)],
    ),
    "gaussian_nll": (
        lambda x, y, v: F.gaussian_nll_loss(x, y, v.abs() + 0.1, full=True),
        lambda x, y, v: tF.gaussian_nll_loss(x, y, v.abs() + 0.1, full=True),
        [(4, 3), (4, 3), (4, 3)],
    ),
    "normalize": (lambda x: F.normalize(x, 1.5, 0), lambda x: tF.normalize(x, 1.5, 0), [(3, 4)]),
    "adaptive_avg_pool1d": (
        lambda x: F.adaptive_avg_pool1d(x, 3),
        lambda x: tF.adaptive_avg_pool1d(x, 3),
        [(2, 3, 7)],
    ),
    "adaptive_max_pool1d": (
        lambda x: F.adaptive_max_pool1d(x, 2),
        lambda x: tF.adaptive_max_pool1d(x, 2),
        [(2, 7)],
    ),
    "channel_shuffle": (
        lambda x: F.channel_shuffle(x, 3) * st.arange(6.0).reshape(1, 6, 1, 1),
        lambda x: tF.channel_shuffle(x, 3) * torch.arange(6.0).reshape(1, 6, 1, 1),
        [(2, 6, 2, 2)],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_parity_and_gradcheck(name, seed):
    ours, theirs, shapes = CASES[name]
    arrays = rng_arrays(seed, *shapes)
    check_parity(ours, theirs, arrays, fwd_rtol=1e-5, fwd_atol=1e-5)
    gradcheck(ours, [a.astype(np.float64) for a in arrays])


MODULES = [
    ("CELU", (0.5,)),
    ("Mish", ()),
    ("Hardsigmoid", ()),
    ("Softsign", ()),
    ("LogSigmoid", ()),
    ("Tanhshrink", ()),
    ("Hardshrink", (0.2,)),
    ("Softshrink", (0.2,)),
    ("Threshold", (0.1, 3.0)),
    ("Softmax2d", ()),
    ("ZeroPad2d", ((1, 0, 2, 1),)),
    ("ConstantPad1d", (2, 1.5)),
    ("ConstantPad2d", (1, -2.0)),
    ("ReflectionPad2d", (1,)),
    ("ReplicationPad2d", ((0, 1, 1, 2),)),
    ("ReflectionPad1d", (2,)),
    ("ReplicationPad1d", ((1, 3),)),
    ("ZeroPad1d", (2,)),
    ("ChannelShuffle", (2,)),
    ("UpsamplingNearest2d", (None, 2)),
    ("UpsamplingBilinear2d", ((5, 7),)),
    ("AdaptiveAvgPool1d", (3,)),
    ("AdaptiveMaxPool1d", (2,)),
]


@pytest.mark.parametrize("name, args", MODULES, ids=[m[0] for m in MODULES])
def test_modules_match_torch(name, args):
    (x,) = rng_arrays(5, (2, 4, 3, 4) if "1d" not in name else (2, 4, 6))
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    np.testing.assert_allclose(
        ours(st.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-5, atol=1e-6
    )
    ours_params = list(inspect.signature(type(ours)).parameters)
    theirs_params = [
        p
        for p in inspect.signature(type(theirs)).parameters
        if p not in ("device", "dtype", "args", "kwargs")
    ]
    assert ours_params == theirs_params
    assert type(ours).__module__ == "striate.nn" and repr(ours).startswith(f"{name}(")


def test_loss_modules_match_torch():
    a, p, n = rng_arrays(2, (4, 3), (4, 3), (4, 3))
    pairs = [
        (
            nn.TripletMarginLoss(margin=0.4, p=1.0),
            torch.nn.TripletMarginLoss(margin=0.4, p=1.0),
            (a, p, n),
        ),
        (nn.CosineSimilarity(dim=0), torch.nn.CosineSimilarity(dim=0), (a, p)),
        (nn.PairwiseDistance(keepdim=True), torch.nn.PairwiseDistance(keepdim=True), (a, p)),
        (nn.GaussianNLLLoss(), torch.nn.GaussianNLLLoss(), (a, p, np.abs(n) + 0.5)),
        (
            nn.PoissonNLLLoss(log_input=False),
            torch.nn.PoissonNLLLoss(log_input=False),
            (np.abs(a) + 0.1, np.abs(p)),
        ),
        (
            nn.SoftMarginLoss(reduction="sum"),
            torch.nn.SoftMarginLoss(reduction="sum"),
            (a, np.sign(p)),
        ),
        (nn.MarginRankingLoss(0.1), torch.nn.MarginRankingLoss(0.1), (a, p, np.sign(n))),
        (nn.HingeEmbeddingLoss(), torch.nn.HingeEmbeddingLoss(), (a, np.sign(p))),
        (nn.MultiLabelSoftMarginLoss(), torch.nn.MultiLabelSoftMarginLoss(), (a, (p > 0) * 1.0)),
    ]
    for ours, theirs, inputs in pairs:
        inputs = [np.asarray(v, dtype=np.float32) for v in inputs]
        np.testing.assert_allclose(
            ours(*map(st.tensor, inputs)).numpy(),
            theirs(*map(torch.tensor, inputs)).numpy(),
            rtol=1e-5,
            atol=1e-6,
            err_msg=repr(ours),
        )


def test_channel_dropout_zeroes_whole_channels_like_torch():
    x = st.ones(8, 16, 3, 3, 2)
    out = nn.Dropout3d(0.5)(x).numpy()
    per_channel = out.reshape(8, 16, -1)
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # a channel is kept or dropped
    assert 0.2 < (per_channel[..., 0] == 0).mean() < 0.8
    layer = nn.Dropout1d(0.3)
    layer.eval()
    np.testing.assert_array_equal(layer(st.ones(2, 5, 4)).numpy(), np.ones((2, 5, 4)))
    unbatched = F.dropout1d(st.ones(5, 4), 0.5).numpy()
    assert (unbatched.min(-1) == unbatched.max(-1)).all()


def test_bad_inputs_name_the_op_and_argument():
    x = st.randn(3, 4)
    cases = [
        (lambda: F.celu(x, 0.0), ValueError, "celu: alpha must not be 0"),
        (lambda: F.softshrink(x, -1), ValueError, "softshrink: lambd must be >= 0, got -1"),
        (
            lambda: F.mish(st.randn(3, requires_grad=True), inplace=True),
            ValueError,
            "mish: inplace=True on a tensor that requires grad is not supported",
        ),
        (
            lambda: F.margin_ranking_loss(x, x, st.ones(4)),
            ValueError,
            r"margin_ranking_loss: expected tensors of one shape, got input1 \[3, 4\], input2 "
            r"\[3, 4\], target \[4\]",
        ),
        (
            lambda: F.soft_margin_loss(x, x, reduction="avg"),
            ValueError,
            "soft_margin_loss: reduction must be 'mean', 'sum' or 'none', got 'avg'",
        ),
        (
            lambda: F.gaussian_nll_loss(x, x, -st.ones(3, 4)),
            ValueError,
            "gaussian_nll_loss: var has negative entries",
        ),
        (lambda: F.pairwise_distance(x, x, 0), ValueError, "pairwise_distance: p must be positive"),
        (
            lambda: F.pairwise_distance(x, st.ones(5, 4)),
            ValueError,
            r"pairwise_distance: x1 and x2 cannot be broadcast together, got shapes \[3, 4\] and "
            r"\[5, 4\]",
        ),
        (
            lambda: F.pairwise_distance(x, [1.0]),
            TypeError,
            "pairwise_distance: expected x2 as a Tensor",
        ),
        (
            lambda: F.pairwise_distance(st.ones(3, 4, dtype=st.int64), x),
            TypeError,
            "pairwise_distance: expected x1 of a floating-point dtype",
        ),
        (
            lambda: F.cosine_similarity(x, st.ones(3, 5)),
            ValueError,
            r"cosine_similarity: x1 and x2 cannot be broadcast together, got shapes \[3, 4\] and "
            r"\[3, 5\]",
        ),
        (
            lambda: F.cosine_similarity(x, x, dim=2),
            IndexError,
            "cosine_similarity: dim 2 is out of range for inputs of 2 dimensions",
        ),
        (
            lambda: F.dropout1d(st.ones(2, 3, 4, 5)),
            ValueError,
            "dropout1d: expected a 2-D .unbatched. or 3-D .batched. input, got 4-D",
        ),
        (
            lambda: nn.Dropout3d(1.5),
            ValueError,
            "Dropout3d: dropout probability has to be between 0 and 1, but got 1.5",
        ),
        (
            lambda: F.adaptive_avg_pool1d(x, 0),
            ValueError,
            "adaptive_avg_pool1d: expected output_size as a positive int, got 0",
        ),
        (
            lambda: F.channel_shuffle(st.ones(2, 5, 3, 3), 2),
            ValueError,
            r"channel_shuffle: expected an input \(N, C, \*\) with C divisible by groups=2",
        ),
        (lambda: nn.ZeroPad2d((1, 2, 3)), ValueError, None),
        (
            lambda: nn.ZeroPad2d((1, 2, 3))(st.ones(1, 1, 2, 2)),
            ValueError,
            r"ZeroPad2d: expected padding as an int or a tuple of 4 ints, got \(1, 2, 3\)",
        ),
        (lambda: nn.Threshold(0.5), TypeError, "Threshold: missing a required argument: 'value'"),
    ]
    for call, error, message in cases:
        if message is None:
            call()  # built lazily, as torch's: the check is at forward
            continue
        with pytest.raises(error, match=message):
            call()
