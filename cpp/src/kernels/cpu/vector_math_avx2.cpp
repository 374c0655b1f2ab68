// The vector kernels for AVX2 + FMA (this file alone is built with -mavx2 -mfma): 32-byte vectors.
#include "kernels/cpu/vector_math_kernels.h"

namespace striate::kernels::cpu::detail {

template <>
VectorKernels<float> vector_kernels_avx2<float>() {
  return make_vector_kernels<float, 32>();
}

template <>
VectorKernels<double> vector_kernels_avx2<double>() {
  return make_vector_kernels<double, 32>();
}

}  // namespace striate::kernels::cpu::detail
