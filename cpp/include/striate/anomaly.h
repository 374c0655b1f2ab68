// Anomaly detection in the backward engine (Python: striate.autograd.detect_anomaly): a check the
// engine calls after each node's backward with the gradients that node returned, so a tool can
// name the first node that produced a NaN or an infinity. With no check installed (the default)
// the engine pays one thread-local test per node.
//   striate::autograd::set_node_check([](const Node& n, const auto& received, const auto& returned) {});
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "striate/autograd.h"

namespace striate::autograd {

/// Called after `node` ran its backward: `grad_outputs` are the gradients it received (one per
/// forward output), `grad_inputs` those it returned (one per forward input); either may hold
/// undefined tensors. It may throw to stop the backward.
using NodeCheck = std::function<void(const Node& node, const std::vector<Tensor>& grad_outputs,
                                     const std::vector<Tensor>& grad_inputs)>;

/// Installs `check` for backward passes run on this thread (an empty function removes it).
/// @param check the check, or an empty function to remove the current one.
/// @return the check it replaced.
NodeCheck set_node_check(NodeCheck check);

/// The sequence number the next node will get. Nodes created between two reads fall between the
/// two values, which lets a tool attribute nodes to the module call that created them.
/// @return the next node's sequence number.
uint64_t peek_sequence_nr();

}  // namespace striate::autograd
