// The caching CPU allocator (see cpu_allocator.h for what it promises).
#include "core/cpu_allocator.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "striate/core/error.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace striate::cpu_allocator {
namespace {

constexpr size_t kSmallLimit = 4096;  // classes of 64 bytes up to here
constexpr size_t kSmallClasses = kSmallLimit / kAlignment;
constexpr size_t kClassesPerOctave = 16;
constexpr size_t kDefaultCacheLimit = size_t(2) << 30;

// Blocks of at least 4 MiB start on a 2 MiB boundary and ask Linux for transparent huge pages
// (the usual setting, "madvise", gives them only to regions that ask, as NumPy's large arrays
// do). A batch-1 linear layer streams its whole weight once per call, and with 4 KiB pages the
// core's prefetchers stop at every page edge: VGG-11's 411 MB classifier weight read at 13-17
// GB/s on 4 KiB pages and 24-25 GB/s on huge pages (1 thread, this machine).
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kHugePageMinimum = size_t(4) << 20;

void* os_allocate(size_t size) {
  if (size < kHugePageMinimum) return std::aligned_alloc(kAlignment, size);
  // aligned_alloc wants a size that is a multiple of the alignment (C11; glibc is lenient, ASan's
  // allocator returns null otherwise): round up to whole huge pages.
  if (size > SIZE_MAX - kHugePage) return nullptr;
  const size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (p) madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
  return p;
}

size_t default_cache_limit() {
  const char* env = std::getenv("STRIATE_CPU_CACHE_LIMIT_MB");
  if (!env || !*env) return kDefaultCacheLimit;
  char* end = nullptr;
  unsigned long long mb = std::strtoull(env, &end, 10);
  if (end == env || *end != '\0' || mb > (~size_t(0) >> 20)) return kDefaultCacheLimit;
  return static_cast<size_t>(mb) << 20;
}

int floor_log2(size_t n) {
  int b = 0;
  while (n >>= 1) ++b;
  return b;
}

// Index of a (rounded) size's free list: the 64 small classes, then 16 per octave above 4 KiB.
size_t class_index(size_t rounded) {
  if (rounded <= kSmallLimit) return rounded / kAlignment - 1;
  int octave = floor_log2(rounded - 1);  // rounded lies in (2^octave, 2^(octave+1)]
  size_t step = (size_t(1) << octave) / kClassesPerOctave;
  size_t within = (rounded - (size_t(1) << octave)) / step - 1;  // 0 .. 15
  return kSmallClasses + size_t(octave - floor_log2(kSmallLimit)) * kClassesPerOctave + within;
}

class Allocator {
 public:
  Allocator() : limit_(default_cache_limit()) {}

  void* allocate(size_t nbytes, size_t* rounded) {
    const size_t size = size_class(nbytes);
    *rounded = size;
    const size_t index = class_index(size);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (index < free_.size() && !free_[index].empty()) {
        void* p = free_[index].back();
        free_[index].pop_back();
        last_use_[index] = ++tick_;
        stats_.cached_bytes -= size;
        stats_.requests++;
        stats_.cache_hits++;
        note_allocated(size);
        return p;
      }
    }
    void* p = os_allocate(size);
    if (!p) {
      empty_cache();  // other size classes may hold what the OS lacks
      p = os_allocate(size);
    }
    if (!p)
      throw OutOfMemory(detail::str("out of memory: failed to allocate ", nbytes,
                                    " bytes on the CPU (after returning the allocator's cache to the OS)"));
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.requests++;
    stats_.os_allocations++;
    note_allocated(size);
    return p;
  }

