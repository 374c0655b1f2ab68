// Scratch memory of the calling thread, kept between calls so that kernels in a steady state (the
// same layers every step) allocate nothing: the convolution lowerings' columns, Winograd's tiles,
// the fused inference chain's intermediate maps.
//
//     struct MyKernel;                                    // a tag: whose buffers these are
//     ThreadScratch<float, MyKernel, 0> columns(rows * cols);
//     ThreadScratch<float, MyKernel, 1> product(rows * k);  // another live buffer: another slot
//     columns.data()[0] = 1.0f;
//
// Each (T, Owner, Slot) is one buffer per thread, so two buffers alive at once on one thread must
// differ in Owner or Slot; a kernel that calls another kernel gives each its own Owner tag. The
// memory is 64-byte aligned and uninitialized. A request past kMaxKeptScratchBytes is served by
// memory of this call alone: keeping it would pin it for the life of the thread.
#pragma once
#include <cstdint>
#include <cstdlib>

#include "striate/core/error.h"

namespace striate::detail {

/// The largest scratch buffer a thread keeps between calls (VGG-size Winograd weights: 512 x 512
/// channels transform to 38 MB).
constexpr int64_t kMaxKeptScratchBytes = int64_t(64) << 20;

/// 64-byte aligned memory for `count` elements of T, owned by the caller (free with std::free).
/// Throws OutOfMemory naming `what` when the OS refuses. count * sizeof(T) must not overflow:
/// callers pass sizes of tensors that already exist.
template <typename T>
T* allocate_aligned(int64_t count, const char* what) {
  constexpr int64_t kAlignment = 64;
  const int64_t bytes = (count * static_cast<int64_t>(sizeof(T)) + kAlignment - 1) / kAlignment * kAlignment;
  void* data = std::aligned_alloc(kAlignment, static_cast<size_t>(bytes > 0 ? bytes : kAlignment));
  if (!data) throw OutOfMemory(str(what, ": out of memory for ", bytes, " bytes"));
  return static_cast<T*>(data);
}

/// A buffer that only grows, 64-byte aligned, freed with its owner.
template <typename T>
class GrowingBuffer {
 public:
  GrowingBuffer() = default;
  GrowingBuffer(const GrowingBuffer&) = delete;
  GrowingBuffer& operator=(const GrowingBuffer&) = delete;
  ~GrowingBuffer() { std::free(data_); }
  /// At least `count` elements; the old contents are not kept.
  T* get(int64_t count, const char* what) {
    if (count > capacity_) {
      std::free(data_);
      data_ = nullptr;
      capacity_ = 0;
      data_ = allocate_aligned<T>(count, what);
      capacity_ = count;
    }
    return data_;
  }

 private:
  T* data_ = nullptr;
  int64_t capacity_ = 0;
};

/// The calling thread's buffer (Owner, Slot) of at least `count` elements of T, for the life of
/// this object (see the file comment).
template <typename T, typename Owner, int Slot>
class ThreadScratch {
 public:
  explicit ThreadScratch(int64_t count, const char* what = "scratch") {
    if (count * static_cast<int64_t>(sizeof(T)) > kMaxKeptScratchBytes) {
      data_ = owned_ = allocate_aligned<T>(count, what);
      return;
    }
    thread_local GrowingBuffer<T> kept;
    data_ = kept.get(count, what);
  }
  ThreadScratch(const ThreadScratch&) = delete;
  ThreadScratch& operator=(const ThreadScratch&) = delete;
  ~ThreadScratch() { std::free(owned_); }
  T* data() const { return data_; }

 private:
  T* data_ = nullptr;
  T* owned_ = nullptr;
};

}  // namespace striate::detail
