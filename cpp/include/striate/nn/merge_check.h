// Early shape checks for merge blocks (Residual, Concat, Parallel): branches whose outputs cannot be
// merged raise a ValueError naming each branch's shape and suggesting the projection that fixes it.
//   auto block = std::make_shared<striate::nn::ResidualImpl>(body, nullptr);
//   striate::nn::check_merge_on(*block, {8, 32, 32});   // throws ShapeError with a fix hint
#pragma once
#include <cstdint>
#include <vector>

#include "striate/nn/module.h"

namespace striate::nn {

/// Runs `block` once on zeros of shape (1, *input_shape) without recording a graph and in eval
/// mode (every module's training flag is restored after), so that a merge error surfaces now, at
/// construction, instead of at the first forward. Input of the dtype and device of the block's
/// first parameter (float32 on the CPU when it has none). The error names input_shape.
/// @param block the merge block (Residual, Concat, Parallel) or any module containing one.
/// @param input_shape one sample's shape, without the batch dimension.
/// @throws ShapeError when a merge cannot combine its branches' outputs, with a fix hint.
void check_merge_on(Module& block, const std::vector<int64_t>& input_shape);

}  // namespace striate::nn
