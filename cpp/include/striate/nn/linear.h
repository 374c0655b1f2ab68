// The fully connected layer: Linear (y = x W^T + b). Weights start as PyTorch's do:
// U(-1/sqrt(in_features), 1/sqrt(in_features)) for weight and bias.
//   striate::nn::Linear fc(120, 84);
#pragma once
#include <string>

#include "striate/nn/module.h"
#include "striate/ops/options.h"

namespace striate::nn {

/// The options of Linear (setters chain).
struct LinearOptions {
  /// @param in_features the input's features.
  /// @param out_features the output's features.
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  /// The input's features.
  STRIATE_ARG(int64_t, in_features);
  /// The output's features.
  STRIATE_ARG(int64_t, out_features);
  /// Learn a bias (default true).
  STRIATE_ARG(bool, bias) = true;
};

/// y = x W^T + b; weight (out_features, in_features), bias (out_features).
/// Input (*, in_features), output (*, out_features).
class LinearImpl : public Module {
 public:
  /// @param in_features the input's features.
  /// @param out_features the output's features.
  /// @throws ValueError for a negative size.
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  /// @param options the layer's options.
  /// @throws ValueError for a negative size.
  explicit LinearImpl(const LinearOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Draws fresh weights from the default generator, as the constructor does.
  void reset_parameters();

  /// The options the layer was built with.
  LinearOptions options;
  /// (out_features, in_features).
  Tensor weight;
  /// (out_features); undefined when options.bias() is false.
  Tensor bias;  // undefined when options.bias() is false
};
/// The holder of LinearImpl: `striate::nn::Linear fc(120, 84);`.
STRIATE_MODULE(Linear);

}  // namespace striate::nn
