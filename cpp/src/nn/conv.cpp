// The convolution layers: construction (option checks, PyTorch's default initialization), forward
// through the functional ops of ops/conv.h, and the extra_repr text PyTorch prints.
#include "striate/nn/conv.h"

#include <cmath>
#include <sstream>
#include <vector>

#include "striate/autograd.h"
#include "striate/nn/init.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::nn {
namespace {

template <size_t Size>
std::string tuple_text(const std::array<int64_t, Size>& values) {
  std::string text = "(";
  for (size_t i = 0; i < Size; ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + ")";
}

// PyTorch's default for convolutions: kaiming_uniform_(a=sqrt(5)) on the weight, i.e.
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
void reset_weight_and_bias(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

void check_channels(const char* layer, int64_t in_channels, int64_t out_channels, int64_t groups) {
  STRIATE_CHECK(in_channels > 0 && out_channels > 0, layer, ": expected positive in_channels and out_channels, got ",
                "in_channels=", in_channels, ", out_channels=", out_channels);
  STRIATE_CHECK(groups > 0, layer, ": expected a positive groups, got ", groups);
  STRIATE_CHECK(in_channels % groups == 0, layer, ": in_channels (", in_channels, ") must be divisible by groups (",
                groups, ")");
  STRIATE_CHECK(out_channels % groups == 0, layer, ": out_channels (", out_channels, ") must be divisible by groups (",
                groups, ")");
}

const char* padding_mode_text(PaddingMode mode) {
  switch (mode) {
    case PaddingMode::Same: return "same";
    case PaddingMode::Valid: return "valid";
    case PaddingMode::Full: return "full";
    default: return "";
  }
}

std::optional<Tensor> optional_bias(const Tensor& bias) {
  return bias.defined() ? std::optional<Tensor>(bias) : std::nullopt;
}

}  // namespace

// ---- Conv1d -----------------------------------------------------------------------------------

Conv1dImpl::Conv1dImpl(const Conv1dOptions& options) : Module("Conv1d"), options(options) {
  const auto& f = options.functional();
  check_channels("Conv1d", options.in_channels(), options.out_channels(), f.groups());
  STRIATE_CHECK(options.kernel_size() > 0, "Conv1d: expected a positive kernel_size, got ", options.kernel_size());
  STRIATE_CHECK(f.stride() > 0, "Conv1d: expected a positive stride, got ", f.stride());
  STRIATE_CHECK(f.dilation() > 0, "Conv1d: expected a positive dilation, got ", f.dilation());
  STRIATE_CHECK(f.padding2()[0] >= 0 && f.padding2()[1] >= 0, "Conv1d: expected a non-negative padding, got ",
                tuple_text(f.padding2()));
  STRIATE_CHECK(f.padding_mode() != PaddingMode::Same || f.stride() == 1,
                "Conv1d: padding='same' is not supported for strided convolutions, got stride ", f.stride());
  weight = register_parameter(
      "weight", empty({options.out_channels(), options.in_channels() / f.groups(), options.kernel_size()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor());
  reset_parameters();
}

void Conv1dImpl::reset_parameters() { reset_weight_and_bias(weight, bias); }

Tensor Conv1dImpl::forward(const Tensor& input) {
  return conv1d(input, weight, optional_bias(bias), options.functional());
}

// One multiply-add per output element per weight it reads (C_in / groups * S).
std::optional<int64_t> Conv1dImpl::mult_adds(const Shape&, const Shape& output) const {
  return output.numel() * (options.in_channels() / options.functional().groups()) * options.kernel_size();
}

std::string Conv1dImpl::extra_repr() const {
  const auto& f = options.functional();
  std::ostringstream text;
  text << options.in_channels() << ", " << options.out_channels() << ", kernel_size=(" << options.kernel_size()
       << ",), stride=(" << f.stride() << ",)";
  if (f.padding_mode() != PaddingMode::Explicit)
    text << ", padding=" << padding_mode_text(f.padding_mode());
  else if (f.padding2()[0] != f.padding2()[1])
    text << ", padding=" << tuple_text(f.padding2());
  else if (f.padding2()[0] != 0)
    text << ", padding=(" << f.padding2()[0] << ",)";
  if (f.dilation() != 1) text << ", dilation=(" << f.dilation() << ",)";
  if (f.groups() != 1) text << ", groups=" << f.groups();
  if (!bias.defined()) text << ", bias=False";
  return text.str();
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
        "Conv2d: expected padding to be an integer, a pair, a 4-tuple, \"same\", \"valid\" or \"full\", got \"", mode,
        "\""));
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
  STRIATE_CHECK(kernel[0] > 0 && kernel[1] > 0, "Conv2d: expected a positive kernel_size, got ", tuple_text(kernel));
  STRIATE_CHECK(options.stride()[0] > 0 && options.stride()[1] > 0, "Conv2d: expected a positive stride, got ",
                tuple_text(options.stride()));
  STRIATE_CHECK(options.dilation()[0] > 0 && options.dilation()[1] > 0, "Conv2d: expected a positive dilation, got ",
                tuple_text(options.dilation()));
  STRIATE_CHECK(options.padding()[0] >= 0 && options.padding()[1] >= 0, "Conv2d: expected a non-negative padding, got ",
                tuple_text(options.padding()));
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
                tuple_text(options.stride()));
  functional_options_ = options.functional();
  weight = register_parameter(
      "weight", empty({options.out_channels(), options.in_channels() / options.groups(), kernel[0], kernel[1]}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor());
  if (options.connection_table().defined()) {
    const Tensor& table = options.connection_table();
    STRIATE_CHECK(options.groups() == 1, "Conv2d: connection_table requires groups=1, got groups=", options.groups());
    STRIATE_CHECK_SHAPE(
        table.dim() == 2 && table.size(0) == options.out_channels() && table.size(1) == options.in_channels(),
        "Conv2d: expected connection_table of shape (out_channels, in_channels) = (", options.out_channels(), ", ",
        options.in_channels(), "), got ", table.sizes());
    NoGradGuard no_grad;
    Tensor mask = ne(table.detach(), 0).to(weight.dtype());
    connection_mask =
        register_buffer("connection_mask", mask.reshape({options.out_channels(), options.in_channels(), 1, 1}), false);
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

// One multiply-add per output element per weight it reads (C_in / groups * R * S), counted as if
// fully connected across channels even with a connection table.
std::optional<int64_t> Conv2dImpl::mult_adds(const Shape&, const Shape& output) const {
  const IntPair& kernel = options.kernel_size();
  return output.numel() * (options.in_channels() / options.groups()) * kernel[0] * kernel[1];
}

std::string Conv2dImpl::extra_repr() const {
  std::ostringstream text;
  text << options.in_channels() << ", " << options.out_channels()
       << ", kernel_size=" << tuple_text(options.kernel_size()) << ", stride=" << tuple_text(options.stride());
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
    text << ", padding=" << tuple_text(options.padding());
  }
  if (options.dilation() != IntPair{1, 1}) text << ", dilation=" << tuple_text(options.dilation());
  if (options.groups() != 1) text << ", groups=" << options.groups();
  if (!bias.defined()) text << ", bias=False";
  if (connection_mask.defined()) text << ", connection_table=True";
  return text.str();
}

// ---- Conv3d -----------------------------------------------------------------------------------

Conv3dImpl::Conv3dImpl(const Conv3dOptions& options) : Module("Conv3d"), options(options) {
  const auto& f = options.functional();
  const auto& kernel = options.kernel_size();
  check_channels("Conv3d", options.in_channels(), options.out_channels(), f.groups());
  for (int d = 0; d < 3; ++d) {
    STRIATE_CHECK(kernel[d] > 0, "Conv3d: expected a positive kernel_size, got ", tuple_text(kernel));
    STRIATE_CHECK(f.stride()[d] > 0, "Conv3d: expected a positive stride, got ", tuple_text(f.stride()));
    STRIATE_CHECK(f.dilation()[d] > 0, "Conv3d: expected a positive dilation, got ", tuple_text(f.dilation()));
    STRIATE_CHECK(f.padding_mode() != PaddingMode::Same || f.stride()[d] == 1,
                  "Conv3d: padding='same' is not supported for strided convolutions, got stride ",
                  tuple_text(f.stride()));
  }
  for (int64_t side : f.padding6())
    STRIATE_CHECK(side >= 0, "Conv3d: expected a non-negative padding, got ", tuple_text(f.padding6()));
  weight = register_parameter(
      "weight", empty({options.out_channels(), options.in_channels() / f.groups(), kernel[0], kernel[1], kernel[2]}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor());
  reset_parameters();
}

void Conv3dImpl::reset_parameters() { reset_weight_and_bias(weight, bias); }

Tensor Conv3dImpl::forward(const Tensor& input) {
  return conv3d(input, weight, optional_bias(bias), options.functional());
}

std::optional<int64_t> Conv3dImpl::mult_adds(const Shape&, const Shape& output) const {
  const IntTriple& kernel = options.kernel_size();
  return output.numel() * (options.in_channels() / options.functional().groups()) * kernel[0] * kernel[1] * kernel[2];
}

std::string Conv3dImpl::extra_repr() const {
  const auto& f = options.functional();
  const auto& p = f.padding6();
  std::ostringstream text;
  text << options.in_channels() << ", " << options.out_channels()
       << ", kernel_size=" << tuple_text(options.kernel_size()) << ", stride=" << tuple_text(f.stride());
  if (f.padding_mode() != PaddingMode::Explicit)
    text << ", padding=" << padding_mode_text(f.padding_mode());
  else if (p[0] != p[1] || p[2] != p[3] || p[4] != p[5])  // per side, in F.pad's order as the user wrote it
    text << ", padding=" << tuple_text(IntSextet{p[4], p[5], p[2], p[3], p[0], p[1]});
  else if (p[0] != 0 || p[2] != 0 || p[4] != 0)
    text << ", padding=" << tuple_text(IntTriple{p[0], p[2], p[4]});
  if (f.dilation() != IntTriple{1, 1, 1}) text << ", dilation=" << tuple_text(f.dilation());
  if (f.groups() != 1) text << ", groups=" << f.groups();
  if (!bias.defined()) text << ", bias=False";
  return text.str();
}

// ---- ConvTranspose2d -------------------------------------------------------------------------

ConvTranspose2dImpl::ConvTranspose2dImpl(const ConvTranspose2dOptions& options)
    : Module("ConvTranspose2d"), options(options) {
  const auto& f = options.functional();
  const auto& kernel = options.kernel_size();
  check_channels("ConvTranspose2d", options.in_channels(), options.out_channels(), f.groups());
  for (int d = 0; d < 2; ++d) {
    STRIATE_CHECK(kernel[d] > 0, "ConvTranspose2d: expected a positive kernel_size, got ", tuple_text(kernel));
    STRIATE_CHECK(f.stride()[d] > 0, "ConvTranspose2d: expected a positive stride, got ", tuple_text(f.stride()));
    STRIATE_CHECK(f.dilation()[d] > 0, "ConvTranspose2d: expected a positive dilation, got ", tuple_text(f.dilation()));
    STRIATE_CHECK(f.padding()[d] >= 0, "ConvTranspose2d: expected a non-negative padding, got ",
                  tuple_text(f.padding()));
    STRIATE_CHECK(f.output_padding()[d] >= 0 &&
                      (f.output_padding()[d] < f.stride()[d] || f.output_padding()[d] < f.dilation()[d]),
                  "ConvTranspose2d: expected 0 <= output_padding < stride or < dilation, got output_padding ",
                  tuple_text(f.output_padding()), ", stride ", tuple_text(f.stride()), ", dilation ",
                  tuple_text(f.dilation()));
  }
  weight = register_parameter(
      "weight", empty({options.in_channels(), options.out_channels() / f.groups(), kernel[0], kernel[1]}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor());
  reset_parameters();
}

void ConvTranspose2dImpl::reset_parameters() { reset_weight_and_bias(weight, bias); }

Tensor ConvTranspose2dImpl::forward(const Tensor& input) {
  return conv_transpose2d(input, weight, optional_bias(bias), options.functional());
}

// Counted per input element: each one is spread over C_out / groups * R * S outputs.
std::optional<int64_t> ConvTranspose2dImpl::mult_adds(const Shape& input, const Shape&) const {
  const IntPair& kernel = options.kernel_size();
  return input.numel() * (options.out_channels() / options.functional().groups()) * kernel[0] * kernel[1];
}

std::string ConvTranspose2dImpl::extra_repr() const {
  const auto& f = options.functional();
  std::ostringstream text;
  text << options.in_channels() << ", " << options.out_channels()
       << ", kernel_size=" << tuple_text(options.kernel_size()) << ", stride=" << tuple_text(f.stride());
  if (f.padding() != IntPair{0, 0}) text << ", padding=" << tuple_text(f.padding());
  if (f.output_padding() != IntPair{0, 0}) text << ", output_padding=" << tuple_text(f.output_padding());
  if (f.dilation() != IntPair{1, 1}) text << ", dilation=" << tuple_text(f.dilation());
  if (f.groups() != 1) text << ", groups=" << f.groups();
  if (!bias.defined()) text << ", bias=False";
  return text.str();
}

// ---- LocallyConnected2d ------------------------------------------------------------------------

LocallyConnected2dImpl::LocallyConnected2dImpl(const LocallyConnected2dOptions& options)
    : Module("LocallyConnected2d"), options(options) {
  check_channels("LocallyConnected2d", options.in_channels(), options.out_channels(), 1);
  const auto& in_size = options.in_size();
  STRIATE_CHECK(in_size[0] > 0 && in_size[1] > 0, "LocallyConnected2d: expected a positive in_size, got ",
                tuple_text(in_size));
  output_size =
      locally_connected2d_output_size(in_size, options.kernel_size(), options.functional(), "LocallyConnected2d");
  const auto& kernel = options.kernel_size();
  weight = register_parameter("weight", empty({output_size[0], output_size[1], options.out_channels(),
                                               options.in_channels(), kernel[0], kernel[1]}));
  bias = register_parameter(
      "bias", options.bias() ? empty({options.out_channels(), output_size[0], output_size[1]}) : Tensor());
  reset_parameters();
}

void LocallyConnected2dImpl::reset_parameters() {
  // Each output unit sees C * R * S inputs, as a convolution's does (the default fan-in rule
  // would read the 6-D weight's second dimension, Q, as the input channels).
  const auto& kernel = options.kernel_size();
  const double fan_in = static_cast<double>(options.in_channels() * kernel[0] * kernel[1]);
  const double bound = 1.0 / std::sqrt(fan_in);
  init::uniform_(weight, -bound, bound);
  if (bias.defined()) init::uniform_(bias, -bound, bound);
}

Tensor LocallyConnected2dImpl::forward(const Tensor& input) {
  STRIATE_CHECK_SHAPE(
      input.dim() >= 2 && input.size(-2) == options.in_size()[0] && input.size(-1) == options.in_size()[1],
      "LocallyConnected2d: expected input of spatial size ", tuple_text(options.in_size()), " (in_size), got shape ",
      input.sizes());
  return locally_connected2d(input, weight, optional_bias(bias), options.functional());
}

// As a convolution's: C_in * R * S per output element (the weights differ per position, not their count).
std::optional<int64_t> LocallyConnected2dImpl::mult_adds(const Shape&, const Shape& output) const {
  const IntPair& kernel = options.kernel_size();
  return output.numel() * options.in_channels() * kernel[0] * kernel[1];
}

std::string LocallyConnected2dImpl::extra_repr() const {
  const auto& f = options.functional();
  std::ostringstream text;
  text << options.in_channels() << ", " << options.out_channels() << ", in_size=" << tuple_text(options.in_size())
       << ", kernel_size=" << tuple_text(options.kernel_size()) << ", stride=" << tuple_text(f.stride());
  if (f.padding() != IntPair{0, 0}) text << ", padding=" << tuple_text(f.padding());
  if (!bias.defined()) text << ", bias=False";
  return text.str();
}

}  // namespace striate::nn
