// The caching CPU allocator behind Storage::allocate: 64-byte aligned blocks in size classes,
// kept in per-class free lists when tensors let go and handed out again, so a training step in
// steady state asks the OS for nothing. Thread-safe (one mutex; the lists are short vectors).
//
//     size_t rounded = 0;
//     void* p = cpu_allocator::allocate(1000, &rounded);  // rounded == 1024
//     cpu_allocator::release(p, rounded);                  // back to the 1024-byte free list
//
// The cache is trimmed by empty_cache() (striate.backends.cpu.empty_cache()), when an OS
// allocation fails (then the request is retried once), and by its limit: a release that would
// take the cached bytes over cache_limit() first returns the blocks of the least recently used
// size classes to the OS, and frees the released block itself only when nothing else is left to
// evict (or it alone exceeds the limit).
#pragma once
#include <cstddef>

#include "striate/core/storage.h"

namespace striate::cpu_allocator {

constexpr size_t kAlignment = 64;

// The size class of an n-byte request: multiples of 64 bytes up to 4 KiB, then 16 classes per
// power of two (at most 1/16 of a block is slack).
size_t size_class(size_t nbytes);

// A block of at least `nbytes` (> 0) bytes, 64-byte aligned; *rounded receives its size class,
// which release() needs back. Throws OutOfMemory when the OS refuses it even after a trim.
void* allocate(size_t nbytes, size_t* rounded);
void release(void* p, size_t rounded);

// Returns every cached block to the OS; the bytes freed.
size_t empty_cache();
allocator::Stats stats();
// Sets peak_allocated_bytes to the bytes allocated now.
void reset_peak();
// The most bytes the cache holds (default 2 GiB, or STRIATE_CPU_CACHE_LIMIT_MB); setting a lower
// limit trims the cache down to it at once.
size_t cache_limit();
void set_cache_limit(size_t bytes);

}  // namespace striate::cpu_allocator
