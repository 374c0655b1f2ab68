// Recording the backward node of the weight-bearing ops (conv1d/2d/3d, conv_transpose2d,
// locally_connected2d): each node saves the same things, so they are recorded in one place.
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "striate/autograd.h"

namespace striate {

// Node must have members input, weight (SavedTensor), geometry, input_shape and has_bias.
// x and w are the (possibly contiguous copies of) input and weight that the kernels read.
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

}  // namespace striate
