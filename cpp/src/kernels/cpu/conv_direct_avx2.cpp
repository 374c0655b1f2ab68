// The direct-convolution loops for AVX2 + FMA (this file alone is built with -mavx2 -mfma): blocks
// of 8 or 16 channels.
#include "kernels/cpu/conv_direct_impl.h"

namespace striate::kernels::cpu::direct::detail {

Variant variant_avx2() { return make_variant<Simd<32>, Simd<32>, 12, 6, 12, 6>(); }

}  // namespace striate::kernels::cpu::direct::detail
