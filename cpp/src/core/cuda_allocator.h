// The caching device allocator (floor 1): device memory is requested from the driver in segments
// and kept after tensors free it, so a training step in steady state makes no cudaMalloc/cudaFree
// (both synchronize the device). The caching POLICY here is device-independent: raw allocation,
// raw free and stream-ordering events are injected through DeviceMemoryBackend, so
// tests/cpp/test_cuda_allocator.cpp runs the same code on the CPU with a capacity-limited host
// backend. core/cuda_allocator.cu supplies the CUDA backend and the per-device instances.
//
//   CachingAllocator alloc(std::make_unique<MyBackend>());
//   Block* b = alloc.allocate(1000, stream);  alloc.free(b->ptr);  // cached, not returned
//
// Policy (the one PyTorch's allocator made standard):
// - requests of at most kSmallSize bytes are rounded to kMinBlockSize and carved out of 2 MiB
//   segments (the small pool); larger ones are rounded to kLargeRound and get segments of their
//   own size (the large pool); a free block that is bigger than needed is split and the rest
//   stays cached; freed neighbours inside one segment merge back.
// - blocks are cached per stream: a block freed by stream A is only handed out to work on A, so
//   stream order alone keeps the reuse safe. A block that was also used on other streams
//   (record_stream) waits, after free, for an event recorded on each of those streams.
// - when the backend is out of memory, every cached segment that is wholly free is released and
//   the request retried once; a second failure raises OutOfMemory naming the requested bytes and
//   the device's free and total bytes, and leaves the allocator usable.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace striate::backend {

// What the policy needs from a device. Streams and events are opaque handles (cudaStream_t and
// cudaEvent_t on CUDA); a null stream is the device's default stream.
class DeviceMemoryBackend {
 public:
  virtual ~DeviceMemoryBackend() = default;
  // nullptr when the device is out of memory (any other failure throws).
  virtual void* raw_alloc(size_t nbytes) = 0;
  virtual void raw_free(void* p) = 0;
  virtual void memory_info(size_t* free_bytes, size_t* total_bytes) = 0;
  // An event recorded on `stream` now; event_done tells whether the stream has passed it.
  virtual void* record_event(void* stream) = 0;
  virtual bool event_done(void* event) = 0;
  virtual void wait_event(void* event) = 0;  // blocks the host until the event has passed
  virtual void destroy_event(void* event) = 0;
  // Short name of the device for messages ("cuda:0").
  virtual std::string name() const = 0;
};

struct AllocatorStats {
  size_t allocated_bytes = 0;  // handed out to tensors (rounded sizes)
  size_t reserved_bytes = 0;   // held from the device (segments)
  size_t peak_allocated_bytes = 0;
  size_t peak_reserved_bytes = 0;
  size_t requested_bytes = 0;  // handed out, as requested (before rounding)
  int64_t allocations = 0;     // calls to allocate that succeeded
  int64_t frees = 0;
  int64_t cache_hits = 0;           // allocations served from the cache
  int64_t segments = 0;             // segments currently held
  int64_t segment_allocations = 0;  // raw allocations made (cudaMalloc calls)
  int64_t segment_frees = 0;
  int64_t alloc_retries = 0;  // raw allocations retried after releasing the cache
  int64_t ooms = 0;           // OutOfMemory raised
  int64_t active_blocks = 0;
  int64_t cached_blocks = 0;
  int64_t pending_blocks = 0;  // freed, waiting for another stream's event
};

class CachingAllocator {
 public:
  static constexpr size_t kMinBlockSize = 512;
  static constexpr size_t kSmallSize = size_t(1) << 20;
  static constexpr size_t kSmallSegment = size_t(2) << 20;
  static constexpr size_t kLargeRound = size_t(2) << 20;

  struct Block {
    void* ptr = nullptr;
    size_t size = 0;
    size_t requested = 0;
    void* stream = nullptr;  // the stream it was allocated on (its pool)
    bool small = false;
    bool allocated = false;
    Block* prev = nullptr;  // neighbours in the same segment
    Block* next = nullptr;
    std::vector<void*> other_streams;  // record_stream
    int pending_events = 0;
  };

  explicit CachingAllocator(std::unique_ptr<DeviceMemoryBackend> backend);
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // A block of at least nbytes (nbytes > 0) for work queued on `stream`; raises OutOfMemory.
  void* allocate(size_t nbytes, void* stream);
  // Returns a block from allocate to the cache (ignores nullptr; raises on an unknown pointer).
  void free(void* p);
  // Marks the block as used on `stream` too: after free it is reused only once `stream` has
  // passed the free point (torch's Tensor.record_stream).
  void record_stream(void* p, void* stream);
  // Releases every cached segment that is wholly free (waits for pending events first).
  void empty_cache();
  AllocatorStats stats();
  void reset_peak_stats();
  // Sizes of the segments held and how much of each is handed out, for memory_summary.
  std::vector<std::pair<size_t, size_t>> segments();
  std::string name() const { return backend_->name(); }

  static size_t round_size(size_t nbytes);

 private:
  struct BlockLess {
    bool operator()(const Block* a, const Block* b) const;
  };
  using Pool = std::set<Block*, BlockLess>;

  Block* find_free_block(Pool& pool, size_t size, void* stream);
  Block* allocate_segment(size_t size, bool small, void* stream);
  void split(Block* block, size_t size, Pool& pool);
  void free_block(Block* block);  // into its pool, merged with free neighbours
  void process_events();
  void wait_all_events();
  void release_free_segments();
  void note_allocated(Block* block);
  [[noreturn]] void raise_oom(size_t nbytes, size_t rounded);

  std::unique_ptr<DeviceMemoryBackend> backend_;
  std::mutex mutex_;
  Pool small_pool_;
  Pool large_pool_;
  std::unordered_map<void*, Block*> active_;
  struct PendingEvent {
    void* event;
    Block* block;
  };
  std::vector<PendingEvent> events_;
  AllocatorStats stats_;
};

}  // namespace striate::backend
