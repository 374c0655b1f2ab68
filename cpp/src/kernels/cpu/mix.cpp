// Mixup's and CutMix's kernel objects (kernels/mix.h) on the CPU: the image kernels of
// kernels/cpu/image.cpp, registered for the types the transforms dispatch.
#include "kernels/mix.h"

#include "kernels/cpu/image.h"

namespace striate::kernels::cpu {

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, mix_images<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, mix_images<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, paste_box<uint8_t>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, paste_box<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, paste_box<double>);

}  // namespace striate::kernels::cpu
