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

/// How a convolution pads its input (any odd remainder of Same goes after, as PyTorch).
enum class PaddingMode { Explicit, Same, Valid, Full };
/// @var PaddingMode::Explicit
/// The padding given in the options.
/// @var PaddingMode::Same
/// Output size equals input size (stride 1).
/// @var PaddingMode::Valid
/// No padding.
/// @var PaddingMode::Full
/// dilation * (kernel - 1) on every side: every partial overlap gives an output.

/// Two sizes: (height, width), or a pair of sides.
using IntPair = std::array<int64_t, 2>;
/// Four sizes: (top, bottom, left, right).
using IntQuad = std::array<int64_t, 4>;
/// Three sizes: (depth, height, width).
using IntTriple = std::array<int64_t, 3>;
/// Six sizes: (front, back, top, bottom, left, right).
using IntSextet = std::array<int64_t, 6>;

/// The functional options of conv2d: stride, padding, dilation and groups (setters chain).
struct Conv2dOptions {
  /// Stride 1, no padding, dilation 1, one group.
  Conv2dOptions() = default;
  /// (height, width) step between output positions (default (1, 1)).
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  /// (top, bottom, left, right) so that asymmetric 'same' padding is representable.
  STRIATE_ARG(IntQuad, padding4) = { 0, 0, 0, 0 };
  /// Explicit (default: padding4 is used) or Same, Valid, Full.
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  /// (height, width) spacing of the kernel's taps (default (1, 1)).
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };
  /// The number of channel groups (default 1).
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  /// @param s the stride of both dims.
  /// @return *this.
  Conv2dOptions& stride(int64_t s) {
    stride_ = {s, s};
    return *this;
  }
  /// @param d the dilation of both dims.
  /// @return *this.
  Conv2dOptions& dilation(int64_t d) {
    dilation_ = {d, d};
    return *this;
  }
  /// @param p zeros on every side.
  /// @return *this.
  Conv2dOptions& padding(int64_t p) { return padding(std::array<int64_t, 2>{p, p}); }
  /// @param p (height, width) zeros on each side of that dim.
  /// @return *this.
  Conv2dOptions& padding(std::array<int64_t, 2> p) {
    padding4_ = {p[0], p[0], p[1], p[1]};
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  /// (top, bottom, left, right); the Python API takes F.pad's order (left, right, top, bottom).
  /// @param p zeros per side.
  /// @return *this.
  Conv2dOptions& padding_sides(const IntQuad& p) {
    padding4_ = p;
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  /// "same", "valid" or "full"
  /// @param mode the padding mode's name.
  /// @return *this.
  /// @throws ValueError for another mode.
  Conv2dOptions& padding(const std::string& mode);
};

/// Output (N, K, P, Q) for input (N, C, H, W) and weight (K, C/groups, R, S); validates
/// everything a user can get wrong and names `op` in the error.
/// @param input the input's shape (N, C, H, W).
/// @param weight the weight's shape (K, C / groups, R, S).
/// @param options the convolution's options.
/// @param op the op named in errors (default "conv2d").
/// @return the output's shape (N, K, P, Q).
/// @throws ShapeError when ranks or channels do not match or the output would be empty.
/// @throws ValueError when a stride, dilation or group count is not positive or padding is
///   negative.
Shape conv2d_output_shape(const Shape& input, const Shape& weight, const Conv2dOptions& options,
                          const char* op = "conv2d");
/// Resolves "same"/"valid"/"full" to explicit per-side padding for this weight.
/// @param weight the weight's shape (K, C / groups, R, S).
/// @param options the convolution's options.
/// @return (top, bottom, left, right).
std::array<int64_t, 4> conv2d_resolve_padding(const Shape& weight, const Conv2dOptions& options);

/// 2-D cross-correlation: y[n, k, p, q] = b[k] + sum_{c, r, s} w[k, c, r, s] *
/// x[n, c, p * sh + r * dh - pt, q * sw + s * dw - pl]; differentiable in all inputs.
/// @param input (N, C, H, W), floating.
/// @param weight (K, C / groups, R, S), same dtype and device.
/// @param bias (K), or std::nullopt (default).
/// @param options stride, padding, dilation, groups (default: 1, 0, 1, 1).
/// @return (N, K, P, Q).
/// @throws ShapeError when the shapes do not match (see conv2d_output_shape()).
/// @throws TypeError when the dtypes differ or are not floating.
Tensor conv2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const Conv2dOptions& options = {});

