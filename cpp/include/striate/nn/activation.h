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

class ReLUImpl : public Module {
 public:
  // inplace overwrites the input, as torch.nn.ReLU(inplace=True).
  explicit ReLUImpl(bool inplace = false) : Module("ReLU"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  bool inplace;
};
STRIATE_MODULE(ReLU);

class SigmoidImpl : public Module {
 public:
  SigmoidImpl() : Module("Sigmoid") {}
  Tensor forward(const Tensor& input) override;
};
STRIATE_MODULE(Sigmoid);

class TanhImpl : public Module {
 public:
  TanhImpl() : Module("Tanh") {}
  Tensor forward(const Tensor& input) override;
};
STRIATE_MODULE(Tanh);

class HardtanhImpl : public Module {
 public:
  explicit HardtanhImpl(double min_val = -1.0, double max_val = 1.0, bool inplace = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double min_val, max_val;
  bool inplace;
};
STRIATE_MODULE(Hardtanh);

class ReLU6Impl : public Module {
 public:
  explicit ReLU6Impl(bool inplace = false) : Module("ReLU6"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  bool inplace;
};
STRIATE_MODULE(ReLU6);

class LeakyReLUImpl : public Module {
 public:
  explicit LeakyReLUImpl(double negative_slope = 0.01, bool inplace = false)
      : Module("LeakyReLU"), negative_slope(negative_slope), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double negative_slope;
  bool inplace;
};
STRIATE_MODULE(LeakyReLU);

// weight: num_parameters slopes (1, or the channel count of dim 1), each starting at init.
class PReLUImpl : public Module {
 public:
  explicit PReLUImpl(int64_t num_parameters = 1, double init = 0.25);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();
  int64_t num_parameters;
  double init;
  Tensor weight;
};
STRIATE_MODULE(PReLU);

class ELUImpl : public Module {
 public:
  explicit ELUImpl(double alpha = 1.0, bool inplace = false) : Module("ELU"), alpha(alpha), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double alpha;
  bool inplace;
};
STRIATE_MODULE(ELU);

class SELUImpl : public Module {
 public:
  explicit SELUImpl(bool inplace = false) : Module("SELU"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  bool inplace;
};
STRIATE_MODULE(SELU);

class GELUImpl : public Module {
 public:
  explicit GELUImpl(std::string approximate = "none");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return "approximate='" + approximate + "'"; }
  std::string approximate;
};
STRIATE_MODULE(GELU);

class SiLUImpl : public Module {
 public:
  explicit SiLUImpl(bool inplace = false) : Module("SiLU"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  bool inplace;
};
STRIATE_MODULE(SiLU);

// x * relu6(x + 3) / 6 (MobileNetV3's hard swish).
class HardswishImpl : public Module {
 public:
  explicit HardswishImpl(bool inplace = false) : Module("Hardswish"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  bool inplace;
};
STRIATE_MODULE(Hardswish);

class SoftplusImpl : public Module {
 public:
  explicit SoftplusImpl(double beta = 1.0, double threshold = 20.0)
      : Module("Softplus"), beta(beta), threshold(threshold) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double beta, threshold;
};
STRIATE_MODULE(Softplus);

class AbsTanhImpl : public Module {
 public:
  AbsTanhImpl() : Module("AbsTanh") {}
  Tensor forward(const Tensor& input) override;
};
STRIATE_MODULE(AbsTanh);

// Softmax, LogSoftmax and Softmin along dim; a missing dim raises at forward (PyTorch's implicit
// choice is deprecated there, and not offered here).
class SoftmaxImpl : public Module {
 public:
  explicit SoftmaxImpl(std::optional<int64_t> dim = std::nullopt) : Module("Softmax"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  std::optional<int64_t> dim;
};
STRIATE_MODULE(Softmax);

class LogSoftmaxImpl : public Module {
 public:
  explicit LogSoftmaxImpl(std::optional<int64_t> dim = std::nullopt) : Module("LogSoftmax"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  std::optional<int64_t> dim;
};
STRIATE_MODULE(LogSoftmax);

class SoftminImpl : public Module {
 public:
  explicit SoftminImpl(std::optional<int64_t> dim = std::nullopt) : Module("Softmin"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  std::optional<int64_t> dim;
};
STRIATE_MODULE(Softmin);

}  // namespace striate::nn
