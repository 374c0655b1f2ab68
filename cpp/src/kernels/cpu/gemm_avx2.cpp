// The packed GEMM for AVX2 + FMA (this file alone is built with -mavx2 -mfma): 6 x 2 ymm tiles.
#include "kernels/cpu/gemm_impl.h"

namespace striate::kernels::cpu::detail {

template <>
GemmVariant<float> gemm_variant_avx2<float>() {
  return make_gemm_variant<float, 32, 6>();
}

template <>
GemmVariant<double> gemm_variant_avx2<double>() {
  return make_gemm_variant<double, 32, 6>();
}

}  // namespace striate::kernels::cpu::detail
