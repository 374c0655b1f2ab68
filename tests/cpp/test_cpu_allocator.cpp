// The caching CPU allocator (core/cpu_allocator.h): size classes, alignment, reuse, counters,
// trimming, and four threads allocating, writing and freeing at once.
#include "core/cpu_allocator.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "check.h"
#include "striate/core/error.h"

using namespace striate;

namespace {

void check_size_classes() {
  CHECK(cpu_allocator::size_class(1) == 64);
  CHECK(cpu_allocator::size_class(64) == 64);
  CHECK(cpu_allocator::size_class(65) == 128);
  CHECK(cpu_allocator::size_class(4096) == 4096);
  CHECK(cpu_allocator::size_class(4097) == 4096 + 256);
  CHECK(cpu_allocator::size_class(8192) == 8192);
  CHECK(cpu_allocator::size_class(8193) == 8192 + 512);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    size_t n = 1 + rng() % (size_t(1) << (4 + rng() % 36));
    size_t c = cpu_allocator::size_class(n);
    CHECK(c >= n);
    CHECK(c % 64 == 0);
    CHECK(n <= 4096 ? c - n < 64 : (c - n) * 16 <= c);  // at most 1/16 slack
    CHECK(cpu_allocator::size_class(c) == c);           // classes are fixed points
  }
}

void check_reuse_and_counters() {
  cpu_allocator::empty_cache();
  size_t rounded = 0;
  void* p = cpu_allocator::allocate(10000, &rounded);
  CHECK(reinterpret_cast<uintptr_t>(p) % 64 == 0);
  CHECK(rounded == cpu_allocator::size_class(10000));
  cpu_allocator::release(p, rounded);
  allocator::Stats before = cpu_allocator::stats();
  CHECK(before.cached_bytes == rounded);
  size_t again = 0;
  void* q = cpu_allocator::allocate(9990, &again);
  allocator::Stats after = cpu_allocator::stats();
  CHECK(q == p);
  CHECK(again == rounded);
  CHECK(after.cache_hits == before.cache_hits + 1);
  CHECK(after.os_allocations == before.os_allocations);
  CHECK(after.cached_bytes == 0);
  cpu_allocator::release(q, again);
  CHECK(cpu_allocator::empty_cache() == rounded);
  CHECK(cpu_allocator::stats().cached_bytes == 0);
}

void check_out_of_memory() {
  size_t rounded = 0;
  void* p = cpu_allocator::allocate(5000, &rounded);
  cpu_allocator::release(p, rounded);
  CHECK(cpu_allocator::stats().cached_bytes > 0);
  CHECK_THROWS(OutOfMemory, cpu_allocator::allocate(size_t(1) << 50, &rounded), "out of memory");
  CHECK(cpu_allocator::stats().cached_bytes == 0);  // trimmed before the retry
  CHECK_THROWS(OutOfMemory, cpu_allocator::size_class(~size_t(0)), "out of memory");
}

void check_threads() {
  const size_t allocated_before = cpu_allocator::stats().allocated_bytes;
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &bad] {
      std::mt19937_64 rng(t);
      std::vector<std::pair<unsigned char*, size_t>> live;
      std::vector<size_t> sizes;
      for (int i = 0; i < 20000; ++i) {
        if (live.size() < 16 && (live.empty() || rng() % 2)) {
          size_t n = 1 + rng() % 40000, rounded = 0;
          auto* p = static_cast<unsigned char*>(cpu_allocator::allocate(n, &rounded));
          if (reinterpret_cast<uintptr_t>(p) % 64 != 0) bad[t]++;
          std::memset(p, t + 1, n);
          live.emplace_back(p, rounded);
          sizes.push_back(n);
        } else {
          size_t k = rng() % live.size();
          for (size_t j = 0; j < sizes[k]; j += 97)
            if (live[k].first[j] != t + 1) bad[t]++;  // another thread got the same block
          cpu_allocator::release(live[k].first, live[k].second);
          live.erase(live.begin() + k);
          sizes.erase(sizes.begin() + k);
        }
      }
      for (auto& [p, rounded] : live) cpu_allocator::release(p, rounded);
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) CHECK(bad[t] == 0);
  allocator::Stats s = cpu_allocator::stats();
  CHECK(s.allocated_bytes == allocated_before);
  CHECK(s.requests == s.cache_hits + s.os_allocations);
}

void check_limit() {
  const size_t limit = cpu_allocator::cache_limit();
  size_t rounded = 0;
  std::vector<void*> blocks;
  for (int i = 0; i < 4; ++i) blocks.push_back(cpu_allocator::allocate(1 << 20, &rounded));
  for (void* p : blocks) cpu_allocator::release(p, rounded);
  CHECK(cpu_allocator::stats().cached_bytes >= 4 * rounded);
  cpu_allocator::set_cache_limit(2 * rounded);
  CHECK(cpu_allocator::stats().cached_bytes <= 2 * rounded);
  cpu_allocator::set_cache_limit(0);
  CHECK(cpu_allocator::stats().cached_bytes == 0);
  void* p = cpu_allocator::allocate(100, &rounded);
  size_t frees = cpu_allocator::stats().os_frees;
  cpu_allocator::release(p, rounded);
  CHECK(cpu_allocator::stats().os_frees == frees + 1);
  cpu_allocator::set_cache_limit(limit);
  CHECK(cpu_allocator::cache_limit() == limit);
}

}  // namespace

int main() {
  check_size_classes();
  check_reuse_and_counters();
  check_out_of_memory();
  check_threads();
  check_limit();
  return report("test_cpu_allocator");
}
