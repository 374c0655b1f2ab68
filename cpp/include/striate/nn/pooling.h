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

using MaxPool2dOptions = Pool2dOptions;
using AvgPool2dOptions = Pool2dOptions;

// return_indices is PyTorch's module flag, read by the Python binding's forward; from C++ call
// forward_with_indices for (output, flat h * W + w indices).
class MaxPool2dImpl : public Module {
 public:
  explicit MaxPool2dImpl(const MaxPool2dOptions& options, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  MaxPool2dOptions options;
  bool return_indices;
};
STRIATE_MODULE(MaxPool2d);

class AvgPool2dImpl : public Module {
 public:
  explicit AvgPool2dImpl(const AvgPool2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  AvgPool2dOptions options;
};
STRIATE_MODULE(AvgPool2d);

// ---- 1-D and 3-D pooling ---------------------------------------------------------------------

class MaxPool1dImpl : public Module {
 public:
  explicit MaxPool1dImpl(const Pool1dOptions& options, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  Pool1dOptions options;
  bool return_indices;
};
STRIATE_MODULE(MaxPool1d);

class AvgPool1dImpl : public Module {
 public:
  explicit AvgPool1dImpl(const Pool1dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  Pool1dOptions options;
};
STRIATE_MODULE(AvgPool1d);

class MaxPool3dImpl : public Module {
 public:
  explicit MaxPool3dImpl(const Pool3dOptions& options, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  Pool3dOptions options;
  bool return_indices;
};
STRIATE_MODULE(MaxPool3d);

class AvgPool3dImpl : public Module {
 public:
  explicit AvgPool3dImpl(const Pool3dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  Pool3dOptions options;
};
STRIATE_MODULE(AvgPool3d);

// ---- unpooling ------------------------------------------------------------------------------

// Takes the output and indices of MaxPool2d(return_indices=True); forward(input) alone raises.
class MaxUnpool2dImpl : public Module {
 public:
  explicit MaxUnpool2dImpl(const Pool2dOptions& options);
  Tensor forward(const Tensor& input) override;
  Tensor forward(const Tensor& input, const Tensor& indices, std::optional<IntPair> output_size = std::nullopt);
  std::string extra_repr() const override;
  Pool2dOptions options;  // kernel_size, stride, padding
};
STRIATE_MODULE(MaxUnpool2d);

// ---- adaptive and global pooling --------------------------------------------------------------

class AdaptiveAvgPool2dImpl : public Module {
 public:
  explicit AdaptiveAvgPool2dImpl(IntPair output_size);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  IntPair output_size;
};
STRIATE_MODULE(AdaptiveAvgPool2d);

class AdaptiveMaxPool2dImpl : public Module {
 public:
  explicit AdaptiveMaxPool2dImpl(IntPair output_size, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  IntPair output_size;
  bool return_indices;
};
STRIATE_MODULE(AdaptiveMaxPool2d);

// Average (or max) over all of H and W: (N, C, H, W) -> (N, C, 1, 1), the same as
// AdaptiveAvgPool2d(1); with flatten, (N, C) (or (C) for unbatched input).
class GlobalAvgPool2dImpl : public Module {
 public:
  explicit GlobalAvgPool2dImpl(bool flatten = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  bool flatten;
};
STRIATE_MODULE(GlobalAvgPool2d);

class GlobalMaxPool2dImpl : public Module {
 public:
  explicit GlobalMaxPool2dImpl(bool flatten = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  bool flatten;
};
STRIATE_MODULE(GlobalMaxPool2d);

// ---- fractional and channel pooling -----------------------------------------------------------

// Exactly one of output_size and output_ratio (each in (0, 1)); windows are drawn anew from the
// default generator on every forward.
class FractionalMaxPool2dImpl : public Module {
 public:
  FractionalMaxPool2dImpl(IntPair kernel_size, std::optional<IntPair> output_size,
                          std::optional<std::array<double, 2>> output_ratio, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  IntPair kernel_size;
  std::optional<IntPair> output_size;
  std::optional<std::array<double, 2>> output_ratio;
  bool return_indices;
};
STRIATE_MODULE(FractionalMaxPool2d);

// Maxout over groups of kernel_size consecutive channels.
class ChannelMaxPoolImpl : public Module {
 public:
  explicit ChannelMaxPoolImpl(int64_t kernel_size);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t kernel_size;
};
STRIATE_MODULE(ChannelMaxPool);

}  // namespace striate::nn
