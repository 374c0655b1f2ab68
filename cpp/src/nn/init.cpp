// nn::init: PyTorch's initializer formulas on top of the in-place random fills of ops/creation.h.
#include "striate/nn/init.h"

#include <cmath>

#include "striate/autograd.h"
#include "striate/ops/creation.h"

namespace striate::nn::init {

double calculate_gain(const std::string& nonlinearity, double param) {
  if (nonlinearity == "linear" || nonlinearity == "conv1d" || nonlinearity == "conv2d" ||
      nonlinearity == "conv3d" || nonlinearity == "sigmoid") {
    return 1.0;
  }
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0 / (1.0 + param * param));
  if (nonlinearity == "selu") return 3.0 / 4.0;
  throw ValueError(detail::str("calculate_gain: unsupported nonlinearity \"", nonlinearity,
                               "\" (expected linear, conv2d, sigmoid, tanh, relu, leaky_relu or selu)"));
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor) {
  STRIATE_CHECK(tensor.defined(), "calculate_fan_in_and_fan_out: expected a tensor, got None");
  STRIATE_CHECK(tensor.dim() >= 2,
                "calculate_fan_in_and_fan_out: fan in and fan out can not be computed for a tensor with fewer than 2 "
                "dimensions, got shape ",
                tensor.sizes());
  int64_t receptive_field = 1;
  for (int d = 2; d < tensor.dim(); ++d) receptive_field *= tensor.size(d);
  return {tensor.size(1) * receptive_field, tensor.size(0) * receptive_field};
}

namespace {

int64_t select_fan(const Tensor& tensor, const std::string& mode, const char* op) {
  STRIATE_CHECK(mode == "fan_in" || mode == "fan_out", op, ": expected mode \"fan_in\" or \"fan_out\", got \"", mode,
                "\"");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  return mode == "fan_in" ? fan_in : fan_out;
}

void check_floating(const Tensor& tensor, const char* op) {
  STRIATE_CHECK(tensor.defined(), op, ": expected a tensor, got None");
  STRIATE_CHECK_TYPE(tensor.is_floating_point(), op, ": expected a floating-point tensor, got ", tensor.dtype());
}

}  // namespace

Tensor& uniform_(Tensor& tensor, double low, double high) {
  check_floating(tensor, "uniform_");
  STRIATE_CHECK(low <= high, "uniform_: expected low <= high, got low=", low, ", high=", high);
  NoGradGuard no_grad;
  ::striate::uniform_(tensor, low, high);
  return tensor;
}

Tensor& normal_(Tensor& tensor, double mean, double std) {
  check_floating(tensor, "normal_");
  STRIATE_CHECK(std >= 0, "normal_: expected std >= 0, got ", std);
  NoGradGuard no_grad;
  ::striate::normal_(tensor, mean, std);
  return tensor;
}

Tensor& constant_(Tensor& tensor, double value) {
  check_floating(tensor, "constant_");
  NoGradGuard no_grad;
  tensor.fill_(value);
  return tensor;
}

Tensor& zeros_(Tensor& tensor) { return constant_(tensor, 0.0); }

Tensor& ones_(Tensor& tensor) { return constant_(tensor, 1.0); }

Tensor& kaiming_uniform_(Tensor& tensor, double a, const std::string& mode, const std::string& nonlinearity) {
  check_floating(tensor, "kaiming_uniform_");
  int64_t fan = select_fan(tensor, mode, "kaiming_uniform_");
  if (tensor.numel() == 0) return tensor;  // nothing to draw (PyTorch warns and does nothing)
  double bound = calculate_gain(nonlinearity, a) * std::sqrt(3.0 / static_cast<double>(fan));
  return init::uniform_(tensor, -bound, bound);
}

Tensor& kaiming_normal_(Tensor& tensor, double a, const std::string& mode, const std::string& nonlinearity) {
  check_floating(tensor, "kaiming_normal_");
  int64_t fan = select_fan(tensor, mode, "kaiming_normal_");
  if (tensor.numel() == 0) return tensor;
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
  return init::normal_(tensor, 0.0, std);
}

Tensor& xavier_uniform_(Tensor& tensor, double gain) {
  check_floating(tensor, "xavier_uniform_");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  if (tensor.numel() == 0) return tensor;
  double bound = gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  return init::uniform_(tensor, -bound, bound);
}

Tensor& xavier_normal_(Tensor& tensor, double gain) {
  check_floating(tensor, "xavier_normal_");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  if (tensor.numel() == 0) return tensor;
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return init::normal_(tensor, 0.0, std);
}

}  // namespace striate::nn::init
