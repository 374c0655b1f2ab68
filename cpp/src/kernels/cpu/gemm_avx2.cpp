// The packed GEMM for AVX2 + FMA (this file alone is built with -mavx2 -mfma): tiles of 6 rows x 2
// ymm vectors (12 of the 16 registers accumulate), K blocks of 256 so a micro-panel of packed B
// (16 KiB) stays in a 32 KiB L1d, 120 rows of packed A (120 KiB) in a 256 KiB or larger L2.
#include "kernels/cpu/gemm_impl.h"

namespace striate::kernels::cpu::detail {

template <>
GemmVariant<float> gemm_variant_avx2<float>() {
  return make_gemm_variant<float, 32, 6, 2, 256, 120, 1024>();
}

template <>
GemmVariant<double> gemm_variant_avx2<double>() {
  return make_gemm_variant<double, 32, 6, 2, 256, 120, 512>();
}

}  // namespace striate::kernels::cpu::detail
