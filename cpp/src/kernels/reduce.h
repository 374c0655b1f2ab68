// Reduction kernels. Every kernel sees a contiguous block viewed as (outer, R, inner) and reduces
// over R; ops/reduce.cpp coalesces or permutes the reduced dims into that layout. Floating sums
// accumulate in double and integer sums in int64, in fixed chunks, so results do not depend on
// the thread count.
#pragma once
#include <cstdint>
#include "kernels/kernel.h"

namespace striate::kernels {

// out[o, i] = scale * sum_r x[o, r, i]. Out is T for floating types, int64 for integers/bool
// (whose sums ignore scale).
template <typename T, typename Out>
inline Kernel<void(Out* out,    // (outer, inner)
                   const T* x,  // (outer, R, inner)
                   int64_t outer, int64_t R, int64_t inner, double scale)>
    sum_reduce{"sum_reduce", dtype_of<T>::value};

// out[o, i] = sum_r (x[o, r, i] - mean)^2 / (R - correction), or its square root when take_sqrt.
// Two passes (mean first), as PyTorch, for accuracy.
template <typename T>
inline Kernel<void(T* out,      // (outer, inner)
                   const T* x,  // (outer, R, inner)
                   int64_t outer, int64_t R, int64_t inner, int64_t correction, bool take_sqrt)>
    var_reduce{"var_reduce", dtype_of<T>::value};

// The maximum (is_max) or minimum along R and its index; ties go to the first index, and NaN
// counts as the extreme (the first NaN wins), as PyTorch. R must be > 0.
template <typename T>
inline Kernel<void(T* values,         // (outer, inner)
                   int64_t* indices,  // (outer, inner)
                   const T* x,        // (outer, R, inner)
                   int64_t outer, int64_t R, int64_t inner, bool is_max)>
    extreme_reduce{"extreme_reduce", dtype_of<T>::value};

}  // namespace striate::kernels
