// The fully connected layer: Linear (y = x W^T + b). Weights start as PyTorch's do:
// U(-1/sqrt(in_features), 1/sqrt(in_features)) for weight and bias.
//   striate::nn::Linear fc(120, 84);
#pragma once
#include <string>

#include "striate/nn/module.h"
#include "striate/ops/options.h"

namespace striate::nn {

struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  STRIATE_ARG(int64_t, in_features);
  STRIATE_ARG(int64_t, out_features);
  STRIATE_ARG(bool, bias) = true;
};

// y = x W^T + b; weight (out_features, in_features), bias (out_features).
class LinearImpl : public Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  // Draws fresh weights from the default generator, as the constructor does.
  void reset_parameters();

  LinearOptions options;
  Tensor weight;
  Tensor bias;  // undefined when options.bias() is false
};
STRIATE_MODULE(Linear);

}  // namespace striate::nn