/// relu(conv2d(input, weight, bias)) with the ReLU applied as the convolution writes its output (one
/// pass over memory fewer). Records the same gradient as the unfused pair when autograd needs one.
/// @param input (N, C, H, W), floating.
/// @param weight (K, C / groups, R, S).
/// @param bias (K), or std::nullopt (default).
/// @param options the convolution's options.
/// @return (N, K, P, Q), non-negative.
/// @throws ShapeError when the shapes do not match.
/// @throws TypeError when the dtypes differ or are not floating.
Tensor conv2d_relu(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
                   const Conv2dOptions& options = {});

struct Pool2dOptions;  // striate/ops/pooling.h

/// max_pool2d(relu(conv2d(input, weight, bias)), pool) in one pass where the backend has a kernel
/// for it (float32 on the CPU, a 2x2 stride-2 window without padding or dilation, layers the direct
/// convolution computes, nothing requiring a gradient): the full-resolution activation is never
/// written. Everywhere else the three ops run composed, recording their gradients as usual. The
/// result equals the composition exactly.
/// @param input (N, C, H, W) or (C, H, W), floating.
/// @param weight (K, C / groups, R, S).
/// @param bias (K), or std::nullopt.
/// @param options the convolution's options.
/// @param pool the max pooling's window, stride, padding, dilation and mode (striate/ops/pooling.h).
/// @return the pooled maps, as max_pool2d returns them.
/// @throws ShapeError when the shapes do not match.
/// @throws TypeError when the dtypes differ or are not floating.
Tensor conv2d_relu_max_pool2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                              const Conv2dOptions& options, const Pool2dOptions& pool);

/// The algorithm `device`'s backend runs for each pass of conv2d(input, weight, options) in `dtype`
/// (the shapes are validated as conv2d validates them).
struct Conv2dAlgorithms {
  ///@{
  /// The algorithm of each pass.
  ConvAlgorithm forward, backward_input, backward_weight;
  ///@}
};
/// The algorithms conv2d would run (for benchmarks and tests).
/// @param input the input's shape.
/// @param weight the weight's shape.
/// @param options the convolution's options (default: stride 1, no padding).
/// @param dtype the dtype (default Float32).
/// @param device the device (default the CPU).
/// @return the algorithm of each pass.
/// @throws ShapeError when the shapes do not match.
Conv2dAlgorithms conv2d_algorithms(const Shape& input, const Shape& weight, const Conv2dOptions& options = {},
                                   DType dtype = DType::Float32, Device device = Device());

// ---- conv1d: (N, C, L) with weight (K, C / groups, S); computed as conv2d over a height of 1 ----

/// The functional options of conv1d (setters chain).
struct Conv1dOptions {
  /// Stride 1, no padding, dilation 1, one group.
  Conv1dOptions() = default;
  /// The step between output positions (default 1).
  STRIATE_ARG(int64_t, stride) = 1;
  /// Zeros on the (left, right) (default (0, 0)).
  STRIATE_ARG(IntPair, padding2) = { 0, 0 };  // (left, right)
  /// Explicit (default: padding2 is used) or Same, Valid, Full.
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  /// The spacing of the kernel's taps (default 1).
  STRIATE_ARG(int64_t, dilation) = 1;
  /// The number of channel groups (default 1).
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  /// @param p zeros on both sides.
  /// @return *this.
  Conv1dOptions& padding(int64_t p) { return padding_sides({p, p}); }
  /// @param left_right zeros on the left and on the right.
  /// @return *this.
  Conv1dOptions& padding_sides(const IntPair& left_right) {
    padding2_ = left_right;
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  /// "same", "valid" or "full"
  /// @param mode the padding mode's name.
  /// @return *this.
  /// @throws ValueError for another mode.
  Conv1dOptions& padding(const std::string& mode);
};

/// The output shape of conv1d.
/// @param input the input's shape (N, C, L).
/// @param weight the weight's shape (K, C / groups, S).
/// @param options the convolution's options.
/// @return (N, K, L_out).
/// @throws ShapeError when the shapes do not match or the output would be empty.
Shape conv1d_output_shape(const Shape& input, const Shape& weight, const Conv1dOptions& options);
/// 1-D cross-correlation over (N, C, L); differentiable in all inputs.
/// @param input (N, C, L), floating.
/// @param weight (K, C / groups, S).
/// @param bias (K), or std::nullopt (default).
/// @param options the convolution's options (default: stride 1, no padding).
/// @return (N, K, L_out).
/// @throws ShapeError when the shapes do not match.
/// @throws TypeError when the dtypes differ or are not floating.
Tensor conv1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const Conv1dOptions& options = {});

