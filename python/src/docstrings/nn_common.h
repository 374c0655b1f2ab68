// Docstrings of the methods several layer bindings share (Google style).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kResetParameters =
    R"doc(Re-draws the layer's parameters with its default initialization (in place), as at
construction; the example uses Linear, every layer with this method behaves alike.

Example:
    >>> layer = nn.Linear(3, 2)
    >>> with st.no_grad():
    ...     _ = layer.weight.fill_(0.0)
    >>> layer.reset_parameters()
    >>> bool((layer.weight != 0).any())
    True
)doc";

inline constexpr const char* kResetRunningStats =
    R"doc(Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0 (the learnt
weight and bias are kept).

Example:
    >>> bn = nn.BatchNorm1d(2)
    >>> _ = bn(st.randn(4, 2) * 3 + 1)
    >>> bn.reset_running_stats()
    >>> bn.running_mean.tolist(), bn.running_var.tolist(), int(bn.num_batches_tracked)
    ([0.0, 0.0], [1.0, 1.0], 0)
)doc";

}  // namespace striate::python::docstrings
