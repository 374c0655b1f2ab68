// The packed GEMM for the baseline x86-64 ISA (SSE2): the portable fallback of every CPU.
#include "kernels/cpu/gemm_impl.h"

namespace striate::kernels::cpu::detail {

template <>
GemmVariant<float> gemm_variant_generic<float>() {
  return make_gemm_variant<float, 16, 4>();
}

template <>
GemmVariant<double> gemm_variant_generic<double>() {
  return make_gemm_variant<double, 16, 4>();
}

}  // namespace striate::kernels::cpu::detail
