// striate::cuda (striate/core/cuda.h): the public C++ face of the device runtime (core/cuda_runtime.h).
#include "striate/core/cuda.h"

#include "core/cuda_runtime.h"
#include "striate/core/error.h"

namespace striate::cuda {
namespace {
void require(const char* op) {
  STRIATE_CHECK_STATE(is_available(), "cuda::", op, ": CUDA is not available: ", unavailable_reason());
}
}  // namespace

bool is_available() { return backend::cuda_built() && backend::cuda_device_count() > 0; }
int device_count() { return backend::cuda_built() ? backend::cuda_device_count() : 0; }
std::string unavailable_reason() { return backend::cuda_unavailable_reason(); }

void synchronize(int device) {
  require("synchronize");
  backend::cuda_synchronize(device < 0 ? backend::cuda_current_device() : device);
}

void set_device(int device) {
  require("set_device");
  backend::cuda_set_device(device);
}

int current_device() {
  require("current_device");
  return backend::cuda_current_device();
}

size_t memory_allocated(int device) { return is_available() ? backend::cuda_memory_stats(device).allocated_bytes : 0; }
size_t max_memory_allocated(int device) {
  return is_available() ? backend::cuda_memory_stats(device).peak_allocated_bytes : 0;
}
size_t memory_reserved(int device) { return is_available() ? backend::cuda_memory_stats(device).reserved_bytes : 0; }
void reset_peak_memory_stats(int device) {
  if (is_available()) backend::cuda_reset_peak_memory_stats(device);
}
void empty_cache() {
  if (is_available()) backend::cuda_empty_cache();
}

}  // namespace striate::cuda
