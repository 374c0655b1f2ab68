// The peak probe for AVX-512 (this file alone is built with -mavx512f ...): 16 zmm accumulators
// (32 registers), enough for two 512-bit FMA units of latency 4 and more than Zen 4's one.
#include <immintrin.h>

#include "kernels/cpu/peak_probe_impl.h"

namespace striate::kernels::cpu::detail {
namespace {

double run_float(int64_t iterations) {
  return run_fma_chains<float, __m512, 16>(iterations,
                                           [](__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); });
}
double run_double(int64_t iterations) {
  return run_fma_chains<double, __m512d, 16>(iterations,
                                             [](__m512d a, __m512d b, __m512d c) { return _mm512_fmadd_pd(a, b, c); });
}

}  // namespace

PeakProbeVariant peak_probe_avx512(DType dtype) {
  if (dtype == DType::Float64) return {&run_double, fma_chain_flops<double, __m512d, 16>()};
  return {&run_float, fma_chain_flops<float, __m512, 16>()};
}

}  // namespace striate::kernels::cpu::detail
