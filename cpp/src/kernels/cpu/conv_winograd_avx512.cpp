// The Winograd passes for AVX-512 (this file alone is built with -mavx512f ...): 16 lanes.
// GCC 12 warns that _mm512_undefined_ps(), the don't-care operand of the shuffles in the
// transposes, "is" / "may be used uninitialized": that is its purpose.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/cpu/conv_winograd_impl.h"

namespace striate::kernels::cpu::winograd::detail {

Variant variant_avx512() { return make_variant<Simd<64>>(); }

}  // namespace striate::kernels::cpu::winograd::detail
