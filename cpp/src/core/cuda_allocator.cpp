// The caching policy of the device allocator (see cuda_allocator.h). Plain C++: the device is
// behind DeviceMemoryBackend, so the policy is built and tested without CUDA.
#include "core/cuda_allocator.h"

#include <algorithm>
#include <functional>

#include "striate/core/error.h"

namespace striate::backend {
namespace {

std::string mib(size_t bytes) {
  return detail::str(static_cast<double>(bytes / 1024) / 1024.0, " MiB");  // 1 KiB resolution is enough
}

}  // namespace

bool CachingAllocator::BlockLess::operator()(const Block* a, const Block* b) const {
  const auto sa = reinterpret_cast<uintptr_t>(a->stream), sb = reinterpret_cast<uintptr_t>(b->stream);
  if (sa != sb) return sa < sb;
  if (a->size != b->size) return a->size < b->size;
  return std::less<void*>()(a->ptr, b->ptr);
}

CachingAllocator::CachingAllocator(std::unique_ptr<DeviceMemoryBackend> backend) : backend_(std::move(backend)) {}

CachingAllocator::~CachingAllocator() {
  // Tensors still alive keep their segments (leaked with the process); cached ones go back.
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    wait_all_events();
    release_free_segments();
  } catch (...) {
  }
}

size_t CachingAllocator::round_size(size_t nbytes) {
  if (nbytes == 0) nbytes = 1;
  const size_t step = nbytes <= kSmallSize ? kMinBlockSize : kLargeRound;
  // nbytes + step - 1 cannot overflow for any size a device could hold; refuse the absurd ones.
  if (nbytes > SIZE_MAX - step) return SIZE_MAX;
  return (nbytes + step - 1) / step * step;
}

void* CachingAllocator::allocate(size_t nbytes, void* stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t size = round_size(nbytes);
  if (size == SIZE_MAX) raise_oom(nbytes, size);
  const bool small = size <= kSmallSize;
  Pool& pool = small ? small_pool_ : large_pool_;
  process_events();
  Block* block = find_free_block(pool, size, stream);
  if (block) {
    stats_.cache_hits++;
  } else {
    const size_t segment = small ? kSmallSegment : size;
    block = allocate_segment(segment, small, stream);
    if (!block) {
      // Out of memory: give every wholly free cached segment back and try once more.
      stats_.alloc_retries++;
      wait_all_events();
      release_free_segments();
      block = allocate_segment(segment, small, stream);
    }
    if (!block) raise_oom(nbytes, size);
  }
  split(block, size, pool);
  block->allocated = true;
  block->requested = nbytes;
  active_[block->ptr] = block;
  note_allocated(block);
  return block->ptr;
}

void CachingAllocator::free(void* p) {
  if (!p) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(p);
  STRIATE_CHECK(it != active_.end(), "cuda allocator: free of a pointer it did not allocate on ", backend_->name());
  Block* block = it->second;
  active_.erase(it);
  block->allocated = false;
  stats_.allocated_bytes -= block->size;
  stats_.requested_bytes -= block->requested;
  stats_.frees++;
  stats_.active_blocks--;
  if (!block->other_streams.empty()) {
    // Used on other streams too: reusable only once each of them has passed this point. If an
    // event cannot be recorded the block is never reused (leaked), never reused too early.
    stats_.pending_blocks++;
    std::vector<void*> streams;
    streams.swap(block->other_streams);
    block->pending_events = 1;  // held until every event is recorded
    for (void* s : streams) {
      events_.push_back({backend_->record_event(s), block});
      block->pending_events++;
    }
    block->pending_events--;
    return;
  }
  free_block(block);
}

void CachingAllocator::record_stream(void* p, void* stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(p);
  STRIATE_CHECK(it != active_.end(),
                "record_stream: the tensor's memory was not allocated by the caching allocator of ", backend_->name());
  Block* block = it->second;
  if (stream == block->stream) return;
  if (std::find(block->other_streams.begin(), block->other_streams.end(), stream) == block->other_streams.end())
    block->other_streams.push_back(stream);
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  wait_all_events();
  release_free_segments();
}

AllocatorStats CachingAllocator::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  process_events();
  AllocatorStats s = stats_;
  s.cached_blocks = static_cast<int64_t>(small_pool_.size() + large_pool_.size());
  return s;
}

void CachingAllocator::reset_peak_stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peak_allocated_bytes = stats_.allocated_bytes;
  stats_.peak_reserved_bytes = stats_.reserved_bytes;
}

