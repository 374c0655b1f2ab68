// The pooling layers: max and average pooling in 1-D, 2-D and 3-D, MaxUnpool2d, adaptive, global,
// fractional and channel (maxout) pooling. None has parameters; all wrap the ops of ops/pooling.h.
// Max-pooling layers keep PyTorch's return_indices for the Python binding; from C++ call
// forward_with_indices.
//   striate::nn::MaxPool2d pool(striate::nn::MaxPool2dOptions(2));
//   striate::nn::GlobalAvgPool2d gap(/*flatten=*/true);   // (N, C, H, W) -> (N, C)
#pragma once
#include <array>
#include <optional>
#include <string>
#include <tuple>

#include "striate/nn/module.h"
#include "striate/ops/pooling.h"

namespace striate::nn {

// ---- 2-D pooling ----------------------------------------------------------------------------

/// The options of MaxPool2d (ops/pooling.h).
using MaxPool2dOptions = Pool2dOptions;
/// The options of AvgPool2d (ops/pooling.h).
using AvgPool2dOptions = Pool2dOptions;

/// return_indices is PyTorch's module flag, read by the Python binding's forward; from C++ call
/// forward_with_indices for (output, flat h * W + w indices).
///
/// 2-D max pooling: input (N, C, H, W) or (C, H, W), output (N, C, P, Q) with
/// P = floor((H + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1 (ceil with ceil_mode).
class MaxPool2dImpl : public Module {
 public:
  /// @param options kernel, stride, padding, dilation, ceil_mode.
  /// @param return_indices the Python binding's forward also returns the indices (default false).
  /// @throws ValueError for a non-positive kernel or stride, or padding > kernel / 2.
  explicit MaxPool2dImpl(const MaxPool2dOptions& options, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  /// The output and the position of each maximum.
  /// @param input the input.
  /// @return (output, int64 indices into each input plane, flattened).
  /// @throws ShapeError for a bad rank or an empty output.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  /// The options the layer was built with.
  MaxPool2dOptions options;
  /// PyTorch's flag, read by the Python binding.
  bool return_indices;
};
/// The holder of MaxPool2dImpl: `striate::nn::MaxPool2d pool(striate::nn::MaxPool2dOptions(2));`.
STRIATE_MODULE(MaxPool2d);

/// 2-D average pooling: input (N, C, H, W) or (C, H, W), output (N, C, P, Q) as MaxPool2d's.
class AvgPool2dImpl : public Module {
 public:
  /// @param options kernel, stride, padding, ceil_mode, count_include_pad, divisor_override.
  /// @throws ValueError for a non-positive kernel or stride, or padding > kernel / 2.
  explicit AvgPool2dImpl(const AvgPool2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The options the layer was built with.
  AvgPool2dOptions options;
};
/// The holder of AvgPool2dImpl.
STRIATE_MODULE(AvgPool2d);

// ---- 1-D and 3-D pooling ---------------------------------------------------------------------

/// 1-D max pooling: input (N, C, L) or (C, L), output (N, C, L_out).
class MaxPool1dImpl : public Module {
 public:
  /// @param options kernel, stride, padding, dilation, ceil_mode.
  /// @param return_indices the Python binding's forward also returns the indices (default false).
  /// @throws ValueError for a non-positive kernel or stride, or padding > kernel / 2.
  explicit MaxPool1dImpl(const Pool1dOptions& options, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  /// The output and the position of each maximum.
  /// @param input the input.
  /// @return (output, int64 indices into each input plane, flattened).
  /// @throws ShapeError for a bad rank or an empty output.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  /// The options the layer was built with.
  Pool1dOptions options;
  /// PyTorch's flag, read by the Python binding.
  bool return_indices;
};
/// The holder of MaxPool1dImpl.
STRIATE_MODULE(MaxPool1d);

/// 1-D average pooling: input (N, C, L) or (C, L), output (N, C, L_out).
class AvgPool1dImpl : public Module {
 public:
  /// @param options kernel, stride, padding, ceil_mode, count_include_pad.
  /// @throws ValueError for a non-positive kernel or stride, or padding > kernel / 2.
  explicit AvgPool1dImpl(const Pool1dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The options the layer was built with.
  Pool1dOptions options;
};
/// The holder of AvgPool1dImpl.
STRIATE_MODULE(AvgPool1d);

/// 3-D max pooling: input (N, C, D, H, W) or (C, D, H, W), output (N, C, O, P, Q).
class MaxPool3dImpl : public Module {
 public:
  /// @param options kernel, stride, padding, dilation, ceil_mode.
  /// @param return_indices the Python binding's forward also returns the indices (default false).
  /// @throws ValueError for a non-positive kernel or stride, or padding > kernel / 2.
  explicit MaxPool3dImpl(const Pool3dOptions& options, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  /// The output and the position of each maximum.
  /// @param input the input.
  /// @return (output, int64 indices into each input plane, flattened).
  /// @throws ShapeError for a bad rank or an empty output.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  /// The options the layer was built with.
  Pool3dOptions options;
  /// PyTorch's flag, read by the Python binding.
  bool return_indices;
};
/// The holder of MaxPool3dImpl.
STRIATE_MODULE(MaxPool3d);

/// 3-D average pooling: input (N, C, D, H, W) or (C, D, H, W), output (N, C, O, P, Q).
class AvgPool3dImpl : public Module {
 public:
  /// @param options kernel, stride, padding, ceil_mode, count_include_pad, divisor_override.
  /// @throws ValueError for a non-positive kernel or stride, or padding > kernel / 2.
  explicit AvgPool3dImpl(const Pool3dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The options the layer was built with.
  Pool3dOptions options;
};
/// The holder of AvgPool3dImpl.
STRIATE_MODULE(AvgPool3d);

// ---- unpooling ------------------------------------------------------------------------------

/// Takes the output and indices of MaxPool2d(return_indices=True); forward(input) alone raises.
/// The partial inverse of MaxPool2d: each value goes back to the position of its maximum,
/// zeros elsewhere.
class MaxUnpool2dImpl : public Module {
 public:
  /// @param options the kernel, stride and padding of the MaxPool2d inverted.
  /// @throws ValueError for a non-positive kernel or stride.
  explicit MaxUnpool2dImpl(const Pool2dOptions& options);
  /// Unpooling needs the indices: this overload always raises.
  /// @param input the pooled values alone.
  /// @return never returns.
  /// @throws TypeError naming the missing indices.
  Tensor forward(const Tensor& input) override;
  /// @param input the pooled values (N, C, P, Q).
  /// @param indices MaxPool2d's indices, same shape.
  /// @param output_size the (H, W) to restore (default: from the options).
  /// @return (N, C, H, W).
  /// @throws ShapeError when the shapes differ or output_size is inconsistent.
  /// @throws IndexError when an index is outside the output plane.
  Tensor forward(const Tensor& input, const Tensor& indices, std::optional<IntPair> output_size = std::nullopt);
  std::string extra_repr() const override;
  /// The kernel, stride and padding.
  Pool2dOptions options;  // kernel_size, stride, padding
};
/// The holder of MaxUnpool2dImpl.
STRIATE_MODULE(MaxUnpool2d);

// ---- adaptive and global pooling --------------------------------------------------------------

/// Average pooling to a fixed output size: (N, C, H, W) -> (N, C, output_size); window i spans
/// [floor(i * H / P), ceil((i + 1) * H / P)).
class AdaptiveAvgPool2dImpl : public Module {
 public:
  /// @param output_size (P, Q), positive.
  /// @throws ValueError for a non-positive size.
  explicit AdaptiveAvgPool2dImpl(IntPair output_size);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// (P, Q).
  IntPair output_size;
};
/// The holder of AdaptiveAvgPool2dImpl.
STRIATE_MODULE(AdaptiveAvgPool2d);

/// Max pooling to a fixed output size: (N, C, H, W) -> (N, C, output_size).
class AdaptiveMaxPool2dImpl : public Module {
 public:
  /// @param output_size (P, Q), positive.
  /// @param return_indices the Python binding's forward also returns the indices (default false).
  /// @throws ValueError for a non-positive size.
  explicit AdaptiveMaxPool2dImpl(IntPair output_size, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  /// The output and the position of each maximum.
  /// @param input the input.
  /// @return (output, int64 indices into each input plane, flattened).
  /// @throws ShapeError for a bad rank or an empty output.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  /// (P, Q).
  IntPair output_size;
  /// PyTorch's flag, read by the Python binding.
  bool return_indices;
};
/// The holder of AdaptiveMaxPool2dImpl.
STRIATE_MODULE(AdaptiveMaxPool2d);

/// Average (or max) over all of H and W: (N, C, H, W) -> (N, C, 1, 1), the same as
/// AdaptiveAvgPool2d(1); with flatten, (N, C) (or (C) for unbatched input).
class GlobalAvgPool2dImpl : public Module {
 public:
  /// @param flatten drop the two unit dims (default false).
  explicit GlobalAvgPool2dImpl(bool flatten = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// Whether the unit dims are dropped.
  bool flatten;
};
/// The holder of GlobalAvgPool2dImpl.
STRIATE_MODULE(GlobalAvgPool2d);

/// Max over all of H and W: (N, C, H, W) -> (N, C, 1, 1), or (N, C) with flatten.
class GlobalMaxPool2dImpl : public Module {
 public:
  /// @param flatten drop the two unit dims (default false).
  explicit GlobalMaxPool2dImpl(bool flatten = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// Whether the unit dims are dropped.
  bool flatten;
};
/// The holder of GlobalMaxPool2dImpl.
STRIATE_MODULE(GlobalMaxPool2d);

// ---- fractional and channel pooling -----------------------------------------------------------

/// Exactly one of output_size and output_ratio (each in (0, 1)); windows are drawn anew from the
/// default generator on every forward.
/// Graham's fractional max pooling: (N, C, H, W) -> (N, C, P, Q) with pseudo-random windows.
class FractionalMaxPool2dImpl : public Module {
 public:
  /// @param kernel_size (kh, kw), positive.
  /// @param output_size (P, Q), or std::nullopt when output_ratio is given.
  /// @param output_ratio (rh, rw) in (0, 1), or std::nullopt when output_size is given.
  /// @param return_indices the Python binding's forward also returns the indices (default false).
  /// @throws ValueError unless exactly one of output_size and output_ratio is given, or for a bad
  ///   size or ratio.
  FractionalMaxPool2dImpl(IntPair kernel_size, std::optional<IntPair> output_size,
                          std::optional<std::array<double, 2>> output_ratio, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  /// The output and the position of each maximum.
  /// @param input the input.
  /// @return (output, int64 indices into each input plane, flattened).
  /// @throws ShapeError for a bad rank or an empty output.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  /// (kh, kw).
  IntPair kernel_size;
  /// (P, Q), or none.
  std::optional<IntPair> output_size;
  /// (rh, rw), or none.
  std::optional<std::array<double, 2>> output_ratio;
  /// PyTorch's flag, read by the Python binding.
  bool return_indices;
};
/// The holder of FractionalMaxPool2dImpl.
STRIATE_MODULE(FractionalMaxPool2d);

/// Maxout over groups of kernel_size consecutive channels.
/// (N, C, H, W) -> (N, C / kernel_size, H, W).
class ChannelMaxPoolImpl : public Module {
 public:
  /// @param kernel_size channels per group (> 0; divides C at forward).
  /// @throws ValueError when kernel_size <= 0.
  explicit ChannelMaxPoolImpl(int64_t kernel_size);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// Channels per group.
  int64_t kernel_size;
};
/// The holder of ChannelMaxPoolImpl.
STRIATE_MODULE(ChannelMaxPool);

}  // namespace striate::nn
