// Storage: CPU memory from the caching allocator (core/cpu_allocator.h), CUDA memory and pinned
// host memory from the CUDA runtime.
#include "striate/core/storage.h"

#include "core/allocation_budget.h"
#include "core/cpu_allocator.h"
#include "core/cuda_runtime.h"
#include "striate/core/error.h"

namespace striate {
namespace {

void release_cpu_block(void* data, void* context) { cpu_allocator::release(data, reinterpret_cast<size_t>(context)); }

// The device index travels in the deleter's context (a tensor may be freed on another thread,
// whose current device differs).
void release_cuda_block(void* data, void* context) {
  backend::cuda_cached_free(data, static_cast<int>(reinterpret_cast<intptr_t>(context)));
}

void release_pinned_block(void* data, void*) { backend::cuda_host_free(data); }

}  // namespace

std::shared_ptr<Storage> Storage::allocate(size_t nbytes, Device device) {
  allocation_budget::charge(nbytes);  // a no-op unless a scope is open (io::load_model)
  if (device.is_cuda()) {
    // The caching device allocator (core/cuda_allocator.h), on the calling thread's current stream.
    void* p = nbytes ? backend::cuda_cached_alloc(nbytes, device.index) : nullptr;
    return std::make_shared<Storage>(p, nbytes, device, nbytes ? release_cuda_block : nullptr,
                                     reinterpret_cast<void*>(static_cast<intptr_t>(device.index)));
  }
  if (nbytes == 0) return std::make_shared<Storage>(nullptr, 0, device, nullptr, nullptr);
  size_t rounded = 0;
  void* p = cpu_allocator::allocate(nbytes, &rounded);
  return std::make_shared<Storage>(p, nbytes, device, release_cpu_block, reinterpret_cast<void*>(rounded));
}

std::shared_ptr<Storage> Storage::allocate_pinned(size_t nbytes) {
  void* p = backend::cuda_host_alloc(nbytes > 0 ? nbytes : 1);
  auto storage = std::make_shared<Storage>(p, nbytes, Device(), release_pinned_block, nullptr);
  storage->pinned_ = true;
  return storage;
}

namespace allocator {
Stats cpu_stats() { return cpu_allocator::stats(); }
void empty_cache() { cpu_allocator::empty_cache(); }
}  // namespace allocator

}  // namespace striate
