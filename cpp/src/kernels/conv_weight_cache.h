// What a convolution backend derives from a weight on every call (Winograd's transformed weights,
// the direct kernels' channel-blocked packing), kept between calls for a weight that never changes.
// nn/fusion.cpp attaches one to each folded Conv+BN weight at inference (Conv2dGeometry::weight_cache).
#pragma once
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "core/thread_scratch.h"

namespace striate::kernels {

/// A 64-byte aligned float array that a ConvWeightCache holds.
class CachedFloats {
 public:
  /// Allocates `count` floats, uninitialized.
  /// @throws OutOfMemory naming `what` (the convolution) when the memory is not there.
  CachedFloats(int64_t count, const char* what)
      : data_(striate::detail::allocate_aligned<float>(count, what)), count_(count) {}
  CachedFloats(const CachedFloats&) = delete;
  CachedFloats& operator=(const CachedFloats&) = delete;
  ~CachedFloats() { std::free(data_); }
  /// The first float.
  float* data() { return data_; }
  /// The first float, read-only.
  const float* data() const { return data_; }
  /// The number of floats.
  int64_t size() const { return count_; }

 private:
  float* data_ = nullptr;
  int64_t count_ = 0;
};

/// Derived forms of one convolution weight, each under a key that names everything it depends on
/// besides the weight's values (algorithm, SIMD width, tile, channel counts). Whoever sets
/// Conv2dGeometry::weight_cache promises that the weight's values stay the same for as long as it
/// uses this cache with that weight; a new weight gets a new cache. Each entry also remembers the
/// weight's address, and is not returned for another address. Thread-safe: a model shared by
/// threads may build an entry twice, and one of the two is kept.
class ConvWeightCache {
 public:
  /// What an entry depends on besides the weight's values.
  using Key = std::array<int64_t, 6>;
  /// The largest form worth keeping: past it (a 256 -> 256 Winograd layer transforms to 9 MiB)
  /// the convolution is big enough that deriving it again is a small part of the call, and keeping
  /// one per layer would hold many times the model's size.
  static constexpr int64_t kMaxEntryBytes = int64_t(4) << 20;
  /// Whether a form of `floats` floats is kept.
  static bool keeps(int64_t floats) { return floats * int64_t(sizeof(float)) <= kMaxEntryBytes; }

  /// The entry under `key` for the weight at `weight`, made by `make()` (which returns a
  /// std::shared_ptr<const CachedFloats>) on the first call. `make` runs outside the lock.
  template <class Make>
  std::shared_ptr<const CachedFloats> get(const Key& key, const void* weight, Make&& make) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const Entry& entry : entries_)
        if (entry.key == key && entry.weight == weight) return entry.value;
    }
    std::shared_ptr<const CachedFloats> value = make();
    std::lock_guard<std::mutex> lock(mutex_);
    // A few forms at most in practice (one per input size's tile choice); past the bound the
    // oldest goes, so a model fed ever-changing image sizes holds a bounded amount.
    constexpr size_t kMaxEntries = 8;
    if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
    entries_.push_back({key, weight, value});
    return value;
  }

  /// The number of entries held (for tests).
  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    Key key;
    const void* weight;
    std::shared_ptr<const CachedFloats> value;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace striate::kernels
