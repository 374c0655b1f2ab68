// The packed GEMM for the baseline x86-64 ISA (SSE2): the portable fallback of every CPU. Tiles of
// 4 rows x 2 xmm vectors.
#include "kernels/cpu/gemm_impl.h"

namespace striate::kernels::cpu::detail {

template <>
GemmVariant<float> gemm_variant_generic<float>() {
  return make_gemm_variant<float, 16, 4, 2, 256, 64, 512>();
}

template <>
GemmVariant<double> gemm_variant_generic<double>() {
  return make_gemm_variant<double, 16, 4, 2, 256, 64, 512>();
}

}  // namespace striate::kernels::cpu::detail
