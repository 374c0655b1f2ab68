// The packed GEMM for AVX-512 (this file alone is built with -mavx512f ...): tiles of 12 rows x 2
// zmm vectors (24 of the 32 registers accumulate). Blocks sized on Zen 4 (32 KiB L1d, 1 MiB L2):
// K blocks of 512 (a row of packed B is two cache lines, 64-byte aligned), 192 rows of packed A
// (384 KiB float, 768 KiB double) stay in L2, 1024 (512 double) columns of packed B in L2/L3.
#include "kernels/cpu/gemm_impl.h"

namespace striate::kernels::cpu::detail {

template <>
GemmVariant<float> gemm_variant_avx512<float>() {
  return make_gemm_variant<float, 64, 12, 2, 512, 192, 1024>();
}

template <>
GemmVariant<double> gemm_variant_avx512<double>() {
  return make_gemm_variant<double, 64, 12, 2, 512, 192, 512>();
}

}  // namespace striate::kernels::cpu::detail
