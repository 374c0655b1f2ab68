// The peak probe for AVX2 + FMA (this file alone is built with -mavx2 -mfma): 12 ymm accumulators
// (16 registers: the accumulators plus the two constants).
#include <immintrin.h>

#include "kernels/cpu/peak_probe_impl.h"

namespace striate::kernels::cpu::detail {
namespace {

double run_float(int64_t iterations) {
  return run_fma_chains<float, __m256, 12>(iterations,
                                           [](__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); });
}
double run_double(int64_t iterations) {
  return run_fma_chains<double, __m256d, 12>(iterations,
                                             [](__m256d a, __m256d b, __m256d c) { return _mm256_fmadd_pd(a, b, c); });
}

}  // namespace

PeakProbeVariant peak_probe_avx2(DType dtype) {
  if (dtype == DType::Float64) return {&run_double, fma_chain_flops<double, __m256d, 12>()};
  return {&run_float, fma_chain_flops<float, __m256, 12>()};
}

}  // namespace striate::kernels::cpu::detail
