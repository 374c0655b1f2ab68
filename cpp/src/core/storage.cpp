// The caching CPU allocator: freed blocks are kept in per-size free lists and handed out again,
// so a training step in steady state makes no OS allocation.
#include "striate/core/storage.h"

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/cuda_runtime.h"
#include "striate/core/error.h"

namespace striate {
namespace {

constexpr size_t kAlignment = 64;
// Blocks above this size are not cached past kMaxCachedBytes in total.
constexpr size_t kMaxCachedBytes = size_t(2) << 30;

size_t round_size(size_t n) {
  if (n <= 4096) return (n + kAlignment - 1) / kAlignment * kAlignment;
  // Coarser buckets for big blocks keep the number of free lists small.
  size_t step = 4096;
  while (step * 64 < n) step *= 2;
  return (n + step - 1) / step * step;
}

class CpuCachingAllocator {
 public:
  void* allocate(size_t nbytes, size_t* rounded) {
    size_t size = round_size(nbytes);
    *rounded = size;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        stats_.cached_bytes -= size;
        note_allocated(size);
        return p;
      }
    }
    void* p = std::aligned_alloc(kAlignment, size);
    if (!p) {
      empty_cache();
      p = std::aligned_alloc(kAlignment, size);
    }
    if (!p) throw OutOfMemory(detail::str("out of memory: failed to allocate ", nbytes, " bytes on the CPU"));
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.os_allocations++;
    note_allocated(size);
    return p;
  }

  void release(void* p, size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.allocated_bytes -= size;
    if (stats_.cached_bytes + size > kMaxCachedBytes) {
      std::free(p);
      return;
    }
    free_[size].push_back(p);
    stats_.cached_bytes += size;
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [size, blocks] : free_)
      for (void* p : blocks) std::free(p);
    free_.clear();
    stats_.cached_bytes = 0;
  }

  allocator::Stats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  void note_allocated(size_t size) {
    stats_.allocated_bytes += size;
    if (stats_.allocated_bytes > stats_.peak_allocated_bytes) stats_.peak_allocated_bytes = stats_.allocated_bytes;
  }
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  allocator::Stats stats_;
};

CpuCachingAllocator& cpu_allocator() {
  // Leaked on purpose: tensors alive at interpreter exit may still free into it.
  static auto* instance = new CpuCachingAllocator();
  return *instance;
}

void release_cpu_block(void* data, void* context) { cpu_allocator().release(data, reinterpret_cast<size_t>(context)); }

// The device index travels in the deleter's context (a tensor may be freed on another thread,
// whose current device differs).
void release_cuda_block(void* data, void* context) {
  backend::cuda_cached_free(data, static_cast<int>(reinterpret_cast<intptr_t>(context)));
}

void release_pinned_block(void* data, void*) { backend::cuda_host_free(data); }

}  // namespace

std::shared_ptr<Storage> Storage::allocate(size_t nbytes, Device device) {
  if (device.is_cuda()) {
    // The caching device allocator (core/cuda_allocator.h), on the calling thread's current stream.
    void* p = nbytes ? backend::cuda_cached_alloc(nbytes, device.index) : nullptr;
    return std::make_shared<Storage>(p, nbytes, device, nbytes ? release_cuda_block : nullptr,
                                     reinterpret_cast<void*>(static_cast<intptr_t>(device.index)));
  }
  if (nbytes == 0) return std::make_shared<Storage>(nullptr, 0, device, nullptr, nullptr);
  size_t rounded = 0;
  void* p = cpu_allocator().allocate(nbytes, &rounded);
  return std::make_shared<Storage>(p, nbytes, device, release_cpu_block, reinterpret_cast<void*>(rounded));
}

std::shared_ptr<Storage> Storage::allocate_pinned(size_t nbytes) {
  void* p = backend::cuda_host_alloc(nbytes > 0 ? nbytes : 1);
  auto storage = std::make_shared<Storage>(p, nbytes, Device(), release_pinned_block, nullptr);
  storage->pinned_ = true;
  return storage;
}

namespace allocator {
Stats cpu_stats() { return cpu_allocator().stats(); }
void empty_cache() { cpu_allocator().empty_cache(); }
}  // namespace allocator

}  // namespace striate
