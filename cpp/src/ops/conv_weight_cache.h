// conv2d for a weight whose values do not change between calls (a folded inference weight), with
// a cache where the CPU backend keeps the weight's derived forms (kernels/conv_weight_cache.h).
// Internal: nn/fusion.cpp calls it for the folded Conv+BN weights.
#pragma once
#include <optional>

#include "kernels/conv_weight_cache.h"
#include "striate/core/tensor.h"
#include "striate/ops/conv.h"

namespace striate {

/// conv2d(input, weight, bias, options), then max(0, .) when `relu`, as conv2d / conv2d_relu
/// (same checks, same results bit for bit), with the backend keeping what it derives from
/// `weight` (Winograd's transformed weights, the direct kernels' packing) in `weight_cache`
/// between calls instead of rederiving it each call.
/// @param weight_cache used only with this `weight`, whose values the caller guarantees not to
///   change while the cache lives (a changed weight needs a new cache); ignored where autograd
///   records the call, where the weight is converted or copied, and by backends without a use.
/// @throws ShapeError, ValueError, TypeError as conv2d.
Tensor conv2d_with_weight_cache(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                                const Conv2dOptions& options, bool relu, kernels::ConvWeightCache& weight_cache);

/// relu(conv2d(input, weight, bias, options) + residual) (no ReLU when `relu` is false) with the
/// residual added as the output is written (the direct kernels) or in the pass that applies the
/// ReLU (the others), and `weight_cache` as in conv2d_with_weight_cache. No autograd: inference
/// only. The same bits as conv2d, add and relu in sequence.
/// @param residual (N, K, P, Q), the output's shape, dtype and device (the CPU).
/// @throws ShapeError for a residual of another shape; TypeError for another dtype; ValueError for
///   another device or a tensor that requires grad while grad mode is on; as conv2d otherwise.
Tensor conv2d_add_with_weight_cache(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                                    const Conv2dOptions& options, const Tensor& residual, bool relu,
                                    kernels::ConvWeightCache& weight_cache);

}  // namespace striate
