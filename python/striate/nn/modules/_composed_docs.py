"""Docstrings of the layers composed in Python (_composed.py), Google style; the examples run as
doctests with striate as st, striate.nn as nn."""

_ELEMENTWISE_SHAPE = """
Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.
"""

_REDUCTION = """    reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``."""

CELU = f"""Continuously differentiable ELU, elementwise:
``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

Args:
    alpha (float): Scale of the negative part. Default: 1.0.
    inplace (bool): Overwrite the input. Default: False.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.CELU()(st.tensor([0.0, 1.0]))
    tensor([0., 1.])
"""

Mish = f"""Mish, elementwise: ``x * tanh(softplus(x))``.

Args:
    inplace (bool): Overwrite the input. Default: False.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.Mish()(st.randn(2, 3)).shape
    striate.Size([2, 3])
"""

Hardsigmoid = f"""Hard sigmoid, elementwise: ``relu6(x + 3) / 6``.

Args:
    inplace (bool): Overwrite the input. Default: False.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.Hardsigmoid()(st.tensor([-4.0, 0.0, 4.0]))
    tensor([0.0000, 0.5000, 1.0000])
"""

Softsign = f"""Softsign, elementwise: ``x / (1 + |x|)``.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.Softsign()(st.tensor([1.0, -3.0]))
    tensor([ 0.5000, -0.7500])
"""

LogSigmoid = f"""Log-sigmoid, elementwise: ``log(sigmoid(x)) = -softplus(-x)``, computed stably.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.LogSigmoid()(st.tensor([0.0]))
    tensor([-0.6931])
"""

Tanhshrink = f"""Tanhshrink, elementwise: ``x - tanh(x)``.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.Tanhshrink()(st.tensor([0.0]))
    tensor([0.])
"""

Hardshrink = f"""Hard shrinkage, elementwise: ``x`` where ``|x| > lambd``, else 0.

Args:
    lambd (float): The threshold. Default: 0.5.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.Hardshrink()(st.tensor([-1.0, 0.2, 0.7]))
    tensor([-1.0000,  0.0000,  0.7000])
"""

Softshrink = f"""Soft shrinkage, elementwise: ``x - lambd`` where ``x > lambd``, ``x + lambd`` where
``x < -lambd``, else 0.

Args:
    lambd (float): The threshold (>= 0). Default: 0.5.
{_ELEMENTWISE_SHAPE}
Raises:
    ValueError: ``lambd`` is negative.

Example:
    >>> nn.Softshrink()(st.tensor([-1.0, 0.2, 1.5]))
    tensor([-0.5000,  0.0000,  1.0000])
"""

Threshold = f"""Thresholding, elementwise: ``x`` where ``x > threshold``, else ``value``.

Args:
    threshold (float): The threshold.
    value (float): The replacement below it.
    inplace (bool): Overwrite the input. Default: False.
{_ELEMENTWISE_SHAPE}
Example:
    >>> nn.Threshold(0.1, 20.0)(st.tensor([0.0, 0.5]))
    tensor([20.0000,  0.5000])
"""

Softmax2d = """Softmax over the channels at every spatial position: ``softmax(x, dim=-3)``.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: the input's shape.

Raises:
    IndexError: The input has fewer than 3 dimensions.

Example:
    >>> y = nn.Softmax2d()(st.randn(2, 3, 4, 4))
    >>> y.shape
    striate.Size([2, 3, 4, 4])
"""

MarginRankingLoss = f"""Margin ranking loss: ``max(0, -y * (x1 - x2) + margin)`` with ``y`` 1
(x1 should rank higher) or -1.

Args:
    margin (float): The margin. Default: 0.0.
{_REDUCTION}

Shape:
    - Input1, Input2: (N,) or ().
    - Target: the same shape, values 1 or -1.
    - Output: a scalar, or (N,) with ``reduction='none'``.

Example:
    >>> loss = nn.MarginRankingLoss(margin=0.5)
    >>> loss(st.tensor([1.0, 0.0]), st.tensor([0.0, 1.0]), st.tensor([1.0, 1.0]))
    tensor(0.7500)
"""

