// The kernel objects' error for a device without an implementation, device selection before a
// device kernel runs, and the bytes the profiler counts for a tensor argument.
#include "kernels/kernel.h"

#include "core/cuda_runtime.h"
#include "striate/core/tensor.h"

namespace striate::kernels {

const char* backend_name(DeviceType type) { return type == DeviceType::CUDA ? "CUDA" : "CPU"; }

void KernelBase::raise_missing(Device device) const {
  if (dtype_)
    STRIATE_NOT_IMPLEMENTED(name_, ": no ", backend_name(device.type), " kernel for ", *dtype_, " yet (tensors on ",
                            device, ")");
  STRIATE_NOT_IMPLEMENTED(name_, ": no ", backend_name(device.type), " kernel yet (tensors on ", device, ")");
}

int64_t tensor_bytes(const Tensor& tensor) {
  return tensor.defined() ? tensor.numel() * static_cast<int64_t>(element_size(tensor.dtype())) : 0;
}

void KernelBase::make_current(Device device) {
  if (device.is_cuda()) backend::cuda_set_device(device.index);
}

}  // namespace striate::kernels
