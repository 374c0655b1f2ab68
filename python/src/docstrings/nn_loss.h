// Docstrings of the loss modules bound in bind_loss.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kLossForward =
    R"doc(The loss of ``input`` against ``target`` with the module's options (see the class for
the shapes and the formula); call the module rather than ``forward`` so that hooks run.

Args:
    input (Tensor): The predictions (logits, probabilities or values, as the class says).
    target (Tensor): The targets.

Returns:
    Tensor: A scalar with ``reduction='mean'`` or ``'sum'``, else one loss per element or sample.

Example:
    >>> nn.MSELoss().forward(st.tensor([1.0, 2.0]), st.tensor([1.0, 4.0]))
    tensor(2.)
)doc";

inline constexpr const char* kCosineEmbeddingLossForward =
    R"doc(The loss of the pairs (``input1``, ``input2``) with labels ``target`` (1 or -1).

Args:
    input1 (Tensor): (N, D) or (D).
    input2 (Tensor): Same shape as ``input1``.
    target (Tensor): (N) or (), 1 (similar) or -1 (dissimilar).

Returns:
    Tensor: A scalar, or (N) with ``reduction='none'``.

Example:
    >>> nn.CosineEmbeddingLoss().forward(st.tensor([[1.0, 0.0]]), st.tensor([[1.0, 0.0]]),
    ...                                  st.tensor([1.0]))
    tensor(0.)
)doc";

inline constexpr const char* kCrossEntropyLoss = R"doc(Cross-entropy of logits against class
targets: softmax and negative log-likelihood in one numerically stable step,
``loss_n = -w[y_n] * log(exp(x_{n, y_n}) / sum_c exp(x_{n, c}))``; 'mean' divides the sum by the
summed weights of the counted targets. Targets may also be class probabilities (soft or one-hot,
the input's shape).

Args:
    weight (Tensor, optional): (C,) rescaling weight per class (a buffer). Default: None.
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.
    ignore_index (int): Class-index targets equal to it are
        skipped. Default: -100.
    label_smoothing (float): In [0, 1]; mixes the target with the uniform distribution.
        Default: 0.0.

Shape:
    - Input: (N, C) or (N, C, d1, ...) logits, or (C,).
    - Target: (N,) or (N, d1, ...) int64 class indices in [0, C), or probabilities of the
      input's shape.
    - Output: a scalar, or the target's shape with ``reduction='none'``.

Raises:
    ValueError: The shapes do not match.
    TypeError: Class-index targets are not int64.
    IndexError: A class index is out of range (and is not ``ignore_index``).

Example:
    >>> loss = nn.CrossEntropyLoss()
    >>> out = loss(st.randn(3, 5, requires_grad=True), st.tensor([1, 0, 4]))
    >>> out.shape
    striate.Size([])
    >>> out.backward()
)doc";

inline constexpr const char* kNLLLoss = R"doc(Negative log-likelihood of log-probabilities against
class targets: ``loss_n = -w[y_n] * x_{n, y_n}``; 'mean' divides by the summed weights. Feed it
:class:`LogSoftmax` outputs (the pair is :class:`CrossEntropyLoss`).

Args:
    weight (Tensor, optional): (C,) rescaling weight per class. Default: None.
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.
    ignore_index (int): Targets equal to it are skipped.
        Default: -100.

Shape:
    - Input: (N, C) or (N, C, d1, ...) log-probabilities.
    - Target: (N,) or (N, d1, ...) int64 class indices.
    - Output: a scalar, or the target's shape with ``reduction='none'``.

Raises:
    ValueError: The shapes do not match.
    TypeError: Class-index targets are not int64.
    IndexError: A class index is out of range (and is not ``ignore_index``).

Example:
    >>> logp = nn.LogSoftmax(dim=1)(st.randn(3, 5))
    >>> nn.NLLLoss()(logp, st.tensor([1, 0, 4])).shape
    striate.Size([])
)doc";

inline constexpr const char* kBCELoss = R"doc(Binary cross-entropy of probabilities:
``loss = -w * (y * log(x) + (1 - y) * log(1 - x))``, the logs clamped at -100.

Args:
    weight (Tensor, optional): Rescaling weight, broadcast to the input. Default: None.
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.

Shape:
    - Input: (*) probabilities in [0, 1].
    - Target: (*), the input's shape.
    - Output: a scalar, or (*) with ``reduction='none'``.

Raises:
    ValueError: The shapes differ.

Example:
    >>> p = nn.Sigmoid()(st.randn(4))
    >>> nn.BCELoss()(p, st.tensor([0.0, 1.0, 1.0, 0.0])).shape
    striate.Size([])
)doc";

inline constexpr const char* kBCEWithLogitsLoss = R"doc(Binary cross-entropy of logits, a sigmoid and
:class:`BCELoss` in one numerically stable step:
``loss = -w * (pos_weight * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))``.

Args:
    weight (Tensor, optional): Rescaling weight, broadcast to the input. Default: None.
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.
    pos_weight (Tensor, optional): Weight of the positive
        examples, per class (broadcast over the last dimension). Default: None.

Shape:
    - Input: (*) logits.
    - Target: (*), the input's shape.
    - Output: a scalar, or (*) with ``reduction='none'``.

