// The convolution layers: Conv1d, Conv2d (with LeNet-5's connection tables), Conv3d,
// ConvTranspose2d and LocallyConnected2d. Weights start as PyTorch's do: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
//   striate::nn::Conv2d conv(striate::nn::Conv2dOptions(1, 6, 5).padding(2));
//   striate::nn::ConvTranspose2d up(striate::nn::ConvTranspose2dOptions(8, 4, 2).stride(2));
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "striate/nn/module.h"
#include "striate/ops/conv.h"
#include "striate/ops/options.h"

namespace striate::nn {

/// The batch normalization layer (nn/normalization.h).
class BatchNormImpl;
/// Conv2d weights with a BatchNorm folded in (nn/fusion.h); internal.
struct FoldedConvBnCache;   // nn/fusion.cpp
struct FoldedConvBnAccess;  // nn/fusion.cpp

// ---- Conv1d -----------------------------------------------------------------------------------

/// Channels, kernel and bias, plus the functional options of striate::conv1d (`functional()`).
/// Setters chain: `Conv1dOptions(3, 8, 5).stride(2).padding(1)`.
struct Conv1dOptions {
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size S, the kernel's length.
  Conv1dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  /// C, the input's channels (divisible by groups).
  STRIATE_ARG(int64_t, in_channels);
  /// K, the output's channels (divisible by groups).
  STRIATE_ARG(int64_t, out_channels);
  /// S, the kernel's length.
  STRIATE_ARG(int64_t, kernel_size);
  /// Whether the layer adds a learned bias (default true).
  STRIATE_ARG(bool, bias) = true;
  /// Stride, padding, dilation and groups, as striate::conv1d takes them.
  STRIATE_ARG(striate::Conv1dOptions, functional);

 public:
  /// @param s the stride (default 1).
  /// @return *this.
  Conv1dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  /// @param p zeros added on both sides (default 0).
  /// @return *this.
  Conv1dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  /// @param mode "same", "valid" or "full".
  /// @return *this.
  /// @throws ValueError for another mode.
  Conv1dOptions& padding(const std::string& mode) {
    functional_.padding(mode);
    return *this;
  }
  /// @param left_right zeros added on the left and on the right.
  /// @return *this.
  Conv1dOptions& padding_sides(const IntPair& left_right) {
    functional_.padding_sides(left_right);
    return *this;
  }
  /// @param d the spacing of the kernel's taps (default 1).
  /// @return *this.
  Conv1dOptions& dilation(int64_t d) {
    functional_.dilation(d);
    return *this;
  }
  /// @param g the number of channel groups (default 1).
  /// @return *this.
  Conv1dOptions& groups(int64_t g) {
    functional_.groups(g);
    return *this;
  }
};

/// Cross-correlation over (N, C, L); weight (K, C / groups, S), bias (K).
/// y[n, k, l] = bias[k] + sum_{c, s} weight[k, c, s] * x[n, c, l * stride + s * dilation - pad].
/// Input (N, C, L), output (N, K, L_out) with
/// L_out = floor((L + 2 * pad - dilation * (S - 1) - 1) / stride) + 1.
/// Weights start as PyTorch's: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C / groups * S.
class Conv1dImpl : public Module {
 public:
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size S, the kernel's length.
  /// @throws ValueError when a size is not positive or the channels do not divide by groups.
  Conv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv1dImpl(Conv1dOptions(in_channels, out_channels, kernel_size)) {}
  /// @param options the layer's options.
  /// @throws ValueError when a size is not positive or the channels do not divide by groups.
  explicit Conv1dImpl(const Conv1dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Draws fresh weights (and bias) from the default generator, as the constructor does.
  void reset_parameters();

  /// The options the layer was built with.
  Conv1dOptions options;
  /// The filters, (K, C / groups, S).
  Tensor weight;
  /// (K); undefined when options.bias() is false.
  Tensor bias;  // undefined when options.bias() is false
};
/// The holder of Conv1dImpl: `striate::nn::Conv1d conv(3, 8, 5);`.
STRIATE_MODULE(Conv1d);

// ---- Conv2d --------------------------------------------------------------------------

/// The layer's options: channels and kernel plus the functional options of striate::conv2d.
/// Setters chain: `Conv2dOptions(1, 6, 5).stride(2).padding(1)`.
struct Conv2dOptions {
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size (R, S), the kernel's height and width.
  Conv2dOptions(int64_t in_channels, int64_t out_channels, IntPair kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  /// A square kernel.
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size R = S, the kernel's side.
  Conv2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv2dOptions(in_channels, out_channels, IntPair{kernel_size, kernel_size}) {}
  /// C, the input's channels (divisible by groups).
  STRIATE_ARG(int64_t, in_channels);
  /// K, the output's channels (divisible by groups).
  STRIATE_ARG(int64_t, out_channels);
  /// (R, S), the kernel's height and width.
  STRIATE_ARG(IntPair, kernel_size);
  /// The step between output positions, (height, width) (default (1, 1)).
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  /// Zeros added on each side, (height, width) (default (0, 0)); used when padding_mode is Explicit.
  STRIATE_ARG(IntPair, padding) = { 0, 0 };  // used when padding_mode is Explicit
  /// Explicit (default: `padding` is used), Same, Valid or Full.
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  /// The spacing of the kernel's taps, (height, width) (default (1, 1)).
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };
  /// The number of channel groups (default 1).
  STRIATE_ARG(int64_t, groups) = 1;
  /// Whether the layer adds a learned bias (default true).
  STRIATE_ARG(bool, bias) = true;
  /// Per-side (top, bottom, left, right) padding; when set it wins over `padding`.
  STRIATE_ARG(std::optional<IntQuad>, padding_sides);
  /// LeNet-5's sparse connections: a (out_channels, in_channels) table, nonzero where output map
  /// k reads input map c (groups must be 1). Undefined: every map reads every map.
  STRIATE_ARG(Tensor, connection_table);

