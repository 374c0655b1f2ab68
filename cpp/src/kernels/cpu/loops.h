// The CPU elementwise loop: walks N strided operands of one shape (operand 0 is the output),
// coalescing dimensions that are contiguous for every operand and splitting the outer
// iterations over threads. Used by every elementwise kernel; kernels supply the inner loop.
#pragma once
#include <array>
#include <cstdint>

#include "striate/core/parallel.h"
#include "striate/core/tensor.h"

namespace striate::kernels::cpu {

template <int N>
struct StridedOperands {
  int ndim = 0;
  int64_t sizes[kMaxDims];
  int64_t strides[N][kMaxDims];  // in bytes
  char* base[N];
};

// Builds the iteration space for `shape`; each tensor must already have that shape (expanded).
template <int N>
StridedOperands<N> make_operands(const Shape& shape, const std::array<const Tensor*, N>& tensors) {
  StridedOperands<N> it;
  for (int k = 0; k < N; ++k) it.base[k] = static_cast<char*>(tensors[k]->data_ptr());
  // An empty shape visits nothing; merging its other dims could overflow (2^40 x 2^40 x 0: UBSan).
  for (int d = 0; d < shape.size(); ++d) {
    if (shape[d] == 0) {
      it.ndim = 1;
      it.sizes[0] = 0;
      for (int k = 0; k < N; ++k) it.strides[k][0] = 0;
      return it;
    }
  }
  // Drop size-1 dims, then merge dim i into dim i+1 when that is contiguous for all operands.
  for (int d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    int n = it.ndim;
    if (n > 0) {
      bool mergeable = true;
      for (int k = 0; k < N; ++k) {
        int64_t esize = static_cast<int64_t>(element_size(tensors[k]->dtype()));
        if (it.strides[k][n - 1] != tensors[k]->strides()[d] * esize * shape[d]) mergeable = false;
      }
      if (mergeable) {
        it.sizes[n - 1] *= shape[d];
        for (int k = 0; k < N; ++k)
          it.strides[k][n - 1] = tensors[k]->strides()[d] * static_cast<int64_t>(element_size(tensors[k]->dtype()));
        continue;
      }
    }
    it.sizes[n] = shape[d];
    for (int k = 0; k < N; ++k)
      it.strides[k][n] = tensors[k]->strides()[d] * static_cast<int64_t>(element_size(tensors[k]->dtype()));
    it.ndim++;
  }
  if (it.ndim == 0) {  // a single element
    it.ndim = 1;
    it.sizes[0] = 1;
    for (int k = 0; k < N; ++k) it.strides[k][0] = 0;
  }
  return it;
}

// Elements per unit of parallel work: an innermost run longer than this is split into pieces
// of this size, so a contiguous tensor (one run) still spreads over the threads.
constexpr int64_t kElementwiseGrain = 32768;

// Calls inner(ptrs, n, strides) for each innermost run of n elements (long runs in pieces).
template <int N, typename Inner>
void for_each_run(const StridedOperands<N>& it, const Inner& inner) {
  for (int d = 0; d < it.ndim; ++d)
    if (it.sizes[d] == 0) return;  // an empty tensor: nothing to visit
  const int last = it.ndim - 1;
  const int64_t inner_n = it.sizes[last];
  int64_t outer = 1;
  for (int d = 0; d < last; ++d) outer *= it.sizes[d];
  std::array<int64_t, N> inner_strides;
  for (int k = 0; k < N; ++k) inner_strides[k] = it.strides[k][last];
  const int64_t piece = inner_n < kElementwiseGrain ? inner_n : kElementwiseGrain;
  const int64_t pieces = (inner_n + piece - 1) / piece;
  const int64_t grain = (kElementwiseGrain + piece - 1) / piece;
  parallel_for(0, outer * pieces, grain, [&](int64_t begin, int64_t end) {
    // The outer index of the first work item, then advanced like an odometer.
    int64_t index[kMaxDims] = {};
    int64_t rem = begin / pieces;
    for (int d = last - 1; d >= 0; --d) {
      index[d] = rem % it.sizes[d];
      rem /= it.sizes[d];
    }
    int64_t first = (begin % pieces) * piece;
    std::array<char*, N> ptrs;
    for (int64_t work = begin; work < end; ++work) {
      for (int k = 0; k < N; ++k) {
        char* p = it.base[k] + first * inner_strides[k];
        for (int d = 0; d < last; ++d) p += index[d] * it.strides[k][d];
        ptrs[k] = p;
      }
      inner(ptrs, inner_n - first < piece ? inner_n - first : piece, inner_strides);
      first += piece;
      if (first < inner_n) continue;
      first = 0;
      for (int d = last - 1; d >= 0; --d) {
        if (++index[d] < it.sizes[d]) break;
        index[d] = 0;
      }
    }
  });
}

// out = f(a) elementwise; Out/In are the element types.
template <typename Out, typename In, typename F>
void unary_loop(const Tensor& out, const Tensor& a, const F& f) {
  auto it = make_operands<2>(out.sizes(), {&out, &a});
  for_each_run<2>(it, [&](const std::array<char*, 2>& p, int64_t n, const std::array<int64_t, 2>& s) {
    if (s[0] == sizeof(Out) && s[1] == sizeof(In)) {
      Out* o = reinterpret_cast<Out*>(p[0]);
      const In* x = reinterpret_cast<const In*>(p[1]);
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(p[0] + i * s[0]) = f(*reinterpret_cast<const In*>(p[1] + i * s[1]));
    }
  });
}

// out = f(a, b) elementwise over operands expanded to out's shape.
template <typename Out, typename In, typename F>
void binary_loop(const Tensor& out, const Tensor& a, const Tensor& b, const F& f) {
  auto it = make_operands<3>(out.sizes(), {&out, &a, &b});
  for_each_run<3>(it, [&](const std::array<char*, 3>& p, int64_t n, const std::array<int64_t, 3>& s) {
    Out* o = reinterpret_cast<Out*>(p[0]);
    const In* x = reinterpret_cast<const In*>(p[1]);
    const In* y = reinterpret_cast<const In*>(p[2]);
    if (s[0] == sizeof(Out) && s[1] == sizeof(In) && s[2] == sizeof(In)) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
    } else if (s[0] == sizeof(Out) && s[1] == sizeof(In) && s[2] == 0) {
      const In c = y[0];
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], c);
    } else if (s[0] == sizeof(Out) && s[1] == 0 && s[2] == sizeof(In)) {
      const In c = x[0];
      for (int64_t i = 0; i < n; ++i) o[i] = f(c, y[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(p[0] + i * s[0]) =
            f(*reinterpret_cast<const In*>(p[1] + i * s[1]), *reinterpret_cast<const In*>(p[2] + i * s[2]));
    }
  });
}

// out = f(cond, a, b) for where().
template <typename T, typename F>
void ternary_loop(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b, const F& f) {
  auto it = make_operands<4>(out.sizes(), {&out, &cond, &a, &b});
  for_each_run<4>(it, [&](const std::array<char*, 4>& p, int64_t n, const std::array<int64_t, 4>& s) {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<T*>(p[0] + i * s[0]) =
          f(*reinterpret_cast<const bool*>(p[1] + i * s[1]), *reinterpret_cast<const T*>(p[2] + i * s[2]),
            *reinterpret_cast<const T*>(p[3] + i * s[3]));
  });
}

}  // namespace striate::kernels::cpu
