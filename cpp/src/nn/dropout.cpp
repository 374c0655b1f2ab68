// The dropout-like layers: the probability check at construction, then the functional ops of
// ops/dropout.h with the module's training flag.
#include "striate/nn/dropout.h"

#include "striate/ops/dropout.h"
#include "striate/ops/linalg.h"

namespace striate::nn {
namespace {

void check_probability(double p, const char* layer) {
  STRIATE_CHECK(p >= 0.0 && p <= 1.0, layer, ": expected the probability p to be between 0 and 1, got p=", p);
}

}  // namespace

DropoutImpl::DropoutImpl(double p, bool inplace, bool inverted)
    : Module("Dropout"), p(p), inplace(inplace), inverted(inverted) {
  check_probability(p, "Dropout");
}

Tensor DropoutImpl::forward(const Tensor& input) {
  if (!inplace) return dropout(input, p, is_training(), inverted);
  Tensor target = input;
  return dropout_(target, p, is_training(), inverted);
}

std::string DropoutImpl::extra_repr() const {
  return detail::str("p=", p, ", inplace=", inplace ? "True" : "False", inverted ? "" : ", inverted=False");
}

Dropout2dImpl::Dropout2dImpl(double p, bool inplace) : Module("Dropout2d"), p(p), inplace(inplace) {
  check_probability(p, "Dropout2d");
}

Tensor Dropout2dImpl::forward(const Tensor& input) {
  Tensor result = dropout2d(input, p, is_training());
  if (!inplace || result.is_same(input)) return result;
  Tensor target = input;
  return target.copy_(result);
}

std::string Dropout2dImpl::extra_repr() const { return detail::str("p=", p, ", inplace=", inplace ? "True" : "False"); }

AlphaDropoutImpl::AlphaDropoutImpl(double p, bool inplace) : Module("AlphaDropout"), p(p), inplace(inplace) {
  check_probability(p, "AlphaDropout");
}

Tensor AlphaDropoutImpl::forward(const Tensor& input) {
  Tensor result = alpha_dropout(input, p, is_training());
  if (!inplace || result.is_same(input)) return result;
  Tensor target = input;
  return target.copy_(result);
}

std::string AlphaDropoutImpl::extra_repr() const {
  return detail::str("p=", p, ", inplace=", inplace ? "True" : "False");
}

DropPathImpl::DropPathImpl(double p, std::string mode) : Module("DropPath"), p(p), mode(std::move(mode)) {
  check_probability(p, "DropPath");
  STRIATE_CHECK(this->mode == "row" || this->mode == "batch", "DropPath: expected mode 'row' or 'batch', got '",
                this->mode, "'");
}

Tensor DropPathImpl::forward(const Tensor& input) { return stochastic_depth(input, p, mode, is_training()); }

std::string DropPathImpl::extra_repr() const { return detail::str("p=", p, ", mode=", mode); }

DropConnectImpl::DropConnectImpl(Linear linear, double p) : Module("DropConnect"), p(p) {
  check_probability(p, "DropConnect");
  STRIATE_CHECK(linear.get() != nullptr, "DropConnect: expected a Linear module, got None");
  this->linear = register_module("linear", linear);
}

Tensor DropConnectImpl::forward(const Tensor& input) {
  if (!is_training()) return linear->call(input);
  Tensor weight = dropout(linear->weight, p, true);
  const Tensor& bias = linear->bias;
  return striate::linear(input, weight, bias.defined() ? std::optional<Tensor>(bias) : std::nullopt);
}

std::string DropConnectImpl::extra_repr() const { return detail::str("p=", p); }

}  // namespace striate::nn
