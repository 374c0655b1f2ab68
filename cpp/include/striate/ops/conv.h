// 2-D convolution (cross-correlation, as every framework computes it) with stride, padding
// (explicit, per side, or "same"/"valid"), dilation and groups; differentiable in input,
// weight and bias.
//   auto y = striate::conv2d(x, w, b, striate::Conv2dOptions().stride(2).padding(1));
#pragma once
#include <array>
#include <optional>
#include <string>

#include "striate/core/tensor.h"
#include "striate/ops/options.h"

namespace striate {

enum class PaddingMode { Explicit, Same, Valid };

// Names for the option types (STRIATE_ARG cannot take a type with a comma in it).
using IntPair = std::array<int64_t, 2>;
using IntQuad = std::array<int64_t, 4>;

struct Conv2dOptions {
  Conv2dOptions() = default;
  STRIATE_ARG(IntPair, stride) = {1, 1};
  // (top, bottom, left, right) so that asymmetric 'same' padding is representable.
  STRIATE_ARG(IntQuad, padding4) = {0, 0, 0, 0};
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  STRIATE_ARG(IntPair, dilation) = {1, 1};
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  Conv2dOptions& stride(int64_t s) { stride_ = {s, s}; return *this; }
  Conv2dOptions& dilation(int64_t d) { dilation_ = {d, d}; return *this; }
  Conv2dOptions& padding(int64_t p) { return padding(std::array<int64_t, 2>{p, p}); }
  Conv2dOptions& padding(std::array<int64_t, 2> p) {
    padding4_ = {p[0], p[0], p[1], p[1]};
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  // "same" or "valid"
  Conv2dOptions& padding(const std::string& mode);
};

// Output (N, K, P, Q) for input (N, C, H, W) and weight (K, C/groups, R, S); validates
// everything a user can get wrong and names `op` in the error.
Shape conv2d_output_shape(const Shape& input, const Shape& weight, const Conv2dOptions& options,
                          const char* op = "conv2d");
// Resolves "same"/"valid" to explicit per-side padding for this weight.
std::array<int64_t, 4> conv2d_resolve_padding(const Shape& weight, const Conv2dOptions& options);

Tensor conv2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const Conv2dOptions& options = {});

}  // namespace striate