HingeEmbeddingLoss = f"""Hinge embedding loss: ``x`` where ``y = 1``, ``max(0, margin - x)`` where
``y = -1`` (x is typically a distance).

Args:
    margin (float): The margin. Default: 1.0.
{_REDUCTION}

Shape:
    - Input: (*).
    - Target: (*), values 1 or -1.
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> nn.HingeEmbeddingLoss()(st.tensor([0.3, 0.4]), st.tensor([1.0, -1.0]))
    tensor(0.4500)
"""

SoftMarginLoss = f"""Two-class logistic loss: ``log(1 + exp(-y * x))`` with ``y`` 1 or -1.

Args:
{_REDUCTION}

Shape:
    - Input: (*).
    - Target: (*), values 1 or -1.
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> nn.SoftMarginLoss()(st.tensor([0.0]), st.tensor([1.0]))
    tensor(0.6931)
"""

MultiLabelSoftMarginLoss = f"""Multi-label one-versus-all logistic loss:
``-mean_c(w_c * (y_c * log(sigmoid(x_c)) + (1 - y_c) * log(sigmoid(-x_c))))`` per sample.

Args:
    weight (Tensor, optional): (C,) weight per class. Default: None.
{_REDUCTION}

Shape:
    - Input: (N, C).
    - Target: (N, C) with values 0 or 1.
    - Output: a scalar, or (N,) with ``reduction='none'``.

Example:
    >>> loss = nn.MultiLabelSoftMarginLoss()
    >>> loss(st.zeros(2, 3), st.tensor([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]))
    tensor(0.6931)
"""

TripletMarginLoss = f"""Triplet margin loss: ``max(0, d(a, p) - d(a, n) + margin)`` with ``d`` the
p-norm distance (:class:`PairwiseDistance`); ``swap`` uses ``min(d(a, n), d(p, n))``.

Args:
    margin (float): The margin. Default: 1.0.
    p (float): The norm degree. Default: 2.0.
    eps (float): Added to the differences for stability. Default: 1e-6.
    swap (bool): The distance swap of Balntas et al. Default: False.
{_REDUCTION}

Shape:
    - Anchor, Positive, Negative: (N, D) or (D,).
    - Output: a scalar, or (N,) with ``reduction='none'``.

Example:
    >>> a, p, n = st.randn(4, 8), st.randn(4, 8), st.randn(4, 8)
    >>> nn.TripletMarginLoss()(a, p, n).shape
    striate.Size([])
"""

PoissonNLLLoss = f"""Negative log-likelihood of a Poisson target: ``exp(x) - y * x`` with
``log_input`` (x is the log-rate), else ``x - y * log(x + eps)``; ``full`` adds Stirling's term
``y * log(y) - y + 0.5 * log(2 * pi * y)`` where ``y > 1``.

Args:
    log_input (bool): The input is the log of the rate. Default: True.
    full (bool): Add the Stirling approximation term. Default: False.
    eps (float): Keeps the log finite when ``log_input=False``. Default: 1e-8.
{_REDUCTION}

Shape:
    - Input: (*).
    - Target: (*), the input's shape.
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> nn.PoissonNLLLoss()(st.zeros(3), st.ones(3))
    tensor(1.)
"""

GaussianNLLLoss = f"""Negative log-likelihood of a Gaussian target with predicted mean ``input`` and
variance ``var``: ``0.5 * (log(max(var, eps)) + (input - target)^2 / max(var, eps))``, plus
``0.5 * log(2 * pi)`` with ``full``. Called as ``loss(input, target, var)``.

Args:
    full (bool): Add the constant term. Default: False.
    eps (float): Lower clamp of the variance. Default: 1e-6.
{_REDUCTION}

Shape:
    - Input: (N, *).
    - Target: (N, *), the input's shape.
    - Var: the input's shape, or with one dimension of size 1 (broadcast).
    - Output: a scalar, or (N, *) with ``reduction='none'``.

Raises:
    ValueError: ``var`` has a negative entry or a shape that does not broadcast.

Example:
    >>> nn.GaussianNLLLoss()(st.zeros(2), st.zeros(2), st.ones(2))
    tensor(0.)
"""

