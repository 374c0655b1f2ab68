// The Winograd passes for AVX2 + FMA (this file alone is built with -mavx2 -mfma): 8 lanes.
#include "kernels/cpu/conv_winograd_impl.h"

namespace striate::kernels::cpu::winograd::detail {

Variant variant_avx2() { return make_variant<Simd<32>>(); }

}  // namespace striate::kernels::cpu::winograd::detail
