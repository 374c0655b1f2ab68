// CUDA joining and indexing kernels: the same kernel objects as kernels/cpu/index.cpp.
//   - Row copies (concat, index_select, index_put, masked select / scatter) share one kernel that
//     moves the widest word the pointers, row sizes and offsets allow, one thread per word.
//   - Accumulations (index_add_rows, scatter_add) give each thread a set of destination elements
//     no other thread writes and run the repeated indices serially, in order: deterministic, no
//     atomics, so use_deterministic_algorithms needs nothing from them.
//   - index_put_rows keeps "the last of repeated indices wins" by first electing, per destination
//     row, the largest k (an integer atomicMax, exact), then copying only the winners.
//   - The mask kernels number the selected rows with an exclusive scan (one block); the kernels
//     that return a count (count_nonzero, masked_select_rows) copy it back to the host and wait
//     for the stream.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/index.h"
#include "striate/core/error.h"
#include "striate/core/shape.h"

namespace striate::kernels::cuda {
namespace {

void check_cuda(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw RuntimeError(detail::str(what, ": CUDA error: ", cudaGetErrorString(status)));
}

// ---- row copies -----------------------------------------------------------------------------

// Copies the words of the rows the map selects: map(row, dst_offset, src_offset) returns false to
// skip the row, else sets the byte offsets of its destination and source.
template <typename Word, typename Map>
__global__ void copy_rows_kernel(char* dst, const char* src, int64_t rows, int64_t row_words, Map map) {
  const int64_t total = rows * row_words;
  for (int64_t e = grid_index(); e < total; e += grid_step()) {
    const int64_t row = e / row_words, w = e % row_words;
    int64_t dst_offset = 0, src_offset = 0;
    if (!map(row, dst_offset, src_offset)) continue;
    reinterpret_cast<Word*>(dst + dst_offset)[w] = reinterpret_cast<const Word*>(src + src_offset)[w];
  }
}

// `alignment` is the OR of every byte offset the map can produce (row pitches, offsets).
template <typename Map>
void copy_rows(char* dst, const char* src, int64_t rows, int64_t row_bytes, int64_t alignment, const Map& map,
               const char* what) {
  if (rows == 0 || row_bytes == 0) return;
  const auto bits = reinterpret_cast<uintptr_t>(dst) | reinterpret_cast<uintptr_t>(src) |
                    static_cast<uintptr_t>(row_bytes) | static_cast<uintptr_t>(alignment);
  const cudaStream_t s = current_stream();
  if (bits % 8 == 0) {
    copy_rows_kernel<uint64_t>
        <<<blocks_for(rows * (row_bytes / 8)), kThreads, 0, s>>>(dst, src, rows, row_bytes / 8, map);
  } else if (bits % 4 == 0) {
    copy_rows_kernel<uint32_t>
        <<<blocks_for(rows * (row_bytes / 4)), kThreads, 0, s>>>(dst, src, rows, row_bytes / 4, map);
  } else if (bits % 2 == 0) {
    copy_rows_kernel<uint16_t>
        <<<blocks_for(rows * (row_bytes / 2)), kThreads, 0, s>>>(dst, src, rows, row_bytes / 2, map);
  } else {
    copy_rows_kernel<uint8_t><<<blocks_for(rows * row_bytes), kThreads, 0, s>>>(dst, src, rows, row_bytes, map);
  }
  backend::cuda_check_launch(what);
}

struct ConcatMap {
  int64_t in_row_bytes, out_row_bytes, out_offset_bytes;
  __device__ bool operator()(int64_t o, int64_t& dst, int64_t& src) const {
    dst = o * out_row_bytes + out_offset_bytes;
    src = o * in_row_bytes;
    return true;
  }
};

struct IndexSelectMap {
  const int64_t* index;
  int64_t R, K, row_bytes;
  __device__ bool operator()(int64_t work, int64_t& dst, int64_t& src) const {
    const int64_t a = work / K, k = work % K;
    dst = work * row_bytes;
    src = (a * R + wrap_index(index[k], R)) * row_bytes;
    return true;
  }
};

// winner[r] = 1 + the last k with index[k] == r (0: no k).
struct IndexPutMap {
  const int64_t* index;
  const unsigned long long* winner;
  int64_t R, row_bytes;
  __device__ bool operator()(int64_t k, int64_t& dst, int64_t& src) const {
    const int64_t r = wrap_index(index[k], R);
    if (winner[r] != static_cast<unsigned long long>(k + 1)) return false;
    dst = r * row_bytes;
    src = k * row_bytes;
    return true;
  }
};

__global__ void elect_last_kernel(unsigned long long* winner, const int64_t* index, int64_t R, int64_t K) {
  for (int64_t k = grid_index(); k < K; k += grid_step())
    atomicMax(&winner[wrap_index(index[k], R)], static_cast<unsigned long long>(k + 1));
}

// position[m] = the number of selected rows before m.
struct MaskedSelectMap {
  const uint8_t* mask;
  const int64_t* position;
  int64_t row_bytes;
  __device__ bool operator()(int64_t m, int64_t& dst, int64_t& src) const {
    if (!mask[m]) return false;
    dst = position[m] * row_bytes;
    src = m * row_bytes;
    return true;
  }
};

struct MaskedScatterMap {
  const uint8_t* mask;
  const int64_t* position;
  int64_t row_bytes;
  __device__ bool operator()(int64_t m, int64_t& dst, int64_t& src) const {
    if (!mask[m]) return false;
    dst = m * row_bytes;
    src = position[m] * row_bytes;
    return true;
  }
};

// ---- mask scan and count ----------------------------------------------------------------------

constexpr int kScanThreads = 1024;

// One block: thread t counts the nonzero bytes of its chunk, the chunk counts are scanned in
// order, then each thread numbers its chunk. position may be null (count only).
__global__ void mask_scan_kernel(int64_t* position, int64_t* count, const uint8_t* mask, int64_t M) {
  __shared__ int64_t chunk_start[kScanThreads];
  const int64_t chunk = (M + kScanThreads - 1) / kScanThreads;
  const int64_t first = threadIdx.x * chunk;
  const int64_t last = first + chunk < M ? first + chunk : M;
  int64_t mine = 0;
  for (int64_t m = first; m < last; ++m) mine += mask[m] != 0;
  chunk_start[threadIdx.x] = mine;
  __syncthreads();
  if (threadIdx.x == 0) {
    int64_t running = 0;
    for (int t = 0; t < kScanThreads; ++t) {
      const int64_t c = chunk_start[t];
      chunk_start[t] = running;
      running += c;
    }
    *count = running;
  }
  __syncthreads();
  if (!position) return;
  int64_t next = chunk_start[threadIdx.x];
  for (int64_t m = first; m < last; ++m) {
    position[m] = next;
    next += mask[m] != 0;
  }
}

// Scans the mask on the current stream; returns the device buffer [count, position[0..M)].
std::shared_ptr<Storage> scan_mask(const uint8_t* mask, int64_t M, bool with_positions, const char* what) {
  auto buffer = scratch(static_cast<size_t>(1 + (with_positions ? M : 0)) * sizeof(int64_t));
  auto* base = static_cast<int64_t*>(buffer->data());
  mask_scan_kernel<<<1, kScanThreads, 0, current_stream()>>>(with_positions ? base + 1 : nullptr, base, mask, M);
  backend::cuda_check_launch(what);
  return buffer;
}

// Copies the count at the front of a scan buffer to the host, waiting for the stream.
int64_t read_count(const std::shared_ptr<Storage>& buffer, const char* what) {
  int64_t count = 0;
  const cudaStream_t s = current_stream();
  check_cuda(cudaMemcpyAsync(&count, buffer->data(), sizeof(int64_t), cudaMemcpyDeviceToHost, s), what);
  check_cuda(cudaStreamSynchronize(s), what);
  return count;
}

// ---- accumulations ------------------------------------------------------------------------

// One thread per (a, b): the K rows run in order, so repeated indices add up deterministically.
template <typename T>
__global__ void index_add_rows_kernel(T* dx, const T* dy, const int64_t* index, int64_t A, int64_t R, int64_t K,
                                      int64_t B) {
  for (int64_t e = grid_index(); e < A * B; e += grid_step()) {
    const int64_t a = e / B, b = e % B;
    for (int64_t k = 0; k < K; ++k) {
      T& target = dx[(a * R + wrap_index(index[k], R)) * B + b];
      target = static_cast<T>(target + dy[(a * K + k) * B + b]);  // float16/bfloat16: the sum in float, rounded
    }
  }
}

// GatherGeometry by value (its host arrays copied), for the kernel's arguments.
struct DeviceGeometry {
  int ndim;
  int dim;
  int64_t dim_size;
  int64_t sizes[kMaxDims];
  int64_t strides[kMaxDims];
};

DeviceGeometry device_geometry(const GatherGeometry& g, const char* what) {
  STRIATE_CHECK(g.ndim >= 1 && g.ndim <= kMaxDims && g.dim >= 0 && g.dim < g.ndim, what, ": expected 1 to ", kMaxDims,
                " dimensions and dim inside them, got ndim=", g.ndim, ", dim=", g.dim);
  DeviceGeometry d{g.ndim, g.dim, g.dim_size, {}, {}};
  for (int i = 0; i < g.ndim; ++i) {
    d.sizes[i] = g.index_sizes[i];
    d.strides[i] = g.x_strides[i];
  }
  return d;
}

int64_t numel_of(const DeviceGeometry& g, int first, int last) {
  int64_t n = 1;
  for (int d = first; d < last; ++d) n *= g.sizes[d];
  return n;
}

template <typename T>
__global__ void gather_kernel(T* out, const T* x, const int64_t* index, DeviceGeometry g, int64_t total) {
  for (int64_t e = grid_index(); e < total; e += grid_step())
    out[e] = x[strided_offset(e, g.ndim, g.sizes, g.strides, g.dim, wrap_index(index[e], g.dim_size))];
}

// One thread per (outer, inner) coordinate pair: it alone writes the elements of dx that share
// its coordinates off dim, and adds the K gradients in order.
template <typename T>
__global__ void scatter_add_kernel(T* dx, const T* grad, const int64_t* index, DeviceGeometry g, int64_t outer,
                                   int64_t K, int64_t inner) {
  for (int64_t e = grid_index(); e < outer * inner; e += grid_step()) {
    const int64_t a = e / inner, b = e % inner;
    for (int64_t k = 0; k < K; ++k) {
      const int64_t linear = (a * K + k) * inner + b;
      T& target = dx[strided_offset(linear, g.ndim, g.sizes, g.strides, g.dim, wrap_index(index[linear], g.dim_size))];
      target = static_cast<T>(target + grad[linear]);
    }
  }
}

template <typename T>
__global__ void masked_fill_rows_kernel(T* x, const uint8_t* mask, T value, int64_t M, int64_t row) {
  for (int64_t e = grid_index(); e < M * row; e += grid_step())
    if (mask[e / row]) x[e] = value;
}

}  // namespace

void concat_rows(char* out, const char* in, int64_t outer, int64_t in_row_bytes, int64_t out_row_bytes,
                 int64_t out_offset_bytes) {
  copy_rows(out, in, outer, in_row_bytes, out_row_bytes | out_offset_bytes,
            ConcatMap{in_row_bytes, out_row_bytes, out_offset_bytes}, "concat_rows");
}

void index_select_rows(char* out, const char* x, const int64_t* index, int64_t A, int64_t R, int64_t K,
                       int64_t row_bytes) {
  copy_rows(out, x, A * K, row_bytes, row_bytes, IndexSelectMap{index, R, K, row_bytes}, "index_select_rows");
}

template <typename T>
void index_add_rows(T* dx, const T* dy, const int64_t* index, int64_t A, int64_t R, int64_t K, int64_t B) {
  if (A * B == 0 || K == 0) return;
  index_add_rows_kernel<T><<<blocks_for(A * B), kThreads, 0, current_stream()>>>(dx, dy, index, A, R, K, B);
  backend::cuda_check_launch("index_add_rows");
}

void index_put_rows(char* x, const char* source, const int64_t* index, int64_t R, int64_t K, int64_t row_bytes) {
  if (K == 0 || R == 0 || row_bytes == 0) return;
  auto winner = scratch(static_cast<size_t>(R) * sizeof(unsigned long long));
  auto* winner_data = static_cast<unsigned long long*>(winner->data());
  const cudaStream_t s = current_stream();
  check_cuda(cudaMemsetAsync(winner_data, 0, static_cast<size_t>(R) * sizeof(unsigned long long), s), "index_put_rows");
  elect_last_kernel<<<blocks_for(K), kThreads, 0, s>>>(winner_data, index, R, K);
  backend::cuda_check_launch("index_put_rows");
  copy_rows(x, source, K, row_bytes, row_bytes, IndexPutMap{index, winner_data, R, row_bytes}, "index_put_rows");
}

template <typename T>
void gather(T* out, const T* x, const int64_t* index, const GatherGeometry& geometry) {
  const DeviceGeometry g = device_geometry(geometry, "gather");
  const int64_t total = numel_of(g, 0, g.ndim);
  if (total == 0) return;
  gather_kernel<T><<<blocks_for(total), kThreads, 0, current_stream()>>>(out, x, index, g, total);
  backend::cuda_check_launch("gather");
}

template <typename T>
void scatter_add(T* dx, const T* grad, const int64_t* index, const GatherGeometry& geometry) {
  const DeviceGeometry g = device_geometry(geometry, "scatter_add");
  const int64_t outer = numel_of(g, 0, g.dim), inner = numel_of(g, g.dim + 1, g.ndim), K = g.sizes[g.dim];
  if (outer * inner == 0 || K == 0) return;
  scatter_add_kernel<T>
      <<<blocks_for(outer * inner), kThreads, 0, current_stream()>>>(dx, grad, index, g, outer, K, inner);
  backend::cuda_check_launch("scatter_add");
}

int64_t masked_select_rows(char* out, const char* x, const uint8_t* mask, int64_t M, int64_t row_bytes) {
  if (M == 0) return 0;
  auto scan = scan_mask(mask, M, true, "masked_select_rows");
  const auto* position = static_cast<const int64_t*>(scan->data()) + 1;
  copy_rows(out, x, M, row_bytes, row_bytes, MaskedSelectMap{mask, position, row_bytes}, "masked_select_rows");
  return read_count(scan, "masked_select_rows");
}

void masked_scatter_rows(char* x, const char* source, const uint8_t* mask, int64_t M, int64_t row_bytes) {
  if (M == 0 || row_bytes == 0) return;
  auto scan = scan_mask(mask, M, true, "masked_scatter_rows");
  const auto* position = static_cast<const int64_t*>(scan->data()) + 1;
  copy_rows(x, source, M, row_bytes, row_bytes, MaskedScatterMap{mask, position, row_bytes}, "masked_scatter_rows");
}

template <typename T>
void masked_fill_rows(T* x, const uint8_t* mask, T value, int64_t M, int64_t row) {
  if (M * row == 0) return;
  masked_fill_rows_kernel<T><<<blocks_for(M * row), kThreads, 0, current_stream()>>>(x, mask, value, M, row);
  backend::cuda_check_launch("masked_fill_rows");
}

int64_t count_nonzero(const uint8_t* mask, int64_t M) {
  if (M == 0) return 0;
  return read_count(scan_mask(mask, M, false, "count_nonzero"), "count_nonzero");
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, index_add_rows<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, index_add_rows<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, index_add_rows<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, index_add_rows<BFloat16>);

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, scatter_add<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, scatter_add<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, scatter_add<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, scatter_add<BFloat16>);

#define STRIATE_IMPLEMENT_GATHER(T)                      \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, gather<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, masked_fill_rows<T>);
STRIATE_IMPLEMENT_GATHER(float)
STRIATE_IMPLEMENT_GATHER(double)
STRIATE_IMPLEMENT_GATHER(int64_t)
STRIATE_IMPLEMENT_GATHER(uint8_t)
STRIATE_IMPLEMENT_GATHER(bool)
STRIATE_IMPLEMENT_GATHER(Half)
STRIATE_IMPLEMENT_GATHER(BFloat16)
#undef STRIATE_IMPLEMENT_GATHER

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, concat_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, index_select_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, index_put_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, masked_select_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, masked_scatter_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, count_nonzero);

}  // namespace striate::kernels::cuda
