// Docstrings of the methods several layer bindings share (Google style).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kResetParameters =
    R"doc(Re-draws the layer's parameters with its default initialization (in place).)doc";

inline constexpr const char* kResetRunningStats =
    R"doc(Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0.)doc";

}  // namespace striate::python::docstrings
