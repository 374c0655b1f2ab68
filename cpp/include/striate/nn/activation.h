// The activation layers with torch.nn's names and defaults: ReLU, Sigmoid, Tanh, ReLU6, LeakyReLU,
// PReLU (learnable slopes), ELU, SELU, GELU, SiLU, Hardswish, Softplus, Hardtanh, AbsTanh, and the output
// normalizations Softmax, LogSoftmax, Softmin.
//   striate::nn::LeakyReLU act(0.1);
//   striate::nn::PReLU prelu(16);   // one slope per channel, starting at 0.25
#pragma once
#include <optional>
#include <string>

#include "striate/nn/module.h"

namespace striate::nn {

/// relu(x) = max(0, x), elementwise.
/// Input: any shape; output: the same shape.
class ReLUImpl : public Module {
 public:
  /// inplace overwrites the input, as torch.nn.ReLU(inplace=True).
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  explicit ReLUImpl(bool inplace = false) : Module("ReLU"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of ReLUImpl: `striate::nn::ReLU relu;`.
STRIATE_MODULE(ReLU);

/// sigmoid(x) = 1 / (1 + e^-x), elementwise.
/// Input: any shape; output: the same shape.
class SigmoidImpl : public Module {
 public:
  /// A sigmoid layer.
  SigmoidImpl() : Module("Sigmoid") {}
  Tensor forward(const Tensor& input) override;
};
/// The holder of SigmoidImpl.
STRIATE_MODULE(Sigmoid);

/// tanh(x), elementwise.
/// Input: any shape; output: the same shape.
class TanhImpl : public Module {
 public:
  /// A tanh layer.
  TanhImpl() : Module("Tanh") {}
  Tensor forward(const Tensor& input) override;
};
/// The holder of TanhImpl.
STRIATE_MODULE(Tanh);

/// hardtanh(x) = min(max(x, min_val), max_val), elementwise.
/// Input: any shape; output: the same shape.
class HardtanhImpl : public Module {
 public:
  /// @param min_val the lower bound (default -1).
  /// @param max_val the upper bound (default 1).
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  /// @throws ValueError when max_val <= min_val.
  explicit HardtanhImpl(double min_val = -1.0, double max_val = 1.0, bool inplace = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The bounds.
  double min_val, max_val;
  ///@}
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of HardtanhImpl.
STRIATE_MODULE(Hardtanh);

/// relu6(x) = min(max(0, x), 6), elementwise.
/// Input: any shape; output: the same shape.
class ReLU6Impl : public Module {
 public:
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  explicit ReLU6Impl(bool inplace = false) : Module("ReLU6"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of ReLU6Impl.
STRIATE_MODULE(ReLU6);

/// leaky_relu(x) = x for x >= 0, negative_slope * x below, elementwise.
/// Input: any shape; output: the same shape.
class LeakyReLUImpl : public Module {
 public:
  /// @param negative_slope the slope below 0 (default 0.01).
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  explicit LeakyReLUImpl(double negative_slope = 0.01, bool inplace = false)
      : Module("LeakyReLU"), negative_slope(negative_slope), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The slope below 0.
  double negative_slope;
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of LeakyReLUImpl.
STRIATE_MODULE(LeakyReLU);

/// weight: num_parameters slopes (1, or the channel count of dim 1), each starting at init.
/// prelu(x) = x for x >= 0, a_c * x below, a learned slope per channel (dim 1) or one for all.
class PReLUImpl : public Module {
 public:
  /// @param num_parameters 1 (default) or the channel count.
  /// @param init the slopes' initial value (default 0.25).
  /// @throws ValueError when num_parameters <= 0.
  explicit PReLUImpl(int64_t num_parameters = 1, double init = 0.25);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// Sets every slope to init.
  void reset_parameters();
  /// The number of slopes.
  int64_t num_parameters;
  /// The slopes' initial value.
  double init;
  /// The slopes, (num_parameters).
  Tensor weight;
};
/// The holder of PReLUImpl.
STRIATE_MODULE(PReLU);

/// elu(x) = x for x > 0, alpha * (e^x - 1) below, elementwise.
/// Input: any shape; output: the same shape.
class ELUImpl : public Module {
 public:
  /// @param alpha the saturation value's magnitude (default 1.0).
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  explicit ELUImpl(double alpha = 1.0, bool inplace = false) : Module("ELU"), alpha(alpha), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The saturation value's magnitude.
  double alpha;
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of ELUImpl.
STRIATE_MODULE(ELU);

/// selu(x) = scale * elu(x, alpha) with Klambauer et al.'s constants, elementwise.
/// Input: any shape; output: the same shape.
class SELUImpl : public Module {
 public:
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  explicit SELUImpl(bool inplace = false) : Module("SELU"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of SELUImpl.
STRIATE_MODULE(SELU);

/// gelu(x) = x * Phi(x) (Phi the standard normal CDF), or its tanh approximation.
/// Input: any shape; output: the same shape.
class GELUImpl : public Module {
 public:
  /// @param approximate "none" (default) or "tanh".
  /// @throws ValueError for another value.
  explicit GELUImpl(std::string approximate = "none");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return "approximate='" + approximate + "'"; }
  /// "none" or "tanh".
  std::string approximate;
};
/// The holder of GELUImpl.
STRIATE_MODULE(GELU);

/// silu(x) = x * sigmoid(x) (swish), elementwise.
/// Input: any shape; output: the same shape.
class SiLUImpl : public Module {
 public:
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  explicit SiLUImpl(bool inplace = false) : Module("SiLU"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of SiLUImpl.
STRIATE_MODULE(SiLU);

/// x * relu6(x + 3) / 6 (MobileNetV3's hard swish).
///
/// Input: any shape; output: the same shape.
class HardswishImpl : public Module {
 public:
  /// @param inplace overwrite the input, as torch's inplace=True (default false).
  explicit HardswishImpl(bool inplace = false) : Module("Hardswish"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of HardswishImpl.
STRIATE_MODULE(Hardswish);

/// softplus(x) = log(1 + e^(beta * x)) / beta, linear where beta * x > threshold.
/// Input: any shape; output: the same shape.
class SoftplusImpl : public Module {
 public:
  /// @param beta the sharpness (default 1.0).
  /// @param threshold where the function turns linear (default 20.0).
  explicit SoftplusImpl(double beta = 1.0, double threshold = 20.0)
      : Module("Softplus"), beta(beta), threshold(threshold) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ///@{
  /// The sharpness and the linear threshold.
  double beta, threshold;
  ///@}
};
/// The holder of SoftplusImpl.
STRIATE_MODULE(Softplus);

/// |tanh(x)|, elementwise (the rectified tanh of the lecture notes).
/// Input: any shape; output: the same shape.
class AbsTanhImpl : public Module {
 public:
  /// An AbsTanh layer.
  AbsTanhImpl() : Module("AbsTanh") {}
  Tensor forward(const Tensor& input) override;
};
/// The holder of AbsTanhImpl.
STRIATE_MODULE(AbsTanh);

/// Softmax, LogSoftmax and Softmin along dim; a missing dim raises at forward (PyTorch's implicit
/// choice is deprecated there, and not offered here).
/// softmax(x)_i = e^(x_i) / sum_j e^(x_j) along dim. Input: any shape; output: the same shape.
class SoftmaxImpl : public Module {
 public:
  /// @param dim the dim normalized over (default std::nullopt: forward raises ValueError).
  explicit SoftmaxImpl(std::optional<int64_t> dim = std::nullopt) : Module("Softmax"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The dim normalized over.
  std::optional<int64_t> dim;
};
/// The holder of SoftmaxImpl: `striate::nn::Softmax softmax(1);`.
STRIATE_MODULE(Softmax);

/// log(softmax(x)) along dim, computed stably. Input: any shape; output: the same shape.
class LogSoftmaxImpl : public Module {
 public:
  /// @param dim the dim normalized over (default std::nullopt: forward raises ValueError).
  explicit LogSoftmaxImpl(std::optional<int64_t> dim = std::nullopt) : Module("LogSoftmax"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The dim normalized over.
  std::optional<int64_t> dim;
};
/// The holder of LogSoftmaxImpl.
STRIATE_MODULE(LogSoftmax);

/// softmax(-x) along dim. Input: any shape; output: the same shape.
class SoftminImpl : public Module {
 public:
  /// @param dim the dim normalized over (default std::nullopt: forward raises ValueError).
  explicit SoftminImpl(std::optional<int64_t> dim = std::nullopt) : Module("Softmin"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The dim normalized over.
  std::optional<int64_t> dim;
};
/// The holder of SoftminImpl.
STRIATE_MODULE(Softmin);

}  // namespace striate::nn
