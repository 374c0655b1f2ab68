// The caching device allocator's policy (core/cuda_allocator.h) on the CPU: a host backend with a
// capacity limit stands in for the device, streams are plain numbers and events complete when the
// test says so. Covers reuse, splitting and merging, stats, OOM with retry-after-free, and stream
// separation (per-stream pools, record_stream waiting for an event).
#include <cstdlib>
#include <map>
#include <memory>

#include "check.h"
#include "core/cuda_allocator.h"
#include "striate/core/error.h"

using striate::OutOfMemory;
using striate::backend::CachingAllocator;
using striate::backend::DeviceMemoryBackend;

namespace {

struct HostState {
  size_t capacity = 0;
  size_t used = 0;
  int raw_allocs = 0;
  int raw_frees = 0;
  std::map<void*, size_t> live;
  std::map<int, bool> events;  // event id -> passed
  int next_event = 1;
};

class HostBackend : public DeviceMemoryBackend {
 public:
  explicit HostBackend(HostState* s) : s_(s) {}
  void* raw_alloc(size_t n) override {
    if (s_->used + n > s_->capacity) return nullptr;
    void* p = std::malloc(n);
    if (!p) return nullptr;
    s_->used += n;
    s_->live[p] = n;
    s_->raw_allocs++;
    return p;
  }
  void raw_free(void* p) override {
    s_->used -= s_->live.at(p);
    s_->live.erase(p);
    s_->raw_frees++;
    std::free(p);
  }
  void memory_info(size_t* free_bytes, size_t* total_bytes) override {
    *free_bytes = s_->capacity - s_->used;
    *total_bytes = s_->capacity;
  }
  void* record_event(void*) override {
    int id = s_->next_event++;
    s_->events[id] = false;
    return reinterpret_cast<void*>(static_cast<intptr_t>(id));
  }
  bool event_done(void* e) override { return s_->events.at(static_cast<int>(reinterpret_cast<intptr_t>(e))); }
  void wait_event(void* e) override { s_->events.at(static_cast<int>(reinterpret_cast<intptr_t>(e))) = true; }
  void destroy_event(void* e) override { s_->events.erase(static_cast<int>(reinterpret_cast<intptr_t>(e))); }
  std::string name() const override { return "host:test"; }

