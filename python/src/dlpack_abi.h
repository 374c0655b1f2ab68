// The DLPack exchange structs, written from the DLPack ABI specification (v1.0): the layout other
// libraries (NumPy, PyTorch, JAX) read and write through __dlpack__ capsules.
#pragma once
#include <cstdint>

namespace striate::python::dlpack {

enum DeviceType : int32_t { kCPU = 1, kCUDA = 2, kCUDAHost = 3 };
enum TypeCode : uint8_t { kInt = 0, kUInt = 1, kFloat = 2, kBfloat = 4, kBool = 6 };

struct Device {
  int32_t device_type;
  int32_t device_id;
};
struct DataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};
struct TensorView {  // DLTensor
  void* data;
  Device device;
  int32_t ndim;
  DataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; may be null for compact row-major
  uint64_t byte_offset;
};
struct ManagedTensor {  // DLManagedTensor (legacy, capsule name "dltensor")
  TensorView dl_tensor;
  void* manager_ctx;
  void (*deleter)(ManagedTensor* self);
};
struct Version {
  uint32_t major;
  uint32_t minor;
};
constexpr uint64_t kFlagReadOnly = 1ull << 0;
constexpr uint64_t kFlagIsCopied = 1ull << 1;
struct ManagedTensorVersioned {  // DLManagedTensorVersioned (capsule name "dltensor_versioned")
  Version version;
  void* manager_ctx;
  void (*deleter)(ManagedTensorVersioned* self);
  uint64_t flags;
  TensorView dl_tensor;
};

}  // namespace striate::python::dlpack
