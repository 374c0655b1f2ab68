// Moving a module tree between devices, as torch.nn.Module.to(device) does.
//   striate::nn::to(*model, striate::Device("cuda"));
#pragma once
#include "striate/core/device.h"
#include "striate/nn/module.h"

namespace striate::nn {

/// Moves every parameter and buffer of the tree (and the parameters' .grad) to `device`, in
/// place: the tensors keep their identity (an optimizer built earlier follows them) and their
/// memory moves. Raises, with nothing moved, where the device is unavailable.
/// @param module the root of the tree.
/// @param device the target device.
/// @param non_blocking overlap the copies (default false).
/// @throws RuntimeError when the device is unavailable.
void to(Module& module, Device device, bool non_blocking = false);

}  // namespace striate::nn
