// Picks the vector kernels' SIMD variant named by striate::cpu_isa() at each call, as the GEMM
// does, so tests can switch paths at run time.
#include "kernels/cpu/vector_math.h"

#include "striate/core/cpu_isa.h"

namespace striate::kernels::cpu {

template <typename T>
const VectorKernels<T>& vector_kernels() {
  // Each variant's table is built only once the CPU is known to run it.
  switch (cpu_isa()) {
    case CpuIsa::AVX512: {
      static const VectorKernels<T> kernels = detail::vector_kernels_avx512<T>();
      return kernels;
    }
    case CpuIsa::AVX2: {
      static const VectorKernels<T> kernels = detail::vector_kernels_avx2<T>();
      return kernels;
    }
    case CpuIsa::Generic: break;
  }
  static const VectorKernels<T> kernels = detail::vector_kernels_generic<T>();
  return kernels;
}

template const VectorKernels<float>& vector_kernels<float>();
template const VectorKernels<double>& vector_kernels<double>();

}  // namespace striate::kernels::cpu
