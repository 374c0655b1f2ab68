// Joining and indexing kernels: concatenation, row selection by index, gather/scatter-add along
// a dim, and boolean-mask reads and writes. Copies that do not compute move bytes (one kernel
// serves every dtype); accumulating kernels are templates on the scalar type. Indices were
// validated by the op (in [-R, R)); kernels wrap negative ones.
#pragma once
#include <cstdint>
#include "kernels/kernel.h"

namespace striate::kernels {

// Writes one input of a concatenation: out[o, offset : offset + in_row] = in[o, :], in bytes.
inline Kernel<void(char* out,       // (outer, out_row_bytes)
                   const char* in,  // (outer, in_row_bytes)
                   int64_t outer, int64_t in_row_bytes, int64_t out_row_bytes, int64_t out_offset_bytes)>
    concat_rows{"concat_rows"};

// out[a, k, :] = x[a, index[k], :] with rows of row_bytes bytes.
inline Kernel<void(char* out,             // (A, K, row)
                   const char* x,         // (A, R, row)
                   const int64_t* index,  // (K)
                   int64_t A, int64_t R, int64_t K, int64_t row_bytes)>
    index_select_rows{"index_select_rows"};

// dx[a, index[k], b] += dy[a, k, b] (accumulates; repeated indices add up).
template <typename T>
inline Kernel<void(T* dx,                 // (A, R, B)
                   const T* dy,           // (A, K, B)
                   const int64_t* index,  // (K)
                   int64_t A, int64_t R, int64_t K, int64_t B)>
    index_add_rows{"index_add_rows", dtype_of<T>::value};

// x[index[k], :] = source[k, :] in order, so the last of repeated indices wins.
inline Kernel<void(char* x,               // (R, row)
                   const char* source,    // (K, row)
                   const int64_t* index,  // (K)
                   int64_t R, int64_t K, int64_t row_bytes)>
    index_put_rows{"index_put_rows"};

// Geometry shared by gather and scatter_add: `index` and the gathered values are contiguous with
// index_sizes; `x` (or dx) has any strides, and its extent along `dim` is dim_size.
struct GatherGeometry {
  int ndim;
  int dim;
  int64_t dim_size;
  const int64_t* index_sizes;  // (ndim)
  const int64_t* x_strides;    // (ndim), in elements
};

// out[..., k, ...] = x[..., index[..., k, ...], ...] (k runs along dim).
template <typename T>
inline Kernel<void(T* out, const T* x, const int64_t* index, const GatherGeometry& geometry)> gather{
    "gather", dtype_of<T>::value};

// dx[..., index[..., k, ...], ...] += grad[..., k, ...] (accumulates).
template <typename T>
inline Kernel<void(T* dx, const T* grad, const int64_t* index, const GatherGeometry& geometry)> scatter_add{
    "scatter_add", dtype_of<T>::value};

// Copies the rows of x whose mask byte is nonzero, in order, into out; returns the row count.
inline Kernel<int64_t(char* out,            // (count, row)
                      const char* x,        // (M, row)
                      const uint8_t* mask,  // (M)
                      int64_t M, int64_t row_bytes)>
    masked_select_rows{"masked_select_rows"};

// Overwrites the rows of x whose mask byte is nonzero with successive rows of source.
inline Kernel<void(char* x,              // (M, row)
                   const char* source,   // (count, row)
                   const uint8_t* mask,  // (M)
                   int64_t M, int64_t row_bytes)>
    masked_scatter_rows{"masked_scatter_rows"};

// Sets every element of the masked rows to value.
template <typename T>
inline Kernel<void(T* x,                 // (M, row)
                   const uint8_t* mask,  // (M)
                   T value, int64_t M, int64_t row)>
    masked_fill_rows{"masked_fill_rows", dtype_of<T>::value};

// Counts the nonzero mask bytes.
inline Kernel<int64_t(const uint8_t* mask, int64_t M)> count_nonzero{"count_nonzero"};

}  // namespace striate::kernels
