// Docstrings of the merge blocks bound in bind_blocks.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kResidual = R"doc(Summation merge: ``y = post(drop_path(body(x)) + shortcut(x))``.

In backward the input's gradient is the sum of what the body and the shortcut send back (the
fan-out rule of the notes). An absent shortcut is the identity, an absent post is skipped.

Args:
    body (Module): The residual branch F.
    shortcut (Module, optional): The skip branch (a projection, :class:`ZeroPadShortcut`).
        Default: None (identity).
    post (Module, optional): Applied after the addition (a ReLU). Default: None.
    drop_path (float): Stochastic depth: probability of dropping the body per sample in
        training. Default: 0.0.
    input_shape (tuple of int, optional, keyword-only): One sample's shape, without the batch
        dimension (``(C, H, W)``). When given, the block runs once on zeros of that shape at
        construction (eval mode, no graph), so that branches whose outputs cannot be merged fail
        now, with each branch's shape and the projection that would fix them, instead of at the
        first forward. Default: None.

Shape:
    - Input: what ``body`` and ``shortcut`` take.
    - Output: their (common) output shape.

Raises:
    ValueError: The body's and the shortcut's outputs differ in shape (at construction when
        ``input_shape`` is given, else at the first forward; the message suggests the fix).

Example:
    >>> body = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1))
    >>> block = nn.Residual(body, post=nn.ReLU(), input_shape=(8, 6, 6))  # checked now
    >>> block(st.randn(2, 8, 6, 6)).shape
    striate.Size([2, 8, 6, 6])
)doc";

inline constexpr const char* kConcat = R"doc(Concatenation merge: runs every branch on the same input and
concatenates the outputs along ``dim`` (Inception, DenseNet). In backward each branch receives
its slice of the gradient.

Args:
    *branches (Module): The branches, in output order.
    dim (int): The dimension to concatenate along. Default: 1 (channels).
    input_shape (tuple of int, optional, keyword-only): One sample's shape, without the batch
        dimension (``(C, H, W)``). When given, the block runs once on zeros of that shape at
        construction (eval mode, no graph), so that branches whose outputs cannot be merged fail
        now, with each branch's shape and the projection that would fix them, instead of at the
        first forward. Default: None.

Shape:
    - Input: what every branch takes.
    - Output: the branch outputs concatenated along ``dim``.

Raises:
    TypeError: A branch is not a Module.
    ValueError: The outputs differ outside ``dim``.

Example:
    >>> m = nn.Concat(nn.Conv2d(3, 4, 1), nn.Conv2d(3, 6, 3, padding=1))
    >>> m(st.randn(2, 3, 5, 5)).shape
    striate.Size([2, 10, 5, 5])
)doc";

inline constexpr const char* kParallel = R"doc(Runs every branch on the same input and merges the outputs,
concatenated along the channels (``merge='cat'``) or summed (``merge='sum'``).

Args:
    *branches (Module): The branches.
    merge (str): ``'cat'`` or ``'sum'``. Default: ``'cat'``.
    input_shape (tuple of int, optional, keyword-only): One sample's shape, without the batch
        dimension (``(C, H, W)``). When given, the block runs once on zeros of that shape at
        construction (eval mode, no graph), so that branches whose outputs cannot be merged fail
        now, with each branch's shape and the projection that would fix them, instead of at the
        first forward. Default: None.

Shape:
    - Input: what every branch takes.
    - Output: the merged outputs.

Raises:
    TypeError: A branch is not a Module.
    ValueError: ``merge`` is unknown, or the outputs cannot be merged.

Example:
    >>> m = nn.Parallel(nn.Linear(4, 3), nn.Linear(4, 3), merge="sum")
    >>> m(st.randn(2, 4)).shape
    striate.Size([2, 3])
)doc";

inline constexpr const char* kZeroPadShortcut = R"doc(He et al.'s option A shortcut of the CIFAR
ResNets: keeps every ``stride``-th pixel and pads the new channels with zeros, so the shortcut has
no parameters.

Args:
    in_channels (int): Channels of the input.
    out_channels (int): Channels of the output (>= in_channels).
    stride (int): Spatial subsampling. Default: 1.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, out_channels, ceil(H / stride), ceil(W / stride)).

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.ZeroPadShortcut(16, 32, stride=2)(st.randn(2, 16, 8, 8)).shape
    striate.Size([2, 32, 4, 4])
)doc";