Raises:
    ValueError: The shapes differ.

Example:
    >>> nn.BCEWithLogitsLoss()(st.zeros(2), st.tensor([0.0, 1.0]))
    tensor(0.6931)
)doc";

inline constexpr const char* kMSELoss = R"doc(Mean squared error (the L2 / Euclidean loss):
``loss = (x - y)^2`` per element, then reduced.

Args:
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.

Shape:
    - Input: (*).
    - Target: (*), the input's shape (broadcasting warns, as in PyTorch).
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> nn.MSELoss()(st.tensor([1.0, 2.0]), st.tensor([0.0, 0.0]))
    tensor(2.5000)
    >>> nn.MSELoss(reduction="sum")(st.tensor([1.0, 2.0]), st.tensor([0.0, 0.0]))
    tensor(5.)
)doc";

inline constexpr const char* kL1Loss = R"doc(Mean absolute error: ``loss = |x - y|`` per element, then
reduced.

Args:
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.

Shape:
    - Input: (*).
    - Target: (*), the input's shape.
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> nn.L1Loss()(st.tensor([1.0, -3.0]), st.tensor([0.0, 0.0]))
    tensor(2.)
)doc";

inline constexpr const char* kSmoothL1Loss = R"doc(Smooth L1 loss: ``0.5 * d^2 / beta`` where
``|d| < beta``, else ``|d| - 0.5 * beta``, with ``d = x - y``.

Args:
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.
    beta (float): Where the loss turns from quadratic to
        linear. Default: 1.0.

Shape:
    - Input: (*).
    - Target: (*), the input's shape.
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> nn.SmoothL1Loss()(st.tensor([0.5, 3.0]), st.tensor([0.0, 0.0]))
    tensor(1.3125)
)doc";

inline constexpr const char* kHuberLoss = R"doc(Huber loss: ``0.5 * d^2`` where ``|d| < delta``, else
``delta * (|d| - 0.5 * delta)``, with ``d = x - y``.

Args:
    reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.
    delta (float): Where the loss turns from quadratic to linear. Default: 1.0.

Shape:
    - Input: (*).
    - Target: (*), the input's shape.
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> nn.HuberLoss(delta=2.0)(st.tensor([1.0, 4.0]), st.tensor([0.0, 0.0]))
    tensor(3.2500)
)doc";

inline constexpr const char* kMultiMarginLoss = R"doc(Multi-class hinge (SVM) loss:
``loss_n = sum_{j != y_n} w[y_n] * max(0, margin - x_{n, y_n} + x_{n, j})^p / C``.

Args:
    p (int): 1 or 2. Default: 1.
    margin (float): The margin. Default: 1.0.
    weight (Tensor, optional): (C,) weight per class. Default: None.
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.

Shape:
    - Input: (N, C) or (C,) scores.
    - Target: (N,) or () int64 class indices.
    - Output: a scalar, or (N,) with ``reduction='none'``.

Raises:
    ValueError: ``p`` is not 1 or 2, or the shapes do not match.
    TypeError: The targets are not int64.
    IndexError: A class index is out of range.

Example:
    >>> nn.MultiMarginLoss()(st.tensor([[0.1, 0.2, 0.4, 0.8]]), st.tensor([3]))
    tensor(0.3250)
)doc";

inline constexpr const char* kKLDivLoss = R"doc(Kullback-Leibler divergence of the target from the
input: ``loss = y * (log(y) - x)`` with the input ``x`` given as log-probabilities (and the target
too with ``log_target=True``). ``reduction='batchmean'`` divides the sum by the batch size, the
mathematically correct KL; 'mean' warns as in PyTorch.

Args:
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted.
    reduction (str): ``'none'``, ``'batchmean'``, ``'sum'`` or ``'mean'``. Default: ``'mean'``.
    log_target (bool): The target is given as log-probabilities. Default: False.

Shape:
    - Input: (*) log-probabilities.
    - Target: (*), the input's shape.
    - Output: a scalar, or (*) with ``reduction='none'``.

Example:
    >>> logp = nn.LogSoftmax(dim=1)(st.randn(3, 5))
    >>> q = nn.Softmax(dim=1)(st.randn(3, 5))
    >>> nn.KLDivLoss(reduction="batchmean")(logp, q).shape
    striate.Size([])
)doc";

inline constexpr const char* kCosineEmbeddingLoss = R"doc(Cosine embedding loss of pairs:
``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where ``y = -1``.

Args:
    margin (float): In [-1, 1]. Default: 0.0.
    size_average, reduce: PyTorch's deprecated arguments; only None is accepted (use
        ``reduction``).
    reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``.
        Default: ``'mean'``.

Shape:
    - Input1, Input2: (N, D) or (D,).
    - Target: (N,) or () with values 1 or -1.
    - Output: a scalar, or (N,) with ``reduction='none'``.

Raises:
    ValueError: The shapes do not match.

Example:
    >>> loss = nn.CosineEmbeddingLoss()
    >>> loss(st.randn(4, 8), st.randn(4, 8), st.tensor([1.0, -1.0, 1.0, -1.0])).shape
    striate.Size([])
)doc";

}  // namespace striate::python::docstrings