  // At the limit, the blocks of the classes used least recently go back to the OS to make room,
  // not the block released now: after a workload of other sizes (bench/run.py's training suite
  // before its inference suite) had filled the cache, every DenseNet-BC-40 forward at batch 256
  // freed and re-faulted ~77 blocks (~3,500 page faults, 0.3-0.6 s of system time a call, the
  // wall time doubled) where a cache holding its own sizes faults none.
  void release(void* p, size_t size) {
    const size_t index = class_index(size);
    std::vector<void*> doomed;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.allocated_bytes -= size;
      if (size <= limit_) {
        if (index >= free_.size()) {
          free_.resize(index + 1);
          last_use_.resize(index + 1, 0);
        }
        evict_for(size, index, doomed);
        if (stats_.cached_bytes + size <= limit_) {
          free_[index].push_back(p);
          last_use_[index] = ++tick_;
          stats_.cached_bytes += size;
          p = nullptr;
        }
      }
      stats_.os_frees += doomed.size() + (p ? 1 : 0);
    }
    for (void* block : doomed) std::free(block);
    if (p) std::free(p);
  }

  size_t empty_cache() { return trim_to(0); }

  // Frees cached blocks, largest classes first, until at most `target` bytes stay cached.
  size_t trim_to(size_t target) {
    std::vector<void*> doomed;
    size_t freed = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (size_t i = free_.size(); i-- > 0 && stats_.cached_bytes > target;) {
        auto& blocks = free_[i];
        while (!blocks.empty() && stats_.cached_bytes > target) {
          const size_t size = size_of_class(i);
          doomed.push_back(blocks.back());
          blocks.pop_back();
          stats_.cached_bytes -= size;
          freed += size;
        }
        if (blocks.empty()) std::vector<void*>().swap(blocks);
      }
      stats_.os_frees += doomed.size();
    }
    for (void* p : doomed) std::free(p);
    return freed;
  }

  allocator::Stats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    allocator::Stats s = stats_;
    s.cache_limit = limit_;
    return s;
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.peak_allocated_bytes = stats_.allocated_bytes;
  }

  size_t limit() {
    std::lock_guard<std::mutex> lock(mutex_);
    return limit_;
  }

  void set_limit(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      limit_ = bytes;
    }
    trim_to(bytes);
  }

 private:
  static size_t size_of_class(size_t index) {
    if (index < kSmallClasses) return (index + 1) * kAlignment;
    size_t above = index - kSmallClasses;
    int octave = floor_log2(kSmallLimit) + static_cast<int>(above / kClassesPerOctave);
    size_t step = (size_t(1) << octave) / kClassesPerOctave;
    return (size_t(1) << octave) + (above % kClassesPerOctave + 1) * step;
  }

  // Moves blocks of other classes than `keep`, least recently used class first, to `doomed` until
  // `size` more bytes fit under the limit (or nothing else is cached). Called with the lock held.
  void evict_for(size_t size, size_t keep, std::vector<void*>& doomed) {
    while (stats_.cached_bytes + size > limit_) {
      size_t oldest = free_.size();
      for (size_t i = 0; i < free_.size(); ++i)
        if (i != keep && !free_[i].empty() && (oldest == free_.size() || last_use_[i] < last_use_[oldest])) oldest = i;
      if (oldest == free_.size()) return;
      auto& blocks = free_[oldest];
      const size_t block_size = size_of_class(oldest);
      while (!blocks.empty() && stats_.cached_bytes + size > limit_) {
        doomed.push_back(blocks.back());
        blocks.pop_back();
        stats_.cached_bytes -= block_size;
      }
    }
  }

  void note_allocated(size_t size) {
    stats_.allocated_bytes += size;
    if (stats_.allocated_bytes > stats_.peak_allocated_bytes) stats_.peak_allocated_bytes = stats_.allocated_bytes;
  }

  std::mutex mutex_;
  std::vector<std::vector<void*>> free_;  // by class_index
  std::vector<uint64_t> last_use_;        // by class_index: tick_ at the class's last hit or release
  uint64_t tick_ = 0;
  allocator::Stats stats_;
  size_t limit_;
};

Allocator& instance() {
  // Leaked on purpose: tensors alive at interpreter exit may still free into it.
  static auto* allocator = new Allocator();
  return *allocator;
}

}  // namespace

size_t size_class(size_t nbytes) {
  if (nbytes == 0) nbytes = 1;
  if (nbytes <= kSmallLimit) return (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  int octave = floor_log2(nbytes - 1);  // nbytes lies in (2^octave, 2^(octave+1)]
  size_t step = (size_t(1) << octave) / kClassesPerOctave;
  // Beyond the largest class (2^63 bytes) nothing can be allocated; let the OS say so.
  if (octave >= 63) throw OutOfMemory(detail::str("out of memory: cannot allocate ", nbytes, " bytes on the CPU"));
  return (nbytes + step - 1) / step * step;
}

void* allocate(size_t nbytes, size_t* rounded) { return instance().allocate(nbytes, rounded); }
void release(void* p, size_t rounded) { instance().release(p, rounded); }
size_t empty_cache() { return instance().empty_cache(); }
allocator::Stats stats() { return instance().stats(); }
void reset_peak() { instance().reset_peak(); }
size_t cache_limit() { return instance().limit(); }
void set_cache_limit(size_t bytes) { instance().set_limit(bytes); }

}  // namespace striate::cpu_allocator