inline constexpr const char* kBasicBlock = R"doc(ResNet's basic residual unit (torchvision's BasicBlock):
conv3x3(stride)-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU. When the shape changes the
shortcut ``downsample`` is a 1x1 conv + BN (option ``'B'``) or the parameter-free
:class:`ZeroPadShortcut` (option ``'A'``).

Args:
    in_channels (int): Channels of the input.
    out_channels (int): Channels of the output.
    stride (int): Stride of the first conv (and the shortcut). Default: 1.
    shortcut (str): ``'A'`` or ``'B'``. Default: ``'B'``.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, out_channels, H_out, W_out), ``H_out = floor((H - 1) / stride) + 1``.

Raises:
    ValueError: ``shortcut`` is not 'A' or 'B', or the input's channels differ.

Example:
    >>> nn.BasicBlock(16, 32, stride=2)(st.randn(2, 16, 8, 8)).shape
    striate.Size([2, 32, 4, 4])
)doc";

inline constexpr const char* kBottleneck = R"doc(ResNet's bottleneck unit (torchvision's, v1.5: the stride
sits on the 3x3): 1x1 to ``width``, grouped 3x3, 1x1 to ``planes * 4``, each followed by BN,
plus the shortcut, then ReLU. ``width = planes * base_width / 64 * groups``, so ``groups=32,
base_width=4`` is ResNeXt's block; ``se_reduction > 0`` adds a :class:`SqueezeExcite` before the
addition (SE-ResNet).

Args:
    in_channels (int): Channels of the input.
    planes (int): Inner width before expansion; the output has ``planes * 4`` channels.
    stride (int): Stride of the 3x3 conv. Default: 1.
    groups (int): Groups of the 3x3 conv (ResNeXt cardinality). Default: 1.
    base_width (int): Width per group. Default: 64.
    se_reduction (int): Squeeze-and-excitation ratio; 0 for none. Default: 0.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, planes * 4, H_out, W_out), ``H_out = floor((H - 1) / stride) + 1``.

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.Bottleneck(64, 16)(st.randn(1, 64, 8, 8)).shape
    striate.Size([1, 64, 8, 8])
)doc";

inline constexpr const char* kPreActBlock = R"doc(He et al.'s pre-activation residual unit:
BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 plus the shortcut, with no activation after the addition.
A shape change uses a 1x1 conv ``shortcut`` on the pre-activated input.

Args:
    in_channels (int): Channels of the input.
    out_channels (int): Channels of the output.
    stride (int): Stride of the first conv. Default: 1.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, out_channels, H_out, W_out), ``H_out = floor((H - 1) / stride) + 1``.

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.PreActBlock(16, 16)(st.randn(2, 16, 8, 8)).shape
    striate.Size([2, 16, 8, 8])
)doc";

inline constexpr const char* kWideBlock = R"doc(Zagoruyko and Komodakis' wide residual unit: the
pre-activation unit with dropout between the two convs.

Args:
    in_channels (int): Channels of the input.
    out_channels (int): Channels of the output.
    stride (int): Stride of the first conv. Default: 1.
    dropout (float): Dropout probability between the convs. Default: 0.0.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, out_channels, H_out, W_out), ``H_out = floor((H - 1) / stride) + 1``.

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.WideBlock(16, 32, stride=2, dropout=0.3)(st.randn(2, 16, 8, 8)).shape
    striate.Size([2, 32, 4, 4])
)doc";

inline constexpr const char* kSubsampling = R"doc(LeNet-5's trainable subsampling (S) layer: each map is
average-pooled 2x2, multiplied by a trainable coefficient, shifted by a trainable bias and
squashed by a sigmoid: ``y_c = sigmoid(weight_c * avgpool2x2(x_c) + bias_c)``.

Args:
    channels (int): C, the number of maps.

Shape:
    - Input: (N, C, H, W).
    - Output: (N, C, H / 2, W / 2) (floor).

Raises:
    ValueError: The input's channels differ from ``channels``.

Example:
    >>> nn.Subsampling(6)(st.randn(1, 6, 28, 28)).shape
    striate.Size([1, 6, 14, 14])
)doc";

