// nn::init: in-place initializers with PyTorch's names, defaults and formulas (torch.nn.init);
// each runs under no_grad and draws from the default generator.
//   striate::nn::init::kaiming_uniform_(conv->weight, 0.0, "fan_out", "relu");
//   striate::nn::init::zeros_(conv->bias);
#pragma once
#include <string>
#include <utility>

#include "striate/core/tensor.h"

namespace striate::nn::init {

// The recommended gain for a nonlinearity: "linear", "conv2d", "sigmoid", "tanh", "relu",
// "leaky_relu" (param = negative slope, 0.01 by default), "selu".
double calculate_gain(const std::string& nonlinearity, double param = 0.01);
// (fan_in, fan_out) of a weight of shape (out, in, *kernel); needs at least 2 dims.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor);

Tensor& uniform_(Tensor& tensor, double low = 0.0, double high = 1.0);
Tensor& normal_(Tensor& tensor, double mean = 0.0, double std = 1.0);
Tensor& constant_(Tensor& tensor, double value);
Tensor& zeros_(Tensor& tensor);
Tensor& ones_(Tensor& tensor);
// U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a); mode picks
// fan_in or fan_out.
Tensor& kaiming_uniform_(Tensor& tensor, double a = 0.0, const std::string& mode = "fan_in",
                         const std::string& nonlinearity = "leaky_relu");
// N(0, std^2) with std = gain / sqrt(fan).
Tensor& kaiming_normal_(Tensor& tensor, double a = 0.0, const std::string& mode = "fan_in",
                        const std::string& nonlinearity = "leaky_relu");
// U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
Tensor& xavier_uniform_(Tensor& tensor, double gain = 1.0);
// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor& xavier_normal_(Tensor& tensor, double gain = 1.0);

}  // namespace striate::nn::init
