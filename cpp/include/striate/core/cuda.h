// striate::cuda: the CUDA runtime for C++ programs, the same queries as Python's striate.cuda.
// Tensors go to a GPU with t.to(Device("cuda:0")) (or to_device(t, device, non_blocking));
// modules with nn::to(module, device) (striate/nn/device.h).
//   striate::Device device = striate::cuda::is_available() ? striate::Device("cuda") : striate::kCPU;
//   striate::nn::to(*model, device);  auto y = model->forward(x.to(device));
// Without a GPU, driver or a build with the backend, is_available() is false and
// unavailable_reason() says which.
#pragma once
#include <cstddef>
#include <string>

#include "striate/core/tensor.h"

namespace striate {

/// t.to(device) with PyTorch's non_blocking: from page-locked CPU memory to a GPU the copy is
/// queued on the current stream and overlaps what follows; from a GPU to the CPU it lands in
/// page-locked memory that must be waited for (cuda::synchronize) before it is read.
/// @param t the tensor.
/// @param device the target device.
/// @param non_blocking overlap the copy (default false).
/// @return t on device (t itself when already there).
/// @throws RuntimeError when the device is not available.
Tensor to_device(const Tensor& t, Device device, bool non_blocking = false);

}  // namespace striate

namespace striate::cuda {

/// @return whether a CUDA device can be used.
bool is_available();
/// @return the number of CUDA devices (0 without).
int device_count();
/// Why CUDA cannot be used: "" when it can, otherwise not built / no driver / driver too old / no device.
/// @return the reason, or "".
std::string unavailable_reason();
/// Waits for every kernel and copy queued on the device (-1: the calling thread's current device).
/// @param device the device (default -1).
/// @throws RuntimeError when CUDA is unavailable or the index is out of range.
void synchronize(int device = -1);
/// Sets the calling thread's current device.
/// @param device the index.
/// @throws RuntimeError when CUDA is unavailable or the index is out of range.
void set_device(int device);
/// The calling thread's current device.
/// @return the index (0 without CUDA).
int current_device();
/// The caching allocator: bytes held by tensors, its peak, bytes held from the device, and giving
/// the unused cache back to the driver. The queries answer 0 without a device.
/// @param device the index (default 0).
/// @return bytes held by tensors.
size_t memory_allocated(int device = 0);
/// The peak of memory_allocated() since the last reset.
/// @param device the index (default 0).
/// @return bytes.
size_t max_memory_allocated(int device = 0);
/// Bytes the allocator holds from the driver.
/// @param device the index (default 0).
/// @return bytes.
size_t memory_reserved(int device = 0);
/// Resets the peak to the current value.
/// @param device the index (default 0).
void reset_peak_memory_stats(int device = 0);
/// Gives the unused cached blocks back to the driver (no effect without a device).
void empty_cache();

}  // namespace striate::cuda
