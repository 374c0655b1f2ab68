// The packed GEMM for AVX-512 (this file alone is built with -mavx512f ...): 12 x 2 zmm tiles.
#include "kernels/cpu/gemm_impl.h"

namespace striate::kernels::cpu::detail {

template <>
GemmVariant<float> gemm_variant_avx512<float>() {
  return make_gemm_variant<float, 64, 12>();
}

template <>
GemmVariant<double> gemm_variant_avx512<double>() {
  return make_gemm_variant<double, 64, 12>();
}

}  // namespace striate::kernels::cpu::detail
