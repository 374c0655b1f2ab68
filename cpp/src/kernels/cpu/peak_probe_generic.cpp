// The peak probe for the baseline x86-64 ISA (SSE2: a multiply and an add, no FMA).
#include "kernels/cpu/peak_probe_impl.h"

namespace striate::kernels::cpu::detail {
namespace {

typedef float Float4 __attribute__((vector_size(16)));
typedef double Double2 __attribute__((vector_size(16)));

double run_float(int64_t iterations) {
  return run_fma_chains<float, Float4, 12>(iterations, [](Float4 a, Float4 b, Float4 c) { return a * b + c; });
}
double run_double(int64_t iterations) {
  return run_fma_chains<double, Double2, 12>(iterations, [](Double2 a, Double2 b, Double2 c) { return a * b + c; });
}

}  // namespace

PeakProbeVariant peak_probe_generic(DType dtype) {
  if (dtype == DType::Float64) return {&run_double, fma_chain_flops<double, Double2, 12>()};
  return {&run_float, fma_chain_flops<float, Float4, 12>()};
}

}  // namespace striate::kernels::cpu::detail
