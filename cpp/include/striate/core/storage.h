// Refcounted memory behind one or more tensors (views share it), and the caching allocator
// that hands it out so that a training step in steady state does not call the OS.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "striate/core/device.h"

namespace striate {

/// Refcounted memory behind one or more tensors. The version counter is atomic; the rest is
/// immutable after construction.
class Storage {
 public:
  /// Frees `data` with deleter(data, context) when the last tensor lets go.
  using Deleter = void (*)(void* data, void* context);

  /// @param data the memory.
  /// @param nbytes its size in bytes.
  /// @param device where it lives.
  /// @param deleter frees it, or null for memory owned elsewhere.
  /// @param context the deleter's second argument.
  Storage(void* data, size_t nbytes, Device device, Deleter deleter, void* context)
      : data_(data), nbytes_(nbytes), device_(device), deleter_(deleter), context_(context) {}
  /// Runs the deleter.
  ~Storage() {
    if (deleter_) deleter_(data_, context_);
  }
  /// Not copyable.
  Storage(const Storage&) = delete;
  /// Not copy-assignable.
  Storage& operator=(const Storage&) = delete;

  /// New memory from the caching allocator of `device` (64-byte aligned on the CPU).
  /// @param nbytes the size in bytes.
  /// @param device the device.
  /// @return the storage.
  /// @throws OutOfMemory when the allocation fails.
  /// @throws ValueError when it exceeds the thread's allocation budget.
  static std::shared_ptr<Storage> allocate(size_t nbytes, Device device);
  /// Page-locked CPU memory from the CUDA runtime (raises without the CUDA backend or a device).
  /// @param nbytes the size in bytes.
  /// @return the storage.
  /// @throws RuntimeError without the CUDA backend or a device.
  static std::shared_ptr<Storage> allocate_pinned(size_t nbytes);

  /// @return whether the memory is page-locked.
  bool is_pinned() const { return pinned_; }

  /// @return the memory's address.
  void* data() const { return data_; }
  /// @return the size in bytes.
  size_t nbytes() const { return nbytes_; }
  /// @return where the memory lives.
  Device device() const { return device_; }

  /// Bumped by every in-place write, so autograd can tell that a saved tensor was modified.
  /// @return the version.
  uint32_t version() const { return version_.load(std::memory_order_relaxed); }
  /// Marks an in-place write.
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void* data_;
  size_t nbytes_;
  Device device_;
  Deleter deleter_;
  void* context_;
  bool pinned_ = false;
  std::atomic<uint32_t> version_{0};
};

namespace allocator {
/// Bytes currently handed out to tensors / held in the cache, per device type.
/// Counters of the caching allocator, per device type.
struct Stats {
  /// Bytes in blocks handed to tensors (rounded to the size classes).
  size_t allocated_bytes = 0;  // in blocks handed to tensors (rounded to the size classes)
  /// Bytes in freed blocks kept for reuse.
  size_t cached_bytes = 0;  // in freed blocks kept for reuse
  /// The high-water mark of allocated_bytes.
  size_t peak_allocated_bytes = 0;  // the high-water mark of allocated_bytes
  /// Allocations asked of the allocator.
  size_t requests = 0;  // allocations asked of the allocator
  /// Requests served from the cache.
  size_t cache_hits = 0;  // ... served from the cache
  /// Requests that went to the OS.
  size_t os_allocations = 0;  // ... that went to the OS
  /// Blocks returned to the OS.
  size_t os_frees = 0;  // blocks returned to the OS
  /// The most bytes the cache keeps.
  size_t cache_limit = 0;  // the most bytes the cache keeps
};
/// The CPU allocator's counters.
/// @return a snapshot.
Stats cpu_stats();
/// Returns every cached block to the OS.
void empty_cache();
}  // namespace allocator

}  // namespace striate