 public:
  /// The same stride in both dims.
  /// @param s the stride.
  /// @return *this.
  Conv2dOptions& stride(int64_t s) { return stride(IntPair{s, s}); }
  /// The same padding in both dims.
  /// @param p zeros added on each side.
  /// @return *this.
  Conv2dOptions& padding(int64_t p) { return padding(IntPair{p, p}); }
  /// The same dilation in both dims.
  /// @param d the spacing of the kernel's taps.
  /// @return *this.
  Conv2dOptions& dilation(int64_t d) { return dilation(IntPair{d, d}); }
  /// "same", "valid" or "full"; anything else raises ValueError.
  /// @param mode the padding mode's name.
  /// @return *this.
  /// @throws ValueError for another mode.
  Conv2dOptions& padding(const std::string& mode);
  /// The options striate::conv2d takes.
  /// @return stride, padding, dilation and groups as striate::Conv2dOptions.
  striate::Conv2dOptions functional() const;
};

/// Cross-correlation over (N, C, H, W); weight (K, C / groups, R, S), bias (K). With a
/// connection table the forward uses weight * mask, so masked weights get exactly zero gradient.
///
/// y[n, k, p, q] = bias[k] + sum_{c, r, s} weight[k, c, r, s] * x[n, c, p * sh + r * dh - pt,
/// q * sw + s * dw - pl]. Input (N, C, H, W), output (N, K, P, Q) with
/// P = floor((H + pt + pb - dh * (R - 1) - 1) / sh) + 1 and Q likewise.
/// Weights start as PyTorch's: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C / groups * R * S.
/// @code{.cpp}
/// striate::nn::Conv2d conv(striate::nn::Conv2dOptions(1, 6, 5).padding(2));
/// auto y = conv(striate::randn({8, 1, 28, 28}));   // (8, 6, 28, 28)
/// @endcode
class Conv2dImpl : public Module {
 public:
  /// A square kernel, stride 1, no padding.
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size R = S, the kernel's side.
  /// @throws ValueError when a size is not positive.
  Conv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  /// @param options the layer's options.
  /// @throws ValueError when a size is not positive, the channels do not divide by groups, or the
  ///   connection table's shape is not (K, C) or is used with groups > 1.
  explicit Conv2dImpl(const Conv2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Draws fresh weights (and bias) from the default generator, as the constructor does.
  void reset_parameters();

  /// The options the layer was built with.
  Conv2dOptions options;
  /// The filters, (K, C / groups, R, S).
  Tensor weight;
  /// (K); undefined when options.bias() is false.
  Tensor bias;  // undefined when options.bias() is false
  /// The connection table as a mask.
  Tensor connection_mask;  // (K, C, 1, 1) 0/1 in the weight's dtype, or undefined; a non-persistent buffer
  /// The options conv2d runs with (stride, resolved padding, dilation, groups).
  /// @return the options.
  const striate::Conv2dOptions& functional_options() const { return functional_options_; }

 private:
  friend std::optional<std::pair<Tensor, Tensor>> folded_conv_bn_parameters(Conv2dImpl&, BatchNormImpl&, DType);
  friend struct FoldedConvBnAccess;  // nn/fusion.cpp
  striate::Conv2dOptions functional_options_;
  std::shared_ptr<FoldedConvBnCache> folded_bn_;  // nn/fusion.h: weights with a BatchNorm folded in
};
/// The holder of Conv2dImpl: `striate::nn::Conv2d conv(1, 6, 5);`.
STRIATE_MODULE(Conv2d);

// ---- Conv3d -----------------------------------------------------------------------------------

/// The options of Conv3d: channels, kernel and bias plus the functional options of
/// striate::conv3d. Setters chain.
struct Conv3dOptions {
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size (U, R, S), the kernel's depth, height and width.
  Conv3dOptions(int64_t in_channels, int64_t out_channels, IntTriple kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  /// A cubic kernel.
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size U = R = S, the kernel's side.
  Conv3dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv3dOptions(in_channels, out_channels, IntTriple{kernel_size, kernel_size, kernel_size}) {}
  /// C, the input's channels (divisible by groups).
  STRIATE_ARG(int64_t, in_channels);
  /// K, the output's channels (divisible by groups).
  STRIATE_ARG(int64_t, out_channels);
  /// (U, R, S), the kernel's depth, height and width.
  STRIATE_ARG(IntTriple, kernel_size);
  /// Whether the layer adds a learned bias (default true).
  STRIATE_ARG(bool, bias) = true;
  /// Stride, padding, dilation and groups, as striate::conv3d takes them.
  STRIATE_ARG(striate::Conv3dOptions, functional);

 public:
  /// @param s the stride of every dim (default 1).
  /// @return *this.
  Conv3dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  /// @param s the stride per dim (depth, height, width).
  /// @return *this.
  Conv3dOptions& stride(const IntTriple& s) {
    functional_.stride(s);
    return *this;
  }
  /// @param p zeros added on each side of every dim (default 0).
  /// @return *this.
  Conv3dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  /// @param p zeros added on each side, per dim.
  /// @return *this.
  Conv3dOptions& padding(const IntTriple& p) {
    functional_.padding(p);
    return *this;
  }
  /// @param mode "same", "valid" or "full".
  /// @return *this.
  /// @throws ValueError for another mode.
  Conv3dOptions& padding(const std::string& mode) {
    functional_.padding(mode);
    return *this;
  }
  /// (front, back, top, bottom, left, right)
  /// @param p zeros added on each side.
  /// @return *this.
  Conv3dOptions& padding_sides(const IntSextet& p) {
    functional_.padding_sides(p);
    return *this;
  }
  /// @param d the spacing of the kernel's taps in every dim (default 1).
  /// @return *this.
  Conv3dOptions& dilation(int64_t d) {
    functional_.dilation(d);
    return *this;
  }
  /// @param d the spacing of the kernel's taps, per dim.
  /// @return *this.
  Conv3dOptions& dilation(const IntTriple& d) {
    functional_.dilation(d);
    return *this;
  }
  /// @param g the number of channel groups (default 1).
  /// @return *this.
  Conv3dOptions& groups(int64_t g) {
    functional_.groups(g);
    return *this;
  }
};

/// Cross-correlation over (N, C, D, H, W); weight (K, C / groups, U, R, S), bias (K).
/// Output (N, K, D_out, P, Q), each spatial size as Conv2d's formula gives.
class Conv3dImpl : public Module {
 public:
  /// A cubic kernel, stride 1, no padding.
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param kernel_size the kernel's side.
  /// @throws ValueError when a size is not positive.
  Conv3dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv3dImpl(Conv3dOptions(in_channels, out_channels, kernel_size)) {}
  /// @param options the layer's options.
  /// @throws ValueError when a size is not positive or the channels do not divide by groups.
  explicit Conv3dImpl(const Conv3dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Draws fresh weights (and bias) from the default generator, as the constructor does.
  void reset_parameters();

  /// The options the layer was built with.
  Conv3dOptions options;
  /// The filters, (K, C / groups, U, R, S).
  Tensor weight;
  /// (K); undefined when options.bias() is false.
  Tensor bias;
};
/// The holder of Conv3dImpl: `striate::nn::Conv3d conv(3, 8, 3);`.
STRIATE_MODULE(Conv3d);

// ---- ConvTranspose2d -------------------------------------------------------------------------

/// The options of ConvTranspose2d: channels, kernel and bias plus the functional options of
/// striate::conv_transpose2d. Setters chain.
struct ConvTranspose2dOptions {
  /// @param in_channels C_in, the input's channels.
  /// @param out_channels C_out, the output's channels.
  /// @param kernel_size (R, S), the kernel's height and width.
  ConvTranspose2dOptions(int64_t in_channels, int64_t out_channels, IntPair kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  /// A square kernel.
  /// @param in_channels C_in, the input's channels.
  /// @param out_channels C_out, the output's channels.
  /// @param kernel_size R = S, the kernel's side.
  ConvTranspose2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : ConvTranspose2dOptions(in_channels, out_channels, IntPair{kernel_size, kernel_size}) {}
  /// C_in, the input's channels (divisible by groups).
  STRIATE_ARG(int64_t, in_channels);
  /// C_out, the output's channels (divisible by groups).
  STRIATE_ARG(int64_t, out_channels);
  /// (R, S), the kernel's height and width.
  STRIATE_ARG(IntPair, kernel_size);
  /// Whether the layer adds a learned bias (default true).
  STRIATE_ARG(bool, bias) = true;
  /// Stride, padding, output padding, dilation and groups, as striate::conv_transpose2d takes them.
  STRIATE_ARG(striate::ConvTranspose2dOptions, functional);

 public:
  /// @param s the stride of both dims (default 1).
  /// @return *this.
  ConvTranspose2dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  /// @param s the stride, (height, width).
  /// @return *this.
  ConvTranspose2dOptions& stride(const IntPair& s) {
    functional_.stride(s);
    return *this;
  }
  /// @param p the padding of the matching convolution, both dims (default 0).
  /// @return *this.
  ConvTranspose2dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  /// @param p the padding of the matching convolution, (height, width).
  /// @return *this.
  ConvTranspose2dOptions& padding(const IntPair& p) {
    functional_.padding(p);
    return *this;
  }
  /// @param p extra rows and columns added to one side of the output (default 0; < stride).
  /// @return *this.
  ConvTranspose2dOptions& output_padding(int64_t p) {
    functional_.output_padding(p);
    return *this;
  }
  /// @param p extra rows and columns added to one side of the output, (height, width).
  /// @return *this.
  ConvTranspose2dOptions& output_padding(const IntPair& p) {
    functional_.output_padding(p);
    return *this;
  }
  /// @param d the spacing of the kernel's taps, both dims (default 1).
  /// @return *this.
  ConvTranspose2dOptions& dilation(int64_t d) {
    functional_.dilation(d);
    return *this;
  }
  /// @param d the spacing of the kernel's taps, (height, width).
  /// @return *this.
  ConvTranspose2dOptions& dilation(const IntPair& d) {
    functional_.dilation(d);
    return *this;
  }
  /// @param g the number of channel groups (default 1).
  /// @return *this.
  ConvTranspose2dOptions& groups(int64_t g) {
    functional_.groups(g);
    return *this;
  }
};

/// The adjoint of Conv2d (learned upsampling); weight (C_in, C_out / groups, R, S), bias (C_out).
/// Input (N, C_in, H, W), output (N, C_out, H_out, W_out) with
/// H_out = (H - 1) * stride - 2 * pad + dilation * (R - 1) + output_padding + 1.
class ConvTranspose2dImpl : public Module {
 public:
  /// A square kernel, stride 1, no padding.
  /// @param in_channels C_in, the input's channels.
  /// @param out_channels C_out, the output's channels.
  /// @param kernel_size R = S, the kernel's side.
  /// @throws ValueError when a size is not positive.
  ConvTranspose2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  /// @param options the layer's options.
  /// @throws ValueError when a size is not positive, the channels do not divide by groups, or
  ///   output_padding is not smaller than stride or dilation.
  explicit ConvTranspose2dImpl(const ConvTranspose2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Draws fresh weights (and bias) from the default generator, as the constructor does.
  void reset_parameters();

  /// The options the layer was built with.
  ConvTranspose2dOptions options;
  /// The filters, (C_in, C_out / groups, R, S).
  Tensor weight;
  /// (C_out); undefined when options.bias() is false.
  Tensor bias;
};
/// The holder of ConvTranspose2dImpl: `striate::nn::ConvTranspose2d up(8, 4, 2);`.
STRIATE_MODULE(ConvTranspose2d);

// ---- LocallyConnected2d ------------------------------------------------------------------------

/// The options of LocallyConnected2d. Setters chain.
struct LocallyConnected2dOptions {
  /// @param in_channels C, the input's channels.
  /// @param out_channels K, the output's channels.
  /// @param in_size (H, W), the input's fixed spatial size.
  /// @param kernel_size (R, S), the kernel's height and width.
  LocallyConnected2dOptions(int64_t in_channels, int64_t out_channels, IntPair in_size, IntPair kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), in_size_(in_size), kernel_size_(kernel_size) {}
  /// C, the input's channels.
  STRIATE_ARG(int64_t, in_channels);
  /// K, the output's channels.
  STRIATE_ARG(int64_t, out_channels);
  /// (H, W): unshared weights fix the input size.
  STRIATE_ARG(IntPair, in_size);  // (H, W): unshared weights fix the input size
  /// (R, S), the kernel's height and width.
  STRIATE_ARG(IntPair, kernel_size);
  /// Whether the layer adds a learned bias (default true).
  STRIATE_ARG(bool, bias) = true;
  /// Stride and padding, as striate::locally_connected2d takes them.
  STRIATE_ARG(striate::LocallyConnected2dOptions, functional);

