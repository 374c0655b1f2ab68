// What the weight-bearing ops (conv1d/2d/3d, conv_transpose2d, locally_connected2d) share: the
// argument checks, the 'same'/'valid'/'full' padding names, batching an unbatched input, the
// backward node of the convolutions whose kernels give dinput and dweight + dbias directly,
// recording that node, and what one pass costs (for the profiler).
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/conv.h"
#include "ops/dispatch.h"
#include "striate/autograd.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"
#include "striate/profiler.h"

namespace striate::conv_common {

// Forward, backward-input and backward-weight each do N * K * (C / groups) * R * S * P * Q
// multiply-adds (2 FLOPs each; a locally connected layer too, with groups = 1) and read or write
// the input, the weight and the output once.
inline int64_t pass_flops(const kernels::Conv2dGeometry& g) {
  return 2 * g.N * g.K * (g.C / g.groups) * g.R * g.S * g.P * g.Q;
}
inline int64_t pass_flops(const kernels::Conv3dGeometry& g) {
  return 2 * g.N * g.K * (g.C / g.groups) * g.U * g.R * g.S * g.O * g.P * g.Q;
}
inline int64_t activation_elements(const kernels::Conv2dGeometry& g) {
  return g.N * (g.C * g.H * g.W + g.K * g.P * g.Q);
}
inline int64_t activation_elements(const kernels::Conv3dGeometry& g) {
  return g.N * (g.C * g.D * g.H * g.W + g.K * g.O * g.P * g.Q);
}
template <typename T, typename Geometry>
int64_t pass_bytes(const Geometry& g, int64_t weight_elements) {
  return (activation_elements(g) + weight_elements) * static_cast<int64_t>(sizeof(T));
}

// "(a, b)" for error messages.
inline std::string pair_str(const std::array<int64_t, 2>& v) { return detail::str("(", v[0], ", ", v[1], ")"); }

// The padding given by name: 'same', 'valid' or 'full'.
inline PaddingMode padding_mode_from(const std::string& mode, const char* op) {
  if (mode == "same") return PaddingMode::Same;
  if (mode == "valid") return PaddingMode::Valid;
  if (mode == "full") return PaddingMode::Full;
  throw ValueError(detail::str(op, ": expected padding 'same', 'valid', 'full' or integers, got '", mode, "'"));
}

// The batched form of an input with `spatial_dims` spatial dimensions: (C, ...) -> (1, C, ...).
inline Shape batched(const Shape& shape, int spatial_dims) {
  Shape out = shape;
  if (out.size() == spatial_dims + 1) out.insert(0, 1);
  return out;
}

// The kernels' geometry of conv2d for batched shapes: input (N, C, H, W), weight (K, C / groups,
// R, S) and output (N, K, P, Q) (from conv2d_output_shape), with the padding `options` resolve to.
inline kernels::Conv2dGeometry conv2d_geometry(const Shape& input, const Shape& weight, const Shape& output,
                                               const Conv2dOptions& options) {
  const std::array<int64_t, 4> padding = conv2d_resolve_padding(weight, options);
  kernels::Conv2dGeometry g;
  g.N = input[0];
  g.C = input[1];
  g.H = input[2];
  g.W = input[3];
  g.K = weight[0];
  g.R = weight[2];
  g.S = weight[3];
  g.P = output[2];
  g.Q = output[3];
  g.stride_h = options.stride()[0];
  g.stride_w = options.stride()[1];
  g.pad_top = padding[0];
  g.pad_left = padding[2];
  g.dilation_h = options.dilation()[0];
  g.dilation_w = options.dilation()[1];
  g.groups = options.groups();
  return g;
}

// Input, weight and bias agree in dtype (floating) and device, and the op has a kernel there.
// The bias shape differs per op and is checked by the caller. Returns whether a bias was given.
inline bool check_weighted_op(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                              const char* op) {
  STRIATE_CHECK(input.defined() && weight.defined(), op, ": expected input and weight tensors, got None");
  STRIATE_CHECK_TYPE(input.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     input.dtype());
  STRIATE_CHECK_TYPE(weight.dtype() == input.dtype(), op, ": expected weight of dtype ", input.dtype(),
                     " (the input's), got ", weight.dtype());
  dispatch::device_of(op, {{"input", input}, {"weight", weight}, {"bias", bias}});
  const bool has_bias = bias.has_value() && bias->defined();
  if (has_bias)
    STRIATE_CHECK_TYPE(bias->dtype() == input.dtype(), op, ": expected bias of dtype ", input.dtype(),
                       " (the input's), got ", bias->dtype());
  return has_bias;
}

// The backward node of conv2d, conv3d and locally_connected2d. Kernels names the node and gives
// the geometry type, the bias gradient's shape and the two backward kernels.
template <typename Kernels>
struct ConvBackward : autograd::Node {
  autograd::SavedTensor input, weight;  // input batched and contiguous; weight contiguous
  typename Kernels::Geometry geometry;
  Shape input_shape;  // as the user passed it (maybe unbatched)
  bool has_bias = false;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor x = input.unpack(Kernels::name);
    Tensor w = weight.unpack(Kernels::name);
    Tensor dout = grads[0].contiguous();
    Tensor dinput, dweight, dbias;
    if (should_compute_input_grad(0)) dinput = empty(input_shape, options_of(x));
    if (should_compute_input_grad(1)) dweight = empty(w.sizes(), options_of(w));
    if (has_bias && should_compute_input_grad(2)) dbias = empty(Kernels::bias_shape(geometry), options_of(w));
    STRIATE_DISPATCH_FLOATING(x.dtype(), Kernels::name, [&] {
      if (dinput.defined() && dinput.numel() > 0) {
        STRIATE_PROFILE_COST(pass_flops(geometry), pass_bytes<scalar_t>(geometry, w.numel()));
        Kernels::template backward_input<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                                   w.data<scalar_t>(), geometry);
      }
      if (dweight.defined() || dbias.defined()) {
        // dbias alone still needs a place for the weight gradient the kernel computes with it.
        Tensor dweight_target = dweight.defined() ? dweight : empty(w.sizes(), options_of(w));
        STRIATE_PROFILE_COST(pass_flops(geometry), pass_bytes<scalar_t>(geometry, w.numel()));
        Kernels::template backward_weight<scalar_t>(dweight_target.device(), dweight_target.data<scalar_t>(),
                                                    dbias.defined() ? dbias.data<scalar_t>() : nullptr,
                                                    dout.data<scalar_t>(), x.data<scalar_t>(), geometry);
      }
    });
    std::vector<Tensor> result{dinput, dweight};
    if (has_bias) result.push_back(dbias);
    return result;
  }
  std::string name() const override { return Kernels::name; }
  void release_saved() override {
    input.reset();
    weight.reset();
  }
};

// Records `Node` (members input, weight, geometry, input_shape, has_bias) for output when any of
// input, weight, bias requires grad. x and w are the (possibly contiguous copies of) input and
// weight that the kernels read.
template <typename Node, typename Geometry>
void record_weighted_op(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, const Tensor& x,
                        const Tensor& w, const Geometry& geometry, Tensor& output) {
  const bool has_bias = bias.has_value() && bias->defined();
  const Tensor bias_tensor = has_bias ? *bias : Tensor();
  if (!autograd::any_requires_grad({&input, &weight, &bias_tensor})) return;
  auto node = std::make_shared<Node>();
  node->input = autograd::SavedTensor(x);
  node->weight = autograd::SavedTensor(w);
  node->geometry = geometry;
  node->input_shape = input.sizes();
  node->has_bias = has_bias;
  std::vector<const Tensor*> inputs{&input, &weight};
  if (has_bias) inputs.push_back(&bias_tensor);
  autograd::record(node, inputs, std::vector<Tensor*>{&output});
}

}  // namespace striate::conv_common