inline constexpr const char* kScaledTanh = R"doc(LeNet-5's squashing function (LeCun et al. 1998,
appendix A): ``f(a) = A * tanh(S * a)`` with A = 1.7159 and S = 2/3, so f(1) = 1 and f(-1) = -1.

Shape:
    - Input: (*), any shape.
    - Output: (*), the input's shape.

Example:
    >>> round(nn.ScaledTanh()(st.tensor([1.0])).item(), 3)
    1.0
)doc";

inline constexpr const char* kBasicConv2d = R"doc(torchvision's BasicConv2d for GoogLeNet: conv (no bias) ->
BatchNorm (eps 1e-3) -> ReLU.

Args:
    in_channels (int): Channels of the input.
    out_channels (int): Channels of the output.
    kernel_size (int): Square kernel size.
    stride (int): Default: 1.
    padding (int): Default: 0.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, out_channels, H_out, W_out) with Conv2d's output size.

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.BasicConv2d(3, 8, 3, padding=1)(st.randn(1, 3, 6, 6)).shape
    striate.Size([1, 8, 6, 6])
)doc";

inline constexpr const char* kFire = R"doc(SqueezeNet's Fire module: squeeze 1x1 -> ReLU, then expand 1x1
and expand 3x3 (each -> ReLU) concatenated on the channels.

Args:
    in_channels (int): Channels of the input.
    squeeze_channels (int): Channels of the squeeze 1x1 conv.
    expand1x1_channels (int): Channels of the expand 1x1 conv.
    expand3x3_channels (int): Channels of the expand 3x3 conv.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, expand1x1_channels + expand3x3_channels, H, W).

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.Fire(96, 16, 64, 64)(st.randn(1, 96, 8, 8)).shape
    striate.Size([1, 128, 8, 8])
)doc";

inline constexpr const char* kInception = R"doc(GoogLeNet's Inception module (v1): four branches
concatenated on the channels, 1x1 | 1x1 -> 3x3 | 1x1 -> "5x5" | 3x3 max pool -> 1x1. The third
branch uses a 3x3 kernel as torchvision does (its pretrained weights assume it).

Args:
    in_channels (int): Channels of the input.
    ch1x1 (int): Channels of the 1x1 branch.
    ch3x3red (int): Reduction before the 3x3 conv.
    ch3x3 (int): Channels of the 3x3 branch.
    ch5x5red (int): Reduction before the "5x5" conv.
    ch5x5 (int): Channels of the "5x5" branch.
    pool_proj (int): Channels of the 1x1 conv after the pool.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W) (``out_channels``).

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> m = nn.Inception(192, 64, 96, 128, 16, 32, 32)
    >>> m(st.randn(1, 192, 8, 8)).shape
    striate.Size([1, 256, 8, 8])
)doc";

inline constexpr const char* kInceptionAux = R"doc(GoogLeNet's auxiliary classifier on an intermediate
layer: adaptive avgpool 4x4 -> 1x1 conv 128 -> fc 1024 -> ReLU -> dropout -> fc num_classes. Its
loss is added to the main one in training.

Args:
    in_channels (int): Channels of the input.
    num_classes (int): Classes of the output.
    dropout (float): Dropout probability before the last layer. Default: 0.7.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, num_classes).

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.InceptionAux(512, 10)(st.randn(2, 512, 14, 14)).shape
    striate.Size([2, 10])
)doc";

inline constexpr const char* kMlpConv = R"doc(Network in Network's mlpconv: a kxk conv then 1x1 convs, each
followed by ReLU (a Sequential with children "0" to "2n-1").

Args:
    in_channels (int): Channels of the input.
    channels (list of int): Output channels of each conv, the first being the kxk one.
    kernel_size (int): k.
    stride (int): Stride of the kxk conv. Default: 1.
    padding (int): Padding of the kxk conv. Default: 0.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, channels[-1], H_out, W_out) with the kxk conv's output size.

Raises:
    ValueError: ``channels`` is empty, or the input's channels differ.

Example:
    >>> nn.MlpConv(3, [16, 16, 8], 5, padding=2)(st.randn(1, 3, 8, 8)).shape
    striate.Size([1, 8, 8, 8])
)doc";

