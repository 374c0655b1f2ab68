// The vector kernels for AVX-512 (this file alone is built with -mavx512f ...): 64-byte vectors.
#include "kernels/cpu/vector_math_kernels.h"

namespace striate::kernels::cpu::detail {

template <>
VectorKernels<float> vector_kernels_avx512<float>() {
  return make_vector_kernels<float, 64>();
}

template <>
VectorKernels<double> vector_kernels_avx512<double>() {
  return make_vector_kernels<double, 64>();
}

}  // namespace striate::kernels::cpu::detail
