// Dropout-like layers with torch.nn's names: Dropout (inverted, or classic with inverted=false),
// Dropout2d, AlphaDropout, DropPath (stochastic depth per sample) and DropConnect (drops the
// weights of a wrapped Linear). All are the identity after eval() (classic Dropout scales by 1 - p).
//   striate::nn::Dropout drop(0.5);
//   striate::nn::DropConnect fc(striate::nn::Linear(64, 10), 0.3);
#pragma once
#include <string>

#include "striate/nn/linear.h"
#include "striate/nn/module.h"

namespace striate::nn {

class DropoutImpl : public Module {
 public:
  explicit DropoutImpl(double p = 0.5, bool inplace = false, bool inverted = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
  bool inplace;
  bool inverted;
};
STRIATE_MODULE(Dropout);

class Dropout2dImpl : public Module {
 public:
  explicit Dropout2dImpl(double p = 0.5, bool inplace = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
  bool inplace;
};
STRIATE_MODULE(Dropout2d);

class AlphaDropoutImpl : public Module {
 public:
  explicit AlphaDropoutImpl(double p = 0.5, bool inplace = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
  bool inplace;
};
STRIATE_MODULE(AlphaDropout);

// Stochastic depth for residual branches: mode "row" drops whole samples, "batch" the whole input.
class DropPathImpl : public Module {
 public:
  explicit DropPathImpl(double p = 0.0, std::string mode = "row");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
  std::string mode;
};
STRIATE_MODULE(DropPath);

// In training each weight of `linear` is dropped with probability p and the kept ones scaled by
// 1 / (1 - p) (inverted, so evaluation uses the plain weights); the bias is kept.
class DropConnectImpl : public Module {
 public:
  DropConnectImpl(Linear linear, double p = 0.5);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  Linear linear{nullptr};
  double p;
};
STRIATE_MODULE(DropConnect);

}  // namespace striate::nn
