// The Linear layer: construction (PyTorch's default initialization), forward through
// striate::linear, and the extra_repr text PyTorch prints.
#include "striate/nn/linear.h"

#include <cmath>

#include "striate/nn/init.h"
#include "striate/ops/creation.h"
#include "striate/ops/linalg.h"

namespace striate::nn {
namespace {

const char* bool_text(bool value) { return value ? "True" : "False"; }

// PyTorch's default for Linear: kaiming_uniform_(a=sqrt(5)) on the weight, i.e.
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
void reset_weight_and_bias(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

}  // namespace

LinearImpl::LinearImpl(const LinearOptions& options) : Module("Linear"), options(options) {
  STRIATE_CHECK(options.in_features() >= 0 && options.out_features() >= 0,
                "Linear: expected non-negative in_features and out_features, got in_features=", options.in_features(),
                ", out_features=", options.out_features());
  weight = register_parameter("weight", empty({options.out_features(), options.in_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor());
  reset_parameters();
}

void LinearImpl::reset_parameters() { reset_weight_and_bias(weight, bias); }

Tensor LinearImpl::forward(const Tensor& input) {
  return linear(input, weight, bias.defined() ? std::optional<Tensor>(bias) : std::nullopt);
}

// One multiply-add per output element per input feature.
std::optional<int64_t> LinearImpl::mult_adds(const Shape&, const Shape& output) const {
  return output.numel() * options.in_features();
}

std::string LinearImpl::extra_repr() const {
  return detail::str("in_features=", options.in_features(), ", out_features=", options.out_features(),
                     ", bias=", bool_text(bias.defined()));
}

}  // namespace striate::nn