 private:
  HostState* s_;
};

constexpr size_t MiB = size_t(1) << 20;
void* const kStreamA = nullptr;
void* const kStreamB = reinterpret_cast<void*>(0x10);

void test_rounding() {
  CHECK(CachingAllocator::round_size(1) == 512);
  CHECK(CachingAllocator::round_size(512) == 512);
  CHECK(CachingAllocator::round_size(513) == 1024);
  CHECK(CachingAllocator::round_size(MiB) == MiB);
  CHECK(CachingAllocator::round_size(MiB + 1) == 2 * MiB);
  CHECK(CachingAllocator::round_size(5 * MiB) == 6 * MiB);
  CHECK(CachingAllocator::round_size(SIZE_MAX - 3) == SIZE_MAX);
}

void test_reuse_split_merge_and_stats() {
  HostState s;
  s.capacity = 64 * MiB;
  CachingAllocator alloc(std::make_unique<HostBackend>(&s));
  // Small blocks are carved out of one 2 MiB segment.
  void* a = alloc.allocate(1000, kStreamA);
  void* b = alloc.allocate(3000, kStreamA);
  CHECK(s.raw_allocs == 1);
  CHECK(static_cast<char*>(b) == static_cast<char*>(a) + 1024);
  auto st = alloc.stats();
  CHECK(st.allocated_bytes == 1024 + 3072);
  CHECK(st.requested_bytes == 4000);
  CHECK(st.reserved_bytes == 2 * MiB);
  CHECK(st.segments == 1 && st.active_blocks == 2 && st.allocations == 2);
  // A freed block is handed out again without a raw allocation.
  alloc.free(a);
  void* c = alloc.allocate(700, kStreamA);
  CHECK(c == a);
  CHECK(s.raw_allocs == 1);
  CHECK(alloc.stats().cache_hits >= 2);
  // Freeing everything merges the segment back into one block: a request of the whole segment fits.
  alloc.free(b);
  alloc.free(c);
  st = alloc.stats();
  CHECK(st.allocated_bytes == 0 && st.active_blocks == 0 && st.frees == 3);
  CHECK(st.cached_blocks == 1);
  void* whole = alloc.allocate(MiB, kStreamA);
  CHECK(whole == a);
  CHECK(s.raw_allocs == 1);
  alloc.free(whole);
  // Large requests get their own rounded segment; peaks survive frees until reset.
  void* big = alloc.allocate(5 * MiB, kStreamA);
  CHECK(s.raw_allocs == 2 && s.live.at(big) == 6 * MiB);
  st = alloc.stats();
  CHECK(st.peak_allocated_bytes == 6 * MiB);
  CHECK(st.peak_reserved_bytes == 8 * MiB);
  alloc.free(big);
  // A large cached block is split for a smaller large request, and the rest stays cached.
  void* part = alloc.allocate(2 * MiB, kStreamA);
  CHECK(part == big && s.raw_allocs == 2);
  void* rest = alloc.allocate(3 * MiB, kStreamA);
  CHECK(rest == static_cast<char*>(big) + 2 * MiB && s.raw_allocs == 2);
  alloc.free(part);
  alloc.free(rest);
  CHECK(alloc.stats().peak_allocated_bytes == 6 * MiB);
  alloc.reset_peak_stats();
  CHECK(alloc.stats().peak_allocated_bytes == 0);
  CHECK(alloc.segments().size() == 2);
  // empty_cache gives every wholly free segment back.
  alloc.empty_cache();
  st = alloc.stats();
  CHECK(st.reserved_bytes == 0 && st.segments == 0);
  CHECK(s.used == 0 && s.raw_frees == 2);
  CHECK_THROWS(striate::ValueError, alloc.free(reinterpret_cast<void*>(0x1234)), "did not allocate");
}

void test_out_of_memory_retries_after_freeing_the_cache() {
  HostState s;
  s.capacity = 10 * MiB;
  CachingAllocator alloc(std::make_unique<HostBackend>(&s));
  void* x = alloc.allocate(6 * MiB, kStreamA);
  alloc.free(x);  // cached: the device now has 4 MiB free
  CHECK(s.used == 6 * MiB);
  // 8 MiB does not fit beside the cached 6 MiB: the cache is released and the retry succeeds.
  void* y = alloc.allocate(8 * MiB, kStreamA);
  CHECK(y != nullptr);
  auto st = alloc.stats();
  CHECK(st.alloc_retries == 1 && st.ooms == 0);
  CHECK(st.reserved_bytes == 8 * MiB);
  // A request that cannot fit even then raises OutOfMemory naming the request and free/total bytes.
  CHECK_THROWS(OutOfMemory, alloc.allocate(4 * MiB, kStreamA), "tried to allocate 4194304 bytes");
  CHECK_THROWS(OutOfMemory, alloc.allocate(4 * MiB, kStreamA), "2097152 bytes free of 10485760 total");
  CHECK(alloc.stats().ooms == 2);
  // The allocator stays usable: small requests still fit, and freeing lets the big one through.
  void* z = alloc.allocate(1000, kStreamA);
  CHECK(z != nullptr);
  alloc.free(z);
  alloc.free(y);
  void* w = alloc.allocate(9 * MiB, kStreamA);
  CHECK(w != nullptr);
  alloc.free(w);
  CHECK_THROWS(OutOfMemory, alloc.allocate(SIZE_MAX - 3, kStreamA), "tried to allocate");
}

void test_streams_are_kept_apart() {
  HostState s;
  s.capacity = 64 * MiB;
  CachingAllocator alloc(std::make_unique<HostBackend>(&s));
  // A block freed on stream A is not handed to stream B (B would not be ordered after A's use).
  void* a = alloc.allocate(1000, kStreamA);
  alloc.free(a);
  void* b = alloc.allocate(1000, kStreamB);
  CHECK(b != a);
  CHECK(s.raw_allocs == 2);
  void* a2 = alloc.allocate(1000, kStreamA);
  CHECK(a2 == a);
  // record_stream: a block of A also used on B waits for an event on B after free.
  alloc.record_stream(a2, kStreamB);
  alloc.free(a2);
  CHECK(alloc.stats().pending_blocks == 1);
  CHECK(s.events.size() == 1);
  void* a3 = alloc.allocate(1000, kStreamA);
  CHECK(a3 != a2);  // still pending: not reused
  // Once B passes the event, the block comes back to A's pool.
  s.events.begin()->second = true;
  void* a4 = alloc.allocate(1000, kStreamA);
  CHECK(a4 == a2);
  CHECK(alloc.stats().pending_blocks == 0);
  CHECK(s.events.empty());
  // record_stream on the block's own stream is a no-op; on an unknown pointer an error.
  alloc.record_stream(a4, kStreamA);
  alloc.free(a4);
  CHECK(alloc.stats().pending_blocks == 0);
  CHECK_THROWS(striate::ValueError, alloc.record_stream(reinterpret_cast<void*>(0x99), kStreamB), "record_stream");
  // empty_cache waits for pending events, then releases.
  alloc.record_stream(a3, kStreamB);
  alloc.free(a3);
  alloc.free(b);
  alloc.empty_cache();
  CHECK(alloc.stats().reserved_bytes == 0);
  CHECK(s.used == 0);
}

}  // namespace

int main() {
  test_rounding();
  test_reuse_split_merge_and_stats();
  test_out_of_memory_retries_after_freeing_the_cache();
  test_streams_are_kept_apart();
  return report("test_cuda_allocator");
}
