// The activation layers of nn/activation.h: each forwards to its functional op in
// ops/activation.h (the in-place variant when inplace is set).
#include "striate/nn/activation.h"

#include "striate/autograd.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::nn {
namespace {

int64_t required_dim(const std::optional<int64_t>& dim, const char* layer) {
  STRIATE_CHECK_TYPE(dim.has_value(), layer, ": dim must be given explicitly (e.g. ", layer,
                     "(dim=1) for (N, C) logits); the implicit choice PyTorch deprecated is not supported");
  return *dim;
}

std::string dim_repr(const std::optional<int64_t>& dim) {
  return dim ? detail::str("dim=", *dim) : std::string("dim=None");
}

const char* inplace_suffix(bool inplace) { return inplace ? ", inplace=True" : ""; }

}  // namespace

Tensor ReLUImpl::forward(const Tensor& input) {
  if (!inplace) return relu(input);
  Tensor output = input;
  return relu_(output);
}

Tensor SigmoidImpl::forward(const Tensor& input) { return sigmoid(input); }

Tensor TanhImpl::forward(const Tensor& input) { return striate::tanh(input); }

HardtanhImpl::HardtanhImpl(double min_val, double max_val, bool inplace)
    : Module("Hardtanh"), min_val(min_val), max_val(max_val), inplace(inplace) {
  STRIATE_CHECK(max_val >= min_val, "Hardtanh: expected max_val >= min_val, got min_val=", min_val,
                " and max_val=", max_val);
}

Tensor HardtanhImpl::forward(const Tensor& input) {
  if (!inplace) return hardtanh(input, min_val, max_val);
  Tensor output = input;
  return hardtanh_(output, min_val, max_val);
}

std::string HardtanhImpl::extra_repr() const {
  return detail::str("min_val=", min_val, ", max_val=", max_val, inplace_suffix(inplace));
}

Tensor ReLU6Impl::forward(const Tensor& input) {
  if (!inplace) return relu6(input);
  Tensor output = input;
  return relu6_(output);
}

Tensor LeakyReLUImpl::forward(const Tensor& input) {
  if (!inplace) return leaky_relu(input, negative_slope);
  Tensor output = input;
  return leaky_relu_(output, negative_slope);
}

std::string LeakyReLUImpl::extra_repr() const {
  return detail::str("negative_slope=", negative_slope, inplace_suffix(inplace));
}

PReLUImpl::PReLUImpl(int64_t num_parameters, double init)
    : Module("PReLU"), num_parameters(num_parameters), init(init) {
  STRIATE_CHECK(num_parameters >= 1, "PReLU: expected num_parameters >= 1, got ", num_parameters);
  weight = register_parameter("weight", empty({num_parameters}));
  reset_parameters();
}

void PReLUImpl::reset_parameters() {
  NoGradGuard no_grad;
  fill_(weight, init);
}

Tensor PReLUImpl::forward(const Tensor& input) { return prelu(input, weight); }

// An activation: its slopes cost no multiply-adds in the count, as every activation's.
std::optional<int64_t> PReLUImpl::mult_adds(const Shape&, const Shape&) const { return 0; }

std::string PReLUImpl::extra_repr() const { return detail::str("num_parameters=", num_parameters); }

Tensor ELUImpl::forward(const Tensor& input) {
  if (!inplace) return elu(input, alpha);
  Tensor output = input;
  return elu_(output, alpha);
}

std::string ELUImpl::extra_repr() const { return detail::str("alpha=", alpha, inplace_suffix(inplace)); }

Tensor SELUImpl::forward(const Tensor& input) {
  if (!inplace) return selu(input);
  Tensor output = input;
  return selu_(output);
}

GELUImpl::GELUImpl(std::string approximate) : Module("GELU"), approximate(std::move(approximate)) {
  STRIATE_CHECK(this->approximate == "none" || this->approximate == "tanh",
                "GELU: approximate must be 'none' or 'tanh', got '", this->approximate, "'");
}

Tensor GELUImpl::forward(const Tensor& input) { return gelu(input, approximate); }

Tensor SiLUImpl::forward(const Tensor& input) {
  if (!inplace) return silu(input);
  Tensor output = input;
  return silu_(output);
}

Tensor HardswishImpl::forward(const Tensor& input) {
  if (!inplace) return hardswish(input);
  Tensor output = input;
  return hardswish_(output);
}

Tensor SoftplusImpl::forward(const Tensor& input) { return softplus(input, beta, threshold); }

std::string SoftplusImpl::extra_repr() const { return detail::str("beta=", beta, ", threshold=", threshold); }

Tensor AbsTanhImpl::forward(const Tensor& input) { return abs_tanh(input); }

Tensor SoftmaxImpl::forward(const Tensor& input) { return softmax(input, required_dim(dim, "Softmax")); }
std::string SoftmaxImpl::extra_repr() const { return dim_repr(dim); }

Tensor LogSoftmaxImpl::forward(const Tensor& input) { return log_softmax(input, required_dim(dim, "LogSoftmax")); }
std::string LogSoftmaxImpl::extra_repr() const { return dim_repr(dim); }

Tensor SoftminImpl::forward(const Tensor& input) { return softmin(input, required_dim(dim, "Softmin")); }
std::string SoftminImpl::extra_repr() const { return dim_repr(dim); }

}  // namespace striate::nn