CosineSimilarity = """Cosine similarity along ``dim``: ``x1 . x2 / max(||x1|| * ||x2||, eps)``.

Args:
    dim (int): The dimension of the vectors. Default: 1.
    eps (float): Lower bound of the norms' product. Default: 1e-8.

Shape:
    - Input1, Input2: (*, D, *), broadcastable to each other.
    - Output: the broadcast shape without ``dim``.

Example:
    >>> nn.CosineSimilarity(dim=1)(st.tensor([[1.0, 0.0]]), st.tensor([[1.0, 0.0]]))
    tensor([1.])
"""

PairwiseDistance = """The p-norm of ``x1 - x2 + eps`` over the last dimension.

Args:
    p (float): The norm degree. Default: 2.0.
    eps (float): Added to the difference. Default: 1e-6.
    keepdim (bool): Keep the last dimension (size 1). Default: False.

Shape:
    - Input1, Input2: (N, D) or (D,).
    - Output: (N,) (or (N, 1) with ``keepdim``).

Example:
    >>> d = nn.PairwiseDistance()(st.tensor([[3.0, 0.0]]), st.tensor([[0.0, 4.0]]))
    >>> [round(v, 4) for v in d.tolist()]
    [5.0]
"""

AdaptiveAvgPool1d = """1-D average pooling to a fixed length: the window of output i spans
``floor(i * L / L_out)`` to ``ceil((i + 1) * L / L_out)``.

Args:
    output_size (int): L_out.

Shape:
    - Input: (N, C, L) or (C, L).
    - Output: (N, C, L_out) or (C, L_out).

Raises:
    ValueError: ``output_size`` is not a positive int.

Example:
    >>> nn.AdaptiveAvgPool1d(5)(st.randn(1, 64, 8)).shape
    striate.Size([1, 64, 5])
"""

AdaptiveMaxPool1d = """1-D max pooling to a fixed length, with the windows of
:class:`AdaptiveAvgPool1d`.

Args:
    output_size (int): L_out.
    return_indices (bool): Also return the arg-max indices. Default: False.

Shape:
    - Input: (N, C, L) or (C, L).
    - Output: (N, C, L_out) or (C, L_out).

Raises:
    ValueError: ``output_size`` is not a positive int.

Example:
    >>> nn.AdaptiveMaxPool1d(4)(st.randn(1, 3, 9)).shape
    striate.Size([1, 3, 4])
"""

ChannelShuffle = """ShuffleNet's channel shuffle: splits the C channels into ``groups`` groups
and interleaves them, ``(N, g, C / g, H, W) -> (N, C / g, g, H, W)`` reshaped back to
(N, C, H, W).

Args:
    groups (int): Number of groups; must divide C.

Shape:
    - Input: (N, C, *).
    - Output: the input's shape.

Raises:
    ValueError: ``groups`` does not divide the channel count.

Example:
    >>> x = st.arange(4.0).reshape(1, 4, 1, 1)
    >>> nn.ChannelShuffle(2)(x).flatten().tolist()
    [0.0, 2.0, 1.0, 3.0]
"""

UpsamplingNearest2d = """Nearest-neighbour upsampling of (N, C, H, W) maps:
``F.interpolate(x, size, scale_factor, mode='nearest')``.

Args:
    size (int or tuple, optional): Output size (H_out, W_out). Default: None.
    scale_factor (float or tuple, optional): Multiplier of the spatial size. Default: None.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, H_out, W_out).

Raises:
    ValueError: Neither or both of ``size`` and ``scale_factor`` given.

Example:
    >>> nn.UpsamplingNearest2d(scale_factor=2)(st.randn(1, 1, 2, 2)).shape
    striate.Size([1, 1, 4, 4])
"""

