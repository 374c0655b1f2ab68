// The direct-convolution loops for the baseline ISA (SSE2 on x86-64, plain vector code elsewhere):
// blocks of 4 or 8 channels.
#include "kernels/cpu/conv_direct_impl.h"

namespace striate::kernels::cpu::direct::detail {

Variant variant_generic() { return make_variant<Simd<16>, Simd<16>, 12, 6, 12, 6>(); }

}  // namespace striate::kernels::cpu::direct::detail
