// nn::init: in-place initializers with PyTorch's names, defaults and formulas (torch.nn.init);
// each runs under no_grad and draws one seed from the default generator, then fills the tensor
// in parallel from counter-based streams: the values depend on the seed only, not on threads.
//   striate::nn::init::kaiming_uniform_(conv->weight, 0.0, "fan_out", "relu");
//   striate::nn::init::zeros_(conv->bias);
#pragma once
#include <string>
#include <utility>

#include "striate/core/tensor.h"

namespace striate::nn::init {

/// The recommended gain for a nonlinearity: "linear", "conv2d", "sigmoid", "tanh", "relu",
/// "leaky_relu" (param = negative slope, 0.01 by default), "selu".
/// @param nonlinearity the nonlinearity's name.
/// @param param leaky_relu's negative slope (default 0.01).
/// @return the gain.
/// @throws ValueError for an unknown nonlinearity.
double calculate_gain(const std::string& nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight of shape (out, in, *kernel); needs at least 2 dims.
/// @param tensor the weight.
/// @return (fan_in, fan_out).
/// @throws ValueError for fewer than 2 dims.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor);

/// Fills with U(low, high).
/// @param tensor the tensor filled in place.
/// @param low the lower bound (default 0).
/// @param high the upper bound (default 1).
/// @return tensor.
Tensor& uniform_(Tensor& tensor, double low = 0.0, double high = 1.0);
/// Fills with N(mean, std^2).
/// @param tensor the tensor filled in place.
/// @param mean the mean (default 0).
/// @param std the standard deviation (default 1).
/// @return tensor.
Tensor& normal_(Tensor& tensor, double mean = 0.0, double std = 1.0);
/// N(mean, std^2) restricted to [a, b], drawn by inverse CDF (no rejection).
/// @param tensor the tensor filled in place.
/// @param mean the mean (default 0).
/// @param std the standard deviation (default 1).
/// @param a the lower bound (default -2).
/// @param b the upper bound (default 2).
/// @return tensor.
/// @throws ValueError when a >= b.
Tensor& trunc_normal_(Tensor& tensor, double mean = 0.0, double std = 1.0, double a = -2.0, double b = 2.0);
/// A (semi-)orthogonal matrix times gain; dims after the first are flattened (needs >= 2 dims).
/// @param tensor the tensor filled in place.
/// @param gain the multiplier (default 1).
/// @return tensor.
/// @throws ValueError for fewer than 2 dims.
Tensor& orthogonal_(Tensor& tensor, double gain = 1.0);
/// The identity matrix (2-D tensors only).
/// @param tensor the tensor filled in place.
/// @return tensor.
/// @throws ValueError unless 2-D.
Tensor& eye_(Tensor& tensor);
/// A convolution weight (3-5 dims) that passes the input channels through: out channel d of each
/// group takes in channel d at the kernel centre.
/// @param tensor the tensor filled in place.
/// @param groups the convolution's groups (default 1).
/// @return tensor.
/// @throws ValueError unless 3-5 dims or when dim 0 does not divide by groups.
Tensor& dirac_(Tensor& tensor, int64_t groups = 1);
/// A 2-D matrix whose columns each have ceil(sparsity * rows) zeros, the rest N(0, std^2).
/// @param tensor the tensor filled in place.
/// @param sparsity the fraction of zeros per column, in [0, 1].
/// @param std the nonzeros' standard deviation (default 0.01).
/// @return tensor.
/// @throws ValueError unless 2-D.
Tensor& sparse_(Tensor& tensor, double sparsity, double std = 0.01);
/// Fills with value.
/// @param tensor the tensor filled in place.
/// @param value the value.
/// @return tensor.
Tensor& constant_(Tensor& tensor, double value);
/// Fills with 0.
/// @param tensor the tensor filled in place.
/// @return tensor.
Tensor& zeros_(Tensor& tensor);
/// Fills with 1.
/// @param tensor the tensor filled in place.
/// @return tensor.
Tensor& ones_(Tensor& tensor);
/// U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a); mode picks
/// fan_in or fan_out.
/// @param tensor the tensor filled in place.
/// @param a leaky_relu's negative slope (default 0).
/// @param mode "fan_in" (default) or "fan_out".
/// @param nonlinearity the nonlinearity (default "leaky_relu").
/// @return tensor.
/// @throws ValueError for an unknown mode or nonlinearity, or fewer than 2 dims.
Tensor& kaiming_uniform_(Tensor& tensor, double a = 0.0, const std::string& mode = "fan_in",
                         const std::string& nonlinearity = "leaky_relu");
/// N(0, std^2) with std = gain / sqrt(fan).
/// @param tensor the tensor filled in place.
/// @param a leaky_relu's negative slope (default 0).
/// @param mode "fan_in" (default) or "fan_out".
/// @param nonlinearity the nonlinearity (default "leaky_relu").
/// @return tensor.
/// @throws ValueError for an unknown mode or nonlinearity, or fewer than 2 dims.
Tensor& kaiming_normal_(Tensor& tensor, double a = 0.0, const std::string& mode = "fan_in",
                        const std::string& nonlinearity = "leaky_relu");
/// U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
/// @param tensor the tensor filled in place.
/// @param gain the gain (default 1).
/// @return tensor.
/// @throws ValueError for fewer than 2 dims.
Tensor& xavier_uniform_(Tensor& tensor, double gain = 1.0);
/// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
/// @param tensor the tensor filled in place.
/// @param gain the gain (default 1).
/// @return tensor.
/// @throws ValueError for fewer than 2 dims.
Tensor& xavier_normal_(Tensor& tensor, double gain = 1.0);

}  // namespace striate::nn::init
