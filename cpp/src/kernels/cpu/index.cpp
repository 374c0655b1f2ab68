// CPU joining and indexing kernels: concatenation, row selection, gather / scatter-add and
// boolean-mask reads and writes (see kernels/index.h for the layouts).
#include "kernels/index.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

constexpr int64_t kGrainBytes = 1 << 16;
constexpr int64_t kColumnChunk = 1024;

int64_t wrap_index(int64_t i, int64_t size) { return i < 0 ? i + size : i; }

// memcpy with the common element sizes spelled out, so single-element rows compile to a move.
void copy_row(char* dst, const char* src, int64_t bytes) {
  switch (bytes) {
    case 1: *dst = *src; return;
    case 4: std::memcpy(dst, src, 4); return;
    case 8: std::memcpy(dst, src, 8); return;
    default: std::memcpy(dst, src, static_cast<size_t>(bytes));
  }
}

int64_t grain_for_rows(int64_t row_bytes) {
  return std::max<int64_t>(1, kGrainBytes / std::max<int64_t>(1, row_bytes));
}

// Element offsets into x of the leading (before dim) and trailing (after dim) coordinates of
// the index tensor, so the inner loops of gather and scatter_add only add.
void gather_offsets(const GatherGeometry& g, std::vector<int64_t>& outer_offsets, std::vector<int64_t>& inner_offsets) {
  auto offsets_for = [&](int first, int last, std::vector<int64_t>& offsets) {
    int64_t count = 1;
    for (int d = first; d < last; ++d) count *= g.index_sizes[d];
    offsets.assign(count, 0);
    for (int64_t linear = 0; linear < count; ++linear) {
      int64_t rest = linear;
      int64_t offset = 0;
      for (int d = last - 1; d >= first; --d) {
        offset += (rest % g.index_sizes[d]) * g.x_strides[d];
        rest /= g.index_sizes[d];
      }
      offsets[linear] = offset;
    }
  };
  offsets_for(0, g.dim, outer_offsets);
  offsets_for(g.dim + 1, g.ndim, inner_offsets);
}

}  // namespace

void concat_rows(char* out, const char* in, int64_t outer, int64_t in_row_bytes, int64_t out_row_bytes,
                 int64_t out_offset_bytes) {
  parallel_for(0, outer, grain_for_rows(in_row_bytes), [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o)
      std::memcpy(out + o * out_row_bytes + out_offset_bytes, in + o * in_row_bytes, static_cast<size_t>(in_row_bytes));
  });
}

void index_select_rows(char* out, const char* x, const int64_t* index, int64_t A, int64_t R, int64_t K,
                       int64_t row_bytes) {
  parallel_for(0, A * K, grain_for_rows(row_bytes), [&](int64_t begin, int64_t end) {
    for (int64_t work = begin; work < end; ++work) {
      const int64_t a = work / K;
      const int64_t k = work % K;
      copy_row(out + work * row_bytes, x + (a * R + wrap_index(index[k], R)) * row_bytes, row_bytes);
    }
  });
}

template <typename T>
void index_add_rows(T* dx, const T* dy, const int64_t* index, int64_t A, int64_t R, int64_t K, int64_t B) {
  // Work items are (a, column chunk): two items never write the same element of dx.
  const int64_t chunks = (B + kColumnChunk - 1) / kColumnChunk;
  parallel_for(0, A * chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t work = begin; work < end; ++work) {
      const int64_t a = work / chunks;
      const int64_t first = (work % chunks) * kColumnChunk;
      const int64_t width = std::min(kColumnChunk, B - first);
      for (int64_t k = 0; k < K; ++k) {
        T* dst = dx + (a * R + wrap_index(index[k], R)) * B + first;
        const T* src = dy + (a * K + k) * B + first;
        for (int64_t b = 0; b < width; ++b) dst[b] = static_cast<T>(dst[b] + src[b]);  // 16-bit: float sum
      }
    }
  });
}

void index_put_rows(char* x, const char* source, const int64_t* index, int64_t R, int64_t K, int64_t row_bytes) {
  for (int64_t k = 0; k < K; ++k) copy_row(x + wrap_index(index[k], R) * row_bytes, source + k * row_bytes, row_bytes);
}

