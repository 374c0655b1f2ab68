// The Winograd passes for portable (baseline ISA: SSE2 on x86-64, plain vector code elsewhere): 4 lanes.
#include "kernels/cpu/conv_winograd_impl.h"

namespace striate::kernels::cpu::winograd::detail {

Variant variant_generic() { return make_variant<Simd<16>>(); }

}  // namespace striate::kernels::cpu::winograd::detail
