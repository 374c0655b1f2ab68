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

/// In training, zeroes each element with probability p and scales the kept ones by 1 / (1 - p)
/// (inverted) or not (classic, which scales by 1 - p at evaluation). Input: any shape; output: same.
class DropoutImpl : public Module {
 public:
  /// @param p the probability of dropping an element, in [0, 1] (default 0.5).
  /// @param inplace overwrite the input (default false).
  /// @param inverted scale in training (default true) rather than at evaluation.
  /// @throws ValueError when p is outside [0, 1].
  explicit DropoutImpl(double p = 0.5, bool inplace = false, bool inverted = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The drop probability.
  double p;
  /// Whether the input is overwritten.
  bool inplace;
  /// Whether the scaling happens in training.
  bool inverted;
};
/// The holder of DropoutImpl: `striate::nn::Dropout drop(0.5);`.
STRIATE_MODULE(Dropout);

/// In training, zeroes whole channels with probability p (scaling the rest by 1 / (1 - p)).
/// Input (N, C, H, W) or (C, H, W); output: the same shape.
class Dropout2dImpl : public Module {
 public:
  /// @param p the probability of dropping an element, in [0, 1] (default 0.5).
  /// @param inplace overwrite the input (default false).
  /// @throws ValueError when p is outside [0, 1].
  explicit Dropout2dImpl(double p = 0.5, bool inplace = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The drop probability.
  double p;
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of Dropout2dImpl.
STRIATE_MODULE(Dropout2d);

/// SELU's dropout: dropped elements take the negative saturation value and the result is
/// rescaled to keep mean and variance. Input: any shape; output: the same shape.
class AlphaDropoutImpl : public Module {
 public:
  /// @param p the probability of dropping an element, in [0, 1] (default 0.5).
  /// @param inplace overwrite the input (default false).
  /// @throws ValueError when p is outside [0, 1].
  explicit AlphaDropoutImpl(double p = 0.5, bool inplace = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The drop probability.
  double p;
  /// Whether the input is overwritten.
  bool inplace;
};
/// The holder of AlphaDropoutImpl.
STRIATE_MODULE(AlphaDropout);

/// Stochastic depth for residual branches: mode "row" drops whole samples, "batch" the whole input.
/// Kept inputs are scaled by 1 / (1 - p). Input (N, ...); output: the same shape.
class DropPathImpl : public Module {
 public:
  /// @param p the drop probability, in [0, 1] (default 0).
  /// @param mode "row" (default) or "batch".
  /// @throws ValueError for p outside [0, 1] or an unknown mode.
  explicit DropPathImpl(double p = 0.0, std::string mode = "row");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The drop probability.
  double p;
  /// "row" or "batch".
  std::string mode;
};
/// The holder of DropPathImpl.
STRIATE_MODULE(DropPath);

/// In training each weight of `linear` is dropped with probability p and the kept ones scaled by
/// 1 / (1 - p) (inverted, so evaluation uses the plain weights); the bias is kept.
/// Input (*, in_features); output (*, out_features).
class DropConnectImpl : public Module {
 public:
  /// @param linear the wrapped layer (not empty).
  /// @param p the drop probability of each weight, in [0, 1] (default 0.5).
  /// @throws ValueError for p outside [0, 1] or an empty linear.
  DropConnectImpl(Linear linear, double p = 0.5);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  /// The wrapped layer (child "linear").
  Linear linear{nullptr};
  /// The drop probability.
  double p;
};
/// The holder of DropConnectImpl.
STRIATE_MODULE(DropConnect);

}  // namespace striate::nn