UpsamplingBilinear2d = """Bilinear upsampling of (N, C, H, W) maps with ``align_corners=True``:
``F.interpolate(x, size, scale_factor, mode='bilinear', align_corners=True)``.

Args:
    size (int or tuple, optional): Output size (H_out, W_out). Default: None.
    scale_factor (float or tuple, optional): Multiplier of the spatial size. Default: None.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, H_out, W_out).

Raises:
    ValueError: Neither or both of ``size`` and ``scale_factor`` given.

Example:
    >>> nn.UpsamplingBilinear2d(size=(3, 5))(st.randn(1, 1, 2, 2)).shape
    striate.Size([1, 1, 3, 5])
"""


def padding(name, dims, mode):
    """The docstring of the padding module ``name`` (ZeroPad2d, ReflectionPad1d, ...)."""
    sides = {1: "(left, right)", 2: "(left, right, top, bottom)",
             3: "(left, right, top, bottom, front, back)"}[dims]
    shape_in = {1: "(N, C, W)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}[dims]
    shape_out = {1: "(N, C, W + left + right)",
                 2: "(N, C, H + top + bottom, W + left + right)",
                 3: "(N, C, D + front + back, H + top + bottom, W + left + right)"}[dims]
    what = {"constant": "with a constant value" if name.startswith("Constant") else "with zeros",
            "reflect": "with the reflection of the input (the edge not repeated)",
            "replicate": "by repeating the edge values"}[mode]
    value = ("\n    value (float): The fill value." if name.startswith("Constant") else "")
    x = {1: "st.randn(1, 2, 4)", 2: "st.randn(1, 2, 4, 4)", 3: "st.randn(1, 2, 4, 4, 4)"}[dims]
    out = {1: "[1, 2, 6]", 2: "[1, 2, 6, 6]", 3: "[1, 2, 6, 6, 6]"}[dims]
    arguments = "(1, 2.0)" if name.startswith("Constant") else "(1)"
    return f"""Pads the last {dims} dimension(s) {what}, as torch.nn.{name}.

Args:
    padding (int or tuple): The same amount on every side, or {2 * dims} ints {sides}.{value}

Shape:
    - Input: {shape_in} or without N.
    - Output: {shape_out}.

Raises:
    ValueError: ``padding`` is neither an int nor {2 * dims} ints{
        ", or exceeds the input's size" if mode == "reflect" else ""}.

Example:
    >>> nn.{name}{arguments}({x}).shape
    striate.Size({out})
"""


Unfold = """Every ``kernel_size`` patch of the input as a column (im2col); the module of
:func:`striate.nn.functional.unfold`, which gives the formula of L.

Args:
    kernel_size (int or tuple): The patch size (kh, kw).
    dilation (int or tuple): Spacing between a patch's elements. Default: 1.
    padding (int or tuple): Zero padding on both sides of H and W. Default: 0.
    stride (int or tuple): Step between patches. Default: 1.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: (N, C * kh * kw, L) or (C * kh * kw, L), L the number of patches.

Raises:
    ValueError: The input is not 3-D or 4-D, or the kernel does not fit the padded input.

Example:
    >>> nn.Unfold(kernel_size=3, padding=1)(st.randn(2, 4, 5, 5)).shape
    striate.Size([2, 36, 25])
"""

Fold = """Columns summed back into an image (col2im, the adjoint of :class:`Unfold`; overlapping
patches add); the module of :func:`striate.nn.functional.fold`.

Args:
    output_size (int or tuple): The image's (H, W).
    kernel_size (int or tuple): The patch size (kh, kw).
    dilation (int or tuple): Spacing between a patch's elements. Default: 1.
    padding (int or tuple): The padding unfold added (dropped here). Default: 0.
    stride (int or tuple): Step between patches. Default: 1.

Shape:
    - Input: (N, C * kh * kw, L) or (C * kh * kw, L).
    - Output: (N, C, H, W) or (C, H, W).

Raises:
    ValueError: The input's size(1) is not a multiple of kh * kw, or L does not match
        ``output_size``.

Example:
    >>> nn.Fold(output_size=(4, 5), kernel_size=2)(st.randn(1, 3 * 2 * 2, 12)).shape
    striate.Size([1, 3, 4, 5])
"""

LPPool2d = """2-D power-average pooling: ``(sum over each window of x^p)^(1/p)``; p = 1 is sum
pooling. The module of :func:`striate.nn.functional.lp_pool2d`.

Args:
    norm_type (float): The power p (> 0).
    kernel_size (int or tuple): The window (kh, kw).
    stride (int or tuple, optional): Step between windows. Default: None (= kernel_size).
    ceil_mode (bool): Round the output size up. Default: False.

Shape:
    - Input: (N, C, H, W) or (C, H, W).
    - Output: (N, C, H_out, W_out), ``H_out = floor((H - kh) / stride + 1)``.

Raises:
    ValueError: ``norm_type`` is not positive.

Example:
    >>> nn.LPPool2d(2, 2)(st.ones(1, 1, 4, 4)).flatten().tolist()
    [2.0, 2.0, 2.0, 2.0]
"""

AdaptiveAvgPool3d = """3-D adaptive average pooling: the output has ``output_size`` whatever
the input's size; along an axis of size n, output i averages
``[floor(i * n / out), ceil((i + 1) * n / out))``.

Args:
    output_size (int or tuple): (D_out, H_out, W_out); an int for all three, None in the tuple
        keeps that axis's size.

Shape:
    - Input: (N, C, D, H, W) or (C, D, H, W).
    - Output: (N, C, D_out, H_out, W_out) or (C, D_out, H_out, W_out).

Raises:
    ValueError: The input is not 4-D or 5-D, or an output size is < 1.

Example:
    >>> nn.AdaptiveAvgPool3d((1, 2, 2))(st.randn(2, 3, 5, 7, 7)).shape
    striate.Size([2, 3, 1, 2, 2])
"""

AdaptiveMaxPool3d = """3-D adaptive max pooling: the maxima over the windows of
:class:`AdaptiveAvgPool3d`.

Args:
    output_size (int or tuple): (D_out, H_out, W_out); an int for all three, None in the tuple
        keeps that axis's size.
    return_indices (bool): Not supported (True raises NotImplementedError on forward).
        Default: False.

Shape:
    - Input: (N, C, D, H, W) or (C, D, H, W).
    - Output: (N, C, D_out, H_out, W_out) or (C, D_out, H_out, W_out).

Raises:
    ValueError: The input is not 4-D or 5-D, or an output size is < 1.

Example:
    >>> x = st.arange(8.0).reshape(1, 1, 2, 2, 2)
    >>> nn.AdaptiveMaxPool3d((1, 1, 2))(x).flatten().tolist()
    [6.0, 7.0]
"""

# The examples of each composed class's forward and extra_repr (_composed.py writes them):
# name: (constructor arguments, forward inputs, what the forward example shows of the output,
# that shown output, extra_repr()'s output).
METHOD_EXAMPLES = {
    "CELU": (
        'alpha=2.0',
        'st.tensor([-1.0, 1.0])',
        '',
        'tensor([-0.7869,  1.0000])',
        "'alpha=2.0, inplace=False'",
    ),
    "Mish": (
        '',
        'st.tensor([0.0, 1.0])',
        '',
        'tensor([0.0000, 0.8651])',
        "'inplace=False'",
    ),
    "Hardsigmoid": (
        '',
        'st.tensor([-4.0, 0.0, 4.0])',
        '',
        'tensor([0.0000, 0.5000, 1.0000])',
        "'inplace=False'",
    ),
    "Softsign": (
        '',
        'st.tensor([1.0, -3.0])',
        '',
        'tensor([ 0.5000, -0.7500])',
        "''",
    ),
    "LogSigmoid": (
        '',
        'st.tensor([0.0])',
        '',
        'tensor([-0.6931])',
        "''",
    ),
    "Tanhshrink": (
        '',
        'st.tensor([0.0])',
        '',
        'tensor([0.])',
        "''",
    ),
    "Hardshrink": (
        'lambd=1.0',
        'st.tensor([-2.0, 0.5, 2.0])',
        '',
        'tensor([-2.,  0.,  2.])',
        "'lambd=1.0'",
    ),
    "Softshrink": (
        'lambd=1.0',
        'st.tensor([-2.0, 0.5, 2.0])',
        '',
        'tensor([-1.,  0.,  1.])',
        "'lambd=1.0'",
    ),
    "Threshold": (
        '0.1, 20.0',
        'st.tensor([0.0, 0.5])',
        '',
        'tensor([20.0000,  0.5000])',
        "'threshold=0.1, value=20.0, inplace=False'",
    ),
    "Softmax2d": (
        '',
        'st.zeros(1, 2, 1, 1)',
        '.shape',
        'striate.Size([1, 2, 1, 1])',
        "''",
    ),
    "MarginRankingLoss": (
        'margin=0.5',
        'st.tensor([1.0, 0.0]), st.tensor([0.0, 1.0]), st.tensor([1.0, 1.0])',
        '',
        'tensor(0.7500)',
        '"margin=0.5, reduction=\'mean\'"',
    ),
    "HingeEmbeddingLoss": (
        'margin=2.0',
        'st.tensor([0.3, 0.4]), st.tensor([1.0, -1.0])',
        '',
        'tensor(0.9500)',
        '"margin=2.0, reduction=\'mean\'"',
    ),
    "SoftMarginLoss": (
        "reduction='sum'",
        'st.tensor([0.0, 0.0]), st.tensor([1.0, -1.0])',
        '',
        'tensor(1.3863)',
        '"reduction=\'sum\'"',
    ),
    "MultiLabelSoftMarginLoss": (
        "reduction='none'",
        'st.zeros(2, 3), st.ones(2, 3)',
        '',
        'tensor([0.6931, 0.6931])',
        '"weight=None, reduction=\'none\'"',
    ),
    "TripletMarginLoss": (
        'margin=0.5',
        'st.zeros(1, 2), st.zeros(1, 2), st.ones(1, 2)',
        '',
        'tensor(0.)',
        '"margin=0.5, p=2.0, eps=1e-06, swap=False, reduction=\'mean\'"',
    ),
    "PoissonNLLLoss": (
        'log_input=False',
        'st.ones(3), st.ones(3)',
        '',
        'tensor(1.)',
        '"log_input=False, full=False, eps=1e-08, reduction=\'mean\'"',
    ),
    "GaussianNLLLoss": (
        'full=True',
        'st.zeros(2), st.zeros(2), st.ones(2)',
        '',
        'tensor(0.9189)',
        '"full=True, eps=1e-06, reduction=\'mean\'"',
    ),
    "CosineSimilarity": (
        'dim=0',
        'st.tensor([1.0, 0.0]), st.tensor([1.0, 1.0])',
        '',
        'tensor(0.7071)',
        "'dim=0, eps=1e-08'",
    ),
    "PairwiseDistance": (
        'p=1.0',
        'st.tensor([[3.0, 0.0]]), st.tensor([[0.0, 4.0]])',
        '',
        'tensor([7.])',
        "'p=1.0, eps=1e-06, keepdim=False'",
    ),
    "AdaptiveAvgPool1d": (
        '2',
        'st.arange(4.0).reshape(1, 1, 4)',
        '',
        'tensor([[[0.5000, 2.5000]]])',
        "'output_size=2'",
    ),
    "AdaptiveMaxPool1d": (
        '2',
        'st.arange(4.0).reshape(1, 1, 4)',
        '',
        'tensor([[[1., 3.]]])',
        "'output_size=2, return_indices=False'",
    ),
    "ChannelShuffle": (
        '2',
        'st.arange(4.0).reshape(1, 4, 1, 1)',
        '.flatten().tolist()',
        '[0.0, 2.0, 1.0, 3.0]',
        "'groups=2'",
    ),
    "UpsamplingNearest2d": (
        'scale_factor=2',
        'st.randn(1, 1, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4])',
        "'size=None, scale_factor=2'",
    ),
    "UpsamplingBilinear2d": (
        'size=(3, 5)',
        'st.randn(1, 1, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 3, 5])',
        "'size=(3, 5), scale_factor=None'",
    ),
    "Unfold": (
        'kernel_size=2',
        'st.randn(1, 3, 4, 4)',
        '.shape',
        'striate.Size([1, 12, 9])',
        "'kernel_size=2, dilation=1, padding=0, stride=1'",
    ),
    "Fold": (
        'output_size=(4, 4), kernel_size=2',
        'st.randn(1, 12, 9)',
        '.shape',
        'striate.Size([1, 3, 4, 4])',
        "'output_size=(4, 4), kernel_size=2, dilation=1, padding=0, stride=1'",
    ),
    "LPPool2d": (
        '2, 2',
        'st.ones(1, 1, 4, 4)',
        '.flatten().tolist()',
        '[2.0, 2.0, 2.0, 2.0]',
        "'norm_type=2, kernel_size=2, stride=None, ceil_mode=False'",
    ),
    "AdaptiveAvgPool3d": (
        '(1, 2, 2)',
        'st.randn(1, 3, 4, 4, 4)',
        '.shape',
        'striate.Size([1, 3, 1, 2, 2])',
        "'output_size=(1, 2, 2)'",
    ),
    "AdaptiveMaxPool3d": (
        '1',
        'st.randn(1, 3, 4, 4, 4)',
        '.shape',
        'striate.Size([1, 3, 1, 1, 1])',
        "'output_size=1, return_indices=False'",
    ),
    "ZeroPad1d": (
        '1',
        'st.arange(3.0).reshape(1, 1, 3)',
        '',
        'tensor([[[0., 0., 1., 2., 0.]]])',
        "'padding=1'",
    ),
    "ConstantPad1d": (
        '1, 2.5',
        'st.arange(3.0).reshape(1, 1, 3)',
        '',
        'tensor([[[2.5000, 0.0000, 1.0000, 2.0000, 2.5000]]])',
        "'padding=1, value=2.5'",
    ),
    "ReflectionPad1d": (
        '1',
        'st.arange(3.0).reshape(1, 1, 3)',
        '',
        'tensor([[[1., 0., 1., 2., 1.]]])',
        "'padding=1'",
    ),
    "ReplicationPad1d": (
        '1',
        'st.arange(3.0).reshape(1, 1, 3)',
        '',
        'tensor([[[0., 0., 1., 2., 2.]]])',
        "'padding=1'",
    ),
    "ZeroPad2d": (
        '1',
        'st.arange(4.0).reshape(1, 1, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4])',
        "'padding=1'",
    ),
    "ConstantPad2d": (
        '1, 2.5',
        'st.arange(4.0).reshape(1, 1, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4])',
        "'padding=1, value=2.5'",
    ),
    "ReflectionPad2d": (
        '1',
        'st.arange(4.0).reshape(1, 1, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4])',
        "'padding=1'",
    ),
    "ReplicationPad2d": (
        '1',
        'st.arange(4.0).reshape(1, 1, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4])',
        "'padding=1'",
    ),
    "ZeroPad3d": (
        '1',
        'st.ones(1, 1, 2, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4, 4])',
        "'padding=1'",
    ),
    "ConstantPad3d": (
        '1, 2.5',
        'st.ones(1, 1, 2, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4, 4])',
        "'padding=1, value=2.5'",
    ),
    "ReflectionPad3d": (
        '1',
        'st.ones(1, 1, 2, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4, 4])',
        "'padding=1'",
    ),
    "ReplicationPad3d": (
        '1',
        'st.ones(1, 1, 2, 2, 2)',
        '.shape',
        'striate.Size([1, 1, 4, 4, 4])',
        "'padding=1'",
    ),
}