 public:
  /// @param s the stride of both dims (default 1).
  /// @return *this.
  LocallyConnected2dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  /// @param s the stride, (height, width).
  /// @return *this.
  LocallyConnected2dOptions& stride(const IntPair& s) {
    functional_.stride(s);
    return *this;
  }
  /// @param p zeros added on each side of both dims (default 0).
  /// @return *this.
  LocallyConnected2dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  /// @param p zeros added on each side, (height, width).
  /// @return *this.
  LocallyConnected2dOptions& padding(const IntPair& p) {
    functional_.padding(p);
    return *this;
  }
};

/// A convolution without weight sharing: output position (p, q) has its own filters.
/// weight (P, Q, K, C, R, S), bias (K, P, Q); both start U(-1/sqrt(C R S), 1/sqrt(C R S)).
/// Input (N, C, H, W) with (H, W) = in_size, output (N, K, P, Q).
class LocallyConnected2dImpl : public Module {
 public:
  /// @param options the layer's options.
  /// @throws ValueError when a size is not positive or the kernel does not fit the input.
  explicit LocallyConnected2dImpl(const LocallyConnected2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Draws fresh weights (and bias) from the default generator, as the constructor does.
  void reset_parameters();

  /// The options the layer was built with.
  LocallyConnected2dOptions options;
  /// (P, Q), the output's spatial size.
  IntPair output_size;  // (P, Q)
  /// The filters, (P, Q, K, C, R, S).
  Tensor weight;
  /// (K, P, Q); undefined when options.bias() is false.
  Tensor bias;
};
/// The holder of LocallyConnected2dImpl.
STRIATE_MODULE(LocallyConnected2d);

}  // namespace striate::nn