// ---- conv3d: (N, C, D, H, W) with weight (K, C / groups, U, R, S) -> (N, K, O, P, Q) ----

/// The functional options of conv3d (setters chain).
struct Conv3dOptions {
  /// Stride 1, no padding, dilation 1, one group.
  Conv3dOptions() = default;
  /// (depth, height, width) step between output positions (default (1, 1, 1)).
  STRIATE_ARG(IntTriple, stride) = { 1, 1, 1 };
  /// Zeros per side, (front, back, top, bottom, left, right) (default zeros).
  STRIATE_ARG(IntSextet, padding6) = { 0, 0, 0, 0, 0, 0 };  // (front, back, top, bottom, left, right)
  /// Explicit (default: padding6 is used) or Same, Valid, Full.
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  /// (depth, height, width) spacing of the kernel's taps (default (1, 1, 1)).
  STRIATE_ARG(IntTriple, dilation) = { 1, 1, 1 };
  /// The number of channel groups (default 1).
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  /// @param s the stride of every dim.
  /// @return *this.
  Conv3dOptions& stride(int64_t s) {
    stride_ = {s, s, s};
    return *this;
  }
  /// @param d the dilation of every dim.
  /// @return *this.
  Conv3dOptions& dilation(int64_t d) {
    dilation_ = {d, d, d};
    return *this;
  }
  /// @param p zeros on every side.
  /// @return *this.
  Conv3dOptions& padding(int64_t p) { return padding(IntTriple{p, p, p}); }
  /// @param p (depth, height, width) zeros on each side of that dim.
  /// @return *this.
  Conv3dOptions& padding(const IntTriple& p) { return padding_sides({p[0], p[0], p[1], p[1], p[2], p[2]}); }
  /// @param p zeros per side.
  /// @return *this.
  Conv3dOptions& padding_sides(const IntSextet& p) {
    padding6_ = p;
    padding_mode_ = PaddingMode::Explicit;
    return *this;
  }
  /// "same", "valid" or "full"
  /// @param mode the padding mode's name.
  /// @return *this.
  /// @throws ValueError for another mode.
  Conv3dOptions& padding(const std::string& mode);
};

/// The output shape of conv3d.
/// @param input the input's shape (N, C, D, H, W).
/// @param weight the weight's shape (K, C / groups, U, R, S).
/// @param options the convolution's options.
/// @return (N, K, O, P, Q).
/// @throws ShapeError when the shapes do not match or the output would be empty.
Shape conv3d_output_shape(const Shape& input, const Shape& weight, const Conv3dOptions& options);
/// 3-D cross-correlation over (N, C, D, H, W); differentiable in all inputs.
/// @param input (N, C, D, H, W), floating.
/// @param weight (K, C / groups, U, R, S).
/// @param bias (K), or std::nullopt (default).
/// @param options the convolution's options (default: stride 1, no padding).
/// @return (N, K, O, P, Q).
/// @throws ShapeError when the shapes do not match.
/// @throws TypeError when the dtypes differ or are not floating.
Tensor conv3d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const Conv3dOptions& options = {});

// ---- conv_transpose2d: the adjoint of conv2d (upsampling) ----
// input (N, C_in, H, W), weight (C_in, C_out / groups, R, S) as PyTorch's; output height
// (H - 1) * stride - 2 * padding + dilation * (R - 1) + output_padding + 1, likewise the width.