std::vector<std::pair<size_t, size_t>> CachingAllocator::segments() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<size_t, size_t>> out;
  auto visit = [&](Block* b) {
    if (b->prev) return;  // only segment heads start a walk
    size_t total = 0, used = 0;
    for (Block* x = b; x; x = x->next) {
      total += x->size;
      if (x->allocated || x->pending_events > 0) used += x->size;
    }
    out.emplace_back(total, used);
  };
  std::vector<Block*> all;
  for (Block* b : small_pool_) all.push_back(b);
  for (Block* b : large_pool_) all.push_back(b);
  for (auto& [p, b] : active_) all.push_back(b);
  for (auto& e : events_) all.push_back(e.block);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (Block* b : all) visit(b);
  std::sort(out.begin(), out.end(), std::greater<>());
  return out;
}

CachingAllocator::Block* CachingAllocator::find_free_block(Pool& pool, size_t size, void* stream) {
  Block key;
  key.stream = stream;
  key.size = size;
  key.ptr = nullptr;
  auto it = pool.lower_bound(&key);
  if (it == pool.end() || (*it)->stream != stream) return nullptr;
  Block* block = *it;
  pool.erase(it);
  return block;
}

CachingAllocator::Block* CachingAllocator::allocate_segment(size_t size, bool small, void* stream) {
  void* p = backend_->raw_alloc(size);
  if (!p) return nullptr;
  auto* block = new Block();
  block->ptr = p;
  block->size = size;
  block->stream = stream;
  block->small = small;
  stats_.reserved_bytes += size;
  stats_.peak_reserved_bytes = std::max(stats_.peak_reserved_bytes, stats_.reserved_bytes);
  stats_.segments++;
  stats_.segment_allocations++;
  return block;
}

void CachingAllocator::split(Block* block, size_t size, Pool& pool) {
  const size_t remaining = block->size - size;
  const bool worth_it = block->small ? remaining >= kMinBlockSize : remaining > kSmallSize;
  if (!worth_it) return;
  auto* rest = new Block();
  rest->ptr = static_cast<char*>(block->ptr) + size;
  rest->size = remaining;
  rest->stream = block->stream;
  rest->small = block->small;
  rest->prev = block;
  rest->next = block->next;
  if (block->next) block->next->prev = rest;
  block->next = rest;
  block->size = size;
  pool.insert(rest);
}

void CachingAllocator::free_block(Block* block) {
  Pool& pool = block->small ? small_pool_ : large_pool_;
  auto is_cached = [](const Block* b) { return b && !b->allocated && b->pending_events == 0; };
  if (is_cached(block->prev)) {
    Block* prev = block->prev;
    pool.erase(prev);
    prev->size += block->size;
    prev->next = block->next;
    if (block->next) block->next->prev = prev;
    delete block;
    block = prev;
  }
  if (is_cached(block->next)) {
    Block* next = block->next;
    pool.erase(next);
    block->size += next->size;
    block->next = next->next;
    if (next->next) next->next->prev = block;
    delete next;
  }
  pool.insert(block);
}

void CachingAllocator::process_events() {
  auto done = [&](PendingEvent& e) {
    if (!backend_->event_done(e.event)) return false;
    backend_->destroy_event(e.event);
    if (--e.block->pending_events == 0) {
      stats_.pending_blocks--;
      free_block(e.block);
    }
    return true;
  };
  events_.erase(std::remove_if(events_.begin(), events_.end(), done), events_.end());
}

void CachingAllocator::wait_all_events() {
  for (auto& e : events_) backend_->wait_event(e.event);
  process_events();
}

void CachingAllocator::release_free_segments() {
  for (Pool* pool : {&small_pool_, &large_pool_}) {
    std::vector<Block*> whole;
    for (Block* b : *pool)
      if (!b->prev && !b->next) whole.push_back(b);
    for (Block* b : whole) {
      pool->erase(b);
      backend_->raw_free(b->ptr);
      stats_.reserved_bytes -= b->size;
      stats_.segments--;
      stats_.segment_frees++;
      delete b;
    }
  }
}

void CachingAllocator::note_allocated(Block* block) {
  stats_.allocated_bytes += block->size;
  stats_.requested_bytes += block->requested;
  stats_.peak_allocated_bytes = std::max(stats_.peak_allocated_bytes, stats_.allocated_bytes);
  stats_.allocations++;
  stats_.active_blocks++;
}

void CachingAllocator::raise_oom(size_t nbytes, size_t rounded) {
  stats_.ooms++;
  size_t free_bytes = 0, total_bytes = 0;
  backend_->memory_info(&free_bytes, &total_bytes);
  throw OutOfMemory(detail::str("CUDA out of memory: tried to allocate ", nbytes, " bytes (", mib(nbytes), ") on ",
                                backend_->name(), "; the device has ", free_bytes, " bytes free of ", total_bytes,
                                " total (", mib(free_bytes), " of ", mib(total_bytes), "); striate holds ",
                                stats_.allocated_bytes, " bytes in tensors and ", stats_.reserved_bytes,
                                " reserved (cached segments were released and the allocation retried once)"));
}

}  // namespace striate::backend
