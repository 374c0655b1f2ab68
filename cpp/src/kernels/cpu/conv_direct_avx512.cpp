// The direct-convolution loops for AVX-512 (this file alone is built with -mavx512f ...): blocks
// of 16 or 32 channels, and of 8 (half vectors) for layers with at most 8.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/cpu/conv_direct_impl.h"

namespace striate::kernels::cpu::direct::detail {

Variant variant_avx512() { return make_variant<Simd<64>, Simd<32>, 14, 14, 12, 12>(); }

}  // namespace striate::kernels::cpu::direct::detail
