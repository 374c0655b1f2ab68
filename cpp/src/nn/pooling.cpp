// The pooling layers of nn/pooling.h: constructor checks (so a bad layer fails where it is built),
// forward through the ops of ops/pooling.h, and PyTorch-style extra_repr.
#include "striate/nn/pooling.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "striate/ops/reduce.h"

namespace striate::nn {
namespace {

const char* bool_text(bool value) { return value ? "True" : "False"; }

std::string pair_text(const IntPair& pair) { return detail::str("(", pair[0], ", ", pair[1], ")"); }

// Pooling sizes print as one number when square, as users usually write them.
std::string int_or_pair_text(const IntPair& pair) {
  return pair[0] == pair[1] ? std::to_string(pair[0]) : pair_text(pair);
}

std::string triple_text(const IntTriple& triple) {
  if (triple[0] == triple[1] && triple[1] == triple[2]) return std::to_string(triple[0]);
  return detail::str("(", triple[0], ", ", triple[1], ", ", triple[2], ")");
}

void check_positive(int64_t value, const char* layer, const char* argument) {
  STRIATE_CHECK(value > 0, layer, ": expected ", argument, " > 0, got ", value);
}

void check_pool3d(const Pool3dOptions& options, const char* layer) {
  for (int axis = 0; axis < 3; ++axis) {
    check_positive(options.kernel_size()[axis], layer, "kernel_size");
    check_positive(options.stride()[axis], layer, "stride");
    check_positive(options.dilation()[axis], layer, "dilation");
    STRIATE_CHECK(options.padding()[axis] >= 0 && options.padding()[axis] <= options.kernel_size()[axis] / 2, layer,
                  ": expected padding between 0 and half of kernel_size, got padding ", triple_text(options.padding()),
                  " for kernel_size ", triple_text(options.kernel_size()));
  }
}

void check_pool1d(const Pool1dOptions& options, const char* layer) {
  check_positive(options.kernel_size(), layer, "kernel_size");
  check_positive(options.stride(), layer, "stride");
  check_positive(options.dilation(), layer, "dilation");
  STRIATE_CHECK(options.padding() >= 0 && options.padding() <= options.kernel_size() / 2, layer,
                ": expected padding between 0 and half of kernel_size, got padding ", options.padding(),
                " for kernel_size ", options.kernel_size());
}

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

// ---- 2-D pooling ----------------------------------------------------------------------------

MaxPool2dImpl::MaxPool2dImpl(const MaxPool2dOptions& options, bool return_indices)
    : Module("MaxPool2d"), options(options), return_indices(return_indices) {
  check_pool_options(options, "MaxPool2d");
  STRIATE_CHECK(options.dilation()[0] > 0 && options.dilation()[1] > 0, "MaxPool2d: expected a positive dilation, got ",
                pair_text(options.dilation()));
}

Tensor MaxPool2dImpl::forward(const Tensor& input) { return max_pool2d(input, options); }

std::tuple<Tensor, Tensor> MaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return max_pool2d_with_indices(input, options);
}

std::string MaxPool2dImpl::extra_repr() const {
  return detail::str("kernel_size=", int_or_pair_text(options.kernel_size()),
                     ", stride=", int_or_pair_text(options.stride()), ", padding=", int_or_pair_text(options.padding()),
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

// ---- 1-D and 3-D pooling ---------------------------------------------------------------------

MaxPool1dImpl::MaxPool1dImpl(const Pool1dOptions& options, bool return_indices)
    : Module("MaxPool1d"), options(options), return_indices(return_indices) {
  check_pool1d(options, "MaxPool1d");
}
Tensor MaxPool1dImpl::forward(const Tensor& input) { return max_pool1d(input, options); }
std::tuple<Tensor, Tensor> MaxPool1dImpl::forward_with_indices(const Tensor& input) {
  return max_pool1d_with_indices(input, options);
}
std::string MaxPool1dImpl::extra_repr() const {
  return detail::str("kernel_size=", options.kernel_size(), ", stride=", options.stride(),
                     ", padding=", options.padding(), ", dilation=", options.dilation(),
                     ", ceil_mode=", bool_text(options.ceil_mode()));
}

AvgPool1dImpl::AvgPool1dImpl(const Pool1dOptions& options) : Module("AvgPool1d"), options(options) {
  check_pool1d(options, "AvgPool1d");
}
Tensor AvgPool1dImpl::forward(const Tensor& input) { return avg_pool1d(input, options); }
std::string AvgPool1dImpl::extra_repr() const {
  return detail::str("kernel_size=(", options.kernel_size(), ",), stride=(", options.stride(), ",), padding=(",
                     options.padding(), ",)");
}

MaxPool3dImpl::MaxPool3dImpl(const Pool3dOptions& options, bool return_indices)
    : Module("MaxPool3d"), options(options), return_indices(return_indices) {
  check_pool3d(options, "MaxPool3d");
}
Tensor MaxPool3dImpl::forward(const Tensor& input) { return max_pool3d(input, options); }
std::tuple<Tensor, Tensor> MaxPool3dImpl::forward_with_indices(const Tensor& input) {
  return max_pool3d_with_indices(input, options);
}
std::string MaxPool3dImpl::extra_repr() const {
  return detail::str("kernel_size=", triple_text(options.kernel_size()), ", stride=", triple_text(options.stride()),
                     ", padding=", triple_text(options.padding()), ", dilation=", triple_text(options.dilation()),
                     ", ceil_mode=", bool_text(options.ceil_mode()));
}

AvgPool3dImpl::AvgPool3dImpl(const Pool3dOptions& options) : Module("AvgPool3d"), options(options) {
  Pool3dOptions dense = options;
  check_pool3d(dense.dilation({1, 1, 1}), "AvgPool3d");
  STRIATE_CHECK(options.divisor_override().value_or(1) != 0, "AvgPool3d: expected a non-zero divisor_override, got 0");
}
Tensor AvgPool3dImpl::forward(const Tensor& input) { return avg_pool3d(input, options); }
std::string AvgPool3dImpl::extra_repr() const {
  return detail::str("kernel_size=", triple_text(options.kernel_size()), ", stride=", triple_text(options.stride()),
                     ", padding=", triple_text(options.padding()));
}

// ---- unpooling ------------------------------------------------------------------------------

MaxUnpool2dImpl::MaxUnpool2dImpl(const Pool2dOptions& options) : Module("MaxUnpool2d"), options(options) {
  for (int axis = 0; axis < 2; ++axis) {
    check_positive(options.kernel_size()[axis], "MaxUnpool2d", "kernel_size");
    check_positive(options.stride()[axis], "MaxUnpool2d", "stride");
    STRIATE_CHECK(options.padding()[axis] >= 0, "MaxUnpool2d: expected padding >= 0, got ", options.padding()[axis]);
  }
}
Tensor MaxUnpool2dImpl::forward(const Tensor&) {
  STRIATE_CHECK_TYPE(false, "MaxUnpool2d: expected forward(input, indices[, output_size]), got only input");
  return Tensor();
}
Tensor MaxUnpool2dImpl::forward(const Tensor& input, const Tensor& indices, std::optional<IntPair> output_size) {
  return max_unpool2d(input, indices, options, output_size);
}
std::string MaxUnpool2dImpl::extra_repr() const {
  return detail::str("kernel_size=", int_or_pair_text(options.kernel_size()),
                     ", stride=", int_or_pair_text(options.stride()),
                     ", padding=", int_or_pair_text(options.padding()));
}

// ---- adaptive and global pooling --------------------------------------------------------------

AdaptiveAvgPool2dImpl::AdaptiveAvgPool2dImpl(IntPair output_size)
    : Module("AdaptiveAvgPool2d"), output_size(output_size) {
  check_positive(std::min(output_size[0], output_size[1]), "AdaptiveAvgPool2d", "output_size");
}
Tensor AdaptiveAvgPool2dImpl::forward(const Tensor& input) { return adaptive_avg_pool2d(input, output_size); }
std::string AdaptiveAvgPool2dImpl::extra_repr() const { return "output_size=" + int_or_pair_text(output_size); }

AdaptiveMaxPool2dImpl::AdaptiveMaxPool2dImpl(IntPair output_size, bool return_indices)
    : Module("AdaptiveMaxPool2d"), output_size(output_size), return_indices(return_indices) {
  check_positive(std::min(output_size[0], output_size[1]), "AdaptiveMaxPool2d", "output_size");
}
Tensor AdaptiveMaxPool2dImpl::forward(const Tensor& input) { return adaptive_max_pool2d(input, output_size); }
std::tuple<Tensor, Tensor> AdaptiveMaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return adaptive_max_pool2d_with_indices(input, output_size);
}
std::string AdaptiveMaxPool2dImpl::extra_repr() const { return "output_size=" + int_or_pair_text(output_size); }

namespace {

Tensor flatten_global(const Tensor& pooled, bool flatten) {
  // (N, C, 1, 1) -> (N, C); (C, 1, 1) -> (C).
  return flatten ? pooled.flatten(pooled.dim() - 3, -1) : pooled;
}

}  // namespace

GlobalAvgPool2dImpl::GlobalAvgPool2dImpl(bool flatten) : Module("GlobalAvgPool2d"), flatten(flatten) {}
Tensor GlobalAvgPool2dImpl::forward(const Tensor& input) {
  return flatten_global(adaptive_avg_pool2d(input, {1, 1}), flatten);
}
std::string GlobalAvgPool2dImpl::extra_repr() const { return detail::str("flatten=", bool_text(flatten)); }

GlobalMaxPool2dImpl::GlobalMaxPool2dImpl(bool flatten) : Module("GlobalMaxPool2d"), flatten(flatten) {}
Tensor GlobalMaxPool2dImpl::forward(const Tensor& input) {
  return flatten_global(adaptive_max_pool2d(input, {1, 1}), flatten);
}
std::string GlobalMaxPool2dImpl::extra_repr() const { return detail::str("flatten=", bool_text(flatten)); }

// ---- fractional and channel pooling -----------------------------------------------------------

FractionalMaxPool2dImpl::FractionalMaxPool2dImpl(IntPair kernel_size, std::optional<IntPair> output_size,
                                                 std::optional<std::array<double, 2>> output_ratio, bool return_indices)
    : Module("FractionalMaxPool2d"),
      kernel_size(kernel_size),
      output_size(output_size),
      output_ratio(output_ratio),
      return_indices(return_indices) {
  check_positive(std::min(kernel_size[0], kernel_size[1]), "FractionalMaxPool2d", "kernel_size");
  STRIATE_CHECK(output_size.has_value() != output_ratio.has_value(),
                "FractionalMaxPool2d: expected exactly one of output_size and output_ratio, got ",
                output_size ? "both" : "neither");
  if (output_ratio)
    STRIATE_CHECK((*output_ratio)[0] > 0 && (*output_ratio)[0] < 1 && (*output_ratio)[1] > 0 && (*output_ratio)[1] < 1,
                  "FractionalMaxPool2d: expected output_ratio in (0, 1), got (", (*output_ratio)[0], ", ",
                  (*output_ratio)[1], ")");
}
std::tuple<Tensor, Tensor> FractionalMaxPool2dImpl::forward_with_indices(const Tensor& input) {
  IntPair size = output_size.value_or(IntPair{0, 0});
  if (output_ratio) {
    STRIATE_CHECK_SHAPE(input.dim() == 3 || input.dim() == 4,
                        "FractionalMaxPool2d: expected input of shape (N, C, H, W) or (C, H, W), got ", input.sizes());
    for (int axis = 0; axis < 2; ++axis)
      size[axis] =
          static_cast<int64_t>(static_cast<double>(input.size(input.dim() - 2 + axis)) * (*output_ratio)[axis]);
  }
  return fractional_max_pool2d_with_indices(input, kernel_size, size);
}
Tensor FractionalMaxPool2dImpl::forward(const Tensor& input) { return std::get<0>(forward_with_indices(input)); }
std::string FractionalMaxPool2dImpl::extra_repr() const {
  std::string text = "kernel_size=" + int_or_pair_text(kernel_size);
  if (output_size) text += ", output_size=" + int_or_pair_text(*output_size);
  if (output_ratio) text += detail::str(", output_ratio=(", (*output_ratio)[0], ", ", (*output_ratio)[1], ")");
  return text;
}

ChannelMaxPoolImpl::ChannelMaxPoolImpl(int64_t kernel_size) : Module("ChannelMaxPool"), kernel_size(kernel_size) {
  check_positive(kernel_size, "ChannelMaxPool", "kernel_size");
}
Tensor ChannelMaxPoolImpl::forward(const Tensor& input) { return channel_max_pool(input, kernel_size); }
std::string ChannelMaxPoolImpl::extra_repr() const { return detail::str("kernel_size=", kernel_size); }

}  // namespace striate::nn
