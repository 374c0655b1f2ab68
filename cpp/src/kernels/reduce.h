// Reduction kernels. Every kernel sees a contiguous block viewed as (outer, R, inner) and reduces
// over R; ops/reduce.cpp coalesces or permutes the reduced dims into that layout. Floating sums
// accumulate in double and integer sums in int64, in fixed chunks, so results do not depend on
// the thread count.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu {

// out[o, i] = scale * sum_r x[o, r, i]. Out is T for floating types, int64 for integers/bool
// (whose sums ignore scale).
template <typename T, typename Out>
void sum_reduce(Out* out,     // (outer, inner)
                const T* x,   // (outer, R, inner)
                int64_t outer, int64_t R, int64_t inner, double scale);

// out[o, i] = sum_r (x[o, r, i] - mean)^2 / (R - correction), or its square root when take_sqrt.
// Two passes (mean first), as PyTorch, for accuracy.
template <typename T>
void var_reduce(T* out,      // (outer, inner)
                const T* x,  // (outer, R, inner)
                int64_t outer, int64_t R, int64_t inner, int64_t correction, bool take_sqrt);

// The maximum (is_max) or minimum along R and its index; ties go to the first index, and NaN
// counts as the extreme (the first NaN wins), as PyTorch. R must be > 0.
template <typename T>
void extreme_reduce(T* values,         // (outer, inner)
                    int64_t* indices,  // (outer, inner)
                    const T* x,        // (outer, R, inner)
                    int64_t outer, int64_t R, int64_t inner, bool is_max);

}  // namespace striate::kernels::cpu
