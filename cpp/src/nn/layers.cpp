// The built-in layers: construction (option checks, PyTorch's default initialization), forward
// through the functional ops, and the extra_repr text PyTorch prints.
#include "striate/nn/layers.h"

#include <cmath>
#include <sstream>

#include "striate/autograd.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/linalg.h"
#include "striate/nn/init.h"

namespace striate::nn {

namespace {

std::string pair_text(const IntPair& pair) {
  return detail::str("(", pair[0], ", ", pair[1], ")");
}

// Pooling sizes print as one number when square, as users usually write them.
std::string int_or_pair_text(const IntPair& pair) {
  return pair[0] == pair[1] ? std::to_string(pair[0]) : pair_text(pair);
}

const char* bool_text(bool value) { return value ? "True" : "False"; }

// PyTorch's default for Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) on the weight, i.e.
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

// ---- Linear -------------------------------------------------------------------------

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

std::string LinearImpl::extra_repr() const {
  return detail::str("in_features=", options.in_features(), ", out_features=", options.out_features(),
                     ", bias=", bool_text(bias.defined()));
}

// ---- Conv2d --------------------------------------------------------------------------

Conv2dOptions& Conv2dOptions::padding(const std::string& mode) {
  if (mode == "same") {
    padding_mode_ = PaddingMode::Same;
  } else if (mode == "valid") {
    padding_mode_ = PaddingMode::Valid;
  } else if (mode == "full") {
    padding_mode_ = PaddingMode::Full;
  } else {
    throw ValueError(detail::str(
        "Conv2d: expected padding to be an integer, a pair, a 4-tuple, \"same\", \"valid\" or \"full\", got \"",
        mode, "\""));
  }
  return *this;
}

striate::Conv2dOptions Conv2dOptions::functional() const {
  striate::Conv2dOptions result;
  result.stride(stride_).dilation(dilation_).groups(groups_);
  if (padding_mode_ == PaddingMode::Same) {
    result.padding("same");
  } else if (padding_mode_ == PaddingMode::Valid) {
    result.padding("valid");
  } else if (padding_mode_ == PaddingMode::Full) {
    result.padding("full");
  } else if (padding_sides_.has_value()) {
    result.padding_sides(*padding_sides_);
  } else {
    result.padding(padding_);
  }
  return result;
}

Conv2dImpl::Conv2dImpl(const Conv2dOptions& options) : Module("Conv2d"), options(options) {
  const auto& kernel = options.kernel_size();
  STRIATE_CHECK(options.in_channels() > 0 && options.out_channels() > 0,
                "Conv2d: expected positive in_channels and out_channels, got in_channels=", options.in_channels(),
                ", out_channels=", options.out_channels());
  STRIATE_CHECK(kernel[0] > 0 && kernel[1] > 0, "Conv2d: expected a positive kernel_size, got ", pair_text(kernel));
  STRIATE_CHECK(options.stride()[0] > 0 && options.stride()[1] > 0, "Conv2d: expected a positive stride, got ",
                pair_text(options.stride()));
  STRIATE_CHECK(options.dilation()[0] > 0 && options.dilation()[1] > 0, "Conv2d: expected a positive dilation, got ",
                pair_text(options.dilation()));
  STRIATE_CHECK(options.padding()[0] >= 0 && options.padding()[1] >= 0,
                "Conv2d: expected a non-negative padding, got ", pair_text(options.padding()));
  if (options.padding_sides().has_value()) {
    const IntQuad& sides = *options.padding_sides();
    STRIATE_CHECK(sides[0] >= 0 && sides[1] >= 0 && sides[2] >= 0 && sides[3] >= 0,
                  "Conv2d: expected a non-negative padding, got (top, bottom, left, right) = (", sides[0], ", ",
                  sides[1], ", ", sides[2], ", ", sides[3], ")");
  }
  STRIATE_CHECK(options.groups() > 0, "Conv2d: expected a positive groups, got ", options.groups());
  STRIATE_CHECK(options.in_channels() % options.groups() == 0, "Conv2d: in_channels (", options.in_channels(),
                ") must be divisible by groups (", options.groups(), ")");
  STRIATE_CHECK(options.out_channels() % options.groups() == 0, "Conv2d: out_channels (", options.out_channels(),
                ") must be divisible by groups (", options.groups(), ")");
  STRIATE_CHECK(options.padding_mode() != PaddingMode::Same || (options.stride()[0] == 1 && options.stride()[1] == 1),
                "Conv2d: padding=\"same\" is not supported for strided convolutions, got stride ",
                pair_text(options.stride()));
  functional_options_ = options.functional();
  weight = register_parameter(
      "weight", empty({options.out_channels(), options.in_channels() / options.groups(), kernel[0], kernel[1]}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor());
  if (options.connection_table().defined()) {
    const Tensor& table = options.connection_table();
    STRIATE_CHECK(options.groups() == 1, "Conv2d: connection_table requires groups=1, got groups=", options.groups());
    STRIATE_CHECK_SHAPE(table.dim() == 2 && table.size(0) == options.out_channels() &&
                            table.size(1) == options.in_channels(),
                        "Conv2d: expected connection_table of shape (out_channels, in_channels) = (",
                        options.out_channels(), ", ", options.in_channels(), "), got ", table.sizes());
    NoGradGuard no_grad;
    Tensor mask = ne(table.detach(), 0).to(weight.dtype());
    connection_mask = register_buffer("connection_mask",
                                      mask.reshape({options.out_channels(), options.in_channels(), 1, 1}), false);
  }
  reset_parameters();
}

void Conv2dImpl::reset_parameters() {
  reset_weight_and_bias(weight, bias);
  // Masked weights never act; zeroing them keeps the parameter itself showing the table.
  if (connection_mask.defined()) {
    NoGradGuard no_grad;
    mul_(weight, connection_mask);
  }
}

Tensor Conv2dImpl::forward(const Tensor& input) {
  Tensor effective_weight = weight;
  if (connection_mask.defined()) {
    const Tensor mask =
        connection_mask.dtype() == weight.dtype() ? connection_mask : connection_mask.to(weight.dtype());
    effective_weight = mul(weight, mask);
  }
  return conv2d(input, effective_weight, bias.defined() ? std::optional<Tensor>(bias) : std::nullopt,
                functional_options_);
}

std::string Conv2dImpl::extra_repr() const {
  std::ostringstream text;
  text << options.in_channels() << ", " << options.out_channels()
       << ", kernel_size=" << pair_text(options.kernel_size()) << ", stride=" << pair_text(options.stride());
  if (options.padding_mode() == PaddingMode::Same) {
    text << ", padding=same";
  } else if (options.padding_mode() == PaddingMode::Valid) {
    text << ", padding=valid";
  } else if (options.padding_mode() == PaddingMode::Full) {
    text << ", padding=full";
  } else if (options.padding_sides().has_value()) {
    const IntQuad& sides = *options.padding_sides();  // printed in F.pad's order, as the user wrote it
    text << ", padding=(" << sides[2] << ", " << sides[3] << ", " << sides[0] << ", " << sides[1] << ")";
  } else if (options.padding() != IntPair{0, 0}) {
    text << ", padding=" << pair_text(options.padding());
  }
  if (options.dilation() != IntPair{1, 1}) text << ", dilation=" << pair_text(options.dilation());
  if (options.groups() != 1) text << ", groups=" << options.groups();
  if (!bias.defined()) text << ", bias=False";
  if (connection_mask.defined()) text << ", connection_table=True";
  return text.str();
}

// ---- pooling ----------------------------------------------------------------------------

namespace {

void check_pool_options(const Pool2dOptions& options, const char* layer) {
  const auto& kernel = options.kernel_size();
  const auto& stride = options.stride();
  const auto& padding = options.padding();
  STRIATE_CHECK(kernel[0] > 0 && kernel[1] > 0, layer, ": expected a positive kernel_size, got ", pair_text(kernel));
  STRIATE_CHECK(stride[0] > 0 && stride[1] > 0, layer, ": expected a positive stride, got ", pair_text(stride));
  STRIATE_CHECK(padding[0] >= 0 && padding[1] >= 0, layer, ": expected a non-negative padding, got ",
                pair_text(padding));
  STRIATE_CHECK(padding[0] * 2 <= kernel[0] && padding[1] * 2 <= kernel[1], layer,
                ": padding should be at most half of the kernel size, got padding ", pair_text(padding),
                " for kernel_size ", pair_text(kernel));
}

}  // namespace

MaxPool2dImpl::MaxPool2dImpl(const MaxPool2dOptions& options, bool return_indices)
    : Module("MaxPool2d"), options(options), return_indices(return_indices) {
  check_pool_options(options, "MaxPool2d");
  STRIATE_CHECK(options.dilation()[0] > 0 && options.dilation()[1] > 0,
                "MaxPool2d: expected a positive dilation, got ", pair_text(options.dilation()));
}

Tensor MaxPool2dImpl::forward(const Tensor& input) { return max_pool2d(input, options); }

std::tuple<Tensor, Tensor> MaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return max_pool2d_with_indices(input, options);
}

std::string MaxPool2dImpl::extra_repr() const {
  return detail::str("kernel_size=", int_or_pair_text(options.kernel_size()),
                     ", stride=", int_or_pair_text(options.stride()),
                     ", padding=", int_or_pair_text(options.padding()),
                     ", dilation=", int_or_pair_text(options.dilation()),
                     ", ceil_mode=", bool_text(options.ceil_mode()));
}

AvgPool2dImpl::AvgPool2dImpl(const AvgPool2dOptions& options) : Module("AvgPool2d"), options(options) {
  check_pool_options(options, "AvgPool2d");
  STRIATE_CHECK(!options.divisor_override().has_value() || *options.divisor_override() != 0,
                "AvgPool2d: divisor_override must be non-zero");
}

Tensor AvgPool2dImpl::forward(const Tensor& input) { return avg_pool2d(input, options); }

std::string AvgPool2dImpl::extra_repr() const {
  return detail::str("kernel_size=", int_or_pair_text(options.kernel_size()),
                     ", stride=", int_or_pair_text(options.stride()),
                     ", padding=", int_or_pair_text(options.padding()));
}

// ---- activations and reshaping --------------------------------------------------------------

Tensor ReLUImpl::forward(const Tensor& input) {
  if (!inplace) return relu(input);
  Tensor output = input;
  return relu_(output);
}

Tensor SigmoidImpl::forward(const Tensor& input) { return sigmoid(input); }

Tensor TanhImpl::forward(const Tensor& input) { return striate::tanh(input); }

Tensor FlattenImpl::forward(const Tensor& input) { return input.flatten(start_dim, end_dim); }

std::string FlattenImpl::extra_repr() const { return detail::str("start_dim=", start_dim, ", end_dim=", end_dim); }

}  // namespace striate::nn
