// DenseNet's blocks at inference (dense_inference.cpp): each layer is one fused chain
// (ops/fused_inference.h) writing its new channels straight into the block's buffer, and a
// transition pools before its 1x1 convolution. Both return std::nullopt where the fused path does
// not apply (training, outside inference_mode, hooks, replaced children, off the CPU), and the
// caller then runs its modules as usual.
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "striate/core/tensor.h"
#include "striate/nn/blocks_classic.h"

namespace striate::nn::detail {

// Copies piece (N, c, H, W) into channels [start, start + c) of buffer (N, C, H, W) without
// bumping the buffer's version: the layers saved views of the channels before `start`, which
// this write never touches.
void write_channels(const Tensor& buffer, const Tensor& piece, int64_t start);

// DenseBlock's forward at inference, or std::nullopt.
std::optional<Tensor> dense_block_inference(DenseBlockImpl& block, const std::vector<std::shared_ptr<Module>>& layers,
                                            const Tensor& input);

// Transition's forward at inference (norm -> relu -> avg pool -> 1x1 conv: the pool moved before
// the convolution, a quarter of its work), or std::nullopt.
std::optional<Tensor> transition_inference(TransitionImpl& transition, const Tensor& input);

}  // namespace striate::nn::detail