inline constexpr const char* kDenseLayer = R"doc(One DenseNet layer: BN -> ReLU -> 1x1 conv
(bn_size * growth_rate) -> BN -> ReLU -> 3x3 conv (growth_rate) with the bottleneck, else
BN -> ReLU -> 3x3 conv; dropout after when ``drop_rate > 0``.

Args:
    in_channels (int): Channels of the input.
    growth_rate (int): Channels it adds, k.
    bottleneck (bool): Use the 1x1 bottleneck (DenseNet-BC). Default: True.
    bn_size (int): Bottleneck width factor. Default: 4.
    drop_rate (float): Dropout probability. Default: 0.0.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, growth_rate, H, W), the new features only.

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.DenseLayer(16, 12)(st.randn(1, 16, 8, 8)).shape
    striate.Size([1, 12, 8, 8])
)doc";

inline constexpr const char* kDenseBlock = R"doc(DenseNet's dense block: ``num_layers`` :class:`DenseLayer`
s, layer i reading the concatenation of the block input and the i - 1 earlier layers' features;
the output is the full concatenation (``in_channels + num_layers * growth_rate`` channels).

Args:
    num_layers (int): Layers in the block.
    in_channels (int): Channels of the input.
    growth_rate (int): Channels each layer adds.
    bottleneck (bool): DenseNet-BC layers. Default: True.
    drop_rate (float): Dropout probability in each layer. Default: 0.0.
    bn_size (int): Bottleneck width factor. Default: 4.
    shared_buffer (bool): Write the features into one preallocated buffer (memory
        O(C_out) instead of a concatenation per layer). Default: True.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, in_channels + num_layers * growth_rate, H, W).

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.DenseBlock(4, 16, 12)(st.randn(1, 16, 8, 8)).shape
    striate.Size([1, 64, 8, 8])
)doc";

inline constexpr const char* kTransition = R"doc(DenseNet's transition layer between dense blocks:
BN -> ReLU -> 1x1 conv (no bias) -> 2x2 average pool.

Args:
    in_channels (int): Channels of the input.
    out_channels (int): Channels of the output.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, out_channels, H / 2, W / 2) (floor).

Raises:
    ValueError: The input's channels differ from ``in_channels``.

Example:
    >>> nn.Transition(64, 32)(st.randn(1, 64, 8, 8)).shape
    striate.Size([1, 32, 4, 4])
)doc";

inline constexpr const char* kFractalBlock = R"doc(FractalNet's block with ``num_columns`` columns:
``f_1 = conv-BN-ReLU``, ``f_{C+1}(z) = join(f_C(f_C(z)), conv(z))``, a join being the elementwise
mean of the columns arriving there. Column c (0: the single conv) holds 2^c convs.

Drop-path (training only): ``local_drop`` drops each input of every join with that probability
(keeping at least one); with probability ``global_drop`` a forward runs one column, chosen
uniformly, through the whole block.

Args:
    in_channels (int): Channels of the input.
    out_channels (int): Channels of the output.
    num_columns (int): Columns C (>= 1).
    local_drop (float): Local drop-path probability. Default: 0.0.
    global_drop (float): Probability of a global (single-column) forward. Default: 0.0.

Shape:
    - Input: (N, in_channels, H, W).
    - Output: (N, out_channels, H, W).

Raises:
    ValueError: ``num_columns`` < 1, or the input's channels differ.

Example:
    >>> m = nn.FractalBlock(3, 8, num_columns=3)
    >>> m(st.randn(2, 3, 6, 6)).shape
    striate.Size([2, 8, 6, 6])
    >>> m.forward_column(st.randn(2, 3, 6, 6), 0).shape
    striate.Size([2, 8, 6, 6])
)doc";

inline constexpr const char* kFractalBlockForwardColumn = R"doc(Runs column ``column`` alone (0: the
single conv, num_columns - 1: the deepest), as global drop-path does.

Args:
    input (Tensor): (N, in_channels, H, W).
    column (int): The column, in [0, num_columns).

Returns:
    Tensor: (N, out_channels, H, W).

Raises:
    IndexError: ``column`` is out of range.

Example:
    >>> block = nn.FractalBlock(3, 8, num_columns=3)
    >>> block.forward_column(st.randn(2, 3, 6, 6), 2).shape
    striate.Size([2, 8, 6, 6])
)doc";

}  // namespace striate::python::docstrings
