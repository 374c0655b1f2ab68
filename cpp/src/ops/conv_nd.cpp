// conv1d and conv3d: argument checks and output shapes for any number of spatial dimensions,
// conv1d as a zero-copy view onto conv2d (height 1), conv3d on the 3-D kernels with the shared
// backward node (conv_common.h).
#include <string>
#include <vector>

#include "kernels/conv.h"
#include "ops/conv_common.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"

namespace striate {
namespace {

// The options of a convolution with `dims` spatial dimensions, flattened for the shared checks.
struct ConvNdArgs {
  std::vector<int64_t> stride, dilation;
  std::vector<int64_t> padding;  // before and after per spatial dimension, outermost first
  PaddingMode mode;
  int64_t groups;
};

std::string tuple_str(const std::vector<int64_t>& values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + ")";
}

// "(N, C, D, H, W)"-style names of the accepted layouts, for error messages.
const char* input_layout(int dims) { return dims == 1 ? "(N, C, L) or (C, L)" : "(N, C, D, H, W) or (C, D, H, W)"; }
const char* weight_layout(int dims) { return dims == 1 ? "(K, C / groups, S)" : "(K, C / groups, U, R, S)"; }

// Explicit per-side padding for this weight (PyTorch's rule for 'same': the odd one after).
std::vector<int64_t> resolve_padding(const Shape& weight, const ConvNdArgs& args) {
  const int dims = static_cast<int>(args.stride.size());
  if (args.mode == PaddingMode::Explicit) return args.padding;
  std::vector<int64_t> padding(2 * dims, 0);
  if (args.mode == PaddingMode::Valid) return padding;
  for (int d = 0; d < dims; ++d) {
    const int64_t total =
        checked_mul(args.dilation[d], weight[2 + d] - 1, "conv", "the padding dilation * (kernel - 1)");
    padding[2 * d] = args.mode == PaddingMode::Full ? total : total / 2;
    padding[2 * d + 1] = args.mode == PaddingMode::Full ? total : total - total / 2;
  }
  return padding;
}

using conv_common::batched;
using conv_common::padding_mode_from;

Shape conv_nd_output_shape(const Shape& input, const Shape& weight, const ConvNdArgs& args, const char* op) {
  const int dims = static_cast<int>(args.stride.size());
  STRIATE_CHECK_SHAPE(input.size() == dims + 1 || input.size() == dims + 2, op, ": expected input of shape ",
                      input_layout(dims), ", got ", input);
  STRIATE_CHECK_SHAPE(weight.size() == dims + 2, op, ": expected weight of shape ", weight_layout(dims), ", got ",
                      weight);
  for (int64_t extent : weight)
    STRIATE_CHECK_SHAPE(extent > 0, op, ": expected weight with positive sizes, got ", weight);
  for (int d = 0; d < dims; ++d) {
    STRIATE_CHECK(args.stride[d] > 0, op, ": expected stride > 0, got ", tuple_str(args.stride));
    STRIATE_CHECK(args.dilation[d] > 0, op, ": expected dilation > 0, got ", tuple_str(args.dilation));
    STRIATE_CHECK(args.mode != PaddingMode::Same || args.stride[d] == 1, op,
                  ": padding='same' requires stride 1, got stride ", tuple_str(args.stride));
  }
  for (int64_t side : args.padding)
    STRIATE_CHECK(side >= 0, op, ": expected padding >= 0, got ", tuple_str(args.padding));
  STRIATE_CHECK(args.groups > 0, op, ": expected groups > 0, got ", args.groups);

  const Shape x = batched(input, dims);
  const int64_t K = weight[0];
  STRIATE_CHECK_SHAPE(K % args.groups == 0, op, ": expected out channels (weight.size(0) = ", K,
                      ") divisible by groups = ", args.groups);
  STRIATE_CHECK_SHAPE(x[1] == weight[1] * args.groups, op,
                      ": expected input with C = weight.size(1) * groups = ", weight[1] * args.groups,
                      " channels, got ", x[1], " (input shape ", input, ", weight shape ", weight, ", groups ",
                      args.groups, ")");
  const std::vector<int64_t> padding = resolve_padding(weight, args);
  Shape out = input;
  out[out.size() - dims - 1] = K;
  for (int d = 0; d < dims; ++d) {
    // Checked: padding and dilation come from the user.
    const char* what = "the convolution window arithmetic";
    const int64_t padded = checked_add(checked_add(x[2 + d], padding[2 * d], op, what), padding[2 * d + 1], op, what);
    const int64_t kernel = checked_mul(args.dilation[d], weight[2 + d] - 1, op, what) + 1;
    STRIATE_CHECK_SHAPE(x[2 + d] > 0 && kernel <= padded, op, ": kernel size (after dilation) ", kernel,
                        " is larger than the padded input ", padded, " in spatial dimension ", d, " (input shape ",
                        input, ", weight shape ", weight, ")");
    out[out.size() - dims + d] = (padded - kernel) / args.stride[d] + 1;
  }
  return out;
}

ConvNdArgs conv1d_args(const Conv1dOptions& options) {
  return {{options.stride()},
          {options.dilation()},
          {options.padding2()[0], options.padding2()[1]},
          options.padding_mode(),
          options.groups()};
}

ConvNdArgs conv3d_args(const Conv3dOptions& options) {
  const auto& s = options.stride();
  const auto& d = options.dilation();
  const auto& p = options.padding6();
  return {{s[0], s[1], s[2]},
          {d[0], d[1], d[2]},
          {p[0], p[1], p[2], p[3], p[4], p[5]},
          options.padding_mode(),
          options.groups()};
}

// The shared checks, and a bias of one value per output channel.
void check_tensors(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, const char* op) {
  if (!conv_common::check_weighted_op(input, weight, bias, op)) return;
  STRIATE_CHECK_SHAPE(weight.dim() >= 1 && bias->dim() == 1 && bias->size(0) == weight.size(0), op,
                      ": expected bias of shape (", weight.size(0), "), got ", bias->sizes());
}

// conv3d's kernels, for the shared backward node.
struct Conv3dKernels {
  using Geometry = kernels::Conv3dGeometry;
  static constexpr const char* name = "Conv3dBackward";
  static Shape bias_shape(const Geometry& g) { return {g.K}; }
  template <typename T>
  static void backward_input(Device d, T* dinput, const T* doutput, const T* weight, const Geometry& g) {
    kernels::conv3d_backward_input<T>(d, dinput, doutput, weight, g);
  }
  template <typename T>
  static void backward_weight(Device d, T* dweight, T* dbias, const T* doutput, const T* input, const Geometry& g) {
    kernels::conv3d_backward_weight<T>(d, dweight, dbias, doutput, input, g);
  }
};

}  // namespace

// ---- conv1d ----------------------------------------------------------------------------------

Conv1dOptions& Conv1dOptions::padding(const std::string& mode) {
  padding_mode_ = padding_mode_from(mode, "conv1d");
  padding2_ = {0, 0};
  return *this;
}

Shape conv1d_output_shape(const Shape& input, const Shape& weight, const Conv1dOptions& options) {
  return conv_nd_output_shape(input, weight, conv1d_args(options), "conv1d");
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
              const Conv1dOptions& options) {
  STRIATE_AUTOCAST(CastPolicy::LowerPrecision, conv1d, input, weight, bias, options);
  check_tensors(input, weight, bias, "conv1d");
  conv1d_output_shape(input.sizes(), weight.sizes(), options);  // errors in 1-D terms, before the 2-D view
  // (N, C, L) -> (N, C, 1, L) is a view, and so is the way back: autograd flows through both.
  Conv2dOptions options2d;
  options2d.stride(IntPair{1, options.stride()}).dilation(IntPair{1, options.dilation()}).groups(options.groups());
  switch (options.padding_mode()) {
    case PaddingMode::Explicit: options2d.padding_sides({0, 0, options.padding2()[0], options.padding2()[1]}); break;
    case PaddingMode::Same: options2d.padding("same"); break;
    case PaddingMode::Valid: options2d.padding("valid"); break;
    case PaddingMode::Full: options2d.padding("full"); break;
  }
  return conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, options2d).squeeze(-2);
}

