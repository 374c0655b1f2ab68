// The vector kernels for baseline x86-64 (SSE2): 16-byte vectors.
#include "kernels/cpu/vector_math_kernels.h"

namespace striate::kernels::cpu::detail {

template <>
VectorKernels<float> vector_kernels_generic<float>() {
  return make_vector_kernels<float, 16>();
}

template <>
VectorKernels<double> vector_kernels_generic<double>() {
  return make_vector_kernels<double, 16>();
}

}  // namespace striate::kernels::cpu::detail
