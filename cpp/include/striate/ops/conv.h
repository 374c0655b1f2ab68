// 1-, 2- and 3-D convolution (cross-correlation, as every framework computes it) with stride,
// padding (explicit, per side, or "same"/"valid"/"full"), dilation and groups, and the transposed
// 2-D convolution; all differentiable in input, weight and bias.
//   auto y = striate::conv2d(x, w, b, striate::Conv2dOptions().stride(2).padding(1));
//   auto z = striate::conv3d(v, w3, std::nullopt, striate::Conv3dOptions().padding("full"));
#pragma once
#include <array>
#include <optional>
#include <string>

#include "striate/core/conv_algorithm.h"
#include "striate/core/tensor.h"
#include "striate/ops/options.h"

namespace striate {

// Full pads dilation * (kernel - 1) on every side: every partial overlap gives an output.
enum class PaddingMode { Explicit, Same, Valid, Full };

// Names for the option types (STRIATE_ARG cannot take a type with a comma in it).
using IntPair = std::array<int64_t, 2>;
using IntQuad = std::array<int64_t, 4>;
using IntTriple = std::array<int64_t, 3>;
using IntSextet = std::array<int64_t, 6>;

struct Conv2dOptions {
  Conv2dOptions() = default;
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  // (top, bottom, left, right) so that asymmetric 'same' padding is representable.
  STRIATE_ARG(IntQuad, padding4) = { 0, 0, 0, 0 };
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  Conv2dOptions& stride(int64_t s) {
    stride_ = {s, s};
    return *this;
  }
  Conv2dOptions& dilation(int64_t d) {
    dilation_ = {d, d};
    return *this;
  }
  Conv2dOptions& padding(int64_t p) { return padding(std::array<int64_t, 2>{p, p}); }
  Conv2dOptions& padding(std::array<int64_t, 2> p) {
    padding4_ = {p[0], p[0], p[1], p[1]};
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  // (top, bottom, left, right); the Python API takes F.pad's order (left, right, top, bottom).
  Conv2dOptions& padding_sides(const IntQuad& p) {
    padding4_ = p;
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  // "same", "valid" or "full"
  Conv2dOptions& padding(const std::string& mode);
};

// Output (N, K, P, Q) for input (N, C, H, W) and weight (K, C/groups, R, S); validates
// everything a user can get wrong and names `op` in the error.
Shape conv2d_output_shape(const Shape& input, const Shape& weight, const Conv2dOptions& options,
                          const char* op = "conv2d");
// Resolves "same"/"valid"/"full" to explicit per-side padding for this weight.
std::array<int64_t, 4> conv2d_resolve_padding(const Shape& weight, const Conv2dOptions& options);

Tensor conv2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const Conv2dOptions& options = {});

// relu(conv2d(input, weight, bias)) with the ReLU applied as the convolution writes its output (one
// pass over memory fewer). Records the same gradient as the unfused pair when autograd needs one.
Tensor conv2d_relu(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
                   const Conv2dOptions& options = {});

// The algorithm `device`'s backend runs for each pass of conv2d(input, weight, options) in `dtype`
// (the shapes are validated as conv2d validates them).
struct Conv2dAlgorithms {
  ConvAlgorithm forward, backward_input, backward_weight;
};
Conv2dAlgorithms conv2d_algorithms(const Shape& input, const Shape& weight, const Conv2dOptions& options = {},
                                   DType dtype = DType::Float32, Device device = Device());

// ---- conv1d: (N, C, L) with weight (K, C / groups, S); computed as conv2d over a height of 1 ----

struct Conv1dOptions {
  Conv1dOptions() = default;
  STRIATE_ARG(int64_t, stride) = 1;
  STRIATE_ARG(IntPair, padding2) = { 0, 0 };  // (left, right)
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  STRIATE_ARG(int64_t, dilation) = 1;
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  Conv1dOptions& padding(int64_t p) { return padding_sides({p, p}); }
  Conv1dOptions& padding_sides(const IntPair& left_right) {
    padding2_ = left_right;
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  // "same", "valid" or "full"
  Conv1dOptions& padding(const std::string& mode);
};

Shape conv1d_output_shape(const Shape& input, const Shape& weight, const Conv1dOptions& options);
Tensor conv1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const Conv1dOptions& options = {});

// ---- conv3d: (N, C, D, H, W) with weight (K, C / groups, U, R, S) -> (N, K, O, P, Q) ----

struct Conv3dOptions {
  Conv3dOptions() = default;
  STRIATE_ARG(IntTriple, stride) = { 1, 1, 1 };
  STRIATE_ARG(IntSextet, padding6) = { 0, 0, 0, 0, 0, 0 };  // (front, back, top, bottom, left, right)
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  STRIATE_ARG(IntTriple, dilation) = { 1, 1, 1 };
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  Conv3dOptions& stride(int64_t s) {
    stride_ = {s, s, s};
    return *this;
  }
  Conv3dOptions& dilation(int64_t d) {
    dilation_ = {d, d, d};
    return *this;
  }
  Conv3dOptions& padding(int64_t p) { return padding(IntTriple{p, p, p}); }
  Conv3dOptions& padding(const IntTriple& p) { return padding_sides({p[0], p[0], p[1], p[1], p[2], p[2]}); }
  Conv3dOptions& padding_sides(const IntSextet& p) {
    padding6_ = p;
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  // "same", "valid" or "full"
  Conv3dOptions& padding(const std::string& mode);
};

Shape conv3d_output_shape(const Shape& input, const Shape& weight, const Conv3dOptions& options);
Tensor conv3d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const Conv3dOptions& options = {});

// ---- conv_transpose2d: the adjoint of conv2d (upsampling) ----
// input (N, C_in, H, W), weight (C_in, C_out / groups, R, S) as PyTorch's; output height
// (H - 1) * stride - 2 * padding + dilation * (R - 1) + output_padding + 1, likewise the width.

struct ConvTranspose2dOptions {
  ConvTranspose2dOptions() = default;
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  STRIATE_ARG(IntPair, padding) = { 0, 0 };
  STRIATE_ARG(IntPair, output_padding) = { 0, 0 };
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  ConvTranspose2dOptions& stride(int64_t s) {
    stride_ = {s, s};
    return *this;
  }
  ConvTranspose2dOptions& padding(int64_t p) {
    padding_ = {p, p};
    return *this;
  }
  ConvTranspose2dOptions& output_padding(int64_t p) {
    output_padding_ = {p, p};
    return *this;
  }
  ConvTranspose2dOptions& dilation(int64_t d) {
    dilation_ = {d, d};
    return *this;
  }
};

Shape conv_transpose2d_output_shape(const Shape& input, const Shape& weight, const ConvTranspose2dOptions& options);
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
                        const ConvTranspose2dOptions& options = {});

// ---- locally_connected2d: a convolution whose filters are not shared across positions ----
// input (N, C, H, W), weight (P, Q, K, C, R, S): output position (p, q) has its own filter bank;
// bias (K, P, Q). Padding is explicit (top = bottom, left = right); groups are not supported.

struct LocallyConnected2dOptions {
  LocallyConnected2dOptions() = default;
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  STRIATE_ARG(IntPair, padding) = { 0, 0 };

 public:
  LocallyConnected2dOptions& stride(int64_t s) {
    stride_ = {s, s};
    return *this;
  }
  LocallyConnected2dOptions& padding(int64_t p) {
    padding_ = {p, p};
    return *this;
  }
};

// (P, Q) for an (H, W) input, kernel (R, S) and these options; validated, naming `op`.
IntPair locally_connected2d_output_size(const IntPair& input_size, const IntPair& kernel_size,
                                        const LocallyConnected2dOptions& options,
                                        const char* op = "locally_connected2d");
Tensor locally_connected2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
                           const LocallyConnected2dOptions& options = {});

}  // namespace striate