template <typename T>
void gather(T* out, const T* x, const int64_t* index, const GatherGeometry& geometry) {
  std::vector<int64_t> outer_offsets, inner_offsets;
  gather_offsets(geometry, outer_offsets, inner_offsets);
  const int64_t outer = static_cast<int64_t>(outer_offsets.size());
  const int64_t inner = static_cast<int64_t>(inner_offsets.size());
  const int64_t K = geometry.index_sizes[geometry.dim];
  const int64_t dim_stride = geometry.x_strides[geometry.dim];
  const int64_t dim_size = geometry.dim_size;
  parallel_for(0, outer * K, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, inner)), [&](int64_t begin, int64_t end) {
    for (int64_t work = begin; work < end; ++work) {
      const T* x_row = x + outer_offsets[work / K];
      const int64_t* index_row = index + work * inner;
      T* out_row = out + work * inner;
      for (int64_t b = 0; b < inner; ++b)
        out_row[b] = x_row[inner_offsets[b] + wrap_index(index_row[b], dim_size) * dim_stride];
    }
  });
}

template <typename T>
void scatter_add(T* dx, const T* grad, const int64_t* index, const GatherGeometry& geometry) {
  std::vector<int64_t> outer_offsets, inner_offsets;
  gather_offsets(geometry, outer_offsets, inner_offsets);
  const int64_t outer = static_cast<int64_t>(outer_offsets.size());
  const int64_t inner = static_cast<int64_t>(inner_offsets.size());
  const int64_t K = geometry.index_sizes[geometry.dim];
  const int64_t dim_stride = geometry.x_strides[geometry.dim];
  const int64_t dim_size = geometry.dim_size;
  // Distinct (a, column chunk) items write distinct elements; k runs serially inside an item.
  const int64_t chunks = (inner + kColumnChunk - 1) / kColumnChunk;
  parallel_for(0, outer * chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t work = begin; work < end; ++work) {
      const int64_t a = work / chunks;
      const int64_t first = (work % chunks) * kColumnChunk;
      const int64_t last = std::min(inner, first + kColumnChunk);
      T* dx_row = dx + outer_offsets[a];
      for (int64_t k = 0; k < K; ++k) {
        const int64_t row = (a * K + k) * inner;
        for (int64_t b = first; b < last; ++b) {
          T& target = dx_row[inner_offsets[b] + wrap_index(index[row + b], dim_size) * dim_stride];
          target = static_cast<T>(target + grad[row + b]);
        }
      }
    }
  });
}

int64_t masked_select_rows(char* out, const char* x, const uint8_t* mask, int64_t M, int64_t row_bytes) {
  int64_t count = 0;
  for (int64_t m = 0; m < M; ++m) {
    if (!mask[m]) continue;
    copy_row(out + count * row_bytes, x + m * row_bytes, row_bytes);
    ++count;
  }
  return count;
}

void masked_scatter_rows(char* x, const char* source, const uint8_t* mask, int64_t M, int64_t row_bytes) {
  int64_t next = 0;
  for (int64_t m = 0; m < M; ++m) {
    if (!mask[m]) continue;
    copy_row(x + m * row_bytes, source + next * row_bytes, row_bytes);
    ++next;
  }
}

template <typename T>
void masked_fill_rows(T* x, const uint8_t* mask, T value, int64_t M, int64_t row) {
  parallel_for(0, M, grain_for_rows(row * static_cast<int64_t>(sizeof(T))), [&](int64_t begin, int64_t end) {
    for (int64_t m = begin; m < end; ++m) {
      if (!mask[m]) continue;
      std::fill(x + m * row, x + (m + 1) * row, value);
    }
  });
}

int64_t count_nonzero(const uint8_t* mask, int64_t M) {
  int64_t count = 0;
  for (int64_t m = 0; m < M; ++m) count += mask[m] != 0;
  return count;
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, index_add_rows<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, index_add_rows<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, index_add_rows<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, index_add_rows<BFloat16>);

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, scatter_add<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, scatter_add<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, scatter_add<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, scatter_add<BFloat16>);

#define STRIATE_IMPLEMENT_GATHER(T)                     \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, gather<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, masked_fill_rows<T>);
STRIATE_IMPLEMENT_GATHER(float)
STRIATE_IMPLEMENT_GATHER(double)
STRIATE_IMPLEMENT_GATHER(int64_t)
STRIATE_IMPLEMENT_GATHER(uint8_t)
STRIATE_IMPLEMENT_GATHER(bool)
STRIATE_IMPLEMENT_GATHER(Half)
STRIATE_IMPLEMENT_GATHER(BFloat16)
#undef STRIATE_IMPLEMENT_GATHER

STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, concat_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, index_select_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, index_put_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, masked_select_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, masked_scatter_rows);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, count_nonzero);

}  // namespace striate::kernels::cpu