/// The functional options of conv_transpose2d (setters chain).
struct ConvTranspose2dOptions {
  /// Stride 1, no padding, dilation 1, one group.
  ConvTranspose2dOptions() = default;
  /// (height, width) stride of the matching convolution (default (1, 1)).
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  /// (height, width) padding of the matching convolution (default (0, 0)).
  STRIATE_ARG(IntPair, padding) = { 0, 0 };
  /// Extra rows and columns on one side of the output, each < stride or dilation (default (0, 0)).
  STRIATE_ARG(IntPair, output_padding) = { 0, 0 };
  /// (height, width) spacing of the kernel's taps (default (1, 1)).
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };
  /// The number of channel groups (default 1).
  STRIATE_ARG(int64_t, groups) = 1;

 public:
  /// @param s the stride of both dims.
  /// @return *this.
  ConvTranspose2dOptions& stride(int64_t s) {
    stride_ = {s, s};
    return *this;
  }
  /// @param p the padding of both dims.
  /// @return *this.
  ConvTranspose2dOptions& padding(int64_t p) {
    padding_ = {p, p};
    return *this;
  }
  /// @param p the output padding of both dims.
  /// @return *this.
  ConvTranspose2dOptions& output_padding(int64_t p) {
    output_padding_ = {p, p};
    return *this;
  }
  /// @param d the dilation of both dims.
  /// @return *this.
  ConvTranspose2dOptions& dilation(int64_t d) {
    dilation_ = {d, d};
    return *this;
  }
};

/// The output shape of conv_transpose2d.
/// @param input the input's shape (N, C_in, H, W).
/// @param weight the weight's shape (C_in, C_out / groups, R, S).
/// @param options the options.
/// @return (N, C_out, H_out, W_out).
/// @throws ShapeError when the shapes do not match or the output would be empty.
/// @throws ValueError when output_padding is not smaller than stride or dilation.
Shape conv_transpose2d_output_shape(const Shape& input, const Shape& weight, const ConvTranspose2dOptions& options);
/// The transposed 2-D convolution (the gradient of conv2d with respect to its input);
/// differentiable in all inputs.
/// @param input (N, C_in, H, W), floating.
/// @param weight (C_in, C_out / groups, R, S).
/// @param bias (C_out), or std::nullopt (default).
/// @param options the options (default: stride 1, no padding).
/// @return (N, C_out, H_out, W_out).
/// @throws ShapeError when the shapes do not match.
/// @throws TypeError when the dtypes differ or are not floating.
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
                        const ConvTranspose2dOptions& options = {});

// ---- locally_connected2d: a convolution whose filters are not shared across positions ----
// input (N, C, H, W), weight (P, Q, K, C, R, S): output position (p, q) has its own filter bank;
// bias (K, P, Q). Padding is explicit (top = bottom, left = right); groups are not supported.

/// The functional options of locally_connected2d (setters chain).
struct LocallyConnected2dOptions {
  /// Stride 1, no padding.
  LocallyConnected2dOptions() = default;
  /// (height, width) step between output positions (default (1, 1)).
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  /// (height, width) zeros on each side (default (0, 0)).
  STRIATE_ARG(IntPair, padding) = { 0, 0 };

 public:
  /// @param s the stride of both dims.
  /// @return *this.
  LocallyConnected2dOptions& stride(int64_t s) {
    stride_ = {s, s};
    return *this;
  }
  /// @param p the padding of both dims.
  /// @return *this.
  LocallyConnected2dOptions& padding(int64_t p) {
    padding_ = {p, p};
    return *this;
  }
};

/// (P, Q) for an (H, W) input, kernel (R, S) and these options; validated, naming `op`.
/// @param input_size (H, W).
/// @param kernel_size (R, S).
/// @param options the options.
/// @param op the op named in errors (default "locally_connected2d").
/// @return (P, Q).
/// @throws ShapeError when the kernel does not fit the padded input.
/// @throws ValueError when a stride is not positive or padding is negative.
IntPair locally_connected2d_output_size(const IntPair& input_size, const IntPair& kernel_size,
                                        const LocallyConnected2dOptions& options,
                                        const char* op = "locally_connected2d");
/// The locally connected layer's op: y[n, k, p, q] = b[k, p, q] + sum_{c, r, s}
/// w[p, q, k, c, r, s] * x[n, c, p * sh + r - ph, q * sw + s - pw]; differentiable in all inputs.
/// @param input (N, C, H, W), floating.
/// @param weight (P, Q, K, C, R, S).
/// @param bias (K, P, Q), or std::nullopt (default).
/// @param options stride and padding (default: 1 and 0).
/// @return (N, K, P, Q).
/// @throws ShapeError when the shapes do not match.
/// @throws TypeError when the dtypes differ or are not floating.
Tensor locally_connected2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
                           const LocallyConnected2dOptions& options = {});

}  // namespace striate