// ---- conv3d ----------------------------------------------------------------------------------

Conv3dOptions& Conv3dOptions::padding(const std::string& mode) {
  padding_mode_ = padding_mode_from(mode, "conv3d");
  padding6_ = {0, 0, 0, 0, 0, 0};
  return *this;
}

Shape conv3d_output_shape(const Shape& input, const Shape& weight, const Conv3dOptions& options) {
  return conv_nd_output_shape(input, weight, conv3d_args(options), "conv3d");
}

Tensor conv3d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
              const Conv3dOptions& options) {
  STRIATE_AUTOCAST(CastPolicy::LowerPrecision, conv3d, input, weight, bias, options);
  check_tensors(input, weight, bias, "conv3d");
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), conv3d, input, weight, bias, options);
  const ConvNdArgs args = conv3d_args(options);
  const Shape out_shape = conv_nd_output_shape(input.sizes(), weight.sizes(), args, "conv3d");
  const bool has_bias = bias.has_value() && bias->defined();

  Tensor x = input.detach().reshape(batched(input.sizes(), 3)).contiguous();
  Tensor w = weight.detach().contiguous();
  Tensor b = has_bias ? bias->detach().contiguous() : Tensor();
  Tensor y = empty(out_shape, options_of(input));
  const Shape out = batched(out_shape, 3);
  const std::vector<int64_t> padding = resolve_padding(w.sizes(), args);
  kernels::Conv3dGeometry g;
  g.N = x.size(0), g.C = x.size(1), g.D = x.size(2), g.H = x.size(3), g.W = x.size(4);
  g.K = w.size(0), g.U = w.size(2), g.R = w.size(3), g.S = w.size(4);
  g.O = out[2], g.P = out[3], g.Q = out[4];
  g.stride_d = args.stride[0], g.stride_h = args.stride[1], g.stride_w = args.stride[2];
  g.pad_front = padding[0], g.pad_top = padding[2], g.pad_left = padding[4];
  g.dilation_d = args.dilation[0], g.dilation_h = args.dilation[1], g.dilation_w = args.dilation[2];
  g.groups = args.groups;
  if (y.numel() > 0) {
    STRIATE_DISPATCH_FLOATING(input.dtype(), "conv3d", [&] {
      STRIATE_PROFILE_COST(conv_common::pass_flops(g), conv_common::pass_bytes<scalar_t>(g, w.numel()));
      kernels::conv3d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(), w.data<scalar_t>(),
                                        has_bias ? b.data<scalar_t>() : nullptr, g);
    });
  }

  conv_common::record_weighted_op<conv_common::ConvBackward<Conv3dKernels>>(input, weight, bias, x, w, g, y);
  return y;
}

STRIATE_REGISTER_OP("conv1d", &kernels::conv2d_forward<float>, &kernels::conv2d_backward_input<float>,
                    &kernels::conv2d_backward_weight<float>);
STRIATE_REGISTER_OP("conv3d", &kernels::conv3d_forward<float>, &kernels::conv3d_backward_input<float>,
                    &kernels::conv3d_backward_weight<float>);

}  // namespace striate
